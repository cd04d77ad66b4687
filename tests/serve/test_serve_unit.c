/*
 * test_serve_unit.c - kofts-serve's pure parts: the three escaping functions with
 * hostile strings, query-string decoding and argument checks (each 4xx), and which
 * document URLs become links. Table-driven; case ids E*, D*, A*, U*.
 */
#include <stdio.h>
#include <string.h>

#include "kofts_escape.h"
#include "kofts_http.h"
#include "kofts_render.h"

static int fails;

static void expect(const char *id, int ok, const char *what, const char *got)
{
    if (!ok) {
        printf("FAIL %s: %s (got \"%s\")\n", id, what, got ? got : "(null)");
        fails++;
    }
}

typedef int (*esc_fn)(kofts_buf *, const char *, size_t);

static void test_escape(void)
{
    static const struct {
        const char *id;
        int fn; /* 0 text, 1 attr, 2 url */
        const char *in;
        size_t len; /* 0: strlen */
        const char *want;
    } cases[] = {
        {"E01", 0, "<script>alert(1)</script>", 0, "&lt;script&gt;alert(1)&lt;/script&gt;"},
        {"E02", 0, "a & b \"q\" 'x'", 0, "a &amp; b \"q\" 'x'"},
        {"E03", 1, "\" onerror=\"alert(1)", 0, "&quot; onerror=&quot;alert(1)"},
        {"E04", 1, "'><img src=x onerror=alert(1)>", 0,
         "&#39;&gt;&lt;img src=x onerror=alert(1)&gt;"},
        {"E05", 0, "</mark><mark>", 0, "&lt;/mark&gt;&lt;mark&gt;"},
        {"E06", 0, "bad \xff\xfe utf8 \xed\xa0\x80", 0,
         "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"E07", 0, "nul\0byte", 8,
         "nul\xEF\xBF\xBD"
         "byte"},
        {"E08", 0, "tab\tnl\ncr\r", 0, "tab\tnl\ncr\xEF\xBF\xBD"},
        {"E09", 0, "한국어 양자컴퓨팅", 0, "한국어 양자컴퓨팅"},
        {"E10", 0, "c1\xc2\x85", 0, "c1\xEF\xBF\xBD"},
        {"E11", 0, "", 0, ""},
        {"E12", 2, "양자 a&b=c/d?e#f+g%", 0, "%EC%96%91%EC%9E%90%20a%26b%3Dc%2Fd%3Fe%23f%2Bg%25"},
        {"E13", 2, "Az09-_.~", 0, "Az09-_.~"},
        {"E14", 1, "javascript:alert(1)", 0, "javascript:alert(1)"},
        {"E15", 1, "\xe2\x80", 0, "\xEF\xBF\xBD\xEF\xBF\xBD"},
    };
    esc_fn fns[3] = {kofts_esc_html_text, kofts_esc_html_attr, kofts_esc_url};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kofts_buf b = {0};
        size_t n = cases[i].len ? cases[i].len : strlen(cases[i].in);
        int rc = fns[cases[i].fn](&b, cases[i].in, n);
        const char *got = b.data ? b.data : "";
        expect(cases[i].id, rc == 0 && strcmp(got, cases[i].want) == 0, cases[i].want, got);
        expect(cases[i].id, kofts_utf8_valid(got, strlen(got)), "valid UTF-8 out", got);
        if (cases[i].fn < 2)
            expect(cases[i].id, !strchr(got, '<') && !strchr(got, '>'), "no < or > out", got);
        if (cases[i].fn == 1)
            expect(cases[i].id, !strchr(got, '"') && !strchr(got, '\''), "no quotes out", got);
        kofts_buf_free(&b);
    }
}

static void test_decode(void)
{
    static const struct {
        const char *id, *in, *want;
        size_t want_len;
    } cases[] = {
        {"D01", "%EC%96%91%EC%9E%90", "양자", 6},
        {"D02", "a+b%20c", "a b c", 5},
        {"D03", "100%", "100%", 4},
        {"D04", "%4", "%4", 2},
        {"D05", "%zz%41", "%zzA", 4},
        {"D06", "%00x", "\0x", 2},
        {"D07", "", "", 0},
        {"D08", "%e", "%e", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kofts_buf b = {0};
        int rc = kofts_http_decode(&b, cases[i].in, strlen(cases[i].in));
        expect(cases[i].id,
               rc == 0 && b.len == cases[i].want_len &&
                   memcmp(b.data ? b.data : "", cases[i].want, b.len) == 0,
               cases[i].want, b.data);
        kofts_buf_free(&b);
    }
}

static void test_args(void)
{
    static char long_q[1100], long_qs[9000];
    memset(long_q, 'a', sizeof long_q - 1);
    memcpy(long_q, "q=", 2);
    memset(long_qs, 'b', sizeof long_qs - 1);
    memcpy(long_qs, "x=", 2);
    static const struct {
        const char *id, *qs;
        int want; /* 0 ok, else the HTTP status */
        const char *err_has;
    } cases[] = {
        {"A01", "q=%EC%96%91%EC%9E%90&page=2&limit=5&sort=date", 0, NULL},
        {"A02", "q=a&page=0", 400, "'page'"},
        {"A03", "q=a&page=101", 400, "from 1 to 100"},
        {"A04", "q=a&page=1x", 400, "'page'"},
        {"A05", "q=a&limit=51", 400, "'limit'"},
        {"A06", "q=a&limit=-1", 400, "'limit'"},
        {"A07", "q=a&sort=random", 400, "relevance or date"},
        {"A08", "q=a&since=2024-13-01", 400, "'since'"},
        {"A09", "q=a&until=yesterday", 400, "'until'"},
        {"A10", "q=a&utm_source=x&foo&=bar&&", 0, NULL},
        {"A11", "q=a%00b", 400, "NUL"},
        {"A12", long_q, 400, "longer than 1024"},
        {"A13", long_qs, 414, "longer than 8192"},
        {"A14", "category=%EA%B2%BD%EC%A0%9C&since=2024&until=2024-05", 0, NULL},
        {"A15", "", 0, NULL},
        {"A16", "q=first&q=second", 0, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kofts_http_args a;
        char err[160];
        int rc = kofts_http_args_parse(&a, cases[i].qs, strlen(cases[i].qs), err, sizeof err);
        expect(cases[i].id, rc == cases[i].want, "status", err);
        if (cases[i].err_has)
            expect(cases[i].id, strstr(err, cases[i].err_has) != NULL, cases[i].err_has, err);
        if (rc == 0)
            expect(cases[i].id, a.q != NULL, "q set", NULL);
        if (strcmp(cases[i].id, "A01") == 0)
            expect("A01",
                   strcmp(a.q, "양자") == 0 && a.page == 2 && a.limit == 5 &&
                       a.sort == KOFTS_SORT_DATE,
                   "decoded values", a.q);
        if (strcmp(cases[i].id, "A10") == 0)
            expect("A10", a.unknown == 2 && strcmp(a.q, "a") == 0, "unknown counted", a.q);
        if (strcmp(cases[i].id, "A14") == 0)
            expect("A14",
                   a.category && strcmp(a.category, "경제") == 0 && strcmp(a.since, "2024") == 0 &&
                       strcmp(a.until, "2024-05") == 0,
                   "filters", a.category);
        if (strcmp(cases[i].id, "A16") == 0)
            expect("A16", strcmp(a.q, "second") == 0, "later wins", a.q);
        kofts_http_args_free(&a);
    }
}

static void test_urls(void)
{
    static const struct {
        const char *id, *url, *base;
        int want; /* 0 linked, 1 not */
        const char *href;
    } cases[] = {
        {"U01", "https://example.com/a", "", 0, "https://example.com/a"},
        {"U02", "/2024/05/01/post.html", "https://news.example.kr/", 0,
         "https://news.example.kr/2024/05/01/post.html"},
        {"U03", "posts/a.md", "", 0, "/posts/a.md"},
        {"U04", "javascript:alert(1)", "", 1, NULL},
        {"U05", "JaVaScRiPt:alert(1)", "https://x.kr", 1, NULL},
        {"U06", "data:text/html,<script>", "", 1, NULL},
        {"U07", "//evil.example/x", "", 1, NULL},
        {"U08", "", "", 1, NULL},
        {"U09", "HTTP://EXAMPLE.COM/", "", 0, "HTTP://EXAMPLE.COM/"},
    };
    /* no url: the path is linked */
    kofts_hit hp;
    memset(&hp, 0, sizeof hp);
    hp.url = (char *)"";
    hp.path = (char *)"_posts/2024-01-01-a.md";
    kofts_buf pb = {0};
    int prc = kofts_render_hit_url(&pb, &hp, "https://x.kr/");
    expect("U10", prc == 0 && strcmp(pb.data, "https://x.kr/_posts/2024-01-01-a.md") == 0,
           "path when no url", pb.data);
    kofts_buf_free(&pb);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kofts_hit h;
        memset(&h, 0, sizeof h);
        h.url = (char *)cases[i].url;
        h.path = (char *)"";
        kofts_buf b = {0};
        int rc = kofts_render_hit_url(&b, &h, cases[i].base);
        expect(cases[i].id, rc == cases[i].want, "linked or not", b.data);
        if (rc == 0)
            expect(cases[i].id, strcmp(b.data, cases[i].href) == 0, cases[i].href, b.data);
        kofts_buf_free(&b);
    }
}

int main(void)
{
    test_escape();
    test_decode();
    test_args();
    test_urls();
    if (fails)
        printf("%d failure(s)\n", fails);
    else
        printf("serve unit: all cases pass\n");
    return fails ? 1 : 0;
}
