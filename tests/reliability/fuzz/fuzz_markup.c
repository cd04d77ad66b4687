/*
 * fuzz_markup.c - libFuzzer target for kofts-index's text cleaning and Markdown/HTML
 * extraction (indexer/kofts_doc.h, indexer/kofts_markup.h).
 *
 * Input: arbitrary bytes. The first byte picks the path (even: HTML, odd: Markdown with
 * raw HTML); the rest goes through kofts_text_clean (as the indexer does with every
 * file) and then kofts_markup_html / kofts_markup_markdown. Properties:
 *   - kofts_text_clean output is valid UTF-8 with no NUL and no CR;
 *   - markup returns 0 and its text, extra and title are valid UTF-8 without NUL bytes;
 *   - kofts_date_norm on the input gives "" (returns 0) or a well-formed date;
 *   - a kofts_doc built from the result finishes, and its bigram column is
 *     0x01 + title + '\n' + body, byte for byte (what the fts_content view makes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "kofts_doc.h"
#include "kofts_markup.h"
#include "kofts_util.h"

static void check_text(const kofts_buf *b, const char *what)
{
    if (b->len == 0)
        return;
    FUZZ_CHECK(kofts_utf8_valid(b->data, b->len), "%s not UTF-8", what);
    FUZZ_CHECK(memchr(b->data, 0, b->len) == NULL, "NUL byte in %s", what);
}

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* kofts_date_norm gives "" (returns 0) or YYYY-MM-DD[THH:MM[:SS]] with a valid month/day. */
static void check_out_date(int ok, const char *out)
{
    size_t l = strnlen(out, 20);
    FUZZ_CHECK(l < 20, "date not terminated");
    if (!ok) {
        FUZZ_CHECK(l == 0, "invalid date but out='%s'", out);
        return;
    }
    FUZZ_CHECK(l == 10 || l == 16 || l == 19, "date '%s' of length %zu", out, l);
    FUZZ_CHECK(digits(out, 4) && out[4] == '-' && digits(out + 5, 2) && out[7] == '-' &&
                   digits(out + 8, 2),
               "date '%s'", out);
    int mon = (out[5] - '0') * 10 + (out[6] - '0'), day = (out[8] - '0') * 10 + (out[9] - '0');
    FUZZ_CHECK(mon >= 1 && mon <= 12 && day >= 1 && day <= 31, "date '%s' out of range", out);
    if (l > 10)
        FUZZ_CHECK(out[10] == 'T' && digits(out + 11, 2) && out[13] == ':' && digits(out + 14, 2),
                   "time in '%s'", out);
}

/* s[0..n) is passed as an exact-size copy: reading past n is an ASan error
 * (regression: seeds/markup/date_norm_overread.bin). */
static void check_date(const char *s, size_t n)
{
    char out[20];
    char *copy = malloc(n ? n : 1);
    FUZZ_CHECK(copy != NULL, "out of memory");
    memcpy(copy, s, n);
    memset(out, 'x', sizeof out);
    check_out_date(kofts_date_norm(copy, n, out), out);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    kofts_buf clean = {0};
    kofts_markup mk;
    memset(&mk, 0, sizeof mk);
    int flags = 0;
    check_date(in, n);
    FUZZ_CHECK(kofts_text_clean(&clean, in, n, &flags) == 0, "text_clean failed");
    check_text(&clean, "cleaned text");
    /* only a leading BOM is dropped (a second one is U+FEFF text), so check CR only */
    FUZZ_CHECK(clean.len == 0 || memchr(clean.data, '\r', clean.len) == NULL,
               "CR left after cleaning");
    const char *c = clean.data ? clean.data : "";
    int rc = (data[0] & 1) ? kofts_markup_markdown(&mk, c, clean.len)
                           : kofts_markup_html(&mk, c, clean.len);
    FUZZ_CHECK(rc == 0, "markup rc=%d", rc);
    check_text(&mk.text, "text");
    check_text(&mk.extra, "extra");
    check_text(&mk.title, "title");

    kofts_doc *d = kofts_doc_new();
    FUZZ_CHECK(d != NULL, "out of memory");
    FUZZ_CHECK(kofts_doc_set(&d->title, mk.title.data ? mk.title.data : "", mk.title.len) == 0 &&
                   kofts_doc_set(&d->body, mk.text.data ? mk.text.data : "", mk.text.len) == 0 &&
                   kofts_doc_set(&d->extra, mk.extra.data ? mk.extra.data : "", mk.extra.len) == 0,
               "doc_set failed");
    FUZZ_CHECK(kofts_doc_finish(d, NULL) == 0, "doc_finish failed");
    size_t tl = strlen(d->title), bl = strlen(d->body);
    const char *bg = d->col[KOFTS_COL_BIGRAM];
    FUZZ_CHECK(bg && strlen(bg) == tl + bl + 2 && bg[0] == '\x01' &&
                   memcmp(bg + 1, d->title, tl) == 0 && bg[1 + tl] == '\n' &&
                   memcmp(bg + 2 + tl, d->body, bl) == 0,
               "bigram column differs from 0x01 title LF body");
    FUZZ_CHECK(strlen(d->hash) == 16, "hash '%s'", d->hash);
    kofts_doc_free(d);
    kofts_markup_free(&mk);
    kofts_buf_free(&clean);
    return 0;
}
