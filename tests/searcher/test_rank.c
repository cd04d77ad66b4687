/*
 * test_rank.c - kofts_rank(): equals -bm25() with the same weights (R01-R05), adds
 * the all-or-nothing bonus only to rows holding every group (R10), counts groups with
 * a positive coord (R11), ignores a map of the wrong length (R12), and counts a phrase
 * after NOT in no group (R13). An in-memory FTS5 table with the unicode61 tokenizer.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "kofts_rank.h"

#define W8      "w w w w w w w w "
#define LONG128 W8 W8 W8 W8 W8 W8 W8 W8 W8 W8 W8 W8 W8 W8 W8 W8 W8

static const char *const docs[][3] = {
    {"seoul rain", "rain in seoul today and rain tomorrow", "weather"},
    {"busan", "sun in busan, no rain", "weather"},
    {"news", "seoul mayor speaks about the budget", "politics"},
    {"rain rain rain", "", ""},
    {"long", "a b c d e f g h i j k l m n o p q r s t u v w x y z seoul", "misc"},
    {"longer", LONG128 " seoul rain", ""},
};

static int fails;

static void check(const char *id, int ok)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", id);
    fails += !ok;
}

/* R01-R05: kofts_rank == -bm25 for every matching row, weights w. */
static void same_as_bm25(sqlite3 *db, const char *id, const char *match, const char *w)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT rowid, kofts_rank(fts, %s), -bm25(fts, %s) FROM fts WHERE fts MATCH ?1", w, w);
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK, rows = 0;
    if (ok) {
        sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            rows++;
            double a = sqlite3_column_double(st, 1), b = sqlite3_column_double(st, 2);
            if (a != b) {
                printf("     row %lld: %.17g vs %.17g\n", sqlite3_column_int64(st, 0), a, b);
                ok = 0;
            }
        }
    }
    sqlite3_finalize(st);
    check(id, ok && rows > 0);
}

/* The kofts_rank score of row for match with coordination (coord, map). */
static double coord_score(sqlite3 *db, const char *match, double coord, const char *map,
                          long long row)
{
    sqlite3_stmt *st = NULL;
    double v = NAN;
    if (sqlite3_prepare_v2(db,
                           "SELECT kofts_rank(fts, 1, 1, 1, ?2, ?3) FROM fts WHERE fts MATCH ?1 "
                           "AND rowid = ?4",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 2, coord);
        sqlite3_bind_text(st, 3, map, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, row);
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_double(st, 0);
    }
    sqlite3_finalize(st);
    return v;
}

int main(void)
{
    sqlite3 *db = NULL;
    kofts_rank_state *state = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db, "CREATE VIRTUAL TABLE fts USING fts5(title, body, tags)", NULL, NULL,
                     NULL) != SQLITE_OK ||
        kofts_rank_register(db, &state) != SQLITE_OK) {
        fprintf(stderr, "setup failed: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(db, "INSERT INTO fts(title, body, tags) VALUES(?1, ?2, ?3)", -1, &st,
                           NULL);
        for (int c = 0; c < 3; c++)
            sqlite3_bind_text(st, c + 1, docs[i][c], -1, SQLITE_STATIC);
        sqlite3_step(st);
        sqlite3_finalize(st);
    }
    same_as_bm25(db, "R01-one-word", "rain", "1, 1, 1");
    check("R06-refresh", kofts_rank_refresh(state, "fts") == SQLITE_OK);
    same_as_bm25(db, "R07-lengths-from-memory", "rain OR seoul", "10, 1, 0.5");
    sqlite3_exec(db, "INSERT INTO fts(title, body) VALUES('rain seoul', 'a new row')", NULL, NULL,
                 NULL);
    same_as_bm25(db, "R08-row-added-after-refresh", "rain OR seoul", "1, 1, 1");
    same_as_bm25(db, "R02-weights", "rain OR seoul", "10, 1, 0.5");
    same_as_bm25(db, "R03-columns-and-phrase", "{title body} : \"rain tomorrow\" OR seoul",
                 "2, 1, 3");
    same_as_bm25(db, "R04-and-not", "(rain OR sun) NOT busan", "1, 2, 1");
    same_as_bm25(db, "R05-zero-weight", "seoul OR weather", "0, 1, 1");

    /* rows: 1 = seoul + rain, 2 = rain only (busan), 3 = seoul only */
    double both = coord_score(db, "rain OR seoul", -1000, "0,1", 1);
    double one = coord_score(db, "rain OR seoul", -1000, "0,1", 2);
    double plain = coord_score(db, "rain OR seoul", 0, "0,1", 1);
    check("R10-all-or-nothing", both >= 1000 && one < 1000 && fabs(both - 1000 - plain) < 1e-9);
    double two = coord_score(db, "rain OR seoul", 10, "0,1", 1);
    double only = coord_score(db, "rain OR seoul", 10, "0,1", 3);
    check("R11-count", two >= 20 && two < 30 && only >= 10 && only < 20);
    check("R12-wrong-map", coord_score(db, "rain OR seoul", -1000, "0", 1) < 1000);
    /* R14: with phrase keys the row counts of a second query come from the cache:
     * equal to bm25 when the keys name the same phrases, and (a misuse, to show the
     * cache is used) different when the same keys name other phrases. */
    {
        static const char *const q[3] = {"rain OR sun", "rain OR sun", "sun OR rain"};
        int same[3] = {0, 0, 0};
        for (int pass = 0; pass < 3; pass++) {
            sqlite3_stmt *st = NULL;
            same[pass] = sqlite3_prepare_v2(db,
                                            "SELECT kofts_rank(fts, 1, 2, 1, 0, '0,1', "
                                            "'k1\x1e"
                                            "k2'), -bm25(fts, 1, 2, 1) FROM fts WHERE fts MATCH ?1",
                                            -1, &st, NULL) == SQLITE_OK;
            sqlite3_bind_text(st, 1, q[pass], -1, SQLITE_STATIC);
            while (same[pass] && sqlite3_step(st) == SQLITE_ROW)
                same[pass] = sqlite3_column_double(st, 0) == sqlite3_column_double(st, 1);
            sqlite3_finalize(st);
        }
        check("R14-cached-row-counts", same[0] && same[1] && !same[2]);
    }
    check("R13-not-phrase",
          coord_score(db, "(rain OR seoul) NOT busan", -1000, "0,0,-1", 1) >= 1000);
    sqlite3_close(db);
    printf("%d failure(s)\n", fails);
    return fails ? 1 : 0;
}
