/*
 * kofts_search.c - query parsing, FTS5 expression building, ranked retrieval and
 * snippets for kofts-search (see kofts_search.h for the pipeline).
 *
 * Safety rule: the only FTS5 syntax emitted is built here from fixed keywords and
 * column names plus double-quoted strings whose '"' are doubled; user text is never
 * spliced into SQL (the expression is a bound parameter).
 *
 * Expression for one plain word w (an FTS5 "term part"):
 *
 *   ({title excerpt body extra tags} : "w" OR bigram : "\x01w")
 *
 * colocated analyzer variants (stem, pieces, ...) of "w" are FTS5 synonyms, so the
 * word part already matches other inflections; the bigram part catches spacing
 * variants (양자 컴퓨팅 for 양자컴퓨팅) at a lower weight. Words are joined with AND
 * (or OR for the any-word reading); OR groups typed by the user stay one group;
 * excluded words go after NOT. "Phrases", title: and prefix* terms are exact: word
 * columns only, no bigram part.
 */
#include "kofts_search.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "kofts_store.h"

#define ELLIPSIS     "\xe2\x80\xa6"
#define MAX_QTOKENS  512    /* query tokens kept for highlighting */
#define MAX_MATCHES  4096   /* matches considered per snippet */
#define SNIPPET_SCAN 262144 /* bytes of a document analysed for its snippet */

/* ---------------------------------------------------------------- query terms */

typedef struct {
    char *text; /* term text as typed (sanitised), owned */
    size_t len;
    int phrase;     /* typed as "..." */
    int prefix;     /* typed with a trailing * */
    int title_only; /* typed as title:... */
    int neg;        /* typed as -... */
    int optional;   /* question word: not required */
    int common;     /* in over half the documents: left out of any-word reading */
    int join_next;  /* Hangul word directly followed by another: also match them joined */
    int group;      /* OR group id among positive terms */
    int n_word;     /* word-mode query tokens */
    int n_bigram;   /* bigram-mode query tokens */
} qterm;

typedef struct {
    qterm t[KOFTS_QUERY_MAX_TERMS];
    size_t n;
    kofts_buf cats;  /* JSON array of category: values ("" when none) */
    kofts_buf notes; /* '\n'-separated notes */
    int n_groups;
} qparse;

typedef struct {
    char *text; /* owned */
    size_t len;
    uint64_t mask; /* bit per positive term that produced it */
} qtoken;

struct kofts_search {
    kofts_store *store;           /* owned */
    sqlite3 *db;                  /* borrowed from store */
    kofts_analyzer *an;           /* owned */
    sqlite3_stmt *st_plain;       /* ranked by relevance, no filters */
    sqlite3_stmt *st_rel;         /* ranked by relevance, with filters */
    sqlite3_stmt *st_date;        /* ranked by date */
    sqlite3_stmt *st_count;       /* matching rows (with a cap), with filters */
    sqlite3_stmt *st_count_plain; /* the same without filters */
    sqlite3_stmt *st_doc;         /* stored fields of one row */
    sqlite3_stmt *st_df;          /* rows matching an expression (explain) */
    sqlite3_stmt *st_vocab;       /* documents holding one token (NULL: no fts5vocab) */
    long long n_docs;             /* documents when opened */
    kofts_weights w;
    int limit_ms;         /* time limit per run in ms, 0 for none */
    double deadline;      /* CLOCK_MONOTONIC seconds when the running call must stop; 0 none */
    atomic_int stop;      /* set by kofts_search_interrupt */
    char err[512];
};

/* Question words (and their forms with endings) are never required. A word is one if
 * it starts with one of these; "왜" and "몇" only as whole words or with a counter. */
static const char *const question_prefixes[] = {
    "무엇", "언제", "누구", "누가", "어디", "어딘", "어떤", "어떻",
    "어느", "얼마", "무슨", "뭐",   "뭔",   "몇",   NULL,
};

static int is_question_word(const char *w, size_t n)
{
    if (n == 3 && memcmp(w, "왜", 3) == 0)
        return 1;
    for (int i = 0; question_prefixes[i]; i++) {
        size_t pl = strlen(question_prefixes[i]);
        if (n >= pl && memcmp(w, question_prefixes[i], pl) == 0) {
            if (pl == 3 && n > 3 && memcmp(w, "몇몇", 6) == 0)
                return 0;
            return 1;
        }
    }
    return 0;
}

static void qparse_free(qparse *qp)
{
    for (size_t i = 0; i < qp->n; i++)
        free(qp->t[i].text);
    qp->n = 0;
    kofts_buf_free(&qp->cats);
    kofts_buf_free(&qp->notes);
}

static int note(qparse *qp, const char *msg, const char *w, size_t n)
{
    if (qp->notes.len && kofts_buf_puts(&qp->notes, "\n"))
        return KOFTS_ENOMEM;
    if (kofts_buf_puts(&qp->notes, msg))
        return KOFTS_ENOMEM;
    if (w && (kofts_buf_puts(&qp->notes, ": ") || kofts_buf_append(&qp->notes, w, n)))
        return KOFTS_ENOMEM;
    return 0;
}

static int count_cb(void *ctx, const kofts_token *tok)
{
    (void)tok;
    (*(int *)ctx)++;
    return 0;
}

/*
 * Copy query[0..len) into out with invalid UTF-8 and control bytes turned into blanks,
 * cut at KOFTS_QUERY_MAX_BYTES on a character boundary. Returns 0 or KOFTS_ENOMEM.
 */
static int sanitise(qparse *qp, const char *q, size_t len, kofts_buf *out)
{
    size_t i = 0;
    int bad = 0;
    if (len > KOFTS_QUERY_MAX_BYTES) {
        char msg[96];
        snprintf(msg, sizeof msg, "query longer than %d bytes: the rest was ignored",
                 KOFTS_QUERY_MAX_BYTES);
        if (note(qp, msg, NULL, 0))
            return KOFTS_ENOMEM;
    }
    while (i < len) {
        size_t adv;
        int32_t cp = kofts_utf8_decode(q, len, i, &adv);
        if (i + adv > KOFTS_QUERY_MAX_BYTES)
            break;
        if (cp < 0 || cp < 0x20 || cp == 0x7f) {
            bad |= cp < 0;
            if (kofts_buf_append(out, " ", 1))
                return KOFTS_ENOMEM;
        } else if (kofts_buf_append(out, q + i, adv)) {
            return KOFTS_ENOMEM;
        }
        i += adv;
    }
    if (!out->data && kofts_buf_append(out, "", 0))
        return KOFTS_ENOMEM;
    if (bad && note(qp, "invalid UTF-8 in the query was read as blanks", NULL, 0))
        return KOFTS_ENOMEM;
    return 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int starts_field(const char *s, size_t n, const char *field)
{
    size_t fl = strlen(field);
    if (n <= fl)
        return 0;
    for (size_t i = 0; i < fl; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != field[i])
            return 0;
    }
    return 1;
}

/*
 * Parse q into terms. Syntax: "phrase", -term, a OR b, title:term, category:value,
 * prefix*. Anything malformed is read sensibly and explained in qp->notes. Every
 * term is analysed (a is borrowed) and dropped when it has no searchable token.
 * Returns 0 or a negative KOFTS_E* code.
 */
/* 1 if s[0..n) is 1..8 precomposed Hangul syllables. */
static int short_hangul(const char *s, size_t n)
{
    if (n == 0 || n % 3 || n > 3 * 8)
        return 0;
    for (size_t i = 0; i < n; i += 3) {
        size_t adv;
        int32_t cp = kofts_utf8_decode(s, n, i, &adv);
        if (cp < 0xAC00 || cp > 0xD7A3)
            return 0;
    }
    return 1;
}

/* Plain, required, single-member-group term: one that may join its neighbour. */
static int joinable(const qparse *qp, size_t k)
{
    const qterm *t = &qp->t[k];
    if (t->neg || t->phrase || t->prefix || t->title_only || t->optional ||
        !short_hangul(t->text, t->len))
        return 0;
    for (size_t m = 0; m < qp->n; m++)
        if (m != k && !qp->t[m].neg && qp->t[m].group == t->group)
            return 0;
    return 1;
}

/*
 * Spacing variants: two adjacent Hangul query words may be written as one word in the
 * document (빅 데이터 / 빅데이터). In the all-word reading each of the two also matches the
 * bigram phrase of the joined form, so the pair is satisfied by the joined word too.
 * (Also adding it to the any-word reading cost MRR@10 0.004 on korquad1-dev.)
 */
static void mark_joins(qparse *qp)
{
    for (size_t k = 0; k + 1 < qp->n; k++)
        qp->t[k].join_next = joinable(qp, k) && joinable(qp, k + 1);
}

static int parse_query(kofts_analyzer *a, const char *query, size_t qlen, qparse *qp)
{
    int rc = 0;
    kofts_buf clean = {0};
    memset(qp, 0, sizeof *qp);
    if ((rc = sanitise(qp, query, qlen, &clean)))
        goto done;
    const char *s = clean.data;
    size_t n = clean.len, i = 0;
    int pending_or = 0, have_prev = 0, truncated = 0;
    while (i < n) {
        while (i < n && is_blank(s[i]))
            i++;
        if (i >= n)
            break;
        int neg = 0, title_only = 0, phrase = 0, prefix = 0, is_cat = 0;
        if (s[i] == '-') {
            if (i + 1 >= n || is_blank(s[i + 1])) {
                if ((rc = note(qp, "a lone '-' was ignored", NULL, 0)))
                    goto done;
                i++;
                continue;
            }
            neg = 1;
            i++;
            while (i < n && s[i] == '-')
                i++;
        }
        if (starts_field(s + i, n - i, "title:")) {
            title_only = 1;
            i += 6;
        } else if (starts_field(s + i, n - i, "category:")) {
            is_cat = 1;
            i += 9;
        }
        size_t ts, te;
        if (i < n && s[i] == '"') {
            phrase = 1;
            ts = ++i;
            while (i < n && s[i] != '"')
                i++;
            te = i;
            if (i >= n) {
                if ((rc = note(qp, "unbalanced quote: the phrase runs to the end of the query",
                               NULL, 0)))
                    goto done;
            } else {
                i++;
            }
            if (i < n && s[i] == '*') {
                prefix = 1;
                while (i < n && s[i] == '*')
                    i++;
            }
        } else {
            ts = i;
            while (i < n && !is_blank(s[i]) && s[i] != '"')
                i++;
            te = i;
            while (te > ts && s[te - 1] == '*') {
                te--;
                prefix = 1;
            }
        }
        if (is_cat) {
            if (te == ts)
                continue;
            if (neg &&
                (rc = note(qp, "-category: is not supported; read as category:", s + ts, te - ts)))
                goto done;
            if ((rc = kofts_buf_puts(&qp->cats, qp->cats.len ? "," : "[")) ||
                (rc = kofts_buf_json_str(&qp->cats, s + ts, te - ts)))
                goto done;
            continue;
        }
        if (!phrase && !neg && !title_only && !prefix && te - ts == 2 &&
            memcmp(s + ts, "OR", 2) == 0) {
            if (!have_prev || pending_or) {
                if ((rc = note(qp, "a stray OR was ignored", NULL, 0)))
                    goto done;
            } else {
                pending_or = 1;
            }
            continue;
        }
        if (te == ts)
            continue;
        if (qp->n >= KOFTS_QUERY_MAX_TERMS) {
            if (!truncated) {
                char msg[80];
                snprintf(msg, sizeof msg, "more than %d terms: the rest were ignored",
                         KOFTS_QUERY_MAX_TERMS);
                if ((rc = note(qp, msg, NULL, 0)))
                    goto done;
                truncated = 1;
            }
            continue;
        }
        qterm t = {0};
        t.phrase = phrase;
        t.prefix = prefix;
        t.title_only = title_only;
        t.neg = neg;
        if ((rc = kofts_analyzer_run(a, KOFTS_MODE_WORD, KOFTS_ANALYZE_QUERY, s + ts, te - ts,
                                     count_cb, &t.n_word)) < 0)
            goto done;
        if ((rc = kofts_analyzer_run(a, KOFTS_MODE_BIGRAM, KOFTS_ANALYZE_QUERY, s + ts, te - ts,
                                     count_cb, &t.n_bigram)) < 0)
            goto done;
        rc = 0;
        if (t.n_word == 0) {
            /* Nothing searchable (punctuation, emoji, a lone particle): drop it. An OR
             * that preceded it stays pending for the next term. */
            if ((rc = note(qp, "ignored (nothing searchable)", s + ts, te - ts)))
                goto done;
            continue;
        }
        if (!phrase && !neg && !prefix && is_question_word(s + ts, te - ts))
            t.optional = 1;
        if (!neg) {
            if (pending_or && have_prev)
                t.group = qp->n_groups - 1;
            else
                t.group = qp->n_groups++;
            have_prev = 1;
            pending_or = 0;
        }
        t.text = malloc(te - ts + 1);
        if (!t.text) {
            rc = KOFTS_ENOMEM;
            goto done;
        }
        memcpy(t.text, s + ts, te - ts);
        t.text[te - ts] = '\0';
        t.len = te - ts;
        qp->t[qp->n++] = t;
    }
    if (pending_or && (rc = note(qp, "a trailing OR was ignored", NULL, 0)))
        goto done;
    if (qp->cats.len && (rc = kofts_buf_puts(&qp->cats, "]")))
        goto done;
    /* An OR group is optional only if every member is; if every positive term is
     * optional, nothing is (the question words are all there is). */
    int any_required = 0, any_pos = 0;
    for (size_t k = 0; k < qp->n; k++) {
        qterm *t = &qp->t[k];
        if (t->neg)
            continue;
        any_pos = 1;
        for (size_t m = 0; m < qp->n; m++)
            if (!qp->t[m].neg && qp->t[m].group == t->group && !qp->t[m].optional)
                t->optional = 0;
        any_required |= !t->optional;
    }
    if (any_pos && !any_required)
        for (size_t k = 0; k < qp->n; k++)
            qp->t[k].optional = 0;
    for (size_t k = 0; k < qp->n; k++)
        if (qp->t[k].optional &&
            (rc = note(qp, "not required (question word)", qp->t[k].text, qp->t[k].len)))
            goto done;
    mark_joins(qp);
done:
    kofts_buf_free(&clean);
    if (rc)
        qparse_free(qp);
    return rc;
}

/* ------------------------------------------------------------ FTS5 expression */

static int quoted(kofts_buf *b, const char *pre, const char *s, size_t n)
{
    if (kofts_buf_append(b, "\"", 1) || (pre && kofts_buf_puts(b, pre)))
        return KOFTS_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' ? kofts_buf_append(b, "\"\"", 2) : kofts_buf_append(b, s + i, 1))
            return KOFTS_ENOMEM;
    }
    return kofts_buf_append(b, "\"", 1);
}

#define WORD_COLS "{title excerpt body extra tags}"

/* Append ' OR bigram : "<0x01>ab"' for the joined form of terms a and b. */
static int join_expr(kofts_buf *b, const qterm *x, const qterm *y)
{
    char joined[2 * 3 * 8 + 1];
    memcpy(joined, x->text, x->len);
    memcpy(joined + x->len, y->text, y->len);
    if (kofts_buf_puts(b, " OR bigram : ") || quoted(b, "\x01", joined, x->len + y->len))
        return KOFTS_ENOMEM;
    return 0;
}

/* Append the FTS5 expression of term k; bigram part only when asked and useful. */
static int term_expr(kofts_buf *b, const qparse *qp, size_t k, int with_bigram, int joins)
{
    const qterm *t = &qp->t[k];
    int big = with_bigram && t->n_bigram > 0 && !t->prefix && !t->title_only && !t->phrase;
    int jn = joins && with_bigram && t->join_next;
    int jp = joins && with_bigram && k > 0 && qp->t[k - 1].join_next;
    int paren = big || jn || jp;
    if (kofts_buf_puts(b, paren ? "(" : "") ||
        kofts_buf_puts(b, t->title_only ? "title : " : WORD_COLS " : ") ||
        quoted(b, NULL, t->text, t->len) || kofts_buf_puts(b, t->prefix ? " *" : ""))
        return KOFTS_ENOMEM;
    if (big && (kofts_buf_puts(b, " OR bigram : ") || quoted(b, "\x01", t->text, t->len)))
        return KOFTS_ENOMEM;
    if (jp && join_expr(b, &qp->t[k - 1], t))
        return KOFTS_ENOMEM;
    if (jn && join_expr(b, t, &qp->t[k + 1]))
        return KOFTS_ENOMEM;
    if (paren && kofts_buf_puts(b, ")"))
        return KOFTS_ENOMEM;
    return 0;
}

/* Group classes for the any-word reading (from document frequencies, when known). */
enum { G_NONE = 0, G_COMMON = 1, G_OTHER = 2 };

/* Class of group g: G_NONE if it has no required member, else the class of its most
 * frequent member (a group is only as selective as its loosest word). */
static int group_class(const qparse *qp, int g)
{
    int cls = G_NONE;
    for (size_t k = 0; k < qp->n; k++) {
        const qterm *t = &qp->t[k];
        if (t->neg || t->group != g || t->optional)
            continue;
        int c = t->common ? G_COMMON : G_OTHER;
        if (cls == G_NONE || c < cls)
            cls = c;
    }
    return cls;
}

/* Append the groups whose class is >= min_cls joined by op; returns how many. */
static int put_groups(const qparse *qp, const char *op, int min_cls, kofts_buf *b, int joins)
{
    int used = 0;
    for (int g = 0; g < qp->n_groups; g++) {
        int cls = group_class(qp, g);
        if (cls == G_NONE || cls < min_cls)
            continue;
        if (used && kofts_buf_puts(b, op))
            return KOFTS_ENOMEM;
        int members = 0;
        for (size_t k = 0; k < qp->n; k++) {
            const qterm *t = &qp->t[k];
            if (t->neg || t->group != g || t->optional)
                continue;
            if (kofts_buf_puts(b, members ? " OR " : "(") || term_expr(b, qp, k, 1, joins))
                return KOFTS_ENOMEM;
            members++;
        }
        if (kofts_buf_puts(b, ")"))
            return KOFTS_ENOMEM;
        used++;
    }
    return used;
}

/*
 * Build the whole expression into b: groups joined by AND (any=0) or OR (any=1), then
 * NOT the excluded terms. Leaves b empty when there is no positive term. Returns the
 * number of positive groups used (>= 0) or KOFTS_ENOMEM.
 *
 * In the any-word reading a group whose words all sit in over half of the documents
 * (mark_common) is left out, unless nothing else is left: FTS5's bm25 clamps its IDF
 * to ~0, so it changes no ranking, but every such document would be scored.
 * (Requiring one rare word, "(rare) AND (rare OR mid)", was tried: MRR@10 -0.004
 * to -0.009 on korquad1-dev, so it is not done.)
 */
static int build_expr(const qparse *qp, int any, kofts_buf *b)
{
    int used = 0, n_cls[3] = {0, 0, 0};
    kofts_buf_clear(b);
    if (kofts_buf_append(b, "", 0))
        return KOFTS_ENOMEM;
    for (int g = 0; g < qp->n_groups; g++)
        n_cls[group_class(qp, g)]++;
    if (!any)
        used = put_groups(qp, " AND ", G_COMMON, b, 1);
    else
        used = put_groups(qp, " OR ", n_cls[G_OTHER] ? G_OTHER : G_COMMON, b, 0);
    if (used <= 0) {
        kofts_buf_clear(b);
        return used;
    }
    int negs = 0;
    for (size_t k = 0; k < qp->n; k++) {
        const qterm *t = &qp->t[k];
        if (!t->neg)
            continue;
        if (kofts_buf_puts(b, negs ? " OR " : " NOT (") || term_expr(b, qp, k, 0, 0))
            return KOFTS_ENOMEM;
        negs++;
    }
    if (negs && kofts_buf_puts(b, ")"))
        return KOFTS_ENOMEM;
    return used;
}

/* --------------------------------------------------------------------- handle */

void kofts_search_opts_init(kofts_search_opts *o)
{
    memset(o, 0, sizeof *o);
    o->limit = 10;
    o->sort = KOFTS_SORT_RELEVANCE;
    o->match = KOFTS_MATCH_AUTO;
    o->min_hits = 10;
    o->snippets = 1;
    o->snippet_chars = 120;
}

kofts_weights kofts_search_default_weights(void)
{
    kofts_weights w = {10.0, 3.0, 1.0, 0.5, 2.0, 1.0};
    return w;
}

void kofts_search_set_weights(kofts_search *s, const kofts_weights *w)
{
    s->w = *w;
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 1 when the running call must stop: interrupted, or past its deadline. */
static int must_stop(kofts_search *s)
{
    return atomic_load(&s->stop) || (s->deadline > 0 && mono_now() > s->deadline);
}

/* SQLite progress handler (FTS5 backend): a non-zero return interrupts the statement. */
static int progress_cb(void *ctx)
{
    return must_stop(ctx);
}

void kofts_search_set_time_limit(kofts_search *s, int ms)
{
    s->limit_ms = ms > 0 ? ms : 0;
}

void kofts_search_interrupt(kofts_search *s)
{
    atomic_store(&s->stop, 1);
}

/* Start the clock of one call: clear a stale interrupt, set the deadline. */
static void call_begin(kofts_search *s)
{
    atomic_store(&s->stop, 0);
    s->deadline = s->limit_ms ? mono_now() + s->limit_ms / 1000.0 : 0;
}

/* The message and code of a call stopped by must_stop(). */
static int stopped(kofts_search *s)
{
    if (atomic_load(&s->stop))
        snprintf(s->err, sizeof s->err, "query interrupted");
    else
        snprintf(s->err, sizeof s->err, "query stopped: it took longer than %d ms", s->limit_ms);
    return KOFTS_ESTOP;
}

const char *kofts_search_errmsg(const kofts_search *s)
{
    return s ? s->err : "out of memory";
}

#define FILTERS                                                                                    \
    " WHERE fts MATCH ?1"                                                                          \
    " AND (?2 IS NULL OR EXISTS (SELECT 1 FROM doc_category c, json_each(?2) j"                    \
    "      WHERE c.category = j.value AND c.rowid = d.rowid))"                                     \
    " AND (?3 IS NULL OR (d.date <> '' AND d.date >= ?3))"                                         \
    " AND (?4 IS NULL OR (d.date <> '' AND d.date <= ?4))"

static const char sql_rel[] = "SELECT fts.rowid, -bm25(fts, ?5, ?6, ?7, ?8, ?9, ?10) AS score"
                              " FROM fts CROSS JOIN docs d ON d.rowid = fts.rowid" FILTERS
                              " ORDER BY score DESC LIMIT ?11 OFFSET ?12";
/* The common case (no filter, by relevance) skips the join with docs. ?2..?4 are
 * bound but unused so that all ranked statements take the same parameters. */
static const char sql_plain[] =
    "SELECT rowid, -bm25(fts, ?5, ?6, ?7, ?8, ?9, ?10) AS score FROM fts"
    " WHERE fts MATCH ?1 AND coalesce(?2, ?3, ?4) IS NULL"
    " ORDER BY score DESC LIMIT ?11 OFFSET ?12";
static const char sql_date[] = "SELECT fts.rowid, -bm25(fts, ?5, ?6, ?7, ?8, ?9, ?10) AS score"
                               " FROM fts CROSS JOIN docs d ON d.rowid = fts.rowid" FILTERS
                               " ORDER BY d.date DESC, score DESC LIMIT ?11 OFFSET ?12";
static const char sql_count[] =
    "SELECT count(*) FROM (SELECT 1 FROM fts CROSS JOIN docs d ON d.rowid = fts.rowid" FILTERS
    " LIMIT ?5)";
static const char sql_count_plain[] =
    "SELECT count(*) FROM (SELECT 1 FROM fts WHERE fts MATCH ?1 AND coalesce(?2, ?3, ?4) IS NULL"
    " LIMIT ?5)";
static const char sql_doc[] =
    "SELECT id, title, date, categories, body, excerpt FROM docs WHERE rowid = ?1";
static const char sql_df[] = "SELECT count(*) FROM fts WHERE fts MATCH ?1";

int kofts_search_open(kofts_search **out, const char *path, char **errmsg)
{
    int rc = 0;
    kofts_search *s = NULL;
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    s = calloc(1, sizeof *s);
    if (!s) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    s->w = kofts_search_default_weights();
    if ((rc = kofts_store_open(&s->store, path, KOFTS_STORE_READONLY, errmsg)))
        goto done;
    s->db = kofts_store_db(s->store);
    atomic_init(&s->stop, 0);
    sqlite3_progress_handler(s->db, 1000, progress_cb, s);
    if ((rc = kofts_analyzer_new(&s->an))) {
        if (errmsg)
            *errmsg = strdup("cannot create the analyzer");
        goto done;
    }
    struct {
        sqlite3_stmt **st;
        const char *sql;
    } stmts[] = {{&s->st_plain, sql_plain},
                 {&s->st_rel, sql_rel},
                 {&s->st_date, sql_date},
                 {&s->st_count, sql_count},
                 {&s->st_count_plain, sql_count_plain},
                 {&s->st_doc, sql_doc},
                 {&s->st_df, sql_df}};
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
        if (sqlite3_prepare_v3(s->db, stmts[i].sql, -1, SQLITE_PREPARE_PERSISTENT, stmts[i].st,
                               NULL) != SQLITE_OK) {
            if (errmsg) {
                char *m = sqlite3_mprintf("%s: not a usable kofts index (%s); rebuild it with "
                                          "`kofts-index --full`",
                                          path, sqlite3_errmsg(s->db));
                *errmsg = m ? strdup(m) : NULL;
                sqlite3_free(m);
            }
            rc = KOFTS_EVERSION;
            goto done;
        }
    }
    /* Optional: document frequencies for pruning (fts5vocab, in the temp schema so a
     * read-only index works). Without it every word is kept. */
    sqlite3_stmt *cnt = NULL;
    if (sqlite3_exec(s->db,
                     "CREATE VIRTUAL TABLE IF NOT EXISTS temp.kofts_vocab USING "
                     "fts5vocab(main, 'fts', 'row')",
                     NULL, NULL, NULL) == SQLITE_OK &&
        sqlite3_prepare_v3(s->db, "SELECT doc FROM temp.kofts_vocab WHERE term = ?1", -1,
                           SQLITE_PREPARE_PERSISTENT, &s->st_vocab, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(s->db, "SELECT count(*) FROM docs", -1, &cnt, NULL) == SQLITE_OK &&
        sqlite3_step(cnt) == SQLITE_ROW)
        s->n_docs = sqlite3_column_int64(cnt, 0);
    sqlite3_finalize(cnt);
    *out = s;
    s = NULL;
done:
    kofts_search_close(s);
    return rc;
}

typedef struct {
    kofts_search *s;
    long long max_df;
} df_ctx;

static int df_cb(void *ctx, const kofts_token *tok)
{
    df_ctx *d = ctx;
    sqlite3_stmt *st = d->s->st_vocab;
    sqlite3_bind_text(st, 1, tok->text, (int)tok->len, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > d->max_df)
        d->max_df = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return 0;
}

/*
 * Mark plain words found in over half of the documents (indexes of >= 100 only), or in
 * more than KOFTS_ANY_DF_CAP documents: FTS5 scores every row an any-word query
 * matches, so on a large archive one very common word would make the fallback cost
 * grow with the archive. Such words still count in the all-word reading.
 */
#define KOFTS_ANY_DF_CAP 20000
static void mark_common(kofts_search *s, qparse *qp)
{
    if (!s->st_vocab || s->n_docs < 100)
        return;
    for (size_t k = 0; k < qp->n; k++) {
        qterm *t = &qp->t[k];
        if (t->neg || t->phrase || t->prefix || t->title_only)
            continue;
        df_ctx d = {s, 0};
        if (kofts_analyzer_run(s->an, KOFTS_MODE_WORD, KOFTS_ANALYZE_QUERY, t->text, t->len, df_cb,
                               &d) == 0)
            t->common = d.max_df * 2 > s->n_docs || d.max_df > KOFTS_ANY_DF_CAP;
    }
}

void kofts_search_close(kofts_search *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->st_plain);
    sqlite3_finalize(s->st_rel);
    sqlite3_finalize(s->st_date);
    sqlite3_finalize(s->st_count);
    sqlite3_finalize(s->st_count_plain);
    sqlite3_finalize(s->st_doc);
    sqlite3_finalize(s->st_df);
    sqlite3_finalize(s->st_vocab);
    kofts_analyzer_free(s->an);
    kofts_store_close(s->store);
    free(s);
}

void kofts_result_free(kofts_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_hits; i++) {
        kofts_hit *h = &r->hits[i];
        free(h->id);
        free(h->title);
        free(h->date);
        free(h->categories);
        free(h->snippet);
        free(h->spans);
    }
    free(r->hits);
    free(r->expr);
    free(r->notes);
    free(r);
}

static int db_error(kofts_search *s, const char *what)
{
    if (sqlite3_errcode(s->db) == SQLITE_INTERRUPT && must_stop(s))
        return stopped(s);
    /* The SQLite text goes after a plain-language lead so that it is never the whole
     * message; query problems never reach here (the expression is ours). */
    snprintf(s->err, sizeof s->err, "%s: %s (database %s)", what, sqlite3_errmsg(s->db),
             kofts_store_path(s->store));
    return KOFTS_EIO;
}

/* Bind the filter parameters ?1..?4 shared by the ranked and counting statements. */
static void bind_filters(sqlite3_stmt *st, const char *expr, const kofts_buf *cats,
                         const char *since, const char *until_hi)
{
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
    if (cats->len)
        sqlite3_bind_text(st, 2, cats->data, (int)cats->len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 2);
    if (since)
        sqlite3_bind_text(st, 3, since, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    if (until_hi)
        sqlite3_bind_text(st, 4, until_hi, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
}

/* Count rows matching expr under the filters, up to cap (-1: no cap); -1 on error. */
static long long count_rows(kofts_search *s, const char *expr, const kofts_buf *cats,
                            const char *since, const char *until_hi, long long cap)
{
    long long n = -1;
    sqlite3_stmt *st = cats->len || since || until_hi ? s->st_count : s->st_count_plain;
    bind_filters(st, expr, cats, since, until_hi);
    sqlite3_bind_int64(st, 5, cap);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return n;
}

static char *dup_col(sqlite3_stmt *st, int col)
{
    const char *v = (const char *)sqlite3_column_text(st, col);
    int n = sqlite3_column_bytes(st, col);
    char *p = malloc((size_t)n + 1);
    if (p) {
        if (n)
            memcpy(p, v, (size_t)n);
        p[n] = '\0';
    }
    return p;
}

static int make_snippet(kofts_analyzer *a, const qparse *qp, const char *text, size_t len,
                        int chars, char **out, size_t *out_len, kofts_span **spans,
                        size_t *n_spans);

/* Fill h's stored fields (and snippet) from docs row h->rowid. */
static int fill_hit(kofts_search *s, const qparse *qp, const kofts_search_opts *o, kofts_hit *h)
{
    int rc = 0;
    sqlite3_stmt *st = s->st_doc;
    sqlite3_bind_int64(st, 1, h->rowid);
    int src = sqlite3_step(st);
    if (src != SQLITE_ROW) {
        rc = src == SQLITE_DONE ? 0 : db_error(s, "cannot read a document");
        if (src == SQLITE_DONE) {
            /* Deleted while we ran (an indexer is writing): show it empty. */
            h->id = strdup("");
            h->title = strdup("");
            h->date = strdup("");
            h->categories = strdup("");
            h->snippet = strdup("");
            if (!h->id || !h->title || !h->date || !h->categories || !h->snippet)
                rc = KOFTS_ENOMEM;
        }
        goto done;
    }
    h->id = dup_col(st, 0);
    h->title = dup_col(st, 1);
    h->date = dup_col(st, 2);
    h->categories = dup_col(st, 3);
    if (!h->id || !h->title || !h->date || !h->categories) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    if (o->snippets) {
        int col = sqlite3_column_bytes(st, 4) > 0 ? 4 : 5;
        const char *text = (const char *)sqlite3_column_text(st, col);
        size_t tl = (size_t)sqlite3_column_bytes(st, col);
        rc = make_snippet(s->an, qp, text ? text : "", tl, o->snippet_chars, &h->snippet,
                          &h->snippet_len, &h->spans, &h->n_spans);
    } else {
        h->snippet = strdup("");
        if (!h->snippet)
            rc = KOFTS_ENOMEM;
    }
done:
    sqlite3_reset(st);
    return rc;
}

/* until as an upper bound that keeps every timestamp of that day: "2024-05-01~". */
static char *until_bound(const char *until)
{
    if (!until)
        return NULL;
    size_t n = strlen(until);
    char *p = malloc(n + 2);
    if (p) {
        memcpy(p, until, n);
        p[n] = '~';
        p[n + 1] = '\0';
    }
    return p;
}

/*
 * Run ranked statement st for expr and append the rows (rowid, score) to r->hits
 * (*cap is the allocated length). Returns 0 or a negative KOFTS_E* code.
 */
static int fetch(kofts_search *s, sqlite3_stmt *st, const char *expr, const kofts_buf *cats,
                 const char *since, const char *until_hi, int limit, int offset, kofts_result *r,
                 size_t *cap)
{
    int rc = 0, src;
    bind_filters(st, expr, cats, since, until_hi);
    const double *w = &s->w.title;
    for (int k = 0; k < 6; k++)
        sqlite3_bind_double(st, 5 + k, w[k]);
    sqlite3_bind_int(st, 11, limit);
    sqlite3_bind_int(st, 12, offset);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        if (r->n_hits == *cap) {
            size_t nc = *cap ? *cap * 2 : 16;
            kofts_hit *nh = realloc(r->hits, nc * sizeof *nh);
            if (!nh) {
                rc = KOFTS_ENOMEM;
                break;
            }
            r->hits = nh;
            *cap = nc;
        }
        kofts_hit *h = &r->hits[r->n_hits++];
        memset(h, 0, sizeof *h);
        h->rowid = sqlite3_column_int64(st, 0);
        h->score = sqlite3_column_double(st, 1);
    }
    if (!rc && src != SQLITE_DONE)
        rc = db_error(s, "cannot run the query");
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

/*
 * r->hits holds n_all all-word hits followed by any-word hits (which repeat some of
 * them). Keep the all-word hits first, then the new any-word ones, and cut the page
 * [offset, offset+limit). Any-word scores are capped just below the previous hit's so
 * that scores stay in rank order (TREC tools sort by score). The hits hold no
 * allocations yet.
 */
static void merge_all_first(kofts_result *r, size_t n_all, int offset, int limit)
{
    size_t n = n_all;
    for (size_t i = n_all; i < r->n_hits; i++) {
        int dup = 0;
        for (size_t k = 0; k < n_all && !dup; k++)
            dup = r->hits[k].rowid == r->hits[i].rowid;
        if (dup)
            continue;
        r->hits[n] = r->hits[i];
        if (n > 0 && r->hits[n].score >= r->hits[n - 1].score)
            r->hits[n].score = r->hits[n - 1].score - 1e-6;
        n++;
    }
    size_t from = (size_t)offset < n ? (size_t)offset : n;
    size_t cnt = n - from < (size_t)limit ? n - from : (size_t)limit;
    memmove(r->hits, r->hits + from, cnt * sizeof *r->hits);
    r->n_hits = cnt;
}

int kofts_search_run(kofts_search *s, const char *query, size_t len, const kofts_search_opts *opts,
                     kofts_result **out)
{
    int rc = 0;
    qparse qp;
    kofts_buf expr = {0}, all_expr = {0};
    kofts_result *r = NULL;
    char *until_hi = NULL;
    size_t cap = 0;
    int all_first = 0; /* > 0: merge this many all-word hits before the any-word ones */
    int in_txn = 0;
    *out = NULL;
    s->err[0] = '\0';
    call_begin(s);

    if ((rc = parse_query(s->an, query, len, &qp)))
        goto done;
    /* One read transaction: every statement of this call sees the same version of the
     * index while kofts-index writes (no document half old, half new). */
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_error(s, "cannot read the index");
        goto done;
    }
    in_txn = 1;
    if (opts->match != KOFTS_MATCH_ALL)
        mark_common(s, &qp);
    r = calloc(1, sizeof *r);
    if (!r) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    r->total = -1;
    if (opts->category && opts->category[0]) {
        /* --category joins the category: values typed in the query (any of them). */
        if (qp.cats.len)
            qp.cats.data[--qp.cats.len] = '\0'; /* drop the closing ']' */
        if (kofts_buf_puts(&qp.cats, qp.cats.len ? "," : "[") ||
            kofts_buf_json_str(&qp.cats, opts->category, strlen(opts->category)) ||
            kofts_buf_puts(&qp.cats, "]")) {
            rc = KOFTS_ENOMEM;
            goto done;
        }
    }
    if (opts->until && !(until_hi = until_bound(opts->until))) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    int groups = build_expr(&qp, opts->match == KOFTS_MATCH_ANY, &expr);
    if (groups < 0) {
        rc = groups;
        goto done;
    }
    if (groups == 0) {
        int negs = 0;
        for (size_t k = 0; k < qp.n; k++)
            negs += qp.t[k].neg;
        if (opts->want_total)
            r->total = 0;
        if (note(&qp,
                 negs ? "nothing to search for: the query only excludes words"
                      : "nothing to search for: the query has no searchable words",
                 NULL, 0)) {
            rc = KOFTS_ENOMEM;
            goto done;
        }
    } else if (opts->match == KOFTS_MATCH_ANY) {
        r->used_any = groups > 1;
    } else if (opts->match == KOFTS_MATCH_AUTO && groups > 1) {
        int min_hits = opts->min_hits > 0 ? opts->min_hits : 1;
        long long n = count_rows(s, expr.data, &qp.cats, opts->since, until_hi, min_hits);
        if (n < 0) {
            rc = db_error(s, "cannot run the query");
            goto done;
        }
        if (n < min_hits) {
            /* Too few all-word hits: keep them first (relevance order), then the
             * any-word ranking. */
            r->used_any = 1;
            if (opts->sort == KOFTS_SORT_RELEVANCE && n > 0) {
                all_first = (int)n;
                if (kofts_buf_append(&all_expr, expr.data, expr.len)) {
                    rc = KOFTS_ENOMEM;
                    goto done;
                }
            }
            if ((rc = build_expr(&qp, 1, &expr)) < 0)
                goto done;
            rc = 0;
        }
    }
    if (groups > 0) {
        if (opts->want_total) {
            r->total = count_rows(s, expr.data, &qp.cats, opts->since, until_hi, -1);
            if (r->total < 0) {
                rc = db_error(s, "cannot count the hits");
                goto done;
            }
        }
        int filtered = qp.cats.len || opts->since || opts->until;
        sqlite3_stmt *st = opts->sort == KOFTS_SORT_DATE ? s->st_date
                           : filtered                    ? s->st_rel
                                                         : s->st_plain;
        if (all_first == 0) {
            rc = fetch(s, st, expr.data, &qp.cats, opts->since, until_hi, opts->limit, opts->offset,
                       r, &cap);
        } else {
            /* all-word hits, then any-word hits not among them; then the page. */
            long long want = (long long)opts->offset + opts->limit;
            rc =
                fetch(s, st, all_expr.data, &qp.cats, opts->since, until_hi, (int)want, 0, r, &cap);
            size_t n_all = r->n_hits;
            if (!rc)
                rc = fetch(s, st, expr.data, &qp.cats, opts->since, until_hi,
                           (int)(want + (long long)n_all), 0, r, &cap);
            if (!rc)
                merge_all_first(r, n_all, opts->offset, opts->limit);
        }
        if (rc)
            goto done;
        for (size_t k = 0; k < r->n_hits; k++) {
            if (must_stop(s)) {
                rc = stopped(s);
                goto done;
            }
            if ((rc = fill_hit(s, &qp, opts, &r->hits[k])))
                goto done;
        }
    }
    r->expr = strdup(expr.data ? expr.data : "");
    r->notes = strdup(qp.notes.data ? qp.notes.data : "");
    if (!r->expr || !r->notes) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    *out = r;
    r = NULL;
done:
    s->deadline = 0;
    atomic_store(&s->stop, 0); /* so that COMMIT itself is never interrupted */
    if (in_txn)
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    qparse_free(&qp);
    if (rc == KOFTS_ENOMEM && !s->err[0])
        snprintf(s->err, sizeof s->err, "out of memory");
    else if (rc < 0 && !s->err[0])
        snprintf(s->err, sizeof s->err, "cannot analyse the query: %s",
                 kofts_analyzer_errmsg(s->an));
    free(until_hi);
    kofts_buf_free(&expr);
    kofts_buf_free(&all_expr);
    kofts_result_free(r);
    return rc;
}

/* ------------------------------------------------------------------- explain */

typedef struct {
    kofts_buf *out;
    int first;
} explain_ctx;

static int explain_cb(void *ctx, const kofts_token *tok)
{
    explain_ctx *e = ctx;
    if (kofts_buf_puts(e->out, e->first ? " " : (tok->colocated ? "|" : " ")) ||
        kofts_buf_append(e->out, tok->text, tok->len) ||
        kofts_buf_printf(e->out, "(%s)", kofts_tok_kind_name(tok->kind)))
        return KOFTS_ENOMEM;
    e->first = 0;
    return 0;
}

/* Append expr with the 0x01 bigram mark shown as \x01. */
static int put_expr(kofts_buf *out, const char *expr)
{
    for (const char *p = expr; *p; p++)
        if (*p == KOFTS_BIGRAM_MARK ? kofts_buf_puts(out, "\\x01") : kofts_buf_append(out, p, 1))
            return KOFTS_ENOMEM;
    return 0;
}

int kofts_search_explain(kofts_search *s, const char *query, size_t len,
                         const kofts_search_opts *opts, kofts_buf *out)
{
    int rc = 0;
    qparse qp;
    kofts_buf part = {0};
    kofts_buf empty = {0};
    if ((rc = parse_query(s->an, query, len, &qp)))
        goto done;
    mark_common(s, &qp);
    for (size_t k = 0; k < qp.n && !rc; k++) {
        const qterm *t = &qp.t[k];
        if (kofts_buf_printf(out, "term %zu: ", k + 1) || quoted(out, NULL, t->text, t->len) ||
            kofts_buf_printf(out, "  %s%s%s%s",
                             t->neg        ? "excluded"
                             : t->optional ? "optional"
                                           : "required",
                             t->phrase ? ", phrase" : "", t->prefix ? ", prefix" : "",
                             t->title_only ? ", title only" : "") ||
            kofts_buf_puts(out, t->common ? ", in over half of the documents (not in the "
                                            "any-word reading)"
                                          : "")) {
            rc = KOFTS_ENOMEM;
            break;
        }
        if (!t->neg)
            kofts_buf_printf(out, ", group %d", t->group + 1);
        explain_ctx e = {out, 1};
        kofts_buf_puts(out, "\n  word tokens:");
        if ((rc = kofts_analyzer_run(s->an, KOFTS_MODE_WORD, KOFTS_ANALYZE_QUERY, t->text, t->len,
                                     explain_cb, &e)) != 0)
            break;
        e.first = 1;
        kofts_buf_puts(out, "\n  bigram tokens:");
        if ((rc = kofts_analyzer_run(s->an, KOFTS_MODE_BIGRAM, KOFTS_ANALYZE_QUERY, t->text, t->len,
                                     explain_cb, &e)) != 0)
            break;
        kofts_buf_clear(&part);
        if ((rc = term_expr(&part, &qp, k, !t->neg, 1)))
            break;
        long long df = count_rows(s, part.data, &empty, NULL, NULL, -1);
        kofts_buf_puts(out, "\n  expression: ");
        put_expr(out, part.data);
        if (kofts_buf_printf(out, "\n  documents: %lld\n", df)) {
            rc = KOFTS_ENOMEM;
            break;
        }
    }
    if (rc)
        goto done;
    for (int any = 0; any < 2; any++) {
        if ((rc = build_expr(&qp, any, &part)) < 0)
            goto done;
        if (rc == 0) {
            kofts_buf_puts(out, "expression: (none: nothing to search for)\n");
            break;
        }
        rc = 0;
        kofts_buf_puts(out, any ? "any-word expression: " : "all-word expression: ");
        put_expr(out, part.data);
        long long df = count_rows(s, part.data, &qp.cats, opts->since, NULL, -1);
        kofts_buf_printf(out, "\n  documents: %lld\n", df);
    }
    if (qp.cats.len)
        kofts_buf_printf(out, "categories: %s\n", qp.cats.data);
    if (qp.notes.len)
        kofts_buf_printf(out, "notes:\n  %s\n", qp.notes.data);
    if (out->len == 0 || !out->data)
        rc = KOFTS_ENOMEM;
done:
    if (rc > 0)
        rc = 0;
    qparse_free(&qp);
    kofts_buf_free(&part);
    return rc;
}

int kofts_search_stats(kofts_search *s, kofts_buf *out)
{
    int rc = 0;
    sqlite3_stmt *st = NULL;
    char *av = NULL, *sv = NULL;
    long long docs = 0, bytes = 0;
    if (sqlite3_prepare_v2(
            s->db,
            "SELECT (SELECT count(*) FROM docs),"
            " (SELECT page_count * page_size FROM pragma_page_count, pragma_page_size)",
            -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = db_error(s, "cannot read index statistics");
        goto done;
    }
    docs = sqlite3_column_int64(st, 0);
    bytes = sqlite3_column_int64(st, 1);
    if (kofts_store_meta_get(s->store, "analyzer_version", &av) ||
        kofts_store_meta_get(s->store, "schema_version", &sv)) {
        rc = db_error(s, "cannot read index metadata");
        goto done;
    }
    struct stat sb;
    long long file_bytes =
        stat(kofts_store_path(s->store), &sb) == 0 ? (long long)sb.st_size : bytes;
    const char *path = kofts_store_path(s->store);
    if (kofts_buf_printf(out, "{\"documents\":%lld,\"analyzer\":", docs) ||
        kofts_buf_json_str(out, av ? av : "", av ? strlen(av) : 0) ||
        kofts_buf_printf(out,
                         ",\"schema_version\":%s,\"index_bytes\":%lld,\"file_bytes\":%lld,"
                         "\"path\":",
                         sv && *sv ? sv : "null", bytes, file_bytes) ||
        kofts_buf_json_str(out, path, strlen(path)) ||
        kofts_buf_printf(out, ",\"searcher\":\"%s\"}", KOFTS_VERSION_STRING))
        rc = KOFTS_ENOMEM;
done:
    sqlite3_finalize(st);
    free(av);
    free(sv);
    return rc;
}

/* ------------------------------------------------------------------ snippets */

typedef struct {
    size_t start_off, end_off;
    uint64_t mask;
} match;

typedef struct {
    qtoken *q; /* query tokens */
    size_t nq;
    match *m; /* matches found */
    size_t nm, mcap;
    /* the position group being collected */
    int gpos;
    uint64_t gmask;
    size_t gs, ge;      /* union of matched ranges */
    int gsurface_match; /* the surface form matched */
    size_t ss, se;      /* stem range when the group has one */
    int has_stem;
    size_t surf_s, surf_e; /* surface range */
    int oom;
} snip_ctx;

typedef struct {
    qtoken *q;
    size_t nq;
    uint64_t bit;
    int oom;
} qtok_ctx;

static int qtok_cb(void *ctx, const kofts_token *tok)
{
    qtok_ctx *c = ctx;
    for (size_t i = 0; i < c->nq; i++) {
        if (c->q[i].len == tok->len && memcmp(c->q[i].text, tok->text, tok->len) == 0) {
            c->q[i].mask |= c->bit;
            return 0;
        }
    }
    if (c->nq >= MAX_QTOKENS || tok->len == 0)
        return 0;
    char *t = malloc(tok->len);
    if (!t) {
        c->oom = 1;
        return 1;
    }
    memcpy(t, tok->text, tok->len);
    c->q[c->nq].text = t;
    c->q[c->nq].len = tok->len;
    c->q[c->nq].mask = c->bit;
    c->nq++;
    return 0;
}

static void flush_group(snip_ctx *c)
{
    if (!c->gmask)
        return;
    size_t s = c->gs, e = c->ge;
    if (c->gsurface_match) {
        /* The surface matched: mark the stem (광주 of 광주와) when there is one. */
        size_t ms = c->has_stem ? c->ss : c->surf_s, me = c->has_stem ? c->se : c->surf_e;
        if (c->gs == (size_t)-1 || ms < s)
            s = ms;
        if (c->gs == (size_t)-1 || me > e)
            e = me;
    }
    if (c->nm < MAX_MATCHES && e > s) {
        if (c->nm == c->mcap) {
            size_t nc = c->mcap ? c->mcap * 2 : 64;
            match *nm = realloc(c->m, nc * sizeof *nm);
            if (!nm) {
                c->oom = 1;
                return;
            }
            c->m = nm;
            c->mcap = nc;
        }
        c->m[c->nm].start_off = s;
        c->m[c->nm].end_off = e;
        c->m[c->nm].mask = c->gmask;
        c->nm++;
    }
}

static int snip_cb(void *ctx, const kofts_token *tok)
{
    snip_ctx *c = ctx;
    if (!tok->colocated) {
        flush_group(c);
        if (c->oom)
            return 1;
        c->gmask = 0;
        c->gs = c->ge = (size_t)-1;
        c->gsurface_match = 0;
        c->has_stem = 0;
        c->surf_s = tok->start_off;
        c->surf_e = tok->end_off;
    }
    if (tok->kind == KOFTS_TOK_STEM) {
        c->has_stem = 1;
        c->ss = tok->start_off;
        c->se = tok->end_off;
    }
    for (size_t i = 0; i < c->nq; i++) {
        if (c->q[i].len == tok->len && memcmp(c->q[i].text, tok->text, tok->len) == 0) {
            c->gmask |= c->q[i].mask;
            if (tok->kind == KOFTS_TOK_SURFACE) {
                c->gsurface_match = 1;
            } else {
                if (c->gs == (size_t)-1 || tok->start_off < c->gs)
                    c->gs = tok->start_off;
                if (c->ge == (size_t)-1 || tok->end_off > c->ge)
                    c->ge = tok->end_off;
            }
            break;
        }
    }
    return 0;
}

static int popcount64(uint64_t x)
{
    int n = 0;
    while (x) {
        x &= x - 1;
        n++;
    }
    return n;
}

/* Start of the character that contains byte i (i <= len). */
static size_t char_floor(const char *t, size_t i)
{
    while (i > 0 && ((unsigned char)t[i] & 0xC0) == 0x80)
        i--;
    return i;
}

/* Move back n characters from i. */
static size_t back_chars(const char *t, size_t i, int n)
{
    while (n-- > 0 && i > 0)
        i = char_floor(t, i - 1);
    return i;
}

/* Move forward n characters from i (stops at len). */
static size_t fwd_chars(const char *t, size_t len, size_t i, int n)
{
    while (n-- > 0 && i < len) {
        i++;
        while (i < len && ((unsigned char)t[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

static size_t count_chars(const char *t, size_t a, size_t b)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++)
        n += ((unsigned char)t[i] & 0xC0) != 0x80;
    return n;
}

/* Snap a window start forward (or back) to a word start, never past limit. */
static size_t snap_start(const char *t, size_t ws, size_t limit)
{
    if (ws == 0 || is_blank(t[ws - 1]))
        return ws;
    for (size_t i = ws; i < limit; i++)
        if (is_blank(t[i]))
            return i + 1;
    size_t i = ws;
    for (int k = 0; k < 40 && i > 0; k++) {
        i = char_floor(t, i - 1);
        if (i == 0 || is_blank(t[i - 1]))
            return i;
    }
    return ws;
}

/* Snap a window end back (or forward) to a word end, never before limit. */
static size_t snap_end(const char *t, size_t len, size_t we, size_t limit)
{
    if (we >= len || is_blank(t[we]) || is_blank(t[we - 1]))
        return we;
    for (size_t i = we; i > limit; i--)
        if (is_blank(t[i - 1]))
            return i - 1;
    size_t i = we;
    for (int k = 0; k < 40 && i < len; k++) {
        i = fwd_chars(t, len, i, 1);
        if (i >= len || is_blank(t[i]))
            return i;
    }
    return we;
}

/*
 * The snippet itself, for query terms already parsed (qp). Steps: analyse text in word
 * mode, collect matches (query token equal to a document token; stems mark their own
 * range), choose the window of at most `chars` characters with the most distinct
 * query terms (then most matches, then earliest), widen it with context, snap both
 * ends to word boundaries, fold blanks, map the match ranges into the snippet.
 */
static int make_snippet(kofts_analyzer *a, const qparse *qp, const char *text, size_t len,
                        int chars, char **out, size_t *out_len, kofts_span **spans, size_t *n_spans)
{
    int rc = 0;
    qtoken q[MAX_QTOKENS];
    qtok_ctx qc = {q, 0, 0, 0};
    snip_ctx c;
    size_t *map = NULL;
    kofts_buf b = {0};
    kofts_span *sp = NULL;
    size_t nsp = 0;
    memset(&c, 0, sizeof c);
    *out = NULL;
    *out_len = 0;
    *spans = NULL;
    *n_spans = 0;
    if (chars < 10)
        chars = 10;

    for (size_t k = 0, bit = 0; k < qp->n; k++) {
        const qterm *t = &qp->t[k];
        if (t->neg)
            continue;
        qc.bit = (uint64_t)1 << (bit < 63 ? bit : 63);
        bit++;
        /* Index-side tokens (with compound pieces), so that 양자 and 컴퓨팅 light up
         * in "양자 컴퓨팅" for the query 양자컴퓨팅 (a bigram-column match). */
        rc = kofts_analyzer_run(a, KOFTS_MODE_WORD, 0, t->text, t->len, qtok_cb, &qc);
        if (qc.oom) {
            rc = KOFTS_ENOMEM;
            goto done;
        }
        if (rc < 0)
            goto done;
        rc = 0;
    }
    size_t scan = len;
    if (scan > SNIPPET_SCAN)
        scan = char_floor(text, SNIPPET_SCAN);
    if (qc.nq) {
        c.q = q;
        c.nq = qc.nq;
        c.gs = c.ge = (size_t)-1;
        rc = kofts_analyzer_run(a, KOFTS_MODE_WORD, 0, text, scan, snip_cb, &c);
        if (rc >= 0 && !c.oom)
            flush_group(&c);
        if (c.oom) {
            rc = KOFTS_ENOMEM;
            goto done;
        }
        if (rc < 0)
            goto done;
        rc = 0;
    }

    /* Best window over the matches (they come in text order). */
    size_t bi = 0, bj = 0;
    int have = 0, best_terms = -1, best_count = -1;
    for (size_t i = 0; i < c.nm; i++) {
        uint64_t mask = 0;
        int cnt = 0;
        for (size_t j = i; j < c.nm; j++) {
            if (c.m[j].end_off < c.m[i].start_off)
                continue;
            if (count_chars(text, c.m[i].start_off, c.m[j].end_off) > (size_t)chars)
                break;
            mask |= c.m[j].mask;
            cnt++;
            int terms = popcount64(mask);
            if (terms > best_terms || (terms == best_terms && cnt > best_count)) {
                best_terms = terms;
                best_count = cnt;
                bi = i;
                bj = j;
                have = 1;
            }
        }
    }
    size_t cs = have ? c.m[bi].start_off : 0, ce = have ? c.m[bj].end_off : 0;
    if (ce < cs)
        ce = cs;
    int core = (int)count_chars(text, cs, ce);
    int rem = chars - core > 0 ? chars - core : 0;
    int left = have ? rem / 4 : 0;
    size_t ws = back_chars(text, cs, left);
    left = (int)count_chars(text, ws, cs);
    size_t we = fwd_chars(text, len, ce, rem - left);
    int used = (int)count_chars(text, ws, we);
    if (used < chars && ws > 0)
        ws = back_chars(text, ws, chars - used);
    ws = snap_start(text, ws, cs);
    we = snap_end(text, len, we, ce);
    if (we < ws)
        we = ws;

    /* Copy with blanks folded; map[i - ws] = output offset of source byte i. */
    map = malloc((we - ws + 1) * sizeof *map);
    if (!map) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    while (ws < we && is_blank(text[ws]))
        ws++;
    if (ws > 0 && kofts_buf_puts(&b, ELLIPSIS)) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    if (kofts_buf_append(&b, "", 0)) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    int in_blank = 0;
    for (size_t i = ws; i < we; i++) {
        map[i - ws] = b.len;
        if (is_blank(text[i])) {
            in_blank = 1;
            continue;
        }
        if (in_blank) {
            if (kofts_buf_append(&b, " ", 1)) {
                rc = KOFTS_ENOMEM;
                goto done;
            }
            map[i - ws] = b.len;
            in_blank = 0;
        }
        if (kofts_buf_append(&b, text + i, 1)) {
            rc = KOFTS_ENOMEM;
            goto done;
        }
    }
    map[we - ws] = b.len;
    if (we < len && kofts_buf_puts(&b, in_blank ? " " ELLIPSIS : ELLIPSIS)) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    /* Spans: matches inside the window, merged when they touch. */
    if (c.nm) {
        sp = malloc(c.nm * sizeof *sp);
        if (!sp) {
            rc = KOFTS_ENOMEM;
            goto done;
        }
    }
    for (size_t i = 0; i < c.nm; i++) {
        size_t s = c.m[i].start_off, e = c.m[i].end_off;
        if (e <= ws || s >= we)
            continue;
        if (s < ws)
            s = ws;
        if (e > we)
            e = we;
        size_t os = map[s - ws], oe = map[e - ws];
        if (oe <= os)
            continue;
        if (nsp && os <= sp[nsp - 1].end_off) {
            if (oe > sp[nsp - 1].end_off)
                sp[nsp - 1].end_off = oe;
            continue;
        }
        sp[nsp].start_off = os;
        sp[nsp].end_off = oe;
        nsp++;
    }
    *out = b.data;
    *out_len = b.len;
    b.data = NULL;
    *spans = nsp ? sp : NULL;
    *n_spans = nsp;
    if (nsp)
        sp = NULL;
done:
    for (size_t i = 0; i < qc.nq; i++)
        free(q[i].text);
    free(c.m);
    free(map);
    free(sp);
    kofts_buf_free(&b);
    return rc;
}

int kofts_search_snippet(kofts_analyzer *a, const char *query, size_t qlen, const char *text,
                         size_t len, int chars, char **out_snippet, size_t *out_len,
                         kofts_span **out_spans, size_t *n_spans)
{
    qparse qp;
    int rc = parse_query(a, query, qlen, &qp);
    if (rc == 0)
        rc = make_snippet(a, &qp, text, len, chars, out_snippet, out_len, out_spans, n_spans);
    qparse_free(&qp);
    return rc;
}

int kofts_search_build_expr(kofts_analyzer *a, const char *query, size_t len, int any,
                            kofts_buf *expr, kofts_buf *notes)
{
    qparse qp;
    int rc = parse_query(a, query, len, &qp);
    if (rc == 0)
        rc = build_expr(&qp, any, expr);
    if (rc >= 0 && notes && qp.notes.len && kofts_buf_append(notes, qp.notes.data, qp.notes.len))
        rc = KOFTS_ENOMEM;
    qparse_free(&qp);
    return rc;
}
