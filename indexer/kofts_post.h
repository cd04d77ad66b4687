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

/* Plain text: the first non-empty line is the title, the rest the body. Same returns. */
int kofts_text_parse(kofts_doc *d, kofts_diag *dg, const char *path, const char *fname,
                     const char *text, size_t len);

#endif /* KOFTS_POST_H */
