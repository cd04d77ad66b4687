#!/bin/sh
# test_cli.sh - integration tests of the kofts-search command line: exit codes, output
# modes (person, --json, --batch trec/json, --stats, --explain), --highlight, paging,
# --passes/--timings, malformed queries and bad databases. Case ids C*.
# usage: test_cli.sh KOFTS_SEARCH FIXTURE_DB WORKDIR KOFTS_INDEX
BIN=$1
DB=$2
WORK=$3
INDEX=$4
. "$(dirname "$0")/../lib.sh"
mkdir -p "$WORK" || exit 1
out="$WORK/out"
err="$WORK/err"

# run ID WANT_RC [args...]: run the program, check the exit status.
run() {
    id=$1
    want=$2
    shift 2
    "$BIN" "$@" >"$out" 2>"$err"
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        fail "$id" "exit $rc, want $want"
        sed 's/^/     /' "$err" | head -5
        return 1
    fi
    return 0
}

# in_file ID FILE TEXT: FILE must contain TEXT (fixed string).
in_file() {
    if grep -qF -- "$3" "$2"; then
        ok "$1"
    else
        fail "$1" "no '$3' in $(basename "$2")"
        sed 's/^/     /' "$2" | head -8
    fi
}

# not_in_file ID FILE TEXT: FILE must not contain TEXT.
not_in_file() {
    if grep -qF -- "$3" "$2"; then
        fail "$1" "unexpected '$3' in $(basename "$2")"
    else
        ok "$1"
    fi
}

# lines ID FILE N: FILE must have N lines.
lines() {
    n=$(wc -l <"$2" | tr -d ' ')
    if [ "$n" -eq "$3" ]; then ok "$1"; else fail "$1" "$n lines, want $3"; fi
}

S="--db $DB"
run C01-help 0 --help && in_file C01-help "$out" "--batch FILE"
run C02-version 0 --version && in_file C02-version "$out" "kofts-search "
run C03-version-short 0 -V && in_file C03-version-short "$out" "analyzer"
run C04-no-query 2 $S && in_file C04-no-query "$err" "kofts-search: no query given"
run C05-bad-limit 2 $S --limit x 광주 && in_file C05-bad-limit "$err" "--limit"
run C06-bad-limit-neg 2 $S --limit -3 광주
run C07-bad-date 2 $S --since 2024-13-01 광주 && in_file C07-bad-date "$err" "--since"
run C08-bad-sort 2 $S --sort size 광주
run C09-bad-format 2 $S --batch - --format xml </dev/null
run C10-bad-option 2 $S --frobnicate 광주 && in_file C10-bad-option "$err" "kofts-search: unknown option '--frobnicate'" &&
    in_file C10-bad-option-try "$err" "Try 'kofts-search --help' for more information."
run C10-bad-short 2 $S -x 광주 && in_file C10-bad-short "$err" "kofts-search: unknown option '-x'"
run C10-flag-arg 2 $S --json=1 광주 && in_file C10-flag-arg "$err" "kofts-search: option '--json' takes no argument"
run C10-no-arg 2 --db && in_file C10-no-arg "$err" "kofts-search: option '--db' needs an argument"
run C11-two-modes 2 $S --stats 광주
run C12-bad-highlight 2 $S --highlight '<b>' 광주
run C13-missing-db 1 --db "$WORK/nope.db" 광주 && in_file C13-missing-db "$err" "nope.db"
printf 'not a database at all, just text\n' >"$WORK/junk.db"
run C14-junk-db 1 --db "$WORK/junk.db" 광주 && in_file C14-junk-db "$err" "junk.db"
run C15-since-after-until 2 $S --since 2024-01-01 --until 2023-01-01 광주

# Person output (not a TTY: [ ] markers).
run C20-person 0 $S 광주와 && in_file C20-person "$out" "[광주]와" && in_file C20-person-id "$out" "   https://news.example/2023/11/20/" &&
    in_file C20-person-date "$out" "2023-11-20" && in_file C20-person-cat "$out" "지역" &&
    in_file C20-person-count "$out" "of 1 hits"
run C21-nothing 0 $S 존재하지않는낱말 && in_file C21-nothing "$out" "0 hits"
run C22-highlight 0 $S --highlight '<b>,</b>' 광주와 && in_file C22-highlight "$out" "<b>광주</b>와"
run C23-multiword-args 0 $S 광주와 전남 && in_file C23-multiword-args "$out" "광주 소식"

# JSON output.
run C30-json 0 $S --json 광주와 && in_file C30-json "$out" '"rank":1,"id":"a2"' &&
    in_file C30-json-fields "$out" '"categories":["지역"]' && in_file C30-json-hl "$out" '"highlights":[[0,6]' &&
    in_file C30-json-snippet "$out" '"snippet":"광주와 전남' && lines C30-json-lines "$out" 1 &&
    in_file C30-json-url "$out" '"url":"https://news.example/2023/11/20/%EA%B4%91%EC%A3%BC.html","path":"' &&
    in_file C30-json-path "$out" 'data/docs.jsonl","snippet"'
run C30-url-shown 0 $S 광주와 && in_file C30-url-shown "$out" '   https://news.example/2023/11/20/%EA%B4%91%EC%A3%BC.html · 2023-11-20'
run C31-json-escape 0 $S --json hello && in_file C31-json-escape "$out" '"title":"He said \"hello\" 인사"'
run C32-json-none 0 $S --json 존재하지않는낱말 && lines C32-json-none "$out" 0
run C33-json-cats 0 $S --json 부산 && in_file C33-json-cats "$out" '"categories":["날씨","지역"]'

# Filters and sorting through the CLI.
run C40-category 0 $S --json --category 지역 날씨 && in_file C40-category "$out" '"id":"a10"' &&
    lines C40-category-n "$out" 1
run C41-since-until 0 $S --json --since 2023-07-01 --until 2023-07-01 날씨 &&
    in_file C41-since-until "$out" '"id":"a9"' && lines C41-n "$out" 1
run C42-sort-date 0 $S --json --sort date 양자 && head -1 "$out" >"$WORK/first" &&
    in_file C42-sort-date "$WORK/first" '"id":"a1"'
# --weights takes its numbers as title,excerpt,body,extra,tags,bigram whatever the index's
# column order: title alone ranks the title match first, body alone the body match.
printf '%s\n' '{"id":"wt","title":"무지개 소식","body":"다른 글이다."}' \
    '{"id":"wb","title":"다른 제목","body":"오늘 무지개 소식이 있었다."}' >"$WORK/w.jsonl"
rm -f "$WORK/w.db" && "$INDEX" -q --db "$WORK/w.db" "$WORK/w.jsonl" 2>"$err"
run C44-weights-title 0 --db "$WORK/w.db" --json --weights 1,0,0,0,0,0 무지개 &&
    head -1 "$out" >"$WORK/first" && in_file C44-weights-title "$WORK/first" '"id":"wt"'
run C45-weights-body 0 --db "$WORK/w.db" --json --weights 0,0,1,0,0,0 무지개 &&
    head -1 "$out" >"$WORK/first" && in_file C45-weights-body "$WORK/first" '"id":"wb"'
# the bigram weight reaches bigram phrases wherever the index keeps their tokens (schema 5:
# in body, after the words): bigram alone still scores the hits
run C46-weights-bigram 0 --db "$WORK/w.db" --json --weights 0,0,0,0,0,1 무지개 &&
    head -1 "$out" >"$WORK/first" && not_in_file C46-weights-bigram "$WORK/first" '"score":0.000000'
run C43-limit-offset 0 $S --json --sort date --limit 1 --offset 2 양자 &&
    in_file C43-limit-offset "$out" '"rank":3,"id":"a3"' && lines C43-n "$out" 1

# Malformed queries: exit 0, never an SQLite message.
for q in '"unbalanced' '-' 'OR OR' ')))' '((' 'title:' 'category:' '*' '"' '""' 'NEAR(' \
    '^' 'a:b:c' '😀😀' "$(printf 'x\377\376y')" '서울 OR' 'OR 서울' '- - -' '\' "'"; do
    if run "C50-malformed [$q]" 0 $S -- "$q"; then
        if grep -qiE 'sqlite|fts5|syntax error' "$out" "$err"; then
            fail "C50-malformed [$q]" "raw database text"
        else
            echo "ok   C50-malformed [$q]"
        fi
    fi
done
long=$(awk 'BEGIN { for (i = 0; i < 2000; i++) printf "광주와 "; }')
run C52-leading-minus 0 $S -- -부산 날씨 && in_file C52-leading-minus "$out" "a9" && not_in_file C52-excluded "$out" "a10"
run C53-minus-after-word 0 $S 날씨 -부산 && in_file C53-minus-after-word "$out" "a9"
run C51-long-query 0 $S "$long" && in_file C51-long-query "$err" "note:"

# --explain and --stats.
run C60-explain 0 $S --explain '광주와 -부산 무엇' && in_file C60-explain "$out" "all-word expression:" &&
    in_file C60-explain-tokens "$out" "광주(stem)" && in_file C60-explain-df "$out" "documents:" &&
    in_file C60-explain-excluded "$out" "excluded" && in_file C60-explain-optional "$out" "optional"
run C61-stats 0 $S --stats && in_file C61-stats "$out" '"documents":13' &&
    in_file C61-stats-analyzer "$out" '"analyzer":"kofts-analyzer-' &&
    in_file C61-stats-schema "$out" '"schema_version":5' && in_file C61-stats-bytes "$out" '"index_bytes":'

# --batch: TREC and JSON, passes and timings.
printf 'q1\t광주와\nq2\t날씨 -부산\n\nq3\t😀\nq4\t양자\r\n' >"$WORK/batch.tsv"
run C70-batch-trec 0 $S --batch "$WORK/batch.tsv" && in_file C70-batch-trec "$out" "q1 Q0 a2 1 " &&
    in_file C70-batch-trec-end "$out" " kofts" && in_file C70-batch-q2 "$out" "q2 Q0 a9 1 " &&
    not_in_file C70-batch-q3 "$out" "q3 " && in_file C70-batch-crlf "$out" "q4 Q0 a"
run C71-batch-json 0 $S --batch "$WORK/batch.tsv" --format json &&
    in_file C71-batch-json "$out" '{"qid":"q1","rank":1,"id":"a2"'
run C72-batch-stdin 0 $S --batch - <"$WORK/batch.tsv" && in_file C72-batch-stdin "$out" "q1 Q0 a2 1 "
run C73-passes 0 $S --batch "$WORK/batch.tsv" --passes 3 --timings "$WORK/t.tsv" &&
    lines C73-timings "$WORK/t.tsv" 12 && in_file C73-timings-pass "$WORK/t.tsv" "q4	3	" &&
    in_file C73-last-pass-only "$out" "q1 Q0 a2 1 " && lines C73-output "$out" 5
run C74-passes-no-batch 2 $S --passes 2 광주
run C75-batch-missing 1 $S --batch "$WORK/none.tsv" && in_file C75-batch-missing "$err" "none.tsv"

# Options after the query (issue 14): a known long option is read as the option, a
# one-letter one stays a query word with a note, after -- everything is query text.
run C80-opt-after 0 $S 광주와 --json --limit 1 && in_file C80-opt-after "$out" '"rank":1,"id":"a2"' &&
    lines C80-opt-after-n "$out" 1 && not_in_file C80-opt-after-note "$err" "note:"
run C81-opt-after-eq 0 $S 양자 --sort=date --json && head -1 "$out" >"$WORK/first" &&
    in_file C81-opt-after-eq "$WORK/first" '"id":"a1"'
run C82-short-after 0 $S --json 광주와 -n 5 &&
    in_file C82-short-after "$err" "kofts-search: note: '-n' after the query is read as a query word (it excludes 'n'); put options before the query"
run C83-dashdash 0 $S -- 광주와 --json && not_in_file C83-dashdash "$out" '"rank":' &&
    in_file C83-dashdash-human "$out" "hits ("

# Silently ignored combinations are usage errors now.
run C84-format-no-batch 2 $S --format json 광주 &&
    in_file C84-format-no-batch "$err" "kofts-search: --format goes with --batch; for one query use --json"
run C85-json-explain 2 $S --json --explain 광주 && in_file C85-json-explain "$err" "--explain prints text"
run C86-summary-alone 2 $S --summary 광주 && in_file C86-summary-alone "$err" "--summary goes with --json"
run C87-json-trec 2 $S --batch - --json --format trec </dev/null
run C88-batch-json-flag 0 $S --batch "$WORK/batch.tsv" --json &&
    in_file C88-batch-json-flag "$out" '{"qid":"q1","rank":1,"id":"a2"'

# --batch lines without a TAB are reported (first 3, then a count), ids = line numbers.
printf '광주와\nq2\t양자\n' >"$WORK/notab.tsv"
run C89-no-tab 0 $S --batch "$WORK/notab.tsv" && in_file C89-no-tab-id "$out" "1 Q0 a2 1 " &&
    in_file C89-no-tab "$err" "kofts-search: $WORK/notab.tsv:1: no TAB between query id and query; query id 1"
printf '가\n나\n다\n라\n마\n' | "$BIN" $S --batch - >"$out" 2>"$err"
n=$(grep -c 'no TAB' "$err")
if [ "$n" -eq 3 ]; then ok C90-no-tab-first; else fail C90-no-tab-first "$n lines"; fi
in_file C90-no-tab-count "$err" "kofts-search: stdin: 5 lines without a TAB in all (3 shown); each line number is its query id"

# --summary: a last JSON line with total, reading, took_ms, version (stable names).
run C91-summary 0 $S --json --summary 광주와 && tail -1 "$out" >"$WORK/last" &&
    in_file C91-summary "$WORK/last" '{"type":"summary","version":1,"query":"광주와","total":1,"returned":1,"offset":0,"limit":10,"reading":"all","took_ms":' &&
    lines C91-summary-n "$out" 2
run C92-summary-none 0 $S --json --summary 존재하지않는낱말 && lines C92-summary-none "$out" 1 &&
    in_file C92-summary-none-total "$out" '"total":0,"returned":0'
run C93-summary-any 0 $S --json --summary '광주 서울 부산 양자 대전' &&
    in_file C93-summary-any "$out" '"reading":"any"'
run C94-summary-batch 0 $S --batch "$WORK/batch.tsv" --format json --summary &&
    in_file C94-summary-batch "$out" '{"type":"summary","version":1,"qid":"q1","query":"광주와","total":1'
run C95-summary-page 0 $S --json --summary --limit 1 --offset 1 양자 &&
    in_file C95-summary-page "$out" '"returned":1,"offset":1,"limit":1'

# --stats: dates, top categories, files, last update.
run C96-stats 0 $S --stats && in_file C96-stats-dates "$out" '"first_date":"2018-05-05","last_date":"2024-04-04"' &&
    in_file C96-stats-cats "$out" '"top_categories":[{"category":"경제","documents":3},' &&
    in_file C96-stats-files "$out" '"files":1' && in_file C96-stats-updated "$out" '"last_updated":"20'

# Categories match case-insensitively (Jekyll lower-cases them in URLs).
if [ -n "$INDEX" ]; then
    printf '%s\n' '{"id":"n1","title":"뉴스 하나","body":"폭염 소식","categories":["News"]}' \
        '{"id":"n2","title":"뉴스 둘","body":"폭염 경보","categories":["news"]}' \
        '{"id":"n3","title":"경제 하나","body":"폭염 물가","categories":["Économie"]}' \
        '{"id":"n4","title":"스포츠","body":"폭염 속 경기","categories":["Sports"]}' >"$WORK/cats.jsonl"
    rm -f "$WORK/cats.db"
    "$INDEX" -q --db "$WORK/cats.db" "$WORK/cats.jsonl" 2>"$err" || fail C97 "kofts-index: $(head -2 "$err")"
    C="--db $WORK/cats.db --json"
    run C97-cat-lower 0 $C --category news 폭염 && lines C97-cat-lower "$out" 2 &&
        in_file C97-cat-n1 "$out" '"id":"n1"' && in_file C97-cat-n2 "$out" '"id":"n2"'
    run C98-cat-upper 0 $C --category NEWS 폭염 && lines C98-cat-upper "$out" 2
    run C99-cat-accent 0 $C --category économie 폭염 && lines C99-cat-accent "$out" 1 &&
        in_file C99-cat-accent-id "$out" '"id":"n3"'
    run C100-cat-query 0 $C 'category:sports 폭염' && lines C100-cat-query "$out" 1
    run C101-cat-exact 0 $C --category Sports 폭염 && lines C101-cat-exact "$out" 1
    run C102-cat-none 0 $C --category spor 폭염 && lines C102-cat-none "$out" 0
    # the same with the Xapian backend (XC terms)
    rm -rf "$WORK/catsx.db" "$WORK/catsx.db".*
    if "$INDEX" -q --backend xapian --shards 1 --db "$WORK/catsx.db" "$WORK/cats.jsonl" 2>"$err"; then
        X="--db $WORK/catsx.db --json"
        run C103-xcat-lower 0 $X --category news 폭염 && lines C103-xcat-lower "$out" 2
        run C104-xcat-accent 0 $X --category ÉCONOMIE 폭염 && lines C104-xcat-accent "$out" 1
        run C105-xcat-none 0 $X --category spor 폭염 && lines C105-xcat-none "$out" 0
    else
        fail C103 "kofts-index --backend xapian: $(head -2 "$err")"
    fi
fi

finish test_cli
