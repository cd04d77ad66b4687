/*
 * mkindex.c - test helper: build a kofts index straight through SQL from JSON-lines
 * files ({"id","title","category"|"categories","tags","date","excerpt","body"}), the
 * same strings the fts_content view gives FTS5. Lets the searcher be tested (and its
 * weights tuned) without kofts-index. Usage: kofts-search-mkindex DB FILE.jsonl...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "kofts_store.h"
#include "kofts_util.h"

/* Join a string or an array of strings with '\n' into b. */
static int list_of(const cJSON *v, kofts_buf *b)
{
    kofts_buf_clear(b);
    if (kofts_buf_append(b, "", 0))
        return -1;
    if (cJSON_IsString(v))
        return kofts_buf_puts(b, v->valuestring);
    const cJSON *it;
    cJSON_ArrayForEach(it, v)
    {
        if (!cJSON_IsString(it))
            continue;
        if ((b->len && kofts_buf_puts(b, "\n")) || kofts_buf_puts(b, it->valuestring))
            return -1;
    }
    return 0;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

int main(int argc, char **argv)
{
    int rc = 0;
    kofts_store *st = NULL;
    char *err = NULL, *line = NULL;
    size_t cap = 0;
    sqlite3_stmt *ins = NULL, *fts = NULL, *cat = NULL;
    kofts_buf cats = {0}, tags = {0};
    if (argc < 3) {
        fprintf(stderr, "usage: kofts-search-mkindex DB FILE.jsonl...\n");
        return 2;
    }
    if (kofts_store_open(&st, argv[1], KOFTS_STORE_CREATE | KOFTS_STORE_RESET, &err)) {
        fprintf(stderr, "kofts-search-mkindex: %s\n", err ? err : "cannot open");
        rc = 1;
        goto done;
    }
    sqlite3 *db = kofts_store_db(st);
    if (sqlite3_prepare_v2(
            db,
            "INSERT OR REPLACE INTO docs(id,source,title,categories,tags,date,excerpt,"
            "body,extra) VALUES(?,?,?,?,?,?,?,?,?)",
            -1, &ins, NULL) ||
        sqlite3_prepare_v2(
            db,
            "INSERT INTO fts(rowid,title,excerpt,body,extra,tags,bigram) SELECT rowid,"
            "title,excerpt,body,extra,tags,bigram FROM fts_content WHERE rowid=?",
            -1, &fts, NULL) ||
        sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO doc_category(category,rowid) VALUES(?,?)", -1,
                           &cat, NULL)) {
        fprintf(stderr, "kofts-search-mkindex: %s\n", sqlite3_errmsg(db));
        rc = 1;
        goto done;
    }
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    long n = 0;
    for (int f = 2; f < argc && !rc; f++) {
        FILE *in = fopen(argv[f], "r");
        if (!in) {
            fprintf(stderr, "kofts-search-mkindex: cannot read %s\n", argv[f]);
            rc = 1;
            break;
        }
        while (getline(&line, &cap, in) > 0) {
            cJSON *o = cJSON_Parse(line);
            if (!o)
                continue;
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "categories");
            if (!c)
                c = cJSON_GetObjectItemCaseSensitive(o, "category");
            if (list_of(c, &cats) || list_of(cJSON_GetObjectItemCaseSensitive(o, "tags"), &tags)) {
                rc = 1;
                cJSON_Delete(o);
                break;
            }
            sqlite3_bind_text(ins, 1, str_of(o, "id"), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 2, argv[f], -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, str_of(o, "title"), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 4, cats.data, (int)cats.len, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 5, tags.data, (int)tags.len, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 6, str_of(o, "date"), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 7, str_of(o, "excerpt"), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 8, str_of(o, "body"), -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 9, str_of(o, "extra"), -1, SQLITE_TRANSIENT);
            int src = sqlite3_step(ins);
            sqlite3_reset(ins);
            cJSON_Delete(o);
            if (src != SQLITE_DONE) {
                fprintf(stderr, "kofts-search-mkindex: %s\n", sqlite3_errmsg(db));
                rc = 1;
                break;
            }
            sqlite3_int64 rowid = sqlite3_last_insert_rowid(db);
            sqlite3_bind_int64(fts, 1, rowid);
            src = sqlite3_step(fts);
            sqlite3_reset(fts);
            if (src != SQLITE_DONE) {
                fprintf(stderr, "kofts-search-mkindex: fts: %s\n", sqlite3_errmsg(db));
                rc = 1;
                break;
            }
            for (char *p = cats.data; p && *p;) {
                char *e = strchr(p, '\n');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                if (len) {
                    sqlite3_bind_text(cat, 1, p, (int)len, SQLITE_TRANSIENT);
                    sqlite3_bind_int64(cat, 2, rowid);
                    sqlite3_step(cat);
                    sqlite3_reset(cat);
                }
                p += len + (e ? 1 : 0);
            }
            n++;
        }
        fclose(in);
    }
    if (!rc && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "kofts-search-mkindex: commit: %s\n", sqlite3_errmsg(db));
        rc = 1;
    }
    if (!rc)
        fprintf(stderr, "kofts-search-mkindex: %ld documents\n", n);
done:
    sqlite3_finalize(ins);
    sqlite3_finalize(fts);
    sqlite3_finalize(cat);
    kofts_store_close(st);
    kofts_buf_free(&cats);
    kofts_buf_free(&tags);
    free(line);
    free(err);
    return rc;
}
