/*
 * kofts_lexicon.c - the noun set: an open-addressing hash over the generated
 * "word\nword\n..." blob (no per-word allocation).
 *
 *   slots[]: {offset+1 into the word data (0 = empty), full hash}, linear probing,
 *            capacity a power of two >= 2x the word count.
 */
#include "kofts_lexicon.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_analyzer.h"
#include "kofts_util.h"

extern const char kofts_lexicon_data[];
extern const unsigned long kofts_lexicon_count;

/* Nouns that look like stem + particle; kept whole even if hunspell-ko lacks them. */
static const char *const builtin_nouns[] = {
    "회의",   "합의",   "협의",     "논의",     "동의", "정의",   "심의",   "건의",   "결의",
    "의의",   "주의",   "민주주의", "자본주의", "국가", "평가",   "사과",   "도로",   "어린이",
    "한반도", "제주도", "고양이",   "아이",     "나이", "사이",   "거리",   "자리",   "소리",
    "머리",   "다리",   "우리",     "나라",     "바다", "하나",   "누나",   "언니",   "마을",
    "하늘",   "가을",   "겨울",     "여름",     "얼음", "이야기", "경기도", "강원도", "충청도",
    "전라도", "경상도", "정도",     "제도",     "속도", "태도",   "온도",   "지도",   "의도",
    "시도",   "용도",   "연도",     "인도",     "보도", "수도",   "교도",   "신도",   "포도",
    "결과",   "효과",   "학과",     "교과",     "과거", "사고",   "광고",   "보고",   "참고",
    "최고",   "재고",   "인구",     "연구",     "요구", "도구",   "가구",   "친구",   "이자",
    "여자",   "남자",   "부자",     "기자",     "과자", "의자",   "투자",   "교수",   "선수",
    "가수",   "기업",   "산업",     "사업",     "작업",
};

/* One cache line holds several slots: hash, offset and length side by side. */
typedef struct {
    uint32_t off1; /* offset + 1 of the word, 0 = empty */
    uint32_t hash; /* its full hash, compared before the bytes */
} slot;
static slot *slots;
static size_t mask;
static size_t nwords;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc;
static char *builtin_blob;

static uint32_t hash(const char *s, size_t n)
{
    uint64_t h = kofts_fnv1a64(s, n);
    return (uint32_t)(h ^ (h >> 32));
}

/* blob offsets: [0, datalen) is the generated data, [datalen, ...) the builtin blob. */
static size_t datalen;

static const char *word_at(uint32_t off, size_t *len)
{
    const char *p = off < datalen ? kofts_lexicon_data + off : builtin_blob + (off - datalen);
    const char *nl = strchr(p, '\n');
    *len = (size_t)(nl - p);
    return p;
}

static void insert(uint32_t off)
{
    size_t len;
    const char *w = word_at(off, &len);
    if (len == 0 || len > 255)
        return;
    uint32_t h = hash(w, len);
    size_t i = h & mask;
    while (slots[i].off1) {
        size_t l2;
        const char *w2 = word_at(slots[i].off1 - 1, &l2);
        if (l2 == len && memcmp(w, w2, len) == 0)
            return;
        i = (i + 1) & mask;
    }
    slots[i].off1 = off + 1;
    slots[i].hash = h;
    nwords++;
}

static void build(void)
{
    datalen = strlen(kofts_lexicon_data);
    size_t nb = sizeof builtin_nouns / sizeof builtin_nouns[0];
    size_t blen = 0;
    for (size_t i = 0; i < nb; i++)
        blen += strlen(builtin_nouns[i]) + 1;
    builtin_blob = malloc(blen + 1);
    size_t cap = 1024;
    while (cap < 2 * (kofts_lexicon_count + nb))
        cap *= 2;
    slots = calloc(cap, sizeof *slots);
    if (!builtin_blob || !slots) {
        init_rc = KOFTS_ENOMEM;
        return;
    }
    mask = cap - 1;
    size_t o = 0;
    for (size_t i = 0; i < nb; i++) {
        size_t l = strlen(builtin_nouns[i]);
        memcpy(builtin_blob + o, builtin_nouns[i], l);
        builtin_blob[o + l] = '\n';
        o += l + 1;
    }
    builtin_blob[o] = '\0';
    for (size_t off = 0; off < datalen;) {
        const char *nl = strchr(kofts_lexicon_data + off, '\n');
        insert((uint32_t)off);
        off = (size_t)(nl - kofts_lexicon_data) + 1;
    }
    for (size_t off = 0; off < o;) {
        const char *nl = strchr(builtin_blob + off, '\n');
        insert((uint32_t)(datalen + off));
        off = (size_t)(nl - builtin_blob) + 1;
    }
}

int kofts_lexicon_init(void)
{
    pthread_once(&once, build);
    return init_rc;
}

int kofts_lexicon_is_noun(const char *s, size_t n)
{
    if (!slots || n == 0 || n > 255)
        return 0;
    uint32_t h = hash(s, n);
    size_t i = h & mask;
    while (slots[i].off1) {
        if (slots[i].hash == h) {
            uint32_t off = slots[i].off1 - 1;
            const char *w =
                off < datalen ? kofts_lexicon_data + off : builtin_blob + (off - datalen);
            /* the stored word ends with '\n' right after n bytes iff lengths agree */
            if (memcmp(w, s, n) == 0 && w[n] == '\n')
                return 1;
        }
        i = (i + 1) & mask;
    }
    return 0;
}

size_t kofts_lexicon_size(void)
{
    return nwords;
}
