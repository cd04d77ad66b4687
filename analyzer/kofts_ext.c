/*
 * kofts_ext.c - SQLite loadable extension entry point: `.load ./build/libkofts`
 * (or sqlite3_load_extension) registers the "kofts" FTS5 tokenizer on that
 * connection, so any SQLite binding can use the Korean analyzer.
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "kofts_fts5.h"

int sqlite3_kofts_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

int sqlite3_kofts_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi)
{
    SQLITE_EXTENSION_INIT2(pApi);
    int rc = kofts_fts5_register(db);
    if (rc != SQLITE_OK && pzErrMsg)
        *pzErrMsg =
            sqlite3_mprintf("kofts: cannot register the FTS5 tokenizer (%s)", sqlite3_errstr(rc));
    return rc;
}
