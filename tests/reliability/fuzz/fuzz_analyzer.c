/*
 * fuzz_analyzer.c - libFuzzer target for the Korean analyzer (analyzer/kofts_analyzer.h).
 *
 * Input: arbitrary bytes, analysed in all four combinations of word/bigram mode and
 * document/query side, then (first byte = KOFTS_OPT_* switches) the rest of the input
 * again with those switches. Properties checked on every token:
 *   - kofts_analyzer_run returns 0;
 *   - start_off < end_off <= len, and both fall on character boundaries of the input
 *     (decoded with kofts_utf8_decode; an invalid byte is a one-byte unit);
 *   - the token text is non-empty, at most 1024 bytes and valid UTF-8;
 *   - positions: the first token is at 0 and not colocated; a colocated token repeats
 *     the previous position; any other token is at previous + 1;
 *   - the kind fits the mode (bigram kinds only in bigram mode, never in word mode).
 * (A text starting with KOFTS_BIGRAM_MARK is bigram mode whatever the mode argument.)
 * Document/query agreement:
 *   - word mode: every surface token of the query-side run is also a surface token of
 *     the document-side run with the same text and byte range (the query side only
 *     drops lone particles; it never invents a word);
 *   - both modes: at every query position at least one of its tokens (colocated tokens
 *     are FTS5 synonyms) is a document token with the same text and byte range, so the
 *     query reading of a text always matches the same text as a document. (A stricter
 *     "every query token is a document token" does not hold by design: the query side
 *     offers "^XY" heads and plain bigrams as alternatives.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "kofts_analyzer.h"
#include "kofts_util.h"

#define MAX_TOKENS 200000

typedef struct {
    size_t text_off; /* into the arena */
    size_t len;
    size_t start_off, end_off;
    kofts_tok_kind kind;
    int colocated;
} rec_token;

typedef struct {
    const char *input;
    size_t input_len;
    const unsigned char *bounds;
    kofts_mode mode;
    int flags;
    rec_token *toks;
    size_t n;
    kofts_buf arena;
    int last_pos;
} collector;

static int on_token(void *ctx, const kofts_token *t)
{
    collector *c = ctx;
    FUZZ_CHECK(t->start_off < t->end_off, "range %zu..%zu", t->start_off, t->end_off);
    FUZZ_CHECK(t->end_off <= c->input_len, "end %zu > len %zu", t->end_off, c->input_len);
    FUZZ_CHECK(c->bounds[t->start_off], "start %zu inside a character", t->start_off);
    FUZZ_CHECK(c->bounds[t->end_off], "end %zu inside a character", t->end_off);
    FUZZ_CHECK(t->text != NULL && t->len > 0 && t->len <= 1024, "token length %zu", t->len);
    FUZZ_CHECK(kofts_utf8_valid(t->text, t->len), "token text not UTF-8 at %zu", t->start_off);
    if (c->n == 0) {
        FUZZ_CHECK(!t->colocated, "first token colocated");
        FUZZ_CHECK(t->pos == 0, "first position %d", t->pos);
    } else if (t->colocated) {
        FUZZ_CHECK(t->pos == c->last_pos, "colocated pos %d after %d", t->pos, c->last_pos);
    } else {
        FUZZ_CHECK(t->pos == c->last_pos + 1, "pos %d after %d", t->pos, c->last_pos);
    }
    c->last_pos = t->pos;
    if (c->mode == KOFTS_MODE_BIGRAM)
        FUZZ_CHECK(t->kind == KOFTS_TOK_BIGRAM || t->kind == KOFTS_TOK_BIGRAM_HEAD,
                   "kind %d in bigram mode", (int)t->kind);
    else
        FUZZ_CHECK((t->kind >= KOFTS_TOK_SURFACE && t->kind <= KOFTS_TOK_READING) ||
                       t->kind == KOFTS_TOK_LEMMA,
                   "kind %d in word mode", (int)t->kind);
    if (c->n < MAX_TOKENS) {
        rec_token *r = &c->toks[c->n];
        r->text_off = c->arena.len;
        r->len = t->len;
        r->start_off = t->start_off;
        r->end_off = t->end_off;
        r->kind = t->kind;
        r->colocated = t->colocated;
        FUZZ_CHECK(kofts_buf_append(&c->arena, t->text, t->len) == 0, "out of memory");
    }
    c->n++;
    return 0;
}

static void run(kofts_analyzer *a, collector *c, kofts_mode mode, int flags, const char *s,
                size_t len, const unsigned char *bounds)
{
    c->input = s;
    c->input_len = len;
    c->bounds = bounds;
    /* a text starting with KOFTS_BIGRAM_MARK is analysed in bigram mode (by design) */
    c->mode = len > 0 && s[0] == KOFTS_BIGRAM_MARK ? KOFTS_MODE_BIGRAM : mode;
    c->flags = flags;
    c->n = 0;
    c->last_pos = -1;
    kofts_buf_clear(&c->arena);
    int rc = kofts_analyzer_run(a, mode, flags, s, len, on_token, c);
    FUZZ_CHECK(rc == 0, "run rc=%d (%s)", rc, kofts_analyzer_errmsg(a));
}

/* Is there a token in d of one of the kinds, with this text (and range, if exact)? */
static int has_token(const collector *d, const char *text, size_t len, size_t s, size_t e,
                     kofts_tok_kind k1, kofts_tok_kind k2, int exact)
{
    size_t n = d->n < MAX_TOKENS ? d->n : MAX_TOKENS;
    for (size_t i = 0; i < n; i++) {
        const rec_token *r = &d->toks[i];
        if ((r->kind != k1 && r->kind != k2) || r->len != len)
            continue;
        if (exact && (r->start_off != s || r->end_off != e))
            continue;
        if (memcmp(d->arena.data + r->text_off, text, len) == 0)
            return 1;
    }
    return 0;
}

/* Does d hold a token with this text and byte range (any kind)? */
static int has_any(const collector *d, const char *text, size_t len, size_t s, size_t e)
{
    size_t n = d->n < MAX_TOKENS ? d->n : MAX_TOKENS;
    for (size_t i = 0; i < n; i++) {
        const rec_token *r = &d->toks[i];
        if (r->len == len && r->start_off == s && r->end_off == e &&
            memcmp(d->arena.data + r->text_off, text, len) == 0)
            return 1;
    }
    return 0;
}

/*
 * Query-side tokens of q must agree with document-side tokens d (see banner):
 *   word mode: every query surface token is a document surface token (text, range);
 *   both modes: at every query position, at least one of its tokens (colocated tokens
 *   are FTS5 synonyms, OR) is a document token with the same text and byte range, so
 *   the query reading of a text always matches that text as a document.
 */
static void check_agreement(const collector *d, const collector *q, kofts_mode mode)
{
    size_t n = q->n < MAX_TOKENS ? q->n : MAX_TOKENS;
    size_t group = 0; /* first token of the current position */
    int matched = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || (i > group && !q->toks[i].colocated)) {
            const rec_token *g = &q->toks[group];
            FUZZ_CHECK(i == group || matched,
                       "query position at %zu..%zu ('%.*s'...): no token matches the document "
                       "side",
                       g->start_off, g->end_off, (int)g->len, q->arena.data + g->text_off);
            group = i;
            matched = 0;
            if (i == n)
                break;
        }
        const rec_token *r = &q->toks[i];
        const char *t = q->arena.data + r->text_off;
        if (!matched && has_any(d, t, r->len, r->start_off, r->end_off))
            matched = 1;
        if (mode == KOFTS_MODE_WORD && r->kind == KOFTS_TOK_SURFACE)
            FUZZ_CHECK(has_token(d, t, r->len, r->start_off, r->end_off, KOFTS_TOK_SURFACE,
                                 KOFTS_TOK_SURFACE, 1),
                       "query surface '%.*s' at %zu..%zu missing on the document side", (int)r->len,
                       t, r->start_off, r->end_off);
    }
}

static kofts_analyzer *g_an;
static collector g_doc, g_query;

static void setup(void)
{
    if (g_an)
        return;
    FUZZ_CHECK(kofts_analyzer_new(&g_an) == 0, "kofts_analyzer_new failed");
    g_doc.toks = malloc(MAX_TOKENS * sizeof *g_doc.toks);
    g_query.toks = malloc(MAX_TOKENS * sizeof *g_query.toks);
    FUZZ_CHECK(g_doc.toks && g_query.toks, "out of memory");
}

static void analyse_all(const char *s, size_t len, unsigned opts)
{
    unsigned char *bounds = malloc(len + 1);
    FUZZ_CHECK(bounds != NULL, "out of memory");
    fuzz_utf8_boundaries(s, len, bounds);
    kofts_analyzer_set_options(g_an, opts);
    for (int m = 0; m < 2; m++) {
        kofts_mode mode = m ? KOFTS_MODE_BIGRAM : KOFTS_MODE_WORD;
        run(g_an, &g_doc, mode, 0, s, len, bounds);
        run(g_an, &g_query, mode, KOFTS_ANALYZE_QUERY, s, len, bounds);
        check_agreement(&g_doc, &g_query, g_doc.mode);
    }
    kofts_analyzer_set_options(g_an, 0);
    free(bounds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    /* an exact-size copy: reading past the end is an ASan error */
    char *s = malloc(size ? size : 1);
    FUZZ_CHECK(s != NULL, "out of memory");
    if (size)
        memcpy(s, data, size);
    analyse_all(s, size, 0);
    if (size > 0)
        analyse_all(s + 1, size - 1, (unsigned)data[0] & 0x3fu);
    free(s);
    return 0;
}
