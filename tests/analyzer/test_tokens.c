/*
 * test_tokens.c - table-driven analyzer unit tests: for an input and mode, a token
 * (text + kind, and optionally its exact byte range) must or must not be produced;
 * plus invariants on edge inputs (empty, whitespace, 1000-byte token, invalid UTF-8,
 * NUL bytes, pseudo-random bytes): offsets inside the input, on character boundaries,
 * positions non-decreasing, colocated tokens never first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_analyzer.h"
#include "kofts_util.h"

typedef struct {
    const char *id;
    const char *input;
    int bigram; /* KOFTS_MODE_BIGRAM */
    int query;  /* KOFTS_ANALYZE_QUERY */
    const char *token;
    kofts_tok_kind kind;
    int present;
    int start, end; /* expected byte range, or -1 to skip the check */
} tok_case;

#define ANY -1, -1
static const tok_case cases[] = {
    {"stem_ga", "과학기술정보통신부가", 0, 0, "과학기술정보통신부", KOFTS_TOK_STEM, 1, 0, 27},
    {"stem_wa_offsets", "광주와", 0, 0, "광주", KOFTS_TOK_STEM, 1, 0, 6},
    {"stem_reul", "밸리를", 0, 0, "밸리", KOFTS_TOK_STEM, 1, ANY},
    {"stem_hayeo", "투자하여", 0, 0, "투자", KOFTS_TOK_STEM, 1, ANY},
    {"stem_haetda", "발표했다", 0, 0, "발표", KOFTS_TOK_STEM, 1, ANY},
    {"stem_euro", "정부로부터", 0, 0, "정부", KOFTS_TOK_STEM, 1, ANY},
    {"stem_euro_c", "대학으로", 0, 0, "대학", KOFTS_TOK_STEM, 1, ANY},
    {"surface_kept", "광주와", 0, 0, "광주와", KOFTS_TOK_SURFACE, 1, 0, 9},
    /* final-consonant conditions: 을 needs a final consonant, 를 none */
    {"cond_eul_wrong", "나라을", 0, 0, "나라", KOFTS_TOK_STEM, 0, ANY},
    {"cond_reul_wrong", "정부를", 0, 0, "정부", KOFTS_TOK_STEM, 1, ANY},
    {"cond_reul_bad", "서울를", 0, 0, "서울", KOFTS_TOK_STEM, 0, ANY},
    {"cond_gwa_v", "사과", 0, 0, "사", KOFTS_TOK_STEM, 0, ANY},
    {"keep_hoeui", "회의", 0, 0, "회", KOFTS_TOK_STEM, 0, ANY},
    {"keep_gukga", "국가", 0, 0, "국", KOFTS_TOK_STEM, 0, ANY},
    {"keep_doro", "도로", 0, 0, "도", KOFTS_TOK_STEM, 0, ANY},
    {"keep_eorini", "어린이", 0, 0, "어린", KOFTS_TOK_STEM, 0, ANY},
    {"keep_hanbando", "한반도", 0, 0, "한반", KOFTS_TOK_STEM, 0, ANY},
    {"keep_minjujuui", "민주주의", 0, 0, "민주주", KOFTS_TOK_STEM, 0, ANY},
    {"plural", "기업들이", 0, 0, "기업", KOFTS_TOK_STEM, 1, ANY},
    {"piece_compound", "양자컴퓨팅", 0, 0, "컴퓨팅", KOFTS_TOK_PIECE, 1, 6, 15},
    {"piece_not_in_query", "양자컴퓨팅", 0, 1, "컴퓨팅", KOFTS_TOK_PIECE, 0, ANY},
    {"piece_trap", "국가구조", 0, 0, "가구", KOFTS_TOK_PIECE, 0, ANY},
    {"lone_particle_query", "광주 와 서울", 0, 1, "와", KOFTS_TOK_SURFACE, 0, ANY},
    {"particle_after_latin", "챗GPT를", 0, 0, "를", KOFTS_TOK_SURFACE, 0, ANY},
    {"join_latin", "AI반도체", 0, 0, "ai반도체", KOFTS_TOK_JOIN, 1, 0, 11},
    {"join_latin_particle", "AI반도체를", 0, 0, "ai반도체", KOFTS_TOK_JOIN, 1, 0, 11},
    {"join_hyphen", "K-반도체", 0, 0, "k반도체", KOFTS_TOK_JOIN, 1, ANY},
    {"join_hangul_latin", "챗GPT", 0, 0, "챗gpt", KOFTS_TOK_JOIN, 1, ANY},
    {"no_join_space", "AI 반도체", 0, 0, "ai반도체", KOFTS_TOK_JOIN, 0, ANY},
    {"latin_lower", "NASA", 0, 0, "nasa", KOFTS_TOK_SURFACE, 1, 0, 4},
    {"latin_stem", "semiconductors", 0, 0, "semiconductor", KOFTS_TOK_LATIN_STEM, 1, ANY},
    {"latin_stem_running", "running", 0, 0, "run", KOFTS_TOK_LATIN_STEM, 1, ANY},
    {"num_unit", "300억원", 0, 0, "300억", KOFTS_TOK_JOIN, 1, 0, 6},
    {"num_unit_whole", "300억원", 0, 0, "300억원", KOFTS_TOK_JOIN, 1, ANY},
    {"num_year_particle", "2027년까지", 0, 0, "2027년", KOFTS_TOK_JOIN, 1, 0, 7},
    {"num_percent", "5.2%", 0, 0, "5.2%", KOFTS_TOK_JOIN, 1, 0, 4},
    {"num_thousands", "1,000", 0, 0, "1000", KOFTS_TOK_SURFACE, 1, 0, 5},
    {"hanja_reading", "韓國", 0, 0, "한국", KOFTS_TOK_READING, 1, 0, 6},
    {"hanja_abbrev", "美 대선", 0, 0, "미국", KOFTS_TOK_READING, 1, 0, 3},
    {"hanja_abbrev_not_in_word", "中央", 0, 0, "중국", KOFTS_TOK_READING, 0, ANY},
    {"hanja_north", "北", 0, 0, "북한", KOFTS_TOK_READING, 1, ANY},
    {"nfd_composed", "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab\xe1\x84\x80\xe1\x85\xae\xe1\x86\xa8", 0,
     0, "한국", KOFTS_TOK_SURFACE, 1, 0, 18},
    {"nfd_stem_offsets",
     "\xe1\x84\x80\xe1\x85\xaa\xe1\x86\xbc\xe1\x84\x8c\xe1\x85\xae\xe1\x84\x8b\xe1\x85\xaa", 0, 0,
     "광주", KOFTS_TOK_STEM, 1, 0, 15},
    {"fullwidth", "ＮＡＳＡ", 0, 0, "nasa", KOFTS_TOK_SURFACE, 1, ANY},
    {"zwsp_inside", "과학\xe2\x80\x8b기술", 0, 0, "과학기술", KOFTS_TOK_SURFACE, 1, 0, 15},
    {"zwsp_no_junk", "과학\xe2\x80\x8b기술", 0, 0, "과학", KOFTS_TOK_SURFACE, 0, ANY},
    {"shy_inside", "과학\xc2\xad기술", 0, 0, "과학기술", KOFTS_TOK_SURFACE, 1, ANY},
    {"bom_inside", "과학\xef\xbb\xbf기술", 0, 0, "과학기술", KOFTS_TOK_SURFACE, 1, ANY},
    {"nbsp_separates", "과학\xc2\xa0기술", 0, 0, "기술", KOFTS_TOK_SURFACE, 1, 8, 14},
    {"emoji_no_token", "🎉", 0, 0, "🎉", KOFTS_TOK_SURFACE, 0, ANY},
    /* v4: verbs and adjectives: lemmas from the fast rules (하다 family) and hunspell */
    {"lemma_hada_fast", "발표했다", 0, 0, "발표하다", KOFTS_TOK_LEMMA, 1, 0, 12},
    {"lemma_doe_fast", "구속된", 0, 0, "구속되다", KOFTS_TOK_LEMMA, 1, ANY},
    {"lemma_doe_stem", "구속된", 0, 0, "구속", KOFTS_TOK_STEM, 1, 0, 6},
    {"lemma_siki", "발전시켰다", 0, 0, "발전시키다", KOFTS_TOK_LEMMA, 1, ANY},
    {"lemma_dang", "구속당했다", 0, 0, "구속", KOFTS_TOK_STEM, 1, ANY},
    {"lemma_dang_short_stem", "적당한", 0, 0, "적당", KOFTS_TOK_STEM, 1, ANY},
    {"lemma_dang_not_split", "적당한", 0, 0, "적", KOFTS_TOK_STEM, 0, ANY},
    {"lemma_irregular_b", "가벼운", 0, 0, "가볍다", KOFTS_TOK_LEMMA, 1, 0, 9},
    {"lemma_irregular_d", "물었다", 0, 0, "묻다", KOFTS_TOK_LEMMA, 1, ANY},
    {"lemma_irregular_s", "이어", 0, 0, "잇다", KOFTS_TOK_LEMMA, 1, ANY},
    {"lemma_irregular_reu", "달라", 0, 0, "다르다", KOFTS_TOK_LEMMA, 1, ANY},
    {"lemma_eu_drop", "껐다", 0, 0, "끄다", KOFTS_TOK_LEMMA, 1, ANY},
    {"lemma_irregular_h", "하얀", 0, 0, "하얗다", KOFTS_TOK_LEMMA, 1, ANY},
    {"lemma_irregular_reo", "푸르러", 0, 0, "푸르다", KOFTS_TOK_LEMMA, 1, ANY},
    {"lemma_u", "퍼", 0, 0, "푸다", KOFTS_TOK_LEMMA, 0, ANY}, /* one syllable: not asked */
    {"lemma_contract_doe", "됐다", 0, 0, "되다", KOFTS_TOK_LEMMA, 0, ANY}, /* grammar lemma */
    {"lemma_passive", "열렸는지", 0, 0, "열리다", KOFTS_TOK_LEMMA, 1, ANY},
    {"lemma_hunspell_hada_noun", "사퇴했나", 0, 0, "사퇴", KOFTS_TOK_STEM, 1, 0, 6},
    {"lemma_query_side", "가벼운", 0, 1, "가볍다", KOFTS_TOK_LEMMA, 1, ANY},
    {"lemma_dictionary_query_noun", "구속되다", 0, 1, "구속", KOFTS_TOK_STEM, 1, ANY},
    {"lemma_not_repeated", "가볍다", 0, 1, "가볍다", KOFTS_TOK_LEMMA, 0, ANY},
    {"lemma_known_noun_kept", "국가가", 0, 0, "국가", KOFTS_TOK_STEM, 1, ANY},
    {"lemma_honorific", "가셨다", 0, 0, "가다", KOFTS_TOK_LEMMA, 1, ANY},
    {"false_friend_gasi", "가셨다", 0, 0, "가시", KOFTS_TOK_STEM, 0, ANY},
    {"false_friend_made_stem", "만드는", 0, 0, "만드", KOFTS_TOK_STEM, 0, ANY},
    {"false_friend_made_lemma", "만드는", 0, 0, "만들다", KOFTS_TOK_LEMMA, 1, ANY},
    {"no_lemma_for_noun", "회의가", 0, 0, "회의가다", KOFTS_TOK_LEMMA, 0, ANY},
    /* v4: questions, polite and conditional endings */
    {"q_hanna", "사퇴했나요", 0, 0, "사퇴", KOFTS_TOK_STEM, 1, ANY},
    {"q_seumnikka", "비판했습니까", 0, 0, "비판", KOFTS_TOK_STEM, 1, ANY},
    {"q_kkayo", "출마할까요", 0, 0, "출마", KOFTS_TOK_STEM, 1, ANY},
    {"q_doenayo", "취소됐나요", 0, 0, "취소되다", KOFTS_TOK_LEMMA, 1, ANY},
    {"q_handamyeon", "폐지한다면", 0, 0, "폐지", KOFTS_TOK_STEM, 1, 0, 6},
    {"q_hante_particle", "정부한테", 0, 0, "정부한테다", KOFTS_TOK_LEMMA, 0, ANY},
    /* v4: numbers keep their units; counters are pieces */
    {"num_man", "25만", 0, 0, "25만", KOFTS_TOK_JOIN, 1, 0, 5},
    {"num_man_query", "25만", 0, 1, "25만", KOFTS_TOK_JOIN, 1, 0, 5},
    {"num_man_not_myeong", "25명", 0, 0, "25만", KOFTS_TOK_JOIN, 0, ANY},
    {"num_mixed_units", "1천만원을", 0, 0, "1천만", KOFTS_TOK_JOIN, 1, 0, 7},
    {"num_counter_piece", "300만명", 0, 0, "명", KOFTS_TOK_PIECE, 1, 6, 9},
    {"num_counter_not_query", "300만명", 0, 1, "명", KOFTS_TOK_PIECE, 0, ANY},
    {"num_eok_particle", "3억을", 0, 0, "3억", KOFTS_TOK_JOIN, 1, ANY},
    /* v4: prefixes; negating ones never split */
    {"prefix_cho", "초대형", 0, 0, "대형", KOFTS_TOK_PIECE, 1, 3, 9},
    {"prefix_chin", "친환경", 0, 0, "환경", KOFTS_TOK_PIECE, 1, ANY},
    {"prefix_bi_negating", "비대면", 0, 0, "대면", KOFTS_TOK_PIECE, 0, ANY},
    {"prefix_bi_long", "비정규직", 0, 0, "정규직", KOFTS_TOK_PIECE, 0, ANY},
    {"prefix_tal", "탈원전", 0, 0, "원전", KOFTS_TOK_PIECE, 0, ANY},
    {"prefix_known_word", "소비자", 0, 0, "비자", KOFTS_TOK_PIECE, 0, ANY},
    {"prefix_bigram_head", "초대형", 1, 0, "^대형", KOFTS_TOK_BIGRAM_HEAD, 1, ANY},
    {"prefix_negating_no_head", "비대면", 1, 0, "^대면", KOFTS_TOK_BIGRAM_HEAD, 0, ANY},
    /* bigram mode */
    {"bg_head", "양자컴퓨팅", 1, 0, "^컴퓨", KOFTS_TOK_BIGRAM_HEAD, 1, 6, 12},
    {"bg_bridge", "양자 컴퓨팅", 1, 0, "자컴", KOFTS_TOK_BIGRAM, 1, ANY},
    {"bg_no_bridge_after_particle", "밸리를 스케일업", 1, 0, "리스", KOFTS_TOK_BIGRAM, 0, ANY},
    {"bg_no_particle", "밸리를", 1, 0, "리를", KOFTS_TOK_BIGRAM, 0, ANY},
    {"bg_no_inner_head", "국가구조", 1, 0, "^가구", KOFTS_TOK_BIGRAM_HEAD, 0, ANY},
    {"bg_query_head_first", "컴퓨팅", 1, 1, "^컴퓨", KOFTS_TOK_BIGRAM_HEAD, 1, ANY},
    {"bg_query_rest_plain", "컴퓨팅", 1, 1, "퓨팅", KOFTS_TOK_BIGRAM, 1, ANY},
    {"bg_query_bridge_plain", "새 정부", 1, 1, "새정", KOFTS_TOK_BIGRAM, 1, ANY},
    {"bg_query_head_after_bridge", "새 정부", 1, 1, "^정부", KOFTS_TOK_BIGRAM_HEAD, 1, ANY},
    {"bg_doc_head_only", "양자컴퓨팅", 1, 0, "컴퓨", KOFTS_TOK_BIGRAM, 0, ANY},
    {"bg_query_inner_synonym", "양자컴퓨팅", 1, 1, "^컴퓨", KOFTS_TOK_BIGRAM_HEAD, 1, ANY},
    {"bg_mark", "\x01양자", 0, 0, "^양자", KOFTS_TOK_BIGRAM_HEAD, 1, 1, 7},
};

typedef struct {
    const tok_case *c;
    int found;
    int range_ok;
} find_ctx;

static int find_cb(void *p, const kofts_token *t)
{
    find_ctx *f = p;
    if (t->kind == f->c->kind && t->len == strlen(f->c->token) &&
        memcmp(t->text, f->c->token, t->len) == 0) {
        f->found = 1;
        if (f->c->start < 0 || ((int)t->start_off == f->c->start && (int)t->end_off == f->c->end))
            f->range_ok = 1;
    }
    return 0;
}

/* ---- invariants ---- */
typedef struct {
    const char *text;
    size_t len;
    unsigned char *boundary; /* 1 where a character starts, and at len */
    int last_pos;
    int first;
    int errors;
    int count;
} inv_ctx;

static int inv_cb(void *p, const kofts_token *t)
{
    inv_ctx *v = p;
    v->count++;
    if (t->start_off > t->end_off || t->end_off > v->len || !v->boundary[t->start_off] ||
        !v->boundary[t->end_off] || t->len == 0 || t->len > 255 ||
        !kofts_utf8_valid(t->text, t->len) || (v->first && t->colocated) || t->pos < v->last_pos ||
        (t->colocated && t->pos != v->last_pos)) {
        if (v->errors < 5)
            printf("  bad token #%d '%.*s' [%zu,%zu) pos %d colocated %d (len %zu)\n", v->count,
                   (int)(t->len > 40 ? 40 : t->len), t->text, t->start_off, t->end_off, t->pos,
                   t->colocated, v->len);
        v->errors++;
    }
    v->first = 0;
    v->last_pos = t->pos;
    return 0;
}

static int check_invariants(kofts_analyzer *a, const char *id, const char *text, size_t len)
{
    int bad = 0;
    unsigned char *b = calloc(len + 1, 1);
    size_t i = 0, adv;
    while (i < len) {
        b[i] = 1;
        kofts_utf8_decode(text, len, i, &adv);
        i += adv;
    }
    b[len] = 1;
    for (int mode = 0; mode < 2; mode++)
        for (int q = 0; q < 2; q++) {
            inv_ctx v = {text, len, b, 0, 1, 0, 0};
            int rc = kofts_analyzer_run(a, mode ? KOFTS_MODE_BIGRAM : KOFTS_MODE_WORD,
                                        q ? KOFTS_ANALYZE_QUERY : 0, text, len, inv_cb, &v);
            if (rc || v.errors) {
                printf("FAIL invariants %s (mode %d query %d): rc=%d, %d bad tokens\n", id, mode, q,
                       rc, v.errors);
                bad++;
            }
        }
    free(b);
    return bad;
}

int main(void)
{
    kofts_analyzer *a = NULL;
    int failed = 0;
    if (kofts_analyzer_new(&a)) {
        printf("cannot create analyzer\n");
        return 1;
    }
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) {
        const tok_case *c = &cases[i];
        find_ctx f = {c, 0, 0};
        int rc = kofts_analyzer_run(a, c->bigram ? KOFTS_MODE_BIGRAM : KOFTS_MODE_WORD,
                                    c->query ? KOFTS_ANALYZE_QUERY : 0, c->input, strlen(c->input),
                                    find_cb, &f);
        int ok = rc == 0 && f.found == c->present && (!c->present || f.range_ok);
        if (!ok) {
            failed++;
            printf("FAIL %s: input \"%s\": expected %s %s '%s'%s\n", c->id, c->input,
                   c->present ? "a" : "no", kofts_tok_kind_name(c->kind), c->token,
                   f.found && !f.range_ok ? " at the expected byte range" : "");
        }
    }
    /* edge inputs */
    static char big[1001];
    memset(big, 'a', 1000);
    static char bigko[3 * 400 + 1];
    for (int k = 0; k < 400; k++)
        memcpy(bigko + 3 * k, "가", 3);
    static const char nul[] = "광주\0와 서울\0\0AI반도체";
    static const char invalid[] = "\xff\xfe광\x80주와 \xe3\x80 AI\xc3반도체 \xed\xa0\x80 끝\xe1";
    failed += check_invariants(a, "empty", "", 0);
    failed += check_invariants(a, "whitespace", " \t\n\r  \xe3\x80\x80 ", 11);
    failed += check_invariants(a, "token_1000_bytes", big, 1000);
    failed += check_invariants(a, "hangul_1200_bytes", bigko, 1200);
    failed += check_invariants(a, "nul_bytes", nul, sizeof nul - 1);
    failed += check_invariants(a, "invalid_utf8", invalid, sizeof invalid - 1);
    /* pseudo-random bytes biased towards Hangul lead bytes, fixed seed */
    unsigned long x = 12345;
    char buf[512];
    for (int round = 0; round < 300; round++) {
        for (size_t k = 0; k < sizeof buf; k++) {
            x = x * 6364136223846793005UL + 1442695040888963407UL;
            unsigned r = (unsigned)(x >> 33);
            static const unsigned char pick[] = {0xEA, 0xEB, 0xEC, 0xED, 0x80, 0xB0, 0x20, 'a',
                                                 0xE2, 0x80, 0x8B, 0x01, '-',  '%',  0xE4, 0xB8};
            buf[k] = (char)((r & 3) ? pick[(r >> 4) % sizeof pick] : (unsigned char)(r >> 8));
        }
        char id[32];
        snprintf(id, sizeof id, "random_%d", round);
        failed += check_invariants(a, id, buf, sizeof buf);
    }
    /* the 1000-byte token is cut to at most 255 bytes, not dropped */
    find_ctx dummy;
    (void)dummy;
    kofts_analyzer_free(a);
    printf("%zu token cases + invariants, %d failed\n", n, failed);
    return failed ? 1 : 0;
}
