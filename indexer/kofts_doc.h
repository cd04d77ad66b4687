/*
 * kofts_doc.h - one document on its way from a parser to the index, plus the small
 * text helpers every input format shares (cleaning raw bytes, dates, diagnostics).
 *
 *   parser (post/jsonl/text) --> kofts_doc fields --> kofts_doc_finish()
 *        --> FTS column strings + content hash --> kofts_doc_analyze() (worker)
 *        --> kofts_writer (writer thread)
 *
 * All strings in a kofts_doc are owned by it (malloc'd, NUL-terminated, valid UTF-8
 * without NUL bytes); kofts_doc_free releases them and the token streams.
 */
#ifndef KOFTS_DOC_H
#define KOFTS_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "kofts_analyzer.h"
#include "kofts_columns.h"
#include "kofts_fts5.h"
#include "kofts_textz.h"
#include "kofts_util.h"

typedef struct kofts_doc {
    char *id;                         /* document id (JSONL "id" or the path relative to SOURCE) */
    char *source;                     /* files.path of the file it came from ("-" for stdin) */
    char *title;                      /* plain text */
    char *categories;                 /* one item per line */
    char *tags;                       /* one item per line */
    char *date;                       /* YYYY-MM-DD[THH:MM[:SS]] or "" */
    char *excerpt;                    /* plain text */
    char *body;                       /* plain text, blocks separated by '\n' */
    char *extra;                      /* lower-weight text: image alt/title, feature text */
    char *url;                        /* permalink/url or "" */
    long long size;                   /* bytes of input this document came from */
    long long mtime;                  /* seconds since the epoch of its file (0 for stdin) */
    long line;                        /* JSONL line number, 0 for a whole file */
    char hash[17];                    /* FNV-1a 64 of all fields, hex (set by kofts_doc_finish) */
    char text_hash[17];               /* the same without url (the url is not indexed) */
    char *col[KOFTS_NCOLS];           /* FTS column strings; col[0..3] alias fields */
    kofts_tokstream *ts[KOFTS_NCOLS]; /* pre-analysed columns (may be NULL) */
    kofts_buf zbody;                  /* body deflated for doc_store (kofts_textz.h); len 0:
                                         stored as plain TEXT (set by kofts_doc_finish) */
    struct kofts_doc *next;           /* list link for the pipeline */
} kofts_doc;

/* A new empty document with every string field set to "". NULL on out of memory. */
kofts_doc *kofts_doc_new(void);

/* Replace field *slot with a copy of s[0..n) (trimmed of surrounding whitespace).
 * Returns 0 or KOFTS_ENOMEM. */
int kofts_doc_set(char **slot, const char *s, size_t n);

/*
 * Compute the FTS column strings (tags = categories '\n' tags, bigram = 0x01 title
 * '\n' body: byte-identical to the fts_content view), the content hash and the
 * compressed body (zbody, with the dictionary z holds: the writer's slot, NULL for
 * none; worker threads call this, so the writer does not deflate). Returns 0 or
 * KOFTS_ENOMEM.
 */
int kofts_doc_finish(kofts_doc *d, const kofts_textz_slot *z);

/* kofts_doc_finish without the compressed body (zbody stays empty): for a backend that
 * stores no zbody (the Xapian writer keeps the body in its document data). Returns 0 or
 * KOFTS_ENOMEM. */
int kofts_doc_finish_text(kofts_doc *d);

/* Build the token streams for all columns with analyzer a (a worker's own). Returns 0
 * or a negative KOFTS_E* code; on failure the streams are left NULL (the writer then
 * lets FTS5 analyse). */
int kofts_doc_analyze(kofts_doc *d, kofts_analyzer *a);

/* Free a document and its streams; NULL is allowed. Does not follow next. */
void kofts_doc_free(kofts_doc *d);

/* Flags reported by kofts_text_clean. */
#define KOFTS_CLEAN_NUL     0x01 /* NUL bytes were removed */
#define KOFTS_CLEAN_BADUTF8 0x02 /* invalid UTF-8 was replaced by U+FFFD */
#define KOFTS_CLEAN_BINARY  0x04 /* looks like a binary file (mostly NUL/invalid bytes) */

/*
 * Append a clean copy of s[0..n) to out: a leading UTF-8 BOM dropped, CRLF and lone
 * CR turned into LF, NUL bytes removed, invalid UTF-8 replaced by U+FFFD. *flags
 * gets KOFTS_CLEAN_* bits. Returns 0 or KOFTS_ENOMEM.
 */
int kofts_text_clean(kofts_buf *out, const char *s, size_t n, int *flags);

/*
 * Normalise a date string to "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM[:SS]" in out (>= 20
 * bytes). Returns 1 if s starts with a valid date, else 0 (out is "").
 */
int kofts_date_norm(const char *s, size_t n, char out[20]);

/*
 * Diagnostics collected by a parser for one input: messages are written out later by
 * the writer thread, in input order, as "kofts-index: PATH[:LINE]: reason".
 */
typedef struct {
    kofts_buf text; /* finished message lines, each ending in '\n' */
    int skipped;    /* inputs (files or records) not indexed */
    int warnings;   /* inputs indexed with a warning */
} kofts_diag;

/* Add one message about path (line > 0 adds ":LINE"); skipped=1 counts a skip,
 * 0 a warning. Out of memory loses the message silently. */
void kofts_diag_add(kofts_diag *dg, const char *path, long line, int skipped, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Free the messages; the struct is zeroed. */
void kofts_diag_free(kofts_diag *dg);

#endif /* KOFTS_DOC_H */
