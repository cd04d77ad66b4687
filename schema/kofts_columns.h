/*
 * kofts_columns.h - the one table of index columns: every place that spells out the
 * indexed fields (schema, writers, search backends, bench, tests) goes through it.
 *
 *   column   weight  role    FTS5 column   Xapian term prefix, position range
 *   body       1.0   word    body          XB  2
 *   title     10.0   word    title         S   0
 *   excerpt    3.0   word    excerpt       XE  1
 *   extra      0.5   word    extra         XX  3
 *   tags       2.0   word    tags          K   4
 *   bigram     1.0   bigram  bigram        XG  5
 *
 * The order is the order of the FTS5 table in schema/001_init.sql (a test checks it).
 * Body comes first because FTS5 writes a 2-byte column marker before the positions of
 * every (term, row) outside column 0, and body holds as many (term, row) pairs as the
 * bigram column and 33x the title's: on ../shared/corpus body first makes the index 3.7
 * MB (10%) smaller than title first, with the same matches and scores. Users see the
 * columns in kofts_columns_listing's order (title first: --weights, --help). The Xapian
 * position ranges (kofts_xs_pos) keep Xapian layout 2 as it was.
 * Weights are BM25 field weights (tuned on ../shared/corpus, see searcher/README.md).
 */
#ifndef KOFTS_COLUMNS_H
#define KOFTS_COLUMNS_H

/* Column indexes, in FTS5 table order. */
enum {
    KOFTS_COL_BODY,
    KOFTS_COL_TITLE,
    KOFTS_COL_EXCERPT,
    KOFTS_COL_EXTRA,
    KOFTS_COL_TAGS,
    KOFTS_COL_BIGRAM,
    KOFTS_NCOLS
};

typedef enum {
    KOFTS_ROLE_WORD = 0,  /* analysed in word mode (surface + colocated variants) */
    KOFTS_ROLE_BIGRAM = 1 /* analysed in bigram mode (Hangul syllable bigrams) */
} kofts_col_role;

typedef struct {
    const char *name;    /* FTS5 column name */
    double weight;       /* default BM25 field weight */
    kofts_col_role role; /* how its text is analysed */
    const char *xprefix; /* Xapian term prefix */
    unsigned xrange;     /* Xapian: which position range its bare terms use (kofts_xs_pos) */
} kofts_column;

/* The table, KOFTS_NCOLS rows indexed by KOFTS_COL_*; static storage. */
extern const kofts_column kofts_columns[KOFTS_NCOLS];

/* The columns in the order users see them (title, excerpt, body, extra, tags, bigram):
 * the numbers of --weights, listings. */
extern const int kofts_columns_listing[KOFTS_NCOLS];

/* Field weights, one per column, indexed by KOFTS_COL_*. */
typedef struct {
    double w[KOFTS_NCOLS];
} kofts_weights;

/* The default weights (kofts_columns[i].weight). */
kofts_weights kofts_columns_default_weights(void);

#endif /* KOFTS_COLUMNS_H */
