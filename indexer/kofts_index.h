/*
 * kofts_index.h - the kofts-index pipeline: walk -> parse/analyse -> write.
 *
 *   main thread              --jobs worker threads           writer thread
 *   walk SOURCEs, stat,      read + clean + parse a file,    SQLite: put docs in
 *   size/mtime check,  ----> or parse a chunk of JSONL  ---->  input order, commit
 *   read JSONL into chunks   lines; analyse each column        every batch
 *            \__________ one ring of CAP items (bounded memory) _________/
 *
 * Items enter the ring with increasing sequence numbers; workers take them in order
 * and finish in any order; the writer consumes strictly in sequence, so results
 * (and messages) come out in input order and "the later record wins" holds.
 */
#ifndef KOFTS_INDEX_H
#define KOFTS_INDEX_H

#include <stddef.h>

typedef enum {
    KOFTS_FMT_AUTO = 0,
    KOFTS_FMT_POST,
    KOFTS_FMT_JSONL,
    KOFTS_FMT_TEXT
} kofts_format;

typedef struct {
    const char *db;        /* index file */
    int jobs;              /* worker threads (>= 1) */
    int full;              /* rebuild from scratch */
    int prune;             /* remove documents whose file is gone */
    int strict;            /* exit 1 when anything was skipped */
    int quiet;             /* no progress line, no summary */
    int json;              /* summary as one JSON object on stdout */
    kofts_format format;   /* input format override */
    size_t max_file_size;  /* bytes; also the longest JSONL line */
    long long batch_docs;  /* documents per transaction */
    const char *backend;   /* index backend: "fts5" (NULL) or "xapian" */
    int shards;            /* xapian: shards (0 = number of cores) */
} kofts_index_opts;

/*
 * Run the indexer over sources[0..n). Messages and the summary go to stderr.
 * Returns the process exit status: 0 ok, 1 fatal error / interrupted / --strict
 * with skips. SIGINT and SIGTERM stop it at the next batch boundary.
 */
int kofts_index_run(const kofts_index_opts *o, char *const *sources, int n);

#endif /* KOFTS_INDEX_H */
