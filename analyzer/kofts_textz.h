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
 * inflates every hit it shows a snippet for, so decoding speed is what counts.
 *
 * A dictionary trained on the index's own first bodies (schema 3: table doc_dict,
 * one row per dictionary, keyed by the id zstd writes into every frame made with it)
 * makes short bodies much smaller: 7.2 -> 5.5 MB on the same corpus.
 */
#ifndef KOFTS_TEXTZ_H
#define KOFTS_TEXTZ_H

#include <sqlite3.h>
#include <stddef.h>

#include "kofts_error.h"
#include "kofts_util.h"

#define KOFTS_TEXTZ_MIN              128        /* shorter texts are stored as plain TEXT */
#define KOFTS_TEXTZ_DICT_SIZE        112640     /* bytes of a trained dictionary, at most */
#define KOFTS_TEXTZ_DICT_MIN_SAMPLES 64         /* fewer texts are not worth training on */
#define KOFTS_TEXTZ_LIMIT            (1u << 30) /* the largest text length a BLOB may claim */

/*
 * The compression dictionary of one index run: its writer sets it (kofts_textz_slot_use)
 * while worker threads compress bodies with whatever it holds at that moment
 * (kofts_textz_pack). Every dictionary a slot was given stays loaded until the slot is
 * freed, so a worker never compresses with a freed one. One slot per writer: two
 * writers in one process do not share a dictionary.
 */
typedef struct kofts_textz_slot kofts_textz_slot;

/* A new slot holding no dictionary (*out); 0 or KOFTS_ENOMEM. */
int kofts_textz_slot_new(kofts_textz_slot **out);

/* Free the slot and its dictionaries, once nothing compresses with it; NULL allowed. */
void kofts_textz_slot_free(kofts_textz_slot *s);

/*
 * From now on kofts_textz_pack with this slot compresses with dict[0..n) (a trained
 * dictionary: its id, which every frame names, goes to *id when id is not NULL); NULL /
 * 0 goes back to no dictionary. Called by one thread (the writer). Returns 0,
 * KOFTS_EINVAL (not a dictionary: no id), KOFTS_ENOMEM.
 */
int kofts_textz_slot_use(kofts_textz_slot *s, const void *dict, size_t n, unsigned *id);

/* The id of the dictionary the slot compresses with now, 0 when none. */
unsigned kofts_textz_slot_dict(const kofts_textz_slot *s);

/* The id of the dictionary the BLOB z[0..n) was compressed with, 0 when none. */
unsigned kofts_textz_dict_of(const void *z, size_t n);

/*
 * Compress text[0..len) into out (emptied first) as the BLOB above, with the dictionary
 * slot holds now (slot NULL, or holding none: without). Returns 1 when the text should
 * be stored as plain TEXT instead (shorter than KOFTS_TEXTZ_MIN, larger than
 * KOFTS_TEXTZ_LIMIT, or compression saves less than an eighth), 0 when out holds the
 * BLOB, KOFTS_ENOMEM. Thread-safe (a context per thread).
 */
int kofts_textz_pack(kofts_buf *out, const char *text, size_t len, const kofts_textz_slot *slot);

/*
 * Decompress the BLOB z[0..n) into a new NUL-terminated string *out (sqlite3_malloc'ed:
 * the caller frees it with sqlite3_free) of *out_len bytes. Returns 0, KOFTS_ENOMEM,
 * or KOFTS_EINVAL when z is not exactly one well-formed frame (no stated length or one
 * over KOFTS_TEXTZ_LIMIT, corrupt or truncated data, checksum mismatch, trailing
 * bytes). Thread-safe (a context per thread).
 */
int kofts_textz_unpack(const void *z, size_t n, char **out, size_t *out_len);

/*
 * Train a zstd dictionary on the n texts laid end to end in samples (sizes[i] bytes
 * each) into dict (emptied first; at most KOFTS_TEXTZ_DICT_SIZE bytes and a sixteenth
 * of the samples), its id (never 0) into *id. Returns 0, 1 when there is too little or
 * too uniform text to learn from (dict empty), or KOFTS_ENOMEM.
 */
int kofts_textz_train(kofts_buf *dict, unsigned *id, const char *samples, const size_t *sizes,
                      unsigned n);

/*
 * Register kofts_text(x) on db: a BLOB in the layout above -> its text; TEXT and NULL
 * are returned unchanged; a malformed BLOB is an SQL error "kofts_text: corrupt
 * compressed text". A frame compressed with a dictionary is read with the one of that
 * id in db's table doc_dict(id, dict) (kept loaded per connection); without it the
 * error names the missing dictionary. Deterministic. Returns an SQLITE_* code.
 */
int kofts_textz_register(sqlite3 *db);

#endif /* KOFTS_TEXTZ_H */
