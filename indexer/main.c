/*
 * main.c - kofts-index: batch-index a Korean article archive into a kofts index.
 *
 * Parses the command line (getopt_long, one option table that also prints --help)
 * and hands over to kofts_index_run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kofts_analyzer.h"
#include "kofts_index.h"

#define DEFAULT_MAX_FILE_SIZE (32u * 1024 * 1024)

static const struct {
    struct option opt;
    const char *arg;
    const char *help;
} options[] = {
    {{"db", required_argument, NULL, 'd'}, "FILE", "index file (default: kofts.db)"},
    {{"jobs", required_argument, NULL, 'j'}, "N", "parse/analyse threads (default: cores)"},
    {{"full", no_argument, NULL, 'F'}, NULL, "rebuild the index from scratch"},
    {{"prune", no_argument, NULL, 'p'}, NULL, "remove documents whose file is gone"},
    {{"strict", no_argument, NULL, 's'}, NULL, "exit 1 when anything was skipped"},
    {{"quiet", no_argument, NULL, 'q'}, NULL, "no progress line and no summary"},
    {{"format", required_argument, NULL, 'f'}, "FMT", "auto|post|jsonl|text (default: auto)"},
    {{"max-file-size", required_argument, NULL, 'm'}, "BYTES",
     "skip larger files/JSONL lines; k/M/G suffix (default: 32M)"},
    {{"batch", required_argument, NULL, 'b'}, "N", "documents per transaction (default: 1000)"},
    {{"json", no_argument, NULL, 'J'}, NULL, "also print the summary as JSON on stdout"},
    {{"backend", required_argument, NULL, 'B'}, "NAME",
     "fts5 (one SQLite file, default) or xapian (shards + stub file at --db)"},
    {{"shards", required_argument, NULL, 'S'}, "N",
     "xapian: shards written in parallel (default: cores; kept on later runs)"},
    {{"help", no_argument, NULL, 'h'}, NULL, "show this help"},
    {{"version", no_argument, NULL, 'V'}, NULL, "show the version"},
};
#define NOPT (sizeof options / sizeof options[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: kofts-index [OPTION]... SOURCE...\n"
               "Index posts (.md .markdown .html .htm), JSON lines (.jsonl .ndjson [.gz]) and\n"
               "text files (.txt) into a kofts index. SOURCE is a file, a folder (walked\n"
               "recursively; hidden folders and _site/ skipped) or - for JSON lines on stdin.\n\n");
    for (size_t i = 0; i < NOPT; i++) {
        char left[64];
        int c = options[i].opt.val;
        if (c == 'j' || c == 'f' || c == 'q' || c == 'h' || c == 'V' || c == 'p' || c == 's')
            snprintf(left, sizeof left, "-%c, --%s%s%s", c, options[i].opt.name,
                     options[i].arg ? " " : "", options[i].arg ? options[i].arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", options[i].opt.name,
                     options[i].arg ? " " : "", options[i].arg ? options[i].arg : "");
        fprintf(f, "  %-28s %s\n", left, options[i].help);
    }
    fprintf(f, "\nExit status: 0 ok (skipped inputs are reported), 1 fatal error, interrupted,\n"
               "or --strict with skips, 2 usage error.\n");
}

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
        case 'k': case 'K': m = 1024ULL; break;
        case 'm': case 'M': m = 1024ULL * 1024; break;
        case 'g': case 'G': m = 1024ULL * 1024 * 1024; break;
        default: return -1;
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

int main(int argc, char **argv)
{
    struct option longopts[NOPT + 1];
    kofts_index_opts o;
    unsigned long long v;
    memset(&o, 0, sizeof o);
    o.db = "kofts.db";
    long nc = sysconf(_SC_NPROCESSORS_ONLN);
    o.jobs = nc > 0 ? (int)(nc > 64 ? 64 : nc) : 1;
    o.max_file_size = DEFAULT_MAX_FILE_SIZE;
    o.batch_docs = 1000;
    for (size_t i = 0; i < NOPT; i++)
        longopts[i] = options[i].opt;
    memset(&longopts[NOPT], 0, sizeof longopts[NOPT]);

    int c;
    while ((c = getopt_long(argc, argv, "j:f:qpshV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o.db = optarg;
            break;
        case 'j':
            if (parse_num(optarg, 0, &v) || v < 1 || v > 256) {
                fprintf(stderr, "kofts-index: --jobs: expected a number from 1 to 256, got "
                                "'%s'\n", optarg);
                return 2;
            }
            o.jobs = (int)v;
            break;
        case 'F':
            o.full = 1;
            break;
        case 'p':
            o.prune = 1;
            break;
        case 's':
            o.strict = 1;
            break;
        case 'q':
            o.quiet = 1;
            break;
        case 'J':
            o.json = 1;
            break;
        case 'B':
            if (strcmp(optarg, "fts5") != 0 && strcmp(optarg, "xapian") != 0) {
                fprintf(stderr, "kofts-index: --backend: expected fts5 or xapian, got '%s'\n",
                        optarg);
                return 2;
            }
            o.backend = optarg;
            break;
        case 'S':
            if (parse_num(optarg, 0, &v) || v < 1 || v > 64) {
                fprintf(stderr, "kofts-index: --shards: expected a number from 1 to 64, got "
                                "'%s'\n", optarg);
                return 2;
            }
            o.shards = (int)v;
            break;
        case 'f':
            if (!strcmp(optarg, "auto"))
                o.format = KOFTS_FMT_AUTO;
            else if (!strcmp(optarg, "post"))
                o.format = KOFTS_FMT_POST;
            else if (!strcmp(optarg, "jsonl"))
                o.format = KOFTS_FMT_JSONL;
            else if (!strcmp(optarg, "text"))
                o.format = KOFTS_FMT_TEXT;
            else {
                fprintf(stderr, "kofts-index: --format: expected auto, post, jsonl or text, got "
                                "'%s'\n", optarg);
                return 2;
            }
            break;
        case 'm':
            if (parse_num(optarg, 1, &v) || v < 1 || v > (1ULL << 40)) {
                fprintf(stderr, "kofts-index: --max-file-size: expected a size such as 1048576 "
                                "or 64M, got '%s'\n", optarg);
                return 2;
            }
            o.max_file_size = (size_t)v;
            break;
        case 'b':
            if (parse_num(optarg, 0, &v) || v < 1 || v > 10000000) {
                fprintf(stderr, "kofts-index: --batch: expected a number from 1 to 10000000, "
                                "got '%s'\n", optarg);
                return 2;
            }
            o.batch_docs = (long long)v;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("kofts-index %s (analyzer %s)\n", KOFTS_VERSION_STRING,
                   KOFTS_ANALYZER_VERSION);
            return 0;
        default:
            fprintf(stderr, "Try 'kofts-index --help' for more information.\n");
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "kofts-index: no SOURCE given\n"
                        "Try 'kofts-index --help' for more information.\n");
        return 2;
    }
    if (o.format != KOFTS_FMT_AUTO && o.format != KOFTS_FMT_JSONL) {
        for (int i = optind; i < argc; i++) {
            if (strcmp(argv[i], "-") == 0) {
                fprintf(stderr, "kofts-index: standard input (-) is read as JSON lines; "
                                "--format %s does not apply\n",
                        o.format == KOFTS_FMT_POST ? "post" : "text");
                return 2;
            }
        }
    }
    return kofts_index_run(&o, argv + optind, argc - optind);
}
