/*
 * kofts_morph.h - verb and adjective lemmas from hunspell-ko through libhunspell.
 *
 * The fast rules (kofts_korean.c) cover nouns with particles and the 하다/되다 family;
 * everything else that inflects (irregular ㅂ/ㄷ/ㅅ/르/ㅎ/러/우/으/여 stems, honorific
 * -시-, tense, contractions, question endings) is reduced here to dictionary forms
 * (가벼운 -> 가볍다, 물었다 -> 묻다 and 물다, 가셨다 -> 가다 and 가시다).
 *
 * Hunspell handles are loaded on first use (about 0.4 s and 55 MB each for
 * ko.aff/ko.dic; with the compound path on, only when a word needs hunspell): one per process, plus
 * one more each time every loaded handle is busy in another thread, up to one per core (at most 4).
 * libhunspell keeps per-call state in the handle, so each serves one call at a time. It answers
 * about 30-50 thousand words a second, so answers are cached per process (and kofts_analyzer.c
 * keeps them in its word cache).
 */
#ifndef KOFTS_MORPH_H
#define KOFTS_MORPH_H

#include <stddef.h>

#define KOFTS_MORPH_MAX_LEMMAS  3
#define KOFTS_MORPH_LEMMA_BYTES 64 /* all lemmas, each followed by a NUL */

typedef struct {
    unsigned char nlemma; /* verb/adjective lemmas found (0..KOFTS_MORPH_MAX_LEMMAS) */
    unsigned char noun;   /* syllables of a noun + particle reading (정부로선 -> 2), or 0 */
    char lemmas[KOFTS_MORPH_LEMMA_BYTES]; /* "가다\0가시다\0", nlemma strings */
} kofts_morph_result;

/*
 * Analyse the NFC Hangul word w[0..n) (n = 3 * syllables, at most 24 syllables).
 * Lemmas end in 다, have >= 2 syllables and are not known nouns; the copula and
 * the bare 하다/되다 are left out (they carry no meaning of their own). Returns 0
 * (also when the dictionary is missing: then *out is empty), or KOFTS_EINVAL.
 * Thread-safe.
 */
int kofts_morph_analyze(const char *w, size_t n, kofts_morph_result *out);

/*
 * 1 if the hunspell-ko dictionary could be loaded (loads it on the first call).
 * The directory is KOFTS_HUNSPELL_DIR from the build (/usr/share/hunspell on Debian),
 * or the environment variable KOFTS_HUNSPELL_DIR when set; ko_KR.aff/.dic first,
 * then ko.aff/.dic.
 */
int kofts_morph_available(void);

/* Load the dictionary now (once per process) instead of on first need. */
void kofts_morph_preload(void);

/* Hunspell handles loaded so far (0 without a dictionary, and 0 while every word was
 * answered without hunspell; grows with concurrent callers). */
int kofts_morph_handles(void);

/* The .aff path in use, or a message saying why none could be loaded. Static. */
const char *kofts_morph_source(void);

/*
 * "" when words hunspell cannot give a kept reading skip the hunspell call (the affix
 * filter of kofts_morph_filter.h, built from the same .aff/.dic), else why not ("off
 * (...)": the files break one of its assumptions, or KOFTS_MORPH_FILTER=0). Static.
 */
const char *kofts_morph_filter_note(void);

/*
 * "" when words without a compound reading are answered by kofts_morph_exact.h (an
 * exact re-implementation of hunspell's suffix check, same answers) instead of
 * hunspell, else why not ("off (...)": no affix filter, the files break one of its
 * assumptions, or KOFTS_MORPH_EXACT=0). Static.
 */
const char *kofts_morph_exact_status(void);

/*
 * "" when words hunspell reads only as compounds are answered by kofts_morph_compound.h
 * (an exact re-implementation of hunspell's COMPOUNDRULE search, same answers) instead
 * of hunspell, else why not ("off (...)": the exact path is off, the files break one of
 * its assumptions, or KOFTS_MORPH_COMPOUND=0). Static.
 */
const char *kofts_morph_compound_status(void);

/*
 * kofts_morph_analyze without the answer cache, the affix filter, the exact path and
 * the compound path: hunspell is asked every time. For tests that prove the filter changes no
 * answer.
 */
int kofts_morph_analyze_direct(const char *w, size_t n, kofts_morph_result *out);

#endif
