/*
 * main.c - kofts-index: batch-index a Korean article archive into a kofts index.
 *
 * Parses the command line (getopt_long, one option table that also prints --help)
 * and hands over to kofts_index_run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kofts_analyzer.h"
#include "kofts_cli.h"
#include "kofts_index.h"

#define DEFAULT_MAX_FILE_SIZE (32u * 1024 * 1024)

/* Long-only options (the rest use their short letter as key). */
enum {
    OPT_DB = KOFTS_CLI_LONG,
    OPT_FULL,
    OPT_MAX_FILE_SIZE,
    OPT_BATCH,
    OPT_JSON,
    OPT_GENERATE,
    OPT_BACKEND,
    OPT_SHARDS,
};

/* The one option table: parsing, --help, the man page and bash completion come from it. */
static const kofts_cli_opt options[] = {
    {"db", OPT_DB, "FILE", "index file (default: $KOFTS_DB, else kofts.db)", "@file"},
    {"jobs", 'j', "N", "parse/analyse threads (default: cores)", NULL},
    {"full", OPT_FULL, NULL, "rebuild the index from scratch", NULL},
    {"prune", 'p', NULL, "remove documents whose file is gone", NULL},
    {"strict", 's', NULL, "exit 1 when anything was skipped", NULL},
    {"quiet", 'q', NULL, "no progress line and no summary", NULL},
    {"format", 'f', "FMT", "auto|post|jsonl|text (default: auto)", "auto post jsonl text"},
    {"max-file-size", OPT_MAX_FILE_SIZE, "BYTES",
     "skip larger files/JSONL lines; k/M/G suffix (default: 32M)", NULL},
    {"batch", OPT_BATCH, "N", "documents per transaction (default: 1000)", NULL},
    {"json", OPT_JSON, NULL, "also print the summary as JSON on stdout", NULL},
    {"backend", OPT_BACKEND, "NAME",
     "fts5 (one SQLite file, default) or xapian (shards + a stub file at --db)", "fts5 xapian"},
    {"shards", OPT_SHARDS, "N", "xapian: shards written in parallel (default: cores; kept later)",
     NULL},
    {"generate", OPT_GENERATE, "WHAT", "print the man page (man) or bash completion (bash)",
     "man bash"},
    {"help", 'h', NULL, "show this help", NULL},
    {"version", 'V', NULL, "show the version", NULL},
};

static const kofts_cli_section sections[] = {
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
                   "recursively; hidden folders and _site/ skipped) or - for JSON lines on stdin.",
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

/* Apply one option to o. Returns 0, or an exit status (2 usage error) to stop with. */
static int apply_option(kofts_index_opts *o, int c, const char *arg)
{
    unsigned long long v;
    switch (c) {
    case OPT_DB:
        o->db = arg;
        break;
    case 'j':
        if (parse_num(arg, 0, &v) || v < 1 || v > 256)
            return kofts_cli_usage_error(&spec, "--jobs wants a number from 1 to 256, not '%s'",
                                         arg);
        o->jobs = (int)v;
        break;
    case OPT_FULL:
        o->full = 1;
        break;
    case 'p':
        o->prune = 1;
        break;
    case 's':
        o->strict = 1;
        break;
    case 'q':
        o->quiet = 1;
        break;
    case OPT_JSON:
        o->json = 1;
        break;
    case 'f':
        if (!strcmp(arg, "auto"))
            o->format = KOFTS_FMT_AUTO;
        else if (!strcmp(arg, "post"))
            o->format = KOFTS_FMT_POST;
        else if (!strcmp(arg, "jsonl"))
            o->format = KOFTS_FMT_JSONL;
        else if (!strcmp(arg, "text"))
            o->format = KOFTS_FMT_TEXT;
        else
            return kofts_cli_usage_error(&spec,
                                         "--format wants auto, post, jsonl or text, not '%s'", arg);
        break;
    case OPT_MAX_FILE_SIZE:
        if (parse_num(arg, 1, &v) || v < 1 || v > (1ULL << 40))
            return kofts_cli_usage_error(
                &spec, "--max-file-size wants a size such as 1048576 or 64M, not '%s'", arg);
        o->max_file_size = (size_t)v;
        break;
    case OPT_BATCH:
        if (parse_num(arg, 0, &v) || v < 1 || v > 10000000)
            return kofts_cli_usage_error(
                &spec, "--batch wants a number from 1 to 10000000, not '%s'", arg);
        o->batch_docs = (long long)v;
        break;
    case OPT_BACKEND:
        if (strcmp(arg, "fts5") != 0 && strcmp(arg, "xapian") != 0)
            return kofts_cli_usage_error(&spec, "--backend wants fts5 or xapian, not '%s'", arg);
        o->backend = arg;
        break;
    case OPT_SHARDS:
        if (parse_num(arg, 0, &v) || v < 1 || v > 64)
            return kofts_cli_usage_error(&spec, "--shards wants a number from 1 to 64, not '%s'",
                                         arg);
        o->shards = (int)v;
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

int main(int argc, char **argv)
{
    int rc = 0, c;
    kofts_cli cli;
    kofts_index_opts o;
    memset(&o, 0, sizeof o);
    const char *env_db = getenv("KOFTS_DB");
    o.db = env_db && *env_db ? env_db : "kofts.db";
    long nc = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = nc > 0 ? (int)(nc > 64 ? 64 : nc) : 1;
    o.max_file_size = DEFAULT_MAX_FILE_SIZE;
    o.batch_docs = 1000;
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
        } else if ((rc = apply_option(&o, c, optarg)) != 0) {
            goto done;
        }
    }
    if (optind >= argc) {
        rc = kofts_cli_usage_error(&spec, "no SOURCE given");
        goto done;
    }
    if (o.format != KOFTS_FMT_AUTO && o.format != KOFTS_FMT_JSONL &&
        reads_stdin(argv + optind, argc - optind)) {
        rc = kofts_cli_usage_error(&spec,
                                   "standard input (-) is read as JSON lines; --format %s "
                                   "does not apply",
                                   o.format == KOFTS_FMT_POST ? "post" : "text");
        goto done;
    }
    rc = kofts_index_run(&o, argv + optind, argc - optind);
done:
    kofts_cli_free(&cli);
    return rc;
}
