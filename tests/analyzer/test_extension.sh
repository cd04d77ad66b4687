#!/bin/sh
# The loadable extension works from the sqlite3 shell (skip when the shell is absent).
set -eu
ext="$1"
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 shell not installed: skipping"; exit 77; }
out=$(sqlite3 :memory: <<SQL
.load ${ext%.so}
CREATE VIRTUAL TABLE t USING fts5(body, tokenize='kofts');
INSERT INTO t VALUES('과학기술정보통신부가 광주와 밸리를 발표했다');
INSERT INTO t VALUES('국가구조 개편');
SELECT count(*) FROM t WHERE t MATCH '광주';
SELECT count(*) FROM t WHERE t MATCH '과학기술정보통신부';
SELECT count(*) FROM t WHERE t MATCH '가구';
SQL
)
expected="1
1
0"
[ "$out" = "$expected" ] || { echo "unexpected output: $out"; exit 1; }
echo ok
