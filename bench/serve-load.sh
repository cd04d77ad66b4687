#!/bin/sh
# bench/serve-load.sh BUILD - load kofts-serve on loopback with wrk (`make bench-serve`).
#
# Indexes ../shared/corpus (korquad1-dev + ko-wikinews + ko-petitions; else the bundled
# corpus/sample), takes a Korean query mix (the first NQ korquad1-dev questions; else
# words of the sample titles), and runs, in one session:
#   1. kofts-search --batch over the mix (3 passes, the last timed): per-query latency
#      of the library with no HTTP, the baseline;
#   2. kofts-serve --threads THREADS, and wrk for DURATION s at each connection count in
#      CONNS against /api/search?q=<mix> (each connection cycles through the mix).
# Prints a Markdown table (requests/s, p50, p99, non-2xx and socket errors) and writes
# it to bench/results/<date>-<host>-serve.md. Not part of `make test`.
set -eu
BUILD=${1:-build}
THREADS=${THREADS:-2}
CONNS=${CONNS:-"1 4 16 64"}
DURATION=${DURATION:-10}
NQ=${NQ:-300}
cd "$(dirname "$0")/.."
for p in kofts-index kofts-search kofts-serve; do
    [ -x "$BUILD/$p" ] || { echo "serve-load: $BUILD/$p is not built" >&2; exit 1; }
done
command -v wrk >/dev/null 2>&1 || { echo "serve-load: wrk not found (apt-get install wrk)" >&2; exit 1; }
W=$BUILD/serve-bench
rm -rf "$W"
mkdir -p "$W" bench/results
DB=$W/index.db
C=../shared/corpus
if [ -f "$C/korquad1-dev/queries.tsv" ]; then
    SRC="$C/korquad1-dev/docs.jsonl $C/ko-wikinews/docs.jsonl $C/ko-petitions/docs.jsonl"
    head -n "$NQ" "$C/korquad1-dev/queries.tsv" > "$W/queries.tsv"
    what="../shared/corpus (korquad1-dev, ko-wikinews, ko-petitions), first $NQ korquad1-dev questions"
else
    SRC=corpus/sample
    grep -h '^title:' corpus/sample/*.md | sed 's/^title: *//; s/"//g' |
        awk '{ printf "s%d\t%s %s\n", NR, $1, $2 }' > "$W/queries.tsv"
    what="corpus/sample, two words of each title"
fi
# shellcheck disable=SC2086
"$BUILD/kofts-index" --quiet --full --db "$DB" $SRC
docs=$("$BUILD/kofts-search" --db "$DB" --stats | sed -n 's/.*"documents":\([0-9]*\).*/\1/p')
nq=$(wc -l < "$W/queries.tsv")

# 1. the library baseline: microseconds per query of the last of 3 passes
"$BUILD/kofts-search" --db "$DB" --batch "$W/queries.tsv" --limit 10 --passes 3 \
    --timings "$W/timings.tsv" > /dev/null
base=$(awk -F'\t' '$2 == 3 { print $3 }' "$W/timings.tsv" | sort -n | awk '
    { v[NR] = $1; s += $1 }
    END { printf "%.2f %.2f %.2f", v[int(NR * 0.5 + 0.5)] / 1000, v[int(NR * 0.99 + 0.5)] / 1000, s / NR / 1000 }')
set -- $base
lib_p50=$1 lib_p99=$2 lib_mean=$3

# 2. the server under wrk
{
    printf 'paths = {\n'
    cut -f2- "$W/queries.tsv" | while IFS= read -r q; do
        enc=$(printf '%s' "$q" | od -An -tx1 -v | tr -d ' \n' | sed 's/\(..\)/%\1/g')
        printf '  "/api/search?q=%s",\n' "$enc"
    done
    printf '}\n'
    cat <<'LUA'
local i = 0
init = function(args) i = math.random(#paths) end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
} > "$W/mix.lua"
: > "$W/serve.log" # emptied before the start: see serve/serve-port.sh
"$BUILD/kofts-serve" --db "$DB" --listen 127.0.0.1:0 --threads "$THREADS" 2> "$W/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
. serve/serve-port.sh
port=$(serve_port "$W/serve.log") || { echo "serve-load: kofts-serve did not start" >&2; cat "$W/serve.log" >&2; exit 1; }

# wrk prints latency like 1.23ms / 456.00us / 1.02s: convert to ms.
to_ms() {
    awk -v x="$1" 'BEGIN { n = x + 0; if (x ~ /us$/) n /= 1000; else if (x ~ /ms$/) n += 0;
                          else if (x ~ /s$/) n *= 1000; printf "%.2f", n }'
}
out=bench/results/$(date -u +%Y-%m-%d)-$(hostname -s)-serve.md
{
    echo "kofts-serve under wrk, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores shared, kofts-serve --threads $THREADS"
    echo "index: $docs documents from $what ($nq queries, /api/search, limit 10 with snippets and total)"
    echo
    echo "| client | conns | requests/s | p50 ms | p99 ms | non-2xx | socket errors |"
    echo "|---|---|---|---|---|---|---|"
    echo "| kofts-search --batch (library, no HTTP; per query) | 1 | $(awk -v m="$lib_mean" 'BEGIN { printf "%.0f", 1000 / m }') | $lib_p50 | $lib_p99 | - | - |"
    for c in $CONNS; do
        t=$THREADS
        [ "$c" -lt "$t" ] && t=$c
        wrk -t"$t" -c"$c" -d"${DURATION}s" --latency -s "$W/mix.lua" "http://127.0.0.1:$port" > "$W/wrk-$c.txt" 2>&1
        rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$W/wrk-$c.txt")
        p50=$(awk '$1 == "50%" { print $2 }' "$W/wrk-$c.txt")
        p99=$(awk '$1 == "99%" { print $2 }' "$W/wrk-$c.txt")
        non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$W/wrk-$c.txt")
        sock=$(sed -n 's/.*Socket errors: *\(.*\)$/\1/p' "$W/wrk-$c.txt")
        echo "| wrk (HTTP, /api/search) | $c | $(printf '%.0f' "$rps") | $(to_ms "$p50") | $(to_ms "$p99") | ${non2xx:-0} | ${sock:-none} |"
    done
} | tee "$out"
kill $pid
wait $pid 2>/dev/null || true
trap - EXIT
grep -c '' "$W/serve.log" | awk '{ print "server log lines: " $1 }'
echo "written: $out"
