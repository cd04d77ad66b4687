/*
 * test_hangul_word.c - a text that is one word of Hangul syllables (a query word, a
 * snippet candidate) is analysed without ICU (kofts_analyzer_run's short cut); its
 * tokens must equal those of the same word behind a blank, which goes through ICU.
 * Case ids H*: every kind of token a Hangul word can give (surface, stem, pieces,
 * lemmas from the fast rules and hunspell, a lone particle, one syllable, a long word),
 * in word and query mode, with and without hunspell. With a FILE argument (one word a
 * line) every Hangul line of it is checked too.
 *
 * usage: test_analyzer_hangul_word [FILE]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_analyzer.h"
#include "kofts_util.h"

static const struct {
    const char *id, *word;
} cases[] = {
    {"H01-surface", "여의도"},      {"H02-particle", "광주와"},       {"H03-pieces", "양자컴퓨팅"},
    {"H04-lemma-fast", "발표했다"}, {"H05-lemma-hunspell", "가벼운"}, {"H06-irregular", "흘러"},
    {"H07-lone-particle", "를"},    {"H08-one-syllable", "비"},       {"H09-copula", "학생이었다"},
    {"H10-noun-lemma", "사퇴했나"}, {"H11-false-friend", "가시는"},   {"H12-long", NULL},
};

typedef struct {
    kofts_buf out;
    size_t shift; /* bytes before the word in the analysed text */
} dump_ctx;

static int dump_cb(void *ctx, const kofts_token *tok)
{
    dump_ctx *d = ctx;
    return kofts_buf_printf(&d->out, "%d %d %s %.*s [%zu,%zu)\n", tok->pos, tok->colocated,
                            kofts_tok_kind_name(tok->kind), (int)tok->len, tok->text,
                            tok->start_off - d->shift, tok->end_off - d->shift) != 0;
}

/* 0 when w alone and " w" give the same tokens (offsets moved by one) under flags. */
static int compare(kofts_analyzer *a, const char *id, const char *w, size_t n, int flags)
{
    dump_ctx d1 = {{0}, 0}, d2 = {{0}, 1};
    char *spaced = malloc(n + 1);
    int ok = spaced != NULL;
    if (ok) {
        spaced[0] = ' ';
        memcpy(spaced + 1, w, n);
        ok = kofts_analyzer_run(a, KOFTS_MODE_WORD, flags, w, n, dump_cb, &d1) == 0 &&
             kofts_analyzer_run(a, KOFTS_MODE_WORD, flags, spaced, n + 1, dump_cb, &d2) == 0 &&
             d1.out.len == d2.out.len &&
             (d1.out.len == 0 || memcmp(d1.out.data, d2.out.data, d1.out.len) == 0);
    }
    if (!ok)
        printf("FAIL %s [%.*s] flags %d:\n--- alone\n%s--- behind a blank\n%s", id,
               (int)(n < 200 ? n : 200), w, flags, d1.out.data ? d1.out.data : "",
               d2.out.data ? d2.out.data : "");
    free(spaced);
    kofts_buf_free(&d1.out);
    kofts_buf_free(&d2.out);
    return !ok;
}

static int all_flags(kofts_analyzer *a, const char *id, const char *w, size_t n)
{
    static const int flags[] = {0, KOFTS_ANALYZE_QUERY, KOFTS_ANALYZE_NO_MORPH,
                                KOFTS_ANALYZE_QUERY | KOFTS_ANALYZE_NO_MORPH};
    int fails = 0;
    for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++)
        fails += compare(a, id, w, n, flags[f]);
    return fails;
}

int main(int argc, char **argv)
{
    kofts_analyzer *a = NULL;
    if (kofts_analyzer_new(&a)) {
        printf("FAIL cannot create an analyzer\n");
        return 1;
    }
    int fails = 0;
    char longw[3 * 400 + 1];
    for (int i = 0; i < 400; i++)
        memcpy(longw + 3 * i, i % 2 ? "국" : "한", 3);
    longw[3 * 400] = '\0';
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *w = cases[i].word ? cases[i].word : longw;
        int f = all_flags(a, cases[i].id, w, strlen(w));
        printf("%s %s\n", f ? "FAIL" : "ok  ", cases[i].id);
        fails += f;
    }
    if (argc > 1) {
        FILE *fp = fopen(argv[1], "r");
        if (!fp) {
            printf("FAIL cannot read %s\n", argv[1]);
            fails++;
        } else {
            char line[4096];
            long checked = 0;
            int ff = 0;
            while (fgets(line, sizeof line, fp)) {
                size_t n = strcspn(line, "\r\n");
                if (!n)
                    continue;
                ff += all_flags(a, "file", line, n);
                checked++;
            }
            fclose(fp);
            printf("%s: %ld words checked, %d differ\n", argv[1], checked, ff);
            fails += ff;
        }
    }
    kofts_analyzer_free(a);
    printf("%d failure(s)\n", fails);
    return fails != 0;
}
