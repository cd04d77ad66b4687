/*
 * kofts_rank.c - kofts_rank(): BM25 over weighted columns (plus an optional
 * coordination factor) as an FTS5 auxiliary function. See kofts_rank.h.
 *
 * Per query (cached with xSetAuxdata, as FTS5's bm25() does): the row count N, the
 * average row length avgdl over all columns, and for every phrase its IDF
 *
 *   idf = ln((N - n + 0.5) / (n + 0.5)), or 1e-6 when that is <= 0
 *
 * (n = rows holding the phrase, counted with xQueryPhrase). Per row, for every phrase
 * i, f_i = the sum of the weights of the columns of its instances, D = the row's
 * length in tokens, and
 *
 *   score = sum_i idf_i * f_i * (k1 + 1) / (f_i + k1 * (1 - b + b * D / avgdl))
 *
 * with k1 = 1.2, b = 0.75 (Robertson & Zaragoza, "The Probabilistic Relevance
 * Framework: BM25 and Beyond", 2009; the same constants and order of operations as
 * FTS5's fts5_aux.c, so the result equals -bm25()).
 */
#include "kofts_rank.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_columns.h"
#include "kofts_fts5.h"
#include "kofts_util.h"

#define K1 1.2
#define B  0.75

/* One cached phrase row count (the IDF cache). */
typedef struct {
    char *key; /* the phrase's expression text (owned); NULL: empty slot */
    size_t len;
    sqlite3_int64 n_hit;
} hit_entry;

#define HIT_CACHE_MAX 65536 /* entries; the cache is emptied when full */

struct kofts_rank_state {
    sqlite3 *db;             /* borrowed: the connection the function is registered on */
    hit_entry *hits;         /* phrase -> rows holding it, open addressing (owned) */
    size_t n_hits, cap_hits; /* used; slots (a power of two, or 0) */
    int *len;                /* row length by rowid, -1 unknown (owned); NULL: none */
    long long n_len;         /* entries in len */
    long long version;       /* SQLITE_FCNTL_DATA_VERSION when len was loaded; -1 none */
};

typedef struct {
    int n_phrase;
    double avgdl;
    double *idf;         /* n_phrase IDFs */
    double *freq;        /* n_phrase scratch sums */
    int *as_col;         /* n_phrase: -1, or the column whose weight the phrase gets */
    int *group;          /* n_phrase group numbers (-1: not counted); NULL without coord */
    int n_groups;        /* 1 + the largest group number */
    int n_distinct;      /* distinct group numbers >= 0 */
    unsigned char *seen; /* n_groups scratch flags */
} rank_data;

static void rank_data_free(void *p)
{
    rank_data *d = p;
    if (!d)
        return;
    free(d->idf);
    free(d->freq);
    free(d->as_col);
    free(d->group);
    free(d->seen);
    free(d);
}

static int count_cb(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx);

static void hits_clear(kofts_rank_state *st)
{
    for (size_t i = 0; i < st->cap_hits; i++)
        free(st->hits[i].key);
    free(st->hits);
    st->hits = NULL;
    st->n_hits = st->cap_hits = 0;
}

/* The slot of key: its entry or the empty slot where it belongs (NULL: no cache). */
static hit_entry *hits_slot(kofts_rank_state *st, const char *key, size_t len)
{
    if (!st->cap_hits)
        return NULL;
    size_t i = (size_t)kofts_fnv1a64(key, len) & (st->cap_hits - 1);
    while (st->hits[i].key && (st->hits[i].len != len || memcmp(st->hits[i].key, key, len) != 0))
        i = (i + 1) & (st->cap_hits - 1);
    return &st->hits[i];
}

/* Remember n_hit for key (best effort). */
static void hits_put(kofts_rank_state *st, const char *key, size_t len, sqlite3_int64 n_hit)
{
    if (st->n_hits >= HIT_CACHE_MAX)
        hits_clear(st);
    if (!st->cap_hits) {
        if (!(st->hits = calloc(2 * HIT_CACHE_MAX, sizeof *st->hits)))
            return;
        st->cap_hits = 2 * HIT_CACHE_MAX;
    }
    hit_entry *e = hits_slot(st, key, len);
    if (e->key || !(e->key = malloc(len ? len : 1)))
        return;
    memcpy(e->key, key, len);
    e->len = len;
    e->n_hit = n_hit;
    st->n_hits++;
}

/* Rows holding phrase i: from the cache when key (the phrase's text, len bytes; NULL:
 * none) is there and the cache is current, else counted with xQueryPhrase. */
static int phrase_rows(const Fts5ExtensionApi *api, Fts5Context *fts, int i, const char *key,
                       size_t len, sqlite3_int64 *n_hit)
{
    kofts_rank_state *st = api->xUserData(fts);
    int cached = st && st->version >= 0 && key;
    hit_entry *e = cached ? hits_slot(st, key, len) : NULL;
    if (e && e->key) {
        *n_hit = e->n_hit;
        return SQLITE_OK;
    }
    *n_hit = 0;
    int rc = api->xQueryPhrase(fts, i, n_hit, count_cb);
    if (rc == SQLITE_OK && cached)
        hits_put(st, key, len, *n_hit);
    return rc;
}

static int count_cb(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)ctx)++;
    return SQLITE_OK;
}

/* Parse "g0,g1,..." into d->group (one per phrase; missing entries are -1). */
static int parse_groups(rank_data *d, const char *s)
{
    d->group = malloc((size_t)(d->n_phrase ? d->n_phrase : 1) * sizeof *d->group);
    if (!d->group)
        return SQLITE_NOMEM;
    int entries = s && *s ? 1 : 0;
    for (const char *c = s; c && *c; c++)
        entries += *c == ',';
    if (entries != d->n_phrase) { /* not this expression's map: no coordination */
        free(d->group);
        d->group = NULL;
        return SQLITE_OK;
    }
    for (int i = 0; i < d->n_phrase; i++) {
        long g = -1;
        if (s && *s) {
            char *end = NULL;
            g = strtol(s, &end, 10);
            s = end && *end == ',' ? end + 1 : end;
            if (g < -1 || g > 4096)
                g = -1;
        }
        d->group[i] = (int)g;
        if (g + 1 > d->n_groups)
            d->n_groups = (int)g + 1;
    }
    d->seen = calloc((size_t)(d->n_groups ? d->n_groups : 1), 1);
    if (!d->seen)
        return SQLITE_NOMEM;
    for (int i = 0; i < d->n_phrase; i++)
        if (d->group[i] >= 0 && !d->seen[d->group[i]]) {
            d->seen[d->group[i]] = 1;
            d->n_distinct++;
        }
    return SQLITE_OK;
}

/* The per-query data, made on the first row. */
static int get_data(const Fts5ExtensionApi *api, Fts5Context *fts, const char *groups,
                    const char *keys, rank_data **out)
{
    rank_data *d = api->xGetAuxdata(fts, 0);
    if (d) {
        *out = d;
        return SQLITE_OK;
    }
    int rc = SQLITE_OK;
    sqlite3_int64 n_row = 0, n_tok = 0;
    if (!(d = calloc(1, sizeof *d)))
        return SQLITE_NOMEM;
    d->n_phrase = api->xPhraseCount(fts);
    size_t np = (size_t)(d->n_phrase ? d->n_phrase : 1);
    d->idf = calloc(np, sizeof *d->idf);
    d->freq = calloc(np, sizeof *d->freq);
    d->as_col = calloc(np, sizeof *d->as_col);
    if (!d->idf || !d->freq || !d->as_col) {
        rc = SQLITE_NOMEM;
        goto done;
    }
    if ((rc = api->xRowCount(fts, &n_row)) || (rc = api->xColumnTotalSize(fts, -1, &n_tok)))
        goto done;
    d->avgdl = (double)n_tok / (double)n_row;
    /* keys: the phrases' texts separated by 0x1E, used only when there is one per
     * phrase */
    int n_keys = keys && *keys ? 1 : 0;
    for (const char *c = keys; n_keys && *c; c++)
        n_keys += *c == '\x1e';
    if (n_keys != d->n_phrase)
        keys = NULL;
    for (int i = 0; i < d->n_phrase; i++) {
        sqlite3_int64 n_hit = 0;
        const char *key = keys, *end = keys ? strchr(keys, '\x1e') : NULL;
        size_t klen = keys ? (end ? (size_t)(end - keys) : strlen(keys)) : 0;
        if (keys)
            keys = end ? end + 1 : keys + klen;
        /* a bigram phrase ("\x01...") has the bigram column's weight wherever its instances
         * are (schema 5 keeps them in body, after the words) */
        d->as_col[i] = key && memchr(key, KOFTS_BIGRAM_MARK, klen) ? KOFTS_COL_BIGRAM : -1;
        if ((rc = phrase_rows(api, fts, i, key, klen, &n_hit)))
            goto done;
        double idf = log((n_row - n_hit + 0.5) / (n_hit + 0.5));
        d->idf[i] = idf <= 0.0 ? 1e-6 : idf;
    }
    if (groups && (rc = parse_groups(d, groups)))
        goto done;
    if ((rc = api->xSetAuxdata(fts, d, rank_data_free)) == SQLITE_OK) {
        *out = d;
        return SQLITE_OK;
    }
    d = NULL; /* xSetAuxdata freed it */
done:
    rank_data_free(d);
    return rc;
}

/* kofts_rank(fts, w0..w5 [, coord, groups]): see kofts_rank.h. */
static void kofts_rank_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                          int n_val, sqlite3_value **val)
{
    int n_col = api->xColumnCount(fts);
    int n_w = n_val < n_col ? n_val : n_col;
    double w[64];
    if (n_w > 64)
        n_w = 64;
    for (int c = 0; c < n_w; c++)
        w[c] = sqlite3_value_double(val[c]);
    double coord = 0;
    const char *groups = NULL, *keys = NULL;
    if (n_val >= n_col + 2) {
        coord = sqlite3_value_double(val[n_col]);
        groups = (const char *)sqlite3_value_text(val[n_col + 1]);
    }
    if (n_val >= n_col + 3)
        keys = (const char *)sqlite3_value_text(val[n_col + 2]);
    rank_data *d = NULL;
    int rc = get_data(api, fts, groups, keys, &d);
    if (rc) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    int matched = 0;
    if (d->group)
        memset(d->seen, 0, (size_t)d->n_groups);
    for (int i = 0; i < d->n_phrase; i++) {
        Fts5PhraseIter it;
        int col = -1, off = 0;
        double f = 0;
        if ((rc = api->xPhraseFirst(fts, i, &it, &col, &off)))
            break;
        if (col >= 0 && d->group && d->group[i] >= 0 && !d->seen[d->group[i]]) {
            d->seen[d->group[i]] = 1;
            matched++;
        }
        int wc = d->as_col[i];
        for (; col >= 0; api->xPhraseNext(fts, &it, &col, &off)) {
            int c = wc >= 0 ? wc : col;
            f += c < n_w ? w[c] : 1.0;
        }
        d->freq[i] = f;
    }
    int tok = -1;
    const kofts_rank_state *st = api->xUserData(fts);
    if (st && st->len) {
        sqlite3_int64 row = api->xRowid(fts);
        if (row >= 0 && row < st->n_len)
            tok = st->len[row];
    }
    if (rc == SQLITE_OK && tok < 0)
        rc = api->xColumnSize(fts, -1, &tok);
    if (rc) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    double D = (double)tok, score = 0;
    for (int i = 0; i < d->n_phrase; i++)
        score += d->idf[i] *
                 ((d->freq[i] * (K1 + 1.0)) / (d->freq[i] + K1 * (1 - B + B * D / d->avgdl)));
    if (coord < 0) /* all or nothing: only rows holding every group are lifted */
        score += d->group && d->n_distinct && matched == d->n_distinct ? -coord : 0;
    else
        score += coord * matched;
    sqlite3_result_double(ctx, score);
}

static void state_free(void *p)
{
    kofts_rank_state *st = p;
    if (!st)
        return;
    hits_clear(st);
    free(st->len);
    free(st);
}

int kofts_rank_register(sqlite3 *db, kofts_rank_state **state)
{
    if (state)
        *state = NULL;
    fts5_api *api = kofts_fts5_api(db);
    if (!api)
        return SQLITE_ERROR;
    kofts_rank_state *st = calloc(1, sizeof *st);
    if (!st)
        return SQLITE_NOMEM;
    st->db = db;
    st->version = -1;
    int rc = api->xCreateFunction(api, "kofts_rank", st, kofts_rank_fn, state_free);
    if (rc != SQLITE_OK) {
        state_free(st);
        return rc;
    }
    if (state)
        *state = st;
    return SQLITE_OK;
}

/* Sum of the varints of a %_docsize blob (one per column; SQLite varints: 7 bits per
 * byte, most significant first, the high bit set on all but the last byte). */
static long long blob_sum(const unsigned char *p, int n)
{
    long long sum = 0;
    for (int i = 0; i < n;) {
        unsigned long long v = 0;
        for (int k = 0; i < n && k < 9; k++) {
            unsigned char c = p[i++];
            v = (v << 7) | (c & 0x7F);
            if (!(c & 0x80))
                break;
        }
        sum += (long long)v;
    }
    return sum;
}

/* Load every row's length of table into st (replacing what it held). */
static int load_lengths(kofts_rank_state *st, const char *table)
{
    char sql[256];
    sqlite3_stmt *q = NULL;
    int *len = NULL, rc;
    long long max = -1, n = 0;
    snprintf(sql, sizeof sql, "SELECT max(id), count(*) FROM \"%s_docsize\"", table);
    if ((rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL)) != SQLITE_OK)
        return rc;
    if (sqlite3_step(q) == SQLITE_ROW) {
        max = sqlite3_column_int64(q, 0);
        n = sqlite3_column_int64(q, 1);
    }
    sqlite3_finalize(q);
    q = NULL;
    /* Sparse rowids (many deletions) or a huge table: keep no copy. */
    if (max < 0 || max > 4 * n + 1000000 || max >= 1LL << 28)
        return SQLITE_OK;
    if (!(len = malloc((size_t)(max + 1) * sizeof *len)))
        return SQLITE_NOMEM;
    memset(len, 0xFF, (size_t)(max + 1) * sizeof *len); /* -1: unknown */
    snprintf(sql, sizeof sql, "SELECT id, sz FROM \"%s_docsize\"", table);
    if ((rc = sqlite3_prepare_v2(st->db, sql, -1, &q, NULL)) != SQLITE_OK)
        goto done;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(q, 0);
        long long sum = blob_sum(sqlite3_column_blob(q, 1), sqlite3_column_bytes(q, 1));
        if (id >= 0 && id <= max && sum <= 0x7FFFFFFF)
            len[id] = (int)sum;
    }
    if (rc != SQLITE_DONE)
        goto done;
    rc = SQLITE_OK;
    free(st->len);
    st->len = len;
    st->n_len = max + 1;
    len = NULL;
done:
    sqlite3_finalize(q);
    free(len);
    return rc;
}

int kofts_rank_refresh(kofts_rank_state *st, const char *table)
{
    if (!st)
        return SQLITE_OK;
    int rc = SQLITE_OK;
    unsigned int dv = 0;
    long long v = -1;
    /* No statement is kept: a prepared statement owned by the function's state would
     * stop sqlite3_close from closing the connection (and so from freeing the state). */
    if (sqlite3_file_control(st->db, "main", SQLITE_FCNTL_DATA_VERSION, &dv) == SQLITE_OK)
        v = (long long)dv;
    if (v >= 0 && v == st->version)
        return SQLITE_OK;
    hits_clear(st);
    free(st->len); /* stale: rows fall back to xColumnSize until reloaded */
    st->len = NULL;
    st->n_len = 0;
    st->version = -1;
    if ((rc = load_lengths(st, table)) == SQLITE_OK)
        st->version = v;
    return rc;
}
