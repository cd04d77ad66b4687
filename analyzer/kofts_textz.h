/*
 * kofts_textz.h - compressed stored text: a document body is kept in the index as a
 * BLOB holding one zstd frame of its bytes, or as plain TEXT when compression does not
 * pay (short bodies). The SQL function kofts_text(x) gives the text back in SQL: the
 * views docs and fts_content (schema/001_init.sql) call it, so every reader of
 * docs.body and FTS5's 'delete' / integrity-check see plain text.
 *
 *   BLOB = one zstd frame (RFC 8878) with the text length and a content checksum
 *
 * zstd (Debian libzstd) rather than zlib, measured on ../shared/corpus (14.9 MB of
 * bodies, 5,240 documents): zstd level 3 7.2 MB and 5-6 us to inflate a body with a
 * reused context; zlib level 6 6.7 MB but 11 us (30 us with a fresh stream). A search
 * inflates every hit it shows a snippet for, so decoding speed is what counts. A
 * trained dictionary would give 5.5 MB at level 3 but ties every BLOB to a dictionary
 * kept in the index; not done.
 */
#ifndef KOFTS_TEXTZ_H
#define KOFTS_TEXTZ_H

#include <sqlite3.h>
#include <stddef.h>

#include "kofts_error.h"
#include "kofts_util.h"

#define KOFTS_TEXTZ_MIN   128        /* shorter texts are stored as plain TEXT */
#define KOFTS_TEXTZ_LIMIT (1u << 30) /* the largest text length a BLOB may claim */

/*
 * Compress text[0..len) into out (emptied first) as the BLOB above. Returns 1 when
 * the text should be stored as plain TEXT instead (shorter than KOFTS_TEXTZ_MIN,
 * larger than KOFTS_TEXTZ_LIMIT, or compression saves less than an eighth), 0 when
 * out holds the BLOB, KOFTS_ENOMEM. Thread-safe (a context per thread).
 */
int kofts_textz_pack(kofts_buf *out, const char *text, size_t len);

/*
 * Decompress the BLOB z[0..n) into a new NUL-terminated string *out (sqlite3_malloc'ed:
 * the caller frees it with sqlite3_free) of *out_len bytes. Returns 0, KOFTS_ENOMEM,
 * or KOFTS_EINVAL when z is not exactly one well-formed frame (no stated length or one
 * over KOFTS_TEXTZ_LIMIT, corrupt or truncated data, checksum mismatch, trailing
 * bytes). Thread-safe (a context per thread).
 */
int kofts_textz_unpack(const void *z, size_t n, char **out, size_t *out_len);

/*
 * Register kofts_text(x) on db: a BLOB in the layout above -> its text; TEXT and NULL
 * are returned unchanged; a malformed BLOB is an SQL error "kofts_text: corrupt
 * compressed text". Deterministic. Returns an SQLITE_* code.
 */
int kofts_textz_register(sqlite3 *db);

#endif /* KOFTS_TEXTZ_H */
