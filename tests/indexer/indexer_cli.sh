#!/bin/sh
# indexer_cli.sh - integration tests of kofts-index: every input format, every bad-input
# case of issue 3 (exact stderr line + the good documents around it still indexed),
# incremental runs, --prune, --full, --optimize, stdin, exit codes, SIGINT, FTS5
# integrity-check.
# Inputs are built at run time in a temporary folder.
# usage: indexer_cli.sh KOFTS_INDEX KOFTS_INDEX_SQL
set -u
IDX=$1
SQL=$2
. "$(dirname "$0")/../lib.sh"
scratch index-test
cd "$T" || exit 1

# run CASE ARGS... : run kofts-index, stderr in $T/err, exit status in $RC
run() { c=$1; shift; "$IDX" "$@" 2>"$T/err" >"$T/out"; RC=$?; }
expect_rc() { [ "$RC" -eq "$2" ] || { fail "$1" "exit $RC, expected $2"; sed 's/^/  | /' "$T/err" >&2; }; }
expect_err() { grep -Fxq -- "$2" "$T/err" || { fail "$1" "missing stderr line: $2"; sed 's/^/  | /' "$T/err" >&2; }; }
no_err() { if grep -Fq -- "$2" "$T/err"; then fail "$1" "unexpected stderr: $2"; fi; }
# q DB SQL -> prints result
q() { "$SQL" "$1" "$2"; }
expect_q() { got=$(q "$2" "$3" 2>&1); [ "$got" = "$4" ] || fail "$1" "$3 -> '$got', expected '$4'"; }
check_integrity() {
  expect_q "$1" "$2" "INSERT INTO fts(fts) VALUES('integrity-check'); SELECT 'ok'" ""
  expect_q "$1" "$2" "PRAGMA integrity_check" "ok"
  expect_q "$1" "$2" "SELECT (SELECT count(*) FROM docs) - (SELECT count(*) FROM fts_content)" "0"
}
summary() { grep -F 'kofts-index: indexed ' "$T/err" | sed 's/ in [0-9.]* s (.*//'; }
expect_summary() { s=$(summary); [ "$s" = "kofts-index: $2" ] || fail "$1" "summary '$s', expected '$2'"; }

# ---------------------------------------------------------------- formats
mkdir -p fmt/sub fmt/.hidden fmt/_site
cat > fmt/2024-03-01-post.md <<'X'
---
title: '고양이 기사'
categories:
  - 동물
  - 생활
tags: 반려동물 고양이
excerpt: >
  고양이 요약 문장.
permalink: /2024/cat
---
<p>고양이는 <b>귀여운</b> 동물이다 &amp; 사람과 산다.</p>
<p><img src="c.png" alt="고양이 사진"></p>
<table><tr><td>셀하나</td><td>셀둘</td></tr></table>
<script>var hidden = "스크립트비밀";</script>
X
cat > fmt/page.html <<'X'
<html><head><title>강아지 페이지</title><style>p{color:red}</style></head>
<body><h2>소제목</h2><p>강아지는 충성스럽다&nbsp;그리고 &#xAC00;볍다.</p></body></html>
X
printf '\n  \n코끼리 메모\n코끼리는 크다.\n' > fmt/note.txt
cat > fmt/dump.jsonl <<'X'
{"id": "j1", "title": "호랑이 뉴스", "body": "호랑이가 산에 산다.", "category": "동물", "date": "2020-05-06"}
{"id": "j2", "title": "사자 뉴스", "text": "사자는 초원에 산다.", "categories": ["동물", "아프리카"], "tags": ["맹수"]}
{"id": 3, "title": "여우 뉴스", "content": "여우는 꾀가 많다."}
X
printf '%s\n%s\n' '{"id":"g1","title":"gzip one","body":"펭귄은 남극에 산다."}' \
  '{"id":"g2","title":"gzip two","body":"북극곰은 북극에 산다."}' | gzip -c > fmt/more.ndjson.gz
printf -- '---\ntitle: 깊은 폴더\n---\n두더지 이야기\n' > fmt/sub/deep.md
printf -- '---\ntitle: 숨김\n---\n숨은 문서\n' > fmt/.hidden/h.md
printf -- '---\ntitle: 사이트\n---\n생성된 문서\n' > fmt/_site/s.md
printf 'ignored' > fmt/image.png

run formats --db f.db fmt
expect_rc formats 0
expect_summary formats "indexed 9, updated 0, unchanged 0, removed 0, skipped 0, warnings 0"
expect_q formats-count f.db "SELECT count(*) FROM docs" "9"
expect_q formats-post f.db "SELECT title, categories, tags, date, excerpt, url, extra FROM docs WHERE id='2024-03-01-post.md'" \
"고양이 기사	동물
생활	반려동물
고양이	2024-03-01	고양이 요약 문장.	/2024/cat	고양이 사진"
expect_q formats-post-body f.db "SELECT body FROM docs WHERE id='2024-03-01-post.md'" \
"고양이는 귀여운 동물이다 & 사람과 산다.
셀하나 셀둘"
expect_q formats-html f.db "SELECT title, body FROM docs WHERE id='page.html'" "강아지 페이지	소제목
강아지는 충성스럽다 그리고 가볍다."
expect_q formats-text f.db "SELECT title, body FROM docs WHERE id='note.txt'" "코끼리 메모	코끼리는 크다."
expect_q formats-jsonl f.db "SELECT id, title, categories, tags, date, source FROM docs WHERE source='fmt/dump.jsonl' ORDER BY id" \
"3	여우 뉴스				fmt/dump.jsonl
j1	호랑이 뉴스	동물		2020-05-06	fmt/dump.jsonl
j2	사자 뉴스	동물
아프리카	맹수		fmt/dump.jsonl"
expect_q formats-gz f.db "SELECT id FROM docs WHERE source='fmt/more.ndjson.gz' ORDER BY id" "g1
g2"
expect_q formats-sub f.db "SELECT id FROM docs WHERE title='깊은 폴더'" "sub/deep.md"
expect_q formats-hidden f.db "SELECT count(*) FROM docs WHERE title IN ('숨김','사이트')" "0"
expect_q formats-category f.db "SELECT count(*) FROM doc_category WHERE category='동물'" "3"
expect_q formats-search f.db "SELECT d.id FROM fts JOIN docs d ON d.rowid=fts.rowid WHERE fts MATCH '펭귄'" "g1"
expect_q formats-search-html f.db "SELECT d.id FROM fts JOIN docs d ON d.rowid=fts.rowid WHERE fts MATCH '충성스럽다'" "page.html"
expect_q formats-no-script f.db "SELECT count(*) FROM docs WHERE body LIKE '%스크립트비밀%'" "0"
expect_q formats-files f.db "SELECT count(*) FROM files" "6"
check_integrity formats f.db

# ---------------------------------------------------------------- incremental
run incr-same --db f.db fmt
expect_rc incr-same 0
expect_summary incr-same "indexed 0, updated 0, unchanged 9, removed 0, skipped 0, warnings 0"
touch -d '2001-01-01' fmt/note.txt fmt/dump.jsonl   # new mtime, same content
run incr-touch --db f.db fmt
expect_summary incr-touch "indexed 0, updated 0, unchanged 9, removed 0, skipped 0, warnings 0"
sed -i 's/귀여운/사랑스러운/' fmt/2024-03-01-post.md
cat > fmt/dump.jsonl <<'X'
{"id": "j1", "title": "호랑이 뉴스", "body": "호랑이가 산에 산다.", "category": "동물", "date": "2020-05-06"}
{"id": "j2", "title": "사자 뉴스 수정", "text": "사자는 초원에서 잔다.", "categories": ["동물"]}
X
run incr-update --db f.db fmt
expect_summary incr-update "indexed 0, updated 2, unchanged 6, removed 1, skipped 0, warnings 0"
expect_q incr-update-body f.db "SELECT count(*) FROM docs WHERE body LIKE '%사랑스러운%'" "1"
expect_q incr-update-search f.db "SELECT count(*) FROM fts WHERE fts MATCH '귀여운'" "0"
expect_q incr-update-search2 f.db "SELECT d.id FROM fts JOIN docs d ON d.rowid=fts.rowid WHERE fts MATCH '사랑스러운'" "2024-03-01-post.md"
expect_q incr-update-cat f.db "SELECT count(*) FROM doc_category c JOIN docs d ON d.rowid=c.rowid WHERE d.id='j2'" "1"
check_integrity incr-update f.db
rm fmt/note.txt
# a deleted file: --keep-missing keeps its documents, the default removes them and says so
run incr-keep --db f.db --keep-missing fmt
expect_summary incr-keep "indexed 0, updated 0, unchanged 7, removed 0, skipped 0, warnings 0"
expect_q incr-keep-kept f.db "SELECT count(*) FROM docs WHERE id='note.txt'" "1"
run incr-deleted --db f.db fmt
expect_summary incr-deleted "indexed 0, updated 0, unchanged 7, removed 1, skipped 0, warnings 0"
expect_err incr-deleted "kofts-index: removed the documents of 1 deleted file (--keep-missing keeps them)"
expect_q incr-deleted-gone f.db "SELECT count(*) FROM docs WHERE id='note.txt'" "0"
expect_q incr-deleted-files f.db "SELECT count(*) FROM files WHERE path='fmt/note.txt'" "0"
check_integrity incr-deleted f.db
run incr-prune-keep --db f.db --prune --keep-missing fmt; expect_rc incr-prune-keep 2
# only the SOURCEs named: a file deleted from another indexed folder stays until that
# folder is walked again (or --prune)
mkdir -p other && printf '다른 폴더 메모\n' > other/o.txt
run incr-other --db f.db other; expect_rc incr-other 0
rm other/o.txt
run incr-other-kept --db f.db fmt
expect_summary incr-other-kept "indexed 0, updated 0, unchanged 7, removed 0, skipped 0, warnings 0"
expect_q incr-other-kept f.db "SELECT count(*) FROM docs WHERE id='o.txt'" "1"
run incr-prune --db f.db --prune fmt
expect_summary incr-prune "indexed 0, updated 0, unchanged 7, removed 1, skipped 0, warnings 0"
expect_q incr-prune-gone f.db "SELECT count(*) FROM docs WHERE id='o.txt'" "0"
check_integrity incr-prune f.db
run incr-full --db f.db --full fmt
expect_summary incr-full "indexed 7, updated 0, unchanged 0, removed 0, skipped 0, warnings 0"
expect_q incr-full-count f.db "SELECT count(*) FROM docs" "7"
check_integrity incr-full f.db

# ---------------------------------------------------------------- racy edits
# A same-size rewrite in the second the file was indexed keeps size and whole-second
# mtime: the run that read it must not record that mtime as proof of "unchanged".
# The clock is not ours to stop, so the file's mtime is set ahead of it: to the
# indexer it always looks written "this second or later". Both the post and the
# JSONL dump are checked (one compared by content hash, one re-parsed).
mkdir -p racy
future=$(($(date +%s) + 3600))
printf '%s\n' '---' 'title: 오리' '---' '오리는 호수에 산다.' > racy/a.md
printf '%s\n' '{"id":"r1","title":"거위","body":"거위는 강가에 산다."}' > racy/r.jsonl
touch -d "@$future" racy/a.md racy/r.jsonl
run racy-first --db r.db racy; expect_rc racy-first 0
sed -i 's/호수/바다/' racy/a.md; sed -i 's/강가/들판/' racy/r.jsonl   # same byte length
touch -d "@$future" racy/a.md racy/r.jsonl
run racy-edit --db r.db racy; expect_rc racy-edit 0
expect_summary racy-edit "indexed 0, updated 2, unchanged 0, removed 0, skipped 0, warnings 0"
expect_q racy-edit-post r.db "SELECT count(*) FROM fts WHERE fts MATCH '바다'" "1"
expect_q racy-edit-jsonl r.db "SELECT count(*) FROM fts WHERE fts MATCH '들판'" "1"
expect_q racy-edit-old r.db "SELECT count(*) FROM fts WHERE fts MATCH '호수 OR 강가'" "0"
# an mtime in the past is trusted: nothing is read again
touch -d '2001-01-01' racy/a.md racy/r.jsonl
run racy-settle --db r.db racy
run racy-past --db r.db racy
expect_summary racy-past "indexed 0, updated 0, unchanged 2, removed 0, skipped 0, warnings 0"
expect_q racy-past-files r.db "SELECT count(*) FROM files WHERE mtime = -1" "0"
check_integrity racy r.db

# ---------------------------------------------------------------- stdin
cat fmt/dump.jsonl | "$IDX" --db s.db - 2>"$T/err"; RC=$?
expect_rc stdin 0
expect_summary stdin "indexed 2, updated 0, unchanged 0, removed 0, skipped 0, warnings 0"
expect_q stdin-source s.db "SELECT DISTINCT source FROM docs" "-"

# ---------------------------------------------------------------- bad input
mkdir -p bad/real
good() { printf -- '---\ntitle: %s\n---\n%s 본문입니다.\n' "$2" "$2" > "bad/$1"; }
good good1.md 좋은문서하나
good good2.md 좋은문서둘
printf -- '---\ntitle: 깨진글자\n---\n가나\377\376다 본문\n' > bad/badutf8.md
head -c 4096 /dev/urandom > bad/binary.md; printf '\000\000\000\000\000\000\000\000\000\000' >> bad/binary.md
: > bad/empty.md
printf '   \n\n' > bad/blank.md
printf -- '---\ntitle: 널문자\n---\n앞\000뒤 본문\n' > bad/nul.md
printf '\357\273\277---\ntitle: 바이트순서표시\n---\nBOM 본문\n' > bad/bom.md
printf -- '---\r\ntitle: 윈도줄끝\r\ncategories: [가, 나]\r\n---\r\n<p>CRLF 본문</p>\r\n' > bad/crlf.md
printf -- '---\ntitle: 닫히지않음\n본문 계속\n' > bad/unterminated.md
printf -- '---\ntitle: [열린괄호\n---\n잘못된야믈 본문\n' > bad/invalid.md
printf -- '---\n- 목록\n- 앞부분\n---\n목록앞부분 본문\n' > bad/listfront.md
printf -- '---\ntitle: 12345\n---\n숫자제목 본문\n' > bad/numtitle.md
printf -- '---\ntitle: 제목만있는글\n---\n' > bad/onlyfront.md
{
  printf -- '---\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
  for l in b c d e f g h i; do
    p=$(printf '%s' "abcdefghi" | cut -c$(( $(printf '%d' "'$l") - 97 )))
    printf '%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' $l $l $p $p $p $p $p $p $p $p $p
  done
  printf 'title: 웃음폭탄\ntags: *i\n---\n웃음 본문\n'
} > bad/laughs.md
yes '대용량 파일의 한 줄입니다 lorem ipsum' | head -c 52428800 > bad/big.md
{ i=0; while [ $i -lt 100000 ]; do printf '<div>'; i=$((i+1)); done; printf '깊은중첩 본문'; } > bad/deep.html
ln -s nowhere.md bad/dangling.md
ln -s self.md bad/self.md
ln -s .. bad/real/loop
printf 'outside\n' > outside.txt
ln -s "$T/outside.txt" bad/outside.txt
mkfifo bad/fifo.md
printf -- '---\ntitle: 줄바꿈이름\n---\n이상한 파일 이름 본문\n' > "bad/new
line.md"
printf -- '---\ntitle: 잘못된이름\n---\n잘못된 바이트 이름 본문\n' > "$(printf 'bad/bad\377name.md')"
cat > bad/dump.jsonl <<'X'
{"id": "b1", "title": "첫째 레코드", "body": "정상 레코드 하나"}
{"id": "b2", "title": "깨진 레코드", "body": 
{"id": "b3", "title": "셋째 레코드", "body": "정상 레코드 셋"}
{"id": "b1", "title": "중복 레코드", "body": "나중 레코드가 이긴다"}
X

run bad --db b.db bad
expect_rc bad 0
expect_err bad-utf8 "kofts-index: bad/badutf8.md: invalid UTF-8 replaced with U+FFFD"
expect_err bad-binary "kofts-index: bad/binary.md: binary file, skipped"
expect_err bad-empty "kofts-index: bad/empty.md: empty file, skipped"
expect_err bad-blank "kofts-index: bad/blank.md: empty file, skipped"
expect_err bad-nul "kofts-index: bad/nul.md: NUL bytes removed"
expect_err bad-unterminated "kofts-index: bad/unterminated.md:1: unterminated front matter (no closing ---), indexed as body"
expect_err bad-invalid "kofts-index: bad/invalid.md:3: front matter is not valid YAML (did not find expected ',' or ']'); recovered title"
expect_err bad-listfront "kofts-index: bad/listfront.md: front matter is not a mapping, ignored"
expect_err bad-numtitle "kofts-index: bad/numtitle.md: front matter: title is a number, used as text"
expect_err bad-laughs "kofts-index: bad/laughs.md: front matter: YAML aliases are not expanded, ignored"
expect_err bad-big "kofts-index: bad/big.md: file too large (52428800 bytes, limit 33554432; see --max-file-size), skipped"
expect_err bad-deep "kofts-index: bad/deep.html: deeply nested HTML (over 400 levels), parsed in pieces"
expect_err bad-dangling "kofts-index: bad/dangling.md: broken symlink, skipped"
expect_err bad-selfloop "kofts-index: bad/self.md: symlink loop, skipped"
expect_err bad-dirloop "kofts-index: bad/real/loop: symlink loop, skipped"
expect_err bad-outside "kofts-index: bad/outside.txt: symlink points outside SOURCE, skipped"
expect_err bad-fifo "kofts-index: bad/fifo.md: not a regular file, skipped"
expect_err bad-json "kofts-index: bad/dump.jsonl:2: invalid JSON near byte 50, skipped"
expect_err bad-dup "kofts-index: bad/dump.jsonl:4: duplicate id \"b1\" (also in bad/dump.jsonl), the later one wins"
no_err bad-bom "bad/bom.md"
no_err bad-crlf "bad/crlf.md"
no_err bad-onlyfront "bad/onlyfront.md"
expect_summary bad "indexed 17, updated 1, unchanged 0, removed 0, skipped 11, warnings 8"
expect_q bad-goods b.db "SELECT count(*) FROM docs WHERE title IN ('좋은문서하나','좋은문서둘','깨진글자','널문자','바이트순서표시','윈도줄끝','숫자제목 본문','12345','제목만있는글','웃음폭탄','줄바꿈이름','잘못된이름')" "11"
expect_q bad-utf8-body b.db "SELECT body FROM docs WHERE id='badutf8.md'" "가나��다 본문"
expect_q bad-nul-body b.db "SELECT body FROM docs WHERE id='nul.md'" "앞뒤 본문"
expect_q bad-crlf-cats b.db "SELECT categories, body FROM docs WHERE id='crlf.md'" "가
나	CRLF 본문"
expect_q bad-unterminated-body b.db "SELECT count(*) FROM docs WHERE id='unterminated.md' AND body LIKE '%본문 계속%'" "1"
expect_q bad-invalid-body b.db "SELECT title FROM docs WHERE id='invalid.md'" "[열린괄호"
expect_q bad-deep-body b.db "SELECT count(*) FROM docs WHERE id='deep.html' AND body LIKE '%깊은중첩 본문%'" "1"
expect_q bad-json-around b.db "SELECT id, title FROM docs WHERE source='bad/dump.jsonl' ORDER BY id" "b1	중복 레코드
b3	셋째 레코드"
expect_q bad-newline-name b.db "SELECT count(*) FROM docs WHERE id='new
line.md'" "1"
expect_q bad-search b.db "SELECT count(*) FROM fts WHERE fts MATCH '좋은문서둘'" "1"
check_integrity bad b.db

run bad-strict --db b.db --strict bad
expect_rc bad-strict 1

# a very long JSONL line is read past, never held whole
{ printf '{"id":"l1","body":"짧은 줄"}\n{"id":"l2","body":"'; head -c 3000000 /dev/zero | tr '\0' 'a'; printf '"}\n{"id":"l3","body":"마지막 줄"}\n'; } > long.jsonl
run longline --db l.db --max-file-size 1M long.jsonl
expect_rc longline 0
expect_err longline "kofts-index: long.jsonl:2: line too long (over 1048576 bytes; see --max-file-size), skipped"
expect_q longline-around l.db "SELECT id FROM docs ORDER BY id" "l1
l3"

# unreadable file (only meaningful when not root)
if [ "$(id -u)" != 0 ]; then
  mkdir -p unr; good() { :; }; printf 'x\n' > unr/a.txt; chmod 000 unr/a.txt
  run unreadable --db u.db unr
  expect_err unreadable "kofts-index: unr/a.txt: cannot read: Permission denied"
  chmod 644 unr/a.txt
fi

# ---------------------------------------------------------------- console: grouping, -q
# 7 posts symlinked from outside SOURCE: 3 messages, then one count line
mkdir -p outside grp
for i in 1 2 3 4 5 6 7; do printf '바깥 글 %s\n' "$i" > "outside/p$i.md"; ln -s "$T/outside/p$i.md" "grp/p$i.md"; done
printf '안쪽 글\n' > grp/in.md
run group --db g.db grp; expect_rc group 0
n=$(grep -c 'symlink points outside SOURCE, skipped$' "$T/err")
[ "$n" -eq 3 ] || fail group "expected 3 symlink messages, got $n"
expect_err group "kofts-index: 7 × symlink points outside SOURCE, skipped (3 shown; -v shows all)"
run group-verbose --db g.db -v grp; expect_rc group-verbose 0
n=$(grep -c 'symlink points outside SOURCE, skipped$' "$T/err")
[ "$n" -eq 7 ] || fail group-verbose "expected 7 symlink messages with -v, got $n"
no_err group-verbose "×"
# numbers and quoted ids do not split a kind: 4 duplicate ids are one kind
printf '%s\n' '{"id":"d1","body":"가"}' '{"id":"d1","body":"나"}' '{"id":"d2","body":"다"}' \
  '{"id":"d2","body":"라"}' '{"id":"d3","body":"마"}' '{"id":"d3","body":"바"}' \
  '{"id":"d4","body":"사"}' '{"id":"d4","body":"아"}' > dups.jsonl
run group-dups --db gd.db dups.jsonl; expect_rc group-dups 0
expect_err group-dups 'kofts-index: 4 × duplicate id "…", the later one wins (3 shown; -v shows all)'
# on a terminal, a message never lands on the progress line: each message starts a line
# or follows the line-clearing \r\033[K (script(1) gives a pty; bsdutils is essential)
if command -v script >/dev/null 2>&1 && command -v perl >/dev/null 2>&1; then
  rm -f tty.db; script -qec "'$IDX' --db tty.db -j 1 grp" /dev/null > tty.out 2>&1
  perl -0ne 'exit(/(?<![\n]|\e\[K)kofts-index: grp\//s ? 1 : 0)' tty.out ||
    fail tty-progress "a message is printed onto the progress line: $(od -c tty.out | head -5)"
  grep -q 'files, ' tty.out || fail tty-progress "no progress line on a terminal"
  # a first build ends by compacting, which can take minutes: the line says so
  grep -q 'files; compacting the index' tty.out || fail tty-compacting "no 'compacting' progress line"
else
  echo "note: script(1) or perl missing; progress-line case not exercised" >&2
fi
# JSON lines fields kofts does not read are reported once per file (not per record)
printf '%s\n' '{"id":"i1","title":"가","body":"나","permalink":"/x","author":"김"}' \
  '{"id":"i2","body":"다","text":"라","author":"이"}' '{"id":"i3","body":"마","permalink":"/y"}' > ign.jsonl
printf '%s\n' '{"id":"k1","title":"가","body":"나","tags":["t"],"date":"2024-01-02","url":"/u","excerpt":"e","categories":["c"]}' > known.jsonl
run ignored --db ig.db ign.jsonl known.jsonl; expect_rc ignored 0
expect_err ignored "kofts-index: ign.jsonl: fields not read (permalink, author, text), ignored; kofts reads id, title, body|text|content, excerpt, url, categories|category, tags, date"
n=$(grep -c 'fields not read' "$T/err")
[ "$n" -eq 1 ] || fail ignored "expected 1 'fields not read' line (once per file), got $n"
expect_summary ignored "indexed 4, updated 0, unchanged 0, removed 0, skipped 0, warnings 0"
# -q: everything skipped is said, not silent
mkdir -p allskip && printf '  \n' > allskip/a.md && : > allskip/b.md
run quiet-allskip --db qa.db -q allskip; expect_rc quiet-allskip 0
expect_err quiet-allskip "kofts-index: nothing indexed: every input (2) was skipped, see the messages above"
mkdir -p onlypng && printf 'png' > onlypng/a.png && printf 'css' > onlypng/b.css
run quiet-othertypes --db qo.db -q onlypng; expect_rc quiet-othertypes 0
expect_err quiet-othertypes "kofts-index: nothing indexed: no posts (.md .markdown .html .htm), JSON lines (.jsonl .ndjson) or .txt files in SOURCE, only 2 files of other types (--format reads them as one of these)"
run quiet-ok --db qo2.db -q fmt/page.html; expect_rc quiet-ok 0
[ -s "$T/err" ] && fail quiet-ok "-q with documents indexed printed: $(head -2 "$T/err")"

# ---------------------------------------------------------------- exit codes and usage
run usage-none; expect_rc usage-none 2
run usage-bad-opt --bogus x; expect_rc usage-bad-opt 2
# one unknown-option format for every kofts program (kofts-search: tests/searcher C10)
expect_err usage-bad-opt "kofts-index: unknown option '--bogus'"
expect_err usage-bad-opt "Try 'kofts-index --help' for more information."
run usage-bad-short -x fmt; expect_rc usage-bad-short 2
expect_err usage-bad-short "kofts-index: unknown option '-x'"
run usage-flag-arg --full=yes fmt; expect_rc usage-flag-arg 2
expect_err usage-flag-arg "kofts-index: option '--full' takes no argument"
run usage-no-arg fmt --db; expect_rc usage-no-arg 2
expect_err usage-no-arg "kofts-index: option '--db' needs an argument"
run usage-jobs --jobs 0 fmt; expect_rc usage-jobs 2
expect_err usage-jobs "kofts-index: --jobs wants a number from 1 to 256, not '0'"
# $KOFTS_DB names the index when --db is not given (as for kofts-search); --db wins
rm -f envdb.db envdb2.db
printf '코끼리 메모\n코끼리는 크다.\n' > envnote.txt
KOFTS_DB=envdb.db "$IDX" -q envnote.txt 2>"$T/err"; RC=$?; expect_rc kofts-db-env 0
expect_q kofts-db-env envdb.db "SELECT count(*) FROM docs" "1"
KOFTS_DB=envdb.db "$IDX" -q --db envdb2.db envnote.txt 2>"$T/err"; RC=$?
expect_q kofts-db-env-override envdb2.db "SELECT count(*) FROM docs" "1"
run usage-format --format xml fmt; expect_rc usage-format 2
run usage-size --max-file-size 12Q fmt; expect_rc usage-size 2
run help --help; expect_rc help 0
grep -q 'symlinks pointing outside SOURCE' "$T/out" || fail help "--help does not say what is skipped"
grep -q -- '--keep-missing' "$T/out" || fail help "--help does not list --keep-missing"
grep -q -- '--max-file-size' "$T/out" || fail help "--help does not list --max-file-size"
run version -V; expect_rc version 0
grep -q '^kofts-index ' "$T/out" || fail version "no version line"
run fatal-db --db "$T/no/such/dir/x.db" fmt; expect_rc fatal-db 1
printf 'not a database, just text that is long enough to not be a header......\n' > junk.db
run fatal-junk --db junk.db fmt; expect_rc fatal-junk 1
run missing-source --db m.db "$T/does-not-exist"; expect_rc missing-source 0
expect_err missing-source "kofts-index: $T/does-not-exist: cannot read: No such file or directory"
run missing-strict --db m.db --strict "$T/does-not-exist"; expect_rc missing-strict 1

# first_commit DB PID: wait (up to ~10 s) until the run PID has committed its first batch
first_commit() {
  w=0
  while [ $w -lt 500 ] && kill -0 "$2" 2>/dev/null; do
    [ "$(q "$1" "SELECT count(*) > 0 FROM docs" 2>/dev/null)" = 1 ] && return 0
    sleep 0.02
    w=$((w + 1))
  done
}

# ---------------------------------------------------------------- SIGINT
awk 'BEGIN { for (i = 1; i <= 40000; i++) printf "{\"id\":\"s%d\",\"title\":\"신호 시험 %d\",\"body\":\"문서 번호 %d 의 본문은 시험용 문장입니다. 한국어 형태소 분석기가 처리합니다.\"}\n", i, i, i }' > sig.jsonl
"$IDX" --db sig.db --batch 200 --jobs 2 sig.jsonl 2>"$T/err" &
pid=$!
first_commit sig.db $pid # 40,000 records now take ~0.9 s: a fixed sleep missed the run
kill -INT $pid 2>/dev/null
wait $pid; RC=$?
if grep -q 'interrupted' "$T/err"; then
  expect_rc sigint 1
  expect_err sigint "kofts-index: interrupted; every committed batch is saved, run again to finish"
  check_integrity sigint sig.db
  run sigint-rerun --db sig.db sig.jsonl
  expect_rc sigint-rerun 0
  expect_q sigint-rerun sig.db "SELECT count(*) FROM docs" "40000"
  check_integrity sigint-rerun sig.db
else
  echo "note: the run finished before SIGINT arrived (rc=$RC); SIGINT case not exercised" >&2
fi

# ---------------------------------------------------------------- kill -9
rm -f k.db k.db-wal k.db-shm
"$IDX" --db k.db --batch 200 --jobs 2 sig.jsonl 2>/dev/null &
pid=$!
first_commit k.db $pid
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
if [ -f k.db ]; then
  check_integrity kill9 k.db
  run kill9-rerun --db k.db sig.jsonl
  expect_rc kill9-rerun 0
  expect_q kill9-rerun k.db "SELECT count(*) FROM docs" "40000"
  expect_q kill9-rerun k.db "SELECT count(*) FROM (SELECT id FROM docs GROUP BY id HAVING count(*) > 1)" "0"
  check_integrity kill9-rerun k.db
fi

# --optimize: incremental runs leave several FTS5 segments; --optimize merges them into
# one (as a first build ends), with the same documents.
mkdir -p opt
for i in 1 2 3 4 5; do
  printf '{"id":"o%d","title":"최적화 %d","body":"세그먼트 병합 문서 %d"}\n' $i $i $i >opt/o$i.jsonl
  run opt-incr-$i --db o.db opt
done
segs=$(q o.db "SELECT count(DISTINCT segid) FROM fts_idx")
check opt-several-segments $([ "$segs" -gt 1 ]; echo $?) "segments=$segs"
run opt --db o.db --optimize opt
expect_rc opt 0
expect_q opt o.db "SELECT count(DISTINCT segid) FROM fts_idx" "1"
expect_q opt o.db "SELECT count(*) FROM docs" "5"
check_integrity opt o.db

finish indexer_cli
