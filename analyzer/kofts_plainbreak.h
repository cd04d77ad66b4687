/*
 * kofts_plainbreak.h - ICU's word boundaries for plain chunks of text, without ICU.
 *
 * Most of a Korean article is Hangul syllables, ASCII letters and digits, ASCII
 * punctuation and ASCII blanks: 98.7% of the blank-separated chunks of ../shared/corpus.
 * Over such a chunk, ICU's word-break iterator (root rules, locale "ko", ICU 72) puts its
 * boundaries by a handful of pairwise rules of UAX #29, and tags each span with a rule
 * status that follows from its last two characters. This module computes both directly;
 * the analyzer asks ICU only for the chunks that hold anything else (typographic quotes,
 * middle dots, jamo, Hanja, other scripts, combining marks, invisible characters, other
 * control characters, invalid UTF-8).
 *
 *   text   " 국민건강은  gmo성분 1,000원. it's x_y"
 *   spans  [ ]0 [국민건강은]200 [  ]0 [gmo]200 [성분]200 [ ]0 [1,000]100 [원]200 [.]0
 *          [ ]0 [it's]200 [ ]0 [x_y]200
 *
 * The rules (L letter A-Z a-z and "@", which ICU's rules add to the letters; N digit, H Hangul
 * syllable, M ".", Q "'", C "," ";", U "_"; anything else printable breaks on both sides; ":" is
 * not a mid-letter in ICU's root rules): H x H   L|N x L|N   L x M|Q L   L M|Q x L   N x C|M|Q N N
 * C|M|Q x N L|N|U x U   U x L|N   " " x " "   CR x LF Status: 100 (UBRK_WORD_NUMBER) when the span
 * ends in a digit, or in "_" right after a digit; 200 (UBRK_WORD_LETTER) when it ends in a letter
 * or Hangul, or in "_" otherwise (a lone "_" is 0); 0 (UBRK_WORD_NONE) for blanks and punctuation.
 *
 * Why the result equals ICU's over the whole text: a chunk is a run of ASCII blanks and
 * the non-blank run after it. ICU always breaks before an ASCII blank that follows a
 * non-blank (no rule of UAX #29 joins anything to a following blank but CR x LF and
 * WSegSpace x WSegSpace), so a plain chunk's spans do not depend on the text around it;
 * the caller hands a chunk to ICU whole, blanks included, when its non-blank run is not
 * plain (a combining mark or U+3000 right after a blank joins the blank in ICU).
 * tests/analyzer/test_plainbreak.c checks every string of up to 5 characters over an
 * alphabet of plain and other characters against ICU, and the tokens of the shared
 * corpus with and without this path.
 */
#ifndef KOFTS_PLAINBREAK_H
#define KOFTS_PLAINBREAK_H

#include <stddef.h>

/* 1 if c is an ASCII blank that separates chunks: space, tab, LF, CR. */
static inline int kofts_pb_is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The chunk that starts at text[p] (p < len): its ASCII blanks, then everything up to the
 * next ASCII blank or len. Returns the chunk's end; *plain is 1 when every character
 * after the blanks is printable ASCII or a Hangul syllable (U+AC00-U+D7A3). */
size_t kofts_pb_chunk(const char *text, size_t len, size_t p, int *plain);

/* The span that starts at text[p] inside a plain chunk ending at end (p < end, p a span
 * boundary): returns its end and sets *status to ICU's rule status for it. */
size_t kofts_pb_next(const char *text, size_t end, size_t p, int *status);

#endif
