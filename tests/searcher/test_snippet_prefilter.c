/*
 * test_snippet_prefilter.c - the snippet prefilter (analyse only the words that can
 * hold a query word) gives exactly the snippet and highlights of analysing the whole
 * text. Case ids P*: a table of texts that stress the prefilter's reasoning (stems,
 * pieces, spacing variants, Latin case and stems, numbers with separators, Hanja,
 * full-width forms, invisible characters, jamo); then, when an index of the shared
 * corpus is given (DB QUERIES), every query's words against its judged document and
 * nine others. Exit 77 when DB is given but missing.
 *
 * usage: test_snippet_prefilter [DB QUERIES QRELS [MAX_QUERIES]]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_snippet.h"
#include "kofts_textz.h"
#include "kofts_util.h"

typedef struct {
    const char *id;
    const char *query; /* words, blank-separated */
    const char *text;
} pcase;

#define LONG "이 문단은 창을 시험하려고 쓴 긴 글이다. 다른 말도 조금 들어 있다. "
static const pcase cases[] = {
    {"P01-stem", "광주와 비", LONG "광주에서는 비가 왔다. " LONG},
    {"P02-pieces", "양자컴퓨팅", LONG "양자 컴퓨팅 강의와 양자컴퓨팅 연구. " LONG},
    {"P03-spacing", "빅 데이터", LONG "빅데이터 시대의 데이터와 빅 데이터. " LONG},
    {"P04-latin-case", "Seoul Running", LONG "I love SEOUL. He RUNS and ran. " LONG},
    {"P05-latin-stem-y", "cries happy", LONG "babies cry, HAPPINESS and happier. " LONG},
    {"P06-numbers", "1000명 300억", LONG "1,000명이 모였고 300억원과 3,000억 원. " LONG},
    {"P07-hanja", "한국 대한민국", LONG "韓國과 大韓民國, 그리고 한국. " LONG},
    {"P08-fullwidth", "abc 123", LONG "ＡＢＣ와 １２３, abc. " LONG},
    {"P09-invisible", "과학기술", LONG "과학\xe2\x80\x8b기술 그리고 과학 기술. " LONG},
    {"P10-jamo", "한국", LONG "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab국 사람. " LONG},
    {"P11-join-latin", "ai반도체 k반도체", LONG "AI반도체와 K-반도체, AI 반도체. " LONG},
    {"P12-percent", "5.2%", LONG "물가가 5.2% 올랐고 5.2 퍼센트. " LONG},
    {"P13-no-match", "없는말", LONG LONG},
    {"P14-one-syllable", "비 눈", LONG "비와 눈이 왔다. 눈비. " LONG},
    {"P15-question", "무엇이 빅뱅이론인가", LONG "빅뱅 이론은 우주의 시작을 말한다. " LONG},
    {"P16-blank-kinds", "광주", "광주\t\n광주와\r\n  광주에서"},
    {"P17-edges", "광주", "광주"},
    {"P18-mixed-start", "챗gpt를", LONG "챗GPT를 쓴다. 챗 GPT. " LONG},
    /* two-syllable lemmas: a stem with a final keeps its vowel, an open or ㅎ stem may
     * contract it (prefilter keys, kofts_snippet.c token_keys) */
    {"P19-lemma-final", "있는 듣고 돕는",
     LONG "책이 있었다. 노래를 들어 보고 서로 도와 살았다. " LONG},
    {"P20-lemma-open", "오는 끄고 주는", LONG "비가 왔다. 불을 껐고 밥을 줬다. " LONG},
    {"P21-lemma-h", "놓고 넣는", LONG "상자를 놨다. 놔서 짐을 넣어 뒀다. " LONG},
    /* closed stems keep their final except in the irregular ones (ㅅ, ㄹ); a longer stem
     * keeps its first syllable, which may take the final of a contracted 르 */
    {"P25-lemma-irregular", "짓는 낫는 살고 흐르는",
     LONG "집을 지어 병이 나아 사는 곳에 산다. 삽니다. 삶을 흘러 보냈다. " LONG},
    /* a candidate word is analysed alone: nothing the analyzer emits in word mode looks
     * across a blank (a lone ideograph, a number before a spaced %, spaced hyphens) */
    {"P22-alone", "미국 5% k반도체 대통령",
     LONG "美 대통령. 물가 5 % 상승. K- 반도체와 K -반도체, K-반도체. " LONG},
    {"P23-edges-alone", "대통령 상승", "대통령\n상승 美\t대통령"},
    /* a key inside a word: the word is analysed from its start (서광주와 is not 광주와) */
    {"P24-key-inside", "광주와 가을", LONG "서광주와 동광주에서 늦가을을 맞았다. " LONG},
};

/* Split q at blanks into terms (borrowed). */
static size_t split_terms(const char *q, kofts_snippet_term *t, size_t cap)
{
    size_t n = 0;
    const char *p = q;
    while (*p && n < cap) {
        while (*p == ' ')
            p++;
        const char *s = p;
        while (*p && *p != ' ')
            p++;
        if (p > s)
            t[n++] = (kofts_snippet_term){s, (size_t)(p - s)};
    }
    return n;
}

/* 0 when both modes give the same snippet and spans for text; prints a FAIL line. */
static int compare(kofts_analyzer *a, const char *id, const char *query, const char *text,
                   size_t len, int verbose)
{
    kofts_snippet_term t[32];
    size_t nt = split_terms(query, t, 32);
    char *s1 = NULL, *s2 = NULL;
    size_t l1 = 0, l2 = 0, n1 = 0, n2 = 0;
    kofts_span *p1 = NULL, *p2 = NULL;
    int r1 = kofts_snippet_make_ex(a, t, nt, text, len, 120, KOFTS_SNIPPET_WHOLE_TEXT, &s1, &l1,
                                   &p1, &n1);
    int r2 = kofts_snippet_make_ex(a, t, nt, text, len, 120, 0, &s2, &l2, &p2, &n2);
    int ok = r1 == 0 && r2 == 0 && l1 == l2 && memcmp(s1, s2, l1) == 0 && n1 == n2 &&
             (n1 == 0 || memcmp(p1, p2, n1 * sizeof *p1) == 0);
    if (!ok || verbose)
        printf("%s %s [%s]: %zu vs %zu spans: %.*s\n", ok ? "ok  " : "FAIL", id, query, n1, n2,
               (int)(l2 < 400 ? l2 : 400), s2 ? s2 : "");
    free(s1);
    free(s2);
    free(p1);
    free(p2);
    return !ok;
}

/* Every query's words against its judged document and nine others; returns failures
 * or -1 when the files cannot be read. */
static int corpus(kofts_analyzer *a, const char *db_path, const char *queries, const char *qrels,
                  long max, long *checked)
{
    int fails = 0;
    sqlite3 *db = NULL;
    sqlite3_stmt *by_id = NULL, *by_row = NULL;
    FILE *fq = fopen(queries, "r"), *fr = fopen(qrels, "r");
    if (!fq || !fr || sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        kofts_textz_register(db) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT body, excerpt FROM docs WHERE id=?1", -1, &by_id, NULL) ||
        sqlite3_prepare_v2(db, "SELECT body, excerpt FROM docs WHERE rowid=?1", -1, &by_row,
                           NULL)) {
        fails = -1;
        goto done;
    }
    char ql[4096], rl[1024];
    long n = 0;
    while (fgets(ql, sizeof ql, fq) && n < max) {
        char *tab = strchr(ql, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        char *query = tab + 1;
        query[strcspn(query, "\r\n")] = '\0';
        char docid[512] = "";
        if (fgets(rl, sizeof rl, fr)) { /* qrels are in query order: one line each */
            char *a1 = strchr(rl, '\t'), *a2 = a1 ? strchr(a1 + 1, '\t') : NULL;
            if (a1 && a2 && (size_t)(a2 - a1 - 1) < sizeof docid) {
                memcpy(docid, a1 + 1, (size_t)(a2 - a1 - 1));
                docid[a2 - a1 - 1] = '\0';
            }
        }
        for (int k = 0; k < 10; k++) {
            sqlite3_stmt *st = k == 0 ? by_id : by_row;
            if (k == 0)
                sqlite3_bind_text(st, 1, docid, -1, SQLITE_STATIC);
            else
                sqlite3_bind_int64(st, 1, 1 + (n * 7919 + k * 104729) % 5300);
            if (sqlite3_step(st) == SQLITE_ROW) {
                int col = sqlite3_column_bytes(st, 0) > 0 ? 0 : 1;
                const char *text = (const char *)sqlite3_column_text(st, col);
                size_t len = (size_t)sqlite3_column_bytes(st, col);
                char id[64];
                snprintf(id, sizeof id, "C%ld.%d", n, k);
                fails += compare(a, id, query, text ? text : "", len, 0);
                (*checked)++;
            }
            sqlite3_reset(st);
        }
        n++;
    }
done:
    if (fq)
        fclose(fq);
    if (fr)
        fclose(fr);
    sqlite3_finalize(by_id);
    sqlite3_finalize(by_row);
    sqlite3_close(db);
    return fails;
}

int main(int argc, char **argv)
{
    int fails = 0;
    kofts_analyzer *a = NULL;
    if (kofts_analyzer_new(&a)) {
        fprintf(stderr, "cannot create analyzer\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        fails += compare(a, cases[i].id, cases[i].query, cases[i].text, strlen(cases[i].text), 1);
    if (argc >= 4) {
        FILE *f = fopen(argv[1], "r");
        if (!f) {
            printf("SKIP corpus part: %s not found (the shared corpus is optional)\n", argv[1]);
            kofts_analyzer_free(a);
            return fails ? 1 : 77;
        }
        fclose(f);
        long checked = 0;
        int cf = corpus(a, argv[1], argv[2], argv[3], argc > 4 ? atol(argv[4]) : 1000000, &checked);
        if (cf < 0) {
            printf("FAIL cannot read %s / %s / %s\n", argv[1], argv[2], argv[3]);
            fails++;
        } else {
            printf("corpus: %ld snippets compared, %d differ\n", checked, cf);
            fails += cf;
        }
    }
    kofts_analyzer_free(a);
    printf("%d failure(s)\n", fails);
    return fails ? 1 : 0;
}
