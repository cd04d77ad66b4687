/*
 * kofts_korean.c - particle/ending stripping and noun decompounding.
 *
 * Stripping: a table of suffixes, longest first. Each has a condition on the
 * syllable before it (C: has a final consonant; V: has none; L: none or ㄹ;
 * N: has one that is not ㄹ; A: any) and a minimum stem length. The first suffix
 * that matches wins. Known nouns (kofts_lexicon) are never stripped, and a
 * one-syllable suffix needs a stem of >= 2 syllables, so 회의, 도로, 국가, 사과
 * stay whole. After a particle, a plural 들 is removed too (기업들이 -> 기업).
 * The suffix inventory follows the survey in ../shared/research/korean-analysis.md
 * (cross-checked there against hunspell-ko's particle classes).
 *
 * Decompounding: dynamic programming over the noun lexicon, fewest pieces first:
 * every piece is a known noun of >= 2 syllables, except that the last piece may be a
 * known one-syllable noun (과학기술정보통신|부), and, when no such split exists, the
 * first piece may be unknown (>= 2 syllables) if the rest are known nouns of >= 2
 * syllables (스케일업|밸리), or a one-syllable prefix may stand before one known noun of
 * >= 3 syllables (빅|데이터). A four-syllable piece made of two known two-syllable nouns
 * is split once more (기후변화|대응 -> 기후|변화|대응). Known nouns of <= 3 syllables are
 * never split (한반도, 어린이).
 */
#include "kofts_korean.h"

#include <pthread.h>
#include <string.h>

#include "kofts_lexicon.h"

enum { COND_A, COND_C, COND_V, COND_L, COND_N };

typedef struct {
    const char *s; /* suffix, UTF-8 */
    unsigned char cond;
    unsigned char min_stem; /* minimum stem syllables */
} suffix;

/* Longest first (by syllables); within a length, any order. */
static const suffix suffixes[] = {
    /* 4 syllables */
    {"으로부터", COND_C, 1},
    {"에서부터", COND_A, 1},
    {"으로서는", COND_C, 1},
    {"이었는데", COND_C, 1},
    {"하였으며", COND_A, 2},
    {"하겠다고", COND_A, 2},
    {"되었으며", COND_A, 2},
    {"하였는데", COND_A, 2},
    {"했으므로", COND_A, 2},
    /* 3 syllables */
    {"이었다", COND_C, 1},
    {"이라는", COND_C, 1},
    {"이라고", COND_C, 1},
    {"이라며", COND_C, 1},
    {"이라도", COND_C, 1},
    {"로부터", COND_L, 1},
    {"에서는", COND_A, 1},
    {"에서도", COND_A, 1},
    {"에서의", COND_A, 1},
    {"에서만", COND_A, 1},
    {"에게는", COND_A, 1},
    {"에게서", COND_A, 1},
    {"에게도", COND_A, 1},
    {"으로는", COND_C, 1},
    {"으로도", COND_C, 1},
    {"으로서", COND_C, 1},
    {"으로써", COND_C, 1},
    {"으로의", COND_C, 1},
    {"까지는", COND_A, 1},
    {"까지도", COND_A, 1},
    {"까지의", COND_A, 1},
    {"부터는", COND_A, 1},
    {"이라면", COND_C, 1},
    {"에서와", COND_A, 1},
    {"에서나", COND_A, 1},
    {"만으로", COND_A, 1},
    {"에서였다", COND_A, 1},
    {"했으며", COND_A, 2},
    {"하겠다", COND_A, 2},
    {"하였다", COND_A, 2},
    {"했다고", COND_A, 2},
    {"한다고", COND_A, 2},
    {"하기로", COND_A, 2},
    {"하도록", COND_A, 2},
    {"하면서", COND_A, 2},
    {"했지만", COND_A, 2},
    {"하였고", COND_A, 2},
    {"되었다", COND_A, 2},
    {"됐다고", COND_A, 2},
    {"된다고", COND_A, 2},
    {"되면서", COND_A, 2},
    {"되었고", COND_A, 2},
    {"시켰다", COND_A, 2},
    {"했는데", COND_A, 2},
    {"하는데", COND_A, 2},
    {"하려는", COND_A, 2},
    {"하였으나", COND_A, 2},
    {"했으나", COND_A, 2},
    {"하지만", COND_A, 2},
    {"했던", COND_A, 2},
    /* questions, polite and conditional endings, dictionary forms (v4) */
    {"하겠습니까", COND_A, 2},
    {"했습니까", COND_A, 2},
    {"했습니다", COND_A, 2},
    {"되었는지", COND_A, 2},
    {"됐습니다", COND_A, 2},
    {"시켰는지", COND_A, 2},
    {"했나요", COND_A, 2},
    {"합니다", COND_A, 2},
    {"합니까", COND_A, 2},
    {"할까요", COND_A, 2},
    {"하나요", COND_A, 2},
    {"했는지", COND_A, 2},
    {"하는지", COND_A, 2},
    {"한다면", COND_A, 2},
    {"했다면", COND_A, 2},
    {"하려면", COND_A, 2},
    {"했어요", COND_A, 2},
    {"했을까", COND_A, 2},
    {"됐나요", COND_A, 2},
    {"됩니다", COND_A, 2},
    {"됩니까", COND_A, 2},
    {"될까요", COND_A, 2},
    {"되나요", COND_A, 2},
    {"되는지", COND_A, 2},
    {"된다면", COND_A, 2},
    {"됐는지", COND_A, 2},
    {"됐다면", COND_A, 2},
    {"시킨다", COND_A, 2},
    {"시키다", COND_A, 2},
    {"시켰나", COND_A, 2},
    {"당했다", COND_A, 2},
    {"당한다", COND_A, 2},
    {"당하는", COND_A, 2},
    {"당하다", COND_A, 2},
    {"당했나", COND_A, 2},
    {"당하고", COND_A, 2},
    {"당해", COND_A, 2},
    {"당한", COND_A, 2},
    {"했나", COND_A, 2},
    {"할까", COND_A, 2},
    {"했죠", COND_A, 2},
    {"하죠", COND_A, 2},
    {"해요", COND_A, 2},
    {"됐나", COND_A, 2},
    {"돼요", COND_A, 2},
    {"될까", COND_A, 2},
    {"하다", COND_A, 2},
    {"되다", COND_A, 2},
    /* 2 syllables: particles */
    {"에서", COND_A, 1},
    {"에게", COND_A, 1},
    {"으로", COND_N, 1},
    {"까지", COND_A, 1},
    {"부터", COND_A, 1},
    {"에는", COND_A, 1},
    {"에도", COND_A, 1},
    {"에만", COND_A, 1},
    {"과의", COND_C, 1},
    {"와의", COND_V, 1},
    {"로는", COND_L, 1},
    {"로도", COND_L, 1},
    {"로서", COND_L, 1},
    {"로써", COND_L, 1},
    {"로의", COND_L, 1},
    {"보다", COND_A, 1},
    {"처럼", COND_A, 1},
    {"마다", COND_A, 1},
    {"만큼", COND_A, 1},
    {"이나", COND_C, 1},
    {"이며", COND_C, 1},
    {"이고", COND_C, 1},
    {"이다", COND_C, 1},
    {"라는", COND_V, 1},
    {"라고", COND_V, 1},
    {"였다", COND_V, 1},
    {"한테", COND_A, 1},
    {"께서", COND_A, 1},
    {"조차", COND_A, 1},
    {"밖에", COND_A, 1},
    {"이란", COND_C, 1},
    {"이자", COND_C, 1},
    {"들의", COND_A, 1},
    {"들이", COND_A, 1},
    {"들은", COND_A, 1},
    {"들을", COND_A, 1},
    {"들과", COND_A, 1},
    {"들에", COND_A, 1},
    {"들도", COND_A, 1},
    {"에선", COND_A, 1},
    /* 2 syllables: 하다/되다/시키다 endings on verbal nouns */
    {"하여", COND_A, 2},
    {"했다", COND_A, 2},
    {"했고", COND_A, 2},
    {"한다", COND_A, 2},
    {"하는", COND_A, 2},
    {"하고", COND_A, 2},
    {"하며", COND_A, 2},
    {"하기", COND_A, 2},
    {"해야", COND_A, 2},
    {"하면", COND_A, 2},
    {"해서", COND_A, 2},
    {"하지", COND_A, 2},
    {"했던", COND_A, 2},
    {"하던", COND_A, 2},
    {"하게", COND_A, 2},
    {"하자", COND_A, 2},
    {"된다", COND_A, 2},
    {"되는", COND_A, 2},
    {"되어", COND_A, 2},
    {"됐다", COND_A, 2},
    {"되고", COND_A, 2},
    {"되며", COND_A, 2},
    {"되기", COND_A, 2},
    {"되자", COND_A, 2},
    {"시켜", COND_A, 2},
    {"시킨", COND_A, 2},
    {"시키는", COND_A, 2},
    {"됐고", COND_A, 2},
    /* 1 syllable */
    {"의", COND_A, 2},
    {"을", COND_C, 2},
    {"를", COND_V, 2},
    {"이", COND_C, 2},
    {"가", COND_V, 2},
    {"은", COND_C, 2},
    {"는", COND_V, 2},
    {"에", COND_A, 2},
    {"로", COND_L, 2},
    {"와", COND_V, 2},
    {"과", COND_C, 2},
    {"도", COND_A, 2},
    {"만", COND_A, 2},
    {"한", COND_A, 2},
    {"할", COND_A, 2},
    {"함", COND_A, 2},
    {"된", COND_A, 2},
    {"될", COND_A, 2},
    {"됨", COND_A, 2},
    {"들", COND_A, 2},
};

static const char *const particles[] = {
    "의",   "을",   "를",   "이",   "가",   "은",     "는",     "에",     "로",     "와",
    "과",   "도",   "만",   "에서", "에게", "으로",   "까지",   "부터",   "에는",   "에도",
    "보다", "처럼", "이나", "이다", "이며", "에서는", "으로는", "에서도", "로부터", "으로부터",
};

#define NSUFFIX   (sizeof suffixes / sizeof suffixes[0])
#define NPARTICLE (sizeof particles / sizeof particles[0])

/* Suffix and particle lengths (syllables) and last syllables, computed once. */
static unsigned char suffix_len[NSUFFIX];
static unsigned char suffix_family[NSUFFIX]; /* KOFTS_KO_FAM_*, from family_of() */
_Static_assert(NSUFFIX < 256, "suffix indexes are stored in unsigned char");
static int suffix_last[NSUFFIX];
static unsigned char particle_len[NPARTICLE];
/* Suffixes bucketed by their last syllable (table order kept inside a bucket). */
#define NBUCKET    64
#define BUCKET_MAX NSUFFIX
static unsigned char bucket[NBUCKET][BUCKET_MAX];
static unsigned char bucket_n[NBUCKET];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static int syl(const char *w, size_t i);

/*
 * The verb a suffix conjugates, from its first syllables: 하/해/했/한/할/함/합 -> 하다,
 * 되/돼/됐/된/될/됨/됩 -> 되다, 시키/시켜/시켰/시킨/시킬 -> 시키다, 당하/당해/당했/당한 ->
 * 당하다. 한테 (a particle) is the one suffix that looks like a 하다 form and is not.
 */
static int family_of(const char *s)
{
    static const struct {
        const char *head;
        int fam;
    } heads[] = {
        {"시키", KOFTS_KO_FAM_SIKI}, {"시켜", KOFTS_KO_FAM_SIKI}, {"시켰", KOFTS_KO_FAM_SIKI},
        {"시킨", KOFTS_KO_FAM_SIKI}, {"시킬", KOFTS_KO_FAM_SIKI}, {"당하", KOFTS_KO_FAM_DANG},
        {"당해", KOFTS_KO_FAM_DANG}, {"당했", KOFTS_KO_FAM_DANG}, {"당한", KOFTS_KO_FAM_DANG},
        {"당할", KOFTS_KO_FAM_DANG}, {"하", KOFTS_KO_FAM_HA},     {"해", KOFTS_KO_FAM_HA},
        {"했", KOFTS_KO_FAM_HA},     {"한", KOFTS_KO_FAM_HA},     {"할", KOFTS_KO_FAM_HA},
        {"함", KOFTS_KO_FAM_HA},     {"합", KOFTS_KO_FAM_HA},     {"되", KOFTS_KO_FAM_DOE},
        {"돼", KOFTS_KO_FAM_DOE},    {"됐", KOFTS_KO_FAM_DOE},    {"된", KOFTS_KO_FAM_DOE},
        {"될", KOFTS_KO_FAM_DOE},    {"됨", KOFTS_KO_FAM_DOE},    {"됩", KOFTS_KO_FAM_DOE},
    };
    if (strcmp(s, "한테") == 0)
        return KOFTS_KO_FAM_NONE;
    for (size_t k = 0; k < sizeof heads / sizeof heads[0]; k++)
        if (strncmp(s, heads[k].head, strlen(heads[k].head)) == 0)
            return heads[k].fam;
    return KOFTS_KO_FAM_NONE;
}

const char *kofts_ko_family_verb(int family)
{
    switch (family) {
    case KOFTS_KO_FAM_HA:
        return "하다";
    case KOFTS_KO_FAM_DOE:
        return "되다";
    case KOFTS_KO_FAM_SIKI:
        return "시키다";
    case KOFTS_KO_FAM_DANG:
        return "당하다";
    default:
        return "";
    }
}

static void init_tables(void)
{
    for (size_t k = 0; k < NSUFFIX; k++) {
        size_t n = strlen(suffixes[k].s) / 3;
        suffix_family[k] = (unsigned char)family_of(suffixes[k].s);
        suffix_len[k] = (unsigned char)n;
        suffix_last[k] = syl(suffixes[k].s, n - 1);
        unsigned b = (unsigned)suffix_last[k] % NBUCKET;
        if (bucket_n[b] < BUCKET_MAX)
            bucket[b][bucket_n[b]++] = (unsigned char)k;
    }
    for (size_t k = 0; k < NPARTICLE; k++)
        particle_len[k] = (unsigned char)(strlen(particles[k]) / 3);
}

static int syl(const char *w, size_t i)
{
    const unsigned char *u = (const unsigned char *)w + 3 * i;
    return ((u[0] & 0x0F) << 12) | ((u[1] & 0x3F) << 6) | (u[2] & 0x3F);
}

int kofts_ko_is_hangul(const char *s, size_t n)
{
    if (n == 0 || n % 3)
        return 0;
    for (size_t i = 0; i < n; i += 3) {
        const unsigned char *u = (const unsigned char *)s + i;
        if (u[0] < 0xEA || u[0] > 0xED || (u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80)
            return 0;
        int cp = ((u[0] & 0x0F) << 12) | ((u[1] & 0x3F) << 6) | (u[2] & 0x3F);
        if (cp < 0xAC00 || cp > 0xD7A3)
            return 0;
    }
    return 1;
}

static int cond_ok(int cond, int prev)
{
    int jong = (prev - 0xAC00) % 28; /* 0: none; 8: ㄹ */
    switch (cond) {
    case COND_C:
        return jong != 0;
    case COND_V:
        return jong == 0;
    case COND_L:
        return jong == 0 || jong == 8;
    case COND_N:
        return jong != 0 && jong != 8;
    default:
        return 1;
    }
}

size_t kofts_ko_stem(const char *w, size_t nsyl, int *family)
{
    *family = KOFTS_KO_FAM_NONE;
    if (nsyl < 2 || nsyl > KOFTS_KO_MAX_SYL || kofts_lexicon_is_noun(w, 3 * nsyl))
        return nsyl;
    pthread_once(&tables_once, init_tables);
    size_t stem = nsyl;
    int last = syl(w, nsyl - 1);
    unsigned b = (unsigned)last % NBUCKET;
    for (size_t bi = 0; bi < bucket_n[b]; bi++) {
        size_t k = bucket[b][bi];
        const suffix *sf = &suffixes[k];
        size_t sl = suffix_len[k];
        if (suffix_last[k] != last || sl >= nsyl || nsyl - sl < sf->min_stem)
            continue;
        size_t rem = nsyl - sl;
        if (memcmp(w + 3 * rem, sf->s, 3 * sl) != 0)
            continue;
        if (!cond_ok(sf->cond, syl(w, rem - 1)))
            continue;
        /* 당하다 only after a known noun: 부적당한 is 부적당+한, not 부적+당한 */
        if (suffix_family[k] == KOFTS_KO_FAM_DANG && !kofts_lexicon_is_noun(w, 3 * rem))
            continue;
        stem = rem;
        *family = suffix_family[k];
        break;
    }
    /* plural 들 left in front of a particle: 기업들이 -> 기업들 -> 기업 */
    if (stem < nsyl && stem >= 3 && memcmp(w + 3 * (stem - 1), "들", 3) == 0 &&
        !kofts_lexicon_is_noun(w, 3 * stem))
        stem--;
    return stem;
}

int kofts_ko_is_particle(const char *w, size_t nsyl)
{
    pthread_once(&tables_once, init_tables);
    if (nsyl > 4)
        return 0;
    for (size_t k = 0; k < NPARTICLE; k++)
        if (particle_len[k] == nsyl && memcmp(particles[k], w, 3 * nsyl) == 0)
            return 1;
    return 0;
}

/* Memo of lexicon lookups for the pieces [j, i) of one word: 0 unknown, 1 no, 2 yes. */
typedef struct {
    const char *w;
    unsigned char known[KOFTS_KO_MAX_SYL + 1][KOFTS_KO_MAX_SYL + 1];
} piece_memo;

static int is_known(piece_memo *m, size_t j, size_t i)
{
    if (!m->known[j][i])
        m->known[j][i] = kofts_lexicon_is_noun(m->w + 3 * j, 3 * (i - j)) ? 2 : 1;
    return m->known[j][i] == 2;
}

/* Fewest-pieces split; allow_unknown_first lets piece 0 be an unknown >= 2 syllables. */
static size_t split(piece_memo *m, size_t n, int allow_unknown_first,
                    size_t starts[KOFTS_KO_MAX_PIECES])
{
    unsigned char best[KOFTS_KO_MAX_SYL + 1];
    unsigned char from[KOFTS_KO_MAX_SYL + 1];
    const unsigned char INF = 0xFF;
    memset(best, INF, sizeof best);
    best[0] = 0;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 0; j < i; j++) {
            if (best[j] == INF || best[j] + 1 >= best[i])
                continue;
            size_t len = i - j;
            if (j == 0 && i == n)
                continue; /* the whole word is not a split */
            int ok;
            if (len >= 2)
                ok = (allow_unknown_first && j == 0) || is_known(m, j, i);
            else /* a known one-syllable last piece, not after an unknown first piece */
                ok = i == n && j > 0 && !allow_unknown_first && is_known(m, j, i);
            if (!ok)
                continue;
            best[i] = (unsigned char)(best[j] + 1);
            from[i] = (unsigned char)j;
        }
    }
    if (best[n] == INF || best[n] < 2 || best[n] > KOFTS_KO_MAX_PIECES)
        return 0;
    size_t np = best[n];
    size_t i = n;
    for (size_t k = np; k > 0; k--) {
        starts[k - 1] = from[i];
        i = from[i];
    }
    return np;
}

/* Split a four-syllable piece [from, from+4) in two when both halves are known nouns
 * (기후변화 -> 기후|변화); insert the inner start. Longer pieces are left alone: their
 * fewest-pieces splits are too often wrong (정보통신부 -> 정보통|신부). */
static size_t refine(piece_memo *m, size_t from, size_t to, size_t *starts, size_t np)
{
    if (to - from != 4 || np >= KOFTS_KO_MAX_PIECES || !is_known(m, from, from + 2) ||
        !is_known(m, from + 2, to))
        return np;
    size_t at = from + 2, pos = np;
    while (pos > 0 && starts[pos - 1] > at)
        pos--;
    memmove(starts + pos + 1, starts + pos, (np - pos) * sizeof *starts);
    starts[pos] = at;
    return np + 1;
}

/* Is syllable 0 one of the prefixes in list (NUL-separated 3-byte syllables)? */
static int first_in(const char *w, const char *list)
{
    for (const char *p = list; *p; p += 3)
        if (memcmp(w, p, 3) == 0)
            return 1;
    return 0;
}

int kofts_ko_negating_prefix(const char *w)
{
    return first_in(w, "비탈반무불미몰");
}

/*
 * May the word be split after its first syllable? The rest must be a known noun. A
 * negating prefix never splits (비|대면, 탈|원전, 반|정부, 무|관심: a reader of 대면 does
 * not want its opposite; tested in tests/analyzer). Before a noun of >= 3 syllables any
 * other syllable may be a prefix (빅|데이터); before a two-syllable noun only the
 * productive prefixes 초-, 친-, 범- (초|대형, 친|환경, 범|정부), because a three-syllable
 * word read as prefix + noun is too often a word of its own (소비자 is not 소+비자).
 */
static int prefix_split(piece_memo *m, size_t nsyl)
{
    if (kofts_ko_negating_prefix(m->w) || !is_known(m, 1, nsyl))
        return 0;
    if (nsyl >= 4)
        return 1;
    return nsyl == 3 && first_in(m->w, "초친범");
}

size_t kofts_ko_decompound(const char *w, size_t nsyl, size_t starts[KOFTS_KO_MAX_PIECES])
{
    if (nsyl < 3 || nsyl > KOFTS_KO_MAX_SYL)
        return 0;
    if (nsyl <= 3 && kofts_lexicon_is_noun(w, 3 * nsyl)) {
        piece_memo pm;
        pm.w = w;
        memset(pm.known, 0, sizeof pm.known);
        if (nsyl < 3 || !prefix_split(&pm, nsyl))
            return 0;
        starts[0] = 0;
        starts[1] = 1;
        return 2;
    }
    piece_memo m;
    m.w = w;
    memset(m.known, 0, sizeof m.known);
    size_t np = split(&m, nsyl, 0, starts);
    if (np == 0 && nsyl >= 4)
        np = split(&m, nsyl, 1, starts);
    if (np == 0 && prefix_split(&m, nsyl)) {
        /* a one-syllable prefix before a known noun: 빅|데이터, 초|대형 */
        starts[0] = 0;
        starts[1] = 1;
        np = 2;
    }
    /* one more level inside long pieces: 기후변화|대응 -> 기후|변화|대응 */
    size_t n0 = np;
    for (size_t k = n0; k > 0; k--) {
        size_t from = starts[k - 1], to = k < n0 ? starts[k] : nsyl;
        np = refine(&m, from, to, starts, np);
    }
    return np;
}
