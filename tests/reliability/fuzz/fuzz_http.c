/*
 * fuzz_http.c - libFuzzer target for kofts-serve's request side (serve/kofts_http.h)
 * and its escaping (serve/kofts_escape.h).
 *
 * Input: arbitrary bytes used as the query string of a request. Per input:
 *   1. kofts_http_args_parse answers 0, 400 or 414 (never anything else), with a
 *      reason on a 4xx; on 0 every value is inside its limits (q <= 1024 bytes, page
 *      1..100, limit 1..50, dates well-formed, no NUL in q or category);
 *   2. the decoded q and category escaped for HTML text / attribute are valid UTF-8
 *      with no < > (and no quotes in an attribute);
 *   3. kofts_esc_url of a decoded value holds only unreserved characters and %XX, and
 *      decodes back to the same bytes.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "kofts_escape.h"
#include "kofts_http.h"

static void check_html(const char *s, size_t n)
{
    kofts_buf t = {0}, a = {0};
    FUZZ_CHECK(kofts_esc_html_text(&t, s, n) == 0 && kofts_esc_html_attr(&a, s, n) == 0, "oom");
    const char *tt = t.data ? t.data : "", *aa = a.data ? a.data : "";
    FUZZ_CHECK(kofts_utf8_valid(tt, t.len) && kofts_utf8_valid(aa, a.len), "invalid UTF-8 out");
    FUZZ_CHECK(!memchr(tt, '<', t.len) && !memchr(tt, '>', t.len), "markup in HTML text");
    FUZZ_CHECK(!memchr(aa, '"', a.len) && !memchr(aa, '\'', a.len) && !memchr(aa, '<', a.len),
               "quote or < in an attribute");
    FUZZ_CHECK(!memchr(tt, '\0', t.len), "NUL in HTML text");
    kofts_buf_free(&t);
    kofts_buf_free(&a);
}

static void check_url_roundtrip(const char *s, size_t n)
{
    kofts_buf e = {0}, d = {0};
    FUZZ_CHECK(kofts_esc_url(&e, s, n) == 0, "oom");
    for (size_t i = 0; i < e.len; i++) {
        char c = e.data[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '~' || c == '%';
        FUZZ_CHECK(ok, "byte 0x%02x left unencoded", (unsigned char)c);
    }
    FUZZ_CHECK(kofts_http_decode(&d, e.data ? e.data : "", e.len) == 0, "oom");
    FUZZ_CHECK(d.len == n && (n == 0 || memcmp(d.data, s, n) == 0), "URL encoding round trip");
    kofts_buf_free(&e);
    kofts_buf_free(&d);
}

static int date_ok(const char *d)
{
    size_t n = strlen(d);
    return n == 0 || n == 4 || n == 7 || n == 10;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *qs = (const char *)data;
    kofts_http_args a;
    char err[160];
    int rc = kofts_http_args_parse(&a, qs, size, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == 400 || rc == 414, "unexpected answer %d", rc);
    if (rc) {
        FUZZ_CHECK(err[0] != '\0', "a %d without a reason", rc);
        FUZZ_CHECK(rc != 414 || size > KOFTS_HTTP_QUERY_STRING_MAX, "414 for a short string");
    } else {
        FUZZ_CHECK(a.q && a.q_len <= KOFTS_HTTP_Q_MAX && !memchr(a.q, '\0', a.q_len), "q");
        FUZZ_CHECK(a.page >= 1 && a.page <= KOFTS_HTTP_PAGE_MAX, "page %d", a.page);
        FUZZ_CHECK(a.limit >= 1 && a.limit <= KOFTS_HTTP_LIMIT_MAX, "limit %d", a.limit);
        FUZZ_CHECK(date_ok(a.since) && date_ok(a.until), "dates");
        FUZZ_CHECK(!a.category || strlen(a.category) <= KOFTS_HTTP_VALUE_MAX, "category");
        check_html(a.q, a.q_len);
        check_url_roundtrip(a.q, a.q_len);
        if (a.category) {
            check_html(a.category, strlen(a.category));
            check_url_roundtrip(a.category, strlen(a.category));
        }
    }
    kofts_http_args_free(&a);
    /* The raw bytes themselves, as any document text would be. */
    check_html(qs, size);
    check_url_roundtrip(qs, size < 4096 ? size : 4096);
    return 0;
}
