/*
 * kofts_backend_fts5.c - the FTS5 search backend: a kofts_plan becomes an FTS5 MATCH
 * expression, run by SQL with filters (category, dates) and bm25() field weights.
 *
 * Safety rule: the only FTS5 syntax emitted is built here from fixed keywords and
 * column names (kofts_columns) plus double-quoted strings whose '"' are doubled; user
 * text is never spliced into SQL (the expression is a bound parameter).
 *
 * Expression for one plain word w (an FTS5 "term part"):
 *
 *   ({title excerpt body extra tags} : "w" OR body : "\x01w")
 *
 * (schema 5: the bigram tokens live in the body column, after its words, each with a
 * leading 0x01; bigram_expr writes that rule)
 *
 * Colocated analyzer variants (stem, pieces, ...) of "w" are FTS5 synonyms (the
 * kofts tokenizer re-analyses "w"), so the word part already matches other
 * inflections; the bigram part catches spacing variants (양자 컴퓨팅 for 양자컴퓨팅) at a
 * lower weight. Groups are joined with AND (all words) or OR (any word); OR groups
 * typed by the user stay one group; excluded words go after NOT. "Phrases", title:
 * and prefix* terms are exact: word columns only, no bigram part.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>
#include <time.h>

#include "kofts_backend.h"
#include "kofts_rank.h"
#include "kofts_store.h"
#include "kofts_xschema.h"

/* ------------------------------------------------------------ expression text */

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

/* Append "{title excerpt body extra tags}" (the word-role columns of kofts_columns) or
 * the one column of field. */
static int cols(kofts_buf *b, int field)
{
    if (field >= 0)
        return kofts_buf_puts(b, kofts_columns[field].name);
    int first = 1;
    if (kofts_buf_puts(b, "{"))
        return KOFTS_ENOMEM;
    for (int c = 0; c < KOFTS_NCOLS; c++) {
        if (kofts_columns[c].role != KOFTS_ROLE_WORD)
            continue;
        if ((!first && kofts_buf_puts(b, " ")) || kofts_buf_puts(b, kofts_columns[c].name))
            return KOFTS_ENOMEM;
        first = 0;
    }
    return kofts_buf_puts(b, "}");
}

/* What kofts_rank needs to know of each phrase of an expression, in order: its group
 * ("g,g,...", -1 for a phrase after NOT) and its text (the phrases separated by 0x1E;
 * the key of kofts_rank's IDF cache). */
typedef struct {
    kofts_buf groups;
    kofts_buf keys;
} phrase_map;

/* Record the phrase b->data[start..] of group (nothing when map is NULL). */
static int map_add(phrase_map *map, int group, const kofts_buf *b, size_t start)
{
    if (!map)
        return 0;
    if (kofts_buf_printf(&map->groups, map->groups.len ? ",%d" : "%d", group) ||
        (map->keys.len && kofts_buf_append(&map->keys, "\x1e", 1)) ||
        kofts_buf_append(&map->keys, b->data + start, b->len - start))
        return KOFTS_ENOMEM;
    return 0;
}

/* Append ' OR body : "<0x01>s"', the bigram part of s: the one place that knows where
 * bigram tokens live (schema 5: in the body column, after its words, with a leading
 * 0x01). The phrase (without " OR ") goes into map as group's. */
static int bigram_expr(kofts_buf *b, const char *s, size_t n, phrase_map *map, int group)
{
    if (kofts_buf_puts(b, " OR "))
        return KOFTS_ENOMEM;
    size_t start = b->len;
    if (kofts_buf_puts(b, kofts_columns[KOFTS_COL_BODY].name) || kofts_buf_puts(b, " : ") ||
        quoted(b, "\x01", s, n) || map_add(map, group, b, start))
        return KOFTS_ENOMEM;
    return 0;
}

/* Append the bigram part (bigram_expr) of the joined form of terms x and y. */
static int join_expr(kofts_buf *b, const kofts_plan_term *x, const kofts_plan_term *y,
                     phrase_map *map, int group)
{
    char joined[2 * 3 * 8 + 1];
    if (x->len + y->len > sizeof joined)
        return 0;
    memcpy(joined, x->text, x->len);
    memcpy(joined + x->len, y->text, y->len);
    return bigram_expr(b, joined, x->len + y->len, map, group);
}

/* Append the FTS5 expression of term k; bigram part only when asked and useful. */
static int term_expr(kofts_buf *b, const kofts_plan *p, size_t k, int with_bigram, int joins,
                     phrase_map *map)
{
    const kofts_plan_term *t = &p->t[k];
    int big = with_bigram && t->bigram.n_pos > 0 && !t->prefix && t->field < 0 && !t->phrase;
    int jn = joins && with_bigram && t->join_next;
    int jp = joins && with_bigram && k > 0 && p->t[k - 1].join_next;
    int paren = big || jn || jp;
    int group = t->neg ? -1 : t->group;
    if (kofts_buf_puts(b, paren ? "(" : ""))
        return KOFTS_ENOMEM;
    size_t start = b->len;
    if (cols(b, t->field) || kofts_buf_puts(b, " : ") || quoted(b, NULL, t->text, t->len) ||
        kofts_buf_puts(b, t->prefix ? " *" : "") || map_add(map, group, b, start))
        return KOFTS_ENOMEM;
    if (big && bigram_expr(b, t->text, t->len, map, group))
        return KOFTS_ENOMEM;
    if (jp && join_expr(b, &p->t[k - 1], t, map, group))
        return KOFTS_ENOMEM;
    if (jn && join_expr(b, t, &p->t[k + 1], map, group))
        return KOFTS_ENOMEM;
    if (paren && kofts_buf_puts(b, ")"))
        return KOFTS_ENOMEM;
    return 0;
}

/* kofts_fts5_compile, also writing the phrase map (map_add) when map is not NULL. */
static int compile_map(const kofts_plan *p, int reading, kofts_buf *b, phrase_map *map)
{
    int use[KOFTS_QUERY_MAX_TERMS];
    int any = reading != KOFTS_READ_ALL;
    int used = kofts_plan_reading(p, reading, use);
    if (used == 0)
        return 0;
    int done = 0;
    for (int g = 0; g < p->n_groups; g++) {
        if (!use[g])
            continue;
        if (done && kofts_buf_puts(b, any ? " OR " : " AND "))
            return KOFTS_ENOMEM;
        int members = 0;
        for (size_t k = 0; k < p->n; k++) {
            const kofts_plan_term *t = &p->t[k];
            if (t->neg || t->group != g || t->optional)
                continue;
            /* Joined forms only in the all-word reading (in the any-word reading they
             * cost MRR@10 0.004 on korquad1-dev). */
            if (kofts_buf_puts(b, members ? " OR " : "(") || term_expr(b, p, k, 1, !any, map))
                return KOFTS_ENOMEM;
            members++;
        }
        if (kofts_buf_puts(b, ")"))
            return KOFTS_ENOMEM;
        done++;
    }
    int negs = 0;
    for (size_t k = 0; k < p->n; k++) {
        if (!p->t[k].neg)
            continue;
        if (kofts_buf_puts(b, negs ? " OR " : " NOT (") || term_expr(b, p, k, 0, 0, map))
            return KOFTS_ENOMEM;
        negs++;
    }
    if (negs && kofts_buf_puts(b, ")"))
        return KOFTS_ENOMEM;
    return used;
}

int kofts_fts5_compile(const kofts_plan *p, int reading, kofts_buf *b)
{
    return compile_map(p, reading, b, NULL);
}

/* The expression of rd into b (cleared first, always NUL-terminated). */
static int compile_read(const kofts_plan *p, kofts_backend_read rd, kofts_buf *b, phrase_map *map)
{
    kofts_buf_clear(b);
    if (kofts_buf_append(b, "", 0))
        return KOFTS_ENOMEM;
    if (rd.term >= 0) {
        if ((size_t)rd.term >= p->n)
            return 0;
        return term_expr(b, p, (size_t)rd.term, !p->t[rd.term].neg, 1, NULL) ? KOFTS_ENOMEM : 1;
    }
    if (map) {
        kofts_buf_clear(&map->groups);
        kofts_buf_clear(&map->keys);
        if (kofts_buf_append(&map->groups, "", 0) || kofts_buf_append(&map->keys, "", 0))
            return KOFTS_ENOMEM;
    }
    return compile_map(p, rd.reading, b, map);
}

/* --------------------------------------------------------------------- handle */

/* One cached document frequency (f_token_df). */
typedef struct {
    char *tok; /* owned; NULL: empty slot */
    size_t len;
    long long df;
} df_entry;

#define DF_CACHE_MAX 65536 /* entries; the cache is emptied when full */

typedef struct {
    kofts_backend base;           /* must be first */
    kofts_store *store;           /* owned */
    sqlite3 *db;                  /* borrowed from store */
    sqlite3_stmt *st_plain;       /* ranked by relevance, no filters */
    sqlite3_stmt *st_rel;         /* ranked by relevance, with filters */
    sqlite3_stmt *st_date;        /* ranked by date */
    sqlite3_stmt *st_count;       /* matching rows (with a cap), with filters */
    sqlite3_stmt *st_count_plain; /* the same without filters */
    sqlite3_stmt *st_doc;         /* stored fields of one row */
    sqlite3_stmt *st_vocab;       /* documents holding one token (NULL: no fts5vocab) */
    sqlite3_stmt *st_vocab2;      /* schema 5: documents holding tok or its bigram "~tok" */
    long long n_docs;             /* documents when opened */
    kofts_buf expr;               /* the last compiled expression */
    kofts_buf cats;               /* the plan's categories as a JSON array */
    kofts_buf catlist;            /* distinct stored categories, each NUL-terminated */
    int catlist_state;            /* 0 not loaded, 1 loaded, -1 unavailable (exact match) */
    phrase_map map;               /* the last ranked expression's phrases (kofts_rank) */
    kofts_rank_state *rank;       /* kofts_rank's row lengths (borrowed from db) */
    sqlite3_stmt *st_dver;        /* PRAGMA data_version */
    long long df_version;         /* data_version the df cache belongs to; -1: unchecked */
    df_entry *df;                 /* token -> documents cache, open addressing (owned) */
    size_t df_n, df_cap;          /* entries used; slots (a power of two, or 0) */
    sqlite3_stmt *st_all;         /* browsing: every document (filters), newest first */
    sqlite3_stmt *st_all_n;       /* browsing: how many that is (with a cap) */
    char err[512];
} fts5_backend;

/* The filters ?2..?4 (categories, since, until), shared with the browsing statements. */
#define FILTER_TERMS                                                                               \
    " AND (?2 IS NULL OR EXISTS (SELECT 1 FROM doc_category c, json_each(?2) j"                    \
    "      WHERE c.category = j.value AND c.rowid = d.rowid))"                                     \
    " AND (?3 IS NULL OR (d.date <> '' AND d.date >= ?3))"                                         \
    " AND (?4 IS NULL OR (d.date <> '' AND d.date <= ?4))"
#define FILTERS " WHERE fts MATCH ?1" FILTER_TERMS

/* bm25 weights are ?5..?10, one per column of kofts_columns (KOFTS_NCOLS == 6). */
static const char sql_rel[] =
    "SELECT fts.rowid, kofts_rank(fts, ?5, ?6, ?7, ?8, ?9, ?10, ?13, ?14, ?15) AS score"
    " FROM fts CROSS JOIN docs d ON d.rowid = fts.rowid" FILTERS
    " ORDER BY score DESC LIMIT ?11 OFFSET ?12";
/* The common case (no filter, by relevance) skips the join with docs. ?2..?4 are
 * bound but unused so that all ranked statements take the same parameters. */
static const char sql_plain[] =
    "SELECT rowid, kofts_rank(fts, ?5, ?6, ?7, ?8, ?9, ?10, ?13, ?14, ?15) AS score FROM fts"
    " WHERE fts MATCH ?1 AND coalesce(?2, ?3, ?4) IS NULL"
    " ORDER BY score DESC LIMIT ?11 OFFSET ?12";
static const char sql_date[] =
    "SELECT fts.rowid, kofts_rank(fts, ?5, ?6, ?7, ?8, ?9, ?10, ?13, ?14, ?15) AS score"
    " FROM fts CROSS JOIN docs d ON d.rowid = fts.rowid" FILTERS
    " ORDER BY d.date DESC, score DESC LIMIT ?11 OFFSET ?12";
static const char sql_count[] =
    "SELECT count(*) FROM (SELECT 1 FROM fts CROSS JOIN docs d ON d.rowid = fts.rowid" FILTERS
    " LIMIT ?5)";
static const char sql_count_plain[] =
    "SELECT count(*) FROM (SELECT 1 FROM fts WHERE fts MATCH ?1 AND coalesce(?2, ?3, ?4) IS NULL"
    " LIMIT ?5)";
/* Browsing (a plan with match_all): no MATCH, the same filters and parameter numbers
 * (?1 and the weights are bound but unused), newest first, undated documents last. */
#define BROWSE_FILTERS " WHERE 1" FILTER_TERMS
static const char sql_browse[] = "SELECT d.rowid, 0.0 FROM docs d" BROWSE_FILTERS
                                 " AND coalesce(?1, ?5, ?6, ?7, ?8, ?9, ?10, 1) IS NOT NULL"
                                 " ORDER BY d.date DESC, d.rowid DESC LIMIT ?11 OFFSET ?12";
static const char sql_browse_count[] = "SELECT count(*) FROM (SELECT 1 FROM docs d" BROWSE_FILTERS
                                       " AND coalesce(?1, 1) IS NOT NULL LIMIT ?5)";
static const char sql_doc[] =
    "SELECT id, title, date, categories, body, excerpt, url, source FROM docs WHERE rowid = ?1";

_Static_assert(KOFTS_NCOLS == 6, "the bm25() calls above take one weight per column");

static int db_error(fts5_backend *f, const char *what)
{
    if (sqlite3_errcode(f->db) == SQLITE_INTERRUPT) {
        kofts_errfmt(f->err, sizeof f->err, kofts_store_path(f->store), "%s: stopped", what);
        return KOFTS_ESTOP;
    }
    /* The SQLite text goes after a plain-language lead so that it is never the whole
     * message; query problems never reach here (the expression is ours). */
    kofts_errfmt(f->err, sizeof f->err, kofts_store_path(f->store), "%s: %s", what,
                 sqlite3_errmsg(f->db));
    return KOFTS_EIO;
}

static const char *f_errmsg(const kofts_backend *b)
{
    return ((const fts5_backend *)b)->err;
}

static long long f_doc_count(kofts_backend *b)
{
    return ((fts5_backend *)b)->n_docs;
}

static void df_clear(fts5_backend *f)
{
    for (size_t i = 0; i < f->df_cap; i++)
        free(f->df[i].tok);
    free(f->df);
    f->df = NULL;
    f->df_n = f->df_cap = 0;
}

/* The cache slot of tok: its entry, or the empty slot where it belongs (NULL: no
 * cache). */
static df_entry *df_slot(fts5_backend *f, const char *tok, size_t len)
{
    if (!f->df_cap)
        return NULL;
    size_t i = (size_t)kofts_fnv1a64(tok, len) & (f->df_cap - 1);
    while (f->df[i].tok && (f->df[i].len != len || memcmp(f->df[i].tok, tok, len) != 0))
        i = (i + 1) & (f->df_cap - 1);
    return &f->df[i];
}

/* Remember df for tok (best effort: nothing happens when memory is short). */
static void df_put(fts5_backend *f, const char *tok, size_t len, long long df)
{
    if (f->df_n >= DF_CACHE_MAX)
        df_clear(f);
    if (!f->df_cap) {
        if (!(f->df = calloc(2 * DF_CACHE_MAX, sizeof *f->df)))
            return;
        f->df_cap = 2 * DF_CACHE_MAX;
    }
    df_entry *e = df_slot(f, tok, len);
    if (e->tok || !(e->tok = malloc(len ? len : 1)))
        return;
    memcpy(e->tok, tok, len);
    e->len = len;
    e->df = df;
    f->df_n++;
}

/* Documents holding tok (fts5vocab), cached while the database stays unchanged (the
 * cache is checked against PRAGMA data_version at each f_snapshot). */
static long long f_token_df(kofts_backend *b, const char *tok, size_t len)
{
    fts5_backend *f = (fts5_backend *)b;
    long long df = -1;
    if (!f->st_vocab)
        return -1;
    df_entry *e = f->df_version >= 0 ? df_slot(f, tok, len) : NULL;
    if (e && e->tok)
        return e->df;
    /* a 2-syllable token was also counted where it is a (plain) bigram before schema 5 */
    sqlite3_stmt *sv = len == 6 && f->st_vocab2 ? f->st_vocab2 : f->st_vocab;
    sqlite3_bind_text(sv, 1, tok, (int)len, SQLITE_STATIC);
    if (sqlite3_step(sv) == SQLITE_ROW)
        df = sqlite3_column_int64(sv, 0);
    else
        df = 0;
    sqlite3_reset(sv);
    if (f->df_version >= 0)
        df_put(f, tok, len, df);
    return df;
}

/*
 * After BEGIN: take the read snapshot now (PRAGMA data_version reads the file), waiting
 * up to KOFTS_STORE_READ_WAIT_MS while the index is between journal modes, and empty
 * the df cache when another connection changed the database. Every later statement of
 * the transaction then reads that snapshot.
 */
static int start_read(fts5_backend *f)
{
    long long v = -1;
    double waited = 0;
    if (!f->st_dver &&
        sqlite3_prepare_v3(f->db, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT, &f->st_dver,
                           NULL) != SQLITE_OK)
        return db_error(f, "cannot start a read transaction");
    int rc = kofts_store_step_wait(f->st_dver, &waited);
    if (rc == SQLITE_ROW)
        v = sqlite3_column_int64(f->st_dver, 0);
    sqlite3_reset(f->st_dver);
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_INTERRUPT)
            return db_error(f, "cannot start a read transaction");
        kofts_errfmt(f->err, sizeof f->err, kofts_store_path(f->store),
                     "cannot read the index (waited %.0f ms): %s%s", waited, sqlite3_errstr(rc),
                     kofts_store_read_hint(rc));
        return KOFTS_EIO;
    }
    if (v < 0 || v != f->df_version)
        df_clear(f);
    f->df_version = v;
    return 0;
}

/* until as an upper bound that keeps every timestamp of that day: "2024-05-01~". */
static int until_bound(const char *until, char *out, size_t cap)
{
    return snprintf(out, cap, "%s~", until) < (int)cap ? 0 : KOFTS_EINVAL;
}

#define MAX_CATEGORIES 100000 /* distinct categories kept for case-insensitive matching */

/*
 * Load the distinct stored categories once (one index seek each, so cheap however many
 * documents there are). Categories match case-insensitively, as Jekyll lower-cases them
 * in URLs: --category news finds "News". Beyond MAX_CATEGORIES, or on an error, the
 * match stays exact.
 */
static void load_categories(fts5_backend *f)
{
    sqlite3_stmt *st = NULL;
    kofts_buf last = {0};
    size_t n = 0;
    f->catlist_state = -1;
    if (sqlite3_prepare_v2(f->db,
                           "SELECT category FROM doc_category WHERE category > ?1"
                           " ORDER BY category LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        goto done;
    for (;;) {
        sqlite3_bind_text(st, 1, last.data ? last.data : "", (int)last.len, SQLITE_TRANSIENT);
        int src = sqlite3_step(st);
        if (src == SQLITE_DONE)
            break;
        const char *c = (const char *)sqlite3_column_text(st, 0);
        if (src != SQLITE_ROW || ++n > MAX_CATEGORIES || !c)
            goto done;
        kofts_buf_clear(&last);
        if (kofts_buf_puts(&last, c) || kofts_buf_append(&f->catlist, c, strlen(c) + 1))
            goto done;
        sqlite3_reset(st);
    }
    f->catlist_state = 1;
done:
    sqlite3_finalize(st);
    kofts_buf_free(&last);
}

/* Append cat and every stored category equal to it but for case, as JSON strings. */
static int add_category(fts5_backend *f, const char *cat, int first)
{
    if ((!first && kofts_buf_puts(&f->cats, ",")) || kofts_buf_json_str(&f->cats, cat, strlen(cat)))
        return KOFTS_ENOMEM;
    if (f->catlist_state == 0)
        load_categories(f);
    if (f->catlist_state != 1)
        return 0;
    for (size_t at = 0; at < f->catlist.len;) {
        const char *c = f->catlist.data + at;
        size_t n = strlen(c);
        if (strcmp(c, cat) != 0 && kofts_plan_same_category(c, cat) &&
            (kofts_buf_puts(&f->cats, ",") || kofts_buf_json_str(&f->cats, c, n)))
            return KOFTS_ENOMEM;
        at += n + 1;
    }
    return 0;
}

/* Bind the filter parameters ?1..?4 shared by the ranked and counting statements. */
static int bind_filters(fts5_backend *f, sqlite3_stmt *st, const kofts_plan *p, int filters,
                        char *until_hi, size_t cap)
{
    sqlite3_bind_text(st, 1, f->expr.data, (int)f->expr.len, SQLITE_STATIC);
    kofts_buf_clear(&f->cats);
    if (filters && p->n_cats) {
        if (kofts_buf_puts(&f->cats, "["))
            return KOFTS_ENOMEM;
        for (size_t i = 0; i < p->n_cats; i++)
            if (add_category(f, p->cats[i], i == 0))
                return KOFTS_ENOMEM;
        if (kofts_buf_puts(&f->cats, "]"))
            return KOFTS_ENOMEM;
        sqlite3_bind_text(st, 2, f->cats.data, (int)f->cats.len, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(st, 2);
    }
    if (filters && p->since)
        sqlite3_bind_text(st, 3, p->since, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    if (filters && p->until && until_bound(p->until, until_hi, cap) == 0)
        sqlite3_bind_text(st, 4, until_hi, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 4);
    return 0;
}

static int f_describe(kofts_backend *b, const kofts_plan *p, kofts_backend_read rd, kofts_buf *out)
{
    (void)b;
    kofts_buf e = {0};
    int rc = compile_read(p, rd, &e, NULL);
    if (rc > 0 && kofts_buf_append(out, e.data, e.len))
        rc = KOFTS_ENOMEM;
    kofts_buf_free(&e);
    return rc;
}

static int f_count(kofts_backend *b, const kofts_plan *p, kofts_backend_read rd, long long cap,
                   long long *n)
{
    fts5_backend *f = (fts5_backend *)b;
    char until_hi[64];
    *n = 0;
    int browse = p->match_all && rd.term < 0;
    int rc = compile_read(p, rd, &f->expr, NULL);
    if (rc <= 0 && !browse)
        return rc;
    rc = 0;
    int filters = rd.term < 0;
    sqlite3_stmt *st = browse                              ? f->st_all_n
                       : filters && kofts_plan_filtered(p) ? f->st_count
                                                           : f->st_count_plain;
    if ((rc = bind_filters(f, st, p, filters, until_hi, sizeof until_hi)) == 0) {
        sqlite3_bind_int64(st, 5, cap);
        if (sqlite3_step(st) == SQLITE_ROW)
            *n = sqlite3_column_int64(st, 0);
        else
            rc = db_error(f, "cannot run the query");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static int f_run(kofts_backend *b, const kofts_plan *p, int reading, kofts_sort sort,
                 const kofts_weights *w, int limit, int offset, kofts_backend_hit **hits, size_t *n,
                 size_t *cap)
{
    fts5_backend *f = (fts5_backend *)b;
    char until_hi[64];
    kofts_backend_read rd = {reading, -1};
    int rc = compile_read(p, rd, &f->expr, &f->map), src;
    if (rc <= 0 && !p->match_all)
        return rc;
    rc = 0;
    sqlite3_stmt *st = p->match_all              ? f->st_all
                       : sort == KOFTS_SORT_DATE ? f->st_date
                       : kofts_plan_filtered(p)  ? f->st_rel
                                                 : f->st_plain;
    if ((rc = bind_filters(f, st, p, 1, until_hi, sizeof until_hi)))
        goto done;
    kofts_rank_refresh(f->rank, "fts"); /* best effort: without it, same scores, slower */
    for (int k = 0; k < KOFTS_NCOLS; k++)
        sqlite3_bind_double(st, 5 + k, w->w[k]);
    sqlite3_bind_int(st, 11, limit);
    sqlite3_bind_int(st, 12, offset);
    /* ?13 coordination (all or nothing in the ranked reading), ?14 phrase groups, ?15
     * phrase texts (kofts_rank's IDF cache) */
    sqlite3_bind_double(st, 13, reading == KOFTS_READ_RANKED ? -KOFTS_RANKED_BONUS : 0.0);
    sqlite3_bind_text(st, 14, f->map.groups.data, (int)f->map.groups.len, SQLITE_STATIC);
    sqlite3_bind_text(st, 15, f->map.keys.data, (int)f->map.keys.len, SQLITE_STATIC);
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        kofts_backend_hit *nh = kofts_grow(*hits, cap, *n + 1, sizeof *nh);
        if (!nh) {
            rc = KOFTS_ENOMEM;
            break;
        }
        *hits = nh;
        (*hits)[*n].ref = sqlite3_column_int64(st, 0);
        (*hits)[*n].score = sqlite3_column_double(st, 1);
        (*n)++;
    }
    if (!rc && src != SQLITE_DONE)
        rc = db_error(f, "cannot run the query");
done:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

static const char *col_text(sqlite3_stmt *st, int col, size_t *len)
{
    const char *v = (const char *)sqlite3_column_text(st, col);
    if (len)
        *len = v ? (size_t)sqlite3_column_bytes(st, col) : 0;
    return v ? v : "";
}

static int f_doc(kofts_backend *b, long long ref, kofts_backend_doc *out)
{
    fts5_backend *f = (fts5_backend *)b;
    sqlite3_stmt *st = f->st_doc;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, ref);
    int src = sqlite3_step(st);
    if (src == SQLITE_DONE)
        return 0;
    if (src != SQLITE_ROW)
        return db_error(f, "cannot read a document");
    out->id = col_text(st, 0, NULL);
    out->title = col_text(st, 1, NULL);
    out->date = col_text(st, 2, NULL);
    out->categories = col_text(st, 3, NULL);
    out->body = col_text(st, 4, &out->body_len);
    out->excerpt = col_text(st, 5, &out->excerpt_len);
    out->url = col_text(st, 6, NULL);
    out->source = col_text(st, 7, NULL);
    return 1;
}

/* Newest modification time of the index file or its -wal file, as ISO 8601 UTC. */
static void last_updated(const char *path, char *out, size_t cap)
{
    struct stat sb;
    time_t t = 0;
    char wal[4096];
    if (stat(path, &sb) == 0)
        t = sb.st_mtime;
    if (snprintf(wal, sizeof wal, "%s-wal", path) < (int)sizeof wal && stat(wal, &sb) == 0 &&
        sb.st_mtime > t)
        t = sb.st_mtime;
    struct tm tm;
    if (!t || !gmtime_r(&t, &tm) || !strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, cap, "%s", "");
}

/* ,"files":N,"first_date":..,"last_date":..,"top_categories":[{"category":..,"documents":N}] */
static int stats_content(fts5_backend *f, kofts_buf *out)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(f->db,
                           "SELECT (SELECT count(*) FROM files),"
                           " (SELECT min(date) FROM docs WHERE date <> ''),"
                           " (SELECT max(date) FROM docs WHERE date <> '')",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = db_error(f, "cannot read index statistics");
        goto done;
    }
    rc = kofts_buf_printf(out, ",\"files\":%lld", sqlite3_column_int64(st, 0));
    for (int i = 1; i <= 2 && !rc; i++) {
        const char *d = (const char *)sqlite3_column_text(st, i);
        rc = kofts_buf_puts(out, i == 1 ? ",\"first_date\":" : ",\"last_date\":") ||
             (d ? kofts_buf_json_str(out, d, strlen(d)) : kofts_buf_puts(out, "null"));
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc || kofts_buf_puts(out, ",\"top_categories\":[")) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    if (sqlite3_prepare_v2(f->db,
                           "SELECT category, count(*) AS n FROM doc_category GROUP BY category"
                           " ORDER BY n DESC, category LIMIT 10",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_error(f, "cannot read index statistics");
        goto done;
    }
    for (int k = 0; !rc && sqlite3_step(st) == SQLITE_ROW; k++) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        rc = kofts_buf_puts(out, k ? ",{\"category\":" : "{\"category\":") ||
             kofts_buf_json_str(out, c ? c : "", c ? strlen(c) : 0) ||
             kofts_buf_printf(out, ",\"documents\":%lld}", sqlite3_column_int64(st, 1));
    }
    if (rc || kofts_buf_puts(out, "]"))
        rc = KOFTS_ENOMEM;
done:
    sqlite3_finalize(st);
    return rc;
}

static int f_stats(kofts_backend *b, kofts_buf *out)
{
    fts5_backend *f = (fts5_backend *)b;
    int rc = 0;
    sqlite3_stmt *st = NULL;
    char *av = NULL, *sv = NULL, updated[32];
    long long docs = 0, bytes = 0;
    if (sqlite3_prepare_v2(
            f->db,
            "SELECT (SELECT count(*) FROM docs),"
            " (SELECT page_count * page_size FROM pragma_page_count, pragma_page_size)",
            -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW) {
        rc = db_error(f, "cannot read index statistics");
        goto done;
    }
    docs = sqlite3_column_int64(st, 0);
    bytes = sqlite3_column_int64(st, 1);
    if (kofts_store_meta_get(f->store, "analyzer_version", &av) ||
        kofts_store_meta_get(f->store, "schema_version", &sv)) {
        rc = db_error(f, "cannot read index metadata");
        goto done;
    }
    struct stat sb;
    const char *path = kofts_store_path(f->store);
    long long file_bytes = stat(path, &sb) == 0 ? (long long)sb.st_size : bytes;
    last_updated(path, updated, sizeof updated);
    if (kofts_buf_printf(out, "{\"documents\":%lld,\"analyzer\":", docs) ||
        kofts_buf_json_str(out, av ? av : "", av ? strlen(av) : 0) ||
        kofts_buf_printf(out,
                         ",\"schema_version\":%s,\"index_bytes\":%lld,\"file_bytes\":%lld,"
                         "\"path\":",
                         sv && *sv ? sv : "null", bytes, file_bytes) ||
        kofts_buf_json_str(out, path, strlen(path))) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    if ((rc = stats_content(f, out)) != 0)
        goto done;
    if (kofts_buf_printf(out, ",\"last_updated\":\"%s\",\"backend\":\"fts5\",\"searcher\":\"%s\"}",
                         updated, KOFTS_VERSION_STRING))
        rc = KOFTS_ENOMEM;
done:
    sqlite3_finalize(st);
    free(av);
    free(sv);
    return rc;
}

static int f_snapshot(kofts_backend *b, int on)
{
    fts5_backend *f = (fts5_backend *)b;
    /* f_doc leaves its row readable until the next call; a statement left stepped would
     * keep the read lock (rollback journal: the writer waits; WAL: checkpoints stall). */
    sqlite3_reset(f->st_doc);
    if (!on)
        return sqlite3_get_autocommit(f->db) ||
                       sqlite3_exec(f->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK
                   ? 0
                   : db_error(f, "cannot end the read transaction");
    if (!sqlite3_get_autocommit(f->db))
        sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
    if (sqlite3_exec(f->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return db_error(f, "cannot start a read transaction");
    int rc = start_read(f);
    if (rc)
        sqlite3_exec(f->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static void f_set_stop(kofts_backend *b, int (*stop)(void *ctx), void *ctx)
{
    fts5_backend *f = (fts5_backend *)b;
    sqlite3_progress_handler(f->db, stop ? 1000 : 0, stop, ctx);
}

static const char *f_warnings(kofts_backend *b)
{
    (void)b;
    return "";
}

static void f_close(kofts_backend *b)
{
    fts5_backend *f = (fts5_backend *)b;
    if (!f)
        return;
    sqlite3_finalize(f->st_plain);
    sqlite3_finalize(f->st_rel);
    sqlite3_finalize(f->st_date);
    sqlite3_finalize(f->st_count);
    sqlite3_finalize(f->st_count_plain);
    sqlite3_finalize(f->st_doc);
    sqlite3_finalize(f->st_all);
    sqlite3_finalize(f->st_all_n);
    sqlite3_finalize(f->st_vocab);
    sqlite3_finalize(f->st_vocab2);
    sqlite3_finalize(f->st_dver);
    kofts_store_close(f->store);
    kofts_buf_free(&f->expr);
    kofts_buf_free(&f->cats);
    kofts_buf_free(&f->catlist);
    kofts_buf_free(&f->map.groups);
    kofts_buf_free(&f->map.keys);
    df_clear(f);
    free(f);
}

/* Optional: document frequencies for pruning (fts5vocab, in the temp schema so a
 * read-only index works). Without it every word is kept. */
static void open_vocab(fts5_backend *f)
{
    sqlite3_stmt *cnt = NULL;
    if (sqlite3_exec(f->db,
                     "CREATE VIRTUAL TABLE IF NOT EXISTS temp.kofts_vocab USING "
                     "fts5vocab(main, 'fts', 'row')",
                     NULL, NULL, NULL) == SQLITE_OK &&
        sqlite3_prepare_v3(f->db, "SELECT doc FROM temp.kofts_vocab WHERE term = ?1", -1,
                           SQLITE_PREPARE_PERSISTENT, &f->st_vocab, NULL) == SQLITE_OK &&
        sqlite3_exec(f->db,
                     "CREATE VIRTUAL TABLE IF NOT EXISTS temp.kofts_vocab_i USING "
                     "fts5vocab(main, 'fts', 'instance')",
                     NULL, NULL, NULL) == SQLITE_OK &&
        sqlite3_prepare_v3(f->db,
                           "SELECT count(*) FROM (SELECT doc FROM temp.kofts_vocab_i WHERE term = "
                           "?1 UNION SELECT doc FROM temp.kofts_vocab_i WHERE term = '~' || ?1)",
                           -1, SQLITE_PREPARE_PERSISTENT, &f->st_vocab2, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(f->db, "SELECT count(*) FROM docs", -1, &cnt, NULL) == SQLITE_OK &&
        sqlite3_step(cnt) == SQLITE_ROW)
        f->n_docs = sqlite3_column_int64(cnt, 0);
    sqlite3_finalize(cnt);
}

int kofts_backend_fts5_open(kofts_backend **out, const char *path, char **errmsg)
{
    int rc = 0;
    fts5_backend *f = NULL;
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (!(f = calloc(1, sizeof *f))) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    f->df_version = -1;
    f->base = (kofts_backend){KOFTS_BACKEND_VERSION,
                              "fts5",
                              f_close,
                              f_errmsg,
                              f_doc_count,
                              f_token_df,
                              f_describe,
                              f_count,
                              f_run,
                              f_doc,
                              f_stats,
                              f_snapshot,
                              f_set_stop,
                              f_warnings,
                              NULL};
    if ((rc = kofts_store_open(&f->store, path, KOFTS_STORE_READONLY, errmsg)))
        goto done;
    f->db = kofts_store_db(f->store);
    if (kofts_rank_register(f->db, &f->rank) != SQLITE_OK) {
        if (errmsg) {
            char m[600];
            kofts_errfmt(m, sizeof m, path, "cannot register the ranking function: %s",
                         sqlite3_errmsg(f->db));
            *errmsg = strdup(m);
        }
        rc = KOFTS_EIO;
        goto done;
    }
    struct {
        sqlite3_stmt **st;
        const char *sql;
    } stmts[] = {{&f->st_plain, sql_plain},
                 {&f->st_rel, sql_rel},
                 {&f->st_date, sql_date},
                 {&f->st_count, sql_count},
                 {&f->st_count_plain, sql_count_plain},
                 {&f->st_doc, sql_doc},
                 {&f->st_all, sql_browse},
                 {&f->st_all_n, sql_browse_count}};
    for (size_t i = 0; i < sizeof stmts / sizeof stmts[0]; i++) {
        if (sqlite3_prepare_v3(f->db, stmts[i].sql, -1, SQLITE_PREPARE_PERSISTENT, stmts[i].st,
                               NULL) != SQLITE_OK) {
            if (errmsg) {
                char *m = sqlite3_mprintf("%s: not a usable kofts index (%s); rebuild it with "
                                          "`kofts-index --full`",
                                          path, sqlite3_errmsg(f->db));
                *errmsg = m ? strdup(m) : NULL;
                sqlite3_free(m);
            }
            rc = KOFTS_EVERSION;
            goto done;
        }
    }
    open_vocab(f);
    *out = &f->base;
    f = NULL;
done:
    f_close(f ? &f->base : NULL);
    return rc;
}

int kofts_backend_open(kofts_backend **out, const char *path, int flags, char **errmsg)
{
    struct stat sb;
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/iamglass", path);
    if (kofts_xs_is_stub(path) || stat(probe, &sb) == 0)
        return kofts_backend_xapian_open(out, path, flags, 0, errmsg);
    return kofts_backend_fts5_open(out, path, errmsg);
}
