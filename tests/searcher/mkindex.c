/*
 * mkindex.c - test helper: build a kofts index from JSON-lines files
 * ({"id","title","category"|"categories","tags","date","excerpt","body","extra","url"})
 * through the library's writer interface (kofts_index_writer), so the searcher can be
 * tested (and its weights tuned) without the kofts-index pipeline. Every document of
 * one input file is put between file_begin/file_end, as kofts-index does.
 * Usage: kofts-search-mkindex [--backend NAME] [--shards N] DB FILE.jsonl...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "kofts_doc.h"
#include "kofts_index_writer.h"
#include "kofts_util.h"

/* Join a string or an array of strings with '\n' into *slot. Returns 0 or < 0. */
static int list_of(const cJSON *v, char **slot)
{
    kofts_buf b = {0};
    int rc = kofts_buf_append(&b, "", 0);
    if (cJSON_IsString(v)) {
        rc = rc ? rc : kofts_buf_puts(&b, v->valuestring);
    } else {
        const cJSON *it;
        cJSON_ArrayForEach(it, v)
        {
            if (rc || !cJSON_IsString(it))
                continue;
            if ((b.len && kofts_buf_puts(&b, "\n")) || kofts_buf_puts(&b, it->valuestring))
                rc = KOFTS_ENOMEM;
        }
    }
    if (!rc)
        rc = kofts_doc_set(slot, b.data, b.len);
    kofts_buf_free(&b);
    return rc;
}

static int str_of(const cJSON *o, const char *key, char **slot)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    const char *s = cJSON_IsString(v) ? v->valuestring : "";
    return kofts_doc_set(slot, s, strlen(s));
}

/* One JSON object -> a finished kofts_doc (NULL on a bad line or out of memory). */
static kofts_doc *doc_of(const cJSON *o, const char *source, long lineno, const kofts_textz_slot *z)
{
    kofts_doc *d = kofts_doc_new();
    if (!d)
        return NULL;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, "categories");
    if (!c)
        c = cJSON_GetObjectItemCaseSensitive(o, "category");
    d->line = lineno;
    if (str_of(o, "id", &d->id) || kofts_doc_set(&d->source, source, strlen(source)) ||
        str_of(o, "title", &d->title) || list_of(c, &d->categories) ||
        list_of(cJSON_GetObjectItemCaseSensitive(o, "tags"), &d->tags) ||
        str_of(o, "date", &d->date) || str_of(o, "excerpt", &d->excerpt) ||
        str_of(o, "body", &d->body) || str_of(o, "extra", &d->extra) || str_of(o, "url", &d->url) ||
        kofts_doc_finish(d, z)) {
        kofts_doc_free(d);
        return NULL;
    }
    return d;
}

/* Put every line of file path; returns documents written or -1 (message printed). */
static long put_file(kofts_index_writer *w, const char *path)
{
    long n = 0, lineno = 0;
    char *line = NULL;
    size_t cap = 0;
    long long removed = 0;
    struct stat sb;
    FILE *in = fopen(path, "r");
    if (!in || fstat(fileno(in), &sb) != 0) {
        fprintf(stderr, "kofts-search-mkindex: %s: cannot read\n", path);
        if (in)
            fclose(in);
        return -1;
    }
    int rc = w->file_begin(w, path);
    while (!rc && getline(&line, &cap, in) > 0) {
        lineno++;
        cJSON *o = cJSON_Parse(line);
        if (!o)
            continue;
        kofts_doc *d = doc_of(o, path, lineno, w->textz ? w->textz(w) : NULL);
        cJSON_Delete(o);
        if (!d) {
            rc = KOFTS_ENOMEM;
            break;
        }
        kofts_put_outcome oc;
        const char *dup = NULL;
        rc = w->put(w, d, &oc, &dup);
        kofts_doc_free(d);
        n += rc == 0;
    }
    if (!rc)
        rc = w->file_end(w, path, (long long)sb.st_size, (long long)sb.st_mtime, "", &removed);
    if (rc)
        fprintf(stderr, "kofts-search-mkindex: %s\n", w->errmsg(w));
    fclose(in);
    free(line);
    return rc ? -1 : n;
}

int main(int argc, char **argv)
{
    int rc = 0, a = 1;
    kofts_index_writer *w = NULL;
    kofts_index_writer_opts wo = {"fts5", 1, 0};
    char *err = NULL;
    while (a + 1 < argc && strncmp(argv[a], "--", 2) == 0) {
        if (!strcmp(argv[a], "--backend"))
            wo.backend = argv[a + 1];
        else if (!strcmp(argv[a], "--shards"))
            wo.shards = atoi(argv[a + 1]);
        else
            break;
        a += 2;
    }
    if (argc - a < 2) {
        fprintf(stderr,
                "usage: kofts-search-mkindex [--backend NAME] [--shards N] DB FILE.jsonl...\n");
        return 2;
    }
    if (kofts_index_writer_open(&w, argv[a], &wo, &err)) {
        fprintf(stderr, "kofts-search-mkindex: %s\n", err ? err : "cannot open");
        rc = 1;
        goto done;
    }
    long n = 0;
    for (int f = a + 1; f < argc && !rc; f++) {
        long k = put_file(w, argv[f]);
        if (k < 0)
            rc = 1;
        n += k > 0 ? k : 0;
    }
    if (!rc && w->commit(w)) {
        fprintf(stderr, "kofts-search-mkindex: commit: %s\n", w->errmsg(w));
        rc = 1;
    }
    if (!rc)
        fprintf(stderr, "kofts-search-mkindex: %ld documents\n", n);
done:
    if (w)
        w->close(w);
    free(err);
    return rc;
}
