/*
 * kofts_backend_xapian.c - the Xapian search backend: a kofts_plan becomes a
 * Xapian::Query tree (through the C wrapper xapian/kofts_xapian.h) over the shards
 * listed in a stub file (local folders and remote xapian-tcpsrv servers).
 *
 * One plain word w with analyzer alternatives a1|a2 at one position becomes
 *
 *   OR( SYNONYM(a1 a2)                       [bare terms: column weights are in their
 *                                             wdf, see kofts_xs_wdf]
 *       PHRASE(XG bigram positions) )        [bigram part]
 *
 * A phrase, or a word of several positions, is a PHRASE of OR(alternatives) over the
 * bare terms (the word columns lie KOFTS_XS_COL_GAP positions apart, so it matches
 * inside one column), weighed as one term (OP_SYNONYM) whose frequency carries the
 * column weights given at index time; prefix* is an OP_WILDCARD; title: searches the
 * title's prefixed terms (S) only. Column weights (--weights) are fixed at index time
 * on this backend, but for the bigram part. Groups are joined with
 * AND (all words) or OR (any word); excluded words with AND_NOT; optional (question) words are left
 * out, as in FTS5 (kofts_plan_reading); category filters are OP_FILTER over XC terms, dates an
 * OP_VALUE_RANGE on slot 0. Ranking: BM25 (see BM25_K1).
 *
 * Shards: each shard has its own handle; the searched database combines the ones
 * that answer. A shard that fails to open or to answer within KOFTS_REMOTE_TIMEOUT_MS
 * is an error naming it, or with KOFTS_SEARCH_PARTIAL a warning (warnings()).
 *
 * Time limit: the caller's stop check (set_stop) is asked before each search and, on
 * local shards, every 64 documents the match considers (a Xapian MatchDecider; Xapian
 * cannot run one on a remote shard, whose exchanges are bounded by the timeout).
 */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "kofts_backend.h"
#include "kofts_xapian.h"
#include "kofts_xschema.h"

#define WILDCARD_MAX 64 /* terms a prefix* expands to (the most frequent) */

/* BM25 as FTS5's bm25() computes it (k1 1.2, b 0.75; Robertson & Zaragoza 2009): the
 * bare terms carry wdf = 2 x column weight (kofts_xs_wdf), so k1 is doubled too, which
 * gives FTS5's frequency curve up to a constant factor. */
#define BM25_K1 (2 * 1.2)
#define BM25_B  0.75

typedef struct {
    kofts_xs_shard spec;
    kofts_xdb *db; /* NULL when it did not open */
    int down;      /* did not answer */
} xshard;

typedef struct {
    kofts_backend base; /* must be first */
    char *path;
    xshard *sh;
    size_t nsh;
    int partial;
    unsigned timeout_ms;
    kofts_xdb *all;   /* the shards that answer, combined */
    kofts_xdb *par;   /* the same local shards, each matched by its own xapian-progsrv
                         process (NULL: match in this thread, one shard after the other) */
    int par_lost;     /* par was left to a stopped match: open new servers next snapshot */
    long long n_docs; /* documents when opened */
    char *data;       /* the last document's data (doc() borrows from it) */
    kofts_buf warn;   /* '\n'-separated warnings */
    char *catlist;    /* distinct stored categories, each NUL-terminated (owned) */
    size_t catlist_len;
    int cat_state;          /* 0 not loaded, 1 loaded, -1 exact match only */
    int (*stop)(void *ctx); /* the caller's stop check (set_stop), or NULL */
    void *stop_ctx;
    char err[1024];
} xbackend;

/* ------------------------------------------------------------------ compiling */

static kofts_xq *term_of(const char *pre, const char *t, size_t len)
{
    char buf[KOFTS_XS_MAX_TERM + 8];
    size_t pl = strlen(pre);
    if (len + pl > KOFTS_XS_MAX_TERM)
        len = KOFTS_XS_MAX_TERM - pl;
    memcpy(buf, pre, pl);
    memcpy(buf + pl, t, len);
    return kofts_xq_term(buf, pl + len);
}

/* The alternatives at one position under prefix pre: op (SYNONYM or OR) of terms. */
static kofts_xq *pos_query(const char *pre, const kofts_plan_pos *p, kofts_xop op)
{
    kofts_xq *sub[64];
    size_t n = 0;
    for (size_t j = 0; j < p->n_alt && n < 64; j++)
        sub[n++] = term_of(pre, p->alt[j].text, p->alt[j].len);
    if (n == 1)
        return sub[0];
    return kofts_xq_combine(op, sub, n);
}

/* Tokens ts under prefix pre: one position -> SYNONYM; several -> PHRASE of ORs;
 * prefix -> the last position as a wildcard. */
static kofts_xq *toks_query(const char *pre, const kofts_plan_toks *ts, int prefix)
{
    if (ts->n_pos == 0)
        return NULL;
    if (prefix && ts->n_pos == 1) {
        char buf[KOFTS_XS_MAX_TERM + 8];
        const kofts_plan_tok *t = &ts->pos[0].alt[0];
        size_t pl = strlen(pre), len = t->len + pl > KOFTS_XS_MAX_TERM ? 0 : t->len;
        memcpy(buf, pre, pl);
        memcpy(buf + pl, t->text, len);
        return kofts_xq_wildcard(buf, pl + len, WILDCARD_MAX);
    }
    if (ts->n_pos == 1)
        return pos_query(pre, &ts->pos[0], KOFTS_XOP_SYNONYM);
    size_t n = ts->n_pos < 64 ? ts->n_pos : 64;
    kofts_xq *sub[64];
    for (size_t i = 0; i < n; i++)
        sub[i] = pos_query(pre, &ts->pos[i], KOFTS_XOP_OR);
    /* Xapian's phrase takes terms or ORs of terms; a wildcard end is dropped there. As
     * FTS5 scores a phrase as one unit (its frequency, its document count), the phrase
     * is weighted as one term (OP_SYNONYM), not as the sum of its terms. */
    kofts_xq *ph = kofts_xq_combine(KOFTS_XOP_PHRASE, sub, n);
    return ph ? kofts_xq_combine(KOFTS_XOP_SYNONYM, &ph, 1) : NULL;
}

static kofts_xq *scaled(kofts_xq *q, double w)
{
    if (!q || w == 1.0)
        return q;
    if (w <= 0) {
        kofts_xq_free(q);
        return NULL;
    }
    return kofts_xq_scale(q, w);
}

/*
 * FTS5's IDF for a bare-term query q (alternatives at one position), as a weight scale.
 * Xapian's BM25 lifts the IDF ratio r = (N - n + 0.5) / (n + 0.5) to 0.5 r + 1 when
 * r < 2 (a word in over a third of the documents keeps a weight of log 1.5..2), while
 * FTS5's bm25() uses log r, clamped to 1e-6: such words count next to nothing there.
 * Scale by log r / log(0.5 r + 1) so both backends weigh common words alike. n is the
 * largest document count of the alternatives (pos_df; Xapian's synonym estimate is
 * close). With x NULL (describing without an index) or n 0 (a prefix, an unknown word)
 * q is returned as it is.
 */
static kofts_xq *fts5_idf(const xbackend *x, long long n, kofts_xq *q);

/* Documents holding the most frequent of the alternatives at pos under prefix pre (0
 * without an index). */
static long long pos_df(xbackend *x, const char *pre, const kofts_plan_pos *pos)
{
    char buf[KOFTS_XS_MAX_TERM + 8];
    size_t pl = strlen(pre);
    long long n = 0;
    memcpy(buf, pre, pl);
    for (size_t j = 0; x && j < pos->n_alt; j++) {
        size_t len =
            pos->alt[j].len + pl > KOFTS_XS_MAX_TERM ? KOFTS_XS_MAX_TERM - pl : pos->alt[j].len;
        memcpy(buf + pl, pos->alt[j].text, len);
        long long df = kofts_xdb_termfreq(x->all, buf, pl + len);
        if (df > n)
            n = df;
    }
    return n;
}

/*
 * Keeping the query tree lean (Xapian scans the whole posting list of every term of an
 * OR, and checks the positions of every document a PHRASE's terms share):
 *  - a word in at least 1/LEAN_SHARE of the documents is searched without its bigram
 *    part (its joins with the next and previous words stay): its own postings rank
 *    plenty of documents, and the bigrams of a frequent word are as frequent (the part
 *    cost as much again, or a position check in each of those documents);
 *  - a word the analyzer splits (1년 -> 1 | 년, with the joined form 1년 at the last
 *    position) is searched as its joined term alone when that term is in at least
 *    LEAN_JOIN_MIN documents, instead of a phrase over pieces that are often in most
 *    documents (1, 년).
 * On the shared dev set: MRR@10 0.9491 -> 0.9477 (1/100: 0.9439, 1/20: 0.9471); the
 * synthetic 100k p99 fell by about a quarter (bench/README.md, issue 11 notes).
 */
#define LEAN_SHARE    10
#define LEAN_JOIN_MIN 10

/*
 * A word's bigram part of several positions (a PHRASE over bigram terms) is left out
 * when each of its positions is in at least 1/LEAN_BIGRAM_SHARE of the documents and in
 * at least LEAN_BIGRAM_MIN: Xapian reads the positions of every document holding all of
 * them (in an OR, over the whole index), at least that many; below LEAN_BIGRAM_MIN that
 * costs well under a millisecond, so small indexes keep every bigram part. The cost is
 * the point, not how frequent the word is: 어머니 (80k of 1M documents) has bigrams ^어머
 * (97k) and 머니 (124k). On the shared dev set (5,273 documents, without the floor)
 * MRR@10 0.9477 -> 0.9476 (1/30: 0.9471, 1/100: 0.9441); 1M synthetic: 어머니들 35 -> 7 ms.
 */
#define LEAN_BIGRAM_SHARE 20
#define LEAN_BIGRAM_MIN   1000

/* 1 when every position of bigram tokens ts (KOFTS_COL_BIGRAM's prefix) is in at least
 * 1/LEAN_BIGRAM_SHARE of the documents and LEAN_BIGRAM_MIN (0 without an index or for
 * one position: a single term costs its posting list only). */
static int costly_bigrams(xbackend *x, const kofts_plan_toks *ts)
{
    if (!x || x->n_docs <= 0 || ts->n_pos < 2)
        return 0;
    for (size_t i = 0; i < ts->n_pos; i++) {
        long long df = pos_df(x, kofts_columns[KOFTS_COL_BIGRAM].xprefix, &ts->pos[i]);
        if (df * LEAN_BIGRAM_SHARE < x->n_docs || df < LEAN_BIGRAM_MIN)
            return 0;
    }
    return 1;
}

/* The joined alternative at the last position of ts that spells the whole word (the
 * first tokens of every position, concatenated), or NULL. */
static const kofts_plan_tok *whole_join(const kofts_plan_toks *ts)
{
    const kofts_plan_pos *last = &ts->pos[ts->n_pos - 1];
    for (size_t j = 0; j < last->n_alt; j++) {
        const kofts_plan_tok *a = &last->alt[j];
        if (a->kind != KOFTS_TOK_JOIN)
            continue;
        size_t at = 0, i = 0;
        for (; i < ts->n_pos; i++) {
            const kofts_plan_tok *f = &ts->pos[i].alt[0];
            if (at + f->len > a->len || memcmp(a->text + at, f->text, f->len) != 0)
                break;
            at += f->len;
        }
        if (i == ts->n_pos && at == a->len)
            return a;
    }
    return NULL;
}

/* The word part of plain word t (bare terms); *frequent is set when it is frequent
 * enough to leave out the bigram part (LEAN_SHARE). */
static kofts_xq *word_query(xbackend *x, const kofts_plan_term *t, int *frequent)
{
    *frequent = 0;
    if (t->word.n_pos == 1) {
        long long df = t->prefix ? 0 : pos_df(x, "", &t->word.pos[0]);
        *frequent = x && x->n_docs > 0 && df * LEAN_SHARE >= x->n_docs;
        return fts5_idf(x, df, toks_query("", &t->word, t->prefix));
    }
    const kofts_plan_tok *j = t->prefix || t->phrase ? NULL : whole_join(&t->word);
    if (j && x) {
        kofts_plan_pos one = {(kofts_plan_tok *)j, 1};
        long long df = pos_df(x, "", &one);
        if (df >= LEAN_JOIN_MIN) {
            *frequent = x->n_docs > 0 && df * LEAN_SHARE >= x->n_docs;
            return fts5_idf(x, df, kofts_xq_term(j->text, j->len));
        }
    }
    /* bare terms: the columns lie apart, a phrase stays in one */
    return toks_query("", &t->word, t->prefix);
}

/*
 * Term k: a plain word of one position is its bare terms (weighted by column at index
 * time, see kofts_xs_wdf); a phrase or a word of several positions is a phrase of bare
 * terms (or its joined term, see LEAN_SHARE); title: keeps the prefixed title terms.
 * Plus its bigram part (unless the word is frequent, LEAN_SHARE, or its bigrams are,
 * LEAN_BIGRAM_SHARE) and joined forms when asked.
 */
static kofts_xq *term_query(xbackend *x, const kofts_plan *p, size_t k, int with_bigram, int joins,
                            const kofts_weights *w)
{
    const kofts_plan_term *t = &p->t[k];
    kofts_xq *sub[KOFTS_NCOLS + 3];
    size_t n = 0;
    int frequent = 0;
    if (t->field < 0)
        sub[n++] = word_query(x, t, &frequent);
    else
        sub[n++] = toks_query(kofts_columns[t->field].xprefix, &t->word, t->prefix);
    const char *bp = kofts_columns[KOFTS_COL_BIGRAM].xprefix;
    double bw = w->w[KOFTS_COL_BIGRAM] / kofts_columns[KOFTS_COL_BIGRAM].weight;
    int big = with_bigram && t->bigram.n_pos > 0 && !t->prefix && t->field < 0 && !t->phrase &&
              !frequent && !costly_bigrams(x, &t->bigram);
    if (big)
        sub[n++] = scaled(toks_query(bp, &t->bigram, 0), bw);
    if (joins && with_bigram && k > 0 && p->t[k - 1].join_next)
        sub[n++] = scaled(toks_query(bp, &p->t[k - 1].join, 0), bw);
    if (joins && with_bigram && t->join_next)
        sub[n++] = scaled(toks_query(bp, &t->join, 0), bw);
    return n == 1 ? sub[0] : kofts_xq_combine(KOFTS_XOP_OR, sub, n);
}

#define MAX_CATEGORIES 100000 /* distinct XC terms kept for case-insensitive matching */
#define MAX_CAT_TERMS  64     /* category terms in one filter */

/* The distinct stored categories (XC terms), loaded once; state -1: exact match only. */
static void load_categories(xbackend *x)
{
    x->cat_state = -1;
    if (kofts_xdb_terms(x->all, KOFTS_XS_CAT_PREFIX, MAX_CATEGORIES, &x->catlist,
                        &x->catlist_len) >= 0)
        x->cat_state = 1;
}

/* The filters of p (categories, dates) applied to q. A category also matches the stored
 * ones equal to it but for case (kofts_plan_same_category); x may be NULL (describing a
 * plan): then only the category as written. */
static kofts_xq *filtered(xbackend *x, const kofts_plan *p, kofts_xq *q)
{
    if (!q || !kofts_plan_filtered(p))
        return q;
    kofts_xq *f[3] = {q, NULL, NULL};
    if (p->n_cats) {
        kofts_xq *cs[MAX_CAT_TERMS];
        size_t n = 0;
        int have_list = 0; /* x is NULL when a plan is only described */
        if (x && x->cat_state == 0)
            load_categories(x);
        have_list = x && x->cat_state == 1;
        for (size_t i = 0; i < p->n_cats && n < MAX_CAT_TERMS; i++) {
            cs[n++] = term_of(KOFTS_XS_CAT_PREFIX, p->cats[i], strlen(p->cats[i]));
            for (size_t at = 0; have_list && at < x->catlist_len && n < MAX_CAT_TERMS;) {
                const char *c = x->catlist + at;
                size_t len = strlen(c);
                if (strcmp(c, p->cats[i]) != 0 && kofts_plan_same_category(c, p->cats[i]))
                    cs[n++] = term_of(KOFTS_XS_CAT_PREFIX, c, len);
                at += len + 1;
            }
        }
        f[1] = kofts_xq_combine(KOFTS_XOP_OR, cs, n);
    }
    if (p->since || p->until) {
        char hi[64];
        if (p->until)
            snprintf(hi, sizeof hi, "%.60s~", p->until); /* keeps every time of that day */
        f[2] = kofts_xq_value_range(KOFTS_XS_SLOT_DATE, p->since ? p->since : "0",
                                    p->until ? hi : NULL);
    }
    return kofts_xq_combine(KOFTS_XOP_FILTER, f, 3);
}

/* Compile reading rd of p; *groups gets the groups used (0: nothing, NULL returned). */
static kofts_xq *compile(xbackend *x, const kofts_plan *p, kofts_backend_read rd,
                         const kofts_weights *w, int *groups)
{
    *groups = 0;
    if (rd.term >= 0) {
        if ((size_t)rd.term >= p->n)
            return NULL;
        *groups = 1;
        return term_query(x, p, (size_t)rd.term, !p->t[rd.term].neg, 1, w);
    }
    int use[KOFTS_QUERY_MAX_TERMS], any = rd.reading != KOFTS_READ_ALL;
    if (p->match_all) { /* browsing: the empty term is Xapian's MatchAll */
        *groups = 1;
        return filtered(x, p, kofts_xq_term("", 0));
    }
    if ((*groups = kofts_plan_reading(p, rd.reading, use)) == 0)
        return NULL;
    kofts_xq *gq[KOFTS_QUERY_MAX_TERMS], *neg[KOFTS_QUERY_MAX_TERMS];
    size_t ng = 0, nn = 0;
    for (int g = 0; g < p->n_groups; g++) {
        if (!use[g])
            continue;
        kofts_xq *mem[KOFTS_QUERY_MAX_TERMS];
        size_t nm = 0;
        for (size_t k = 0; k < p->n; k++) {
            const kofts_plan_term *t = &p->t[k];
            if (!t->neg && t->group == g && !t->optional)
                mem[nm++] = term_query(x, p, k, 1, !any, w);
        }
        gq[ng++] = nm == 1 ? mem[0] : kofts_xq_combine(KOFTS_XOP_OR, mem, nm);
    }
    for (size_t k = 0; k < p->n; k++)
        if (p->t[k].neg)
            neg[nn++] = term_query(x, p, k, 0, 0, w);
    kofts_xq *q = ng == 1 ? gq[0] : kofts_xq_combine(any ? KOFTS_XOP_OR : KOFTS_XOP_AND, gq, ng);
    if (nn) {
        kofts_xq *pair[2] = {q, kofts_xq_combine(KOFTS_XOP_OR, neg, nn)};
        q = kofts_xq_combine(KOFTS_XOP_AND_NOT, pair, 2);
    }
    return filtered(x, p, q);
}

/* ------------------------------------------------------------------ shards */

static int x_fail(xbackend *x, int rc, const char *msg)
{
    snprintf(x->err, sizeof x->err, "%s", rc == KOFTS_ENOMEM ? "out of memory" : msg);
    return rc;
}

static void shard_name(const xshard *s, char *out, size_t cap)
{
    if (s->spec.remote)
        snprintf(out, cap, "remote %s:%u", s->spec.host, s->spec.port);
    else
        snprintf(out, cap, "%s", s->spec.path);
}

/* Note that shard s is missing (partial mode). */
static void warn_missing(xbackend *x, xshard *s, const char *why)
{
    char name[4400];
    shard_name(s, name, sizeof name);
    if (x->warn.len)
        kofts_buf_puts(&x->warn, "\n");
    kofts_buf_printf(&x->warn, "shard %s missing from the results: %s", name, why);
}

/* (Re)build x->all from the shards that are open and not down. */
static int combine(xbackend *x)
{
    kofts_xdb_close(x->all);
    if (!(x->all = kofts_xdb_new()))
        return KOFTS_ENOMEM;
    for (size_t i = 0; i < x->nsh; i++)
        if (x->sh[i].db && !x->sh[i].down && kofts_xdb_add_db(x->all, x->sh[i].db))
            return x_fail(x, KOFTS_EBACKEND, kofts_xdb_errmsg(x->all));
    if (kofts_xdb_count(x->all) == 0) {
        kofts_errfmt(x->err, sizeof x->err, x->path, "no shard of the index answers");
        return KOFTS_EBACKEND;
    }
    return 0;
}

/* Open shard s; on failure: error (rc) unless partial, then a warning and rc 0. */
static int open_shard(xbackend *x, xshard *s)
{
    int rc;
    if (!(s->db = kofts_xdb_new()))
        return KOFTS_ENOMEM;
    if (s->spec.remote)
        rc = kofts_xdb_add_remote(s->db, s->spec.host, s->spec.port, x->timeout_ms);
    else
        rc = kofts_xdb_add_local(s->db, s->spec.path);
    if (!rc)
        return 0;
    snprintf(x->err, sizeof x->err, "%s", kofts_xdb_errmsg(s->db));
    kofts_xdb_close(s->db);
    s->db = NULL;
    s->down = 1;
    if (!x->partial || rc == KOFTS_ENOMEM)
        return rc;
    warn_missing(x, s, x->err);
    return 0;
}

/*
 * After a failed call: find the shards that no longer answer. Without partial the
 * error names them (returned code); with partial they are dropped with a warning and 0
 * is returned so that the caller retries.
 */
static int recover(xbackend *x, int rc)
{
    char first[1024] = "";
    int dropped = 0;
    for (size_t i = 0; i < x->nsh; i++) {
        xshard *s = &x->sh[i];
        if (!s->db || s->down || kofts_xdb_ping(s->db) == 0)
            continue;
        s->down = 1;
        dropped++;
        if (!first[0])
            snprintf(first, sizeof first, "%s", kofts_xdb_errmsg(s->db));
        if (x->partial)
            warn_missing(x, s, kofts_xdb_errmsg(s->db));
    }
    if (!x->partial || !dropped) {
        if (first[0])
            snprintf(x->err, sizeof x->err, "%s", first);
        return rc;
    }
    return combine(x);
}

static kofts_xq *fts5_idf(const xbackend *x, long long n, kofts_xq *q)
{
    if (!x || !q || n == 0 || x->n_docs <= 0)
        return q;
    double r = ((double)x->n_docs - (double)n + 0.5) / ((double)n + 0.5);
    if (r >= 2)
        return q;
    double fts = r > 1 ? log(r) : 1e-6, xap = log(0.5 * r + 1);
    return kofts_xq_scale(q, fts / xap);
}

/* ------------------------------------------------------------------ verbs */

static const char *x_errmsg(const kofts_backend *b)
{
    return ((const xbackend *)b)->err;
}

static long long x_doc_count(kofts_backend *b)
{
    return ((xbackend *)b)->n_docs;
}

static long long x_token_df(kofts_backend *b, const char *tok, size_t len)
{
    xbackend *x = (xbackend *)b;
    /* the bare term is in every document that has tok in a word column */
    return kofts_xdb_termfreq(x->all, tok, len);
}

/* Describe the query of reading rd (x NULL: without an index, so without the choices
 * that depend on term frequencies). */
static int describe(xbackend *x, const kofts_plan *p, kofts_backend_read rd, kofts_buf *out)
{
    int groups;
    kofts_weights w = kofts_columns_default_weights();
    kofts_xq *q = compile(x, p, rd, &w, &groups);
    if (!q)
        return groups ? KOFTS_ENOMEM : 0;
    char *d = kofts_xq_describe(q);
    kofts_xq_free(q);
    int rc = d && kofts_buf_puts(out, d) == 0 ? groups : KOFTS_ENOMEM;
    free(d);
    return rc;
}

static int x_describe(kofts_backend *b, const kofts_plan *p, kofts_backend_read rd, kofts_buf *out)
{
    return describe((xbackend *)b, p, rd, out);
}

int kofts_xapian_compile(const kofts_plan *p, int reading, kofts_buf *out)
{
    kofts_backend_read rd = {reading, -1};
    return describe(NULL, p, rd, out);
}

/*
 * A match on the shard servers (x->par), run by a helper thread while the caller's
 * thread asks the stop check every PAR_POLL_MS: the servers cannot run the check, and a
 * read from them cannot be interrupted. When the check says stop, the caller returns
 * KOFTS_ESTOP at once and leaves the job to the helper, which finishes the exchange
 * (bounded by the servers' timeout), closes the servers and frees the job; the backend
 * starts new servers at its next snapshot (par_lost).
 */
#define PAR_POLL_MS 2

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    kofts_xdb *db;    /* the shard servers; the helper closes them when abandoned */
    kofts_xq *q;      /* the helper's own copy of the query (kofts_xq_clone) */
    kofts_xsearch s;  /* without the stop check (the servers cannot run it) */
    kofts_xhit *hits; /* results, the caller's once done */
    size_t n;
    long long matches;
    int rc;
    char err[1024];
    int done, abandoned;
} par_job;

static void par_job_free(par_job *j)
{
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->cv);
    kofts_xq_free(j->q);
    free(j);
}

static void *par_main(void *arg)
{
    par_job *j = arg;
    kofts_xhit *h = NULL;
    size_t n = 0;
    long long m = 0;
    int rc = kofts_xdb_search(j->db, j->q, &j->s, &h, &n, &m);
    pthread_mutex_lock(&j->mu);
    j->hits = h;
    j->n = n;
    j->matches = m;
    j->rc = rc;
    if (rc)
        snprintf(j->err, sizeof j->err, "%s", kofts_xdb_errmsg(j->db));
    j->done = 1;
    int abandoned = j->abandoned;
    pthread_cond_signal(&j->cv);
    pthread_mutex_unlock(&j->mu);
    if (abandoned) { /* nobody waits: the job and the servers are ours */
        kofts_xdb_close(j->db);
        free(j->hits);
        par_job_free(j);
    }
    return NULL;
}

/* Wait for j; 1 when done, 0 when the stop check said stop first (j->mu held). */
static int par_wait(xbackend *x, par_job *j)
{
    while (!j->done) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += PAR_POLL_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&j->cv, &j->mu, &ts);
        if (!j->done && x->stop(x->stop_ctx))
            return 0;
    }
    return 1;
}

/* kofts_xdb_search on x->par, stoppable by the caller's check (see par_job). */
static int par_search(xbackend *x, const kofts_xq *q, const kofts_xsearch *s, kofts_xhit **hits,
                      size_t *n, long long *matches)
{
    if (!x->stop)
        return kofts_xdb_search(x->par, q, s, hits, n, matches);
    if (x->stop(x->stop_ctx))
        return x_fail(x, KOFTS_ESTOP, "search: stopped");
    par_job *j = calloc(1, sizeof *j);
    pthread_condattr_t ca;
    pthread_t th;
    if (!j || !(j->q = kofts_xq_clone(q))) {
        free(j);
        return x_fail(x, KOFTS_ENOMEM, "");
    }
    pthread_mutex_init(&j->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&j->cv, &ca);
    pthread_condattr_destroy(&ca);
    j->db = x->par;
    j->s = *s;
    j->s.stop = NULL;
    j->s.stop_ctx = NULL;
    if (pthread_create(&th, NULL, par_main, j) != 0) { /* no thread: match here, unstoppable */
        par_job_free(j);
        return kofts_xdb_search(x->par, q, s, hits, n, matches);
    }
    pthread_mutex_lock(&j->mu);
    int done = par_wait(x, j);
    if (!done) { /* the helper finishes, closes the servers and frees the job */
        j->abandoned = 1;
        pthread_mutex_unlock(&j->mu);
        pthread_detach(th);
        x->par = NULL;
        x->par_lost = 1;
        return x_fail(x, KOFTS_ESTOP, "search: stopped");
    }
    pthread_mutex_unlock(&j->mu);
    pthread_join(th, NULL);
    int rc = j->rc;
    *hits = j->hits;
    *n = j->n;
    *matches = j->matches;
    if (rc)
        snprintf(x->err, sizeof x->err, "%s", j->err);
    par_job_free(j);
    return rc;
}

/* Run q with retries on shard failure (partial mode); on x->par (shards in parallel)
 * when there is one, but for a count that ends early (s->enough). */
static int search(xbackend *x, const kofts_xq *q, const kofts_xsearch *s, kofts_xhit **hits,
                  size_t *n, long long *matches)
{
    if (x->par && !s->enough) { /* a count that ends early runs here (a MatchDecider) */
        int rc = par_search(x, q, s, hits, n, matches);
        if (rc == 0 || rc == KOFTS_ENOMEM || rc == KOFTS_ESTOP)
            return rc;
        /* a server process failed: match here from now on */
        kofts_xdb_close(x->par);
        x->par = NULL;
    }
    for (int attempt = 0;; attempt++) {
        int rc = kofts_xdb_search(x->all, q, s, hits, n, matches);
        if (rc == 0 || rc == KOFTS_ENOMEM)
            return rc;
        snprintf(x->err, sizeof x->err, "%s", kofts_xdb_errmsg(x->all));
        if (rc == KOFTS_ESTOP) /* the caller's limit, not a shard's failure */
            return rc;
        if (attempt > 0 || (rc = recover(x, rc)) != 0)
            return rc;
    }
}

/* Append hits h[0..nh) to *hits (n used, *cap allocated) as backend hits. */
static int put_hits(const kofts_xhit *h, size_t nh, kofts_backend_hit **hits, size_t *n,
                    size_t *cap)
{
    if (nh == 0)
        return 0;
    kofts_backend_hit *g = kofts_grow(*hits, cap, *n + nh, sizeof *g);
    if (!g)
        return KOFTS_ENOMEM;
    *hits = g;
    for (size_t i = 0; i < nh; i++) {
        g[*n].ref = h[i].docid;
        g[*n].score = h[i].weight;
        (*n)++;
    }
    return 0;
}

/*
 * Count the matches of rd with weights w up to cap (< 0: all) into *n. With hits not
 * NULL (and cap > 0) the matches are kept when fewer than cap (see count_hits): 1 is
 * returned when they were appended to *hits, else 0; or a negative code.
 */
static int count_q(xbackend *x, const kofts_plan *p, kofts_backend_read rd, const kofts_weights *w,
                   long long cap, long long *n, kofts_backend_hit **hits, size_t *n_hits,
                   size_t *hcap)
{
    int groups;
    *n = 0;
    kofts_plan tmp;
    const kofts_plan *pp = p;
    if (rd.term >= 0) { /* a term alone is counted without filters */
        tmp = *p;
        tmp.n_cats = 0;
        tmp.since = tmp.until = NULL;
        pp = &tmp;
    }
    kofts_xq *q = compile(x, pp, rd, w, &groups);
    if (!q)
        return groups ? x_fail(x, KOFTS_ENOMEM, "") : 0;
    long long total = x->n_docs > 0 ? x->n_docs : 1;
    unsigned want = (unsigned)(cap >= 0 && cap < total ? cap : total);
    kofts_xsearch s = {
        0, 0, want, -1, BM25_K1, BM25_B, x->stop, x->stop_ctx, cap > 0 ? want : 0, hits != NULL};
    kofts_xhit *h = NULL;
    size_t nh = 0;
    int rc = search(x, q, &s, &h, &nh, n);
    kofts_xq_free(q);
    if (!rc && hits && *n < cap && (long long)nh == *n)
        rc = put_hits(h, nh, hits, n_hits, hcap) ? KOFTS_ENOMEM : 1;
    free(h);
    if (cap >= 0 && *n > cap)
        *n = cap;
    return rc;
}

static int x_count(kofts_backend *b, const kofts_plan *p, kofts_backend_read rd, long long cap,
                   long long *n)
{
    kofts_weights w = kofts_columns_default_weights();
    return count_q((xbackend *)b, p, rd, &w, cap, n, NULL, NULL, NULL);
}

static int x_count_hits(kofts_backend *b, const kofts_plan *p, int reading, const kofts_weights *w,
                        long long cap, long long *n, kofts_backend_hit **hits, size_t *n_hits,
                        size_t *hcap)
{
    kofts_backend_read rd = {reading, -1};
    return count_q((xbackend *)b, p, rd, w, cap > 0 ? cap : 1, n, hits, n_hits, hcap);
}

static int x_run(kofts_backend *b, const kofts_plan *p, int reading, kofts_sort sort,
                 const kofts_weights *w, int limit, int offset, kofts_backend_hit **hits, size_t *n,
                 size_t *cap)
{
    xbackend *x = (xbackend *)b;
    int groups;
    kofts_backend_read rd = {reading, -1};
    kofts_xq *q = compile(x, p, rd, w, &groups);
    if (!q)
        return groups ? x_fail(x, KOFTS_ENOMEM, "") : 0;
    kofts_xsearch s = {(unsigned)offset,
                       (unsigned)limit,
                       0,
                       sort == KOFTS_SORT_DATE ? KOFTS_XS_SLOT_DATE : -1,
                       BM25_K1,
                       BM25_B,
                       x->stop,
                       x->stop_ctx,
                       0,
                       0};
    kofts_xhit *h = NULL;
    size_t nh = 0;
    long long matches = 0;
    int rc = search(x, q, &s, &h, &nh, &matches);
    kofts_xq_free(q);
    if (!rc)
        rc = put_hits(h, nh, hits, n, cap);
    free(h);
    return rc;
}

static int x_doc(kofts_backend *b, long long ref, kofts_backend_doc *out)
{
    xbackend *x = (xbackend *)b;
    size_t len = 0;
    free(x->data);
    x->data = NULL;
    int rc = kofts_xdb_data(x->all, (unsigned)ref, &x->data, &len);
    if (rc <= 0) {
        if (rc < 0)
            snprintf(x->err, sizeof x->err, "%s", kofts_xdb_errmsg(x->all));
        return rc;
    }
    const char *f[KOFTS_XF_N];
    size_t lens[KOFTS_XF_N];
    kofts_xs_data_decode(x->data, len, f, lens);
    /* Fields are NUL-separated inside x->data, so each one is a C string. */
    out->id = f[KOFTS_XF_ID];
    out->title = f[KOFTS_XF_TITLE];
    out->date = f[KOFTS_XF_DATE];
    out->categories = f[KOFTS_XF_CATEGORIES];
    out->url = f[KOFTS_XF_URL];
    out->excerpt = f[KOFTS_XF_EXCERPT];
    out->excerpt_len = lens[KOFTS_XF_EXCERPT];
    out->body = f[KOFTS_XF_BODY];
    out->body_len = lens[KOFTS_XF_BODY];
    return 1;
}

/* Bytes of files under dir (one level of subfolders, as in a glass database). */
static long long dir_bytes(const char *dir)
{
    long long total = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[4400];
    struct stat sb;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode))
            total += (long long)sb.st_size;
    }
    if (d)
        closedir(d);
    return total;
}

static int x_stats(kofts_backend *b, kofts_buf *out)
{
    xbackend *x = (xbackend *)b;
    long long bytes = 0, docs = kofts_xdb_doc_count(x->all);
    int up = 0;
    for (size_t i = 0; i < x->nsh; i++) {
        up += x->sh[i].db && !x->sh[i].down;
        if (!x->sh[i].spec.remote)
            bytes += dir_bytes(x->sh[i].spec.path);
    }
    char *av = kofts_xdb_meta(x->all, "kofts_analyzer");
    int rc = 0;
    if (kofts_buf_printf(out, "{\"documents\":%lld,\"analyzer\":", docs) ||
        kofts_buf_json_str(out, av ? av : "", av ? strlen(av) : 0) ||
        kofts_buf_printf(out, ",\"index_bytes\":%lld,\"path\":", bytes) ||
        kofts_buf_json_str(out, x->path, strlen(x->path)) ||
        kofts_buf_printf(out,
                         ",\"backend\":\"xapian\",\"shards\":%zu,\"shards_answering\":%d,"
                         "\"shards_in_parallel\":%s,\"searcher\":\"%s\"}",
                         x->nsh, up, x->par ? "true" : "false", KOFTS_VERSION_STRING))
        rc = KOFTS_ENOMEM;
    free(av);
    return rc;
}

static void open_parallel(xbackend *x, int flags);

/* A snapshot starts at the latest committed revision (a long-running searcher sees
 * what kofts-index committed since); one Xapian handle reads one revision until then. */
static int x_snapshot(kofts_backend *b, int on)
{
    xbackend *x = (xbackend *)b;
    if (!on)
        return 0;
    int rc = kofts_xdb_reopen(x->all);
    /* the shard servers move too (one exchange each), only when the shards did */
    if (rc == 1 && x->par && kofts_xdb_reopen(x->par) < 0) {
        kofts_xdb_close(x->par); /* a server process failed: match here from now on */
        x->par = NULL;
    }
    if (rc >= 0 && x->par_lost && !x->par) { /* the servers were left to a stopped match */
        x->par_lost = 0;
        open_parallel(x, KOFTS_BACKEND_PARALLEL);
    }
    if (rc >= 0) {
        long long n = kofts_xdb_doc_count(x->all);
        x->n_docs = n >= 0 ? n : x->n_docs;
        return 0;
    }
    snprintf(x->err, sizeof x->err, "%s", kofts_xdb_errmsg(x->all));
    return recover(x, rc);
}

/* Searches ask stop(ctx) now and then on local shards (a Xapian MatchDecider; remote
 * shards are bounded by their timeout instead). */
static void x_set_stop(kofts_backend *b, int (*stop)(void *ctx), void *ctx)
{
    xbackend *x = (xbackend *)b;
    x->stop = stop;
    x->stop_ctx = ctx;
}

static const char *x_warnings(kofts_backend *b)
{
    xbackend *x = (xbackend *)b;
    return x->warn.data ? x->warn.data : "";
}

static void x_close(kofts_backend *b)
{
    xbackend *x = (xbackend *)b;
    if (!x)
        return;
    for (size_t i = 0; i < x->nsh; i++)
        kofts_xdb_close(x->sh[i].db);
    free(x->sh);
    kofts_xdb_close(x->all);
    kofts_xdb_close(x->par);
    kofts_buf_free(&x->warn);
    free(x->catlist);
    free(x->data);
    free(x->path);
    free(x);
}

/* The shard list of path: a stub file, or one database folder. */
static int read_shards(xbackend *x, const char *path)
{
    kofts_xs_shard *v = NULL;
    size_t n = 0;
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        if (!(v = calloc(1, sizeof *v)))
            return KOFTS_ENOMEM;
        snprintf(v->path, sizeof v->path, "%s", path);
        n = 1;
    } else {
        int rc = kofts_xs_stub_read(path, &v, &n, x->err, sizeof x->err);
        if (rc)
            return rc;
    }
    if (!(x->sh = calloc(n, sizeof *x->sh))) {
        free(v);
        return KOFTS_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        x->sh[i].spec = v[i];
    x->nsh = n;
    free(v);
    return 0;
}

#define PROGSRV "xapian-progsrv"

/*
 * With KOFTS_BACKEND_PARALLEL in the open flags, two or more local shards are
 * matched at once, each by its own xapian-progsrv process (Xapian's remote protocol over
 * a pipe: the collection statistics stay global, so the hits and weights are those of
 * the one-thread match). The caller's stop check then runs only before each match (as
 * on remote shards: the exchanges are bounded by the timeout), which is why it is not
 * the default. Not done when a shard is remote, a path holds white space (Xapian splits
 * the program's arguments at spaces) or the program cannot start: x->par stays NULL.
 */
static void open_parallel(xbackend *x, int flags)
{
    if (x->nsh < 2 || !(flags & KOFTS_BACKEND_PARALLEL))
        return;
    for (size_t i = 0; i < x->nsh; i++)
        if (x->sh[i].spec.remote || !x->sh[i].db || strpbrk(x->sh[i].spec.path, " \t\n\r\f\v"))
            return;
    if (!(x->par = kofts_xdb_new()))
        return;
    for (size_t i = 0; i < x->nsh; i++)
        if (kofts_xdb_add_prog(x->par, PROGSRV, x->sh[i].spec.path, x->timeout_ms) != 0) {
            kofts_xdb_close(x->par);
            x->par = NULL;
            return;
        }
}

/* Refuse an index whose metadata key holds another value than want (what: the
 * message's words for it; dflt: the value when the key is missing). */
static int check_meta(xbackend *x, const char *key, const char *want, const char *what,
                      const char *dflt)
{
    char *v = kofts_xdb_meta(x->all, key);
    int rc = 0;
    if (!v)
        return x_fail(x, KOFTS_EBACKEND, kofts_xdb_errmsg(x->all));
    if (strcmp(v, want) != 0) {
        kofts_errfmt(x->err, sizeof x->err, x->path,
                     "index made with %s '%s', this program uses '%s'; rebuild it with "
                     "`kofts-index --backend xapian --full`",
                     what, v[0] ? v : dflt, want);
        rc = KOFTS_EVERSION;
    }
    free(v);
    return rc;
}

/* Refuse an index made by another analyzer version or in another Xapian layout (an
 * index of layout 1 has no kofts_layout key). */
static int check_version(xbackend *x)
{
    int rc = check_meta(x, "kofts_analyzer", KOFTS_ANALYZER_VERSION, "analyzer", "unknown");
    return rc ? rc : check_meta(x, "kofts_layout", KOFTS_XS_LAYOUT, "Xapian layout", "1");
}

int kofts_backend_xapian_open(kofts_backend **out, const char *path, int flags, unsigned timeout_ms,
                              char **errmsg)
{
    int rc = 0;
    xbackend *x = NULL;
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (!(x = calloc(1, sizeof *x)) || !(x->path = strdup(path))) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    x->base = (kofts_backend){KOFTS_BACKEND_VERSION,
                              "xapian",
                              x_close,
                              x_errmsg,
                              x_doc_count,
                              x_token_df,
                              x_describe,
                              x_count,
                              x_run,
                              x_doc,
                              x_stats,
                              x_snapshot,
                              x_set_stop,
                              x_warnings,
                              x_count_hits};
    x->partial = (flags & KOFTS_BACKEND_PARTIAL) != 0;
    x->timeout_ms = timeout_ms ? timeout_ms : KOFTS_REMOTE_TIMEOUT_MS;
    if ((rc = read_shards(x, path)))
        goto done;
    for (size_t i = 0; i < x->nsh && !rc; i++)
        rc = open_shard(x, &x->sh[i]);
    if (rc || (rc = combine(x)) || (rc = check_version(x)))
        goto done;
    x->n_docs = kofts_xdb_doc_count(x->all);
    open_parallel(x, flags);
    *out = &x->base;
    x = NULL;
done:
    if (x && errmsg)
        *errmsg = strdup(x->err[0] ? x->err : kofts_strerror(rc));
    x_close(x ? &x->base : NULL);
    return rc;
}
