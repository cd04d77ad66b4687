/*
 * test_xapian_stop.c - the stop check of the Xapian wrapper (kofts_xdb_search with
 * s.stop), which gives kofts-serve's time limit on the Xapian backend: a search whose
 * check answers "stop" ends with KOFTS_ESTOP and no hits, the check is asked while the
 * match runs (not only before it), and a check that never stops changes nothing. A
 * count with s.enough ends at that many matches (XS04-XS06, what the searcher's
 * all-words check asks); a count that keeps its hits gives those of a search (XS07-XS08,
 * two shards). Case ids XS*. Builds two temporary databases of 2,000 documents. Usage:
 * test_xapian_stop
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kofts_xapian.h"

#define NDOCS 2000

typedef struct {
    int calls;   /* times asked */
    int stop_at; /* answer 1 from this call on (0: never) */
} stop_state;

static int stop_cb(void *ctx)
{
    stop_state *st = ctx;
    st->calls++;
    return st->stop_at > 0 && st->calls >= st->stop_at;
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

/* Write NDOCS documents holding the term "word" (wdf varies) into dir, ids from first
 * on; one in FEW_EVERY also holds "few" (wdf varies). */
#define FEW_EVERY 500
static int build(const char *dir, int first)
{
    kofts_xwdb *w = NULL;
    char *err = NULL;
    int rc = kofts_xwdb_open(&w, dir, 2, &err);
    for (int i = first; !rc && i < first + NDOCS; i++) {
        char id[32];
        int n = snprintf(id, sizeof id, "Qd%d", i);
        kofts_xdoc *d = kofts_xdoc_new();
        rc = d ? kofts_xdoc_posting(d, "word", 4, 1, 1 + (unsigned)(i % 7)) : KOFTS_ENOMEM;
        if (!rc && i % FEW_EVERY == 3)
            rc = kofts_xdoc_posting(d, "few", 3, 2, 1 + (unsigned)(i % 3));
        if (!rc)
            rc = kofts_xdoc_term(d, id, (size_t)n);
        if (!rc)
            rc = kofts_xwdb_replace(w, id, (size_t)n, d);
        kofts_xdoc_free(d);
    }
    if (!rc)
        rc = kofts_xwdb_commit(w);
    if (rc)
        fprintf(stderr, "cannot build %s: %s\n", dir, err ? err : kofts_xwdb_errmsg(w));
    free(err);
    kofts_xwdb_close(w);
    return rc;
}

/*
 * Counts that keep their hits (s.collect), on two shards (document ids of the combined
 * database interleave them): below `enough` matches the hits are those of a search
 * asking for them all (ids, weights, order); at `enough` the count ends without hits.
 */
static int collect_cases(kofts_xdb *two)
{
    static const struct {
        const char *id;
        const char *term;
        unsigned enough;
        long long want_matches;
    } cases[] = {
        {"XS07-few-matches-come-ranked", "few", 10, 2 * NDOCS / FEW_EVERY},
        {"XS08-enough-matches-no-hits", "word", 10, 10},
    };
    int fails = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kofts_xq *q = kofts_xq_term(cases[i].term, strlen(cases[i].term));
        kofts_xsearch c = {0, 0, cases[i].enough, -1, 1.2, 0.75, NULL, NULL, cases[i].enough, 1};
        kofts_xsearch f = {0, 100, 100, -1, 1.2, 0.75, NULL, NULL, 0, 0};
        kofts_xhit *h = NULL, *fh = NULL;
        size_t n = 0, fn = 0;
        long long matches = -1, fm = -1;
        int rc = kofts_xdb_search(two, q, &c, &h, &n, &matches);
        int frc = kofts_xdb_search(two, q, &f, &fh, &fn, &fm);
        int ok = rc == 0 && frc == 0 && matches == cases[i].want_matches;
        if (matches < cases[i].enough) {
            ok = ok && n == (size_t)matches && n == fn;
            for (size_t k = 0; ok && k < n; k++)
                ok = h[k].docid == fh[k].docid && h[k].weight == fh[k].weight;
        } else {
            ok = ok && n == 0;
        }
        printf("%s %s: rc %d, %lld matches (want %lld), %zu hits (search: %zu)\n",
               ok ? "ok  " : "FAIL", cases[i].id, rc, matches, cases[i].want_matches, n, fn);
        for (size_t k = 0; !ok && k < n && k < fn; k++)
            printf("  hit %zu: doc %u weight %g, search: doc %u weight %g\n", k, h[k].docid,
                   h[k].weight, fh[k].docid, fh[k].weight);
        fails += !ok;
        free(h);
        free(fh);
        kofts_xq_free(q);
    }
    return fails;
}

/*
 * The stop check on one database: a check that never stops changes nothing, one that
 * stops at once or during the match ends the search with KOFTS_ESTOP, no hits and a
 * "stopped" message. Returns the number of failed cases.
 */
static int stop_cases(kofts_xdb *db)
{
    int fails = 0;
    static const struct {
        const char *id;
        int stop_at;
        int want_rc;
        int want_hits;
        int asked_during; /* the check must be asked more than once */
    } cases[] = {
        {"XS01-never-stops", 0, 0, 10, 1},
        {"XS02-stops-at-once", 1, KOFTS_ESTOP, 0, 0},
        {"XS03-stops-during-match", 3, KOFTS_ESTOP, 0, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        stop_state st = {0, cases[i].stop_at};
        kofts_xq *q = kofts_xq_term("word", 4);
        /* check_at_least = every document: the match has to visit them all */
        kofts_xsearch s = {0, 10, NDOCS, -1, 1.2, 0.75, stop_cb, &st, 0, 0};
        kofts_xhit *h = NULL;
        size_t n = 0;
        long long matches = 0;
        int rc = kofts_xdb_search(db, q, &s, &h, &n, &matches);
        int ok = rc == cases[i].want_rc && (int)n == cases[i].want_hits &&
                 (!cases[i].asked_during || st.calls > 1);
        if (ok && rc == KOFTS_ESTOP)
            ok = strstr(kofts_xdb_errmsg(db), "stopped") != NULL;
        printf("%s %s: rc %d, %zu hits, asked %d times%s%s\n", ok ? "ok  " : "FAIL", cases[i].id,
               rc, n, st.calls, rc ? ", " : "", rc ? kofts_xdb_errmsg(db) : "");
        fails += !ok;
        free(h);
        kofts_xq_free(q);
    }
    return fails;
}

/*
 * Counts (max 0) that end once `enough` documents matched; enough 0 or above the matches:
 * the exact count. Returns the number of failed cases.
 */
static int count_cases(kofts_xdb *db)
{
    int fails = 0;
    static const struct {
        const char *id;
        unsigned enough;
        long long want_matches;
    } counts[] = {
        {"XS04-count-ends-at-enough", 10, 10},
        {"XS05-count-without-enough", 0, NDOCS},
        {"XS06-enough-above-matches", NDOCS + 5, NDOCS},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        kofts_xq *q = kofts_xq_term("word", 4);
        unsigned at_least = counts[i].enough ? counts[i].enough : NDOCS;
        kofts_xsearch s = {0, 0, at_least, -1, 1.2, 0.75, NULL, NULL, counts[i].enough, 0};
        kofts_xhit *h = NULL;
        size_t n = 0;
        long long matches = -1;
        int rc = kofts_xdb_search(db, q, &s, &h, &n, &matches);
        int ok = rc == 0 && n == 0 && matches == counts[i].want_matches;
        printf("%s %s: rc %d, %lld matches (want %lld)\n", ok ? "ok  " : "FAIL", counts[i].id, rc,
               matches, counts[i].want_matches);
        fails += !ok;
        free(h);
        kofts_xq_free(q);
    }
    return fails;
}

int main(void)
{
    char dir[] = "/tmp/kofts-xstop-XXXXXX";
    int fails = 0;
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char db_dir[64], db2_dir[64];
    snprintf(db_dir, sizeof db_dir, "%s/db", dir);
    snprintf(db2_dir, sizeof db2_dir, "%s/db2", dir);
    kofts_xdb *db = NULL, *two = NULL;
    if (build(db_dir, 0) || build(db2_dir, NDOCS) || !(db = kofts_xdb_new()) ||
        kofts_xdb_add_local(db, db_dir) || !(two = kofts_xdb_new()) ||
        kofts_xdb_add_local(two, db_dir) || kofts_xdb_add_local(two, db2_dir)) {
        fprintf(stderr, "cannot open %s: %s\n", db_dir, db ? kofts_xdb_errmsg(db) : "?");
        kofts_xdb_close(db);
        kofts_xdb_close(two);
        nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
        return 1;
    }
    fails += stop_cases(db);
    fails += count_cases(db);
    fails += collect_cases(two);
    kofts_xdb_close(db);
    kofts_xdb_close(two);
    nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
    printf("%d failure(s)\n", fails);
    return fails ? 1 : 0;
}
