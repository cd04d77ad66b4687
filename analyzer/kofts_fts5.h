/*
 * kofts_fts5.h - the thin FTS5 adapter: registers the analyzer as the FTS5 tokenizer
 * "kofts". The only part of analyzer/ that knows SQLite.
 *
 *   CREATE VIRTUAL TABLE t USING fts5(body, tokenize='kofts');         -- word mode
 *   CREATE VIRTUAL TABLE b USING fts5(body, tokenize='kofts bigram');  -- bigram mode
 *
 * In word mode a column value that starts with KOFTS_BIGRAM_MARK (0x01) is analysed in
 * bigram mode; kofts's own schema uses that for its bigram column. At query time,
 * colocated tokens become FTS5 synonyms (OR at one position).
 *
 * With the argument "bigram_in_body" (kofts's schema 5), a value WORDS 0x01 TITLE '\n'
 * WORDS is read in word mode up to the 0x01 and in bigram mode from it, and plain bigrams
 * (document and query side) are written "~XY": a word token never equals a bigram, so the
 * bigram tokens can share FTS5 column 0 with the body's words.
 *
 * Pre-analysis (for multi-threaded indexing): worker threads turn a column's text into
 * a kofts_tokstream; the single writer thread hands the streams of the row it is about
 * to INSERT to kofts_fts5_preload(); when FTS5 then asks the tokenizer (on the same
 * thread) for a text byte-identical to a preloaded one, the stream is replayed instead
 * of analysing again. Tokens are identical either way.
 */
#ifndef KOFTS_FTS5_H
#define KOFTS_FTS5_H

#include <sqlite3.h>
#include <stddef.h>

#include "kofts_analyzer.h"

/* The FTS5 API of db (borrowed, valid while db is open), or NULL if FTS5 is missing. */
fts5_api *kofts_fts5_api(sqlite3 *db);

/* Register the "kofts" tokenizer on db, and the SQL function kofts_text() that the
 * index's views need (kofts_textz.h). Returns an SQLITE_* code. */
int kofts_fts5_register(sqlite3 *db);

typedef struct kofts_tokstream kofts_tokstream;

/*
 * Analyse text[0..len) as FTS5 would for a document column (bigram mode if text starts
 * with KOFTS_BIGRAM_MARK) and record the tokens. The stream keeps a pointer to text
 * (borrowed: text must stay unchanged until the stream is freed). On success *out
 * belongs to the caller (kofts_tokstream_free). Returns 0 or a negative KOFTS_E* code.
 */
int kofts_tokstream_build(kofts_tokstream **out, kofts_analyzer *a, const char *text, size_t len);

/* Free a stream; NULL is allowed. */
void kofts_tokstream_free(kofts_tokstream *ts);

/*
 * Call cb for every recorded token in order (text borrowed for the call; colocated 1
 * for a variant at the previous token's position). Returns 0 or the first non-zero
 * value of cb. For backends other than FTS5 (the Xapian writer).
 */
typedef int (*kofts_tokstream_cb)(void *ctx, const char *text, size_t len, int colocated);
int kofts_tokstream_each(const kofts_tokstream *ts, kofts_tokstream_cb cb, void *ctx);

/*
 * Offer streams to the tokenizer on the calling thread until the next call (or
 * kofts_fts5_preload(NULL, 0)). The array and streams are borrowed and must outlive
 * that. Texts not found among them are analysed normally.
 */
void kofts_fts5_preload(kofts_tokstream *const *streams, size_t n);

#endif /* KOFTS_FTS5_H */
