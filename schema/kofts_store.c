/*
 * kofts_store.c - open, create and version-check a kofts index.
 */
#include "kofts_store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kofts_analyzer.h"
#include "kofts_fts5.h"
#include "kofts_util.h"
#include "schema_sql.h"

struct kofts_store {
    sqlite3 *db;  /* owned */
    char *path;   /* owned copy of the path */
    int writable; /* opened read-write: leave_readable() runs on close */
};

static char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *s = sqlite3_vmprintf(f, ap);
    va_end(ap);
    char *out = s ? strdup(s) : NULL;
    sqlite3_free(s);
    return out;
}

static int exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static int transient_read_error(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PROTOCOL:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
        return 1;
    default:
        return 0;
    }
}

/* Whether a read that failed with rc, first tried at t0, may be tried again: rc is a
 * code a journal-mode switch causes and KOFTS_STORE_READ_WAIT_MS have not passed. Then
 * it pauses first (*pause_ms: 1, 2, 4 ... 32, then 50 ms). */
static int retry_read(int rc, double t0, int *pause_ms)
{
    if (!transient_read_error(rc) || kofts_mono_s() * 1e3 - t0 >= KOFTS_STORE_READ_WAIT_MS)
        return 0;
    usleep((useconds_t)*pause_ms * 1000);
    *pause_ms = *pause_ms < 32 ? *pause_ms * 2 : 50;
    return 1;
}

int kofts_store_step_wait(sqlite3_stmt *st, double *waited_ms)
{
    double t0 = kofts_mono_s() * 1e3;
    int rc, pause_ms = 1;
    while ((rc = sqlite3_step(st)) != SQLITE_ROW && rc != SQLITE_DONE &&
           retry_read(rc, t0, &pause_ms))
        sqlite3_reset(st);
    if (waited_ms)
        *waited_ms = kofts_mono_s() * 1e3 - t0;
    return rc;
}

const char *kofts_store_read_hint(int rc)
{
    return (rc & 0xff) == SQLITE_READONLY
               ? " (it is in WAL mode without its -wal file, which this user may not create: "
                 "kofts-index is starting, or stopped before it finished; a run of kofts-index "
                 "leaves it readable)"
               : "";
}

/* Prepare and step "SELECT count(*) FROM sqlite_schema" (which reads the file: the
 * first read of a new connection), waiting out a journal-mode switch as
 * kofts_store_step_wait does. The count of schema objects, or -1 (see the db's error). */
static int count_schema(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    double t0 = kofts_mono_s() * 1e3;
    int rc, n = -1, pause_ms = 1;
    while ((rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL)) !=
               SQLITE_OK &&
           retry_read(rc, t0, &pause_ms))
        ;
    if (rc == SQLITE_OK && kofts_store_step_wait(st, NULL) == SQLITE_ROW)
        n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

int kofts_store_meta_get(kofts_store *s, const char *key, char **out)
{
    int rc = 0;
    sqlite3_stmt *st = NULL;
    *out = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM kofts_meta WHERE key=?", -1, &st, NULL)) {
        rc = KOFTS_EIO;
        goto done;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        *out = strdup(v ? v : "");
        if (!*out)
            rc = KOFTS_ENOMEM;
    } else if (src != SQLITE_DONE) {
        rc = KOFTS_EIO;
    }
done:
    sqlite3_finalize(st);
    return rc;
}

static int table_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE name=?", -1, &st, NULL) == 0) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

static int create_schema(sqlite3 *db)
{
    char created[32];
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    /* After drop_all() its transaction is still open: the reset and the new schema
     * commit together, so a reader never sees an index without tables. */
    int rc = sqlite3_get_autocommit(db) ? exec(db, "BEGIN IMMEDIATE") : 0;
    if (rc)
        return rc;
    rc = exec(db, kofts_schema_sql);
    if (rc == 0) {
        char *sql =
            sqlite3_mprintf("INSERT OR REPLACE INTO kofts_meta(key,value) VALUES"
                            "('schema_version','%d'),('analyzer_version',%Q),('created_at',%Q)",
                            KOFTS_SCHEMA_VERSION, KOFTS_ANALYZER_VERSION, created);
        rc = sql ? exec(db, sql) : SQLITE_NOMEM;
        sqlite3_free(sql);
    }
    if (rc == 0)
        rc = exec(db, "COMMIT");
    if (rc)
        exec(db, "ROLLBACK");
    return rc;
}

/* Drop every table inside a transaction that stays open: create_schema() commits it.
 * Schema 1 had a docs table, schema 2 a doc_store table and a docs view, schema 3 also
 * doc_dict. */
static int drop_all(sqlite3 *db)
{
    int rc = exec(db, "BEGIN IMMEDIATE;"
                      "DROP TABLE IF EXISTS fts; DROP VIEW IF EXISTS fts_content;"
                      "DROP TABLE IF EXISTS doc_category;");
    if (rc == 0) {
        sqlite3_stmt *st = NULL;
        char type[8] = "";
        if (sqlite3_prepare_v2(db, "SELECT type FROM sqlite_schema WHERE name='docs'", -1, &st,
                               NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            snprintf(type, sizeof type, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        if (strcmp(type, "view") == 0)
            rc = exec(db, "DROP VIEW docs");
        else if (strcmp(type, "table") == 0)
            rc = exec(db, "DROP TABLE docs");
    }
    if (rc == 0)
        rc = exec(db, "DROP TABLE IF EXISTS doc_store; DROP TABLE IF EXISTS files;"
                      "DROP TABLE IF EXISTS doc_dict;"
                      "DROP TABLE IF EXISTS kofts_meta; PRAGMA user_version=0;");
    if (rc && !sqlite3_get_autocommit(db))
        exec(db, "ROLLBACK");
    return rc;
}

/* 1 if a read failed on db because the file is in WAL mode (header byte 18 is 2) and
 * there is no -shm file next to it (a read-only user cannot create one). */
static int wal_without_shm(sqlite3 *db, const char *path)
{
    int ec = sqlite3_errcode(db) & 0xff; /* extended codes are on */
    if (ec != SQLITE_READONLY && ec != SQLITE_CANTOPEN)
        return 0;
    unsigned char hdr[20];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(hdr, 1, sizeof hdr, f) : 0;
    if (f)
        fclose(f);
    char *shm = sqlite3_mprintf("%s-shm", path);
    int missing = shm && access(shm, F_OK) != 0;
    sqlite3_free(shm);
    return n == sizeof hdr && hdr[18] == 2 && missing;
}

/* Step 1 of kofts_store_open: the connection, the tokenizer, the busy timeout. */
static int open_connection(kofts_store *s, int flags, char **errmsg)
{
    int oflags = (flags & KOFTS_STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (flags & KOFTS_STORE_CREATE)
        oflags |= SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(s->path, &s->db, oflags, NULL) != SQLITE_OK) {
        *errmsg = fmt("%s: cannot open index: %s%s", s->path,
                      s->db ? sqlite3_errmsg(s->db) : "out of memory",
                      (flags & KOFTS_STORE_CREATE) ? "" : " (build one with kofts-index)");
        return KOFTS_EIO;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, 10000);
    if (kofts_fts5_register(s->db) != SQLITE_OK) {
        *errmsg =
            fmt("%s: cannot register the kofts tokenizer: %s", s->path, sqlite3_errmsg(s->db));
        return KOFTS_ERROR;
    }
    exec(s->db, "PRAGMA mmap_size=268435456");
    return 0;
}

/* Step 2 (writers): page size of a new file, WAL, and the reset of KOFTS_STORE_RESET. */
static int prepare_writer(kofts_store *s, int flags, char **errmsg)
{
    /* A new file gets 16 KB pages (no effect on an existing one): stored documents
     * of 1-3 KB leave a fifth of 4 KB pages empty (dbstat on ../shared/corpus:
     * 1.9 of 8.9 MB), 16 KB pages 0.7 MB; the index is 1.1 MB (3%) smaller. */
    exec(s->db, "PRAGMA page_size=16384");
    int persist = 1; /* keep -wal/-shm on close: see leave_readable() */
    sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    if (exec(s->db, "PRAGMA journal_mode=WAL") || exec(s->db, "PRAGMA synchronous=NORMAL")) {
        *errmsg = fmt("%s: not a usable SQLite database: %s", s->path, sqlite3_errmsg(s->db));
        return KOFTS_EIO;
    }
    if ((flags & KOFTS_STORE_RESET) && drop_all(s->db)) {
        *errmsg = fmt("%s: cannot reset index: %s", s->path, sqlite3_errmsg(s->db));
        return KOFTS_EIO;
    }
    return 0;
}

/* Step 3: a file without kofts_meta is a new index when it is empty (and we may write),
 * else not ours. */
static int adopt_or_create(kofts_store *s, int flags, char **errmsg)
{
    int n = count_schema(s->db);
    if (n > 0 && table_exists(s->db, "kofts_meta"))
        return 0;
    int ro = flags & KOFTS_STORE_READONLY;
    if (n < 0 && ro && wal_without_shm(s->db, s->path)) {
        *errmsg = fmt("%s: cannot read the index: it is in WAL mode and its -shm file "
                      "is missing, which this user may not create in that folder; run "
                      "kofts-index on it once (it leaves the index readable), or "
                      "`sqlite3 %s 'PRAGMA journal_mode=DELETE'` as its owner",
                      s->path, s->path);
        return KOFTS_EIO;
    }
    if (n != 0) {
        *errmsg = fmt("%s: not a kofts index (%s)", s->path,
                      n < 0 ? sqlite3_errmsg(s->db) : "no kofts_meta table");
        return KOFTS_EVERSION;
    }
    if (ro) {
        *errmsg =
            fmt("%s: empty database, not a kofts index (build one with kofts-index)", s->path);
        return KOFTS_EVERSION;
    }
    if (create_schema(s->db)) {
        *errmsg = fmt("%s: cannot create the index schema: %s", s->path, sqlite3_errmsg(s->db));
        return KOFTS_EIO;
    }
    return 0;
}

/* Step 4: the schema and analyzer versions the file was built with must be ours. */
static int check_versions(kofts_store *s, char **errmsg)
{
    char *sv = NULL, *av = NULL;
    int rc = 0;
    if (kofts_store_meta_get(s, "schema_version", &sv) ||
        kofts_store_meta_get(s, "analyzer_version", &av)) {
        *errmsg = fmt("%s: cannot read index metadata: %s", s->path, sqlite3_errmsg(s->db));
        rc = KOFTS_EIO;
    } else if (!sv || atoi(sv) != KOFTS_SCHEMA_VERSION || !av ||
               strcmp(av, KOFTS_ANALYZER_VERSION)) {
        *errmsg = fmt("%s: index was built with schema %s and analyzer %s, but this kofts "
                      "uses schema %d and analyzer %s; rebuild it with `kofts-index --full`",
                      s->path, sv ? sv : "?", av ? av : "?", KOFTS_SCHEMA_VERSION,
                      KOFTS_ANALYZER_VERSION);
        rc = KOFTS_EVERSION;
    }
    free(sv);
    free(av);
    return rc;
}

int kofts_store_open(kofts_store **out, const char *path, int flags, char **errmsg)
{
    char *msg = NULL;
    int rc = 0;
    kofts_store *s = calloc(1, sizeof *s);
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (!s || !(s->path = strdup(path))) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    s->writable = !(flags & KOFTS_STORE_READONLY);
    if ((rc = open_connection(s, flags, &msg)) ||
        (s->writable && (rc = prepare_writer(s, flags, &msg))) ||
        (rc = adopt_or_create(s, flags, &msg)) || (rc = check_versions(s, &msg)))
        goto done;
    *out = s;
    s = NULL;
done:
    if (errmsg)
        *errmsg = msg;
    else
        free(msg);
    kofts_store_close(s);
    return rc;
}

sqlite3 *kofts_store_db(kofts_store *s)
{
    return s->db;
}

const char *kofts_store_path(const kofts_store *s)
{
    return s->path;
}

/*
 * Leave the index so that a reader without write access to the file or its folder can
 * open it (kofts-serve as another user): fold the WAL back into the file and switch to
 * the rollback journal, so readers need no -wal/-shm files. While other connections
 * have the index open in WAL mode (a running kofts-serve) the switch is refused and the
 * file stays in WAL mode; then its -wal/-shm files stay too (SQLITE_FCNTL_PERSIST_WAL,
 * set at open), and SQLite (>= 3.22) lets read-only readers use them. The next writer
 * switches to WAL again. Best effort: the index is valid either way.
 */
static void leave_readable(kofts_store *s)
{
    sqlite3_busy_timeout(s->db, 0);
    exec(s->db, "PRAGMA wal_checkpoint(TRUNCATE)");
    int persist = 0; /* a successful switch removes -wal/-shm */
    sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    if (exec(s->db, "PRAGMA journal_mode=DELETE") != SQLITE_OK) {
        persist = 1;
        sqlite3_file_control(s->db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    }
}

void kofts_store_close(kofts_store *s)
{
    if (!s)
        return;
    if (s->writable && s->db && sqlite3_get_autocommit(s->db))
        leave_readable(s);
    sqlite3_close_v2(s->db);
    free(s->path);
    free(s);
}
