/*
 * kofts_plan.h - a query, parsed once, as a backend-neutral plan.
 *
 *   query text --> sanitise (invalid UTF-8, control bytes -> blanks; 4096-byte cap)
 *              --> terms: words, "phrases", -excluded, a OR b groups, title:, prefix*,
 *                  category: filters, question words (optional)
 *              --> each term analysed in word and bigram mode (the tokens, with the
 *                  colocated alternatives of each position, are kept in the plan)
 *              --> kofts_plan
 *
 * A backend compiles a plan into its own query (FTS5 expression text, Xapian::Query)
 * for one of two readings:
 *
 *   all words  every group with a required member is required (AND)
 *   any word   the same groups are alternatives (OR); groups whose words are all
 *              common (term.common) are left out unless nothing else is left
 *
 * In both readings excluded terms are subtracted (NOT) and optional (question) words
 * are left out. kofts_plan_reading says which groups a reading uses, so every
 * backend reads a query the same way. Plain structs: tests and --explain print them
 * (kofts_plan_print).
 */
#ifndef KOFTS_PLAN_H
#define KOFTS_PLAN_H

#include <stddef.h>

#include "kofts_analyzer.h"
#include "kofts_columns.h"
#include "kofts_util.h"

/* Longest query read, in bytes; longer input is cut (at a character) with a note. */
#define KOFTS_QUERY_MAX_BYTES 4096
/* Most terms used from one query; later ones are ignored with a note. */
#define KOFTS_QUERY_MAX_TERMS 32

typedef struct {
    char *text; /* token text (owned, NUL-terminated) */
    size_t len; /* bytes in text */
    int kind;   /* kofts_tok_kind */
} kofts_plan_tok;

typedef struct {
    kofts_plan_tok *alt; /* alternatives at one position: the first token, then its
                            colocated variants (owned) */
    size_t n_alt;
} kofts_plan_pos;

typedef struct {
    kofts_plan_pos *pos; /* token positions in order (owned) */
    size_t n_pos;
} kofts_plan_toks;

typedef struct {
    char *text;             /* the term as typed, sanitised, without its operators (owned) */
    size_t len;             /* bytes in text */
    int phrase;             /* typed as "..." */
    int prefix;             /* typed with a trailing asterisk */
    int field;              /* -1: every word column; else a KOFTS_COL_* (title: gives TITLE) */
    int neg;                /* typed as -...: documents with it are excluded */
    int optional;           /* question word: never required */
    int common;             /* set by the searcher: too frequent for the any-word reading */
    int join_next;          /* Hangul word followed by another: also match them joined */
    int group;              /* OR group id among positive terms (0..n_groups-1) */
    kofts_plan_toks word;   /* query-mode word tokens */
    kofts_plan_toks bigram; /* query-mode bigram tokens */
    kofts_plan_toks join;   /* join_next: bigram tokens of this word + the next, joined */
} kofts_plan_term;

typedef struct {
    kofts_plan_term t[KOFTS_QUERY_MAX_TERMS]; /* terms in query order */
    size_t n;                                 /* terms used */
    int n_groups;                             /* OR groups among the positive terms */
    char **cats; /* category filters, any of them (owned, n_cats strings) */
    size_t n_cats;
    char *since;     /* ISO date, inclusive lower bound, or NULL (owned) */
    char *until;     /* ISO date, inclusive upper bound, or NULL (owned) */
    kofts_buf notes; /* '\n'-separated notes on how the query was read */
    int match_all;   /* no words were typed ("*", or only filters): every document
                        matches, the filters still apply (browsing an archive) */
} kofts_plan;

/* Readings of a plan. KOFTS_READ_RANKED is the any-word reading ranked with a
 * coordination factor: documents holding more of the query's groups first, by BM25
 * within the same count (one pass instead of all words, then any word). It uses the
 * same groups and expression as KOFTS_READ_ANY. */
enum { KOFTS_READ_ALL = 0, KOFTS_READ_ANY = 1, KOFTS_READ_RANKED = 2 };

/* In the KOFTS_READ_RANKED reading a backend adds this to the score of every hit that
 * holds all the reading's groups (far above any BM25 score), so that those come first;
 * kofts_search takes it off again. */
#define KOFTS_RANKED_BONUS 1000.0

/*
 * Parse query[0..len) (any bytes) into p, analysing every term with a (borrowed).
 * p is overwritten; free it with kofts_plan_free whatever the result. Malformed input
 * is read sensibly and explained in p->notes; a term with no searchable token is
 * dropped. Returns 0 or a negative KOFTS_E* code (analyzer failure, out of memory).
 */
int kofts_plan_parse(kofts_plan *p, kofts_analyzer *a, const char *query, size_t len);

/* Add a category filter (copied). Returns 0 or KOFTS_ENOMEM. */
int kofts_plan_add_category(kofts_plan *p, const char *cat);

/* Set the date filters (copied; NULL clears). Returns 0 or KOFTS_ENOMEM. */
int kofts_plan_set_dates(kofts_plan *p, const char *since, const char *until);

/*
 * 1 if s[0..n) is a date filter kofts accepts: YYYY, YYYY-MM or YYYY-MM-DD with a month
 * 01-12 and a day 01-31 (the prefix of an ISO 8601 date; documents compare as text).
 * The one check behind kofts-search --since/--until and kofts-serve's since/until.
 */
int kofts_plan_date_ok(const char *s, size_t n);

/* Append a note "msg[: w]" to p->notes. Returns 0 or KOFTS_ENOMEM. */
int kofts_plan_note(kofts_plan *p, const char *msg, const char *w, size_t n);

/*
 * Which groups the reading uses: use[g] = 1 for each used group g (use has room for
 * KOFTS_QUERY_MAX_TERMS). Returns the number of groups used; 0 means there is nothing
 * to search for. Within a used group, only the members that are not optional count.
 */
int kofts_plan_reading(const kofts_plan *p, int reading, int use[KOFTS_QUERY_MAX_TERMS]);

/* 1 if any filter (category, dates) is set. */
int kofts_plan_filtered(const kofts_plan *p);

/*
 * 1 if categories a and b are the same for a filter: equal after Unicode simple case
 * folding ("News" = "news"), as Jekyll lower-cases categories in URLs. Backends expand a
 * plan's categories to the stored ones this accepts.
 */
int kofts_plan_same_category(const char *a, const char *b);

/*
 * Append a readable account of p to out: one line per term (text, role, flags, group,
 * word tokens with their alternatives joined by '|', bigram tokens), then filters.
 * Returns 0 or KOFTS_ENOMEM.
 */
int kofts_plan_print(const kofts_plan *p, kofts_buf *out);

/* Free everything p owns; p is zeroed. */
void kofts_plan_free(kofts_plan *p);

#endif /* KOFTS_PLAN_H */
