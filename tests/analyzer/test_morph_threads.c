/*
 * test_morph_threads.c - hunspell lemmas asked from several threads at once give the
 * same answers as one thread: the handle pool (kofts_morph.c) never lets two callers
 * share a handle, and the answer cache stays consistent. Each thread also asks hunspell
 * itself (kofts_morph_analyze_direct) for every word: with the exact and compound paths
 * on, the first handle is then loaded by whichever thread gets there first while the
 * others wait for it (kofts_morph.c acquire), and the answers must agree. Exits 77
 * (skip) when the hunspell-ko dictionary is not installed.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "kofts_morph.h"

#define NTHREADS 4

/* Inflected forms and the lemma each must give (NULL: only compared across threads). */
static const struct {
    const char *word, *lemma;
} words[] = {
    {"가벼운", "가볍다"}, {"물었다", "묻다"},   {"이어", "잇다"},       {"달라", "다르다"},
    {"껐다", "끄다"},     {"하얀", "하얗다"},   {"푸르러", "푸르다"},   {"열렸는지", "열리다"},
    {"가셨다", "가다"},   {"높았기에", "높다"}, {"맞추기에", "맞추다"}, {"나옴에", "나오다"},
    {"밝혀짐에", NULL},   {"아니었기에", NULL}, {"있었기에", "있다"},   {"않기에", "않다"},
    {"걸어갔다", NULL},   {"도와주었다", NULL}, {"만들었다", NULL},     {"살았던", NULL},
    {"먹었는데", NULL},   {"아름다운", NULL},   {"어려웠다", NULL},     {"들었다", NULL},
    {"지었다", NULL},     {"빨갛게", NULL},     {"흘렀다", NULL},       {"부르며", NULL},
    {"정부로선", NULL},   {"공안부는", NULL},   {"바키치는", NULL},     {"그리워하며", NULL},
    {"돌아왔다", NULL},   {"기다렸지만", NULL}, {"보내셨다", NULL},     {"잡혔다", NULL},
    {"쓰러졌다", NULL},   {"가까워졌다", NULL}, {"무거웠던", NULL},     {"깨달았다", NULL},
};
#define NWORDS (sizeof words / sizeof words[0])
_Static_assert(NWORDS == 40, "the steps in run() assume 40 words");

static kofts_morph_result got[NTHREADS][NWORDS];
static kofts_morph_result direct[NTHREADS][NWORDS];
static int rcs[NTHREADS][NWORDS];

static void *run(void *arg)
{
    static const size_t step[NTHREADS] = {1, 3, 7, 9}; /* coprime to NWORDS: permutations */
    size_t t = (size_t)arg;
    for (size_t k = 0; k < NWORDS; k++) {
        size_t i = (k * step[t] + t * 7) % NWORDS; /* a different order per thread */
        rcs[t][i] = kofts_morph_analyze(words[i].word, strlen(words[i].word), &got[t][i]);
        rcs[t][i] |=
            kofts_morph_analyze_direct(words[i].word, strlen(words[i].word), &direct[t][i]);
    }
    return NULL;
}

static int has_lemma(const kofts_morph_result *r, const char *lemma)
{
    const char *l = r->lemmas;
    for (unsigned k = 0; k < r->nlemma; k++, l += strlen(l) + 1)
        if (strcmp(l, lemma) == 0)
            return 1;
    return 0;
}

int main(void)
{
    int fails = 0;
    if (!kofts_morph_available()) {
        printf("skip: %s\n", kofts_morph_source());
        return 77;
    }
    pthread_t th[NTHREADS];
    for (size_t t = 0; t < NTHREADS; t++)
        if (pthread_create(&th[t], NULL, run, (void *)t) != 0) {
            printf("FAIL cannot start a thread\n");
            return 1;
        }
    for (size_t t = 0; t < NTHREADS; t++)
        pthread_join(th[t], NULL);
    for (size_t i = 0; i < NWORDS; i++) {
        for (size_t t = 0; t < NTHREADS; t++) {
            if (rcs[t][i] != 0 || memcmp(&got[t][i], &got[0][i], sizeof got[0][i]) != 0 ||
                memcmp(&direct[t][i], &got[0][i], sizeof got[0][i]) != 0) {
                printf("FAIL threads_agree/%s: thread %zu differs from thread 0\n", words[i].word,
                       t);
                fails++;
            }
        }
        if (words[i].lemma && !has_lemma(&got[0][i], words[i].lemma)) {
            printf("FAIL lemma/%s: %s missing\n", words[i].word, words[i].lemma);
            fails++;
        }
    }
    /* answers from the cache equal the concurrent ones */
    for (size_t i = 0; i < NWORDS; i++) {
        kofts_morph_result again;
        kofts_morph_analyze(words[i].word, strlen(words[i].word), &again);
        if (memcmp(&again, &got[0][i], sizeof again) != 0) {
            printf("FAIL cached/%s: differs from the first answer\n", words[i].word);
            fails++;
        }
    }
    int n = kofts_morph_handles();
    if (n < 1 || n > 4) {
        printf("FAIL handles: %d loaded, expected 1..4\n", n);
        fails++;
    }
    printf("%s: %zu words x %d threads, %d hunspell handle(s), %d failure(s)\n",
           fails ? "FAIL" : "ok", NWORDS, NTHREADS, n, fails);
    return fails ? 1 : 0;
}
