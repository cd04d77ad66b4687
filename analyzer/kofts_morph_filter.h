/*
 * kofts_morph_filter.h - which Hangul words hunspell-ko cannot give a reading that
 * kofts_morph keeps, decided from the dictionary's own affix rules (no hunspell call).
 *
 * kofts_morph keeps two things from Hunspell_stem's readings of a word w: (a) a reading
 * ending in 다 that is not a grammar lemma (이다/하다/되다) nor a lexicon noun, and (b) a
 * lexicon noun of >= 2 syllables that is a proper prefix of w. With the hunspell-ko
 * affix file (suffixes only, compounds only through COMPOUNDRULE, no morphological
 * fields, ICONV/OCONV = Hangul syllable <-> jamo) a reading of w is one of:
 *   r1  w itself (a dictionary word, or a compound whose last part is a bare word);
 *   r2  a dictionary root R with w = R - strip + append, once or twice (two-fold
 *       suffixes: the outer rule's flag in the inner rule's continuation class);
 *   r3  a jamo prefix of w (the bare words of a compound before its last part), when the
 *       rest of w is a dictionary root with one or two suffixes.
 * kofts_morph_filter_may_keep returns 0 only when no reading of these shapes can pass (a)
 * or (b); each test only drops conditions hunspell adds (rule conditions, compound rules,
 * forbidden words), so it is a superset of what hunspell can return. The loader checks
 * every assumption above in the .aff/.dic it reads and refuses (why names it) otherwise;
 * the caller then asks hunspell for every word. Read-only after loading: thread-safe.
 */
#ifndef KOFTS_MORPH_FILTER_H
#define KOFTS_MORPH_FILTER_H

#include <stddef.h>

typedef struct kofts_morph_filter kofts_morph_filter;

/*
 * Build the filter from the hunspell files aff_path/dic_path (the ones hunspell loaded).
 * Needs kofts_lexicon_init() done. Returns 0 and *out (free with
 * kofts_morph_filter_free), KOFTS_ENOMEM, or KOFTS_EINVAL with why[0..whylen) saying
 * which assumption the files break (or KOFTS_EIO: unreadable file).
 */
int kofts_morph_filter_load(kofts_morph_filter **out, const char *aff_path, const char *dic_path,
                            char *why, size_t whylen);

/*
 * 0 when hunspell cannot give the NFC word w[0..n) a reading kofts_morph keeps (so it need
 * not be asked), 1 when it may (or when w is not all Hangul syllables, or too long).
 */
int kofts_morph_filter_may_keep(const kofts_morph_filter *f, const char *w, size_t n);

/* Release the filter (NULL is fine). */
void kofts_morph_filter_free(kofts_morph_filter *f);

#endif
