/*
 * test_plan.c - unit tests of the backend-neutral plan (kofts_plan_parse, printed with
 * kofts_plan_print) and of both compilers (FTS5 expression, Xapian query description)
 * on the same plans; plus the column table against the FTS5 schema. Case ids P*.
 * Usage: test_plan [--print QUERY] (prints the plan and both compilations)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "kofts_search.h"
#include "kofts_store.h"

typedef struct {
    const char *id;
    const char *query;
    const char *plan; /* substring of the printed plan */
    const char *xap;  /* substring of the Xapian description (all-word reading); NULL: none */
    int groups;       /* groups of the all-word reading */
} plan_case;

static const plan_case cases[] = {
    {"P01-word-alternatives", "광주와",
     "term 1: \"광주와\" required group 1\n  word: 광주와(surface)|광주(stem)", "SYNONYM", 1},
    {"P02-two-words-join", "빅 데이터", "join-next", "XG^빅데", 2},
    {"P03-phrase", "\"양자 컴퓨팅\"", "phrase", "PHRASE", 1},
    {"P04-exclude", "광주 -부산", "term 2: \"부산\" excluded", "AND_NOT", 1},
    {"P05-or-group", "광주 OR 부산", "term 2: \"부산\" required group 1", "OR", 1},
    {"P06-title", "title:임종석", "field=title", "S임종석", 1},
    {"P07-prefix", "반도*", "prefix", "WILDCARD", 1},
    {"P08-category", "category:과학 양자", "category: 과학", "XC과학", 1},
    {"P09-question-optional", "광주 무엇", "term 2: \"무엇\" optional", "(광주 OR XG^광주)", 1},
    {"P10-nothing", ")))", "", NULL, 0},
    {"P11-only-excluded", "-광주", "excluded", NULL, 0},
    {"P12-bare-terms", "광주", "word: 광주(surface)", "Query((광주 OR XG^광주))", 1},
    /* layout 2: one phrase over the bare terms (column weights are in their wdf), no
     * copy per column; title: keeps the prefixed title terms */
    {"P13-phrase-bare", "\"양자 컴퓨팅\"", "phrase", "Query((SYNONYM (양자 PHRASE 2 컴퓨팅)))", 1},
    {"P14-title-phrase", "title:\"양자 컴퓨팅\"", "field=title",
     "Query((SYNONYM (S양자 PHRASE 2 S컴퓨팅)))", 1},
};

static int print_one(kofts_analyzer *a, const char *q, kofts_buf *plan, kofts_buf *fts,
                     kofts_buf *xap)
{
    kofts_plan p;
    int rc = kofts_plan_parse(&p, a, q, strlen(q));
    if (rc == 0 && strstr(q, "category:") == NULL)
        rc = 0;
    kofts_buf_clear(plan);
    kofts_buf_clear(fts);
    kofts_buf_clear(xap);
    kofts_buf_append(plan, "", 0);
    kofts_buf_append(fts, "", 0);
    kofts_buf_append(xap, "", 0);
    int g = -1;
    if (rc == 0)
        rc = kofts_plan_print(&p, plan);
    if (rc == 0 && (g = kofts_fts5_compile(&p, KOFTS_READ_ALL, fts)) >= 0)
        rc = kofts_xapian_compile(&p, KOFTS_READ_ALL, xap) == g ? 0 : -100;
    kofts_plan_free(&p);
    return rc ? rc : g;
}

/* The FTS5 table's columns must be kofts_columns, in order. */
static int check_columns(void)
{
    char path[] = "/tmp/kofts-test-plan-XXXXXX";
    int fd = mkstemp(path), bad = 0, i = 0;
    kofts_store *st = NULL;
    char *err = NULL;
    sqlite3_stmt *s = NULL;
    if (fd < 0)
        return 1;
    if (kofts_store_open(&st, path, KOFTS_STORE_CREATE | KOFTS_STORE_RESET, &err) ||
        sqlite3_prepare_v2(kofts_store_db(st), "SELECT name FROM pragma_table_info('fts')", -1, &s,
                           NULL)) {
        printf("FAIL P00-columns: %s\n", err ? err : "cannot open");
        bad = 1;
    }
    while (!bad && sqlite3_step(s) == SQLITE_ROW) {
        const char *n = (const char *)sqlite3_column_text(s, 0);
        bad = i >= KOFTS_NCOLS || strcmp(n, kofts_columns[i].name) != 0;
        i++;
    }
    bad |= i != KOFTS_NCOLS;
    printf("%s P00-columns-match-schema\n", bad ? "FAIL" : "ok  ");
    sqlite3_finalize(s);
    kofts_store_close(st);
    free(err);
    remove(path);
    char wal[64];
    snprintf(wal, sizeof wal, "%s-wal", path);
    remove(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    remove(wal);
    return bad;
}

/* kofts_plan_date_ok: the one date check of kofts-search and kofts-serve. */
static int check_dates(void)
{
    static const struct {
        const char *s;
        int ok;
    } d[] = {
        {"2024", 1},       {"2024-01", 1},    {"2024-12-31", 1}, {"0001-01-01", 1},
        {"", 0},           {"202", 0},        {"20244", 0},      {"2024-1", 0},
        {"2024-00", 0},    {"2024-13", 0},    {"2024-01-00", 0}, {"2024-01-32", 0},
        {"2024/01/01", 0}, {"2024-01-1x", 0}, {"２０２４", 0},   {"2024-01-01T00", 0},
        {"-2024", 0},      {"2024-01-", 0},
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        if (kofts_plan_date_ok(d[i].s, strlen(d[i].s)) != d[i].ok) {
            printf("     date '%s': want %s\n", d[i].s, d[i].ok ? "accepted" : "refused");
            bad = 1;
        }
    printf("%s P14-date-filters\n", bad ? "FAIL" : "ok  ");
    return bad;
}

int main(int argc, char **argv)
{
    kofts_analyzer *a = NULL;
    kofts_buf plan = {0}, fts = {0}, xap = {0};
    int fails = 0;
    if (kofts_analyzer_new(&a))
        return 1;
    if (argc == 3 && !strcmp(argv[1], "--print")) {
        int g = print_one(a, argv[2], &plan, &fts, &xap);
        printf("groups %d\n%sfts5: %s\nxapian: %s\n", g, plan.data, fts.data, xap.data);
        goto done;
    }
    fails += check_columns();
    fails += check_dates();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const plan_case *c = &cases[i];
        int g = print_one(a, c->query, &plan, &fts, &xap);
        int ok = g == c->groups && strstr(plan.data, c->plan) != NULL &&
                 (c->xap ? strstr(xap.data, c->xap) != NULL : xap.len == 0) &&
                 (g == 0) == (fts.len == 0);
        printf("%s %s\n", ok ? "ok  " : "FAIL", c->id);
        if (!ok)
            printf("     groups %d (want %d)\n%s     fts5: %s\n     xapian: %s\n", g, c->groups,
                   plan.data, fts.data, xap.data);
        fails += !ok;
    }
    printf("%d failure(s)\n", fails);
done:
    kofts_buf_free(&plan);
    kofts_buf_free(&fts);
    kofts_buf_free(&xap);
    kofts_analyzer_free(a);
    return fails ? 1 : 0;
}
