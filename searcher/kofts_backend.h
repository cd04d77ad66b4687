/*
 * kofts_backend.h - the search backend interface: what kofts_search needs from an
 * index, as a struct of function pointers (like libgit2's git_odb_backend or SQLite's
 * sqlite3_vfs). kofts_search parses the query into a kofts_plan, applies the fallback
 * rules and assembles the result; a backend only compiles and runs a plan.
 *
 *   kofts_search --plan, reading--> backend->count / run --> (ref, score) hits
 *                --ref-->           backend->doc          --> stored fields
 *
 * A backend handle is made by its open function (kofts_backend_fts5_open, ...) and
 * freed by its own close. Not thread-safe: one handle per thread.
 */
#ifndef KOFTS_BACKEND_H
#define KOFTS_BACKEND_H

#include <stddef.h>

#include "kofts_columns.h"
#include "kofts_plan.h"
#include "kofts_util.h"

#define KOFTS_BACKEND_VERSION 2 /* 2: count_hits */

/* How hits are ordered. */
typedef enum {
    KOFTS_SORT_RELEVANCE = 0, /* best score first */
    KOFTS_SORT_DATE = 1,      /* newest first, score breaks ties */
} kofts_sort;

/* One ranked hit from a backend. */
typedef struct {
    long long ref; /* the backend's document handle (FTS5 rowid, Xapian docid) */
    double score;  /* higher is better */
} kofts_backend_hit;

/* A document's stored fields; borrowed from the backend until its next call. */
typedef struct {
    const char *id;
    const char *title;
    const char *date;       /* ISO date or "" */
    const char *categories; /* '\n'-separated */
    const char *body;
    size_t body_len;
    const char *excerpt;
    size_t excerpt_len;
    const char *url;    /* "" when unknown */
    const char *source; /* the file it came from, as indexed (docs.source); "" if unknown */
} kofts_backend_doc;

/* A reading to count or run: KOFTS_READ_ALL / KOFTS_READ_ANY, or one term alone. */
typedef struct {
    int reading; /* KOFTS_READ_ALL or KOFTS_READ_ANY (ignored when term >= 0) */
    int term;    /* >= 0: only term `term` of the plan, without filters (explain) */
} kofts_backend_read;

typedef struct kofts_backend kofts_backend;

struct kofts_backend {
    int version;      /* KOFTS_BACKEND_VERSION */
    const char *name; /* "fts5", "xapian" */

    /* Close the handle and free it; NULL is allowed. */
    void (*close)(kofts_backend *b);

    /* The last error message ("SUBJECT: PROBLEM: DETAIL"); borrowed until the next call. */
    const char *(*errmsg)(const kofts_backend *b);

    /* Documents in the index (when opened). */
    long long (*doc_count)(kofts_backend *b);

    /* Documents holding token tok[0..len) in any word column; -1 when unknown. */
    long long (*token_df)(kofts_backend *b, const char *tok, size_t len);

    /*
     * Append the backend's own printable form of what rd compiles to (FTS5
     * expression, Xapian query description). Returns the number of groups used
     * (0: nothing to search for, out untouched) or a negative KOFTS_E* code.
     */
    int (*describe)(kofts_backend *b, const kofts_plan *p, kofts_backend_read rd, kofts_buf *out);

    /* Count documents matching rd (with the plan's filters), stopping at cap (< 0: no
     * cap), into *n. Returns 0 or a negative KOFTS_E* code. */
    int (*count)(kofts_backend *b, const kofts_plan *p, kofts_backend_read rd, long long cap,
                 long long *n);

    /*
     * Rank documents matching reading rd (with the plan's filters) by sort, with field
     * weights w, and append hits [offset, offset+limit) to *hits (n used, *cap
     * allocated; grown by the backend). Returns 0 or a negative KOFTS_E* code.
     */
    int (*run)(kofts_backend *b, const kofts_plan *p, int reading, kofts_sort sort,
               const kofts_weights *w, int limit, int offset, kofts_backend_hit **hits, size_t *n,
               size_t *cap);

    /* Read the stored fields of ref into *out (borrowed until the next call). Returns
     * 1 if found, 0 if the document is gone, or a negative KOFTS_E* code. */
    int (*doc)(kofts_backend *b, long long ref, kofts_backend_doc *out);

    /* Append one JSON object (documents, analyzer, sizes, path, backend). Returns 0 or
     * a negative KOFTS_E* code. */
    int (*stats)(kofts_backend *b, kofts_buf *out);

    /*
     * Optional (NULL: not supported). Begin (on = 1) or end (on = 0) a read snapshot:
     * every call in between sees one version of the index while a writer works (FTS5:
     * a read transaction). Returns 0 or a negative KOFTS_E* code.
     */
    int (*snapshot)(kofts_backend *b, int on);

    /*
     * Optional (NULL: not supported). While a call works, the backend asks stop(ctx)
     * now and then (FTS5: SQLite's progress handler); when it answers non-zero the call
     * ends with KOFTS_ESTOP. stop NULL removes the check. The clock lives in the caller.
     */
    void (*set_stop)(kofts_backend *b, int (*stop)(void *ctx), void *ctx);

    /* Warnings about the last calls ('\n'-separated, "" when none), e.g. shards missing
     * from the results in partial mode; borrowed until close. */
    const char *(*warnings)(kofts_backend *b);

    /*
     * Optional (NULL: not supported; version >= 2). count() of reading `reading` up to
     * cap (> 0) that keeps what it counted: when fewer than cap documents match, every
     * one of them is appended to *hits (n_hits used, *hcap allocated, as run() does)
     * ranked as run(reading, KOFTS_SORT_RELEVANCE, w) ranks them, with the same scores,
     * and 1 is returned. 0: counted without the hits (the caller runs the reading); or
     * a negative KOFTS_E* code. Saves a second match when a reading has few hits.
     */
    int (*count_hits)(kofts_backend *b, const kofts_plan *p, int reading, const kofts_weights *w,
                      long long cap, long long *n, kofts_backend_hit **hits, size_t *n_hits,
                      size_t *hcap);
};

/* Flags for opening a backend. */
#define KOFTS_BACKEND_PARTIAL  0x01 /* xapian: search the shards that answer, warn about others */
#define KOFTS_BACKEND_PARALLEL 0x02 /* xapian: match local shards at once (see below) */

/* How long a remote shard may take to connect or to answer one exchange. */
#define KOFTS_REMOTE_TIMEOUT_MS 5000

/*
 * Open the index at path with the backend it was built with: a Xapian stub file or
 * database folder -> xapian; anything else -> fts5. Contract as kofts_backend_fts5_open.
 */
int kofts_backend_open(kofts_backend **out, const char *path, int flags, char **errmsg);

/*
 * Open the FTS5 index (an SQLite file) at path read-only. On success *out is a new
 * handle (close with (*out)->close) and 0 is returned; on failure a negative KOFTS_E*
 * code, *out NULL, and *errmsg (if not NULL) a malloc'd message the caller frees.
 */
int kofts_backend_fts5_open(kofts_backend **out, const char *path, char **errmsg);

/*
 * Open the Xapian index at path (stub file or database folder) read-only; flags are
 * KOFTS_BACKEND_*; timeout_ms bounds remote shards (0: KOFTS_REMOTE_TIMEOUT_MS).
 * Contract as kofts_backend_fts5_open; the message names the shard that failed.
 */
int kofts_backend_xapian_open(kofts_backend **out, const char *path, int flags, unsigned timeout_ms,
                              char **errmsg);

/*
 * The FTS5 expression reading `reading` of p compiles to, appended to out (nothing when
 * there is nothing to search for). Returns the groups used or KOFTS_ENOMEM. For tests.
 */
int kofts_fts5_compile(const kofts_plan *p, int reading, kofts_buf *out);

/*
 * Xapian's description of the query reading `reading` of p compiles to (default
 * weights), appended to out. Returns the groups used (0: nothing to search for) or
 * KOFTS_ENOMEM. For tests, --explain and the fuzz target; needs no index.
 */
int kofts_xapian_compile(const kofts_plan *p, int reading, kofts_buf *out);

#endif /* KOFTS_BACKEND_H */
