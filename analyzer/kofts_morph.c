/*
 * kofts_morph.c - hunspell-ko lemmas (see kofts_morph.h).
 *
 * Hunspell_stem returns every dictionary reading of a word: for 가셨다 "가시다 갈다 가다
 * 가", for 정부로선 "정부". Readings ending in 다 are verb/adjective lemmas; a reading
 * that is a known noun and a proper prefix of the word is a noun + particle reading.
 * Anything else (one-syllable nouns, the copula) is dropped. Answers are kept in a
 * process-wide cache, so each distinct word is stemmed once per process.
 *
 * Threads: libhunspell keeps per-call state in its handle, so a handle serves one
 * caller at a time. The process keeps a small pool of handles (one per core, at most
 * MAX_HANDLES), each behind its own mutex: a caller takes any free handle, and when
 * all are busy and the pool is not full it loads one more (about 0.4 s and 55 MB).
 * A single-threaded program never loads more than one. The answer cache has a lock of
 * its own that is never held while hunspell runs.
 *
 * When the affix filter, the exact path and the compound path all work for the
 * dictionary, hunspell answers only the rare words they leave to it: the first handle is
 * then loaded by the first such word, not at start (a build whose words never need it
 * never pays Hunspell_create).
 */
#include "kofts_morph.h"

#include <hunspell.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kofts_analyzer.h"
#include "kofts_lexicon.h"
#include "kofts_morph_compound.h"
#include "kofts_morph_exact.h"
#include "kofts_morph_filter.h"

#ifndef KOFTS_HUNSPELL_DIR
#define KOFTS_HUNSPELL_DIR "/usr/share/hunspell"
#endif

#define MAX_HANDLES 4

typedef struct {
    pthread_mutex_t mu; /* held while the handle answers a call */
    Hunhandle *h;       /* set once, before the slot is published through npool */
} handle_slot;

static handle_slot pool[MAX_HANDLES] = {
    {PTHREAD_MUTEX_INITIALIZER, NULL},
    {PTHREAD_MUTEX_INITIALIZER, NULL},
    {PTHREAD_MUTEX_INITIALIZER, NULL},
    {PTHREAD_MUTEX_INITIALIZER, NULL},
};
static atomic_int npool;                                    /* published handles */
static atomic_int create_failed;                            /* Hunspell_create said no */
static int dict_ok;                                         /* set once by load() */
static int max_handles = 1;                                 /* set by load() */
static pthread_mutex_t grow_mu = PTHREAD_MUTEX_INITIALIZER; /* serialises loading */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char aff_path[400], dic_path[400];
static char source[512];
static kofts_morph_filter *filter; /* NULL: every word goes to hunspell */
static char filter_note[640];      /* why there is no filter, or "" */
static int exact_on;               /* kofts_morph_exact answers words without compounds */
static char exact_note[640];       /* why it does not, or "" */
static int compound_on;            /* kofts_morph_compound answers compounds */
static char compound_note[640];    /* why it does not, or "" */

/* 1 if a path built on the affix filter is on; else 0 with the reason in note: the path
 * it builds on is off (base_off says which), var is "0" in the environment, or the filter
 * says why it cannot take the path (why, "" when it can). */
static int path_on(int base_on, const char *base_off, const char *var, const char *why, char *note,
                   size_t cap)
{
    const char *env = getenv(var);
    if (!base_on)
        snprintf(note, cap, "off (%s)", base_off);
    else if (env && strcmp(env, "0") == 0)
        snprintf(note, cap, "off (%s=0)", var);
    else if (*why)
        snprintf(note, cap, "off (%s: %s)", aff_path, why);
    else
        return 1;
    return 0;
}

/* Load the affix filter for the dictionary just opened, unless KOFTS_MORPH_FILTER=0. */
static void load_filter(void)
{
    const char *env = getenv("KOFTS_MORPH_FILTER");
    char why[200];
    if (env && strcmp(env, "0") == 0)
        snprintf(filter_note, sizeof filter_note, "off (KOFTS_MORPH_FILTER=0)");
    else if (kofts_lexicon_init() ||
             kofts_morph_filter_load(&filter, aff_path, dic_path, why, sizeof why) != 0)
        snprintf(filter_note, sizeof filter_note, "off (%s: %s)", aff_path, why);
    exact_on = path_on(filter != NULL, "no affix filter", "KOFTS_MORPH_EXACT",
                       filter ? kofts_morph_exact_note(filter) : "", exact_note, sizeof exact_note);
    compound_on = path_on(exact_on, "the exact path is off", "KOFTS_MORPH_COMPOUND",
                          exact_on ? kofts_morph_compound_note(filter) : "", compound_note,
                          sizeof compound_note);
}

/* Undo load_filter (the dictionary could not be opened after all). */
static void unload_filter(void)
{
    kofts_morph_filter_free(filter);
    filter = NULL;
    exact_on = compound_on = 0;
}

static void load(void)
{
    static const char *const names[] = {"ko_KR", "ko"};
    const char *dir = getenv("KOFTS_HUNSPELL_DIR");
    if (!dir || !*dir)
        dir = KOFTS_HUNSPELL_DIR;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    max_handles = cpus < 1 ? 1 : cpus > MAX_HANDLES ? MAX_HANDLES : (int)cpus;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        snprintf(aff_path, sizeof aff_path, "%s/%s.aff", dir, names[k]);
        snprintf(dic_path, sizeof dic_path, "%s/%s.dic", dir, names[k]);
        if (access(aff_path, R_OK) != 0 || access(dic_path, R_OK) != 0)
            continue;
        load_filter();
        if (compound_on) { /* hunspell only for rare words: its first handle waits */
            snprintf(source, sizeof source, "%s", aff_path);
            dict_ok = 1;
            return;
        }
        pool[0].h = Hunspell_create(aff_path, dic_path);
        if (pool[0].h) {
            snprintf(source, sizeof source, "%s", aff_path);
            dict_ok = 1;
            atomic_store(&npool, 1);
            return;
        }
        unload_filter();
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
    return dict_ok;
}

int kofts_morph_handles(void)
{
    return atomic_load(&npool);
}

const char *kofts_morph_source(void)
{
    pthread_once(&once, load);
    return source;
}

const char *kofts_morph_filter_note(void)
{
    pthread_once(&once, load);
    return filter ? "" : dict_ok ? filter_note : "off (no dictionary)";
}

const char *kofts_morph_exact_status(void)
{
    pthread_once(&once, load);
    return exact_on ? "" : dict_ok ? exact_note : "off (no dictionary)";
}

const char *kofts_morph_compound_status(void)
{
    pthread_once(&once, load);
    return compound_on ? "" : dict_ok ? compound_note : "off (no dictionary)";
}

/* Load handle number n (= npool, grow_mu held) and return its slot locked; NULL when
 * Hunspell_create fails. */
static handle_slot *grow(int n)
{
    Hunhandle *h = Hunspell_create(aff_path, dic_path);
    if (!h) {
        atomic_store(&create_failed, 1);
        return NULL;
    }
    pool[n].h = h;
    pthread_mutex_lock(&pool[n].mu);
    atomic_store(&npool, n + 1);
    return &pool[n];
}

/*
 * A locked handle slot for one Hunspell call (unlock its mu when done). Takes a free
 * handle; when every handle is busy (or none is loaded yet), loads one more if the pool
 * may grow, else waits for one. NULL only when no handle can be loaded at all.
 * Requires kofts_morph_available().
 */
static handle_slot *acquire(void)
{
    for (;;) {
        int n = atomic_load(&npool);
        for (int i = 0; i < n; i++)
            if (pthread_mutex_trylock(&pool[i].mu) == 0)
                return &pool[i];
        if (n >= max_handles || atomic_load(&create_failed))
            break;
        /* the first handle: wait for whoever loads it; later ones only if nobody does */
        if ((n ? pthread_mutex_trylock(&grow_mu) : pthread_mutex_lock(&grow_mu)) != 0)
            break;
        if (atomic_load(&npool) != n) {
            pthread_mutex_unlock(&grow_mu); /* another thread loaded one meanwhile */
            continue;
        }
        handle_slot *slot = grow(n);
        pthread_mutex_unlock(&grow_mu);
        if (slot)
            return slot;
        break; /* no more handles: wait for a loaded one, if any */
    }
    int n = atomic_load(&npool);
    if (n == 0)
        return NULL;
    static atomic_uint next;
    handle_slot *slot = &pool[atomic_fetch_add(&next, 1) % (unsigned)n];
    pthread_mutex_lock(&slot->mu);
    return slot;
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
 * full. Shared by every analyzer (index workers, a server's requests), guarded by
 * cache_mu (never held during a Hunspell call).
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
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

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

/* 1 and *out filled if the cache holds w's answer. */
static int cache_get(const char *w, size_t n, uint32_t h, kofts_morph_result *out)
{
    pthread_mutex_lock(&cache_mu);
    cache_slot *c = cache_find(w, n, h);
    int hit = c && c->hash;
    if (hit)
        *out = c->r;
    pthread_mutex_unlock(&cache_mu);
    return hit;
}

/* Remember r as w's answer (another thread may have stored the same answer meanwhile). */
static void cache_put(const char *w, size_t n, uint32_t h, const kofts_morph_result *r)
{
    pthread_mutex_lock(&cache_mu);
    cache_slot *c = cache_find(w, n, h);
    if (c && !c->hash) {
        if (cache_used >= CACHE_SLOTS / 4 * 3) {
            memset(cache, 0, CACHE_SLOTS * sizeof *cache);
            cache_used = 0;
            c = cache_find(w, n, h);
        }
        c->hash = h;
        c->len = (unsigned char)n;
        memcpy(c->word, w, n);
        cache_used++;
    }
    if (c)
        c->r = *r;
    pthread_mutex_unlock(&cache_mu);
}

/* Keep what reading st[0..sl) of w[0..n) gives: a lemma, or a noun + particle length. */
static void keep_reading(const char *w, size_t n, const char *st, size_t sl,
                         kofts_morph_result *out)
{
    if (sl % 3)
        return;
    if (ends_with_da(st, sl) && !is_grammar_lemma(st, sl) && !kofts_lexicon_is_noun(st, sl))
        add_lemma(out, st, sl);
    else if (sl >= 6 && sl < n && memcmp(st, w, sl) == 0 && kofts_lexicon_is_noun(st, sl) &&
             sl / 3 > out->noun)
        out->noun = (unsigned char)(sl / 3);
}

/* Hunspell's readings of w[0..n) (n <= 72) into out. */
static void stem_word(const char *w, size_t n, kofts_morph_result *out)
{
    char word[3 * 24 + 1];
    memcpy(word, w, n);
    word[n] = '\0';
    char **list = NULL;
    handle_slot *slot = acquire();
    if (!slot)
        return; /* no handle could be loaded: the answer stays empty */
    int ns = Hunspell_stem(slot->h, &list, word);
    for (int i = 0; i < ns; i++)
        keep_reading(w, n, list[i], strlen(list[i]), out);
    Hunspell_free_list(slot->h, &list, ns);
    pthread_mutex_unlock(&slot->mu);
}

/* The readings of w[0..n) from kofts_morph_exact (or kofts_morph_compound, for words
 * hunspell reads as compounds) into out; 0 when hunspell must answer. */
static int exact_word(const char *w, size_t n, kofts_morph_result *out)
{
    kofts_morph_stems st;
    int rc = exact_on ? kofts_morph_exact_word(filter, w, n, &st) : KOFTS_MORPH_EXACT_HUNSPELL;
    if (rc == KOFTS_MORPH_EXACT_COMPOUND)
        rc = compound_on && kofts_morph_compound_stems(filter, w, n, &st)
                 ? KOFTS_MORPH_EXACT_ANSWERED
                 : KOFTS_MORPH_EXACT_HUNSPELL;
    if (rc != KOFTS_MORPH_EXACT_ANSWERED)
        return 0;
    for (int i = 0; i < st.n; i++)
        keep_reading(w, n, st.buf + st.off[i], st.len[i], out);
    return 1;
}

/* Clear *out; 0 when w[0..n) is to be analysed, 1 when there is no dictionary (the
 * answer stays empty), KOFTS_EINVAL for a bad length. */
static int start(size_t n, kofts_morph_result *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0 || n % 3 || n > 3 * 24)
        return KOFTS_EINVAL;
    return kofts_morph_available() ? 0 : 1;
}

int kofts_morph_analyze(const char *w, size_t n, kofts_morph_result *out)
{
    int rc = start(n, out);
    if (rc)
        return rc < 0 ? rc : 0;
    uint32_t h = word_hash(w, n);
    if (cache_get(w, n, h, out))
        return 0;
    if ((!filter || kofts_morph_filter_may_keep(filter, w, n)) && !exact_word(w, n, out))
        stem_word(w, n, out);
    cache_put(w, n, h, out);
    return 0;
}

int kofts_morph_analyze_direct(const char *w, size_t n, kofts_morph_result *out)
{
    int rc = start(n, out);
    if (rc)
        return rc < 0 ? rc : 0;
    stem_word(w, n, out);
    return 0;
}
