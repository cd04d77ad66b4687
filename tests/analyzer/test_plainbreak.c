/*
 * test_plainbreak.c - the analyzer splits plain chunks without ICU (kofts_plainbreak.h);
 * its tokens must equal those of the same text split by ICU alone (KOFTS_OPT_ICU_ONLY).
 *
 * Case ids P*:
 *   P01  every string of up to 4 symbols over an alphabet of plain characters (letters,
 *        digits, Hangul, each punctuation a rule names, blanks) and others (a typographic
 *        quote, U+3000, a combining mark, a jamo, a Hanja, a zero-width joiner, a byte
 *        that is not UTF-8), in word and bigram mode, document and query side;
 *   P02  longer texts that mix plain and other chunks (a plain chunk between two ICU
 *        chunks, a blank run that a combining mark joins, a long Hangul run);
 *   P04  every string of up to 3 characters over all of printable ASCII, a Hangul syllable
 *        and a blank (ICU's rules tailor single ASCII characters, such as "@");
 *   P05  the spans themselves: every string of up to 5 plain symbols split by
 *        kofts_plainbreak.h and by ICU, boundaries and rule statuses equal (P01-P04 see
 *        only what changes a token);
 *   P03  with FILE arguments: every line of each file (the shared corpus' docs.jsonl:
 *        ctest passes them, and the test skips with 77 when they are absent).
 *
 * usage: test_analyzer_plainbreak [FILE...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/utext.h>

#include "kofts_analyzer.h"
#include "kofts_plainbreak.h"
#include "kofts_util.h"

static int dump_cb(void *ctx, const kofts_token *tok)
{
    return kofts_buf_printf(ctx, "%d %d %s %.*s [%zu,%zu)\n", tok->pos, tok->colocated,
                            kofts_tok_kind_name(tok->kind), (int)tok->len, tok->text,
                            tok->start_off, tok->end_off) != 0;
}

typedef struct {
    kofts_analyzer *plain, *icu; /* default options; KOFTS_OPT_ICU_ONLY */
    kofts_buf b1, b2;
    long checked;
} pair;

/* 0 when text[0..n) gives the same tokens (and return code) both ways in every mode. */
static int compare(pair *p, const char *id, const char *text, size_t n)
{
    static const struct {
        kofts_mode mode;
        int flags;
    } runs[] = {{KOFTS_MODE_WORD, 0},
                {KOFTS_MODE_WORD, KOFTS_ANALYZE_QUERY},
                {KOFTS_MODE_BIGRAM, 0},
                {KOFTS_MODE_BIGRAM, KOFTS_ANALYZE_QUERY}};
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        p->b1.len = p->b2.len = 0;
        int rc1 =
            kofts_analyzer_run(p->plain, runs[r].mode, runs[r].flags, text, n, dump_cb, &p->b1);
        int rc2 = kofts_analyzer_run(p->icu, runs[r].mode, runs[r].flags, text, n, dump_cb, &p->b2);
        p->checked++;
        if (rc1 == rc2 && p->b1.len == p->b2.len &&
            (p->b1.len == 0 || memcmp(p->b1.data, p->b2.data, p->b1.len) == 0))
            continue;
        printf("FAIL %s mode %d flags %d [%.*s] rc %d/%d\n--- plain path\n%.*s--- ICU only\n%.*s",
               id, runs[r].mode, runs[r].flags, (int)(n < 300 ? n : 300), text, rc1, rc2,
               (int)p->b1.len, p->b1.data ? p->b1.data : "", (int)p->b2.len,
               p->b2.data ? p->b2.data : "");
        return 1;
    }
    return 0;
}

static const char *const alphabet[] = {
    "a",
    "Z",
    "@",
    "1",
    ".",
    ",",
    ";",
    "'",
    "_",
    ":",
    "-",
    "%",
    "/",
    "가",
    "힣",
    " ",
    "\t",
    "\n",
    "\r",
    "\xe2\x80\x9c", /* U+201C left double quotation mark */
    "\xe3\x80\x80", /* U+3000 ideographic space (WSegSpace) */
    "\xcc\x81",     /* U+0301 combining acute accent (Extend) */
    "\xe3\x85\x8b", /* U+314B compatibility jamo */
    "\xe6\xbc\xa2", /* U+6F22 Hanja */
    "\xe2\x80\x8d", /* U+200D zero-width joiner */
    "\xff",         /* not UTF-8 */
    "\xc2\xb7",     /* U+00B7 middle dot (MidLetter) */
};
#define NSYM (sizeof alphabet / sizeof alphabet[0])

/* The string of symbols sym[idx[0..len)] into buf; returns its length. */
static size_t spell(const char *const *sym, const size_t *idx, int len, char *buf)
{
    size_t n = 0;
    for (int k = 0; k < len; k++) {
        size_t l = strlen(sym[idx[k]]);
        memcpy(buf + n, sym[idx[k]], l);
        n += l;
    }
    return n;
}

/* Step idx[0..len) to the next string over nsym symbols; 0 after the last one. */
static int advance(size_t *idx, int len, size_t nsym)
{
    int k = len - 1;
    while (k >= 0 && ++idx[k] == nsym)
        idx[k--] = 0;
    return k >= 0;
}

/* Every string of 1..max symbols; returns the failures (stops after 5). */
static int exhaustive(pair *p, int max)
{
    int fails = 0;
    size_t idx[8] = {0};
    char buf[64];
    for (int len = 1; len <= max && fails < 5; len++) {
        memset(idx, 0, sizeof idx);
        do {
            size_t n = spell(alphabet, idx, len, buf);
            if (compare(p, "P01", buf, n) && ++fails >= 5)
                break;
        } while (advance(idx, len, NSYM));
    }
    return fails;
}

/* P04: every string of 1..3 characters over printable ASCII, 가 and a blank. */
static int all_ascii(pair *p)
{
    int fails = 0;
    char sym[97][4];
    int ns = 0;
    for (int c = 0x20; c < 0x7f; c++) {
        sym[ns][0] = (char)c;
        sym[ns++][1] = '\0';
    }
    memcpy(sym[ns++], "가", 4);
    for (int i = 0; i < ns && fails < 5; i++)
        for (int j = -1; j < ns && fails < 5; j++)
            for (int k = -1; k < ns && fails < 5; k++) {
                char buf[16];
                int n = snprintf(buf, sizeof buf, "%s%s%s", sym[i], j < 0 ? "" : sym[j],
                                 j < 0 || k < 0 ? "" : sym[k]);
                if (j < 0 && k >= 0)
                    continue; /* counted once, as k = -1 */
                fails += compare(p, "P04", buf, (size_t)n);
            }
    return fails;
}

/* "s-e/status " for every span of text[0..n): by kofts_plainbreak.h, or by ICU (bi). */
static void spans(UBreakIterator *bi, UText **ut, const char *text, size_t n, kofts_buf *out)
{
    out->len = 0;
    if (!bi) {
        int plain;
        for (size_t p = 0, end = 0, e; p < n; p = e) {
            int st = 0;
            if (p >= end)
                end = kofts_pb_chunk(text, n, p, &plain);
            e = kofts_pb_next(text, end, p, &st);
            kofts_buf_printf(out, "%zu-%zu/%d ", p, e, st);
        }
        return;
    }
    UErrorCode err = U_ZERO_ERROR;
    *ut = utext_openUTF8(*ut, text, (int64_t)n, &err);
    ubrk_setUText(bi, *ut, &err);
    int32_t s = ubrk_first(bi), e;
    while (U_SUCCESS(err) && (e = ubrk_next(bi)) != UBRK_DONE) {
        kofts_buf_printf(out, "%d-%d/%d ", s, e, ubrk_getRuleStatus(bi));
        s = e;
    }
}

/* P05: every string of 1..5 plain symbols, spans compared with ICU's. */
static int plain_spans(void)
{
    static const char *const sym[] = {"a", "@", "1",  ".", ",",  ";",  "'", "_",
                                      ":", "-", "가", " ", "\t", "\n", "\r"};
    enum { NS = sizeof sym / sizeof sym[0], MAXLEN = 5 };
    UErrorCode err = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "ko", NULL, 0, &err);
    UText *ut = NULL;
    kofts_buf b1 = {0}, b2 = {0};
    int fails = U_FAILURE(err);
    size_t idx[MAXLEN];
    for (int len = 1; len <= MAXLEN && !fails; len++) {
        memset(idx, 0, sizeof idx);
        do {
            char buf[32];
            size_t n = spell(sym, idx, len, buf);
            spans(NULL, NULL, buf, n, &b1);
            spans(bi, &ut, buf, n, &b2);
            if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len) != 0) {
                printf("FAIL P05 [%.*s]\n  plain %.*s\n  ICU   %.*s\n", (int)n, buf, (int)b1.len,
                       b1.data, (int)b2.len, b2.data);
                if (++fails >= 5)
                    break;
            }
        } while (advance(idx, len, NS));
    }
    kofts_buf_free(&b1);
    kofts_buf_free(&b2);
    utext_close(ut);
    ubrk_close(bi);
    return fails;
}

static int mixed(pair *p)
{
    static const char *const texts[] = {
        "“국민”의 건강은 gmo성분 1,000원. it's x_y a.b 3.5% 대한민국헌법제1조",
        "가 \xcc\x81나 다", /* a combining mark joins the blank before it */
        "가\xe3\x80\x80 나 ㅋㅋ 다",
        "a  \t\r\n\n b__c 1__ _1 __가 1_a",
        "과학\xe2\x80\x8b기술 과학 \xe2\x80\x8b 기술 漢字 한자漢字 韓國의 美 北",
        "챗GPT를 300억원 k-반도체 ai반도체를 5.2% COVID-19 kofts@example.org @kofts의 a@1",
    };
    int fails = 0;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        fails += compare(p, "P02", texts[i], strlen(texts[i]));
    char *longrun = malloc(3 * 3000 + 3);
    if (!longrun)
        return fails + 1;
    for (int i = 0; i < 3000; i++)
        memcpy(longrun + 3 * i, i % 3 ? "국" : "한", 3);
    memcpy(longrun + 9000, " a", 3);
    fails += compare(p, "P02", longrun, 9002);
    free(longrun);
    return fails;
}

static int files(pair *p, int argc, char **argv, int *missing)
{
    int fails = 0;
    for (int i = 1; i < argc; i++) {
        FILE *fp = fopen(argv[i], "r");
        if (!fp) {
            printf("skip: cannot read %s\n", argv[i]);
            (*missing)++;
            continue;
        }
        kofts_buf line = {0};
        char chunk[65536];
        long lines = 0;
        int ff = 0;
        while (fgets(chunk, sizeof chunk, fp)) {
            size_t n = strlen(chunk);
            if (kofts_buf_append(&line, chunk, n)) {
                ff++;
                break;
            }
            if (n && chunk[n - 1] != '\n' && !feof(fp))
                continue; /* a line longer than the chunk: read on */
            if (ff < 5)
                ff += compare(p, "P03", line.data, line.len);
            lines++;
            line.len = 0;
        }
        kofts_buf_free(&line);
        fclose(fp);
        printf("%s %s: %ld lines\n", ff ? "FAIL" : "ok  ", argv[i], lines);
        fails += ff;
    }
    return fails;
}

int main(int argc, char **argv)
{
    pair p = {0};
    if (kofts_analyzer_new(&p.plain) || kofts_analyzer_new(&p.icu)) {
        printf("FAIL cannot create an analyzer\n");
        return 1;
    }
    kofts_analyzer_set_options(p.icu, KOFTS_OPT_ICU_ONLY);
    int fails = 0, f, missing = 0;
    f = exhaustive(&p, 4);
    printf("%s P01 strings of up to 4 symbols over %zu\n", f ? "FAIL" : "ok  ", NSYM);
    fails += f;
    f = all_ascii(&p);
    printf("%s P04 strings of up to 3 printable ASCII characters, 가 and a blank\n",
           f ? "FAIL" : "ok  ");
    fails += f;
    f = plain_spans();
    printf("%s P05 spans of every string of up to 5 plain symbols\n", f ? "FAIL" : "ok  ");
    fails += f;
    f = mixed(&p);
    printf("%s P02 mixed texts\n", f ? "FAIL" : "ok  ");
    fails += f;
    fails += files(&p, argc, argv, &missing);
    printf("%ld runs compared, %d failure(s)\n", p.checked, fails);
    kofts_buf_free(&p.b1);
    kofts_buf_free(&p.b2);
    kofts_analyzer_free(p.plain);
    kofts_analyzer_free(p.icu);
    if (fails)
        return 1;
    return missing && missing == argc - 1 ? 77 : 0;
}
