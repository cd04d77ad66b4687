/*
 * kofts_metrics.h - retrieval metrics and latency percentiles for kofts-bench.
 *
 * Relevance (per query, then averaged over the queries that have at least one
 * relevant judgment, as trec_eval does):
 *
 *   Recall@k = |relevant in top k| / |relevant|
 *   RR@k     = 1 / rank of the first relevant hit in the top k (0 when none)
 *   nDCG@k   = DCG@k / IDCG@k,  DCG@k = sum_{i=1..k} gain_i / log2(i + 1)
 *              (Jarvelin & Kekalainen 2002; gain = the judged grade, so binary
 *              judgments give gain 0/1; IDCG sorts all judged grades descending)
 *
 * A judgment with grade <= 0 counts as not relevant. Documents are compared by id
 * (byte-wise). Nothing here allocates except kofts_metrics_query's scratch, which it
 * frees; all inputs are borrowed for the call only.
 */
#ifndef KOFTS_METRICS_H
#define KOFTS_METRICS_H

#include <stddef.h>

typedef struct {
    const char *docid; /* borrowed */
    int rel;           /* grade; > 0 is relevant */
} kofts_judgment;

typedef struct {
    double recall; /* Recall@k */
    double rr;     /* reciprocal rank within the top k */
    double ndcg;   /* nDCG@k */
    int nrelevant; /* judgments with rel > 0 */
    int nreturned; /* results considered (min(nranked, k)) */
} kofts_qmetrics;

typedef struct {
    size_t nqueries; /* queries with >= 1 relevant judgment */
    size_t noresult; /* of those, how many returned nothing */
    double recall;   /* sums; divide by nqueries (kofts_metrics_mean) */
    double rr;
    double ndcg;
} kofts_metrics_sum;

/*
 * Score one ranked list (ranked[0] is rank 1; NULL entries are skipped as non-matches)
 * against its judgments, considering the first k results. *out is filled. Returns 0,
 * or KOFTS_EINVAL when k == 0 (out is then zeroed).
 */
int kofts_metrics_query(kofts_qmetrics *out, const char *const *ranked, size_t nranked,
                        const kofts_judgment *judged, size_t njudged, size_t k);

/* Add one query's figures to sum (queries with no relevant judgment are ignored). */
void kofts_metrics_add(kofts_metrics_sum *sum, const kofts_qmetrics *q);

/* Mean figures of sum into *out (recall, rr, ndcg); zero when sum is empty. */
void kofts_metrics_mean(const kofts_metrics_sum *sum, kofts_qmetrics *out);

/*
 * The p-th percentile (0 < p <= 100) of sorted[0..n) by the nearest-rank method:
 * the value at 1-based rank ceil(p/100 * n). Returns 0 when n == 0.
 */
double kofts_percentile(const double *sorted, size_t n, double p);

/* Sort v[0..n) ascending (for kofts_percentile). */
void kofts_sort_doubles(double *v, size_t n);

#endif /* KOFTS_METRICS_H */
