#!/usr/bin/env python3
# relevance.py - score a TREC run against qrels: MRR@10, Recall@10, nDCG@10 (binary
# relevance, log2 discount; Jarvelin & Kekalainen 2002). Used by the slow relevance
# test and for tuning the searcher's weights (see searcher/README.md).
# usage: relevance.py QRELS RUN [--min-mrr X]   (prints one JSON object)
import json
import math
import sys


def main(argv):
    if len(argv) < 3:
        print("usage: relevance.py QRELS RUN [--min-mrr X]", file=sys.stderr)
        return 2
    rel = {}
    with open(argv[1], encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 3 and p[2] != "0":
                rel.setdefault(p[0], set()).add(p[1])
    run = {}
    with open(argv[2], encoding="utf-8") as f:
        for line in f:
            p = line.split()
            if len(p) >= 6:
                run.setdefault(p[0], []).append((int(p[3]), p[2]))
    mrr = rec = ndcg = 0.0
    for qid, docs in rel.items():
        ranked = [d for _, d in sorted(run.get(qid, []))][:10]
        for i, d in enumerate(ranked):
            if d in docs:
                mrr += 1.0 / (i + 1)
                break
        rec += len([d for d in ranked if d in docs]) / len(docs)
        dcg = sum(1.0 / math.log2(i + 2) for i, d in enumerate(ranked) if d in docs)
        idcg = sum(1.0 / math.log2(i + 2) for i in range(min(10, len(docs))))
        ndcg += dcg / idcg
    n = len(rel) or 1
    out = {"queries": len(rel), "mrr10": round(mrr / n, 4), "recall10": round(rec / n, 4),
           "ndcg10": round(ndcg / n, 4)}
    print(json.dumps(out))
    if len(argv) >= 5 and argv[3] == "--min-mrr" and out["mrr10"] < float(argv[4]):
        print("relevance.py: MRR@10 %.4f is below %s" % (out["mrr10"], argv[4]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
