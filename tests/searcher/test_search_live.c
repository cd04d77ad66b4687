/*
 * test_search_live.c - a search handle that stays open while kofts-index switches the
 * index's journal mode (case ids L*).
 *
 * kofts-index leaves an index in rollback-journal mode so that readers without write
 * access can open it, and switches it to WAL when it starts. Between that switch and
 * the writer's first read, the file says WAL but its -wal and -shm files do not exist
 * yet, and a read-only connection cannot create them: its reads fail ("attempt to write
 * a readonly database"). The same happens in the moment the writer switches back. A
 * kofts-serve request that fell into such a window answered 500 (seen once in CI). A
 * search, a handle being opened and the index statistics must wait out the window and
 * answer as before; a window that does not close must end in an error naming the index.
 *
 * The readers run as nobody in forked children (root only: otherwise the test skips),
 * the writer is this process; the index is a copy in a fresh folder in /tmp. A process
 * that has once read the index in WAL mode keeps what it opened then and no longer
 * sees such a window, hence the order of the cases and a second reader for L09-L10.
 * Usage: test_search_live FIXTURE_DB
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kofts_check.h"
#include "kofts_search.h"

static const char k_query[] = "서울";

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int copy(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;
    int rc = in && out ? 0 : -1;
    while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
        rc = fwrite(buf, 1, n, out) == n ? 0 : -1;
    if (in)
        fclose(in);
    if (out && fclose(out))
        rc = -1;
    return rc;
}

/* Hits of k_query as "id,id,..." into out; -1 (and the message in err) on failure. */
static int search_ids(kofts_search *s, char *out, size_t cap, char *err, size_t ecap)
{
    kofts_search_opts o;
    kofts_result *r = NULL;
    kofts_search_opts_init(&o);
    out[0] = '\0';
    if (kofts_search_run(s, k_query, strlen(k_query), &o, &r)) {
        snprintf(err, ecap, "%s", kofts_search_errmsg(s));
        return -1;
    }
    for (size_t k = 0; k < r->n_hits; k++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%s", k ? "," : "", r->hits[k].id);
    kofts_result_free(r);
    return 0;
}

/* 1 when a new read-only connection cannot read db now (the window is open). */
static int plain_reader_fails(const char *db)
{
    sqlite3 *h = NULL;
    int fails = 1;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
        fails =
            sqlite3_exec(h, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK;
    sqlite3_close(h);
    return fails;
}

typedef struct {
    sqlite3 *w;
    int delay_ms;
} closer;

/* The writer's first read after the switch, delay_ms later: it creates -wal and -shm. */
static void *close_window(void *arg)
{
    closer *c = arg;
    usleep((useconds_t)c->delay_ms * 1000);
    sqlite3_exec(c->w, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    return NULL;
}

/* ------------------------------------------------- the reader: another user */

static int read_line(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n + 1 < cap && read(fd, buf + n, 1) == 1 && buf[n] != '\n')
        n++;
    buf[n] = '\0';
    return n ? 0 : -1;
}

/* As nobody: open a search handle on db, then on each "go" from the parent search once
 * with it (on "new": with a handle opened for that search; on "stats": read the index
 * statistics) and report "pre rc took_ms ids|message"
 * (pre: 1 when a plain read-only connection fails at that moment). */
static int reader(const char *db, int in, int out)
{
    struct passwd *pw = getpwnam("nobody");
    if (!pw || setgroups(0, NULL) || setgid(pw->pw_gid) || setuid(pw->pw_uid)) {
        dprintf(out, "cannot become nobody\n");
        return 1;
    }
    kofts_search *s = NULL;
    char *msg = NULL, ids[4096], err[512], go[16];
    if (kofts_search_open(&s, db, &msg)) {
        dprintf(out, "cannot open: %s\n", msg ? msg : "?");
        return 1;
    }
    while (read_line(in, go, sizeof go) == 0) {
        int pre = plain_reader_fails(db);
        err[0] = ids[0] = '\0';
        double t0 = now_ms();
        kofts_search *fresh = NULL;
        int rc = 0;
        if (strcmp(go, "new") == 0 && kofts_search_open(&fresh, db, &msg)) {
            snprintf(err, sizeof err, "%s", msg ? msg : "cannot open");
            free(msg);
            msg = NULL;
            rc = -2;
        }
        if (strcmp(go, "stats") == 0) {
            kofts_buf st = {0};
            rc = kofts_search_stats(s, &st);
            snprintf(ids, sizeof ids, "%s",
                     st.data && strstr(st.data, "\"documents\"") ? "stats" : "");
            if (rc)
                snprintf(err, sizeof err, "%s", kofts_search_errmsg(s));
            kofts_buf_free(&st);
        } else if (rc == 0) {
            rc = search_ids(fresh ? fresh : s, ids, sizeof ids, err, sizeof err);
        }
        kofts_search_close(fresh);
        dprintf(out, "%d %d %.0f %s|%s\n", pre, rc, now_ms() - t0, ids, err);
    }
    kofts_search_close(s);
    return 0;
}

typedef struct {
    int pre, rc;
    double took;
    char ids[4096], err[512];
} answer;

/* Send cmd ("go", "new" or "stats") and read the reader's answer. */
static int ask_cmd(int to, int from, const char *cmd, answer *a)
{
    char line[5000];
    memset(a, 0, sizeof *a);
    if (dprintf(to, "%s\n", cmd) < 0 || read_line(from, line, sizeof line))
        return -1;
    char *bar = strchr(line, '|');
    if (!bar || sscanf(line, "%d %d %lf %4095[^|]", &a->pre, &a->rc, &a->took, a->ids) < 3) {
        snprintf(a->err, sizeof a->err, "reader said: %.400s", line);
        return -1;
    }
    snprintf(a->err, sizeof a->err, "%s", bar + 1);
    return 0;
}

static int ask(int to, int from, answer *a)
{
    return ask_cmd(to, from, "go", a);
}

/* The writer's side: switch db to WAL and read nothing (the window opens). */
static sqlite3 *open_window(const char *db)
{
    sqlite3 *w = NULL;
    if (sqlite3_open_v2(db, &w, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        sqlite3_exec(w, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK) {
        printf("FAIL L00: cannot switch %s to WAL: %s\n", db, sqlite3_errmsg(w));
        sqlite3_close(w);
        return NULL;
    }
    return w;
}

/* The writer's side: read once (creates -wal/-shm), switch back to the rollback journal
 * and close, as kofts-index ends a run. */
static void end_writer(sqlite3 *w)
{
    sqlite3_exec(w, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    sqlite3_exec(w, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
    sqlite3_close(w);
}

static void cases(const char *db, int to, int from)
{
    answer before, a;
    CHECK("L01", ask(to, from, &before) == 0 && before.rc == 0 && before.ids[0],
          "search before the switch: '%s' %s", before.ids, before.err);
    /* A window that does not close (a writer killed right after its switch) ends in an
     * error naming the index after a bounded wait; the next search after it works. */
    sqlite3 *w = open_window(db);
    if (!w)
        return;
    int asked = ask(to, from, &a);
    CHECK("L02", asked == 0 && a.pre == 1,
          "precondition: a plain read-only connection fails in the window (else this test "
          "proves nothing)");
    CHECK("L03", asked == 0 && a.rc != 0 && strstr(a.err, db) && a.took >= 500 && a.took < 5000,
          "a window that stays open: rc %d after %.0f ms, message '%s'", a.rc, a.took, a.err);
    printf("note: a window that stays open is reported after %.0f ms: %s\n", a.took, a.err);
    end_writer(w);
    CHECK("L04", ask(to, from, &a) == 0 && a.rc == 0 && strcmp(before.ids, a.ids) == 0,
          "search after the writer ended: '%s' %s", a.ids, a.err);
    /* A handle opened in a window that closes (kofts-search started then, kofts-serve
     * reopening a replaced file) waits it out. Before the cases below: once this
     * process has read the index in WAL mode, its next connections share what it
     * opened and the window no longer shows here. */
    if (!(w = open_window(db)))
        return;
    closer c0 = {w, 300};
    pthread_t t0;
    pthread_create(&t0, NULL, close_window, &c0);
    asked = ask_cmd(to, from, "new", &a);
    pthread_join(t0, NULL);
    CHECK("L05", asked == 0 && a.pre == 1 && a.rc == 0 && strcmp(before.ids, a.ids) == 0,
          "a handle opened in the window: rc %d '%s' %s", a.rc, a.ids, a.err);
    end_writer(w);
    /* A window that closes (the writer's next read) is waited out. */
    if (!(w = open_window(db)))
        return;
    closer c = {w, 300};
    pthread_t t;
    pthread_create(&t, NULL, close_window, &c);
    asked = ask(to, from, &a);
    pthread_join(t, NULL);
    CHECK("L06", asked == 0 && a.pre == 1, "precondition again: the window was open");
    CHECK("L07", asked == 0 && a.rc == 0 && strcmp(before.ids, a.ids) == 0,
          "search in the window: '%s' (before: '%s') %s", a.ids, before.ids, a.err);
    CHECK("L08", a.took >= 200, "the search waited for the window to close (%.0f ms)", a.took);
    end_writer(w);
}

/* The index statistics (kofts-serve's /api/stats) in a window that closes, by a reader
 * of its own (a process that has read the index in WAL mode no longer sees windows:
 * see L05). */
static void stats_cases(const char *db, int to, int from)
{
    answer a;
    CHECK("L09", ask(to, from, &a) == 0 && a.rc == 0, "search before: %s", a.err);
    sqlite3 *w = open_window(db);
    if (!w)
        return;
    closer c = {w, 300};
    pthread_t t;
    pthread_create(&t, NULL, close_window, &c);
    int asked = ask_cmd(to, from, "stats", &a);
    pthread_join(t, NULL);
    CHECK("L10", asked == 0 && a.pre == 1 && a.rc == 0 && strcmp(a.ids, "stats") == 0,
          "statistics in the window (precondition %d): rc %d %s", a.pre, a.rc, a.err);
    end_writer(w);
}

/* Run cases with a reader child as nobody (to: its commands, from: its answers). */
static void with_reader(const char *db, void (*cases_fn)(const char *, int, int))
{
    int down[2], up[2];
    if (pipe(down) || pipe(up)) {
        printf("FAIL L00: pipe\n");
        kofts_check_failures++;
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        _exit(reader(db, down[0], up[1]));
    }
    close(down[0]);
    close(up[1]);
    cases_fn(db, down[1], up[0]);
    close(down[1]);
    close(up[0]);
    waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_search_live FIXTURE_DB\n");
        return 2;
    }
    if (geteuid() != 0) {
        printf("skip: the reader must be another user who cannot write the folder (run as "
               "root)\n");
        return 77;
    }
    /* in /tmp: nobody may not reach the build folder */
    char dir[] = "/tmp/kofts-live-XXXXXX", db[64];
    if (!mkdtemp(dir) || chmod(dir, 0755)) {
        printf("FAIL L00: cannot make a folder in /tmp\n");
        return 1;
    }
    snprintf(db, sizeof db, "%s/live.db", dir);
    if (copy(argv[1], db) || chmod(db, 0644)) {
        printf("FAIL L00: cannot copy %s to %s\n", argv[1], db);
        return 1;
    }
    with_reader(db, cases);
    /* back to the rollback journal (the first reader kept the file in WAL mode), before
     * the second reader opens it */
    sqlite3 *w = NULL;
    if (sqlite3_open_v2(db, &w, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK)
        end_writer(w);
    with_reader(db, stats_cases);
    char *rm[] = {"/bin/rm", "-rf", dir, NULL};
    if (fork() == 0) {
        execv(rm[0], rm);
        _exit(127);
    }
    wait(NULL);
    return kofts_check_failures ? 1 : 0;
}
