/*
 * kofts_index_writer.h - the writer interface of kofts-index: where finished
 * documents go, as a struct of function pointers (like libgit2's git_odb_backend or
 * SQLite's sqlite3_vfs). The pipeline (kofts_index.c) and test tools call only this;
 * each backend lives in its own file:
 *
 *   kofts_writer_fts5.c   wraps kofts_writer.c (the SQLite FTS5 index)
 *   kofts_writer_xapian.c Xapian shards, one thread each (see xapian/kofts_xschema.h)
 *
 * Contract of every backend (the verbs are those of kofts_writer.h):
 *   file_begin(path) --> put(doc)... --> file_end(path, size, mtime, hash)
 * file_end removes the documents of path not put since file_begin and records the
 * file's state; that state must become durable in the same commit as the documents,
 * so that after a crash the next run re-reads exactly the files that were not
 * finished. commit() makes everything before it durable. Not thread-safe.
 */
#ifndef KOFTS_INDEX_WRITER_H
#define KOFTS_INDEX_WRITER_H

#include "kofts_doc.h"
#include "kofts_writer.h"

#define KOFTS_INDEX_WRITER_VERSION 2 /* 2: textz */

typedef struct kofts_index_writer kofts_index_writer;

struct kofts_index_writer {
    int version;           /* KOFTS_INDEX_WRITER_VERSION */
    const char *name;      /* "fts5", "xapian" */
    long long commit_docs; /* commit at most this often in documents (0: the pipeline's
                              --batch); a backend whose commits are costly raises it */
    double commit_seconds; /* and in seconds (0: the pipeline's default) */

    /* Roll back anything uncommitted, close and free; NULL is allowed. */
    void (*close)(kofts_index_writer *w);
    /* The last error ("SUBJECT: PROBLEM: DETAIL"); borrowed until the next call. */
    const char *(*errmsg)(const kofts_index_writer *w);
    /* Documents in the index. */
    long long (*doc_count)(kofts_index_writer *w);
    /* Call cb for every recorded file; 0, the first non-zero cb value, or a code. */
    int (*each_file)(kofts_index_writer *w, kofts_files_cb cb, void *ctx);
    /* Start collecting the documents of file path. */
    int (*file_begin)(kofts_index_writer *w, const char *path);
    /* Store d (finished, maybe analysed); see kofts_writer_put. */
    int (*put)(kofts_index_writer *w, kofts_doc *d, kofts_put_outcome *outcome,
               const char **dup_of);
    /* Finish file path; see kofts_writer_file_end. */
    int (*file_end)(kofts_index_writer *w, const char *path, long long size, long long mtime,
                    const char *hash, long long *removed);
    /* Record a new size/mtime for an unchanged file. */
    int (*file_touch)(kofts_index_writer *w, const char *path, long long size, long long mtime);
    /* Remove file path's documents and its record; adds the count to *removed. */
    int (*file_remove)(kofts_index_writer *w, const char *path, long long *removed);
    /* Make everything written so far durable. */
    int (*commit)(kofts_index_writer *w);
    /* Documents written since the last commit. */
    long long (*pending)(const kofts_index_writer *w);
    /* After a large build: compact/merge what the backend can. */
    int (*optimize)(kofts_index_writer *w);
    /* The dictionary slot the pipeline's workers compress bodies with (kofts_doc_finish),
     * borrowed until close; NULL result: compress without a dictionary. NULL function:
     * the backend stores no compressed body (d->zbody), so the workers make none. */
    const kofts_textz_slot *(*textz)(kofts_index_writer *w);
};

/* Options for opening a writer. */
typedef struct {
    const char *backend; /* "fts5" or "xapian"; NULL: the existing index's (a kofts Xapian
                            stub file at path: xapian), else fts5 */
    int full;            /* start a new, empty index */
    int shards;          /* xapian: shards to write (>= 1; 0 = number of cores) */
} kofts_index_writer_opts;

/*
 * Open the writer named by o->backend on the index at path (created when missing).
 * On success *out is owned by the caller ((*out)->close). On failure returns a
 * negative KOFTS_E* code and *errmsg gets a malloc'd message (caller frees).
 */
int kofts_index_writer_open(kofts_index_writer **out, const char *path,
                            const kofts_index_writer_opts *o, char **errmsg);

/* The FTS5 writer (kofts_writer_fts5.c). Same contract as kofts_index_writer_open. */
int kofts_index_writer_open_fts5(kofts_index_writer **out, const char *path, int full,
                                 char **errmsg);

/* The Xapian writer (kofts_writer_xapian.c): shards (0 = number of cores; an existing
 * index keeps its count unless full). Same contract as kofts_index_writer_open. */
int kofts_index_writer_open_xapian(kofts_index_writer **out, const char *path, int full, int shards,
                                   char **errmsg);

#endif /* KOFTS_INDEX_WRITER_H */
