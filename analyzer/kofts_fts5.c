/*
 * kofts_fts5.c - the FTS5 tokenizer "kofts" over kofts_analyzer, and pre-analysed
 * token streams for multi-threaded indexing. The only SQLite-aware analyzer file.
 *
 * Arguments (documented for users in dist/kofts.7 and the README): none (word mode; a
 * value starting with 0x01 is a bigram column value), "bigram" (every value in bigram
 * mode), and the feature switches no_stem, no_pieces, no_joins, no_latin_stem, no_hanja,
 * ungated, no_lemma, no_numunit (see KOFTS_OPT_*). Anything else, or an argument given twice, is an
 * error whose reason SQL kofts_error() returns (FTS5 only says "error in tokenizer constructor").
 */
#include "kofts_fts5.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_textz.h"
#include "kofts_util.h"

typedef struct {
    kofts_analyzer *a; /* owned */
    int force_bigram;
    int bigram_in_body; /* "bigram_in_body": a value WORDS 0x01 BIGRAMTEXT, see x_tokenize */
} tokenizer;

typedef struct {
    void *ctx;
    int (*xToken)(void *, int, const char *, int, int, int);
} emit_ctx;

/* One recorded token: text in the stream's blob. */
typedef struct {
    uint32_t text_off, start, end;
    uint16_t len;
    uint8_t colocated;
} rec;

struct kofts_tokstream {
    const char *text; /* borrowed */
    size_t len;
    rec *recs; /* owned */
    size_t n, cap;
    kofts_buf blob; /* token texts */
};

static _Thread_local struct {
    kofts_tokstream *const *streams;
    size_t n;
} preload;

fts5_api *kofts_fts5_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return api;
}

/*
 * Per-connection state shared by the tokenizer module and the kofts_error() SQL function:
 * the reason the last kofts tokenizer constructor on this connection failed (FTS5 itself
 * only says "error in tokenizer constructor"). Freed when both owners let go.
 */
typedef struct {
    int refs;
    char err[256]; /* "" when the last constructor succeeded */
} conn_state;

static void conn_release(void *p)
{
    conn_state *st = p;
    if (st && --st->refs == 0)
        free(st);
}

/* The tokenizer's arguments, in the order its error message lists them. */
static const struct {
    const char *name;
    unsigned opt; /* KOFTS_OPT_* bit; 0 for "bigram" */
} tok_args[] = {
    {"bigram", 0},
    {"no_stem", KOFTS_OPT_NO_STEM},
    {"no_pieces", KOFTS_OPT_NO_PIECES},
    {"no_joins", KOFTS_OPT_NO_JOINS},
    {"no_latin_stem", KOFTS_OPT_NO_LATIN_STEM},
    {"no_hanja", KOFTS_OPT_NO_HANJA},
    {"ungated", KOFTS_OPT_UNGATED},
    {"no_lemma", KOFTS_OPT_NO_LEMMA},
    {"no_numunit", KOFTS_OPT_NO_NUMUNIT},
    {"bigram_in_body", 0},
};
#define N_TOK_ARGS (sizeof tok_args / sizeof tok_args[0])

/*
 * Read the tokenizer arguments into *force_bigram and *opts. Returns 0, or -1 with the
 * reason (naming the argument) in err.
 */
static int parse_args(const char **azArg, int nArg, int *force_bigram, unsigned *opts, char *err,
                      size_t cap)
{
    unsigned seen = 0;
    for (int i = 0; i < nArg; i++) {
        size_t k = 0;
        while (k < N_TOK_ARGS && strcmp(azArg[i], tok_args[k].name) != 0)
            k++;
        if (k == N_TOK_ARGS) {
            int at =
                snprintf(err, cap, "kofts tokenizer: unknown argument '%.60s' (known:", azArg[i]);
            for (size_t j = 0; j < N_TOK_ARGS && at > 0 && (size_t)at < cap; j++)
                at += snprintf(err + at, cap - (size_t)at, "%s %s", j ? "," : "", tok_args[j].name);
            if (at > 0 && (size_t)at < cap)
                snprintf(err + at, cap - (size_t)at, ")");
            return -1;
        }
        if (seen & (1u << k)) {
            snprintf(err, cap, "kofts tokenizer: argument '%s' given twice", tok_args[k].name);
            return -1;
        }
        seen |= 1u << k;
        if (k == 0)
            *force_bigram = 1;
        if (k == N_TOK_ARGS - 1)
            *force_bigram = 2; /* bigram_in_body */
        *opts |= tok_args[k].opt;
    }
    return 0;
}

static int x_create(void *user, const char **azArg, int nArg, Fts5Tokenizer **out)
{
    conn_state *st = user;
    char scratch[sizeof st->err];
    char *err = st ? st->err : scratch;
    unsigned opts = 0;
    *out = NULL;
    err[0] = '\0';
    tokenizer *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, sizeof scratch, "kofts tokenizer: out of memory");
        return SQLITE_NOMEM;
    }
    if (parse_args(azArg, nArg, &t->force_bigram, &opts, err, sizeof scratch)) {
        free(t);
        return SQLITE_ERROR;
    }
    if (t->force_bigram == 2) {
        t->force_bigram = 0;
        t->bigram_in_body = 1;
    }
    int rc = kofts_analyzer_new(&t->a);
    if (rc) {
        free(t);
        snprintf(err, sizeof scratch, "kofts tokenizer: cannot create the analyzer (%s)",
                 rc == KOFTS_ENOMEM ? "out of memory" : "error");
        return rc == KOFTS_ENOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
    }
    kofts_analyzer_set_options(t->a, opts);
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

/* SQL kofts_error(): why the last kofts tokenizer constructor failed, or NULL. */
static void sql_kofts_error(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    const conn_state *st = sqlite3_user_data(ctx);
    if (st && st->err[0])
        sqlite3_result_text(ctx, st->err, -1, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
}

static void x_delete(Fts5Tokenizer *p)
{
    tokenizer *t = (tokenizer *)p;
    if (!t)
        return;
    kofts_analyzer_free(t->a);
    free(t);
}

static int on_token(void *ctx, const kofts_token *tok)
{
    emit_ctx *ec = ctx;
    return ec->xToken(ec->ctx, tok->colocated ? FTS5_TOKEN_COLOCATED : 0, tok->text, (int)tok->len,
                      (int)tok->start_off, (int)tok->end_off);
}

/* bigram_in_body: a plain bigram "XY" is written "~XY" so that it never shares a term with a
 * word token; "^XY" heads cannot be word tokens already. */
static int ns_token(void *ctx, int flags, const char *tok, int n, int s, int e)
{
    const emit_ctx *ec = ctx;
    char b[1 + 4 * 255 + 16];
    if (n <= 0 || tok[0] == '^' || (size_t)n >= sizeof b)
        return ec->xToken(ec->ctx, flags, tok, n, s, e);
    b[0] = '~';
    memcpy(b + 1, tok, (size_t)n);
    return ec->xToken(ec->ctx, flags, b, n + 1, s, e);
}

static int ns_on_token(void *ctx, const kofts_token *tok)
{
    return ns_token(ctx, tok->colocated ? FTS5_TOKEN_COLOCATED : 0, tok->text, (int)tok->len,
                    (int)tok->start_off, (int)tok->end_off);
}

/* The preloaded stream that holds exactly text[0..n), or NULL. */
static const kofts_tokstream *preloaded(const char *text, size_t n)
{
    for (size_t i = 0; i < preload.n; i++) {
        const kofts_tokstream *ts = preload.streams[i];
        if (ts && ts->len == n && memcmp(ts->text, text, n) == 0)
            return ts;
    }
    return NULL;
}

/* Send ts's tokens to FTS5, offsets shifted by off; ns: plain bigrams namespaced. */
static int replay(const kofts_tokstream *ts, emit_ctx *ec, int off, int ns)
{
    for (size_t i = 0; i < ts->n; i++) {
        const rec *r = &ts->recs[i];
        int flags = r->colocated ? FTS5_TOKEN_COLOCATED : 0;
        const char *tok = ts->blob.data + r->text_off;
        int rc =
            ns ? ns_token(ec, flags, tok, r->len, off + (int)r->start, off + (int)r->end)
               : ec->xToken(ec->ctx, flags, tok, r->len, off + (int)r->start, off + (int)r->end);
        if (rc)
            return rc;
    }
    return SQLITE_OK;
}

/* Analyse text[0..n) in the tokenizer's mode and send the tokens to FTS5 (ns: plain bigrams
 * namespaced). Returns an SQLITE_* code. */
static int analyse(tokenizer *t, emit_ctx *ec, const char *text, size_t n, int query, int ns)
{
    kofts_mode mode = t->force_bigram ? KOFTS_MODE_BIGRAM : KOFTS_MODE_WORD;
    int rc = kofts_analyzer_run(t->a, mode, query ? KOFTS_ANALYZE_QUERY : 0, text, n,
                                ns ? ns_on_token : on_token, ec);
    if (rc > 0)
        return rc; /* an SQLITE_* code from xToken */
    if (rc == KOFTS_ENOMEM)
        return SQLITE_NOMEM;
    return rc ? SQLITE_ERROR : SQLITE_OK;
}

/* Tokens of one document text (or a part of one, starting at off): a preloaded stream when
 * one holds exactly these bytes, else the analyzer. ns: plain bigrams namespaced. */
static int tokenize_doc(tokenizer *t, emit_ctx *ec, const char *text, size_t n, int off, int ns)
{
    const kofts_tokstream *ts = preloaded(text, n);
    /* without a stream, offsets of a second part stay relative to it: FTS5 does not use them */
    return ts ? replay(ts, ec, off, ns) : analyse(t, ec, text, n, 0, ns);
}

/* bigram_in_body: where the bigram text starts in a value WORDS 0x01 TITLE '\n' WORDS (the
 * schema's fts_content body), or n when the value has no such shape. */
static size_t bigram_split(const char *text, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        const char *m = memchr(text + k, 1, n - k);
        if (!m)
            return n;
        k = (size_t)(m - text);
        if (n - k > k && text[n - k - 1] == '\n' && memcmp(text + n - k, text, k) == 0)
            return k;
    }
    return n;
}

static int x_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
                      int (*xToken)(void *, int, const char *, int, int, int))
{
    tokenizer *t = (tokenizer *)p;
    if (n <= 0 || !text)
        return SQLITE_OK;
    emit_ctx ec = {ctx, xToken};
    if (flags & FTS5_TOKENIZE_QUERY)
        return analyse(t, &ec, text, (size_t)n, 1,
                       t->bigram_in_body && text[0] == KOFTS_BIGRAM_MARK);
    if (!t->bigram_in_body)
        return tokenize_doc(t, &ec, text, (size_t)n, 0, 0);
    size_t k = bigram_split(text, (size_t)n);
    int rc = tokenize_doc(t, &ec, text, k, 0, 0);
    if (rc == SQLITE_OK && k < (size_t)n)
        rc = tokenize_doc(t, &ec, text + k, (size_t)n - k, (int)k, 1);
    return rc;
}

int kofts_fts5_register(sqlite3 *db)
{
    fts5_api *api = kofts_fts5_api(db);
    if (!api)
        return SQLITE_ERROR;
    fts5_tokenizer tok = {x_create, x_delete, x_tokenize};
    conn_state *st = calloc(1, sizeof *st);
    if (!st)
        return SQLITE_NOMEM;
    st->refs = 2; /* the SQL function and the tokenizer module */
    /* On failure SQLite calls conn_release itself (refs 2 -> 1). */
    int rc = sqlite3_create_function_v2(db, "kofts_error", 0, SQLITE_UTF8, st, sql_kofts_error,
                                        NULL, NULL, conn_release);
    if (rc != SQLITE_OK) {
        conn_release(st);
        return rc;
    }
    rc = api->xCreateTokenizer(api, "kofts", st, &tok, conn_release);
    if (rc != SQLITE_OK) {
        conn_release(st); /* FTS5 does not call xDestroy when registration fails */
        return rc;
    }
    return kofts_textz_register(db); /* the docs and fts_content views need kofts_text() */
}

/* ---- pre-analysed streams ------------------------------------------------------------ */

static int record(void *ctx, const kofts_token *tok)
{
    kofts_tokstream *ts = ctx;
    rec *grown = kofts_grow(ts->recs, &ts->cap, ts->n + 1, sizeof *grown);
    if (!grown)
        return KOFTS_ENOMEM;
    ts->recs = grown;
    rec *r = &ts->recs[ts->n++];
    r->text_off = (uint32_t)ts->blob.len;
    r->len = (uint16_t)tok->len;
    r->start = (uint32_t)tok->start_off;
    r->end = (uint32_t)tok->end_off;
    r->colocated = (uint8_t)tok->colocated;
    return kofts_buf_append(&ts->blob, tok->text, tok->len);
}

int kofts_tokstream_build(kofts_tokstream **out, kofts_analyzer *a, const char *text, size_t len)
{
    int rc = 0;
    *out = NULL;
    if (len >= UINT32_MAX)
        return KOFTS_EINVAL;
    kofts_tokstream *ts = calloc(1, sizeof *ts);
    if (!ts)
        return KOFTS_ENOMEM;
    ts->text = text;
    ts->len = len;
    rc = kofts_analyzer_run(a, KOFTS_MODE_WORD, 0, text, len, record, ts);
    if (rc) {
        kofts_tokstream_free(ts);
        return rc < 0 ? rc : KOFTS_ERROR;
    }
    *out = ts;
    return 0;
}

int kofts_tokstream_each(const kofts_tokstream *ts, kofts_tokstream_cb cb, void *ctx)
{
    for (size_t i = 0; ts && i < ts->n; i++) {
        const rec *r = &ts->recs[i];
        int rc = cb(ctx, ts->blob.data + r->text_off, r->len, r->colocated);
        if (rc)
            return rc;
    }
    return 0;
}

void kofts_tokstream_free(kofts_tokstream *ts)
{
    if (!ts)
        return;
    free(ts->recs);
    kofts_buf_free(&ts->blob);
    free(ts);
}

void kofts_fts5_preload(kofts_tokstream *const *streams, size_t n)
{
    preload.streams = streams;
    preload.n = streams ? n : 0;
}
