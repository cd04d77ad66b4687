/*
 * kofts_morph_compound.c - Hunspell_stem's answer for words hunspell reads only as
 * compounds (see kofts_morph_compound.h for what libhunspell 1.7.1 does there), from
 * kofts_morph_filter's tables.
 *
 * The search keeps hunspell's state as a stack: words[k] is the flag set (AF alias) of the
 * homonym chosen for part k, cut[k] where part k starts. A line is the parts cut so far
 * (plus, for a whole-root end, the rest); its stem is the parts' syllables joined.
 *
 *   word:  ᄌ ᅮ ᆼ ᄃ ᅩ ᆨ ᄑ ᅡ ᆫ ᄌ ᅥ ᆼ ᄋ ᅳ ᆯ        (중독판정을)
 *          |cut[0]=0   |cut[1]                      part 0 = 중독 (words[0] its flags)
 *                      rest 판정을 = 판정 + 을: an affixed end -> line "중독", stem 중독
 */
#include "kofts_morph_compound.h"

#include <stdio.h>
#include <string.h>

#include "kofts_morph_filter_int.h"
#include "kofts_util.h"

#define MAXWORDNUM 100 /* hunspell's maxwordnum (suggest_morph passes 100) */
#define META_STAR  '*' /* hunspell keeps the pattern metacharacters as flag values */
#define META_OPT   '?'

/* ---- loading (called by kofts_morph_filter.c) -------------------------------------------- */

void kofts_mf_compound_off(kofts_morph_filter *f, const char *what, const char *detail)
{
    if (!f->compound_why[0])
        snprintf(f->compound_why, sizeof f->compound_why, "%s%s%s", what, detail ? ": " : "",
                 detail ? detail : "");
}

/* A flag number 1..65535 from s[0..n), or 0. */
static unsigned flag_number(const char *s, size_t n)
{
    unsigned long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || v > 65535)
            return 0;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    return n && v >= 1 && v <= 65535 ? (unsigned)v : 0;
}

/* Patterns of "(flag)" elements, each optionally followed by one '*' or '?': what
 * hunspell's parse_defcpdtable reads as written; anything else turns the path off. */
void kofts_mf_add_cpdrule(kofts_morph_filter *f, const char *text)
{
    uint16_t *p = f->ncpd < MAX_CPD ? f->cpd[f->ncpd] : NULL;
    size_t n = 0;
    for (const char *s = text; p && *s;) {
        const char *close = *s == '(' ? strchr(s, ')') : NULL;
        unsigned fl = close ? flag_number(s + 1, (size_t)(close - s - 1)) : 0;
        if (!fl || fl == META_STAR || fl == META_OPT || n + 2 > MAX_CPD_LEN) {
            kofts_mf_compound_off(f, "COMPOUNDRULE pattern the compound path does not read", text);
            return;
        }
        p[n++] = (uint16_t)fl;
        s = close + 1;
        if (*s == META_STAR || *s == META_OPT)
            p[n++] = (uint16_t)*s++;
    }
    if (!p || n == 0) {
        kofts_mf_compound_off(f, p ? "empty COMPOUNDRULE pattern" : "too many COMPOUNDRULE lines",
                              text);
        return;
    }
    f->cpdlen[f->ncpd++] = (uint8_t)n;
}

void kofts_mf_compound_keyword(kofts_morph_filter *f, char **tok, int nt)
{
    static const char *const acting[] = {
        "CHECKCOMPOUNDDUP", "CHECKCOMPOUNDTRIPLE", "CHECKCOMPOUNDCASE",
        "COMPOUNDWORDMAX",  "NEEDAFFIX",
    };
    for (size_t i = 0; i < sizeof acting / sizeof acting[0]; i++)
        if (strcmp(tok[0], acting[i]) == 0)
            kofts_mf_compound_off(f, "keyword the compound path does not model", tok[0]);
    if (strcmp(tok[0], "COMPOUNDMIN") == 0) {
        unsigned v = nt == 2 ? flag_number(tok[1], strlen(tok[1])) : 0;
        if (!v)
            kofts_mf_compound_off(f, "COMPOUNDMIN is not a number", NULL);
        f->cpdmin = v < 1 ? 1 : (int)v;
    }
}

const char *kofts_morph_compound_note(const kofts_morph_filter *f)
{
    if (f->exact_why[0])
        return f->exact_why;
    if (!f->compound_why[0] && f->ncpd == 0)
        return "no COMPOUNDRULE";
    return f->compound_why;
}

/* ---- COMPOUNDRULE patterns (AffixMgr::defcpd_check) ----------------------------------- */

static int is_meta(uint16_t c)
{
    return c == META_STAR || c == META_OPT;
}

/* 1 if flag set alias (0: a word without flags) has fl. */
static int has(const kofts_morph_filter *f, uint32_t alias, unsigned fl)
{
    return alias != 0 && kofts_mf_has_flag(f, alias, fl);
}

/* 1 if words[wnum]'s flags hold any flag that some pattern names. */
static int names_a_flag(const kofts_morph_filter *f, uint32_t alias)
{
    for (size_t i = 0; i < f->ncpd; i++)
        for (size_t k = 0; k < f->cpdlen[i]; k++)
            if (!is_meta(f->cpd[i][k]) && has(f, alias, f->cpd[i][k]))
                return 1;
    return 0;
}

typedef struct {
    int pp, wp, num; /* pattern position after a starred element, its first word, words taken */
} backtrack;

/*
 * Pattern p[0..size) against words[0..wnum]: hunspell's walk, step for step. Returns 1
 * (match), 0 (none) and leaves *pp_out, *ok_out, *ok2_out as hunspell's loop leaves them
 * (the caller's final tests read them).
 */
static int walk_pattern(const kofts_morph_filter *f, const uint16_t *p, int size,
                        const uint32_t *words, int wnum, int *pp_out, int *ok_out, int *ok2_out)
{
    backtrack bt[MAX_CPD_LEN + 1] = {{0, 0, 0}};
    int nbt = 0, pp = 0, wp = 0, ok = 1, ok2 = 1;
    do {
        while (pp < size && wp <= wnum) {
            if (pp + 1 < size && is_meta(p[pp + 1])) {
                int wend = p[pp + 1] == META_OPT ? wp : wnum;
                ok2 = 1;
                pp += 2;
                bt[nbt].pp = pp;
                bt[nbt].wp = wp;
                while (wp <= wend) {
                    if (!has(f, words[wp], p[pp - 2])) {
                        ok2 = 0;
                        break;
                    }
                    wp++;
                }
                if (wp <= wnum)
                    ok2 = 0;
                bt[nbt].num = wp - bt[nbt].wp;
                if (bt[nbt].num > 0)
                    ++nbt;
                if (ok2)
                    break;
            } else {
                ok2 = 1;
                if (!has(f, words[wp], p[pp])) {
                    ok = 0;
                    break;
                }
                pp++;
                wp++;
                if (size == pp && !(wp > wnum))
                    ok = 0;
            }
        }
        if (ok && ok2) {
            int r = pp;
            while (size > r && r + 1 < size && is_meta(p[r + 1]))
                r += 2;
            if (size <= r)
                return 1;
        }
        if (nbt)
            do {
                ok = 1;
                bt[nbt - 1].num--;
                pp = bt[nbt - 1].pp;
                wp = bt[nbt - 1].wp + bt[nbt - 1].num;
            } while (bt[nbt - 1].num < 0 && --nbt);
    } while (nbt);
    *pp_out = pp;
    *ok_out = ok;
    *ok2_out = ok2;
    return 0;
}

/* hunspell's defcpd_check(words, wnum, words[wnum], ..., all): 1 if parts 0..wnum fit
 * the beginning (all 0) or the whole (all 1) of some pattern, as hunspell decides it. */
static int defcpd(const kofts_morph_filter *f, const uint32_t *words, int wnum, int all)
{
    if (words[wnum] == 0 || !names_a_flag(f, words[wnum]))
        return 0;
    for (size_t i = 0; i < f->ncpd; i++) {
        const uint16_t *p = f->cpd[i];
        int size = f->cpdlen[i], pp, ok, ok2;
        if (walk_pattern(f, p, size, words, wnum, &pp, &ok, &ok2))
            return 1;
        if (ok && ok2 && (!all || size <= pp))
            return 1;
        while (ok && ok2 && size > pp && pp + 1 < size && is_meta(p[pp + 1]))
            pp += 2; /* hunspell's "zero ending" */
        if (ok && ok2 && size <= pp)
            return 1;
    }
    return 0;
}

/* ---- the search -------------------------------------------------------------------------- */

typedef struct {
    const kofts_morph_filter *f;
    const char *j; /* the word, jamo */
    size_t n;
    uint32_t words[MAXWORDNUM]; /* flag set of each part's homonym (hunspell's words[]) */
    size_t cut[MAXWORDNUM + 1]; /* part k starts at j[cut[k]] */
    long steps, budget;
    int stop; /* the budget is spent or hunspell must answer: give up */
    kofts_morph_stems *out;
} search;

/* Homonyms of a root in .dic order (hunspell's next_homonym chain). */
typedef struct {
    uint32_t alias, next;
} hom_iter;

/* 1 and the first homonym of r[0..n) in *it, or 0 when r is no dictionary word. */
static int hom_first(const kofts_morph_filter *f, const char *r, size_t n, hom_iter *it)
{
    uint32_t v = kofts_mf_get(&f->roots, &f->keys, r, n);
    if (v == NONE)
        return 0;
    if (!(v & HOMS)) {
        *it = (hom_iter){v & ~ROOT_BITS, NONE};
        return 1;
    }
    const hom_t *h = &f->hom[kofts_mf_get(&f->homidx, &f->keys, r, n)];
    *it = (hom_iter){h->alias, h->next};
    return 1;
}

/* 1 and the next homonym in *it, or 0. */
static int hom_next(const kofts_morph_filter *f, hom_iter *it)
{
    if (it->next == NONE)
        return 0;
    *it = (hom_iter){f->hom[it->next].alias, f->hom[it->next].next};
    return 1;
}

/* The first homonym of root r[0..n) with flag fl and without flag bad (0: none), or NONE
 * (SfxEntry::checkword's homonym loop). */
static uint32_t root_with(const kofts_morph_filter *f, const char *r, size_t n, unsigned fl,
                          unsigned bad)
{
    hom_iter it;
    if (hom_first(f, r, n, &it))
        do {
            if (has(f, it.alias, fl) && !(bad && has(f, it.alias, bad)))
                return it.alias;
        } while (hom_next(f, &it));
    return NONE;
}

/*
 * hunspell's suffix_check of w[0..n): the first root in rule order (shortest append first,
 * equal appends from the last .aff line up). cclass 0: as a compound's end (IN_CPD_END),
 * any homonym with the rule's flag; else the inner rule of two (IN_CPD_NOT): its
 * continuation class holds cclass, the homonym lacks onlyincompound. Either way rules
 * whose continuation class holds onlyincompound are skipped.
 */
static uint32_t one_suffix(search *s, const char *w, size_t n, unsigned cclass)
{
    const kofts_morph_filter *f = s->f;
    char r[SCRATCH];
    for (size_t cut = 1; cut < n && cut <= f->max_app; cut++) {
        uint32_t k = kofts_mf_rules_ending(f, w, n, cut);
        if (k == TAIL_END)
            break;
        for (; k != NONE; k = f->rules[k].next) {
            const rule_t *ru = &f->rules[k];
            s->steps++;
            if (has(f, ru->cont, f->onlyincompound) || (cclass && !has(f, ru->cont, cclass)))
                continue;
            size_t rl = kofts_mf_unstrip(f, w, n, cut, ru, r);
            if (!rl) {
                s->stop = 1; /* too long to follow */
                return NONE;
            }
            if (!kofts_mf_cond_ok(f, &f->conds[ru->cond], r, rl))
                continue;
            uint32_t a = root_with(f, r, rl, ru->flag, cclass ? f->onlyincompound : 0);
            if (a != NONE)
                return a;
        }
    }
    return NONE;
}

/* hunspell's suffix_check_twosfx of w[0..n): outer rules whose flag is in some
 * continuation class, in rule order, each over one_suffix of its root. */
static uint32_t two_suffixes(search *s, const char *w, size_t n)
{
    const kofts_morph_filter *f = s->f;
    char mid[SCRATCH];
    for (size_t cut = 1; cut < n && cut <= f->max_app; cut++) {
        uint32_t k = kofts_mf_rules_ending(f, w, n, cut);
        if (k == TAIL_END)
            break;
        for (; k != NONE; k = f->rules[k].next) {
            const rule_t *ou = &f->rules[k];
            s->steps++;
            if (!(f->conts[ou->flag / 64] >> (ou->flag % 64) & 1))
                continue;
            size_t ml = kofts_mf_unstrip(f, w, n, cut, ou, mid);
            if (!ml) {
                s->stop = 1;
                return NONE;
            }
            if (!kofts_mf_cond_ok(f, &f->conds[ou->cond], mid, ml))
                continue;
            uint32_t a = one_suffix(s, mid, ml, ou->flag);
            if (a != NONE || s->stop)
                return a;
        }
    }
    return NONE;
}

/* hunspell's affix_check(rest, 0, IN_CPD_END): the flag set of the first root, or NONE. */
static uint32_t affixed_root(search *s, const char *w, size_t n)
{
    uint32_t a = one_suffix(s, w, n, 0);
    if (a == NONE && !s->stop && s->f->have_cont)
        a = two_suffixes(s, w, n);
    return a;
}

/* Add the stem of a line: parts 0..nparts-1, then j[cut[nparts]..n) when with_rest,
 * each turned into syllables, joined; kept unless already there. */
static void emit(search *s, int nparts, int with_rest)
{
    kofts_morph_stems *o = s->out;
    size_t used = o->n ? (size_t)o->off[o->n - 1] + o->len[o->n - 1] : 0, sl = 0;
    char *st = o->buf + used;
    for (int k = 0; k < nparts + with_rest; k++) {
        size_t a = s->cut[k], b = k < nparts ? s->cut[k + 1] : s->n;
        if (used + sl + (b - a) > sizeof o->buf || o->n == KOFTS_MORPH_EXACT_MAX) {
            s->stop = 1; /* no room: leave the word to hunspell */
            return;
        }
        size_t pl = kofts_mf_compose(s->j + a, b - a, st + sl);
        if (!pl) {
            s->stop = 1; /* OCONV would leave jamo in this part */
            return;
        }
        sl += pl;
    }
    for (int i = 0; i < o->n; i++)
        if (o->len[i] == sl && memcmp(o->buf + o->off[i], st, sl) == 0)
            return;
    o->off[o->n] = (uint16_t)used;
    o->len[o->n++] = (uint16_t)sl;
}

/* The first homonym of j[a..b) that makes part wnum fit a pattern (its beginning: all
 * 0, the whole: all 1), left in s->words[wnum]; its flag set, or NONE. */
static uint32_t fitting_part(search *s, size_t a, size_t b, int wnum, int all)
{
    hom_iter it;
    if (hom_first(s->f, s->j + a, b - a, &it))
        do {
            s->steps++;
            s->words[wnum] = it.alias;
            if (defcpd(s->f, s->words, wnum, all))
                return it.alias;
        } while (hom_next(s->f, &it));
    return NONE;
}

/* The next cut of w[0..len) after byte i: the next character start (or len). */
static size_t next_char(const char *w, size_t len, size_t i)
{
    for (i++; i < len && ((unsigned char)w[i] & 0xC0) == 0x80; i++)
        ;
    return i;
}

/* First and end cut of w[0..len): after cpdmin characters, before the last cpdmin - 1
 * (AffixMgr::setcminmax). */
static void cut_range(int cpdmin, const char *w, size_t len, long *cmin, long *cmax)
{
    long lo = 0, hi = (long)len;
    for (int i = 0; i < cpdmin && lo < (long)len; i++)
        for (lo++; lo < (long)len && ((unsigned char)w[lo] & 0xC0) == 0x80; lo++)
            ;
    for (int i = 0; i < cpdmin - 1 && hi >= 0; i++)
        for (hi--; hi >= 0 && ((unsigned char)w[hi] & 0xC0) == 0x80; hi--)
            ;
    *cmin = lo;
    *cmax = hi;
}

/*
 * compound_check_morph over j[at..n) as part wnum (parts 0..wnum-1 are in s->words and
 * s->cut): lines into s->out, steps 1-4 of kofts_morph_compound.h.
 */
static void part_search(search *s, size_t at, int wnum)
{
    const kofts_morph_filter *f = s->f;
    const char *w = s->j + at;
    long cmin, cmax;
    int ok = 0; /* a line was written at this level: no deeper search */
    cut_range(f->cpdmin, w, s->n - at, &cmin, &cmax);
    for (long i = cmin; i < cmax && !s->stop; i = (long)next_char(w, s->n - at, (size_t)i)) {
        if (++s->steps > s->budget) {
            s->stop = 1;
            return;
        }
        size_t mid = at + (size_t)i;
        uint32_t first = fitting_part(s, at, mid, wnum, 0);
        if (first == NONE || has(f, first, f->forbidden))
            continue;
        s->words[wnum] = first;
        s->cut[wnum + 1] = mid;
        if (fitting_part(s, mid, s->n, wnum + 1, 1) != NONE) {
            emit(s, wnum + 1, 1);
            return; /* hunspell's early return: this level ends */
        }
        uint32_t a = affixed_root(s, s->j + mid, s->n - mid);
        if (s->stop)
            return;
        if (a != NONE) {
            s->words[wnum + 1] = a;
            if (defcpd(f, s->words, wnum + 1, 1)) {
                emit(s, wnum + 1, 0);
                ok = 1;
            }
            if (has(f, a, f->forbidden))
                continue;
            emit(s, wnum + 1, 0); /* written whether or not the pattern fits */
            ok = 1;
        }
        if (!ok && wnum + 2 < MAXWORDNUM)
            part_search(s, mid, wnum + 1);
    }
}

int kofts_morph_compound_run(const kofts_morph_filter *f, const char *w, size_t n, long budget,
                             kofts_morph_stems *out, long *steps)
{
    static search empty;
    char j[MAX_JAMO];
    search s = empty;
    out->n = 0;
    *steps = 0;
    if (*kofts_morph_compound_note(f) || !(s.n = kofts_mf_word_jamo(w, n, j)))
        return 0;
    s.f = f;
    s.j = j;
    s.budget = budget;
    s.out = out;
    part_search(&s, 0, 0);
    *steps = s.steps;
    if (s.stop)
        out->n = 0;
    return !s.stop;
}

int kofts_morph_compound_stems(const kofts_morph_filter *f, const char *w, size_t n,
                               kofts_morph_stems *out)
{
    long steps;
    return kofts_morph_compound_run(f, w, n, KOFTS_MORPH_COMPOUND_BUDGET, out, &steps);
}
