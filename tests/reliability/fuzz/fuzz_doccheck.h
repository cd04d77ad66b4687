/*
 * fuzz_doccheck.h - checks shared by the indexer fuzz targets: a parsed kofts_doc
 * keeps its promises (kofts_doc.h) and diagnostics are one well-formed line each.
 */
#ifndef KOFTS_FUZZ_DOCCHECK_H
#define KOFTS_FUZZ_DOCCHECK_H

#include <string.h>

#include "fuzz_common.h"
#include "kofts_doc.h"

/* Every string field valid UTF-8 without NUL; date "" or YYYY-MM-DD[THH:MM[:SS]];
 * kofts_doc_finish succeeds and its bigram column is 0x01 title LF body. */
static inline void fuzz_check_doc(kofts_doc *d)
{
    const char *f[] = {d->id,   d->source,  d->title, d->categories, d->tags,
                       d->date, d->excerpt, d->body,  d->extra,      d->url};
    const char *names[] = {"id",   "source",  "title", "categories", "tags",
                           "date", "excerpt", "body",  "extra",      "url"};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        FUZZ_CHECK(f[i] != NULL, "%s is NULL", names[i]);
        FUZZ_CHECK(kofts_utf8_valid(f[i], strlen(f[i])), "%s not UTF-8", names[i]);
    }
    size_t dl = strlen(d->date);
    FUZZ_CHECK(dl == 0 || dl == 10 || dl == 16 || dl == 19, "date '%s'", d->date);
    FUZZ_CHECK(kofts_doc_finish(d, NULL) == 0, "doc_finish failed");
    size_t tl = strlen(d->title), bl = strlen(d->body);
    const char *bg = d->col[KOFTS_COL_BIGRAM];
    FUZZ_CHECK(bg && strlen(bg) == tl + bl + 2 && bg[0] == '\x01' &&
                   memcmp(bg + 1, d->title, tl) == 0 && bg[1 + tl] == '\n' &&
                   memcmp(bg + 2 + tl, d->body, bl) == 0,
               "bigram column differs from 0x01 title LF body");
}

/* Every message line starts with "path:" (so stderr reads PATH[:LINE]: reason). */
static inline void fuzz_check_diag(const kofts_diag *dg, const char *path)
{
    size_t pl = strlen(path);
    if (!dg->text.data)
        return;
    int split_ok = 0; /* kofts_post.c shows control characters in a bad date as '?' */
    const char *s = dg->text.data, *end = s + dg->text.len;
    FUZZ_CHECK(dg->text.len == 0 || end[-1] == '\n', "message not ended by a newline");
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        FUZZ_CHECK(nl != NULL, "unterminated message");
        FUZZ_CHECK(split_ok || ((size_t)(nl - s) > pl && memcmp(s, path, pl) == 0 && s[pl] == ':'),
                   "message line without the path: '%.*s'", (int)(nl - s), s);
        FUZZ_CHECK(kofts_utf8_valid(s, (size_t)(nl - s)), "message not UTF-8: '%.*s'",
                   (int)(nl - s), s);
        s = nl + 1;
    }
}

#endif /* KOFTS_FUZZ_DOCCHECK_H */
