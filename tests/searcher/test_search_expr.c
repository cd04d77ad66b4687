/*
 * test_search_expr.c - unit tests: how kofts_search reads a query (operators and
 * malformed input) and the FTS5 expression it builds. Table-driven, case ids E*.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_search.h"

#define W "{body title excerpt extra tags}"
#define B "\x01"

typedef struct {
    const char *id;
    const char *query;
    int any;          /* any-word reading */
    int groups;       /* expected return value */
    const char *expr; /* expected expression; NULL: do not compare */
    const char *note; /* substring expected in the notes; NULL: none expected */
} expr_case;

static const expr_case cases[] = {
    {"E01-word", "광주와", 0, 1, "((" W " : \"광주와\" OR body : \"" B "광주와\"))", NULL},
    {"E02-and", "광주 부산", 0, 2,
     "((" W " : \"광주\" OR body : \"" B "광주\" OR body : \"" B "광주부산\")) AND ((" W
     " : \"부산\" OR body : \"" B "부산\" OR body : \"" B "광주부산\"))",
     NULL},
    {"E03-any", "광주 부산", 1, 2,
     "((" W " : \"광주\" OR body : \"" B "광주\")) OR ((" W " : \"부산\" OR body : \"" B "부산\"))",
     NULL},
    {"E04-exclude", "광주 -부산", 0, 1,
     "((" W " : \"광주\" OR body : \"" B "광주\")) NOT (" W " : \"부산\")", NULL},
    {"E05-or", "광주 OR 부산", 0, 1,
     "((" W " : \"광주\" OR body : \"" B "광주\") OR (" W " : \"부산\" OR body : \"" B "부산\"))",
     NULL},
    {"E06-title", "title:임종석", 0, 1, "(title : \"임종석\")", NULL},
    {"E07-prefix", "반도*", 0, 1, "(" W " : \"반도\" *)", NULL},
    {"E08-phrase", "\"양자 컴퓨팅\"", 0, 1, "(" W " : \"양자 컴퓨팅\")", NULL},
    {"E09-title-phrase", "title:\"양자 컴퓨팅\"", 0, 1, "(title : \"양자 컴퓨팅\")", NULL},
    {"E10-category", "category:과학 양자", 0, 1, "((" W " : \"양자\" OR body : \"" B "양자\"))",
     NULL},
    {"E11-unbalanced", "\"양자 컴퓨팅", 0, 1, "(" W " : \"양자 컴퓨팅\")", "unbalanced quote"},
    {"E12-lone-minus", "-", 0, 0, "", "lone '-'"},
    {"E13-or-or", "OR OR", 0, 0, "", "stray OR"},
    {"E14-parens", ")))", 0, 0, "", "nothing searchable"},
    {"E15-emoji", "\xf0\x9f\x98\x80", 0, 0, "", "nothing searchable"},
    {"E16-question", "광주 무엇", 0, 1, "((" W " : \"광주\" OR body : \"" B "광주\"))",
     "question word"},
    {"E17-question-only", "무엇인가", 0, 1, NULL, NULL},
    {"E18-invalid-utf8", "\xff광주\xfe", 0, 1, "((" W " : \"광주\" OR body : \"" B "광주\"))",
     "invalid UTF-8"},
    {"E19-trailing-or", "광주 OR", 0, 1, NULL, "trailing OR"},
    {"E20-leading-or", "OR 광주", 0, 1, NULL, "stray OR"},
    {"E21-only-excluded", "-광주", 0, 0, "", NULL},
    {"E22-fts5-syntax", "광주^ NEAR(부산) {title}:", 0, 3, NULL, NULL},
    {"E23-sql", "x'); DROP TABLE docs; --", 0, 4, NULL, NULL},
    {"E24-quote-in-word", "광주\"부산\"", 0, 2, NULL, NULL},
    {"E25-empty", "", 0, 0, "", NULL},
    {"E26-blanks", " \t\n ", 0, 0, "", NULL},
    {"E27-question-why", "왜곡 왜", 0, 1, "((" W " : \"왜곡\" OR body : \"" B "왜곡\"))",
     "(question word): 왜"},
};

/* Quotes in an expression must pair up (every user '"' is doubled inside a string). */
static int quotes_balanced(const char *e)
{
    int in = 0;
    for (const char *p = e; *p; p++) {
        if (*p != '"')
            continue;
        if (in && p[1] == '"') {
            p++;
            continue;
        }
        in = !in;
    }
    return !in;
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
        const expr_case *c = &cases[i];
        kofts_buf e = {0}, n = {0};
        int g = kofts_search_build_expr(a, c->query, strlen(c->query), c->any, &e, &n);
        const char *es = e.data ? e.data : "";
        const char *ns = n.data ? n.data : "";
        int ok = g == c->groups && (!c->expr || strcmp(es, c->expr) == 0) &&
                 (!c->note || strstr(ns, c->note) != NULL) && quotes_balanced(es);
        if (!ok) {
            fails++;
            printf("FAIL %s: groups %d (want %d)\n  expr: %s\n  want: %s\n  notes: %s\n", c->id, g,
                   c->groups, es, c->expr ? c->expr : "(any)", ns);
        } else {
            printf("ok   %s\n", c->id);
        }
        kofts_buf_free(&e);
        kofts_buf_free(&n);
    }
    /* E90: a 10,000-character query is cut with notes, never an error. */
    {
        kofts_buf q = {0}, e = {0}, n = {0};
        while (q.len < 30000)
            kofts_buf_puts(&q, "광주 ");
        int g = kofts_search_build_expr(a, q.data, q.len, 0, &e, &n);
        int ok =
            g == KOFTS_QUERY_MAX_TERMS && strstr(n.data, "longer than") && strstr(n.data, "terms");
        printf("%s E90-long-query (groups %d)\n", ok ? "ok  " : "FAIL", g);
        fails += !ok;
        kofts_buf_free(&q);
        kofts_buf_free(&e);
        kofts_buf_free(&n);
    }
    kofts_analyzer_free(a);
    printf("%d failure(s)\n", fails);
    return fails ? 1 : 0;
}
