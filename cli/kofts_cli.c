/*
 * kofts_cli.c - option tables: getopt_long set-up, usage errors in one format, --help,
 * man pages (roff) and bash completion, all from the same kofts_cli_spec.
 */
#include "kofts_cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int has_short(const kofts_cli_opt *o)
{
    return o->key > 0 && o->key < 128 && isalnum(o->key);
}

int kofts_cli_init(kofts_cli *p, const kofts_cli_spec *spec, int in_order)
{
    size_t at = 0;
    memset(p, 0, sizeof *p);
    p->spec = spec;
    p->longopts = calloc(spec->n_opts + 1, sizeof *p->longopts);
    if (!p->longopts)
        return -1;
    /* '+': stop at the first operand; ':': report a missing argument as ':'. */
    if (in_order)
        p->optstring[at++] = '+';
    p->optstring[at++] = ':';
    for (size_t i = 0; i < spec->n_opts; i++) {
        const kofts_cli_opt *o = &spec->opts[i];
        p->longopts[i].name = o->name;
        p->longopts[i].has_arg = o->arg ? required_argument : no_argument;
        p->longopts[i].flag = NULL;
        p->longopts[i].val = o->key;
        if (has_short(o) && at + 3 < sizeof p->optstring) {
            p->optstring[at++] = (char)o->key;
            if (o->arg)
                p->optstring[at++] = ':';
        }
    }
    p->optstring[at] = '\0';
    opterr = 0;
    return 0;
}

void kofts_cli_free(kofts_cli *p)
{
    if (!p)
        return;
    free(p->longopts);
    p->longopts = NULL;
}

/* The option word at argv[optind - 1] without any "=value" (into buf). */
static const char *long_word(char **argv, char *buf, size_t cap)
{
    const char *w = optind > 0 ? argv[optind - 1] : "";
    size_t n = strcspn(w, "=");
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, w, n);
    buf[n] = '\0';
    return buf;
}

int kofts_cli_next(kofts_cli *p, int argc, char **argv)
{
    char word[128];
    int c = getopt_long(argc, argv, p->optstring, p->longopts, NULL);
    if (c != '?' && c != ':')
        return c;
    int is_long = optind > 0 && optind <= argc && strncmp(argv[optind - 1], "--", 2) == 0;
    if (c == ':' && is_long)
        kofts_cli_usage_error(p->spec, "option '%s' needs an argument",
                              long_word(argv, word, sizeof word));
    else if (c == ':')
        kofts_cli_usage_error(p->spec, "option '-%c' needs an argument", optopt);
    else if (is_long && optopt)
        kofts_cli_usage_error(p->spec, "option '%s' takes no argument",
                              long_word(argv, word, sizeof word));
    else if (is_long)
        kofts_cli_usage_error(p->spec, "unknown option '%s'", long_word(argv, word, sizeof word));
    else
        kofts_cli_usage_error(p->spec, "unknown option '-%c'", optopt);
    return KOFTS_CLI_ERROR;
}

const kofts_cli_opt *kofts_cli_find_long(const kofts_cli_spec *spec, const char *word)
{
    if (strncmp(word, "--", 2) != 0 || !word[2])
        return NULL;
    size_t n = strcspn(word + 2, "=");
    for (size_t i = 0; i < spec->n_opts; i++)
        if (strlen(spec->opts[i].name) == n && strncmp(spec->opts[i].name, word + 2, n) == 0)
            return &spec->opts[i];
    return NULL;
}

const kofts_cli_opt *kofts_cli_find_short(const kofts_cli_spec *spec, int letter)
{
    for (size_t i = 0; i < spec->n_opts; i++)
        if (has_short(&spec->opts[i]) && spec->opts[i].key == letter)
            return &spec->opts[i];
    return NULL;
}

long kofts_cli_number(const char *s, long lo, long hi)
{
    if (*s < '0' || *s > '9')
        return -1; /* empty, a sign or a space: strtol would take them */
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    return errno || *end || v < lo || v > hi ? -1 : v;
}

int kofts_cli_usage_error(const kofts_cli_spec *spec, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", spec->prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", spec->prog);
    return 2;
}

/* "-d, --db FILE" or "    --limit N" for --help. */
static void left_column(const kofts_cli_opt *o, char *buf, size_t cap)
{
    snprintf(buf, cap, "%c%c%c --%s%s%s", has_short(o) ? '-' : ' ', has_short(o) ? o->key : ' ',
             has_short(o) ? ',' : ' ', o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

/* Print text with every line indented by ind spaces. */
static void put_indented(FILE *f, const char *text, int ind)
{
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        if (n)
            fprintf(f, "%*s%.*s\n", ind, "", (int)n, p);
        else
            fputc('\n', f);
        p += n + (p[n] == '\n');
    }
}

void kofts_cli_help(const kofts_cli_spec *spec, FILE *f)
{
    const char *p = spec->synopsis;
    int width = 0;
    char left[96];
    for (int first = 1; *p; first = 0) {
        size_t n = strcspn(p, "\n");
        fprintf(f, "%s %s %.*s\n", first ? "usage:" : "      ", spec->prog, (int)n, p);
        p += n + (p[n] == '\n');
    }
    fputc('\n', f);
    put_indented(f, spec->description, 0);
    fprintf(f, "\nOptions:\n");
    for (size_t i = 0; i < spec->n_opts; i++) {
        left_column(&spec->opts[i], left, sizeof left);
        int w = (int)strlen(left);
        width = w > width ? w : width;
    }
    width = width > 30 ? 30 : width;
    for (size_t i = 0; i < spec->n_opts; i++) {
        left_column(&spec->opts[i], left, sizeof left);
        if ((int)strlen(left) > width)
            fprintf(f, "  %s\n  %-*s  %s\n", left, width, "", spec->opts[i].help);
        else
            fprintf(f, "  %-*s  %s\n", width, left, spec->opts[i].help);
    }
    for (size_t i = 0; i < spec->n_sections; i++) {
        if (!spec->sections[i].in_help)
            continue;
        const char *t = spec->sections[i].title;
        fprintf(f, "\n%c", t[0]);
        for (size_t k = 1; t[k]; k++)
            fputc(tolower((unsigned char)t[k]), f);
        fprintf(f, ":\n");
        put_indented(f, spec->sections[i].text, 2);
    }
}

/* Text for roff: backslashes, hyphens (so options copy as ASCII) and leading dots escaped. */
static void roff_text(FILE *f, const char *s, size_t n)
{
    if (n && (s[0] == '.' || s[0] == '\''))
        fputs("\\&", f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\')
            fputs("\\e", f);
        else if (s[i] == '-')
            fputs("\\-", f);
        else
            fputc(s[i], f);
    }
}

static void roff_str(FILE *f, const char *s)
{
    roff_text(f, s, strlen(s));
}

/* Paragraphs to roff: blank lines -> .PP, blocks of "  "-indented lines -> literal. */
static void roff_paragraphs(FILE *f, const char *text)
{
    const char *p = text;
    int literal = 0, start = 1;
    while (*p) {
        size_t n = strcspn(p, "\n");
        int blank = n == 0;
        int lit = n >= 2 && p[0] == ' ' && p[1] == ' ';
        if (blank) {
            if (literal)
                fputs(".fi\n.RE\n", f);
            literal = 0;
            start = 1;
        } else {
            if (lit && !literal) {
                fputs(start ? ".PP\n.RS 4\n.nf\n" : ".RS 4\n.nf\n", f);
                literal = 1;
            } else if (!lit && literal) {
                fputs(".fi\n.RE\n", f);
                literal = 0;
            } else if (start) {
                fputs(".PP\n", f);
            }
            start = 0;
            if (lit)
                roff_text(f, p + 2, n - 2);
            else
                roff_text(f, p, n);
            fputc('\n', f);
        }
        p += n + (p[n] == '\n');
    }
    if (literal)
        fputs(".fi\n.RE\n", f);
}

void kofts_cli_man(const kofts_cli_spec *spec, const char *version, FILE *f)
{
    fputs(".\\\" Generated by '", f);
    fputs(spec->prog, f);
    fputs(" --generate man' from the program's option table; do not edit.\n", f);
    fputs(".TH ", f);
    for (const char *c = spec->prog; *c; c++)
        fputc(toupper((unsigned char)*c), f);
    fprintf(f, " 1 \"\" \"kofts %s\" \"User Commands\"\n.SH NAME\n", version);
    roff_str(f, spec->prog);
    fputs(" \\- ", f);
    roff_str(f, spec->purpose);
    fputs("\n.SH SYNOPSIS\n", f);
    for (const char *p = spec->synopsis; *p;) {
        size_t n = strcspn(p, "\n");
        fputs(".B ", f);
        roff_str(f, spec->prog);
        fputc('\n', f);
        roff_text(f, p, n);
        fputs("\n.br\n", f);
        p += n + (p[n] == '\n');
    }
    fputs(".SH DESCRIPTION\n", f);
    roff_paragraphs(f, spec->description);
    fputs(".SH OPTIONS\n", f);
    for (size_t i = 0; i < spec->n_opts; i++) {
        const kofts_cli_opt *o = &spec->opts[i];
        fputs(".TP\n", f);
        if (has_short(o))
            fprintf(f, "\\fB\\-%c\\fR, ", o->key);
        fputs("\\fB\\-\\-", f);
        roff_str(f, o->name);
        fputs("\\fR", f);
        if (o->arg) {
            fputs(" \\fI", f);
            roff_str(f, o->arg);
            fputs("\\fR", f);
        }
        fputc('\n', f);
        roff_str(f, o->help);
        fputc('\n', f);
    }
    for (size_t i = 0; i < spec->n_sections; i++) {
        fputs(".SH ", f);
        roff_str(f, spec->sections[i].title);
        fputc('\n', f);
        roff_paragraphs(f, spec->sections[i].text);
    }
}

/* Completion of one argument kind: words, files or directories; nothing for free text. */
static void bash_values(FILE *f, const char *values)
{
    if (!values)
        fputs("return ;;\n", f);
    else if (strcmp(values, "@file") == 0)
        fputs("_kofts_files -f; return ;;\n", f);
    else if (strcmp(values, "@dir") == 0)
        fputs("_kofts_files -d; return ;;\n", f);
    else
        fprintf(f, "COMPREPLY=($(compgen -W '%s' -- \"$cur\")); return ;;\n", values);
}

void kofts_cli_bash(const kofts_cli_spec *spec, FILE *f)
{
    char fn[64];
    size_t k = 0;
    for (const char *c = spec->prog; *c && k + 1 < sizeof fn; c++)
        fn[k++] = *c == '-' ? '_' : *c;
    fn[k] = '\0';
    fprintf(f,
            "# bash completion for %s; generated by '%s --generate bash' from its option\n"
            "# table, do not edit.\n"
            "_kofts_files() {\n"
            "    compopt -o filenames 2>/dev/null\n"
            "    COMPREPLY=($(compgen \"$1\" -- \"$cur\"))\n"
            "}\n"
            "_%s() {\n"
            "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
            "    case $prev in\n",
            spec->prog, spec->prog, fn);
    for (size_t i = 0; i < spec->n_opts; i++) {
        const kofts_cli_opt *o = &spec->opts[i];
        if (!o->arg)
            continue;
        fprintf(f, "        --%s", o->name);
        if (has_short(o))
            fprintf(f, "|-%c", o->key);
        fputs(") ", f);
        bash_values(f, o->values);
    }
    fputs("    esac\n    if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W '", f);
    for (size_t i = 0; i < spec->n_opts; i++)
        fprintf(f, "%s--%s", i ? " " : "", spec->opts[i].name);
    fputs("' -- \"$cur\"))\n        return\n    fi\n", f);
    if (spec->operands && strcmp(spec->operands, "@dir") == 0)
        fputs("    _kofts_files -d\n", f);
    else if (spec->operands)
        fputs("    _kofts_files -f\n", f);
    fprintf(f, "}\ncomplete -F _%s %s\n", fn, spec->prog);
}

int kofts_cli_generate(const kofts_cli_spec *spec, const char *what, const char *version, FILE *f)
{
    if (strcmp(what, "man") == 0)
        kofts_cli_man(spec, version, f);
    else if (strcmp(what, "bash") == 0)
        kofts_cli_bash(spec, f);
    else
        return kofts_cli_usage_error(spec, "--generate wants man or bash, not '%s'", what);
    return 0;
}
