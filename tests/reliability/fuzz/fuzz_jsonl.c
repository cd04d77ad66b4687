/*
 * fuzz_jsonl.c - libFuzzer target for kofts-index's JSON-lines reader and record
 * parser (indexer/kofts_jsonl.h).
 *
 * Input: arbitrary bytes, taken as a whole dump file.
 *   1. Reader: the bytes are written to a temp file and read back with a small
 *      max_line (64 + first byte): line numbers count up from 1; a line over the limit
 *      comes back as too_long with len 0; otherwise the lines joined with '\n' give the
 *      input back exactly (for input that is not gzip); kofts_jsonl_bytes is the size;
 *      kofts_jsonl_hash matches kofts_jsonl_hash_file.
 *   2. Parser: every '\n'-separated line through kofts_jsonl_parse: returns 0, 1 (blank)
 *      or KOFTS_EINVAL (a skip recorded); a parsed record has a non-empty id and keeps
 *      kofts_doc.h's promises; diagnostics name "path:LINE".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "fuzz_doccheck.h"
#include "kofts_doc.h"
#include "kofts_jsonl.h"
#include "kofts_util.h"

static char g_path[64];

static void cleanup(void)
{
    if (g_path[0])
        unlink(g_path);
}

static void check_reader(const uint8_t *data, size_t size)
{
    if (!g_path[0]) {
        snprintf(g_path, sizeof g_path, "/tmp/kofts-fuzz-jsonl-%ld.jsonl", (long)getpid());
        atexit(cleanup);
    }
    FILE *f = fopen(g_path, "wb");
    FUZZ_CHECK(f && fwrite(data, 1, size, f) == size && fclose(f) == 0, "temp file");
    size_t max_line = 64 + (size ? data[0] : 0);
    int gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    kofts_jsonl_reader *r = NULL;
    char *err = NULL;
    int rc = kofts_jsonl_open(&r, g_path, max_line, &err);
    FUZZ_CHECK(rc == 0, "open: %s", err ? err : "?");
    const char *line;
    size_t len, off = 0;
    long lineno, expect = 1;
    int too_long;
    while ((rc = kofts_jsonl_next(r, &line, &len, &lineno, &too_long)) == 1) {
        FUZZ_CHECK(lineno == expect, "line number %ld, expected %ld", lineno, expect);
        expect++;
        FUZZ_CHECK(!too_long || len == 0, "too_long line with len %zu", len);
        FUZZ_CHECK(len <= max_line, "line of %zu bytes > max %zu", len, max_line);
        if (gz)
            continue;
        const char *nl = memchr(data + off, '\n', size - off);
        size_t seg = nl ? (size_t)((const uint8_t *)nl - (data + off)) : size - off;
        FUZZ_CHECK(too_long == (seg > max_line), "too_long=%d for a %zu-byte line", too_long, seg);
        if (!too_long)
            FUZZ_CHECK(len == seg && memcmp(line, data + off, seg) == 0,
                       "line %ld differs from the input", lineno);
        off += seg + (nl ? 1 : 0);
    }
    if (rc == 0 && !gz) {
        FUZZ_CHECK(off == size, "read %zu of %zu bytes", off, size);
        FUZZ_CHECK(kofts_jsonl_bytes(r) == size, "bytes %llu of %zu",
                   (unsigned long long)kofts_jsonl_bytes(r), size);
    }
    if (rc == 0) {
        uint64_t h = 0;
        FUZZ_CHECK(kofts_jsonl_hash_file(g_path, &h, &err) == 0, "hash_file: %s", err ? err : "?");
        FUZZ_CHECK(h == kofts_jsonl_hash(r), "hash_file differs from the reader's hash");
    } else {
        FUZZ_CHECK(rc == KOFTS_EIO && gz, "next rc=%d on plain input", rc);
    }
    free(err);
    kofts_jsonl_close(r);
}

static void check_parser(const uint8_t *data, size_t size)
{
    static const char path[] = "dump.jsonl";
    const char *s = (const char *)data, *end = s + size;
    long lineno = 0;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
        kofts_diag dg;
        memset(&dg, 0, sizeof dg);
        kofts_doc *d = kofts_doc_new();
        FUZZ_CHECK(d != NULL, "out of memory");
        /* an exact-size copy so reads past the line are caught */
        char *line = malloc(len ? len : 1);
        FUZZ_CHECK(line != NULL, "out of memory");
        memcpy(line, s, len);
        int rc = kofts_jsonl_parse(d, &dg, path, ++lineno, line, len);
        FUZZ_CHECK(rc == 0 || rc == 1 || rc == KOFTS_EINVAL, "parse rc=%d", rc);
        if (rc == 0) {
            FUZZ_CHECK(d->id && d->id[0], "record without an id accepted");
            fuzz_check_doc(d);
        } else if (rc == KOFTS_EINVAL) {
            FUZZ_CHECK(dg.skipped > 0, "KOFTS_EINVAL without a recorded skip");
        }
        fuzz_check_diag(&dg, path);
        free(line);
        kofts_doc_free(d);
        kofts_diag_free(&dg);
        s += len + (nl ? 1 : 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_reader(data, size);
    check_parser(data, size);
    return 0;
}
