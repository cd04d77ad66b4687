/*
 * bench_report.c - turn the figures of one kofts-bench run into a Markdown report
 * (stdout and bench/results/<date>-<host>.md), CSV files and gnuplot plots.
 * Every absolute figure is printed with its ratio to FTS5 unicode61 from the same run.
 */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kofts_analyzer.h"

#define PROG "kofts-bench"

static const char *const class_names[] = {"all",    "rare",     "common", "multi",
                                          "phrase", "question", "word"};
#define NCLASS (sizeof class_names / sizeof class_names[0])

/* Latency summary of one engine for one class (milliseconds). */
typedef struct {
    size_t nq; /* queries */
    size_t n;  /* timed runs */
    double p50, p95, p99, max, qps;
} lat_stats;

static void lat_compute(const bench_report *r, const bench_engine *e, const char *cls,
                        lat_stats *out, double **sorted_out)
{
    memset(out, 0, sizeof *out);
    if (sorted_out)
        *sorted_out = NULL;
    if (!e->queried || !e->lat_us || e->passes == 0)
        return;
    size_t nq = r->q->n;
    double *v = malloc((nq * e->passes + 1) * sizeof *v);
    if (!v)
        return;
    double sum = 0;
    for (size_t i = 0; i < nq; i++) {
        if (strcmp(cls, "all") != 0 && strcmp(cls, r->q->v[i].cls) != 0)
            continue;
        out->nq++;
        for (size_t p = 0; p < e->passes; p++) {
            double ms = e->lat_us[i * e->passes + p] / 1000.0;
            v[out->n++] = ms;
            sum += ms;
        }
    }
    kofts_sort_doubles(v, out->n);
    out->p50 = kofts_percentile(v, out->n, 50);
    out->p95 = kofts_percentile(v, out->n, 95);
    out->p99 = kofts_percentile(v, out->n, 99);
    out->max = out->n ? v[out->n - 1] : 0;
    out->qps = sum > 0 ? (double)out->n / (sum / 1000.0) : 0;
    if (sorted_out)
        *sorted_out = v;
    else
        free(v);
}

static const bench_engine *find_ref(const bench_report *r)
{
    for (size_t i = 0; i < r->neng; i++)
        if (strcmp(r->eng[i].key, "unicode61") == 0)
            return &r->eng[i];
    return NULL;
}

/* "value (×ratio)" into b, value with decimals digits; ratio omitted when ref is missing or zero.
 */
static void cell(kofts_buf *b, int decimals, double v, double ref, int have_ref)
{
    kofts_buf_printf(b, " %.*f", decimals, v);
    if (have_ref && ref > 0)
        kofts_buf_printf(b, " (×%.2f)", v / ref);
    kofts_buf_puts(b, " |");
}

static void csv_row(FILE *f, const char *section, const char *engine, const char *cls,
                    const char *metric, double v, double ref)
{
    if (!f)
        return;
    fprintf(f, "%s,%s,%s,%s,%.6g,", section, engine, cls, metric, v);
    if (ref > 0)
        fprintf(f, "%.4f", v / ref);
    fputc('\n', f);
}

static void write_index_section(const bench_report *r, kofts_buf *md, FILE *csv)
{
    const bench_engine *ref = find_ref(r);
    int hr = ref && ref->built;
    kofts_buf_puts(md, "\n## Indexing\n\n"
                       "Built from scratch; wall time of the whole build (reading, parsing, "
                       "tokenizing, writing, commit). MB/s counts title + body text bytes. "
                       "Peak memory is the build process's ru_maxrss (wait4). Index size is "
                       "the database file after VACUUM.\n\n"
                       "| engine | docs | wall s | docs/s | text MB/s | peak RSS MB | "
                       "index MB | index / text |\n|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < r->neng; i++) {
        const bench_engine *e = &r->eng[i];
        if (!e->built)
            continue;
        double dps = e->build_s > 0 ? (double)e->docs / e->build_s : 0;
        double mbs = e->build_s > 0 ? e->text_bytes / 1e6 / e->build_s : 0;
        double rdps = hr && ref->build_s > 0 ? (double)ref->docs / ref->build_s : 0;
        double rmbs = hr && ref->build_s > 0 ? ref->text_bytes / 1e6 / ref->build_s : 0;
        kofts_buf_printf(md, "| %s | %zu |", e->name, e->docs);
        cell(md, 2, e->build_s, hr ? ref->build_s : 0, hr);
        cell(md, 0, dps, rdps, hr);
        cell(md, 2, mbs, rmbs, hr);
        cell(md, 0, (double)e->peak_kb / 1024.0, hr ? (double)ref->peak_kb / 1024.0 : 0, hr);
        if (e->index_bytes >= 0) {
            cell(md, 1, (double)e->index_bytes / 1e6, hr ? (double)ref->index_bytes / 1e6 : 0, hr);
            kofts_buf_printf(md, " %.2f |\n",
                             e->text_bytes > 0 ? (double)e->index_bytes / e->text_bytes : 0);
        } else {
            kofts_buf_puts(md, " – | – |\n");
        }
        csv_row(csv, "index", e->key, "all", "wall_s", e->build_s, hr ? ref->build_s : 0);
        csv_row(csv, "index", e->key, "all", "docs", (double)e->docs, 0);
        if (e->load_s > 0)
            csv_row(csv, "index", e->key, "all", "read_parse_s", e->load_s, 0);
        csv_row(csv, "index", e->key, "all", "docs_per_s", dps, rdps);
        csv_row(csv, "index", e->key, "all", "text_mb_per_s", mbs, rmbs);
        csv_row(csv, "index", e->key, "all", "peak_rss_kb", (double)e->peak_kb,
                hr ? (double)ref->peak_kb : 0);
        csv_row(csv, "index", e->key, "all", "index_bytes", (double)e->index_bytes,
                hr ? (double)ref->index_bytes : 0);
        csv_row(csv, "index", e->key, "all", "text_bytes", e->text_bytes, 0);
    }
    if (r->rerun_s >= 0) {
        kofts_buf_printf(md,
                         "\nSecond kofts-index run over the unchanged corpus (no "
                         "`--full`): %.2f s.\n",
                         r->rerun_s);
        csv_row(csv, "index", "kofts", "all", "rerun_unchanged_s", r->rerun_s, 0);
    }
    kofts_buf_printf(md,
                     "kofts-bench's own peak RSS before it started the builds: %.0f MB "
                     "(each build process starts as a copy of it).\n",
                     (double)r->parent_kb / 1024.0);
}

static void write_latency_section(const bench_report *r, kofts_buf *md, FILE *csv)
{
    const bench_engine *ref = find_ref(r);
    kofts_buf_printf(md,
                     "\n## Query latency\n\n"
                     "%zu queries × %zu warm passes (one more pass before them warms the "
                     "cache and is not counted), one thread, CLOCK_MONOTONIC per query, "
                     "top %d, **snippets included** (kofts: `kofts-search --timings`, "
                     "timed in-process around search + snippets; FTS5: in-process around "
                     "building the MATCH expression, MATCH, bm25 ORDER BY rank, and "
                     "reading id + snippet() of the top %d). Milliseconds; q/s = timed "
                     "runs / total time.\n\n"
                     "| engine | class | queries | p50 ms | p95 ms | p99 ms | max ms | "
                     "q/s |\n|---|---|---|---|---|---|---|---|\n",
                     r->nqueries, r->passes, BENCH_K, BENCH_K);
    for (size_t c = 0; c < NCLASS; c++) {
        lat_stats rs;
        if (ref)
            lat_compute(r, ref, class_names[c], &rs, NULL);
        else
            memset(&rs, 0, sizeof rs);
        int hr = ref && rs.n > 0;
        for (size_t i = 0; i < r->neng; i++) {
            const bench_engine *e = &r->eng[i];
            lat_stats s;
            lat_compute(r, e, class_names[c], &s, NULL);
            if (s.n == 0)
                continue;
            kofts_buf_printf(md, "| %s | %s | %zu |", e->name, class_names[c], s.nq);
            cell(md, 3, s.p50, rs.p50, hr);
            cell(md, 3, s.p95, rs.p95, hr);
            cell(md, 3, s.p99, rs.p99, hr);
            cell(md, 3, s.max, rs.max, hr);
            cell(md, 0, s.qps, rs.qps, hr);
            kofts_buf_puts(md, "\n");
            csv_row(csv, "latency", e->key, class_names[c], "queries", (double)s.nq, 0);
            csv_row(csv, "latency", e->key, class_names[c], "p50_ms", s.p50, hr ? rs.p50 : 0);
            csv_row(csv, "latency", e->key, class_names[c], "p95_ms", s.p95, hr ? rs.p95 : 0);
            csv_row(csv, "latency", e->key, class_names[c], "p99_ms", s.p99, hr ? rs.p99 : 0);
            csv_row(csv, "latency", e->key, class_names[c], "max_ms", s.max, hr ? rs.max : 0);
            csv_row(csv, "latency", e->key, class_names[c], "qps", s.qps, hr ? rs.qps : 0);
        }
    }
}

static void write_rel_section(const bench_report *r, kofts_buf *md, FILE *csv)
{
    const bench_engine *ref = find_ref(r);
    int any = 0;
    for (size_t i = 0; i < r->neng; i++)
        any |= r->eng[i].has_rel;
    if (!any)
        return;
    kofts_qmetrics rm = {0};
    int hr = ref && ref->has_rel;
    if (hr)
        kofts_metrics_mean(&ref->rel, &rm);
    kofts_buf_printf(md,
                     "\n## Relevance\n\nJudgments: %s. Means over the queries that "
                     "have a relevant judgment (kofts-bench's own metrics code, "
                     "bench/kofts_metrics.c). Gain = judged grade, log2 discount.\n\n"
                     "| engine | judged queries | Recall@10 | MRR@10 | nDCG@10 | "
                     "no result |\n|---|---|---|---|---|---|\n",
                     r->qrels_from);
    for (size_t i = 0; i < r->neng; i++) {
        const bench_engine *e = &r->eng[i];
        if (!e->has_rel)
            continue;
        kofts_qmetrics m;
        kofts_metrics_mean(&e->rel, &m);
        kofts_buf_printf(md, "| %s | %zu |", e->name, e->rel.nqueries);
        cell(md, 4, m.recall, rm.recall, hr);
        cell(md, 4, m.rr, rm.rr, hr);
        cell(md, 4, m.ndcg, rm.ndcg, hr);
        kofts_buf_printf(md, " %zu |\n", e->rel.noresult);
        csv_row(csv, "relevance", e->key, "all", "judged_queries", (double)e->rel.nqueries, 0);
        csv_row(csv, "relevance", e->key, "all", "recall10", m.recall, hr ? rm.recall : 0);
        csv_row(csv, "relevance", e->key, "all", "mrr10", m.rr, hr ? rm.rr : 0);
        csv_row(csv, "relevance", e->key, "all", "ndcg10", m.ndcg, hr ? rm.ndcg : 0);
        csv_row(csv, "relevance", e->key, "all", "no_result", (double)e->rel.noresult, 0);
    }
}

static void write_tok_section(const bench_report *r, kofts_buf *md, FILE *csv)
{
    if (r->ntok == 0)
        return;
    double ref = 0;
    for (size_t i = 0; i < r->ntok; i++)
        if (r->tok[i].ok && strcmp(r->tok[i].name, "fts5 unicode61") == 0)
            ref = r->tok[i].bytes / 1e6 / r->tok[i].best_s;
    kofts_buf_printf(md,
                     "\n## Analyzer throughput\n\n%s: title + \"\\n\" + body of every "
                     "document, each tokenizer called directly through fts5_api "
                     "(xTokenize, FTS5_TOKENIZE_DOCUMENT), one thread, best of 3. An "
                     "index build runs the kofts tokenizer in both modes (word columns + "
                     "bigram column).\n\n| tokenizer | MB | best s | MB/s | tokens |\n"
                     "|---|---|---|---|---|\n",
                     r->tok_from);
    for (size_t i = 0; i < r->ntok; i++) {
        const bench_tok *t = &r->tok[i];
        if (!t->ok) {
            kofts_buf_printf(md, "| %s | – | – | not available | – |\n", t->name);
            continue;
        }
        double mbs = t->best_s > 0 ? t->bytes / 1e6 / t->best_s : 0;
        kofts_buf_printf(md, "| %s | %.1f | %.3f |", t->name, t->bytes / 1e6, t->best_s);
        cell(md, 2, mbs, ref, ref > 0);
        kofts_buf_printf(md, " %zu |\n", t->tokens);
        csv_row(csv, "tokenizer", t->name, "all", "mb_per_s", mbs, ref);
        csv_row(csv, "tokenizer", t->name, "all", "tokens", (double)t->tokens, 0);
    }
}

/* Per-engine latency CDF data in work_dir, then one gnuplot call. */
static void plot_cdf(const bench_report *r, const char *work_dir, const char *png)
{
    char gp[4096], dat[4096];
    snprintf(gp, sizeof gp, "%s/latency-cdf.gp", work_dir);
    FILE *g = fopen(gp, "w");
    if (!g)
        return;
    fprintf(g,
            "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
            "  set terminal pngcairo size 900,560\n"
            "} else {\n  set terminal png size 900,560\n}\nset output '%s'\n"
            "set title 'Query latency CDF (warm, snippets included)'\n"
            "set xlabel 'latency per query, ms (log scale)'\nset ylabel 'fraction of "
            "queries'\nset logscale x\nset key bottom right\nset grid\nplot ",
            png);
    int first = 1;
    for (size_t i = 0; i < r->neng; i++) {
        const bench_engine *e = &r->eng[i];
        lat_stats s;
        double *v = NULL;
        lat_compute(r, e, "all", &s, &v);
        if (!v || s.n == 0) {
            free(v);
            continue;
        }
        snprintf(dat, sizeof dat, "%s/cdf-%s.dat", work_dir, e->key);
        FILE *d = fopen(dat, "w");
        if (d) {
            for (size_t k = 0; k < s.n; k++)
                fprintf(d, "%.4f %.5f\n", v[k] < 0.001 ? 0.001 : v[k],
                        (double)(k + 1) / (double)s.n);
            fclose(d);
            fprintf(g, "%s'%s' using 1:2 with lines lw 2 title '%s'", first ? "" : ", ", dat,
                    e->name);
            first = 0;
        }
        free(v);
    }
    fprintf(g, "\n");
    fclose(g);
    if (first)
        return;
    char *argv[] = {"/usr/bin/env", "gnuplot", gp, NULL};
    double wall;
    long kb;
    if (bench_run(argv, NULL, NULL, &wall, &kb) != 0)
        fprintf(stderr, PROG ": gnuplot failed or missing; no plot\n");
    else
        fprintf(stderr, PROG ": wrote %s\n", png);
}

static void append_scale(const bench_report *r, const char *path)
{
    int fresh = bench_file_size(path) <= 0;
    FILE *f = fopen(path, "a");
    if (!f) {
        fprintf(stderr, PROG ": %s: cannot append\n", path);
        return;
    }
    if (fresh)
        fprintf(f, "docs,engine,build_s,index_bytes,text_bytes,peak_rss_kb,p50_ms,p95_ms,"
                   "p99_ms,qps\n");
    for (size_t i = 0; i < r->neng; i++) {
        const bench_engine *e = &r->eng[i];
        if (!e->built)
            continue;
        lat_stats s;
        lat_compute(r, e, "all", &s, NULL);
        fprintf(f, "%zu,%s,%.3f,%lld,%.0f,%ld,%.4f,%.4f,%.4f,%.1f\n", e->docs, e->key, e->build_s,
                e->index_bytes, e->text_bytes, e->peak_kb, s.p50, s.p95, s.p99, s.qps);
    }
    fclose(f);
}

/* The report's opening lines: run, machine, corpus, queries. */
static void write_header(const bench_report *r, kofts_buf *md)
{
    kofts_buf_printf(md, "# kofts bench: %s on %s\n\n", r->stamp, r->host);
    kofts_buf_printf(md,
                     "- Machine: %s, %d cores (shared and noisy: read the ratios). "
                     "SQLite %s, kofts %s.\n",
                     r->cpu, r->ncpu, sqlite3_libversion(), KOFTS_VERSION_STRING);
    kofts_buf_printf(md, "- Corpus: %s.\n", r->corpus);
    kofts_buf_printf(md, "- Queries: %zu from %s.\n", r->nqueries, r->queries_from);
    kofts_buf_printf(md,
                     "- kofts-index ran with `--jobs %d` (and `--jobs 1` for comparison). "
                     "Ratios (×) are against FTS5 unicode61 from this run.\n",
                     r->jobs);
}

/* The closing notes: how the baselines query, and each engine's empty results. */
static void write_notes(const bench_report *r, kofts_buf *md)
{
    kofts_buf_puts(md, "\n## Notes\n\n"
                       "- FTS5 baselines: `fts5(id UNINDEXED, title, body)`, default bm25 "
                       "weights, queried any-word: the query's unicode61 tokens, each "
                       "quoted, OR'ed (a quoted part of the query stays one phrase).\n"
                       "- trigram: query terms shorter than 3 characters are dropped (a "
                       "trigram index cannot look them up).\n");
    for (size_t i = 0; i < r->neng; i++) {
        const bench_engine *e = &r->eng[i];
        if (e->queried)
            kofts_buf_printf(md,
                             "- %s: %zu queries returned nothing; %zu had terms "
                             "dropped; %zu had no term left.%s%s\n",
                             e->name, e->empty, e->dropped, e->unrunnable, e->note[0] ? " " : "",
                             e->note);
        else if (e->note[0])
            kofts_buf_printf(md, "- %s: %s\n", e->name, e->note);
    }
}

/* Every latency measured, one line each: engine,qid,class,pass,us. */
static void write_latency_csv(const bench_report *r, const char *path)
{
    FILE *lat = fopen(path, "w");
    if (!lat)
        return;
    fprintf(lat, "engine,qid,class,pass,us\n");
    for (size_t i = 0; i < r->neng; i++) {
        const bench_engine *e = &r->eng[i];
        if (!e->queried || !e->lat_us)
            continue;
        for (size_t k = 0; k < r->q->n; k++)
            for (size_t p = 0; p < e->passes; p++)
                fprintf(lat, "%s,%s,%s,%zu,%.1f\n", e->key, r->q->v[k].qid, r->q->v[k].cls, p + 1,
                        e->lat_us[k * e->passes + p]);
    }
    fclose(lat);
}

int bench_report_write(const bench_report *r, const char *out_dir, const char *work_dir, int plots,
                       const char *scale_csv)
{
    int rc = 0;
    kofts_buf md = {0};
    char stem[4096], path[4200], png[4200];
    mkdir(out_dir, 0777);
    snprintf(stem, sizeof stem, "%s/%s-%s%s%s", out_dir, r->date, r->host, r->label ? "-" : "",
             r->label ? r->label : "");
    snprintf(path, sizeof path, "%s.csv", stem);
    FILE *csv = fopen(path, "w");
    if (csv)
        fprintf(csv, "section,engine,class,metric,value,ratio_vs_unicode61\n");
    write_header(r, &md);
    write_index_section(r, &md, csv);
    write_latency_section(r, &md, csv);
    write_rel_section(r, &md, csv);
    write_tok_section(r, &md, csv);
    write_notes(r, &md);
    if (csv)
        fclose(csv);
    fputs(md.data, stdout);
    fflush(stdout);

    snprintf(png, sizeof png, "%s-latency-cdf.png", stem);
    if (plots)
        plot_cdf(r, work_dir, png);
    snprintf(path, sizeof path, "%s-latency.csv", stem);
    write_latency_csv(r, path);
    snprintf(path, sizeof path, "%s.md", stem);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, PROG ": %s: cannot write\n", path);
        rc = KOFTS_EIO;
    } else {
        fputs(md.data, f);
        if (plots && bench_file_size(png) > 0) {
            const char *base = strrchr(png, '/');
            fprintf(f, "\n![latency CDF](%s)\n", base ? base + 1 : png);
        }
        fclose(f);
        fprintf(stderr, PROG ": wrote %s (+ .csv, -latency.csv)\n", path);
        if (scale_csv)
            append_scale(r, scale_csv);
    }
    kofts_buf_free(&md);
    return rc;
}
