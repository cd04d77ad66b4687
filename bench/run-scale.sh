#!/bin/sh
# bench/run-scale.sh BUILD - what `make bench-scale` runs.
# For each size in KOFTS_SCALES (default "10000 100000 1000000") it generates a
# synthetic corpus with BUILD/kofts-gen (word statistics learnt from
# ../shared/corpus/ko-petitions + ko-wikinews; fixed seed), runs kofts-bench on it
# with the generator's queries, appends the figures to
# bench/results/<date>-<host>-scale.csv and plots build time, index size, p50 and p99
# against corpus size into bench/results/<date>-<host>-scale.png (gnuplot).
# KOFTS_SCALE_ENGINES limits the engines (FTS5 trigram builds at well under 1 MB/s
# of text: about an hour for 1M documents on 2 cores).
# 1M documents take tens of minutes and several GB in BUILD/scale-work; generated
# corpora are kept there and reused (delete the folder to regenerate).
set -eu
build=${1:-build}
cd "$(dirname "$0")/.."
scales=${KOFTS_SCALES:-"10000 100000 1000000"}
seed=${KOFTS_SCALE_SEED:-20240301}
nq=${KOFTS_SCALE_QUERIES:-500}
engines=${KOFTS_SCALE_ENGINES:-kofts,unicode61,trigram}
shared=../shared/corpus
for p in kofts-gen kofts-bench; do
    if [ ! -x "$build/$p" ]; then echo "run-scale: $build/$p is not built" >&2; exit 1; fi
done
learn=""
for f in "$shared/ko-petitions/docs.jsonl" "$shared/ko-wikinews/docs.jsonl"; do
    [ -r "$f" ] && learn="$learn $f"
done
if [ -z "$learn" ]; then
    learn=$(find corpus/sample -name '*.jsonl' 2>/dev/null | head -5 | tr '\n' ' ')
fi
if [ -z "$learn" ]; then
    echo "run-scale: no JSON-lines corpus to learn from ($shared missing)" >&2; exit 1
fi
work="$build/scale-work"
mkdir -p "$work" bench/results
stem="bench/results/$(date +%Y-%m-%d)-$(hostname | tr '/ ' '__')-scale"
csv="$stem.csv"
rm -f "$csv"
for n in $scales; do
    gen="$work/gen-$n-s$seed.jsonl" qf="$work/gen-$n-s$seed-q$nq.tsv"
    if [ -s "$gen" ] && [ -s "$qf" ]; then
        echo "run-scale: reusing $gen (kofts-gen is deterministic for a seed)" >&2
    else
        echo "run-scale: generating $n documents (seed $seed) ..." >&2
        # shellcheck disable=SC2086
        "$build/kofts-gen" --docs "$n" --seed "$seed" --format jsonl --out "$gen.tmp" \
            --queries "$qf" --nqueries "$nq" $learn
        mv "$gen.tmp" "$gen"
    fi
    echo "run-scale: benchmarking $n documents ..." >&2
    "$build/kofts-bench" --bin "$build" --work "$work/idx" --out bench/results \
        --queries "$qf" --label "scale-$n" --scale-csv "$csv" \
        --engines "$engines" --passes 2 --no-throughput --no-rerun --no-jobs-compare --no-plots \
        "$gen" >"$work/report-$n.md"
    rm -f "$work"/idx/*.db "$work"/idx/*.db-wal "$work"/idx/*.db-shm
done
if command -v gnuplot >/dev/null 2>&1; then
    gnuplot <<GP
if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) { set terminal pngcairo size 1200,900 } else { set terminal png size 1200,900 }
set output '$stem.png'
set datafile separator ','
set yrange [0:*]
set logscale x
set grid
set xlabel 'documents'
set key top left
engines = 'kofts unicode61 trigram'
set multiplot layout 2,2 title 'kofts vs FTS5 baselines by corpus size (same text, same run)'
set title 'build time (s)'
plot for [e in engines] sprintf("< grep ',%s,' $csv", e) using 1:(\$3) with linespoints lw 2 title e
set title 'index size (MB, after VACUUM)'
plot for [e in engines] sprintf("< grep ',%s,' $csv", e) using 1:(\$4/1e6) with linespoints lw 2 title e
set title 'p50 latency (ms, warm, snippets included)'
plot for [e in engines] sprintf("< grep ',%s,' $csv", e) using 1:(\$7) with linespoints lw 2 title e
set title 'p99 latency (ms, warm, snippets included)'
plot for [e in engines] sprintf("< grep ',%s,' $csv", e) using 1:(\$9) with linespoints lw 2 title e
unset multiplot
GP
    echo "run-scale: wrote $stem.png" >&2
else
    echo "run-scale: gnuplot not found; no plot" >&2
fi
echo "run-scale: figures in $csv; reports in bench/results/*-scale-*.md" >&2
cat "$csv"
