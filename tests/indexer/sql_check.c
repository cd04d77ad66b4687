/*
 * sql_check.c - test helper: open a kofts index with kofts_store_open (so the kofts
 * tokenizer is registered) and run one SQL statement, printing each row as
 * tab-separated values. Used by the indexer shell tests to query FTS5 directly.
 *
 *   kofts-index-sql DB "SELECT rowid FROM fts WHERE fts MATCH '미사일'"
 *
 * Exit 0 on success, 1 on any SQLite error (message on stderr), 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>

#include "kofts_store.h"

int main(int argc, char **argv)
{
    int rc = 0;
    kofts_store *s = NULL;
    sqlite3_stmt *st = NULL;
    char *err = NULL;
    if (argc != 3) {
        fprintf(stderr, "usage: kofts-index-sql DB SQL\n");
        return 2;
    }
    if (kofts_store_open(&s, argv[1], 0, &err) != 0) {
        fprintf(stderr, "kofts-index-sql: %s\n", err ? err : "cannot open");
        rc = 1;
        goto done;
    }
    sqlite3 *db = kofts_store_db(s);
    if (sqlite3_prepare_v2(db, argv[2], -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "kofts-index-sql: %s\n", sqlite3_errmsg(db));
        rc = 1;
        goto done;
    }
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const unsigned char *v = sqlite3_column_text(st, i);
            printf("%s%s", i ? "\t" : "", v ? (const char *)v : "");
        }
        printf("\n");
    }
    if (src != SQLITE_DONE) {
        fprintf(stderr, "kofts-index-sql: %s\n", sqlite3_errmsg(db));
        rc = 1;
    }
done:
    sqlite3_finalize(st);
    kofts_store_close(s);
    free(err);
    return rc;
}
