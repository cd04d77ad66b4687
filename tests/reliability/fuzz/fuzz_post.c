/*
 * fuzz_post.c - libFuzzer target for kofts-index's post parser (indexer/kofts_post.h):
 * YAML front matter (libyaml), Markdown (md4c) and HTML (gumbo) bodies, plain text.
 *
 * Input: arbitrary bytes; the first byte picks the kind (0: Markdown post, 1: HTML post,
 * 2: plain text, 3: a Jekyll site post with the body format sniffed, Liquid removed and
 * its URL expanded from the front matter's permalink/slug/categories/date; the value
 * mod 4), the rest is the file content. It is cleaned with
 * kofts_text_clean first, as the indexer does (the parser's precondition). Properties:
 *   - the parser returns 0 or KOFTS_EINVAL (and then recorded a skip);
 *   - a parsed document keeps kofts_doc.h's promises (fuzz_doccheck.h);
 *   - every diagnostic line starts with the file's path.
 * The file name carries a Jekyll date prefix so the date fallback runs too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_doccheck.h"
#include "kofts_doc.h"
#include "kofts_post.h"
#include "kofts_site.h"
#include "kofts_util.h"

/* Kind 3: site mode; the URL of what the front matter says must expand, as valid UTF-8. */
static int site_post(kofts_doc *d, kofts_diag *dg, const char *path, const char *t, size_t n)
{
    kofts_post_meta m;
    memset(&m, 0, sizeof m);
    m.site = 1;
    m.sniff = 1;
    int rc = kofts_post_parse_meta(d, dg, path, "2024-03-05-fuzz.txt", t, n, 0, &m);
    FUZZ_CHECK(rc != 1 || m.left_out != 0, "left out without a reason");
    if (rc == 0) {
        kofts_url_vals v = {
            "posts", "/2024-03-05-fuzz", "2024-03-05-fuzz", m.slug, m.categories, m.date, ".html"};
        const char *style = kofts_site_style("date");
        kofts_buf u = {0};
        FUZZ_CHECK(kofts_site_expand(m.permalink ? m.permalink : style, &v, &u) == 0, "expand");
        FUZZ_CHECK(u.len > 0 && u.data[0] == '/' && kofts_utf8_valid(u.data, u.len),
                   "URL not a valid path");
        kofts_buf_free(&u);
    }
    kofts_post_meta_free(&m);
    return rc == 1 ? 0 : rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char path[] = "posts/2024-03-05-fuzz.md";
    kofts_buf clean = {0};
    kofts_diag dg;
    memset(&dg, 0, sizeof dg);
    int flags = 0, kind = data[0] % 4;
    FUZZ_CHECK(kofts_text_clean(&clean, (const char *)data + 1, size - 1, &flags) == 0,
               "text_clean");
    kofts_doc *d = kofts_doc_new();
    FUZZ_CHECK(d != NULL, "out of memory");
    const char *t = clean.data ? clean.data : "";
    int rc = kind == 3 ? site_post(d, &dg, path, t, clean.len)
             : kind == 2
                 ? kofts_text_parse(d, &dg, path, "2024-03-05-fuzz.txt", t, clean.len)
                 : kofts_post_parse(d, &dg, path, "2024-03-05-fuzz.md", t, clean.len, kind == 1);
    FUZZ_CHECK(rc == 0 || rc == KOFTS_EINVAL, "parse rc=%d", rc);
    if (rc == 0)
        fuzz_check_doc(d);
    else
        FUZZ_CHECK(dg.skipped > 0, "KOFTS_EINVAL without a recorded skip");
    fuzz_check_diag(&dg, path);
    kofts_doc_free(d);
    kofts_diag_free(&dg);
    kofts_buf_free(&clean);
    return 0;
}
