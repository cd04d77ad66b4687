/*
 * kofts_metrics.c - Recall@k, reciprocal rank, nDCG@k and nearest-rank percentiles.
 * See kofts_metrics.h for the formulas and their sources.
 */
#include "kofts_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_analyzer.h"

/* Grade of docid in judged[], 0 when it is not judged. */
static int grade_of(const char *docid, const kofts_judgment *judged, size_t njudged)
{
    for (size_t i = 0; i < njudged; i++)
        if (judged[i].docid && strcmp(judged[i].docid, docid) == 0)
            return judged[i].rel;
    return 0;
}

static int cmp_int_desc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x < y) - (x > y);
}

/* 1 if ranked[0..i) already holds docid (a duplicate hit earns nothing twice). */
static int seen_before(const char *const *ranked, size_t i, const char *docid)
{
    for (size_t j = 0; j < i; j++)
        if (ranked[j] && strcmp(ranked[j], docid) == 0)
            return 1;
    return 0;
}

int kofts_metrics_query(kofts_qmetrics *out, const char *const *ranked, size_t nranked,
                        const kofts_judgment *judged, size_t njudged, size_t k)
{
    int rc = 0;
    int *grades = NULL;
    memset(out, 0, sizeof *out);
    if (k == 0) {
        rc = KOFTS_EINVAL;
        goto done;
    }
    for (size_t i = 0; i < njudged; i++)
        if (judged[i].rel > 0)
            out->nrelevant++;
    size_t n = nranked < k ? nranked : k;
    out->nreturned = (int)n;
    double dcg = 0.0;
    int found = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ranked[i] || seen_before(ranked, i, ranked[i]))
            continue;
        int g = grade_of(ranked[i], judged, njudged);
        if (g <= 0)
            continue;
        found++;
        if (out->rr == 0.0)
            out->rr = 1.0 / (double)(i + 1);
        dcg += (double)g / log2((double)(i + 2));
    }
    if (out->nrelevant == 0)
        goto done;
    out->recall = (double)found / (double)out->nrelevant;
    grades = malloc((size_t)out->nrelevant * sizeof *grades);
    if (!grades) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    size_t ng = 0;
    for (size_t i = 0; i < njudged; i++)
        if (judged[i].rel > 0)
            grades[ng++] = judged[i].rel;
    qsort(grades, ng, sizeof *grades, cmp_int_desc);
    double idcg = 0.0;
    for (size_t i = 0; i < ng && i < k; i++)
        idcg += (double)grades[i] / log2((double)(i + 2));
    out->ndcg = idcg > 0.0 ? dcg / idcg : 0.0;
done:
    free(grades);
    return rc;
}

void kofts_metrics_add(kofts_metrics_sum *sum, const kofts_qmetrics *q)
{
    if (q->nrelevant <= 0)
        return;
    sum->nqueries++;
    if (q->nreturned == 0)
        sum->noresult++;
    sum->recall += q->recall;
    sum->rr += q->rr;
    sum->ndcg += q->ndcg;
}

void kofts_metrics_mean(const kofts_metrics_sum *sum, kofts_qmetrics *out)
{
    memset(out, 0, sizeof *out);
    if (sum->nqueries == 0)
        return;
    double n = (double)sum->nqueries;
    out->recall = sum->recall / n;
    out->rr = sum->rr / n;
    out->ndcg = sum->ndcg / n;
}

double kofts_percentile(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return 0.0;
    double r = ceil(p / 100.0 * (double)n);
    size_t idx = r < 1.0 ? 0 : (size_t)r - 1;
    if (idx >= n)
        idx = n - 1;
    return sorted[idx];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void kofts_sort_doubles(double *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_double);
}
