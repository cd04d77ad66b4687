/*
 * kofts_rank.h - kofts_rank(), an FTS5 auxiliary ranking function.
 *
 *   SELECT rowid, kofts_rank(fts, w0, ..., w5 [, coord, groups [, keys]]) AS score
 *   FROM fts WHERE fts MATCH ?1 ORDER BY score DESC LIMIT 10
 *
 * With the six column weights only it returns exactly -bm25(fts, w0, ..., w5) (the
 * same Okapi BM25 as FTS5's own bm25(), Robertson & Zaragoza 2009, the same
 * arithmetic in the same order, so the same ranking), but reads each phrase's own
 * positions (xPhraseFirst/xPhraseNext) instead of building the merged instance list
 * of every phrase for every row (xInstCount/xInst), which is what bm25() spends most
 * of its time on in kofts's many-phrase any-word expressions.
 *
 * With two more arguments it adds a coordination factor: `groups` is a text with one
 * group number per phrase of the expression, in expression order, separated by
 * commas (-1: a phrase that does not count, e.g. one after NOT); a row gets
 * `coord` * (number of distinct groups it matches) on top of its BM25 score, so with
 * a large coord the rows holding more query words come first, by BM25 within a
 * count. Used for the one-pass any-word reading (searcher/README.md).
 */
#ifndef KOFTS_RANK_H
#define KOFTS_RANK_H

#include <sqlite3.h>

typedef struct kofts_rank_state kofts_rank_state;

/*
 * Register kofts_rank on db (needs FTS5). When state is not NULL, *state gets the
 * function's per-connection state (borrowed: freed when db is closed), which can
 * hold every row's length (kofts_rank_refresh). Returns an SQLITE_* code.
 */
int kofts_rank_register(sqlite3 *db, kofts_rank_state **state);

/*
 * Keep an in-memory copy of the row lengths of FTS5 table `table` (the sum of its
 * %_docsize entries, what xColumnSize(-1) reads with one B-tree lookup per row), so
 * that kofts_rank reads a row's length from memory. Reloaded when the file's
 * data version (SQLITE_FCNTL_DATA_VERSION) says the database changed (which also empties the
 * phrase row-count cache; the cache is used only after a successful refresh); call it
 * inside the read transaction of the query. Rows the copy does not hold (or any failure: the copy
 * is then dropped) fall back to xColumnSize, so scores never change. Returns an SQLITE_* code.
 */
int kofts_rank_refresh(kofts_rank_state *st, const char *table);

#endif /* KOFTS_RANK_H */
