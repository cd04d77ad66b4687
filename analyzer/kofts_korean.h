/*
 * kofts_korean.h - Korean word filters on precomposed Hangul (U+AC00..U+D7A3):
 * particle/ending stripping with final-consonant (jongseong) conditions, and noun
 * decompounding over the lexicon. Words travel as NFC UTF-8; every syllable is
 * exactly 3 bytes, so syllable i is bytes [3i, 3i+3).
 */
#ifndef KOFTS_KOREAN_H
#define KOFTS_KOREAN_H

#include <stddef.h>

#define KOFTS_KO_MAX_SYL    24 /* longer words are neither stripped nor decompounded */
#define KOFTS_KO_MAX_PIECES 8

/* 1 if s[0..n) is non-empty and entirely precomposed Hangul syllables. */
int kofts_ko_is_hangul(const char *s, size_t n);

/* The verb a removed ending belonged to (하다/되다/시키다/당하다 after a verbal noun). */
enum {
    KOFTS_KO_FAM_NONE = 0, /* a particle, or nothing removed */
    KOFTS_KO_FAM_HA,       /* 발표했다, 중요한, 비판했나요 -> 하다 */
    KOFTS_KO_FAM_DOE,      /* 구속된, 취소됐나요 -> 되다 */
    KOFTS_KO_FAM_SIKI,     /* 발전시켰다 -> 시키다 */
    KOFTS_KO_FAM_DANG,     /* 구속당했다 -> 당하다 (only after a known noun) */
};

/*
 * The stem of a Hangul word of nsyl syllables (w holds 3*nsyl bytes): the number of
 * leading syllables left after removing a particle/ending, or nsyl when nothing is
 * removed (known nouns, words too short for the rule, no rule matches). *family gets
 * the KOFTS_KO_FAM_* of the removed ending (NONE for particles).
 */
size_t kofts_ko_stem(const char *w, size_t nsyl, int *family);

/* "하다", "되다", "시키다", "당하다" for a KOFTS_KO_FAM_* value; "" for NONE. Static. */
const char *kofts_ko_family_verb(int family);

/* 1 if the whole word is a particle (의, 를, 에서, ...): dropped when it stands alone. */
int kofts_ko_is_particle(const char *w, size_t nsyl);

/*
 * Split a stem of nsyl syllables into known nouns. On success returns the number of
 * pieces (>= 2) and writes the syllable index where each piece starts to starts[]
 * (starts[0] == 0); returns 0 when the stem is not split. See kofts_korean.c for
 * the rules.
 */
size_t kofts_ko_decompound(const char *w, size_t nsyl, size_t starts[KOFTS_KO_MAX_PIECES]);

/* 1 if the first syllable of w is a negating prefix (비, 탈, 반, 무, 불, 미, 몰). */
int kofts_ko_negating_prefix(const char *w);

#endif
