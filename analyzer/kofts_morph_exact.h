/*
 * kofts_morph_exact.h - hunspell-ko's stems of a word computed without libhunspell, for
 * the words whose readings come from the dictionary word itself or a root with one or
 * two suffixes (no compound search).
 *
 * libhunspell 1.7.1's Hunspell_stem(w) converts w with ICONV, then (suggest_morph) lists
 *   1. w itself, once per homonym without the forbidden/needaffix/onlyincompound flags;
 *   2. roots R with w = R - strip + append for one SFX rule whose flag R has, whose
 *      condition R's end meets and whose continuation class has neither onlyincompound
 *      nor needaffix, walking the rules by append length, shortest first, and rules with
 *      the same append from the last line of the .aff to the first;
 *   3. the same with two rules: an outer rule whose flag is in some continuation class,
 *      then, over the outer root, an inner rule whose continuation class holds the outer
 *      flag (the inner one also without onlyincompound), root R having the inner flag;
 * and searches compounds only when all three are empty (kofts_morph_compound.h). Each
 * reading is turned back with OCONV, and repeated stems are dropped (the first stays).
 * kofts_morph_exact_word does steps 1-3 on the tables of kofts_morph_filter (conditions,
 * flags and order included), says so when they are empty, and gives up - the caller then
 * asks hunspell - when a root would not come back as whole syllables. The loader
 * (kofts_morph_filter_load) notes why the files break an assumption of this code
 * (kofts_morph_exact_note); then every word goes to hunspell. Read-only after loading: thread-safe.
 */
#ifndef KOFTS_MORPH_EXACT_H
#define KOFTS_MORPH_EXACT_H

#include <stddef.h>
#include <stdint.h>

#include "kofts_morph_filter.h"

#define KOFTS_MORPH_EXACT_MAX 32 /* stems kept; a word with more goes to hunspell */

typedef struct {
    int n;                               /* stems */
    uint16_t off[KOFTS_MORPH_EXACT_MAX]; /* stem i is buf[off[i]..off[i]+len[i]) */
    uint16_t len[KOFTS_MORPH_EXACT_MAX];
    char buf[2048];
} kofts_morph_stems;

enum {
    KOFTS_MORPH_EXACT_HUNSPELL = 0, /* hunspell must be asked */
    KOFTS_MORPH_EXACT_ANSWERED = 1, /* *out holds Hunspell_stem's list */
    KOFTS_MORPH_EXACT_COMPOUND = 2, /* steps 1-3 are empty: hunspell searches compounds
                                       (kofts_morph_compound.h) */
};

/*
 * Hunspell_stem's list for the NFC word w[0..n) into *out (syllables, hunspell's order,
 * no repeats): KOFTS_MORPH_EXACT_ANSWERED; KOFTS_MORPH_EXACT_COMPOUND when it has no
 * reading of steps 1-3; KOFTS_MORPH_EXACT_HUNSPELL when hunspell must be asked instead
 * (see above), also when w is not 1-24 Hangul syllables or the exact path is off for
 * these files.
 */
int kofts_morph_exact_word(const kofts_morph_filter *f, const char *w, size_t n,
                           kofts_morph_stems *out);

/* 1 when kofts_morph_exact_word answers w[0..n) (into *out), else 0. */
int kofts_morph_exact_stems(const kofts_morph_filter *f, const char *w, size_t n,
                            kofts_morph_stems *out);

/* "" when kofts_morph_exact_stems can answer with these files, else why not. */
const char *kofts_morph_exact_note(const kofts_morph_filter *f);

#endif
