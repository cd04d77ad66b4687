#!/bin/bash
# test_serve_parallel.sh - kofts-serve --parallel on a Xapian index of two local shards:
# each search handle matches the shards at once in xapian-progsrv processes, with the
# same hits and scores as one thread, and the request time limit still holds although
# those processes cannot run kofts' stop check (kofts_backend_xapian.c, par_search).
#   P01 --parallel is on (/api/stats) and each of the 2 threads has 2 shard servers
#   P02 the same hits and scores as a server without --parallel (4 queries)
#   P03 shard servers stopped (SIGSTOP): a search answers 503 within the time limit
#       (without the stop check on the servers' match it never answered)
#   P04 servers continued (SIGCONT): searches answer 200 with the P02 hits again, on
#       new shard servers
#   P05 SIGTERM: kofts-serve exits and leaves no shard server behind
# bash for /dev/tcp (no HTTP client is a dependency); /proc to find the servers.
# usage: test_serve_parallel.sh KOFTS_INDEX KOFTS_SERVE SOURCE_DIR WORKDIR
INDEX=$1
SERVE=$2
SRC=$3
WORK=$4
LIMIT_MS=400
. "$SRC/tests/lib.sh"
command -v xapian-progsrv >/dev/null 2>&1 ||
    skip "xapian-progsrv not found (scripts/install-deps.sh installs xapian-tools)"
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
. "$SRC/serve/serve-port.sh"

# GET PATH from 127.0.0.1:PORT; prints the response (headers and body), given up after
# 10 s (without the stop check on the shard servers, P03's search never answered).
get() {
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
    timeout 10 cat <&3
    exec 3<&-
}
status_of() { head -n 1 | cut -d' ' -f2; }
# "id score" of each hit of an /api/search answer, one per line.
hits_of() { grep -o '"id":"[^"]*","score":[0-9.e+-]*' | sed 's/"id":"\([^"]*\)","score":/\1 /'; }
# The xapian-progsrv processes whose parent is $1.
servers_of() {
    for d in /proc/[0-9]*; do
        [ "$(cat "$d/comm" 2>/dev/null)" = xapian-progsrv ] || continue
        set -- "$1" $(sed 's/^.*) //' "$d/stat" 2>/dev/null)
        [ "$3" = "$1" ] && echo "${d#/proc/}"
        set -- "$1"
    done
}
now_ms() { echo $(($(date +%s%N) / 1000000)); }

DB=$WORK/x.idx
"$INDEX" --quiet --full --backend xapian --shards 2 --db "$DB" "$SRC/corpus/sample" || exit 1
start() { # LOG ARGS...: start kofts-serve, set pid and port
    local log=$1
    shift
    : >"$log"
    "$SERVE" --db "$DB" --listen 127.0.0.1:0 --threads 2 --time-limit $LIMIT_MS "$@" 2>"$log" &
    pid=$!
    if ! port=$(serve_port "$log"); then
        echo "FAIL: kofts-serve did not start"
        cat "$log"
        kill $pid 2>/dev/null
        exit 1
    fi
}
QUERIES="%EC%98%88%EC%82%B0 %EA%B3%BC%ED%95%99 %EC%96%91%EC%9E%90+%EC%BB%B4%ED%93%A8%ED%8C%85 %ED%95%B4%ED%82%B9"
all_hits() { # PORT: the hits of every query
    for q in $QUERIES; do
        echo "q=$q"
        get "$1" "/api/search?q=$q&limit=20" | hits_of
    done
}

start "$WORK/one.log"
one_pid=$pid
all_hits "$port" >"$WORK/one.hits"
kill $one_pid
wait $one_pid 2>/dev/null

start "$WORK/par.log" --parallel
stats=$(get "$port" /api/stats)
servers=$(servers_of $pid | wc -l)
echo "$stats" | grep -q '"shards_in_parallel":true' && [ "$servers" -eq 4 ]
check P01-parallel-on $? "$servers shard servers (want 4); $(echo "$stats" | tail -n 1)"

all_hits "$port" >"$WORK/par.hits"
n=$(grep -vc '^q=' "$WORK/one.hits")
cmp -s "$WORK/one.hits" "$WORK/par.hits" && [ "$n" -gt 0 ]
check P02-same-hits-as-one-thread $? "$(diff "$WORK/one.hits" "$WORK/par.hits" | head -n 5) ($n hits)"

stopped=$(servers_of $pid)
kill -STOP $stopped
t0=$(now_ms)
st=$(get "$port" "/api/search?q=%EC%98%88%EC%82%B0+%EA%B3%BC%ED%95%99" | status_of)
ms=$(($(now_ms) - t0))
[ "$st" = 503 ] && [ "$ms" -lt $((LIMIT_MS + 600)) ]
check P03-stopped-servers-answer-503-in-time $? "status $st after $ms ms (limit $LIMIT_MS ms)"

kill -CONT $stopped
all_hits "$port" >"$WORK/after.hits"
cmp -s "$WORK/one.hits" "$WORK/after.hits" && get "$port" /api/stats | grep -q '"shards_in_parallel":true'
check P04-searches-again-after $? "$(diff "$WORK/one.hits" "$WORK/after.hits" | head -n 5)"

left=$(servers_of $pid)
kill -TERM $pid
wait $pid
rc=$?
for _ in 1 2 3 4 5 6 7 8 9 10; do
    alive=""
    for p in $left $stopped; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
    [ -z "$alive" ] && break
    sleep 0.2
done
[ "$rc" -eq 0 ] && [ -z "$alive" ]
check P05-exit-leaves-no-server $? "exit status $rc, still running:$alive"
[ -n "$alive" ] && kill -KILL $alive 2>/dev/null

finish serve_parallel
