/*
 * kofts_writer.h - the single writer: every SQLite write of kofts-index goes here.
 *
 *   file_begin(path) --> put(doc)... --> file_end(path, size, mtime, hash)
 *        |                  |                 |
 *        |                  |                 +-- docs of path not put since
 *        |                  |                     file_begin are removed; the
 *        |                  |                     `files` row is upserted
 *        |                  +-- docs: insert, or (hash differs) FTS5 'delete' with
 *        |                      the old fts_content values + update; fts insert
 *        |                      with the worker's pre-analysed token streams
 *        +-- starts the list of rowids kept for path
 *
 * Writes are grouped into transactions (BEGIN IMMEDIATE ... COMMIT); commit() ends
 * one at a batch boundary. Because a file's `files` row is written in the same
 * transaction as its last documents, a crash at any moment leaves a valid index
 * and the next run re-reads exactly the files that were not finished.
 * Not thread-safe: use from one thread at a time.
 */
#ifndef KOFTS_WRITER_H
#define KOFTS_WRITER_H

#include <stddef.h>

#include "kofts_doc.h"

typedef struct kofts_writer kofts_writer;

/* Outcome of kofts_writer_put. */
typedef enum {
    KOFTS_PUT_NEW = 0,      /* a new document */
    KOFTS_PUT_UPDATED = 1,  /* replaced a stored document with different content */
    KOFTS_PUT_UNCHANGED = 2 /* same content already stored */
} kofts_put_outcome;

/*
 * Open (and create) the index at path; reset (KOFTS_STORE_RESET) when full is set.
 * On success *out is owned by the caller (kofts_writer_close). On failure returns a
 * negative KOFTS_E* code and *errmsg gets a malloc'd message (caller frees).
 */
int kofts_writer_open(kofts_writer **out, const char *path, int full, char **errmsg);

/* Call cb for every row of `files` with its document count. Returns 0, the first
 * non-zero value of cb, or KOFTS_EIO. */
typedef int (*kofts_files_cb)(void *ctx, const char *path, long long size, long long mtime,
                              const char *hash, long long ndocs);
int kofts_writer_each_file(kofts_writer *w, kofts_files_cb cb, void *ctx);

/* Number of documents in the index. */
long long kofts_writer_doc_count(kofts_writer *w);

/* Start collecting the documents of file path (see file_end). */
int kofts_writer_file_begin(kofts_writer *w, const char *path);

/*
 * Store d (finished with kofts_doc_finish). *outcome tells what happened. If the id
 * was already written earlier in this run, *dup_of gets the source of that earlier
 * document (borrowed until the next call), else NULL. Returns 0 or a negative code
 * (message in kofts_writer_errmsg).
 */
int kofts_writer_put(kofts_writer *w, kofts_doc *d, kofts_put_outcome *outcome,
                     const char **dup_of);

/*
 * Finish file path: remove its documents not put since file_begin (their count is
 * added to *removed) and record size/mtime/hash in `files`.
 */
int kofts_writer_file_end(kofts_writer *w, const char *path, long long size, long long mtime,
                          const char *hash, long long *removed);

/* Record a new size/mtime for a file whose content hash did not change. */
int kofts_writer_file_touch(kofts_writer *w, const char *path, long long size, long long mtime);

/* Remove file path's documents and its `files` row; adds the count to *removed. */
int kofts_writer_file_remove(kofts_writer *w, const char *path, long long *removed);

/* Commit the open transaction, if any. Returns 0 or a negative code. */
int kofts_writer_commit(kofts_writer *w);

/* Documents written in the open transaction (to decide when to commit). */
long long kofts_writer_pending(const kofts_writer *w);

/* After a large build: merge FTS5 segments and checkpoint the WAL. */
int kofts_writer_optimize(kofts_writer *w);

/* The last error; borrowed, valid until the next call. */
const char *kofts_writer_errmsg(const kofts_writer *w);

/* The SQLite handle (for tests and checks); borrowed until close. */
struct sqlite3 *kofts_writer_db(kofts_writer *w);

/* Roll back anything uncommitted and close; NULL is allowed. */
void kofts_writer_close(kofts_writer *w);

/* The slot holding the dictionary bodies are to be compressed with for this writer
 * (kofts_doc_finish, in the workers); borrowed until kofts_writer_close. It changes
 * during a run when the writer trains the index's dictionary. */
const kofts_textz_slot *kofts_writer_textz(const kofts_writer *w);

#endif /* KOFTS_WRITER_H */
