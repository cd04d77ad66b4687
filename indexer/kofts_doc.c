/*
 * kofts_doc.c - documents, text cleaning, dates and diagnostics for the indexer.
 */
#include "kofts_doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

kofts_doc *kofts_doc_new(void)
{
    kofts_doc *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    char **f[] = {&d->id,   &d->source,  &d->title, &d->categories, &d->tags,
                  &d->date, &d->excerpt, &d->body,  &d->extra,      &d->url};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (!(*f[i] = strdup(""))) {
            kofts_doc_free(d);
            return NULL;
        }
    }
    return d;
}

int kofts_doc_set(char **slot, const char *s, size_t n)
{
    while (n && is_space((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n && is_space((unsigned char)s[n - 1]))
        n--;
    char *p = malloc(n + 1);
    if (!p)
        return KOFTS_ENOMEM;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    free(*slot);
    *slot = p;
    return 0;
}

int kofts_doc_finish_text(kofts_doc *d)
{
    int rc = 0;
    kofts_buf b = {0};
    free(d->col[KOFTS_COL_TAGS]);
    free(d->col[KOFTS_COL_BIGRAM]);
    d->col[KOFTS_COL_TAGS] = d->col[KOFTS_COL_BIGRAM] = NULL;
    d->col[KOFTS_COL_TITLE] = d->title;
    d->col[KOFTS_COL_EXCERPT] = d->excerpt;
    d->col[KOFTS_COL_BODY] = d->body;
    d->col[KOFTS_COL_EXTRA] = d->extra;

    /* tags column = categories || char(10) || tags (see the fts_content view) */
    if (kofts_buf_puts(&b, d->categories) || kofts_buf_append(&b, "\n", 1) ||
        kofts_buf_puts(&b, d->tags)) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    d->col[KOFTS_COL_TAGS] = b.data;
    b = (kofts_buf){0};
    /* bigram column = char(1) || title || char(10) || body */
    if (kofts_buf_append(&b, "\x01", 1) || kofts_buf_puts(&b, d->title) ||
        kofts_buf_append(&b, "\n", 1) || kofts_buf_puts(&b, d->body)) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    d->col[KOFTS_COL_BIGRAM] = b.data;
    b = (kofts_buf){0};

    /* content hash over every stored field, separated by 0x1f; text_hash leaves the url
     * out, so that a writer can update a changed url (a site's new permalink:) in place
     * without analysing the text again */
    const char *f[] = {d->id,      d->title, d->categories, d->tags, d->date,
                       d->excerpt, d->body,  d->extra,      d->url};
    size_t nf = sizeof f / sizeof f[0];
    for (size_t i = 0; i < nf; i++) {
        if (i == nf - 1)
            snprintf(d->text_hash, sizeof d->text_hash, "%016llx",
                     (unsigned long long)kofts_fnv1a64(b.data ? b.data : "", b.len));
        if (kofts_buf_puts(&b, f[i]) || kofts_buf_append(&b, "\x1f", 1)) {
            rc = KOFTS_ENOMEM;
            goto done;
        }
    }
    snprintf(d->hash, sizeof d->hash, "%016llx", (unsigned long long)kofts_fnv1a64(b.data, b.len));
done:
    kofts_buf_free(&b);
    return rc;
}

int kofts_doc_finish(kofts_doc *d, const kofts_textz_slot *z)
{
    int rc = kofts_doc_finish_text(d);
    if (!rc && kofts_textz_pack(&d->zbody, d->body, strlen(d->body), z) < 0)
        rc = KOFTS_ENOMEM;
    return rc;
}

int kofts_doc_analyze(kofts_doc *d, kofts_analyzer *a)
{
    int rc = 0;
    for (int i = 0; i < KOFTS_NCOLS; i++) {
        kofts_tokstream_free(d->ts[i]);
        d->ts[i] = NULL;
    }
    for (int i = 0; i < KOFTS_NCOLS; i++) {
        if (!d->col[i])
            continue;
        rc = kofts_tokstream_build(&d->ts[i], a, d->col[i], strlen(d->col[i]));
        if (rc)
            goto done;
    }
done:
    if (rc) {
        for (int i = 0; i < KOFTS_NCOLS; i++) {
            kofts_tokstream_free(d->ts[i]);
            d->ts[i] = NULL;
        }
    }
    return rc;
}

void kofts_doc_free(kofts_doc *d)
{
    if (!d)
        return;
    for (int i = 0; i < KOFTS_NCOLS; i++)
        kofts_tokstream_free(d->ts[i]);
    free(d->col[KOFTS_COL_TAGS]);
    free(d->col[KOFTS_COL_BIGRAM]);
    kofts_buf_free(&d->zbody);
    free(d->id);
    free(d->source);
    free(d->title);
    free(d->categories);
    free(d->tags);
    free(d->date);
    free(d->excerpt);
    free(d->body);
    free(d->extra);
    free(d->url);
    free(d);
}

int kofts_text_clean(kofts_buf *out, const char *s, size_t n, int *flags)
{
    static const char repl[] = "\xEF\xBF\xBD"; /* U+FFFD */
    size_t i = 0, bad = 0, probe = n < 8192 ? n : 8192;
    *flags = 0;
    if (kofts_buf_reserve(out, n + n / 8 + 4))
        return KOFTS_ENOMEM;
    out->data[out->len] = '\0';
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x80) {
            size_t j = i + 1; /* copy a run of printable ASCII at once */
            while (j < n && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x80)
                j++;
            if (kofts_buf_append(out, s + i, j - i))
                return KOFTS_ENOMEM;
            i = j;
            continue;
        }
        if (c == '\0') {
            *flags |= KOFTS_CLEAN_NUL;
            if (i < probe)
                bad++;
            i++;
            continue;
        }
        if (c == '\r') {
            if (kofts_buf_append(out, "\n", 1))
                return KOFTS_ENOMEM;
            i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
            continue;
        }
        if (c < 0x20) {
            if (c != '\t' && c != '\n' && c != '\f' && c != 0x1b && i < probe)
                bad++;
            if (kofts_buf_append(out, s + i, 1))
                return KOFTS_ENOMEM;
            i++;
            continue;
        }
        size_t adv = 1;
        if (kofts_utf8_decode(s, n, i, &adv) < 0) {
            *flags |= KOFTS_CLEAN_BADUTF8;
            if (i < probe)
                bad++;
            if (kofts_buf_append(out, repl, 3))
                return KOFTS_ENOMEM;
            i += adv;
            continue;
        }
        if (kofts_buf_append(out, s + i, adv))
            return KOFTS_ENOMEM;
        i += adv;
    }
    /* At least 4 and more than 10% of the first 8 KiB NUL, invalid or control
     * bytes: binary. */
    if (bad >= 4 && bad * 10 > probe)
        *flags |= KOFTS_CLEAN_BINARY;
    return 0;
}

static int digits(const char *s, size_t n, size_t at, size_t k)
{
    if (at + k > n)
        return 0;
    for (size_t i = at; i < at + k; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int kofts_date_norm(const char *s, size_t n, char out[20])
{
    out[0] = '\0';
    while (n && is_space((unsigned char)*s)) {
        s++;
        n--;
    }
    if (n < 10 || !digits(s, n, 0, 4) || s[4] != '-' || !digits(s, n, 5, 2) || s[7] != '-' ||
        !digits(s, n, 8, 2))
        return 0;
    int mon = (s[5] - '0') * 10 + (s[6] - '0');
    int day = (s[8] - '0') * 10 + (s[9] - '0');
    if (mon < 1 || mon > 12 || day < 1 || day > 31)
        return 0;
    memcpy(out, s, 10);
    out[10] = '\0';
    /* optional time: [ T]HH:MM[:SS] */
    if (n > 10 && (s[10] == ' ' || s[10] == 'T') && digits(s, n, 11, 2) && n > 13 && s[13] == ':' &&
        digits(s, n, 14, 2)) {
        out[10] = 'T';
        memcpy(out + 11, s + 11, 5);
        out[16] = '\0';
        if (n > 16 && s[16] == ':' && digits(s, n, 17, 2)) {
            memcpy(out + 16, s + 16, 3);
            out[19] = '\0';
        }
    }
    return 1;
}

void kofts_diag_add(kofts_diag *dg, const char *path, long line, int skipped, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* a path may hold newlines or invalid UTF-8: show those bytes as '?' */
    kofts_buf shown = {0};
    size_t n = strlen(path);
    for (size_t i = 0; i < n;) {
        size_t adv = 1;
        int32_t cp = kofts_utf8_decode(path, n, i, &adv);
        if (cp < 0x20 || cp == 0x7f)
            kofts_buf_append(&shown, "?", 1);
        else
            kofts_buf_append(&shown, path + i, adv);
        i += adv;
    }
    const char *p = shown.data ? shown.data : "";
    if (line > 0)
        kofts_buf_printf(&dg->text, "%s:%ld: %s\n", p, line, msg);
    else
        kofts_buf_printf(&dg->text, "%s: %s\n", p, msg);
    kofts_buf_free(&shown);
    if (skipped)
        dg->skipped++;
    else
        dg->warnings++;
}

void kofts_diag_free(kofts_diag *dg)
{
    kofts_buf_free(&dg->text);
    dg->skipped = dg->warnings = 0;
}
