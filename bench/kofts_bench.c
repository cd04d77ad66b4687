/*
 * kofts_bench.c - kofts-bench: index one corpus with kofts and with two plain FTS5
 * baselines (unicode61, trigram), then measure indexing, query latency, relevance and
 * tokenizer throughput side by side, in one run. See bench/README.md.
 *
 *   kofts-index --full ---> kofts.db ----> kofts-search --batch --timings   (processes)
 *   fork: fts5 unicode61 -> unicode61.db -> prepared statements           (in-process)
 *   fork: fts5 trigram ---> trigram.db ---> prepared statements           (in-process)
 *                     \-> report: Markdown (stdout + bench/results), CSV, gnuplot PNG
 *
 * Builds run in child processes so that wait4() reports each build's own peak memory.
 */
#include "bench.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kofts_analyzer.h"
#include "kofts_textz.h"

#define PROG "kofts-bench"

#ifndef KOFTS_BENCH_SHARED_CORPUS
#define KOFTS_BENCH_SHARED_CORPUS "../shared/corpus"
#endif
#ifndef KOFTS_BENCH_SAMPLE
#define KOFTS_BENCH_SAMPLE "corpus/sample"
#endif
#ifndef KOFTS_BENCH_RESULTS
#define KOFTS_BENCH_RESULTS "bench/results"
#endif

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long long bench_file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long long)st.st_size : -1;
}

/* Point fd at a new file path (truncated); 0 or -1. */
static int redirect(int fd, const char *path)
{
    int f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (f < 0 || dup2(f, fd) < 0)
        return -1;
    close(f);
    return 0;
}

int bench_run(char *const argv[], const char *out_path, const char *err_path, double *wall_s,
              long *maxrss_kb)
{
    double t0 = bench_now();
    *wall_s = 0;
    *maxrss_kb = 0;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if ((out_path && redirect(STDOUT_FILENO, out_path) != 0) ||
            (err_path && redirect(STDERR_FILENO, err_path) != 0))
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR)
            return -1;
    *wall_s = bench_now() - t0;
    *maxrss_kb = ru.ru_maxrss;
    if (!WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

/* ---- options ---------------------------------------------------------------- */

typedef struct {
    const char *bin, *work, *out, *queries, *qrels, *label, *scale_csv, *throughput;
    const char *engines, *qclass;
    size_t passes, max_queries, per_class;
    int jobs, jobs_compare, rerun, plots, sample, no_throughput;
} opts;

static const struct {
    const char *name;
    int has_arg;
    int val;
    const char *arg, *help;
} optdefs[] = {
    {"queries", 1, 'q', "FILE", "queries, qid<TAB>query (default: KorQuAD dev / made)"},
    {"qrels", 1, 'r', "FILE", "judgments, qid<TAB>docid<TAB>rel"},
    {"max-queries", 1, 'm', "N", "use only the first N queries"},
    {"query-class", 1, 'k', "CLASS", "class of queries whose qid has no class- prefix"},
    {"passes", 1, 'p', "N", "warm timed passes per query (default 3; +1 warm-up)"},
    {"jobs", 1, 'j', "N", "kofts-index --jobs (default: number of cores)"},
    {"engines", 1, 'e', "LIST",
     "kofts,kofts-xapian,unicode61,trigram (default: kofts,unicode61,trigram)"},
    {"bin", 1, 'b', "DIR", "where kofts-index/kofts-search are (default: beside me)"},
    {"work", 1, 'w', "DIR", "scratch folder for indexes (default: BIN/bench-work)"},
    {"out", 1, 'o', "DIR", "results folder (default: bench/results)"},
    {"label", 1, 'l', "NAME", "suffix for the result file names"},
    {"scale-csv", 1, 's', "FILE", "append one row per engine (for the scale plots)"},
    {"throughput", 1, 't', "FILE", "JSONL for tokenizer throughput (default: ko-petitions)"},
    {"no-throughput", 0, 'T', NULL, "skip the tokenizer throughput"},
    {"no-jobs-compare", 0, 'J', NULL, "skip the kofts-index --jobs 1 build"},
    {"no-rerun", 0, 'R', NULL, "skip the no-change kofts-index re-run"},
    {"no-plots", 0, 'P', NULL, "do not run gnuplot"},
    {"sample", 0, 'S', NULL, "use the bundled corpus/sample even if ../shared exists"},
    {"per-class", 1, 'c', "N", "queries per class made from a sample (default 20)"},
    {"help", 0, 'h', NULL, "show this help"},
    {"version", 0, 'V', NULL, "show the version"},
};
#define NOPT (sizeof optdefs / sizeof optdefs[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: " PROG " [OPTION]... [SOURCE...]\n"
               "Index SOURCE (JSON lines files or a post folder) with kofts, FTS5 unicode61\n"
               "and FTS5 trigram; report indexing speed, query latency, relevance and\n"
               "tokenizer throughput side by side. With no SOURCE: ../shared/corpus when\n"
               "present (all sets; KorQuAD dev queries and judgments), else corpus/sample.\n\n");
    for (size_t i = 0; i < NOPT; i++) {
        char left[64];
        if (optdefs[i].val == 'h' || optdefs[i].val == 'V')
            snprintf(left, sizeof left, "-%c, --%s", optdefs[i].val, optdefs[i].name);
        else
            snprintf(left, sizeof left, "    --%s%s%s", optdefs[i].name, optdefs[i].arg ? " " : "",
                     optdefs[i].arg ? optdefs[i].arg : "");
        fprintf(f, "  %-26s %s\n", left, optdefs[i].help);
    }
    fprintf(f, "\nExit status: 0 ok, 1 runtime error, 2 usage error.\n");
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-')
        return -1;
    *out = (size_t)v;
    return 0;
}

static int file_exists(const char *p)
{
    return access(p, R_OK) == 0;
}

/* ---- the kofts engine -------------------------------------------------------- */

typedef struct {
    const char *qid;
    size_t idx;
} qid_ix;

static int cmp_qid_ix(const void *a, const void *b)
{
    return strcmp(((const qid_ix *)a)->qid, ((const qid_ix *)b)->qid);
}

static long find_qid(const qid_ix *ix, size_t n, const char *qid)
{
    qid_ix key = {qid, 0};
    const qid_ix *hit = bsearch(&key, ix, n, sizeof *ix, cmp_qid_ix);
    return hit ? (long)hit->idx : -1;
}

/* Show the last line of a child's stderr log and how many lines came before it. */
static void report_log(const char *log)
{
    FILE *f = fopen(log, "r");
    char line[1024], last[1024] = "";
    size_t n = 0;
    while (f && fgets(line, sizeof line, f)) {
        n++;
        snprintf(last, sizeof last, "%s", line);
    }
    if (f)
        fclose(f);
    if (n > 1)
        fprintf(stderr, PROG ":   (%zu more lines in %s)\n", n - 1, log);
    if (n > 0)
        fprintf(stderr, "  %s%s", last, strchr(last, '\n') ? "" : "\n");
}

/* Run kofts-index into dbpath; fills build figures of e. Returns its exit status. */
/* Bytes of the Xapian shards of stub path (files in path.d/shard-K), -1 if none. */
static long long xapian_bytes(const char *path)
{
    long long total = -1;
    char dir[4200], f[4600];
    for (int k = 0; k < 64; k++) {
        snprintf(dir, sizeof dir, "%s.d/shard-%d", path, k);
        DIR *d = opendir(dir);
        if (!d)
            break;
        struct dirent *de;
        struct stat sb;
        while ((de = readdir(d)) != NULL) {
            snprintf(f, sizeof f, "%s/%s", dir, de->d_name);
            if (de->d_name[0] != '.' && stat(f, &sb) == 0 && S_ISREG(sb.st_mode))
                total = (total < 0 ? 0 : total) + (long long)sb.st_size;
        }
        closedir(d);
    }
    return total;
}

static int kofts_build(const opts *o, const char *dbpath, int jobs, int full, char *const *sources,
                       size_t ns, bench_engine *e, int xshards)
{
    char exe[4096], jobs_s[16];
    snprintf(exe, sizeof exe, "%s/kofts-index", o->bin);
    snprintf(jobs_s, sizeof jobs_s, "%d", jobs);
    char **argv = calloc(ns + 14, sizeof *argv);
    char shards_s[16];
    snprintf(shards_s, sizeof shards_s, "%d", xshards);
    if (!argv)
        return -1;
    size_t a = 0;
    argv[a++] = exe;
    if (xshards > 0) { /* the Xapian backend, xshards shards */
        argv[a++] = "--backend";
        argv[a++] = "xapian";
        argv[a++] = "--shards";
        argv[a++] = shards_s;
    }
    if (full && xshards == 0) /* a new file, as a first build makes (page size etc.) */
        bench_remove_db(dbpath);
    argv[a++] = "--db";
    argv[a++] = (char *)dbpath;
    argv[a++] = "--jobs";
    argv[a++] = jobs_s;
    if (full)
        argv[a++] = "--full";
    argv[a++] = "--quiet";
    for (size_t i = 0; i < ns; i++)
        argv[a++] = sources[i];
    char log[4096];
    snprintf(log, sizeof log, "%s/kofts-index-j%d%s%s%s.log", o->work, jobs, full ? "" : "-rerun",
             xshards > 0 ? "-xapian-s" : "", xshards > 0 ? shards_s : "");
    fprintf(stderr, PROG ": kofts-index --jobs %d%s%s%s ... (stderr in %s)\n", jobs,
            full ? " --full" : "", xshards > 0 ? " --backend xapian --shards " : "",
            xshards > 0 ? shards_s : "", log);
    double wall;
    long kb;
    int st = bench_run(argv, NULL, log, &wall, &kb);
    free(argv);
    report_log(log);
    if (st != 0) {
        snprintf(e->note, sizeof e->note, "kofts-index exited with status %d.", st);
        fprintf(stderr, PROG ": kofts-index failed (status %d)\n", st);
        return st;
    }
    e->build_s = wall;
    e->peak_kb = kb;
    e->built = 1;
    /* documents and text bytes as kofts stored them (xapian: documents from the writer's
     * state.db; the text bytes are the FTS5 engine's, same corpus) */
    sqlite3 *db = NULL;
    sqlite3_stmt *stq = NULL;
    char state[4200];
    snprintf(state, sizeof state, "%s.d/state.db", dbpath);
    if (xshards > 0) {
        if (sqlite3_open_v2(state, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(db, "SELECT count(*) FROM docs", -1, &stq, NULL) == SQLITE_OK &&
            sqlite3_step(stq) == SQLITE_ROW)
            e->docs = (size_t)sqlite3_column_int64(stq, 0);
    } else if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
               kofts_textz_register(db) == SQLITE_OK && /* docs.body: kofts_text() */
               sqlite3_prepare_v2(db,
                                  "SELECT count(*), total(length(CAST(title AS BLOB)) +"
                                  " length(CAST(body AS BLOB))) FROM docs",
                                  -1, &stq, NULL) == SQLITE_OK &&
               sqlite3_step(stq) == SQLITE_ROW) {
        e->docs = (size_t)sqlite3_column_int64(stq, 0);
        e->text_bytes = sqlite3_column_double(stq, 1);
    }
    sqlite3_finalize(stq);
    sqlite3_close(db);
    fprintf(stderr, PROG ": kofts-index: %zu docs in %.2f s, peak %ld MB\n", e->docs, e->build_s,
            kb / 1024);
    return 0;
}

/* Run argv (kofts-search --batch ... --passes N --timings F) with its JSON lines into
 * rfile; a kofts-search without --passes/--timings (exit 2) is run again without them
 * (relevance only, said in e->note). Returns its exit status. */
static int run_batch(const opts *o, char **argv, const char *rfile, bench_engine *e)
{
    double wall;
    long kb;
    char log[4096];
    snprintf(log, sizeof log, "%s/kofts-search.log", o->work);
    int st = bench_run(argv, rfile, log, &wall, &kb);
    report_log(log);
    if (st == 2) { /* no --passes/--timings: relevance only */
        argv[9] = NULL;
        snprintf(e->note, sizeof e->note,
                 "kofts-search rejected --passes/--timings: "
                 "no latency figures.");
        st = bench_run(argv, rfile, log, &wall, &kb);
        report_log(log);
    }
    return st;
}

/* The hits of rfile (one JSON object per line with qid, id, rank) into e->hits. */
static void read_hits(const char *rfile, const qid_ix *ix, size_t nq, bench_engine *e)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    FILE *f = fopen(rfile, "r");
    size_t *next = f ? calloc(nq + 1, sizeof *next) : NULL;
    while (next && (n = getline(&line, &cap, f)) >= 0) {
        cJSON *j = cJSON_ParseWithLength(line, (size_t)n);
        const cJSON *jq = cJSON_GetObjectItemCaseSensitive(j, "qid");
        const cJSON *jd = cJSON_GetObjectItemCaseSensitive(j, "id");
        const cJSON *jr = cJSON_GetObjectItemCaseSensitive(j, "rank");
        long qi = cJSON_IsString(jq) ? find_qid(ix, nq, jq->valuestring) : -1;
        if (qi >= 0 && cJSON_IsString(jd)) {
            size_t rank = cJSON_IsNumber(jr) ? (size_t)jr->valuedouble : ++next[qi];
            if (rank >= 1 && rank <= BENCH_K && !e->hits[(size_t)qi * BENCH_K + rank - 1])
                e->hits[(size_t)qi * BENCH_K + rank - 1] = strdup(jd->valuestring);
        }
        cJSON_Delete(j);
    }
    free(next);
    free(line);
    if (f)
        fclose(f);
    for (size_t i = 0; i < nq; i++)
        e->empty += e->hits[i * BENCH_K] == NULL;
}

/* The latencies of tfile (qid<TAB>pass<TAB>microseconds; the lowest pass number is the
 * warm-up) into e->lat_us; e->queried when there were any. */
static void read_timings(const char *tfile, const qid_ix *ix, size_t nq, size_t passes,
                         bench_engine *e)
{
    char *line = NULL;
    size_t cap = 0;
    FILE *f = fopen(tfile, "r");
    if (f) {
        long minpass = LONG_MAX;
        while (getline(&line, &cap, f) >= 0) {
            char *t1 = strchr(line, '\t');
            if (t1) {
                long p = strtol(t1 + 1, NULL, 10);
                if (p < minpass)
                    minpass = p;
            }
        }
        rewind(f);
        size_t got = 0;
        while (getline(&line, &cap, f) >= 0) {
            char *t1 = strchr(line, '\t');
            char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
            if (!t2)
                continue;
            *t1 = '\0';
            long p = strtol(t1 + 1, NULL, 10) - minpass - 1;
            long qi = find_qid(ix, nq, line);
            if (qi < 0 || p < 0 || (size_t)p >= passes)
                continue;
            e->lat_us[(size_t)qi * passes + (size_t)p] = strtod(t2 + 1, NULL);
            got++;
        }
        if (got > 0) {
            e->passes = passes;
            e->queried = 1;
        }
        if (got < nq * passes)
            fprintf(stderr, PROG ": kofts-search timings: %zu of %zu expected lines\n", got,
                    nq * passes);
        fclose(f);
    }
    free(line);
    if (!e->queried && !e->note[0])
        snprintf(e->note, sizeof e->note,
                 "kofts-search wrote no --timings file: no "
                 "latency figures.");
}

/* Run kofts-search --batch over the query file; fill latency and hits of e. */
static int kofts_query(const opts *o, const char *dbpath, const char *qfile, const bench_queries *q,
                       bench_engine *e)
{
    char exe[4096], passes_s[16], tfile[4096], rfile[4096];
    snprintf(exe, sizeof exe, "%s/kofts-search", o->bin);
    snprintf(passes_s, sizeof passes_s, "%zu", o->passes + 1);
    snprintf(tfile, sizeof tfile, "%s/kofts-timings.tsv", o->work);
    snprintf(rfile, sizeof rfile, "%s/kofts-run.jsonl", o->work);
    char *argv[] = {exe,       "--db", (char *)dbpath, "--batch", (char *)qfile, "--format", "json",
                    "--limit", "10",   "--passes",     passes_s,  "--timings",   tfile,      NULL};
    size_t nq = q->n;
    unlink(tfile);
    fprintf(stderr, PROG ": kofts-search --batch, %zu queries x %zu passes ...\n", nq,
            o->passes + 1);
    int st = run_batch(o, argv, rfile, e);
    if (st != 0) {
        snprintf(e->note, sizeof e->note, "kofts-search --batch exited with status %d.", st);
        fprintf(stderr, PROG ": kofts-search failed (status %d)\n", st);
        return KOFTS_ERROR;
    }
    qid_ix *ix = malloc((nq + 1) * sizeof *ix);
    e->hits = calloc(nq * BENCH_K + 1, sizeof *e->hits);
    e->lat_us = calloc(nq * o->passes + 1, sizeof *e->lat_us);
    if (!ix || !e->hits || !e->lat_us) {
        free(ix);
        return KOFTS_ENOMEM;
    }
    for (size_t i = 0; i < nq; i++) {
        ix[i].qid = q->v[i].qid;
        ix[i].idx = i;
    }
    qsort(ix, nq, sizeof *ix, cmp_qid_ix);
    read_hits(rfile, ix, nq, e);
    read_timings(tfile, ix, nq, o->passes, e);
    free(ix);
    return 0;
}

/* ---- the baselines ----------------------------------------------------------- */

/* Build a baseline in a forked child (its own peak RSS via wait4). */
static int baseline_build(const opts *o, bench_engine *e, const char *tokenizer,
                          char *const *sources, size_t ns, const char *kofts_db)
{
    char dbpath[4096];
    snprintf(dbpath, sizeof dbpath, "%s/%s.db", o->work, e->key);
    int fds[2];
    if (pipe(fds) != 0)
        return KOFTS_EIO;
    fprintf(stderr, PROG ": building FTS5 %s ...\n", tokenizer);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return KOFTS_EIO;
    }
    if (pid == 0) {
        close(fds[0]);
        bench_engine c;
        memset(&c, 0, sizeof c);
        int rc = bench_fts5_build(dbpath, tokenizer, sources, ns, kofts_db, &c);
        char msg[128];
        int len = snprintf(msg, sizeof msg, "%zu %.0f %.6f %.6f\n", c.docs, c.text_bytes, c.build_s,
                           c.load_s);
        if (write(fds[1], msg, (size_t)len) != len)
            rc = KOFTS_EIO;
        close(fds[1]);
        _exit(rc ? 1 : 0);
    }
    close(fds[1]);
    char buf[128] = {0};
    ssize_t got = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    int status = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR)
            return KOFTS_EIO;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || got <= 0 ||
        sscanf(buf, "%zu %lf %lf %lf", &e->docs, &e->text_bytes, &e->build_s, &e->load_s) != 4) {
        snprintf(e->note, sizeof e->note, "build failed.");
        return KOFTS_ERROR;
    }
    /* build_s was timed in the child, from creating the database to COMMIT */
    e->peak_kb = ru.ru_maxrss;
    e->built = 1;
    fprintf(stderr, PROG ": FTS5 %s: %zu docs in %.2f s, peak %ld MB\n", tokenizer, e->docs,
            e->build_s, e->peak_kb / 1024);
    return 0;
}

static void score(bench_engine *e, const bench_queries *q, const bench_qrels *r)
{
    kofts_judgment jb[256];
    if (!e->hits || r->n == 0)
        return;
    for (size_t i = 0; i < q->n; i++) {
        size_t nj = bench_qrels_find(r, q->v[i].qid, jb, sizeof jb / sizeof jb[0]);
        if (nj == 0)
            continue;
        const char *const *ranked = (const char *const *)&e->hits[i * BENCH_K];
        size_t n = 0;
        for (size_t k = 0; k < BENCH_K; k++)
            if (ranked[k])
                n = k + 1;
        kofts_qmetrics m;
        if (kofts_metrics_query(&m, ranked, n, jb, nj, BENCH_K) == 0)
            kofts_metrics_add(&e->rel, &m);
    }
    e->has_rel = e->rel.nqueries > 0;
}

static int engine_on(const opts *o, const char *name)
{
    const char *p = o->engines;
    size_t n = strlen(name);
    while (p && *p) {
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return 1;
        p = strchr(p, ',');
        if (p)
            p++;
    }
    return 0;
}

static void self_dir(char *out, size_t cap)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        snprintf(out, cap, ".");
        return;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    snprintf(out, cap, "%s", exe);
}

static void machine_info(bench_report *r)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(r->date, sizeof r->date, "%Y-%m-%d", &tm);
    strftime(r->stamp, sizeof r->stamp, "%Y-%m-%d %H:%M", &tm);
    if (gethostname(r->host, sizeof r->host) != 0)
        snprintf(r->host, sizeof r->host, "host");
    r->host[sizeof r->host - 1] = '\0';
    for (char *p = r->host; *p; p++)
        if (*p == '/' || *p == ' ')
            *p = '_';
    snprintf(r->cpu, sizeof r->cpu, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0) {
            char *c = strchr(line, ':');
            if (c) {
                c += 2;
                c[strcspn(c, "\n")] = '\0';
                snprintf(r->cpu, sizeof r->cpu, "%s", c);
            }
            break;
        }
    if (f)
        fclose(f);
    r->ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
}

/* ---- one run, step by step ------------------------------------------------- */

/* Everything one kofts-bench run holds. Large (the engines' buffers): heap only. */
typedef struct {
    opts o;
    bench_report rep;
    bench_engine eng[BENCH_MAX_ENGINES];
    size_t neng;
    bench_engine *ek, *ek1, *ex, *ex1, *eu, *et; /* the engines asked for, or NULL */
    bench_queries q;
    bench_qrels r;
    char *const *sources; /* what to index: argv's, or def_sources */
    size_t ns;
    char *def_sources[4];
    char def_buf[3][4096];
    const char *tput; /* JSONL for tokenizer throughput, or NULL */
    int have_index;   /* BIN/kofts-index exists */
    char bin[4096], work[4096], qfile[4096], rfile[4096], tput_buf[4096], qpath[4096];
    char kofts_db[4096], kofts1_db[4096], xap_db[4096], xap1_db[4096];
} bench_session;

/* Parse the command line into b->o. Returns -1 to go on, else the exit status (after
 * --help, --version or a usage error, which it prints). */
/* getopt_long's tables from optdefs: lo gets NOPT entries plus the terminator, so the
 * short options (only -h and -V have one). */
static void option_tables(struct option *lo, char *so)
{
    for (size_t i = 0; i < NOPT; i++) {
        lo[i].name = optdefs[i].name;
        lo[i].has_arg = optdefs[i].has_arg;
        lo[i].flag = NULL;
        lo[i].val = optdefs[i].val;
        if (optdefs[i].val == 'h' || optdefs[i].val == 'V')
            *so++ = (char)optdefs[i].val;
    }
    *so = '\0';
    memset(&lo[NOPT], 0, sizeof lo[NOPT]);
}

/* A number option's value into *v: 0, or -1 when arg is not a number in [lo, hi]. */
static int number_in(const char *arg, size_t lo, size_t hi, size_t *v)
{
    size_t n;
    if (parse_size(arg, &n) || n < lo || n > hi)
        return -1;
    *v = n;
    return 0;
}

/* Apply the option getopt returned as c (never -h/-V/unknown) to o: 0, or -1 when its
 * number is not valid. */
static int apply_option(opts *o, int c, char *arg)
{
    size_t jobs;
    switch (c) {
    case 'q':
        o->queries = arg;
        break;
    case 'r':
        o->qrels = arg;
        break;
    case 'm':
        return number_in(arg, 0, SIZE_MAX, &o->max_queries);
    case 'p':
        return number_in(arg, 1, SIZE_MAX, &o->passes);
    case 'c':
        return number_in(arg, 1, SIZE_MAX, &o->per_class);
    case 'j':
        if (number_in(arg, 1, 256, &jobs))
            return -1;
        o->jobs = (int)jobs;
        break;
    case 'e':
        o->engines = arg;
        break;
    case 'k':
        o->qclass = arg;
        break;
    case 'b':
        o->bin = arg;
        break;
    case 'w':
        o->work = arg;
        break;
    case 'o':
        o->out = arg;
        break;
    case 'l':
        o->label = arg;
        break;
    case 's':
        o->scale_csv = arg;
        break;
    case 't':
        o->throughput = arg;
        break;
    case 'T':
        o->no_throughput = 1;
        break;
    case 'J':
        o->jobs_compare = 0;
        break;
    case 'R':
        o->rerun = 0;
        break;
    case 'P':
        o->plots = 0;
        break;
    case 'S':
        o->sample = 1;
        break;
    }
    return 0;
}

/* Defaults that need the machine: the job count and the work folder (created). */
static int finish_options(bench_session *b)
{
    opts *o = &b->o;
    if (o->jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        o->jobs = n > 0 ? (int)n : 1;
    }
    snprintf(b->work, sizeof b->work, "%s/bench-work", o->bin);
    if (!o->work)
        o->work = b->work;
    if (mkdir(o->work, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, PROG ": cannot create the work folder %s: %s\n", o->work, strerror(errno));
        return 1;
    }
    return -1;
}

/* Parse the command line into b->o: -1 to go on, else the exit status (0 after --help or
 * --version, 2 for a usage error, 1 when the work folder cannot be made). */
static int parse_args(bench_session *b, int argc, char **argv)
{
    opts *o = &b->o;
    o->passes = 3;
    o->per_class = 20;
    o->engines = "kofts,unicode61,trigram";
    o->jobs_compare = o->rerun = o->plots = 1;
    o->out = KOFTS_BENCH_RESULTS;
    self_dir(b->bin, sizeof b->bin);
    o->bin = b->bin;

    struct option lo[NOPT + 1];
    char so[3 * NOPT + 1];
    option_tables(lo, so);
    int c, li;
    while ((li = -1, c = getopt_long(argc, argv, so, lo, &li)) != -1) {
        if (c == 'h' || c == 'V') {
            if (c == 'h')
                usage(stdout);
            else
                printf(PROG " %s\n", KOFTS_VERSION_STRING);
            return 0;
        }
        if (c == '?' || c == ':') {
            usage(stderr);
            return 2;
        }
        if (apply_option(o, c, optarg)) {
            fprintf(stderr, PROG ": --%s: not a valid number: '%s'\n", li >= 0 ? lo[li].name : "?",
                    optarg);
            return 2;
        }
    }
    return finish_options(b);
}

/* What to index and which queries: the SOURCEs named; else the shared corpus's three
 * sets with the KorQuAD questions and judgments; else the bundled sample. */
static void choose_sources(bench_session *b, char *const *args, size_t nargs)
{
    opts *o = &b->o;
    char path[4096];
    b->sources = args;
    b->ns = nargs;
    const char *shared = file_exists("../shared/corpus/korquad1-dev/docs.jsonl")
                             ? "../shared/corpus"
                             : KOFTS_BENCH_SHARED_CORPUS;
    snprintf(path, sizeof path, "%s/korquad1-dev/docs.jsonl", shared);
    if (b->ns == 0 && !o->sample && file_exists(path)) {
        static const char *const sets[] = {"korquad1-dev", "ko-wikinews", "ko-petitions"};
        for (size_t i = 0; i < 3; i++) {
            snprintf(b->def_buf[i], sizeof b->def_buf[i], "%s/%s/docs.jsonl", shared, sets[i]);
            b->def_sources[b->ns++] = b->def_buf[i];
        }
        b->sources = b->def_sources;
        snprintf(b->qfile, sizeof b->qfile, "%s/korquad1-dev/queries.tsv", shared);
        snprintf(b->rfile, sizeof b->rfile, "%s/korquad1-dev/qrels.tsv", shared);
        if (!o->queries)
            o->queries = b->qfile;
        if (!o->qrels)
            o->qrels = b->rfile;
        if (!o->qclass && o->queries == b->qfile)
            o->qclass = "question"; /* KorQuAD: every query is a question */
        snprintf(b->rep.corpus, sizeof b->rep.corpus,
                 "%s: korquad1-dev + ko-wikinews + "
                 "ko-petitions (all docs.jsonl)",
                 shared);
    } else if (b->ns == 0) {
        b->def_sources[b->ns++] = (char *)KOFTS_BENCH_SAMPLE;
        b->sources = b->def_sources;
        snprintf(b->rep.corpus, sizeof b->rep.corpus, "%s (the bundled sample)",
                 KOFTS_BENCH_SAMPLE);
    } else {
        kofts_buf kb = {0};
        for (size_t i = 0; i < b->ns; i++)
            kofts_buf_printf(&kb, "%s%s", i ? ", " : "", b->sources[i]);
        snprintf(b->rep.corpus, sizeof b->rep.corpus, "%s", kb.data ? kb.data : "");
        kofts_buf_free(&kb);
    }
    b->tput = o->throughput;
    snprintf(b->tput_buf, sizeof b->tput_buf, "%s/ko-petitions/docs.jsonl", shared);
    if (!b->tput && file_exists(b->tput_buf))
        b->tput = b->tput_buf;
    if (o->no_throughput)
        b->tput = NULL;
}

/* Take the next engine slot, named for the report: "LABEL" or "LABEL (FLAG N)". */
static bench_engine *add_engine(bench_session *b, const char *key, const char *label,
                                const char *flag, int n)
{
    bench_engine *e = &b->eng[b->neng++];
    if (flag)
        snprintf(e->name, sizeof e->name, "%s (%s %d)", label, flag, n);
    else
        snprintf(e->name, sizeof e->name, "%s", label);
    snprintf(e->key, sizeof e->key, "%s", key);
    return e;
}

/* The engines --engines asks for, in report order, with their index paths. */
static void choose_engines(bench_session *b)
{
    const opts *o = &b->o;
    int compare = o->jobs_compare && o->jobs != 1;
    snprintf(b->kofts_db, sizeof b->kofts_db, "%s/kofts.db", o->work);
    snprintf(b->kofts1_db, sizeof b->kofts1_db, "%s/kofts-j1.db", o->work);
    snprintf(b->xap_db, sizeof b->xap_db, "%s/kofts-xapian.idx", o->work);
    snprintf(b->xap1_db, sizeof b->xap1_db, "%s/kofts-xapian-s1.idx", o->work);
    if (engine_on(o, "kofts")) {
        b->ek = add_engine(b, "kofts", "kofts", "--jobs", o->jobs);
        if (compare)
            b->ek1 = add_engine(b, "kofts-j1", "kofts", "--jobs", 1);
    }
    if (engine_on(o, "kofts-xapian")) {
        b->ex = add_engine(b, "kofts-xapian", "kofts xapian", "--shards", o->jobs);
        if (compare)
            b->ex1 = add_engine(b, "kofts-xapian-s1", "kofts xapian", "--shards", 1);
    }
    if (engine_on(o, "unicode61"))
        b->eu = add_engine(b, "unicode61", "fts5 unicode61", NULL, 0);
    if (engine_on(o, "trigram"))
        b->et = add_engine(b, "trigram", "fts5 trigram", NULL, 0);
    for (size_t i = 0; i < b->neng; i++)
        b->eng[i].index_bytes = -1;
}

/* kofts-index builds: FTS5 (--jobs N, the no-change re-run, --jobs 1), then Xapian
 * (--shards = --jobs, and --shards 1). */
static void build_kofts(bench_session *b)
{
    const opts *o = &b->o;
    char exe[4096];
    snprintf(exe, sizeof exe, "%s/kofts-index", o->bin);
    b->have_index = access(exe, X_OK) == 0;
    bench_engine *ek = b->ek, *ex = b->ex;
    if (ek && !b->have_index) {
        snprintf(ek->note, sizeof ek->note, "%.150s not found: kofts not measured.", exe);
        fprintf(stderr, PROG ": %s not found; skipping kofts\n", exe);
    }
    if (ek && b->have_index &&
        kofts_build(o, b->kofts_db, o->jobs, 1, b->sources, b->ns, ek, 0) == 0) {
        if (o->rerun) {
            bench_engine tmp;
            memset(&tmp, 0, sizeof tmp);
            if (kofts_build(o, b->kofts_db, o->jobs, 0, b->sources, b->ns, &tmp, 0) == 0)
                b->rep.rerun_s = tmp.build_s;
        }
        if (b->ek1 && kofts_build(o, b->kofts1_db, 1, 1, b->sources, b->ns, b->ek1, 0) == 0)
            bench_db_vacuum_size(b->kofts1_db, 1, &b->ek1->index_bytes);
    }
    if (ex && b->have_index &&
        kofts_build(o, b->xap_db, o->jobs, 1, b->sources, b->ns, ex, o->jobs) == 0) {
        ex->index_bytes = xapian_bytes(b->xap_db);
        if (ek && ek->built)
            ex->text_bytes = ek->text_bytes;
        if (b->ex1 && kofts_build(o, b->xap1_db, o->jobs, 1, b->sources, b->ns, b->ex1, 1) == 0) {
            b->ex1->index_bytes = xapian_bytes(b->xap1_db);
            b->ex1->text_bytes = ex->text_bytes;
        }
    }
}

/* Load --queries/--qrels, or make known-item queries from the corpus; write the
 * queries every engine runs to WORK/queries.tsv. 0, or 1 after a message. */
static int load_queries(bench_session *b)
{
    const opts *o = &b->o;
    int made = 0;
    if (o->queries) {
        if (bench_queries_load(&b->q, o->queries, o->max_queries) != 0)
            return 1;
        snprintf(b->rep.queries_from, sizeof b->rep.queries_from, "%s", o->queries);
        if (o->qclass)
            bench_queries_set_class(&b->q, o->qclass);
    } else {
        if (bench_queries_generate(b->sources, b->ns, b->kofts_db, o->per_class, &b->q, &b->r) != 0)
            return 1;
        made = 1;
        snprintf(b->rep.queries_from, sizeof b->rep.queries_from,
                 "made from the corpus (%zu per class: one rare word, several words, a "
                 "phrase, a question; 5 common words)",
                 o->per_class);
        snprintf(b->rep.qrels_from, sizeof b->rep.qrels_from,
                 "known items (the document each query was made from)");
    }
    if (o->qrels) {
        if (bench_qrels_load(&b->r, o->qrels) != 0)
            return 1;
        snprintf(b->rep.qrels_from, sizeof b->rep.qrels_from, "%s", o->qrels);
    }
    if (b->q.n == 0) {
        fprintf(stderr, PROG ": no queries\n");
        return 1;
    }
    snprintf(b->qpath, sizeof b->qpath, "%s/queries.tsv", o->work);
    if (bench_queries_write(&b->q, b->qpath) != 0)
        return 1;
    if (made) {
        char path[4096];
        snprintf(path, sizeof path, "%s/qrels.tsv", o->work);
        bench_qrels_write(&b->r, path);
    }
    return 0;
}

/* The FTS5 baselines (built in children from kofts' text), then every size after VACUUM. */
static void build_baselines(bench_session *b)
{
    char path[4096];
    if (b->eu)
        baseline_build(&b->o, b->eu, "unicode61", b->sources, b->ns, b->kofts_db);
    if (b->et)
        baseline_build(&b->o, b->et, "trigram", b->sources, b->ns, b->kofts_db);
    if (b->ek && b->ek->built)
        bench_db_vacuum_size(b->kofts_db, 1, &b->ek->index_bytes);
    for (size_t i = 0; i < b->neng; i++)
        if (b->eng[i].built && (&b->eng[i] == b->eu || &b->eng[i] == b->et)) {
            snprintf(path, sizeof path, "%s/%s.db", b->o.work, b->eng[i].key);
            bench_db_vacuum_size(path, 0, &b->eng[i].index_bytes);
        }
}

/* Time every built engine on the queries (kofts-search as a program, the baselines
 * in-process), then score them against the judgments. */
static void run_queries(bench_session *b)
{
    const opts *o = &b->o;
    char exe[4096], path[4096];
    snprintf(exe, sizeof exe, "%s/kofts-search", o->bin);
    int have_search = access(exe, X_OK) == 0;
    if (b->ek && b->ek->built) {
        if (have_search)
            kofts_query(o, b->kofts_db, b->qpath, &b->q, b->ek);
        else
            snprintf(b->ek->note, sizeof b->ek->note, "%.150s not found: no query figures.", exe);
    }
    if (b->ex && b->ex->built && have_search)
        kofts_query(o, b->xap_db, b->qpath, &b->q, b->ex);
    for (int t = 0; t < 2; t++) {
        bench_engine *e = t == 0 ? b->eu : b->et;
        if (!e || !e->built)
            continue;
        snprintf(path, sizeof path, "%s/%s.db", o->work, e->key);
        fprintf(stderr, PROG ": querying FTS5 %s, %zu queries x %zu passes ...\n", e->key, b->q.n,
                o->passes + 1);
        bench_fts5_query(path, t == 1, &b->q, o->passes, e);
    }
    for (size_t i = 0; i < b->neng; i++)
        score(&b->eng[i], &b->q, &b->r);
}

/* Tokenizer throughput, then the report (stdout, results files, plots). 0 or 1. */
static int report(bench_session *b)
{
    bench_tok tok[8];
    int ntok = 0;
    if (b->tput) {
        ntok = bench_tokenizers(b->tput, 3, tok, sizeof tok / sizeof tok[0]);
        if (ntok < 0)
            ntok = 0;
        snprintf(b->rep.tok_from, sizeof b->rep.tok_from, "%.250s", b->tput);
    }
    b->rep.q = &b->q;
    b->rep.nqueries = b->q.n;
    b->rep.passes = b->o.passes;
    b->rep.eng = b->eng;
    b->rep.neng = b->neng;
    b->rep.tok = tok;
    b->rep.ntok = (size_t)ntok;
    return bench_report_write(&b->rep, b->o.out, b->o.work, b->o.plots, b->o.scale_csv) != 0;
}

int main(int argc, char **argv)
{
    bench_session *b = calloc(1, sizeof *b);
    if (!b) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    int rc = parse_args(b, argc, argv);
    if (rc >= 0) {
        free(b);
        return rc;
    }
    rc = 0;
    machine_info(&b->rep);
    b->rep.label = b->o.label;
    b->rep.rerun_s = -1;
    b->rep.jobs = b->o.jobs;
    choose_sources(b, argv + optind, (size_t)(argc - optind));
    choose_engines(b);
    struct rusage self_ru;
    getrusage(RUSAGE_SELF, &self_ru);
    b->rep.parent_kb = self_ru.ru_maxrss;

    build_kofts(b);
    int all_jsonl = 1;
    for (size_t i = 0; i < b->ns; i++)
        all_jsonl &= bench_is_jsonl(b->sources[i]);
    if (!all_jsonl && !(b->ek && b->ek->built)) {
        fprintf(stderr, PROG ": the sources are not all JSON lines, and without a kofts "
                             "index there is no text for the baselines; stopping\n");
        rc = 1;
    } else if (load_queries(b) != 0) {
        rc = 1;
    } else {
        build_baselines(b);
        run_queries(b);
        rc = report(b);
    }
    for (size_t i = 0; i < b->neng; i++)
        bench_engine_free(&b->eng[i], b->q.n);
    bench_queries_free(&b->q);
    bench_qrels_free(&b->r);
    free(b);
    return rc;
}
