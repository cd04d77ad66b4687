/*
 * kofts_morph_filter_int.h - the tables kofts_morph_filter.c builds from ko.aff/ko.dic,
 * shared with kofts_morph_exact.c (hunspell's own answer for words without compounds).
 * Internal to the analyzer: nothing outside analyzer/kofts_morph_*.c includes it.
 *
 *   keys   one byte arena holding every root word and every suffix append (UTF-8 jamo)
 *   roots  hash: root word -> alias index (the union of its homonyms' flag sets)
 *          | DA_LEMMA (ends in 다 and, once composed, is neither 이다/하다/되다 nor a
 *          lexicon noun) | R1_OK (some homonym lacks the forbidden, needaffix and
 *          onlyincompound flags: hunspell reads the word as itself)
 *   tails  hash: every suffix of an append that starts a character
 *   apps   hash: append string -> the last SFX line with that append; rules chain
 *          through next to the earlier ones (hunspell's order among equal appends)
 *   rules  { strip, flag, continuation alias, condition }, one per SFX line, file order
 *   sets   one flag bitset per AF alias (hunspell-ko names every flag set by an alias)
 *   conds  the distinct SFX conditions, compiled (kofts_morph_exact.c matches them)
 *   homidx hash: root word with homonyms (val HOMS) -> its first hom_t; the homonyms'
 *          own flag sets chain through next in .dic order (hunspell's next_homonym)
 *   cpd    the COMPOUNDRULE patterns: flags, '*' and '?' (kofts_morph_compound.c)
 */
#ifndef KOFTS_MORPH_FILTER_INT_H
#define KOFTS_MORPH_FILTER_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kofts_util.h"

#define DA_LEMMA    (1u << 31)
#define R1_OK       (1u << 30)
#define HOMS        (1u << 29) /* the root has homonyms: their flag sets are in f->hom */
#define ROOT_BITS   (DA_LEMMA | R1_OK | HOMS)
#define NONE        UINT32_MAX
#define MAX_JAMO    3 * 3 * 24 /* bytes of the jamo of a 24-syllable word */
#define SCRATCH     512        /* bytes for a candidate root or an intermediate form */
#define MAX_CONDS   32         /* elements of one SFX condition */
#define MAX_CPD     64         /* COMPOUNDRULE patterns (more: the compound path is off) */
#define MAX_CPD_LEN 32         /* elements of one pattern */
#define TAIL_END    (NONE - 1) /* kofts_mf_rules_ending: no append ends the word here or longer */

typedef struct {
    uint64_t h;
    uint32_t off, len; /* key bytes in f->keys */
    uint32_t val;
} hent;

typedef struct {
    hent *e;
    size_t mask, n;
    uint64_t *bloom;   /* 2 bits per key, 16 bits per key of room: most misses stop here */
    size_t bloom_mask; /* bits - 1 */
} htab;

typedef struct {
    uint32_t strip_off, strip_len; /* in f->keys */
    uint32_t next;                 /* previous rule (file order) with the same append, or NONE */
    uint32_t next_in;              /* the same among rules with a continuation class */
    uint32_t next_out;             /* the same among rules whose flag is in one */
    uint16_t flag;                 /* the rule's flag */
    uint16_t cont;                 /* alias of its continuation flags, 0 = none */
    uint16_t cond;                 /* index in f->conds (0 = no condition) */
} rule_t;

/* One condition element, matched against one character of the root's end. */
enum { COND_ANY, COND_CHAR, COND_SET, COND_NOTSET };
typedef struct {
    uint8_t kind;   /* COND_* */
    uint16_t nset;  /* COND_SET/NOTSET: characters at cps[first..first+nset) */
    uint32_t first; /* COND_CHAR: the character; sets: index in f->cps */
} cond_elem;

typedef struct {
    uint32_t alias; /* this homonym's flag set */
    uint32_t next;  /* the next homonym (later .dic line), or NONE */
} hom_t;

typedef struct {
    uint32_t src_off, src_len; /* the condition as written, in f->keys */
    uint8_t n;                 /* elements, e[0] is the leftmost */
    cond_elem e[MAX_CONDS];
} cond_t;

struct kofts_morph_filter {
    kofts_buf keys;
    htab roots, apps;
    htab inner, outer; /* apps of rules that may be the inner / outer of two suffixes */
    htab tails;        /* every suffix of an append starting a character (val unused) */
    rule_t *rules;
    size_t nrules, caprules;
    uint64_t *sets;         /* nalias * nw words; alias 0 is the empty set */
    size_t nalias;          /* AF aliases + 1 (+ unions made for repeated roots) */
    size_t capalias;        /* allocated aliases */
    size_t nw;              /* 64-bit words per set */
    uint64_t *conts;        /* union of all continuation sets: flags that can be an outer suffix */
    size_t max_app;         /* longest append, bytes */
    size_t max_in, max_out; /* the same in inner / outer */
    cond_t *conds;          /* conds[0] is the empty condition */
    size_t nconds, capconds;
    int32_t *cps; /* characters of the condition sets */
    size_t ncps, capcps;
    unsigned forbidden, needaffix, onlyincompound; /* flags (0 = not set) */
    uint64_t iconv_seen[11172 / 64 + 1];           /* syllables with an ICONV pair */
    uint64_t oconv_seen[11172 / 64 + 1];           /* the same for OCONV */
    char exact_why[160]; /* why kofts_morph_exact cannot answer ("" = it can) */
    htab homidx;         /* roots with homonyms -> index of the first in hom */
    hom_t *hom;
    size_t nhom, caphom;
    uint16_t cpd[MAX_CPD][MAX_CPD_LEN]; /* COMPOUNDRULE patterns ('*' = 42, '?' = 63) */
    uint8_t cpdlen[MAX_CPD];
    size_t ncpd;
    int cpd_tables;         /* COMPOUNDRULE table headers seen */
    int cpdmin;             /* COMPOUNDMIN (hunspell: 3 when absent, at least 1) */
    int have_cont;          /* some SFX rule has a continuation class */
    char compound_why[160]; /* why kofts_morph_compound cannot answer ("" = it can) */
};

/* The value stored for s[0..n) in t, or NONE. */
uint32_t kofts_mf_get(const htab *t, const kofts_buf *keys, const char *s, size_t n);

/* The same with h = kofts_mf_hash(s, n) already known. */
uint32_t kofts_mf_get_h(const htab *t, const kofts_buf *keys, const char *s, size_t n, uint64_t h);

/* The hash the tables use for s[0..n) (never 0). */
uint64_t kofts_mf_hash(const char *s, size_t n);

/* 1 if flag set alias has flag. */
static inline int kofts_mf_has_flag(const struct kofts_morph_filter *f, uint32_t alias,
                                    unsigned flag)
{
    return flag / 64 < f->nw && (f->sets[alias * f->nw + flag / 64] >> (flag % 64) & 1);
}

/* s[0..n) with its last cut bytes replaced by the strip of rule r, into out (SCRATCH
 * bytes); its length, or 0 when too long. */
static inline size_t kofts_mf_unstrip(const struct kofts_morph_filter *f, const char *s, size_t n,
                                      size_t cut, const rule_t *r, char *out)
{
    size_t keep = n - cut;
    if (keep + r->strip_len > SCRATCH)
        return 0;
    memcpy(out, s, keep);
    memcpy(out + keep, f->keys.data + r->strip_off, r->strip_len);
    return keep + r->strip_len;
}

/* Record the first reason why kofts_morph_compound cannot answer (f->compound_why). */
void kofts_mf_compound_off(struct kofts_morph_filter *f, const char *what, const char *detail);

/* The loader's hooks for kofts_morph_compound.c: one COMPOUNDRULE pattern as written,
 * and one keyword line of the .aff. */
void kofts_mf_add_cpdrule(struct kofts_morph_filter *f, const char *text);
void kofts_mf_compound_keyword(struct kofts_morph_filter *f, char **tok, int nt);

/* Remember homonym alias of root r[0..n) (a later .dic line of a word already seen,
 * whose first line had alias first; first_time: r has no homonym list yet). 0 or
 * KOFTS_ENOMEM. */
int kofts_mf_add_homonym(struct kofts_morph_filter *f, const char *r, size_t n, uint32_t first,
                         uint32_t alias, int first_time);

/* The last .aff rule whose append is the last cut bytes of s[0..n) (earlier ones through
 * next), NONE when there is none, TAIL_END when no longer cut has one either. */
uint32_t kofts_mf_rules_ending(const struct kofts_morph_filter *f, const char *s, size_t n,
                               size_t cut);

/* 1 if the end of s[0..n) meets condition c (n > 0). */
int kofts_mf_cond_ok(const struct kofts_morph_filter *f, const cond_t *c, const char *s, size_t n);

/* The jamo of the NFC word w[0..n) (1-24 Hangul syllables) into j (MAX_JAMO bytes);
 * its length, or 0 when w is not such a word. */
size_t kofts_mf_word_jamo(const char *w, size_t n, char *j);

/* Conjoining jamo of syllable cp into out; bytes written. */
size_t kofts_mf_decompose(int32_t cp, char *out);

/* Syllables of the jamo string j[0..n) into out (>= n bytes); 0 when j is not whole
 * syllables (L V [T]). */
size_t kofts_mf_compose(const char *j, size_t n, char *out);

/* Record the first reason why kofts_morph_exact cannot answer (in f->exact_why). */
void kofts_mf_exact_off(struct kofts_morph_filter *f, const char *what, const char *detail);

/* Compile SFX condition text (as written in the .aff) into f->conds; its index, or
 * 0 with why set (f->exact_why) when kofts_morph_exact cannot model it. */
uint16_t kofts_mf_add_cond(struct kofts_morph_filter *f, const char *text);

#endif
