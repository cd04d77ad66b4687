/*
 * test_site_url.c - unit tests of kofts_site: one case per built-in permalink style and
 * for templates, percent-encoding, slugs, categories, pages and the entry filter. The
 * expected URLs are written out by hand from Jekyll's documented rules (permalinks,
 * posts, pages; see indexer/kofts_site.h), not produced by kofts. Label: unit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kofts_site.h"

static int failures;

static void check(const char *id, const char *got, const char *want)
{
    if (strcmp(got, want) != 0) {
        failures++;
        printf("FAIL %s:\n  got  %s\n  want %s\n", id, got, want);
    } else {
        printf("ok   %s\n", id);
    }
}

/* Post 2024-03-05-양자 컴퓨터.md (Tuesday, day 065 of the year, ISO week 10) in
 * categories "News" and "IT". */
static void test_styles(void)
{
    static const struct {
        const char *id, *tmpl, *want;
    } cases[] = {
        {"style-date", "date",
         "/news/it/2024/03/05/%EC%96%91%EC%9E%90-%EC%BB%B4%ED%93%A8%ED%84%B0.html"},
        {"style-pretty", "pretty",
         "/news/it/2024/03/05/%EC%96%91%EC%9E%90-%EC%BB%B4%ED%93%A8%ED%84%B0/"},
        {"style-ordinal", "ordinal",
         "/news/it/2024/065/%EC%96%91%EC%9E%90-%EC%BB%B4%ED%93%A8%ED%84%B0.html"},
        {"style-weekdate", "weekdate",
         "/news/it/2024/W10/Tue/%EC%96%91%EC%9E%90-%EC%BB%B4%ED%93%A8%ED%84%B0.html"},
        {"style-none", "none", "/news/it/%EC%96%91%EC%9E%90-%EC%BB%B4%ED%93%A8%ED%84%B0.html"},
        {"tmpl-slug", "/:year/:i_month/:i_day/:slug/",
         "/2024/3/5/%EC%96%91%EC%9E%90-%EC%BB%B4%ED%93%A8%ED%84%B0/"},
        {"tmpl-months", "/:short_year/:short_month/:long_month/:long_day:output_ext",
         "/24/Mar/March/Tuesday.html"},
        {"tmpl-underscore", "/:year_:month/:title",
         "/2024_03/%EC%96%91%EC%9E%90-%EC%BB%B4%ED%93%A8%ED%84%B0"},
        {"tmpl-unknown", "/:nope/:title", "/:nope/%EC%96%91%EC%9E%90-%EC%BB%B4%ED%93%A8%ED%84%B0"},
        {"tmpl-collection", "/:collection/:path:output_ext",
         "/posts/2024-03-05-%EC%96%91%EC%9E%90%20%EC%BB%B4%ED%93%A8%ED%84%B0.html"},
        {"tmpl-dotdot", "/a/../:name/./x",
         "/a/2024-03-05-%EC%96%91%EC%9E%90-%EC%BB%B4%ED%93%A8%ED%84%B0/x"},
        {"tmpl-slugcats", "/:slugified_categories/:title/",
         "/news/it/%EC%96%91%EC%9E%90-%EC%BB%B4%ED%93%A8%ED%84%B0/"},
    };
    kofts_url_vals v = {"posts",       "/2024-03-05-양자 컴퓨터", "2024-03-05-양자 컴퓨터",
                        "양자 컴퓨터", "News\nIT\nnews",          "2024-03-05",
                        ".html"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        kofts_buf b = {0};
        const char *t = kofts_site_style(cases[i].tmpl);
        int rc = kofts_site_expand(t ? t : cases[i].tmpl, &v, &b);
        check(cases[i].id, rc == 0 && b.data ? b.data : "(error)", cases[i].want);
        kofts_buf_free(&b);
    }
    /* :title keeps case and pretty characters; :slug lower-cases and drops them */
    kofts_url_vals w = {"posts", "/x", "x", "Hello, World! (2)", "", "2024-01-01", ".html"};
    kofts_buf b = {0};
    kofts_site_expand("/:title/:slug", &w, &b);
    check("slug-modes", b.data ? b.data : "", "/Hello,-World!-(2)/hello-world-2");
    kofts_buf_free(&b);
}

static void put(const char *dir, const char *rel, const char *text)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    for (char *s = strchr(p + strlen(dir) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        mkdir(p, 0755);
        *s = '/';
    }
    FILE *f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* How each path of a site root is classified, and which folders the walk enters. */
static void test_kinds(kofts_site *s)
{
    static const struct {
        const char *rel;
        kofts_site_kind kind;
    } kinds[] = {
        {"_posts/2024-01-02-a.md", KOFTS_SITE_POST},
        {"news/_posts/2024-01-02-a.md", KOFTS_SITE_POST},
        {"news/_posts/sub/2024-1-2-a.txt", KOFTS_SITE_POST},
        {"_posts/notdated.md", KOFTS_SITE_SKIP},
        {"_posts/2024-01-02-noext", KOFTS_SITE_SKIP},
        {"_drafts/idea.md", KOFTS_SITE_DRAFT},
        {"_guides/start.md", KOFTS_SITE_DOC},
        {"_notes/n.md", KOFTS_SITE_SKIP},
        {"_layouts/default.html", KOFTS_SITE_SKIP},
        {"_includes/nav.html", KOFTS_SITE_SKIP},
        {"_sass/x.scss", KOFTS_SITE_SKIP},
        {"_data/x.yml", KOFTS_SITE_SKIP},
        {"_site/index.html", KOFTS_SITE_SKIP},
        {".jekyll-cache/x.md", KOFTS_SITE_SKIP},
        {"node_modules/p/readme.md", KOFTS_SITE_SKIP},
        {"vendor/bundle/x.md", KOFTS_SITE_SKIP},
        {"README.md", KOFTS_SITE_SKIP},
        {"drafts-old/x.md", KOFTS_SITE_SKIP},
        {"_redirects", KOFTS_SITE_PAGE},
        {"about.md", KOFTS_SITE_PAGE},
        {"docs/index.html", KOFTS_SITE_PAGE},
        {"#tmp.md", KOFTS_SITE_SKIP},
        {"about.md~", KOFTS_SITE_SKIP},
        {"_config.yml", KOFTS_SITE_SKIP},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        char id[160], got[8], want[8];
        snprintf(id, sizeof id, "kind %s", kinds[i].rel);
        snprintf(got, sizeof got, "%d", (int)kofts_site_classify(s, kinds[i].rel, NULL));
        snprintf(want, sizeof want, "%d", (int)kinds[i].kind);
        check(id, got, want);
    }
    check("walk node_modules", kofts_site_walk_dir(s, "node_modules") ? "walk" : "skip", "skip");
    check("walk _posts", kofts_site_walk_dir(s, "news/_posts") ? "walk" : "skip", "walk");
    check("walk _layouts", kofts_site_walk_dir(s, "_layouts") ? "walk" : "skip", "skip");
}

/* URLs of posts, pages and collection documents under a _config.yml with url,
 * baseurl and a permalink template; front matter (lost or not) on top. */
static void test_urls(kofts_site *s)
{
    static const struct {
        const char *id, *rel;
        kofts_site_kind kind;
        kofts_site_fm fm;
        const char *want;
    } urls[] = {
        {"url-post-path-cats",
         "news/_posts/2024-01-02-Big-Day.md",
         KOFTS_SITE_POST,
         {NULL, NULL, NULL, "Seoul", 0},
         "https://news.example/blog/news/seoul/Big-Day/"},
        {"url-post-own-permalink",
         "_posts/2024-01-02-a.md",
         KOFTS_SITE_POST,
         {"/p/:year/:title.html", NULL, NULL, NULL, 0},
         "https://news.example/blog/p/2024/a.html"},
        {"url-post-fm-slug-date",
         "_posts/2024-01-02-a.md",
         KOFTS_SITE_POST,
         {NULL, "Other Slug", "2023-12-31", "정치", 0},
         "https://news.example/blog/%EC%A0%95%EC%B9%98/Other-Slug/"},
        {"url-post-lost-fm",
         "news/_posts/2024-01-02-a.md",
         KOFTS_SITE_POST,
         {"/ignored/", "ignored", NULL, "ignored", 1},
         "https://news.example/blog/news/2024-01-02-a/"},
        {"url-page",
         "about.md",
         KOFTS_SITE_PAGE,
         {NULL, NULL, NULL, NULL, 0},
         "https://news.example/blog/about/"},
        {"url-page-index",
         "docs/index.html",
         KOFTS_SITE_PAGE,
         {NULL, NULL, NULL, NULL, 0},
         "https://news.example/blog/docs/"},
        {"url-page-permalink",
         "search.md",
         KOFTS_SITE_PAGE,
         {"/찾기/", NULL, NULL, NULL, 0},
         "https://news.example/blog/찾기/"},
        {"url-doc",
         "_guides/sub/Start Here.md",
         KOFTS_SITE_DOC,
         {NULL, NULL, NULL, NULL, 0},
         "https://news.example/blog/guides/sub/Start%20Here/"},
    };
    for (size_t i = 0; i < sizeof urls / sizeof *urls; i++) {
        kofts_buf b = {0};
        int rc = kofts_site_url(s, urls[i].kind, urls[i].rel, &urls[i].fm, 0, &b);
        check(urls[i].id, rc == 0 && b.data ? b.data : "(none)", urls[i].want);
        kofts_buf_free(&b);
    }
}

/* Without a permalink setting: the date style, which gives pages their :output_ext. */
static void test_default_style(const char *dir)
{
    kofts_site *s = NULL;
    /* an .xml page is no document */
    put(dir, "_config.yml", "title: x\n");
    if (kofts_site_open(&s, dir, NULL, NULL) == 0) {
        kofts_buf b = {0};
        kofts_site_url(s, KOFTS_SITE_PAGE, "a/b.md", NULL, 0, &b);
        check("url-page-date-style", b.data ? b.data : "", "/a/b.html");
        kofts_buf_clear(&b);
        int rc = kofts_site_url(s, KOFTS_SITE_PAGE, "feed.xml", NULL, 0, &b);
        check("url-page-xml", rc == 1 ? "not html" : "html", "not html");
        kofts_buf_clear(&b);
        kofts_site_url(s, KOFTS_SITE_POST, "_posts/2024-01-02-hi.txt", NULL, 0, &b);
        check("url-post-txt", b.data ? b.data : "", "/2024/01/02/hi.txt");
        kofts_buf_free(&b);
        check("kind-README-default",
              kofts_site_classify(s, "README.md", NULL) == KOFTS_SITE_PAGE ? "page" : "skip",
              "page");
        kofts_site_free(s);
    }
}

/* `defaults:` of _config.yml: the most specific scope wins; a document's own permalink
 * wins over it. */
static void test_defaults(const char *dir)
{
    kofts_site *s = NULL;
    put(dir, "_config.yml",
        "future: true\ndefaults:\n  - scope: {path: \"\", type: posts}\n"
        "    values: {permalink: /p/:title/}\n  - scope: {path: news, type: posts}\n"
        "    values: {permalink: /n/:title/}\n  - scope: {path: old}\n"
        "    values: {published: false}\n  - scope: {path: \"sec/*/hid\"}\n"
        "    values: {published: false}\n  - scope: {path: \"\", type: pages}\n"
        "    values: {layout: page}\n");
    if (kofts_site_open(&s, dir, NULL, NULL) == 0) {
        kofts_buf b = {0};
        kofts_site_url(s, KOFTS_SITE_POST, "_posts/2024-01-02-a.md", NULL, 0, &b);
        check("defaults-posts", b.data ? b.data : "", "/p/a/");
        kofts_buf_clear(&b);
        kofts_site_url(s, KOFTS_SITE_POST, "news/_posts/2024-01-02-b.md", NULL, 0, &b);
        check("defaults-specific", b.data ? b.data : "", "/n/b/");
        kofts_buf_clear(&b);
        kofts_site_fm own = {"/own/:title/", NULL, NULL, NULL, 0};
        kofts_site_url(s, KOFTS_SITE_POST, "news/_posts/2024-01-02-b.md", &own, 0, &b);
        check("defaults-own-wins", b.data ? b.data : "", "/own/b/");
        kofts_buf_clear(&b);
        kofts_site_url(s, KOFTS_SITE_PAGE, "old/x.md", NULL, 0, &b);
        check("defaults-page-untouched", b.data ? b.data : "", "/old/x.html");
        kofts_buf_free(&b);
        const char *perm = NULL;
        int pub = -2;
        kofts_site_defaults(s, KOFTS_SITE_PAGE, "old/x.md", &perm, &pub);
        check("defaults-published", pub == 0 && !perm ? "unpublished" : "?", "unpublished");
        kofts_site_defaults(s, KOFTS_SITE_PAGE, "older/x.md", &perm, &pub);
        check("defaults-path-is-a-prefix", pub == 0 ? "unpublished" : "?", "unpublished");
        kofts_site_defaults(s, KOFTS_SITE_PAGE, "sec/a/hid/x.md", &perm, &pub);
        check("defaults-glob", pub == 0 ? "unpublished" : "?", "unpublished");
        kofts_site_defaults(s, KOFTS_SITE_PAGE, "new/x.md", &perm, &pub);
        check("defaults-other-path", pub == -1 ? "unset" : "?", "unset");
        check("future", kofts_site_future(s) ? "true" : "false", "true");
        kofts_site_free(s);
    }
}

static void test_site(void)
{
    char dir[] = "/tmp/kofts-site-XXXXXX";
    if (!mkdtemp(dir)) {
        failures++;
        return;
    }
    put(dir, "_config.yml",
        "url: https://news.example/\nbaseurl: /blog/\npermalink: /:categories/:title/\n"
        "exclude: [README.md, drafts-old]\ninclude: [_redirects]\n"
        "collections:\n  guides:\n    output: true\n  notes:\n    output: false\n");
    kofts_site *s = NULL;
    char *warn = NULL;
    if (kofts_site_open(&s, dir, NULL, &warn) != 0) {
        printf("FAIL site-open: %s\n", warn ? warn : "?");
        failures++;
        free(warn);
        return;
    }
    test_kinds(s);
    test_urls(s);
    kofts_site_free(s);
    test_default_style(dir);
    test_defaults(dir);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        failures++;
}

int main(void)
{
    test_styles();
    test_site();
    if (failures)
        printf("%d failure(s)\n", failures);
    return failures ? 1 : 0;
}
