#!/bin/sh
# Golden analyzer tests (Groonga style): every tests/golden/<aspect>/<case>.txt is run
# through kofts-analyze and compared with <case>.expected. Aspect "bigram" uses
# --bigram (files named query_* also --query); aspect "query" uses --query.
# usage: run.sh KOFTS_ANALYZE [--update-golden]
set -u
analyze="$1"
update="${2:-}"
dir=$(cd "$(dirname "$0")" && pwd)
fail=0
n=0
for f in "$dir"/*/*.txt; do
    aspect=$(basename "$(dirname "$f")")
    case_name=$(basename "$f" .txt)
    args=""
    [ "$aspect" = bigram ] && args="--bigram"
    [ "$aspect" = query ] && args="--query"
    case "$case_name" in query_*) args="$args --query" ;; esac
    exp="${f%.txt}.expected"
    # shellcheck disable=SC2086
    out=$("$analyze" $args < "$f") || { echo "FAIL $aspect/$case_name: kofts-analyze exited $?"; fail=1; continue; }
    n=$((n + 1))
    if [ "$update" = "--update-golden" ]; then
        printf '%s\n' "$out" > "$exp"
        continue
    fi
    if [ ! -f "$exp" ]; then
        echo "FAIL $aspect/$case_name: no $exp (run with --update-golden and review it)"
        fail=1
        continue
    fi
    if ! printf '%s\n' "$out" | diff -u "$exp" - > /tmp/kofts-golden.$$ 2>&1; then
        echo "FAIL $aspect/$case_name:"
        cat /tmp/kofts-golden.$$
        fail=1
    fi
    rm -f /tmp/kofts-golden.$$
done
echo "$n golden cases checked"
exit $fail
