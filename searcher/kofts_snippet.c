/*
 * kofts_snippet.c - snippets: find where the query's words occur in a hit's stored
 * text, choose the best window, cut it at word boundaries and map the highlights.
 *
 * Steps of kofts_snippet_make (each its own function below):
 *   1. query_tokens  index-side tokens of every query word, each tagged with the
 *                    bit of the word it came from;
 *   2. find_matches  analyse the text (word mode, first SNIPPET_SCAN bytes) and
 *                    record each position whose token equals a query token;
 *   3. best_window   the run of matches within `chars` characters holding the most
 *                    distinct words (then most matches, then earliest), widened with
 *                    context and snapped to word boundaries;
 *   4. copy_folded   copy the window with blanks folded, "…" at cut ends, keeping a
 *                    source-byte -> output-byte map;
 *   5. map_spans     the matches inside the window as output ranges, merged when
 *                    they touch.
 */
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
        if (c->nm == c->mcap) {
            size_t nc = c->mcap ? c->mcap * 2 : 64;
            match *nm = realloc(c->m, nc * sizeof *nm);
            if (!nm) {
                c->oom = 1;
                return;
            }
            c->m = nm;
            c->mcap = nc;
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
    if (!tok->colocated) {
        flush_group(c);
        if (c->oom)
            return 1;
        c->gmask = 0;
        c->gs = c->ge = (size_t)-1;
        c->gsurface_match = 0;
        c->has_stem = 0;
        c->surf_s = tok->start_off;
        c->surf_e = tok->end_off;
    }
    if (tok->kind == KOFTS_TOK_STEM) {
        c->has_stem = 1;
        c->ss = tok->start_off;
        c->se = tok->end_off;
    }
    for (size_t i = 0; i < c->nq; i++) {
        if (c->q[i].len == tok->len && memcmp(c->q[i].text, tok->text, tok->len) == 0) {
            c->gmask |= c->q[i].mask;
            if (tok->kind == KOFTS_TOK_SURFACE) {
                c->gsurface_match = 1;
            } else {
                if (c->gs == (size_t)-1 || tok->start_off < c->gs)
                    c->gs = tok->start_off;
                if (c->ge == (size_t)-1 || tok->end_off > c->ge)
                    c->ge = tok->end_off;
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

/* Step 2: the matches of c->q in text (first SNIPPET_SCAN bytes), in text order, into
 * c->m. Returns 0 or a negative KOFTS_E* code. */
static int find_matches(kofts_analyzer *a, const char *text, size_t len, snip_ctx *c)
{
    if (!c->nq)
        return 0;
    size_t scan = len;
    if (scan > SNIPPET_SCAN)
        scan = char_floor(text, SNIPPET_SCAN);
    c->gs = c->ge = (size_t)-1;
    int rc = kofts_analyzer_run(a, KOFTS_MODE_WORD, 0, text, scan, snip_cb, c);
    if (rc >= 0 && !c->oom)
        flush_group(c);
    if (c->oom)
        return KOFTS_ENOMEM;
    return rc < 0 ? rc : 0;
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
    rc = find_matches(a, text, len, &c);
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
