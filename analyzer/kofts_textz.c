/*
 * kofts_textz.c - compressed stored text (see kofts_textz.h).
 *
 * Compression and decompression contexts are kept per thread (pthread keys, freed when
 * the thread ends): a fresh context per call costs more than the work itself on a
 * 3 KB body (zstd one-shot 13 us vs 5 us per body on ../shared/corpus).
 */
#include "kofts_textz.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zdict.h>
#include <zstd.h>

#define LEVEL 3 /* zstd's default: 7.2 MB for 14.9 MB of bodies; 9 gives 7.0 at 4x the CPU */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t ckey, dkey;
static int keys_ok;

static void free_cctx(void *p)
{
    ZSTD_freeCCtx(p);
}

static void free_dctx(void *p)
{
    ZSTD_freeDCtx(p);
}

static void make_keys(void)
{
    keys_ok =
        pthread_key_create(&ckey, free_cctx) == 0 && pthread_key_create(&dkey, free_dctx) == 0;
}

/* This thread's compression context, or NULL on out of memory. */
static ZSTD_CCtx *cctx(void)
{
    pthread_once(&once, make_keys);
    if (!keys_ok)
        return NULL;
    ZSTD_CCtx *c = pthread_getspecific(ckey);
    if (!c && (c = ZSTD_createCCtx()) && pthread_setspecific(ckey, c) != 0) {
        ZSTD_freeCCtx(c);
        c = NULL;
    }
    return c;
}

/* This thread's decompression context, or NULL on out of memory. */
static ZSTD_DCtx *dctx(void)
{
    pthread_once(&once, make_keys);
    if (!keys_ok)
        return NULL;
    ZSTD_DCtx *d = pthread_getspecific(dkey);
    if (!d && (d = ZSTD_createDCtx()) && pthread_setspecific(dkey, d) != 0) {
        ZSTD_freeDCtx(d);
        d = NULL;
    }
    return d;
}

/* A slot's dictionaries: a list that only grows while the slot lives, so a pointer a
 * packing thread read from cur stays valid until kofts_textz_slot_free. */
typedef struct dict_node {
    ZSTD_CDict *cd;
    unsigned id;
    struct dict_node *next;
} dict_node;

struct kofts_textz_slot {
    _Atomic(dict_node *) cur; /* the dictionary in use, or NULL */
    dict_node *all;           /* every dictionary given, under mu */
    pthread_mutex_t mu;
};

int kofts_textz_slot_new(kofts_textz_slot **out)
{
    kofts_textz_slot *s = calloc(1, sizeof *s);
    *out = s;
    if (!s)
        return KOFTS_ENOMEM;
    atomic_init(&s->cur, NULL);
    pthread_mutex_init(&s->mu, NULL);
    return 0;
}

void kofts_textz_slot_free(kofts_textz_slot *s)
{
    if (!s)
        return;
    for (dict_node *d = s->all, *next; d; d = next) {
        next = d->next;
        ZSTD_freeCDict(d->cd);
        free(d);
    }
    pthread_mutex_destroy(&s->mu);
    free(s);
}

int kofts_textz_slot_use(kofts_textz_slot *s, const void *dict, size_t n, unsigned *id)
{
    if (id)
        *id = 0;
    if (!dict || !n) {
        atomic_store(&s->cur, NULL);
        return 0;
    }
    unsigned did = ZDICT_getDictID(dict, n);
    if (!did)
        return KOFTS_EINVAL;
    pthread_mutex_lock(&s->mu);
    dict_node *d = s->all;
    while (d && d->id != did)
        d = d->next;
    if (!d && (d = calloc(1, sizeof *d))) {
        if (!(d->cd = ZSTD_createCDict(dict, n, LEVEL))) {
            free(d);
            d = NULL;
        } else {
            d->id = did;
            d->next = s->all;
            s->all = d;
        }
    }
    pthread_mutex_unlock(&s->mu);
    if (!d)
        return KOFTS_ENOMEM;
    atomic_store(&s->cur, d);
    if (id)
        *id = did;
    return 0;
}

int kofts_textz_train(kofts_buf *dict, unsigned *id, const char *samples, const size_t *sizes,
                      unsigned n)
{
    size_t total = 0;
    dict->len = 0;
    *id = 0;
    for (unsigned i = 0; i < n; i++)
        total += sizes[i];
    /* zstd's advice: about 100x as much text as dictionary; at least a sixteenth here */
    size_t cap = total / 16 < KOFTS_TEXTZ_DICT_SIZE ? total / 16 : KOFTS_TEXTZ_DICT_SIZE;
    if (n < KOFTS_TEXTZ_DICT_MIN_SAMPLES || cap < 1024)
        return 1;
    if (kofts_buf_reserve(dict, cap))
        return KOFTS_ENOMEM;
    size_t got = ZDICT_trainFromBuffer(dict->data, cap, samples, sizes, n);
    if (ZDICT_isError(got) || !(*id = ZDICT_getDictID(dict->data, got)))
        return 1; /* too little or too uniform text to learn from */
    dict->len = got;
    return 0;
}

unsigned kofts_textz_slot_dict(const kofts_textz_slot *s)
{
    const dict_node *d = s ? atomic_load(&((kofts_textz_slot *)s)->cur) : NULL;
    return d ? d->id : 0;
}

unsigned kofts_textz_dict_of(const void *z, size_t n)
{
    return z && n ? ZSTD_getDictID_fromFrame(z, n) : 0;
}

int kofts_textz_pack(kofts_buf *out, const char *text, size_t len, const kofts_textz_slot *slot)
{
    out->len = 0;
    if (len < KOFTS_TEXTZ_MIN || len > KOFTS_TEXTZ_LIMIT)
        return 1;
    size_t bound = ZSTD_compressBound(len);
    ZSTD_CCtx *c = cctx();
    if (!c || kofts_buf_reserve(out, bound))
        return KOFTS_ENOMEM;
    /* the frame records the text length and a checksum of the text */
    if (ZSTD_isError(ZSTD_CCtx_reset(c, ZSTD_reset_session_and_parameters)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, LEVEL)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1)))
        return KOFTS_ENOMEM;
    /* the frame then names the dictionary's id */
    dict_node *dn = slot ? atomic_load(&slot->cur) : NULL;
    if (dn && ZSTD_isError(ZSTD_CCtx_refCDict(c, dn->cd)))
        return KOFTS_ENOMEM;
    size_t zlen = ZSTD_compress2(c, out->data, bound, text, len);
    if (ZSTD_isError(zlen))
        return KOFTS_ENOMEM; /* cannot happen with ZSTD_compressBound room */
    if (zlen > len - len / 8)
        return 1;
    out->len = zlen;
    return 0;
}

/* kofts_textz_unpack with the dictionary dd (NULL: none). */
static int unpack(const void *z, size_t n, const ZSTD_DDict *dd, char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    /* exactly one frame, whose header states a length within the limit */
    unsigned long long len = ZSTD_getFrameContentSize(z, n);
    if (len == ZSTD_CONTENTSIZE_UNKNOWN || len == ZSTD_CONTENTSIZE_ERROR ||
        len > KOFTS_TEXTZ_LIMIT || ZSTD_findFrameCompressedSize(z, n) != n)
        return KOFTS_EINVAL;
    ZSTD_DCtx *d = dctx();
    char *buf = sqlite3_malloc64(len + 1);
    if (!d || !buf) {
        sqlite3_free(buf);
        return KOFTS_ENOMEM;
    }
    size_t got = dd ? ZSTD_decompress_usingDDict(d, buf, (size_t)len, z, n, dd)
                    : ZSTD_decompressDCtx(d, buf, (size_t)len, z, n);
    if (ZSTD_isError(got) || got != len) { /* corrupt, truncated, checksum mismatch */
        sqlite3_free(buf);
        return KOFTS_EINVAL;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = (size_t)len;
    return 0;
}

int kofts_textz_unpack(const void *z, size_t n, char **out, size_t *out_len)
{
    return unpack(z, n, NULL, out, out_len);
}

/* kofts_text()'s state on one connection: the dictionaries it has read from doc_dict. */
#define DD_CACHE 4
typedef struct {
    unsigned id[DD_CACHE];
    ZSTD_DDict *dd[DD_CACHE];
    unsigned next; /* slot replaced next */
} text_fn;

static void text_fn_free(void *p)
{
    text_fn *f = p;
    for (int i = 0; f && i < DD_CACHE; i++)
        ZSTD_freeDDict(f->dd[i]);
    free(f);
}

/* The dictionary id of this connection's doc_dict, or NULL (*rc KOFTS_EINVAL when the
 * table or row is missing, KOFTS_ENOMEM). */
static const ZSTD_DDict *find_ddict(sqlite3_context *ctx, text_fn *f, unsigned id, int *rc)
{
    for (int i = 0; i < DD_CACHE; i++)
        if (f->dd[i] && f->id[i] == id)
            return f->dd[i];
    sqlite3_stmt *st = NULL;
    ZSTD_DDict *dd = NULL;
    *rc = KOFTS_EINVAL;
    if (sqlite3_prepare_v2(sqlite3_context_db_handle(ctx), "SELECT dict FROM doc_dict WHERE id=?1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) > 0) {
            dd = ZSTD_createDDict(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
            *rc = dd ? 0 : KOFTS_ENOMEM;
        }
    }
    sqlite3_finalize(st);
    if (dd) {
        unsigned k = f->next++ % DD_CACHE;
        ZSTD_freeDDict(f->dd[k]);
        f->dd[k] = dd;
        f->id[k] = id;
    }
    return dd;
}

static void sql_kofts_text(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    char *text = NULL;
    size_t len = 0;
    const void *z = sqlite3_value_blob(argv[0]);
    size_t n = (size_t)sqlite3_value_bytes(argv[0]);
    unsigned id = z ? ZSTD_getDictID_fromFrame(z, n) : 0;
    const ZSTD_DDict *dd = NULL;
    int rc = 0;
    if (id && !(dd = find_ddict(ctx, sqlite3_user_data(ctx), id, &rc)) && rc != KOFTS_ENOMEM) {
        char *msg = sqlite3_mprintf("kofts_text: compressed text needs dictionary %u, which the "
                                    "index does not hold (doc_dict)",
                                    id);
        sqlite3_result_error(ctx, msg ? msg : "kofts_text: dictionary missing", -1);
        sqlite3_free(msg);
        return;
    }
    if (rc == 0)
        rc = unpack(z, n, dd, &text, &len);
    if (rc == KOFTS_ENOMEM)
        sqlite3_result_error_nomem(ctx);
    else if (rc)
        sqlite3_result_error(ctx, "kofts_text: corrupt compressed text", -1);
    else
        sqlite3_result_text64(ctx, text, len, sqlite3_free, SQLITE_UTF8);
}

int kofts_textz_register(sqlite3 *db)
{
    text_fn *f = calloc(1, sizeof *f);
    if (!f)
        return SQLITE_NOMEM;
    return sqlite3_create_function_v2(db, "kofts_text", 1,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, f,
                                      sql_kofts_text, NULL, NULL, text_fn_free);
}
