/*
 * reltool.c - kofts-reltest: the driver of the reliability tests (tests/reliability/).
 *
 *   kofts-reltest gen     --out DIR [--docs N] [--posts P] [--files K] [--seed S] [--words W]
 *                         [--version V]
 *   kofts-reltest check   --db FILE [--ids FILE] [--expect N] [--present FILE] [--search]
 *                         [--no-markers]
 *   kofts-reltest crash   --index EXE --work DIR [--kills N] [--signal KILL|INT] [--seed S]
 *                         [--docs N] [--batch N]
 *   kofts-reltest concurrent --index EXE --search EXE --work DIR [--searches N] [--seed S]
 *   kofts-reltest writers --index EXE --work DIR
 *   kofts-reltest diskfull --index EXE --work DIR [--size 2m]
 *   kofts-reltest rss     [--to FILE] -- COMMAND...   (peak RSS of COMMAND in KiB)
 *
 * gen writes a deterministic corpus: K JSON-lines files (ids d000000...) and P Jekyll
 * posts, plus DIR/ids.txt (every expected document id, sorted). Every document's body
 * starts with the marker word "kdocN" and ends with "kendN" (N = its number), so a
 * checker can tell that a document is fully there and find it by search.
 *
 * check (exit 0 ok, 1 failed): PRAGMA integrity_check = ok; FTS5 'integrity-check'
 * passes; no duplicate ids; every id is an expected one (--ids); every document holds
 * both of its markers and its "kdocN" marker finds it through FTS5 (and, with --search,
 * through kofts_search_run); --present FILE: every id listed there is present;
 * --expect N: exactly N documents. A missing or empty database counts as 0 documents.
 * --no-markers: for documents not made by gen (integrity, duplicates, counts only).
 *
 * crash: runs the indexer on a generated corpus again and again, stopping it with the
 * signal at a random moment (seeded) of the first run's duration. Rounds cycle through
 * a new database file, --full over the stopped index, and resuming it. Before each signal,
 * reads the committed ids with a separate read-only connection, and after it runs
 * check with those ids as --present. Then a last, uninterrupted run must end with
 * exactly all documents. With INT, the indexer must exit by itself (not die of the
 * signal) within 10 s and say something on stderr.
 *
 * concurrent: indexes version 1 of a corpus, then keeps re-indexing it, alternating
 * with version 2 (same ids, new text in title and body, plus as many new documents),
 * while running kofts-search --json (a separate process each time) in a loop: every
 * search must exit 0 with an empty stderr (no "database is locked"), and a hit for
 * "kdocN" must show title and snippet of the same version (a document is either fully
 * there or not at all). Ends with check on the final index.
 *
 * writers: two indexers on one database, the second started 0.3 s after the first:
 * the second must succeed (it waited) or exit 1 with a kofts-index message (not a raw
 * "database is locked"); the index must pass check either way.
 *
 * diskfull (root only, else 77): indexes onto a tmpfs of --size (default 2m): exit 1
 * with a kofts-index message, and the index on it still passes check.
 *
 * Exit status of every command: 0 pass, 1 fail, 2 usage, 77 skipped (with a message).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "kofts_search.h"
#include "kofts_store.h"
#include "kofts_util.h"

#define PROG     "kofts-reltest"
#define SKIP     77
#define PATH_BUF 4200

/* ------------------------------------------------------------------ small helpers */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
    struct timespec ts;
    if (s <= 0)
        return;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int g_failures;

/* Print "kofts-reltest: FAIL message" and count the failure. */
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, PROG ": FAIL ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    g_failures++;
}

/* Read a whole file into a NUL-terminated malloc'd string (NULL if unreadable). */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    kofts_buf b = {0};
    char tmp[65536];
    size_t n;
    if (!f)
        return NULL;
    if (kofts_buf_append(&b, "", 0) == 0)
        while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
            if (kofts_buf_append(&b, tmp, n))
                break;
    fclose(f);
    if (len)
        *len = b.len;
    return b.data;
}

/* out = a + b (out has PATH_BUF bytes); exits on an over-long path (test scratch only). */
static void cat2(char *out, const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la + lb + 1 > PATH_BUF) {
        fprintf(stderr, PROG ": path too long: %s%s\n", a, b);
        exit(2);
    }
    memcpy(out, a, la);
    memcpy(out + la, b, lb + 1);
}

/* mkdir -p path (test scratch folders). Returns 0 or -1. */
static int mkdir_p(const char *path)
{
    char tmp[PATH_BUF];
    cat2(tmp, path, "");
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Run `rm -rf path` (test scratch folders only). */
static void remove_tree(const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, PROG ": could not remove %s\n", path);
}

static void remove_db(const char *db)
{
    char p[4200];
    unlink(db);
    cat2(p, db, "-wal");
    unlink(p);
    cat2(p, db, "-shm");
    unlink(p);
    cat2(p, db, "-journal");
    unlink(p);
}

/*
 * Start argv[0] with stdout to out_path and stderr to err_path (NULL: /dev/null).
 * Returns the child's pid, or -1.
 */
static pid_t spawn(char *const argv[], const char *out_path, const char *err_path)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int o = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err_path ? err_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open("/dev/null", O_RDONLY);
    if (o < 0 || e < 0 || in < 0)
        _exit(127);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    execv(argv[0], argv);
    _exit(127);
}

/* Wait for pid; returns the raw wait status (or -1). */
static int wait_for(pid_t pid)
{
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return st;
}

/* Wait up to secs for pid; returns 1 and sets *status if it ended, else 0. */
static int wait_timeout(pid_t pid, double secs, int *status)
{
    double end = now_s() + secs;
    do {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return 1;
        sleep_s(0.01);
    } while (now_s() < end);
    return 0;
}

static void describe_status(int st, char *out, size_t n)
{
    if (WIFEXITED(st))
        snprintf(out, n, "exit %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(out, n, "killed by signal %d", WTERMSIG(st));
    else
        snprintf(out, n, "status %d", st);
}

/* ------------------------------------------------------------------------ gen */

static const char *const k_words[] = {
    "광주",     "서울",       "부산",     "정부가",   "기업은",   "연구진이", "반도체",
    "인공지능", "양자컴퓨터", "투자를",   "발표했다", "늘렸다",   "수출이",   "시장에서",
    "올해",     "지난해",     "예산을",   "국회는",   "학생들과", "교수도",   "데이터센터",
    "전력",     "배터리",     "재활용",   "스타트업", "지원한다", "경기",     "관광객",
    "축제가",   "열렸다",     "선수들은", "금메달을", "우승했다", "주택",     "가격이",
    "하락했다", "AI",         "GPU",      "300억",    "5.2%",     "韓國",     "美",
    "새로운",   "정책을",     "추진한다", "협력을",   "강화한다", "지역",     "경제",
    "과학기술", "발전을",     "위해",     "노력한다", "시민들이",
};
#define N_WORDS (sizeof k_words / sizeof k_words[0])
static const char *const k_cats[] = {"경제", "과학", "사회", "스포츠", "문화"};

/* Append W random words (seeded per document) to b. */
static int add_words(kofts_buf *b, int w)
{
    for (int i = 0; i < w; i++) {
        if (kofts_buf_puts(b, k_words[rng_next() % N_WORDS]) ||
            kofts_buf_puts(b, (i % 12 == 11) ? ". " : " "))
            return -1;
    }
    return 0;
}

typedef struct {
    const char *out;
    int docs, posts, files, words, version;
    uint64_t seed;
} gen_opts;

/*
 * Write the corpus described by o (see the banner). Returns 0 or -1 (message printed).
 * Document i's content depends only on (seed, i, version).
 */
static int gen_corpus(const gen_opts *o)
{
    int rc = -1;
    char path[4200];
    FILE *f = NULL, *ids = NULL;
    kofts_buf body = {0}, line = {0}, title = {0};
    mkdir_p(o->out);
    cat2(path, o->out, "/src");
    mkdir(path, 0755);
    cat2(path, o->out, "/src/posts");
    if (o->posts > 0)
        mkdir(path, 0755);
    cat2(path, o->out, "/ids.txt");
    if (!(ids = fopen(path, "w")))
        goto done;
    int per_file = o->files > 0 ? (o->docs + o->files - 1) / o->files : o->docs;
    for (int i = 0; i < o->docs; i++) {
        if (o->files > 0 && i % per_file == 0) {
            if (f && fclose(f) != 0)
                goto done;
            snprintf(path, sizeof path, "%s/src/part%02d.jsonl", o->out, i / per_file);
            if (!(f = fopen(path, "w")))
                goto done;
        }
        rng_state = o->seed * 1000003u + (uint64_t)i * 7919u + (uint64_t)o->version;
        kofts_buf_clear(&body);
        kofts_buf_clear(&title);
        kofts_buf_clear(&line);
        if (kofts_buf_printf(&title, "kdoc%d v%d ", i, o->version) || add_words(&title, 4) ||
            kofts_buf_printf(&body, "kdoc%d v%d ", i, o->version) || add_words(&body, o->words) ||
            kofts_buf_printf(&body, "kend%d", i))
            goto done;
        if (kofts_buf_printf(&line, "{\"id\":\"d%06d\",\"title\":", i) ||
            kofts_buf_json_str(&line, title.data, title.len) ||
            kofts_buf_printf(&line, ",\"category\":\"%s\",\"date\":\"2024-%02d-%02d\",\"body\":",
                             k_cats[i % 5], 1 + i % 12, 1 + i % 28) ||
            kofts_buf_json_str(&line, body.data, body.len) || kofts_buf_puts(&line, "}\n"))
            goto done;
        if (fwrite(line.data, 1, line.len, f) != line.len)
            goto done;
        fprintf(ids, "d%06d\n", i);
    }
    for (int p = 0; p < o->posts; p++) {
        int i = o->docs + p;
        rng_state = o->seed * 1000003u + (uint64_t)i * 7919u + (uint64_t)o->version;
        kofts_buf_clear(&body);
        if (add_words(&body, o->words))
            goto done;
        snprintf(path, sizeof path, "%s/src/posts/2024-%02d-%02d-p%05d.md", o->out, 1 + p % 12,
                 1 + p % 28, p);
        FILE *pf = fopen(path, "w");
        if (!pf)
            goto done;
        fprintf(pf,
                "---\ntitle: \"kdoc%d v%d 게시물\"\ncategories: [%s]\ntags: [시험]\n---\n\n"
                "kdoc%d v%d %s\n\n<p>kend%d</p>\n",
                i, o->version, k_cats[i % 5], i, o->version, body.data, i);
        if (fclose(pf) != 0)
            goto done;
        fprintf(ids, "posts/2024-%02d-%02d-p%05d.md\n", 1 + p % 12, 1 + p % 28, p);
    }
    rc = 0;
done:
    if (rc)
        fprintf(stderr, PROG ": gen: cannot write %s: %s\n", path, strerror(errno));
    if (f && fclose(f) != 0)
        rc = -1;
    if (ids && fclose(ids) != 0)
        rc = -1;
    kofts_buf_free(&body);
    kofts_buf_free(&line);
    kofts_buf_free(&title);
    return rc;
}

/* --------------------------------------------------------------------- id sets */

typedef struct {
    char **v;
    size_t n, cap;
} strset;

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int strset_add(strset *s, const char *x)
{
    char **nv = kofts_grow(s->v, &s->cap, s->n + 1, sizeof *nv);
    if (!nv)
        return -1;
    s->v = nv;
    if (!(s->v[s->n] = strdup(x)))
        return -1;
    s->n++;
    return 0;
}

static void strset_sort(strset *s)
{
    if (s->n)
        qsort(s->v, s->n, sizeof *s->v, cmp_strp);
}

static int strset_has(const strset *s, const char *x)
{
    return s->n && bsearch(&x, s->v, s->n, sizeof *s->v, cmp_strp) != NULL;
}

static void strset_free(strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof *s);
}

/* Load one id per line (ids never hold newlines here). Missing file: empty set. */
static int strset_load(strset *s, const char *path)
{
    size_t len = 0;
    char *txt = slurp(path, &len);
    if (!txt)
        return -1;
    char *save = NULL;
    for (char *l = strtok_r(txt, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if (strset_add(s, l)) {
            free(txt);
            return -1;
        }
    free(txt);
    strset_sort(s);
    return 0;
}

/*
 * Read the ids committed in db with a plain read-only connection (what any reader
 * sees now). Returns the count, or -1 when the database or table does not exist yet.
 */
static long snapshot_ids(const char *db, strset *out)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    long n = -1;
    struct stat sb;
    if (stat(db, &sb) != 0)
        return -1;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        goto done;
    sqlite3_busy_timeout(h, 5000);
    if (sqlite3_prepare_v2(h, "SELECT id FROM doc_store", -1, &st, NULL) != SQLITE_OK)
        goto done;
    n = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (strset_add(out, (const char *)sqlite3_column_text(st, 0)))
            break;
        n++;
    }
    if (r != SQLITE_DONE && r != SQLITE_ROW) {
        fprintf(stderr, PROG ": snapshot: %s\n", sqlite3_errmsg(h));
        n = -1;
    }
done:
    sqlite3_finalize(st);
    sqlite3_close(h);
    strset_sort(out);
    return n;
}

/* ---------------------------------------------------------------------- check */

typedef struct {
    const char *db;
    const char *ids;     /* expected ids file or NULL */
    const char *present; /* ids that must be present, or NULL */
    strset *present_set; /* same, in memory (or NULL) */
    long expect;         /* exact count or -1 */
    int search;          /* also look documents up through kofts_search_run */
    int quiet;
    int no_markers; /* documents are not from gen: skip the marker checks */
} check_opts;

/* Does the body hold "kdocN" at the start and "kendN" somewhere? Sets marker. */
static int body_markers(const char *body, char *marker, size_t mlen)
{
    long n = -1;
    char end[40];
    if (!body || sscanf(body, "kdoc%ld", &n) != 1 || n < 0)
        return 0;
    snprintf(marker, mlen, "kdoc%ld", n);
    snprintf(end, sizeof end, "kend%ld", n);
    return strstr(body, end) != NULL;
}

/*
 * 1 if o->db does not exist yet, or holds no schema (killed before its first page, or
 * while the schema was being created): valid states, unless documents were committed.
 */
static int db_not_started(const check_opts *o, const strset *must)
{
    struct stat sb;
    sqlite3 *h = NULL;
    sqlite3_stmt *q = NULL;
    int empty = 0;
    if (stat(o->db, &sb) != 0 || sb.st_size == 0) {
        if (must->n)
            fail("%s: missing, but %zu documents were committed", o->db, must->n);
        return 1;
    }
    if (sqlite3_open_v2(o->db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, "SELECT count(*) FROM sqlite_master", -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int(q, 0) == 0) {
        if (must->n)
            fail("%s: empty, but %zu documents were committed", o->db, must->n);
        empty = 1;
    }
    sqlite3_finalize(q);
    sqlite3_close(h);
    return empty;
}

/* SQLite's and FTS5's integrity checks; *count = documents, checked for unique ids. */
static void check_store(const char *path, sqlite3 *db, long *count)
{
    sqlite3_stmt *q = NULL;
    char *err = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW)
        fail("%s: integrity_check: %s", path, sqlite3_errmsg(db));
    else if (strcmp((const char *)sqlite3_column_text(q, 0), "ok") != 0)
        fail("%s: integrity_check: %s", path, (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    q = NULL;
    if (sqlite3_exec(db, "INSERT INTO fts(fts) VALUES('integrity-check')", NULL, NULL, &err) !=
        SQLITE_OK)
        fail("%s: FTS5 integrity-check: %s", path, err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    if (sqlite3_prepare_v2(db, "SELECT count(*), count(DISTINCT id) FROM docs", -1, &q, NULL) !=
            SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW) {
        fail("%s: count: %s", path, sqlite3_errmsg(db));
    } else {
        *count = sqlite3_column_int64(q, 0);
        if (*count != sqlite3_column_int64(q, 1))
            fail("%s: %ld documents but %lld distinct ids", path, *count,
                 sqlite3_column_int64(q, 1));
    }
    sqlite3_finalize(q);
}

/* Every 97th document: kofts_search_run finds document id by its marker word. */
static void check_search(const char *path, kofts_search *se, const char *marker, const char *id,
                         int *bad_shown)
{
    kofts_search_opts so;
    kofts_result *res = NULL;
    int found = 0;
    kofts_search_opts_init(&so);
    so.snippets = 0;
    if (kofts_search_run(se, marker, strlen(marker), &so, &res) != 0)
        fail("%s: search '%s': %s", path, marker, kofts_search_errmsg(se));
    for (size_t i = 0; res && i < res->n_hits; i++)
        found |= strcmp(res->hits[i].id, id) == 0;
    if (res && !found && (*bad_shown)++ < 5)
        fail("%s: kofts-search '%s' does not find '%s'", path, marker, id);
    kofts_result_free(res);
}

/*
 * Each document: an expected id, both markers in its body, found by FTS5 MATCH on its
 * marker (and by kofts_search when se is open); then every id of must is present.
 */
static void check_docs(const check_opts *o, sqlite3 *db, kofts_search *se, const strset *expected,
                       const strset *must)
{
    sqlite3_stmt *q = NULL, *m = NULL;
    strset seen = {0};
    long k = 0;
    int bad_shown = 0;
    if (sqlite3_prepare_v2(db, "SELECT rowid, id, body FROM docs ORDER BY rowid", -1, &q, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT rowid FROM fts WHERE fts MATCH ?1", -1, &m, NULL) !=
            SQLITE_OK) {
        fail("%s: prepare: %s", o->db, sqlite3_errmsg(db));
        goto done;
    }
    while (sqlite3_step(q) == SQLITE_ROW) {
        long long rowid = sqlite3_column_int64(q, 0);
        const char *id = (const char *)sqlite3_column_text(q, 1);
        const char *body = (const char *)sqlite3_column_text(q, 2);
        char marker[40], expr[64];
        strset_add(&seen, id);
        if (o->no_markers)
            continue;
        if (expected->n && !strset_has(expected, id) && bad_shown++ < 5)
            fail("%s: unexpected document id '%s'", o->db, id);
        if (!body_markers(body, marker, sizeof marker)) {
            if (bad_shown++ < 5)
                fail("%s: document '%s' is incomplete (markers missing)", o->db, id);
            continue;
        }
        snprintf(expr, sizeof expr, "\"%s\"", marker);
        sqlite3_bind_text(m, 1, expr, -1, SQLITE_TRANSIENT);
        int found = 0, r;
        while ((r = sqlite3_step(m)) == SQLITE_ROW)
            found |= sqlite3_column_int64(m, 0) == rowid;
        if (r != SQLITE_DONE)
            fail("%s: MATCH %s: %s", o->db, expr, sqlite3_errmsg(db));
        sqlite3_reset(m);
        if (!found && bad_shown++ < 5)
            fail("%s: document '%s' not found by its word %s", o->db, id, marker);
        if (se && k++ % 97 == 0)
            check_search(o->db, se, marker, id, &bad_shown);
    }
    strset_sort(&seen);
    size_t missing = 0;
    for (size_t i = 0; i < must->n; i++)
        if (!strset_has(&seen, must->v[i]) && missing++ < 5)
            fail("%s: committed document '%s' lost", o->db, must->v[i]);
    if (missing)
        fail("%s: %zu of %zu committed documents lost", o->db, missing, must->n);
done:
    strset_free(&seen);
    sqlite3_finalize(q);
    sqlite3_finalize(m);
}

/* Run the checks of the banner; returns the number of failures (0 = ok). */
static int check_db(const check_opts *o, long *count_out)
{
    int before = g_failures;
    kofts_store *st = NULL;
    kofts_search *se = NULL;
    char *err = NULL;
    strset expected = {0}, present = {0};
    long count = 0;
    if (o->ids && strset_load(&expected, o->ids))
        fail("cannot read %s", o->ids);
    if (o->present && strset_load(&present, o->present))
        fail("cannot read %s", o->present);
    const strset *must = o->present_set ? o->present_set : &present;
    if (db_not_started(o, must))
        goto done;
    if (kofts_store_open(&st, o->db, 0, &err) != 0) {
        fail("%s: cannot open: %s", o->db, err ? err : "?");
        goto done;
    }
    sqlite3 *db = kofts_store_db(st);
    sqlite3_busy_timeout(db, 10000);
    check_store(o->db, db, &count);
    if (o->search && kofts_search_open(&se, o->db, &err) != 0) {
        fail("%s: kofts_search_open: %s", o->db, err ? err : "?");
        free(err);
        err = NULL;
    }
    check_docs(o, db, se, &expected, must);
done:
    if (o->expect >= 0 && count != o->expect)
        fail("%s: %ld documents, expected %ld", o->db, count, o->expect);
    if (count_out)
        *count_out = count;
    if (!o->quiet)
        printf("check %s: %ld documents, %s\n", o->db, count,
               g_failures == before ? "ok" : "FAILED");
    kofts_search_close(se);
    kofts_store_close(st);
    free(err);
    strset_free(&expected);
    strset_free(&present);
    return g_failures - before;
}

/* ---------------------------------------------------------------------- crash */

typedef struct {
    const char *index, *search, *work, *size;
    const char *batch; /* --batch for the indexer, or NULL for its default */
    int kills, docs, searches;
    int sig;
    uint64_t seed;
} run_opts;

/* argv (>= 10 slots) for: INDEX --db DB --quiet [--batch N] [extra] SRC */
static void index_argv(char **argv, const run_opts *o, char *db, char *src, char *extra)
{
    int k = 0;
    argv[k++] = (char *)o->index;
    argv[k++] = "--db";
    argv[k++] = db;
    argv[k++] = "--quiet";
    if (o->batch) {
        argv[k++] = "--batch";
        argv[k++] = (char *)o->batch;
    }
    if (extra)
        argv[k++] = extra;
    argv[k++] = src;
    argv[k] = NULL;
}

/*
 * Wait (up to 2 s) until process pid runs the indexer's own code: it blocks SIGINT
 * (kofts-index does so on the first line of main), or catches it while its executable
 * is named like index_path (a shell in front of it catches SIGINT too). A signal sent
 * earlier - while the dynamic loader maps ICU, hunspell, Xapian, which took longer
 * than the shortest kill delay on a busy machine - kills any program by the default
 * action, which is not what the SIGINT rounds test. Read from /proc/PID/status.
 */
static void wait_sigint_ready(pid_t pid, const char *index_path)
{
    char path[64], line[256], exe[4096];
    const char *want = strrchr(index_path, '/') ? strrchr(index_path, '/') + 1 : index_path;
    unsigned long long bit = 1ULL << (SIGINT - 1);
    for (double t0 = now_s(); now_s() - t0 < 2.0; sleep_s(0.002)) {
        snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
        FILE *f = fopen(path, "r");
        if (!f)
            return; /* gone already, or no /proc: send the signal anyway */
        unsigned long long blk = 0, cgt = 0;
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "SigBlk:", 7) == 0)
                blk = strtoull(line + 7, NULL, 16);
            else if (strncmp(line, "SigCgt:", 7) == 0)
                cgt = strtoull(line + 7, NULL, 16);
        }
        fclose(f);
        if (blk & bit)
            return;
        snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
        ssize_t n = readlink(path, exe, sizeof exe - 1);
        exe[n > 0 ? n : 0] = '\0';
        const char *base = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;
        if ((cgt & bit) && strcmp(base, want) == 0)
            return;
    }
}

typedef struct {
    char db[4200], src[4200], ids[4200], errp[4200];
    long total;  /* documents of the corpus */
    double full; /* seconds a whole run takes (shortened when a round finishes early) */
} crash_state;

/* A new corpus in o->work and a first, uninterrupted run that must index all of it. */
static int crash_setup(const run_opts *o, crash_state *cs)
{
    char *argv[10], desc[64];
    gen_opts g = {o->work, o->docs, o->docs / 10, 4, 60, 1, o->seed};
    remove_tree(o->work);
    if (mkdir_p(o->work) != 0) {
        fprintf(stderr, PROG ": cannot create %s\n", o->work);
        return 1;
    }
    if (gen_corpus(&g))
        return 1;
    cat2(cs->db, o->work, "/kofts.db");
    cat2(cs->src, o->work, "/src");
    cat2(cs->ids, o->work, "/ids.txt");
    cat2(cs->errp, o->work, "/stderr.txt");
    cs->total = g.docs + g.posts;

    /* a first full run: how long indexing takes here */
    index_argv(argv, o, cs->db, cs->src, NULL);
    double t0 = now_s();
    int st = wait_for(spawn(argv, NULL, cs->errp));
    cs->full = now_s() - t0;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        describe_status(st, desc, sizeof desc);
        fprintf(stderr, PROG ": the indexer failed on the clean corpus (%s):\n", desc);
        char *e = slurp(cs->errp, NULL);
        fprintf(stderr, "%s\n", e ? e : "");
        free(e);
        return 1;
    }
    check_opts c = {.db = cs->db, .ids = cs->ids, .expect = cs->total};
    if (check_db(&c, NULL))
        return 1;
    printf("full run: %ld documents in %.2f s\n", cs->total, cs->full);
    return 0;
}

/* After a SIGINT round: the indexer must have exited by itself, with a message if not 0. */
static void check_sigint_exit(const crash_state *cs, int k, int st, const char *desc)
{
    char *e = slurp(cs->errp, NULL);
    if (WIFSIGNALED(st))
        fail("round %d: the indexer died of signal %d instead of stopping cleanly", k,
             WTERMSIG(st));
    else if (WEXITSTATUS(st) != 0 && (!e || !*e))
        fail("round %d: stopped by SIGINT (%s) without a message", k, desc);
    if (k < 3 && e && *e)
        printf("  SIGINT message: %.200s", e);
    free(e);
}

/*
 * Round k: start the indexer (rounds cycle: a new file; --full over the killed index;
 * resume the killed index, with a shorter window as less is left to do), signal it at
 * a random moment, then check that every document committed before the signal is
 * there. Returns 1 if the run had finished before the signal arrived.
 */
static int crash_round(const run_opts *o, crash_state *cs, int k)
{
    char *argv[10], desc[64];
    int st, kind = k % 3;
    if (kind == 0)
        remove_db(cs->db);
    index_argv(argv, o, cs->db, cs->src, kind == 1 ? "--full" : NULL);
    double at = 0.02 + (double)(rng_next() % 10000) / 10000.0 * cs->full * (kind == 2 ? 0.5 : 0.9);
    pid_t pid = spawn(argv, NULL, cs->errp);
    sleep_s(at);
    if (o->sig == SIGINT)
        wait_sigint_ready(pid, o->index);
    strset committed = {0};
    long before = snapshot_ids(cs->db, &committed);
    int r = kill(pid, o->sig);
    double sent = now_s();
    int ended = 1;
    if (o->sig == SIGINT)
        ended = wait_timeout(pid, 10.0, &st);
    if (!ended) {
        fail("round %d: no exit within 10 s of SIGINT", k);
        kill(pid, SIGKILL);
    }
    if (o->sig != SIGINT || !ended)
        st = wait_for(pid);
    double took = now_s() - sent;
    describe_status(st, desc, sizeof desc);
    /* exit 0: it had finished before the signal arrived (or, for INT, stopped with 0) */
    int finished = r != 0 || (WIFEXITED(st) && WEXITSTATUS(st) == 0);
    if (o->sig == SIGINT)
        check_sigint_exit(cs, k, st, desc);
    /* it took less than `at`: the first run (cold caches, or a busy machine then)
     * overstated how long a run takes; later signals come sooner */
    if (finished && at < cs->full)
        cs->full = at * 0.9;
    check_opts c = {
        .db = cs->db, .ids = cs->ids, .present_set = &committed, .expect = -1, .quiet = 1};
    long after = 0;
    int bad = check_db(&c, &after);
    printf("round %2d: %s at %.3f s (%s%s), committed before %ld, after %ld, exit in %.3f s: "
           "%s\n",
           k, o->sig == SIGKILL ? "SIGKILL" : "SIGINT", at,
           kind == 0   ? "new file"
           : kind == 1 ? "--full"
                       : "resume",
           finished ? ", had already finished" : "", before, after, took, bad ? "FAILED" : "ok");
    strset_free(&committed);
    return finished;
}

static int cmd_crash(const run_opts *o)
{
    crash_state cs;
    char *argv[10], desc[64];
    if (crash_setup(o, &cs))
        return 1;
    rng_state = o->seed;
    int stopped_early = 0;
    for (int k = 0; k < o->kills; k++)
        stopped_early += crash_round(o, &cs, k);
    /* the last run completes the rest */
    index_argv(argv, o, cs.db, cs.src, NULL);
    int st = wait_for(spawn(argv, NULL, cs.errp));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        describe_status(st, desc, sizeof desc);
        fail("completing run: %s", desc);
    }
    check_opts c = {.db = cs.db, .ids = cs.ids, .expect = cs.total, .search = 1};
    check_db(&c, NULL);
    if (o->kills > 0 && stopped_early == o->kills)
        fail("all %d runs had finished before the signal: corpus too small here", o->kills);
    printf("%s: %d rounds (%d had finished before the signal), %d failures\n",
           o->sig == SIGKILL ? "crash" : "sigint", o->kills, stopped_early, g_failures);
    return g_failures ? 1 : 0;
}

/* ----------------------------------------------------------------- concurrent */

/* Run kofts-search --json for query on db; check exit 0, empty stderr, consistency. */
static void one_search(const run_opts *o, const char *db, const char *query, int want_id,
                       long *hits)
{
    char outp[4200], errp[4200], desc[64];
    char *argv[] = {(char *)o->search, "--db", (char *)db, "--json", "--limit", "5", "--",
                    (char *)query,     NULL};
    cat2(outp, o->work, "/search.out");
    cat2(errp, o->work, "/search.err");
    int st = wait_for(spawn(argv, outp, errp));
    char *out = slurp(outp, NULL), *err = slurp(errp, NULL);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || (err && *err)) {
        describe_status(st, desc, sizeof desc);
        fail("search '%s': %s: %s", query, desc, err ? err : "");
    }
    /* a hit for kdocN must be document N, its title and snippet of one version */
    char *save = NULL;
    for (char *l = out ? strtok_r(out, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
        cJSON *j = cJSON_Parse(l);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
        const cJSON *ti = cJSON_GetObjectItemCaseSensitive(j, "title");
        const cJSON *sn = cJSON_GetObjectItemCaseSensitive(j, "snippet");
        if (!cJSON_IsString(id) || !cJSON_IsString(ti) || !cJSON_IsString(sn)) {
            fail("search '%s': bad JSON line: %.200s", query, l);
        } else if (want_id >= 0) {
            char wid[32];
            int tv = -1, sv = -1;
            long tn = -1;
            snprintf(wid, sizeof wid, "d%06d", want_id);
            if (strcmp(id->valuestring, wid) == 0) {
                (*hits)++;
                const char *p = strstr(sn->valuestring, " v");
                if (sscanf(ti->valuestring, "kdoc%ld v%d", &tn, &tv) != 2 || !p ||
                    sscanf(p, " v%d", &sv) != 1 || tv != sv)
                    fail("search '%s': title and body of different versions: [%s] [%s]", query,
                         ti->valuestring, sn->valuestring);
            }
        }
        cJSON_Delete(j);
    }
    free(out);
    free(err);
}

/* Copy every file of folder from into folder to (cp -p keeps nothing stale: new mtime). */
static int copy_files(const char *from, const char *to)
{
    char cmd[3 * PATH_BUF];
    snprintf(cmd, sizeof cmd, "cp '%s'/*.jsonl '%s'/", from, to);
    return system(cmd) == 0 ? 0 : -1;
}

static int cmd_concurrent(const run_opts *o)
{
    char db[PATH_BUF], live[PATH_BUF], src1[PATH_BUF], ids[PATH_BUF], errp[PATH_BUF];
    char dir2[PATH_BUF], src2[PATH_BUF], desc[64];
    char *argv[10];
    remove_tree(o->work);
    if (mkdir_p(o->work) != 0) {
        fprintf(stderr, PROG ": cannot create %s\n", o->work);
        return 1;
    }
    gen_opts g = {o->work, o->docs, 0, 4, 60, 1, o->seed};
    cat2(dir2, o->work, "/v2");
    /* version 2: the same ids with new text, plus as many new documents; the files
     * part00..03 of both versions hold the same ids */
    gen_opts g2 = {dir2, 2 * o->docs, 0, 8, 60, 2, o->seed};
    if (gen_corpus(&g) || gen_corpus(&g2))
        return 1;
    cat2(db, o->work, "/kofts.db");
    cat2(src1, o->work, "/src");
    cat2(src2, dir2, "/src");
    cat2(live, o->work, "/live");
    cat2(ids, dir2, "/ids.txt");
    cat2(errp, o->work, "/index.err");
    mkdir(live, 0755);
    if (copy_files(src1, live))
        return 1;
    index_argv(argv, o, db, live, NULL);
    int st = wait_for(spawn(argv, NULL, errp));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, PROG ": initial indexing failed\n");
        return 1;
    }
    rng_state = o->seed;
    int done_searches = 0, rounds = 0;
    long hits = 0;
    pid_t pid = -1;
    while (done_searches < o->searches) {
        if (pid < 0) {
            /* swap the live files to the other version (between runs), then re-index:
             * every run updates every document of part00..03 */
            if (copy_files(rounds % 2 ? src1 : src2, live))
                return 1;
            pid = spawn(argv, NULL, errp);
            rounds++;
        }
        char q[64];
        int n = (int)(rng_next() % (uint64_t)o->docs);
        if (done_searches % 3 == 2)
            snprintf(q, sizeof q, "%s %s", k_words[rng_next() % N_WORDS],
                     k_words[rng_next() % N_WORDS]);
        else
            snprintf(q, sizeof q, "kdoc%d", n);
        one_search(o, db, q, done_searches % 3 == 2 ? -1 : n, &hits);
        done_searches++;
        if (waitpid(pid, &st, WNOHANG) == pid) {
            if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
                char *e = slurp(errp, NULL);
                describe_status(st, desc, sizeof desc);
                fail("indexer round %d: %s: %s", rounds, desc, e ? e : "");
                free(e);
            }
            pid = -1;
        }
    }
    if (pid > 0)
        wait_for(pid);
    /* after the first v2 round all 2N ids are there (v1 rounds rewrite only 0..N-1) */
    check_opts c = {db, ids, NULL, NULL, 2L * o->docs, 1, 0, 0};
    check_db(&c, NULL);
    printf("concurrent: %d searches during %d indexer runs (each updating %d documents), "
           "%ld marker hits, %d failures\n",
           done_searches, rounds, o->docs, hits, g_failures);
    return g_failures ? 1 : 0;
}

/* -------------------------------------------------------------------- writers */

static int cmd_writers(const run_opts *o)
{
    char db[4200], src[4200], srcb[4200], erra[4200], errb[4200], dirb[4200], desc[64];
    char ids[4200];
    char *argv[10], *argvb[10];
    remove_tree(o->work);
    if (mkdir_p(o->work) != 0) {
        fprintf(stderr, PROG ": cannot create %s\n", o->work);
        return 1;
    }
    cat2(dirb, o->work, "/b");
    gen_opts ga = {o->work, o->docs, 0, 2, 60, 1, o->seed};
    gen_opts gb = {dirb, o->docs, 0, 2, 60, 1, o->seed};
    if (gen_corpus(&ga) || gen_corpus(&gb))
        return 1;
    cat2(db, o->work, "/kofts.db");
    cat2(src, o->work, "/src");
    cat2(srcb, dirb, "/src");
    cat2(erra, o->work, "/a.err");
    cat2(errb, o->work, "/b.err");
    cat2(ids, o->work, "/ids.txt");
    index_argv(argv, o, db, src, NULL);
    index_argv(argvb, o, db, srcb, NULL);
    pid_t a = spawn(argv, NULL, erra);
    sleep_s(0.3);
    pid_t b = spawn(argvb, NULL, errb);
    int sa = wait_for(a), sb = wait_for(b);
    char *ea = slurp(erra, NULL), *eb = slurp(errb, NULL);
    describe_status(sa, desc, sizeof desc);
    printf("first indexer: %s %s", desc, ea && *ea ? ea : "\n");
    if (!WIFEXITED(sa) || WEXITSTATUS(sa) != 0)
        fail("first indexer: %s", desc);
    describe_status(sb, desc, sizeof desc);
    printf("second indexer: %s %s", desc, eb && *eb ? eb : "\n");
    if (!WIFEXITED(sb) || (WEXITSTATUS(sb) != 0 && WEXITSTATUS(sb) != 1))
        fail("second indexer: %s", desc);
    else if (WEXITSTATUS(sb) == 1 && (!eb || !strstr(eb, "kofts-index")))
        fail("second indexer failed without a kofts-index message");
    else if (WEXITSTATUS(sb) == 1 && strstr(eb, "database is locked") && !strstr(eb, "another"))
        fail("second indexer shows a raw SQLite message: %s", eb);
    /* both sources hold the same ids (d000000...) with the same text: either way, N docs */
    check_opts c = {db, ids, NULL, NULL, o->docs, 1, 0, 0};
    check_db(&c, NULL);
    free(ea);
    free(eb);
    return g_failures ? 1 : 0;
}

/* ------------------------------------------------------------------- diskfull */

static int cmd_diskfull(const run_opts *o)
{
    char mnt[4200], db[4200], src[4200], errp[4200], cmd[8600], desc[64], opt[64];
    char *argv[10];
    if (geteuid() != 0) {
        printf(PROG ": diskfull: skipped: needs root to mount a small tmpfs\n");
        return SKIP;
    }
    /* a run killed before its umount (a ctest timeout) leaves the tmpfs mounted:
     * detach every layer left there before removing the folder */
    cat2(mnt, o->work, "/mnt");
    while (umount2(mnt, MNT_DETACH) == 0)
        ;
    remove_tree(o->work);
    if (mkdir_p(o->work) != 0) {
        fprintf(stderr, PROG ": cannot create %s\n", o->work);
        return 1;
    }
    gen_opts g = {o->work, o->docs, 0, 4, 80, 1, o->seed};
    if (gen_corpus(&g))
        return 1;
    mkdir(mnt, 0755);
    snprintf(opt, sizeof opt, "size=%s", o->size);
    if (mount("tmpfs", mnt, "tmpfs", 0, opt) != 0) {
        printf(PROG ": diskfull: skipped: cannot mount a tmpfs here (%s)\n", strerror(errno));
        return SKIP;
    }
    cat2(db, mnt, "/kofts.db");
    cat2(src, o->work, "/src");
    cat2(errp, o->work, "/stderr.txt");
    index_argv(argv, o, db, src, NULL);
    int st = wait_for(spawn(argv, NULL, errp));
    char *e = slurp(errp, NULL);
    describe_status(st, desc, sizeof desc);
    printf("indexing %d docs onto a %s tmpfs: %s; stderr: %s", o->docs, o->size, desc,
           e && *e ? e : "(empty)\n");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 1)
        fail("disk full: expected exit 1, got %s", desc);
    if (!e || !strstr(e, "kofts-index"))
        fail("disk full: no kofts-index message on stderr");
    check_opts c = {db, NULL, NULL, NULL, -1, 1, 0, 0};
    long n = 0;
    check_db(&c, &n);
    printf("index still valid with %ld documents\n", n);
    free(e);
    snprintf(cmd, sizeof cmd, "%s", mnt);
    if (umount(cmd) != 0 && umount2(cmd, MNT_DETACH) != 0)
        fprintf(stderr, PROG ": umount %s: %s\n", mnt, strerror(errno));
    return g_failures ? 1 : 0;
}

/* ------------------------------------------------------------------------ rss */

/* Read RssAnon and RssFile (KiB) of pid from /proc; 0 when unavailable. */
static void proc_rss(pid_t pid, long *anon, long *file)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    *anon = *file = 0;
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "RssAnon:", 8) == 0)
            *anon = atol(line + 8);
        else if (strncmp(line, "RssFile:", 8) == 0)
            *file = atol(line + 8);
    }
    fclose(f);
}

/*
 * Run argv, wait, and print "peak_rss_kib=N peak_anon_kib=A peak_file_kib=F
 * elapsed_s=T" to to_path (or stderr). peak_rss is getrusage's ru_maxrss (everything,
 * including mmap'd database pages); anon/file are the highest RssAnon/RssFile seen by
 * polling /proc every 20 ms (anon = heap and stacks: what batch size must bound).
 * Returns the command's exit status (128 + signal if it died of one).
 */
static int cmd_rss(char **argv, const char *to_path)
{
    struct rusage ru;
    int st = 0;
    long max_anon = 0, max_file = 0;
    double t0 = now_s();
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    if (pid < 0)
        return 1;
    for (;;) {
        pid_t r = wait4(pid, &st, WNOHANG, &ru);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return 1;
        /* the child may be `timeout CMD`: look at its child too */
        long an, fi;
        char kids[64];
        proc_rss(pid, &an, &fi);
        snprintf(kids, sizeof kids, "/proc/%ld/task/%ld/children", (long)pid, (long)pid);
        FILE *kf = fopen(kids, "r");
        long kid = 0;
        if (kf) {
            if (fscanf(kf, "%ld", &kid) == 1 && kid > 0) {
                long a2, f2;
                proc_rss((pid_t)kid, &a2, &f2);
                if (a2 + f2 > an + fi) {
                    an = a2;
                    fi = f2;
                }
            }
            fclose(kf);
        }
        if (an > max_anon)
            max_anon = an;
        if (fi > max_file)
            max_file = fi;
        sleep_s(0.02);
    }
    FILE *f = to_path ? fopen(to_path, "w") : stderr;
    if (f) {
        fprintf(f, "peak_rss_kib=%ld peak_anon_kib=%ld peak_file_kib=%ld elapsed_s=%.2f\n",
                ru.ru_maxrss, max_anon, max_file, now_s() - t0);
        if (f != stderr)
            fclose(f);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 1;
}

/* ----------------------------------------------------------------------- main */

static int usage(void)
{
    fprintf(stderr, "usage: " PROG " gen|check|crash|concurrent|writers|diskfull|rss "
                    "[OPTIONS] (see the banner of tests/reliability/reltool.c)\n");
    return 2;
}

/* rss [--to FILE] [--] PROGRAM ARGS... */
static int main_rss(int argc, char **argv)
{
    int i = 2;
    const char *to = NULL;
    if (i + 1 < argc && strcmp(argv[i], "--to") == 0) {
        to = argv[i + 1];
        i += 2;
    }
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;
    return i < argc ? cmd_rss(argv + i, to) : usage();
}

/* The options after the command into g, c and r (each command reads its own). 0, or -1
 * for an unknown option or a missing value. */
static int parse_options(int argc, char **argv, const char *cmd, gen_opts *g, check_opts *c,
                         run_opts *r)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int used = 1;
        if (strcmp(a, "--search") == 0 && strcmp(cmd, "check") == 0) {
            c->search = 1;
            continue;
        }
        if (strcmp(a, "--no-markers") == 0) {
            c->no_markers = 1;
            continue;
        }
        if (!v)
            return -1;
        if (strcmp(a, "--out") == 0)
            g->out = v;
        else if (strcmp(a, "--docs") == 0)
            g->docs = r->docs = atoi(v);
        else if (strcmp(a, "--posts") == 0)
            g->posts = atoi(v);
        else if (strcmp(a, "--files") == 0)
            g->files = atoi(v);
        else if (strcmp(a, "--words") == 0)
            g->words = atoi(v);
        else if (strcmp(a, "--version") == 0)
            g->version = atoi(v);
        else if (strcmp(a, "--seed") == 0)
            g->seed = r->seed = strtoull(v, NULL, 10);
        else if (strcmp(a, "--db") == 0)
            c->db = v;
        else if (strcmp(a, "--ids") == 0)
            c->ids = v;
        else if (strcmp(a, "--present") == 0)
            c->present = v;
        else if (strcmp(a, "--expect") == 0)
            c->expect = atol(v);
        else if (strcmp(a, "--index") == 0)
            r->index = v;
        else if (strcmp(a, "--search") == 0)
            r->search = v;
        else if (strcmp(a, "--work") == 0)
            r->work = v;
        else if (strcmp(a, "--kills") == 0)
            r->kills = atoi(v);
        else if (strcmp(a, "--searches") == 0)
            r->searches = atoi(v);
        else if (strcmp(a, "--batch") == 0)
            r->batch = v;
        else if (strcmp(a, "--size") == 0)
            r->size = v;
        else if (strcmp(a, "--signal") == 0)
            r->sig = strcmp(v, "INT") == 0 ? SIGINT : SIGKILL;
        else
            used = 0;
        if (!used)
            return -1;
        i++;
    }
    return 0;
}

/* The command that needs a built indexer (crash, concurrent, writers, diskfull). */
static int run_command(const char *cmd, const run_opts *r)
{
    if (!r->index || !r->work)
        return usage();
    if (access(r->index, X_OK) != 0) {
        printf(PROG ": skipped: %s not built yet\n", r->index);
        return SKIP;
    }
    if (strcmp(cmd, "crash") == 0)
        return cmd_crash(r);
    if (strcmp(cmd, "concurrent") == 0) {
        if (!r->search || access(r->search, X_OK) != 0) {
            printf(PROG ": skipped: kofts-search not built\n");
            return SKIP;
        }
        return cmd_concurrent(r);
    }
    if (strcmp(cmd, "writers") == 0)
        return cmd_writers(r);
    if (strcmp(cmd, "diskfull") == 0)
        return cmd_diskfull(r);
    return usage();
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *cmd = argv[1];
    if (strcmp(cmd, "rss") == 0)
        return main_rss(argc, argv);
    gen_opts g = {NULL, 1000, 0, 4, 60, 1, 1};
    check_opts c = {NULL, NULL, NULL, NULL, -1, 0, 0, 0};
    run_opts r = {NULL, NULL, NULL, "2m", NULL, 20, 3000, 1000, SIGKILL, 1};
    if (parse_options(argc, argv, cmd, &g, &c, &r))
        return usage();
    signal(SIGPIPE, SIG_IGN);
    if (strcmp(cmd, "gen") == 0)
        return g.out ? (gen_corpus(&g) ? 1 : 0) : usage();
    if (strcmp(cmd, "check") == 0)
        return c.db ? (check_db(&c, NULL) ? 1 : 0) : usage();
    return run_command(cmd, &r);
}
