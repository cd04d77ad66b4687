/*
 * bench.h - internal interfaces of kofts-bench (not installed, not used elsewhere).
 *
 *   bench_data.c    corpus text (JSON lines, or the docs table of a kofts index),
 *                   query and judgment files, queries made from a small corpus
 *   bench_fts5.c    the baseline engines (FTS5 unicode61 / trigram tables built and
 *                   queried in-process) and tokenizer throughput via fts5_api
 *   bench_report.c  Markdown tables, CSV, gnuplot plots
 *   kofts_bench.c   the command line and the order of the run
 *
 * Every string in these structs is owned by the struct that holds it and freed by its
 * _free function. Errors are reported on stderr as "kofts-bench: ..." where they
 * happen; functions return 0 or a negative KOFTS_E* code.
 */
#ifndef KOFTS_BENCH_H
#define KOFTS_BENCH_H

#include <sqlite3.h>
#include <stddef.h>

#include "kofts_metrics.h"
#include "kofts_util.h"

#define BENCH_K           10 /* results per query (the @10 of every metric) */
#define BENCH_MAX_ENGINES 8  /* kofts, kofts --jobs 1, unicode61, trigram, ... */

/* ---- corpus ---------------------------------------------------------------- */

/* One document as handed to a bench_doc_cb; all pointers valid during the call only. */
typedef struct {
    const char *id;
    size_t id_len;
    const char *title;
    size_t title_len;
    const char *body;
    size_t body_len;
} bench_doc;

/* Return 0 to go on; non-zero stops the walk and is returned by bench_corpus_each. */
typedef int (*bench_doc_cb)(void *ctx, const bench_doc *doc);

/* 1 if path names a JSON-lines file (.jsonl, .ndjson, optionally .gz). */
int bench_is_jsonl(const char *path);

/*
 * Call cb for every document of the corpus. When every source is a JSON-lines file
 * the files are read directly (id; title; body or text or content); otherwise the
 * texts come from the docs table of the kofts index at kofts_db (which must exist),
 * so that every engine sees exactly the text kofts-index extracted from the posts.
 * Broken JSON lines are skipped and counted in *skipped (may be NULL).
 */
int bench_corpus_each(char *const *sources, size_t nsources, const char *kofts_db, bench_doc_cb cb,
                      void *ctx, size_t *skipped);

/* ---- queries and judgments -------------------------------------------------- */

typedef struct {
    char *qid;
    char *text;
    const char *cls; /* static: "rare", "common", "multi", "phrase", "question", "word" */
} bench_query;

typedef struct {
    bench_query *v;
    size_t n, cap;
} bench_queries;

typedef struct {
    char *qid;
    char *docid;
    int rel;
} bench_qrel;

typedef struct {
    bench_qrel *v; /* sorted by qid after bench_qrels_load */
    size_t n, cap;
} bench_qrels;

/* Query class of a query: the qid prefix ("rare-", ...) or a guess from its shape. */
const char *bench_query_class(const char *qid, const char *text);

int bench_queries_add(bench_queries *q, const char *qid, const char *text);
/* Read qid<TAB>query lines (blank and #-lines skipped), at most max (0: all). */
int bench_queries_load(bench_queries *q, const char *path, size_t max);
int bench_queries_write(const bench_queries *q, const char *path);
void bench_queries_free(bench_queries *q);
/* Give class cls (one of the names above, else "word") to the queries whose qid has
 * no class prefix. */
void bench_queries_set_class(bench_queries *q, const char *cls);

int bench_qrels_add(bench_qrels *r, const char *qid, const char *docid, int rel);
/* Read qid<TAB>docid<TAB>rel lines (TREC "qid 0 docid rel" with 4 fields also read). */
int bench_qrels_load(bench_qrels *r, const char *path);
int bench_qrels_write(const bench_qrels *r, const char *path);
/* Sort for lookup (done by _load; call after _add). */
void bench_qrels_sort(bench_qrels *r);
/* The judgments of qid: *out points into r (borrowed); returns their count. The
 * kofts_judgment array is written to jbuf (capacity cap). */
size_t bench_qrels_find(const bench_qrels *r, const char *qid, kofts_judgment *jbuf, size_t cap);
void bench_qrels_free(bench_qrels *r);

/*
 * Make queries (and known-item judgments) from a small corpus: per class up to
 * per_class queries of one rare word, several words, a phrase, a question, and a
 * few of the most common words. Deterministic for a given corpus.
 */
int bench_queries_generate(char *const *sources, size_t nsources, const char *kofts_db,
                           size_t per_class, bench_queries *q, bench_qrels *r);

/* ---- results of one engine ------------------------------------------------- */

typedef struct {
    char name[40];         /* "kofts", "kofts --jobs 1", "fts5 unicode61", ... */
    char key[24];          /* short name for files: "kofts", "kofts-j1", "unicode61" */
    int built;             /* 1 when the index was built */
    int queried;           /* 1 when latency figures exist */
    int has_rel;           /* 1 when relevance figures exist */
    double build_s;        /* wall time of the build */
    double load_s;         /* part of build_s spent reading the corpus (baselines) */
    size_t docs;           /* documents indexed */
    double text_bytes;     /* title + body bytes indexed */
    long peak_kb;          /* ru_maxrss of the build process */
    long long index_bytes; /* database size after VACUUM */
    double *lat_us;        /* [nq * passes] measured latencies, query-major; NULL if none */
    size_t passes;         /* measured passes in lat_us */
    char **hits;           /* [nq * BENCH_K] doc ids of the first measured pass, owned */
    size_t empty;          /* queries that returned nothing */
    size_t dropped;        /* queries that had terms dropped (trigram: < 3 chars) */
    size_t unrunnable;     /* queries with no term left to search for */
    kofts_metrics_sum rel; /* relevance sums */
    char note[200];        /* a remark printed under the tables */
} bench_engine;

void bench_engine_free(bench_engine *e, size_t nq);

/* ---- baseline engines (bench_fts5.c) ---------------------------------------- */

/* Remove an SQLite database file and its -wal and -shm files (missing ones are fine). */
void bench_remove_db(const char *path);

/*
 * Build a plain FTS5 table fts(id UNINDEXED, title, body) with tokenize=tokenizer
 * ("unicode61" or "trigram") in a new database at dbpath (removed first), from the
 * corpus, in one transaction, WAL, synchronous=NORMAL. Fills docs, text_bytes,
 * load_s (seconds spent reading the corpus) and build_s (total). Run in a child.
 */
int bench_fts5_build(const char *dbpath, const char *tokenizer, char *const *sources,
                     size_t nsources, const char *kofts_db, bench_engine *e);

/*
 * Run every query passes+1 times against the table (the first pass warms the cache
 * and is not counted), any-word BM25: the query's unicode61 tokens quoted and OR'ed
 * (a quoted part of the query stays one phrase); with trigram, terms shorter than 3
 * characters are dropped. Timed per query with CLOCK_MONOTONIC: building the MATCH
 * expression, running it, and reading id + snippet() of the top BENCH_K rows.
 */
int bench_fts5_query(const char *dbpath, int trigram, const bench_queries *q, size_t passes,
                     bench_engine *e);

/* VACUUM the database (registering the kofts tokenizer first when kofts != 0), then
 * checkpoint; *bytes gets the size of the file (plus -wal if any). */
int bench_db_vacuum_size(const char *dbpath, int kofts, long long *bytes);

/* Tokenizer throughput on one JSON-lines file. */
typedef struct {
    char name[40];
    double bytes;  /* text bytes tokenized per pass */
    double best_s; /* fastest of the passes */
    size_t tokens; /* tokens per pass */
    int ok;
} bench_tok;

/*
 * Time the tokenizers unicode61, trigram, kofts (word mode) and kofts bigram on the
 * title + body of every document of path, calling xTokenize through fts5_api
 * directly (FTS5_TOKENIZE_DOCUMENT); best of passes. out[] gets up to cap entries;
 * returns the count, or a negative KOFTS_E* code.
 */
int bench_tokenizers(const char *path, size_t passes, bench_tok *out, size_t cap);

/* ---- report (bench_report.c) ----------------------------------------------- */

typedef struct {
    char date[16];  /* YYYY-MM-DD */
    char stamp[32]; /* YYYY-MM-DD HH:MM */
    char host[64];
    char cpu[128];
    int ncpu;
    char corpus[512];       /* what was indexed */
    char queries_from[256]; /* where the queries came from */
    char qrels_from[256];
    size_t nqueries;
    size_t passes;
    int jobs;
    double rerun_s; /* no-change re-run of kofts-index, < 0 if not run */
    long parent_kb; /* kofts-bench's own ru_maxrss before spawning builds */
    const bench_queries *q;
    bench_engine *eng;
    size_t neng;
    bench_tok *tok;
    size_t ntok;
    char tok_from[256];
    const char *label; /* appended to the file names, may be NULL */
} bench_report;

/*
 * Print the Markdown report to stdout and write out_dir/<date>-<host>[-label].md,
 * .csv (summary, one figure a row) and -latency.csv (every timed query), and, when
 * plots != 0 and gnuplot is found, -latency-cdf.png. work_dir holds plot data.
 * scale_csv (may be NULL) gets one row per engine appended for the scale plots.
 */
int bench_report_write(const bench_report *r, const char *out_dir, const char *work_dir, int plots,
                       const char *scale_csv);

/* ---- small helpers (kofts_bench.c) ----------------------------------------- */

double bench_now(void);                   /* CLOCK_MONOTONIC seconds */
long long bench_file_size(const char *p); /* -1 if missing */
/* Run argv (argv[0] a path) with stdout to out_path and stderr to err_path (NULL:
 * inherit), wait; wall time in *wall_s, the child's ru_maxrss (KiB) in *maxrss_kb.
 * Returns the exit status (0..255), or -1 if it could not run / died of a signal. */
int bench_run(char *const argv[], const char *out_path, const char *err_path, double *wall_s,
              long *maxrss_kb);

#endif /* KOFTS_BENCH_H */
