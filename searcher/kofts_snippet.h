/*
 * kofts_snippet.h - highlighted snippets cut from a document's stored text.
 *
 * Given the positive words of a query (as typed), a snippet is the window of about
 * `chars` characters of the text holding the most distinct query words, cut at word
 * boundaries, blanks folded, "…" where text was cut, with the byte ranges to
 * highlight. Matching uses the analyzer's index-side tokens (surface, stems,
 * compound pieces), so 광주 lights up in 광주와 and 양자 + 컴퓨팅 for 양자컴퓨팅.
 * Shared by every backend: it needs only the analyzer and the text.
 */
#ifndef KOFTS_SNIPPET_H
#define KOFTS_SNIPPET_H

#include <stddef.h>

#include "kofts_analyzer.h"

typedef struct {
    size_t start_off; /* first byte of a highlighted range in the snippet */
    size_t end_off;   /* one past its last byte */
} kofts_span;

typedef struct {
    const char *text; /* one positive query word as typed (borrowed) */
    size_t len;       /* bytes in text */
} kofts_snippet_term;

/*
 * Make the snippet of text[0..len) for terms[0..n_terms) (term k counts as distinct
 * word k; terms past the 64th count as one), using analyzer a (borrowed, not
 * thread-safe: one per thread). chars below 10 is read as 10. *out (malloc'd,
 * NUL-terminated, *out_len bytes) and *spans (malloc'd, sorted, disjoint, NULL when
 * *n_spans is 0) belong to the caller. Returns 0 or a negative KOFTS_E* code (the
 * outputs are then NULL / 0).
 */
int kofts_snippet_make(kofts_analyzer *a, const kofts_snippet_term *terms, size_t n_terms,
                       const char *text, size_t len, int chars, char **out, size_t *out_len,
                       kofts_span **spans, size_t *n_spans);

/* Flags for kofts_snippet_make_ex. */
enum {
    /* Analyse the whole text, not only the words that can hold a query word (the
     * result is the same; for tests and measurements of the prefilter). */
    KOFTS_SNIPPET_WHOLE_TEXT = 1,
};

/* kofts_snippet_make with flags (KOFTS_SNIPPET_*). */
int kofts_snippet_make_ex(kofts_analyzer *a, const kofts_snippet_term *terms, size_t n_terms,
                          const char *text, size_t len, int chars, unsigned flags, char **out,
                          size_t *out_len, kofts_span **spans, size_t *n_spans);

#endif
