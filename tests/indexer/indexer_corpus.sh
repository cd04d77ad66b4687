#!/bin/sh
# indexer_corpus.sh - integration test on real posts: index corpus/sample (the repo's
# Korean sample posts) and ../shared/corpus/seed-format (when present), then check
# counts, fields, dates, FTS5 integrity, and that every article is found by a word
# from its own body. Exits 77 (skip) when neither folder has posts.
# usage: indexer_corpus.sh KOFTS_INDEX KOFTS_INDEX_SQL SAMPLE_DIR SHARED_CORPUS_DIR
set -u
IDX=$1
SQL=$2
SAMPLE=$3
SHARED=$4
. "$(dirname "$0")/../lib.sh"
scratch index-corpus
RAN=0
q() { "$SQL" "$1" "$2"; }

# check_set NAME DIR EXPECTED_POSTS
check_set() {
  name=$1 dir=$2 n=$3 db="$T/$1.db"
  "$IDX" --db "$db" "$dir" 2>"$T/err"; rc=$?
  [ $rc -eq 0 ] || { fail "$name" "exit $rc"; cat "$T/err" >&2; }
  got=$(q "$db" "SELECT count(*) FROM docs WHERE id GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-*'")
  [ "$got" = "$n" ] || fail "$name-count" "$got dated posts, expected $n"
  bad=$(q "$db" "SELECT id FROM docs WHERE id GLOB '[0-9]*' AND (title = '' OR body = '' OR categories = '' OR date <> substr(id, 1, 10))")
  [ -z "$bad" ] || fail "$name-fields" "posts with a missing title/body/category or wrong date: $bad"
  ok=$(q "$db" "INSERT INTO fts(fts) VALUES('integrity-check'); SELECT 'ok'" 2>&1)
  [ -z "$ok" ] || fail "$name-integrity" "$ok"
  # every article is found by a word of its body (the 2nd word without any ASCII)
  q "$db" "SELECT rowid, replace(replace(body, char(10), ' '), char(9), ' ') FROM docs WHERE id GLOB '[0-9]*'" > "$T/bodies"
  while IFS='	' read -r rowid body; do
    word=$(printf '%s\n' "$body" | tr ' ' '\n' | grep -v '[ -~]' | grep -v '[“”‘’·…]' | sed -n 2p)
    [ -n "$word" ] || continue
    hit=$(q "$db" "SELECT count(*) FROM fts WHERE fts MATCH '\"$word\"' AND rowid = $rowid")
    [ "$hit" = 1 ] || fail "$name-search" "doc $rowid not found by its body word '$word'"
  done < "$T/bodies"
  # a second run changes nothing
  "$IDX" --db "$db" "$dir" 2>"$T/err"
  grep -q "indexed 0, updated 0, unchanged $(q "$db" 'SELECT count(*) FROM docs')," "$T/err" ||
    fail "$name-rerun" "$(cat "$T/err")"
  RAN=1
}

ns=$(ls "$SAMPLE" 2>/dev/null | grep -c '^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-.*\.md$')
if [ "$ns" -gt 0 ]; then
  check_set sample "$SAMPLE" "$ns"
else
  echo "note: $SAMPLE has no posts yet; skipping it" >&2
fi
if [ -d "$SHARED/seed-format" ]; then
  check_set seed "$SHARED/seed-format" 20
  # the seed posts keep their front matter title and the table text
  got=$(q "$T/seed.db" "SELECT title FROM docs WHERE id='2024-03-01-kq5935700-0.md'")
  [ "$got" = "하현우" ] || fail seed-title "title '$got'"
  got=$(q "$T/seed.db" "SELECT count(*) FROM docs WHERE body LIKE '%KorQuAD 1.0 dev%' AND extra <> ''")
  [ "$got" = 20 ] || fail seed-table "$got posts with table text and image alt"
else
  echo "note: $SHARED/seed-format not found; skipping it" >&2
fi
[ $RAN -eq 1 ] || skip "no sample posts and no shared corpus"
finish indexer_corpus
