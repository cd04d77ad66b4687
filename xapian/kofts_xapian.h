/*
 * kofts_xapian.h - the thin C wrapper over Xapian's C++ API (libxapian 1.4), exposing
 * only what kofts needs. The only C++ in kofts is kofts_xapian.cc; no C++ type crosses
 * this header. Every Xapian exception is caught inside and becomes a negative KOFTS_E*
 * code plus a message kept on the handle (or a malloc'd *errmsg for open functions).
 *
 *   writing:  kofts_xwdb (one writable database = one shard)
 *             kofts_xdoc (terms with positions, values, data) -> replace by Q<id>
 *   reading:  kofts_xdb  (local and remote shards opened as one database)
 *             kofts_xq   (a query tree) -> kofts_xdb_search -> (docid, weight) hits
 *
 * Handles are not thread-safe; one handle may move between threads when not in use.
 */
#ifndef KOFTS_XAPIAN_H
#define KOFTS_XAPIAN_H

#include <stddef.h>

#include "kofts_error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ writing */

typedef struct kofts_xdoc kofts_xdoc;
typedef struct kofts_xwdb kofts_xwdb;

/* A new empty document, or NULL when out of memory. */
kofts_xdoc *kofts_xdoc_new(void);
/* Add term at position pos (>= 1), wdf + wdfinc. Returns 0 or a negative code. */
int kofts_xdoc_posting(kofts_xdoc *d, const char *term, size_t len, unsigned pos, unsigned wdfinc);
/* Add term without a position, wdf + wdfinc. Returns 0 or a negative code. */
int kofts_xdoc_add_wdf(kofts_xdoc *d, const char *term, size_t len, unsigned wdfinc);
/* Add a term without position (boolean: wdf 0). Returns 0 or a negative code. */
int kofts_xdoc_term(kofts_xdoc *d, const char *term, size_t len);
/* Set value slot to val[0..len). Returns 0 or a negative code. */
int kofts_xdoc_value(kofts_xdoc *d, unsigned slot, const char *val, size_t len);
/* Set the document data (stored bytes). Returns 0 or a negative code. */
int kofts_xdoc_data(kofts_xdoc *d, const char *data, size_t len);
/* Free; NULL is allowed. */
void kofts_xdoc_free(kofts_xdoc *d);

/*
 * Open (create = 1: create when missing; create = 2: overwrite) the database
 * directory dir for writing. On success *out is the caller's (kofts_xwdb_close). On
 * failure a negative code and *errmsg (malloc'd, "DIR: PROBLEM: DETAIL").
 */
int kofts_xwdb_open(kofts_xwdb **out, const char *dir, int create, char **errmsg);
/* Add or replace the document holding unique term idterm by d (d stays the caller's). */
int kofts_xwdb_replace(kofts_xwdb *w, const char *idterm, size_t len, const kofts_xdoc *d);
/* Delete the documents holding idterm (none is not an error). */
int kofts_xwdb_delete(kofts_xwdb *w, const char *idterm, size_t len);
/* Commit (atomic in Xapian). */
int kofts_xwdb_commit(kofts_xwdb *w);
/* Set a metadata key (committed with the next commit). */
int kofts_xwdb_set_meta(kofts_xwdb *w, const char *key, const char *val);
/* Documents in the database; -1 on error. */
long long kofts_xwdb_doc_count(kofts_xwdb *w);
/* Last error; borrowed until the next call. */
const char *kofts_xwdb_errmsg(const kofts_xwdb *w);
/* Close without committing what is pending (Xapian drops it); NULL is allowed. */
void kofts_xwdb_close(kofts_xwdb *w);
/* Write a compacted copy of the database folder src into the new folder dst (document
 * ids kept). Returns 0, or a negative code and *errmsg (malloc'd, "SRC: PROBLEM: DETAIL"). */
int kofts_xwdb_compact(const char *src, const char *dst, char **errmsg);

/* ------------------------------------------------------------------ queries */

typedef struct kofts_xq kofts_xq;

/* Operators (the Xapian::Query ones kofts uses). */
typedef enum {
    KOFTS_XOP_AND,
    KOFTS_XOP_OR,
    KOFTS_XOP_AND_NOT,
    KOFTS_XOP_AND_MAYBE,
    KOFTS_XOP_FILTER,
    KOFTS_XOP_SYNONYM,
    KOFTS_XOP_PHRASE,
} kofts_xop;

/*
 * Query constructors. Each returns a new query owned by the caller (kofts_xq_free), or
 * NULL on failure (out of memory, an invalid combination). Combining functions take
 * ownership of their subqueries whatever the result; NULL subqueries are skipped.
 */
kofts_xq *kofts_xq_term(const char *term, size_t len);
kofts_xq *kofts_xq_combine(kofts_xop op, kofts_xq **subs, size_t n);
kofts_xq *kofts_xq_scale(kofts_xq *q, double factor);
/* Every term starting with prefix[0..len), at most max_expansion of them (the most
 * frequent), weighted as one term (OP_WILDCARD). */
kofts_xq *kofts_xq_wildcard(const char *prefix, size_t len, unsigned max_expansion);
/* Documents whose value slot lies in [lo, hi] (string order); NULL = open end. */
kofts_xq *kofts_xq_value_range(unsigned slot, const char *lo, const char *hi);
/* Xapian's description of q (malloc'd, caller frees), or NULL. */
char *kofts_xq_describe(const kofts_xq *q);
/* An independent copy of q (no reference count shared with it, so either may be used and
 * freed in another thread), or NULL. */
kofts_xq *kofts_xq_clone(const kofts_xq *q);
void kofts_xq_free(kofts_xq *q);

/* ------------------------------------------------------------------ reading */

typedef struct kofts_xdb kofts_xdb;

/* A new empty combined database (add shards to it). NULL when out of memory. */
kofts_xdb *kofts_xdb_new(void);
/* Add a local database (directory or stub file). Returns 0 or a negative code
 * (message in kofts_xdb_errmsg). */
int kofts_xdb_add_local(kofts_xdb *db, const char *path);
/* Add a remote database served by xapian-tcpsrv at host:port; timeout_ms bounds the
 * connection and every later exchange. */
int kofts_xdb_add_remote(kofts_xdb *db, const char *host, unsigned port, unsigned timeout_ms);
/* Add a database served by program prog (e.g. xapian-progsrv) started with args, which
 * speaks Xapian's remote protocol on its stdin/stdout; timeout_ms bounds every exchange.
 * Several such parts are matched at once, each in its own process. */
int kofts_xdb_add_prog(kofts_xdb *db, const char *prog, const char *args, unsigned timeout_ms);
/* Add every database of src to db (they share src's files or connections). */
int kofts_xdb_add_db(kofts_xdb *db, const kofts_xdb *src);
/* Move to the latest committed revision of every part (new documents become visible).
 * Returns 1 when it moved, 0 when every part was already there, or a negative code. */
int kofts_xdb_reopen(kofts_xdb *db);
/* Send a keep-alive to the remote parts (checks they answer). */
int kofts_xdb_ping(kofts_xdb *db);
/* Databases added. */
size_t kofts_xdb_count(const kofts_xdb *db);
/* Documents in all parts; -1 on error. */
long long kofts_xdb_doc_count(kofts_xdb *db);
/* Documents holding term; -1 on error. */
long long kofts_xdb_termfreq(kofts_xdb *db, const char *term, size_t len);
/* Metadata value of key (malloc'd, "" when absent) or NULL on error. */
char *kofts_xdb_meta(kofts_xdb *db, const char *key);
/*
 * The distinct terms that start with prefix, prefix cut off, each NUL-terminated, in
 * *out (malloc'd, *len bytes; the caller frees it); at most max terms. Returns the
 * number of terms, or -1 on error (errmsg) or when there are more than max.
 */
long long kofts_xdb_terms(kofts_xdb *db, const char *prefix, size_t max, char **out, size_t *len);

typedef struct {
    unsigned docid; /* the combined database's document id */
    double weight;  /* BM25 weight; higher is better */
} kofts_xhit;

typedef struct {
    unsigned first;          /* hits to skip */
    unsigned max;            /* hits wanted */
    unsigned check_at_least; /* count at least this many matches exactly */
    int sort_slot;           /* >= 0: newest value first, then weight; -1: by weight */
    double k1, b;            /* BM25 parameters */
    int (*stop)(void *ctx);  /* NULL, or asked now and then: non-zero ends the search with
                                KOFTS_ESTOP (local parts only; remote exchanges are bounded
                                by their timeout) */
    void *stop_ctx;
    unsigned enough; /* > 0 with max 0: a count that ends once this many documents matched
                        (*matches is then enough; local parts only, else a full count) */
    int collect;     /* with enough and sort_slot -1: when fewer than enough documents
                        matched, *hits gets every one of them, ranked and weighed as any
                        search ranks them (the count asks for enough hits and ends at the
                        enough-th); local parts only, else *n stays 0 */
} kofts_xsearch;

/*
 * Run q. *hits (malloc'd, caller frees) gets up to s->max hits; *matches a lower bound
 * on the matching documents (exact when they are below s->check_at_least). Returns 0
 * or a negative code (KOFTS_ETIMEOUT when a remote part timed out, KOFTS_ESTOP when
 * s->stop asked to stop).
 */
int kofts_xdb_search(kofts_xdb *db, const kofts_xq *q, const kofts_xsearch *s, kofts_xhit **hits,
                     size_t *n, long long *matches);
/* The data of docid (malloc'd, *len bytes, NUL-terminated; caller frees). Returns 1,
 * 0 when the document is gone, or a negative code. */
int kofts_xdb_data(kofts_xdb *db, unsigned docid, char **data, size_t *len);
/* Last error; borrowed until the next call. */
const char *kofts_xdb_errmsg(const kofts_xdb *db);
/* Close; NULL is allowed. */
void kofts_xdb_close(kofts_xdb *db);

#ifdef __cplusplus
}
#endif

#endif /* KOFTS_XAPIAN_H */
