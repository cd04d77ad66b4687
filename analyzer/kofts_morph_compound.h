/*
 * kofts_morph_compound.h - hunspell-ko's stems of a word that hunspell reads only as a
 * compound (no reading of kofts_morph_exact.h's steps 1-3), computed without libhunspell.
 *
 * What libhunspell 1.7.1 does then (SuggestMgr::suggest_morph ->
 * AffixMgr::compound_check_morph, with defcpd_check for COMPOUNDRULE), for an .aff whose
 * only compound keywords are COMPOUNDRULE, COMPOUNDMIN, COMPOUNDMORESUFFIXES,
 * ONLYINCOMPOUND and FORBIDDENWORD (hunspell-ko's): for every cut of the word w = p + rest
 * after COMPOUNDMIN characters, left to right,
 *   1. the first homonym of p (.dic order) whose flags fit a beginning of some pattern
 *      (parts so far + p) is the part; none, or a forbidden one: next cut;
 *   2. if a homonym of rest completes a pattern: the line "parts p rest", and this level
 *      returns (the caller goes on with its own next cut);
 *   3. else hunspell's affix_check of rest as a compound's end (one suffix, rules whose
 *      continuation class holds onlyincompound skipped; then two suffixes) gives the first
 *      root in its rule order; when it completes a pattern the line "parts p" is written;
 *      when that root is forbidden, next cut; else the line "parts p" is written anyway
 *      (the pattern is not checked) and no deeper search follows at this level;
 *   4. while no line was written at this level: rest is searched the same way as the
 *      next part (recursion).
 * Hunspell_stem joins a line's parts into one stem (OCONV per part); stems keep their
 * first place. kofts_morph_compound_stems does exactly this (pattern matching copied step
 * for step from defcpd_check, backtracking and its quirks included).
 *
 * Still left to hunspell (the function returns 0): a search longer than
 * KOFTS_MORPH_COMPOUND_BUDGET steps (hunspell stops its own after 50 ms of process CPU,
 * so its answer there depends on time and cannot be copied); a part that would not come
 * back from OCONV as whole syllables; more than KOFTS_MORPH_EXACT_MAX stems; and every
 * word when the .aff has anything else that acts on this path (kofts_morph_compound_note
 * says what). Read-only after loading: thread-safe.
 */
#ifndef KOFTS_MORPH_COMPOUND_H
#define KOFTS_MORPH_COMPOUND_H

#include <stddef.h>

#include "kofts_morph_exact.h"
#include "kofts_morph_filter.h"

/* Steps (cuts, homonyms and suffix rules tried) before a word is left to hunspell. The
 * longest search among the shared corpus words takes 500 steps, among 200,000 made-up
 * compounds 2,379; hunspell spends about 0.25 us a step (0.1 ms on the first, 0.56 ms on
 * the second word), so 10,000 steps stay ~20x inside its 50 ms limit. */
#define KOFTS_MORPH_COMPOUND_BUDGET 10000L

/*
 * Hunspell_stem's list for the NFC word w[0..n), for which kofts_morph_exact_word said
 * KOFTS_MORPH_EXACT_COMPOUND, into *out (syllables, hunspell's order, no repeats; may be
 * empty): 1; 0 when hunspell must be asked instead (see above).
 */
int kofts_morph_compound_stems(const kofts_morph_filter *f, const char *w, size_t n,
                               kofts_morph_stems *out);

/* The same with a budget of steps; *steps gets the steps used (tests, measurements). */
int kofts_morph_compound_run(const kofts_morph_filter *f, const char *w, size_t n, long budget,
                             kofts_morph_stems *out, long *steps);

/* "" when kofts_morph_compound_stems can answer with these files, else why not. */
const char *kofts_morph_compound_note(const kofts_morph_filter *f);

#endif
