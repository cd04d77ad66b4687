/*
 * kofts_hanja_table.h - the generated Hanja -> Hangul reading table (see
 * tools/gen_hanja.c). Sorted by ideograph; read-only, static storage.
 */
#ifndef KOFTS_HANJA_TABLE_H
#define KOFTS_HANJA_TABLE_H

#include <stdint.h>

typedef struct {
    uint32_t han;    /* ideograph code point */
    uint32_t hangul; /* its first Hangul reading (one syllable) */
} kofts_hanja_entry;

extern const kofts_hanja_entry kofts_hanja_table[];
extern const unsigned long kofts_hanja_count;

#endif
