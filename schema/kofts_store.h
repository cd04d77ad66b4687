/*
 * kofts_store.h - open, create and check a kofts index (an SQLite database).
 *
 * The schema is in schema/NNN_*.sql (compiled in). Opening registers the "kofts"
 * FTS5 tokenizer, turns on WAL, mmap and a busy timeout, and checks that the file
 * was made by this schema version and analyzer version; if not, opening fails with
 * a message telling the user to run `kofts-index --full`.
 */
#ifndef KOFTS_STORE_H
#define KOFTS_STORE_H

#include <sqlite3.h>

/* 2: bodies compressed in doc_store, docs is a view; 3: + doc_dict (zstd dictionary) */
#define KOFTS_SCHEMA_VERSION 5

typedef struct kofts_store kofts_store;

#define KOFTS_STORE_READONLY 0x01 /* open read-only; the file must exist */
#define KOFTS_STORE_CREATE   0x02 /* create the file and schema when missing */
#define KOFTS_STORE_RESET    0x04 /* drop everything and start a new, empty index */

/*
 * Open the index at path. On success *out is a new handle owned by the caller
 * (close with kofts_store_close) and 0 is returned. On failure a negative KOFTS_E*
 * code is returned and, if errmsg is not NULL, *errmsg gets a malloc'd message that
 * names the file and what to do (the caller frees it); *out is NULL.
 */
int kofts_store_open(kofts_store **out, const char *path, int flags, char **errmsg);

/* The SQLite handle; borrowed, valid until kofts_store_close. */
sqlite3 *kofts_store_db(kofts_store *s);

/* The path given to kofts_store_open; borrowed, valid until kofts_store_close. */
const char *kofts_store_path(const kofts_store *s);

/* Read a kofts_meta value into a malloc'd string (*out, caller frees); NULL if absent. */
int kofts_store_meta_get(kofts_store *s, const char *key, char **out);

/*
 * Waiting out a journal-mode switch. kofts-index switches an index to WAL when a run
 * starts and back to the rollback journal when it ends (so that readers without write
 * access can open it: see kofts_store.c). Right after either switch the file can say
 * WAL while its -wal file is not there, and a reader that may not create it fails with
 * SQLITE_READONLY until the writer's next step: a moment, unless the writer died in
 * between. Lock waits have their own timeout (sqlite3_busy_timeout, set at open); this
 * covers the codes SQLite returns without waiting.
 */
#define KOFTS_STORE_READ_WAIT_MS 1000

/* sqlite3_step(st), repeated (after sqlite3_reset) for up to KOFTS_STORE_READ_WAIT_MS
 * while it fails with a code such a moment causes (busy, locked, protocol, readonly,
 * cantopen). Returns the last step's code; *waited_ms (may be NULL) the time spent. */
int kofts_store_step_wait(sqlite3_stmt *st, double *waited_ms);

/* What rc, a read's failure after kofts_store_step_wait, means for the user: a
 * sentence in parentheses with a leading blank, or "". */
const char *kofts_store_read_hint(int rc);

/* Close the handle; NULL is allowed. */
void kofts_store_close(kofts_store *s);

#endif /* KOFTS_STORE_H */
