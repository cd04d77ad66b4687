/*
 * test_search_index.c - integration tests of kofts_search against the fixture index
 * (tests/searcher/data/docs.jsonl loaded by kofts-search-mkindex): every operator,
 * every filter, sorting, paging, the all-word/any-word readings and malformed input.
 * Case ids I*. Usage: test_search_index DB
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_search.h"

typedef struct {
    const char *id;
    const char *query;
    const char *category;
    const char *since, *until;
    int sort_date;
    int limit, offset; /* limit 0 means the default */
    kofts_match match;
    const char *want; /* ids of the hits in order, comma-separated; "" for none */
    int ordered;      /* 0: compare as a set */
} idx_case;

static const idx_case cases[] = {
    {"I01-word-particle", "광주와", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a2", 1},
    {"I02-exact-over-bigram", "양자컴퓨팅", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a12,a3",
     1},
    {"I03-bigram-boundary", "가구", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a5", 1},
    {"I04-phrase", "\"양자 컴퓨팅\"", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a3", 1},
    {"I05-exclude", "날씨 -부산", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a9", 1},
    {"I06-or", "서울 OR 부산", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_ALL, "a9,a10", 0},
    {"I07-title", "title:임종석", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a7", 1},
    {"I08-title-miss", "title:지명수배", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "", 1},
    {"I09-category-op", "category:과학 양자", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a1,a3",
     0},
    {"I10-category-opt", "날씨", "지역", NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a10", 1},
    {"I11-category-none", "날씨", "없는분류", NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "", 1},
    {"I12-prefix", "반도*", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a6", 1},
    {"I13-since", "날씨", NULL, "2023-07-02", NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a10", 1},
    {"I14-until", "날씨", NULL, NULL, "2023-07-01", 0, 0, 0, KOFTS_MATCH_AUTO, "a9", 1},
    {"I15-until-month", "날씨", NULL, NULL, "2023-07", 0, 0, 0, KOFTS_MATCH_AUTO, "a9,a10", 0},
    {"I16-sort-date", "양자", NULL, NULL, NULL, 1, 0, 0, KOFTS_MATCH_AUTO, "a1,a12,a3", 1},
    {"I17-limit", "양자", NULL, NULL, NULL, 1, 1, 0, KOFTS_MATCH_AUTO, "a1", 1},
    {"I18-offset", "양자", NULL, NULL, NULL, 1, 1, 1, KOFTS_MATCH_AUTO, "a12", 1},
    {"I19-question", "임종석이 지명수배된 연도는 언제인가?", NULL, NULL, NULL, 0, 0, 0,
     KOFTS_MATCH_AUTO, "a7", 1},
    {"I20-all-none", "광주 무지개", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_ALL, "", 1},
    {"I21-any", "광주 무지개", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_ANY, "a2,a11", 0},
    {"I22-auto-fallback", "광주 무지개", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a2,a11", 0},
    {"I23-title-quotes", "hello", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a8", 1},
    {"I24-sql-text", "')); DROP TABLE docs; --", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_ANY, "a8",
     1},
    {"I25-unbalanced", "\"서울의 날씨", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a9", 1},
    {"I26-lone-minus", "- 서울", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a9", 1},
    {"I27-or-or", "OR OR 서울", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a9", 1},
    {"I28-parens", "))) 서울 (((", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a9", 1},
    {"I29-emoji", "😀", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "", 1},
    {"I30-fts5-syntax", "NEAR(서울 부산) AND NOT ^서울 col:x {a b}", NULL, NULL, NULL, 0, 0, 0,
     KOFTS_MATCH_AUTO, NULL, 1},
    {"I31-invalid-utf8", "\xc0\xaf서울\xed\xa0\x80", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO,
     "a9", 1},
    {"I32-number-join", "300억", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a1", 1},
    {"I33-excerpt", "늘린다", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a1", 1},
    {"I34-tags", "투자", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "a1", 1},
    {"I35-only-excluded", "-서울", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_AUTO, "", 1},
    /* spacing variant: the two words are one (unlisted) compound in the document */
    {"I36-joined-spacing", "빅 데이터", NULL, NULL, NULL, 0, 0, 0, KOFTS_MATCH_ALL, "a13", 1},
};

static void ids_of(const kofts_result *r, kofts_buf *b, int sorted)
{
    const char *ids[64];
    size_t n = r->n_hits < 64 ? r->n_hits : 64;
    for (size_t i = 0; i < n; i++)
        ids[i] = r->hits[i].id;
    if (sorted)
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
                const char *t = ids[j];
                ids[j] = ids[j - 1];
                ids[j - 1] = t;
            }
    kofts_buf_clear(b);
    kofts_buf_append(b, "", 0);
    for (size_t i = 0; i < n; i++) {
        if (i)
            kofts_buf_puts(b, ",");
        kofts_buf_puts(b, ids[i]);
    }
}

/* Sort a comma-separated id list (for set comparison). */
static char *sorted_list(const char *list)
{
    char *copy = strdup(list);
    const char *parts[64];
    size_t n = 0;
    for (char *p = strtok(copy, ","); p && n < 64; p = strtok(NULL, ","))
        parts[n++] = p;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(parts[j - 1], parts[j]) > 0; j--) {
            const char *t = parts[j];
            parts[j] = parts[j - 1];
            parts[j - 1] = t;
        }
    kofts_buf b = {0};
    kofts_buf_append(&b, "", 0);
    for (size_t i = 0; i < n; i++) {
        if (i)
            kofts_buf_puts(&b, ",");
        kofts_buf_puts(&b, parts[i]);
    }
    free(copy);
    return b.data;
}

int main(int argc, char **argv)
{
    int fails = 0;
    kofts_search *s = NULL;
    char *err = NULL;
    if (argc < 2) {
        fprintf(stderr, "usage: test_search_index DB\n");
        return 2;
    }
    if (kofts_search_open(&s, argv[1], &err)) {
        fprintf(stderr, "cannot open %s: %s\n", argv[1], err ? err : "?");
        free(err);
        return 1;
    }
    kofts_buf got = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const idx_case *c = &cases[i];
        kofts_search_opts o;
        kofts_search_opts_init(&o);
        o.category = c->category;
        o.since = c->since;
        o.until = c->until;
        o.sort = c->sort_date ? KOFTS_SORT_DATE : KOFTS_SORT_RELEVANCE;
        if (c->limit)
            o.limit = c->limit;
        o.offset = c->offset;
        o.match = c->match;
        o.want_total = 1;
        kofts_result *r = NULL;
        int rc = kofts_search_run(s, c->query, strlen(c->query), &o, &r);
        int ok = rc == 0 && r;
        char *want = c->want ? sorted_list(c->want) : NULL;
        if (ok) {
            ids_of(r, &got, !c->ordered);
            if (c->want)
                ok = strcmp(got.data, c->ordered ? c->want : want) == 0;
            for (size_t k = 0; ok && k < r->n_hits; k++)
                ok = r->hits[k].snippet &&
                     kofts_utf8_valid(r->hits[k].snippet, r->hits[k].snippet_len);
            if (ok && c->want && !c->offset && c->limit == 0)
                ok = r->total == (long long)r->n_hits;
        }
        printf("%s %s: [%s]%s%s\n", ok ? "ok  " : "FAIL", c->id, ok || r ? got.data : "",
               rc ? " error: " : "", rc ? kofts_search_errmsg(s) : "");
        if (!ok && c->want)
            printf("     want [%s] (expr %s)\n", c->want, r ? r->expr : "?");
        fails += !ok;
        free(want);
        kofts_result_free(r);
    }
    kofts_buf_free(&got);
    kofts_search_close(s);
    printf("%d failure(s)\n", fails);
    return fails ? 1 : 0;
}
