/*
 * kofts_search.c - the searcher library over a backend: query text -> kofts_plan
 * (kofts_plan.c) -> fallback rules (all words, then any word) -> backend (FTS5:
 * kofts_backend_fts5.c) -> result assembly with stored fields and snippets.
 *
 * Nothing here speaks SQL or a backend's query language; the backend compiles the plan.
 */
#include "kofts_search.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct kofts_search {
    kofts_backend *be;  /* owned */
    kofts_analyzer *an; /* owned */
    kofts_weights w;
    int limit_ms;    /* time limit per run in ms, 0 for none */
    double deadline; /* CLOCK_MONOTONIC seconds when the running call must stop; 0 none */
    atomic_int stop; /* set by kofts_search_interrupt */
    char err[512];
};

/* The snippet of text for the positive words of qp (see kofts_snippet_make). */
static int make_snippet(kofts_analyzer *a, const kofts_plan *qp, const char *text, size_t len,
                        int chars, char **out, size_t *out_len, kofts_span **spans, size_t *n_spans)
{
    kofts_snippet_term terms[KOFTS_QUERY_MAX_TERMS];
    size_t n = 0;
    for (size_t k = 0; k < qp->n; k++) {
        if (qp->t[k].neg)
            continue;
        terms[n].text = qp->t[k].text;
        terms[n].len = qp->t[k].len;
        n++;
    }
    return kofts_snippet_make(a, terms, n, text, len, chars, out, out_len, spans, n_spans);
}

/* --------------------------------------------------------------------- handle */

void kofts_search_opts_init(kofts_search_opts *o)
{
    memset(o, 0, sizeof *o);
    o->limit = 10;
    o->sort = KOFTS_SORT_RELEVANCE;
    o->match = KOFTS_MATCH_AUTO;
    o->min_hits = 10;
    o->snippets = 1;
    o->snippet_chars = 120;
}

kofts_weights kofts_search_default_weights(void)
{
    return kofts_columns_default_weights();
}

void kofts_search_set_weights(kofts_search *s, const kofts_weights *w)
{
    s->w = *w;
}

/* 1 when the running call must stop: interrupted, or past its deadline. The backend's
 * stop check (set_stop). */
static int must_stop(void *ctx)
{
    kofts_search *s = ctx;
    return atomic_load(&s->stop) || (s->deadline > 0 && kofts_mono_s() > s->deadline);
}

void kofts_search_set_time_limit(kofts_search *s, int ms)
{
    s->limit_ms = ms > 0 ? ms : 0;
}

void kofts_search_interrupt(kofts_search *s)
{
    atomic_store(&s->stop, 1);
}

/* The message of a call stopped by must_stop(); returns KOFTS_ESTOP. */
static int stopped(kofts_search *s)
{
    if (atomic_load(&s->stop))
        snprintf(s->err, sizeof s->err, "query interrupted");
    else
        snprintf(s->err, sizeof s->err, "query stopped: it took longer than %d ms", s->limit_ms);
    return KOFTS_ESTOP;
}

const char *kofts_search_errmsg(const kofts_search *s)
{
    return s ? s->err : "out of memory";
}

const char *kofts_search_backend_name(const kofts_search *s)
{
    return s->be->name;
}

int kofts_search_open(kofts_search **out, const char *path, char **errmsg)
{
    return kofts_search_open_ex(out, path, 0, errmsg);
}

int kofts_search_open_ex(kofts_search **out, const char *path, int flags, char **errmsg)
{
    int rc = 0;
    kofts_search *s = NULL;
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    s = calloc(1, sizeof *s);
    if (!s) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    s->w = kofts_search_default_weights();
    if ((rc = kofts_backend_open(&s->be, path, flags, errmsg)))
        goto done;
    atomic_init(&s->stop, 0);
    if (s->be->set_stop)
        s->be->set_stop(s->be, must_stop, s);
    if ((rc = kofts_analyzer_new(&s->an))) {
        if (errmsg)
            *errmsg = strdup("cannot create the analyzer");
        goto done;
    }
    *out = s;
    s = NULL;
done:
    kofts_search_close(s);
    return rc;
}

void kofts_search_close(kofts_search *s)
{
    if (!s)
        return;
    if (s->be)
        s->be->close(s->be);
    kofts_analyzer_free(s->an);
    free(s);
}

void kofts_result_free(kofts_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_hits; i++) {
        kofts_hit *h = &r->hits[i];
        free(h->id);
        free(h->title);
        free(h->date);
        free(h->categories);
        free(h->url);
        free(h->path);
        free(h->snippet);
        free(h->spans);
    }
    free(r->hits);
    free(r->expr);
    free(r->notes);
    free(r->warnings);
    free(r);
}

typedef struct {
    kofts_backend *be;
    long long max_df;
} df_ctx;

static int df_cb(void *ctx, const kofts_token *tok)
{
    df_ctx *d = ctx;
    long long df = d->be->token_df(d->be, tok->text, tok->len);
    if (df > d->max_df)
        d->max_df = df;
    return 0;
}

/*
 * Mark plain words found in over half of the documents (indexes of >= 100 only), or in
 * more than KOFTS_ANY_DF_CAP documents: a backend that scores every row an any-word
 * query matches (FTS5) would make the fallback cost grow with the archive. Such words
 * still count in the all-word reading.
 */
#define KOFTS_ANY_DF_CAP 20000
static void mark_common(kofts_search *s, kofts_plan *qp)
{
    long long n_docs = s->be->doc_count(s->be);
    if (n_docs < 100)
        return;
    for (size_t k = 0; k < qp->n; k++) {
        kofts_plan_term *t = &qp->t[k];
        if (t->neg || t->phrase || t->prefix || t->field >= 0)
            continue;
        df_ctx d = {s->be, 0};
        if (kofts_analyzer_run(s->an, KOFTS_MODE_WORD, KOFTS_ANALYZE_QUERY, t->text, t->len, df_cb,
                               &d) == 0)
            t->common = d.max_df * 2 > n_docs || d.max_df > KOFTS_ANY_DF_CAP;
    }
}

static int backend_error(kofts_search *s, int rc)
{
    if (rc != KOFTS_ENOMEM)
        snprintf(s->err, sizeof s->err, "%s", s->be->errmsg(s->be));
    return rc;
}

static char *dup_str(const char *v, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        if (n)
            memcpy(p, v, n);
        p[n] = '\0';
    }
    return p;
}

/*
 * The path of a document's file relative to its SOURCE: a file's id is that relative
 * path and its source is SOURCE/id, so the id is returned when source ends with it;
 * otherwise (a JSONL record, whose id is its own) the source as indexed. Borrowed.
 */
static const char *doc_path(const char *id, const char *source)
{
    size_t il = strlen(id), sl = strlen(source);
    if (il && (strcmp(source, id) == 0 ||
               (sl > il && source[sl - il - 1] == '/' && strcmp(source + sl - il, id) == 0)))
        return id;
    return source;
}

/* Fill h's stored fields (and snippet) from the backend's document h->rowid. */
static int fill_hit(kofts_search *s, const kofts_plan *qp, const kofts_search_opts *o, kofts_hit *h)
{
    kofts_backend_doc d;
    memset(&d, 0, sizeof d);
    int rc = s->be->doc(s->be, h->rowid, &d);
    if (rc < 0)
        return backend_error(s, rc);
    int found = rc == 1;
    if (!found) /* deleted while we ran (an indexer is writing): show it empty */
        d.id = d.title = d.date = d.categories = d.body = d.excerpt = d.url = d.source = "";
    if (!d.url)
        d.url = "";
    if (!d.source)
        d.source = "";
    rc = 0;
    const char *path = doc_path(d.id, d.source);
    h->id = dup_str(d.id, strlen(d.id));
    h->title = dup_str(d.title, strlen(d.title));
    h->date = dup_str(d.date, strlen(d.date));
    h->categories = dup_str(d.categories, strlen(d.categories));
    h->url = dup_str(d.url, strlen(d.url));
    h->path = dup_str(path, strlen(path));
    if (!h->id || !h->title || !h->date || !h->categories || !h->url || !h->path)
        return KOFTS_ENOMEM;
    if (o->snippets && found) {
        const char *text = d.body_len ? d.body : d.excerpt;
        size_t tl = d.body_len ? d.body_len : d.excerpt_len;
        rc = make_snippet(s->an, qp, text, tl, o->snippet_chars, &h->snippet, &h->snippet_len,
                          &h->spans, &h->n_spans);
    } else {
        h->snippet = strdup("");
        if (!h->snippet)
            rc = KOFTS_ENOMEM;
    }
    return rc;
}

/*
 * r->hits holds n_all all-word hits followed by any-word hits (which repeat some of
 * them). Keep the all-word hits first, then the new any-word ones, and cut the page
 * [offset, offset+limit). Any-word scores are capped just below the previous hit's so
 * that scores stay in rank order (TREC tools sort by score). The hits hold no
 * allocations yet.
 */
static void merge_all_first(kofts_result *r, size_t n_all, int offset, int limit)
{
    size_t n = n_all;
    for (size_t i = n_all; i < r->n_hits; i++) {
        int dup = 0;
        for (size_t k = 0; k < n_all && !dup; k++)
            dup = r->hits[k].rowid == r->hits[i].rowid;
        if (dup)
            continue;
        r->hits[n] = r->hits[i];
        if (n > 0 && r->hits[n].score >= r->hits[n - 1].score)
            r->hits[n].score = r->hits[n - 1].score - 1e-6;
        n++;
    }
    size_t from = (size_t)offset < n ? (size_t)offset : n;
    size_t cnt = n - from < (size_t)limit ? n - from : (size_t)limit;
    memmove(r->hits, r->hits + from, cnt * sizeof *r->hits);
    r->n_hits = cnt;
}

/* Append backend hits bh[0..n) to r->hits as empty hits (ref, score). */
static int add_hits(kofts_result *r, const kofts_backend_hit *bh, size_t n)
{
    if (n == 0)
        return 0;
    kofts_hit *nh = realloc(r->hits, (r->n_hits + n) * sizeof *nh);
    if (!nh)
        return KOFTS_ENOMEM;
    r->hits = nh;
    for (size_t i = 0; i < n; i++) {
        kofts_hit *h = &r->hits[r->n_hits++];
        memset(h, 0, sizeof *h);
        h->rowid = bh[i].ref;
        h->score = bh[i].score;
    }
    return 0;
}

/* Run reading `reading` and append (ref, score) pairs to r->hits as empty hits. */
static int fetch(kofts_search *s, const kofts_plan *qp, int reading, const kofts_search_opts *o,
                 int limit, int offset, kofts_result *r, kofts_backend_hit **bh, size_t *bcap)
{
    size_t n = 0;
    int rc = s->be->run(s->be, qp, reading, o->sort, &s->w, limit, offset, bh, &n, bcap);
    if (rc < 0)
        return backend_error(s, rc);
    return add_hits(r, *bh, n);
}

/*
 * Hits of the KOFTS_READ_RANKED reading: those holding every group carry
 * KOFTS_RANKED_BONUS on top of their BM25 score. Take it off, and cap the others'
 * scores just below the previous hit's so that scores stay in rank order (TREC tools
 * sort by score); r->used_any is set when any hit lacks a word.
 */
static void set_ranked_scores(kofts_result *r)
{
    for (size_t i = 0; i < r->n_hits; i++) {
        kofts_hit *h = &r->hits[i];
        if (h->score >= KOFTS_RANKED_BONUS) {
            h->score -= KOFTS_RANKED_BONUS;
            continue;
        }
        r->used_any = 1;
        if (i > 0 && h->score >= r->hits[i - 1].score)
            h->score = r->hits[i - 1].score - 1e-6;
    }
}

/* Parse query and add the option filters to the plan. */
static int make_plan(kofts_search *s, const char *query, size_t len, const kofts_search_opts *o,
                     kofts_plan *qp)
{
    int rc = kofts_plan_parse(qp, s->an, query, len);
    if (rc)
        return rc;
    /* --category joins the category: values typed in the query (any of them). */
    if (o->category && o->category[0] && kofts_plan_add_category(qp, o->category))
        return KOFTS_ENOMEM;
    return kofts_plan_set_dates(qp, o->since, o->until);
}

/*
 * Count the all-word matches up to min_hits into *n. With the backend's count_hits the
 * matches come with it when fewer (ranked, in bh[0..*n_all)) and 1 is returned; else 0
 * (*n_all 0), or a negative KOFTS_E* code.
 */
static int count_all(kofts_search *s, const kofts_plan *qp, int min_hits, long long *n,
                     kofts_backend_hit **bh, size_t *n_all, size_t *bcap)
{
    *n_all = 0;
    int rc;
    if (s->be->version >= 2 && s->be->count_hits)
        rc = s->be->count_hits(s->be, qp, KOFTS_READ_ALL, &s->w, min_hits, n, bh, n_all, bcap);
    else {
        kofts_backend_read rd = {KOFTS_READ_ALL, -1};
        rc = s->be->count(s->be, qp, rd, min_hits, n);
    }
    return rc < 0 ? backend_error(s, rc) : rc;
}

/*
 * Decide the reading: *reading gets the one to rank by, *all_first the number of
 * all-word hits to keep in front of the any-word ones (0: none); when the count brought
 * them (count_all), they are in bh[0..*n_all) (*n_all stays -1 otherwise). Returns the
 * number of groups of the reading (0: nothing to search for) or a negative KOFTS_E* code.
 */
static int choose_reading(kofts_search *s, kofts_plan *qp, const kofts_search_opts *o,
                          kofts_result *r, int *reading, int *all_first, kofts_backend_hit **bh,
                          long long *n_all, size_t *bcap)
{
    *n_all = -1;
    int use[KOFTS_QUERY_MAX_TERMS];
    *all_first = 0;
    *reading = o->match == KOFTS_MATCH_ANY ? KOFTS_READ_ANY : KOFTS_READ_ALL;
    if (qp->match_all) { /* browsing: every document, the filters decide */
        *reading = KOFTS_READ_ALL;
        return 1;
    }
    int groups = kofts_plan_reading(qp, *reading, use);
    if (groups == 0) {
        int negs = 0;
        for (size_t k = 0; k < qp->n; k++)
            negs += qp->t[k].neg;
        if (kofts_plan_note(qp,
                            negs ? "nothing to search for: the query only excludes words"
                                 : "nothing to search for: the query has no searchable words",
                            NULL, 0))
            return KOFTS_ENOMEM;
        return 0;
    }
    if (o->match == KOFTS_MATCH_ANY) {
        r->used_any = groups > 1;
    } else if (o->match == KOFTS_MATCH_AUTO && groups > 1 && o->sort == KOFTS_SORT_RELEVANCE &&
               strcmp(s->be->name, "fts5") == 0) {
        /* One pass: documents holding every word first, then the rest, by BM25
         * (set_ranked_scores tells which reading each hit came from). Only the FTS5
         * backend adds the coordination bonus (kofts_rank); others run two readings. */
        *reading = KOFTS_READ_RANKED;
        groups = kofts_plan_reading(qp, *reading, use);
    } else if (o->match == KOFTS_MATCH_AUTO && groups > 1) {
        int min_hits = o->min_hits > 0 ? o->min_hits : 1;
        long long n = 0;
        size_t got = 0;
        int rc = count_all(s, qp, min_hits, &n, bh, &got, bcap);
        if (rc < 0)
            return rc;
        if (rc == 1)
            *n_all = (long long)got;
        if (n < min_hits) {
            /* Too few all-word hits: keep them first (relevance order), then the
             * any-word ranking. */
            r->used_any = 1;
            if (o->sort == KOFTS_SORT_RELEVANCE && n > 0)
                *all_first = (int)n;
            *reading = KOFTS_READ_ANY;
        }
    }
    return groups;
}

/* The hit lists of one run, reused between backend calls. */
typedef struct {
    kofts_backend_hit *bh;
    size_t bcap;
    long long n_all; /* all-word hits the count brought in bh, -1 none */
} run_hits;

/*
 * The page of a run whose plan has words or a filter (reading and all_first from
 * choose_reading): the reading's total, then the hits - all-word hits first, then
 * any-word hits not among them when all_first. The backend's text of the query goes
 * to expr.
 */
static int fetch_page(kofts_search *s, const kofts_plan *qp, const kofts_search_opts *opts,
                      int reading, int all_first, kofts_result *r, run_hits *h, kofts_buf *expr)
{
    kofts_backend_read rd = {reading, -1};
    int rc = s->be->describe(s->be, qp, rd, expr);
    if (rc < 0)
        return rc;
    if (opts->want_total && reading != KOFTS_READ_RANKED &&
        (rc = s->be->count(s->be, qp, rd, -1, &r->total)) < 0)
        return backend_error(s, rc);
    if (all_first == 0) {
        rc = fetch(s, qp, reading, opts, opts->limit, opts->offset, r, &h->bh, &h->bcap);
        if (!rc && reading == KOFTS_READ_RANKED) {
            set_ranked_scores(r);
            /* The total of the reading the page shows: all words when every hit
             * holds them all, else any word. */
            kofts_backend_read tr = {r->used_any ? KOFTS_READ_ANY : KOFTS_READ_ALL, -1};
            if (opts->want_total && (rc = s->be->count(s->be, qp, tr, -1, &r->total)) < 0)
                rc = backend_error(s, rc);
        }
        return rc;
    }
    long long want = (long long)opts->offset + opts->limit;
    if (h->n_all >= 0) /* the count's hits: the same as a run of the reading */
        rc = add_hits(r, h->bh, (size_t)(h->n_all < want ? h->n_all : want));
    else
        rc = fetch(s, qp, KOFTS_READ_ALL, opts, (int)want, 0, r, &h->bh, &h->bcap);
    size_t n_first = r->n_hits;
    if (!rc)
        rc = fetch(s, qp, KOFTS_READ_ANY, opts, (int)(want + (long long)n_first), 0, r, &h->bh,
                   &h->bcap);
    if (!rc)
        merge_all_first(r, n_first, opts->offset, opts->limit);
    return rc;
}

/* Stored fields and snippets of the page's hits (stopped by the time limit between
 * hits: snippets are our own work, not the backend's). */
static int fill_hits(kofts_search *s, const kofts_plan *qp, const kofts_search_opts *opts,
                     kofts_result *r)
{
    for (size_t k = 0; k < r->n_hits; k++) {
        if (must_stop(s))
            return KOFTS_ESTOP;
        int rc = fill_hit(s, qp, opts, &r->hits[k]);
        if (rc)
            return rc;
    }
    return 0;
}

/* The run's texts: the backend's query, the plan's notes, the backend's warnings. */
static int set_texts(kofts_search *s, const kofts_plan *qp, const kofts_buf *expr, kofts_result *r)
{
    r->expr = strdup(expr->data ? expr->data : "");
    r->notes = strdup(qp->notes.data ? qp->notes.data : "");
    r->warnings = strdup(s->be->warnings(s->be));
    return r->expr && r->notes && r->warnings ? 0 : KOFTS_ENOMEM;
}

int kofts_search_run(kofts_search *s, const char *query, size_t len, const kofts_search_opts *opts,
                     kofts_result **out)
{
    int rc = 0, reading = KOFTS_READ_ALL, all_first = 0;
    kofts_plan qp;
    kofts_buf expr = {0};
    kofts_result *r = NULL;
    run_hits h = {NULL, 0, -1};
    int in_snapshot = 0;
    *out = NULL;
    s->err[0] = '\0';
    memset(&qp, 0, sizeof qp);
    atomic_store(&s->stop, 0);
    s->deadline = s->limit_ms ? kofts_mono_s() + s->limit_ms / 1000.0 : 0;

    /* One snapshot: every backend call of this run sees the same version of the index
     * while kofts-index writes (no document half old, half new). */
    if (s->be->snapshot) {
        if ((rc = s->be->snapshot(s->be, 1)) < 0) {
            rc = backend_error(s, rc);
            goto done;
        }
        in_snapshot = 1;
    }
    if ((rc = make_plan(s, query, len, opts, &qp)))
        goto done;
    if (opts->match != KOFTS_MATCH_ALL)
        mark_common(s, &qp);
    if (!(r = calloc(1, sizeof *r))) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    r->total = -1;
    r->browse = qp.match_all;
    int groups = choose_reading(s, &qp, opts, r, &reading, &all_first, &h.bh, &h.n_all, &h.bcap);
    if (groups < 0) {
        rc = groups;
        goto done;
    }
    if (groups == 0 && opts->want_total)
        r->total = 0;
    if (groups > 0 && ((rc = fetch_page(s, &qp, opts, reading, all_first, r, &h, &expr)) ||
                       (rc = fill_hits(s, &qp, opts, r))))
        goto done;
    if ((rc = set_texts(s, &qp, &expr, r)))
        goto done;
    *out = r;
    r = NULL;
done:
    if (rc == KOFTS_ESTOP)
        stopped(s);
    s->deadline = 0;
    atomic_store(&s->stop, 0); /* so that ending the snapshot is never stopped */
    if (in_snapshot)
        s->be->snapshot(s->be, 0);
    kofts_plan_free(&qp);
    if (rc == KOFTS_ENOMEM && !s->err[0])
        snprintf(s->err, sizeof s->err, "out of memory");
    else if (rc < 0 && !s->err[0])
        snprintf(s->err, sizeof s->err, "cannot analyse the query: %s",
                 kofts_analyzer_errmsg(s->an));
    free(h.bh);
    kofts_buf_free(&expr);
    kofts_result_free(r);
    return rc;
}

/* ------------------------------------------------------------------- explain */

typedef struct {
    kofts_buf *out;
    int first;
} explain_ctx;

static int explain_cb(void *ctx, const kofts_token *tok)
{
    explain_ctx *e = ctx;
    if (kofts_buf_puts(e->out, e->first ? " " : (tok->colocated ? "|" : " ")) ||
        kofts_buf_append(e->out, tok->text, tok->len) ||
        kofts_buf_printf(e->out, "(%s)", kofts_tok_kind_name(tok->kind)))
        return KOFTS_ENOMEM;
    e->first = 0;
    return 0;
}

/* Append expr with the 0x01 bigram mark shown as \x01. */
static int put_expr(kofts_buf *out, const char *expr, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (expr[i] == KOFTS_BIGRAM_MARK ? kofts_buf_puts(out, "\\x01")
                                         : kofts_buf_append(out, expr + i, 1))
            return KOFTS_ENOMEM;
    return 0;
}

/* The explain lines of term k: role, tokens, the backend's form and its documents. */
static int explain_term(kofts_search *s, const kofts_plan *qp, size_t k, kofts_buf *out)
{
    int rc = 0;
    const kofts_plan_term *t = &qp->t[k];
    kofts_buf part = {0};
    if (kofts_buf_printf(out, "term %zu: \"", k + 1) || kofts_buf_append(out, t->text, t->len) ||
        kofts_buf_printf(out, "\"  %s%s%s%s",
                         t->neg        ? "excluded"
                         : t->optional ? "optional"
                                       : "required",
                         t->phrase ? ", phrase" : "", t->prefix ? ", prefix" : "",
                         t->field == KOFTS_COL_TITLE ? ", title only" : "") ||
        kofts_buf_puts(out, t->common ? ", in over half of the documents (not in the "
                                        "any-word reading)"
                                      : "") ||
        (!t->neg && kofts_buf_printf(out, ", group %d", t->group + 1)))
        return KOFTS_ENOMEM;
    explain_ctx e = {out, 1};
    kofts_buf_puts(out, "\n  word tokens:");
    if ((rc = kofts_analyzer_run(s->an, KOFTS_MODE_WORD, KOFTS_ANALYZE_QUERY, t->text, t->len,
                                 explain_cb, &e)) != 0)
        return rc;
    e.first = 1;
    kofts_buf_puts(out, "\n  bigram tokens:");
    if ((rc = kofts_analyzer_run(s->an, KOFTS_MODE_BIGRAM, KOFTS_ANALYZE_QUERY, t->text, t->len,
                                 explain_cb, &e)) != 0)
        return rc;
    kofts_backend_read rd = {KOFTS_READ_ALL, (int)k};
    long long df = -1;
    if ((rc = s->be->describe(s->be, qp, rd, &part)) >= 0)
        rc = s->be->count(s->be, qp, rd, -1, &df);
    if (rc < 0 && rc != KOFTS_ENOMEM)
        df = -1;
    if (rc == KOFTS_ENOMEM || kofts_buf_puts(out, "\n  expression: ") ||
        put_expr(out, part.data ? part.data : "", part.len) ||
        kofts_buf_printf(out, "\n  documents: %lld\n", df))
        rc = KOFTS_ENOMEM;
    else
        rc = 0;
    kofts_buf_free(&part);
    return rc;
}

int kofts_search_explain(kofts_search *s, const char *query, size_t len,
                         const kofts_search_opts *opts, kofts_buf *out)
{
    int rc = 0;
    kofts_plan qp;
    kofts_buf part = {0};
    memset(&qp, 0, sizeof qp);
    if ((rc = make_plan(s, query, len, opts, &qp)))
        goto done;
    mark_common(s, &qp);
    for (size_t k = 0; k < qp.n && !rc; k++)
        rc = explain_term(s, &qp, k, out);
    if (rc)
        goto done;
    for (int any = 0; any < 2; any++) {
        kofts_backend_read rd = {any ? KOFTS_READ_ANY : KOFTS_READ_ALL, -1};
        kofts_buf_clear(&part);
        if ((rc = s->be->describe(s->be, &qp, rd, &part)) < 0)
            goto done;
        if (rc == 0 && qp.match_all) {
            long long n = -1;
            if (s->be->count(s->be, &qp, rd, -1, &n) < 0)
                n = -1;
            kofts_buf_printf(out, "expression: (every document, newest first)\n  documents: %lld\n",
                             n);
            break;
        }
        if (rc == 0) {
            kofts_buf_puts(out, "expression: (none: nothing to search for)\n");
            break;
        }
        rc = 0;
        long long df = -1;
        if (s->be->count(s->be, &qp, rd, -1, &df) < 0)
            df = -1;
        kofts_buf_puts(out, any ? "any-word expression: " : "all-word expression: ");
        put_expr(out, part.data, part.len);
        kofts_buf_printf(out, "\n  documents: %lld\n", df);
    }
    for (size_t i = 0; i < qp.n_cats; i++)
        kofts_buf_printf(out, "category: %s\n", qp.cats[i]);
    if (qp.notes.len)
        kofts_buf_printf(out, "notes:\n  %s\n", qp.notes.data);
    if (out->len == 0 || !out->data)
        rc = KOFTS_ENOMEM;
done:
    if (rc > 0)
        rc = 0;
    kofts_plan_free(&qp);
    kofts_buf_free(&part);
    return rc;
}

int kofts_search_stats(kofts_search *s, kofts_buf *out)
{
    /* One snapshot, as a search takes: the figures agree with each other, and a
     * journal-mode switch of kofts-index is waited out (kofts_store_step_wait). */
    int rc = s->be->snapshot ? s->be->snapshot(s->be, 1) : 0;
    if (rc < 0)
        return backend_error(s, rc);
    int in_snapshot = s->be->snapshot != NULL;
    rc = s->be->stats(s->be, out);
    if (in_snapshot)
        s->be->snapshot(s->be, 0);
    return rc < 0 ? backend_error(s, rc) : rc;
}

int kofts_search_plan(kofts_search *s, const char *query, size_t len, const kofts_search_opts *opts,
                      kofts_buf *out)
{
    kofts_plan qp;
    memset(&qp, 0, sizeof qp);
    int rc = make_plan(s, query, len, opts, &qp);
    if (rc == 0) {
        mark_common(s, &qp);
        rc = kofts_plan_print(&qp, out);
    }
    kofts_plan_free(&qp);
    return rc;
}

int kofts_search_snippet(kofts_analyzer *a, const char *query, size_t qlen, const char *text,
                         size_t len, int chars, char **out_snippet, size_t *out_len,
                         kofts_span **out_spans, size_t *n_spans)
{
    kofts_plan qp;
    int rc = kofts_plan_parse(&qp, a, query, qlen);
    if (rc == 0)
        rc = make_snippet(a, &qp, text, len, chars, out_snippet, out_len, out_spans, n_spans);
    kofts_plan_free(&qp);
    return rc;
}

int kofts_search_build_expr(kofts_analyzer *a, const char *query, size_t len, int any,
                            kofts_buf *expr, kofts_buf *notes)
{
    kofts_plan qp;
    int rc = kofts_plan_parse(&qp, a, query, len);
    kofts_buf_clear(expr);
    if (rc == 0 && kofts_buf_append(expr, "", 0))
        rc = KOFTS_ENOMEM;
    if (rc == 0)
        rc = kofts_fts5_compile(&qp, any ? KOFTS_READ_ANY : KOFTS_READ_ALL, expr);
    if (rc >= 0 && notes && qp.notes.len && kofts_buf_append(notes, qp.notes.data, qp.notes.len))
        rc = KOFTS_ENOMEM;
    kofts_plan_free(&qp);
    return rc;
}
