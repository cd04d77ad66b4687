/*
 * kofts_morph_filter.c - skip hunspell for words it cannot give a kept reading
 * (see kofts_morph_filter.h for the argument), and the loader of the tables it and
 * kofts_morph_exact.c share (kofts_morph_filter_int.h describes them).
 *
 * A word is decomposed into jamo (the arithmetic of Unicode Hangul, checked against the
 * .aff's ICONV table at load) and tested for readings of the shapes r1/r2/r3.
 */
#include "kofts_morph_filter.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_analyzer.h"
#include "kofts_lexicon.h"
#include "kofts_morph_filter_int.h"
#include "kofts_util.h"

/* "다" as conjoining jamo ᄃ ᅡ (U+1103 U+1161). */
static const char DA_JAMO[] = "\xe1\x84\x83\xe1\x85\xa1";

/* ---- hash tables over the key arena ------------------------------------------------ */

/* A hash of s[0..n) eight bytes at a time (keys are 3..100 bytes of jamo); never 0. */
uint64_t kofts_mf_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    return h ? h : 1;
}

static int bloom_has(const htab *t, uint64_t h)
{
    size_t a = (h >> 20) & t->bloom_mask, b = (h >> 42) & t->bloom_mask;
    return (t->bloom[a / 64] >> (a % 64) & 1) && (t->bloom[b / 64] >> (b % 64) & 1);
}

/* Build t's bloom bits from its keys (after the last insertion). */
static int bloom_build(htab *t)
{
    size_t bits = 64;
    while (bits < 16 * t->n)
        bits *= 2;
    if (!(t->bloom = calloc(bits / 64, sizeof *t->bloom)))
        return KOFTS_ENOMEM;
    t->bloom_mask = bits - 1;
    for (size_t i = 0; t->e && i <= t->mask; i++)
        if (t->e[i].h) {
            uint64_t h = t->e[i].h;
            size_t a = (h >> 20) & t->bloom_mask, b = (h >> 42) & t->bloom_mask;
            t->bloom[a / 64] |= 1ull << (a % 64);
            t->bloom[b / 64] |= 1ull << (b % 64);
        }
    return 0;
}

static hent *ht_slot(const htab *t, const kofts_buf *keys, const char *s, size_t n, uint64_t h)
{
    for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
        hent *e = &t->e[i];
        if (!e->h || (e->h == h && e->len == n && memcmp(keys->data + e->off, s, n) == 0))
            return e;
    }
}

/* The value stored for s[0..n), or NONE. */
uint32_t kofts_mf_get(const htab *t, const kofts_buf *keys, const char *s, size_t n)
{
    return kofts_mf_get_h(t, keys, s, n, kofts_mf_hash(s, n));
}

uint32_t kofts_mf_get_h(const htab *t, const kofts_buf *keys, const char *s, size_t n, uint64_t h)
{
    if (!t->e || (t->bloom && !bloom_has(t, h)))
        return NONE;
    hent *e = ht_slot(t, keys, s, n, h);
    return e->h ? e->val : NONE;
}

/* The entry for s[0..n), inserted (val NONE, key copied into keys) when new; NULL on ENOMEM. */
static hent *ht_put(htab *t, kofts_buf *keys, const char *s, size_t n)
{
    if (!t->e || 2 * (t->n + 1) > t->mask + 1) {
        size_t cap = t->e ? 2 * (t->mask + 1) : 1024;
        hent *ne = calloc(cap, sizeof *ne);
        if (!ne)
            return NULL;
        htab nt = {ne, cap - 1, t->n, NULL, 0};
        for (size_t i = 0; t->e && i <= t->mask; i++)
            if (t->e[i].h) {
                size_t j = t->e[i].h & nt.mask;
                while (ne[j].h)
                    j = (j + 1) & nt.mask;
                ne[j] = t->e[i];
            }
        free(t->e);
        *t = nt;
    }
    uint64_t h = kofts_mf_hash(s, n);
    hent *e = ht_slot(t, keys, s, n, h);
    if (!e->h) {
        if (keys->len + n > UINT32_MAX || kofts_buf_append(keys, s, n))
            return NULL;
        *e = (hent){h, (uint32_t)(keys->len - n), (uint32_t)n, NONE};
        t->n++;
    }
    return e;
}

/* ---- flag sets --------------------------------------------------------------------- */

/* ---- Hangul <-> jamo -------------------------------------------------------------------- */

/* Append the conjoining jamo of syllable cp (U+AC00..U+D7A3) to out; returns bytes written. */
size_t kofts_mf_decompose(int32_t cp, char *out)
{
    int32_t s = cp - 0xAC00, t = s % 28;
    size_t k = kofts_utf8_encode(0x1100 + s / (21 * 28), out);
    k += kofts_utf8_encode(0x1161 + (s % (21 * 28)) / 28, out + k);
    if (t)
        k += kofts_utf8_encode(0x11A7 + t, out + k);
    return k;
}

/*
 * Compose the conjoining-jamo string j[0..n) into syllables in out (>= n bytes). Returns
 * the length, or 0 when j is not a sequence of whole syllables (L V [T]).
 */
size_t kofts_mf_compose(const char *j, size_t n, char *out)
{
    size_t i = 0, o = 0, adv;
    while (i < n) {
        int32_t l = kofts_utf8_decode(j, n, i, &adv);
        if (l < 0x1100 || l > 0x1112 || i + adv >= n)
            return 0;
        i += adv;
        int32_t v = kofts_utf8_decode(j, n, i, &adv);
        if (v < 0x1161 || v > 0x1175)
            return 0;
        i += adv;
        int32_t t = 0;
        if (i < n) {
            int32_t c = kofts_utf8_decode(j, n, i, &adv);
            if (c >= 0x11A8 && c <= 0x11C2) {
                t = c - 0x11A7;
                i += adv;
            }
        }
        o += kofts_utf8_encode(0xAC00 + ((l - 0x1100) * 21 + (v - 0x1161)) * 28 + t, out + o);
    }
    return o;
}

static int has_hangul(const char *s, size_t n)
{
    for (size_t i = 0, adv; i < n; i += adv) {
        int32_t c = kofts_utf8_decode(s, n, i, &adv);
        if ((c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1100 && c <= 0x11FF))
            return 1;
    }
    return 0;
}

/* 1 if conversion line "from to" maps one syllable to its jamo (iconv) or back (!iconv). */
static int is_jamo_pair(const char *from, const char *to, int iconv)
{
    const char *syl = iconv ? from : to, *jam = iconv ? to : from;
    size_t adv, n = strlen(syl);
    int32_t cp = kofts_utf8_decode(syl, n, 0, &adv);
    char buf[16];
    return cp >= 0xAC00 && cp <= 0xD7A3 && adv == n && kofts_mf_decompose(cp, buf) == strlen(jam) &&
           memcmp(buf, jam, strlen(jam)) == 0;
}

/* ---- loading ------------------------------------------------------------------------ */

typedef struct {
    kofts_morph_filter *f;
    char *why;
    size_t whylen;
    char **af; /* AF flag lists as written, af[1..naf] */
    size_t naf, capaf;
    size_t maxflag; /* largest flag number seen */
    int flag_num;   /* FLAG num seen */
} loader;

/* Keep the first reason why kofts_morph_exact cannot answer (the filter still works). */
void kofts_mf_exact_off(kofts_morph_filter *f, const char *what, const char *detail)
{
    if (!f->exact_why[0])
        snprintf(f->exact_why, sizeof f->exact_why, "%s%s%s", what, detail ? ": " : "",
                 detail ? detail : "");
}
#define exact_off kofts_mf_exact_off

static int refuse(loader *ld, const char *what, const char *detail)
{
    snprintf(ld->why, ld->whylen, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
    return KOFTS_EINVAL;
}

/* Split line into at most max whitespace-separated tokens; returns the count (max+1 = more). */
static int split(char *line, char **tok, int max)
{
    int n = 0;
    for (char *p = strtok(line, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
        if (n == max)
            return max + 1;
        tok[n++] = p;
    }
    return n;
}

/* A flag number 1..65535 from s, or 0. */
static unsigned parse_flag(const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    return *s >= '0' && *s <= '9' && *end == '\0' && v >= 1 && v <= 65535 ? (unsigned)v : 0;
}

/* An alias index 1..naf from s, or 0 (then the caller refuses). */
static size_t parse_alias(const loader *ld, const char *s)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    return *s >= '0' && *s <= '9' && *end == '\0' && v >= 1 && v <= ld->naf ? (size_t)v : 0;
}

/* Keywords of the .aff that change no reading of a word of Hangul syllables beyond what
 * the filter already allows (suggestion tables, restrictions, COMPOUNDRULE compounds). */
static int benign_keyword(const char *k)
{
    static const char *const ok[] = {
        "SET",
        "LANG",
        "VERSION",
        "WORDCHARS",
        "TRY",
        "KEY",
        "MAP",
        "REP",
        "MAXCPDSUGS",
        "MAXNGRAMSUGS",
        "MAXDIFF",
        "ONLYMAXDIFF",
        "NOSUGGEST",
        "NOSPLITSUGS",
        "FORBIDDENWORD",
        "NEEDAFFIX",
        "ONLYINCOMPOUND",
        "COMPOUNDMIN",
        "COMPOUNDRULE",
        "COMPOUNDMORESUFFIXES",
        "COMPOUNDWORDMAX",
        "CHECKCOMPOUNDDUP",
        "CHECKCOMPOUNDTRIPLE",
        "CHECKCOMPOUNDCASE",
        "NAME",
        "HOME",
        "SUBSTANDARD",
        "WARN",
        "FORBIDWARN",
        "KEEPCASE",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(k, ok[i]) == 0)
            return 1;
    return 0;
}

/* What a keyword line means for kofts_morph_exact: the flags it tests, or why it cannot
 * answer (a keyword it was not checked against). */
static void exact_keyword(kofts_morph_filter *f, char **tok, int nt)
{
    static const char *const unchecked[] = {"SUBSTANDARD", "WARN", "FORBIDWARN", "KEEPCASE"};
    static const char *const flags[] = {"FORBIDDENWORD", "NEEDAFFIX", "ONLYINCOMPOUND"};
    for (size_t i = 0; i < sizeof unchecked / sizeof unchecked[0]; i++)
        if (strcmp(tok[0], unchecked[i]) == 0)
            exact_off(f, "keyword the exact path does not model", tok[0]);
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (strcmp(tok[0], flags[i]) != 0)
            continue;
        unsigned fl = nt == 2 ? parse_flag(tok[1]) : 0;
        if (!fl)
            exact_off(f, "flag keyword without one number", tok[0]);
        unsigned *dst[] = {&f->forbidden, &f->needaffix, &f->onlyincompound};
        *dst[i] = fl;
    }
}

/* One SFX entry: tok = SFX flag strip append[/alias] [condition]. */
static int add_rule(loader *ld, char **tok, int nt)
{
    kofts_morph_filter *f = ld->f;
    if (nt > 5)
        return refuse(ld, "SFX entry with morphological fields", tok[1]);
    unsigned flag = parse_flag(tok[1]);
    char *app = tok[3], *slash = strchr(app, '/');
    size_t cont = 0;
    if (slash) {
        *slash = '\0';
        if (!(cont = parse_alias(ld, slash + 1)))
            return refuse(ld, "SFX continuation is not an AF alias", slash + 1);
    }
    const char *strip = strcmp(tok[2], "0") == 0 ? "" : tok[2];
    if (strcmp(app, "0") == 0 || !*app)
        return refuse(ld, "SFX entry with an empty append", tok[1]);
    if (!flag || cont > 65535)
        return refuse(ld, "SFX flag not a number", tok[1]);
    size_t al = strlen(app), sl = strlen(strip);
    if (f->keys.len + sl > UINT32_MAX)
        return KOFTS_ENOMEM;
    rule_t *nr = kofts_grow(f->rules, &f->caprules, f->nrules + 1, sizeof *nr);
    if (!nr)
        return KOFTS_ENOMEM;
    f->rules = nr;
    hent *e = ht_put(&f->apps, &f->keys, app, al);
    if (!e)
        return KOFTS_ENOMEM;
    rule_t *r = &f->rules[f->nrules];
    r->strip_off = (uint32_t)f->keys.len;
    r->strip_len = (uint32_t)sl;
    if (kofts_buf_append(&f->keys, strip, sl))
        return KOFTS_ENOMEM;
    r->flag = (uint16_t)flag;
    r->cont = (uint16_t)cont;
    r->cond = kofts_mf_add_cond(f, nt == 5 ? tok[4] : ".");
    if (strchr(app, '.'))
        exact_off(f, "SFX append with a '.' (hunspell matches it as any byte)", app);
    r->next = e->val;
    e->val = (uint32_t)f->nrules++;
    if (al > f->max_app)
        f->max_app = al;
    if (flag > ld->maxflag)
        ld->maxflag = flag;
    return 0;
}

/* One AF line: a comma-separated flag list (alias ld->naf + 1). */
static int add_alias(loader *ld, const char *list)
{
    char **na = kofts_grow(ld->af, &ld->capaf, ld->naf + 2, sizeof *na);
    if (!na)
        return KOFTS_ENOMEM;
    ld->af = na;
    if (!(ld->af[++ld->naf] = strdup(list)))
        return KOFTS_ENOMEM;
    for (const char *p = list; *p;) {
        char num[8];
        size_t k = strcspn(p, ",");
        if (k == 0 || k >= sizeof num)
            return refuse(ld, "bad AF flag list", list);
        memcpy(num, p, k);
        num[k] = '\0';
        unsigned fl = parse_flag(num);
        if (!fl)
            return refuse(ld, "bad AF flag list", list);
        if (fl > ld->maxflag)
            ld->maxflag = fl;
        p += k + (p[k] == ',');
    }
    return 0;
}

/* A conversion-table line: only syllable <-> jamo pairs may touch Hangul. */
static int check_conv(loader *ld, char **tok, int nt, int iconv)
{
    if (nt != 3)
        return refuse(ld, iconv ? "bad ICONV line" : "bad OCONV line", NULL);
    if ((has_hangul(tok[1], strlen(tok[1])) || has_hangul(tok[2], strlen(tok[2]))) &&
        !is_jamo_pair(tok[1], tok[2], iconv))
        return refuse(ld, iconv ? "ICONV is not syllable -> jamo" : "OCONV is not jamo -> syllable",
                      tok[1]);
    if (!has_hangul(tok[1], strlen(tok[1]))) {
        exact_off(ld->f,
                  iconv ? "ICONV entry that is not a syllable pair"
                        : "OCONV entry that is not a syllable pair",
                  tok[1]);
        return 0;
    }
    size_t adv;
    const char *syl = iconv ? tok[1] : tok[2];
    uint32_t k = (uint32_t)(kofts_utf8_decode(syl, strlen(syl), 0, &adv) - 0xAC00);
    uint64_t *seen = iconv ? ld->f->iconv_seen : ld->f->oconv_seen;
    seen[k / 64] |= 1ull << (k % 64);
    return 0;
}

#define KIND_LEN 16 /* bytes for the keyword of a table header */

/* One .aff line (modified in place). *pending counts the entries still due under a
 * table header (AF, ICONV, OCONV, SFX, COMPOUNDRULE). */
static int aff_line(loader *ld, char *line, char *kind, int *pending)
{
    char *tok[8];
    int nt = split(line, tok, 7);
    if (nt == 0 || tok[0][0] == '#')
        return 0;
    const char *k = tok[0];
    if (*pending > 0 && strcmp(k, kind) == 0) {
        (*pending)--;
        if (strcmp(k, "AF") == 0)
            return nt == 2 ? add_alias(ld, tok[1]) : refuse(ld, "bad AF line", NULL);
        if (strcmp(k, "SFX") == 0)
            return nt >= 4 ? add_rule(ld, tok, nt) : refuse(ld, "bad SFX line", NULL);
        if (strcmp(k, "COMPOUNDRULE") == 0) {
            if (nt == 2)
                kofts_mf_add_cpdrule(ld->f, tok[1]);
            else
                kofts_mf_compound_off(ld->f, "COMPOUNDRULE line not of one pattern", NULL);
            return 0;
        }
        return check_conv(ld, tok, nt, strcmp(k, "ICONV") == 0);
    }
    if (*pending > 0)
        return refuse(ld, "table shorter than its header says", kind);
    int is_sfx = strcmp(k, "SFX") == 0, is_cpd = strcmp(k, "COMPOUNDRULE") == 0;
    if (strcmp(k, "AF") == 0 || strcmp(k, "ICONV") == 0 || strcmp(k, "OCONV") == 0 || is_sfx ||
        is_cpd) {
        int at = is_sfx ? 3 : 1;
        if (nt != at + 1 || (*pending = atoi(tok[at])) < 0)
            return refuse(ld, "bad table header", k);
        if (is_cpd && (ld->f->cpd_tables++ || *pending < 1))
            kofts_mf_compound_off(ld->f, "COMPOUNDRULE table hunspell refuses", tok[1]);
        snprintf(kind, KIND_LEN, "%s", k);
        return 0;
    }
    if (strcmp(k, "FLAG") == 0) {
        ld->flag_num = nt == 2 && strcmp(tok[1], "num") == 0;
        return ld->flag_num ? 0 : refuse(ld, "FLAG is not num", NULL);
    }
    if (strcmp(k, "SET") == 0 && (nt != 2 || strcmp(tok[1], "UTF-8") != 0))
        return refuse(ld, "not SET UTF-8", NULL);
    if (strcmp(k, "LANG") == 0 && nt == 2 && strncmp(tok[1], "hu", 2) == 0)
        return refuse(ld, "LANG hu (special compounding)", NULL);
    if (!benign_keyword(k))
        return refuse(ld, "keyword the filter does not model", k);
    exact_keyword(ld->f, tok, nt);
    kofts_mf_compound_keyword(ld->f, tok, nt);
    return 0;
}

static int load_aff(loader *ld, const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(ld->why, ld->whylen, "cannot read %s", path);
        return KOFTS_EIO;
    }
    char *line = NULL, kind[KIND_LEN] = "";
    size_t cap = 0;
    int rc = 0, pending = 0;
    while (rc == 0 && getline(&line, &cap, fp) >= 0)
        rc = aff_line(ld, line, kind, &pending);
    if (rc == 0 && pending > 0)
        rc = refuse(ld, "table shorter than its header says", kind);
    if (rc == 0 && (!ld->flag_num || ld->naf == 0))
        rc = refuse(ld, "flags are not numbers named by AF aliases", NULL);
    free(line);
    fclose(fp);
    return rc;
}

/* Fill f->sets (alias 0 empty, 1..naf from the AF lists) and f->conts. */
static int build_sets(loader *ld)
{
    kofts_morph_filter *f = ld->f;
    f->nw = ld->maxflag / 64 + 1;
    f->nalias = ld->naf + 1;
    f->capalias = f->nalias + 64;
    f->sets = calloc(f->capalias * f->nw, sizeof *f->sets);
    f->conts = calloc(f->nw, sizeof *f->conts);
    if (!f->sets || !f->conts)
        return KOFTS_ENOMEM;
    for (size_t a = 1; a <= ld->naf; a++)
        for (const char *p = ld->af[a]; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
            unsigned fl = (unsigned)atoi(p);
            f->sets[a * f->nw + fl / 64] |= 1ull << (fl % 64);
        }
    for (size_t i = 0; i < f->nrules; i++) {
        f->have_cont |= f->rules[i].cont != 0;
        for (size_t w = 0; w < f->nw; w++)
            f->conts[w] |= f->sets[f->rules[i].cont * f->nw + w];
    }
    if (ld->maxflag >= 65511) /* hunspell's ONLYUPCASEFLAG: a flag with a meaning of its own */
        kofts_mf_compound_off(f, "a flag numbered 65511 or more", NULL);
    return 0;
}

/* Chain rule k into table t under its append a[0..n) through the field at offset link. */
static int chain(kofts_morph_filter *f, htab *t, size_t *maxlen, const char *a, size_t n,
                 uint32_t k, size_t link)
{
    hent *e = ht_put(t, &f->keys, a, n);
    if (!e)
        return KOFTS_ENOMEM;
    memcpy((char *)&f->rules[k] + link, &e->val, sizeof e->val);
    e->val = k;
    if (n > *maxlen)
        *maxlen = n;
    return 0;
}

/* Index the rules that can be the inner suffix of two (a continuation class) or the outer
 * one (a flag in some continuation class) in tables of their own: the two-suffix search
 * then probes small tables. */
static int build_twofold(kofts_morph_filter *f)
{
    char a[SCRATCH];
    for (size_t i = 0; i <= f->apps.mask; i++) {
        const hent *e = &f->apps.e[i];
        if (!e->h || e->len > sizeof a)
            continue;
        size_t n = e->len;
        memcpy(a, f->keys.data + e->off, n); /* f->keys may move while chaining */
        for (uint32_t k = f->apps.e[i].val; k != NONE; k = f->rules[k].next) {
            rule_t *r = &f->rules[k];
            r->next_in = r->next_out = NONE;
            if (r->cont && chain(f, &f->inner, &f->max_in, a, n, k, offsetof(rule_t, next_in)))
                return KOFTS_ENOMEM;
            if ((f->conts[r->flag / 64] >> (r->flag % 64) & 1) &&
                chain(f, &f->outer, &f->max_out, a, n, k, offsetof(rule_t, next_out)))
                return KOFTS_ENOMEM;
        }
    }
    return 0;
}

/* f->tails: every suffix, at a character boundary, of every append (the appends
 * included). kofts_morph_exact stops looking for longer appends at the first end of a
 * word that is not in it. An append starting inside a character would break that
 * boundary rule: the exact path is then off. */
static int build_tails(kofts_morph_filter *f)
{
    char a[SCRATCH];
    for (size_t i = 0; i <= f->apps.mask; i++) {
        const hent *e = &f->apps.e[i];
        if (!e->h)
            continue;
        if (e->len > sizeof a || ((unsigned char)f->keys.data[e->off] & 0xC0) == 0x80) {
            exact_off(f, "SFX append too long or not starting a character", NULL);
            continue;
        }
        size_t n = e->len;
        memcpy(a, f->keys.data + e->off, n); /* f->keys may move while adding */
        for (size_t at = 0; at < n; at++) {
            if (((unsigned char)a[at] & 0xC0) == 0x80)
                continue;
            hent *t = ht_put(&f->tails, &f->keys, a + at, n - at);
            if (!t)
                return KOFTS_ENOMEM;
            t->val = 0;
        }
    }
    return 0;
}

/* The alias of the union of aliases a and b (a new alias unless one contains the other). */
static int union_alias(kofts_morph_filter *f, uint32_t a, uint32_t b, uint32_t *out)
{
    if (f->nalias == f->capalias) {
        size_t cap = 2 * f->capalias;
        uint64_t *ns = realloc(f->sets, cap * f->nw * sizeof *ns);
        if (!ns)
            return KOFTS_ENOMEM;
        f->sets = ns;
        f->capalias = cap;
    }
    uint64_t *u = &f->sets[f->nalias * f->nw];
    for (size_t w = 0; w < f->nw; w++)
        u[w] = f->sets[a * f->nw + w] | f->sets[b * f->nw + w];
    *out = (uint32_t)f->nalias++;
    return 0;
}

int kofts_mf_add_homonym(kofts_morph_filter *f, const char *r, size_t n, uint32_t first,
                         uint32_t alias, int first_time)
{
    hom_t *nh = kofts_grow(f->hom, &f->caphom, f->nhom + 2, sizeof *nh);
    if (!nh)
        return KOFTS_ENOMEM;
    f->hom = nh;
    hent *e = ht_put(&f->homidx, &f->keys, r, n);
    if (!e)
        return KOFTS_ENOMEM;
    if (first_time) {
        e->val = (uint32_t)f->nhom;
        f->hom[f->nhom++] = (hom_t){first, NONE};
    }
    uint32_t k = e->val;
    while (f->hom[k].next != NONE)
        k = f->hom[k].next;
    f->hom[k].next = (uint32_t)f->nhom;
    f->hom[f->nhom++] = (hom_t){alias, NONE};
    return 0;
}

/* DA_LEMMA for a root word j[0..n) (jamo): kofts_morph would keep it as a lemma. */
static uint32_t lemma_bit(const char *j, size_t n)
{
    char syl[SCRATCH];
    if (n < 6 || memcmp(j + n - 6, DA_JAMO, 6) != 0)
        return 0;
    size_t sl = n <= sizeof syl ? kofts_mf_compose(j, n, syl) : 0;
    if (!sl)
        return DA_LEMMA; /* stays jamo: kofts_morph cannot tell it from a lemma */
    if (sl == 6 &&
        (memcmp(syl, "이다", 6) == 0 || memcmp(syl, "하다", 6) == 0 || memcmp(syl, "되다", 6) == 0))
        return 0;
    return kofts_lexicon_is_noun(syl, sl) ? 0 : DA_LEMMA;
}

/* One .dic line: word[/alias]. */
static int dic_line(loader *ld, char *line)
{
    kofts_morph_filter *f = ld->f;
    size_t n = strcspn(line, "\r\n");
    line[n] = '\0';
    if (!n)
        return 0;
    if (strpbrk(line, "\t:\\"))
        return refuse(ld, "dictionary line with morphology or escapes", line);
    char *slash = strchr(line, '/');
    uint32_t alias = 0;
    if (slash) {
        *slash = '\0';
        if (!(alias = (uint32_t)parse_alias(ld, slash + 1)))
            return refuse(ld, "dictionary flags are not an AF alias", slash + 1);
        n = (size_t)(slash - line);
    }
    for (size_t i = 0, adv; i < n; i += adv) {
        int32_t c = kofts_utf8_decode(line, n, i, &adv);
        if (c >= 0xAC00 && c <= 0xD7A3)
            return refuse(ld, "dictionary word in syllables, not jamo", line);
    }
    hent *e = ht_put(&f->roots, &f->keys, line, n);
    if (!e)
        return KOFTS_ENOMEM;
    uint32_t bit = lemma_bit(line, n);
    if (!alias ||
        !(kofts_mf_has_flag(f, alias, f->forbidden) || kofts_mf_has_flag(f, alias, f->needaffix) ||
          kofts_mf_has_flag(f, alias, f->onlyincompound)))
        bit |= R1_OK; /* hunspell's lookup reads this homonym as the word itself */
    int repeat = e->val != NONE;
    if (repeat && kofts_mf_add_homonym(f, line, n, e->val & ~ROOT_BITS, alias, !(e->val & HOMS)))
        return KOFTS_ENOMEM;
    if (e->val == NONE)
        e->val = alias | bit;
    else if ((e->val & ~ROOT_BITS) != alias) {
        uint32_t u;
        if (union_alias(f, e->val & ~ROOT_BITS, alias, &u))
            return KOFTS_ENOMEM;
        e->val = u | (e->val & ROOT_BITS) | bit;
    } else
        e->val |= bit;
    if (repeat)
        e->val |= HOMS;
    if (f->nalias >= HOMS)
        return refuse(ld, "too many flag sets", NULL);
    return 0;
}

static int load_dic(loader *ld, const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(ld->why, ld->whylen, "cannot read %s", path);
        return KOFTS_EIO;
    }
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;
    long lineno = 0;
    while (rc == 0 && getline(&line, &cap, fp) >= 0)
        if (lineno++ > 0) /* the first line is the word count */
            rc = dic_line(ld, line);
    free(line);
    fclose(fp);
    return rc;
}

/* kofts_morph_exact turns syllables into jamo and back by arithmetic: every syllable
 * must have its ICONV and its OCONV pair. */
static void check_conv_coverage(kofts_morph_filter *f)
{
    for (uint32_t k = 0; k < 11172; k++) {
        if (!(f->iconv_seen[k / 64] >> (k % 64) & 1))
            exact_off(f, "ICONV does not cover every syllable", NULL);
        if (!(f->oconv_seen[k / 64] >> (k % 64) & 1))
            exact_off(f, "OCONV does not cover every syllable", NULL);
    }
}

int kofts_morph_filter_load(kofts_morph_filter **out, const char *aff_path, const char *dic_path,
                            char *why, size_t whylen)
{
    int rc = 0;
    *out = NULL;
    loader ld = {calloc(1, sizeof(kofts_morph_filter)), why, whylen, NULL, 0, 0, 0, 0};
    if (whylen)
        why[0] = '\0';
    if (!ld.f)
        return KOFTS_ENOMEM;
    ld.f->forbidden = 65510; /* hunspell's FORBIDDENWORD default */
    ld.f->nconds = 1;        /* conds[0]: no condition */
    ld.f->cpdmin = 3;        /* hunspell's MINCPDLEN when COMPOUNDMIN is absent */
    if (!(ld.f->conds = kofts_grow(NULL, &ld.f->capconds, 64, sizeof *ld.f->conds)))
        return free(ld.f), KOFTS_ENOMEM;
    memset(ld.f->conds, 0, sizeof *ld.f->conds);
    if ((rc = load_aff(&ld, aff_path)) || (rc = build_sets(&ld)) || (rc = build_twofold(ld.f)) ||
        (rc = build_tails(ld.f)) || (rc = load_dic(&ld, dic_path)))
        goto done;
    if ((rc = bloom_build(&ld.f->roots)) || (rc = bloom_build(&ld.f->apps)) ||
        (rc = bloom_build(&ld.f->inner)) || (rc = bloom_build(&ld.f->outer)) ||
        (rc = bloom_build(&ld.f->tails)))
        goto done;
    check_conv_coverage(ld.f);
    *out = ld.f;
    ld.f = NULL;
done:
    if (rc == KOFTS_ENOMEM && whylen)
        snprintf(why, whylen, "out of memory");
    for (size_t a = 1; a <= ld.naf; a++)
        free(ld.af[a]);
    free(ld.af);
    kofts_morph_filter_free(ld.f);
    return rc;
}

void kofts_morph_filter_free(kofts_morph_filter *f)
{
    if (!f)
        return;
    kofts_buf_free(&f->keys);
    htab *t[] = {&f->roots, &f->apps, &f->inner, &f->outer, &f->tails, &f->homidx};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        free(t[i]->e);
        free(t[i]->bloom);
    }
    free(f->rules);
    free(f->sets);
    free(f->conts);
    free(f->conds);
    free(f->cps);
    free(f->hom);
    free(f);
}

/* ---- the test ------------------------------------------------------------------------ */

enum { ROOT_ANY, ROOT_LEMMA, ROOT_EXACT };

typedef struct {
    int mode;          /* ROOT_* */
    const char *exact; /* ROOT_EXACT: the only root allowed */
    size_t exact_len;
} root_want;

/* The alias of root r[0..n) if it is a dictionary word wanted by want, else NONE. */
static uint32_t root_alias(const kofts_morph_filter *f, const char *r, size_t n,
                           const root_want *want)
{
    if (want->mode == ROOT_EXACT && (n != want->exact_len || memcmp(r, want->exact, n) != 0))
        return NONE;
    uint32_t v = kofts_mf_get(&f->roots, &f->keys, r, n);
    if (v == NONE || (want->mode == ROOT_LEMMA && !(v & DA_LEMMA)))
        return NONE;
    return v & ~ROOT_BITS;
}

/* The first rule of table t whose append is the last cut bytes of s[0..n), or NONE. */
static uint32_t rules_ending(const kofts_morph_filter *f, const htab *t, const char *s, size_t n,
                             size_t cut)
{
    if (((unsigned char)s[n - cut] & 0xC0) == 0x80) /* not a character boundary */
        return NONE;
    return kofts_mf_get(t, &f->keys, s + n - cut, cut);
}

/*
 * 1 if the jamo string j[0..n) is a wanted dictionary root with one suffix, or with two
 * (the outer rule's flag in the inner rule's continuation class), hunspell's suffix
 * shapes without its conditions.
 */
static int derivable(const kofts_morph_filter *f, const char *j, size_t n, const root_want *want)
{
    char r[SCRATCH], mid[SCRATCH];
    for (size_t cut = 1; cut <= n && cut <= f->max_app; cut++)
        for (uint32_t k = rules_ending(f, &f->apps, j, n, cut); k != NONE; k = f->rules[k].next) {
            const rule_t *ru = &f->rules[k];
            size_t rl = kofts_mf_unstrip(f, j, n, cut, ru, r);
            uint32_t a = rl ? root_alias(f, r, rl, want) : NONE;
            if (a != NONE && kofts_mf_has_flag(f, a, ru->flag))
                return 1;
        }
    for (size_t cut2 = 1; cut2 <= n && cut2 <= f->max_out; cut2++)
        for (uint32_t k2 = rules_ending(f, &f->outer, j, n, cut2); k2 != NONE;
             k2 = f->rules[k2].next_out) {
            const rule_t *outer = &f->rules[k2];
            size_t ml = kofts_mf_unstrip(f, j, n, cut2, outer, mid);
            for (size_t cut = 1; cut <= ml && cut <= f->max_in; cut++)
                for (uint32_t k = rules_ending(f, &f->inner, mid, ml, cut); k != NONE;
                     k = f->rules[k].next_in) {
                    const rule_t *inner = &f->rules[k];
                    if (!kofts_mf_has_flag(f, inner->cont, outer->flag))
                        continue;
                    size_t rl = kofts_mf_unstrip(f, mid, ml, cut, inner, r);
                    uint32_t a = rl ? root_alias(f, r, rl, want) : NONE;
                    if (a != NONE && kofts_mf_has_flag(f, a, inner->flag))
                        return 1;
                }
        }
    return 0;
}

/* Memoised: 1 if j[at..n) is any dictionary root with one or two suffixes (a compound's
 * last part). memo[at]: 0 unknown, 1 no, 2 yes. */
static int tail_derivable(const kofts_morph_filter *f, const char *j, size_t n, size_t at,
                          unsigned char *memo)
{
    static const root_want any = {ROOT_ANY, NULL, 0};
    if (!memo[at])
        memo[at] = (unsigned char)(1 + derivable(f, j + at, n - at, &any));
    return memo[at] == 2;
}

int kofts_morph_filter_may_keep(const kofts_morph_filter *f, const char *w, size_t n)
{
    char j[MAX_JAMO];
    size_t syl_at[25], nsyl = 0, jl = 0;
    unsigned char memo[MAX_JAMO + 1] = {0};
    if (n == 0 || n % 3 || n > 3 * 24)
        return 1;
    for (size_t i = 0, adv; i < n; i += adv, nsyl++) {
        int32_t cp = kofts_utf8_decode(w, n, i, &adv);
        if (cp < 0xAC00 || cp > 0xD7A3)
            return 1;
        syl_at[nsyl] = jl;
        jl += kofts_mf_decompose(cp, j + jl);
    }
    syl_at[nsyl] = jl;
    /* (a) a reading ending in 다: w itself (r1), a lemma root with suffixes (r2), or a
     * jamo prefix ending in 다 before a compound's last part (r3) */
    static const root_want lemma = {ROOT_LEMMA, NULL, 0};
    if (jl >= 6 && memcmp(j + jl - 6, DA_JAMO, 6) == 0)
        return 1;
    if (derivable(f, j, jl, &lemma))
        return 1;
    for (size_t at = 6; at < jl; at += 3)
        if (memcmp(j + at - 6, DA_JAMO, 6) == 0 && tail_derivable(f, j, jl, at, memo))
            return 1;
    /* (b) a lexicon noun of k >= 2 syllables, a proper prefix of w: the root of w's
     * suffixes (r2) or the bare words before a compound's last part (r3) */
    for (size_t k = 2; k < nsyl; k++) {
        if (!kofts_lexicon_is_noun(w, 3 * k))
            continue;
        root_want exact = {ROOT_EXACT, j, syl_at[k]};
        if (tail_derivable(f, j, jl, syl_at[k], memo) || derivable(f, j, jl, &exact))
            return 1;
    }
    return 0;
}
