#!/bin/sh
# tests/bench/e2e.sh - a tiny kofts-bench run on corpus/sample (ctest label: slow).
# Usage: e2e.sh KOFTS_BENCH BUILD_DIR SAMPLE_DIR WORK_DIR
# Exit 0 pass, 1 fail, 77 skip (programs not built, or no sample corpus).
set -u
bench=$1 build=$2 sample=$3 work=$4
for p in kofts-index kofts-search; do
  if [ ! -x "$build/$p" ]; then
    echo "SKIP: $build/$p is not built"; exit 77
  fi
done
if [ -z "$(ls -A "$sample" 2>/dev/null)" ]; then
  echo "SKIP: $sample is empty or missing"; exit 77
fi
rm -rf "$work" && mkdir -p "$work/results" || exit 1
start=$(date +%s)
"$bench" --sample --passes 1 --per-class 4 --no-throughput --no-plots --no-rerun \
  --bin "$build" --work "$work" --out "$work/results" --label e2e \
  >"$work/out.md" 2>"$work/err.txt"
st=$?
end=$(date +%s)
fail() { echo "FAIL: $*"; echo "--- stderr"; cat "$work/err.txt"; echo "--- stdout"; cat "$work/out.md"; exit 1; }
[ $st -eq 0 ] || fail "kofts-bench exited with $st"
for want in "## Indexing" "## Query latency" "## Relevance" "kofts (--jobs" \
            "fts5 unicode61" "fts5 trigram" "snippets included" "(×1.00)"; do
  grep -qF "$want" "$work/out.md" || fail "output lacks '$want'"
done
# kofts must have query figures (a latency row with class all)
grep -q '^| kofts (--jobs [0-9]*) | all |' "$work/out.md" || fail "no kofts latency row"
ls "$work"/results/*-e2e.md "$work"/results/*-e2e.csv "$work"/results/*-e2e-latency.csv \
  >/dev/null 2>&1 || fail "result files missing"
echo "ok: e2e bench run in $((end - start)) s"
