/*
 * bench_sample.c - queries and known-item judgments made from a small corpus (the
 * bundled corpus/sample), for when no query file is given.
 *
 * The corpus goes into an in-memory FTS5 unicode61 table; fts5vocab gives each word's
 * document frequency; each chosen document's body is re-tokenized (unicode61, through
 * fts5_api) to pick, as written in the text:
 *   rare-NNN     one word found in that document only          judged: that document
 *   multi-NNN    three words of middling frequency from it     judged: that document
 *   phrase-NNN   two adjacent words, quoted                    judged: that document
 *   question-NNN its two rarest words in a question            judged: that document
 *   common-NNN   one of the most frequent words of the corpus  not judged
 * Only Hangul words of two or more syllables are used. Deterministic.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_analyzer.h"
#include "kofts_fts5.h"

#define PROG "kofts-bench"

typedef struct {
    size_t start, end; /* bytes in the body */
    int df;            /* documents containing the token */
    int hangul;        /* 1 if Hangul and >= 2 syllables */
} tok;

typedef struct {
    tok *v;
    size_t n, cap;
    sqlite3_stmt *df_st;
    const char *text;
    size_t len;
    int err;
} toklist;

static int hangul_word(const char *s, size_t n)
{
    size_t i = 0, chars = 0;
    while (i < n) {
        size_t adv;
        int32_t cp = kofts_utf8_decode(s, n, i, &adv);
        if (cp < 0xAC00 || cp > 0xD7A3)
            return 0;
        chars++;
        i += adv;
    }
    return chars >= 2;
}

static int on_token(void *ctx, int flags, const char *t, int nt, int start, int end)
{
    toklist *l = ctx;
    (void)flags;
    tok *v = kofts_grow(l->v, &l->cap, l->n + 1, sizeof *v);
    if (!v) {
        l->err = KOFTS_ENOMEM;
        return SQLITE_NOMEM;
    }
    l->v = v;
    tok *k = &l->v[l->n++];
    k->start = (size_t)start;
    k->end = (size_t)end;
    k->hangul = hangul_word(l->text + start, (size_t)(end - start));
    k->df = 0;
    if (k->hangul) {
        sqlite3_bind_text(l->df_st, 1, t, nt, SQLITE_TRANSIENT);
        if (sqlite3_step(l->df_st) == SQLITE_ROW)
            k->df = sqlite3_column_int(l->df_st, 0);
        sqlite3_reset(l->df_st);
    }
    return SQLITE_OK;
}

typedef struct {
    sqlite3_stmt *ins;
    size_t n;
} fill_ctx;

static int fill_cb(void *ctx, const bench_doc *d)
{
    fill_ctx *c = ctx;
    sqlite3_bind_text(c->ins, 1, d->id, (int)d->id_len, SQLITE_STATIC);
    sqlite3_bind_text(c->ins, 2, d->title, (int)d->title_len, SQLITE_STATIC);
    sqlite3_bind_text(c->ins, 3, d->body, (int)d->body_len, SQLITE_STATIC);
    int src = sqlite3_step(c->ins);
    sqlite3_reset(c->ins);
    if (src != SQLITE_DONE)
        return KOFTS_EIO;
    c->n++;
    return 0;
}

/* Append a query (and, when docid != NULL, its known item) built in b. */
static int add_query(bench_queries *q, bench_qrels *r, const char *cls, size_t *count,
                     const kofts_buf *b, const char *docid)
{
    char qid[48];
    snprintf(qid, sizeof qid, "%s-%03zu", cls, ++*count);
    int rc = bench_queries_add(q, qid, b->data);
    if (!rc && docid)
        rc = bench_qrels_add(r, qid, docid, 1);
    return rc;
}

/* What the per-class pickers share: where queries go, how many each class has. */
typedef struct {
    bench_queries *q;
    bench_qrels *r;
    kofts_buf b; /* the query being written */
    size_t per_class;
    int mid_df; /* "middling" document frequency: at most a quarter of the documents */
    size_t n_rare, n_multi, n_phrase, n_question, n_common;
} maker;

/* rare: the middle one of the words found in this document only. */
static int make_rare(maker *m, const toklist *l, const char *docid)
{
    size_t nc = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].hangul && l->v[i].df == 1)
            nc++;
    if (m->n_rare >= m->per_class || nc == 0)
        return 0;
    size_t want = nc / 2, seen = 0;
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].hangul && l->v[i].df == 1 && seen++ == want) {
            kofts_buf_clear(&m->b);
            kofts_buf_append(&m->b, l->text + l->v[i].start, l->v[i].end - l->v[i].start);
            return add_query(m->q, m->r, "rare", &m->n_rare, &m->b, docid);
        }
    return 0;
}

/* multi: three middling words, from the 1st, 2nd and 3rd quarter on. */
static int make_multi(maker *m, const toklist *l, const char *docid)
{
    size_t cand[3] = {0}, nc = 0;
    for (size_t k = 0; k < 3; k++)
        for (size_t i = (l->n * (k + 1)) / 4; i < l->n; i++)
            if (l->v[i].hangul && l->v[i].df >= 2 && l->v[i].df <= m->mid_df &&
                (nc == 0 || i > cand[nc - 1])) {
                cand[nc++] = i;
                break;
            }
    if (m->n_multi >= m->per_class || nc != 3)
        return 0;
    kofts_buf_clear(&m->b);
    for (size_t k = 0; k < 3; k++) {
        if (k)
            kofts_buf_puts(&m->b, " ");
        const tok *t = &l->v[cand[k]];
        kofts_buf_append(&m->b, l->text + t->start, t->end - t->start);
    }
    return add_query(m->q, m->r, "multi", &m->n_multi, &m->b, docid);
}

/* phrase: two adjacent words separated by one space, near the middle. */
static int make_phrase(maker *m, const toklist *l, const char *docid)
{
    const char *body = l->text;
    if (m->n_phrase >= m->per_class)
        return 0;
    for (size_t i = l->n / 2; i + 1 < l->n; i++) {
        const tok *a = &l->v[i], *c = &l->v[i + 1];
        if (a->hangul && c->hangul && c->start == a->end + 1 && body[a->end] == ' ' &&
            a->df < m->mid_df) {
            kofts_buf_clear(&m->b);
            kofts_buf_puts(&m->b, "\"");
            kofts_buf_append(&m->b, body + a->start, c->end - a->start);
            kofts_buf_puts(&m->b, "\"");
            return add_query(m->q, m->r, "phrase", &m->n_phrase, &m->b, docid);
        }
    }
    return 0;
}

/* question: the two rarest distinct words of the document, in text order. */
static int make_question(maker *m, const toklist *l, const char *docid)
{
    const char *body = l->text;
    size_t r1 = SIZE_MAX, r2 = SIZE_MAX;
    for (size_t i = 0; i < l->n; i++) {
        const tok *t = &l->v[i];
        if (!t->hangul || t->df < 1)
            continue;
        if (r1 == SIZE_MAX || t->df < l->v[r1].df)
            r1 = i;
    }
    for (size_t i = 0; r1 != SIZE_MAX && i < l->n; i++) {
        const tok *t = &l->v[i];
        if (!t->hangul || t->df < 1 || i == r1 ||
            (t->end - t->start == l->v[r1].end - l->v[r1].start &&
             memcmp(body + t->start, body + l->v[r1].start, t->end - t->start) == 0))
            continue;
        if (r2 == SIZE_MAX || t->df < l->v[r2].df)
            r2 = i;
    }
    if (m->n_question >= m->per_class || r1 == SIZE_MAX || r2 == SIZE_MAX)
        return 0;
    size_t a = r1 < r2 ? r1 : r2, c = r1 < r2 ? r2 : r1;
    kofts_buf_clear(&m->b);
    kofts_buf_append(&m->b, body + l->v[a].start, l->v[a].end - l->v[a].start);
    kofts_buf_puts(&m->b, " ");
    kofts_buf_append(&m->b, body + l->v[c].start, l->v[c].end - l->v[c].start);
    kofts_buf_puts(&m->b, "에 대한 내용은 무엇인가?");
    return add_query(m->q, m->r, "question", &m->n_question, &m->b, docid);
}

/* common: the most frequent Hangul words that are not in every document. */
static int make_common(maker *m, sqlite3_stmt *common_st, size_t ndocs)
{
    int rc = 0;
    while (rc == 0 && m->n_common < 5 && sqlite3_step(common_st) == SQLITE_ROW) {
        const char *term = (const char *)sqlite3_column_text(common_st, 0);
        int df = sqlite3_column_int(common_st, 1);
        if (!term || !hangul_word(term, strlen(term)) || (size_t)df >= ndocs || df < 2)
            continue;
        kofts_buf_clear(&m->b);
        kofts_buf_puts(&m->b, term);
        rc = add_query(m->q, m->r, "common", &m->n_common, &m->b, NULL);
    }
    return rc;
}

/* The corpus into the in-memory table t (and its vocabulary vr); *ndocs documents. */
static int load_corpus(sqlite3 *db, char *const *sources, size_t nsources, const char *kofts_db,
                       size_t *ndocs)
{
    sqlite3_stmt *ins = NULL;
    int rc = 0;
    if (sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE t USING fts5(id UNINDEXED, title, body,"
                     " tokenize='unicode61');"
                     "CREATE VIRTUAL TABLE vr USING fts5vocab(t, 'row');",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO t(id, title, body) VALUES (?1, ?2, ?3)", -1, &ins,
                           NULL) != SQLITE_OK) {
        sqlite3_finalize(ins);
        return KOFTS_EIO;
    }
    fill_ctx fc = {ins, 0};
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    rc = bench_corpus_each(sources, nsources, kofts_db, fill_cb, &fc, NULL);
    sqlite3_finalize(ins);
    if (rc)
        return rc;
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    *ndocs = fc.n;
    if (fc.n == 0) {
        fprintf(stderr, PROG ": the corpus is empty; no queries to make\n");
        return KOFTS_EINVAL;
    }
    return 0;
}

int bench_queries_generate(char *const *sources, size_t nsources, const char *kofts_db,
                           size_t per_class, bench_queries *q, bench_qrels *r)
{
    int rc = 0;
    sqlite3 *db = NULL;
    sqlite3_stmt *doc_st = NULL, *common_st = NULL, *df_st = NULL;
    Fts5Tokenizer *tk = NULL;
    fts5_tokenizer tapi;
    toklist l = {0};
    size_t ndocs = 0;
    maker m = {q, r, {0}, per_class, 0, 0, 0, 0, 0, 0};

    if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
        rc = KOFTS_EIO;
        goto done;
    }
    if ((rc = load_corpus(db, sources, nsources, kofts_db, &ndocs)) != 0)
        goto done;
    fts5_api *api = kofts_fts5_api(db);
    void *ud = NULL;
    if (!api || api->xFindTokenizer(api, "unicode61", &ud, &tapi) != SQLITE_OK ||
        tapi.xCreate(ud, NULL, 0, &tk) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT doc FROM vr WHERE term = ?1", -1, &df_st, NULL) ||
        sqlite3_prepare_v2(db, "SELECT id, body FROM t WHERE rowid = ?1", -1, &doc_st, NULL) ||
        sqlite3_prepare_v2(db, "SELECT term, doc FROM vr ORDER BY doc DESC, term LIMIT 500", -1,
                           &common_st, NULL)) {
        fprintf(stderr, PROG ": cannot set up query generation: %s\n", sqlite3_errmsg(db));
        rc = KOFTS_EIO;
        goto done;
    }
    l.df_st = df_st;

    /* documents spread over the corpus, pass after pass, until each class is full */
    size_t stride = ndocs / per_class > 0 ? ndocs / per_class : 1;
    m.mid_df = (int)(ndocs / 4 > 2 ? ndocs / 4 : 2);
    for (size_t pass = 0;
         pass < stride && m.n_rare + m.n_multi + m.n_phrase + m.n_question < 4 * per_class;
         pass++) {
        for (size_t d = 1 + pass; d <= ndocs; d += stride) {
            sqlite3_bind_int64(doc_st, 1, (sqlite3_int64)d);
            if (sqlite3_step(doc_st) != SQLITE_ROW) {
                sqlite3_reset(doc_st);
                continue;
            }
            const char *docid = (const char *)sqlite3_column_text(doc_st, 0);
            const char *body = (const char *)sqlite3_column_text(doc_st, 1);
            size_t blen = (size_t)sqlite3_column_bytes(doc_st, 1);
            l.n = 0;
            l.text = body;
            l.len = blen;
            tapi.xTokenize(tk, &l, FTS5_TOKENIZE_DOCUMENT, body, (int)blen, on_token);
            rc = l.err;
            if (!rc && !(rc = make_rare(&m, &l, docid)) && !(rc = make_multi(&m, &l, docid)) &&
                !(rc = make_phrase(&m, &l, docid)))
                rc = make_question(&m, &l, docid);
            sqlite3_reset(doc_st);
            if (rc)
                goto done;
        }
    }
    if ((rc = make_common(&m, common_st, ndocs)) != 0)
        goto done;
    bench_qrels_sort(r);
    fprintf(stderr,
            PROG ": made %zu queries from %zu documents (rare %zu, common %zu, "
                 "multi %zu, phrase %zu, question %zu)\n",
            q->n, ndocs, m.n_rare, m.n_common, m.n_multi, m.n_phrase, m.n_question);
done:
    if (tk)
        tapi.xDelete(tk);
    free(l.v);
    kofts_buf_free(&m.b);
    sqlite3_finalize(doc_st);
    sqlite3_finalize(common_st);
    sqlite3_finalize(df_st);
    sqlite3_close(db);
    return rc;
}
