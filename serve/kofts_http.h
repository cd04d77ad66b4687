/*
 * kofts_http.h - the request side of kofts-serve: decode a URL query string and turn
 * it into checked search arguments, with the 4xx answer for anything out of bounds.
 * No I/O, no server library: the fuzz target (tests/reliability/fuzz/fuzz_http.c)
 * drives these functions with arbitrary bytes.
 *
 *   "q=%EC%96%91%EC%9E%90&page=2&x=1"  --kofts_http_args_parse-->  q="양자", page 2
 *                                                              (x: unknown, ignored)
 */
#ifndef KOFTS_HTTP_H
#define KOFTS_HTTP_H

#include <stddef.h>

#include "kofts_search.h"

#define KOFTS_HTTP_QUERY_STRING_MAX 8192 /* bytes of raw query string; more is 414 */
#define KOFTS_HTTP_Q_MAX            1024 /* bytes of the decoded q parameter; more is 400 */
#define KOFTS_HTTP_VALUE_MAX        256  /* bytes of any other decoded value; more is 400 */
#define KOFTS_HTTP_PAGE_MAX         100  /* highest page number */
#define KOFTS_HTTP_LIMIT_MAX        50   /* most hits per page (API limit=) */
#define KOFTS_HTTP_LIMIT_DEFAULT    10

/* Checked search arguments of one request. Strings are owned (kofts_http_args_free). */
typedef struct {
    char *q;         /* decoded query (may hold any bytes but NUL), "" when absent */
    size_t q_len;    /* bytes in q */
    char *category;  /* NULL when absent or empty */
    char since[11];  /* YYYY[-MM[-DD]] or "" */
    char until[11];  /* YYYY[-MM[-DD]] or "" */
    kofts_sort sort; /* relevance (default) or date */
    int page;        /* 1..KOFTS_HTTP_PAGE_MAX */
    int limit;       /* 1..KOFTS_HTTP_LIMIT_MAX */
    int unknown;     /* parameters ignored because their name is unknown */
} kofts_http_args;

/*
 * Percent-decode s[0..n) as a form value ('+' is a blank, %XX a byte; a '%' not followed
 * by two hex digits stays as it is) and append it to out. Returns 0 or KOFTS_ENOMEM.
 */
int kofts_http_decode(kofts_buf *out, const char *s, size_t n);

/*
 * Parse query string qs[0..n) (without the '?') into *a. Known names: q, category, since,
 * until, sort, page, limit (a later repetition wins); unknown names are counted and
 * ignored. On success returns 0. On bad input returns the HTTP status (400, or 414 when
 * qs is longer than KOFTS_HTTP_QUERY_STRING_MAX) and writes a one-line English reason
 * naming the parameter into err[0..errcap); KOFTS_ENOMEM when out of memory. *a is
 * always left initialised: free it with kofts_http_args_free.
 */
int kofts_http_args_parse(kofts_http_args *a, const char *qs, size_t n, char *err, size_t errcap);

/* Free the strings of a (a itself is the caller's); NULL is allowed. */
void kofts_http_args_free(kofts_http_args *a);

#endif /* KOFTS_HTTP_H */
