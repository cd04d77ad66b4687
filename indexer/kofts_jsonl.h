/*
 * kofts_jsonl.h - JSON-lines dumps (.jsonl, .ndjson, optionally gzip'd) to documents.
 *
 * Reading and parsing are split so that one thread can read a dump while workers
 * parse its lines:
 *
 *   kofts_jsonl_reader (zlib gzread, plain files too) --> one line at a time, at most
 *   max_line bytes held (longer lines are skipped, never buffered whole)
 *   --> kofts_jsonl_parse (cJSON) on a worker --> kofts_doc
 *
 * Record fields: id (required; string or integer), title, body|text|content,
 * category|categories and tags (string or list), date, excerpt, url.
 */
#ifndef KOFTS_JSONL_H
#define KOFTS_JSONL_H

#include <stddef.h>
#include <stdint.h>

#include "kofts_doc.h"

typedef struct kofts_jsonl_reader kofts_jsonl_reader;

/*
 * Open path ("-" = standard input) for reading lines of at most max_line bytes.
 * On success *out belongs to the caller (kofts_jsonl_close). On failure returns
 * KOFTS_EIO with a malloc'd reason in *errmsg (caller frees) or KOFTS_ENOMEM.
 */
int kofts_jsonl_open(kofts_jsonl_reader **out, const char *path, size_t max_line, char **errmsg);

/*
 * Read the next line (without its '\n'). Returns 1 and sets *line, *len (borrowed
 * until the next call) and *lineno (1-based); 0 at the end; KOFTS_EIO on a read or
 * decompression error (reason in kofts_jsonl_errmsg). A line longer than max_line
 * is read past and returned with *too_long = 1 and *len = 0.
 */
int kofts_jsonl_next(kofts_jsonl_reader *r, const char **line, size_t *len, long *lineno,
                     int *too_long);

/* Content hash of everything read so far (the whole file once next returned 0). */
uint64_t kofts_jsonl_hash(const kofts_jsonl_reader *r);

/* Bytes of (decompressed) input read so far. */
uint64_t kofts_jsonl_bytes(const kofts_jsonl_reader *r);

/* Last error text; borrowed, valid until the next call. */
const char *kofts_jsonl_errmsg(const kofts_jsonl_reader *r);

/* Close; NULL is allowed. */
void kofts_jsonl_close(kofts_jsonl_reader *r);

/*
 * Hash a whole file exactly as a reader would (for the unchanged-content check)
 * without splitting lines. Returns 0 or KOFTS_EIO (*errmsg as for open).
 */
int kofts_jsonl_hash_file(const char *path, uint64_t *hash, char **errmsg);

/*
 * Parse one raw line (bytes as read) into d. path/lineno name it in messages (dg).
 * Returns 0, 1 for a blank line (nothing to index, no message), KOFTS_EINVAL when
 * the record is skipped (message recorded), KOFTS_ENOMEM.
 */
int kofts_jsonl_parse(kofts_doc *d, kofts_diag *dg, const char *path, long lineno, const char *line,
                      size_t len);

/*
 * The fields kofts reads from a record (README "JSON lines"): id; title; body, else text,
 * else content; excerpt; url; categories, else category; tags; date.
 */
#define KOFTS_JSONL_FIELDS                                                                         \
    "id, title, body|text|content, excerpt, url, categories|category, tags, date"

/*
 * kofts_jsonl_parse that also adds to ignored ('\n'-separated, each name once, at most
 * KOFTS_JSONL_MAX_IGNORED names, control bytes shown as '?') the top-level fields of the
 * record that were not read: unknown names, and text/content/category when body/
 * categories won. ignored may be NULL.
 */
#define KOFTS_JSONL_MAX_IGNORED 32
int kofts_jsonl_parse_ex(kofts_doc *d, kofts_diag *dg, const char *path, long lineno,
                         const char *line, size_t len, kofts_buf *ignored);

/* Add the names of ignored ('\n'-separated) to into, each name once (bounded as above). */
int kofts_jsonl_merge_ignored(kofts_buf *into, const char *ignored, size_t len);

#endif /* KOFTS_JSONL_H */
