#!/usr/bin/env python3
"""matchset.py - do two kofts indexes (or two builds) match the same documents for every query?

For an index-layout change that must keep what every query finds (issue 10's size work), this
runs one query batch through two `kofts-search` binaries on their own indexes, in the all-word
and the any-word reading, with no result limit, and compares per query the SET of document ids
(and, unless --sets-only, each document's score to 4 decimals).

Queries: the dev questions (--questions), plus --n generated from the corpus documents
(--corpus DIR: every */docs.jsonl): single words, Hangul substrings of words (2-6 syllables),
two neighbouring words with and without the blank, a word with its neighbour after '-', and
a word with its particle cut off; seeded (--seed), so a run is reproducible.

  python3 tests/schema/matchset.py --old build-old/kofts-search old.db \\
      --new build/kofts-search new.db --corpus ../shared/corpus --n 5000 \\
      --questions ../shared/corpus/korquad1-dev/queries.tsv

Prints how many queries differ per reading, with up to --show queries whose set differs; exit status 1 when any
query differs, 0 when none, 2 on a usage or run error. Environment variables given with
--old-env / --new-env NAME=VALUE apply to that side only (experiment switches).
"""
import argparse
import glob
import json
import os
import random
import re
import subprocess
import sys
import tempfile

HANGUL = re.compile(r"[\uac00-\ud7a3]+")


def read_texts(corpus, limit_docs):
    texts = []
    for path in sorted(glob.glob(os.path.join(corpus, "*", "docs.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    d = json.loads(line)
                except ValueError:
                    continue
                texts.append((d.get("title") or "") + "\n" + (d.get("body") or d.get("text") or ""))
                if limit_docs and len(texts) >= limit_docs:
                    return texts
    return texts


def gen_queries(texts, n, rng):
    """n generated queries: (kind, text)."""
    out = []
    kinds = ["word", "substr", "pair_space", "pair_joined", "pair_dash", "stem_cut"]
    while len(out) < n and texts:
        words = rng.choice(texts).split()
        if len(words) < 2:
            continue
        i = rng.randrange(len(words) - 1)
        w, v = words[i].strip(".,()\"'“”‘’·?!:;[]"), words[i + 1].strip(".,()\"'“”‘’·?!:;[]")
        if not w or not v or '"' in w + v:
            continue
        kind = kinds[len(out) % len(kinds)]
        if kind == "word":
            q = w
        elif kind == "substr":
            runs = HANGUL.findall(w)
            if not runs or len(max(runs, key=len)) < 2:
                continue
            r = max(runs, key=len)
            a = rng.randrange(len(r) - 1)
            b = rng.randrange(a + 2, min(len(r), a + 6) + 1)
            q = r[a:b]
        elif kind == "pair_space":
            q = w + " " + v
        elif kind == "pair_joined":
            q = w + v
        elif kind == "pair_dash":
            q = w + "-" + v
        else:
            if len(w) < 3 or not HANGUL.fullmatch(w):
                continue
            q = w[:-1]
        if q.startswith("-") or not q.strip():
            continue
        out.append((kind, q))
    return out


def run(binary, db, batch, match, env_pairs):
    env = dict(os.environ)
    for kv in env_pairs:
        k, _, v = kv.partition("=")
        env[k] = v
    cmd = [binary, "--db", db, "--batch", batch, "--format", "trec", "--limit", "100000",
           "--no-snippets", "--match", match]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if p.returncode != 0:
        sys.stderr.write("matchset: %s failed (%d): %s\n" % (" ".join(cmd), p.returncode,
                                                            p.stderr.decode(errors="replace")[:500]))
        sys.exit(2)
    res = {}
    for line in p.stdout.decode().splitlines():
        f = line.split()
        if len(f) >= 5:
            res.setdefault(f[0], {})[f[2]] = round(float(f[4]), 4)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--old", nargs=2, metavar=("BIN", "DB"), required=True)
    ap.add_argument("--new", nargs=2, metavar=("BIN", "DB"), required=True)
    ap.add_argument("--old-env", action="append", default=[])
    ap.add_argument("--new-env", action="append", default=[])
    ap.add_argument("--corpus")
    ap.add_argument("--questions")
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--docs", type=int, default=0, help="read at most this many documents")
    ap.add_argument("--sets-only", action="store_true", help="compare id sets, not scores")
    ap.add_argument("--show", type=int, default=5)
    a = ap.parse_args()
    queries = []
    if a.questions:
        with open(a.questions, encoding="utf-8") as f:
            for line in f:
                qid, _, text = line.rstrip("\r\n").partition("\t")
                if text:
                    queries.append(("question", text))
    if a.corpus:
        queries += gen_queries(read_texts(a.corpus, a.docs), a.n, random.Random(a.seed))
    if not queries:
        sys.stderr.write("matchset: no queries (give --questions and/or --corpus)\n")
        return 2
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", encoding="utf-8", delete=False) as t:
        for i, (_, q) in enumerate(queries):
            t.write("m%d\t%s\n" % (i, q.replace("\t", " ").replace("\n", " ")))
        batch = t.name
    bad = 0
    try:
        for match in ("all", "any"):
            o = run(a.old[0], a.old[1], batch, match, a.old_env)
            n = run(a.new[0], a.new[1], batch, match, a.new_env)
            diff_sets, diff_scores, shown = 0, 0, 0
            per_kind = {}
            for i, (kind, q) in enumerate(queries):
                qid = "m%d" % i
                ro, rn = o.get(qid, {}), n.get(qid, {})
                same_set = set(ro) == set(rn)
                if not same_set:
                    diff_sets += 1
                    per_kind[kind] = per_kind.get(kind, 0) + 1
                elif not a.sets_only and ro != rn:
                    diff_scores += 1
                if not same_set and shown < a.show:
                    shown += 1
                    lost = sorted(set(ro) - set(rn))[:3]
                    got = sorted(set(rn) - set(ro))[:3]
                    print("  %s %s %r: %d -> %d docs, lost %s, new %s" %
                          (match, kind, q, len(ro), len(rn), lost, got))
            print("match %s: %d queries, %d differ in their document set%s %s" %
                  (match, len(queries), diff_sets,
                   "" if a.sets_only else ", %d more only in scores," % diff_scores,
                   json.dumps(per_kind, ensure_ascii=False)))
            bad += diff_sets + (0 if a.sets_only else diff_scores)
    finally:
        os.unlink(batch)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
