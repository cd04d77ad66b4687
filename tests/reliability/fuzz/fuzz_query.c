/*
 * fuzz_query.c - libFuzzer target for kofts-search's query parser (searcher/kofts_search.h).
 *
 * Input: arbitrary bytes used as a query typed by a person. Per input:
 *   1. kofts_search_build_expr, all-word and any-word readings (and the Xapian compiler
 *      on the same plan: same groups): must not fail; a
 *      non-empty expression must be accepted by FTS5 (run as a bound MATCH parameter
 *      against an in-memory table with kofts's FTS5 columns and tokenizer): any SQLite
 *      error means user text leaked into FTS5 syntax;
 *   2. kofts_search_run on a small index built at start-up (temp file): returns 0
 *      (a query problem is never an error), hits have valid UTF-8 snippets and
 *      highlight spans that are sorted, disjoint, inside the snippet and on character
 *      boundaries. Match mode and sort order are picked from the input length;
 *   3. kofts_search_snippet of a fixed Korean text for the query: same span checks.
 * If the input holds a NUL byte, the bytes after it are the snippet text instead.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fuzz_common.h"
#include "kofts_analyzer.h"
#include "kofts_fts5.h"
#include "kofts_search.h"
#include "kofts_store.h"
#include "kofts_util.h"

static const char *const k_docs[][4] = {
    /* id, title, categories, body */
    {"a", "광주 AI 클러스터 착공", "경제\n지역",
     "광주와 전남은 인공지능 반도체 클러스터를 2025년까지 짓는다. 300억 원이 투입된다."},
    {"b", "양자컴퓨터 로드맵 발표", "과학",
     "과학기술정보통신부가 발표한 양자 컴퓨팅 로드맵은 韓國 연구진과 美 기업의 협력을 담았다."},
    {"c", "\"따옴표\" 제목과 NEAR(기호)", "기타",
     "'; DROP TABLE docs; -- 같은 문장도 본문일 뿐이다. title:값 * ^ : ( ) AND OR NOT"},
};

static const char k_text[] =
    "지난 12일 광주에서 열린 AI반도체 포럼에서 과학기술정보통신부 장관은 양자컴퓨팅과 "
    "인공지능 투자를 늘리겠다고 밝혔다. 임종석 전 실장은 1989년에 지명수배되었다. "
    "\"서울\"과 부산, 大韓民國의 反도체 수출은 5.2% 늘었다.";

static kofts_analyzer *g_an;
static sqlite3 *g_mem; /* in-memory FTS5 table for expression checks */
static sqlite3_stmt *g_match;
static kofts_search *g_search; /* on the temp index */
static char g_dbpath[64];

static void make_index(void)
{
    kofts_store *st = NULL;
    char *err = NULL;
    snprintf(g_dbpath, sizeof g_dbpath, "/tmp/kofts-fuzz-query-%ld.db", (long)getpid());
    unlink(g_dbpath);
    int rc = kofts_store_open(&st, g_dbpath, KOFTS_STORE_CREATE | KOFTS_STORE_RESET, &err);
    FUZZ_CHECK(rc == 0, "kofts_store_open: %s", err ? err : "?");
    sqlite3 *db = kofts_store_db(st);
    sqlite3_stmt *ins = NULL;
    rc = sqlite3_prepare_v2(db,
                            "INSERT INTO doc_store(id, title, categories, body, date) "
                            "VALUES(?1, ?2, ?3, ?4, '2024-01-0' || (1 + length(?1)))",
                            -1, &ins, NULL);
    FUZZ_CHECK(rc == SQLITE_OK, "%s", sqlite3_errmsg(db));
    for (size_t i = 0; i < sizeof k_docs / sizeof k_docs[0]; i++) {
        for (int k = 0; k < 4; k++)
            sqlite3_bind_text(ins, k + 1, k_docs[i][k], -1, SQLITE_STATIC);
        FUZZ_CHECK(sqlite3_step(ins) == SQLITE_DONE, "%s", sqlite3_errmsg(db));
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    rc = sqlite3_exec(db,
                      "INSERT INTO doc_category(category, rowid) SELECT 'science', rowid FROM docs;"
                      "INSERT INTO fts(rowid, title, excerpt, body, extra, tags, bigram) "
                      "SELECT rowid, title, excerpt, body, extra, tags, bigram FROM fts_content;",
                      NULL, NULL, &err);
    FUZZ_CHECK(rc == SQLITE_OK, "%s", err ? err : "?");
    kofts_store_close(st);
    rc = kofts_search_open(&g_search, g_dbpath, &err);
    FUZZ_CHECK(rc == 0, "kofts_search_open: %s", err ? err : "?");
}

static void remove_index(void)
{
    kofts_search_close(g_search);
    g_search = NULL;
    char p[80];
    unlink(g_dbpath);
    snprintf(p, sizeof p, "%s-wal", g_dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", g_dbpath);
    unlink(p);
}

static void setup(void)
{
    if (g_an)
        return;
    FUZZ_CHECK(kofts_analyzer_new(&g_an) == 0, "analyzer");
    FUZZ_CHECK(sqlite3_open(":memory:", &g_mem) == SQLITE_OK, "sqlite3_open");
    FUZZ_CHECK(kofts_fts5_register(g_mem) == SQLITE_OK, "register");
    char *err = NULL;
    int rc = sqlite3_exec(g_mem,
                          "CREATE VIRTUAL TABLE fts USING fts5(title, excerpt, body, extra, tags,"
                          " bigram, tokenize='kofts');"
                          "INSERT INTO fts VALUES('광주 AI', '요약', '양자컴퓨팅 투자와 반도체',"
                          " '', '과학', char(1) || '광주 AI' || char(10) || '양자컴퓨팅 투자');",
                          NULL, NULL, &err);
    FUZZ_CHECK(rc == SQLITE_OK, "%s", err ? err : "?");
    rc = sqlite3_prepare_v2(g_mem, "SELECT count(*) FROM fts WHERE fts MATCH ?1", -1, &g_match,
                            NULL);
    FUZZ_CHECK(rc == SQLITE_OK, "%s", sqlite3_errmsg(g_mem));
    make_index();
    atexit(remove_index);
}

/* Spans sorted, disjoint, inside s[0..len), on character boundaries; s valid UTF-8
 * when the text it was cut from was (need_utf8). */
static void check_snippet(const char *s, size_t len, const kofts_span *sp, size_t n, int need_utf8)
{
    FUZZ_CHECK(s != NULL, "NULL snippet");
    FUZZ_CHECK(!need_utf8 || kofts_utf8_valid(s, len), "snippet not UTF-8: %s", s);
    unsigned char *b = malloc(len + 1);
    FUZZ_CHECK(b != NULL, "out of memory");
    fuzz_utf8_boundaries(s, len, b);
    size_t prev_end = 0;
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(sp[i].start_off < sp[i].end_off && sp[i].end_off <= len, "span %zu..%zu of %zu",
                   sp[i].start_off, sp[i].end_off, len);
        FUZZ_CHECK(sp[i].start_off >= prev_end, "span %zu overlaps", i);
        FUZZ_CHECK(b[sp[i].start_off] && b[sp[i].end_off], "span %zu splits a character", i);
        prev_end = sp[i].end_off;
    }
    free(b);
}

static void check_expr(const char *q, size_t qlen, int any)
{
    kofts_buf expr = {0}, notes = {0};
    int rc = kofts_search_build_expr(g_an, q, qlen, any, &expr, &notes);
    FUZZ_CHECK(rc >= 0, "build_expr rc=%d", rc);
    if (rc > 0) {
        FUZZ_CHECK(expr.len > 0, "%d groups but an empty expression", rc);
        sqlite3_bind_text(g_match, 1, expr.data, (int)expr.len, SQLITE_STATIC);
        int st = sqlite3_step(g_match);
        FUZZ_CHECK(st == SQLITE_ROW, "FTS5 rejected the expression [%s]: %s", expr.data,
                   sqlite3_errmsg(g_mem));
        sqlite3_reset(g_match);
        sqlite3_clear_bindings(g_match);
    }
    kofts_buf_free(&expr);
    kofts_buf_free(&notes);
    /* The same plan through the Xapian compiler: the same number of groups, and a
     * query whenever there is something to search for. */
    kofts_plan p;
    kofts_buf xq = {0};
    int prc = kofts_plan_parse(&p, g_an, q, qlen);
    FUZZ_CHECK(prc == 0, "plan_parse rc=%d", prc);
    int xg = kofts_xapian_compile(&p, any ? KOFTS_READ_ANY : KOFTS_READ_ALL, &xq);
    if (p.match_all) /* browsing: FTS5 runs its browse statement (no expression), Xapian
                      * compiles MatchAll (one group) */
        FUZZ_CHECK(rc == 0 && xg == 1, "browse: xapian compiler %d groups, fts5 %d", xg, rc);
    else
        FUZZ_CHECK(xg == rc, "xapian compiler: %d groups, fts5: %d", xg, rc);
    FUZZ_CHECK(xg <= 0 || xq.len > 0, "%d groups but an empty Xapian query", xg);
    kofts_plan_free(&p);
    kofts_buf_free(&xq);
}

static void check_run(const char *q, size_t qlen, size_t size)
{
    kofts_search_opts o;
    kofts_search_opts_init(&o);
    o.match = (kofts_match)(size % 3);
    o.sort = (size / 3) % 2 ? KOFTS_SORT_DATE : KOFTS_SORT_RELEVANCE;
    o.want_total = (size / 6) % 2;
    o.min_hits = 2;
    if ((size / 12) % 2) {
        o.category = "science";
        o.since = "2024-01-01";
    }
    kofts_result *r = NULL;
    int rc = kofts_search_run(g_search, q, qlen, &o, &r);
    FUZZ_CHECK(rc == 0, "kofts_search_run rc=%d: %s", rc, kofts_search_errmsg(g_search));
    FUZZ_CHECK(r != NULL, "no result");
    FUZZ_CHECK(r->n_hits <= (size_t)o.limit, "%zu hits > limit", r->n_hits);
    for (size_t i = 0; i < r->n_hits; i++) {
        const kofts_hit *h = &r->hits[i];
        FUZZ_CHECK(h->id && h->title && h->date && h->categories, "NULL field in hit %zu", i);
        check_snippet(h->snippet, h->snippet_len, h->spans, h->n_spans, 1);
    }
    FUZZ_CHECK(r->expr && r->notes, "NULL expr/notes");
    kofts_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    char *in = malloc(size ? size : 1);
    FUZZ_CHECK(in != NULL, "out of memory");
    if (size)
        memcpy(in, data, size);
    size_t qlen = size;
    const char *text = k_text;
    size_t tlen = sizeof k_text - 1;
    const char *nul = size ? memchr(in, 0, size) : NULL;
    if (nul) {
        qlen = (size_t)(nul - in);
        text = nul + 1;
        tlen = size - qlen - 1;
    }
    check_expr(in, qlen, 0);
    check_expr(in, qlen, 1);
    check_run(in, qlen, size);
    char *snip = NULL;
    size_t slen = 0, nsp = 0;
    kofts_span *sp = NULL;
    int rc = kofts_search_snippet(g_an, in, qlen, text, tlen, 80, &snip, &slen, &sp, &nsp);
    FUZZ_CHECK(rc == 0, "snippet rc=%d", rc);
    check_snippet(snip, slen, sp, nsp, kofts_utf8_valid(text, tlen));
    free(snip);
    free(sp);
    free(in);
    return 0;
}
