/*
 * test_fts5_match.c - FTS5-level behaviour of the kofts tokenizer: a document, a query,
 * and whether it must match. Word column and bigram column are checked the way the
 * schema uses them (bigram values start with 0x01). Negative cases matter as much
 * as positive ones: substring traps (가구 in 국가구조) must stay out.
 * Every case runs twice: on a table with a separate bigram column (schema 4) and on one
 * whose single column holds WORDS 0x01 '\n' WORDS under tokenize='kofts bigram_in_body'
 * (schema 5: the bigram tokens after the words, plain bigrams namespaced), with the same
 * expected answer; B* cases are specific to bigram_in_body.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "kofts_fts5.h"

typedef enum { COL_WORD, COL_BIGRAM, COL_EITHER } column;

typedef struct {
    const char *id;
    const char *doc;
    const char *query; /* one quoted phrase per column, words AND'ed */
    column col;
    int match;
} match_case;

static const match_case cases[] = {
    /* particles and endings: stems are found */
    {"ko_particle_ga", "과학기술정보통신부가 발표했다", "과학기술정보통신부", COL_WORD, 1},
    {"ko_particle_wa", "광주와 전남은", "광주", COL_WORD, 1},
    {"ko_particle_reul", "스케일업 밸리를 만든다", "밸리", COL_WORD, 1},
    {"ko_hada_yeo", "3조를 투자하여 공장을", "투자", COL_WORD, 1},
    {"ko_hada_past", "정부가 계획을 발표했다", "발표", COL_WORD, 1},
    {"ko_query_particle", "광주와 전남", "광주에서", COL_WORD, 1},
    {"ko_plural", "기업들이 참여했다", "기업", COL_WORD, 1},
    {"ko_euro_jong_l", "서울로 간다", "서울", COL_WORD, 1},
    /* nouns that look like stem + particle stay whole */
    {"ko_keep_hoeui", "회의가 열렸다", "회", COL_WORD, 0},
    {"ko_keep_gukga", "국가 경쟁력", "국", COL_WORD, 0},
    {"ko_keep_sagwa", "사과 농장", "사", COL_WORD, 0},
    {"ko_keep_doro", "도로 공사", "도", COL_WORD, 0},
    {"ko_keep_eorini", "어린이 공원", "어린", COL_WORD, 0},
    {"ko_keep_hanbando", "한반도 정세", "한반", COL_WORD, 0},
    {"ko_keep_hoeui_self", "회의가 열렸다", "회의", COL_WORD, 1},
    /* compounds and spacing */
    {"cmp_piece", "양자컴퓨팅 연구", "컴퓨팅", COL_WORD, 1},
    {"cmp_piece_bigram", "양자컴퓨팅 연구", "컴퓨팅", COL_BIGRAM, 1},
    {"cmp_spaced_query", "양자컴퓨팅 연구소", "양자 컴퓨팅", COL_WORD, 1},
    {"cmp_joined_query_spaced_doc", "스케일업 밸리 조성", "스케일업밸리", COL_BIGRAM, 1},
    {"cmp_joined_doc_spaced_query", "양자컴퓨팅을 연구", "양자컴퓨팅", COL_BIGRAM, 1},
    {"cmp_spaced_doc", "양자 컴퓨팅을 연구", "양자컴퓨팅", COL_BIGRAM, 1},
    {"cmp_prefix_syllable", "빅데이터 분석", "데이터", COL_EITHER, 1},
    {"cmp_refined_piece", "기후변화대응 계획", "변화", COL_EITHER, 1},
    {"cmp_no_wrong_refine", "과학기술정보통신부 발표", "신부", COL_EITHER, 0},
    /* substring traps stay out */
    {"trap_gagu", "국가구조 개편", "가구", COL_EITHER, 0},
    {"trap_sajang", "검사장 인사", "사장", COL_EITHER, 0},
    {"trap_sudo", "교수도 참석했다", "수도", COL_EITHER, 0},
    {"trap_particle_bigram", "밸리를 방문", "리를", COL_EITHER, 0},
    /* v4: verbs and adjectives in every form; a dictionary-form query reduces the same way */
    {"verb_b_irregular", "짐이 가벼운 편이다", "가볍다", COL_WORD, 1},
    {"verb_d_irregular", "경위를 물었다", "묻다", COL_WORD, 1},
    {"verb_s_irregular", "행사가 이어 열렸다", "잇다", COL_WORD, 1},
    {"verb_reu_irregular", "입장이 서로 달라", "다르다", COL_WORD, 1},
    {"verb_eu", "전원을 껐다", "끄다", COL_WORD, 1},
    {"verb_hada_1syl_noun", "해법을 구했다", "구하다", COL_WORD, 1},
    {"verb_inflected_query", "규제를 완화했다", "완화했나요", COL_WORD, 1},
    {"verb_inflected_both", "짐이 가벼워 보였다", "가벼운", COL_WORD, 1},
    {"verb_voice_doe_finds_ha", "검찰이 피의자를 구속했다", "구속되다", COL_WORD, 1},
    {"verb_voice_ha_finds_doe", "피의자가 구속된 뒤", "구속하다", COL_WORD, 1},
    {"verb_siki", "산업을 발전시켰다", "발전", COL_WORD, 1},
    {"verb_passive", "회의가 열렸는지", "열리다", COL_WORD, 1},
    {"verb_honorific", "할머니가 시장에 가셨다", "가다", COL_WORD, 1},
    {"verb_other_verb", "경위를 물었다", "받다", COL_WORD, 0},
    {"verb_not_noun_gasi", "할머니가 먼저 가셨다", "가시", COL_EITHER, 0},
    {"verb_not_noun_made", "제품을 만드는 회사", "만드", COL_WORD, 0},
    {"verb_noun_still_noun", "장미 가시에 찔렸다", "가시", COL_WORD, 1},
    /* v4: questions and polite endings reduce to the statement's stems */
    {"q_resign", "장관이 사퇴했다", "사퇴했나", COL_WORD, 1},
    {"q_criticise_polite", "야당이 비판했다", "비판했습니까", COL_WORD, 1},
    {"q_run_for", "출마할 예정이다", "출마할까요", COL_WORD, 1},
    {"q_cancelled", "행사가 취소됐다", "취소됐나요", COL_WORD, 1},
    {"q_conditional", "법을 폐지한다면", "폐지", COL_WORD, 1},
    /* v4: numbers with 만/억/조 (천/백 in mixed forms) units, counters and particles */
    {"num_man_unit", "25만 원을 지급", "25만", COL_WORD, 1},
    {"num_man_not_person", "25명이 참석", "25만", COL_EITHER, 0},
    {"num_man_joined_counter", "관객 300만명을 돌파", "300만 명", COL_WORD, 1},
    {"num_man_spaced_counter", "관객 300만 명을 돌파", "300만명", COL_WORD, 1},
    {"num_mixed_cheonman", "1천만원을 기부", "1천만", COL_WORD, 1},
    {"num_year_particles", "2035년에는 감축", "2035년", COL_WORD, 1},
    {"num_other_unit", "1만 명", "1억", COL_EITHER, 0},
    /* v4: spacing both ways; prefixes (a negating prefix is a different word) */
    {"space_joined_query", "자율 주행 시험", "자율주행", COL_EITHER, 1},
    {"prefix_cho", "초대형 항공기", "대형", COL_EITHER, 1},
    {"prefix_chin", "친환경 차량", "환경", COL_EITHER, 1},
    {"prefix_negating_bi", "비대면 수업", "대면", COL_EITHER, 0},
    {"prefix_negating_tal", "탈원전 정책", "원전", COL_EITHER, 0},
    {"prefix_negating_ban", "반정부 시위", "정부", COL_EITHER, 0},
    {"prefix_negating_whole", "비대면 수업", "비대면", COL_EITHER, 1},
    {"prefix_not_a_prefix", "소비자 물가", "비자", COL_EITHER, 0},
    /* Latin */
    {"latin_join", "AI반도체 생산", "AI반도체", COL_WORD, 1},
    {"latin_part_ai", "AI반도체 생산", "ai", COL_WORD, 1},
    {"latin_part_hangul", "AI반도체 생산", "반도체", COL_WORD, 1},
    {"latin_hyphen", "K-반도체 전략", "K반도체", COL_WORD, 1},
    {"latin_stem", "semiconductors are running", "semiconductor", COL_WORD, 1},
    {"latin_stem_run", "semiconductors are running", "run", COL_WORD, 1},
    {"latin_case", "ChatGPT를 썼다", "chatgpt", COL_WORD, 1},
    {"latin_gpt_particle", "챗GPT를 썼다", "챗GPT", COL_WORD, 1},
    /* numbers with units */
    {"num_eok", "300억 원을 투입", "300억", COL_WORD, 1},
    {"num_eok_won", "300억원을 투입", "300억", COL_WORD, 1},
    {"num_bare", "300억원을 투입", "300", COL_WORD, 1},
    {"num_year", "2027년까지 완공", "2027년", COL_WORD, 1},
    {"num_percent", "성장률은 5.2%였다", "5.2%", COL_WORD, 1},
    {"num_thousands", "1,000억 원", "1000억", COL_WORD, 1},
    {"num_other", "300억 원", "400억", COL_WORD, 0},
    /* Hanja */
    {"hanja_reading", "韓國 경제", "한국", COL_WORD, 1},
    {"hanja_abbrev", "美 대선 결과", "미국", COL_WORD, 1},
    {"hanja_abbrev_north", "北 미사일 발사", "북한", COL_WORD, 1},
    {"hanja_surface", "韓國 경제", "韓國", COL_WORD, 1},
    /* normalisation */
    {"norm_nfd", "\xe1\x84\x92\xe1\x85\xa1\xe1\x86\xab\xe1\x84\x80\xe1\x85\xae\xe1\x86\xa8 경제",
     "한국", COL_WORD, 1},
    {"norm_fullwidth", "ＡＩ반도체", "ai반도체", COL_WORD, 1},
    {"norm_zwsp", "과학\xe2\x80\x8b기술 진흥", "과학기술", COL_WORD, 1},
    {"norm_nbsp", "과학\xc2\xa0기술", "과학", COL_WORD, 1},
    {"norm_ideographic_space", "과학\xe3\x80\x80기술", "기술", COL_WORD, 1},
    {"norm_case", "NASA 발표", "nasa", COL_WORD, 1},
    /* bigram_in_body: a word never matches a plain bigram of the same two syllables (the
     * namespace), and a bigram query still finds them; a 0x01 inside the text is text */
    {"B01-word-not-bigram", "정부대책을 발표", "부대", COL_WORD, 0},
    {"B02-bigram-inside", "정부대책을 발표", "정부대", COL_BIGRAM, 1},
    {"B03-mark-in-text", "가나\x01다라 정부가", "정부", COL_WORD, 1},
    {"B04-mark-in-text-bigram", "가나\x01다라 정부가", "다라", COL_BIGRAM, 1},
};

/* Index c->doc into t (body, bg) or, merged, into m (body = doc 0x01 '\n' doc). */
static int insert_doc(sqlite3 *db, const match_case *c, int merged, char *why, size_t whylen)
{
    sqlite3_stmt *st = NULL;
    char bigram[512], both[1024];
    snprintf(bigram, sizeof bigram, "\x01%s", c->doc);
    snprintf(both, sizeof both, "%s\x01\n%s", c->doc, c->doc);
    sqlite3_exec(db, merged ? "DELETE FROM m" : "DELETE FROM t", NULL, NULL, NULL);
    int rc = sqlite3_prepare_v2(
        db, merged ? "INSERT INTO m(body) VALUES(?1)" : "INSERT INTO t(body, bg) VALUES(?1, ?2)",
        -1, &st, NULL);
    sqlite3_bind_text(st, 1, merged ? both : c->doc, -1, SQLITE_STATIC);
    if (!merged)
        sqlite3_bind_text(st, 2, bigram, -1, SQLITE_STATIC);
    if (rc || sqlite3_step(st) != SQLITE_DONE) {
        snprintf(why, whylen, "insert failed: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return -1;
    }
    sqlite3_finalize(st);
    return 0;
}

static int run_case(sqlite3 *db, const match_case *c, int merged, char *why, size_t whylen)
{
    sqlite3_stmt *st = NULL;
    int matched = 0, rc;
    const char *bg = merged ? "body" : "bg";
    if (insert_doc(db, c, merged, why, whylen))
        return -1;
    /* words of the query, each required */
    char expr[2048] = "";
    char q[256];
    snprintf(q, sizeof q, "%s", c->query);
    char *save = NULL;
    for (char *w = strtok_r(q, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        char part[600];
        if (c->col == COL_WORD)
            snprintf(part, sizeof part, "body:\"%s\"", w);
        else if (c->col == COL_BIGRAM)
            snprintf(part, sizeof part, "%s:\"\x01%s\"", bg, w);
        else
            snprintf(part, sizeof part, "(body:\"%s\" OR %s:\"\x01%s\")", w, bg, w);
        if (expr[0])
            strncat(expr, " AND ", sizeof expr - strlen(expr) - 1);
        strncat(expr, part, sizeof expr - strlen(expr) - 1);
    }
    rc = sqlite3_prepare_v2(db,
                            merged ? "SELECT count(*) FROM m WHERE m MATCH ?"
                                   : "SELECT count(*) FROM t WHERE t MATCH ?",
                            -1, &st, NULL);
    sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
    if (rc || sqlite3_step(st) != SQLITE_ROW) {
        snprintf(why, whylen, "query %s failed: %s", expr, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return -1;
    }
    matched = sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    snprintf(why, whylen, "expected %s, got %s", c->match ? "match" : "no match",
             matched ? "match" : "no match");
    return matched == c->match;
}

int main(void)
{
    sqlite3 *db = NULL;
    int failed = 0;
    if (sqlite3_open(":memory:", &db) || kofts_fts5_register(db) ||
        sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE t USING fts5(body, bg, tokenize='kofts');"
                     "CREATE VIRTUAL TABLE m USING fts5(body, tokenize='kofts bigram_in_body')",
                     NULL, NULL, NULL)) {
        fprintf(stderr, "setup failed: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    for (int merged = 0; merged < 2; merged++)
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            char why[1024];
            int ok = run_case(db, &cases[i], merged, why, sizeof why);
            if (ok != 1) {
                failed++;
                printf("FAIL %s%s: doc=\"%s\" query=\"%s\": %s\n", cases[i].id,
                       merged ? " (bigram_in_body)" : "", cases[i].doc, cases[i].query, why);
            }
        }
    sqlite3_close(db);
    printf("%zu cases x 2 tables, %d failed\n", sizeof cases / sizeof cases[0], failed);
    return failed ? 1 : 0;
}
