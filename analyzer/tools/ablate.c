/*
 * ablate.c - kofts-ablate: measures what each analyzer step buys, on real text.
 *
 * Loads JSONL documents (title + body), builds one in-memory FTS5 table per variant
 * (unicode61, trigram, and kofts with feature switches turned off one by one), runs
 * every query as any-word BM25 (title weight 2, body 1, bigram column 0.5), and
 * prints Recall@10 / MRR@10 against the qrels, plus build time per variant.
 *
 *   kofts-ablate QUERIES QRELS DOCS.jsonl...
 *   kofts-ablate --pairs          (only the built-in document/query pairs below)
 *
 * The pairs measure recall and precision separately: compound and spacing variants that
 * must match, and substring traps (syllables side by side across a word boundary) that
 * must not. Each query word must match, in a word column or the bigram column.
 *
 * This is a measurement of analyzer choices only (no kofts-search query logic);
 * bench/ measures the whole programs.
 */
#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kofts_fts5.h"
#include "kofts_util.h"

typedef struct {
    char *id, *title, *body;
} doc;

typedef struct {
    char *qid, *text, *rel;
} query;

typedef struct {
    const char *name;
    const char *tokenize; /* FTS5 tokenize= value */
    int bigram;           /* has a bigram column */
    int trigram;          /* drop query words shorter than 3 characters */
} variant;

static const variant variants[] = {
    {"unicode61", "unicode61", 0, 0},
    {"trigram", "trigram", 0, 1},
    {"kofts: ICU + NFKC only",
     "kofts no_stem no_pieces no_joins no_latin_stem no_hanja no_lemma no_numunit", 0, 0},
    {"+ particle/ending stems",
     "kofts no_pieces no_joins no_latin_stem no_hanja no_lemma no_numunit", 0, 0},
    {"+ joins, Latin stems, Hanja", "kofts no_pieces no_lemma no_numunit", 0, 0},
    {"+ compound pieces (v3 word columns)", "kofts no_lemma no_numunit", 0, 0},
    {"+ number units kept (25만; 300만명 gives 명)", "kofts no_lemma", 0, 0},
    {"+ verb/adjective lemmas (fast rules + hunspell)", "kofts", 0, 0},
    {"+ bigram column, ungated", "kofts ungated", 1, 0},
    {"+ bigram column, gated (default)", "kofts", 1, 0},
};

static char *dupstr(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return strdup(cJSON_IsString(v) ? v->valuestring : "");
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Build the MATCH expression: every query word as a quoted phrase, OR'ed. */
static void build_expr(kofts_buf *b, const char *q, const variant *v)
{
    kofts_buf_clear(b);
    char *copy = strdup(q);
    char *save = NULL;
    for (char *w = strtok_r(copy, " \t?!.,\"'()", &save); w;
         w = strtok_r(NULL, " \t?!.,\"'()", &save)) {
        if (v->trigram && utf8_chars(w) < 3)
            continue;
        if (b->len)
            kofts_buf_puts(b, " OR ");
        kofts_buf_printf(b, "{title body}:\"%s\"", w);
        if (v->bigram)
            kofts_buf_printf(b, " OR bg:\"\x01%s\"", w);
    }
    free(copy);
}

typedef struct {
    const char *doc, *query;
} pair;

/* Compound / spacing variants: the query must find the document. */
static const pair must_match[] = {
    {"양자컴퓨팅 기술 개발", "컴퓨팅"},
    {"양자컴퓨팅 기술 개발", "양자 컴퓨팅"},
    {"스케일업 밸리 조성", "스케일업밸리"},
    {"빅데이터 분석", "데이터"},
    {"인공지능 반도체 육성", "인공지능반도체"},
    {"자율주행자동차 시험", "자율주행"},
    {"전기자동차 배터리", "전기 자동차"},
    {"초등학교 입학", "학교"},
    {"부동산정책 발표", "부동산 정책"},
    {"청년일자리 대책", "일자리"},
    {"기후변화대응 계획", "기후 변화"},
    {"수소경제 로드맵", "수소 경제"},
    {"디지털전환 가속", "디지털 전환"},
    {"탄소중립 선언", "탄소 중립"},
    {"코로나바이러스 확산", "바이러스"},
    {"국립중앙박물관 전시", "박물관"},
    {"서울대학교병원 진료", "병원"},
    {"반도체산업 경쟁력", "반도체 산업"},
    {"우주항공청 개청", "우주항공"},
    {"고용노동부 장관", "노동부"},
    {"과학기술정보통신부가 발표", "과학기술"},
    {"스마트 팜 보급", "스마트팜"},
};

/* Inflection, question, number and prefix variants (analyzer v4): must match. */
static const pair must_match_v4[] = {
    {"무게가 가벼운 소재", "가볍다"},
    {"기자에게 물었다", "묻다"},
    {"전통을 이어 간다", "잇다"},
    {"의견이 달라 논쟁", "다르다"},
    {"불을 껐다", "끄다"},
    {"도움을 구했다", "구하다"},
    {"장관이 사퇴했다", "사퇴했나"},
    {"정부가 규제를 완화했다", "완화했나요"},
    {"법안을 폐지하면", "폐지한다면"},
    {"피의자가 구속됐다", "구속되다"},
    {"검찰이 구속했다", "구속되다"},
    {"행사가 취소됐다", "취소됐나요"},
    {"회의가 열렸다", "열리다"},
    {"가격이 올랐다", "오르다"},
    {"집을 지어 팔았다", "짓다"},
    {"강물이 흘러 넘쳤다", "흐르다"},
    {"하얀 눈", "하얗다"},
    {"이웃을 도와 왔다", "돕다"},
    {"25만 명이 참여", "25만"},
    {"300만 명 돌파", "300만명"},
    {"300만명 돌파", "300만 명"},
    {"1천만원을 기부", "1천만"},
    {"2035년까지 감축", "2035년"},
    {"초대형 항공기", "대형"},
    {"친환경 차량", "환경"},
    {"자율 주행 시험", "자율주행"},
};

/* Substring traps: the query's syllables only sit side by side across a boundary. */
static const pair must_not_match[] = {
    /* v4: false friends, numbers, negating prefixes */
    {"먼저 가셨다", "가시"},       {"25명이 참여", "25만"},     {"비대면 수업", "대면"},
    {"탈원전 정책", "원전"},       {"소비자 물가", "비자"},     {"1만 명", "1억"},
    {"국가구조 개편", "가구"},     {"검사장 인사", "사장"},     {"교수도 참석", "수도"},
    {"정부의 발표", "부의"},       {"대통령실 입장", "통령"},   {"주식시장 동향", "식시"},
    {"한국전력 실적", "국전"},     {"사과나무 재배", "과나"},   {"경제성장 전망", "제성"},
    {"지방자치단체 예산", "치단"}, {"이사장은 말했다", "사장"}, {"발사장과 기지", "사장"},
    {"가정의례 준칙", "정의"},     {"산업은행 대출", "업은"},   {"인천공항 이용객", "천공"},
    {"정치권 반응", "치권"},       {"시민단체 성명", "민단"},   {"아버지가 말했다", "버지"},
    {"밸리를 방문", "리를"},       {"도시가스 요금", "시가"},
};

/* 1 if doc matches query (every word, word column or bigram column) in table t. */
static int pair_matches(sqlite3 *db, const variant *v, const pair *pr)
{
    sqlite3_stmt *st = NULL;
    kofts_buf bg = {0}, expr = {0};
    int found = 0;
    sqlite3_exec(db, "DELETE FROM p", NULL, NULL, NULL);
    kofts_buf_printf(&bg, "\x01%s", pr->doc);
    sqlite3_prepare_v2(
        db, v->bigram ? "INSERT INTO p(body, bg) VALUES(?, ?)" : "INSERT INTO p(body) VALUES(?)",
        -1, &st, NULL);
    sqlite3_bind_text(st, 1, pr->doc, -1, SQLITE_STATIC);
    if (v->bigram)
        sqlite3_bind_text(st, 2, bg.data, (int)bg.len, SQLITE_STATIC);
    sqlite3_step(st);
    sqlite3_finalize(st);
    char *copy = strdup(pr->query);
    char *save = NULL;
    int words = 0, dropped = 0;
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        if (v->trigram && utf8_chars(w) < 3) {
            dropped++;
            continue;
        }
        if (expr.len)
            kofts_buf_puts(&expr, " AND ");
        if (v->bigram)
            kofts_buf_printf(&expr, "(body:\"%s\" OR bg:\"\x01%s\")", w, w);
        else
            kofts_buf_printf(&expr, "body:\"%s\"", w);
        words++;
    }
    free(copy);
    if (words && !dropped) {
        sqlite3_prepare_v2(db, "SELECT count(*) FROM p WHERE p MATCH ?", -1, &st, NULL);
        sqlite3_bind_text(st, 1, expr.data, (int)expr.len, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 0;
        sqlite3_finalize(st);
    }
    kofts_buf_free(&bg);
    kofts_buf_free(&expr);
    return found;
}

static void run_pairs(void)
{
    size_t np = sizeof must_match / sizeof must_match[0];
    size_t nn = sizeof must_not_match / sizeof must_not_match[0];
    size_t nv = sizeof must_match_v4 / sizeof must_match_v4[0];
    printf(
        "\n| analyzer variant | compound/spacing pairs found (of %zu) | inflection/number/prefix "
        "pairs found (of %zu) | traps kept out (of %zu) |\n|---|---|---|---|\n",
        np, nv, nn);
    for (size_t vi = 0; vi < sizeof variants / sizeof variants[0]; vi++) {
        const variant *v = &variants[vi];
        sqlite3 *db = NULL;
        sqlite3_open(":memory:", &db);
        kofts_fts5_register(db);
        char *sql = sqlite3_mprintf("CREATE VIRTUAL TABLE p USING fts5(body%s, tokenize=%Q)",
                                    v->bigram ? ", bg" : "", v->tokenize);
        sqlite3_exec(db, sql, NULL, NULL, NULL);
        sqlite3_free(sql);
        size_t hit = 0, hit4 = 0, kept = 0;
        kofts_buf miss = {0};
        for (size_t k = 0; k < np; k++) {
            int ok = pair_matches(db, v, &must_match[k]);
            hit += (size_t)ok;
            if (!ok && v->tokenize[0] == 'k')
                kofts_buf_printf(&miss, " %s/%s", must_match[k].doc, must_match[k].query);
        }
        for (size_t k = 0; k < nv; k++) {
            int ok = pair_matches(db, v, &must_match_v4[k]);
            hit4 += (size_t)ok;
            if (!ok && v->tokenize[0] == 'k')
                kofts_buf_printf(&miss, " %s/%s", must_match_v4[k].doc, must_match_v4[k].query);
        }
        for (size_t k = 0; k < nn; k++) {
            int ok = !pair_matches(db, v, &must_not_match[k]);
            kept += (size_t)ok;
            if (!ok && v->tokenize[0] == 'k')
                kofts_buf_printf(&miss, " %s/%s(trap)", must_not_match[k].doc,
                                 must_not_match[k].query);
        }
        if (miss.len && getenv("KOFTS_ABLATE_VERBOSE"))
            fprintf(stderr, "%s: missed%s\n", v->name, miss.data);
        kofts_buf_free(&miss);
        printf("| %s | %zu | %zu | %zu |\n", v->name, hit, hit4, kept);
        sqlite3_close(db);
    }
}

/* The documents of the JSON-lines files paths[0..n) (lines that do not parse are
 * skipped). Returns -1 after a message when a file cannot be read or memory runs out. */
static int load_docs(char **paths, int n, doc **docs, size_t *nd, size_t *bytes)
{
    static char line[1 << 20];
    size_t cap = 0;
    for (int i = 0; i < n; i++) {
        FILE *f = fopen(paths[i], "r");
        if (!f) {
            fprintf(stderr, "kofts-ablate: %s: cannot open\n", paths[i]);
            return -1;
        }
        kofts_buf l = {0};
        while (fgets(line, sizeof line, f)) {
            kofts_buf_puts(&l, line);
            if (l.len && l.data[l.len - 1] != '\n' && !feof(f))
                continue;
            cJSON *o = cJSON_Parse(l.data);
            kofts_buf_clear(&l);
            if (!o)
                continue;
            doc *grown = kofts_grow(*docs, &cap, *nd + 1, sizeof *grown);
            if (!grown) {
                fprintf(stderr, "kofts-ablate: out of memory\n");
                cJSON_Delete(o);
                kofts_buf_free(&l);
                fclose(f);
                return -1;
            }
            *docs = grown;
            doc *d = &grown[(*nd)++];
            d->id = dupstr(o, "id");
            d->title = dupstr(o, "title");
            d->body = dupstr(o, "body");
            *bytes += strlen(d->title) + strlen(d->body);
            cJSON_Delete(o);
        }
        kofts_buf_free(&l);
        fclose(f);
    }
    return 0;
}

/* The queries of a "qid<TAB>text" file, each with the first relevant document id of a
 * "qid<TAB>docid[<TAB>...]" qrels file (NULL when it has none). */
static int load_queries(const char *qpath, const char *rpath, query **qs, size_t *nq)
{
    static char line[1 << 20];
    size_t cap = 0;
    FILE *fq = fopen(qpath, "r"), *fr = fopen(rpath, "r");
    if (!fq || !fr) {
        fprintf(stderr, "kofts-ablate: cannot open %s\n", !fq ? qpath : rpath);
        if (fq)
            fclose(fq);
        if (fr)
            fclose(fr);
        return -1;
    }
    while (fgets(line, sizeof line, fq)) {
        line[strcspn(line, "\r\n")] = 0;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = 0;
        query *grown = kofts_grow(*qs, &cap, *nq + 1, sizeof *grown);
        if (!grown)
            break;
        *qs = grown;
        grown[*nq] = (query){strdup(line), strdup(tab + 1), NULL};
        (*nq)++;
    }
    while (fgets(line, sizeof line, fr)) {
        line[strcspn(line, "\r\n")] = 0;
        char *t1 = strchr(line, '\t');
        if (!t1)
            continue;
        *t1 = 0;
        char *t2 = strchr(t1 + 1, '\t');
        if (t2)
            *t2 = 0;
        for (size_t k = 0; k < *nq; k++)
            if (!(*qs)[k].rel && strcmp((*qs)[k].qid, line) == 0) {
                (*qs)[k].rel = strdup(t1 + 1);
                break;
            }
    }
    fclose(fq);
    fclose(fr);
    return 0;
}

/* An in-memory FTS5 table of the documents under variant v; its build time in *secs. */
static sqlite3 *build_index(const variant *v, const doc *docs, size_t nd, double *secs)
{
    sqlite3 *db = NULL;
    sqlite3_open(":memory:", &db);
    kofts_fts5_register(db);
    char *sql = sqlite3_mprintf("CREATE VIRTUAL TABLE t USING fts5(title, body%s, tokenize=%Q)",
                                v->bigram ? ", bg" : "", v->tokenize);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL)) {
        fprintf(stderr, "kofts-ablate: %s\n", sqlite3_errmsg(db));
        sqlite3_free(sql);
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_free(sql);
    double t0 = kofts_mono_s();
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *ins = NULL;
    sqlite3_prepare_v2(db,
                       v->bigram ? "INSERT INTO t(rowid,title,body,bg) VALUES(?,?,?,?)"
                                 : "INSERT INTO t(rowid,title,body) VALUES(?,?,?)",
                       -1, &ins, NULL);
    kofts_buf bg = {0};
    for (size_t k = 0; k < nd; k++) {
        sqlite3_bind_int64(ins, 1, (sqlite3_int64)k + 1);
        sqlite3_bind_text(ins, 2, docs[k].title, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, docs[k].body, -1, SQLITE_STATIC);
        if (v->bigram) {
            kofts_buf_clear(&bg);
            kofts_buf_printf(&bg, "\x01%s\n%s", docs[k].title, docs[k].body);
            sqlite3_bind_text(ins, 4, bg.data, (int)bg.len, SQLITE_STATIC);
        }
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    kofts_buf_free(&bg);
    *secs = kofts_mono_s() - t0;
    return db;
}

/* Rank of query k's relevant document in the top 10 (0: not there); *any: some hit. */
static int rank_of(sqlite3_stmt *st, const doc *docs, const char *rel, const kofts_buf *expr,
                   int *any)
{
    int rank = 0, found = 0;
    *any = 0;
    sqlite3_bind_text(st, 1, expr->data, (int)expr->len, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        rank++;
        *any = 1;
        size_t r = (size_t)sqlite3_column_int64(st, 0) - 1;
        if (!found && strcmp(docs[r].id, rel) == 0)
            found = rank;
    }
    sqlite3_reset(st);
    return found;
}

/* One table row: variant v's MRR@10, Recall@10, empty results and build time. */
static int run_variant(const variant *v, const doc *docs, size_t nd, const query *qs, size_t nq)
{
    double build = 0;
    sqlite3 *db = build_index(v, docs, nd, &build);
    if (!db)
        return -1;
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db,
                       v->bigram ? "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t, 2.0, "
                                   "1.0, 0.5) LIMIT 10"
                                 : "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t, 2.0, "
                                   "1.0) LIMIT 10",
                       -1, &st, NULL);
    double mrr = 0, recall = 0;
    size_t judged = 0, empty = 0;
    kofts_buf expr = {0};
    for (size_t k = 0; k < nq; k++) {
        if (!qs[k].rel)
            continue;
        judged++;
        build_expr(&expr, qs[k].text, v);
        int any = 0, found = expr.len ? rank_of(st, docs, qs[k].rel, &expr, &any) : 0;
        if (!any)
            empty++;
        if (found) {
            mrr += 1.0 / found;
            recall += 1;
        }
    }
    sqlite3_finalize(st);
    kofts_buf_free(&expr);
    printf("| %s | %.3f | %.3f | %zu | %.1f |\n", v->name, mrr / (double)judged,
           recall / (double)judged, empty, build);
    fflush(stdout);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--pairs") == 0) {
        run_pairs();
        return 0;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: kofts-ablate QUERIES QRELS DOCS.jsonl...\n");
        return 2;
    }
    doc *docs = NULL;
    query *qs = NULL;
    size_t nd = 0, nq = 0, bytes = 0;
    if (load_docs(argv + 3, argc - 3, &docs, &nd, &bytes) ||
        load_queries(argv[1], argv[2], &qs, &nq))
        return 1;
    fprintf(stderr, "kofts-ablate: %zu docs (%.1f MB), %zu queries\n", nd, bytes / 1e6, nq);
    printf(
        "| analyzer variant | MRR@10 | Recall@10 | no result | build s |\n|---|---|---|---|---|\n");
    for (size_t vi = 0; vi < sizeof variants / sizeof variants[0]; vi++)
        if (run_variant(&variants[vi], docs, nd, qs, nq))
            return 1;
    run_pairs();
    return 0;
}
