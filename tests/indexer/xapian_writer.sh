#!/bin/sh
# xapian_writer.sh - kofts-index --backend xapian: first build, unchanged re-run, an
# update, --prune, refusing a shard-count change without --full, --full with a new
# count, later runs without --backend, --optimize after incremental runs, and kill -9 in
# the middle of a build followed by a re-run (no document lost or doubled). Checks go through kofts-search (--stats, --json) only.
# Usage: xapian_writer.sh KOFTS_INDEX KOFTS_SEARCH
set -u
IDX=$1
SEARCH=$2
. "$(dirname "$0")/../lib.sh"
scratch xapian-writer
W=$T
field() { # key json -> value
    printf '%s' "$2" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}
docs() { field documents "$("$SEARCH" --db "$W/x.idx" --stats 2>/dev/null)"; }

mkdir -p "$W/src"
for i in 1 2 3; do
    printf -- '---\ntitle: 문서 %s\ndate: 2024-01-0%s\ncategories: [과학]\n---\n양자 컴퓨팅 문서 %s 본문\n' \
        "$i" "$i" "$i" >"$W/src/p$i.md"
done
out=$("$IDX" --json -q --backend xapian --shards 2 --db "$W/x.idx" "$W/src")
check X01-first-build $([ "$(field indexed "$out")" = 3 ] && [ "$(docs)" = 3 ]; echo $?) "$out"
grep -q '^auto x.idx.d/shard-1$' "$W/x.idx"
check X02-stub-file $? "$(cat "$W/x.idx")"
if command -v xapian-delve >/dev/null 2>&1; then
    xapian-delve "$W/x.idx" | grep -q 'number of documents = 3'
    check X03-xapian-opens-stub $? "xapian-delve cannot read the stub"
fi
out=$("$IDX" --json -q --backend xapian --db "$W/x.idx" "$W/src")
check X04-unchanged $([ "$(field unchanged "$out")" = 3 ] && [ "$(field indexed "$out")" = 0 ]; echo $?) "$out"
echo "덧붙인 문장 무지개" >>"$W/src/p2.md"
rm "$W/src/p3.md"
out=$("$IDX" --json -q --prune --backend xapian --db "$W/x.idx" "$W/src")
check X05-update-prune $([ "$(field updated "$out")" = 1 ] && [ "$(field removed "$out")" = 1 ] &&
    [ "$(docs)" = 2 ]; echo $?) "$out docs=$(docs)"
hits=$("$SEARCH" --db "$W/x.idx" --json 무지개 | grep -c '"id"')
check X06-updated-text-found $([ "$hits" = 1 ]; echo $?) "hits=$hits"
err=$("$IDX" -q --backend xapian --shards 3 --db "$W/x.idx" "$W/src" 2>&1)
check X07-shard-change-refused $([ $? -eq 1 ] && echo "$err" | grep -q 'has 2 shards'; echo $?) "$err"
mkdir -p "$W/x.idx.d/shard-0.compact" && echo junk >"$W/x.idx.d/shard-0.compact/x" # an interrupted compaction
out=$("$IDX" --json -q --full --backend xapian --shards 3 --db "$W/x.idx" "$W/src")
# the first build ends by compacting each shard (swapped in whole; leftovers removed)
check X19-compacted-no-leftover $([ ! -e "$W/x.idx.d/shard-0.compact" ] &&
    [ -z "$(ls -d "$W"/x.idx.d/*.compact 2>/dev/null)" ]; echo $?) "$(ls "$W/x.idx.d")"
check X08-full-new-count $([ "$(docs)" = 2 ] && grep -c '^auto' "$W/x.idx" | grep -qx 3; echo $?) \
    "docs=$(docs) $(cat "$W/x.idx")"
echo "not a stub" >"$W/other"
err=$("$IDX" -q --backend xapian --db "$W/other" "$W/src" 2>&1)
check X09-no-overwrite $([ $? -eq 1 ] && grep -q 'not a stub' "$W/other"; echo $?) "$err"

# Phrases: one posting per token, the columns lie apart: a phrase matches inside a
# column ("컴퓨팅 문서" in the body), never across two (the title's last word + the
# body's first); title: keeps its own terms.
n=$("$SEARCH" --db "$W/x.idx" --json '"컴퓨팅 문서"' | grep -c '"id"')
check X12-phrase-in-column $([ "$n" = 2 ]; echo $?) "hits=$n"
n=$("$SEARCH" --db "$W/x.idx" --json --match all '"1 양자"' | grep -c '"id"')
check X13-phrase-not-across-columns $([ "$n" = 0 ]; echo $?) "hits=$n"
n=$("$SEARCH" --db "$W/x.idx" --json 'title:"문서 2"' | grep -c '"id"')
check X14-title-phrase $([ "$n" = 1 ]; echo $?) "hits=$n"
# An index of another Xapian layout (layout 1 had no layout row / metadata): the
# writer and the searcher refuse it and say to rebuild with --full.
cp -r "$W/x.idx.d" "$W/old.idx.d" && sed 's/x\.idx\.d/old.idx.d/' "$W/x.idx" >"$W/old.idx"
sqlite3 "$W/old.idx.d/state.db" "DELETE FROM meta WHERE key = 'layout'"
err=$("$IDX" -q --backend xapian --db "$W/old.idx" "$W/src" 2>&1)
check X15-old-layout-writer $([ $? -eq 1 ] && echo "$err" | grep -q "layout '*1'*.*--full"; echo $?) "$err"
for d in "$W"/old.idx.d/shard-*; do xapian-metadata set "$d" kofts_layout 1; done
err=$("$SEARCH" --db "$W/old.idx" 양자 2>&1)
check X16-old-layout-search $([ $? -eq 1 ] && echo "$err" | grep -q "layout '*1'*.*--full"; echo $?) "$err"
"$IDX" -q --full --backend xapian --db "$W/old.idx" "$W/src"
n=$("$SEARCH" --db "$W/old.idx" --json 양자 | grep -c '"id"')
check X17-old-layout-full-rebuild $([ "$n" = 2 ]; echo $?) "hits=$n"

# Later runs need no --backend (the stub file says it); incremental runs grow the
# shards, --optimize compacts them as a first build does, with the same answers.
mkdir -p "$W/osrc"
for i in 1 2 3 4 5 6; do
    printf -- '---\ntitle: 글 %s\n---\n양자 컴퓨팅 글 %s\n' "$i" "$i" >"$W/osrc/p$i.md"
done
"$IDX" -q --backend xapian --shards 2 --db "$W/o.idx" "$W/osrc"
for r in 1 2 3; do
    for i in 1 2 3 4 5 6; do echo "덧붙임 $r 무지개 $i" >>"$W/osrc/p$i.md"; done
    out=$("$IDX" --json -q --db "$W/o.idx" "$W/osrc" 2>&1)
done
check X20-backend-from-stub $([ "$(field updated "$out")" = 6 ]; echo $?) "$out"
bytes() { du -sb "$W"/o.idx.d/shard-* | awk '{ s += $1 } END { print s }'; }
grown=$(bytes)
before=$("$SEARCH" --db "$W/o.idx" --json 무지개)
out=$("$IDX" --json -q --optimize --db "$W/o.idx" "$W/osrc")
after=$("$SEARCH" --db "$W/o.idx" --json 무지개)
check X21-optimize-compacts $([ "$(bytes)" -lt "$grown" ] && [ "$(field unchanged "$out")" = 6 ] &&
    [ -z "$(ls -d "$W"/o.idx.d/*.compact 2>/dev/null)" ]; echo $?) "bytes $grown -> $(bytes); $out"
n=$(printf '%s\n' "$before" | grep -c '"id"')
check X22-optimize-same-answers $([ "$n" = 6 ] && [ "$before" = "$after" ]; echo $?) "hits=$n, before/after differ or too few"

# Read-only use: a root-owned index in a 0755 folder searched as `nobody` (who cannot
# write there) with a copy of kofts-search (the build folder may be out of its reach).
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    chmod 755 "$W" && cp "$SEARCH" "$W/ks" && chmod 755 "$W/ks" && chmod -R a+rX,go-w "$W/x.idx.d" "$W/x.idx"
    out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$W/ks" --db "$W/x.idx" --json 양자 2>&1)
    n=$(printf '%s\n' "$out" | grep -c '"id"')
    check X18-read-only-as-nobody $([ "$n" = 2 ]; echo $?) "$out"
else
    echo "skip X18-read-only-as-nobody: needs root and setpriv"
fi

# kill -9 during a build (80 files of 1000 records: ~3.5 s here since hunspell left the build;
# 20,000 records took 0.9 s and ended before the kill), then a re-run: every document
# exactly once.
i=0
while [ $i -lt 80000 ]; do
    printf '{"id":"k%d","title":"제목 %d","body":"공통단어 본문 %d 번째 문서의 내용이다"}\n' $i $i $i
    i=$((i + 1))
done >"$W/big.jsonl"
split -l 1000 "$W/big.jsonl" "$W/part-" && for f in "$W"/part-*; do mv "$f" "$f.jsonl"; done
mkdir -p "$W/big" && mv "$W"/part-*.jsonl "$W/big/"
"$IDX" -q --batch 200 --backend xapian --shards 2 --db "$W/k.idx" "$W/big" &
pid=$!
sleep 1
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
n=$(field documents "$("$SEARCH" --db "$W/k.idx" --stats 2>/dev/null)")
check X10-killed-mid-build $([ "${n:-0}" -lt 80000 ]; echo $?) "the build finished before the kill (documents=$n)"
"$IDX" -q --backend xapian --db "$W/k.idx" "$W/big"
n=$(field documents "$("$SEARCH" --db "$W/k.idx" --stats)")
hits=$("$SEARCH" --db "$W/k.idx" --explain 공통단어 | sed -n 's/.*documents: \([0-9]*\).*/\1/p' | head -1)
check X11-kill-rerun $([ "$n" = 80000 ] && [ "$hits" = 80000 ]; echo $?) "documents=$n matching=$hits"
finish xapian_writer
