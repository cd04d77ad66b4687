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
#include <stdlib.h>
#include <string.h>

#include "kofts_fts5.h"

#define K1 1.2
#define B  0.75

typedef struct {
    int n_phrase;
    double avgdl;
    double *idf;         /* n_phrase IDFs */
    double *freq;        /* n_phrase scratch sums */
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
    free(d->group);
    free(d->seen);
    free(d);
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
                    rank_data **out)
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
    if (!d->idf || !d->freq) {
        rc = SQLITE_NOMEM;
        goto done;
    }
    if ((rc = api->xRowCount(fts, &n_row)) || (rc = api->xColumnTotalSize(fts, -1, &n_tok)))
        goto done;
    d->avgdl = (double)n_tok / (double)n_row;
    for (int i = 0; i < d->n_phrase; i++) {
        sqlite3_int64 n_hit = 0;
        if ((rc = api->xQueryPhrase(fts, i, &n_hit, count_cb)))
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
    const char *groups = NULL;
    if (n_val >= n_col + 2) {
        coord = sqlite3_value_double(val[n_col]);
        groups = (const char *)sqlite3_value_text(val[n_col + 1]);
    }
    rank_data *d = NULL;
    int rc = get_data(api, fts, groups, &d);
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
        for (; col >= 0; api->xPhraseNext(fts, &it, &col, &off))
            f += col < n_w ? w[col] : 1.0;
        d->freq[i] = f;
    }
    int tok = 0;
    if (rc == SQLITE_OK)
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

int kofts_rank_register(sqlite3 *db)
{
    fts5_api *api = kofts_fts5_api(db);
    if (!api)
        return SQLITE_ERROR;
    return api->xCreateFunction(api, "kofts_rank", NULL, kofts_rank_fn, NULL);
}
