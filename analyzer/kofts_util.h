/*
 * kofts_util.h - small shared helpers: a growable byte buffer, UTF-8 decoding,
 * JSON string escaping, FNV-1a hashing. Linked by every kofts program.
 */
#ifndef KOFTS_UTIL_H
#define KOFTS_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer. Zero-initialise ({0}) before first use; free with
 * kofts_buf_free. data is NUL-terminated after every successful append (when cap>0). */
typedef struct {
    char *data; /* owned; may be NULL while cap == 0 */
    size_t len; /* bytes used, not counting the NUL */
    size_t cap; /* bytes allocated */
} kofts_buf;

/* Make room for n more bytes (plus the NUL). Returns 0 or KOFTS_ENOMEM. */
int kofts_buf_reserve(kofts_buf *b, size_t n);
/* Append bytes / a NUL-terminated string / a printf-formatted string. 0 or KOFTS_ENOMEM. */
int kofts_buf_append(kofts_buf *b, const void *p, size_t n);
int kofts_buf_puts(kofts_buf *b, const char *s);
int kofts_buf_printf(kofts_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s[0..n) as a JSON string literal with quotes; invalid UTF-8 becomes U+FFFD. */
int kofts_buf_json_str(kofts_buf *b, const char *s, size_t n);
/* Forget the contents, keep the allocation. */
void kofts_buf_clear(kofts_buf *b);
/* Release the allocation; the buffer is zeroed and reusable. */
void kofts_buf_free(kofts_buf *b);

/*
 * Grow-by-doubling, written once: make the array p of *cap elements of elem bytes hold
 * at least need elements (need >= 1). Returns the array (moved or not; *cap updated), or
 * NULL when out of memory or on overflow — then p and *cap are unchanged and p is still
 * the caller's to free. Capacity starts at 16 and doubles. Use:
 *     T *np = kofts_grow(arr, &cap, n + 1, sizeof *arr); if (!np) fail; arr = np;
 */
void *kofts_grow(void *p, size_t *cap, size_t need, size_t elem);

/* Seconds on the monotonic clock (CLOCK_MONOTONIC): for durations and deadlines. */
double kofts_mono_s(void);

/*
 * Decode one UTF-8 character at s[i] (i < n). Returns the code point and sets *adv to
 * its length in bytes (>= 1); on an invalid or truncated sequence returns -1 and sets
 * *adv to 1 (skip one byte). Overlongs, surrogates and > U+10FFFF are invalid.
 */
int32_t kofts_utf8_decode(const char *s, size_t n, size_t i, size_t *adv);
/* Encode cp into out (>= 4 bytes). Returns the byte count (1..4), 0 if cp is invalid. */
size_t kofts_utf8_encode(int32_t cp, char *out);
/* 1 if s[0..n) is entirely valid UTF-8. */
int kofts_utf8_valid(const char *s, size_t n);

/* 64-bit FNV-1a of data (for content hashes). */
uint64_t kofts_fnv1a64(const void *data, size_t n);

#endif /* KOFTS_UTIL_H */
