/*
 * main.c - kofts-index: batch-index a Korean article archive into a kofts index.
 *
 * Parses the command line (getopt_long, one option table that also prints --help)
 * and hands over to kofts_index_run.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kofts_analyzer.h"
#include "kofts_cli.h"
#include "kofts_index.h"
#include "kofts_util.h"

#define DEFAULT_MAX_FILE_SIZE (32u * 1024 * 1024)

/* Long-only options (the rest use their short letter as key). */
enum {
    OPT_DB = KOFTS_CLI_LONG,
    OPT_FULL,
    OPT_MAX_FILE_SIZE,
    OPT_BATCH,
    OPT_JSON,
    OPT_KEEP_MISSING,
    OPT_GENERATE,
    OPT_BACKEND,
    OPT_SHARDS,
    OPT_EXCLUDE,
    OPT_DRAFTS,
    OPT_OPTIMIZE,
};

#define FIRST_PER_REASON 3 /* messages of one kind shown before they are only counted */

/* The one option table: parsing, --help, the man page and bash completion come from it. */
static const kofts_cli_opt options[] = {
    {"db", OPT_DB, "FILE", "index file (default: $KOFTS_DB, else kofts.db)", "@file"},
    {"jobs", 'j', "N", "parse/analyse threads (default: cores)", NULL},
    {"full", OPT_FULL, NULL, "rebuild the index from scratch", NULL},
    {"keep-missing", OPT_KEEP_MISSING, NULL,
     "keep documents of files deleted from a SOURCE folder (default: remove)", NULL},
    {"prune", 'p', NULL,
     "also remove documents of files not indexed now (excluded, skipped, outside SOURCE)", NULL},
    {"strict", 's', NULL, "exit 1 when anything was skipped", NULL},
    {"quiet", 'q', NULL, "no progress line and no summary (messages still shown)", NULL},
    {"verbose", 'v', NULL, "show every message (default: the first 3 of each kind, then a count)",
     NULL},
    {"format", 'f', "FMT", "auto|post|jsonl|text (default: auto)", "auto post jsonl text"},
    {"max-file-size", OPT_MAX_FILE_SIZE, "BYTES",
     "skip larger files/JSONL lines; k/M/G suffix (default: 32M)", NULL},
    {"batch", OPT_BATCH, "N", "documents per transaction (default: 1000)", NULL},
    {"json", OPT_JSON, NULL, "also print the summary as JSON on stdout", NULL},
    {"backend", OPT_BACKEND, "NAME",
     "fts5 (one SQLite file) or xapian (shards); default: the existing index's, else fts5",
     "fts5 xapian"},
    {"shards", OPT_SHARDS, "N", "xapian: shards written in parallel (default: cores; kept later)",
     NULL},
    {"exclude", OPT_EXCLUDE, "GLOB",
     "leave out files and folders whose path or name matches GLOB (repeatable)", NULL},
    {"drafts", OPT_DRAFTS, NULL, "Jekyll site: index _drafts/ too", NULL},
    {"optimize", OPT_OPTIMIZE, NULL, "compact the index after the run (a first build always does)",
     NULL},
    {"generate", OPT_GENERATE, "WHAT", "print the man page (man) or bash completion (bash)",
     "man bash"},
    {"help", 'h', NULL, "show this help", NULL},
    {"version", 'V', NULL, "show the version", NULL},
};

static const kofts_cli_section sections[] = {
    {"JSON LINES",
     "One JSON object per line. Read: id (string or number, required; a later record\n"
     "with the same id wins), title, body (else text, else content), excerpt, url,\n"
     "categories (list or string; else category), tags (list or string), date\n"
     "(YYYY-MM-DD, times allowed). Other fields are not read; the names of a file's\n"
     "unread fields are reported once per file.",
     0},
    {"WHAT IS SKIPPED",
     "Not read, silently: hidden files and folders (.git, .jekyll-cache: not content),\n"
     "_site/ (Jekyll's generated copy of the posts: every post would count twice) and,\n"
     "in folders, files of other types (images, CSS...: counted, and named when nothing\n"
     "was indexed). Reported and skipped: symlinks pointing outside SOURCE (an archive\n"
     "must not pull in other trees), broken symlinks and loops, devices and FIFOs, files\n"
     "over --max-file-size, binary and empty files, invalid JSON lines. Identical\n"
     "messages are shown 3 times, then counted at the end (-v shows all).\n"
     "\n"
     "Documents of files deleted from a SOURCE folder are removed (--keep-missing keeps\n"
     "them); files outside the SOURCEs named are never touched without --prune.",
     1},
    {"EXIT STATUS",
     "0 ok (skipped inputs are reported), 1 fatal error, interrupted, or --strict with\n"
     "skips, 2 usage error.",
     1},
    {"ENVIRONMENT", "  KOFTS_DB  the index file when --db is not given", 1},
    {"SEE ALSO", "kofts-search(1), kofts(7)", 0},
};

static const kofts_cli_spec spec = {
    .prog = "kofts-index",
    .purpose = "index a Korean article archive for kofts-search",
    .synopsis = "[OPTION]... SOURCE...",
    .description = "Index posts (.md .markdown .html .htm), JSON lines (.jsonl .ndjson [.gz]) and\n"
                   "text files (.txt) into a kofts index. SOURCE is a file, a folder (walked\n"
                   "recursively; hidden folders and _site/ skipped) or - for JSON lines on stdin.\n"
                   "A folder holding _config.yml is read as a Jekyll site, the way Jekyll reads\n"
                   "it: posts, collection documents and pages only, each with its site URL.",
    .opts = options,
    .n_opts = sizeof options / sizeof options[0],
    .operands = "@file",
    .sections = sections,
    .n_sections = sizeof sections / sizeof sections[0],
};

/* Strict number parsing: digits only (with an optional k/M/G suffix when allowed). */
static int parse_num(const char *s, int suffix, unsigned long long *out)
{
    char *end = NULL;
    if (!*s || *s == '-' || *s == '+')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    if (suffix && *end) {
        unsigned long long m = 1;
        switch (*end) {
        case 'k':
        case 'K':
            m = 1024ULL;
            break;
        case 'm':
        case 'M':
            m = 1024ULL * 1024;
            break;
        case 'g':
        case 'G':
            m = 1024ULL * 1024 * 1024;
            break;
        default:
            return -1;
        }
        if (v > ~0ULL / m)
            return -1;
        v *= m;
        end++;
    }
    if (*end)
        return -1;
    *out = v;
    return 0;
}

/* What the program adds to the library's options. */
typedef struct {
    kofts_index_opts o;
    int strict, quiet, verbose, json;
} prog_opts;

/* The options that take a number, with their bounds and the message for a bad value. */
static const struct {
    int opt;
    int suffix; /* a size: K/M/G suffixes allowed */
    unsigned long long lo, hi;
    const char *name, *wants;
} num_opts[] = {
    {'j', 0, 1, 256, "--jobs", "a number from 1 to 256"},
    {OPT_MAX_FILE_SIZE, 1, 1, 1ULL << 40, "--max-file-size", "a size such as 1048576 or 64M"},
    {OPT_BATCH, 0, 1, 10000000, "--batch", "a number from 1 to 10000000"},
    {OPT_SHARDS, 0, 1, 64, "--shards", "a number from 1 to 64"},
};

/* Apply a number option c to p: 0, 2 after a usage error, or -1 when c takes no number. */
static int apply_number_option(prog_opts *p, int c, const char *arg)
{
    kofts_index_opts *o = &p->o;
    for (size_t i = 0; i < sizeof num_opts / sizeof *num_opts; i++) {
        if (num_opts[i].opt != c)
            continue;
        unsigned long long v;
        if (parse_num(arg, num_opts[i].suffix, &v) || v < num_opts[i].lo || v > num_opts[i].hi)
            return kofts_cli_usage_error(&spec, "%s wants %s, not '%s'", num_opts[i].name,
                                         num_opts[i].wants, arg);
        if (c == 'j')
            o->jobs = (int)v;
        else if (c == OPT_MAX_FILE_SIZE)
            o->max_file_size = (size_t)v;
        else if (c == OPT_BATCH)
            o->batch_docs = (long long)v;
        else
            o->shards = (int)v;
        return 0;
    }
    return -1;
}

/* --format's value into o: 0, or 2 after a usage error. */
static int apply_format(kofts_index_opts *o, const char *arg)
{
    static const struct {
        const char *name;
        kofts_format fmt;
    } fmts[] = {{"auto", KOFTS_FMT_AUTO},
                {"post", KOFTS_FMT_POST},
                {"jsonl", KOFTS_FMT_JSONL},
                {"text", KOFTS_FMT_TEXT}};
    for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++)
        if (!strcmp(arg, fmts[i].name)) {
            o->format = fmts[i].fmt;
            return 0;
        }
    return kofts_cli_usage_error(&spec, "--format wants auto, post, jsonl or text, not '%s'", arg);
}

/* Apply one option to p. Returns 0, or an exit status (2 usage error) to stop with. */
static int apply_option(prog_opts *p, int c, const char *arg)
{
    kofts_index_opts *o = &p->o;
    int rc = apply_number_option(p, c, arg);
    if (rc >= 0)
        return rc;
    switch (c) {
    case OPT_DB:
        o->db = arg;
        break;
    case OPT_FULL:
        o->full = 1;
        break;
    case 'p':
        o->prune = 1;
        break;
    case OPT_KEEP_MISSING:
        o->keep_missing = 1;
        break;
    case 's':
        p->strict = 1;
        break;
    case 'q':
        p->quiet = 1;
        break;
    case 'v':
        p->verbose = 1;
        break;
    case OPT_JSON:
        p->json = 1;
        break;
    case 'f':
        return apply_format(o, arg);
    case OPT_BACKEND:
        if (strcmp(arg, "fts5") != 0 && strcmp(arg, "xapian") != 0)
            return kofts_cli_usage_error(&spec, "--backend wants fts5 or xapian, not '%s'", arg);
        o->backend = arg;
        break;
    case OPT_EXCLUDE: {
        static const char *globs[256]; /* argv strings, live for the run */
        if (o->n_exclude >= (int)(sizeof globs / sizeof *globs))
            return kofts_cli_usage_error(&spec, "--exclude: at most 256 patterns");
        globs[o->n_exclude++] = arg;
        o->exclude = globs;
        break;
    }
    case OPT_DRAFTS:
        o->drafts = 1;
        break;
    case OPT_OPTIMIZE:
        o->optimize = 1;
        break;
    default:
        return 2;
    }
    return 0;
}

/* 1 when a SOURCE is "-" (standard input). */
static int reads_stdin(char *const *sources, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(sources[i], "-") == 0)
            return 1;
    return 0;
}

/* ---- the console: progress line, messages grouped by kind ---- */

typedef struct {
    char *reason;
    long long n;
} group;

typedef struct {
    int progress;   /* draw a progress line (stderr is a terminal, no -q) */
    int line_shown; /* the progress line is on screen: clear it before any message */
    int verbose;
    group *groups;
    size_t ngroups, cap;
    int oom;
} console;

static void clear_line(console *k)
{
    if (k->line_shown) {
        fputs("\r\033[K", stderr);
        k->line_shown = 0;
    }
}

/* Count one more message of this kind; returns the count so far (0 when out of memory). */
static long long count_reason(console *k, const char *reason)
{
    for (size_t i = 0; i < k->ngroups; i++)
        if (strcmp(k->groups[i].reason, reason) == 0)
            return ++k->groups[i].n;
    group *g = kofts_grow(k->groups, &k->cap, k->ngroups + 1, sizeof *g);
    if (!g)
        return 0;
    k->groups = g;
    if (!(k->groups[k->ngroups].reason = strdup(reason)))
        return 0;
    k->groups[k->ngroups].n = 1;
    return k->ngroups++, 1;
}

static void on_report(void *arg, const kofts_index_event *ev)
{
    console *k = arg;
    const kofts_index_stats *st = ev->stats;
    if (ev->kind == KOFTS_INDEX_PROGRESS) {
        if (!k->progress)
            return;
        double mbs = st->seconds > 0 ? (double)st->bytes / 1e6 / st->seconds : 0;
        double eta = mbs > 0 && st->total_bytes > st->bytes
                         ? (double)(st->total_bytes - st->bytes) / 1e6 / mbs
                         : 0;
        if (st->compacting)
            fprintf(stderr, "\r\033[Kkofts-index: %lld/%lld files; compacting the index...",
                    st->files_done, st->total_files);
        else
            fprintf(stderr, "\r\033[Kkofts-index: %lld/%lld files, %.1f MB/s, ETA %.0f s",
                    st->files_done, st->total_files, mbs, eta);
        fflush(stderr);
        k->line_shown = 1;
        return;
    }
    long long n = ev->kind == KOFTS_INDEX_MESSAGE ? count_reason(k, ev->reason) : 0;
    if (ev->kind == KOFTS_INDEX_MESSAGE && !k->verbose && n > FIRST_PER_REASON)
        return;
    clear_line(k);
    fprintf(stderr, "kofts-index: %s\n", ev->text);
}

/* The kinds of message shown only FIRST_PER_REASON times, with their counts. */
static void print_groups(console *k)
{
    for (size_t i = 0; i < k->ngroups; i++) {
        if (!k->verbose && k->groups[i].n > FIRST_PER_REASON)
            fprintf(stderr, "kofts-index: %lld × %s (%d shown; -v shows all)\n", k->groups[i].n,
                    k->groups[i].reason, FIRST_PER_REASON);
        free(k->groups[i].reason);
    }
    free(k->groups);
}

/* Even with -q: a run that indexed nothing says why. */
static void explain_empty(const kofts_index_stats *st)
{
    if (st->indexed + st->updated + st->unchanged > 0)
        return;
    if (st->skipped > 0)
        fprintf(stderr,
                "kofts-index: nothing indexed: every input (%lld) was skipped, see the "
                "messages above\n",
                st->skipped);
    else if (st->ignored_files > 0)
        fprintf(stderr,
                "kofts-index: nothing indexed: no posts (.md .markdown .html .htm), "
                "JSON lines (.jsonl .ndjson) or .txt files in SOURCE, only %lld files "
                "of other types (--format reads them as one of these)\n",
                st->ignored_files);
    else
        fprintf(stderr, "kofts-index: nothing indexed: no input files in SOURCE\n");
}

/* ", left out N (...)" when site rules left documents out quietly, else "". */
static const char *left_out_note(long long n)
{
    static char note[96];
    if (n <= 0)
        return "";
    snprintf(note, sizeof note, ", left out %lld (published: false or Liquid only)", n);
    return note;
}

static void print_summary(const prog_opts *p, const kofts_index_stats *st)
{
    double mbs = st->seconds > 0 ? (double)st->bytes / 1e6 / st->seconds : 0;
    if (st->gone_files > 0 && !p->quiet)
        fprintf(stderr,
                "kofts-index: removed the documents of %lld deleted file%s "
                "(--keep-missing keeps them)\n",
                st->gone_files, st->gone_files == 1 ? "" : "s");
    if (!p->quiet || st->interrupted)
        fprintf(stderr,
                "kofts-index: indexed %lld, updated %lld, unchanged %lld, removed %lld, "
                "skipped %lld, warnings %lld%s in %.2f s (%.2f MB/s)\n",
                st->indexed, st->updated, st->unchanged, st->removed, st->skipped, st->warnings,
                left_out_note(st->left_out), st->seconds, mbs);
    if (p->json)
        printf("{\"indexed\":%lld,\"updated\":%lld,\"unchanged\":%lld,\"removed\":%lld,"
               "\"gone_files\":%lld,\"skipped\":%lld,\"warnings\":%lld,\"left_out\":%lld,"
               "\"ignored_files\":%lld,"
               "\"seconds\":%.3f,\"bytes\":%lld,\"mb_per_s\":%.3f,\"jobs\":%d,"
               "\"cpu_workers_s\":%.3f,\"cpu_writer_s\":%.3f,\"interrupted\":%s}\n",
               st->indexed, st->updated, st->unchanged, st->removed, st->gone_files, st->skipped,
               st->warnings, st->left_out, st->ignored_files, st->seconds, st->bytes, mbs,
               p->o.jobs, st->cpu_workers_s, st->cpu_writer_s, st->interrupted ? "true" : "false");
}

/* Run the library with the console attached; returns the exit status. */
static int run(prog_opts *p, char *const *sources, int n)
{
    console k = {0};
    kofts_index_stats st;
    k.progress = !p->quiet && isatty(2);
    k.verbose = p->verbose;
    p->o.count_totals = k.progress;
    p->o.report = on_report;
    p->o.report_arg = &k;
    int rc = kofts_index_run(&p->o, sources, n, &st);
    clear_line(&k);
    print_groups(&k);
    if (rc == KOFTS_ESTOP)
        fprintf(stderr, "kofts-index: interrupted; every committed batch is saved, run again "
                        "to finish\n");
    if (rc == 0 || rc == KOFTS_ESTOP)
        print_summary(p, &st);
    if (rc == 0)
        explain_empty(&st);
    return rc != 0 || (p->strict && st.skipped > 0) ? 1 : 0;
}

int main(int argc, char **argv)
{
    int rc = 0, c;
    kofts_cli cli;
    prog_opts p;
    memset(&p, 0, sizeof p);
    /* SIGINT/SIGTERM wait until kofts_index_run has its handlers (it unblocks them), so
     * a Ctrl-C during start-up is a clean stop, never a death mid-way. */
    sigset_t stop_sigs;
    sigemptyset(&stop_sigs);
    sigaddset(&stop_sigs, SIGINT);
    sigaddset(&stop_sigs, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop_sigs, NULL);
    const char *env_db = getenv("KOFTS_DB");
    p.o.db = env_db && *env_db ? env_db : "kofts.db";
    long nc = sysconf(_SC_NPROCESSORS_ONLN);
    p.o.jobs = nc > 0 ? (int)(nc > 64 ? 64 : nc) : 1;
    p.o.max_file_size = DEFAULT_MAX_FILE_SIZE;
    p.o.batch_docs = 1000;
    if (kofts_cli_init(&cli, &spec, 0)) {
        fprintf(stderr, "kofts-index: out of memory\n");
        return 1;
    }
    while ((c = kofts_cli_next(&cli, argc, argv)) != -1) {
        if (c == KOFTS_CLI_ERROR) {
            rc = 2;
            goto done;
        } else if (c == OPT_GENERATE) {
            rc = kofts_cli_generate(&spec, optarg, KOFTS_VERSION_STRING, stdout);
            goto done;
        } else if (c == 'h') {
            kofts_cli_help(&spec, stdout);
            goto done;
        } else if (c == 'V') {
            printf("kofts-index %s (analyzer %s)\n", KOFTS_VERSION_STRING, KOFTS_ANALYZER_VERSION);
            goto done;
        } else if ((rc = apply_option(&p, c, optarg)) != 0) {
            goto done;
        }
    }
    if (optind >= argc) {
        rc = kofts_cli_usage_error(&spec, "no SOURCE given");
        goto done;
    }
    if (p.o.prune && p.o.keep_missing) {
        rc = kofts_cli_usage_error(&spec, "--prune and --keep-missing contradict each other");
        goto done;
    }
    if (p.o.format != KOFTS_FMT_AUTO && p.o.format != KOFTS_FMT_JSONL &&
        reads_stdin(argv + optind, argc - optind)) {
        rc = kofts_cli_usage_error(&spec,
                                   "standard input (-) is read as JSON lines; --format %s "
                                   "does not apply",
                                   p.o.format == KOFTS_FMT_POST ? "post" : "text");
        goto done;
    }
    rc = run(&p, argv + optind, argc - optind);
done:
    kofts_cli_free(&cli);
    return rc;
}
