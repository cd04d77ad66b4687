/*
 * kofts_analyzer.c - the analysis pipeline: word break -> per-word normalisation ->
 * Korean/Latin/number/Hanja filters -> token callback.
 *
 * Segmentation runs on the ORIGINAL UTF-8 (utext_openUTF8), so boundaries are byte
 * offsets into the caller's text. Chunks of plain text (Hangul syllables, ASCII) are
 * split by kofts_plainbreak.h, exactly as ICU would split them; ICU's word-break
 * iterator splits the rest. Each word is then normalised on its own
 * (NFKC case fold, which also composes NFD Hangul and drops default-ignorable
 * characters such as U+200B, U+FEFF and the soft hyphen). Two fast paths skip ICU
 * normalisation: pure ASCII (lower-cased by hand) and pure precomposed Hangul
 * (already NFKC-casefolded). The slow path normalises chunk by chunk between
 * normalisation boundaries and keeps, for every output byte, the original byte range
 * of its chunk, so variants (stems, pieces, bigrams) get exact original offsets.
 *
 * Per word (W = the current word, P = the previous one):
 *   Hangul   surface; colocated stem (kofts_ko_stem); colocated pieces >= 2 syllables
 *            (kofts_ko_decompound, document side only); a lone particle right after a
 *            Latin/number word (챗GPT|를) is dropped, and in query mode always.
 *   Latin    surface (lower case); colocated Snowball English stem.
 *   number   surface without thousands separators; colocated "5.2%" when '%' follows.
 *   joins    P and W touching (or joined by one '-') across a script change:
 *            P.stem+W.stem colocated with W (ai반도체, k반도체, 챗gpt, 300억원), plus
 *            number+first unit syllable (300억) when W starts with 억/조/만/천/백.
 *   Hanja    surface; colocated reading (韓 -> 한); for a run of ideographs the reading
 *            of the last two and of the whole run (韓國 -> 한국); one-character headline
 *            abbreviations (美 -> 미국, 北 -> 북한).
 * Bigram mode: over Hangul stems only (particles never enter a bigram); the run
 * continues across plain spaces after a word that had no particle, so 양자 컴퓨팅 and
 * 양자컴퓨팅 give the same bigrams; a bigram starting a word or a compound piece is
 * emitted as "^XY" instead of "XY" (see emit_bigram for the query side).
 *
 * No allocation per token: all scratch buffers live on the handle and only grow.
 */
#include "kofts_analyzer.h"

#include <libstemmer.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include "kofts_hanja_table.h"
#include "kofts_korean.h"
#include "kofts_lexicon.h"
#include "kofts_morph.h"
#include "kofts_plainbreak.h"
#include "kofts_util.h"

#define MAX_TOKEN 255 /* longer tokens are cut at a character boundary */

typedef enum { W_NONE, W_HANGUL, W_LATIN, W_NUMBER, W_HAN, W_OTHER } wclass;

/* A direct-mapped cache of Korean word analyses (words repeat a lot in text). The
 * hunspell answer (mr) is filled in lazily, in word mode only, when the fast rules could
 * not decide (see needs_morph). */
#define WCACHE_SIZE 8192
#define WCACHE_WORD 60
typedef struct {
    uint32_t hash;
    unsigned char len;        /* 0 = empty slot */
    unsigned char stem;       /* stem length in syllables */
    unsigned char np;         /* compound pieces */
    unsigned char fam;        /* KOFTS_KO_FAM_* of the removed ending */
    unsigned char whole_noun; /* the word itself is a known noun */
    unsigned char stem_noun;  /* the stem is a known noun */
    unsigned char morph;      /* 1 once mr holds the hunspell answer */
    unsigned char starts[KOFTS_KO_MAX_PIECES];
    char word[WCACHE_WORD];
    kofts_morph_result mr;
} wcache_entry;

/* A word-break span [s, e) with its ICU rule status. */
typedef struct {
    int32_t s, e;
    int status;
} span;

/* The previous word, for joins and bigram runs. */
typedef struct {
    wclass cls;
    size_t end_off;           /* original end offset */
    size_t start_off;         /* original start offset */
    char text[MAX_TOKEN + 1]; /* its stem (or surface), normalised */
    size_t len;
    int stripped;        /* Hangul: a particle/ending was removed */
    size_t last_syl_off; /* bigram mode: original offset of the stem's last syllable */
    int32_t han_run[8];  /* Han: the ideographs of the current run */
    size_t han_n;
    size_t han_start;
} prev_word;

struct kofts_analyzer {
    UBreakIterator *bi;       /* owned */
    UText *ut;                /* owned */
    const UNormalizer2 *nfkc; /* ICU-owned singleton */
    struct sb_stemmer *stem;  /* owned */
    kofts_buf norm;           /* normalised word */
    size_t *map_s, *map_e;    /* slow path: original range of each norm byte */
    size_t map_cap;
    int identity;       /* fast path: norm byte i <-> original s + i */
    size_t word_s;      /* original start of the current word */
    UChar *u16a, *u16b; /* slow path scratch */
    int32_t u16_cap;
    char tok[4 * MAX_TOKEN + 16]; /* scratch for composed tokens */
    char errmsg[256];
    unsigned opts;        /* KOFTS_OPT_* */
    wcache_entry *wcache; /* owned, WCACHE_SIZE entries */
    wcache_entry scratch; /* analysis of a word too long for the cache */
    /* per run */
    const char *text;  /* the text of the run */
    int32_t len;       /* its length */
    int32_t cur;       /* boundary after the last span fetched, or UBRK_DONE */
    int32_t plain_end; /* end of the plain chunk being split (kofts_plainbreak.h) */
    int32_t icu_until; /* >= 0: spans come from ICU up to a blank at or after this */
    span la[2];        /* lookahead spans */
    int nla;
    kofts_token_cb cb;
    void *ctx;
    int pos;
    int emitted_any;
    int query;
    int no_morph; /* KOFTS_ANALYZE_NO_MORPH */
    int bigram_head_done;
    prev_word prev;
};

const char *kofts_tok_kind_name(kofts_tok_kind kind)
{
    switch (kind) {
    case KOFTS_TOK_SURFACE:
        return "surface";
    case KOFTS_TOK_STEM:
        return "stem";
    case KOFTS_TOK_PIECE:
        return "piece";
    case KOFTS_TOK_LATIN_STEM:
        return "latin_stem";
    case KOFTS_TOK_JOIN:
        return "join";
    case KOFTS_TOK_READING:
        return "reading";
    case KOFTS_TOK_BIGRAM:
        return "bigram";
    case KOFTS_TOK_BIGRAM_HEAD:
        return "bigram_head";
    case KOFTS_TOK_LEMMA:
        return "lemma";
    }
    return "?";
}

int kofts_analyzer_new(kofts_analyzer **out)
{
    int rc = 0;
    UErrorCode st = U_ZERO_ERROR;
    kofts_analyzer *a = calloc(1, sizeof *a);
    *out = NULL;
    if (!a || kofts_lexicon_init()) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    a->bi = ubrk_open(UBRK_WORD, "ko", NULL, 0, &st);
    a->nfkc = unorm2_getNFKCCasefoldInstance(&st);
    if (U_FAILURE(st)) {
        rc = KOFTS_EICU;
        goto done;
    }
    a->stem = sb_stemmer_new("english", "UTF_8");
    a->wcache = calloc(WCACHE_SIZE, sizeof *a->wcache);
    if (!a->stem || !a->wcache) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    *out = a;
    a = NULL;
done:
    kofts_analyzer_free(a);
    return rc;
}

void kofts_analyzer_preload(void)
{
    kofts_morph_preload();
}

void kofts_analyzer_free(kofts_analyzer *a)
{
    if (!a)
        return;
    if (a->bi)
        ubrk_close(a->bi);
    if (a->ut)
        utext_close(a->ut);
    if (a->stem)
        sb_stemmer_delete(a->stem);
    kofts_buf_free(&a->norm);
    free(a->wcache);
    free(a->map_s);
    free(a->map_e);
    free(a->u16a);
    free(a->u16b);
    free(a);
}

void kofts_analyzer_set_options(kofts_analyzer *a, unsigned opts)
{
    a->opts = opts;
    memset(a->wcache, 0, WCACHE_SIZE * sizeof *a->wcache); /* results depend on opts */
}

/*
 * Stem, ending family and compound pieces of the Hangul word w (nsyl syllables),
 * honouring the feature switches; cached per handle. The returned entry is borrowed
 * until the next call (a cache slot, or the handle's scratch entry for long words).
 */
static wcache_entry *analyse_korean(kofts_analyzer *a, const char *w, size_t nsyl)
{
    size_t n = 3 * nsyl;
    wcache_entry *ce = &a->scratch;
    uint32_t h = 0;
    if (n <= WCACHE_WORD) {
        uint64_t h64 = kofts_fnv1a64(w, n);
        h = (uint32_t)(h64 ^ (h64 >> 32));
        ce = &a->wcache[h & (WCACHE_SIZE - 1)];
        if (ce->len == n && ce->hash == h && memcmp(ce->word, w, n) == 0)
            return ce;
    }
    int fam = KOFTS_KO_FAM_NONE;
    size_t starts[KOFTS_KO_MAX_PIECES];
    size_t stem = (a->opts & KOFTS_OPT_NO_STEM) ? nsyl : kofts_ko_stem(w, nsyl, &fam);
    size_t np = (a->opts & KOFTS_OPT_NO_PIECES) ? 0 : kofts_ko_decompound(w, stem, starts);
    memset(ce, 0, offsetof(wcache_entry, mr));
    ce->hash = h;
    ce->len = n <= WCACHE_WORD ? (unsigned char)n : 0;
    ce->stem = (unsigned char)stem;
    ce->np = (unsigned char)np;
    ce->fam = (unsigned char)fam;
    ce->whole_noun = (unsigned char)kofts_lexicon_is_noun(w, n);
    ce->stem_noun = (unsigned char)(stem < nsyl && kofts_lexicon_is_noun(w, 3 * stem));
    for (size_t k = 0; k < np; k++)
        ce->starts[k] = (unsigned char)starts[k];
    if (n <= WCACHE_WORD)
        memcpy(ce->word, w, n);
    return ce;
}

/*
 * Where the fast rules cannot decide, so hunspell is asked: a word of 2..24 syllables
 * that is not a known noun, whose removed ending (if any) was not a 하다/되다 form,
 * and whose stem (if any) is not a known noun. Nouns with particles (정부가, 국가를) and
 * verbal nouns with 하다 endings (발표했다) never reach hunspell.
 */
static int needs_morph(const kofts_analyzer *a, const wcache_entry *ce, size_t nsyl)
{
    return !(a->opts & KOFTS_OPT_NO_LEMMA) && nsyl >= 2 && nsyl <= KOFTS_KO_MAX_SYL &&
           !ce->whole_noun && ce->fam == KOFTS_KO_FAM_NONE && (ce->stem == nsyl || !ce->stem_noun);
}

const char *kofts_analyzer_errmsg(const kofts_analyzer *a)
{
    return a && a->errmsg[0] ? a->errmsg : "no error";
}

/* ---- output ------------------------------------------------------------------ */

/* Emit one token. colocated: same position as the previous emitted token. */
static int emit(kofts_analyzer *a, const char *text, size_t len, size_t s, size_t e, int colocated,
                kofts_tok_kind kind)
{
    if (len == 0)
        return 0;
    if (len > MAX_TOKEN) {
        len = MAX_TOKEN;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    if (!a->emitted_any)
        colocated = 0;
    if (!colocated && a->emitted_any)
        a->pos++;
    a->emitted_any = 1;
    kofts_token t = {text, len, s, e, a->pos, colocated, kind};
    return a->cb(a->ctx, &t);
}

/* Original offsets of the normalised byte range [ns, ne) of the current word. */
static size_t orig_s(const kofts_analyzer *a, size_t ns)
{
    return a->identity ? a->word_s + ns : a->map_s[ns];
}

static size_t orig_e(const kofts_analyzer *a, size_t ne)
{
    return a->identity ? a->word_s + ne : a->map_e[ne - 1];
}

/* ---- normalisation --------------------------------------------------------------- */

static int grow_u16(kofts_analyzer *a, int32_t need)
{
    if (need <= a->u16_cap)
        return 0;
    int32_t cap = a->u16_cap ? a->u16_cap : 256;
    while (cap < need)
        cap *= 2;
    UChar *x = realloc(a->u16a, (size_t)cap * sizeof(UChar));
    if (!x)
        return KOFTS_ENOMEM;
    a->u16a = x;
    UChar *y = realloc(a->u16b, (size_t)cap * sizeof(UChar));
    if (!y)
        return KOFTS_ENOMEM;
    a->u16b = y;
    a->u16_cap = cap;
    return 0;
}

static int grow_map(kofts_analyzer *a, size_t need)
{
    if (need <= a->map_cap)
        return 0;
    size_t cap = a->map_cap ? a->map_cap : 256;
    while (cap < need)
        cap *= 2;
    size_t *x = realloc(a->map_s, cap * sizeof *x);
    if (!x)
        return KOFTS_ENOMEM;
    a->map_s = x;
    size_t *y = realloc(a->map_e, cap * sizeof *y);
    if (!y)
        return KOFTS_ENOMEM;
    a->map_e = y;
    a->map_cap = cap;
    return 0;
}

/* Normalise one chunk text[s..e) (between normalisation boundaries) and append it. */
static int norm_chunk(kofts_analyzer *a, const char *text, size_t s, size_t e)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n16 = 0;
    if (grow_u16(a, (int32_t)(e - s) + 8))
        return KOFTS_ENOMEM;
    u_strFromUTF8WithSub(a->u16a, a->u16_cap, &n16, text + s, (int32_t)(e - s), 0xFFFD, NULL, &st);
    if (U_FAILURE(st))
        return 0; /* unconvertible chunk: drop it */
    int32_t nn = unorm2_normalize(a->nfkc, a->u16a, n16, a->u16b, a->u16_cap, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR) {
        st = U_ZERO_ERROR;
        if (grow_u16(a, nn + 8))
            return KOFTS_ENOMEM;
        u_strFromUTF8WithSub(a->u16a, a->u16_cap, &n16, text + s, (int32_t)(e - s), 0xFFFD, NULL,
                             &st);
        nn = unorm2_normalize(a->nfkc, a->u16a, n16, a->u16b, a->u16_cap, &st);
    }
    if (U_FAILURE(st))
        return 0;
    int32_t n8 = 0;
    UErrorCode st2 = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &n8, a->u16b, nn, &st2);
    if (kofts_buf_reserve(&a->norm, (size_t)n8 + 1) || grow_map(a, a->norm.len + (size_t)n8 + 1))
        return KOFTS_ENOMEM;
    st = U_ZERO_ERROR;
    u_strToUTF8(a->norm.data + a->norm.len, n8 + 1, &n8, a->u16b, nn, &st);
    if (U_FAILURE(st))
        return 0;
    for (int32_t i = 0; i < n8; i++) {
        a->map_s[a->norm.len + (size_t)i] = s;
        a->map_e[a->norm.len + (size_t)i] = e;
    }
    a->norm.len += (size_t)n8;
    a->norm.data[a->norm.len] = '\0';
    return 0;
}

/* Normalise the word text[s..e) into a->norm, setting up the offset map. */
static int normalise(kofts_analyzer *a, const char *text, size_t s, size_t e)
{
    kofts_buf_clear(&a->norm);
    a->word_s = s;
    const unsigned char *u = (const unsigned char *)text;
    int ascii = 1;
    for (size_t i = s; i < e; i++)
        if (u[i] >= 0x80) {
            ascii = 0;
            break;
        }
    if (ascii) {
        if (kofts_buf_reserve(&a->norm, e - s))
            return KOFTS_ENOMEM;
        for (size_t i = s; i < e; i++) {
            unsigned char c = u[i];
            a->norm.data[a->norm.len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        a->norm.data[a->norm.len] = '\0';
        a->identity = 1;
        return 0;
    }
    if (kofts_ko_is_hangul(text + s, e - s)) {
        a->identity = 1;
        return kofts_buf_append(&a->norm, text + s, e - s);
    }
    /* Slow path: chunks between normalisation boundaries. */
    a->identity = 0;
    size_t chunk = s, i = s, adv;
    while (i < e) {
        int32_t cp = kofts_utf8_decode(text, e, i, &adv);
        if (i > chunk && (cp < 0 || unorm2_hasBoundaryBefore(a->nfkc, cp))) {
            int rc = norm_chunk(a, text, chunk, i);
            if (rc)
                return rc;
            chunk = i;
        }
        i += adv;
    }
    if (chunk < e)
        return norm_chunk(a, text, chunk, e);
    return 0;
}

/* ---- classification ------------------------------------------------------------------ */

static wclass classify(const char *w, size_t n, int status)
{
    if (n == 0)
        return W_NONE;
    if (kofts_ko_is_hangul(w, n))
        return W_HANGUL;
    if (status >= UBRK_WORD_IDEO && status < UBRK_WORD_IDEO_LIMIT)
        return W_HAN;
    int letters = 0, digits = 0, other = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c >= 'a' && c <= 'z')
            letters++;
        else if (c >= '0' && c <= '9')
            digits++;
        else if (c == '.' || c == ',' || c == '\'' || c == '_')
            ;
        else
            other++;
    }
    if (other) {
        /* punctuation, symbols, emoji: not a word unless some character is alphanumeric */
        size_t i = 0, adv;
        while (i < n) {
            int32_t cp = kofts_utf8_decode(w, n, i, &adv);
            if (cp >= 0 && u_isalnum(cp))
                return W_OTHER;
            i += adv;
        }
        return W_NONE;
    }
    if (letters)
        return W_LATIN;
    if (digits)
        return W_NUMBER;
    return W_OTHER;
}

static int32_t hanja_reading(int32_t cp)
{
    size_t lo = 0, hi = kofts_hanja_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (kofts_hanja_table[mid].han < (uint32_t)cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < kofts_hanja_count && kofts_hanja_table[lo].han == (uint32_t)cp)
        return (int32_t)kofts_hanja_table[lo].hangul;
    return 0;
}

/* One-character headline abbreviations used by Korean news. */
static const struct {
    int32_t han;
    const char *word;
} abbrevs[] = {
    {0x7F8E, "미국"}, {0x4E2D, "중국"}, {0x65E5, "일본"},   {0x5317, "북한"},   {0x97D3, "한국"},
    {0x82F1, "영국"}, {0x7368, "독일"}, {0x4F5B, "프랑스"}, {0x9732, "러시아"}, {0x5370, "인도"},
    {0x8207, "여당"}, {0x91CE, "야당"}, {0x9751, "청와대"}, {0x6AA2, "검찰"},   {0x8B66, "경찰"},
    {0x8ECD, "군"},   {0x6545, "고"},   {0x4E0E, "여당"},   {0x9752, "청와대"}, {0x68C0, "검찰"},
};

/* ---- per-class processing ---------------------------------------------------------- */

static int is_unit_syllable(const char *w)
{
    static const char *const units[] = {"억", "조", "만", "천", "백"};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (memcmp(w, units[i], 3) == 0)
            return 1;
    return 0;
}

/* Does the previous word touch the current one (directly or through one '-')? */
static int touches(const kofts_analyzer *a, const char *text, size_t s)
{
    if (a->prev.cls == W_NONE)
        return 0;
    if (a->prev.end_off == s)
        return 1;
    return a->prev.end_off + 1 == s && text[a->prev.end_off] == '-';
}

/* Emit a join of the previous word and cur[0..n) colocated with the current token. */
static int emit_join(kofts_analyzer *a, const char *cur, size_t n, size_t e)
{
    if (a->prev.len + n > sizeof a->tok)
        return 0;
    memcpy(a->tok, a->prev.text, a->prev.len);
    memcpy(a->tok + a->prev.len, cur, n);
    return emit(a, a->tok, a->prev.len + n, a->prev.start_off, e, 1, KOFTS_TOK_JOIN);
}

static void remember(kofts_analyzer *a, wclass cls, const char *t, size_t n, size_t s, size_t e,
                     int stripped)
{
    a->prev.cls = cls;
    a->prev.start_off = s;
    a->prev.end_off = e;
    if (n > MAX_TOKEN)
        n = 0;
    memcpy(a->prev.text, t, n);
    a->prev.len = n;
    a->prev.stripped = stripped;
}

/* Number of leading unit syllables (만, 억, 조, 천, 백) of w, at most max. */
static size_t unit_run(const char *w, size_t max)
{
    size_t u = 0;
    while (u < max && is_unit_syllable(w + 3 * u))
        u++;
    return u;
}

/*
 * Joins of a Hangul word with the number before it (300|억원을, 25|만, 1|천만원):
 * number + stem (300억원), number + its unit syllables (300억, 1천만), and on the
 * document side the counter after the units as a piece (300만|명 -> 명), so that 300만 명
 * and 300만명 find each other. A bare 25 never becomes 25만: the unit is part of the
 * number token, and 25명 has no 25만.
 */
static int number_joins(kofts_analyzer *a, const char *w, size_t stem)
{
    int rc;
    if ((rc = emit_join(a, w, 3 * stem, orig_e(a, 3 * stem))))
        return rc;
    size_t u = unit_run(w, (a->opts & KOFTS_OPT_NO_NUMUNIT) ? 1 : stem);
    if (u == 0 || u == stem)
        return 0;
    if ((rc = emit_join(a, w, 3 * u, orig_e(a, 3 * u))))
        return rc;
    if (a->query || (a->opts & KOFTS_OPT_NO_NUMUNIT))
        return 0;
    return emit(a, w + 3 * u, 3 * (stem - u), orig_s(a, 3 * u), orig_e(a, 3 * stem), 1,
                KOFTS_TOK_PIECE);
}

/* Emit t[0..n) as a colocated token of kind k unless it repeats the surface. */
static int emit_variant(kofts_analyzer *a, const char *t, size_t n, size_t s, size_t e,
                        kofts_tok_kind k)
{
    if (n == a->norm.len && memcmp(t, a->norm.data, n) == 0)
        return 0;
    return emit(a, t, n, s, e, 1, k);
}

/* The noun of a 하다/되다/시키다/당하다 lemma (구속되다 -> 구속), or 0 syllables. */
static size_t lemma_noun(const char *l, size_t n)
{
    static const char *const light[] = {"당하다", "시키다", "하다", "되다"};
    for (size_t k = 0; k < sizeof light / sizeof light[0]; k++) {
        size_t ll = strlen(light[k]);
        if (n >= ll + 6 && memcmp(l + n - ll, light[k], ll) == 0 &&
            (k != 0 || kofts_lexicon_is_noun(l, n - ll)))
            return (n - ll) / 3;
    }
    return 0;
}

/*
 * Lemmas of the current word (surface [s, e)): the fast-rule family verb (발표했다 ->
 * 발표하다) or hunspell's readings (가벼운 -> 가볍다), each followed by the noun of a
 * 하다-family lemma (사퇴했나 -> 사퇴하다, 사퇴). *emitted_stem (syllables, 0 none) is the
 * stem already emitted, so the noun is not repeated.
 */
static int emit_lemmas(kofts_analyzer *a, const wcache_entry *ce, int morph, size_t s, size_t e,
                       size_t emitted_stem)
{
    int rc;
    const char *w = a->norm.data;
    if (ce->fam != KOFTS_KO_FAM_NONE && !(a->opts & KOFTS_OPT_NO_LEMMA)) {
        const char *v = kofts_ko_family_verb(ce->fam);
        size_t vl = strlen(v), sl = 3 * (size_t)ce->stem;
        if (sl + vl > sizeof a->tok)
            return 0;
        memcpy(a->tok, w, sl);
        memcpy(a->tok + sl, v, vl);
        return emit_variant(a, a->tok, sl + vl, s, e, KOFTS_TOK_LEMMA);
    }
    if (!morph)
        return 0;
    const char *l = ce->mr.lemmas;
    for (unsigned k = 0; k < ce->mr.nlemma; k++) {
        size_t ln = strlen(l);
        if ((rc = emit_variant(a, l, ln, s, e, KOFTS_TOK_LEMMA)))
            return rc;
        size_t nn = lemma_noun(l, ln);
        if (nn && nn != emitted_stem) {
            int prefix = 3 * nn <= a->norm.len && memcmp(w, l, 3 * nn) == 0;
            if ((rc =
                     emit_variant(a, l, 3 * nn, s, prefix ? orig_e(a, 3 * nn) : e, KOFTS_TOK_STEM)))
                return rc;
            emitted_stem = nn;
        }
        l += ln + 1;
    }
    return 0;
}

static int do_hangul_word(kofts_analyzer *a, const char *text, size_t s, size_t e)
{
    int rc;
    const char *w = a->norm.data;
    size_t n = a->norm.len, nsyl = n / 3;
    int touching = touches(a, text, s);
    wclass pc = a->prev.cls;
    int after_number = touching && pc == W_NUMBER && !(a->opts & KOFTS_OPT_NO_NUMUNIT);
    if (kofts_ko_is_particle(w, nsyl) && !(after_number && is_unit_syllable(w)) &&
        (a->query || (touching && (pc == W_LATIN || pc == W_NUMBER || pc == W_HAN)))) {
        a->prev.cls = W_NONE; /* 챗GPT를: 를 is dropped, and ends any join chain */
        return 0;
    }
    wcache_entry *ce = analyse_korean(a, w, nsyl);
    size_t stem = ce->stem, np = ce->np;
    if (!a->no_morph && needs_morph(a, ce, nsyl) && !ce->morph) {
        kofts_morph_analyze(w, n, &ce->mr);
        ce->morph = 1;
    }
    int morph = ce->morph && !a->no_morph;
    /* a fast-rule stem that hunspell reads as a verb, not as a noun + particle, is a
     * false friend (가시는 -> 가시 is 가다, not 가시): drop it */
    size_t keep = stem;
    if (morph && ce->mr.nlemma && ce->mr.noun != stem)
        keep = nsyl;
    if ((rc = emit(a, w, n, s, e, 0, KOFTS_TOK_SURFACE)))
        return rc;
    if (keep < nsyl && (rc = emit(a, w, 3 * keep, s, orig_e(a, 3 * keep), 1, KOFTS_TOK_STEM)))
        return rc;
    if (!a->query) {
        for (size_t k = 0; k < np; k++) {
            size_t ps = ce->starts[k], pe = k + 1 < np ? ce->starts[k + 1] : stem;
            if (pe - ps < 2)
                continue;
            if ((rc = emit(a, w + 3 * ps, 3 * (pe - ps), orig_s(a, 3 * ps), orig_e(a, 3 * pe), 1,
                           KOFTS_TOK_PIECE)))
                return rc;
        }
    }
    if ((rc = emit_lemmas(a, ce, morph, s, e, keep < nsyl ? keep : 0)))
        return rc;
    if (touching && (pc == W_LATIN || pc == W_NUMBER) && !(a->opts & KOFTS_OPT_NO_JOINS)) {
        if (pc == W_NUMBER)
            rc = number_joins(a, w, stem);
        else
            rc = emit_join(a, w, 3 * stem, orig_e(a, 3 * stem));
        if (rc)
            return rc;
    }
    remember(a, W_HANGUL, w, 3 * stem, s, e, stem < nsyl);
    return 0;
}

static int do_latin_word(kofts_analyzer *a, const char *text, size_t s, size_t e)
{
    int rc;
    const char *w = a->norm.data;
    size_t n = a->norm.len;
    int touching = touches(a, text, s);
    wclass pc = a->prev.cls;
    if ((rc = emit(a, w, n, s, e, 0, KOFTS_TOK_SURFACE)))
        return rc;
    int alpha = n >= 3 && n <= 64 && !(a->opts & KOFTS_OPT_NO_LATIN_STEM);
    for (size_t i = 0; alpha && i < n; i++)
        alpha = w[i] >= 'a' && w[i] <= 'z';
    if (alpha) {
        const sb_symbol *st = sb_stemmer_stem(a->stem, (const sb_symbol *)w, (int)n);
        int sl = st ? sb_stemmer_length(a->stem) : 0;
        if (st && sl > 0 && ((size_t)sl != n || memcmp(st, w, n) != 0) &&
            (rc = emit(a, (const char *)st, (size_t)sl, s, e, 1, KOFTS_TOK_LATIN_STEM)))
            return rc;
    }
    if (touching && pc == W_HANGUL && !(a->opts & KOFTS_OPT_NO_JOINS) &&
        (rc = emit_join(a, w, n, e)))
        return rc;
    remember(a, W_LATIN, w, n, s, e, 0);
    return 0;
}

static int do_number_word(kofts_analyzer *a, const char *text, size_t len, size_t s, size_t e)
{
    int rc;
    char *w = a->norm.data;
    size_t n = 0;
    for (size_t i = 0; i < a->norm.len; i++) /* 1,000 -> 1000 */
        if (w[i] != ',')
            w[n++] = w[i];
    w[n] = '\0';
    a->norm.len = n;
    if ((rc = emit(a, w, n, s, e, 0, KOFTS_TOK_SURFACE)))
        return rc;
    if (e < len && text[e] == '%' && n + 1 < sizeof a->tok && !(a->opts & KOFTS_OPT_NO_JOINS)) {
        memcpy(a->tok, w, n);
        a->tok[n] = '%';
        if ((rc = emit(a, a->tok, n + 1, s, e + 1, 1, KOFTS_TOK_JOIN)))
            return rc;
    }
    remember(a, W_NUMBER, w, n, s, e, 0);
    return 0;
}

static int do_han_word(kofts_analyzer *a, const char *text, size_t s, size_t e)
{
    int rc;
    const char *w = a->norm.data;
    size_t n = a->norm.len, i = 0, adv, ol = 0, nchars = 0;
    int all = 1;
    int touching = touches(a, text, s) && a->prev.cls == W_HAN;
    if ((rc = emit(a, w, n, s, e, 0, KOFTS_TOK_SURFACE)))
        return rc;
    /* the Hangul reading of the whole word (韓國 -> 한국), when every character has one */
    char reading[3 * 16];
    while (i < n) {
        int32_t cp = kofts_utf8_decode(w, n, i, &adv);
        int32_t r = cp < 0 ? 0 : hanja_reading(cp);
        if (!r || ol + 3 > sizeof reading) {
            all = 0;
            break;
        }
        if (nchars < 8)
            a->prev.han_run[nchars] = cp;
        nchars++;
        ol += kofts_utf8_encode(r, reading + ol);
        i += adv;
    }
    if (!all || (a->opts & KOFTS_OPT_NO_HANJA))
        ol = 0;
    if (ol && (rc = emit(a, reading, ol, s, e, 1, KOFTS_TOK_READING)))
        return rc;
    /* adjacent ideograph words (大韓|民國): the joined reading too */
    if (ol && touching && a->prev.len && a->prev.len + ol <= sizeof a->tok) {
        memcpy(a->tok, a->prev.text, a->prev.len);
        memcpy(a->tok + a->prev.len, reading, ol);
        if ((rc = emit(a, a->tok, a->prev.len + ol, a->prev.start_off, e, 1, KOFTS_TOK_READING)))
            return rc;
    }
    a->prev.han_n = touching ? 0 : nchars; /* abbreviations only for a lone ideograph */
    a->prev.han_start = s;
    remember(a, W_HAN, reading, ol, s, e, 0);
    return 0;
}

/* Abbreviations are decided once the run is known to be one character long: called
 * when the word after a Han run (or the end of text) is reached. Emitted colocated
 * with the ideograph, which was the last token emitted. */
static int finish_han_run(kofts_analyzer *a)
{
    if (a->prev.cls != W_HAN || a->prev.han_n != 1 || (a->opts & KOFTS_OPT_NO_HANJA))
        return 0;
    a->prev.han_n = 0; /* decided once */
    for (size_t k = 0; k < sizeof abbrevs / sizeof abbrevs[0]; k++)
        if (abbrevs[k].han == a->prev.han_run[0])
            return emit(a, abbrevs[k].word, strlen(abbrevs[k].word), a->prev.han_start,
                        a->prev.end_off, 1, KOFTS_TOK_READING);
    return 0;
}

/* ---- bigram mode ------------------------------------------------------------------ */

/*
 * Emit the bigram p1p2. Document side: a bigram that starts a word or compound piece is
 * emitted only as "^XY", any other as "XY" (one token per position keeps the index
 * small). Query side: the first bigram that starts a query word is "^XY" (the match must
 * start at a boundary in the document); every other bigram is "XY" with "^XY" colocated
 * (an FTS5 synonym), since the document may have a boundary there.
 */
static int emit_bigram(kofts_analyzer *a, const char *p1, const char *p2, size_t s, size_t e,
                       int head)
{
    int rc;
    char h[7];
    h[0] = '^';
    memcpy(h + 1, p1, 3);
    memcpy(h + 4, p2, 3);
    if (a->query) {
        if (head && !a->bigram_head_done && !(a->opts & KOFTS_OPT_UNGATED)) {
            a->bigram_head_done = 1;
            return emit(a, h, 7, s, e, 0, KOFTS_TOK_BIGRAM_HEAD);
        }
        if ((rc = emit(a, h + 1, 6, s, e, 0, KOFTS_TOK_BIGRAM)))
            return rc;
        return emit(a, h, 7, s, e, 1, KOFTS_TOK_BIGRAM_HEAD);
    }
    if (head)
        return emit(a, h, 7, s, e, 0, KOFTS_TOK_BIGRAM_HEAD);
    return emit(a, h + 1, 6, s, e, 0, KOFTS_TOK_BIGRAM);
}

/* Only spaces/tabs (no newline, no punctuation) between prev and s? */
static int plain_gap(const char *text, size_t from, size_t to)
{
    if (to <= from || to - from > 8)
        return 0;
    for (size_t i = from; i < to; i++)
        if (text[i] != ' ' && text[i] != '\t')
            return 0;
    return 1;
}

static int do_bigram_word(kofts_analyzer *a, const char *text, size_t s, size_t e)
{
    int rc;
    const char *w = a->norm.data;
    size_t nsyl = a->norm.len / 3;
    if (a->query && kofts_ko_is_particle(w, nsyl))
        return 0;
    const wcache_entry *ce = analyse_korean(a, w, nsyl);
    size_t stem = ce->stem, np = a->query ? 0 : ce->np;
    const unsigned char *starts = ce->starts;
    if (a->prev.cls == W_HANGUL && !a->prev.stripped && a->prev.len >= 3 &&
        plain_gap(text, a->prev.end_off, s)) {
        /* bridge: last syllable of the previous stem + first of this one */
        const char *last = a->prev.text + a->prev.len - 3;
        if ((rc = emit_bigram(a, last, w, a->prev.last_syl_off, orig_e(a, 3), 0)))
            return rc;
    }
    for (size_t i = 0; i + 1 < stem; i++) {
        int head = i == 0;
        for (size_t k = 1; k < np && !head; k++)
            head = starts[k] == i;
        if ((rc = emit_bigram(a, w + 3 * i, w + 3 * i + 3, orig_s(a, 3 * i), orig_e(a, 3 * i + 6),
                              head)))
            return rc;
    }
    remember(a, W_HANGUL, w, 3 * stem, s, stem < nsyl ? e : orig_e(a, 3 * stem), stem < nsyl);
    a->prev.last_syl_off = orig_s(a, 3 * stem - 3);
    return 0;
}

/* ---- spans: word boundaries (plain chunks directly, the rest from ICU), glued across
 * invisible characters ---------------------------------------------------------------- */

static int is_invisible(int32_t cp)
{
    return cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF ||
           cp == 0x00AD;
}

/* The next raw span after a->cur: split directly inside a plain chunk, from ICU
 * otherwise (kofts_plainbreak.h says why the two agree). At a chunk start, a chunk that
 * is not plain (or every chunk, with KOFTS_OPT_ICU_ONLY) hands ICU the text from there
 * up to its first boundary at a blank at or after the chunk's end. Returns 0 at the end. */
static int fetch(kofts_analyzer *a, span *out)
{
    int32_t p = a->cur, e;
    int jumped = 0;
    if (p == UBRK_DONE || p >= a->len) {
        a->cur = UBRK_DONE;
        return 0;
    }
    if (a->icu_until < 0 && p >= a->plain_end) {
        int plain;
        size_t end = kofts_pb_chunk(a->text, (size_t)a->len, (size_t)p, &plain);
        if (plain && !(a->opts & KOFTS_OPT_ICU_ONLY)) {
            a->plain_end = (int32_t)end;
        } else {
            a->icu_until = (int32_t)end;
            /* p is a boundary of ICU's (a text start or a blank after a non-blank, see
             * kofts_plainbreak.h), and isBoundary puts the iterator there; were it not,
             * the iterator would stand at the next boundary, which then ends the span */
            if (p != ubrk_current(a->bi) && !ubrk_isBoundary(a->bi, p))
                jumped = 1;
        }
    }
    if (a->icu_until >= 0) {
        e = jumped ? ubrk_current(a->bi) : ubrk_next(a->bi);
        if (e == UBRK_DONE) {
            a->cur = UBRK_DONE;
            return 0;
        }
        out->status = ubrk_getRuleStatus(a->bi);
        if (e >= a->icu_until && (e >= a->len || kofts_pb_is_blank((unsigned char)a->text[e]))) {
            a->icu_until = -1;
            a->plain_end = e;
        }
    } else {
        e = (int32_t)kofts_pb_next(a->text, (size_t)a->plain_end, (size_t)p, &out->status);
    }
    out->s = p;
    out->e = e;
    a->cur = e;
    return 1;
}

/* Next raw span, from the lookahead queue first. */
static int raw_next(kofts_analyzer *a, span *out)
{
    if (a->nla) {
        *out = a->la[0];
        a->la[0] = a->la[1];
        a->nla--;
        return 1;
    }
    return fetch(a, out);
}

static int peek(kofts_analyzer *a, int k, span *out)
{
    while (a->nla <= k) {
        if (!fetch(a, &a->la[a->nla]))
            return 0;
        a->nla++;
    }
    *out = a->la[k];
    return 1;
}

/* 1 Hangul syllable or jamo, 2 letter/digit, 0 other. */
static int edge_class(int32_t cp)
{
    if ((cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x1100 && cp <= 0x11FF))
        return 1;
    return cp >= 0 && u_isalnum(cp) ? 2 : 0;
}

/* Scan text[s..e): last non-invisible code point, whether it ends in invisibles,
 * whether it is only invisibles, and whether any character could start a word. */
static void scan(const char *text, size_t s, size_t e, int32_t *first, int32_t *last,
                 int *trailing_inv, int *only_inv, int *wordish)
{
    size_t i = s, adv;
    *first = -1;
    *last = -1;
    *trailing_inv = 0;
    *only_inv = 1;
    *wordish = 0;
    while (i < e) {
        int32_t cp = kofts_utf8_decode(text, e, i, &adv);
        if (cp >= 0 && is_invisible(cp)) {
            *trailing_inv = 1;
        } else {
            *only_inv = 0;
            *trailing_inv = 0;
            if (*first < 0)
                *first = cp;
            *last = cp;
            if (!*wordish && cp >= 0 && (edge_class(cp) || u_isalnum(cp)))
                *wordish = 1;
        }
        i += adv;
    }
}

/* The next span worth analysing, merged across invisible characters so that
 * 과학<U+200B>기술 stays one word. Returns 0 at the end of text. */
/* 1 if an invisible character (see is_invisible) starts at text[i] (i < len). */
static int invisible_at(const char *text, size_t len, size_t i)
{
    const unsigned char *u = (const unsigned char *)text;
    if (i >= len || (u[i] != 0xE2 && u[i] != 0xEF && u[i] != 0xC2))
        return 0;
    size_t adv;
    int32_t cp = kofts_utf8_decode(text, len, i, &adv);
    return cp >= 0 && is_invisible(cp);
}

/* 1 if text[s..e) ends with an invisible character. */
static int ends_invisible(const char *text, size_t s, size_t e)
{
    for (size_t back = 2; back <= 3; back++)
        if (e >= s + back && invisible_at(text, e, e - back))
            return 1;
    return 0;
}

static int next_word(kofts_analyzer *a, const char *text, size_t len, span *out)
{
    span x;
    int32_t f, l, f2, l2;
    int tinv, oinv, wordish;
    for (;;) {
        if (!raw_next(a, &x))
            return 0;
        if (x.status >= UBRK_WORD_NONE_LIMIT)
            break;
        /* a NONE span may still hold letters (ICU gives Hangul + U+FEFF status 0) */
        int ascii = 1;
        for (int32_t i = x.s; i < x.e && ascii; i++)
            ascii = (unsigned char)text[i] < 0x80;
        if (ascii)
            continue;
        scan(text, (size_t)x.s, (size_t)x.e, &f, &l, &tinv, &oinv, &wordish);
        if (wordish)
            break;
    }
    for (;;) {
        span y, z;
        if (!invisible_at(text, len, (size_t)x.e) &&
            !ends_invisible(text, (size_t)x.s, (size_t)x.e))
            break;
        scan(text, (size_t)x.s, (size_t)x.e, &f, &l, &tinv, &oinv, &wordish);
        int cls = edge_class(l);
        if (!cls || !peek(a, 0, &y))
            break;
        scan(text, (size_t)y.s, (size_t)y.e, &f2, &l2, &tinv, &oinv, &wordish);
        if (oinv) {
            /* word, invisible-only span, word */
            if (!peek(a, 1, &z))
                break;
            scan(text, (size_t)z.s, (size_t)z.e, &f2, &l2, &tinv, &oinv, &wordish);
            if (edge_class(f2) != cls)
                break;
            x.e = z.e;
            raw_next(a, &y);
            raw_next(a, &z);
            continue;
        }
        /* word ending in invisibles, then a word right after it */
        int32_t xf, xl;
        int xt, xo, xw;
        scan(text, (size_t)x.s, (size_t)x.e, &xf, &xl, &xt, &xo, &xw);
        if (!xt || y.s != x.e || edge_class(f2) != cls)
            break;
        x.e = y.e;
        raw_next(a, &y);
    }
    *out = x;
    return 1;
}

/* ---- driver ----------------------------------------------------------------------- */

/* Reset the per-run state of a for a new text. */
static void begin_run(kofts_analyzer *a, int flags, kofts_token_cb cb, void *ctx)
{
    a->errmsg[0] = '\0';
    a->cb = cb;
    a->ctx = ctx;
    a->pos = 0;
    a->emitted_any = 0;
    a->query = (flags & KOFTS_ANALYZE_QUERY) != 0;
    a->no_morph = (flags & KOFTS_ANALYZE_NO_MORPH) != 0;
    a->bigram_head_done = 0;
    memset(&a->prev, 0, sizeof a->prev);
}

/* Point a's ICU word-break iterator at text[0..len) and start the span cursor there.
 * 0 or KOFTS_EICU (message set). */
static int start_icu(kofts_analyzer *a, const char *text, size_t len)
{
    UErrorCode st = U_ZERO_ERROR;
    a->ut = utext_openUTF8(a->ut, text, (int64_t)len, &st);
    if (U_FAILURE(st)) {
        snprintf(a->errmsg, sizeof a->errmsg, "utext_openUTF8: %s", u_errorName(st));
        return KOFTS_EICU;
    }
    ubrk_setUText(a->bi, a->ut, &st);
    if (U_FAILURE(st)) {
        snprintf(a->errmsg, sizeof a->errmsg, "ubrk_setUText: %s", u_errorName(st));
        return KOFTS_EICU;
    }
    a->text = text;
    a->len = (int32_t)len;
    a->cur = ubrk_first(a->bi);
    a->plain_end = 0;
    a->icu_until = -1;
    a->nla = 0;
    return 0;
}

/* The tokens of one word span text[s..e) (already normalised into a->norm) of class
 * cls, by mode. */
static int do_word(kofts_analyzer *a, kofts_mode mode, wclass cls, const char *text, size_t len,
                   size_t s, size_t e)
{
    if (mode == KOFTS_MODE_BIGRAM) {
        if (cls == W_HANGUL)
            return do_bigram_word(a, text, s, e);
        a->prev.cls = cls == W_NONE ? a->prev.cls : W_OTHER;
        return 0;
    }
    switch (cls) {
    case W_HANGUL:
        return do_hangul_word(a, text, s, e);
    case W_LATIN:
        return do_latin_word(a, text, s, e);
    case W_NUMBER:
        return do_number_word(a, text, len, s, e);
    case W_HAN:
        return do_han_word(a, text, s, e);
    case W_OTHER: {
        int rc = emit(a, a->norm.data, a->norm.len, s, e, 0, KOFTS_TOK_SURFACE);
        remember(a, W_OTHER, "", 0, s, e, 0);
        return rc;
    }
    case W_NONE:
        break;
    }
    return 0;
}

/* Every word span of text[0..len) through ICU: normalise, classify, close a run of Han
 * words when it ends, tokens by mode. */
static int run_words(kofts_analyzer *a, kofts_mode mode, const char *text, size_t len)
{
    int rc;
    span sp;
    while (next_word(a, text, len, &sp)) {
        int32_t s = sp.s, e = sp.e;
        if ((size_t)e > len)
            e = (int32_t)len;
        if ((rc = normalise(a, text, (size_t)s, (size_t)e)))
            return rc;
        wclass cls = classify(a->norm.data, a->norm.len, sp.status);
        if (!(cls == W_HAN && a->prev.cls == W_HAN && a->prev.end_off == (size_t)s) &&
            (rc = finish_han_run(a)))
            return rc;
        if ((rc = do_word(a, mode, cls, text, len, (size_t)s, (size_t)e)))
            return rc;
    }
    return mode != KOFTS_MODE_BIGRAM ? finish_han_run(a) : 0;
}

int kofts_analyzer_run(kofts_analyzer *a, kofts_mode mode, int flags, const char *text, size_t len,
                       kofts_token_cb cb, void *ctx)
{
    int rc;
    begin_run(a, flags, cb, ctx);
    if (len > 0 && text[0] == KOFTS_BIGRAM_MARK)
        mode = KOFTS_MODE_BIGRAM;
    if (len == 0)
        return 0;
    if (len > INT32_MAX) {
        snprintf(a->errmsg, sizeof a->errmsg, "text too long (%zu bytes)", len);
        return KOFTS_EINVAL;
    }
    if (mode == KOFTS_MODE_WORD && kofts_ko_is_hangul(text, len)) {
        /* One word of Hangul syllables (a query word, a snippet candidate): ICU would
         * return it as one span (UAX #29 WB5: letters stay together), so skip ICU. */
        if (!(rc = normalise(a, text, 0, len)))
            rc = do_hangul_word(a, text, 0, len);
    } else if (!(rc = start_icu(a, text, len))) {
        rc = run_words(a, mode, text, len);
    } else {
        return rc;
    }
    if (rc < 0 && !a->errmsg[0])
        snprintf(a->errmsg, sizeof a->errmsg, "%s", kofts_strerror(rc));
    return rc;
}
