/*
 * kofts_morph.c - hunspell-ko lemmas (see kofts_morph.h).
 *
 * Hunspell_stem returns every dictionary reading of a word: for 가셨다 "가시다 갈다 가다
 * 가", for 정부로선 "정부". Readings ending in 다 are verb/adjective lemmas; a reading
 * that is a known noun and a proper prefix of the word is a noun + particle reading.
 * Anything else (one-syllable nouns, the copula) is dropped. Answers are kept in a
 * process-wide cache, so each distinct word is stemmed once per process.
 */
#include "kofts_morph.h"

#include <hunspell.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kofts_analyzer.h"
#include "kofts_lexicon.h"

#ifndef KOFTS_HUNSPELL_DIR
#define KOFTS_HUNSPELL_DIR "/usr/share/hunspell"
#endif

static Hunhandle *hs;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char source[512];

static void load(void)
{
    static const char *const names[] = {"ko_KR", "ko"};
    const char *dir = getenv("KOFTS_HUNSPELL_DIR");
    if (!dir || !*dir)
        dir = KOFTS_HUNSPELL_DIR;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        char aff[400], dic[400];
        snprintf(aff, sizeof aff, "%s/%s.aff", dir, names[k]);
        snprintf(dic, sizeof dic, "%s/%s.dic", dir, names[k]);
        if (access(aff, R_OK) != 0 || access(dic, R_OK) != 0)
            continue;
        hs = Hunspell_create(aff, dic);
        if (hs) {
            snprintf(source, sizeof source, "%s", aff);
            return;
        }
    }
    snprintf(source, sizeof source,
             "no hunspell-ko dictionary in %s (install hunspell-ko): verb lemmas are off", dir);
}

void kofts_morph_preload(void)
{
    pthread_once(&once, load);
}

int kofts_morph_available(void)
{
    pthread_once(&once, load);
    return hs != NULL;
}

const char *kofts_morph_source(void)
{
    pthread_once(&once, load);
    return source;
}

static int ends_with_da(const char *s, size_t n)
{
    return n >= 6 && memcmp(s + n - 3, "다", 3) == 0;
}

/* Lemmas that are pure grammar: the copula and the light verbs on their own. */
static int is_grammar_lemma(const char *s, size_t n)
{
    return n == 6 &&
           (memcmp(s, "이다", 6) == 0 || memcmp(s, "하다", 6) == 0 || memcmp(s, "되다", 6) == 0);
}

/* Add lemma s[0..n) to out unless present or full. */
static void add_lemma(kofts_morph_result *out, const char *s, size_t n)
{
    size_t used = 0;
    for (unsigned k = 0; k < out->nlemma; k++) {
        size_t l = strlen(out->lemmas + used);
        if (l == n && memcmp(out->lemmas + used, s, n) == 0)
            return;
        used += l + 1;
    }
    if (out->nlemma >= KOFTS_MORPH_MAX_LEMMAS || used + n + 1 > sizeof out->lemmas)
        return;
    memcpy(out->lemmas + used, s, n);
    out->lemmas[used + n] = '\0';
    out->nlemma++;
}

/*
 * The process-wide answer cache: open addressing, linear probing, emptied when 3/4
 * full. Shared by every analyzer (index workers, a server's requests), guarded by mu.
 *
 *   slots[i] = { hash (0 = empty), len, word[72], result }
 */
#define CACHE_SLOTS (1u << 18)
typedef struct {
    uint32_t hash;
    unsigned char len;
    char word[3 * 24];
    kofts_morph_result r;
} cache_slot;
static cache_slot *cache; /* calloc'ed on first use; pages are touched only as filled */
static size_t cache_used;

static uint32_t word_hash(const char *w, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h ? h : 1;
}

/* The slot for w (holding it, or the empty slot where it belongs), or NULL. */
static cache_slot *cache_find(const char *w, size_t n, uint32_t h)
{
    if (!cache && !(cache = calloc(CACHE_SLOTS, sizeof *cache)))
        return NULL;
    for (size_t i = h & (CACHE_SLOTS - 1);; i = (i + 1) & (CACHE_SLOTS - 1)) {
        cache_slot *c = &cache[i];
        if (!c->hash || (c->hash == h && c->len == n && memcmp(c->word, w, n) == 0))
            return c;
    }
}

int kofts_morph_analyze(const char *w, size_t n, kofts_morph_result *out)
{
    char word[3 * 24 + 1];
    memset(out, 0, sizeof *out);
    if (n == 0 || n % 3 || n > 3 * 24)
        return KOFTS_EINVAL;
    if (!kofts_morph_available())
        return 0;
    memcpy(word, w, n);
    word[n] = '\0';
    uint32_t h = word_hash(w, n);
    char **list = NULL;
    pthread_mutex_lock(&mu);
    cache_slot *c = cache_find(w, n, h);
    if (c && c->hash) {
        *out = c->r;
        pthread_mutex_unlock(&mu);
        return 0;
    }
    int ns = Hunspell_stem(hs, &list, word);
    for (int i = 0; i < ns; i++) {
        const char *st = list[i];
        size_t sl = strlen(st);
        if (sl % 3)
            continue;
        if (ends_with_da(st, sl) && !is_grammar_lemma(st, sl) && !kofts_lexicon_is_noun(st, sl))
            add_lemma(out, st, sl);
        else if (sl >= 6 && sl < n && memcmp(st, w, sl) == 0 && kofts_lexicon_is_noun(st, sl) &&
                 sl / 3 > out->noun)
            out->noun = (unsigned char)(sl / 3);
    }
    Hunspell_free_list(hs, &list, ns);
    if (c) {
        if (cache_used >= CACHE_SLOTS / 4 * 3) {
            memset(cache, 0, CACHE_SLOTS * sizeof *cache);
            cache_used = 0;
            c = cache_find(w, n, h);
        }
        c->hash = h;
        c->len = (unsigned char)n;
        memcpy(c->word, w, n);
        c->r = *out;
        cache_used++;
    }
    pthread_mutex_unlock(&mu);
    return 0;
}
