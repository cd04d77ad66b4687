#!/bin/sh
# bench/run-bench.sh BUILD [kofts-bench options...] - what `make bench` runs.
# Indexes ../shared/corpus (all sets; KorQuAD dev queries and judgments) when it
# exists, else the bundled corpus/sample with queries made from it, with kofts, FTS5
# unicode61 and FTS5 trigram, and writes bench/results/<date>-<host>.{md,csv,png}.
# Indexes go to BUILD/bench-work (removed and rebuilt every run).
set -eu
build=${1:-build}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/.."
if [ ! -x "$build/kofts-bench" ]; then
    echo "run-bench: $build/kofts-bench is not built (configure with -DKOFTS_BUILD_BENCH=ON)" >&2
    exit 1
fi
for p in kofts-index kofts-search; do
    [ -x "$build/$p" ] || echo "run-bench: warning: $build/$p is missing; kofts will not be measured" >&2
done
mkdir -p bench/results
exec "$build/kofts-bench" --bin "$build" --work "$build/bench-work" --out bench/results "$@"
