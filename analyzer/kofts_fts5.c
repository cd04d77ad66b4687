/*
 * kofts_fts5.c - the FTS5 tokenizer "kofts" over kofts_analyzer, and pre-analysed
 * token streams for multi-threaded indexing. The only SQLite-aware analyzer file.
 *
 * Arguments: none (word mode; a value starting with 0x01 is a bigram column value),
 * "bigram" (every value in bigram mode), and the feature switches no_stem, no_pieces,
 * no_joins, no_latin_stem, no_hanja, ungated, no_lemma, no_numunit (see KOFTS_OPT_*).
 * Anything else is an error.
 */
#include "kofts_fts5.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_util.h"

typedef struct {
    kofts_analyzer *a; /* owned */
    int force_bigram;
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

static int x_create(void *unused, const char **azArg, int nArg, Fts5Tokenizer **out)
{
    (void)unused;
    *out = NULL;
    tokenizer *t = calloc(1, sizeof *t);
    if (!t)
        return SQLITE_NOMEM;
    static const struct {
        const char *name;
        unsigned opt;
    } names[] = {{"no_stem", KOFTS_OPT_NO_STEM},   {"no_pieces", KOFTS_OPT_NO_PIECES},
                 {"no_joins", KOFTS_OPT_NO_JOINS}, {"no_latin_stem", KOFTS_OPT_NO_LATIN_STEM},
                 {"no_hanja", KOFTS_OPT_NO_HANJA}, {"ungated", KOFTS_OPT_UNGATED},
                 {"no_lemma", KOFTS_OPT_NO_LEMMA}, {"no_numunit", KOFTS_OPT_NO_NUMUNIT}};
    unsigned opts = 0;
    for (int i = 0; i < nArg; i++) {
        size_t k = 0;
        if (strcmp(azArg[i], "bigram") == 0) {
            t->force_bigram = 1;
            continue;
        }
        for (; k < sizeof names / sizeof names[0]; k++)
            if (strcmp(azArg[i], names[k].name) == 0)
                break;
        if (k == sizeof names / sizeof names[0]) {
            free(t);
            return SQLITE_ERROR;
        }
        opts |= names[k].opt;
    }
    int rc = kofts_analyzer_new(&t->a);
    if (rc) {
        free(t);
        return rc == KOFTS_ENOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
    }
    kofts_analyzer_set_options(t->a, opts);
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
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

static int replay(const kofts_tokstream *ts, void *ctx,
                  int (*xToken)(void *, int, const char *, int, int, int))
{
    for (size_t i = 0; i < ts->n; i++) {
        const rec *r = &ts->recs[i];
        int rc = xToken(ctx, r->colocated ? FTS5_TOKEN_COLOCATED : 0, ts->blob.data + r->text_off,
                        r->len, (int)r->start, (int)r->end);
        if (rc)
            return rc;
    }
    return SQLITE_OK;
}

static int x_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
                      int (*xToken)(void *, int, const char *, int, int, int))
{
    tokenizer *t = (tokenizer *)p;
    if (n <= 0 || !text)
        return SQLITE_OK;
    int query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    if (!query && preload.n) {
        for (size_t i = 0; i < preload.n; i++) {
            const kofts_tokstream *ts = preload.streams[i];
            if (ts && ts->len == (size_t)n && memcmp(ts->text, text, (size_t)n) == 0)
                return replay(ts, ctx, xToken);
        }
    }
    emit_ctx ec = {ctx, xToken};
    kofts_mode mode = t->force_bigram ? KOFTS_MODE_BIGRAM : KOFTS_MODE_WORD;
    int rc = kofts_analyzer_run(t->a, mode, query ? KOFTS_ANALYZE_QUERY : 0, text, (size_t)n,
                                on_token, &ec);
    if (rc > 0)
        return rc; /* an SQLITE_* code from xToken */
    if (rc == KOFTS_ENOMEM)
        return SQLITE_NOMEM;
    return rc ? SQLITE_ERROR : SQLITE_OK;
}

int kofts_fts5_register(sqlite3 *db)
{
    fts5_api *api = kofts_fts5_api(db);
    if (!api)
        return SQLITE_ERROR;
    fts5_tokenizer tok = {x_create, x_delete, x_tokenize};
    return api->xCreateTokenizer(api, "kofts", NULL, &tok, NULL);
}

/* ---- pre-analysed streams ------------------------------------------------------------ */

static int record(void *ctx, const kofts_token *tok)
{
    kofts_tokstream *ts = ctx;
    if (ts->n == ts->cap) {
        size_t cap = ts->cap ? ts->cap * 2 : 256;
        rec *r = realloc(ts->recs, cap * sizeof *r);
        if (!r)
            return KOFTS_ENOMEM;
        ts->recs = r;
        ts->cap = cap;
    }
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
