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
#include <time.h>

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

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"query", no_argument, NULL, 'q'},
                                         {"bigram", no_argument, NULL, 'b'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"count", no_argument, NULL, 'c'},
                                         {"version", no_argument, NULL, 'V'},
                                         {NULL, 0, NULL, 0}};
    int json = 0, query = 0, bigram = 0, count = 0, c, rc = 0;
    kofts_analyzer *a = NULL;
    kofts_buf in = {0};
    print_ctx pc = {0};
    while ((c = getopt_long(argc, argv, "jqbchV", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            json = 1;
            break;
        case 'q':
            query = 1;
            break;
        case 'b':
            bigram = 1;
            break;
        case 'c':
            count = 1;
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
    if (optind < argc) {
        for (int i = optind; i < argc; i++) {
            if (i > optind)
                kofts_buf_append(&in, " ", 1);
            kofts_buf_puts(&in, argv[i]);
        }
    } else {
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
            if (kofts_buf_append(&in, chunk, n)) {
                fprintf(stderr, "kofts-analyze: out of memory\n");
                rc = 1;
                goto done;
            }
    }
    if (kofts_analyzer_new(&a)) {
        fprintf(stderr, "kofts-analyze: cannot create the analyzer\n");
        rc = 1;
        goto done;
    }
    pc.json = json;
    pc.count_only = count;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pc.text = in.data ? in.data : "";
    int arc = kofts_analyzer_run(a, bigram ? KOFTS_MODE_BIGRAM : KOFTS_MODE_WORD,
                                 query ? KOFTS_ANALYZE_QUERY : 0, pc.text, in.len, on_token, &pc);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (arc) {
        fprintf(stderr, "kofts-analyze: %s\n", kofts_analyzer_errmsg(a));
        rc = 1;
    }
    if (count) {
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("%zu tokens from %zu bytes in %.3f s (%.1f MB/s)\n", pc.ntokens, in.len, secs,
               secs > 0 ? (double)in.len / 1e6 / secs : 0.0);
    }
    if (pc.out.len)
        fwrite(pc.out.data, 1, pc.out.len, stdout);
done:
    kofts_analyzer_free(a);
    kofts_buf_free(&in);
    kofts_buf_free(&pc.out);
    return rc;
}
