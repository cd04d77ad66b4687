/*
 * kofts_morph_exact.c - Hunspell_stem's answer for words without a compound reading,
 * computed from kofts_morph_filter's tables (see kofts_morph_exact.h for what libhunspell
 * 1.7.1 does and in which order).
 *
 * Conditions: an SFX condition is a row of elements, each one character, '.', [set] or
 * [^set], matched against the last characters of the candidate root (root after the
 * strip was put back); a root shorter than the condition fails it. Conditions are few
 * (55 distinct in hunspell-ko), so each is compiled once and rules point at it.
 */
#include "kofts_morph_exact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_morph_filter_int.h"
#include "kofts_util.h"

/* ---- conditions ---------------------------------------------------------------------- */

/* Append the set's characters of text[i..] up to ']' to f->cps; index after ']', or 0. */
static size_t parse_set(kofts_morph_filter *f, const char *text, size_t n, size_t i, cond_elem *e)
{
    e->first = (uint32_t)f->ncps;
    e->nset = 0;
    for (size_t adv; i < n; i += adv) {
        if (text[i] == ']')
            return e->nset ? i + 1 : 0;
        int32_t cp = kofts_utf8_decode(text, n, i, &adv);
        int32_t *nc = kofts_grow(f->cps, &f->capcps, f->ncps + 1, sizeof *nc);
        if (cp < 0 || !nc || e->nset == UINT16_MAX)
            return 0;
        f->cps = nc;
        f->cps[f->ncps++] = cp;
        e->nset++;
    }
    return 0; /* no ']' */
}

/* Compile text into c; 0, or -1 when it is not a row of characters, '.' and [sets]. */
static int parse_cond(kofts_morph_filter *f, const char *text, cond_t *c)
{
    size_t n = strlen(text);
    c->n = 0;
    for (size_t i = 0, adv; i < n; c->n++) {
        if (c->n == MAX_CONDS)
            return -1;
        cond_elem *e = &c->e[c->n];
        if (text[i] == '.') {
            e->kind = COND_ANY;
            i++;
        } else if (text[i] == '[') {
            int neg = i + 1 < n && text[i + 1] == '^';
            e->kind = neg ? COND_NOTSET : COND_SET;
            if (!(i = parse_set(f, text, n, i + 1 + neg, e)))
                return -1;
        } else {
            int32_t cp = kofts_utf8_decode(text, n, i, &adv);
            if (cp < 0 || text[i] == ']' || text[i] == '^')
                return -1;
            e->kind = COND_CHAR;
            e->first = (uint32_t)cp;
            i += adv;
        }
    }
    return 0;
}

uint16_t kofts_mf_add_cond(kofts_morph_filter *f, const char *text)
{
    if (strcmp(text, ".") == 0)
        return 0; /* hunspell stores "." as no condition */
    size_t n = strlen(text);
    for (size_t i = 1; i < f->nconds; i++)
        if (f->conds[i].src_len == n && memcmp(f->keys.data + f->conds[i].src_off, text, n) == 0)
            return (uint16_t)i;
    cond_t *nc = kofts_grow(f->conds, &f->capconds, f->nconds + 1, sizeof *nc);
    if (!nc || f->nconds >= UINT16_MAX) {
        kofts_mf_exact_off(f, "out of memory for conditions", NULL);
        return 0;
    }
    f->conds = nc;
    cond_t *c = &f->conds[f->nconds];
    if (parse_cond(f, text, c) != 0) {
        kofts_mf_exact_off(f, "SFX condition the exact path does not read", text);
        return 0;
    }
    c->src_off = (uint32_t)f->keys.len;
    c->src_len = (uint32_t)n;
    if (kofts_buf_append(&f->keys, text, n)) {
        kofts_mf_exact_off(f, "out of memory for conditions", NULL);
        return 0;
    }
    return (uint16_t)f->nconds++;
}

static int in_set(const kofts_morph_filter *f, const cond_elem *e, int32_t cp)
{
    for (uint32_t k = 0; k < e->nset; k++)
        if (f->cps[e->first + k] == cp)
            return 1;
    return 0;
}

int kofts_mf_cond_ok(const kofts_morph_filter *f, const cond_t *c, const char *s, size_t n)
{
    size_t end = n;
    for (int k = c->n - 1; k >= 0; k--) {
        if (end == 0)
            return 0; /* the root is shorter than the condition */
        size_t at = end - 1, adv;
        while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
            at--;
        int32_t cp = kofts_utf8_decode(s, end, at, &adv);
        const cond_elem *e = &c->e[k];
        int ok = e->kind == COND_ANY                         ? 1
                 : e->kind == COND_CHAR                      ? cp == (int32_t)e->first
                 : (e->kind == COND_SET) == in_set(f, e, cp) ? 1
                                                             : 0;
        if (!ok)
            return 0;
        end = at;
    }
    return 1;
}

/* ---- readings ------------------------------------------------------------------------- */

typedef struct {
    int n, full; /* full: more readings than room, or a form too long (give up) */
    uint16_t off[KOFTS_MORPH_EXACT_MAX], len[KOFTS_MORPH_EXACT_MAX];
    char buf[2048]; /* the roots, jamo */
} roots_found;

/* Add root r[0..n) unless already there. */
static void add_root(roots_found *rf, const char *r, size_t n)
{
    for (int i = 0; i < rf->n; i++)
        if (rf->len[i] == n && memcmp(rf->buf + rf->off[i], r, n) == 0)
            return;
    size_t used = rf->n ? (size_t)rf->off[rf->n - 1] + rf->len[rf->n - 1] : 0;
    if (rf->n == KOFTS_MORPH_EXACT_MAX || used + n > sizeof rf->buf) {
        rf->full = 1;
        return;
    }
    memcpy(rf->buf + used, r, n);
    rf->off[rf->n] = (uint16_t)used;
    rf->len[rf->n++] = (uint16_t)n;
}

/* hunspell compares bytes; every append starts a character (checked at load), so cuts
 * inside a character have none. */
uint32_t kofts_mf_rules_ending(const kofts_morph_filter *f, const char *s, size_t n, size_t cut)
{
    const char *t = s + n - cut;
    if (((unsigned char)*t & 0xC0) == 0x80)
        return NONE;
    uint64_t h = kofts_mf_hash(t, cut);
    if (kofts_mf_get_h(&f->tails, &f->keys, t, cut, h) == NONE)
        return TAIL_END;
    return kofts_mf_get_h(&f->apps, &f->keys, t, cut, h);
}

/* 1 if a continuation class (alias) bars rule use outside compounds. */
static int cont_bars(const kofts_morph_filter *f, uint32_t cont, int needaffix_too)
{
    return cont && (kofts_mf_has_flag(f, cont, f->onlyincompound) ||
                    (needaffix_too && kofts_mf_has_flag(f, cont, f->needaffix)));
}

/*
 * hunspell's suffix check of s[0..n) (SfxEntry::checkword over every rule whose append
 * ends s): roots into rf. cclass 0: one suffix; else s is an outer rule's root and the
 * rule must carry cclass in its continuation class.
 */
static void suffix_roots(const kofts_morph_filter *f, const char *s, size_t n, unsigned cclass,
                         roots_found *rf)
{
    char r[SCRATCH];
    for (size_t cut = 1; cut < n && cut <= f->max_app; cut++) {
        uint32_t k = kofts_mf_rules_ending(f, s, n, cut);
        if (k == TAIL_END)
            break;
        for (; k != NONE; k = f->rules[k].next) {
            const rule_t *ru = &f->rules[k];
            if (cont_bars(f, ru->cont, !cclass) ||
                (cclass && !(ru->cont && kofts_mf_has_flag(f, ru->cont, cclass))))
                continue;
            size_t rl = kofts_mf_unstrip(f, s, n, cut, ru, r);
            rf->full |= !rl; /* too long to follow: leave the word to hunspell */
            if (!rl || !kofts_mf_cond_ok(f, &f->conds[ru->cond], r, rl))
                continue;
            uint32_t v = kofts_mf_get(&f->roots, &f->keys, r, rl);
            if (v != NONE && kofts_mf_has_flag(f, v & ~ROOT_BITS, ru->flag))
                add_root(rf, r, rl);
        }
    }
}

/* hunspell's two-suffix check of j[0..n): every outer rule whose flag is in some
 * continuation class, then suffix_roots over its root with that flag as cclass. */
static void twofold_roots(const kofts_morph_filter *f, const char *j, size_t n, roots_found *rf)
{
    char mid[SCRATCH];
    for (size_t cut = 1; cut < n && cut <= f->max_app; cut++) {
        uint32_t k = kofts_mf_rules_ending(f, j, n, cut);
        if (k == TAIL_END)
            break;
        for (; k != NONE; k = f->rules[k].next) {
            const rule_t *ou = &f->rules[k];
            if (!(f->conts[ou->flag / 64] >> (ou->flag % 64) & 1))
                continue;
            size_t ml = kofts_mf_unstrip(f, j, n, cut, ou, mid);
            rf->full |= !ml;
            if (ml && kofts_mf_cond_ok(f, &f->conds[ou->cond], mid, ml))
                suffix_roots(f, mid, ml, ou->flag, rf);
        }
    }
}

int kofts_morph_exact_word(const kofts_morph_filter *f, const char *w, size_t n,
                           kofts_morph_stems *out)
{
    char j[MAX_JAMO];
    size_t jl = 0;
    out->n = 0;
    if (f->exact_why[0] || !(jl = kofts_mf_word_jamo(w, n, j)))
        return KOFTS_MORPH_EXACT_HUNSPELL;
    static roots_found empty;
    roots_found rf = empty;
    uint32_t v = kofts_mf_get(&f->roots, &f->keys, j, jl);
    if (v != NONE && (v & R1_OK))
        add_root(&rf, j, jl);
    suffix_roots(f, j, jl, 0, &rf);
    twofold_roots(f, j, jl, &rf);
    if (rf.full)
        return KOFTS_MORPH_EXACT_HUNSPELL; /* too many, or a form too long */
    if (rf.n == 0)
        return KOFTS_MORPH_EXACT_COMPOUND; /* hunspell would search compounds */
    size_t used = 0;
    for (int i = 0; i < rf.n; i++) {
        size_t sl = kofts_mf_compose(rf.buf + rf.off[i], rf.len[i], out->buf + used);
        if (!sl)
            return KOFTS_MORPH_EXACT_HUNSPELL; /* OCONV would leave jamo in it */
        out->off[i] = (uint16_t)used;
        out->len[i] = (uint16_t)sl;
        used += sl;
    }
    out->n = rf.n;
    return KOFTS_MORPH_EXACT_ANSWERED;
}

int kofts_morph_exact_stems(const kofts_morph_filter *f, const char *w, size_t n,
                            kofts_morph_stems *out)
{
    return kofts_morph_exact_word(f, w, n, out) == KOFTS_MORPH_EXACT_ANSWERED;
}

size_t kofts_mf_word_jamo(const char *w, size_t n, char *j)
{
    size_t jl = 0;
    if (n == 0 || n % 3 || n > 3 * 24)
        return 0;
    for (size_t i = 0, adv; i < n; i += adv) {
        int32_t cp = kofts_utf8_decode(w, n, i, &adv);
        if (cp < 0xAC00 || cp > 0xD7A3)
            return 0;
        jl += kofts_mf_decompose(cp, j + jl);
    }
    return jl;
}

const char *kofts_morph_exact_note(const kofts_morph_filter *f)
{
    return f->exact_why;
}
