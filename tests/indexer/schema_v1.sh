#!/bin/sh
# schema_v1.sh - stored text under schema 2: bodies deflated in doc_store and read back
# as plain text through the docs view (kofts-index-sql, kofts-search snippets, the FTS5
# integrity-check); an index of schema 1 (a plain docs table) is refused with a message
# that says to rebuild it, and `kofts-index --full` rebuilds it in place. Schema 3: the
# zstd dictionary trained on the first bodies, kept in doc_dict and used by later runs
# (S40-S52); a schema-2 index is refused.
# usage: schema_v1.sh KOFTS_INDEX KOFTS_INDEX_SQL KOFTS_SEARCH
set -u
IDX=$1
SQL=$2
SEARCH=$3
. "$(dirname "$0")/../lib.sh"
command -v sqlite3 >/dev/null 2>&1 || skip "no sqlite3 shell (scripts/install-deps.sh)"
scratch schema-test
cd "$T" || exit 1

# a long body (deflated) and a short one (kept as TEXT)
long="한강은 서울을 가로지르는 강이다. 조선의 수도 한양은 한강 북쪽에 자리 잡았다."
i=0
while [ $i -lt 5 ]; do long="$long $long"; i=$((i + 1)); done
printf '{"id":"long","title":"한강 이야기","body":"%s 마지막 문장에 용산역이 나온다."}\n' "$long" > docs.jsonl
printf '{"id":"short","title":"짧은 글","body":"고양이가 잔다."}\n' >> docs.jsonl

"$IDX" --db a.db docs.jsonl 2>err || fail S01-index "$(cat err)"
same S02-blob-and-text "$("$SQL" a.db "SELECT id, typeof(body) FROM doc_store ORDER BY id")" "long	blob
short	text"
same S03-docs-view-text "$("$SQL" a.db "SELECT typeof(body), length(CAST(body AS BLOB)) > 2000 FROM docs WHERE id='long'")" "text	1"
same S04-short-body "$("$SQL" a.db "SELECT body FROM docs WHERE id='short'")" "고양이가 잔다."
same S05-stored-smaller "$("$SQL" a.db "SELECT length(d.body) < length(CAST(s.body AS BLOB)) / 2 FROM doc_store d JOIN docs s USING(rowid) WHERE s.id='long'")" "1"
integrity() { out=$("$SQL" "$2" "INSERT INTO fts(fts) VALUES('integrity-check')" 2>&1); same "$1" "$?:$out" "0:"; }
integrity S06-integrity a.db
out=$("$SEARCH" --db a.db --highlight '[,]' 용산역 2>&1)
has S07-snippet-from-deflated-body "$out" "[용산역]"
# a changed body: the FTS5 'delete' reads the old text back through fts_content
sed 's/용산역/서울역/' docs.jsonl > docs2.jsonl && mv docs2.jsonl docs.jsonl
# same size (both words are 9 bytes): kofts-index sees a change by size or mtime (whole
# seconds), so give the edit a later mtime, as an edit a second later would have
touch -d "@$(($(stat -c %Y docs.jsonl) + 2))" docs.jsonl
"$IDX" --db a.db docs.jsonl 2>err || fail S08-update "$(cat err)"
out=$("$SEARCH" --db a.db --json 용산역 2>&1); rc=$?
same S09-old-word-gone "$rc:$out" "0:"
has S10-new-word "$("$SEARCH" --db a.db --json 서울역 2>&1)" '"id":"long"'
integrity S11-integrity-after-update a.db

# schema 1: a docs table with plain bodies
sqlite3 old.db "CREATE TABLE kofts_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO kofts_meta VALUES('schema_version','1'),('analyzer_version','kofts-analyzer-4');
CREATE TABLE files(path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, hash TEXT) WITHOUT ROWID;
CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body TEXT NOT NULL DEFAULT '');
INSERT INTO docs(id, body) VALUES('old', '옛 본문');
PRAGMA user_version=1;" || fail S20-make-v1 "sqlite3 failed"
out=$("$SEARCH" --db old.db 본문 2>&1); rc=$?
same S21-search-refuses-v1 "$rc" "1"
has S22-search-message "$out" "old.db: index was built with schema 1"
has S23-says-rebuild "$out" "rebuild it with \`kofts-index --full\`"
"$IDX" --db old.db docs.jsonl 2>err; rc=$?
same S24-index-refuses-v1 "$rc" "1"
has S25-index-message "$(cat err)" "built with schema 1"
"$IDX" --db old.db --full docs.jsonl 2>err || fail S26-full-rebuilds "$(cat err)"
same S27-rebuilt "$("$SQL" old.db "SELECT group_concat(id) FROM (SELECT id FROM docs ORDER BY id)")" "long,short"
same S28-rebuilt-schema "$("$SQL" old.db "SELECT value FROM kofts_meta WHERE key='schema_version'")" "5"
has S29-rebuilt-search "$("$SEARCH" --db old.db --json 고양이 2>&1)" '"id":"short"'

# schema 3: 200 short articles; the first build trains a dictionary on their bodies
n=0
: > many.jsonl
while [ $n -lt 200 ]; do
    b="제${n}회 정기 회의에서 위원회는 예산 $((n * 37 % 900))억 원을 심의했다. 회의는 서울 본관 $((n % 9 + 1))층에서 열렸고 위원 $((n % 7 + 3))명이 참석했다. 다음 회의는 $((n % 12 + 1))월 $((n % 28 + 1))일에 열린다. 주민 $((n * 13 % 500))명이 방청을 신청했고 시민 단체 $((n % 5 + 1))곳이 의견서를 냈다. 안건 ${n}번은 보류되었다."
    printf '{"id":"d%d","title":"회의록 %d","body":"%s"}\n' $n $n "$b" >> many.jsonl
    n=$((n + 1))
done
"$IDX" --db c.db many.jsonl 2>err || fail S40-index "$(cat err)"
same S41-one-dict "$("$SQL" c.db "SELECT count(*) FROM doc_dict")" "1"
dict=$("$SQL" c.db "SELECT id FROM doc_dict")
same S42-bodies-read "$("$SQL" c.db "SELECT count(*) FROM docs WHERE body LIKE '%안건 %번은 보류되었다.'")" "200"
integrity S43-integrity c.db
has S44-search "$("$SEARCH" --db c.db --highlight '[,]' 방청을 2>&1)" "[방청]"
# a first build of 3,000 bodies on 2 workers: the bodies the workers compressed while the
# writer trained the dictionary are compressed again with it (no frame without a dictionary id:
# the low 2 bits of a zstd frame's 5th byte)
n=0
while [ $n -lt 3000 ]; do
    b="제${n}회 정기 회의에서 위원회는 예산 $((n * 37 % 900))억 원을 심의했다. 회의는 서울 본관 $((n % 9 + 1))층에서 열렸고 위원 $((n % 7 + 3))명이 참석했다. 다음 회의는 $((n % 12 + 1))월 $((n % 28 + 1))일에 열린다. 주민 $((n * 13 % 500))명이 방청을 신청했고 시민 단체 $((n % 5 + 1))곳이 의견서를 냈다. 안건 ${n}번은 보류되었다."
    printf '{"id":"m%d","body":"%s %s"}\n' $n "$b" "$b"
    n=$((n + 1))
done > flight.jsonl
"$IDX" --db f.db --jobs 2 flight.jsonl 2>err || fail S53-index "$(cat err)"
same S54-every-frame-has-the-dict "$("$SQL" f.db "SELECT count(*) FROM doc_store WHERE typeof(body) = 'blob' AND (instr('0123456789ABCDEF', substr(hex(body), 10, 1)) - 1) % 4 = 0")" "0"
same S55-frames "$("$SQL" f.db "SELECT count(*) > 2900 FROM doc_store WHERE typeof(body) = 'blob'")" "1"
# a document replaced by a later one of the same id before the dictionary exists keeps the
# later body: the earlier body, kept as a training sample, is not written back over it (here
# the later body is too short to compress, so it is no sample itself)
n=0
while [ $n -lt 1500 ]; do
    b="제${n}회 정기 회의에서 위원회는 예산 $((n * 37 % 900))억 원을 심의했다. 안건 ${n}번은 보류되었다."
    case $n in
    5) printf '{"id":"dup","body":"%s %s"}\n' "$b" "$b" ;;
    600) printf '{"id":"dup","body":"짧은 새 본문"}\n' ;;
    *) printf '{"id":"s%d","body":"%s %s"}\n' $n "$b" "$b" ;;
    esac
    n=$((n + 1))
done > dup.jsonl
"$IDX" --db d.db --jobs 2 dup.jsonl 2>err || fail S56-index "$(cat err)"
same S57-later-body-kept "$("$SQL" d.db "SELECT body FROM docs WHERE id='dup'")" "짧은 새 본문"
integrity S58-integrity d.db
cp c.db nodict.db
"$SQL" nodict.db "DELETE FROM doc_dict" >/dev/null 2>&1
has S45-bodies-need-it "$("$SQL" nodict.db "SELECT body FROM docs WHERE id='d3'" 2>&1)" "needs dictionary $dict"
# an incremental run: a new and a changed document are compressed with the same dictionary
sed 's/안건 7번은 보류되었다/안건 7번은 가결되었다/' many.jsonl > m2.jsonl
printf '{"id":"new","title":"회의록 새","body":"%s 새 안건은 가결되었다."}\n' "$b" >> m2.jsonl
mv m2.jsonl many.jsonl
touch -d "@$(($(stat -c %Y many.jsonl) + 2))" many.jsonl
"$IDX" --db c.db many.jsonl 2>err || fail S46-update "$(cat err)"
same S47-same-dict "$("$SQL" c.db "SELECT group_concat(id) FROM doc_dict")" "$dict"
same S48-changed-read "$("$SQL" c.db "SELECT count(*) FROM docs WHERE body LIKE '%가결되었다.'")" "2"
integrity S49-integrity-after-update c.db
cp c.db nodict.db
"$SQL" nodict.db "DELETE FROM doc_dict" >/dev/null 2>&1
has S50-new-body-needs-it "$("$SQL" nodict.db "SELECT body FROM docs WHERE id='new'" 2>&1)" "needs dictionary $dict"
# schema 2 (no doc_dict): refused with the rebuild message
"$SQL" c.db "UPDATE kofts_meta SET value='2' WHERE key='schema_version'" >/dev/null 2>&1
out=$("$SEARCH" --db c.db 회의 2>&1); rc=$?
same S51-search-refuses-v2 "$rc" "1"
has S52-v2-message "$out" "c.db: index was built with schema 2"

finish schema_v1
