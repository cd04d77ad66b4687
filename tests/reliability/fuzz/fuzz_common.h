/*
 * fuzz_common.h - shared helpers for the kofts fuzz targets: a fatal-check macro that
 * names the broken property (libFuzzer turns the abort() into a saved crash input),
 * and a UTF-8 boundary map of an input built with kofts_utf8_decode (an invalid byte
 * counts as a one-byte unit, as the analyzer treats it).
 */
#ifndef KOFTS_FUZZ_COMMON_H
#define KOFTS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_util.h"

/* Abort with the property and a location when cond is false. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz property failed at %s:%d: %s: ", __FILE__, __LINE__, #cond);     \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/*
 * Fill map[0..len] (len + 1 bytes, caller-allocated) with 1 where a character (or an
 * invalid byte) starts and at len, 0 inside a multi-byte character.
 */
static inline void fuzz_utf8_boundaries(const char *s, size_t len, unsigned char *map)
{
    memset(map, 0, len + 1);
    for (size_t i = 0; i < len;) {
        size_t adv = 1;
        (void)kofts_utf8_decode(s, len, i, &adv);
        map[i] = 1;
        i += adv ? adv : 1;
    }
    map[len] = 1;
}

#endif /* KOFTS_FUZZ_COMMON_H */
