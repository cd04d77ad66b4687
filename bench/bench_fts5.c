/*
 * bench_fts5.c - the baselines a user would otherwise pick: a plain FTS5 table with the
 * unicode61 or the trigram tokenizer over the same title + body text, built and
 * queried in-process; plus tokenizer throughput through fts5_api.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kofts_analyzer.h"
#include "kofts_fts5.h"

#define PROG "kofts-bench"

void bench_remove_db(const char *path)
{
    char p[4096];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

/* ---- build ------------------------------------------------------------------ */

typedef struct {
    sqlite3_stmt *ins;
    size_t docs;
    double bytes;
    double insert_s;
    double next_report;
    double t0;
} build_ctx;

static int build_cb(void *ctx, const bench_doc *d)
{
    build_ctx *c = ctx;
    double t = bench_now();
    sqlite3_bind_text(c->ins, 1, d->id, (int)d->id_len, SQLITE_STATIC);
    sqlite3_bind_text(c->ins, 2, d->title, (int)d->title_len, SQLITE_STATIC);
    sqlite3_bind_text(c->ins, 3, d->body, (int)d->body_len, SQLITE_STATIC);
    int src = sqlite3_step(c->ins);
    sqlite3_reset(c->ins);
    double t2 = bench_now();
    c->insert_s += t2 - t;
    if (src != SQLITE_DONE)
        return KOFTS_EIO;
    c->docs++;
    c->bytes += (double)(d->title_len + d->body_len);
    if (t2 >= c->next_report) {
        fprintf(stderr, PROG ": ... %zu docs, %.1f MB, %.0f s\n", c->docs, c->bytes / 1e6,
                t2 - c->t0);
        c->next_report = t2 + 10.0;
    }
    return 0;
}

int bench_fts5_build(const char *dbpath, const char *tokenizer, char *const *sources,
                     size_t nsources, const char *kofts_db, bench_engine *e)
{
    int rc = 0;
    sqlite3 *db = NULL;
    char *sql = NULL;
    build_ctx c = {0};
    double t0 = bench_now();
    c.t0 = t0;
    c.next_report = t0 + 10.0;
    bench_remove_db(dbpath);
    sql = sqlite3_mprintf("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                          "CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, body,"
                          " tokenize=%Q);",
                          tokenizer);
    if (!sql || sqlite3_open(dbpath, &db) != SQLITE_OK ||
        sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO fts(id, title, body) VALUES (?1, ?2, ?3)", -1, &c.ins,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, PROG ": %s: %s\n", dbpath, db ? sqlite3_errmsg(db) : "cannot open");
        rc = KOFTS_EIO;
        goto done;
    }
    if ((rc = bench_corpus_each(sources, nsources, kofts_db, build_cb, &c, NULL)) != 0) {
        fprintf(stderr, PROG ": %s: build failed: %s\n", dbpath, sqlite3_errmsg(db));
        goto done;
    }
    double tc = bench_now();
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, PROG ": %s: %s\n", dbpath, sqlite3_errmsg(db));
        rc = KOFTS_EIO;
        goto done;
    }
    c.insert_s += bench_now() - tc;
done:
    sqlite3_finalize(c.ins);
    sqlite3_close(db);
    sqlite3_free(sql);
    e->docs = c.docs;
    e->text_bytes = c.bytes;
    e->build_s = bench_now() - t0;
    e->load_s = e->build_s - c.insert_s;
    return rc;
}

/* ---- query ------------------------------------------------------------------ */

typedef struct {
    kofts_buf *out;   /* the MATCH expression being built */
    kofts_buf phrase; /* tokens of the current quoted part */
    int trigram;
    int in_phrase;
    size_t terms;   /* terms written */
    size_t dropped; /* terms dropped (trigram, < 3 characters) */
} expr_ctx;

static size_t utf8_chars(const char *s, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            chars++;
    return chars;
}

/* Append "text" (quotes doubled) as one OR'ed term, or drop it (trigram, < 3 chars). */
static void put_term(expr_ctx *c, const char *t, size_t n)
{
    if (n == 0)
        return;
    if (c->trigram && utf8_chars(t, n) < 3) {
        c->dropped++;
        return;
    }
    if (c->terms++)
        kofts_buf_puts(c->out, " OR ");
    kofts_buf_puts(c->out, "\"");
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '"')
            kofts_buf_puts(c->out, "\"");
        kofts_buf_append(c->out, t + i, 1);
    }
    kofts_buf_puts(c->out, "\"");
}

static int expr_token(void *ctx, int flags, const char *t, int nt, int start, int end)
{
    expr_ctx *c = ctx;
    (void)flags;
    (void)start;
    (void)end;
    if (c->in_phrase) {
        if (c->phrase.len)
            kofts_buf_puts(&c->phrase, " ");
        kofts_buf_append(&c->phrase, t, (size_t)nt);
    } else {
        put_term(c, t, (size_t)nt);
    }
    return SQLITE_OK;
}

/* Build the any-word expression for query text into c->out. */
static void build_expr(expr_ctx *c, fts5_tokenizer *api, Fts5Tokenizer *tk, const char *q)
{
    kofts_buf_clear(c->out);
    c->terms = c->dropped = 0;
    const char *p = q;
    int inside = 0; /* between double quotes: the tokens form one phrase */
    for (;;) {
        const char *quote = strchr(p, '"');
        size_t n = quote ? (size_t)(quote - p) : strlen(p);
        c->in_phrase = inside;
        kofts_buf_clear(&c->phrase);
        if (n)
            api->xTokenize(tk, c, FTS5_TOKENIZE_QUERY, p, (int)n, expr_token);
        if (inside)
            put_term(c, c->phrase.data ? c->phrase.data : "", c->phrase.len);
        if (!quote)
            break; /* an unbalanced quote: the rest was read as a phrase */
        p = quote + 1;
        inside = !inside;
    }
}

/* Run the prepared statement st for expr and read every row (id and snippet, as a result
 * page would). With hits (the first pass), the first BENCH_K ids are kept there and an
 * error is reported. Returns the number of rows. */
static size_t run_expr(sqlite3_stmt *st, const kofts_buf *expr, const bench_engine *e,
                       const char *qid, char **hits)
{
    size_t nhit = 0;
    int src;
    sqlite3_bind_text(st, 1, expr->data, (int)expr->len, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *snip = (const char *)sqlite3_column_text(st, 1);
        (void)snip; /* computed and read, as a result page would */
        if (hits && nhit < BENCH_K && id)
            hits[nhit] = strdup(id);
        nhit++;
    }
    if (src != SQLITE_DONE && hits)
        fprintf(stderr, PROG ": %s: query %s: %s\n", e->key, qid,
                sqlite3_errmsg(sqlite3_db_handle(st)));
    sqlite3_reset(st);
    return nhit;
}

int bench_fts5_query(const char *dbpath, int trigram, const bench_queries *q, size_t passes,
                     bench_engine *e)
{
    int rc = 0;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    Fts5Tokenizer *tk = NULL;
    fts5_tokenizer tapi;
    kofts_buf expr = {0};
    expr_ctx c = {0};
    c.out = &expr;
    c.trigram = trigram;
    size_t nq = q->n;
    e->lat_us = calloc(nq * passes + 1, sizeof *e->lat_us);
    e->hits = calloc(nq * BENCH_K + 1, sizeof *e->hits);
    e->passes = passes;
    if (!e->lat_us || !e->hits) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    fts5_api *api = NULL;
    void *ud = NULL;
    if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA mmap_size=268435456", NULL, NULL, NULL) != SQLITE_OK ||
        (api = kofts_fts5_api(db)) == NULL ||
        api->xFindTokenizer(api, "unicode61", &ud, &tapi) != SQLITE_OK ||
        tapi.xCreate(ud, NULL, 0, &tk) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT id, snippet(fts, -1, '[', ']', '…', 12) FROM fts"
                           " WHERE fts MATCH ?1 ORDER BY rank LIMIT 10",
                           -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, PROG ": %s: %s\n", dbpath, db ? sqlite3_errmsg(db) : "cannot open");
        rc = KOFTS_EIO;
        goto done;
    }
    double next_report = bench_now() + 10.0;
    for (size_t pass = 0; pass <= passes; pass++) { /* pass 0 warms up, not counted */
        for (size_t i = 0; i < nq; i++) {
            double t0 = bench_now();
            build_expr(&c, &tapi, tk, q->v[i].text);
            size_t nhit = 0;
            if (c.terms > 0)
                nhit =
                    run_expr(st, &expr, e, q->v[i].qid, pass == 1 ? &e->hits[i * BENCH_K] : NULL);
            double us = (bench_now() - t0) * 1e6;
            if (pass >= 1) {
                e->lat_us[i * passes + (pass - 1)] = us;
                if (pass == 1) {
                    e->empty += nhit == 0;
                    e->dropped += c.dropped > 0;
                    e->unrunnable += c.terms == 0;
                }
            }
            double now = bench_now();
            if (now >= next_report) {
                fprintf(stderr, PROG ": %s: pass %zu/%zu, query %zu/%zu\n", e->key, pass, passes,
                        i + 1, nq);
                next_report = now + 10.0;
            }
        }
    }
    e->queried = 1;
done:
    if (tk)
        tapi.xDelete(tk);
    kofts_buf_free(&expr);
    kofts_buf_free(&c.phrase);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

int bench_db_vacuum_size(const char *dbpath, int kofts, long long *bytes)
{
    int rc = 0;
    sqlite3 *db = NULL;
    char wal[4096];
    *bytes = -1;
    if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        (kofts && kofts_fts5_register(db) != SQLITE_OK) ||
        sqlite3_exec(db, "VACUUM; PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL) !=
            SQLITE_OK) {
        fprintf(stderr, PROG ": %s: VACUUM failed: %s\n", dbpath,
                db ? sqlite3_errmsg(db) : "cannot open");
        rc = KOFTS_EIO;
    }
    sqlite3_close(db);
    snprintf(wal, sizeof wal, "%s-wal", dbpath);
    long long main_sz = bench_file_size(dbpath), wal_sz = bench_file_size(wal);
    if (main_sz >= 0)
        *bytes = main_sz + (wal_sz > 0 ? wal_sz : 0);
    return rc;
}

/* ---- tokenizer throughput ----------------------------------------------------- */

typedef struct {
    kofts_buf *texts; /* one title + "\n" + body per document */
    size_t n, cap;
    double bytes;
} text_set;

static int text_cb(void *ctx, const bench_doc *d)
{
    text_set *s = ctx;
    size_t old_cap = s->cap;
    kofts_buf *v = kofts_grow(s->texts, &s->cap, s->n + 1, sizeof *v);
    if (!v)
        return KOFTS_ENOMEM;
    memset(v + old_cap, 0, (s->cap - old_cap) * sizeof *v);
    s->texts = v;
    kofts_buf *b = &s->texts[s->n++];
    if (kofts_buf_append(b, d->title, d->title_len) || kofts_buf_puts(b, "\n") ||
        kofts_buf_append(b, d->body, d->body_len))
        return KOFTS_ENOMEM;
    s->bytes += (double)b->len;
    return 0;
}

static int count_token(void *ctx, int flags, const char *t, int nt, int start, int end)
{
    (void)flags;
    (void)t;
    (void)nt;
    (void)start;
    (void)end;
    (*(size_t *)ctx)++;
    return SQLITE_OK;
}

int bench_tokenizers(const char *path, size_t passes, bench_tok *out, size_t cap)
{
    static const struct {
        const char *label, *name, *arg;
    } toks[] = {
        {"fts5 unicode61", "unicode61", NULL},
        {"fts5 trigram", "trigram", NULL},
        {"kofts (word mode)", "kofts", NULL},
        {"kofts (bigram mode)", "kofts", "bigram"},
    };
    int rc = 0;
    size_t nout = 0;
    sqlite3 *db = NULL;
    text_set s = {0};
    char *p = (char *)path;
    if ((rc = bench_corpus_each(&p, 1, NULL, text_cb, &s, NULL)) != 0)
        goto done;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        rc = KOFTS_EIO;
        goto done;
    }
    int have_kofts = kofts_fts5_register(db) == SQLITE_OK;
    fts5_api *api = kofts_fts5_api(db);
    if (!api) {
        rc = KOFTS_EIO;
        goto done;
    }
    for (size_t k = 0; k < sizeof toks / sizeof toks[0] && nout < cap; k++) {
        bench_tok *o = &out[nout++];
        memset(o, 0, sizeof *o);
        snprintf(o->name, sizeof o->name, "%s", toks[k].label);
        o->bytes = s.bytes;
        void *ud = NULL;
        fts5_tokenizer tapi;
        Fts5Tokenizer *tk = NULL;
        const char *argv[1] = {toks[k].arg};
        if ((!have_kofts && strcmp(toks[k].name, "kofts") == 0) ||
            api->xFindTokenizer(api, toks[k].name, &ud, &tapi) != SQLITE_OK ||
            tapi.xCreate(ud, toks[k].arg ? argv : NULL, toks[k].arg ? 1 : 0, &tk) != SQLITE_OK) {
            fprintf(stderr, PROG ": tokenizer %s not available\n", o->name);
            continue;
        }
        fprintf(stderr, PROG ": tokenizing %.1f MB with %s, best of %zu\n", s.bytes / 1e6, o->name,
                passes);
        o->ok = 1;
        for (size_t pass = 0; pass < passes; pass++) {
            size_t ntok = 0;
            double t0 = bench_now();
            for (size_t i = 0; i < s.n && o->ok; i++)
                if (tapi.xTokenize(tk, &ntok, FTS5_TOKENIZE_DOCUMENT, s.texts[i].data,
                                   (int)s.texts[i].len, count_token) != SQLITE_OK)
                    o->ok = 0;
            double dt = bench_now() - t0;
            if (pass == 0 || dt < o->best_s)
                o->best_s = dt;
            o->tokens = ntok;
        }
        tapi.xDelete(tk);
    }
done:
    for (size_t i = 0; i < s.n; i++)
        kofts_buf_free(&s.texts[i]);
    free(s.texts);
    sqlite3_close(db);
    return rc ? rc : (int)nout;
}
