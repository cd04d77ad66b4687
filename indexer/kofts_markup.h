/*
 * kofts_markup.h - Markdown and HTML to indexable plain text.
 *
 *   Markdown --md4c-html--> HTML --gumbo--> tree --explicit-stack walk--> text
 *
 * The walk decodes entities (gumbo does), drops <script>/<style>/<template>/<head>,
 * keeps table cell text, turns every block end and <br> into '\n' (a sentence break
 * for the analyzer and for snippets), collapses other white space, and sends the
 * alt/title text of images (and title attributes of links) to a separate, lower-
 * weight "extra" text. No recursion: any nesting depth is safe.
 *
 * gumbo 0.10 is quadratic in the nesting depth (each start tag scans the stack of
 * open elements), so HTML whose estimated nesting goes past KOFTS_MARKUP_MAX_DEPTH,
 * or that is larger than 1 MiB, is parsed in pieces split before a start tag; deep
 * input sets out->deep so the caller can warn.
 */
#ifndef KOFTS_MARKUP_H
#define KOFTS_MARKUP_H

#include <stddef.h>

#include "kofts_util.h"

#define KOFTS_MARKUP_MAX_DEPTH 400

typedef struct {
    kofts_buf text;  /* body text (owned; free with kofts_markup_free) */
    kofts_buf extra; /* image alt/title text, one item per line */
    kofts_buf title; /* text of <title>, else of the first <h1>; may be empty */
    int deep;        /* 1 if nesting went past KOFTS_MARKUP_MAX_DEPTH */
} kofts_markup;

/*
 * Convert html[0..len) (UTF-8) and APPEND the results to out (zero-initialise it
 * first). Returns 0, KOFTS_ENOMEM, or KOFTS_ERROR if gumbo failed.
 */
int kofts_markup_html(kofts_markup *out, const char *html, size_t len);

/* Render Markdown md[0..len) (with raw HTML) to HTML with md4c, then as above. */
int kofts_markup_markdown(kofts_markup *out, const char *md, size_t len);

/* Free the buffers; the struct is zeroed. */
void kofts_markup_free(kofts_markup *out);

#endif /* KOFTS_MARKUP_H */
