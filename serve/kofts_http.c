/*
 * kofts_http.c - query-string decoding and argument checks for kofts-serve (see
 * kofts_http.h). Every limit here has a test in tests/serve and a fuzz target.
 */
#include "kofts_http.h"

#include "kofts_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int kofts_http_decode(kofts_buf *out, const char *s, size_t n)
{
    if (kofts_buf_reserve(out, n))
        return KOFTS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && i + 2 < n) {
            int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                c = (char)(hi * 16 + lo);
                i += 2;
            }
        }
        if (kofts_buf_append(out, &c, 1))
            return KOFTS_ENOMEM;
    }
    return kofts_buf_append(out, "", 0);
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Strict decimal in [lo, hi]; -1 when not one. */
static int parse_int(const char *s, size_t n, int lo, int hi)
{
    if (n == 0 || n > 9 || !digits(s, n))
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v >= lo && v <= hi ? v : -1;
}

/* "parameter 'NAME' WHAT" into err; returns 400. */
static int bad(char *err, size_t cap, const char *name, const char *what)
{
    snprintf(err, cap, "parameter '%s' %s", name, what);
    return 400;
}

/* Check one decoded (name, value) pair and store it in a. Returns 0 or an HTTP status. */
static int take(kofts_http_args *a, const char *name, const char *v, size_t vn, char *err,
                size_t cap)
{
    if (memchr(v, '\0', vn))
        return bad(err, cap, name, "holds a NUL byte");
    if (strcmp(name, "q") == 0) {
        if (vn > KOFTS_HTTP_Q_MAX) {
            snprintf(err, cap, "parameter 'q' is longer than %d bytes", KOFTS_HTTP_Q_MAX);
            return 400;
        }
        char *p = malloc(vn + 1);
        if (!p)
            return KOFTS_ENOMEM;
        memcpy(p, v, vn);
        p[vn] = '\0';
        free(a->q);
        a->q = p;
        a->q_len = vn;
        return 0;
    }
    int known = !strcmp(name, "category") || !strcmp(name, "since") || !strcmp(name, "until") ||
                !strcmp(name, "sort") || !strcmp(name, "page") || !strcmp(name, "limit");
    if (!known) {
        a->unknown++;
        return 0;
    }
    if (vn > KOFTS_HTTP_VALUE_MAX) {
        snprintf(err, cap, "parameter '%s' is longer than %d bytes", name, KOFTS_HTTP_VALUE_MAX);
        return 400;
    }
    if (strcmp(name, "category") == 0) {
        free(a->category);
        a->category = NULL;
        if (vn && !(a->category = strdup(v)))
            return KOFTS_ENOMEM;
    } else if (strcmp(name, "since") == 0 || strcmp(name, "until") == 0) {
        char *dst = name[0] == 's' ? a->since : a->until;
        if (vn && !kofts_plan_date_ok(v, vn))
            return bad(err, cap, name, "wants a date YYYY, YYYY-MM or YYYY-MM-DD");
        memcpy(dst, v, vn);
        dst[vn] = '\0';
    } else if (strcmp(name, "sort") == 0) {
        if (vn == 0 || strcmp(v, "relevance") == 0)
            a->sort = KOFTS_SORT_RELEVANCE;
        else if (strcmp(v, "date") == 0)
            a->sort = KOFTS_SORT_DATE;
        else
            return bad(err, cap, name, "wants relevance or date");
    } else if (strcmp(name, "page") == 0) {
        int p = vn ? parse_int(v, vn, 1, KOFTS_HTTP_PAGE_MAX) : 1;
        if (p < 0) {
            snprintf(err, cap, "parameter 'page' wants a whole number from 1 to %d",
                     KOFTS_HTTP_PAGE_MAX);
            return 400;
        }
        a->page = p;
    } else {
        int l = vn ? parse_int(v, vn, 1, KOFTS_HTTP_LIMIT_MAX) : KOFTS_HTTP_LIMIT_DEFAULT;
        if (l < 0) {
            snprintf(err, cap, "parameter 'limit' wants a whole number from 1 to %d",
                     KOFTS_HTTP_LIMIT_MAX);
            return 400;
        }
        a->limit = l;
    }
    return 0;
}

int kofts_http_args_parse(kofts_http_args *a, const char *qs, size_t n, char *err, size_t errcap)
{
    int rc = 0;
    kofts_buf name = {0}, val = {0};
    memset(a, 0, sizeof *a);
    a->sort = KOFTS_SORT_RELEVANCE;
    a->page = 1;
    a->limit = KOFTS_HTTP_LIMIT_DEFAULT;
    if (errcap)
        err[0] = '\0';
    if (n > KOFTS_HTTP_QUERY_STRING_MAX) {
        snprintf(err, errcap, "query string longer than %d bytes", KOFTS_HTTP_QUERY_STRING_MAX);
        rc = 414;
        goto done;
    }
    size_t i = 0;
    while (i < n && rc == 0) {
        const char *amp = memchr(qs + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - qs) : n;
        const char *eq = memchr(qs + i, '=', end - i);
        size_t name_end = eq ? (size_t)(eq - qs) : end;
        kofts_buf_clear(&name);
        kofts_buf_clear(&val);
        if (kofts_http_decode(&name, qs + i, name_end - i) ||
            kofts_http_decode(&val, eq ? eq + 1 : qs + end, eq ? end - name_end - 1 : 0)) {
            rc = KOFTS_ENOMEM;
            break;
        }
        /* A name with a NUL or an empty pair (a&&b) is simply not a known name. */
        if (name.len && !memchr(name.data, '\0', name.len))
            rc = take(a, name.data, val.data, val.len, err, errcap);
        i = end + 1;
    }
done:
    if (!a->q && !(a->q = strdup("")) && rc == 0)
        rc = KOFTS_ENOMEM;
    kofts_buf_free(&name);
    kofts_buf_free(&val);
    return rc;
}

void kofts_http_args_free(kofts_http_args *a)
{
    if (!a)
        return;
    free(a->q);
    free(a->category);
    a->q = a->category = NULL;
}
