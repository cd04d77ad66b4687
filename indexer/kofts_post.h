/*
 * kofts_post.h - Jekyll-style posts and plain-text files to documents.
 *
 *   ---                      <- optional front matter, parsed with libyaml's event
 *   title: '...'                parser (aliases are never expanded: an alias counts
 *   categories: [a, b]          as an absent value, so "billion laughs" costs nothing)
 *   ---
 *   Markdown / HTML body     <- kofts_markup
 *
 * Front matter keys used: title, categories/category, tags/tag (string = space-
 * separated list, as in Jekyll, or a YAML list), date, excerpt, description,
 * feature_text, permalink/url. Unknown keys are ignored. Problems with the front
 * matter are warnings: the body is indexed anyway.
 */
#ifndef KOFTS_POST_H
#define KOFTS_POST_H

#include <stddef.h>

#include "kofts_doc.h"

/*
 * Fill d's fields from a post. text[0..len) is already cleaned (kofts_text_clean:
 * valid UTF-8, LF line ends, no NUL). path names the file in messages; fname is its
 * base name (date fallback "YYYY-MM-DD-" and title fallback). is_html selects HTML
 * instead of Markdown for the body. Messages go to dg.
 * Returns 0, KOFTS_EINVAL when the document has no text (a skip was recorded in dg),
 * or KOFTS_ENOMEM / KOFTS_ERROR.
 */
int kofts_post_parse(kofts_doc *d, kofts_diag *dg, const char *path, const char *fname,
                     const char *text, size_t len, int is_html);

/* Why kofts_post_parse_meta left a document out (it returned 1). */
enum { KOFTS_POST_UNPUBLISHED = 1, KOFTS_POST_NO_TEXT = 2 };

/* Options in and what the front matter said out, for site mode and URLs. */
typedef struct {
    int site;              /* in: Jekyll site: Liquid removed, published: false honoured */
    int sniff;             /* in: Markdown or HTML by the body's content, not is_html */
    int has_front_matter;  /* out: the file starts with a front matter block */
    int front_matter_lost; /* out: its YAML was invalid (fields recovered, warned once) */
    int liquid;            /* out: Liquid markup was removed from the body */
    int left_out;          /* out: KOFTS_POST_* when 1 was returned */
    int published;         /* out: published: true 1, false 0, not given -1 */
    char *permalink;       /* out: permalink: or NULL (owned; kofts_post_meta_free) */
    char *slug;            /* out: slug: or NULL (owned) */
    char *date;            /* out: the document's date as stored, maybe "" (owned) */
    char *categories;      /* out: Jekyll's reading of categories:/category: (owned) */
} kofts_post_meta;

/*
 * kofts_post_parse with options and front matter out in m (zero it first; free with
 * kofts_post_meta_free). Front matter that libyaml rejects is recovered: the simple
 * top-level "key: value" lines and "key:" + "- item" lists give title, date,
 * categories, tags, excerpt, with one warning "front matter is not valid YAML (...);
 * recovered title, categories". Returns as kofts_post_parse, or 1 when the document is
 * left out quietly (m->left_out says why: published: false, or Liquid only).
 */
int kofts_post_parse_meta(kofts_doc *d, kofts_diag *dg, const char *path, const char *fname,
                          const char *text, size_t len, int is_html, kofts_post_meta *m);

/* Free the strings of m; NULL is allowed. */
void kofts_post_meta_free(kofts_post_meta *m);

/* Does text[0..len) start with a complete front matter block? 1 yes, 0 no. */
int kofts_post_has_front_matter(const char *text, size_t len);

/* Plain text: the first non-empty line is the title, the rest the body. Same returns. */
int kofts_text_parse(kofts_doc *d, kofts_diag *dg, const char *path, const char *fname,
                     const char *text, size_t len);

#endif /* KOFTS_POST_H */
