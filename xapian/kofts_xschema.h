/*
 * kofts_xschema.h - how a kofts index is laid out in Xapian, shared by the writer
 * (indexer/kofts_writer_xapian.c) and the search backend (searcher/
 * kofts_backend_xapian.c). Plain C; no Xapian types.
 *
 *   PATH            Xapian stub database file: one line per shard
 *                     auto PATH.d/shard-K        (local shard; quest/xapian-delve open it)
 *                     remote HOST:PORT           (a shard served by xapian-tcpsrv)
 *   PATH.d/shard-K  glass databases; a document goes to shard fnv1a(id) % N
 *   PATH.d/state.db SQLite bookkeeping of the writer only (files, id -> source/hash/shard)
 *
 * Terms of a document (layout KOFTS_XS_LAYOUT): for every word column c of
 * kofts_columns, each analyzer token t is indexed once, as the bare term t at position
 * kofts_xs_pos(c, pos) - the columns lie KOFTS_XS_COL_GAP positions apart, so a phrase
 * never spans two columns - with the column's weight as wdf (kofts_xs_wdf). The title's
 * tokens also go under its prefix (S t, wdf 1, with positions) for `title:`; the
 * bigram column's under its own prefix (XG, weighted, with positions). Colocated
 * variants share a position. Q<id> is the unique id term (ids over KOFTS_XS_MAX_TERM
 * bytes use Q#<fnv1a hex>); XC<category> one boolean term per category. Value slot 0
 * holds the date (ISO, sorts as text). The document data holds the stored fields.
 * Metadata: kofts_analyzer (analyzer version), kofts_layout (KOFTS_XS_LAYOUT).
 *
 * Layout 1 (before 2026-11-28) also indexed every word column's tokens under the column
 * prefix with positions (two postings per token); layout 2 writes one positional
 * posting per token outside the title, which is what made the build several times
 * slower than FTS5's. Indexes of another layout are refused (rebuild with --full).
 */
#ifndef KOFTS_XSCHEMA_H
#define KOFTS_XSCHEMA_H

#include <stddef.h>

#include "kofts_error.h"
#include "kofts_util.h"

#define KOFTS_XS_SLOT_DATE  0
#define KOFTS_XS_CAT_PREFIX "XC"
#define KOFTS_XS_MAX_TERM   240 /* longest term written (Xapian's limit is 245 bytes) */
#define KOFTS_XS_MAX_SHARDS 64
#define KOFTS_XS_STUB_MAGIC "# kofts xapian index"
#define KOFTS_XS_LAYOUT     "2"        /* metadata kofts_layout; see above */
#define KOFTS_XS_COL_GAP    (1u << 24) /* positions between two columns' bare terms */

/*
 * Column weights at index time: a word column's tokens are indexed as bare terms
 * with wdf = 2 x weight per occurrence (title 20, excerpt 6, body 2, extra 1, tags 4),
 * and the bigram column's with wdf 2 x its weight - so BM25 saturates the weighted
 * frequency, as FTS5's bm25() does with its column weights (Robertson & Zaragoza's
 * BM25F-like treatment), instead of adding one whole BM25 score per field.
 */
unsigned kofts_xs_wdf(int col);

/* The position of a bare term at token position pos (>= 1) of word column col. */
unsigned kofts_xs_pos(int col, unsigned pos);

/* Write the id term of id into out (>= KOFTS_XS_MAX_TERM + 1 bytes); returns its length. */
size_t kofts_xs_idterm(const char *id, char *out);

/* The stored fields of a document, in data order. */
enum {
    KOFTS_XF_ID,
    KOFTS_XF_TITLE,
    KOFTS_XF_DATE,
    KOFTS_XF_CATEGORIES,
    KOFTS_XF_URL,
    KOFTS_XF_EXCERPT,
    KOFTS_XF_BODY,
    KOFTS_XF_N
};

/* Append the data of fields f[0..KOFTS_XF_N) (NUL-separated). Returns 0 or KOFTS_ENOMEM. */
int kofts_xs_data_encode(kofts_buf *out, const char *const f[KOFTS_XF_N]);

/* Split data[0..len) (NUL-terminated by the reader) into fields f (borrowed from data;
 * missing ones are ""); lens gets their byte lengths. */
void kofts_xs_data_decode(const char *data, size_t len, const char *f[KOFTS_XF_N],
                          size_t lens[KOFTS_XF_N]);

/* One shard line of a stub file. */
typedef struct {
    int remote;      /* 0: local path; 1: xapian-tcpsrv at host:port */
    char path[4096]; /* local: absolute or relative to the stub's folder, resolved */
    char host[256];  /* remote */
    unsigned port;   /* remote */
} kofts_xs_shard;

/*
 * Read the stub file path: *out (malloc'd, caller frees) gets *n shards. Lines: blank,
 * "# ...", "auto|glass PATH", "remote HOST:PORT" (a leading ':' program form is refused:
 * kofts never runs programs named in an index). Returns 0; KOFTS_EINVAL with a message
 * in err (naming the file and line) for a bad line; KOFTS_EIO when unreadable.
 */
int kofts_xs_stub_read(const char *path, kofts_xs_shard **out, size_t *n, char *err, size_t cap);

/* 1 if path looks like a kofts/Xapian stub file (text starting with "#", "auto",
 * "glass" or "remote"), 0 otherwise. */
int kofts_xs_is_stub(const char *path);

#endif /* KOFTS_XSCHEMA_H */
