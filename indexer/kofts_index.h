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

typedef enum { KOFTS_FMT_AUTO = 0, KOFTS_FMT_POST, KOFTS_FMT_JSONL, KOFTS_FMT_TEXT } kofts_format;

/* Counts of a run, filled as it goes (PROGRESS events) and at the end. */
typedef struct {
    long long indexed, updated, unchanged; /* documents */
    long long removed;                     /* documents removed (changed/deleted files, --prune) */
    long long gone_files;    /* files gone from a SOURCE whose documents were removed */
    long long skipped;       /* inputs (files or records) not indexed */
    long long warnings;      /* inputs indexed with a warning */
    long long left_out;      /* site mode: documents left out quietly (published: false,
                                pages made of Liquid only) */
    long long ignored_files; /* files of other types in SOURCE folders, not read */
    long long files_done;    /* input files finished */
    long long total_files;   /* files to read (only with count_totals, else 0) */
    long long bytes;         /* input bytes read */
    long long total_bytes;   /* bytes to read (only with count_totals, else 0) */
    double seconds;          /* wall time so far */
    double cpu_workers_s;    /* CPU seconds of the parse/analyse threads (at the end) */
    double cpu_writer_s;     /* CPU seconds of the writer thread (at the end) */
    int interrupted;         /* stopped by SIGINT/SIGTERM at a batch boundary */
    int compacting;          /* the documents are written; the index is being compacted (a
                                first build, --optimize: one PROGRESS event says so) */
} kofts_index_stats;

typedef enum {
    KOFTS_INDEX_MESSAGE,  /* a warning or skip about one input */
    KOFTS_INDEX_PROGRESS, /* counts so far (at most 4 times a second) */
    KOFTS_INDEX_ERROR     /* the run cannot go on (the run then returns < 0) */
} kofts_index_event_kind;

/* One report. Every pointer is borrowed and valid only during the callback. */
typedef struct {
    kofts_index_event_kind kind;
    const char *text;   /* MESSAGE: "PATH[:LINE]: reason" (one line); ERROR: the message */
    const char *reason; /* MESSAGE: the kind of message, with numbers, quoted names and
                           (details) left out, for grouping identical warnings:
                           "symlink points outside SOURCE, skipped" */
    const kofts_index_stats *stats; /* every kind: the counts so far */
} kofts_index_event;

/*
 * Receives every report of a run, in input order for messages. Called from the run's
 * threads, one call at a time (never concurrently); must not call back into the run.
 */
typedef void (*kofts_index_report_fn)(void *arg, const kofts_index_event *ev);

typedef struct {
    const char *db;             /* index file */
    int jobs;                   /* worker threads (>= 1) */
    int full;                   /* rebuild from scratch */
    int prune;                  /* remove documents of every file not indexed in this run that
                                   is under a SOURCE (or gone) */
    int keep_missing;           /* keep documents of files deleted from a SOURCE folder (default:
                                   remove them) */
    kofts_format format;        /* input format override */
    size_t max_file_size;       /* bytes; also the longest JSONL line */
    long long batch_docs;       /* documents per transaction */
    const char *backend;        /* "fts5" or "xapian"; NULL: the existing index's, else fts5 */
    int shards;                 /* xapian: shards (0 = number of cores) */
    int count_totals;           /* walk the SOURCEs once first to fill total_files/total_bytes */
    const char *const *exclude; /* --exclude GLOBs (borrowed), n_exclude of them */
    int n_exclude;
    int drafts;   /* site mode: index _drafts/ too */
    int optimize; /* after the run, bring the index to its compact form, as a first build
                     always does (FTS5: segments merged into one; Xapian: shards compacted) */
    kofts_index_report_fn report; /* may be NULL: nothing is reported */
    void *report_arg;
} kofts_index_opts;

/*
 * Run the indexer over sources[0..n) (files, folders, "-" for JSON lines on stdin).
 * Nothing is printed: messages, progress and errors go to o->report; the counts end up
 * in *stats (which may be NULL). SIGINT and SIGTERM stop the run at the next batch
 * boundary (every committed batch stays): the handlers are installed for the run, then
 * both signals are unblocked in the calling thread, and they are blocked again before the
 * caller's handlers come back. A program that blocks them before its own start-up work
 * (kofts-index does, first thing) thus gets a clean stop for a signal that arrives at any
 * moment, even before this call. Returns 0 when the run finished, KOFTS_ESTOP
 * when interrupted, another negative KOFTS_E* code after a fatal error (reported as an
 * ERROR event first).
 */
int kofts_index_run(const kofts_index_opts *o, char *const *sources, int n,
                    kofts_index_stats *stats);

#endif /* KOFTS_INDEX_H */
