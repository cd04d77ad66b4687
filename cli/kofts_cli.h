/*
 * kofts_cli.h - one option table per program, from which come its getopt_long parsing,
 * its --help, its man page (--generate man) and its bash completion (--generate bash).
 * The build makes the installed .1 pages and completion files by running the programs,
 * so --help, the man page and the completion cannot drift apart.
 *
 * Program-side code (linked by kofts-index, kofts-search, kofts-serve): unlike the
 * libraries it prints, to the FILE it is given, and usage errors go to stderr in the one
 * format every kofts program uses:
 *
 *   kofts-search: unknown option '--frobnicate'
 *   Try 'kofts-search --help' for more information.
 *
 * Adding an option to a program = one row in its table + one case in its switch.
 */
#ifndef KOFTS_CLI_H
#define KOFTS_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

/* getopt keys >= this are long-only options (no short letter). */
#define KOFTS_CLI_LONG 256
/* kofts_cli_next: a usage error was printed; exit with status 2. */
#define KOFTS_CLI_ERROR (-2)

typedef struct {
    const char *name;   /* long name without "--" */
    int key;            /* value kofts_cli_next returns; a letter means -X works too */
    const char *arg;    /* argument name for --help ("FILE"), NULL for a flag */
    const char *help;   /* one line for --help and the man page */
    const char *values; /* bash completion of the argument: words ("relevance date"),
                           "@file", "@dir", or NULL (free text: nothing offered) */
} kofts_cli_opt;

typedef struct {
    const char *title; /* man page section title, upper case ("EXIT STATUS") */
    const char *text;  /* paragraphs separated by blank lines; lines starting with two
                          spaces form literal blocks (examples) */
    int in_help;       /* also printed by --help (after the options) */
} kofts_cli_section;

typedef struct {
    const char *prog;        /* "kofts-search" */
    const char *purpose;     /* NAME line: "search a kofts index" */
    const char *synopsis;    /* usage lines after the program name, '\n'-separated */
    const char *description; /* paragraphs (blank-line separated), for --help and DESCRIPTION */
    const kofts_cli_opt *opts;
    size_t n_opts;
    const char *operands; /* completion of non-option words: "@file", "@dir" or NULL */
    const kofts_cli_section *sections;
    size_t n_sections;
} kofts_cli_spec;

typedef struct {
    const kofts_cli_spec *spec; /* borrowed */
    struct option *longopts;    /* owned */
    char optstring[160];
} kofts_cli;

/*
 * Prepare to parse argv with spec. in_order: stop at the first non-option word (as
 * kofts-search must, because "-word" in a query excludes a word); otherwise options and
 * operands may mix (GNU order). Returns 0, or -1 when out of memory (nothing to free).
 */
int kofts_cli_init(kofts_cli *p, const kofts_cli_spec *spec, int in_order);

/*
 * The next option: its key (optarg holds its argument), -1 when the options end (optind
 * is the first operand), or KOFTS_CLI_ERROR after printing a usage error (unknown
 * option, missing argument, argument given to a flag).
 */
int kofts_cli_next(kofts_cli *p, int argc, char **argv);

/* Release what kofts_cli_init allocated; p may be zeroed or NULL. */
void kofts_cli_free(kofts_cli *p);

/* The row whose long form is word ("--sort" or "--sort=date"), or NULL. */
const kofts_cli_opt *kofts_cli_find_long(const kofts_cli_spec *spec, const char *word);

/* The row for -X, or NULL. */
const kofts_cli_opt *kofts_cli_find_short(const kofts_cli_spec *spec, int letter);

/*
 * Print "PROG: <message>" and the "Try 'PROG --help'" line to stderr. Returns 2 (the
 * usage-error exit status) so callers can `return kofts_cli_usage_error(...)`.
 */
int kofts_cli_usage_error(const kofts_cli_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * A strict decimal integer in [lo, hi] (lo >= 0): no sign, no space, nothing after the
 * digits. Returns it, or -1 when s is not one (the caller names the option and the value).
 */
long kofts_cli_number(const char *s, long lo, long hi);

/* --help: synopsis, description, the option table in two columns, help sections. */
void kofts_cli_help(const kofts_cli_spec *spec, FILE *f);

/* The man page (roff, man(7) macros) of section 1 for spec. version goes in the footer. */
void kofts_cli_man(const kofts_cli_spec *spec, const char *version, FILE *f);

/* A bash completion script for spec (complete -F). */
void kofts_cli_bash(const kofts_cli_spec *spec, FILE *f);

/*
 * --generate WHAT: "man" or "bash" to f. Returns 0, or 2 after a usage error for
 * anything else.
 */
int kofts_cli_generate(const kofts_cli_spec *spec, const char *what, const char *version, FILE *f);

#endif /* KOFTS_CLI_H */
