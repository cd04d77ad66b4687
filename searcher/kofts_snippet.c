/*
 * kofts_snippet.c - snippets: find where the query's words occur in a hit's stored
 * text, choose the best window, cut it at word boundaries and map the highlights.
 *
 * Steps of kofts_snippet_make (each its own function below):
 *   1. query_tokens  index-side tokens of every query word, each tagged with the
 *                    bit of the word it came from;
 *   2. find_matches  analyse the words of the text (word mode, first SNIPPET_SCAN
 *                    bytes) that can hold a query token (the prefilter below) and
 *                    record each position whose token equals a query token;
 *   3. best_window   the run of matches within `chars` characters holding the most
 *                    distinct words (then most matches, then earliest), widened with
 *                    context and snapped to word boundaries;
 *   4. copy_folded   copy the window with blanks folded, "…" at cut ends, keeping a
 *                    source-byte -> output-byte map;
 *   5. map_spans     the matches inside the window as output ranges, merged when
 *                    they touch.
 */
#define _GNU_SOURCE /* memmem */
#include "kofts_snippet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_util.h"

#define ELLIPSIS     "\xe2\x80\xa6"
#define MAX_QTOKENS  512    /* query tokens kept for highlighting */
#define MAX_MATCHES  4096   /* matches considered per snippet */
#define SNIPPET_SCAN 262144 /* bytes of a document analysed for its snippet */

typedef struct {
    char *text; /* owned */
    size_t len;
    uint64_t mask; /* bit per query word that produced it */
} qtoken;

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

typedef struct {
    size_t start_off, end_off;
    uint64_t mask;
} match;

typedef struct {
    qtoken *q; /* query tokens */
    size_t nq;
    match *m; /* matches found */
    size_t nm, mcap;
    /* the position group being collected */
    int gpos;
    uint64_t gmask;
    size_t gs, ge;      /* union of matched ranges */
    int gsurface_match; /* the surface form matched */
    size_t ss, se;      /* stem range when the group has one */
    int has_stem;
    size_t surf_s, surf_e; /* surface range */
    size_t base;           /* offset of the analysed part in the text */
    int aflags;            /* analyzer flags: KOFTS_ANALYZE_NO_MORPH when no token needs it */
    int oom;
} snip_ctx;

typedef struct {
    qtoken *q;
    size_t nq;
    uint64_t bit;
    int oom;
} qtok_ctx;

static int qtok_cb(void *ctx, const kofts_token *tok)
{
    qtok_ctx *c = ctx;
    for (size_t i = 0; i < c->nq; i++) {
        if (c->q[i].len == tok->len && memcmp(c->q[i].text, tok->text, tok->len) == 0) {
            c->q[i].mask |= c->bit;
            return 0;
        }
    }
    if (c->nq >= MAX_QTOKENS || tok->len == 0)
        return 0;
    char *t = malloc(tok->len);
    if (!t) {
        c->oom = 1;
        return 1;
    }
    memcpy(t, tok->text, tok->len);
    c->q[c->nq].text = t;
    c->q[c->nq].len = tok->len;
    c->q[c->nq].mask = c->bit;
    c->nq++;
    return 0;
}

static void flush_group(snip_ctx *c)
{
    if (!c->gmask)
        return;
    size_t s = c->gs, e = c->ge;
    if (c->gsurface_match) {
        /* The surface matched: mark the stem (광주 of 광주와) when there is one. */
        size_t ms = c->has_stem ? c->ss : c->surf_s, me = c->has_stem ? c->se : c->surf_e;
        if (c->gs == (size_t)-1 || ms < s)
            s = ms;
        if (c->gs == (size_t)-1 || me > e)
            e = me;
    }
    if (c->nm < MAX_MATCHES && e > s) {
        {
            match *nm = kofts_grow(c->m, &c->mcap, c->nm + 1, sizeof *nm);
            if (!nm) {
                c->oom = 1;
                return;
            }
            c->m = nm;
        }
        c->m[c->nm].start_off = s;
        c->m[c->nm].end_off = e;
        c->m[c->nm].mask = c->gmask;
        c->nm++;
    }
}

static int snip_cb(void *ctx, const kofts_token *tok)
{
    snip_ctx *c = ctx;
    size_t ts = c->base + tok->start_off, te = c->base + tok->end_off;
    if (!tok->colocated) {
        flush_group(c);
        if (c->oom)
            return 1;
        c->gmask = 0;
        c->gs = c->ge = (size_t)-1;
        c->gsurface_match = 0;
        c->has_stem = 0;
        c->surf_s = ts;
        c->surf_e = te;
    }
    if (tok->kind == KOFTS_TOK_STEM) {
        c->has_stem = 1;
        c->ss = ts;
        c->se = te;
    }
    for (size_t i = 0; i < c->nq; i++) {
        if (c->q[i].len == tok->len && memcmp(c->q[i].text, tok->text, tok->len) == 0) {
            c->gmask |= c->q[i].mask;
            if (tok->kind == KOFTS_TOK_SURFACE) {
                c->gsurface_match = 1;
            } else {
                if (c->gs == (size_t)-1 || ts < c->gs)
                    c->gs = ts;
                if (c->ge == (size_t)-1 || te > c->ge)
                    c->ge = te;
            }
            break;
        }
    }
    return 0;
}

static int popcount64(uint64_t x)
{
    int n = 0;
    while (x) {
        x &= x - 1;
        n++;
    }
    return n;
}

/* Start of the character that contains byte i (i <= len). */
static size_t char_floor(const char *t, size_t i)
{
    while (i > 0 && ((unsigned char)t[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* Move back n characters from i. */
static size_t back_chars(const char *t, size_t i, int n)
{
    while (n-- > 0 && i > 0)
        i = char_floor(t, i - 1);
    return i;
}

/* Move forward n characters from i (stops at len). */
static size_t fwd_chars(const char *t, size_t len, size_t i, int n)
{
    while (n-- > 0 && i < len) {
        i++;
        while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

static size_t count_chars(const char *t, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++)
        n += ((unsigned char)t[i] & 0xC0) != 0x80;
    return n;
}

/* Snap a window start forward (or back) to a word start, never past limit. */
static size_t snap_start(const char *t, size_t ws, size_t limit)
{
    if (ws == 0 || is_blank(t[ws - 1]))
        return ws;
    for (size_t i = ws; i < limit; i++)
        if (is_blank(t[i]))
            return i + 1;
    size_t i = ws;
    for (int k = 0; k < 40 && i > 0; k++) {
        i = char_floor(t, i - 1);
        if (i == 0 || is_blank(t[i - 1]))
            return i;
    }
    return ws;
}

/* Snap a window end back (or forward) to a word end, never before limit. */
static size_t snap_end(const char *t, size_t len, size_t we, size_t limit)
{
    if (we >= len || is_blank(t[we]) || is_blank(t[we - 1]))
        return we;
    for (size_t i = we; i > limit; i--)
        if (is_blank(t[i - 1]))
            return i - 1;
    size_t i = we;
    for (int k = 0; k < 40 && i < len; k++) {
        i = fwd_chars(t, len, i, 1);
        if (i >= len || is_blank(t[i]))
            return i;
    }
    return we;
}

/* ------------------------------------------------------------ prefilter
 *
 * The analyzer works word by word (blank-separated words never share a token), and
 * every token it emits for a word of Hangul syllables and ASCII is built from that
 * word's own characters: a surface, a stem (a prefix), pieces (substrings), joins of
 * touching parts, Snowball stems (the word up to its last two letters, changed at the
 * end at most), numbers without their thousands separators. So a word can only hold a
 * query token if it contains one of the token's keys:
 *
 *   token             keys (searched in the text with ASCII lower-cased)
 *   ---------------   ----------------------------------------------------------
 *   Hangul, >= 2      every syllable pair (양자컴퓨팅: 양자 자컴 컴퓨 퓨팅), which also
 *                     finds spacing variants split over two words
 *   Hangul, 1         the syllable
 *   other             its leading run: Hangul -> first syllable, digits -> first
 *                     digit, letters -> all but the last two (at least one)
 *
 * Only the words that contain a key, and the words holding a character that
 * normalisation may turn into Hangul or ASCII (jamo, Hanja, full-width forms,
 * ligatures, invisible characters, invalid UTF-8, ...), are analysed, each on its own:
 * in word mode nothing the analyzer emits depends on the text across a blank (joins,
 * % after a number, Hanja runs, invisible-character glue and ICU's word rules all
 * need touching characters), so a word gives the same tokens alone as in its text.
 * When a query token holds another character the whole text is analysed as before.
 */

#define MAX_PAIRS     1024 /* syllable-pair keys */
#define PAIR_SLOTS    2048 /* open-addressing table for them (a power of two) */
#define MAX_WORD_KEYS 64   /* Latin prefixes */
#define N_SYLLABLES   11172

typedef struct {
    uint8_t syl[(N_SYLLABLES + 7) / 8]; /* single-syllable keys (bit per syllable) */
    uint32_t pair[PAIR_SLOTS];          /* pair keys as (first << 14 | second) + 1; 0 empty */
    size_t npair;
    uint8_t ascii[16]; /* one-character ASCII keys (lower case) */
    struct {
        const char *p; /* borrowed from a qtoken */
        size_t n;
    } word[MAX_WORD_KEYS]; /* longer Latin prefixes, searched with ASCII lower-cased */
    size_t nword;
} keyset;

typedef struct {
    size_t s, e;
} range;

static int is_hangul(int32_t cp)
{
    return cp >= 0xAC00 && cp <= 0xD7A3;
}

static uint32_t pair_slot(uint32_t v)
{
    return (v * 2654435761u) >> 21 & (PAIR_SLOTS - 1);
}

/* Add the pair key v; returns 1 when the table is full. */
static int pair_add(keyset *k, uint32_t v)
{
    uint32_t j = pair_slot(v);
    while (k->pair[j] && k->pair[j] != v)
        j = (j + 1) & (PAIR_SLOTS - 1);
    if (!k->pair[j]) {
        if (k->npair >= MAX_PAIRS)
            return 1;
        k->pair[j] = v;
        k->npair++;
    }
    return 0;
}

static int pair_has(const keyset *k, uint32_t v)
{
    uint32_t j = pair_slot(v);
    while (k->pair[j]) {
        if (k->pair[j] == v)
            return 1;
        j = (j + 1) & (PAIR_SLOTS - 1);
    }
    return 0;
}

/* 1 if normalisation (NFKC case fold, dropped invisibles, Hanja readings, jamo
 * composition) may turn cp into (part of) a Hangul or ASCII token. */
static int risky_cp(int32_t cp)
{
    if (cp < 0)
        return 1; /* invalid UTF-8: the analyzer decides what it becomes */
    if (cp < 0xAA)
        return 0;
    if (cp <= 0x24F)
        return !(cp == 0xAB || cp == 0xAC || cp == 0xAE || cp == 0xAF || cp == 0xB0 || cp == 0xB1 ||
                 cp == 0xB6 || cp == 0xB7 || cp == 0xBB || cp == 0xBF || cp == 0xD7 || cp == 0xF7);
    static const int32_t r[][2] = {
        {0x02B0, 0x036F},   {0x1100, 0x11FF},   {0x1D00, 0x1DBF},    {0x1E00, 0x1EFF},
        {0x200B, 0x200D},   {0x2060, 0x2060},   {0x2070, 0x209F},    {0x2100, 0x218F},
        {0x2460, 0x24FF},   {0x2C60, 0x2C7F},   {0x2E80, 0x2FDF},    {0x3131, 0x318E},
        {0x3200, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},    {0xA700, 0xA7FF},
        {0xA960, 0xA97F},   {0xAB30, 0xAB6F},   {0xD7B0, 0xD7FF},    {0xF900, 0xFAFF},
        {0xFB00, 0xFB06},   {0xFE00, 0xFE0F},   {0xFEFF, 0xFEFF},    {0xFF00, 0xFFEF},
        {0x1D400, 0x1D7FF}, {0x1F100, 0x1F1FF}, {0x20000, 0x10FFFF},
    };
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        if (cp >= r[i][0] && cp <= r[i][1])
            return 1;
    return 0;
}

static int is_lower_alpha(char c)
{
    return c >= 'a' && c <= 'z';
}

static int32_t syllable_at(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    return ((u[0] & 0x0F) << 12 | (u[1] & 0x3F) << 6 | (u[2] & 0x3F)) - 0xAC00;
}

/* 1 if t is Hangul ending in 다: a dictionary form the analyzer may emit as the lemma of
 * a word that does not contain it (가볍다 for 가벼운, 흐르다 for 흘러, 묻다 for 물었다). */
static int is_lemma_form(const qtoken *t)
{
    size_t adv;
    return t->len >= 6 && t->len % 3 == 0 && memcmp(t->text + t->len - 3, "다", 3) == 0 &&
           is_hangul(kofts_utf8_decode(t->text, t->len, 0, &adv));
}

/* Set the single-syllable key y (a syllable index, 0..11171). */
static void syl_add(keyset *k, int32_t y)
{
    k->syl[y >> 3] |= (uint8_t)(1u << (y & 7));
}

/* Syllable indexes are (initial * 21 + vowel) * 28 + final (Unicode's Hangul
 * composition); the final that each initial becomes when a syllable contracts into the
 * one before it (가지다: 갖고, 흐르다: 흘러), -1 for ㄸ ㅃ ㅉ. */
static const int8_t initial_as_final[19] = {1,  2,  4,  7,  -1, 8,  16, 17, -1, 19,
                                            20, 21, 22, -1, 23, 24, 25, 26, 27};

/* The keys of a lemma form l (Hangul ending in 다, see is_lemma_form): the syllables
 * its first stem syllable S1 can take in any inflection that hunspell or the fast rules
 * read back to l.
 *   - S1 alone, open or ending in ㅎ (오다, 끄다, 놓다): the vowel may contract with the
 *     ending (왔다, 껐다, 놔) but the initial stays: every syllable with that initial.
 *   - S1 alone, closed: vowel and initial stay, and the final too except in the
 *     irregular stems: ㄷ -> ㄹ (듣다: 들어), ㅂ and ㅅ drop (돕다: 도와; 낫다: 나아),
 *     ㄹ drops or becomes ㄴ ㅂ ㄻ (살다: 사는, 산, 삽니다, 삶).
 *   - S1 followed by more stem syllables: S1 stays as written (가볍다: 가벼운; 만들다:
 *     만드는), except that an open S1 takes the next syllable's initial as its final
 *     when that syllable (vowel ㅡ or ㅣ, no final) contracts into it (흐르다: 흘러). */
static void lemma_keys(const qtoken *t, keyset *k)
{
    int32_t y = syllable_at(t->text);
    int32_t fin = y % 28, base = y - fin;
    if (t->len < 9) {
        if (fin == 0 || fin == 27) {
            for (int32_t j = 0; j < 588; j++)
                syl_add(k, y - y % 588 + j);
            return;
        }
        syl_add(k, y);
        if (fin == 7) /* ㄷ */
            syl_add(k, base + 8);
        if (fin == 17 || fin == 19) /* ㅂ, ㅅ */
            syl_add(k, base);
        if (fin == 8) { /* ㄹ */
            syl_add(k, base);
            syl_add(k, base + 4);
            syl_add(k, base + 17);
            syl_add(k, base + 10);
        }
        return;
    }
    syl_add(k, y);
    size_t adv;
    if (fin != 0 || !is_hangul(kofts_utf8_decode(t->text, t->len, 3, &adv)))
        return;
    int32_t y2 = syllable_at(t->text + 3);
    int32_t init2 = y2 / 588, vowel2 = y2 / 28 % 21;
    if (y2 % 28 == 0 && (vowel2 == 18 || vowel2 == 20) && initial_as_final[init2] > 0)
        syl_add(k, y + initial_as_final[init2]);
}

/* The keys of query token t into k. Returns 0, or 1 when t holds a character the
 * keys cannot stand for (analyse the whole text) or k is full. */
static int token_keys(const qtoken *t, keyset *k)
{
    if (is_lemma_form(t)) {
        lemma_keys(t, k);
        return 0;
    }
    size_t nsyl = 0, i = 0, adv = 0;
    int pure = 1;
    while (i < t->len) {
        int32_t cp = kofts_utf8_decode(t->text, t->len, i, &adv);
        if (cp >= 0 && is_hangul(cp))
            nsyl++;
        else if (cp >= 0 && cp < 0x80)
            pure = 0;
        else
            return 1;
        i += adv;
    }
    if (pure && nsyl >= 2) {
        for (size_t j = 0; j + 1 < nsyl; j++) {
            uint32_t v = (uint32_t)syllable_at(t->text + 3 * j) << 14 |
                         (uint32_t)syllable_at(t->text + 3 * j + 3);
            if (pair_add(k, v + 1))
                return 1;
        }
        return 0;
    }
    unsigned char c0 = (unsigned char)t->text[0];
    if (c0 >= 0x80) { /* the first Hangul syllable */
        syl_add(k, syllable_at(t->text));
        return 0;
    }
    size_t run = 0;
    while (run < t->len && is_lower_alpha(t->text[run]))
        run++;
    size_t n = run > 3 ? run - 2 : 1; /* a digit or sign: numbers lose separators */
    if (n == 1) {
        k->ascii[c0 >> 3] |= (uint8_t)(1u << (c0 & 7));
        return 0;
    }
    if (k->nword >= MAX_WORD_KEYS)
        return 1;
    k->word[k->nword].p = t->text;
    k->word[k->nword].n = n;
    k->nword++;
    return 0;
}

/* Add [s, e) to *r (grown by doubling). Returns 0 or KOFTS_ENOMEM. */
static int range_add(range **r, size_t *n, size_t *cap, size_t s, size_t e)
{
    range *nr = kofts_grow(*r, cap, *n + 1, sizeof *nr);
    if (!nr)
        return KOFTS_ENOMEM;
    *r = nr;
    (*r)[(*n)++] = (range){s, e};
    return 0;
}

static int cmp_range(const void *a, const void *b)
{
    const range *x = a, *y = b;
    return x->s < y->s ? -1 : x->s > y->s;
}

/* The blank-separated word around byte i of t[0..len): [*s, *e). */
static void word_around(const char *t, size_t len, size_t i, size_t *s, size_t *e)
{
    size_t a = i, b = i;
    while (a > 0 && !is_blank(t[a - 1]))
        a--;
    while (b < len && !is_blank(t[b]))
        b++;
    *s = a;
    *e = b;
}

/* Add the word around byte i of text to the ranges unless the last
 * range covers i; returns the end of the range holding i, or 0 on KOFTS_ENOMEM. */
static size_t hit(const char *text, size_t len, size_t i, range **r, size_t *nr, size_t *cap)
{
    if (*nr && i < (*r)[*nr - 1].e)
        return (*r)[*nr - 1].e;
    size_t s, e;
    word_around(text, len, i, &s, &e);
    if (range_add(r, nr, cap, s, e))
        return 0;
    return e;
}

/* The growing list of ranges of candidate_ranges. */
typedef struct {
    range *r;
    size_t n, cap;
} ranges;

/* Pass 1: one walk over the text looking up syllables, syllable pairs, ASCII and
 * risky characters; the word around each hit becomes a range. */
static int scan_keys(const keyset *k, const char *text, size_t len, ranges *rs)
{
    int32_t prev = -1; /* the syllable before i, or -1 */
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)text[i];
        size_t adv = 1, e = 0;
        if (c < 0x80) {
            unsigned char lc = (unsigned char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            prev = -1;
            if (k->ascii[lc >> 3] & (1u << (lc & 7)) &&
                !(e = hit(text, len, i, &rs->r, &rs->n, &rs->cap)))
                return KOFTS_ENOMEM;
            i = e > i ? e : i + 1;
            continue;
        }
        int32_t cp = kofts_utf8_decode(text, len, i, &adv);
        if (is_hangul(cp)) {
            int32_t y = cp - 0xAC00;
            if ((k->syl[y >> 3] & (1u << (y & 7))) ||
                (prev >= 0 && pair_has(k, ((uint32_t)prev << 14 | (uint32_t)y) + 1))) {
                if (!(e = hit(text, len, prev >= 0 ? i - 3 : i, &rs->r, &rs->n, &rs->cap)))
                    return KOFTS_ENOMEM;
            }
            prev = y;
        } else {
            prev = -1;
            if (risky_cp(cp) && !(e = hit(text, len, i, &rs->r, &rs->n, &rs->cap)))
                return KOFTS_ENOMEM;
        }
        if (e > i) {
            i = e;
            prev = -1;
        } else {
            i += adv;
        }
    }
    return 0;
}

/* Pass 2: the words holding a Latin prefix key, searched in an ASCII-lower-cased copy. */
static int scan_latin(const keyset *k, const char *text, size_t len, ranges *rs)
{
    if (!k->nword)
        return 0;
    char *low = malloc(len + 1);
    if (!low)
        return KOFTS_ENOMEM;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        low[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    int rc = 0;
    for (size_t j = 0; j < k->nword && !rc; j++) {
        size_t i = 0;
        while (i < len) {
            const char *p = memmem(low + i, len - i, k->word[j].p, k->word[j].n);
            if (!p)
                break;
            size_t s, e;
            word_around(text, len, (size_t)(p - low), &s, &e);
            if (range_add(&rs->r, &rs->n, &rs->cap, s, e)) {
                rc = KOFTS_ENOMEM;
                break;
            }
            i = e; /* the rest of this word is covered */
        }
    }
    free(low);
    return rc;
}

/* Sort the ranges and merge those that overlap or touch. */
static void merge_ranges(ranges *rs)
{
    if (!rs->n)
        return;
    range *r = rs->r;
    qsort(r, rs->n, sizeof *r, cmp_range);
    size_t m = 0;
    for (size_t i = 1; i < rs->n; i++) {
        if (r[i].s <= r[m].e) {
            if (r[i].e > r[m].e)
                r[m].e = r[i].e;
        } else {
            r[++m] = r[i];
        }
    }
    rs->n = m + 1;
}

/*
 * The parts of text[0..len) worth analysing for query tokens q[0..nq): *out (malloc'd,
 * sorted, disjoint) and *n_out. One pass over the text looks up syllables, syllable
 * pairs, ASCII characters and risky characters; Latin prefixes are searched in an
 * ASCII-lower-cased copy. Returns 0, 1 when the whole text must be analysed (a query
 * token the keys cannot stand for), or KOFTS_ENOMEM.
 */
static int candidate_ranges(const qtoken *q, size_t nq, const char *text, size_t len, range **out,
                            size_t *n_out)
{
    ranges rs = {NULL, 0, 0};
    *out = NULL;
    *n_out = 0;
    keyset *k = calloc(1, sizeof *k);
    if (!k)
        return KOFTS_ENOMEM;
    int rc = 0;
    for (size_t i = 0; i < nq && !rc; i++)
        if (token_keys(&q[i], k))
            rc = 1;
    if (!rc)
        rc = scan_keys(k, text, len, &rs);
    if (!rc)
        rc = scan_latin(k, text, len, &rs);
    free(k);
    if (rc) {
        free(rs.r);
        return rc;
    }
    merge_ranges(&rs);
    *out = rs.r;
    *n_out = rs.n;
    return 0;
}

/* Step 1: the index-side tokens (with compound pieces) of every term into qc, so that
 * 양자 and 컴퓨팅 light up in "양자 컴퓨팅" for the query 양자컴퓨팅 (a bigram-column
 * match). Returns 0 or a negative KOFTS_E* code. */
static int query_tokens(kofts_analyzer *a, const kofts_snippet_term *terms, size_t n, qtok_ctx *qc)
{
    for (size_t k = 0; k < n; k++) {
        qc->bit = (uint64_t)1 << (k < 63 ? k : 63);
        int rc =
            kofts_analyzer_run(a, KOFTS_MODE_WORD, 0, terms[k].text, terms[k].len, qtok_cb, qc);
        if (qc->oom)
            return KOFTS_ENOMEM;
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Analyse text[s..e) (s and e at word boundaries) into c's matches; the last group is
 * flushed. Returns 0 or a negative KOFTS_E* code. */
static int scan_part(kofts_analyzer *a, const char *text, size_t s, size_t e, snip_ctx *c)
{
    c->base = s;
    c->gmask = 0;
    c->gs = c->ge = (size_t)-1;
    int rc = kofts_analyzer_run(a, KOFTS_MODE_WORD, c->aflags, text + s, e - s, snip_cb, c);
    if (rc >= 0 && !c->oom)
        flush_group(c);
    c->gmask = 0;
    if (c->oom)
        return KOFTS_ENOMEM;
    return rc < 0 ? rc : 0;
}

/* Step 2: the matches of c->q in text (first SNIPPET_SCAN bytes), in text order, into
 * c->m: only the candidate words are analysed (see the prefilter above) unless
 * `whole` is set or the prefilter cannot vouch for the text. Returns 0 or a negative
 * KOFTS_E* code. */
static int find_matches(kofts_analyzer *a, const char *text, size_t len, int whole, snip_ctx *c)
{
    if (!c->nq)
        return 0;
    size_t scan = len;
    if (scan > SNIPPET_SCAN)
        scan = char_floor(text, SNIPPET_SCAN);
    range *r = NULL;
    size_t nr = 0;
    int rc = whole ? 1 : candidate_ranges(c->q, c->nq, text, scan, &r, &nr);
    if (rc < 0)
        return rc;
    if (rc == 1)
        return scan_part(a, text, 0, scan, c);
    for (size_t i = 0; i < nr && rc == 0; i++)
        rc = scan_part(a, text, r[i].s, r[i].e, c);
    free(r);
    return rc;
}

/* Step 3: the window [*ws, *we) of about `chars` characters around the best run of
 * matches m[0..nm) (the start of the text when there is none); *ce is the end of
 * that run. */
static void best_window(const char *text, size_t len, const match *m, size_t nm, int chars,
                        size_t *ws_out, size_t *we_out)
{
    size_t bi = 0, bj = 0;
    int have = 0, best_terms = -1, best_count = -1;
    for (size_t i = 0; i < nm; i++) {
        uint64_t mask = 0;
        int cnt = 0;
        for (size_t j = i; j < nm; j++) {
            if (m[j].end_off < m[i].start_off)
                continue;
            if (count_chars(text, m[i].start_off, m[j].end_off) > (size_t)chars)
                break;
            mask |= m[j].mask;
            cnt++;
            int terms = popcount64(mask);
            if (terms > best_terms || (terms == best_terms && cnt > best_count)) {
                best_terms = terms;
                best_count = cnt;
                bi = i;
                bj = j;
                have = 1;
            }
        }
    }
    size_t cs = have ? m[bi].start_off : 0, ce = have ? m[bj].end_off : 0;
    if (ce < cs)
        ce = cs;
    int core = (int)count_chars(text, cs, ce);
    int rem = chars - core > 0 ? chars - core : 0;
    int left = have ? rem / 4 : 0;
    size_t ws = back_chars(text, cs, left);
    left = (int)count_chars(text, ws, cs);
    size_t we = fwd_chars(text, len, ce, rem - left);
    int used = (int)count_chars(text, ws, we);
    if (used < chars && ws > 0)
        ws = back_chars(text, ws, chars - used);
    ws = snap_start(text, ws, cs);
    we = snap_end(text, len, we, ce);
    if (we < ws)
        we = ws;
    *ws_out = ws;
    *we_out = we;
}

/* Step 4: text[*ws..we) into b with blanks folded and "…" at cut ends; *ws moves past
 * leading blanks; map[i - *ws] = output offset of source byte i (map holds
 * we - *ws + 1 entries). Returns 0 or KOFTS_ENOMEM. */
static int copy_folded(const char *text, size_t len, size_t *ws_io, size_t we, size_t *map,
                       kofts_buf *b)
{
    size_t ws = *ws_io;
    while (ws < we && is_blank(text[ws]))
        ws++;
    *ws_io = ws;
    if (ws > 0 && kofts_buf_puts(b, ELLIPSIS))
        return KOFTS_ENOMEM;
    if (kofts_buf_append(b, "", 0))
        return KOFTS_ENOMEM;
    int in_blank = 0;
    for (size_t i = ws; i < we; i++) {
        map[i - ws] = b->len;
        if (is_blank(text[i])) {
            in_blank = 1;
            continue;
        }
        if (in_blank) {
            if (kofts_buf_append(b, " ", 1))
                return KOFTS_ENOMEM;
            map[i - ws] = b->len;
            in_blank = 0;
        }
        if (kofts_buf_append(b, text + i, 1))
            return KOFTS_ENOMEM;
    }
    map[we - ws] = b->len;
    if (we < len && kofts_buf_puts(b, in_blank ? " " ELLIPSIS : ELLIPSIS))
        return KOFTS_ENOMEM;
    return 0;
}

/* Step 5: the matches inside [ws, we) as output ranges through map, merged when they
 * touch, into *spans (malloc'd, NULL when none). Returns 0 or KOFTS_ENOMEM. */
static int map_spans(const match *m, size_t nm, size_t ws, size_t we, const size_t *map,
                     kofts_span **spans, size_t *n_spans)
{
    kofts_span *sp = NULL;
    size_t nsp = 0;
    if (nm) {
        sp = malloc(nm * sizeof *sp);
        if (!sp)
            return KOFTS_ENOMEM;
    }
    for (size_t i = 0; i < nm; i++) {
        size_t s = m[i].start_off, e = m[i].end_off;
        if (e <= ws || s >= we)
            continue;
        if (s < ws)
            s = ws;
        if (e > we)
            e = we;
        size_t os = map[s - ws], oe = map[e - ws];
        if (oe <= os)
            continue;
        if (nsp && os <= sp[nsp - 1].end_off) {
            if (oe > sp[nsp - 1].end_off)
                sp[nsp - 1].end_off = oe;
            continue;
        }
        sp[nsp].start_off = os;
        sp[nsp].end_off = oe;
        nsp++;
    }
    if (!nsp) {
        free(sp);
        sp = NULL;
    }
    *spans = sp;
    *n_spans = nsp;
    return 0;
}

int kofts_snippet_make(kofts_analyzer *a, const kofts_snippet_term *terms, size_t n_terms,
                       const char *text, size_t len, int chars, char **out, size_t *out_len,
                       kofts_span **spans, size_t *n_spans)
{
    return kofts_snippet_make_ex(a, terms, n_terms, text, len, chars, 0, out, out_len, spans,
                                 n_spans);
}

int kofts_snippet_make_ex(kofts_analyzer *a, const kofts_snippet_term *terms, size_t n_terms,
                          const char *text, size_t len, int chars, unsigned flags, char **out,
                          size_t *out_len, kofts_span **spans, size_t *n_spans)
{
    int rc = 0;
    qtoken q[MAX_QTOKENS];
    qtok_ctx qc = {q, 0, 0, 0};
    snip_ctx c;
    size_t *map = NULL;
    kofts_buf b = {0};
    memset(&c, 0, sizeof c);
    *out = NULL;
    *out_len = 0;
    *spans = NULL;
    *n_spans = 0;
    if (chars < 10)
        chars = 10;

    rc = query_tokens(a, terms, n_terms, &qc);
    if (rc < 0)
        goto done;
    c.q = q;
    c.nq = qc.nq;
    /* hunspell (kofts_morph) only when a query token may be a lemma */
    c.aflags = KOFTS_ANALYZE_NO_MORPH;
    for (size_t i = 0; i < c.nq; i++)
        if (is_lemma_form(&c.q[i]))
            c.aflags = 0;
    rc = find_matches(a, text, len, (flags & KOFTS_SNIPPET_WHOLE_TEXT) != 0, &c);
    if (rc < 0)
        goto done;
    size_t ws, we;
    best_window(text, len, c.m, c.nm, chars, &ws, &we);
    map = malloc((we - ws + 1) * sizeof *map);
    if (!map) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    rc = copy_folded(text, len, &ws, we, map, &b);
    if (rc < 0)
        goto done;
    rc = map_spans(c.m, c.nm, ws, we, map, spans, n_spans);
    if (rc < 0)
        goto done;
    *out = b.data;
    *out_len = b.len;
    b.data = NULL;
done:
    for (size_t i = 0; i < qc.nq; i++)
        free(q[i].text);
    free(c.m);
    free(map);
    kofts_buf_free(&b);
    return rc;
}
