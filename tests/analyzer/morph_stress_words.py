#!/usr/bin/env python3
# morph_stress_words.py SEED N [compound] - N distinct made-up Hangul words (one a line)
# for the exact-path proof: random ko.dic roots with one or two random ko.aff suffixes
# (rule conditions deliberately not checked, so hunspell rejects some), 10% bare roots.
# With "compound": made-up compounds for the compound path (kofts_morph_compound.c):
# 2-5 ko.dic roots that carry a COMPOUNDRULE flag, joined - half of them built along a
# COMPOUNDRULE pattern (so they fit), half in random order - the last one with one or two
# suffixes half the time, one part in five replaced by any ko.dic word (forbidden,
# onlyincompound and flagless words included).
# Usage: python3 tests/analyzer/morph_stress_words.py 1 200000 > /tmp/w.txt
#        build/test_analyzer_morph_filter /tmp/w.txt     (0 must differ)
# Reads /usr/share/hunspell/ko.aff and ko.dic (hunspell-ko).
import random, sys, collections, unicodedata
random.seed(int(sys.argv[1]))
N = int(sys.argv[2])
COMPOUND = len(sys.argv) > 3 and sys.argv[3] == 'compound'
aff = open('/usr/share/hunspell/ko.aff', encoding='utf-8').read().split('\n')
AF = [None]; rules = collections.defaultdict(list); pending = 0; kind = ''; patterns = []
for line in aff:
    t = line.split()
    if not t or t[0].startswith('#'): continue
    if pending and t[0] == kind:
        pending -= 1
        if kind == 'AF': AF.append([int(x) for x in t[1].split(',')])
        elif kind == 'SFX':
            strip = '' if t[2] == '0' else t[2]
            app, _, cont = t[3].partition('/')
            rules[int(t[1])].append((strip, app, int(cont) if cont else 0))
        elif kind == 'COMPOUNDRULE': patterns.append(t[1])
        continue
    if t[0] in ('AF', 'ICONV', 'OCONV', 'COMPOUNDRULE'): kind, pending = t[0], int(t[1])
    elif t[0] == 'SFX': kind, pending = 'SFX', int(t[3])
dic = []
for line in open('/usr/share/hunspell/ko.dic', encoding='utf-8').read().split('\n')[1:]:
    if not line: continue
    w, _, a = line.partition('/')
    dic.append((w, AF[int(a)] if a else []))
def apply(w, flags):
    fl = [f for f in flags if f in rules]
    if not fl: return None
    f = random.choice(fl)
    cand = [r for r in rules[f] if w.endswith(r[0]) and len(w) > len(r[0])]
    if not cand: return None
    s, a, c = random.choice(cand)
    return (w[:len(w) - len(s)] if s else w) + a, (AF[c] if c else [])
def pattern_elems(p):
    # '(12)*(12)(13)' -> [(12, '*'), (12, ''), (13, '')]
    out, i = [], 0
    while i < len(p):
        j = p.index(')', i)
        fl, i = int(p[i + 1:j]), j + 1
        meta = p[i] if i < len(p) and p[i] in '*?' else ''
        i += len(meta)
        out.append((fl, meta))
    return out
def compound_word():
    if random.random() < 0.5:
        seq = []
        for fl, meta in pattern_elems(random.choice(patterns)):
            k = random.randint(0, 3) if meta == '*' else random.randint(0, 1) if meta == '?' else 1
            seq += [random.choice(by_flag[fl]) for _ in range(k)]
        if not seq: return None
    else:
        seq = [random.choice(cpd_roots) for _ in range(random.randint(2, 5))]
    seq = [random.choice(dic) if random.random() < 0.2 else e for e in seq]
    if random.random() < 0.5:
        r = apply(*seq[-1])
        if r and random.random() < 0.5 and r[1]:
            r2 = apply(r[0], r[1])
            if r2: r = r2
        if r: seq[-1] = (r[0], [])
    return ''.join(w for w, _ in seq)
if COMPOUND:
    cpd_flags = {fl for p in patterns for fl, _ in pattern_elems(p)}
    cpd_roots = [e for e in dic if cpd_flags & set(e[1])]
    by_flag = {fl: [e for e in dic if fl in e[1]] or cpd_roots for fl in cpd_flags}
out = set()
while COMPOUND and len(out) < N:
    form = compound_word()
    s = unicodedata.normalize('NFC', form) if form else ''
    if all(0xAC00 <= ord(ch) <= 0xD7A3 for ch in s) and 2 <= len(s) <= 24:
        out.add(s)
while len(out) < N:
    w, flags = random.choice(dic)
    r = apply(w, flags)
    if r and random.random() < 0.5 and r[1]:
        r2 = apply(r[0], r[1])
        if r2: r = r2
    form = w if not r or random.random() < 0.1 else r[0]
    s = unicodedata.normalize('NFC', form)
    if all(0xAC00 <= ord(ch) <= 0xD7A3 for ch in s) and 2 <= len(s) <= 24:
        out.add(s)
print('\n'.join(sorted(out)))
