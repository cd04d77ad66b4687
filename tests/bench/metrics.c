/*
 * tests/bench/metrics.c - kofts_metrics against hand-computed figures.
 *
 * Worked examples (k = 3 unless said; log2(2)=1, log2(3)=1.584963, log2(4)=2):
 *   m01 binary: ranked d3 d1 d7 d2, relevant {d1, d2, d9}
 *       top 3 holds d1 at rank 2: Recall 1/3, RR 1/2,
 *       DCG 1/log2(3) = 0.630930, IDCG 1 + 0.630930 + 0.5 = 2.130930, nDCG 0.296082
 *   m02 graded: ranked a b c, grades a=1 b=0 c=3 d=2
 *       Recall 2/3, RR 1, DCG 1 + 3/2 = 2.5, IDCG 3 + 2/log2(3) + 1/2 = 4.761860,
 *       nDCG 0.525005
 *   m03 no result, relevant {x}: everything 0, counts as "no result"
 *   m04 no relevant judgment: ignored by the mean
 *   m05 duplicate hit x x, relevant {x}, k = 10: 1, 1, 1 (no double credit)
 *   mean over m01 m02 m03 m05: Recall 0.5, MRR 0.625, nDCG 0.455272
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kofts_metrics.h"

static int failures;

static void check(const char *id, const char *what, double got, double want)
{
    if (fabs(got - want) > 1e-6) {
        fprintf(stderr, "FAIL %s %s: got %.6f want %.6f\n", id, what, got, want);
        failures++;
    }
}

typedef struct {
    const char *id;
    const char *ranked[4];
    size_t nranked;
    kofts_judgment judged[4];
    size_t njudged;
    size_t k;
    double recall, rr, ndcg;
    int nrelevant;
} qcase;

static const qcase cases[] = {
    {"m01",
     {"d3", "d1", "d7", "d2"},
     4,
     {{"d1", 1}, {"d2", 1}, {"d9", 1}},
     3,
     3,
     1.0 / 3.0,
     0.5,
     0.2960819109658652,
     3},
    {"m02",
     {"a", "b", "c"},
     3,
     {{"a", 1}, {"b", 0}, {"c", 3}, {"d", 2}},
     4,
     3,
     2.0 / 3.0,
     1.0,
     0.5250049893849101,
     3},
    {"m03", {NULL}, 0, {{"x", 1}}, 1, 3, 0.0, 0.0, 0.0, 1},
    {"m04", {"y"}, 1, {{"y", 0}}, 1, 3, 0.0, 0.0, 0.0, 0},
    {"m05", {"x", "x"}, 2, {{"x", 1}}, 1, 10, 1.0, 1.0, 1.0, 1},
};

typedef struct {
    const char *id;
    double v[5];
    size_t n;
    double p, want;
} pcase;

static const pcase pcases[] = {
    {"p01", {1, 2, 3, 4, 5}, 5, 50, 3},
    {"p02", {1, 2, 3, 4, 5}, 5, 95, 5},
    {"p03", {1, 2, 3, 4, 5}, 5, 20, 1},
    {"p04", {1, 2, 3, 4, 5}, 5, 21, 2},
    {"p05", {7}, 1, 99, 7},
    {"p06", {0}, 0, 50, 0},
    {"p07", {3, 1, 2}, 3, 50, 2},
    {"p08", {1, 2, 3, 4}, 4, 100, 4},
};

int main(void)
{
    kofts_metrics_sum sum = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const qcase *c = &cases[i];
        kofts_qmetrics q;
        if (kofts_metrics_query(&q, c->ranked, c->nranked, c->judged, c->njudged, c->k)) {
            fprintf(stderr, "FAIL %s: error\n", c->id);
            failures++;
            continue;
        }
        check(c->id, "recall", q.recall, c->recall);
        check(c->id, "rr", q.rr, c->rr);
        check(c->id, "ndcg", q.ndcg, c->ndcg);
        check(c->id, "nrelevant", q.nrelevant, c->nrelevant);
        kofts_metrics_add(&sum, &q);
    }
    kofts_qmetrics mean;
    kofts_metrics_mean(&sum, &mean);
    check("mean", "nqueries", (double)sum.nqueries, 4);
    check("mean", "noresult", (double)sum.noresult, 1);
    check("mean", "recall", mean.recall, 0.5);
    check("mean", "mrr", mean.rr, 0.625);
    check("mean", "ndcg", mean.ndcg, 0.45527172508769387);

    kofts_qmetrics z;
    if (kofts_metrics_query(&z, NULL, 0, NULL, 0, 0) == 0) {
        fprintf(stderr, "FAIL k0: k == 0 accepted\n");
        failures++;
    }

    for (size_t i = 0; i < sizeof pcases / sizeof pcases[0]; i++) {
        pcase c = pcases[i];
        kofts_sort_doubles(c.v, c.n);
        check(c.id, "percentile", kofts_percentile(c.v, c.n, c.p), c.want);
    }
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("metrics: all cases pass\n");
    return 0;
}
