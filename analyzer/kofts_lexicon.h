/*
 * kofts_lexicon.h - read-only word sets used by the analyzer:
 *   - the noun list generated from hunspell-ko at build time (tools/gen_lexicon.c);
 *   - a short built-in list of nouns that end in particle-like syllables, kept as a
 *     safety net when the generated list lacks them.
 * Built once per process (thread-safe), shared by every analyzer; never freed.
 */
#ifndef KOFTS_LEXICON_H
#define KOFTS_LEXICON_H

#include <stddef.h>

/* Build the sets (idempotent, thread-safe). Returns 0 or KOFTS_ENOMEM. */
int kofts_lexicon_init(void);

/* 1 if the NFC UTF-8 word s[0..n) is a known noun. kofts_lexicon_init must have run. */
int kofts_lexicon_is_noun(const char *s, size_t n);

/* Number of nouns loaded (for kofts-analyze --version and tests). */
size_t kofts_lexicon_size(void);

#endif
