/*
 * kofts_jsonl.c - streaming JSON-lines reader (zlib) and record parser (cJSON).
 */
#include "kofts_jsonl.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (256 * 1024)

struct kofts_jsonl_reader {
    gzFile gz;       /* owned */
    char *buf;       /* CHUNK bytes of input */
    size_t pos, end; /* unread part of buf */
    int eof;
    size_t max_line;
    kofts_buf line; /* the current line */
    long lineno;
    uint64_t hash; /* chained FNV-1a over the chunks read */
    uint64_t bytes;
    char err[256];
};

static char *dupmsg(const char *what, const char *why)
{
    size_t n = strlen(what) + strlen(why) + 1;
    char *m = malloc(n);
    if (m)
        snprintf(m, n, "%s%s", what, why);
    return m;
}

static gzFile open_gz(const char *path, char **errmsg)
{
    int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errmsg)
            *errmsg = dupmsg("cannot read: ", strerror(errno));
        return NULL;
    }
    gzFile gz = gzdopen(fd, "rb");
    if (!gz) {
        close(fd);
        if (errmsg)
            *errmsg = dupmsg("cannot read: ", "out of memory");
        return NULL;
    }
    gzbuffer(gz, CHUNK);
    return gz;
}

/* Chain one chunk into the running hash. */
static uint64_t chain(uint64_t h, const char *p, size_t n)
{
    uint64_t pair[2] = {h, kofts_fnv1a64(p, n)};
    return kofts_fnv1a64(pair, sizeof pair);
}

/* Refill buf; 0 ok (eof set at the end), KOFTS_EIO on error. */
static int fill(kofts_jsonl_reader *r)
{
    int n = gzread(r->gz, r->buf, CHUNK);
    if (n < 0) {
        int zerr = 0;
        const char *m = gzerror(r->gz, &zerr);
        snprintf(r->err, sizeof r->err, "read error: %s", zerr == Z_ERRNO ? strerror(errno) : m);
        return KOFTS_EIO;
    }
    r->pos = 0;
    r->end = (size_t)n;
    if (n == 0) {
        int zerr = 0;
        const char *m = gzerror(r->gz, &zerr);
        if (zerr != Z_OK && zerr != Z_BUF_ERROR) {
            snprintf(r->err, sizeof r->err, "read error: %s", m);
            return KOFTS_EIO;
        }
        r->eof = 1;
        return 0;
    }
    r->hash = chain(r->hash, r->buf, (size_t)n);
    r->bytes += (uint64_t)n;
    return 0;
}

int kofts_jsonl_open(kofts_jsonl_reader **out, const char *path, size_t max_line, char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    kofts_jsonl_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->buf = malloc(CHUNK))) {
        free(r);
        return KOFTS_ENOMEM;
    }
    r->max_line = max_line;
    r->hash = 14695981039346656037ULL;
    if (!(r->gz = open_gz(path, errmsg))) {
        free(r->buf);
        free(r);
        return KOFTS_EIO;
    }
    *out = r;
    return 0;
}

int kofts_jsonl_next(kofts_jsonl_reader *r, const char **line, size_t *len, long *lineno,
                     int *too_long)
{
    int rc = 0;
    int got = 0;
    *too_long = 0;
    kofts_buf_clear(&r->line);
    for (;;) {
        if (r->pos == r->end) {
            if (r->eof)
                break;
            if ((rc = fill(r)) != 0)
                return rc;
            if (r->eof)
                break;
        }
        got = 1;
        const char *s = r->buf + r->pos;
        size_t avail = r->end - r->pos;
        const char *nl = memchr(s, '\n', avail);
        size_t seg = nl ? (size_t)(nl - s) : avail;
        if (!*too_long) {
            if (r->line.len + seg > r->max_line) {
                *too_long = 1;
                kofts_buf_free(&r->line); /* give the memory back */
            } else if (kofts_buf_append(&r->line, s, seg)) {
                return KOFTS_ENOMEM;
            }
        }
        r->pos += seg + (nl ? 1 : 0);
        if (nl)
            break;
    }
    if (!got)
        return 0;
    r->lineno++;
    *lineno = r->lineno;
    *line = r->line.data ? r->line.data : "";
    *len = *too_long ? 0 : r->line.len;
    return 1;
}

uint64_t kofts_jsonl_hash(const kofts_jsonl_reader *r)
{
    return r->hash;
}

uint64_t kofts_jsonl_bytes(const kofts_jsonl_reader *r)
{
    return r->bytes;
}

const char *kofts_jsonl_errmsg(const kofts_jsonl_reader *r)
{
    return r->err;
}

void kofts_jsonl_close(kofts_jsonl_reader *r)
{
    if (!r)
        return;
    if (r->gz)
        gzclose(r->gz);
    kofts_buf_free(&r->line);
    free(r->buf);
    free(r);
}

int kofts_jsonl_hash_file(const char *path, uint64_t *hash, char **errmsg)
{
    kofts_jsonl_reader *r = NULL;
    int rc = kofts_jsonl_open(&r, path, 0, errmsg);
    if (rc)
        return rc;
    while (!r->eof) {
        if ((rc = fill(r)) != 0) {
            if (errmsg)
                *errmsg = dupmsg("", r->err);
            goto done;
        }
    }
    *hash = r->hash;
done:
    kofts_jsonl_close(r);
    return rc;
}

/* --- record parsing --- */

/* A string or number item as text into out (>= 32 bytes for numbers). NULL otherwise. */
static const char *item_text(const cJSON *it, char num[32])
{
    if (cJSON_IsString(it))
        return it->valuestring;
    if (cJSON_IsNumber(it)) {
        double v = it->valuedouble;
        if (v > -9e15 && v < 9e15 && v == (double)(long long)v) /* range first: no UB */
            snprintf(num, 32, "%lld", (long long)v);
        else
            snprintf(num, 32, "%.17g", v);
        return num;
    }
    return NULL;
}

static int set_field(kofts_doc *d, char **slot, kofts_diag *dg, const char *path, long lineno,
                     const cJSON *obj, const char *key)
{
    (void)d;
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    char num[32];
    if (!it || cJSON_IsNull(it))
        return 0;
    const char *s = item_text(it, num);
    if (!s) {
        kofts_diag_add(dg, path, lineno, 0, "\"%s\" is not a string, ignored", key);
        return 0;
    }
    return kofts_doc_set(slot, s, strlen(s));
}

static int set_list(char **slot, kofts_diag *dg, const char *path, long lineno, const cJSON *obj,
                    const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    kofts_buf b = {0};
    char num[32];
    int rc = 0;
    if (!it || cJSON_IsNull(it))
        return 0;
    if (cJSON_IsArray(it)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, it)
        {
            const char *s = item_text(e, num);
            if (!s || !*s)
                continue;
            if ((b.len && kofts_buf_append(&b, "\n", 1)) || kofts_buf_puts(&b, s)) {
                rc = KOFTS_ENOMEM;
                goto done;
            }
        }
    } else {
        const char *s = item_text(it, num);
        if (!s) {
            kofts_diag_add(dg, path, lineno, 0, "\"%s\" is not a string or list, ignored", key);
            return 0;
        }
        if (kofts_buf_puts(&b, s)) {
            rc = KOFTS_ENOMEM;
            goto done;
        }
    }
    rc = kofts_doc_set(slot, b.data ? b.data : "", b.len);
done:
    kofts_buf_free(&b);
    return rc;
}

/* 1 if name[0..n) is a line of list ('\n'-separated). */
static int has_name(const kofts_buf *list, const char *name, size_t n)
{
    const char *p = list->data, *end = list->data + list->len;
    while (p && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t k = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (k == n && memcmp(p, name, n) == 0)
            return 1;
        p += k + 1;
    }
    return 0;
}

/* Add one name (cut to 64 bytes, control bytes as '?') unless present or the list is full. */
static int add_name(kofts_buf *list, const char *name, size_t n)
{
    char shown[64];
    size_t count = 0;
    if (n > sizeof shown) {
        n = sizeof shown;
        while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
            n--; /* do not cut inside a UTF-8 character */
    }
    for (size_t i = 0; i < n; i++)
        shown[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f ? '?' : name[i];
    for (size_t i = 0; i < list->len; i++)
        count += list->data[i] == '\n';
    if (has_name(list, shown, n) || count >= KOFTS_JSONL_MAX_IGNORED)
        return 0;
    return kofts_buf_append(list, shown, n) || kofts_buf_append(list, "\n", 1) ? KOFTS_ENOMEM : 0;
}

int kofts_jsonl_merge_ignored(kofts_buf *into, const char *ignored, size_t len)
{
    const char *p = ignored, *end = ignored + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t k = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (k && add_name(into, p, k))
            return KOFTS_ENOMEM;
        p += k + 1;
    }
    return 0;
}

/* The top-level keys of obj that are not among used[0..n). */
static int note_ignored(kofts_buf *ignored, const cJSON *obj, const char *const *used, size_t n)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        size_t k = 0;
        while (k < n && strcmp(it->string, used[k]) != 0)
            k++;
        if (k == n && add_name(ignored, it->string, strlen(it->string)))
            return KOFTS_ENOMEM;
    }
    return 0;
}

int kofts_jsonl_parse(kofts_doc *d, kofts_diag *dg, const char *path, long lineno, const char *line,
                      size_t len)
{
    return kofts_jsonl_parse_ex(d, dg, path, lineno, line, len, NULL);
}

/* Step 1: the cleaned line as exactly one JSON object (*obj), or a diagnostic and
 * KOFTS_EINVAL. */
static int parse_object(const kofts_buf *clean, kofts_diag *dg, const char *path, long lineno,
                        cJSON **obj)
{
    const char *end = NULL;
    *obj = cJSON_ParseWithLengthOpts(clean->data, clean->len, &end, 0);
    if (!*obj) {
        size_t col = end && end >= clean->data ? (size_t)(end - clean->data) + 1 : 1;
        kofts_diag_add(dg, path, lineno, 1, "invalid JSON near byte %zu, skipped", col);
        return KOFTS_EINVAL;
    }
    while (end && (*end == ' ' || *end == '\t' || *end == '\n'))
        end++;
    if (end && *end) {
        kofts_diag_add(dg, path, lineno, 1, "invalid JSON near byte %zu, skipped",
                       (size_t)(end - clean->data) + 1);
        return KOFTS_EINVAL;
    }
    if (!cJSON_IsObject(*obj)) {
        kofts_diag_add(dg, path, lineno, 1, "not a JSON object, skipped");
        return KOFTS_EINVAL;
    }
    return 0;
}

/* Step 2: the "id" (a non-empty string or number, blank-trimmed) into d->id. */
static int take_id(kofts_doc *d, const cJSON *obj, kofts_diag *dg, const char *path, long lineno)
{
    static const char bad[] = "\"id\" is not a non-empty string or number, skipped";
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(obj, "id");
    char num[32];
    const char *ids = id ? item_text(id, num) : NULL;
    if (!id || cJSON_IsNull(id)) {
        kofts_diag_add(dg, path, lineno, 1, "missing \"id\", skipped");
        return KOFTS_EINVAL;
    }
    if (!ids || !*ids) {
        kofts_diag_add(dg, path, lineno, 1, "%s", bad);
        return KOFTS_EINVAL;
    }
    int rc = kofts_doc_set(&d->id, ids, strlen(ids));
    if (!rc && (!d->id || !d->id[0])) { /* blank after trimming: "id": "  " */
        kofts_diag_add(dg, path, lineno, 1, "%s", bad);
        rc = KOFTS_EINVAL;
    }
    return rc;
}

/* Step 3: "date" normalised into d->date; a bad one is a warning. */
static int take_date(kofts_doc *d, const cJSON *obj, kofts_diag *dg, const char *path, long lineno)
{
    const cJSON *date = cJSON_GetObjectItemCaseSensitive(obj, "date");
    if (!date || cJSON_IsNull(date) ||
        (cJSON_IsString(date) && date->valuestring[strspn(date->valuestring, " \t")] == '\0'))
        return 0;
    char nd[20];
    if (cJSON_IsString(date) && kofts_date_norm(date->valuestring, strlen(date->valuestring), nd))
        return kofts_doc_set(&d->date, nd, strlen(nd));
    kofts_diag_add(dg, path, lineno, 0, "bad \"date\", ignored");
    return 0;
}

int kofts_jsonl_parse_ex(kofts_doc *d, kofts_diag *dg, const char *path, long lineno,
                         const char *line, size_t len, kofts_buf *ignored)
{
    int rc = 0, flags = 0;
    kofts_buf clean = {0};
    cJSON *obj = NULL;
    size_t i = 0;
    while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
        i++;
    if (i == len)
        return 1;
    if ((rc = kofts_text_clean(&clean, line, len, &flags)) ||
        (rc = parse_object(&clean, dg, path, lineno, &obj)) ||
        (rc = take_id(d, obj, dg, path, lineno)))
        goto done;
    if (flags & KOFTS_CLEAN_BADUTF8)
        kofts_diag_add(dg, path, lineno, 0, "invalid UTF-8 replaced with U+FFFD");
    if (flags & KOFTS_CLEAN_NUL)
        kofts_diag_add(dg, path, lineno, 0, "NUL bytes removed");

    const char *body_key = "body";
    if (!cJSON_GetObjectItemCaseSensitive(obj, "body"))
        body_key = cJSON_GetObjectItemCaseSensitive(obj, "text") ? "text" : "content";
    const char *cat_key =
        cJSON_GetObjectItemCaseSensitive(obj, "categories") ? "categories" : "category";
    if ((rc = set_field(d, &d->title, dg, path, lineno, obj, "title")) ||
        (rc = set_field(d, &d->body, dg, path, lineno, obj, body_key)) ||
        (rc = set_field(d, &d->excerpt, dg, path, lineno, obj, "excerpt")) ||
        (rc = set_field(d, &d->url, dg, path, lineno, obj, "url")) ||
        (rc = set_list(&d->categories, dg, path, lineno, obj, cat_key)) ||
        (rc = set_list(&d->tags, dg, path, lineno, obj, "tags")))
        goto done;
    rc = take_date(d, obj, dg, path, lineno);
    const char *used[] = {"id", "title", body_key, "excerpt", "url", cat_key, "tags", "date"};
    if (rc == 0 && ignored)
        rc = note_ignored(ignored, obj, used, sizeof used / sizeof used[0]);
    d->size = (long long)len;
    d->line = lineno;
done:
    cJSON_Delete(obj);
    kofts_buf_free(&clean);
    return rc;
}
