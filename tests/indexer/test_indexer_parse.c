/*
 * test_indexer_parse.c - unit tests for the indexer's parsers: text cleaning, dates,
 * Markdown/HTML extraction, front matter (libyaml) and JSON-lines records.
 * Table-driven; each case has an id printed on failure. Label: unit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kofts_doc.h"
#include "kofts_jsonl.h"
#include "kofts_markup.h"
#include "kofts_post.h"
#include "../kofts_check.h"

/* ---- kofts_text_clean ---- */

static void test_clean(void)
{
    static const struct {
        const char *id, *in;
        size_t len;
        const char *out;
        int flags;
    } cases[] = {
        {"clean-ascii", "abc", 3, "abc", 0},
        {"clean-bom", "\xEF\xBB\xBFtitle", 8, "title", 0},
        {"clean-crlf", "a\r\nb\rc", 6, "a\nb\nc", 0},
        {"clean-nul", "a\0b", 3, "ab", KOFTS_CLEAN_NUL},
        {"clean-badutf8",
         "a\xFF"
         "b",
         3,
         "a\xEF\xBF\xBD"
         "b",
         KOFTS_CLEAN_BADUTF8},
        {"clean-korean", "한국어", 9, "한국어", 0},
        {"clean-binary", "\0\0\0\0\x01\x02\x03", 7, "\x01\x02\x03",
         KOFTS_CLEAN_NUL | KOFTS_CLEAN_BINARY},
        {"clean-empty", "", 0, "", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kofts_buf b = {0};
        int flags = -1;
        int rc = kofts_text_clean(&b, cases[i].in, cases[i].len, &flags);
        const char *got = b.data ? b.data : "";
        CHECK(cases[i].id, rc == 0 && strcmp(got, cases[i].out) == 0 && flags == cases[i].flags,
              "rc=%d got '%s' flags=%d", rc, got, flags);
        kofts_buf_free(&b);
    }
}

/* ---- kofts_date_norm ---- */

static void test_dates(void)
{
    static const struct {
        const char *id, *in, *out;
        int ok;
    } cases[] = {
        {"date-plain", "2024-03-01", "2024-03-01", 1},
        {"date-time", "2024-03-01 10:20:30 +0900", "2024-03-01T10:20:30", 1},
        {"date-hm", "2024-03-01T10:20", "2024-03-01T10:20", 1},
        {"date-jekyll-name", "2024-03-01-kq5835201-1.md", "2024-03-01", 1},
        {"date-bad-month", "2024-13-01", "", 0},
        {"date-garbage", "yesterday", "", 0},
        {"date-empty", "", "", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[20];
        int ok = kofts_date_norm(cases[i].in, strlen(cases[i].in), out);
        CHECK(cases[i].id, ok == cases[i].ok && strcmp(out, cases[i].out) == 0, "ok=%d out='%s'",
              ok, out);
    }
}

/* ---- kofts_markup ---- */

static void test_markup(void)
{
    static const struct {
        const char *id;
        int markdown;
        const char *in, *text, *extra, *title;
    } cases[] = {
        {"html-entities", 0, "<p>A&amp;B &#xAC00;&nbsp;C</p>", "A&B 가 C", "", ""},
        {"html-script-style", 0, "<p>one</p><script>var x=1;</script><style>p{}</style><p>two</p>",
         "one\ntwo", "", ""},
        {"html-img-alt", 0, "<p>x<img src=a.png alt=\"사진 설명\" title=\"제목\">y</p>", "xy",
         "사진 설명\n제목", ""},
        {"html-table", 0,
         "<table><tr><th>문서</th><th>출처</th></tr><tr><td>a</td><td>b</td></tr>"
         "</table>",
         "문서 출처\na b", "", ""},
        {"html-blocks", 0, "<h2>제목</h2><p>첫 문단</p><ul><li>하나</li><li>둘</li></ul>",
         "제목\n첫 문단\n하나\n둘", "", ""},
        {"html-br", 0, "<p>a<br>b</p>", "a\nb", "", ""},
        {"html-title", 0,
         "<html><head><title>문서 제목</title></head><body><p>본문</p></body></html>", "본문", "",
         "문서 제목"},
        {"html-h1-title", 0, "<h1>큰 제목</h1><p>본문</p>", "큰 제목\n본문", "", "큰 제목"},
        {"md-basic", 1, "# 제목\n\n본문 **강조** 입니다.\n\n- 항목\n",
         "제목\n본문 강조 입니다.\n항목", "", "제목"},
        {"md-raw-html", 1, "<p data-x=\"1\">원시 HTML &amp; 엔티티</p>\n", "원시 HTML & 엔티티", "",
         ""},
        {"md-table", 1, "| a | b |\n|---|---|\n| 1 | 2 |\n", "a b\n1 2", "", ""},
        {"md-image", 1, "![대체 텍스트](x.png \"그림 제목\")\n", "", "대체 텍스트\n그림 제목", ""},
        {"empty", 0, "", "", "", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kofts_markup m;
        memset(&m, 0, sizeof m);
        int rc = cases[i].markdown ? kofts_markup_markdown(&m, cases[i].in, strlen(cases[i].in))
                                   : kofts_markup_html(&m, cases[i].in, strlen(cases[i].in));
        kofts_doc *d = kofts_doc_new();
        kofts_doc_set(&d->body, m.text.data ? m.text.data : "", m.text.len);
        kofts_doc_set(&d->extra, m.extra.data ? m.extra.data : "", m.extra.len);
        kofts_doc_set(&d->title, m.title.data ? m.title.data : "", m.title.len);
        CHECK(cases[i].id,
              rc == 0 && !strcmp(d->body, cases[i].text) && !strcmp(d->extra, cases[i].extra) &&
                  !strcmp(d->title, cases[i].title),
              "rc=%d text='%s' extra='%s' title='%s'", rc, d->body, d->extra, d->title);
        kofts_doc_free(d);
        kofts_markup_free(&m);
    }
}

/* Deep nesting: 100,000 levels of several tags must finish quickly without recursion. */
static void test_markup_deep(void)
{
    static const char *tags[] = {"div", "b", "span", "table", "blockquote", "li"};
    for (size_t t = 0; t < sizeof tags / sizeof tags[0]; t++) {
        kofts_buf in = {0};
        char id[64];
        snprintf(id, sizeof id, "deep-%s", tags[t]);
        for (int i = 0; i < 100000; i++)
            kofts_buf_printf(&in, "<%s>", tags[t]);
        kofts_buf_puts(&in, "깊은 본문");
        kofts_markup m;
        memset(&m, 0, sizeof m);
        clock_t c0 = clock();
        int rc = kofts_markup_html(&m, in.data, in.len);
        double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
        CHECK(id, rc == 0 && m.deep == 1 && m.text.data && strstr(m.text.data, "깊은 본문"),
              "rc=%d deep=%d", rc, m.deep);
        CHECK(id, secs < 30.0, "took %.1f s", secs);
        kofts_markup_free(&m);
        kofts_buf_free(&in);
    }
    /* Markdown: 100,000 nested block quotes */
    kofts_buf in = {0};
    for (int i = 0; i < 100000; i++)
        kofts_buf_append(&in, ">", 1);
    kofts_buf_puts(&in, " 인용\n");
    kofts_markup m;
    memset(&m, 0, sizeof m);
    int rc = kofts_markup_markdown(&m, in.data, in.len);
    CHECK("deep-md-quote", rc == 0 && m.text.data && strstr(m.text.data, "인용"), "rc=%d", rc);
    kofts_markup_free(&m);
    kofts_buf_free(&in);
}

/* ---- kofts_post_parse ---- */

typedef struct {
    const char *id, *fname, *in;                             /* case id, file name, file text */
    int rc;                                                  /* kofts_post_parse's return code */
    const char *title, *cats, *tags, *date, *excerpt, *body; /* fields when rc is 0 */
    const char *msgs;                                        /* the messages, "" for none */
} post_case;

/* Parse one post case and check its return code, messages and (when parsed) fields. */
static void check_post(const post_case *pc)
{
    kofts_doc *d = kofts_doc_new();
    kofts_diag dg;
    memset(&dg, 0, sizeof dg);
    int rc = kofts_post_parse(d, &dg, "P", pc->fname, pc->in, strlen(pc->in), 0);
    const char *msgs = dg.text.data ? dg.text.data : "";
    CHECK(pc->id, rc == pc->rc, "rc=%d", rc);
    CHECK(pc->id, !strcmp(msgs, pc->msgs), "messages '%s'", msgs);
    if (rc == 0) {
        CHECK(pc->id, !strcmp(d->title, pc->title), "title '%s'", d->title);
        CHECK(pc->id, !strcmp(d->categories, pc->cats), "cats '%s'", d->categories);
        CHECK(pc->id, !strcmp(d->tags, pc->tags), "tags '%s'", d->tags);
        CHECK(pc->id, !strcmp(d->date, pc->date), "date '%s'", d->date);
        CHECK(pc->id, !strcmp(d->excerpt, pc->excerpt), "excerpt '%s'", d->excerpt);
        CHECK(pc->id, !strcmp(d->body, pc->body), "body '%s'", d->body);
    }
    kofts_diag_free(&dg);
    kofts_doc_free(d);
}

static void test_posts(void)
{
    static const post_case cases[] = {
        {"post-full", "2024-03-01-x.md",
         "---\ntitle: '제목'\ncategories:\n  - 정치\n  - 국제\ntags: 북한 국방\nexcerpt: >\n  요약 "
         "문장\nurl: /a/b\n---\n본문 문단\n",
         0, "제목", "정치\n국제", "북한\n국방", "2024-03-01", "요약 문장", "본문 문단", ""},
        {"post-date-key", "x.md", "---\ntitle: t\ndate: 2023-05-06 07:08:09 +0900\n---\nb\n", 0,
         "t", "", "", "2023-05-06T07:08:09", "", "b", ""},
        {"post-no-front", "2024-01-02-hello-world.md", "그냥 본문\n", 0, "hello-world", "", "",
         "2024-01-02", "", "그냥 본문", ""},
        {"post-h1-title", "a.md", "# 마크다운 제목\n\n본문\n", 0, "마크다운 제목", "", "", "", "",
         "마크다운 제목\n본문", ""},
        {"post-unterminated", "a.md", "---\ntitle: x\n본문만\n", 0, "a", "", "", "", "",
         "title: x 본문만", "P:1: unterminated front matter (no closing ---), indexed as body\n"},
        {"post-invalid-yaml", "a.md", "---\ntitle: [unclosed\n---\n본문\n", 0, "[unclosed", "", "",
         "", "", "본문",
         "P:3: front matter is not valid YAML (did not find expected ',' or ']'); recovered "
         "title\n"},
        /* recovery: a flow sequence followed by text, alternatives on unindented lines */
        {"post-recover-flow-title", "2024-07-30-5094.md",
         "---\nlayout: post\ntitle: [올림픽] 금메달 소식\ncategories: [스포츠, "
         "올림픽]\n---\n본문\n",
         0, "[올림픽] 금메달 소식", "스포츠\n올림픽", "", "2024-07-30", "", "본문",
         "P:3: front matter is not valid YAML (did not find expected key); "
         "recovered title, categories\n"},
        {"post-recover-lines", "2024-01-02-5095.md",
         "---\ntitle: 1. 첫째 제목\n2. 둘째 제목\ndate: 2024-01-03\ncategories:\n  - 사회\n  - "
         "'교육'\ntags: a b\n---\n본문\n",
         0, "1. 첫째 제목", "사회\n교육", "a\nb", "2024-01-03", "", "본문",
         "P:4: front matter is not valid YAML (could not find expected ':'); recovered title, "
         "date, categories, tags\n"},
        {"post-recover-nothing", "a.md", "---\n: : :\n  - [\n---\n본문\n", 0, "a", "", "", "", "",
         "본문",
         "P:2: front matter is not valid YAML (did not find expected key); "
         "nothing recovered\n"},
        {"post-list-front", "a.md", "---\n- a\n- b\n---\n본문\n", 0, "a", "", "", "", "", "본문",
         "P: front matter is not a mapping, ignored\n"},
        {"post-number-title", "a.md", "---\ntitle: 2024\n---\n본문\n", 0, "2024", "", "", "", "",
         "본문", "P: front matter: title is a number, used as text\n"},
        {"post-list-title", "a.md", "---\ntitle: [a, b]\n---\n본문\n", 0, "a", "", "", "", "",
         "본문", "P: front matter: title is not a string, ignored\n"},
        {"post-map-cats", "a.md", "---\ntitle: t\ncategories: {a: 1}\n---\n본문\n", 0, "t", "", "",
         "", "", "본문", "P: front matter: categories is not a string or list, ignored\n"},
        {"post-bad-date", "2024-02-03-a.md", "---\ntitle: t\ndate: someday\n---\nb\n", 0, "t", "",
         "", "2024-02-03", "", "b", "P: front matter: bad date \"someday\", ignored\n"},
        {"post-billion-laughs", "a.md",
         "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
         "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
         "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
         "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
         "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
         "title: &t 웃음\ntags: *i\nexcerpt: *t\n---\n본문\n",
         0, "웃음", "", "", "", "", "본문",
         "P: front matter: YAML aliases are not expanded, ignored\n"},
        {"post-only-front", "a.md", "---\ntitle: 제목만\n---\n", 0, "제목만", "", "", "", "", "",
         ""},
        {"post-empty-front", "a.md", "---\n---\n본문\n", 0, "a", "", "", "", "", "본문", ""},
        {"post-nothing", "a.md", "---\nimage: x.png\n---\n\n", KOFTS_EINVAL, "a", "", "", "", "",
         "", "P: no text, skipped\n"},
        {"post-desc-feature", "a.md",
         "---\ntitle: t\ndescription: 설명\nfeature_text: >\n  ## 특집\n---\nb\n", 0, "t", "", "",
         "", "설명", "b", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_post(&cases[i]);
}

static void test_text(void)
{
    kofts_doc *d = kofts_doc_new();
    kofts_diag dg;
    memset(&dg, 0, sizeof dg);
    const char *in = "\n  \n첫 줄 제목\n둘째 줄\n셋째 줄\n";
    int rc = kofts_text_parse(d, &dg, "T", "2020-01-01-a.txt", in, strlen(in));
    CHECK("text-title",
          rc == 0 && !strcmp(d->title, "첫 줄 제목") && !strcmp(d->body, "둘째 줄\n셋째 줄") &&
              !strcmp(d->date, "2020-01-01"),
          "rc=%d title '%s' body '%s'", rc, d->title, d->body);
    kofts_doc_free(d);
    d = kofts_doc_new();
    rc = kofts_text_parse(d, &dg, "T", "a.txt", " \n\t\n", 4);
    CHECK("text-blank",
          rc == KOFTS_EINVAL && dg.text.data && !strcmp(dg.text.data, "T: no text, skipped\n"),
          "rc=%d", rc);
    kofts_doc_free(d);
    kofts_diag_free(&dg);
}

/* ---- kofts_jsonl_parse ---- */

static void test_jsonl(void)
{
    static const struct {
        const char *id, *in;
        int rc;
        const char *docid, *title, *body, *cats, *tags, *date, *msgs;
    } cases[] = {
        {"jsonl-full",
         "{\"id\":\"a1\",\"title\":\"제목\",\"body\":\"본문\",\"category\":\"뉴스\",\"tags\":["
         "\"x\",\"y\"],"
         "\"date\":\"2024-01-02\"}",
         0, "a1", "제목", "본문", "뉴스", "x\ny", "2024-01-02", ""},
        {"jsonl-text-key", "{\"id\":7,\"text\":\"t\",\"categories\":[\"a\",\"b\"]}", 0, "7", "",
         "t", "a\nb", "", "", ""},
        {"jsonl-content-key", "{\"id\":\"c\",\"content\":\"내용\"}", 0, "c", "", "내용", "", "", "",
         ""},
        {"jsonl-blank", "   ", 1, "", "", "", "", "", "", ""},
        {"jsonl-broken", "{\"id\":\"x\",\"body\":", KOFTS_EINVAL, "", "", "", "", "", "",
         "J:3: invalid JSON near byte 17, skipped\n"},
        {"jsonl-trailing", "{\"id\":\"x\"} junk", KOFTS_EINVAL, "", "", "", "", "", "",
         "J:3: invalid JSON near byte 12, skipped\n"},
        {"jsonl-not-object", "[1,2]", KOFTS_EINVAL, "", "", "", "", "", "",
         "J:3: not a JSON object, skipped\n"},
        {"jsonl-no-id", "{\"title\":\"t\"}", KOFTS_EINVAL, "", "", "", "", "", "",
         "J:3: missing \"id\", skipped\n"},
        {"jsonl-bad-id", "{\"id\":[1]}", KOFTS_EINVAL, "", "", "", "", "", "",
         "J:3: \"id\" is not a non-empty string or number, skipped\n"},
        {"jsonl-bad-title", "{\"id\":\"x\",\"title\":{\"a\":1}}", 0, "x", "", "", "", "", "",
         "J:3: \"title\" is not a string, ignored\n"},
        {"jsonl-bad-date", "{\"id\":\"x\",\"date\":\"soon\"}", 0, "x", "", "", "", "", "",
         "J:3: bad \"date\", ignored\n"},
        {"jsonl-empty-date", "{\"id\":\"x\",\"date\":\"\"}", 0, "x", "", "", "", "", "", ""},
        {"jsonl-bad-utf8", "{\"id\":\"x\",\"body\":\"a\xFF\"}", 0, "x", "", "a\xEF\xBF\xBD", "", "",
         "", "J:3: invalid UTF-8 replaced with U+FFFD\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kofts_doc *d = kofts_doc_new();
        kofts_diag dg;
        memset(&dg, 0, sizeof dg);
        int rc = kofts_jsonl_parse(d, &dg, "J", 3, cases[i].in, strlen(cases[i].in));
        const char *msgs = dg.text.data ? dg.text.data : "";
        CHECK(cases[i].id, rc == cases[i].rc, "rc=%d", rc);
        CHECK(cases[i].id, !strcmp(msgs, cases[i].msgs), "messages '%s'", msgs);
        if (rc == 0) {
            CHECK(cases[i].id, !strcmp(d->id, cases[i].docid), "id '%s'", d->id);
            CHECK(cases[i].id, !strcmp(d->title, cases[i].title), "title '%s'", d->title);
            CHECK(cases[i].id, !strcmp(d->body, cases[i].body), "body '%s'", d->body);
            CHECK(cases[i].id, !strcmp(d->categories, cases[i].cats), "cats '%s'", d->categories);
            CHECK(cases[i].id, !strcmp(d->tags, cases[i].tags), "tags '%s'", d->tags);
            CHECK(cases[i].id, !strcmp(d->date, cases[i].date), "date '%s'", d->date);
        }
        kofts_diag_free(&dg);
        kofts_doc_free(d);
    }
}

/* kofts_doc_finish builds the FTS strings exactly like the fts_content view. */
static void test_finish(void)
{
    kofts_doc *d = kofts_doc_new();
    kofts_doc_set(&d->title, "T", 1);
    kofts_doc_set(&d->body, "B", 1);
    kofts_doc_set(&d->categories, "c1\nc2", 5);
    kofts_doc_set(&d->tags, "t", 1);
    int rc = kofts_doc_finish(d, NULL);
    CHECK("finish-cols",
          rc == 0 && !strcmp(d->col[KOFTS_COL_TAGS], "c1\nc2\nt") &&
              !strcmp(d->col[KOFTS_COL_BIGRAM], "\x01T\nB") && strlen(d->hash) == 16,
          "rc=%d", rc);
    kofts_doc_free(d);
    /* kofts_doc_finish_text (a writer storing no zbody): the same columns and hashes,
     * no compressed body; kofts_doc_finish compresses a long body */
    kofts_doc *a = kofts_doc_new(), *b = kofts_doc_new();
    char body[4000];
    for (size_t i = 0; i + 1 < sizeof body; i++)
        body[i] = "abc def "[i % 8];
    body[sizeof body - 1] = '\0';
    for (kofts_doc *x = a; x; x = x == a ? b : NULL) {
        kofts_doc_set(&x->title, "T", 1);
        kofts_doc_set(&x->body, body, strlen(body));
        kofts_doc_set(&x->tags, "t", 1);
    }
    int ra = kofts_doc_finish(a, NULL), rb = kofts_doc_finish_text(b);
    CHECK("finish-text",
          ra == 0 && rb == 0 && a->zbody.len > 0 && b->zbody.len == 0 &&
              !strcmp(a->hash, b->hash) && !strcmp(a->text_hash, b->text_hash) &&
              !strcmp(a->col[KOFTS_COL_TAGS], b->col[KOFTS_COL_TAGS]) &&
              !strcmp(a->col[KOFTS_COL_BIGRAM], b->col[KOFTS_COL_BIGRAM]),
          "rc=%d/%d zbody %zu/%zu", ra, rb, a->zbody.len, b->zbody.len);
    kofts_doc_free(a);
    kofts_doc_free(b);
}

/* ---- kofts_jsonl_parse_ex: the fields not read ---- */

static void test_jsonl_ignored(void)
{
    char many[2048] = "{\"id\":\"m\"";
    for (int k = 0; k < 40; k++) /* 40 unknown keys: the list stops at the cap */
        snprintf(many + strlen(many), sizeof many - strlen(many), ",\"k%02d\":1", k);
    strcat(many, "}");
    char longkey[200];
    snprintf(longkey, sizeof longkey, "{\"id\":\"l\",\"%070d\":1}", 0);
    static const struct {
        const char *id, *in, *ignored;
    } cases[] = {
        {"ign-none", "{\"id\":\"a\",\"title\":\"t\",\"body\":\"b\",\"tags\":[],\"url\":\"/u\"}",
         ""},
        {"ign-unknown", "{\"id\":\"a\",\"permalink\":\"/p\",\"author\":\"kim\"}",
         "permalink\nauthor\n"},
        {"ign-body-wins", "{\"id\":\"a\",\"body\":\"b\",\"text\":\"t\",\"content\":\"c\"}",
         "text\ncontent\n"},
        {"ign-categories-win", "{\"id\":\"a\",\"categories\":[\"x\"],\"category\":\"y\"}",
         "category\n"},
        {"ign-text-used", "{\"id\":\"a\",\"text\":\"t\",\"content\":\"c\"}", "content\n"},
        {"ign-control", "{\"id\":\"a\",\"x\\ny\":1}", "x?y\n"},
        {"ign-dup", "{\"id\":\"a\",\"z\":1,\"z\":2}", "z\n"},
        {"ign-skipped-record", "{\"title\":\"no id\",\"zz\":1}", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kofts_doc *d = kofts_doc_new();
        kofts_diag dg;
        kofts_buf ign = {0};
        memset(&dg, 0, sizeof dg);
        kofts_jsonl_parse_ex(d, &dg, "J", 1, cases[i].in, strlen(cases[i].in), &ign);
        const char *got = ign.data ? ign.data : "";
        CHECK(cases[i].id, !strcmp(got, cases[i].ignored), "ignored '%s'", got);
        kofts_buf_free(&ign);
        kofts_diag_free(&dg);
        kofts_doc_free(d);
    }
    /* the cap, the 64-byte cut and merging across records (each name once) */
    kofts_doc *d = kofts_doc_new();
    kofts_diag dg;
    kofts_buf ign = {0}, all = {0};
    memset(&dg, 0, sizeof dg);
    kofts_jsonl_parse_ex(d, &dg, "J", 1, many, strlen(many), &ign);
    size_t lines = 0;
    for (size_t k = 0; k < ign.len; k++)
        lines += ign.data[k] == '\n';
    CHECK("ign-cap", lines == KOFTS_JSONL_MAX_IGNORED, "%zu names kept", lines);
    kofts_buf_clear(&ign);
    kofts_jsonl_parse_ex(d, &dg, "J", 1, longkey, strlen(longkey), &ign);
    CHECK("ign-long", ign.len == 65, "long name kept as %zu bytes", ign.len);
    kofts_jsonl_merge_ignored(&all, "a\nb\n", 4);
    kofts_jsonl_merge_ignored(&all, "b\nc\n", 4);
    CHECK("ign-merge", all.data && !strcmp(all.data, "a\nb\nc\n"), "merged '%s'",
          all.data ? all.data : "");
    kofts_buf_free(&ign);
    kofts_buf_free(&all);
    kofts_diag_free(&dg);
    kofts_doc_free(d);
}

int main(void)
{
    test_clean();
    test_dates();
    test_markup();
    test_markup_deep();
    test_posts();
    test_text();
    test_jsonl();
    test_jsonl_ignored();
    test_finish();
    if (kofts_check_failures) {
        fprintf(stderr, "%d failure(s)\n", kofts_check_failures);
        return 1;
    }
    printf("all indexer parse tests passed\n");
    return 0;
}
