/*
 * test_morph_filter.c - the affix filter (analyzer/kofts_morph_filter.c) never changes a
 * hunspell answer: kofts_morph_analyze (cache + filter) must equal
 * kofts_morph_analyze_direct (hunspell every time) for every word.
 *
 * Case ids:
 *   F01-F09  words of every reading shape give the same answer with and without the filter
 *   F10      the filter lets through the words that have a kept reading (F01-F08), and
 *            skips the F09 words, which hunspell reads as nothing kept (so the test
 *            cannot pass with a filter that filters nothing)
 *   F11      words hunspell reads without compounds are answered by the exact path
 *            (analyzer/kofts_morph_exact.c) with hunspell's answer: lemma order (가셨다:
 *            가시다 갈다 가다), rule conditions (가기도, 달기도, 운영진, 계시지만: wrong
 *            roots when a condition is ignored), the inner rule's continuation class
 *            (진단으로, 분리되지, 뿌리에, 정상화되고), one-suffix readings before two-suffix
 *            ones (되감기니, 빼앗길, 파기하고); F12: compounds are left to hunspell
 *   F13      a made-up .aff/.dic (every syllable in ICONV/OCONV) checks what hunspell-ko
 *            does not show: the exact path's stem list equals Hunspell_stem's, or it
 *            leaves the word to hunspell, for forbidden / onlyincompound / needaffix roots,
 *            onlyincompound and needaffix in a suffix's continuation class, rules with the
 *            same append (the later .aff line first), shorter appends first, two suffixes,
 *            [set] and [^set] conditions
 *   F20-F25  .aff/.dic files breaking one assumption are refused, naming it
 *   F30      with FILE or FOLDER arguments: every distinct Hangul word (2-24 syllables,
 *            maximal runs of syllables in the bytes) of every file - a folder means its
 *            SUB/docs.jsonl and SUB/queries.tsv of each sub-folder SUB, as in
 *            ../shared/corpus - gives the same answer both ways, and every stem list
 *            the exact or compound path gives (filter or not) equals Hunspell_stem's,
 *            order included. A missing folder
 *            skips (exit 77).
 *
 * usage: test_analyzer_morph_filter [FILE|FOLDER]...
 */
#include <dirent.h>
#include <hunspell.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kofts_analyzer.h"
#include "kofts_lexicon.h"
#include "kofts_morph.h"
#include "kofts_morph_compound.h"
#include "kofts_morph_exact.h"
#include "kofts_morph_filter.h"
#include "kofts_util.h"
#include "../kofts_check.h"

static int same(const kofts_morph_result *a, const kofts_morph_result *b)
{
    return a->nlemma == b->nlemma && a->noun == b->noun &&
           memcmp(a->lemmas, b->lemmas, sizeof a->lemmas) == 0;
}

/* 1 if w[0..n) gets the same answer with and without the filter (prints the difference). */
static int compare(const char *id, const char *w, size_t n)
{
    kofts_morph_result a, b;
    kofts_morph_analyze(w, n, &a);
    kofts_morph_analyze_direct(w, n, &b);
    int ok = same(&a, &b);
    CHECK(id, ok, "[%.*s] filtered: %u lemma(s) '%s' noun %u; hunspell: %u lemma(s) '%s' noun %u",
          (int)n, w, a.nlemma, a.lemmas, a.noun, b.nlemma, b.lemmas, b.noun);
    return ok;
}

static const struct {
    const char *id, *word;
    int kept; /* 1: hunspell gives a kept reading (the filter must let it through) */
} words[] = {
    {"F01-lemma", "가벼운", 1},
    {"F02-irregular", "가셨다", 1},
    {"F03-two-suffixes", "가기도", 1},
    {"F04-compound-verb", "멈춰버리다", 1},
    {"F05-noun-particle", "정부로선", 1},
    {"F06-compound-prefix", "가게내의", 1},
    {"F07-noun-copula", "학생이었다", 1},
    {"F08-compound-noun", "가격상승이", 1},
    {"F09-nothing", "가게하시는분들도", 0},
    {"F09-nothing", "의정활동과", 0},
    {"F09-nothing", "장부확보", 0},
    {"F09-nothing", "녹색상품", 0},
};

static void known_words(const kofts_morph_filter *f)
{
    int passed = 0, skipped = 0;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        const char *w = words[i].word;
        compare(words[i].id, w, strlen(w));
        kofts_morph_result r;
        kofts_morph_analyze_direct(w, strlen(w), &r);
        int kept = r.nlemma || r.noun, may = kofts_morph_filter_may_keep(f, w, strlen(w));
        CHECK(words[i].id, kept == words[i].kept, "[%s] hunspell kept %d, the case says %d", w,
              kept, words[i].kept);
        CHECK("F10", may || !kept, "[%s] skipped although hunspell keeps a reading", w);
        passed += may && kept;
        skipped += !may && !kept;
    }
    CHECK("F10", passed == 8 && skipped == 4, "filter let %d kept words through, skipped %d",
          passed, skipped);
}

/* The last three: one-suffix readings come before two-suffix ones (되감기니 is 되감기다,
 * 되감기 + 니, before 되감다). */
static const char *const exact_words[] = {
    "가벼운",   "가셨다", "가기도",     "달기도",   "운영진", "계시지만", "진단으로",
    "분리되지", "뿌리에", "정상화되고", "되감기니", "빼앗길", "파기하고",
};
static const char *const compound_words[] = {"가게내의", "가격상승이"};

/* Case id: word w is (want 1) or is not (want 0) answered by the exact path, and
 * kofts_morph's answer equals hunspell's either way. */
static void exact_case(const kofts_morph_filter *f, const char *id, const char *w, int want,
                       const char *why)
{
    kofts_morph_stems st;
    CHECK(id, kofts_morph_exact_stems(f, w, strlen(w), &st) == want, "[%s] %s", w, why);
    compare(id, w, strlen(w));
}

static void exact_path(const kofts_morph_filter *f)
{
    for (size_t i = 0; i < sizeof exact_words / sizeof exact_words[0]; i++)
        exact_case(f, "F11", exact_words[i], 1, "not answered by the exact path");
    for (size_t i = 0; i < sizeof compound_words / sizeof compound_words[0]; i++)
        exact_case(f, "F12", compound_words[i], 0,
                   "answered by the exact path (hunspell reads it as a compound)");
}

/* Write text to dir/name; returns the path (static buffer per slot). */
static const char *write_file(const char *dir, const char *name, const char *text, int slot)
{
    static char paths[2][512];
    snprintf(paths[slot], sizeof paths[slot], "%s/%s", dir, name);
    FILE *fp = fopen(paths[slot], "w");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
    return paths[slot];
}

static void refusals(void)
{
    static const struct {
        const char *id, *aff, *why;
    } bad[] = {
        {"F20-pfx", "SET UTF-8\nFLAG num\nAF 1\nAF 1\nPFX 1 Y 1\nPFX 1 0 x .\n",
         "keyword the filter does not model: PFX"},
        {"F21-compoundflag", "SET UTF-8\nFLAG num\nAF 1\nAF 1\nCOMPOUNDFLAG 1\n",
         "keyword the filter does not model: COMPOUNDFLAG"},
        {"F22-morph", "SET UTF-8\nFLAG num\nAF 1\nAF 1\nSFX 1 Y 1\nSFX 1 0 x . po:noun\n",
         "SFX entry with morphological fields: 1"},
        {"F23-iconv", "SET UTF-8\nFLAG num\nICONV 1\nICONV 가 ᄀ\nAF 1\nAF 1\n",
         "ICONV is not syllable -> jamo: 가"},
        {"F24-flag", "SET UTF-8\nFLAG long\n", "FLAG is not num"},
    };
    char dir[] = "/tmp/kofts-morph-filter-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK("F20", 0, "cannot make a temporary folder");
        return;
    }
    const char *dic = write_file(dir, "t.dic", "1\n가다/1\n", 1);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kofts_morph_filter *f = NULL;
        char why[200];
        int rc = kofts_morph_filter_load(&f, write_file(dir, "t.aff", bad[i].aff, 0), dic, why,
                                         sizeof why);
        CHECK(bad[i].id, rc == KOFTS_EINVAL && !f && strcmp(why, bad[i].why) == 0,
              "rc %d, why '%s', expected '%s'", rc, why, bad[i].why);
        kofts_morph_filter_free(f);
    }
    kofts_morph_filter *f = NULL;
    char why[200];
    int rc = kofts_morph_filter_load(&f, "/nonexistent/x.aff", dic, why, sizeof why);
    CHECK("F25-missing",
          rc == KOFTS_EIO && !f && strcmp(why, "cannot read /nonexistent/x.aff") == 0,
          "rc %d, why '%s'", rc, why);
    unlink(write_file(dir, "t.aff", "", 0));
    unlink(dic);
    rmdir(dir);
}

/* ---- F13: a made-up dictionary ---------------------------------------------------------- */

/* s with every Hangul syllable written as its conjoining jamo (other bytes kept). */
static const char *jamo(const char *s)
{
    static char out[4][512];
    static int slot;
    char *o = out[slot++ % 4];
    size_t n = strlen(s), k = 0;
    for (size_t i = 0, adv; i < n && k + 12 < sizeof out[0]; i += adv) {
        int32_t cp = kofts_utf8_decode(s, n, i, &adv);
        if (cp < 0xAC00 || cp > 0xD7A3) {
            memcpy(o + k, s + i, adv);
            k += adv;
            continue;
        }
        int32_t v = cp - 0xAC00;
        k += kofts_utf8_encode(0x1100 + v / (21 * 28), o + k);
        k += kofts_utf8_encode(0x1161 + v % (21 * 28) / 28, o + k);
        if (v % 28)
            k += kofts_utf8_encode(0x11A7 + v % 28, o + k);
    }
    o[k] = '\0';
    return o;
}

static void write_sfx(FILE *fp, const char *const *sfx, size_t n);
static void write_conv(FILE *fp);

/* The made-up .aff: flags 1 onlyincompound, 9 needaffix, 15 forbidden; AF aliases
 * 1 {15} 2 {1} 3 {9,10} 4 {12} 5 {13} 6 {14,17} 7 {16} 8 {20} 9 {21} 10 {22,23}
 * 11 {10} 12 {9}. Strips, appends and conditions are written in syllables or jamo. */
static void write_made_up_aff(FILE *fp)
{
    fputs("SET UTF-8\nFLAG num\nFORBIDDENWORD 15\nONLYINCOMPOUND 1\nNEEDAFFIX 9\n", fp);
    fputs("AF 12\nAF 15\nAF 1\nAF 9,10\nAF 12\nAF 13\nAF 14,17\nAF 16\nAF 20\nAF 21\n"
          "AF 22,23\nAF 10\nAF 9\n",
          fp);
    static const char *const sfx[] = {
        "10 0 요 .",             /* 하늘요: a needaffix root with a suffix */
        "12 0 네/2 .",           /* cont {1}: onlyincompound, never outside compounds */
        "13 0 께/12 .",          /* cont {9}: needaffix, not as the only suffix */
        "14 0 고 .",             /* 가고 -> 가 ... */
        "16 다 고 .",            /* ... and 가다 (same append, later line: listed first) */
        "17 0 고요 .",           /* 가고요 -> 가, listed after 가고 (요 is shorter) */
        "20 0 들/9 .",           /* 학교들은: inner 들 ... */
        "21 0 은 .",             /* ... outer 은 (21 is in 들's continuation class) */
        "22 0 \u11ab [\u1161]",  /* 반 <- 바 (ends in ㅏ); not 번 <- 버 */
        "23 0 \u11af [^\u1161]", /* 벌 <- 버; not 발 <- 바 */
    };
    write_sfx(fp, sfx, sizeof sfx / sizeof sfx[0]);
    write_conv(fp);
}

/* One-line SFX tables, "flag strip append[/alias] condition" each, in jamo. */
static void write_sfx(FILE *fp, const char *const *sfx, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char flag[8];
        snprintf(flag, sizeof flag, "%.*s", (int)strcspn(sfx[i], " "), sfx[i]);
        fprintf(fp, "SFX %s Y 1\nSFX %s\n", flag, jamo(sfx[i]));
    }
}

/* ICONV and OCONV: every syllable to its jamo and back. */
static void write_conv(FILE *fp)
{
    for (int k = 0; k < 2; k++) {
        fprintf(fp, "%s 11172\n", k ? "OCONV" : "ICONV");
        for (int32_t cp = 0xAC00; cp <= 0xD7A3; cp++) {
            char syl[8];
            syl[kofts_utf8_encode(cp, syl)] = '\0';
            fprintf(fp, k ? "OCONV %s %s\n" : "ICONV %s %s\n", k ? jamo(syl) : syl,
                    k ? syl : jamo(syl));
        }
    }
}
static const char made_up_dic[] = "11\n나무/1\n바다/2\n하늘/3\n사과/4\n포도/5\n가/6\n가다/7\n"
                                  "가고/11\n학교/8\n바/10\n버/10\n";

static const struct {
    const char *word, *stems; /* hunspell's list, space-separated; NULL: left to hunspell */
} made_up_words[] = {
    {"나무", NULL},           /* forbidden root: no reading */
    {"바다", NULL},           /* onlyincompound root */
    {"하늘", NULL},           /* needaffix root */
    {"하늘요", "하늘"},       /* ... with a suffix */
    {"사과네", NULL},         /* suffix with onlyincompound in its continuation class */
    {"포도께", NULL},         /* suffix with needaffix in it, as the only suffix */
    {"가고", "가고 가다 가"}, /* itself, then same append: the later .aff line first */
    {"가고요", "가고 가"},    /* shorter append first */
    {"학교들", "학교"},       /* one suffix */
    {"학교들은", "학교"},     /* two suffixes */
    {"반", "바"},             /* [ㅏ] met */
    {"번", NULL},             /* [ㅏ] not met */
    {"벌", "버"},             /* [^ㅏ] met */
    {"발", NULL},             /* [^ㅏ] not met */
};

/* Hunspell_stem's list for w, blank-separated, into got[0..cap). */
static void hunspell_list(Hunhandle *h, const char *w, char *got, size_t cap)
{
    char **list = NULL;
    int ns = Hunspell_stem(h, &list, w);
    got[0] = '\0';
    for (int k = 0; k < ns; k++)
        snprintf(got + strlen(got), cap - strlen(got), "%s%s", k ? " " : "", list[k]);
    Hunspell_free_list(h, &list, ns);
}

/* The stems of st, blank-separated, into out[0..cap). */
static void stems_list(const kofts_morph_stems *st, char *out, size_t cap)
{
    out[0] = '\0';
    for (int k = 0; k < st->n; k++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%.*s", k ? " " : "", st->len[k],
                 st->buf + st->off[k]);
}

/* Check one made-up word: hunspell's list, and the exact path's answer. */
static void made_up_word(Hunhandle *h, const kofts_morph_filter *f, size_t i)
{
    const char *w = made_up_words[i].word, *want = made_up_words[i].stems;
    char got[256], ex[256] = "";
    hunspell_list(h, w, got, sizeof got);
    kofts_morph_stems st;
    int answered = kofts_morph_exact_stems(f, w, strlen(w), &st);
    if (answered)
        stems_list(&st, ex, sizeof ex);
    CHECK("F13", strcmp(got, want ? want : "") == 0, "[%s] hunspell '%s', the case says '%s'", w,
          got, want ? want : "");
    CHECK("F13", answered == (want != NULL) && (!answered || strcmp(ex, got) == 0),
          "[%s] exact path %s '%s', hunspell '%s'", w, answered ? "answered" : "left it", ex, got);
}

/* Write a made-up .aff (by write_aff) and .dic (dic_text in syllables); 0 or -1. */
static int write_made_up(const char *aff, const char *dic, void (*write_aff)(FILE *),
                         const char *dic_text)
{
    FILE *fa = fopen(aff, "w"), *fd = fopen(dic, "w");
    if (fa)
        write_aff(fa);
    for (const char *p = dic_text; fd && *p; p += strcspn(p, "\n") + 1) {
        char line[64];
        snprintf(line, sizeof line, "%.*s", (int)strcspn(p, "\n"), p);
        fprintf(fd, "%s\n", jamo(line));
    }
    int ok = fa && fd;
    if (fa)
        fclose(fa);
    if (fd)
        fclose(fd);
    return ok ? 0 : -1;
}

/* A made-up .aff/.dic in a temporary folder, loaded by hunspell and by kofts's filter. */
typedef struct {
    char dir[64], aff[600], dic[600];
    Hunhandle *h;
    kofts_morph_filter *f;
} made_up_files;

/* Write and load m's files (id names the check): 0, or -1 after a failed CHECK. note says
 * why kofts's path would not answer with these files ("" when it would). */
static int made_up_open(made_up_files *m, const char *id, const char *tmpl,
                        void (*write_aff)(FILE *), const char *dic,
                        const char *(*note)(const kofts_morph_filter *))
{
    char why[200] = "";
    memset(m, 0, sizeof *m);
    snprintf(m->dir, sizeof m->dir, "%s", tmpl);
    if (!mkdtemp(m->dir)) {
        m->dir[0] = '\0';
        CHECK(id, 0, "cannot make a temporary folder");
        return -1;
    }
    snprintf(m->aff, sizeof m->aff, "%s/t.aff", m->dir);
    snprintf(m->dic, sizeof m->dic, "%s/t.dic", m->dir);
    m->h =
        write_made_up(m->aff, m->dic, write_aff, dic) == 0 ? Hunspell_create(m->aff, m->dic) : NULL;
    int rc = m->h ? kofts_morph_filter_load(&m->f, m->aff, m->dic, why, sizeof why) : -1;
    CHECK(id, rc == 0 && !*note(m->f), "made-up files not loaded: %s %s", why,
          m->f ? note(m->f) : "");
    return rc == 0 ? 0 : -1;
}

static void made_up_close(made_up_files *m)
{
    if (m->h)
        Hunspell_destroy(m->h);
    kofts_morph_filter_free(m->f);
    if (m->dir[0]) {
        unlink(m->aff);
        unlink(m->dic);
        rmdir(m->dir);
    }
}

static void made_up(void)
{
    made_up_files m;
    int rc = made_up_open(&m, "F13", "/tmp/kofts-morph-exact-XXXXXX", write_made_up_aff,
                          made_up_dic, kofts_morph_exact_note);
    for (size_t i = 0; rc == 0 && i < sizeof made_up_words / sizeof made_up_words[0]; i++)
        made_up_word(m.h, m.f, i);
    made_up_close(&m);
}

/* ---- F14: made-up compounds ------------------------------------------------------------ */

/* Flags 1 onlyincompound, 15 forbidden; COMPOUNDMIN absent (hunspell's 3 characters).
 * AF aliases 1 {15} 2 {1} 3 {20} 4 {21} 5 {22} 6 {23} 7 {30} 8 {15,20} 9 {20,30}
 * 10 {1,30} 11 {15,30} 12 {15,20,30} 13 {35} 14 {36} 15 {37} 16 {32}. */
static void write_compound_aff(FILE *fp)
{
    fputs("SET UTF-8\nFLAG num\nFORBIDDENWORD 15\nONLYINCOMPOUND 1\n"
          "COMPOUNDRULE 3\nCOMPOUNDRULE (20)*(20)\nCOMPOUNDRULE (20)*(20)(21)\n"
          "COMPOUNDRULE (22)?(23)\n",
          fp);
    fputs("AF 16\nAF 15\nAF 1\nAF 20\nAF 21\nAF 22\nAF 23\nAF 30\nAF 15,20\nAF 20,30\n"
          "AF 1,30\nAF 15,30\nAF 15,20,30\nAF 35\nAF 36\nAF 37\nAF 32\n",
          fp);
    static const char *const sfx[] = {
        "30 0 들 .",    /* the affixed last part: 바다들, 학교들 */
        "32 0 네/2 .",  /* cont {1}: skipped at a compound's end */
        "35 0 비들 .",  /* 나비들 -> 나, after 나비 + 들 (shorter append first) */
        "36 0 님/15 .", /* 선생님은: inner 님 ... */
        "37 0 은 .",    /* ... outer 은 */
    };
    write_sfx(fp, sfx, sizeof sfx / sizeof sfx[0]);
    write_conv(fp);
}
static const char compound_dic[] =
    "31\n사과/3\n나무/3\n솔/5\n섬/6\n밤/4\n바다/7\n학교/9\n나비/11\n나방/12\n포도/8\n감/1\n"
    "감/3\n귤/8\n귤/3\n강/3\n강낭/3\n낭당/3\n들/3\n당/7\n곰/3\n곰솥/3\n솥밥/7\n밥/3\n"
    "벌레/16\n벌집/10\n선생/14\n나/13\n가/3\n너/3\n";

static const struct {
    const char *id, *word, *stems; /* hunspell's stem list, space-separated */
} compound_words_made_up[] = {
    {"F14-root-end", "사과나무", "사과나무"},      /* (20)(20): the rest is a whole root */
    {"F14-opt", "솔섬", "솔섬"},                   /* (22)?(23) */
    {"F14-order", "섬솔", ""},
    {"F14-first-fit", "바다학교들", ""}, /* 바다 {30} begins no pattern: no line, although
                                            학교들 is an affixed end */                     /* (23) cannot begin a pattern */
    {"F14-opt-once", "솔솔섬", ""},                /* '?' takes at most one part */
    {"F14-whole", "솔솔", ""},                     /* 솔 + 솔 begins (22)?(23), never ends it */
    {"F14-backtrack", "사과나무밤", "사과나무밤"}, /* (20)*(20)(21): the star gives one back */
    {"F14-affixed", "사과학교들", "사과"},         /* affixed end fitting (20)(20) */
    {"F14-affixed-nofit", "사과바다들", "사과"},   /* affixed end {30}: the line all the same */
    {"F14-forbidden-end", "사과나비들", ""},       /* forbidden affixed end, no fit: nothing, and
                                                      나 + 비들 (a longer append) is never tried */
    {"F14-forbidden-fit", "사과나방들", "사과"},   /* forbidden affixed end that fits: one line */
    {"F14-forbidden-first", "포도사과", ""},       /* a forbidden first part is skipped */
    {"F14-homonym", "감사과", "감사과"},           /* 감 {15} does not fit, 감 {20} does */
    {"F14-homonym-first", "귤사과", ""},           /* 귤 {15,20} fits first: forbidden, no other */
    {"F14-return", "강낭당들", "강낭당들 강낭"},   /* 강 + (낭당 + 들) returns one level only */
    {"F14-ok", "곰솥밥들", "곰"},           /* after a line, no deeper search (곰솥+밥+들) */
    {"F14-oic-rule", "사과벌레네", ""},     /* a rule whose class has onlyincompound */
    {"F14-oic-root", "사과벌집들", "사과"}, /* an onlyincompound root may end a compound */
    {"F14-two-suffixes", "사과선생님은", "사과"}, /* 선생 + 님 + 은 */
    {"F14-cpdmin", "가너", ""},                   /* 가 and 너 are shorter than COMPOUNDMIN 3 */
};

/* Check one made-up compound: hunspell's list, and the compound path's. */
static void compound_case(Hunhandle *h, const kofts_morph_filter *f, size_t i)
{
    const char *id = compound_words_made_up[i].id, *w = compound_words_made_up[i].word;
    char got[256], ex[256] = "";
    hunspell_list(h, w, got, sizeof got);
    kofts_morph_stems st;
    int kind = kofts_morph_exact_word(f, w, strlen(w), &st);
    int answered =
        kind == KOFTS_MORPH_EXACT_COMPOUND && kofts_morph_compound_stems(f, w, strlen(w), &st);
    if (answered)
        stems_list(&st, ex, sizeof ex);
    CHECK(id, strcmp(got, compound_words_made_up[i].stems) == 0,
          "[%s] hunspell '%s', the case says '%s'", w, got, compound_words_made_up[i].stems);
    CHECK(id, answered && strcmp(ex, got) == 0, "[%s] compound path %s '%s', hunspell '%s'", w,
          answered ? "answered" : "left it", ex, got);
}

static void made_up_compounds(void)
{
    made_up_files m;
    int rc = made_up_open(&m, "F14", "/tmp/kofts-morph-compound-XXXXXX", write_compound_aff,
                          compound_dic, kofts_morph_compound_note);
    const kofts_morph_filter *f = m.f;
    for (size_t i = 0;
         rc == 0 && i < sizeof compound_words_made_up / sizeof compound_words_made_up[0]; i++)
        compound_case(m.h, f, i);
    /* F14-budget: a search longer than its budget is left to hunspell */
    kofts_morph_stems st;
    long steps = 0;
    const char *w = "사과나무밤";
    CHECK("F14-budget",
          rc == 0 && kofts_morph_compound_run(f, w, strlen(w), 1000, &st, &steps) == 1 &&
              steps > 3 && kofts_morph_compound_run(f, w, strlen(w), 3, &st, &steps) == 0,
          "a search over its budget was not left to hunspell (%ld steps)", steps);
    made_up_close(&m);
}

/* ---- F30: every distinct Hangul word of some files ----------------------------------- */

typedef struct {
    char **w;
    size_t mask, n;
    long words, skipped, exact, compound, hunspell, differ, lists_differ;
    long max_steps; /* the longest compound search */
    Hunhandle *h;   /* hunspell for the stem lists */
} wordset;

static int add_word(wordset *s, const char *w, size_t n)
{
    uint64_t h = kofts_fnv1a64(w, n);
    if (2 * (s->n + 1) > s->mask + 1) {
        size_t cap = s->w ? 2 * (s->mask + 1) : 1 << 16;
        char **nw = calloc(cap, sizeof *nw);
        if (!nw)
            return -1;
        for (size_t i = 0; s->w && i <= s->mask; i++)
            if (s->w[i]) {
                size_t j = kofts_fnv1a64(s->w[i], strlen(s->w[i])) & (cap - 1);
                while (nw[j])
                    j = (j + 1) & (cap - 1);
                nw[j] = s->w[i];
            }
        free(s->w);
        s->w = nw;
        s->mask = cap - 1;
    }
    size_t i = h & s->mask;
    for (; s->w[i]; i = (i + 1) & s->mask)
        if (strlen(s->w[i]) == n && memcmp(s->w[i], w, n) == 0)
            return 0;
    if (!(s->w[i] = strndup(w, n)))
        return -1;
    s->n++;
    return 0;
}

/* Add every maximal run of 2..24 Hangul syllables in path's bytes. */
static int scan_file(wordset *s, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        printf("FAIL F30: cannot read %s\n", path);
        return -1;
    }
    char line[1 << 16];
    while (fgets(line, sizeof line, fp)) {
        size_t n = strlen(line), run = 0, nsyl = 0;
        for (size_t i = 0, adv; i <= n; i += adv) {
            int32_t cp = i < n ? kofts_utf8_decode(line, n, i, &adv) : (adv = 1, -1);
            if (cp >= 0xAC00 && cp <= 0xD7A3) {
                if (!nsyl++)
                    run = i;
                continue;
            }
            if (nsyl >= 2 && nsyl <= 24 && add_word(s, line + run, i - run))
                return -1;
            nsyl = 0;
        }
    }
    fclose(fp);
    return 0;
}

/* FOLDER: SUB/docs.jsonl and SUB/queries.tsv of its sub-folders; FILE: itself. 77 when
 * the argument is missing. */
static int scan_arg(wordset *s, const char *arg)
{
    struct stat st;
    if (stat(arg, &st) != 0)
        return 77;
    if (!S_ISDIR(st.st_mode))
        return scan_file(s, arg);
    DIR *d = opendir(arg);
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && d && (de = readdir(d))) {
        static const char *const names[] = {"docs.jsonl", "queries.tsv"};
        for (size_t k = 0; k < 2 && rc == 0 && de->d_name[0] != '.'; k++) {
            char p[1024];
            snprintf(p, sizeof p, "%s/%s/%s", arg, de->d_name, names[k]);
            if (access(p, R_OK) == 0)
                rc = scan_file(s, p);
        }
    }
    if (d)
        closedir(d);
    return rc;
}

/* 1 if st is Hunspell_stem's list for w (same stems, same order); prints it if not. */
static int same_list(Hunhandle *h, const char *w, const kofts_morph_stems *st)
{
    char got[2048], ex[2048];
    hunspell_list(h, w, got, sizeof got);
    stems_list(st, ex, sizeof ex);
    CHECK("F30", strcmp(got, ex) == 0, "[%s] stem list '%s', hunspell '%s'", w, ex, got);
    return strcmp(got, ex) == 0;
}

static void compare_all(wordset *s, const kofts_morph_filter *f)
{
    for (size_t i = 0; i <= s->mask; i++) {
        if (!s->w[i])
            continue;
        size_t n = strlen(s->w[i]);
        s->words++;
        kofts_morph_stems st;
        int may = kofts_morph_filter_may_keep(f, s->w[i], n);
        s->skipped += !may;
        int rc = kofts_morph_exact_word(f, s->w[i], n, &st), listed = 1; /* filter or not */
        s->exact += rc == KOFTS_MORPH_EXACT_ANSWERED;
        long steps = 0;
        if (rc == KOFTS_MORPH_EXACT_COMPOUND &&
            kofts_morph_compound_run(f, s->w[i], n, KOFTS_MORPH_COMPOUND_BUDGET, &st, &steps))
            s->compound++;
        else if (rc != KOFTS_MORPH_EXACT_ANSWERED) {
            s->hunspell++;
            listed = 0;
        }
        if (steps > s->max_steps)
            s->max_steps = steps;
        if (listed && s->h && !same_list(s->h, s->w[i], &st) && ++s->lists_differ >= 20)
            return;
        if (!compare("F30", s->w[i], n) && ++s->differ >= 20)
            return;
    }
}

int main(int argc, char **argv)
{
    if (!kofts_morph_available()) {
        printf("skip: %s\n", kofts_morph_source());
        return 77;
    }
    if (*kofts_morph_filter_note()) {
        printf("FAIL F00: the filter is %s\n", kofts_morph_filter_note());
        return 1;
    }
    const char *ex = getenv("KOFTS_MORPH_EXACT");
    if (*kofts_morph_exact_status() && !(ex && strcmp(ex, "0") == 0)) {
        printf("FAIL F00: the exact path is %s\n", kofts_morph_exact_status());
        return 1;
    }
    kofts_lexicon_init();
    char aff[512], dic[512], why[200];
    snprintf(aff, sizeof aff, "%s", kofts_morph_source());
    snprintf(dic, sizeof dic, "%.*s.dic", (int)(strlen(aff) - 4), aff);
    kofts_morph_filter *f = NULL;
    if (kofts_morph_filter_load(&f, aff, dic, why, sizeof why) != 0) {
        printf("FAIL F00: %s\n", why);
        return 1;
    }
    known_words(f);
    exact_path(f);
    made_up();
    made_up_compounds();
    refusals();
    wordset s = {0};
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++)
        if ((rc = scan_arg(&s, argv[i])) == 77)
            printf("skip: %s is missing\n", argv[i]);
    if (rc == 0 && s.n) {
        s.h = Hunspell_create(aff, dic);
        compare_all(&s, f);
        if (s.h)
            Hunspell_destroy(s.h);
        printf("F30: %ld distinct words compared, %ld skipped by the filter, %ld differ; stem "
               "lists of all words: %ld from the exact path, %ld from the compound path, %ld left "
               "to hunspell, %ld differ from Hunspell_stem's; longest compound search %ld steps\n",
               s.words, s.skipped, s.differ, s.exact, s.compound, s.hunspell, s.lists_differ,
               s.max_steps);
    }
    for (size_t i = 0; s.w && i <= s.mask; i++)
        free(s.w[i]);
    free(s.w);
    kofts_morph_filter_free(f);
    printf("%d failure(s)\n", kofts_check_failures);
    if (rc == 77 && !kofts_check_failures)
        return 77;
    return kofts_check_failures != 0 || rc != 0;
}
