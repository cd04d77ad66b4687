/*
 * kofts_analyze.c - kofts-analyze: show how the analyzer tokenises text, with byte
 * offsets, positions and token kinds (what Elasticsearch's _analyze is to its users).
 *
 *   kofts-analyze [--json] [--query] [--bigram] [TEXT...]     (stdin when no TEXT)
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_analyzer.h"
#include "kofts_lexicon.h"
#include "kofts_morph.h"
#include "kofts_util.h"

typedef struct {
    int json;
    int count_only;
    size_t ntokens;
    const char *text;
    kofts_buf out;
} print_ctx;

static int on_token(void *p, const kofts_token *t)
{
    print_ctx *pc = p;
    kofts_buf *b = &pc->out;
    pc->ntokens++;
    if (pc->count_only)
        return 0;
    if (pc->json) {
        kofts_buf_puts(b, "{\"token\":");
        kofts_buf_json_str(b, t->text, t->len);
        kofts_buf_printf(b,
                         ",\"kind\":\"%s\",\"pos\":%d,\"start\":%zu,\"end\":%zu,\"colocated\":%s,"
                         "\"source\":",
                         kofts_tok_kind_name(t->kind), t->pos, t->start_off, t->end_off,
                         t->colocated ? "true" : "false");
        kofts_buf_json_str(b, pc->text + t->start_off, t->end_off - t->start_off);
        kofts_buf_puts(b, "}\n");
    } else {
        kofts_buf_printf(b, "%4d %-11s %-20.*s [%zu,%zu) %.*s\n", t->pos,
                         kofts_tok_kind_name(t->kind), (int)t->len, t->text, t->start_off,
                         t->end_off, (int)(t->end_off - t->start_off), pc->text + t->start_off);
    }
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: kofts-analyze [OPTIONS] [TEXT...]\n"
               "Show the tokens kofts indexes for TEXT (or standard input): position, kind,\n"
               "normalised text, byte range in the input, and the input bytes it covers.\n\n"
               "  -j, --json      one JSON object per token\n"
               "  -q, --query     analyse as a query (lone particles dropped, no compound pieces)\n"
               "  -b, --bigram    bigram mode (the index's bigram column)\n"
               "  -c, --count     print only the token count and the analysis speed\n"
               "  -h, --help      this help\n"
               "  -V, --version   version, analyzer version and lexicon size\n");
}

typedef struct {
    int json, query, bigram, count;
} options;

/* Parse the options into *o. -1 to go on, else the exit status (help, version, usage). */
static int parse_args(int argc, char **argv, options *o)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"query", no_argument, NULL, 'q'},
                                         {"bigram", no_argument, NULL, 'b'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"count", no_argument, NULL, 'c'},
                                         {"version", no_argument, NULL, 'V'},
                                         {NULL, 0, NULL, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "jqbchV", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            o->json = 1;
            break;
        case 'q':
            o->query = 1;
            break;
        case 'b':
            o->bigram = 1;
            break;
        case 'c':
            o->count = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            kofts_lexicon_init();
            printf("kofts-analyze %s (%s, %zu lexicon nouns, lemmas: %s)\n", KOFTS_VERSION_STRING,
                   KOFTS_ANALYZER_VERSION, kofts_lexicon_size(), kofts_morph_source());
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    return -1;
}

/* The text to analyse: the arguments from optind joined by blanks, else all of stdin.
 * 0, or -1 out of memory. */
static int read_input(int argc, char **argv, kofts_buf *in)
{
    if (optind < argc) {
        for (int i = optind; i < argc; i++)
            if ((i > optind && kofts_buf_append(in, " ", 1)) || kofts_buf_puts(in, argv[i]))
                return -1;
        return 0;
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        if (kofts_buf_append(in, chunk, n))
            return -1;
    return 0;
}

/* Analyse in[] and print the tokens (or, with --count, their number and the speed). */
static int analyse(const options *o, const kofts_buf *in)
{
    kofts_analyzer *a = NULL;
    print_ctx pc = {0};
    int rc = 0;
    if (kofts_analyzer_new(&a)) {
        fprintf(stderr, "kofts-analyze: cannot create the analyzer\n");
        return 1;
    }
    pc.json = o->json;
    pc.count_only = o->count;
    pc.text = in->data ? in->data : "";
    double t0 = kofts_mono_s();
    int arc =
        kofts_analyzer_run(a, o->bigram ? KOFTS_MODE_BIGRAM : KOFTS_MODE_WORD,
                           o->query ? KOFTS_ANALYZE_QUERY : 0, pc.text, in->len, on_token, &pc);
    double secs = kofts_mono_s() - t0;
    if (arc) {
        fprintf(stderr, "kofts-analyze: %s\n", kofts_analyzer_errmsg(a));
        rc = 1;
    }
    if (o->count)
        printf("%zu tokens from %zu bytes in %.3f s (%.1f MB/s)\n", pc.ntokens, in->len, secs,
               secs > 0 ? (double)in->len / 1e6 / secs : 0.0);
    if (pc.out.len)
        fwrite(pc.out.data, 1, pc.out.len, stdout);
    kofts_analyzer_free(a);
    kofts_buf_free(&pc.out);
    return rc;
}

int main(int argc, char **argv)
{
    options o = {0};
    kofts_buf in = {0};
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (read_input(argc, argv, &in)) {
        fprintf(stderr, "kofts-analyze: out of memory\n");
        rc = 1;
    } else {
        rc = analyse(&o, &in);
    }
    kofts_buf_free(&in);
    return rc;
}
