#!/bin/sh
# test_relevance.sh - slow test: index ../shared/corpus/korquad1-dev (with ko-wikinews
# and ko-petitions as distractors) with kofts-index, run the dev questions
# with --batch and require MRR@10 >= MIN. Skips (77) when the corpus is absent.
# usage: test_relevance.sh KOFTS_SEARCH KOFTS_INDEX CORPUS WORKDIR [MIN]
BIN=$1
MK=$2
CORPUS=$3
WORK=$4
MIN=${5:-0.90}
HERE=$(dirname "$0")
KQ=$CORPUS/korquad1-dev
if [ ! -f "$KQ/queries.tsv" ] || [ ! -f "$KQ/qrels.tsv" ]; then
    echo "SKIP: $KQ not found (the shared corpus is optional)"
    exit 77
fi
command -v python3 >/dev/null || { echo "SKIP: python3 not found"; exit 77; }
mkdir -p "$WORK" || exit 1
set -- "$KQ/docs.jsonl"
for d in ko-wikinews ko-petitions; do
    [ -f "$CORPUS/$d/docs.jsonl" ] && set -- "$@" "$CORPUS/$d/docs.jsonl"
done
"$MK" --quiet --full --db "$WORK/relevance.db" "$@" 2>"$WORK/index.log" || { cat "$WORK/index.log"; exit 1; }
"$BIN" --db "$WORK/relevance.db" --batch "$KQ/queries.tsv" --no-snippets >"$WORK/run.trec" || exit 1
python3 "$HERE/relevance.py" "$KQ/qrels.tsv" "$WORK/run.trec" --min-mrr "$MIN"
