/*
 * test_search_snippet.c - unit tests for snippets: window choice (most distinct query
 * words), windows at the start and end of the text, stem-only highlights (광주 of
 * 광주와), blank folding, never a cut character or word, "…" where cut. Case ids S*.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_search.h"

typedef struct {
    const char *id;
    const char *query;
    const char *text;
    int chars;
    const char *want; /* snippet with [ ] around highlights; NULL: properties only */
    const char *has;  /* substring the marked snippet must contain; NULL: none */
} snip_case;

#define FILLER  "이 문단은 창을 시험하려고 쓴 긴 글이다. "
#define FILLER4 FILLER FILLER FILLER FILLER

static const snip_case cases[] = {
    {"S01-stem", "광주와", "광주와 전남에 비가 왔다.", 120, "[광주]와 전남에 비가 왔다.", NULL},
    {"S02-stem-other-particle", "광주와", "광주에서는 비가 왔다.", 120, "[광주]에서는 비가 왔다.",
     NULL},
    {"S03-window-at-end", "무지개", FILLER4 "마지막에 무지개가 떴다.", 30, NULL,
     "[무지개]가 떴다."},
    {"S04-window-at-start", "이 문단은", "문단은 처음에 나온다. " FILLER4, 20, NULL,
     "[문단]은 처음에"},
    {"S05-most-terms", "폭포 무지개",
     "폭포 하나가 먼저 나온다. " FILLER4 "끝에서 폭포와 무지개가 함께 나온다.", 30, NULL,
     "[폭포]와 [무지개]가"},
    {"S06-no-match", "없는말", "첫 문장이다. 둘째 문장이다.", 120, "첫 문장이다. 둘째 문장이다.",
     NULL},
    {"S07-blanks-folded", "비가", "광주에\n\n  비가\t왔다.", 120, "광주에 [비가] 왔다.", NULL},
    {"S08-empty", "광주", "", 120, "", NULL},
    {"S09-latin-case", "Seoul", "I love SEOUL in spring.", 120, "I love [SEOUL] in spring.", NULL},
    {"S10-phrase", "\"양자 컴퓨팅\"", "오늘 양자 컴퓨팅 강의가 있다.", 120,
     "오늘 [양자] [컴퓨팅] 강의가 있다.", NULL},
    {"S11-excluded-not-marked", "비 -광주", "광주에 비가 왔다.", 120, NULL, "광주에"},
    {"S12-middle", "무지개", FILLER4 "가운데 무지개가 있다. " FILLER4, 30, NULL, "[무지개]가"},
};

/* Render a snippet with [ ] around the spans. */
static char *marked(const char *s, size_t len, const kofts_span *sp, size_t n)
{
    kofts_buf b = {0};
    size_t at = 0;
    kofts_buf_append(&b, "", 0);
    for (size_t i = 0; i < n; i++) {
        kofts_buf_append(&b, s + at, sp[i].start_off - at);
        kofts_buf_puts(&b, "[");
        kofts_buf_append(&b, s + sp[i].start_off, sp[i].end_off - sp[i].start_off);
        kofts_buf_puts(&b, "]");
        at = sp[i].end_off;
    }
    kofts_buf_append(&b, s + at, len - at);
    return b.data;
}

/* Every piece of the snippet between "…" must occur in the folded text and start and
 * end at word boundaries (a blank or the text's edge). */
static int words_whole(const char *snip, const char *text)
{
    kofts_buf folded = {0};
    int blank = 0;
    kofts_buf_append(&folded, " ", 1);
    for (const char *p = text; *p; p++) {
        int isb = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';
        if (isb) {
            blank = 1;
            continue;
        }
        if (blank)
            kofts_buf_append(&folded, " ", 1);
        blank = 0;
        kofts_buf_append(&folded, p, 1);
    }
    kofts_buf_append(&folded, " ", 1);
    const char *p = snip;
    if (strncmp(p, "\xe2\x80\xa6", 3) == 0)
        p += 3;
    size_t n = strlen(p);
    if (n >= 3 && strcmp(p + n - 3, "\xe2\x80\xa6") == 0)
        n -= 3;
    while (n && p[n - 1] == ' ')
        n--;
    int ok = 1;
    if (n) {
        char *core = malloc(n + 3);
        core[0] = ' ';
        memcpy(core + 1, p, n);
        core[n + 1] = ' ';
        core[n + 2] = '\0';
        ok = strstr(folded.data, core) != NULL;
        free(core);
    }
    kofts_buf_free(&folded);
    return ok;
}

int main(void)
{
    int fails = 0;
    kofts_analyzer *a = NULL;
    if (kofts_analyzer_new(&a)) {
        fprintf(stderr, "cannot create analyzer\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const snip_case *c = &cases[i];
        char *s = NULL;
        size_t len = 0, n = 0;
        kofts_span *sp = NULL;
        int rc = kofts_search_snippet(a, c->query, strlen(c->query), c->text, strlen(c->text),
                                      c->chars, &s, &len, &sp, &n);
        char *m = rc == 0 ? marked(s, len, sp, n) : NULL;
        int ok = rc == 0 && m && kofts_utf8_valid(s, len) && strlen(s) == len &&
                 (!c->want || strcmp(m, c->want) == 0) && (!c->has || strstr(m, c->has)) &&
                 words_whole(s, c->text);
        for (size_t k = 0; ok && k < n; k++)
            ok = sp[k].start_off < sp[k].end_off && sp[k].end_off <= len &&
                 (k == 0 || sp[k - 1].end_off <= sp[k].start_off) &&
                 kofts_utf8_valid(s + sp[k].start_off, sp[k].end_off - sp[k].start_off);
        printf("%s %s: %s\n", ok ? "ok  " : "FAIL", c->id, m ? m : "(error)");
        if (!ok && c->want)
            printf("     want: %s\n", c->want);
        fails += !ok;
        free(m);
        free(s);
        free(sp);
    }
    /* S90: one 3000-syllable word with the match in the middle: no split character. */
    {
        kofts_buf t = {0};
        for (int i = 0; i < 1500; i++)
            kofts_buf_puts(&t, "가나");
        kofts_buf_puts(&t, " 무지개 ");
        for (int i = 0; i < 1500; i++)
            kofts_buf_puts(&t, "다라");
        char *s = NULL;
        size_t len = 0, n = 0;
        kofts_span *sp = NULL;
        int rc = kofts_search_snippet(a, "무지개", 9, t.data, t.len, 40, &s, &len, &sp, &n);
        int ok = rc == 0 && kofts_utf8_valid(s, len) && n == 1 && strstr(s, "무지개");
        printf("%s S90-long-word (%zu bytes)\n", ok ? "ok  " : "FAIL", len);
        fails += !ok;
        free(s);
        free(sp);
        kofts_buf_free(&t);
    }
    /* S91: invalid UTF-8 in the stored text never reaches the snippet split. */
    {
        const char t[] = "광주\xff\xfe에 비가 왔다";
        char *s = NULL;
        size_t len = 0, n = 0;
        kofts_span *sp = NULL;
        int rc = kofts_search_snippet(a, "비가", 6, t, sizeof t - 1, 120, &s, &len, &sp, &n);
        int ok = rc == 0 && n == 1;
        printf("%s S91-invalid-utf8-text\n", ok ? "ok  " : "FAIL");
        fails += !ok;
        free(s);
        free(sp);
    }
    kofts_analyzer_free(a);
    printf("%d failure(s)\n", fails);
    return fails ? 1 : 0;
}
