/*
 * kofts_search_main.c - the kofts-search command: one query for a person (ranked
 * list with highlighted snippets) or for a script (--json), a batch of queries for
 * evaluation and latency (--batch, TREC run or JSON lines, --passes, --timings),
 * index statistics (--stats) and --explain. All work goes through kofts_search.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kofts_cli.h"
#include "kofts_search.h"

#define PROG "kofts-search"

enum { FMT_TREC, FMT_JSON };

typedef struct {
    const char *db;
    kofts_search_opts so;
    int json, explain, stats, format, format_set, passes, partial, parallel, summary;
    kofts_weights w;
    int set_weights;
    int n_words; /* query words given (even empty ones) */
    const char *batch, *timings;
    const char *hl_open, *hl_close;
    char *hl_buf; /* owned storage behind hl_open/hl_close when --highlight is given */
} cli;

/* Long-only options (the rest use their short letter as key). */
enum {
    OPT_OFFSET = KOFTS_CLI_LONG,
    OPT_CATEGORY,
    OPT_SINCE,
    OPT_UNTIL,
    OPT_SORT,
    OPT_EXPLAIN,
    OPT_BATCH,
    OPT_FORMAT,
    OPT_STATS,
    OPT_HIGHLIGHT,
    OPT_MATCH,
    OPT_MIN_HITS,
    OPT_SNIPPET_CHARS,
    OPT_NO_SNIPPETS,
    OPT_WEIGHTS,
    OPT_PASSES,
    OPT_TIMINGS,
    OPT_PARTIAL,
    OPT_PARALLEL,
    OPT_SUMMARY,
    OPT_GENERATE,
};

#define SUMMARY_VERSION 1 /* "version" of the --summary object; bumped on incompatible change */
#define FIRST_BAD_LINES 3 /* --batch lines without a TAB reported one by one */

/* The one option table: parsing, --help, the man page and bash completion come from it. */
static const kofts_cli_opt options[] = {
    {"db", 'd', "FILE", "index to search (default $KOFTS_DB, else kofts.db)", "@file"},
    {"limit", 'n', "N", "hits to show (default 10)", NULL},
    {"offset", OPT_OFFSET, "N", "hits to skip first (paging)", NULL},
    {"json", 'j', NULL, "one JSON object per hit per line", NULL},
    {"summary", OPT_SUMMARY, NULL,
     "with --json: end with a summary object (total, reading, took_ms)", NULL},
    {"category", OPT_CATEGORY, "C", "only documents in category C", NULL},
    {"since", OPT_SINCE, "DATE", "only documents dated DATE or later (YYYY[-MM[-DD]])", NULL},
    {"until", OPT_UNTIL, "DATE", "only documents dated DATE or earlier", NULL},
    {"sort", OPT_SORT, "KEY", "relevance (default) or date (newest first)", "relevance date"},
    {"explain", OPT_EXPLAIN, NULL, "show how the query is read and what it matches; no search",
     NULL},
    {"batch", OPT_BATCH, "FILE|-", "run qid<TAB>query lines; TREC run lines or JSON out", "@file"},
    {"format", OPT_FORMAT, "FMT", "with --batch: trec (default) or json (= --json)", "trec json"},
    {"stats", OPT_STATS, NULL, "print index statistics as JSON", NULL},
    {"highlight", OPT_HIGHLIGHT, "O,C",
     "highlight markers (default bold on a terminal, [ ] otherwise)", NULL},
    {"match", OPT_MATCH, "MODE", "auto (all words, any word when too few; default), all, any",
     "auto all any"},
    {"min-hits", OPT_MIN_HITS, "N",
     "auto: fall back to any word below N all-word hits (default 10)", NULL},
    {"snippet-chars", OPT_SNIPPET_CHARS, "N", "snippet length in characters (default 120)", NULL},
    {"no-snippets", OPT_NO_SNIPPETS, NULL, "do not make snippets", NULL},
    {"weights", OPT_WEIGHTS, "W,..", "bm25 weights: title,excerpt,body,extra,tags,bigram", NULL},
    {"passes", OPT_PASSES, "N", "with --batch: run the batch N times, print the last pass", NULL},
    {"timings", OPT_TIMINGS, "FILE", "with --batch: write qid<TAB>pass<TAB>microseconds lines",
     "@file"},
    {"partial", OPT_PARTIAL, NULL,
     "xapian shards: answer from the shards that respond, warn of the others", NULL},
    {"parallel", OPT_PARALLEL, NULL,
     "xapian, 2+ local shards: match them at once, one xapian-progsrv each", NULL},
    {"generate", OPT_GENERATE, "WHAT", "print the man page (man) or bash completion (bash)",
     "man bash"},
    {"help", 'h', NULL, "show this help", NULL},
    {"version", 'V', NULL, "show the version", NULL},
};

static const kofts_cli_section sections[] = {
    {"JSON OUTPUT",
     "--json writes one object per hit and line: rank, id, score, title, date,\n"
     "categories, url, path, snippet, highlights ([start,end] byte offsets into snippet);\n"
     "with --batch also qid. --summary adds a last line\n"
     "\n"
     "  {\"type\":\"summary\",\"version\":1,\"query\":\"...\",\"total\":53,\"returned\":10,\n"
     "   \"offset\":0,\"limit\":10,\"reading\":\"all\",\"took_ms\":3.1}\n"
     "\n"
     "(per query, with qid, in --batch --format json). reading is all (every word),\n"
     "any (any word, when all words found too few) or none (nothing to search for);\n"
     "total counts every matching document. Field names are stable; version changes\n"
     "only when a field changes meaning.",
     0},
    {"OPTIONS AFTER THE QUERY",
     "Options go before the query, because -word excludes a word. A word after the\n"
     "query that is exactly a long option (--sort date, --json) is still read as that\n"
     "option; a one-letter option there (-n 5) is a query word, and a note says so.\n"
     "Everything after -- is query text.",
     1},
    {"EXIT STATUS", "0 ok (also when nothing matched), 1 runtime error, 2 usage error.", 1},
    {"ENVIRONMENT",
     "  KOFTS_DB  the index to search when --db is not given\n"
     "  NO_COLOR  when set, no terminal colours in highlights",
     1},
    {"SEE ALSO", "kofts-index(1), kofts(7)", 0},
};

static const kofts_cli_spec spec = {
    .prog = PROG,
    .purpose = "search a kofts index of Korean articles",
    .synopsis = "[OPTION]... QUERY...\n"
                "[--db FILE] --batch FILE|- [--limit N] [--format trec|json]\n"
                "[--db FILE] --stats",
    .description = "Search a kofts index. Words are all required (question words and particles\n"
                   "are not), falling back to any word when that finds too few. Operators:\n"
                   "\"exact phrase\", -word, a OR b, title:word, category:value, prefix*.\n"
                   "'*' alone (or only --category/--since/--until) lists every document,\n"
                   "newest first: browse an archive, page with --limit/--offset.\n"
                   "Put -- before a query that starts with '-'; see OPTIONS AFTER THE QUERY.",
    .opts = options,
    .n_opts = sizeof options / sizeof options[0],
    .operands = NULL,
    .sections = sections,
    .n_sections = sizeof sections / sizeof sections[0],
};

/* Usage errors in the one kofts format (cli/kofts_cli.h); the expression is exit status 2. */
#define usage_error(...) kofts_cli_usage_error(&spec, __VA_ARGS__)

static int parse_weights(const char *s, kofts_weights *w)
{
    double v[KOFTS_NCOLS];
    const char *p = s;
    for (int i = 0; i < KOFTS_NCOLS; i++) {
        char *end;
        errno = 0;
        v[i] = strtod(p, &end);
        if (errno || end == p || v[i] < 0 || v[i] > 1000)
            return -1;
        p = end;
        if (i < KOFTS_NCOLS - 1) {
            if (*p != ',')
                return -1;
            p++;
        }
    }
    if (*p)
        return -1;
    for (int i = 0; i < KOFTS_NCOLS; i++) /* the numbers come in the order users see */
        w->w[kofts_columns_listing[i]] = v[i];
    return 0;
}

/* Append categories ('\n'-separated) as a JSON array. */
static int json_list(kofts_buf *b, const char *list)
{
    int rc = kofts_buf_puts(b, "[");
    const char *p = list;
    int first = 1;
    while (!rc && *p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n)
            rc = (!first && kofts_buf_puts(b, ",")) || kofts_buf_json_str(b, p, n);
        first = first && !n;
        p += n + (e ? 1 : 0);
    }
    return rc || kofts_buf_puts(b, "]");
}

static int hit_json(kofts_buf *b, const char *qid, size_t rank, const kofts_hit *h)
{
    int rc = kofts_buf_puts(b, "{");
    if (qid)
        rc = rc || kofts_buf_puts(b, "\"qid\":") || kofts_buf_json_str(b, qid, strlen(qid)) ||
             kofts_buf_puts(b, ",");
    rc = rc || kofts_buf_printf(b, "\"rank\":%zu,\"id\":", rank) ||
         kofts_buf_json_str(b, h->id, strlen(h->id)) ||
         kofts_buf_printf(b, ",\"score\":%.6f,\"title\":", h->score) ||
         kofts_buf_json_str(b, h->title, strlen(h->title)) || kofts_buf_puts(b, ",\"date\":") ||
         kofts_buf_json_str(b, h->date, strlen(h->date)) || kofts_buf_puts(b, ",\"categories\":") ||
         json_list(b, h->categories) || kofts_buf_puts(b, ",\"url\":") ||
         kofts_buf_json_str(b, h->url, strlen(h->url)) || kofts_buf_puts(b, ",\"path\":") ||
         kofts_buf_json_str(b, h->path, strlen(h->path)) || kofts_buf_puts(b, ",\"snippet\":") ||
         kofts_buf_json_str(b, h->snippet, h->snippet_len) ||
         kofts_buf_puts(b, ",\"highlights\":[");
    for (size_t i = 0; !rc && i < h->n_spans; i++)
        rc = kofts_buf_printf(b, "%s[%zu,%zu]", i ? "," : "", h->spans[i].start_off,
                              h->spans[i].end_off);
    return rc || kofts_buf_puts(b, "]}\n");
}

/* Snippet with markers around the highlighted spans. */
static int put_snippet(kofts_buf *b, const kofts_hit *h, const char *open, const char *close)
{
    size_t at = 0;
    int rc = 0;
    for (size_t i = 0; !rc && i < h->n_spans; i++) {
        const kofts_span *sp = &h->spans[i];
        rc = kofts_buf_append(b, h->snippet + at, sp->start_off - at) || kofts_buf_puts(b, open) ||
             kofts_buf_append(b, h->snippet + sp->start_off, sp->end_off - sp->start_off) ||
             kofts_buf_puts(b, close);
        at = sp->end_off;
    }
    return rc || kofts_buf_append(b, h->snippet + at, h->snippet_len - at);
}

static int hit_human(kofts_buf *b, size_t rank, const kofts_hit *h, const cli *c, int browse)
{
    int rc = kofts_buf_printf(b, "%zu. %s\n   %s", rank, h->title[0] ? h->title : "(no title)",
                              h->url[0] ? h->url : h->id);
    if (h->date[0])
        rc = rc || kofts_buf_printf(b, " · %s", h->date);
    if (h->categories[0]) {
        rc = rc || kofts_buf_puts(b, " · ");
        for (const char *p = h->categories; !rc && *p; p++)
            rc = *p == '\n' ? kofts_buf_puts(b, ", ") : kofts_buf_append(b, p, 1);
    }
    rc =
        rc || (browse ? kofts_buf_puts(b, "\n") : kofts_buf_printf(b, " · score %.3f\n", h->score));
    if (!rc && h->snippet_len)
        rc = kofts_buf_puts(b, "   ") || put_snippet(b, h, c->hl_open, c->hl_close) ||
             kofts_buf_puts(b, "\n");
    return rc;
}

static void print_notes(const kofts_result *r)
{
    const char *p = r->notes;
    while (p && *p) {
        const char *e = strchr(p, '\n');
        int n = e ? (int)(e - p) : (int)strlen(p);
        fprintf(stderr, PROG ": note: %.*s\n", n, p);
        p += n + (e ? 1 : 0);
    }
}

/* Warnings (shards missing from the results): stderr, and a JSON line with --json. */
static void print_warnings(const kofts_result *r, const cli *c, kofts_buf *b)
{
    const char *p = r->warnings;
    while (p && *p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        fprintf(stderr, PROG ": warning: %.*s\n", (int)n, p);
        if (c->json && (kofts_buf_puts(b, "{\"warning\":") || kofts_buf_json_str(b, p, n) ||
                        kofts_buf_puts(b, "}\n")))
            return;
        p += n + (e ? 1 : 0);
    }
}

static int flush_buf(kofts_buf *b)
{
    if (b->len && fwrite(b->data, 1, b->len, stdout) != b->len)
        return -1;
    kofts_buf_clear(b);
    return 0;
}

/* How r was read: "all", "any" or "none" (nothing to search for), as kofts-serve says. */
static const char *reading_of(const kofts_result *r)
{
    return !r->expr || !r->expr[0] ? "none" : r->used_any ? "any" : "all";
}

/* The --summary object (one line); qid may be NULL. Field names are documented, stable. */
static int summary_json(kofts_buf *b, const char *qid, const char *query, const kofts_result *r,
                        const cli *c, double took_us)
{
    int rc = kofts_buf_printf(b, "{\"type\":\"summary\",\"version\":%d,", SUMMARY_VERSION);
    if (qid)
        rc = rc || kofts_buf_puts(b, "\"qid\":") || kofts_buf_json_str(b, qid, strlen(qid)) ||
             kofts_buf_puts(b, ",");
    return rc || kofts_buf_puts(b, "\"query\":") || kofts_buf_json_str(b, query, strlen(query)) ||
           kofts_buf_printf(b,
                            ",\"total\":%lld,\"returned\":%zu,\"offset\":%d,\"limit\":%d,"
                            "\"reading\":\"%s\",\"took_ms\":%.3f}\n",
                            r->total > 0 ? r->total : 0, r->n_hits, c->so.offset, c->so.limit,
                            reading_of(r), took_us / 1000.0);
}

static int run_one(kofts_search *s, cli *c, const char *query)
{
    int rc = 0;
    kofts_result *r = NULL;
    kofts_buf b = {0};
    if (c->explain) {
        if (kofts_search_explain(s, query, strlen(query), &c->so, &b)) {
            fprintf(stderr, PROG ": %s\n", kofts_search_errmsg(s));
            rc = 1;
        }
        goto done;
    }
    c->so.want_total = !c->json || c->summary;
    double t0 = kofts_mono_s() * 1e6;
    if (kofts_search_run(s, query, strlen(query), &c->so, &r)) {
        fprintf(stderr, PROG ": %s\n", kofts_search_errmsg(s));
        rc = 1;
        goto done;
    }
    double t1 = kofts_mono_s() * 1e6;
    print_notes(r);
    print_warnings(r, c, &b);
    for (size_t i = 0; i < r->n_hits; i++) {
        size_t rank = (size_t)c->so.offset + i + 1;
        if (c->json ? hit_json(&b, NULL, rank, &r->hits[i])
                    : hit_human(&b, rank, &r->hits[i], c, r->browse)) {
            rc = 1;
            goto done;
        }
    }
    if (c->json && c->summary && summary_json(&b, NULL, query, r, c, t1 - t0)) {
        rc = 1;
        goto done;
    }
    if (!c->json) {
        if (r->n_hits)
            kofts_buf_printf(&b, "%zu–%zu of %lld hits", (size_t)c->so.offset + 1,
                             (size_t)c->so.offset + r->n_hits, r->total);
        else
            kofts_buf_printf(&b, "%lld hits", r->total > 0 ? r->total : 0);
        kofts_buf_printf(&b, " (%s) in %.1f ms\n",
                         r->browse     ? "every document, newest first"
                         : r->used_any ? "any word"
                                       : "all words",
                         (t1 - t0) / 1000.0);
    }
done:
    if (!rc && flush_buf(&b))
        rc = 1;
    kofts_buf_free(&b);
    kofts_result_free(r);
    return rc;
}

typedef struct {
    char *qid;
    char *query;
} bquery;

/* Free the queries of a batch. */
static void free_batch(bquery *qs, size_t nq)
{
    for (size_t i = 0; i < nq; i++) {
        free(qs[i].qid);
        free(qs[i].query);
    }
    free(qs);
}

/*
 * Read "qid<TAB>query" lines from in into *out (*n queries; the caller frees them with
 * free_batch). A line without a TAB is reported (the first few one by one, then a count)
 * and kept with its line number as the query id. Returns 0, or 1 after printing an error.
 */
static int read_batch(FILE *in, const char *name, bquery **out, size_t *n_out)
{
    bquery *qs = NULL;
    size_t nq = 0, cap = 0, lineno = 0, no_tab = 0, lcap = 0;
    char *line = NULL;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &lcap, in)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        char *tab = memchr(line, '\t', (size_t)n);
        char num[32];
        snprintf(num, sizeof num, "%zu", lineno);
        if (!tab && ++no_tab <= FIRST_BAD_LINES)
            fprintf(stderr, PROG ": %s:%zu: no TAB between query id and query; query id %s\n", name,
                    lineno, num);
        bquery *nqs = kofts_grow(qs, &cap, nq + 1, sizeof *nqs);
        if (!nqs)
            goto oom;
        qs = nqs;
        qs[nq].qid = tab ? strndup(line, (size_t)(tab - line)) : strdup(num);
        qs[nq].query = strdup(tab ? tab + 1 : line);
        nq++;
        if (!qs[nq - 1].qid || !qs[nq - 1].query)
            goto oom;
    }
    if (no_tab > FIRST_BAD_LINES)
        fprintf(stderr,
                PROG ": %s: %zu lines without a TAB in all (%d shown); each line number "
                     "is its query id\n",
                name, no_tab, FIRST_BAD_LINES);
    if (ferror(in)) {
        fprintf(stderr, PROG ": %s: read error\n", name);
        rc = 1;
    }
    goto done;
oom:
    fprintf(stderr, PROG ": out of memory\n");
    rc = 1;
done:
    free(line);
    if (rc) {
        free_batch(qs, nq);
        qs = NULL;
        nq = 0;
    }
    *out = qs;
    *n_out = nq;
    return rc;
}

/* Append the output lines of one batch query (TREC run lines or JSON). 0 or -1. */
static int batch_output(kofts_buf *b, const cli *c, const bquery *q, const kofts_result *r,
                        double took_us)
{
    int e = 0;
    for (size_t k = 0; !e && k < r->n_hits; k++) {
        const kofts_hit *h = &r->hits[k];
        size_t rank = (size_t)c->so.offset + k + 1;
        e = c->format == FMT_JSON
                ? hit_json(b, q->qid, rank, h)
                : kofts_buf_printf(b, "%s Q0 %s %zu %.6f kofts\n", q->qid, h->id, rank, h->score);
    }
    if (!e && c->format == FMT_JSON && c->summary)
        e = summary_json(b, q->qid, q->query, r, c, took_us);
    return e ? -1 : 0;
}

static int run_batch(kofts_search *s, cli *c)
{
    int rc = 0;
    FILE *in = NULL, *tf = NULL;
    bquery *qs = NULL;
    size_t nq = 0;
    kofts_buf b = {0};
    in = strcmp(c->batch, "-") == 0 ? stdin : fopen(c->batch, "r");
    if (!in) {
        fprintf(stderr, PROG ": %s: cannot read the batch file: %s\n", c->batch, strerror(errno));
        rc = 1;
        goto done;
    }
    if ((rc = read_batch(in, strcmp(c->batch, "-") == 0 ? "stdin" : c->batch, &qs, &nq)))
        goto done;
    if (c->timings && !(tf = fopen(c->timings, "w"))) {
        fprintf(stderr, PROG ": %s: cannot write timings: %s\n", c->timings, strerror(errno));
        rc = 1;
        goto done;
    }
    c->so.want_total = c->format == FMT_JSON && c->summary;
    for (int pass = 1; pass <= c->passes && !rc; pass++) {
        int last = pass == c->passes;
        for (size_t i = 0; i < nq; i++) {
            kofts_result *r = NULL;
            double t0 = kofts_mono_s() * 1e6;
            int src = kofts_search_run(s, qs[i].query, strlen(qs[i].query), &c->so, &r);
            double t1 = kofts_mono_s() * 1e6;
            if (src) {
                fprintf(stderr, PROG ": query %s: %s\n", qs[i].qid, kofts_search_errmsg(s));
                rc = 1;
                break;
            }
            if (tf)
                fprintf(tf, "%s\t%d\t%.0f\n", qs[i].qid, pass, t1 - t0);
            if (last && batch_output(&b, c, &qs[i], r, t1 - t0))
                rc = 1;
            kofts_result_free(r);
            if (rc || flush_buf(&b)) {
                rc = 1;
                break;
            }
        }
    }
done:
    if (tf && fclose(tf) != 0 && !rc) {
        fprintf(stderr, PROG ": %s: cannot write timings\n", c->timings);
        rc = 1;
    }
    if (in && in != stdin)
        fclose(in);
    free_batch(qs, nq);
    kofts_buf_free(&b);
    return rc;
}

#define DONE_OK  256 /* apply_option: stop with exit status 0 (--help, --version) */
#define NOT_MINE 257 /* apply_*_option: not an option of this group */

/* The options that shape the search (kofts_search_opts, weights): 0, an exit status, or
 * NOT_MINE. */
static int apply_query_option(cli *c, int opt, const char *arg)
{
    long v;
    switch (opt) {
    case 'd':
        c->db = arg;
        break;
    case 'n':
        if ((v = kofts_cli_number(arg, 0, 100000)) < 0) {
            return usage_error("--limit wants a number from 0 to 100000, not '%s'", arg);
        }
        c->so.limit = (int)v;
        break;
    case OPT_OFFSET:
        if ((v = kofts_cli_number(arg, 0, INT_MAX / 2)) < 0) {
            return usage_error("--offset wants a non-negative number, not '%s'", arg);
        }
        c->so.offset = (int)v;
        break;
    case OPT_CATEGORY:
        c->so.category = arg;
        break;
    case OPT_SINCE:
    case OPT_UNTIL:
        if (!kofts_plan_date_ok(arg, strlen(arg))) {
            return usage_error("--%s wants a date YYYY[-MM[-DD]], not '%s'",
                               opt == OPT_SINCE ? "since" : "until", arg);
        }
        if (opt == OPT_SINCE)
            c->so.since = arg;
        else
            c->so.until = arg;
        break;
    case OPT_SORT:
        if (strcmp(arg, "relevance") == 0)
            c->so.sort = KOFTS_SORT_RELEVANCE;
        else if (strcmp(arg, "date") == 0)
            c->so.sort = KOFTS_SORT_DATE;
        else {
            return usage_error("--sort wants relevance or date, not '%s'", arg);
        }
        break;
    case OPT_MATCH:
        if (strcmp(arg, "auto") == 0)
            c->so.match = KOFTS_MATCH_AUTO;
        else if (strcmp(arg, "all") == 0)
            c->so.match = KOFTS_MATCH_ALL;
        else if (strcmp(arg, "any") == 0)
            c->so.match = KOFTS_MATCH_ANY;
        else {
            return usage_error("--match wants auto, all or any, not '%s'", arg);
        }
        break;
    case OPT_MIN_HITS:
        if ((v = kofts_cli_number(arg, 0, 100000)) < 0) {
            return usage_error("--min-hits wants a number from 0 to 100000, not '%s'", arg);
        }
        c->so.min_hits = (int)v;
        break;
    case OPT_WEIGHTS:
        if (parse_weights(arg, &c->w)) {
            return usage_error("--weights wants six numbers >= 0 separated by commas, not '%s'",
                               arg);
        }
        c->set_weights = 1;
        break;
    default:
        return NOT_MINE;
    }
    return 0;
}

/* The options that shape the output (format, highlight, snippets...): 0, an exit status,
 * or NOT_MINE. */
static int apply_output_option(cli *c, int opt, const char *arg)
{
    long v;
    switch (opt) {
    case 'j':
        c->json = 1;
        break;
    case OPT_EXPLAIN:
        c->explain = 1;
        break;
    case OPT_FORMAT:
        c->format_set = 1;
        if (strcmp(arg, "trec") == 0)
            c->format = FMT_TREC;
        else if (strcmp(arg, "json") == 0)
            c->format = FMT_JSON;
        else {
            return usage_error("--format wants trec or json, not '%s'", arg);
        }
        break;
    case OPT_STATS:
        c->stats = 1;
        break;
    case OPT_HIGHLIGHT: {
        const char *comma = strchr(arg, ',');
        if (!comma || strchr(comma + 1, ',')) {
            return usage_error("--highlight wants OPEN,CLOSE (one comma), not '%s'", arg);
        }
        free(c->hl_buf);
        c->hl_buf = strdup(arg);
        if (!c->hl_buf)
            return 1;
        c->hl_buf[comma - arg] = '\0';
        c->hl_open = c->hl_buf;
        c->hl_close = c->hl_buf + (comma - arg) + 1;
        break;
    }
    case OPT_SNIPPET_CHARS:
        if ((v = kofts_cli_number(arg, 0, 10000)) < 10) {
            return usage_error("--snippet-chars wants a number from 10 to 10000, not '%s'", arg);
        }
        c->so.snippet_chars = (int)v;
        break;
    case OPT_NO_SNIPPETS:
        c->so.snippets = 0;
        break;
    case OPT_SUMMARY:
        c->summary = 1;
        break;
    default:
        return NOT_MINE;
    }
    return 0;
}

/* The options of running (batch, passes, shards) and the ones that stop at once (help,
 * version, generate): 0, DONE_OK, or an exit status. */
static int apply_run_option(cli *c, int opt, const char *arg)
{
    long v;
    switch (opt) {
    case OPT_BATCH:
        c->batch = arg;
        break;
    case OPT_PASSES:
        if ((v = kofts_cli_number(arg, 0, 1000000)) < 1) {
            return usage_error("--passes wants a number from 1 to 1000000, not '%s'", arg);
        }
        c->passes = (int)v;
        break;
    case OPT_TIMINGS:
        c->timings = arg;
        break;
    case OPT_PARTIAL:
        c->partial = 1;
        break;
    case OPT_PARALLEL:
        c->parallel = 1;
        break;
    case OPT_GENERATE: {
        int rc = kofts_cli_generate(&spec, arg, KOFTS_VERSION_STRING, stdout);
        return rc ? rc : DONE_OK;
    }
    case 'h':
        kofts_cli_help(&spec, stdout);
        return DONE_OK;
    case 'V':
        printf(PROG " " KOFTS_VERSION_STRING " (analyzer " KOFTS_ANALYZER_VERSION ")\n");
        return DONE_OK;
    default: /* KOFTS_CLI_ERROR: the message is out */
        return 2;
    }
    return 0;
}

/* Apply one option. Returns 0 to go on, DONE_OK to stop with status 0 (--help...), else
 * an exit status. */
static int apply_option(cli *c, int opt, const char *arg)
{
    int rc = apply_query_option(c, opt, arg);
    if (rc == NOT_MINE)
        rc = apply_output_option(c, opt, arg);
    return rc != NOT_MINE ? rc : apply_run_option(c, opt, arg);
}

/* Append word to the query text (words separated by one space). 0, or 1 out of memory. */
static int add_word(kofts_buf *query, const char *word)
{
    if ((query->len && kofts_buf_puts(query, " ")) || kofts_buf_puts(query, word)) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    return 0;
}

/*
 * Options, then query words. After the query, a word that is exactly a known long option
 * ("--sort", "--sort=date") is read as that option (with its argument); a known
 * one-letter option stays a query word (-x excludes x) with a note; after "--" every
 * word is query text. Returns -1 to go on, else an exit status.
 */
static int parse_words(cli *c, kofts_cli *cl, int argc, char **argv, kofts_buf *query)
{
    int opt, rc, words_only = 0;
    for (;;) {
        while ((opt = kofts_cli_next(cl, argc, argv)) != -1)
            if ((rc = apply_option(c, opt, optarg)) != 0)
                return rc == DONE_OK ? 0 : rc;
        if (optind >= argc)
            return -1;
        words_only = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
        while (optind < argc && (words_only || !kofts_cli_find_long(&spec, argv[optind]))) {
            const char *w = argv[optind++];
            if (!words_only && w[0] == '-' && w[1] && !w[2] && kofts_cli_find_short(&spec, w[1]))
                fprintf(stderr,
                        PROG ": note: '%s' after the query is read as a query word (it excludes "
                             "'%s'); put options before the query\n",
                        w, w + 1);
            if (add_word(query, w))
                return 1;
            c->n_words++;
        }
        if (optind >= argc)
            return -1;
    }
}

/* Combinations that would be silently ignored are usage errors. -1 to go on, else 2. */
static int check_modes(cli *c, int have_query)
{
    /* only filters (--category, --since, --until) and no words: browse every document */
    int filters_only =
        !have_query && !c->batch && !c->stats && (c->so.category || c->so.since || c->so.until);
    int modes = (c->batch != NULL) + c->stats + (have_query || filters_only);
    if (modes == 0)
        return usage_error("%s", "no query given");
    if (modes > 1)
        return usage_error("%s", "give one of: a QUERY, --batch FILE, --stats");
    if ((c->passes > 1 || c->timings) && !c->batch)
        return usage_error("%s", "--passes and --timings go with --batch");
    if (c->format_set && !c->batch)
        return usage_error("%s", "--format goes with --batch; for one query use --json");
    if (c->batch && c->json) {
        if (c->format_set && c->format != FMT_JSON)
            return usage_error("%s", "--json and --format trec contradict each other");
        c->format = FMT_JSON;
    }
    if (c->explain && (c->json || c->batch || c->stats))
        return usage_error("%s", "--explain prints text for one query; it does not go with "
                                 "--json, --batch or --stats");
    if (c->summary && !(c->json || (c->batch && c->format == FMT_JSON)))
        return usage_error("%s", "--summary goes with --json (or --batch --format json)");
    if (c->so.since && c->so.until && strcmp(c->so.since, c->so.until) > 0)
        return usage_error("%s", "--since is after --until");
    return -1;
}

int main(int argc, char **argv)
{
    int rc = 0;
    cli c;
    kofts_cli cl;
    kofts_search *s = NULL;
    char *err = NULL;
    kofts_buf query = {0};
    memset(&c, 0, sizeof c);
    kofts_search_opts_init(&c.so);
    c.w = kofts_search_default_weights();
    const char *env_db = getenv("KOFTS_DB");
    c.db = env_db && *env_db ? env_db : "kofts.db";
    c.format = FMT_TREC;
    c.passes = 1;
    if (kofts_cli_init(&cl, &spec, 1)) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    if ((rc = parse_words(&c, &cl, argc, argv, &query)) >= 0 ||
        (rc = check_modes(&c, c.n_words > 0)) >= 0) {
        rc = rc < 0 ? 0 : rc;
        goto done;
    }
    rc = 0;
    if (!c.hl_open) {
        int tty = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
        c.hl_open = tty ? "\x1b[1;31m" : "[";
        c.hl_close = tty ? "\x1b[0m" : "]";
    }
    int open_flags =
        (c.partial ? KOFTS_SEARCH_PARTIAL : 0) | (c.parallel ? KOFTS_SEARCH_PARALLEL : 0);
    if (kofts_search_open_ex(&s, c.db, open_flags, &err)) {
        fprintf(stderr, PROG ": %s\n", err ? err : "cannot open the index");
        rc = 1;
        goto done;
    }
    if (c.set_weights)
        kofts_search_set_weights(s, &c.w);
    if (c.stats) {
        kofts_buf b = {0};
        if (kofts_search_stats(s, &b) || kofts_buf_puts(&b, "\n") || flush_buf(&b)) {
            fprintf(stderr, PROG ": %s\n", kofts_search_errmsg(s));
            rc = 1;
        }
        kofts_buf_free(&b);
    } else if (c.batch) {
        rc = run_batch(s, &c);
    } else {
        rc = run_one(s, &c, query.data ? query.data : "");
    }
    if (!rc && fflush(stdout) != 0) {
        fprintf(stderr, PROG ": cannot write the output: %s\n", strerror(errno));
        rc = 1;
    }
done:
    kofts_cli_free(&cl);
    kofts_search_close(s);
    free(err);
    free(c.hl_buf);
    kofts_buf_free(&query);
    return rc;
}
