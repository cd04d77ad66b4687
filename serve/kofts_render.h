/*
 * kofts_render.h - the response bodies of kofts-serve: the Korean search page (HTML,
 * rendered on the server, no script needed), the JSON API, error bodies and the
 * built-in assets. All document and query text goes through kofts_escape.h.
 *
 *   kofts_http_args + kofts_result --> kofts_render_page --> <!doctype html>...
 *                                  --> kofts_render_json --> {"total":..,"hits":[..]}
 */
#ifndef KOFTS_RENDER_H
#define KOFTS_RENDER_H

#include "kofts_http.h"
#include "kofts_search.h"

/* What one search response shows. Everything is borrowed from the caller. */
typedef struct {
    const kofts_http_args *args; /* the checked request */
    const kofts_result *res;     /* NULL when nothing was searched (empty q) */
    double took_ms;              /* time spent in kofts_search_run */
    const char *base_url;        /* prefix for document URLs that are paths; "" for none */
} kofts_page;

/* Append the HTML search page (query box, count, reading note, hits, paging). */
int kofts_render_page(kofts_buf *b, const kofts_page *p);

/* Append the JSON object of /api/search (total, reading: "all", "any", "browse" (no
 * words, a filter: newest first) or "none" (nothing searchable), took_ms, hits). */
int kofts_render_json(kofts_buf *b, const kofts_page *p);

/* Append an HTML page for an error (status and message, with the search box). */
int kofts_render_error_page(kofts_buf *b, int status, const char *msg);

/* Append {"error":msg,"status":status}. */
int kofts_render_error_json(kofts_buf *b, int status, const char *msg);

/*
 * The link target of a hit: its URL from the index (h->url; h->path where it has
 * none), with base_url put before a path. Appends nothing and returns 1 when
 * the URL has a scheme other than http/https (javascript:, data:...), which is never
 * linked. Returns 0 when appended, KOFTS_ENOMEM on failure. For tests.
 */
int kofts_render_hit_url(kofts_buf *b, const kofts_hit *h, const char *base_url);

/* The built-in assets: the page's style sheet and the Jekyll drop-in script. */
extern const char *const kofts_asset_css;       /* serve/assets/kofts.css */
extern const char *const kofts_asset_dropin_js; /* serve/assets/kofts-search.js */

#endif /* KOFTS_RENDER_H */
