/*
 * kofts_search.h - query a kofts index: parse what a person typed, turn it into an
 * FTS5 expression built only from quoted strings, rank with BM25 over weighted
 * fields, and cut a highlighted snippet from the stored text.
 *
 *   query text --> terms (words, "phrases", -excluded, OR groups, title:, category:,
 *                  prefix*)  --> analyzer (word + bigram mode) decides what is kept
 *              --> FTS5 MATCH expression (all words; any word when that finds too few)
 *              --> SQL with filters (category, dates) and bm25() weights, prepared once
 *              --> hits --> snippets from docs.body re-analysed with the same analyzer
 *
 * One kofts_search handle holds the database (opened read-only, once), the prepared
 * statements and an analyzer. Not thread-safe: one handle per thread.
 */
#ifndef KOFTS_SEARCH_H
#define KOFTS_SEARCH_H

#include <stddef.h>

#include "kofts_analyzer.h"
#include "kofts_backend.h"
#include "kofts_columns.h"
#include "kofts_plan.h"
#include "kofts_util.h"
#include "kofts_snippet.h"

typedef struct kofts_search kofts_search;

typedef enum {
    KOFTS_MATCH_AUTO = 0, /* all words; any word (ranked) when that finds < min_hits */
    KOFTS_MATCH_ALL = 1,  /* every required word must match */
    KOFTS_MATCH_ANY = 2,  /* any word matches, ranking decides */
} kofts_match;

typedef struct {
    int limit;            /* hits to return (>= 0) */
    int offset;           /* hits to skip first (>= 0) */
    const char *category; /* only documents in this category; NULL for any (borrowed) */
    const char *since;    /* ISO date, inclusive lower bound; NULL for none (borrowed) */
    const char *until;    /* ISO date, inclusive upper bound; NULL for none (borrowed) */
    kofts_sort sort;
    kofts_match match;
    int min_hits;      /* AUTO: fall back to any-word below this many all-word hits */
    int snippets;      /* 1: make snippets; 0: skip (faster) */
    int snippet_chars; /* snippet length in characters (code points) */
    int want_total;    /* 1: count all matching documents into kofts_result.total */
} kofts_search_opts;

/* Fill o with the defaults (limit 10, relevance, AUTO, min_hits 10, snippets of 120). */
void kofts_search_opts_init(kofts_search_opts *o);

/* The default, tuned field weights (kofts_columns; see searcher/README.md). */
kofts_weights kofts_search_default_weights(void);

typedef struct {
    long long rowid;    /* docs.rowid */
    char *id;           /* document id (owned by the result) */
    double score;       /* -bm25(): higher is better */
    char *title;        /* owned by the result */
    char *date;         /* ISO date or "" (owned) */
    char *categories;   /* '\n'-separated list, maybe "" (owned) */
    char *url;          /* the document's address: absolute when its site sets url:, else
                           as stored (site path with baseurl, or a JSONL "url"); "" (owned) */
    char *path;         /* the file it came from, relative to its SOURCE (a JSONL record:
                           the JSONL file as indexed); "" when unknown (owned) */
    char *snippet;      /* UTF-8, NUL-terminated; "" when snippets are off (owned) */
    size_t snippet_len; /* bytes in snippet */
    kofts_span *spans;  /* highlighted byte ranges into snippet, sorted, disjoint (owned) */
    size_t n_spans;
} kofts_hit;

typedef struct {
    kofts_hit *hits; /* n_hits hits, best first (owned) */
    size_t n_hits;
    long long total; /* matching documents, or -1 when not counted */
    int used_any;    /* 1 if the any-word reading was used */
    int browse;      /* 1 if no words were given: every document (filtered), newest first */
    char *expr;      /* the FTS5 expression that ran, "" if none (owned) */
    char *notes;     /* how the query was read, '\n'-separated lines, "" if none (owned) */
    char *warnings;  /* e.g. shards missing from the results, '\n'-separated, "" if none (owned) */
} kofts_result;

/*
 * Open the index at path read-only (through kofts_store_open, which checks the schema
 * and analyzer versions) and prepare the statements. On success *out is a new handle
 * owned by the caller (kofts_search_close) and 0 is returned. On failure returns a
 * negative KOFTS_E* code, *out is NULL, and *errmsg (if errmsg is not NULL) gets a
 * malloc'd message naming the file and what to do; the caller frees it.
 */
int kofts_search_open(kofts_search **out, const char *path, char **errmsg);

/* Flags of kofts_search_open_ex. */
#define KOFTS_SEARCH_PARTIAL KOFTS_BACKEND_PARTIAL /* results from the shards that answer */
/* Xapian, two or more local shards: match them at once, one xapian-progsrv process each
 * (same hits and scores). A time limit or kofts_search_interrupt then takes effect
 * only between exchanges with those processes, as on remote shards. */
#define KOFTS_SEARCH_PARALLEL KOFTS_BACKEND_PARALLEL

/* kofts_search_open with flags (KOFTS_SEARCH_*); the backend is detected from path. */
int kofts_search_open_ex(kofts_search **out, const char *path, int flags, char **errmsg);

/* Replace the bm25 field weights (for tuning). */
void kofts_search_set_weights(kofts_search *s, const kofts_weights *w);

/*
 * Run one query (query[0..len), any bytes: invalid UTF-8 and control bytes are read as
 * blanks). On success *out is a new result owned by the caller (kofts_result_free) and
 * 0 is returned; a query with nothing searchable gives 0 hits and a note, not an error.
 * Returns a negative KOFTS_E* code on a database or memory failure (message in
 * kofts_search_errmsg(); never raw SQLite text for a query problem), *out is NULL.
 */
int kofts_search_run(kofts_search *s, const char *query, size_t len, const kofts_search_opts *opts,
                     kofts_result **out);

/*
 * Append to out a human-readable account of how query is read: each term with its
 * role, word tokens (text and kind), bigram tokens and document frequency, and the
 * FTS5 expressions. Returns 0 or a negative KOFTS_E* code.
 */
int kofts_search_explain(kofts_search *s, const char *query, size_t len,
                         const kofts_search_opts *opts, kofts_buf *out);

/*
 * Append one JSON object (no newline) with documents, analyzer, schema_version,
 * index_bytes, path. Returns 0 or a negative KOFTS_E* code.
 */
int kofts_search_stats(kofts_search *s, kofts_buf *out);

/*
 * Make a snippet of text[0..len) for the words of query, using analyzer a (borrowed):
 * the window of about `chars` characters holding the most distinct query words,
 * cut at word boundaries, with "…" where text was cut. *out_snippet (malloc'd,
 * NUL-terminated) and *out_spans (malloc'd, NULL when *n_spans is 0) belong to the
 * caller. Used by kofts_search_run; exposed for tests and tools.
 * Returns 0 or a negative KOFTS_E* code.
 */
int kofts_search_snippet(kofts_analyzer *a, const char *query, size_t qlen, const char *text,
                         size_t len, int chars, char **out_snippet, size_t *out_len,
                         kofts_span **out_spans, size_t *n_spans);

/*
 * Parse query and append to expr the FTS5 expression it becomes (all-word reading, or
 * any-word when any is 1; nothing when there is nothing to search for) and to notes
 * (if not NULL) the notes on how it was read. a is borrowed. For tests and tools.
 * Returns the number of word groups (>= 0) or a negative KOFTS_E* code.
 */
int kofts_search_build_expr(kofts_analyzer *a, const char *query, size_t len, int any,
                            kofts_buf *expr, kofts_buf *notes);

/*
 * Append the plan query becomes (kofts_plan_print, with the options' filters and the
 * common-word marks of this index). Returns 0 or a negative KOFTS_E* code.
 */
int kofts_search_plan(kofts_search *s, const char *query, size_t len, const kofts_search_opts *opts,
                      kofts_buf *out);

/* The backend's name ("fts5", "xapian"); static storage. */
const char *kofts_search_backend_name(const kofts_search *s);

/*
 * Give each later kofts_search_run on s at most ms milliseconds of wall time (0, the
 * default: no limit). A run past its limit stops soon after (the backend checks the
 * clock while it works through its set_stop hook; FTS5: SQLite's progress handler) and
 * returns KOFTS_ESTOP with "query stopped: it took longer than N ms" in
 * kofts_search_errmsg(); s stays usable.
 */
void kofts_search_set_time_limit(kofts_search *s, int ms);

/*
 * Stop the kofts_search_run running on s now; it returns KOFTS_ESTOP ("query
 * interrupted"). The only function that may be called from another thread while s is
 * in use. No effect on runs that start later.
 */
void kofts_search_interrupt(kofts_search *s);

/* The last error message; borrowed, valid until the next call on the handle. */
const char *kofts_search_errmsg(const kofts_search *s);

/* Free a result; NULL is allowed. */
void kofts_result_free(kofts_result *r);

/* Close the handle (statements, analyzer, database); NULL is allowed. */
void kofts_search_close(kofts_search *s);

#endif /* KOFTS_SEARCH_H */
