/*
 * kofts_rank.h - kofts_rank(), an FTS5 auxiliary ranking function.
 *
 *   SELECT rowid, kofts_rank(fts, w0, ..., w5 [, coord, groups]) AS score
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

/* Register kofts_rank on db (needs FTS5). Returns an SQLITE_* code. */
int kofts_rank_register(sqlite3 *db);

#endif /* KOFTS_RANK_H */
