#!/bin/sh
# fuzz.sh - build the libFuzzer targets (clang, ASan+UBSan, in their own build folder)
# and run each for a bounded time. What `make fuzz` runs.
#
#   sh scripts/fuzz.sh [SECONDS] [TARGET...]     default 60 s each, all targets
#   FUZZ_BUILD=build-fuzz  FUZZ_JOBS=1  FUZZ_WORK=build-fuzz/fuzz-work
#
# Each target starts from its committed seeds (tests/reliability/fuzz/seeds/<target>/)
# plus a working corpus in $FUZZ_WORK/<target>/corpus that grows between runs (not in
# git). A crash, leak, timeout or sanitizer report makes the run fail: the input is
# saved as $FUZZ_WORK/<target>/crash-* and printed, and the script exits 1 after
# running the other targets. Copy a crash input into seeds/<target>/ to keep it as a
# regression test (ctest replays the seeds in every build).
# The last line per target reports how long it ran without a finding.
set -u
cd "$(dirname "$0")/.." || exit 1
SECS=${1:-60}
[ $# -gt 0 ] && shift
BUILD=${FUZZ_BUILD:-build-fuzz}
WORK=${FUZZ_WORK:-$BUILD/fuzz-work}
SEEDS=tests/reliability/fuzz/seeds
CC_FUZZ=${CC_FUZZ:-clang}
CXX_FUZZ=${CXX_FUZZ:-clang++} # the Xapian wrapper (C++) takes the same sanitizer flags

if ! command -v "$CC_FUZZ" >/dev/null 2>&1; then
    echo "fuzz.sh: $CC_FUZZ not found (install clang and libclang-rt-14-dev)" >&2
    exit 1
fi
# Instrument the libraries too (fuzzer-no-link), so coverage guides into analyzer/,
# indexer/ and searcher/, not only into the target file.
CC="$CC_FUZZ" CXX="$CXX_FUZZ" cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKOFTS_BUILD_FUZZ=ON -DKOFTS_BUILD_BENCH=OFF \
    "-DKOFTS_SANITIZE=address;undefined;fuzzer-no-link" >/dev/null || exit 1

if [ $# -gt 0 ]; then
    TARGETS="$*"
else
    TARGETS=$(ls "$SEEDS")
fi
for t in $TARGETS; do
    cmake --build "$BUILD" -j "$(nproc 2>/dev/null || echo 2)" --target "fuzz_$t" >/dev/null ||
        { echo "fuzz.sh: build of fuzz_$t failed" >&2; exit 1; }
done

status=0
summary=""
for t in $TARGETS; do
    mkdir -p "$WORK/$t/corpus"
    log="$WORK/$t/log.txt"
    start=$(date +%s)
    "./$BUILD/fuzz_$t" -max_total_time="$SECS" -timeout=25 -rss_limit_mb=3072 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$WORK/$t/" \
        "$WORK/$t/corpus" "$SEEDS/$t" >"$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    if [ $rc -eq 0 ]; then
        line="fuzz_$t: ${took}s, ${runs:-?} runs, $cov, no finding"
    else
        status=1
        line="fuzz_$t: FINDING after ${took}s (exit $rc); see $log"
        grep -m 20 -E 'ERROR|SUMMARY|fuzz property|runtime error|Test unit written' "$log" >&2
    fi
    echo "$line"
    summary="$summary$line
"
done
printf '%s' "$summary" > "$WORK/summary.txt"
exit $status
