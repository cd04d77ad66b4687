#!/bin/sh
# hostile.sh - hostile and broken input for kofts-index and kofts-search, in one suite.
#
#   sh hostile.sh BUILD WORK SUITE
#     SUITE = queries   SQL/FTS5 metacharacters and malformed queries (kofts-search)
#             input     every malformed-input case of the indexer issue, plus names
#                       with newlines / invalid UTF-8, symlinks out of the source and
#                       loops, YAML billion laughs, 100,000 nested tags, front matter only,
#                       empty folders
#             bigline   one huge JSONL line ($KOFTS_BIGLINE_MB, default 1024 MiB) between
#                       two good lines, streamed to disk at run time: over the default
#                       --max-file-size it must be skipped with FILE:2 in bounded memory;
#                       under it, indexed; with --max-file-size 1M, skipped
#             manyfiles $KOFTS_MANYFILES files (default 100000) in one folder
#             memory    peak memory: synthetic 20k vs 60k documents (must plateau), and
#                       the whole ../shared/corpus ($KOFTS_SHARED_CORPUS) when present
# Each case prints "ok   name: ..." or "FAIL name: ..."; exit 0 if all passed, 1 if any
# failed, 77 (skip) when a program it needs is not built or the corpus is absent.
# A case fails on: death by a signal, a timeout, a sanitizer report, a raw SQLite/FTS5
# message, a wrong exit status, or a good document next to the bad input not indexed.
# shellcheck disable=SC2015 # "A && ok || bad": ok() always succeeds
set -u
BUILD=$(cd "$1" && pwd)
WORK=$2
SUITE=$3
IX=$BUILD/kofts-index
SE=$BUILD/kofts-search
RT=$BUILD/kofts-reltest
MK=$BUILD/kofts-search-mkindex
FAILS=0
rm -rf "$WORK"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)

ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; FAILS=$((FAILS + 1)); }
need() {
    for p in "$@"; do
        [ -x "$p" ] || { echo "hostile.sh: skipped: $p not built yet"; exit 77; }
    done
}
RAW_SQL='sqlite|fts5|syntax error|no such (column|table)|malformed MATCH|unterminated string|SQL logic|unrecognized token|database disk image'
SANITIZER='AddressSanitizer|LeakSanitizer|runtime error:|Segmentation fault|core dumped'

# index NAME EXPECTED_RCS ARGS... : run kofts-index (timeout $TMO, default 300 s) with
# peak RSS; sets RC, ERR (stderr file), RSS_KIB, SECS. Fails the case on a signal, a
# timeout, a sanitizer report or an exit status not in EXPECTED_RCS.
index() {
    name=$1 rcs=$2
    shift 2
    ERR=$WORK/$name.err
    "$RT" rss --to "$WORK/$name.rss" -- timeout "${TMO:-300}" "$IX" --quiet "$@" \
        >"$WORK/$name.out" 2>"$ERR"
    RC=$?
    RSS_KIB=$(sed -n 's/.*peak_rss_kib=\([0-9]*\).*/\1/p' "$WORK/$name.rss" 2>/dev/null)
    ANON_KIB=$(sed -n 's/.*peak_anon_kib=\([0-9]*\).*/\1/p' "$WORK/$name.rss" 2>/dev/null)
    SECS=$(sed -n 's/.*elapsed_s=\([0-9.]*\).*/\1/p' "$WORK/$name.rss" 2>/dev/null)
    if [ "$RC" -eq 124 ]; then
        bad "$name: timed out after ${TMO:-300} s"
        return 1
    fi
    if [ "$RC" -gt 128 ] || grep -Eq "$SANITIZER" "$ERR"; then
        bad "$name: crashed (status $RC): $(grep -Em 3 "$SANITIZER|ERROR" "$ERR" | tr '\n' ' ')"
        return 1
    fi
    case " $rcs " in
    *" $RC "*) return 0 ;;
    esac
    bad "$name: exit $RC (expected $rcs): $(head -c 300 "$ERR")"
    return 1
}

# found DB WORD [ID] : kofts-search finds WORD (in document ID when given)
found() {
    out=$("$SE" --db "$1" --json --limit 50 -- "$2" 2>"$WORK/search.err") || return 1
    if [ $# -ge 3 ]; then
        printf '%s\n' "$out" | grep -Fq "\"id\":\"$3\"" || return 1
    else
        [ -n "$out" ] || return 1
    fi
    return 0
}

# valid DB : integrity checks pass
valid() { "$RT" check --db "$1" --no-markers >"$WORK/check.out" 2>&1; }

# post FILE MARKER : a good post holding MARKER
post() {
    printf -- '---\ntitle: "좋은 글 %s"\ncategories: [시험]\n---\n\n%s 광주와 서울의 좋은 본문이다.\n' \
        "$2" "$2" >"$1"
}

# ---------------------------------------------------------------- queries
suite_queries() {
    need "$SE" "$RT"
    db=$WORK/q.db
    if [ -x "$IX" ]; then
        "$RT" gen --out "$WORK/qsrc" --docs 300 --posts 20 --seed 5 >/dev/null
        "$IX" --db "$db" --quiet "$WORK/qsrc/src" 2>"$WORK/qidx.err" || {
            bad "queries: indexing the query corpus failed: $(head -c 300 "$WORK/qidx.err")"
            return
        }
    else
        need "$MK"
        "$RT" gen --out "$WORK/qsrc" --docs 300 --posts 0 --seed 5 >/dev/null
        "$MK" "$db" "$WORK"/qsrc/src/*.jsonl >/dev/null 2>&1 || { bad "queries: mkindex"; return; }
    fi
    before=$("$SE" --db "$db" --stats | sed -n 's/.*"documents": *\([0-9]*\).*/\1/p')
    long=$(awk 'BEGIN { for (i = 0; i < 2000; i++) printf "광주와서울 "; }') # 12,000 characters
    i=0
    while IFS= read -r q; do
        i=$((i + 1))
        for mode in text json; do
            if [ $mode = json ]; then set -- --json; else set --; fi
            "$SE" --db "$db" "$@" -- "$q" >"$WORK/q.out" 2>"$WORK/q.err"
            rc=$?
            if [ $rc -gt 1 ] || grep -Eiq "$RAW_SQL|$SANITIZER" "$WORK/q.err" "$WORK/q.out"; then
                bad "query $i ($mode) [$q]: exit $rc: $(head -c 300 "$WORK/q.err")"
                continue 2
            fi
        done
        ok "query $i [$(printf '%s' "$q" | head -c 40)]: exit $rc"
    done <<EOF
'; DROP TABLE docs; --
"
""
"광주
*
NEAR(
NEAR(광주 서울, 2)
^
^광주
:
title:
category:
body:광주
(
)
))
((광주
AND OR NOT
OR OR
광주 AND
NOT 광주
-
- -
-광주
광주*
*광주
"광주" OR "서울
{title body}: 광주
광주 + 서울 - '
\"; SELECT * FROM docs; --
x' OR '1'='1
광주%
_
\\
😀 🇰🇷 광주
	tab	separated
$long
EOF
    # invalid UTF-8 and control bytes as a query argument
    q=$(printf 'kdoc1 \377\376 \001\002 \355\240\200')
    "$SE" --db "$db" -- "$q" >"$WORK/q.out" 2>"$WORK/q.err"
    rc=$?
    if [ $rc -gt 1 ] || grep -Eiq "$RAW_SQL|$SANITIZER" "$WORK/q.err"; then
        bad "query invalid-utf8: exit $rc: $(head -c 300 "$WORK/q.err")"
    else
        ok "query invalid-utf8: exit $rc"
    fi
    # SQL metacharacters in the filters (bound parameters: a filter, or a usage error)
    for f in "--category=';DROP TABLE docs;--" "--category=\"" "--since=2024' OR '1'='1" \
        "--until=2024-01-01'; DROP TABLE docs; --" "--category=%"; do
        "$SE" --db "$db" "$f" -- 광주 >"$WORK/q.out" 2>"$WORK/q.err"
        rc=$?
        if [ $rc -gt 2 ] || grep -Eiq "$RAW_SQL|$SANITIZER" "$WORK/q.err" "$WORK/q.out"; then
            bad "filter [$f]: exit $rc: $(head -c 300 "$WORK/q.err")"
        else
            ok "filter [$f]: exit $rc $(head -c 100 "$WORK/q.err")"
        fi
    done
    # the same list through --batch (one process)
    printf 'q1\t%s\nq2\t"\nq3\tNEAR(\nq4\t))\n' "'; DROP TABLE docs; --" |
        "$SE" --db "$db" --batch - >"$WORK/q.out" 2>"$WORK/q.err"
    rc=$?
    if [ $rc -ne 0 ] || grep -Eiq "$RAW_SQL|$SANITIZER" "$WORK/q.err"; then
        bad "query batch: exit $rc: $(head -c 300 "$WORK/q.err")"
    else
        ok "query batch: exit 0"
    fi
    after=$("$SE" --db "$db" --stats | sed -n 's/.*"documents": *\([0-9]*\).*/\1/p')
    if [ "$before" = "$after" ] && [ -n "$after" ] && valid "$db"; then
        ok "queries left the index alone ($after documents, integrity ok)"
    else
        bad "queries changed the index: $before -> $after documents"
    fi
}

# ------------------------------------------------------------------ input
suite_input() {
    need "$IX" "$SE" "$RT"
    S=$WORK/src
    mkdir -p "$S/sub" "$WORK/outside"
    post "$S/good.md" kgoodpost
    # file names with a newline and with invalid UTF-8
    post "$S/$(printf 'new\nline.md')" knewline
    post "$S/$(printf 'bad\377\376name.md')" kbadname
    # a symlink to a file outside the source, one to a folder outside, and a loop
    post "$WORK/outside/secret.md" ksecret
    ln -s "$WORK/outside/secret.md" "$S/link-out.md"
    ln -s "$WORK/outside" "$S/dir-out"
    ln -s .. "$S/sub/loop"
    ln -s "$S/sub/selfloop" "$S/sub/selfloop"
    # YAML billion laughs in the front matter
    {
        printf -- '---\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        prev=a
        for n in b c d e f g h i j; do
            printf '%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' $n $n $prev $prev $prev \
                $prev $prev $prev $prev $prev $prev
            prev=$n
        done
        printf 'title: *j\ntags: *j\ncategories: *j\nexcerpt: *j\n---\n\nklaughs 본문\n'
    } >"$S/laughs.md"
    # 100,000 nested tags, as HTML and inside Markdown
    awk 'BEGIN { for (i = 0; i < 100000; i++) printf "<div>"; printf "kdeephtml 깊은 본문";
                 for (i = 0; i < 100000; i++) printf "</div>"; print "" }' >"$S/deep.html"
    awk 'BEGIN { print "---\ntitle: deep\n---\n"; for (i = 0; i < 100000; i++) printf "<span><b>";
                 print "kdeepmd 깊은 본문" }' >"$S/deep.md"
    # empty folders, top-level and nested (kofts_walk.c once qsort'ed NULL for them)
    mkdir -p "$S/empty-dir" "$S/sub/empty-too/deeper"
    # a post that is only front matter (with and without a final newline)
    printf -- '---\ntitle: kfmonly 머리말뿐\ncategories: [시험]\n---\n' >"$S/fm-only.md"
    printf -- '---\ntitle: kfmonly2 머리말뿐\n---' >"$S/fm-only2.md"
    # the malformed cases of the indexer issue
    printf -- '---\ntitle: kbadutf 잘못된\n---\n본문 \377\376 kbadutfbody \300\200\n' >"$S/bad-utf8.md"
    head -c 4096 /dev/urandom >"$S/binary.md"
    : >"$S/empty.md"
    : >"$S/empty.txt"
    printf -- '---\ntitle: knul\n---\n본문\000에 NUL\000 kkeepnul\n' >"$S/nul.md"
    printf '\357\273\277---\ntitle: kbom 제목\n---\nkbombody 본문\n' >"$S/bom.md"
    printf -- '---\r\ntitle: kcrlf 제목\r\n---\r\n\r\nkcrlfbody 본문\r\n' >"$S/crlf.md"
    printf -- '---\ntitle: kunterminated\n\nkunterm 본문은 남아야 한다\n' >"$S/unterminated.md"
    printf -- '---\ntitle: [unclosed\n  : bad: yaml: {\n---\nkinvalidyaml 본문\n' >"$S/invalid-yaml.md"
    printf -- '---\n- a\n- b\n---\nklistfm 본문\n' >"$S/list-fm.md"
    printf -- '---\ntitle: 12345\ncategories: 7\ntags: {a: b}\ndate: not-a-date\n---\nknumtitle 본문\n' \
        >"$S/number-title.md"
    printf 'ktxttitle 제목 줄\n\n본문 줄 ktxtbody\n' >"$S/plain.txt"
    {
        printf '{"id":"j1","title":"kjsonone","body":"첫 줄 본문"}\n'
        printf '{"id":"j2","title":"broken", "body": "no end\n'
        printf '[1,2,3]\n'
        printf '{"title":"no id"}\n'
        printf '{"id":"j3","title":"kjsonthree","body":"셋째 줄 본문"}\n'
        printf '{"id":"j3","title":"kjsondup","body":"중복 id 본문"}\n'
        printf '{"id":42,"title":"number id","body":"x"}\n'
        printf '{"id":"j4","title":"kjsonnul\\u0000","body":"\\ud800 lone surrogate"}\n'
    } >"$S/dump.jsonl"
    printf '{"id":"g1","title":"kgzip","body":"압축 본문"}\n' | gzip -c >"$S/dump2.jsonl.gz"
    printf 'not gzip at all' >"$S/fake.jsonl.gz"
    mkdir -p "$S/.hidden" "$S/_site"
    post "$S/.hidden/h.md" khidden
    post "$S/_site/s.md" ksitegen
    # a 50 MB post (limited by --max-file-size when the indexer has it)
    awk 'BEGIN { print "---\ntitle: kbigpost\n---"; for (i = 0; i < 1700000; i++) print "가나다 라마바 사아 " i }' \
        >"$S/big.md"

    db=$WORK/input.db
    TMO=600 index input "0" --db "$db" "$S" || return
    ok "input: indexing finished in ${SECS}s, peak RSS ${RSS_KIB} KiB, exit $RC"
    for w in kgoodpost kfmonly kfmonly2 kbadutf kbadutfbody kkeepnul kbom kbombody kcrlf kcrlfbody \
        kunterm kinvalidyaml klistfm knumtitle ktxttitle ktxtbody kjsonone kjsondup \
        kdeephtml kdeepmd klaughs kgzip; do
        if found "$db" $w; then ok "input: $w found"; else bad "input: $w not found"; fi
    done
    for w in khidden ksitegen kjsonthree; do
        case $w in
        kjsonthree)
            # duplicate id: the later record replaces the earlier one
            if found "$db" kjsonthree j3; then bad "input: duplicate id j3 kept the first record"
            else ok "input: duplicate id j3 replaced"; fi ;;
        *)
            if found "$db" $w; then bad "input: $w (hidden/_site) indexed"
            else ok "input: $w skipped"; fi ;;
        esac
    done
    grep -q 'dump.jsonl:2' "$ERR" && ok "input: broken JSON line reported as dump.jsonl:2" ||
        bad "input: broken JSON line not reported as dump.jsonl:2"
    grep -q 'fake.jsonl.gz' "$ERR" && ok "input: bad gzip reported" || bad "input: bad gzip not reported"
    grep -q 'big.md' "$ERR" && ok "input: 50 MB post reported (over --max-file-size)" ||
        bad "input: big.md (50 MB) not named on stderr"
    grep -q 'binary.md' "$ERR" && ok "input: binary file reported" || bad "input: binary.md not named on stderr"
    grep -q 'unterminated.md' "$ERR" && ok "input: unterminated front matter warned" ||
        bad "input: unterminated.md not named on stderr"
    grep -Eiq "$RAW_SQL" "$ERR" && bad "input: raw SQLite text on stderr"
    for w in knewline kbadname; do
        if found "$db" $w; then ok "input: file name case $w indexed"
        else echo "note input: $w not indexed (stderr: $(grep -c . "$ERR") lines)"; fi
    done
    if found "$db" ksecret; then echo "note input: a symlink out of the source WAS followed (ksecret indexed)"
    else echo "note input: symlinks out of the source are not followed"; fi
    valid "$db" && ok "input: integrity ok" || bad "input: integrity: $(cat "$WORK/check.out")"
    echo "---- stderr of the input run (first 60 lines):"
    head -n 60 "$ERR" | cut -c 1-200
    # a second run over the same input must not add or change anything
    index input2 "0" --db "$db" "$S" || return
    ok "input: second run exit $RC in ${SECS}s"
    # an unreadable file (only meaningful when not root)
    if [ "$(id -u)" -ne 0 ]; then
        post "$S/unreadable.md" kunread
        chmod 000 "$S/unreadable.md"
        index input3 "0" --db "$db" "$S" && grep -q unreadable.md "$ERR" &&
            ok "input: unreadable file reported" || bad "input: unreadable file not reported"
    fi
}

# ---------------------------------------------------------------- bigline
suite_bigline() {
    need "$IX" "$SE" "$RT"
    mb=${KOFTS_BIGLINE_MB:-1024}
    f=$WORK/big.jsonl
    {
        printf '{"id":"before","title":"kbefore","body":"앞 줄"}\n{"id":"huge","title":"huge","body":"'
        # mb MiB of "가나 " (7 bytes) streamed, never held in memory
        yes '가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나 가나' |
            tr -d '\n' | head -c $((mb * 1048576))
        printf '"}\n{"id":"after","title":"kafter","body":"뒤 줄"}\n'
    } >"$f"
    db=$WORK/big.db
    # 1. default limits: a line over --max-file-size (default 32M) is skipped with
    #    "FILE:2: line too long", never buffered whole; a smaller one is indexed
    TMO=1800 index bigline "0" --db "$db" "$f" || return
    echo "note bigline: ${mb} MiB line, default limits: exit $RC in ${SECS}s, peak RSS ${RSS_KIB} KiB; stderr: $(head -c 300 "$ERR")"
    found "$db" kbefore before && found "$db" kafter after &&
        ok "bigline: the lines around the huge one are indexed" ||
        bad "bigline: a good line next to the huge one was lost"
    if [ "$mb" -gt 32 ]; then
        grep -q 'big.jsonl:2' "$ERR" && ok "bigline: huge line reported as big.jsonl:2" ||
            bad "bigline: huge line not reported as big.jsonl:2"
        [ "${RSS_KIB:-0}" -lt 262144 ] && ok "bigline: skipping it took ${RSS_KIB} KiB (< 256 MiB)" ||
            bad "bigline: skipping a ${mb} MiB line took ${RSS_KIB} KiB"
    else
        found "$db" 가나 huge && ok "bigline: the ${mb} MiB line is indexed and found" ||
            bad "bigline: the ${mb} MiB line was not indexed"
    fi
    valid "$db" && ok "bigline: integrity ok" || bad "bigline: integrity: $(tail -n 3 "$WORK/check.out")"
    # 2. a lowered limit: the same line is skipped, with the message
    if [ "$mb" -le 32 ]; then
        rm -f "$db" "$db-wal" "$db-shm"
        index bigline_limit "0" --db "$db" --max-file-size 1M "$f" || return
        grep -q 'big.jsonl:2' "$ERR" && ok "bigline: --max-file-size 1M: line reported as big.jsonl:2" ||
            bad "bigline: --max-file-size 1M: huge line not reported"
        found "$db" kbefore before && found "$db" kafter after && ! found "$db" 가나 huge &&
            ok "bigline: --max-file-size 1M: huge line skipped, the others indexed (RSS ${RSS_KIB} KiB)" ||
            bad "bigline: --max-file-size 1M: wrong documents"
    fi
    rm -f "$f"
}

# -------------------------------------------------------------- manyfiles
suite_manyfiles() {
    need "$IX" "$SE" "$RT"
    n=${KOFTS_MANYFILES:-100000}
    "$RT" gen --out "$WORK/many" --docs 0 --posts "$n" --words 20 --seed 9 >/dev/null ||
        { bad "manyfiles: gen"; return; }
    db=$WORK/many.db
    TMO=3600 index manyfiles "0" --db "$db" "$WORK/many/src" || return
    ok "manyfiles: $n files in one folder: ${SECS}s, peak RSS ${RSS_KIB} KiB"
    "$RT" check --db "$db" --ids "$WORK/many/ids.txt" --expect "$n" >"$WORK/check.out" 2>&1 &&
        ok "manyfiles: all $n documents, integrity ok" || bad "manyfiles: $(tail -n 5 "$WORK/check.out")"
    TMO=3600 index manyfiles2 "0" --db "$db" "$WORK/many/src" || return
    ok "manyfiles: no-change re-run ${SECS}s, peak RSS ${RSS_KIB} KiB"
}

# ----------------------------------------------------------------- memory
# Peak memory of indexing. RSS = everything (getrusage), anon = heap and stacks (polled
# RssAnon): SQLite's page cache (the writer sets 64 MiB) and the batch live there; the
# 256 MiB mmap of the database file is file-backed (RssFile) and reclaimable.
# 1. synthetic corpora of 20,000 and 60,000 documents: anon may grow by at most 1.5x
#    while the corpus triples (bounded by batch and cache size, not corpus size);
# 2. the whole of ../shared/corpus (when present): measured and reported, anon < 512 MiB.
suite_memory() {
    need "$IX" "$RT"
    for n in 20000 60000; do
        "$RT" gen --out "$WORK/g$n" --docs $n --words 200 --files 8 --seed 3 >/dev/null
        TMO=3600 index mem_$n "0" --db "$WORK/mem_$n.db" --jobs 2 "$WORK/g$n/src" || return
        mb=$(du -sm "$WORK/g$n/src" | cut -f1)
        echo "note memory: $n synthetic documents ($mb MB): peak RSS $RSS_KIB KiB, anon $ANON_KIB KiB, ${SECS}s"
        eval "anon_$n=$ANON_KIB"
        rm -rf "$WORK/g$n" "$WORK/mem_$n.db"*
    done
    # shellcheck disable=SC2154
    if [ "$anon_60000" -le $((anon_20000 * 3 / 2)) ]; then
        ok "memory: anon ${anon_20000} -> ${anon_60000} KiB for 3x the documents (bounded)"
    else
        bad "memory: anon grows with the corpus: ${anon_20000} -> ${anon_60000} KiB for 3x the documents"
    fi
    C=${KOFTS_SHARED_CORPUS:-$(dirname "$0")/../../../shared/corpus}
    if [ ! -d "$C" ]; then
        echo "note memory: $C not present; whole-corpus measurement skipped"
        return
    fi
    TMO=3600 index mem_full "0" --db "$WORK/mem_full.db" --jobs 2 "$C" || return
    echo "note memory: whole ../shared/corpus ($(du -sm "$C" | cut -f1) MB, --jobs 2): peak RSS $RSS_KIB KiB," \
        "anon $ANON_KIB KiB, ${SECS}s"
    [ "$ANON_KIB" -lt 524288 ] && ok "memory: whole corpus anon $ANON_KIB KiB < 512 MiB" ||
        bad "memory: whole corpus anon $ANON_KIB KiB"
}

case $SUITE in
queries) suite_queries ;;
input) suite_input ;;
bigline) suite_bigline ;;
manyfiles) suite_manyfiles ;;
memory) suite_memory ;;
*) echo "usage: hostile.sh BUILD WORK queries|input|bigline|manyfiles|memory" >&2; exit 2 ;;
esac
echo "hostile.sh $SUITE: $FAILS failed"
[ "$FAILS" -eq 0 ]
