/*
 * kofts_escape.h - the output escaping of kofts-serve: one function per format, used for
 * every piece of document or query text that goes into a response. Nothing else in
 * serve/ may put such text into output.
 *
 *   format                  function               what it makes safe
 *   HTML text (element)     kofts_esc_html_text    & < > ; invalid UTF-8, controls
 *   HTML attribute ("...")  kofts_esc_html_attr    the above and " '
 *   URL query component     kofts_esc_url          everything but A-Z a-z 0-9 - _ . ~
 *   JSON string             kofts_buf_json_str     (kofts_util.h, shared with kofts-search)
 *
 * Every function appends to a kofts_buf and returns 0 or KOFTS_ENOMEM. Input is any
 * bytes: invalid UTF-8 and control characters (but tab and newline) become U+FFFD in
 * HTML, so a page is always valid UTF-8 and a hostile title stays text.
 */
#ifndef KOFTS_ESCAPE_H
#define KOFTS_ESCAPE_H

#include <stddef.h>

#include "kofts_util.h"

/* Append s[0..n) as HTML element text. */
int kofts_esc_html_text(kofts_buf *b, const char *s, size_t n);

/* Append s[0..n) for use inside a double-quoted HTML attribute value. */
int kofts_esc_html_attr(kofts_buf *b, const char *s, size_t n);

/* Append s[0..n) percent-encoded as one URL query component (RFC 3986 unreserved kept). */
int kofts_esc_url(kofts_buf *b, const char *s, size_t n);

#endif /* KOFTS_ESCAPE_H */
