/*
 * ext_client.c - a user's program against the INSTALLED kofts.h and libkofts.so, built by
 * install.sh with `pkg-config --cflags --libs kofts`. Modes:
 *   ext_client link          register with sqlite3_auto_extension(sqlite3_kofts_init)
 *   ext_client load NAME     sqlite3_load_extension(db, NAME) (e.g. "libkofts")
 * then indexes two rows with tokenize='kofts', prints the match counts of three queries,
 * and prints kofts_error() after creating a table with a bad tokenizer argument.
 */
#include <kofts.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

static int print_rows(void *unused, int n, char **v, char **names)
{
    (void)unused;
    (void)names;
    for (int i = 0; i < n; i++)
        printf("%s%s", i ? " " : "", v[i] ? v[i] : "NULL");
    printf("\n");
    return 0;
}

int main(int argc, char **argv)
{
    sqlite3 *db = NULL;
    char *err = NULL;
    if (argc >= 2 && strcmp(argv[1], "link") == 0)
        sqlite3_auto_extension((void (*)(void))sqlite3_kofts_init);
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        return 1;
    if (argc >= 3 && strcmp(argv[1], "load") == 0) {
        sqlite3_enable_load_extension(db, 1);
        if (sqlite3_load_extension(db, argv[2], NULL, &err) != SQLITE_OK) {
            fprintf(stderr, "load: %s\n", err ? err : "?");
            return 1;
        }
    }
    const char *sql = "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='kofts');"
                      "INSERT INTO t VALUES('과학기술정보통신부가 광주와 밸리를 발표했다');"
                      "INSERT INTO t VALUES('국가구조 개편');"
                      "SELECT count(*) FROM t WHERE t MATCH '광주';"
                      "SELECT count(*) FROM t WHERE t MATCH '과학기술정보통신부';"
                      "SELECT count(*) FROM t WHERE t MATCH '가구';";
    if (sqlite3_exec(db, sql, print_rows, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "sql: %s\n", err);
        return 1;
    }
    if (sqlite3_exec(db, "CREATE VIRTUAL TABLE u USING fts5(b, tokenize='kofts no_stemm')", NULL,
                     NULL, &err) == SQLITE_OK)
        return 1;
    printf("create: %s\n", err);
    sqlite3_free(err);
    sqlite3_exec(db, "SELECT kofts_error()", print_rows, NULL, NULL);
    sqlite3_exec(db, "CREATE VIRTUAL TABLE v USING fts5(b, tokenize='kofts bigram bigram')", NULL,
                 NULL, NULL);
    sqlite3_exec(db, "SELECT kofts_error()", print_rows, NULL, NULL);
    sqlite3_exec(db, "CREATE VIRTUAL TABLE w USING fts5(b, tokenize='kofts bigram no_hanja')", NULL,
                 NULL, NULL);
    sqlite3_exec(db, "SELECT kofts_error()", print_rows, NULL, NULL);
    sqlite3_close(db);
    return 0;
}
