/*
 * test_textz.c - compressed stored text (analyzer/kofts_textz.h): pack/unpack round
 * trips (Korean prose, ASCII, long and incompressible text), what stays plain TEXT,
 * malformed BLOBs refused (bad magic, truncated, checksum mismatch, corrupt data,
 * trailing bytes), and the SQL function kofts_text() on BLOB, TEXT and NULL; a trained
 * dictionary (T30-T38): what it takes to train one, frames that need it, kofts_text()
 * reading it from doc_dict or naming it when it is missing.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_textz.h"
#include "kofts_util.h"
#include "../kofts_check.h"

/* Pack then unpack text[0..len); expect pack's result want (0 BLOB, 1 plain TEXT). */
static void round_trip(const char *id, const char *text, size_t len, int want)
{
    kofts_buf z = {0};
    int rc = kofts_textz_pack(&z, text, len, NULL);
    CHECK(id, rc == want, "pack returned %d, expected %d", rc, want);
    if (rc == 0) {
        char *out = NULL;
        size_t n = 0;
        CHECK(id, z.len < len, "BLOB of %zu bytes for %zu bytes of text", z.len, len);
        rc = kofts_textz_unpack(z.data, z.len, &out, &n);
        CHECK(id, rc == 0 && n == len && memcmp(out, text, len) == 0 && out[n] == '\0',
              "unpack rc %d, %zu bytes (expected %zu), equal %d", rc, n, len,
              out && n == len && memcmp(out, text, len) == 0);
        sqlite3_free(out);
    } else {
        CHECK(id, z.len == 0, "plain TEXT but out holds %zu bytes", z.len);
    }
    kofts_buf_free(&z);
}

/* Unpacking z[0..n) must fail with KOFTS_EINVAL and leave *out NULL. */
static void refused(const char *id, const void *z, size_t n)
{
    char *out = (char *)"x";
    size_t len = 7;
    int rc = kofts_textz_unpack(z, n, &out, &len);
    CHECK(id, rc == KOFTS_EINVAL && out == NULL && len == 0, "rc %d, out %p", rc, (void *)out);
}

static void malformed(const kofts_buf *good)
{
    unsigned char *b = malloc(good->len + 8);
    memcpy(b, good->data, good->len);
    refused("T10_empty", b, 0);
    refused("T11_header_only", b, 6);
    b[0] ^= 0xff;
    refused("T12_bad_magic", b, good->len);
    memcpy(b, good->data, good->len);
    refused("T13_truncated", b, good->len - 5);
    b[good->len - 1] ^= 0x01; /* the content checksum */
    refused("T14_checksum_mismatch", b, good->len);
    memcpy(b, good->data, good->len);
    for (size_t i = good->len / 2; i < good->len / 2 + 16; i++)
        b[i] = (unsigned char)(b[i] ^ 0xa5);
    refused("T15_corrupt_data", b, good->len);
    memcpy(b, good->data, good->len);
    b[good->len] = 0;
    refused("T16_trailing_bytes", b, good->len + 1);
    memcpy(b + good->len, good->data, 8);
    refused("T17_second_frame_start", b, good->len + 8);
    free(b);
}

static void sql_function(const kofts_buf *good, const char *text)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK || kofts_textz_register(db) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT kofts_text(?1), typeof(kofts_text(?1))", -1, &st, NULL)) {
        CHECK("T20_sql_setup", 0, "%s", db ? sqlite3_errmsg(db) : "no db");
        goto done;
    }
    sqlite3_bind_blob(st, 1, good->data, (int)good->len, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    const char *got = (const char *)sqlite3_column_text(st, 0);
    const char *type = (const char *)sqlite3_column_text(st, 1);
    CHECK("T20_sql_blob",
          rc == SQLITE_ROW && got && strcmp(got, text) == 0 && strcmp(type, "text") == 0,
          "rc %d type %s", rc, type ? type : "?");
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, "평문 그대로", -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    got = (const char *)sqlite3_column_text(st, 0);
    CHECK("T21_sql_text", rc == SQLITE_ROW && got && strcmp(got, "평문 그대로") == 0, "rc %d", rc);
    sqlite3_reset(st);
    sqlite3_bind_null(st, 1);
    rc = sqlite3_step(st);
    CHECK("T22_sql_null", rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_NULL, "rc %d",
          rc);
    sqlite3_reset(st);
    sqlite3_bind_blob(st, 1, "kz\x05\0\0\0garbage", 13, SQLITE_STATIC);
    rc = sqlite3_step(st);
    CHECK("T23_sql_corrupt",
          rc == SQLITE_ERROR &&
              strcmp(sqlite3_errmsg(db), "kofts_text: corrupt compressed text") == 0,
          "rc %d: %s", rc, sqlite3_errmsg(db));
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* Text like an archive's short articles: n sentences drawn by x from a small vocabulary. */
static void article(kofts_buf *b, unsigned *x, int n)
{
    static const char *const w[] = {"정부는",   "서울시",   "위원회가", "예산안을",  "발표했다.",
                                    "주민들은", "회의에서", "지난해",   "올해",      "계획을",
                                    "밝혔다.",  "시민",     "단체가",   "요구했다.", "국회는"};
    b->len = 0;
    for (int i = 0; i < n; i++) {
        *x = *x * 1103515245u + 12345u;
        kofts_buf_printf(b, "%s %u월 %s ", w[(*x >> 16) % 15], (*x >> 8) % 12 + 1,
                         w[(*x >> 20) % 15]);
    }
}

/*
 * kofts_text() in SQL over z, one's text compressed with dictionary id: an error naming
 * the dictionary while doc_dict lacks it, the text once doc_dict holds dict.
 */
static void dictionary_sql(const kofts_buf *z, const kofts_buf *one, const kofts_buf *dict,
                           unsigned id)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc;
    char want[200];
    snprintf(want, sizeof want,
             "kofts_text: compressed text needs dictionary %u, which the index does not hold "
             "(doc_dict)",
             id);
    if (sqlite3_open(":memory:", &db) != SQLITE_OK || kofts_textz_register(db) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT kofts_text(?1)", -1, &st, NULL)) {
        CHECK("T36_sql_setup", 0, "%s", db ? sqlite3_errmsg(db) : "no db");
        goto done;
    }
    sqlite3_bind_blob(st, 1, z->data, (int)z->len, SQLITE_STATIC);
    rc = sqlite3_step(st);
    CHECK("T36_sql_names_missing_dict", rc == SQLITE_ERROR && strcmp(sqlite3_errmsg(db), want) == 0,
          "rc %d: %s", rc, sqlite3_errmsg(db));
    sqlite3_reset(st);
    char *sql = sqlite3_mprintf("CREATE TABLE doc_dict(id INTEGER PRIMARY KEY, dict BLOB NOT "
                                "NULL); INSERT INTO doc_dict VALUES(%u, x'00')",
                                id);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    sqlite3_stmt *ins = NULL;
    sqlite3_prepare_v2(db, "UPDATE doc_dict SET dict=?1", -1, &ins, NULL);
    sqlite3_bind_blob(ins, 1, dict->data, (int)dict->len, SQLITE_STATIC);
    sqlite3_step(ins);
    sqlite3_finalize(ins);
    rc = sqlite3_step(st);
    const char *got = (const char *)sqlite3_column_text(st, 0);
    CHECK("T37_sql_reads_doc_dict",
          rc == SQLITE_ROW && got && strlen(got) == one->len &&
              memcmp(got, one->data, one->len) == 0,
          "rc %d: %s", rc, sqlite3_errmsg(db));
    sqlite3_reset(st);
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static void dictionary(void)
{
    kofts_buf samples = {0}, one = {0}, dict = {0}, z = {0}, plainz = {0};
    size_t sizes[300];
    unsigned x = 7, id = 0, id2 = 0;
    kofts_textz_slot *slot = NULL, *other = NULL; /* two writers' slots */
    if (kofts_textz_slot_new(&slot) || kofts_textz_slot_new(&other)) {
        CHECK("T30_slots", 0, "out of memory");
        goto done;
    }
    for (int i = 0; i < 300; i++) {
        article(&one, &x, 20 + i % 20);
        sizes[i] = one.len;
        kofts_buf_append(&samples, one.data, one.len);
    }
    int rc = kofts_textz_train(&dict, &id, samples.data, sizes, 10);
    CHECK("T30_too_few_samples", rc == 1 && dict.len == 0 && id == 0, "rc %d", rc);
    rc = kofts_textz_train(&dict, &id, samples.data, sizes, 300);
    CHECK("T31_trained", rc == 0 && id != 0 && dict.len > 0 && dict.len <= samples.len / 16,
          "rc %d id %u %zu bytes of %zu", rc, id, dict.len, samples.len);
    if (rc)
        goto done;
    article(&one, &x, 12); /* a new text, not a sample */
    rc = kofts_textz_pack(&plainz, one.data, one.len, slot);
    CHECK("T32_pack_plain", rc == 0, "rc %d", rc);
    rc = kofts_textz_slot_use(slot, dict.data, dict.len, &id2);
    CHECK("T33_use_dict", rc == 0 && id2 == id, "rc %d id %u vs %u", rc, id2, id);
    rc = kofts_textz_pack(&z, one.data, one.len, other);
    CHECK("T33b_slots_apart", rc == 0 && z.len == plainz.len,
          "another slot (another writer) compressed with this one's dictionary: %zu vs %zu", z.len,
          plainz.len);
    rc = kofts_textz_pack(&z, one.data, one.len, slot);
    CHECK("T34_smaller_with_dict", rc == 0 && z.len < plainz.len, "rc %d: %zu vs %zu bytes", rc,
          z.len, plainz.len);
    char *out = NULL;
    size_t n = 0;
    rc = kofts_textz_unpack(z.data, z.len, &out, &n);
    CHECK("T35_needs_the_dict", rc == KOFTS_EINVAL && !out, "rc %d", rc);
    sqlite3_free(out);
    dictionary_sql(&z, &one, &dict, id);
    kofts_textz_slot_use(slot, NULL, 0, NULL);
    rc = kofts_textz_pack(&z, one.data, one.len, slot);
    CHECK("T38_back_to_no_dict",
          rc == 0 && z.len == plainz.len && kofts_textz_unpack(z.data, z.len, &out, &n) == 0,
          "rc %d", rc);
    sqlite3_free(out);
    CHECK("T39_not_a_dict",
          kofts_textz_slot_use(slot, "not a dictionary", 16, NULL) == KOFTS_EINVAL, "accepted");
done:
    kofts_textz_slot_free(slot);
    kofts_textz_slot_free(other);
    kofts_buf_free(&samples);
    kofts_buf_free(&one);
    kofts_buf_free(&dict);
    kofts_buf_free(&z);
    kofts_buf_free(&plainz);
}

int main(void)
{
    static const char para[] = "대한민국의 수도는 서울이다. 서울특별시는 한강을 끼고 있으며, "
                               "정부 부처 가운데 일부는 세종특별자치시로 옮겨 갔다. ";
    kofts_buf prose = {0}, ascii = {0}, noise = {0};
    for (int i = 0; i < 40; i++)
        kofts_buf_puts(&prose, para);
    for (int i = 0; i < 200; i++)
        kofts_buf_printf(&ascii, "line %d of a plain ASCII body\n", i);
    unsigned x = 12345;
    for (int i = 0; i < 4000; i++) {
        x = x * 1103515245u + 12345u;
        char c = (char)(x >> 16); /* random bytes: deflate cannot save an eighth */
        kofts_buf_append(&noise, &c, 1);
    }
    round_trip("T01_korean_prose", prose.data, prose.len, 0);
    round_trip("T02_ascii", ascii.data, ascii.len, 0);
    round_trip("T03_four_paragraphs", prose.data, 4 * strlen(para), 0);
    round_trip("T04_empty", "", 0, 1);
    round_trip("T05_short", "짧은 본문", strlen("짧은 본문"), 1);
    round_trip("T06_just_below_min", prose.data, KOFTS_TEXTZ_MIN - 1, 1);
    round_trip("T07_incompressible", noise.data, noise.len, 1);
    kofts_buf big = {0};
    for (int i = 0; i < 3000; i++) /* ~450 KB */
        kofts_buf_puts(&big, para);
    round_trip("T08_large", big.data, big.len, 0);

    kofts_buf z = {0};
    if (kofts_textz_pack(&z, prose.data, prose.len, NULL) == 0) {
        malformed(&z);
        sql_function(&z, prose.data);
    } else {
        CHECK("T09_pack", 0, "prose was not packed");
    }
    kofts_buf_free(&z);
    dictionary();
    kofts_buf_free(&big);
    kofts_buf_free(&prose);
    kofts_buf_free(&ascii);
    kofts_buf_free(&noise);
    printf("%s: %d failure(s)\n", kofts_check_failures ? "FAIL" : "ok", kofts_check_failures);
    return kofts_check_failures ? 1 : 0;
}
