/*
 * kofts_render.c - HTML page, JSON API bodies and built-in assets of kofts-serve (see
 * kofts_render.h). Rule: text from a document or a request reaches output only through
 * kofts_esc_html_text, kofts_esc_html_attr, kofts_esc_url or kofts_buf_json_str; the
 * literal markup here holds no such text.
 */
#include "kofts_render.h"

#include <stdio.h>
#include <string.h>

#include "kofts_escape.h"

#define PAGE_LINKS 9 /* numbered page links shown around the current page */

/* ------------------------------------------------------------------ helpers */

static int puts_(kofts_buf *b, const char *s)
{
    return kofts_buf_puts(b, s);
}

static int text(kofts_buf *b, const char *s)
{
    return kofts_esc_html_text(b, s, strlen(s));
}

static int attr(kofts_buf *b, const char *s, size_t n)
{
    return kofts_esc_html_attr(b, s, n);
}

static int has_scheme_prefix(const char *u, const char *scheme)
{
    size_t n = strlen(scheme);
    for (size_t i = 0; i < n; i++) {
        char c = u[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != scheme[i])
            return 0;
    }
    return 1;
}

int kofts_render_hit_url(kofts_buf *b, const kofts_hit *h, const char *base_url)
{
    const char *u = h->url && h->url[0] ? h->url : h->path ? h->path : "";
    size_t n = strlen(u);
    if (has_scheme_prefix(u, "http://") || has_scheme_prefix(u, "https://"))
        return kofts_buf_append(b, u, n);
    /* Anything else with a scheme (javascript:, data:, vbscript:...) or a
     * protocol-relative //host is never a link. */
    size_t colon = strcspn(u, ":/?#");
    if (u[colon] == ':' || (u[0] == '/' && u[1] == '/') || u[0] == '\\' || n == 0)
        return 1;
    size_t bl = base_url ? strlen(base_url) : 0;
    while (bl && base_url[bl - 1] == '/')
        bl--;
    if ((bl && kofts_buf_append(b, base_url, bl)) || (u[0] != '/' && kofts_buf_puts(b, "/")))
        return KOFTS_ENOMEM;
    return kofts_buf_append(b, u, n);
}

/* Append href="/search?..." for args with page, category and sort replaced. */
static int search_href(kofts_buf *b, const kofts_http_args *a, int page, const char *category,
                       kofts_sort sort)
{
    kofts_buf u = {0};
    int rc = kofts_buf_puts(&u, "/search?q=") || kofts_esc_url(&u, a->q, a->q_len);
    if (!rc && category)
        rc = kofts_buf_puts(&u, "&category=") || kofts_esc_url(&u, category, strlen(category));
    if (!rc && a->since[0])
        rc = kofts_buf_puts(&u, "&since=") || kofts_esc_url(&u, a->since, strlen(a->since));
    if (!rc && a->until[0])
        rc = kofts_buf_puts(&u, "&until=") || kofts_esc_url(&u, a->until, strlen(a->until));
    if (!rc && sort == KOFTS_SORT_DATE)
        rc = kofts_buf_puts(&u, "&sort=date");
    if (!rc && page > 1)
        rc = kofts_buf_printf(&u, "&page=%d", page);
    rc = rc || puts_(b, " href=\"") || attr(b, u.data, u.len) || puts_(b, "\"");
    kofts_buf_free(&u);
    return rc ? KOFTS_ENOMEM : 0;
}

/* ------------------------------------------------------------------ the page */

static int page_head(kofts_buf *b, const char *q, size_t qn)
{
    int rc = puts_(b, "<!doctype html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
    if (!rc && qn)
        rc = kofts_esc_html_text(b, q, qn) || puts_(b, " - ");
    return rc ||
           puts_(b, "기사 검색</title>\n<link rel=\"stylesheet\" href=\"/assets/kofts.css\">\n"
                    "</head>\n<body>\n<a class=\"skip\" href=\"#results\">검색 결과로 "
                    "건너뛰기</a>\n");
}

/* The search form; keeps the category and dates of the current search as hidden
 * fields so that a new query stays in the same filter. */
static int page_form(kofts_buf *b, const kofts_http_args *a)
{
    int rc = puts_(b, "<header>\n<form class=\"search\" role=\"search\" action=\"/search\" "
                      "method=\"get\">\n<label for=\"q\">검색어</label>\n<div class=\"row\">"
                      "<input id=\"q\" name=\"q\" type=\"search\" maxlength=\"1024\" "
                      "autocomplete=\"off\" value=\"");
    rc = rc || (a && attr(b, a->q, a->q_len)) ||
         puts_(b, "\"><button type=\"submit\">검색</button></div>\n");
    rc = rc || puts_(b, "<label for=\"sort\">정렬</label> <select id=\"sort\" name=\"sort\">"
                        "<option value=\"relevance\">관련도순</option><option value=\"date\"");
    rc = rc || puts_(b, a && a->sort == KOFTS_SORT_DATE ? " selected" : "");
    rc = rc || puts_(b, ">최신순</option></select>\n");
    if (!rc && a && a->category)
        rc = puts_(b, "<input type=\"hidden\" name=\"category\" value=\"") ||
             attr(b, a->category, strlen(a->category)) || puts_(b, "\">\n");
    const char *names[2] = {"since", "until"};
    for (int i = 0; !rc && a && i < 2; i++) {
        const char *v = i ? a->until : a->since;
        if (v[0])
            rc = kofts_buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"", names[i]) ||
                 attr(b, v, strlen(v)) || puts_(b, "\">\n");
    }
    return rc || puts_(b, "</form>\n</header>\n");
}

/* The result count, the all-words/any-word note and the active filters. */
static int page_summary(kofts_buf *b, const kofts_page *p)
{
    const kofts_http_args *a = p->args;
    const kofts_result *r = p->res;
    int rc = puts_(b, "<div class=\"summary\" role=\"status\">\n<p class=\"count\">");
    if (r->total <= 0 && r->browse)
        rc = rc || puts_(b, "조건에 맞는 문서가 없습니다.");
    else if (r->total <= 0)
        rc = rc || puts_(b, "‘") || kofts_esc_html_text(b, a->q, a->q_len) ||
             puts_(b, "’에 맞는 문서가 없습니다.");
    else
        rc = rc || kofts_buf_printf(b, "검색 결과 <strong>%lld</strong>건", r->total) ||
             kofts_buf_printf(b, " <span class=\"took\">(%.0f ms)</span>", p->took_ms);
    rc = rc || puts_(b, "</p>\n");
    if (!rc && r->total > 0 && r->browse)
        rc = puts_(b, "<p class=\"reading browse\">검색어 없이 조건에 맞는 문서를 최신순으로 "
                      "보여 줍니다.</p>\n");
    else if (!rc && r->total > 0)
        rc =
            puts_(b, r->used_any ? "<p class=\"reading any\">모든 단어가 들어간 문서가 적어, "
                                   "일부 단어만 들어간 문서도 함께 보여 줍니다.</p>\n"
                                 : "<p class=\"reading all\">모든 단어가 들어간 문서입니다.</p>\n");
    if (!rc && a->category)
        rc = puts_(b, "<p class=\"filter\">분류: <strong>") || text(b, a->category) ||
             puts_(b, "</strong> · <a") || search_href(b, a, 1, NULL, a->sort) ||
             puts_(b, ">분류 해제</a></p>\n");
    if (!rc && (a->since[0] || a->until[0]))
        rc = puts_(b, "<p class=\"filter\">기간: ") || text(b, a->since) || puts_(b, " ~ ") ||
             text(b, a->until) || puts_(b, "</p>\n");
    return rc || puts_(b, "</div>\n");
}

/* The snippet with its spans in <mark>. */
static int put_snippet(kofts_buf *b, const kofts_hit *h)
{
    size_t at = 0;
    int rc = 0;
    for (size_t i = 0; !rc && i < h->n_spans; i++) {
        const kofts_span *sp = &h->spans[i];
        if (sp->start_off < at || sp->end_off > h->snippet_len || sp->end_off < sp->start_off)
            continue;
        rc = kofts_esc_html_text(b, h->snippet + at, sp->start_off - at) || puts_(b, "<mark>") ||
             kofts_esc_html_text(b, h->snippet + sp->start_off, sp->end_off - sp->start_off) ||
             puts_(b, "</mark>");
        at = sp->end_off;
    }
    return rc || kofts_esc_html_text(b, h->snippet + at, h->snippet_len - at);
}

/* One hit: linked title, date, categories as filter links, snippet. */
static int page_hit(kofts_buf *b, const kofts_page *p, const kofts_hit *h)
{
    kofts_buf href = {0};
    int rc = puts_(b, "<li class=\"hit\">\n<h2>");
    int linked = 0;
    if (!rc) {
        int u = kofts_render_hit_url(&href, h, p->base_url);
        rc = u < 0;
        linked = u == 0;
    }
    if (!rc && linked)
        rc = puts_(b, "<a href=\"") || attr(b, href.data, href.len) || puts_(b, "\">");
    rc = rc || (h->title[0] ? text(b, h->title) : puts_(b, "(제목 없음)"));
    rc = rc || (linked && puts_(b, "</a>")) || puts_(b, "</h2>\n<p class=\"meta\">");
    if (!rc && h->date[0]) {
        size_t dn = strlen(h->date) < 10 ? strlen(h->date) : 10;
        rc = puts_(b, "<time datetime=\"") || attr(b, h->date, dn) || puts_(b, "\">") ||
             kofts_esc_html_text(b, h->date, dn) || puts_(b, "</time>");
    }
    const char *c = h->categories;
    while (!rc && *c) {
        const char *e = strchr(c, '\n');
        size_t n = e ? (size_t)(e - c) : strlen(c);
        if (n) {
            char cat[KOFTS_HTTP_VALUE_MAX + 1];
            size_t cn = n < KOFTS_HTTP_VALUE_MAX ? n : KOFTS_HTTP_VALUE_MAX;
            memcpy(cat, c, cn);
            cat[cn] = '\0';
            rc = puts_(b, " <a class=\"cat\"") || search_href(b, p->args, 1, cat, p->args->sort) ||
                 puts_(b, ">") || kofts_esc_html_text(b, c, n) || puts_(b, "</a>");
        }
        c += n + (e ? 1 : 0);
    }
    rc = rc || puts_(b, "</p>\n<p class=\"snippet\">") || put_snippet(b, h) ||
         puts_(b, "</p>\n</li>\n");
    kofts_buf_free(&href);
    return rc ? KOFTS_ENOMEM : 0;
}

/* Previous/next and numbered page links (at most KOFTS_HTTP_PAGE_MAX pages). */
static int page_nav(kofts_buf *b, const kofts_page *p)
{
    const kofts_http_args *a = p->args;
    long long pages = (p->res->total + a->limit - 1) / a->limit;
    if (pages > KOFTS_HTTP_PAGE_MAX)
        pages = KOFTS_HTTP_PAGE_MAX;
    if (pages <= 1)
        return 0;
    int cur = a->page, first = cur - PAGE_LINKS / 2;
    if (first + PAGE_LINKS - 1 > pages)
        first = (int)pages - PAGE_LINKS + 1;
    if (first < 1)
        first = 1;
    int rc = puts_(b, "<nav class=\"pages\" aria-label=\"페이지\">\n");
    if (!rc && cur > 1)
        rc = puts_(b, "<a rel=\"prev\"") || search_href(b, a, cur - 1, a->category, a->sort) ||
             puts_(b, ">이전</a>\n");
    for (int i = first; !rc && i < first + PAGE_LINKS && i <= pages; i++) {
        if (i == cur)
            rc = kofts_buf_printf(b, "<span aria-current=\"page\">%d</span>\n", i);
        else
            rc = puts_(b, "<a") || search_href(b, a, i, a->category, a->sort) ||
                 kofts_buf_printf(b, ">%d</a>\n", i);
    }
    if (!rc && cur < pages)
        rc = puts_(b, "<a rel=\"next\"") || search_href(b, a, cur + 1, a->category, a->sort) ||
             puts_(b, ">다음</a>\n");
    return rc || puts_(b, "</nav>\n");
}

int kofts_render_page(kofts_buf *b, const kofts_page *p)
{
    const kofts_http_args *a = p->args;
    int rc = page_head(b, a->q, a->q_len) || page_form(b, a) ||
             puts_(b, "<main id=\"results\" tabindex=\"-1\">\n");
    if (!rc && !p->res)
        rc = puts_(b, "<p class=\"hint\">검색어를 입력하세요. 모든 단어가 들어간 문서를 먼저 "
                      "찾고, 너무 적으면 일부 단어만 들어간 문서도 보여 줍니다. "
                      "\"따옴표\"는 구절 검색, -단어는 제외입니다.</p>\n");
    if (!rc && p->res) {
        rc = page_summary(b, p);
        if (!rc && p->res->n_hits)
            rc = kofts_buf_printf(b, "<ol class=\"hits\" start=\"%d\">\n",
                                  (a->page - 1) * a->limit + 1);
        for (size_t i = 0; !rc && i < p->res->n_hits; i++)
            rc = page_hit(b, p, &p->res->hits[i]);
        if (!rc && p->res->n_hits)
            rc = puts_(b, "</ol>\n");
        rc = rc || page_nav(b, p);
    }
    rc = rc || puts_(b, "</main>\n<footer><p>kofts " KOFTS_VERSION_STRING
                        " · 한국어 형태 분석 전문 검색</p></footer>\n</body>\n</html>\n");
    return rc ? KOFTS_ENOMEM : 0;
}

int kofts_render_error_page(kofts_buf *b, int status, const char *msg)
{
    int rc = page_head(b, "", 0) || page_form(b, NULL) ||
             kofts_buf_printf(b,
                              "<main id=\"results\">\n<p class=\"error\">요청을 처리할 수 "
                              "없습니다 (%d): ",
                              status) ||
             text(b, msg) || puts_(b, "</p>\n</main>\n</body>\n</html>\n");
    return rc ? KOFTS_ENOMEM : 0;
}

/* ------------------------------------------------------------------ JSON */

/* Append a '\n'-separated list as a JSON array of strings. */
static int json_list(kofts_buf *b, const char *list)
{
    int rc = puts_(b, "[");
    int first = 1;
    while (!rc && *list) {
        const char *e = strchr(list, '\n');
        size_t n = e ? (size_t)(e - list) : strlen(list);
        if (n) {
            rc = (!first && puts_(b, ",")) || kofts_buf_json_str(b, list, n);
            first = 0;
        }
        list += n + (e ? 1 : 0);
    }
    return rc || puts_(b, "]");
}

/* One hit with the fields of kofts-search --json, plus url (null when not linkable). */
static int json_hit(kofts_buf *b, const kofts_page *p, size_t rank, const kofts_hit *h)
{
    kofts_buf u = {0};
    int rc = kofts_buf_printf(b, "{\"rank\":%zu,\"id\":", rank) ||
             kofts_buf_json_str(b, h->id, strlen(h->id)) ||
             kofts_buf_printf(b, ",\"score\":%.6f,\"title\":", h->score) ||
             kofts_buf_json_str(b, h->title, strlen(h->title)) || puts_(b, ",\"date\":") ||
             kofts_buf_json_str(b, h->date, strlen(h->date)) || puts_(b, ",\"categories\":") ||
             json_list(b, h->categories) || puts_(b, ",\"snippet\":") ||
             kofts_buf_json_str(b, h->snippet, h->snippet_len) || puts_(b, ",\"highlights\":[");
    for (size_t i = 0; !rc && i < h->n_spans; i++)
        rc = kofts_buf_printf(b, "%s[%zu,%zu]", i ? "," : "", h->spans[i].start_off,
                              h->spans[i].end_off);
    int url = rc ? 0 : kofts_render_hit_url(&u, h, p->base_url);
    rc = rc || url < 0 || puts_(b, "],\"path\":") ||
         kofts_buf_json_str(b, h->path ? h->path : "", h->path ? strlen(h->path) : 0) ||
         puts_(b, ",\"url\":") ||
         (url == 0 ? kofts_buf_json_str(b, u.data ? u.data : "", u.len) : puts_(b, "null")) ||
         puts_(b, "}");
    kofts_buf_free(&u);
    return rc ? KOFTS_ENOMEM : 0;
}

int kofts_render_json(kofts_buf *b, const kofts_page *p)
{
    const kofts_http_args *a = p->args;
    const kofts_result *r = p->res;
    const char *reading = !r            ? "none"
                          : r->browse   ? "browse"
                          : !r->expr[0] ? "none"
                          : r->used_any ? "any"
                                        : "all";
    int rc = puts_(b, "{\"query\":") || kofts_buf_json_str(b, a->q, a->q_len) ||
             kofts_buf_printf(b,
                              ",\"total\":%lld,\"reading\":\"%s\",\"took_ms\":%.3f,"
                              "\"page\":%d,\"limit\":%d,\"notes\":",
                              r && r->total > 0 ? r->total : 0, reading, p->took_ms, a->page,
                              a->limit) ||
             json_list(b, r ? r->notes : "") || puts_(b, ",\"hits\":[");
    for (size_t i = 0; !rc && r && i < r->n_hits; i++)
        rc = (i && puts_(b, ",")) ||
             json_hit(b, p, (size_t)(a->page - 1) * (size_t)a->limit + i + 1, &r->hits[i]);
    rc = rc || puts_(b, "]}\n");
    return rc ? KOFTS_ENOMEM : 0;
}

int kofts_render_error_json(kofts_buf *b, int status, const char *msg)
{
    int rc = puts_(b, "{\"error\":") || kofts_buf_json_str(b, msg, strlen(msg)) ||
             kofts_buf_printf(b, ",\"status\":%d}\n", status);
    return rc ? KOFTS_ENOMEM : 0;
}
