/*
 * kofts_gen.c - kofts-gen: a synthetic Korean article generator for scale benchmarks.
 *
 * It learns word (eojeol) unigram and bigram counts from real JSON-lines corpora
 * given on the command line, then writes N articles drawn from that model, plus
 * optional query files drawn from the same model.
 *
 *   JSONL files --> learn(): split "body" and "title" on blanks into eojeol
 *                   (particles stay attached, as written), count words and
 *                   word pairs; a sentence start is the pseudo-word <s> (id 0)
 *               --> build(): per word, its successors sorted by count with a
 *                   cumulative array; all words sorted by count (unigram table)
 *               --> generate(): per document a private RNG seeded from
 *                   (seed, doc number); next word = bigram draw from the
 *                   previous word, unigram draw when it has no successor or
 *                   with a small "jump" probability (more variety, shorter
 *                   verbatim runs of the source text)
 *
 * Word choice follows the learned counts, so vocabulary is Zipf-distributed as in
 * the source. Output is deterministic for given inputs (in the given order) and
 * seed, and document i does not depend on N (10k docs are a prefix of 100k).
 * Memory is bounded by the size of the learning corpora: output is streamed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "kofts_analyzer.h"
#include "kofts_util.h"

#define PROG                 "kofts-gen"
#define MAX_WORD_BYTES       64   /* longer blank-separated tokens are URLs or junk: skipped */
#define MAX_SENT_WORDS       28   /* a generated sentence is cut after this many words */
#define MAX_CATEGORIES       4096 /* distinct categories kept */
#define BODY_JUMP_PER_MILLE  80   /* chance of a unigram draw instead of a bigram one */
#define TITLE_JUMP_PER_MILLE 250
#define PARA_BREAK           UINT32_MAX /* marker in a generated word stream */

/* ------------------------------------------------------------------------ */
/* Random numbers: splitmix64 to seed, xoshiro256** to draw (public domain     */
/* algorithms by Vigna and Blackman; written here from their description).    */

typedef struct {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed * 0xD1342543DE82EF95ULL + stream;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* A draw in [0, n); n > 0. For n < 2^32 a multiply-shift of the high 32 bits
 * (no division, bias below 2^-32 * n, negligible here); else a modulo. */
static uint64_t rng_below(rng *r, uint64_t n)
{
    uint64_t x = rng_next(r);
    if (n <= UINT32_MAX)
        return ((x >> 32) * n) >> 32;
    return x % n;
}

/* A draw in [lo, hi]. */
static uint64_t rng_range(rng *r, uint64_t lo, uint64_t hi)
{
    return lo + rng_below(r, hi - lo + 1);
}

/* ------------------------------------------------------------------------ */
/* The model.                                                                 */
/*                                                                            */
/*   words:  id -> (offset into arena, length, count); id 0 is <s>            */
/*   wslot:  open-addressing hash, slot -> id + 1 (0 = empty)                 */
/*   pairs:  open-addressing hash, key (prev << 32 | next) + 1 -> count       */
/*   after build():                                                           */
/*   succ_start[prev] .. succ_start[prev + 1]  indexes succ_word/prob/alias,  */
/*   successors by count descending, with a Walker alias table per prev      */
/*   uni_word / uni_prob / uni_alias: all words but <s> by count descending, */
/*   with one alias table over them                                           */
/*                                                                            */
/* An alias table (Walker 1977, Vose 1991) draws from n weighted items in     */
/* O(1): pick a column j uniformly, keep j with probability prob[j] / 2^32,   */
/* else take alias[j]. Two memory reads per word instead of a binary search. */

typedef struct {
    kofts_buf arena;   /* word bytes, back to back */
    uint32_t *w_off;   /* owned; offset of word id in arena */
    uint16_t *w_len;   /* owned; its length in bytes */
    uint32_t *w_count; /* owned; occurrences */
    uint32_t nwords;
    uint32_t capwords;
    uint32_t *wslot; /* owned; hash slots */
    uint32_t nwslot; /* power of two */
    uint64_t *p_key; /* owned; pair slots, 0 = empty */
    uint32_t *p_count;
    uint32_t npairs;
    uint32_t npslot;      /* power of two */
    uint64_t ntokens;     /* words counted */
    uint32_t *succ_start; /* owned; nwords + 1 entries */
    uint32_t *succ_word;  /* owned; npairs entries */
    uint32_t *succ_prob;  /* owned; npairs entries, keep-threshold out of 2^32 */
    uint32_t *succ_alias; /* owned; npairs entries, index relative to succ_start[prev] */
    uint32_t *uni_word;   /* owned; nwords - 1 entries */
    uint32_t *uni_prob;   /* owned */
    uint32_t *uni_alias;  /* owned */
    uint32_t nuni;
    uint8_t *w_final; /* owned; 1 if the word ends a sentence (after build) */
} model;

static int model_init(model *m)
{
    memset(m, 0, sizeof *m);
    m->capwords = 1024;
    m->nwslot = 2048;
    m->npslot = 4096;
    m->w_off = malloc(m->capwords * sizeof *m->w_off);
    m->w_len = malloc(m->capwords * sizeof *m->w_len);
    m->w_count = malloc(m->capwords * sizeof *m->w_count);
    m->wslot = calloc(m->nwslot, sizeof *m->wslot);
    m->p_key = calloc(m->npslot, sizeof *m->p_key);
    m->p_count = calloc(m->npslot, sizeof *m->p_count);
    if (!m->w_off || !m->w_len || !m->w_count || !m->wslot || !m->p_key || !m->p_count)
        return KOFTS_ENOMEM;
    /* id 0: the sentence start <s>, an empty word that is never drawn. */
    m->w_off[0] = 0;
    m->w_len[0] = 0;
    m->w_count[0] = 0;
    m->nwords = 1;
    return 0;
}

static void model_free(model *m)
{
    kofts_buf_free(&m->arena);
    free(m->w_off);
    free(m->w_len);
    free(m->w_count);
    free(m->wslot);
    free(m->p_key);
    free(m->p_count);
    free(m->succ_start);
    free(m->succ_word);
    free(m->succ_prob);
    free(m->succ_alias);
    free(m->uni_word);
    free(m->uni_prob);
    free(m->uni_alias);
    free(m->w_final);
    memset(m, 0, sizeof *m);
}

static const char *word_ptr(const model *m, uint32_t id)
{
    return m->arena.data + m->w_off[id];
}

static int grow_words(model *m)
{
    uint32_t cap = m->capwords * 2;
    uint32_t *off = realloc(m->w_off, cap * sizeof *off);
    if (!off)
        return KOFTS_ENOMEM;
    m->w_off = off;
    uint16_t *len = realloc(m->w_len, cap * sizeof *len);
    if (!len)
        return KOFTS_ENOMEM;
    m->w_len = len;
    uint32_t *cnt = realloc(m->w_count, cap * sizeof *cnt);
    if (!cnt)
        return KOFTS_ENOMEM;
    m->w_count = cnt;
    m->capwords = cap;
    return 0;
}

static int grow_wslots(model *m)
{
    uint32_t n = m->nwslot * 2;
    uint32_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return KOFTS_ENOMEM;
    for (uint32_t id = 1; id < m->nwords; id++) {
        uint64_t h = kofts_fnv1a64(word_ptr(m, id), m->w_len[id]);
        uint32_t i = (uint32_t)h & (n - 1);
        while (slots[i])
            i = (i + 1) & (n - 1);
        slots[i] = id + 1;
    }
    free(m->wslot);
    m->wslot = slots;
    m->nwslot = n;
    return 0;
}

/*
 * Find or add the word s[0..n) (1 <= n <= MAX_WORD_BYTES). Stores its id in *id.
 * Returns 0 or KOFTS_ENOMEM / KOFTS_EINVAL (vocabulary full).
 */
static int intern(model *m, const char *s, size_t n, uint32_t *id)
{
    uint64_t h = kofts_fnv1a64(s, n);
    uint32_t i = (uint32_t)h & (m->nwslot - 1);
    while (m->wslot[i]) {
        uint32_t cand = m->wslot[i] - 1;
        if (m->w_len[cand] == n && memcmp(word_ptr(m, cand), s, n) == 0) {
            *id = cand;
            return 0;
        }
        i = (i + 1) & (m->nwslot - 1);
    }
    if (m->nwords >= UINT32_MAX / 4 || m->arena.len + n >= UINT32_MAX)
        return KOFTS_EINVAL;
    if (m->nwords == m->capwords && grow_words(m))
        return KOFTS_ENOMEM;
    uint32_t nid = m->nwords;
    m->w_off[nid] = (uint32_t)m->arena.len;
    m->w_len[nid] = (uint16_t)n;
    m->w_count[nid] = 0;
    if (kofts_buf_append(&m->arena, s, n))
        return KOFTS_ENOMEM;
    m->nwords++;
    m->wslot[i] = nid + 1;
    if ((uint64_t)m->nwords * 2 > m->nwslot && grow_wslots(m))
        return KOFTS_ENOMEM;
    *id = nid;
    return 0;
}

/* The id of the word s[0..n), or UINT32_MAX if it was never seen. */
static uint32_t lookup(const model *m, const char *s, size_t n)
{
    uint32_t i = (uint32_t)kofts_fnv1a64(s, n) & (m->nwslot - 1);
    while (m->wslot[i]) {
        uint32_t cand = m->wslot[i] - 1;
        if (m->w_len[cand] == n && memcmp(word_ptr(m, cand), s, n) == 0)
            return cand;
        i = (i + 1) & (m->nwslot - 1);
    }
    return UINT32_MAX;
}

static uint64_t pair_hash(uint64_t key)
{
    key ^= key >> 33;
    key *= 0xFF51AFD7ED558CCDULL;
    key ^= key >> 33;
    return key;
}

static int grow_pairs(model *m)
{
    uint32_t n = m->npslot * 2;
    uint64_t *keys = calloc(n, sizeof *keys);
    uint32_t *counts = calloc(n, sizeof *counts);
    if (!keys || !counts) {
        free(keys);
        free(counts);
        return KOFTS_ENOMEM;
    }
    for (uint32_t j = 0; j < m->npslot; j++) {
        if (!m->p_key[j])
            continue;
        uint32_t i = (uint32_t)pair_hash(m->p_key[j]) & (n - 1);
        while (keys[i])
            i = (i + 1) & (n - 1);
        keys[i] = m->p_key[j];
        counts[i] = m->p_count[j];
    }
    free(m->p_key);
    free(m->p_count);
    m->p_key = keys;
    m->p_count = counts;
    m->npslot = n;
    return 0;
}

static int add_pair(model *m, uint32_t prev, uint32_t next)
{
    uint64_t key = (((uint64_t)prev << 32) | next) + 1;
    uint32_t i = (uint32_t)pair_hash(key) & (m->npslot - 1);
    while (m->p_key[i] && m->p_key[i] != key)
        i = (i + 1) & (m->npslot - 1);
    if (m->p_key[i]) {
        if (m->p_count[i] < UINT32_MAX)
            m->p_count[i]++;
        return 0;
    }
    m->p_key[i] = key;
    m->p_count[i] = 1;
    m->npairs++;
    if ((uint64_t)m->npairs * 2 > m->npslot)
        return grow_pairs(m);
    return 0;
}

/* 1 if the eojeol w[0..n) ends a sentence: . ? ! possibly followed by closing quotes. */
static int ends_sentence(const char *w, size_t n)
{
    while (n > 0) {
        unsigned char c = (unsigned char)w[n - 1];
        if (c == '"' || c == '\'' || c == ')') {
            n--;
        } else if (n >= 3 && (unsigned char)w[n - 3] == 0xE2 && (unsigned char)w[n - 2] == 0x80 &&
                   (c == 0x9D || c == 0x99)) {
            n -= 3; /* ” or ’ */
        } else {
            return c == '.' || c == '?' || c == '!';
        }
    }
    return 0;
}

/* Length of the blank at s[i]: ASCII space/tab/CR/LF, U+00A0 or U+3000; 0 if none. */
static size_t blank_len(const char *s, size_t n, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        return 1;
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)
        return 2;
    if (c == 0xE3 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
        (unsigned char)s[i + 2] == 0x80)
        return 3;
    return 0;
}

/*
 * Count the eojeol of text[0..n) and their pairs into m. A new line or a
 * sentence-final word starts a new sentence (<s>). Returns 0 or a KOFTS_E* code.
 */
static int learn_text(model *m, const char *text, size_t n)
{
    uint32_t prev = 0;
    size_t i = 0;
    while (i < n) {
        size_t bl = blank_len(text, n, i);
        if (bl) {
            if (text[i] == '\n')
                prev = 0;
            i += bl;
            continue;
        }
        size_t start = i;
        while (i < n && !blank_len(text, n, i))
            i++;
        size_t len = i - start;
        if (len > MAX_WORD_BYTES || !kofts_utf8_valid(text + start, len)) {
            prev = 0;
            continue;
        }
        uint32_t id;
        int rc = intern(m, text + start, len, &id);
        if (rc)
            return rc;
        if (m->w_count[id] < UINT32_MAX)
            m->w_count[id]++;
        m->ntokens++;
        if ((rc = add_pair(m, prev, id)))
            return rc;
        prev = ends_sentence(text + start, len) ? 0 : id;
    }
    return 0;
}

/* Sorting helpers for build(); ties broken by id so the order is deterministic. */
typedef struct {
    uint32_t prev, next, count;
} pair_ent;

static int cmp_pair(const void *a, const void *b)
{
    const pair_ent *x = a, *y = b;
    if (x->prev != y->prev)
        return x->prev < y->prev ? -1 : 1;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->next < y->next ? -1 : (x->next > y->next);
}

static const uint32_t *sort_counts; /* for cmp_uni (qsort has no context argument) */

static int cmp_uni(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (sort_counts[x] != sort_counts[y])
        return sort_counts[x] > sort_counts[y] ? -1 : 1;
    return x < y ? -1 : (x > y);
}

/*
 * Fill the alias table prob/alias for weights w[0..n) (n >= 1, sum > 0), using
 * scratch p (n doubles), small and large (n entries each). Vose's method.
 */
static void build_alias(const uint32_t *w, uint32_t n, uint32_t *prob, uint32_t *alias, double *p,
                        uint32_t *small, uint32_t *large)
{
    double total = 0;
    for (uint32_t j = 0; j < n; j++)
        total += w[j];
    uint32_t ns = 0, nl = 0;
    for (uint32_t j = 0; j < n; j++) {
        p[j] = (double)w[j] * n / total;
        if (p[j] < 1.0)
            small[ns++] = j;
        else
            large[nl++] = j;
    }
    while (ns && nl) {
        uint32_t sm = small[--ns], lg = large[nl - 1];
        double scaled = p[sm] * 4294967296.0;
        prob[sm] = scaled >= 4294967295.0 ? UINT32_MAX : (uint32_t)scaled;
        alias[sm] = lg;
        p[lg] = (p[lg] + p[sm]) - 1.0;
        if (p[lg] < 1.0) {
            nl--;
            small[ns++] = lg;
        }
    }
    while (nl) {
        uint32_t lg = large[--nl];
        prob[lg] = UINT32_MAX;
        alias[lg] = lg;
    }
    while (ns) { /* rounding leftovers: keep themselves */
        uint32_t sm = small[--ns];
        prob[sm] = UINT32_MAX;
        alias[sm] = sm;
    }
}

/*
 * Turn the counting hashes into draw tables (succ_*, uni_*) and free the pair hash
 * (the word hash stays, for lookup()).
 * Returns 0, KOFTS_ENOMEM, or KOFTS_EINVAL when nothing was learned.
 */
static int model_build(model *m)
{
    int rc = 0;
    pair_ent *ents = NULL;
    uint32_t *weights = NULL, *small = NULL, *large = NULL;
    double *scratch = NULL;
    if (m->nwords < 2)
        return KOFTS_EINVAL;
    size_t npairs = m->npairs ? m->npairs : 1;
    weights = malloc((size_t)m->nwords * sizeof *weights);
    small = malloc((size_t)m->nwords * sizeof *small);
    large = malloc((size_t)m->nwords * sizeof *large);
    scratch = malloc((size_t)m->nwords * sizeof *scratch);
    ents = malloc(npairs * sizeof *ents);
    m->succ_start = calloc((size_t)m->nwords + 1, sizeof *m->succ_start);
    m->succ_word = malloc(npairs * sizeof *m->succ_word);
    m->succ_prob = malloc(npairs * sizeof *m->succ_prob);
    m->succ_alias = malloc(npairs * sizeof *m->succ_alias);
    m->uni_word = malloc((size_t)m->nwords * sizeof *m->uni_word);
    m->uni_prob = malloc((size_t)m->nwords * sizeof *m->uni_prob);
    m->uni_alias = malloc((size_t)m->nwords * sizeof *m->uni_alias);
    m->w_final = malloc(m->nwords);
    if (!weights || !small || !large || !scratch || !m->w_final || !ents || !m->succ_start ||
        !m->succ_word || !m->succ_prob || !m->succ_alias || !m->uni_word || !m->uni_prob ||
        !m->uni_alias) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    uint32_t k = 0;
    for (uint32_t j = 0; j < m->npslot; j++) {
        if (!m->p_key[j])
            continue;
        uint64_t key = m->p_key[j] - 1;
        ents[k].prev = (uint32_t)(key >> 32);
        ents[k].next = (uint32_t)key;
        ents[k].count = m->p_count[j];
        k++;
    }
    qsort(ents, k, sizeof *ents, cmp_pair);
    for (uint32_t j = 0; j < k; j++) {
        m->succ_start[ents[j].prev + 1]++;
        m->succ_word[j] = ents[j].next;
    }
    for (uint32_t id = 0; id < m->nwords; id++)
        m->succ_start[id + 1] += m->succ_start[id];
    for (uint32_t id = 0; id < m->nwords; id++) {
        uint32_t a = m->succ_start[id], n = m->succ_start[id + 1] - a;
        if (n == 0)
            continue;
        for (uint32_t j = 0; j < n; j++)
            weights[j] = ents[a + j].count;
        build_alias(weights, n, m->succ_prob + a, m->succ_alias + a, scratch, small, large);
    }

    m->nuni = 0;
    m->w_final[0] = 0;
    for (uint32_t id = 1; id < m->nwords; id++) {
        m->uni_word[m->nuni++] = id;
        m->w_final[id] = (uint8_t)ends_sentence(word_ptr(m, id), m->w_len[id]);
    }
    sort_counts = m->w_count;
    qsort(m->uni_word, m->nuni, sizeof *m->uni_word, cmp_uni);
    for (uint32_t j = 0; j < m->nuni; j++)
        weights[j] = m->w_count[m->uni_word[j]];
    build_alias(weights, m->nuni, m->uni_prob, m->uni_alias, scratch, small, large);
    free(m->p_key);
    free(m->p_count);
    m->p_key = NULL;
    m->p_count = NULL;
done:
    free(ents);
    free(weights);
    free(small);
    free(large);
    free(scratch);
    return rc;
}

/* An index in [0, n) drawn from the alias table prob/alias (one 64-bit draw). */
static uint32_t draw_alias(const uint32_t *prob, const uint32_t *alias, uint32_t n, rng *r)
{
    uint64_t x = rng_next(r);
    uint32_t j = (uint32_t)(((x >> 32) * n) >> 32);
    return (uint32_t)x < prob[j] ? j : alias[j];
}

static uint32_t draw_unigram(const model *m, rng *r)
{
    return m->uni_word[draw_alias(m->uni_prob, m->uni_alias, m->nuni, r)];
}

/* The next word after prev: a bigram draw, or a unigram one (no successor, or a jump). */
static uint32_t draw_next(const model *m, rng *r, uint32_t prev, unsigned jump_per_mille)
{
    uint32_t a = m->succ_start[prev], b = m->succ_start[prev + 1];
    if (a == b || (prev != 0 && rng_below(r, 1000) < jump_per_mille))
        return draw_unigram(m, r);
    return m->succ_word[a + draw_alias(m->succ_prob + a, m->succ_alias + a, b - a, r)];
}

/* ------------------------------------------------------------------------ */
/* Categories and dates.                                                      */

typedef struct {
    char *name[MAX_CATEGORIES]; /* owned */
    uint32_t count[MAX_CATEGORIES];
    uint64_t cum[MAX_CATEGORIES];
    uint32_t n;
    int year_min, year_max; /* learned from "date"; 0 if none */
} meta_model;

static void meta_free(meta_model *mm)
{
    for (uint32_t i = 0; i < mm->n; i++)
        free(mm->name[i]);
    mm->n = 0;
}

static int meta_add_category(meta_model *mm, const char *s)
{
    if (!s || !*s)
        return 0;
    for (uint32_t i = 0; i < mm->n; i++) {
        if (strcmp(mm->name[i], s) == 0) {
            mm->count[i]++;
            return 0;
        }
    }
    if (mm->n == MAX_CATEGORIES)
        return 0;
    mm->name[mm->n] = strdup(s);
    if (!mm->name[mm->n])
        return KOFTS_ENOMEM;
    mm->count[mm->n++] = 1;
    return 0;
}

static void meta_add_date(meta_model *mm, const char *s)
{
    if (!s || strlen(s) < 4)
        return;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return;
        y = y * 10 + (s[i] - '0');
    }
    if (y < 1900 || y > 2100)
        return;
    if (!mm->year_min || y < mm->year_min)
        mm->year_min = y;
    if (y > mm->year_max)
        mm->year_max = y;
}

static void meta_build(meta_model *mm)
{
    uint64_t total = 0;
    for (uint32_t i = 0; i < mm->n; i++) {
        total += mm->count[i];
        mm->cum[i] = total;
    }
    if (!mm->year_min) {
        mm->year_min = 2010;
        mm->year_max = 2024;
    }
}

static const char *draw_category(const meta_model *mm, rng *r)
{
    if (mm->n == 0)
        return "일반";
    uint64_t x = rng_below(r, mm->cum[mm->n - 1]);
    uint32_t i = 0;
    while (mm->cum[i] <= x)
        i++;
    return mm->name[i];
}

/* Civil date from days since 1970-01-01 (the proleptic Gregorian era algorithm). */
static void civil_from_days(int64_t z, int *y, int *mo, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *mo = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*mo <= 2));
}

static int64_t days_from_year(int y)
{
    /* days from 1970-01-01 to y-01-01 */
    int64_t days = 0;
    for (int k = 1970; k < y; k++)
        days += (k % 4 == 0 && (k % 100 != 0 || k % 400 == 0)) ? 366 : 365;
    for (int k = y; k < 1970; k++)
        days -= (k % 4 == 0 && (k % 100 != 0 || k % 400 == 0)) ? 366 : 365;
    return days;
}

/* ------------------------------------------------------------------------ */
/* Learning from JSON lines.                                                  */

/* A string member of obj, or NULL. Borrowed from obj. */
static const char *json_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * Learn body, title, categories and dates from one JSONL file. Invalid lines are
 * counted in *bad and skipped. Returns 0, KOFTS_EIO (message printed) or KOFTS_ENOMEM.
 */
static int learn_file(const char *path, model *body, model *title, meta_model *mm, uint64_t *ndocs,
                      uint64_t *nbytes, uint64_t *bad)
{
    int rc = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, PROG ": cannot open %s: %s\n", path, strerror(errno));
        return KOFTS_EIO;
    }
    uint64_t lineno = 0;
    while ((len = getline(&line, &cap, f)) != -1) {
        lineno++;
        if (len <= 1)
            continue;
        cJSON *obj = cJSON_ParseWithLength(line, (size_t)len);
        if (!obj || !cJSON_IsObject(obj)) {
            if (*bad < 3)
                fprintf(stderr, PROG ": %s:%llu: not a JSON object, skipped\n", path,
                        (unsigned long long)lineno);
            (*bad)++;
            cJSON_Delete(obj);
            continue;
        }
        const char *b = json_string(obj, "body");
        const char *t = json_string(obj, "title");
        if (b) {
            size_t n = strlen(b);
            *nbytes += n;
            rc = learn_text(body, b, n);
        }
        if (!rc && t)
            rc = learn_text(title, t, strlen(t));
        if (!rc)
            rc = meta_add_category(mm, json_string(obj, "category"));
        const cJSON *cats = cJSON_GetObjectItemCaseSensitive(obj, "categories");
        const cJSON *c;
        cJSON_ArrayForEach(c, cats)
        {
            if (!rc && cJSON_IsString(c))
                rc = meta_add_category(mm, c->valuestring);
        }
        meta_add_date(mm, json_string(obj, "date"));
        cJSON_Delete(obj);
        if (rc)
            break;
        (*ndocs)++;
    }
    if (!rc && ferror(f)) {
        fprintf(stderr, PROG ": cannot read %s: %s\n", path, strerror(errno));
        rc = KOFTS_EIO;
    }
    if (rc == KOFTS_ENOMEM)
        fprintf(stderr, PROG ": out of memory while learning %s\n", path);
    else if (rc == KOFTS_EINVAL)
        fprintf(stderr, PROG ": vocabulary too large while learning %s\n", path);
    free(line);
    fclose(f);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Generation.                                                                */

typedef struct {
    const model *body;
    const model *title;
    const meta_model *meta;
    uint64_t seed;
    unsigned mean_words; /* mean body length in eojeol */
} gen_ctx;

typedef struct {
    uint32_t *w; /* owned; word ids and PARA_BREAK markers */
    size_t n, cap;
    size_t first_sent_end; /* index after the first sentence */
} wordlist;

static int wl_push(wordlist *wl, uint32_t id)
{
    uint32_t *p = kofts_grow(wl->w, &wl->cap, wl->n + 1, sizeof *p);
    if (!p)
        return KOFTS_ENOMEM;
    wl->w = p;
    wl->w[wl->n++] = id;
    return 0;
}

/* Append one sentence (words until a sentence-final one or the cap) to wl. */
static int gen_sentence(const model *m, rng *r, wordlist *wl, unsigned jump, size_t max_words)
{
    uint32_t prev = 0;
    for (size_t k = 0; k < max_words; k++) {
        uint32_t id = draw_next(m, r, prev, jump);
        if (wl_push(wl, id))
            return KOFTS_ENOMEM;
        if (m->w_final[id])
            break;
        prev = id;
    }
    return 0;
}

/* Append the words of wl[a..b) to out separated by blanks (no markers inside). */
static int render_words(kofts_buf *out, const model *m, const wordlist *wl, size_t a, size_t b)
{
    for (size_t k = a; k < b; k++) {
        if (wl->w[k] == PARA_BREAK)
            continue;
        if (k > a && kofts_buf_append(out, " ", 1))
            return KOFTS_ENOMEM;
        if (kofts_buf_append(out, word_ptr(m, wl->w[k]), m->w_len[wl->w[k]]))
            return KOFTS_ENOMEM;
    }
    return 0;
}

/* Append s[0..n) with & < > " escaped for HTML. */
static int html_escape(kofts_buf *out, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *e = NULL;
        switch (s[i]) {
        case '&':
            e = "&amp;";
            break;
        case '<':
            e = "&lt;";
            break;
        case '>':
            e = "&gt;";
            break;
        case '"':
            e = "&quot;";
            break;
        default:
            break;
        }
        if (!e)
            continue;
        if (kofts_buf_append(out, s + run, i - run) || kofts_buf_puts(out, e))
            return KOFTS_ENOMEM;
        run = i + 1;
    }
    return kofts_buf_append(out, s + run, n - run);
}

/* One generated article, rendered pieces kept in reusable buffers. */
typedef struct {
    char id[32];
    char date[16];
    const char *cat[2];
    int ncat;
    kofts_buf title;   /* plain text */
    kofts_buf excerpt; /* plain text */
    wordlist words;    /* body */
    wordlist tw;       /* scratch for titles and headings */
    kofts_buf scratch;
} article;

static void article_free(article *a)
{
    kofts_buf_free(&a->title);
    kofts_buf_free(&a->excerpt);
    kofts_buf_free(&a->scratch);
    free(a->words.w);
    free(a->tw.w);
}

/* Trim trailing blanks and , ; : from a plain-text title buffer. */
static void trim_title(kofts_buf *b)
{
    while (b->len && strchr(" ,;:", b->data[b->len - 1]))
        b->data[--b->len] = '\0';
}

/* A title of 3..9 words from the title model into out. */
static int gen_title(const gen_ctx *g, rng *r, wordlist *tw, kofts_buf *out, size_t lo, size_t hi)
{
    tw->n = 0;
    kofts_buf_clear(out);
    size_t want = (size_t)rng_range(r, lo, hi);
    if (gen_sentence(g->title, r, tw, TITLE_JUMP_PER_MILLE, want))
        return KOFTS_ENOMEM;
    if (kofts_buf_reserve(out, 1) || render_words(out, g->title, tw, 0, tw->n))
        return KOFTS_ENOMEM;
    trim_title(out);
    return 0;
}

/*
 * Generate article number idx (0-based) into a. Deterministic in (seed, idx).
 * Returns 0 or KOFTS_ENOMEM.
 */
static int gen_article(const gen_ctx *g, uint64_t idx, article *a)
{
    rng r;
    rng_seed(&r, g->seed, idx);
    snprintf(a->id, sizeof a->id, "gn%08llu", (unsigned long long)(idx + 1));

    int64_t d0 = days_from_year(g->meta->year_min);
    int64_t d1 = days_from_year(g->meta->year_max + 1) - 1;
    int y, mo, d;
    civil_from_days(d0 + (int64_t)rng_below(&r, (uint64_t)(d1 - d0 + 1)), &y, &mo, &d);
    snprintf(a->date, sizeof a->date, "%04d-%02d-%02d", y, mo, d);

    a->cat[0] = draw_category(g->meta, &r);
    a->ncat = 1;
    if (rng_below(&r, 100) < 30) {
        const char *c2 = draw_category(g->meta, &r);
        if (strcmp(c2, a->cat[0]) != 0)
            a->cat[a->ncat++] = c2;
    }

    if (gen_title(g, &r, &a->tw, &a->title, 3, 9))
        return KOFTS_ENOMEM;

    /* Body: length spread over [0.3, 1.7] x mean; paragraphs of 2..6 sentences. */
    size_t target = (size_t)g->mean_words * (300 + rng_below(&r, 1401)) / 1000;
    if (target < 20)
        target = 20;
    a->words.n = 0;
    a->words.first_sent_end = 0;
    unsigned sent_in_para = 0, para_len = (unsigned)rng_range(&r, 2, 6);
    while (a->words.n < target) {
        if (gen_sentence(g->body, &r, &a->words, BODY_JUMP_PER_MILLE, MAX_SENT_WORDS))
            return KOFTS_ENOMEM;
        if (!a->words.first_sent_end)
            a->words.first_sent_end = a->words.n;
        if (++sent_in_para == para_len && a->words.n < target) {
            if (wl_push(&a->words, PARA_BREAK))
                return KOFTS_ENOMEM;
            sent_in_para = 0;
            para_len = (unsigned)rng_range(&r, 2, 6);
        }
    }

    /* Excerpt: the first sentence, cut at a word boundary near 160 bytes. */
    kofts_buf_clear(&a->excerpt);
    if (kofts_buf_reserve(&a->excerpt, 1))
        return KOFTS_ENOMEM;
    for (size_t k = 0; k < a->words.first_sent_end; k++) {
        uint32_t id = a->words.w[k];
        if (id == PARA_BREAK)
            continue;
        if (a->excerpt.len + g->body->w_len[id] + 1 > 160 && a->excerpt.len > 0)
            break;
        if ((a->excerpt.len && kofts_buf_append(&a->excerpt, " ", 1)) ||
            kofts_buf_append(&a->excerpt, word_ptr(g->body, id), g->body->w_len[id]))
            return KOFTS_ENOMEM;
    }
    return 0;
}

/* Write article a as one JSON line to out. Returns 0, KOFTS_ENOMEM or KOFTS_EIO. */
static int write_jsonl(const gen_ctx *g, article *a, kofts_buf *line, FILE *out)
{
    kofts_buf *s = &a->scratch;
    kofts_buf_clear(line);
    kofts_buf_clear(s);
    int rc = kofts_buf_puts(line, "{\"id\":\"");
    rc = rc ? rc : kofts_buf_puts(line, a->id);
    rc = rc ? rc : kofts_buf_puts(line, "\",\"title\":");
    rc = rc ? rc : kofts_buf_json_str(line, a->title.data, a->title.len);
    rc = rc ? rc : kofts_buf_puts(line, ",\"body\":");
    /* paragraphs joined by a blank line */
    size_t start = 0;
    for (size_t k = 0; !rc && k <= a->words.n; k++) {
        if (k < a->words.n && a->words.w[k] != PARA_BREAK)
            continue;
        if (s->len)
            rc = kofts_buf_puts(s, "\n\n");
        rc = rc ? rc : render_words(s, g->body, &a->words, start, k);
        start = k + 1;
    }
    rc = rc ? rc : kofts_buf_json_str(line, s->data ? s->data : "", s->len);
    rc = rc ? rc : kofts_buf_puts(line, ",\"categories\":[");
    for (int c = 0; !rc && c < a->ncat; c++) {
        if (c)
            rc = kofts_buf_puts(line, ",");
        rc = rc ? rc : kofts_buf_json_str(line, a->cat[c], strlen(a->cat[c]));
    }
    rc = rc ? rc : kofts_buf_printf(line, "],\"date\":\"%s\",\"excerpt\":", a->date);
    rc = rc ? rc : kofts_buf_json_str(line, a->excerpt.data, a->excerpt.len);
    rc = rc ? rc : kofts_buf_puts(line, "}\n");
    if (rc)
        return rc;
    if (fwrite(line->data, 1, line->len, out) != line->len)
        return KOFTS_EIO;
    return 0;
}

/* Append s as a YAML single-quoted scalar ('' doubles a quote). */
static int yaml_quoted(kofts_buf *b, const char *s, size_t n)
{
    int rc = kofts_buf_append(b, "'", 1);
    for (size_t i = 0; !rc && i < n; i++)
        rc = s[i] == '\'' ? kofts_buf_puts(b, "''") : kofts_buf_append(b, s + i, 1);
    return rc ? rc : kofts_buf_append(b, "'", 1);
}

/*
 * Write article a as a Jekyll post DIR/YYYY-MM-DD-<id>.md (front matter + HTML body;
 * an <h2> from the title model before every third paragraph). Returns 0 or KOFTS_E*.
 */
static int write_post(const gen_ctx *g, article *a, kofts_buf *doc, const char *dir, uint64_t idx)
{
    int rc = 0;
    rng r;
    rng_seed(&r, g->seed ^ 0x5A5A5A5AULL, idx); /* headings: their own stream */
    kofts_buf *s = &a->scratch;
    kofts_buf_clear(doc);
    rc = kofts_buf_puts(doc, "---\ntitle: ");
    rc = rc ? rc : yaml_quoted(doc, a->title.data, a->title.len);
    rc = rc ? rc : kofts_buf_puts(doc, "\ncategories:\n");
    for (int c = 0; !rc && c < a->ncat; c++) {
        rc = kofts_buf_puts(doc, "  - ");
        rc = rc ? rc : yaml_quoted(doc, a->cat[c], strlen(a->cat[c]));
        rc = rc ? rc : kofts_buf_puts(doc, "\n");
    }
    rc = rc ? rc : kofts_buf_printf(doc, "date: %s\nexcerpt: ", a->date);
    rc = rc ? rc : yaml_quoted(doc, a->excerpt.data, a->excerpt.len);
    rc = rc ? rc : kofts_buf_puts(doc, "\n---\n");
    size_t start = 0;
    unsigned para = 0;
    for (size_t k = 0; !rc && k <= a->words.n; k++) {
        if (k < a->words.n && a->words.w[k] != PARA_BREAK)
            continue;
        if (para > 0 && para % 3 == 0) {
            rc = gen_title(g, &r, &a->tw, s, 2, 6);
            rc = rc ? rc : kofts_buf_puts(doc, "<h2>");
            rc = rc ? rc : html_escape(doc, s->data, s->len);
            rc = rc ? rc : kofts_buf_puts(doc, "</h2>\n");
        }
        kofts_buf_clear(s);
        rc = rc ? rc : kofts_buf_reserve(s, 1);
        rc = rc ? rc : render_words(s, g->body, &a->words, start, k);
        rc = rc ? rc : kofts_buf_puts(doc, "<p>");
        rc = rc ? rc : html_escape(doc, s->data, s->len);
        rc = rc ? rc : kofts_buf_puts(doc, "</p>\n");
        start = k + 1;
        para++;
    }
    if (rc)
        return rc;
    char path[4096];
    int pn = snprintf(path, sizeof path, "%s/%s-%s.md", dir, a->date, a->id);
    if (pn < 0 || (size_t)pn >= sizeof path) {
        fprintf(stderr, PROG ": output path too long: %s\n", dir);
        return KOFTS_EINVAL;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, PROG ": cannot create %s: %s\n", path, strerror(errno));
        return KOFTS_EIO;
    }
    size_t wr = fwrite(doc->data, 1, doc->len, f);
    if (fclose(f) != 0 || wr != doc->len) {
        fprintf(stderr, PROG ": cannot write %s: %s\n", path, strerror(errno));
        return KOFTS_EIO;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Queries.                                                                   */

/* 1 if w[0..n) is 2+ characters of Hangul syllables, Latin letters and digits only,
 * with at least one Hangul syllable: a plausible search word. */
static int query_word_ok(const char *w, size_t n)
{
    size_t i = 0, chars = 0, hangul = 0;
    while (i < n) {
        size_t adv;
        int32_t cp = kofts_utf8_decode(w, n, i, &adv);
        if (cp >= 0xAC00 && cp <= 0xD7A3)
            hangul++;
        else if (!((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
                   (cp >= '0' && cp <= '9')))
            return 0;
        chars++;
        i += adv;
    }
    return chars >= 2 && hangul >= 1;
}

/* Length of w[0..n) without trailing . , ! ? and closing quotes/brackets. */
static size_t strip_punct(const char *w, size_t n)
{
    while (n > 0 && strchr(".,!?\"')", w[n - 1]))
        n--;
    return n;
}

/*
 * 1 if the word id looks like a bare noun: at least two of its particle forms
 * (id+을/를/이/가/은/는/의/에/과/와/로/에서) were seen as words too. Users search nouns;
 * this keeps 보육과 or 배제할 out of the single-word query classes.
 */
static int noun_like(const model *m, uint32_t id)
{
    static const char *particles[] = {"을", "를", "이", "가", "은", "는",
                                      "의", "에", "과", "와", "로", "에서"};
    char tmp[MAX_WORD_BYTES + 16];
    size_t n = m->w_len[id];
    if (n + 7 > sizeof tmp)
        return 0;
    memcpy(tmp, word_ptr(m, id), n);
    int hits = 0;
    for (size_t k = 0; k < sizeof particles / sizeof particles[0] && hits < 2; k++) {
        size_t pl = strlen(particles[k]);
        memcpy(tmp + n, particles[k], pl);
        if (lookup(m, tmp, n + pl) != UINT32_MAX)
            hits++;
    }
    return hits >= 2;
}

/* A word id drawn uniformly from rank range [lo, hi) of the unigram order that passes
 * query_word_ok (and noun_like when noun is set; that wish is dropped after 200
 * misses), or UINT32_MAX after 400 misses. */
static uint32_t pick_ranked(const model *m, rng *r, uint32_t lo, uint32_t hi, int noun)
{
    if (hi > m->nuni)
        hi = m->nuni;
    if (lo >= hi)
        lo = 0;
    if (lo >= hi)
        return UINT32_MAX;
    for (int tries = 0; tries < 400; tries++) {
        uint32_t id = m->uni_word[lo + rng_below(r, hi - lo)];
        if (query_word_ok(word_ptr(m, id), m->w_len[id]) &&
            (!noun || tries >= 200 || noun_like(m, id)))
            return id;
    }
    return UINT32_MAX;
}

/* Rank range of words seen between cmin and cmax times (uni_word is sorted by count). */
static void count_band(const model *m, uint32_t cmin, uint32_t cmax, uint32_t *lo, uint32_t *hi)
{
    uint32_t a = 0;
    while (a < m->nuni && m->w_count[m->uni_word[a]] > cmax)
        a++;
    uint32_t b = a;
    while (b < m->nuni && m->w_count[m->uni_word[b]] >= cmin)
        b++;
    *lo = a;
    *hi = b;
}

/* 1 if the last syllable of w has a final consonant (받침). */
static int has_batchim(const char *w, size_t n)
{
    size_t i = 0, adv;
    int32_t last = -1;
    while (i < n) {
        last = kofts_utf8_decode(w, n, i, &adv);
        i += adv;
    }
    return last >= 0xAC00 && last <= 0xD7A3 && (last - 0xAC00) % 28 != 0;
}

static int put_word(kofts_buf *b, const model *m, uint32_t id)
{
    const char *w = word_ptr(m, id);
    return kofts_buf_append(b, w, strip_punct(w, m->w_len[id]));
}

/*
 * Write nq queries (qid<TAB>query) to path, cycling through five classes:
 * rare (one noun seen 3..8 times in the source), common (one noun of rank 30..2000),
 * multi (2..4 mid-frequency nouns), phrase ("w1 w2[ w3]" along learned pairs),
 * question (two nouns + a question ending). Deterministic in seed.
 */
/* A query of one word ranked lo..hi (rare, common). */
static int query_word(kofts_buf *q, const model *m, rng *r, uint32_t lo, uint32_t hi)
{
    uint32_t id = pick_ranked(m, r, lo, hi, 1);
    return id != UINT32_MAX ? put_word(q, m, id) : 0;
}

/* 2..4 words of mid frequency (multi). */
static int query_multi(kofts_buf *q, const model *m, rng *r)
{
    int rc = 0;
    unsigned k = (unsigned)rng_range(r, 2, 4);
    for (unsigned j = 0; j < k && !rc; j++) {
        uint32_t id = pick_ranked(m, r, 100, 20000, 1);
        if (id == UINT32_MAX)
            continue;
        if (q->len)
            rc = kofts_buf_append(q, " ", 1);
        rc = rc ? rc : put_word(q, m, id);
    }
    return rc;
}

/* A quoted phrase: learned pairs walked from a mid-frequency start, 2..3 plausible
 * words (q is left empty when no walk got 2). */
static int query_phrase(kofts_buf *q, const model *m, rng *r)
{
    int rc = 0;
    unsigned want = (unsigned)rng_range(r, 2, 3);
    for (int tries = 0; tries < 50 && !rc; tries++) {
        kofts_buf_clear(q);
        uint32_t id = pick_ranked(m, r, 50, 5000, 0);
        if (id == UINT32_MAX)
            break;
        unsigned got = 1;
        rc = kofts_buf_puts(q, "\"");
        rc = rc ? rc : put_word(q, m, id);
        uint32_t prev = id;
        while (!rc && got < want) {
            if (m->succ_start[prev] == m->succ_start[prev + 1])
                break;
            uint32_t nx = draw_next(m, r, prev, 0);
            const char *w = word_ptr(m, nx);
            size_t wl = strip_punct(w, m->w_len[nx]);
            if (!query_word_ok(w, wl))
                break;
            rc = kofts_buf_append(q, " ", 1);
            rc = rc ? rc : kofts_buf_append(q, w, wl);
            got++;
            if (wl != m->w_len[nx])
                break; /* the sentence ended */
            prev = nx;
        }
        if (got >= 2)
            break;
    }
    rc = rc ? rc : kofts_buf_puts(q, "\"");
    if (q->len < 6)
        kofts_buf_clear(q);
    return rc;
}

/* A question: "A B은/는 <ending>". */
static int query_question(kofts_buf *q, const model *m, rng *r)
{
    static const char *endings[] = {"무엇인가요?",    "언제 시작되나요?", "어떻게 되나요?",
                                    "왜 문제인가요?", "누가 결정하나요?", "얼마인가요?"};
    uint32_t a = pick_ranked(m, r, 30, 5000, 1);
    uint32_t b = pick_ranked(m, r, 30, 20000, 1);
    if (a == UINT32_MAX || b == UINT32_MAX)
        return 0;
    const char *wb = word_ptr(m, b);
    size_t lb = strip_punct(wb, m->w_len[b]);
    int rc = put_word(q, m, a);
    rc = rc ? rc : kofts_buf_puts(q, " ");
    rc = rc ? rc : kofts_buf_append(q, wb, lb);
    rc = rc ? rc : kofts_buf_puts(q, has_batchim(wb, lb) ? "은 " : "는 ");
    return rc ? rc : kofts_buf_puts(q, endings[rng_below(r, 6)]);
}

static int write_queries(const gen_ctx *g, const char *path, uint64_t nq)
{
    static const char *classes[] = {"rare", "common", "multi", "phrase", "question"};
    const model *m = g->body;
    int rc = 0;
    kofts_buf q = {0};
    uint64_t n_class[5] = {0};
    uint32_t rare_lo, rare_hi;
    count_band(m, 3, 8, &rare_lo, &rare_hi);
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!f) {
        fprintf(stderr, PROG ": cannot create %s: %s\n", path, strerror(errno));
        return KOFTS_EIO;
    }
    rng r;
    rng_seed(&r, g->seed, 0xC0FFEEULL << 32);
    for (uint64_t i = 0; i < nq && !rc; i++) {
        int cls = (int)(i % 5);
        kofts_buf_clear(&q);
        rc = kofts_buf_reserve(&q, 1);
        if (!rc)
            rc = cls == 0   ? query_word(&q, m, &r, rare_lo, rare_hi)
                 : cls == 1 ? query_word(&q, m, &r, 30, 2000)
                 : cls == 2 ? query_multi(&q, m, &r)
                 : cls == 3 ? query_phrase(&q, m, &r)
                            : query_question(&q, m, &r);
        if (rc || q.len == 0)
            continue; /* the model had no fitting word: skip (rare on real corpora) */
        n_class[cls]++;
        if (fprintf(f, "%s-%04llu\t%s\n", classes[cls], (unsigned long long)n_class[cls], q.data) <
            0)
            rc = KOFTS_EIO;
    }
    kofts_buf_free(&q);
    if (f != stdout) {
        if (fclose(f) != 0 && !rc)
            rc = KOFTS_EIO;
    } else if (fflush(f) != 0 && !rc) {
        rc = KOFTS_EIO;
    }
    if (rc == KOFTS_EIO)
        fprintf(stderr, PROG ": cannot write %s: %s\n", path, strerror(errno));
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Command line.                                                              */

static const struct {
    struct option opt;
    const char *arg, *help;
} options[] = {
    {{"docs", required_argument, NULL, 'n'}, "N", "number of articles to write (default 1000)"},
    {{"seed", required_argument, NULL, 's'}, "S", "random seed (default 1); same seed, same bytes"},
    {{"out", required_argument, NULL, 'o'},
     "FILE|-",
     "output file (jsonl) or folder (post); default -"},
    {{"format", required_argument, NULL, 'f'},
     "FMT",
     "jsonl (one JSON object a line) or post (.md files)"},
    {{"words", required_argument, NULL, 'w'}, "N", "mean body length in eojeol (default 180)"},
    {{"queries", required_argument, NULL, 'q'}, "FILE", "also write qid<TAB>query lines to FILE"},
    {{"nqueries", required_argument, NULL, 'Q'}, "N", "number of queries (default 500)"},
    {{"progress", no_argument, NULL, 'p'}, NULL, "report progress on stderr"},
    {{"help", no_argument, NULL, 'h'}, NULL, "show this help and exit"},
    {{"version", no_argument, NULL, 'V'}, NULL, "show the version and exit"},
};
#define NOPTIONS (sizeof options / sizeof options[0])

static void usage(FILE *out)
{
    fprintf(out, "Usage: " PROG " [OPTION]... CORPUS.jsonl...\n"
                 "Learn eojeol and eojeol-pair frequencies from JSON-lines corpora (fields body,\n"
                 "title, category(ies), date) and write synthetic Korean articles with fields\n"
                 "id, title, body, categories, date, excerpt.\n\nOptions:\n");
    for (size_t i = 0; i < NOPTIONS; i++) {
        char left[48];
        snprintf(left, sizeof left, "-%c, --%s%s%s", options[i].opt.val, options[i].opt.name,
                 options[i].arg ? " " : "", options[i].arg ? options[i].arg : "");
        fprintf(out, "  %-26s %s\n", left, options[i].help);
    }
    fprintf(out, "\nQuery ids carry their class: rare-, common-, multi-, phrase-, question-.\n"
                 "Example: " PROG " --docs 100000 --seed 7 --out gen.jsonl --queries gen.tsv \\\n"
                 "           ../shared/corpus/ko-petitions/docs.jsonl "
                 "../shared/corpus/ko-wikinews/docs.jsonl\n");
}

/* Strict unsigned parse of s into *v (<= max). Returns 0 or -1. */
static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    char *end;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end || x > max)
        return -1;
    *v = x;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The command line. */
typedef struct {
    uint64_t ndocs, seed, nqueries, mean_words;
    const char *out_path, *queries_path;
    int progress, post;
    int first_corpus; /* argv index of the first CORPUS */
} gen_args;

/* Report getopt's ':' (missing argument) or '?' (unknown option) c; returns 2. */
static int option_error(int c, char **argv)
{
    if (c == ':') {
        fprintf(stderr, PROG ": option '%s' needs an argument\nTry '" PROG " --help'.\n",
                argv[optind - 1]);
        return 2;
    }
    if (optopt)
        fprintf(stderr, PROG ": unknown option '-%c'\n", optopt);
    else
        fprintf(stderr, PROG ": unknown option '%s'\n", argv[optind - 1]);
    fprintf(stderr, "Try '" PROG " --help'.\n");
    return 2;
}

/* The checks across options once all are read (format, output, corpus files): -1 to go
 * on, or 2 after printing the usage error. */
static int check_args(gen_args *a, const char *format, int argc)
{
    if (strcmp(format, "post") == 0) {
        a->post = 1;
    } else if (strcmp(format, "jsonl") != 0) {
        fprintf(stderr, PROG ": --format must be jsonl or post, not '%s'\n", format);
        return 2;
    }
    if (a->post && strcmp(a->out_path, "-") == 0 && a->ndocs > 0) {
        fprintf(stderr, PROG ": --format post needs --out FOLDER\n");
        return 2;
    }
    if (a->mean_words == 0) {
        fprintf(stderr, PROG ": --words must be at least 1\n");
        return 2;
    }
    if (optind >= argc) {
        fprintf(stderr, PROG ": no corpus given (JSON-lines files to learn from)\n"
                             "Try '" PROG " --help'.\n");
        return 2;
    }
    a->first_corpus = optind;
    return -1;
}

/* Parse the command line into a. Returns -1 to go on, else the exit status (after
 * --help, --version or a usage error, which it prints). */
static int parse_args(gen_args *a, int argc, char **argv)
{
    const char *format = "jsonl";
    *a = (gen_args){1000, 1, 500, 180, "-", NULL, 0, 0, 0};
    struct option longopts[NOPTIONS + 1];
    for (size_t i = 0; i < NOPTIONS; i++)
        longopts[i] = options[i].opt;
    memset(&longopts[NOPTIONS], 0, sizeof longopts[NOPTIONS]);
    int c;
    opterr = 0; /* our own messages, prefixed PROG: */
    while ((c = getopt_long(argc, argv, ":n:s:o:f:w:q:Q:phV", longopts, NULL)) != -1) {
        uint64_t *target = NULL, max = UINT32_MAX;
        const char *what = NULL;
        switch (c) {
        case 'n':
            target = &a->ndocs, what = "--docs";
            break;
        case 's':
            target = &a->seed, what = "--seed", max = UINT64_MAX;
            break;
        case 'w':
            target = &a->mean_words, what = "--words", max = 100000;
            break;
        case 'Q':
            target = &a->nqueries, what = "--nqueries";
            break;
        case 'o':
            a->out_path = optarg;
            break;
        case 'q':
            a->queries_path = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'p':
            a->progress = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf(PROG " " KOFTS_VERSION_STRING "\n");
            return 0;
        default:
            return option_error(c, argv);
        }
        if (target && parse_u64(optarg, max, target)) {
            fprintf(stderr, PROG ": %s wants a whole number up to %llu, not '%s'\n", what,
                    (unsigned long long)max, optarg);
            return 2;
        }
    }
    return check_args(a, format, argc);
}

/* Learn the body and title models and the metadata from files[0..n). 0 or an error
 * code (messages printed, except out of memory). */
static int learn_all(char **files, int n, model *body, model *title, meta_model *meta)
{
    int rc;
    double t0 = now_s();
    uint64_t nlearn = 0, nbytes = 0, bad = 0;
    for (int i = 0; i < n; i++)
        if ((rc = learn_file(files[i], body, title, meta, &nlearn, &nbytes, &bad)))
            return rc;
    if (body->nwords < 2) {
        fprintf(stderr, PROG ": no text learned: the input has no \"body\" strings\n");
        return KOFTS_EINVAL;
    }
    if ((rc = model_build(body)) || (title->nwords >= 2 && (rc = model_build(title))))
        return rc;
    meta_build(meta);
    fprintf(stderr,
            PROG ": learned %llu docs (%.1f MB, %llu eojeol): %u words, %u pairs, %u categories, "
                 "%d-%d, in %.2f s%s\n",
            (unsigned long long)nlearn, (double)nbytes / 1e6, (unsigned long long)body->ntokens,
            body->nwords - 1, body->npairs, meta->n, meta->year_min, meta->year_max, now_s() - t0,
            bad ? " (some lines skipped)" : "");
    return 0;
}

/* Open --out: a folder for posts, else a file or stdout (into *out). 0 or KOFTS_EIO. */
static int open_output(const gen_args *a, FILE **out)
{
    if (a->post) {
        if (mkdir(a->out_path, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, PROG ": cannot create folder %s: %s\n", a->out_path, strerror(errno));
            return KOFTS_EIO;
        }
        return 0;
    }
    *out = strcmp(a->out_path, "-") == 0 ? stdout : fopen(a->out_path, "w");
    if (!*out) {
        fprintf(stderr, PROG ": cannot create %s: %s\n", a->out_path, strerror(errno));
        return KOFTS_EIO;
    }
    setvbuf(*out, NULL, _IOFBF, 1 << 20);
    return 0;
}

/* Write articles 0..ndocs as posts or JSON lines, with progress when asked. 0 or an
 * error code (I/O errors printed). */
static int generate(const gen_args *a, const gen_ctx *g)
{
    FILE *out = NULL;
    article art;
    kofts_buf line = {0};
    memset(&art, 0, sizeof art);
    int rc = open_output(a, &out);
    double t1 = now_s();
    uint64_t bytes_out = 0;
    for (uint64_t i = 0; rc == 0 && i < a->ndocs; i++) {
        if ((rc = gen_article(g, i, &art)))
            break;
        rc =
            a->post ? write_post(g, &art, &line, a->out_path, i) : write_jsonl(g, &art, &line, out);
        if (rc == KOFTS_EIO && !a->post)
            fprintf(stderr, PROG ": cannot write %s: %s\n", a->out_path, strerror(errno));
        bytes_out += line.len;
        if (!rc && a->progress && (i + 1) % 100000 == 0)
            fprintf(stderr, PROG ": %llu docs, %.0f MB, %.1f s\n", (unsigned long long)(i + 1),
                    (double)bytes_out / 1e6, now_s() - t1);
    }
    if (out) {
        int bad_close = out == stdout ? fflush(out) : fclose(out);
        if (bad_close && rc == 0) {
            fprintf(stderr, PROG ": cannot write %s: %s\n", a->out_path, strerror(errno));
            rc = KOFTS_EIO;
        }
    }
    if (rc == 0 && a->progress)
        fprintf(stderr, PROG ": wrote %llu docs (%.1f MB) in %.2f s\n",
                (unsigned long long)a->ndocs, (double)bytes_out / 1e6, now_s() - t1);
    article_free(&art);
    kofts_buf_free(&line);
    return rc;
}

int main(int argc, char **argv)
{
    gen_args a;
    int exit_code = parse_args(&a, argc, argv);
    if (exit_code >= 0)
        return exit_code;
    model body, title;
    meta_model *meta = calloc(1, sizeof *meta);
    if (!meta || model_init(&body) || model_init(&title)) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    int rc = learn_all(argv + a.first_corpus, argc - a.first_corpus, &body, &title, meta);
    if (rc == 0) {
        gen_ctx g = {&body, title.nwords >= 2 ? &title : &body, meta, a.seed,
                     (unsigned)a.mean_words};
        if (a.ndocs > 0)
            rc = generate(&a, &g);
        if (rc == 0 && a.queries_path)
            rc = write_queries(&g, a.queries_path, a.nqueries);
    }
    if (rc == KOFTS_ENOMEM)
        fprintf(stderr, PROG ": out of memory\n");
    model_free(&body);
    model_free(&title);
    meta_free(meta);
    free(meta);
    return rc ? 1 : 0;
}
