/*
 * kofts_textz.c - compressed stored text (see kofts_textz.h).
 *
 * Compression and decompression contexts are kept per thread (pthread keys, freed when
 * the thread ends): a fresh context per call costs more than the work itself on a
 * 3 KB body (zstd one-shot 13 us vs 5 us per body on ../shared/corpus).
 */
#include "kofts_textz.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
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

int kofts_textz_pack(kofts_buf *out, const char *text, size_t len)
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
    size_t zlen = ZSTD_compress2(c, out->data, bound, text, len);
    if (ZSTD_isError(zlen))
        return KOFTS_ENOMEM; /* cannot happen with ZSTD_compressBound room */
    if (zlen > len - len / 8)
        return 1;
    out->len = zlen;
    return 0;
}

int kofts_textz_unpack(const void *z, size_t n, char **out, size_t *out_len)
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
    size_t got = ZSTD_decompressDCtx(d, buf, (size_t)len, z, n);
    if (ZSTD_isError(got) || got != len) { /* corrupt, truncated, checksum mismatch */
        sqlite3_free(buf);
        return KOFTS_EINVAL;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = (size_t)len;
    return 0;
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
    int rc = kofts_textz_unpack(sqlite3_value_blob(argv[0]), (size_t)sqlite3_value_bytes(argv[0]),
                                &text, &len);
    if (rc == KOFTS_ENOMEM)
        sqlite3_result_error_nomem(ctx);
    else if (rc)
        sqlite3_result_error(ctx, "kofts_text: corrupt compressed text", -1);
    else
        sqlite3_result_text64(ctx, text, len, sqlite3_free, SQLITE_UTF8);
}

int kofts_textz_register(sqlite3 *db)
{
    return sqlite3_create_function_v2(db, "kofts_text", 1,
                                      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                      sql_kofts_text, NULL, NULL, NULL);
}
