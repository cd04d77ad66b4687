#!/bin/sh
# remote.sh - Xapian shards served by xapian-tcpsrv: three servers on 127.0.0.1 (random
# free ports), each serving one shard of the fixture index; a stub file of `remote`
# lines must give the same results as the local shards. Then one server is killed (a
# clear error naming it, exit 1; with --partial, results and a warning naming it, in
# --json too), and one is stopped with SIGSTOP (it accepts but never answers: the
# timeout applies). R07: local shards matched in parallel (xapian-progsrv) = one thread.
# Exits 77 (skip) when xapian-tcpsrv is missing.
# Usage: remote.sh KOFTS_SEARCH_MKINDEX KOFTS_SEARCH DOCS.jsonl
set -u
MK=$1
SEARCH=$2
DOCS=$3
. "$(dirname "$0")/../lib.sh"
command -v xapian-tcpsrv >/dev/null 2>&1 ||
    skip "xapian-tcpsrv not found (Debian package xapian-tools)"
scratch remote
W=$T
pids=""
stop_servers() {
    for p in $pids; do kill -CONT "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
    return 0
}
CLEANUP=stop_servers

"$MK" --backend xapian --shards 3 "$W/local.idx" "$DOCS" || exit 1

# Start one server for shard $1 on a random free port; prints the port.
start_server() {
    tries=0
    while [ $tries -lt 20 ]; do
        port=$(( ( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000 ) + 20000 ))
        # Its own session: on SIGTERM xapian-tcpsrv signals its whole process group.
        setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port" --timeout 60000 \
            "$W/local.idx.d/shard-$1" >/dev/null 2>&1 &
        spid=$!
        sleep 0.4
        if kill -0 "$spid" 2>/dev/null; then
            echo "$port $spid"
            return 0
        fi
        tries=$((tries + 1))
    done
    return 1
}
: >"$W/remote.idx"
for k in 0 1 2; do
    set -- $(start_server $k) || { echo "cannot start xapian-tcpsrv"; exit 1; }
    eval "port$k=$1"
    pids="$pids $2"
    eval "pid$k=$2"
    echo "remote 127.0.0.1:$1" >>"$W/remote.idx"
done

# R01: same hits (ids, order) as the local shards, for a table of queries.
ok=0
for q in 광주와 양자 "양자 컴퓨팅" '"양자 컴퓨팅"' "날씨 -부산" "서울 OR 부산" title:임종석 반도* \
    "category:과학 양자" "광주 무지개" "빅 데이터"; do
    a=$("$SEARCH" --db "$W/local.idx" --json -- "$q" | sed 's/"score":[^,]*,//')
    b=$("$SEARCH" --db "$W/remote.idx" --json -- "$q" | sed 's/"score":[^,]*,//')
    if [ "$a" != "$b" ] || [ -z "$a" ]; then ok=1; echo "  differs for $q"; fi
done
check R01-remote-equals-local $ok "remote results differ from local ones"
a=$("$SEARCH" --db "$W/local.idx" --sort date --since 2023-01-01 --json 양자)
b=$("$SEARCH" --db "$W/remote.idx" --sort date --since 2023-01-01 --json 양자)
check R02-sort-and-filter $([ "$a" = "$b" ] && [ -n "$a" ]; echo $?) "differs"

# R07: local shards matched at once by xapian-progsrv processes (--parallel)
# give the same hits and scores as the one-thread match, and --stats says which ran.
ok=0
for q in 광주와 양자 "양자 컴퓨팅" '"양자 컴퓨팅"' "날씨 -부산" "서울 OR 부산" title:임종석 반도* \
    "category:과학 양자" "광주 무지개" "빅 데이터"; do
    a=$("$SEARCH" --parallel --db "$W/local.idx" --json -- "$q")
    b=$("$SEARCH" --db "$W/local.idx" --json -- "$q")
    if [ "$a" != "$b" ] || [ -z "$a" ]; then ok=1; echo "  differs for $q"; fi
done
a=$("$SEARCH" --parallel --db "$W/local.idx" --stats)
b=$("$SEARCH" --db "$W/local.idx" --stats)
echo "$a" | grep -q '"shards_in_parallel":true' || { ok=1; echo "  not in parallel: $a"; }
echo "$b" | grep -q '"shards_in_parallel":false' || { ok=1; echo "  in parallel: $b"; }
check R07-parallel-equals-one-thread $ok "parallel results differ from one-thread ones"

# R03/R04: a server down.
kill "$pid1"
wait "$pid1" 2>/dev/null || true
err=$("$SEARCH" --db "$W/remote.idx" 양자 2>&1)
rc=$?
check R03-down-is-an-error $([ $rc -eq 1 ] && echo "$err" | grep -q "127.0.0.1:$port1"; echo $?) \
    "rc=$rc: $err"
out=$("$SEARCH" --db "$W/remote.idx" --partial --json 양자 2>"$W/err")
rc=$?
check R04-partial $([ $rc -eq 0 ] && grep -q "warning: .*127.0.0.1:$port1" "$W/err" &&
    echo "$out" | grep -q "\"warning\":.*127.0.0.1:$port1" &&
    echo "$out" | grep -q '"id"'; echo $?) "rc=$rc out=$out err=$(cat "$W/err")"

# R05: a server that accepts but never answers: an error within the timeout (5 s).
kill -STOP "$pid2"
t0=$(date +%s)
out=$("$SEARCH" --db "$W/remote.idx" --partial --json 양자 2>"$W/err")
rc=$?
t1=$(date +%s)
kill -CONT "$pid2"
check R05-stalled-shard-times-out $([ $rc -eq 0 ] && [ $((t1 - t0)) -le 20 ] &&
    grep -q "127.0.0.1:$port2" "$W/err"; echo $?) "rc=$rc after $((t1 - t0)) s: $(cat "$W/err")"
finish remote
