#!/bin/sh
# xapian_lean.sh - the Xapian backend keeps the query tree lean (kofts_backend_xapian.c,
# LEAN_SHARE / LEAN_JOIN_MIN): a word in >= 1/10 of the documents loses its bigram part,
# a rare word keeps it; a split word (1년 -> 1 | 년) is its joined term when >= 10
# documents hold that, else a phrase; a typed phrase stays a phrase; a rare word whose
# bigrams are each in >= 1/20 of the documents and >= 1,000 (LEAN_BIGRAM_SHARE,
# LEAN_BIGRAM_MIN) loses its bigram part, in a small index it keeps it; hits are found.
# Usage: xapian_lean.sh KOFTS_SEARCH_MKINDEX KOFTS_SEARCH
set -u
MK=$1
SEARCH=$2
. "$(dirname "$0")/../lib.sh"
scratch xapian-lean
W=$T
# 40 documents: 강원도 in 12 (frequent), 속초시 in 1 (rare), 1년 in 12, 3년 in 2;
# 사용자 in 1 (rare), its bigrams ^사용 (사용했다) and 용자 (이용자) in 4.
i=0
while [ $i -lt 40 ]; do
    body="오늘 회의에서 여러 안건을 논의했다."
    [ $i -lt 12 ] && body="$body 강원도 지역의 1년 예산을 정했다."
    [ $i -eq 20 ] && body="$body 속초시 관광객이 늘었다."
    [ $i -eq 21 ] || [ $i -eq 22 ] && body="$body 3년 만에 다시 열렸다."
    [ $i -ge 30 ] && [ $i -lt 34 ] && body="$body 이용자가 많이 사용했다."
    [ $i -eq 35 ] && body="$body 사용자 의견을 들었다."
    printf '{"id":"d%d","title":"문서 %d","date":"2024-01-01","body":"%s"}\n' $i $i "$body"
    i=$((i + 1))
done >"$W/docs.jsonl"
"$MK" --backend xapian --shards 2 "$W/x.idx" "$W/docs.jsonl" >/dev/null || exit 1

DB=$W/x.idx
expr_of() { "$SEARCH" --db "$DB" --explain -- "$1" | grep '^all-word expression:'; }
e=$(expr_of 강원도)
check L01-frequent-word-no-bigrams $(echo "$e" | grep -q 'XG' && echo 1 || echo 0) "$e"
e=$(expr_of 속초시)
check L02-rare-word-keeps-bigrams $(echo "$e" | grep -q 'XG^속초' && echo 0 || echo 1) "$e"
e=$(expr_of 1년)
check L03-split-word-is-its-join $([ "$e" = "all-word expression: Query(1년)" ]; echo $?) "$e"
e=$(expr_of 3년)
check L04-rare-join-stays-a-phrase $(echo "$e" | grep -q 'PHRASE' && echo 0 || echo 1) "$e"
e=$(expr_of '"1년"')
check L05-typed-phrase-stays $(echo "$e" | grep -q 'PHRASE' && echo 0 || echo 1) "$e"
n=$("$SEARCH" --db "$W/x.idx" --json --limit 20 -- 1년 | grep -c '"id"')
check L06-join-finds-all $([ "$n" -eq 12 ]; echo $?) "$n hits, want 12"
n=$("$SEARCH" --db "$W/x.idx" --json --limit 20 -- 3년 | grep -c '"id"')
check L07-phrase-finds-all $([ "$n" -eq 2 ]; echo $?) "$n hits, want 2"
n=$("$SEARCH" --db "$W/x.idx" --json --limit 20 -- 강원도 | grep -c '"id"')
check L08-frequent-word-finds-all $([ "$n" -eq 12 ]; echo $?) "$n hits, want 12"
e=$(expr_of 사용자)
check L09-small-index-keeps-bigrams $(echo "$e" | grep -q 'XG^사용' && echo 0 || echo 1) "$e"

# 1,040 documents: 사용자 in 1, its bigrams in 1,000 (>= 1/20 and >= 1,000); 속초시 in 1.
i=0
while [ $i -lt 1040 ]; do
    body="오늘 회의에서 여러 안건을 논의했다."
    [ $i -lt 1000 ] && body="$body 이용자가 많이 사용했다."
    [ $i -eq 1020 ] && body="$body 사용자 의견을 들었다."
    [ $i -eq 1021 ] && body="$body 속초시 관광객이 늘었다."
    printf '{"id":"d%d","title":"문서 %d","date":"2024-01-01","body":"%s"}\n' $i $i "$body"
    i=$((i + 1))
done >"$W/big.jsonl"
DB=$W/big.idx
"$MK" --backend xapian --shards 2 "$DB" "$W/big.jsonl" >/dev/null || exit 1
e=$(expr_of 사용자)
check L10-costly-bigrams-left-out $(echo "$e" | grep -q 'XG' && echo 1 || echo 0) "$e"
e=$(expr_of 속초시)
check L11-rare-bigrams-kept $(echo "$e" | grep -q 'XG^속초' && echo 0 || echo 1) "$e"
n=$("$SEARCH" --db "$DB" --json --limit 20 -- 사용자 | grep -c '"id"')
check L12-word-without-bigrams-found $([ "$n" -eq 1 ]; echo $?) "$n hits, want 1"
finish xapian_lean
