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
 * Terms of a document: for column c of kofts_columns, every analyzer token t becomes
 * kofts_columns[c].xprefix + t at its position (colocated variants share a position;
 * positions restart at 1 per column, as in FTS5), and t itself without prefix and
 * position, with the column's weight as wdf (kofts_xs_wdf); the bigram column's tokens
 * go under its own prefix. Q<id> is the unique id term (ids over KOFTS_XS_MAX_TERM bytes use
 * Q#<fnv1a hex>); XC<category> one boolean term per category. Value slot 0 holds the
 * date (ISO, sorts as text). The document data holds the stored fields.
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

/*
 * Column weights at index time: a word column's tokens are also indexed without prefix
 * with wdf = 2 x weight per occurrence (title 20, excerpt 6, body 2, extra 1, tags 4),
 * and the bigram column's with wdf 2 x its weight - so BM25 saturates the weighted
 * frequency, as FTS5's bm25() does with its column weights (Robertson & Zaragoza's
 * BM25F-like treatment), instead of adding one whole BM25 score per field.
 */
unsigned kofts_xs_wdf(int col);

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
