/*
 * bench_data.c - the text every engine indexes, and the queries and judgments.
 *
 * JSON lines are read with zlib (plain or gzip) and parsed with cJSON; post folders
 * are not parsed here: their text is read back from the docs table kofts-index wrote,
 * so the baselines index exactly the title and body kofts extracted.
 */
#include "bench.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kofts_analyzer.h"
#include "kofts_textz.h"

#define PROG "kofts-bench"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int bench_is_jsonl(const char *path)
{
    return ends_with(path, ".jsonl") || ends_with(path, ".ndjson") ||
           ends_with(path, ".jsonl.gz") || ends_with(path, ".ndjson.gz");
}

/* Read one line (any length) from f into b, without the newline. 1 = got a line,
 * 0 = end of file, negative = error. */
static int gz_line(gzFile f, kofts_buf *b)
{
    kofts_buf_clear(b);
    for (;;) {
        if (kofts_buf_reserve(b, 4096))
            return KOFTS_ENOMEM;
        char *p = b->data + b->len;
        if (!gzgets(f, p, (int)(b->cap - b->len))) {
            int err = 0;
            gzerror(f, &err);
            if (err != Z_OK && err != Z_STREAM_END)
                return KOFTS_EIO;
            return b->len > 0 ? 1 : 0;
        }
        size_t got = strlen(p);
        b->len += got;
        if (got > 0 && b->data[b->len - 1] == '\n') {
            b->data[--b->len] = '\0';
            if (b->len > 0 && b->data[b->len - 1] == '\r')
                b->data[--b->len] = '\0';
            return 1;
        }
    }
}

/* The first string member among names[] of obj, or "" (borrowed from obj). */
static const char *json_str(const cJSON *obj, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, names[i]);
        if (cJSON_IsString(v) && v->valuestring)
            return v->valuestring;
    }
    return "";
}

static int each_jsonl(const char *path, bench_doc_cb cb, void *ctx, size_t *skipped)
{
    static const char *const id_keys[] = {"id"};
    static const char *const title_keys[] = {"title"};
    static const char *const body_keys[] = {"body", "text", "content"};
    int rc = 0;
    kofts_buf line = {0};
    char numid[32];
    gzFile f = gzopen(path, "rb");
    if (!f) {
        fprintf(stderr, PROG ": %s: cannot open\n", path);
        rc = KOFTS_EIO;
        goto done;
    }
    gzbuffer(f, 1 << 16);
    int got;
    while ((got = gz_line(f, &line)) > 0) {
        if (line.len == 0)
            continue;
        cJSON *o = cJSON_ParseWithLength(line.data, line.len);
        const char *id = o ? json_str(o, id_keys, 1) : "";
        const cJSON *idn = o ? cJSON_GetObjectItemCaseSensitive(o, "id") : NULL;
        if (o && !*id && cJSON_IsNumber(idn)) {
            snprintf(numid, sizeof numid, "%.0f", idn->valuedouble);
            id = numid;
        }
        if (!o || !cJSON_IsObject(o) || !*id) {
            if (skipped)
                (*skipped)++;
            cJSON_Delete(o);
            continue;
        }
        bench_doc d;
        d.id = id;
        d.id_len = strlen(id);
        d.title = json_str(o, title_keys, 1);
        d.title_len = strlen(d.title);
        d.body = json_str(o, body_keys, 3);
        d.body_len = strlen(d.body);
        int crc = cb(ctx, &d);
        cJSON_Delete(o);
        if (crc) {
            rc = crc;
            goto done;
        }
    }
    if (got < 0) {
        fprintf(stderr, PROG ": %s: read error\n", path);
        rc = got;
    }
done:
    if (f)
        gzclose(f);
    kofts_buf_free(&line);
    return rc;
}

static int each_kofts_db(const char *dbpath, bench_doc_cb cb, void *ctx)
{
    int rc = 0;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (!dbpath || sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        kofts_textz_register(db) != SQLITE_OK || /* docs.body is inflated by kofts_text() */
        sqlite3_prepare_v2(db, "SELECT id, title, body FROM docs ORDER BY rowid", -1, &st, NULL) !=
            SQLITE_OK) {
        fprintf(stderr,
                PROG ": %s: cannot read the docs table (%s); post folders need "
                     "kofts-index to run first\n",
                dbpath ? dbpath : "(no kofts index)", db ? sqlite3_errmsg(db) : "no db");
        rc = KOFTS_EIO;
        goto done;
    }
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        bench_doc d;
        d.id = (const char *)sqlite3_column_text(st, 0);
        d.id_len = (size_t)sqlite3_column_bytes(st, 0);
        d.title = (const char *)sqlite3_column_text(st, 1);
        d.title_len = (size_t)sqlite3_column_bytes(st, 1);
        d.body = (const char *)sqlite3_column_text(st, 2);
        d.body_len = (size_t)sqlite3_column_bytes(st, 2);
        if (!d.id || !d.title || !d.body)
            continue;
        int crc = cb(ctx, &d);
        if (crc) {
            rc = crc;
            goto done;
        }
    }
    if (src != SQLITE_DONE) {
        fprintf(stderr, PROG ": %s: %s\n", dbpath, sqlite3_errmsg(db));
        rc = KOFTS_EIO;
    }
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

int bench_corpus_each(char *const *sources, size_t nsources, const char *kofts_db, bench_doc_cb cb,
                      void *ctx, size_t *skipped)
{
    int all_jsonl = nsources > 0;
    for (size_t i = 0; i < nsources; i++)
        if (!bench_is_jsonl(sources[i]))
            all_jsonl = 0;
    if (!all_jsonl)
        return each_kofts_db(kofts_db, cb, ctx);
    for (size_t i = 0; i < nsources; i++) {
        int rc = each_jsonl(sources[i], cb, ctx, skipped);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- queries ---------------------------------------------------------------- */

static const char *const classes[] = {"rare", "common", "multi", "phrase", "question"};

const char *bench_query_class(const char *qid, const char *text)
{
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++) {
        size_t n = strlen(classes[i]);
        if (strncmp(qid, classes[i], n) == 0 && qid[n] == '-')
            return classes[i];
    }
    /* No prefix: guess from the shape (KorQuAD questions end in '?'). */
    size_t len = strlen(text);
    if (strchr(text, '"'))
        return "phrase";
    if (len > 0 && (text[len - 1] == '?' || strstr(text, "무엇") || strstr(text, "누구") ||
                    strstr(text, "언제") || strstr(text, "어디") || strstr(text, "얼마")))
        return "question";
    size_t words = 0;
    int in = 0;
    for (const char *p = text; *p; p++) {
        int sp = *p == ' ' || *p == '\t';
        if (!sp && !in)
            words++;
        in = !sp;
    }
    return words <= 1 ? "word" : "multi";
}

int bench_queries_add(bench_queries *q, const char *qid, const char *text)
{
    bench_query *v = kofts_grow(q->v, &q->cap, q->n + 1, sizeof *v);
    if (!v)
        return KOFTS_ENOMEM;
    q->v = v;
    bench_query *e = &q->v[q->n];
    e->qid = strdup(qid);
    e->text = strdup(text);
    if (!e->qid || !e->text) {
        free(e->qid);
        free(e->text);
        return KOFTS_ENOMEM;
    }
    e->cls = bench_query_class(qid, text);
    q->n++;
    return 0;
}

/* Split line at tabs into at most max fields (in place); returns the count. */
static size_t split_tabs(char *line, char **f, size_t max)
{
    size_t n = 0;
    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

int bench_queries_load(bench_queries *q, const char *path, size_t max)
{
    int rc = 0;
    char *line = NULL;
    size_t cap = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, PROG ": %s: cannot open query file\n", path);
        return KOFTS_EIO;
    }
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0 && (max == 0 || q->n < max)) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        char *fld[2];
        if (split_tabs(line, fld, 2) < 2 || !*fld[1])
            continue;
        if ((rc = bench_queries_add(q, fld[0], fld[1])) != 0)
            break;
    }
    free(line);
    fclose(f);
    return rc;
}

int bench_queries_write(const bench_queries *q, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, PROG ": %s: cannot write\n", path);
        return KOFTS_EIO;
    }
    for (size_t i = 0; i < q->n; i++)
        fprintf(f, "%s\t%s\n", q->v[i].qid, q->v[i].text);
    return fclose(f) == 0 ? 0 : KOFTS_EIO;
}

void bench_queries_set_class(bench_queries *q, const char *cls)
{
    const char *name = "word";
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (strcmp(cls, classes[i]) == 0)
            name = classes[i];
    for (size_t i = 0; i < q->n; i++) {
        const char *c = bench_query_class(q->v[i].qid, "");
        size_t n = strlen(c);
        if (strncmp(q->v[i].qid, c, n) != 0 || q->v[i].qid[n] != '-')
            q->v[i].cls = name;
    }
}

void bench_queries_free(bench_queries *q)
{
    for (size_t i = 0; i < q->n; i++) {
        free(q->v[i].qid);
        free(q->v[i].text);
    }
    free(q->v);
    memset(q, 0, sizeof *q);
}

int bench_qrels_add(bench_qrels *r, const char *qid, const char *docid, int rel)
{
    bench_qrel *v = kofts_grow(r->v, &r->cap, r->n + 1, sizeof *v);
    if (!v)
        return KOFTS_ENOMEM;
    r->v = v;
    bench_qrel *e = &r->v[r->n];
    e->qid = strdup(qid);
    e->docid = strdup(docid);
    e->rel = rel;
    if (!e->qid || !e->docid) {
        free(e->qid);
        free(e->docid);
        return KOFTS_ENOMEM;
    }
    r->n++;
    return 0;
}

static int cmp_qrel(const void *a, const void *b)
{
    return strcmp(((const bench_qrel *)a)->qid, ((const bench_qrel *)b)->qid);
}

void bench_qrels_sort(bench_qrels *r)
{
    if (r->n > 1)
        qsort(r->v, r->n, sizeof *r->v, cmp_qrel);
}

int bench_qrels_load(bench_qrels *r, const char *path)
{
    int rc = 0;
    char *line = NULL;
    size_t cap = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, PROG ": %s: cannot open judgments file\n", path);
        return KOFTS_EIO;
    }
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        char *fld[4];
        size_t nf = split_tabs(line, fld, 4);
        if (nf == 1) { /* TREC qrels separated by blanks: qid 0 docid rel */
            nf = 0;
            for (char *tok = strtok(line, " "); tok && nf < 4; tok = strtok(NULL, " "))
                fld[nf++] = tok;
        }
        const char *qid = fld[0], *doc, *rel;
        if (nf == 3) {
            doc = fld[1];
            rel = fld[2];
        } else if (nf == 4) {
            doc = fld[2];
            rel = fld[3];
        } else {
            continue;
        }
        if ((rc = bench_qrels_add(r, qid, doc, atoi(rel))) != 0)
            break;
    }
    free(line);
    fclose(f);
    bench_qrels_sort(r);
    return rc;
}

int bench_qrels_write(const bench_qrels *r, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, PROG ": %s: cannot write\n", path);
        return KOFTS_EIO;
    }
    for (size_t i = 0; i < r->n; i++)
        fprintf(f, "%s\t%s\t%d\n", r->v[i].qid, r->v[i].docid, r->v[i].rel);
    return fclose(f) == 0 ? 0 : KOFTS_EIO;
}

size_t bench_qrels_find(const bench_qrels *r, const char *qid, kofts_judgment *jbuf, size_t cap)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) { /* first entry with qid >= key */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(r->v[mid].qid, qid) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t n = 0;
    for (size_t i = lo; i < r->n && strcmp(r->v[i].qid, qid) == 0; i++)
        if (n < cap) {
            jbuf[n].docid = r->v[i].docid;
            jbuf[n].rel = r->v[i].rel;
            n++;
        }
    return n;
}

void bench_qrels_free(bench_qrels *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].qid);
        free(r->v[i].docid);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}

void bench_engine_free(bench_engine *e, size_t nq)
{
    if (e->hits)
        for (size_t i = 0; i < nq * BENCH_K; i++)
            free(e->hits[i]);
    free(e->hits);
    free(e->lat_us);
    e->hits = NULL;
    e->lat_us = NULL;
}
