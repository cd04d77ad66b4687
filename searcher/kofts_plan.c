/*
 * kofts_plan.c - query text -> kofts_plan (see kofts_plan.h): the query language,
 * malformed-input rules, question words, spacing joins, the two readings, and the
 * printable form of a plan.
 */
#include "kofts_plan.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

static int add_cat(kofts_plan *p, const char *s, size_t n)
{
    char **nc = realloc(p->cats, (p->n_cats + 1) * sizeof *nc);
    if (!nc)
        return KOFTS_ENOMEM;
    p->cats = nc;
    char *c = malloc(n + 1);
    if (!c)
        return KOFTS_ENOMEM;
    memcpy(c, s, n);
    c[n] = '\0';
    p->cats[p->n_cats++] = c;
    return 0;
}

int kofts_plan_add_category(kofts_plan *p, const char *cat)
{
    return add_cat(p, cat, strlen(cat));
}

static int set_str(char **slot, const char *v)
{
    free(*slot);
    *slot = NULL;
    if (v && !(*slot = strdup(v)))
        return KOFTS_ENOMEM;
    return 0;
}

int kofts_plan_set_dates(kofts_plan *p, const char *since, const char *until)
{
    if (set_str(&p->since, since) || set_str(&p->until, until))
        return KOFTS_ENOMEM;
    return 0;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* The two-digit number at s, which must lie in [lo, hi]. */
static int two_digits_in(const char *s, int lo, int hi)
{
    if (!all_digits(s, 2))
        return 0;
    int v = (s[0] - '0') * 10 + (s[1] - '0');
    return v >= lo && v <= hi;
}

int kofts_plan_date_ok(const char *s, size_t n)
{
    if (!(n == 4 || n == 7 || n == 10) || !all_digits(s, 4))
        return 0;
    if (n >= 7 && (s[4] != '-' || !two_digits_in(s + 5, 1, 12)))
        return 0;
    if (n == 10 && (s[7] != '-' || !two_digits_in(s + 8, 1, 31)))
        return 0;
    return 1;
}

int kofts_plan_same_category(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b), i = 0, j = 0;
    while (i < na && j < nb) {
        size_t da = 1, db = 1;
        int32_t ca = kofts_utf8_decode(a, na, i, &da), cb = kofts_utf8_decode(b, nb, j, &db);
        if (ca < 0 || cb < 0) {
            if (ca != cb || a[i] != b[j])
                return 0;
        } else if (u_foldCase(ca, U_FOLD_CASE_DEFAULT) != u_foldCase(cb, U_FOLD_CASE_DEFAULT)) {
            return 0;
        }
        i += da;
        j += db;
    }
    return i == na && j == nb;
}

int kofts_plan_filtered(const kofts_plan *p)
{
    return p->n_cats > 0 || p->since || p->until;
}

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

int kofts_plan_note(kofts_plan *qp, const char *msg, const char *w, size_t n)
{
    if (qp->notes.len && kofts_buf_puts(&qp->notes, "\n"))
        return KOFTS_ENOMEM;
    if (kofts_buf_puts(&qp->notes, msg))
        return KOFTS_ENOMEM;
    if (w && (kofts_buf_puts(&qp->notes, ": ") || kofts_buf_append(&qp->notes, w, n)))
        return KOFTS_ENOMEM;
    return 0;
}

/* Analyzer callback: append tok to a kofts_plan_toks, a new position unless colocated. */
static int keep_cb(void *ctx, const kofts_token *tok)
{
    kofts_plan_toks *ts = ctx;
    if (!tok->colocated || ts->n_pos == 0) {
        kofts_plan_pos *np = realloc(ts->pos, (ts->n_pos + 1) * sizeof *np);
        if (!np)
            return KOFTS_ENOMEM;
        ts->pos = np;
        memset(&ts->pos[ts->n_pos++], 0, sizeof *np);
    }
    kofts_plan_pos *p = &ts->pos[ts->n_pos - 1];
    kofts_plan_tok *na = realloc(p->alt, (p->n_alt + 1) * sizeof *na);
    if (!na)
        return KOFTS_ENOMEM;
    p->alt = na;
    char *t = malloc(tok->len + 1);
    if (!t)
        return KOFTS_ENOMEM;
    memcpy(t, tok->text, tok->len);
    t[tok->len] = '\0';
    p->alt[p->n_alt].text = t;
    p->alt[p->n_alt].len = tok->len;
    p->alt[p->n_alt].kind = (int)tok->kind;
    p->n_alt++;
    return 0;
}

static void toks_free(kofts_plan_toks *ts)
{
    for (size_t i = 0; i < ts->n_pos; i++) {
        for (size_t j = 0; j < ts->pos[i].n_alt; j++)
            free(ts->pos[i].alt[j].text);
        free(ts->pos[i].alt);
    }
    free(ts->pos);
    ts->pos = NULL;
    ts->n_pos = 0;
}

/*
 * Copy query[0..len) into out with invalid UTF-8 and control bytes turned into blanks,
 * cut at KOFTS_QUERY_MAX_BYTES on a character boundary. Returns 0 or KOFTS_ENOMEM.
 */
static int sanitise(kofts_plan *qp, const char *q, size_t len, kofts_buf *out)
{
    size_t i = 0;
    int bad = 0;
    if (len > KOFTS_QUERY_MAX_BYTES) {
        char msg[96];
        snprintf(msg, sizeof msg, "query longer than %d bytes: the rest was ignored",
                 KOFTS_QUERY_MAX_BYTES);
        if (kofts_plan_note(qp, msg, NULL, 0))
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
    if (bad && kofts_plan_note(qp, "invalid UTF-8 in the query was read as blanks", NULL, 0))
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
static int joinable(const kofts_plan *qp, size_t k)
{
    const kofts_plan_term *t = &qp->t[k];
    if (t->neg || t->phrase || t->prefix || t->field >= 0 || t->optional ||
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
static int mark_joins(kofts_plan *qp, kofts_analyzer *a)
{
    for (size_t k = 0; k + 1 < qp->n; k++) {
        kofts_plan_term *t = &qp->t[k], *u = &qp->t[k + 1];
        t->join_next = joinable(qp, k) && joinable(qp, k + 1);
        if (!t->join_next)
            continue;
        char joined[2 * 3 * 8 + 1];
        memcpy(joined, t->text, t->len);
        memcpy(joined + t->len, u->text, u->len);
        int rc = kofts_analyzer_run(a, KOFTS_MODE_BIGRAM, KOFTS_ANALYZE_QUERY, joined,
                                    t->len + u->len, keep_cb, &t->join);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* One item of the query text as typed: [-][title:|category:]("phrase"|word)[*]. */
typedef struct {
    size_t ts, te; /* the text, without quotes and trailing '*' */
    int neg, title_only, is_cat, phrase, prefix;
    int skip; /* a lone '-': nothing to add */
} scan_item;

/* Read the item at s[*i] (not blank) into it and move *i past it. Notes a lone '-' and
 * an unbalanced quote. Returns 0 or a negative code. */
static int scan_next(kofts_plan *qp, const char *s, size_t n, size_t *pi, scan_item *it)
{
    size_t i = *pi;
    int rc = 0;
    memset(it, 0, sizeof *it);
    if (s[i] == '-') {
        if (i + 1 >= n || is_blank(s[i + 1])) {
            it->skip = 1;
            *pi = i + 1;
            return kofts_plan_note(qp, "a lone '-' was ignored", NULL, 0);
        }
        it->neg = 1;
        while (i < n && s[i] == '-')
            i++;
    }
    if (starts_field(s + i, n - i, "title:")) {
        it->title_only = 1;
        i += 6;
    } else if (starts_field(s + i, n - i, "category:")) {
        it->is_cat = 1;
        i += 9;
    }
    if (i < n && s[i] == '"') {
        it->phrase = 1;
        it->ts = ++i;
        while (i < n && s[i] != '"')
            i++;
        it->te = i;
        if (i >= n)
            rc = kofts_plan_note(qp, "unbalanced quote: the phrase runs to the end of the query",
                                 NULL, 0);
        else
            i++;
        if (i < n && s[i] == '*') {
            it->prefix = 1;
            while (i < n && s[i] == '*')
                i++;
        }
    } else {
        it->ts = i;
        while (i < n && !is_blank(s[i]) && s[i] != '"')
            i++;
        it->te = i;
        while (it->te > it->ts && s[it->te - 1] == '*') {
            it->te--;
            it->prefix = 1;
        }
    }
    *pi = i;
    return rc;
}

/* Where the scan stands between items: OR pending, a previous positive term. */
typedef struct {
    int pending_or, have_prev, truncated, typed;
} scan_state;

/* Analyse the word or phrase of it and append it to qp as a term (its OR group, and
 * optional when it is a question word). Nothing searchable: a note, no term.
 * Returns 0 or a negative code. */
static int add_term(kofts_plan *qp, kofts_analyzer *a, const char *s, const scan_item *it,
                    scan_state *st)
{
    const char *w = s + it->ts;
    size_t wn = it->te - it->ts;
    kofts_plan_term t = {0};
    t.phrase = it->phrase;
    t.prefix = it->prefix;
    t.field = it->title_only ? KOFTS_COL_TITLE : -1;
    t.neg = it->neg;
    int rc = kofts_analyzer_run(a, KOFTS_MODE_WORD, KOFTS_ANALYZE_QUERY, w, wn, keep_cb, &t.word);
    if (rc >= 0)
        rc = kofts_analyzer_run(a, KOFTS_MODE_BIGRAM, KOFTS_ANALYZE_QUERY, w, wn, keep_cb,
                                &t.bigram);
    if (rc > 0)
        rc = 0;
    if (rc == 0 && t.word.n_pos == 0)
        rc = 1; /* nothing searchable */
    if (rc == 0 && !(t.text = malloc(wn + 1)))
        rc = KOFTS_ENOMEM;
    if (rc != 0) {
        toks_free(&t.word);
        toks_free(&t.bigram);
        /* Nothing searchable (punctuation, emoji, a lone particle): drop it. An OR
         * that preceded it stays pending for the next term. */
        return rc < 0 ? rc : kofts_plan_note(qp, "ignored (nothing searchable)", w, wn);
    }
    if (!it->phrase && !it->neg && !it->prefix && is_question_word(w, wn))
        t.optional = 1;
    if (!it->neg) {
        if (st->pending_or && st->have_prev)
            t.group = qp->n_groups - 1;
        else
            t.group = qp->n_groups++;
        st->have_prev = 1;
        st->pending_or = 0;
    }
    memcpy(t.text, w, wn);
    t.text[wn] = '\0';
    t.len = wn;
    qp->t[qp->n++] = t;
    return 0;
}

/* Take one scanned item: a category filter, an OR, a term, or nothing. Returns 0 or a
 * negative code. */
static int take_item(kofts_plan *qp, kofts_analyzer *a, const char *s, const scan_item *it,
                     scan_state *st)
{
    size_t len = it->te - it->ts;
    if (it->is_cat) {
        if (len == 0)
            return 0;
        int rc = 0;
        if (it->neg)
            rc = kofts_plan_note(qp, "-category: is not supported; read as category:", s + it->ts,
                                 len);
        return rc ? rc : add_cat(qp, s + it->ts, len);
    }
    if (len > 0 || it->phrase || it->neg || it->title_only)
        st->typed++; /* anything but a bare '*' or a filter */
    if (!it->phrase && !it->neg && !it->title_only && !it->prefix && len == 2 &&
        memcmp(s + it->ts, "OR", 2) == 0) {
        if (!st->have_prev || st->pending_or)
            return kofts_plan_note(qp, "a stray OR was ignored", NULL, 0);
        st->pending_or = 1;
        return 0;
    }
    if (len == 0)
        return 0;
    if (qp->n >= KOFTS_QUERY_MAX_TERMS) {
        if (st->truncated)
            return 0;
        st->truncated = 1;
        char msg[80];
        snprintf(msg, sizeof msg, "more than %d terms: the rest were ignored",
                 KOFTS_QUERY_MAX_TERMS);
        return kofts_plan_note(qp, msg, NULL, 0);
    }
    return add_term(qp, a, s, it, st);
}

/* An OR group is optional only if every member is; if every positive term is optional,
 * nothing is (the question words are all there is). Notes each optional term. */
static int settle_optional(kofts_plan *qp)
{
    int any_required = 0, any_pos = 0;
    for (size_t k = 0; k < qp->n; k++) {
        kofts_plan_term *t = &qp->t[k];
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
    for (size_t k = 0; k < qp->n; k++) {
        int rc = 0;
        if (qp->t[k].optional &&
            (rc = kofts_plan_note(qp, "not required (question word)", qp->t[k].text, qp->t[k].len)))
            return rc;
    }
    return 0;
}

int kofts_plan_parse(kofts_plan *qp, kofts_analyzer *a, const char *query, size_t qlen)
{
    int rc = 0;
    kofts_buf clean = {0};
    memset(qp, 0, sizeof *qp);
    if ((rc = sanitise(qp, query, qlen, &clean)))
        goto done;
    const char *s = clean.data;
    size_t n = clean.len, i = 0;
    scan_state st = {0};
    while (i < n && rc == 0) {
        while (i < n && is_blank(s[i]))
            i++;
        if (i >= n)
            break;
        scan_item it;
        if ((rc = scan_next(qp, s, n, &i, &it)) == 0 && !it.skip)
            rc = take_item(qp, a, s, &it, &st);
    }
    if (rc == 0 && st.pending_or)
        rc = kofts_plan_note(qp, "a trailing OR was ignored", NULL, 0);
    if (rc == 0)
        rc = settle_optional(qp);
    if (rc == 0)
        rc = mark_joins(qp, a);
    qp->match_all = rc == 0 && st.typed == 0;
done:
    kofts_buf_free(&clean);
    return rc;
}

/* Group classes for the any-word reading (from document frequencies, when known). */
enum { G_NONE = 0, G_COMMON = 1, G_OTHER = 2 };

/* Class of group g: G_NONE if it has no required member, else the class of its most
 * frequent member (a group is only as selective as its loosest word). */
static int group_class(const kofts_plan *p, int g)
{
    int cls = G_NONE;
    for (size_t k = 0; k < p->n; k++) {
        const kofts_plan_term *t = &p->t[k];
        if (t->neg || t->group != g || t->optional)
            continue;
        int c = t->common ? G_COMMON : G_OTHER;
        if (cls == G_NONE || c < cls)
            cls = c;
    }
    return cls;
}

/*
 * All words: every group with a required member. Any word: the groups that are not
 * common, or the common ones when nothing else is left. A common group changes no
 * ranking (its IDF is ~0) but every document holding it would be scored.
 * (Requiring one rare word, "(rare) AND (rare OR mid)", was tried: MRR@10 -0.004
 * to -0.009 on korquad1-dev, so it is not done.)
 */
int kofts_plan_reading(const kofts_plan *p, int reading, int use[KOFTS_QUERY_MAX_TERMS])
{
    int n_cls[3] = {0, 0, 0}, used = 0;
    for (int g = 0; g < p->n_groups; g++)
        n_cls[group_class(p, g)]++;
    int min_cls = reading != KOFTS_READ_ALL && n_cls[G_OTHER] ? G_OTHER : G_COMMON;
    for (int g = 0; g < KOFTS_QUERY_MAX_TERMS; g++) {
        int cls = g < p->n_groups ? group_class(p, g) : G_NONE;
        use[g] = cls != G_NONE && cls >= min_cls;
        used += use[g];
    }
    return used;
}

static int print_toks(kofts_buf *out, const char *label, const kofts_plan_toks *ts)
{
    if (kofts_buf_puts(out, label))
        return KOFTS_ENOMEM;
    for (size_t i = 0; i < ts->n_pos; i++) {
        if (kofts_buf_puts(out, " "))
            return KOFTS_ENOMEM;
        for (size_t j = 0; j < ts->pos[i].n_alt; j++) {
            const kofts_plan_tok *t = &ts->pos[i].alt[j];
            if ((j && kofts_buf_puts(out, "|")) || kofts_buf_append(out, t->text, t->len) ||
                kofts_buf_printf(out, "(%s)", kofts_tok_kind_name((kofts_tok_kind)t->kind)))
                return KOFTS_ENOMEM;
        }
    }
    return kofts_buf_puts(out, "\n");
}

int kofts_plan_print(const kofts_plan *p, kofts_buf *out)
{
    for (size_t k = 0; k < p->n; k++) {
        const kofts_plan_term *t = &p->t[k];
        if (kofts_buf_printf(out, "term %zu: \"", k + 1) ||
            kofts_buf_append(out, t->text, t->len) ||
            kofts_buf_printf(out, "\" %s",
                             t->neg        ? "excluded"
                             : t->optional ? "optional"
                                           : "required") ||
            (!t->neg && kofts_buf_printf(out, " group %d", t->group + 1)) ||
            kofts_buf_puts(out, t->phrase ? " phrase" : "") ||
            kofts_buf_puts(out, t->prefix ? " prefix" : "") ||
            (t->field >= 0 && kofts_buf_printf(out, " field=%s", kofts_columns[t->field].name)) ||
            kofts_buf_puts(out, t->common ? " common" : "") ||
            kofts_buf_puts(out, t->join_next ? " join-next" : "") || kofts_buf_puts(out, "\n") ||
            print_toks(out, "  word:", &t->word) || print_toks(out, "  bigram:", &t->bigram) ||
            (t->join_next && print_toks(out, "  joined with the next (bigram):", &t->join)))
            return KOFTS_ENOMEM;
    }
    if (p->match_all && kofts_buf_puts(out, "match: every document\n"))
        return KOFTS_ENOMEM;
    for (size_t i = 0; i < p->n_cats; i++)
        if (kofts_buf_puts(out, "category: ") || kofts_buf_puts(out, p->cats[i]) ||
            kofts_buf_puts(out, "\n"))
            return KOFTS_ENOMEM;
    if ((p->since && kofts_buf_printf(out, "since: %s\n", p->since)) ||
        (p->until && kofts_buf_printf(out, "until: %s\n", p->until)))
        return KOFTS_ENOMEM;
    return 0;
}

void kofts_plan_free(kofts_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->t[i].text);
        toks_free(&p->t[i].word);
        toks_free(&p->t[i].bigram);
        toks_free(&p->t[i].join);
    }
    for (size_t i = 0; i < p->n_cats; i++)
        free(p->cats[i]);
    free(p->cats);
    free(p->since);
    free(p->until);
    kofts_buf_free(&p->notes);
    memset(p, 0, sizeof *p);
}
