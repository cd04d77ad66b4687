/*
 * kofts_util.c - growable buffers, UTF-8, JSON escaping, FNV-1a.
 */
#include "kofts_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "kofts_error.h"

void *kofts_grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap && p)
        return p;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return NULL;
        c *= 2;
    }
    if (elem && c > SIZE_MAX / elem)
        return NULL;
    void *np = realloc(p, c * elem);
    if (np)
        *cap = c;
    return np;
}

double kofts_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int kofts_buf_reserve(kofts_buf *b, size_t n)
{
    if (n > SIZE_MAX - b->len - 1)
        return KOFTS_ENOMEM;
    char *p = kofts_grow(b->data, &b->cap, b->len + n + 1, 1);
    if (!p)
        return KOFTS_ENOMEM;
    b->data = p;
    return 0;
}

int kofts_buf_append(kofts_buf *b, const void *p, size_t n)
{
    if (kofts_buf_reserve(b, n))
        return KOFTS_ENOMEM;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int kofts_buf_puts(kofts_buf *b, const char *s)
{
    return kofts_buf_append(b, s, strlen(s));
}

int kofts_buf_printf(kofts_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    int rc = 0;
    if (n < 0 || kofts_buf_reserve(b, (size_t)n)) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    b->len += (size_t)n;
done:
    va_end(ap2);
    return rc;
}

int kofts_buf_json_str(kofts_buf *b, const char *s, size_t n)
{
    if (kofts_buf_reserve(b, n + 2))
        return KOFTS_ENOMEM;
    b->data[b->len++] = '"';
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            char esc[8];
            const char *e = NULL;
            switch (c) {
            case '"':
                e = "\\\"";
                break;
            case '\\':
                e = "\\\\";
                break;
            case '\n':
                e = "\\n";
                break;
            case '\r':
                e = "\\r";
                break;
            case '\t':
                e = "\\t";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    snprintf(esc, sizeof esc, "\\u%04x", c);
                    e = esc;
                }
            }
            int rc = e ? kofts_buf_puts(b, e) : kofts_buf_append(b, &s[i], 1);
            if (rc)
                return rc;
            i++;
            continue;
        }
        size_t adv;
        int32_t cp = kofts_utf8_decode(s, n, i, &adv);
        int rc = cp < 0 ? kofts_buf_puts(b, "\xEF\xBF\xBD") : kofts_buf_append(b, &s[i], adv);
        if (rc)
            return rc;
        i += adv;
    }
    return kofts_buf_append(b, "\"", 1);
}

void kofts_buf_clear(kofts_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void kofts_buf_free(kofts_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int32_t kofts_utf8_decode(const char *s, size_t n, size_t i, size_t *adv)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[i];
    *adv = 1;
    if (c < 0x80)
        return c;
    size_t need;
    int32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return -1;
    }
    if (i + need >= n)
        return -1;
    for (size_t k = 1; k <= need; k++) {
        unsigned char cc = u[i + k];
        if ((cc & 0xC0) != 0x80)
            return -1;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return -1;
    *adv = need + 1;
    return cp;
}

size_t kofts_utf8_encode(int32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

int kofts_utf8_valid(const char *s, size_t n)
{
    size_t i = 0, adv;
    while (i < n) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        if (kofts_utf8_decode(s, n, i, &adv) < 0)
            return 0;
        i += adv;
    }
    return 1;
}

uint64_t kofts_fnv1a64(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}
