/*
 * kofts_post.c - front matter (libyaml events), post bodies and plain text files.
 */
#include "kofts_post.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "kofts_markup.h"

/* Front matter values found so far; strings owned, NULL when absent. */
typedef struct {
    char *title, *date, *excerpt, *description, *feature, *url;
    char *slug, *permalink;
    kofts_buf cats, tags;  /* one item per line */
    kofts_buf jcats, jcat; /* Jekyll's reading: categories: (split on blanks), category: */
    int alias_seen;
    int unpublished;   /* published: false */
    int published_set; /* published: was given (true or false) */
    long err_line;     /* invalid YAML: file line of the problem */
    char err[128];     /* and libyaml's problem */
} fm_vals;

static void fm_free(fm_vals *v)
{
    free(v->title);
    free(v->date);
    free(v->excerpt);
    free(v->description);
    free(v->feature);
    free(v->url);
    free(v->slug);
    free(v->permalink);
    kofts_buf_free(&v->cats);
    kofts_buf_free(&v->tags);
    kofts_buf_free(&v->jcats);
    kofts_buf_free(&v->jcat);
}

/* Pull the next event; 0 or -1 on a YAML error (event left empty). */
static int next_event(yaml_parser_t *p, yaml_event_t *e)
{
    if (!yaml_parser_parse(p, e)) {
        memset(e, 0, sizeof *e);
        return -1;
    }
    return 0;
}

/* Skip the rest of a node whose start event (sequence/mapping) was just read. */
static int skip_node(yaml_parser_t *p)
{
    long depth = 1;
    while (depth > 0) {
        yaml_event_t e;
        if (next_event(p, &e))
            return -1;
        if (e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT)
            depth++;
        else if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT)
            depth--;
        else if (e.type == YAML_STREAM_END_EVENT)
            depth = 0;
        yaml_event_delete(&e);
    }
    return 0;
}

/* Append a list item (one line) to b, splitting on white space and commas when split
 * is 1, on white space only when it is 2 (Jekyll's String#split for categories:). */
static int add_items(kofts_buf *b, const char *s, size_t n, int split)
{
    size_t i = 0;
    int comma = split == 1;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || (comma && s[i] == ',')))
            i++;
        size_t j = i;
        if (split)
            while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && !(comma && s[j] == ','))
                j++;
        else
            j = n;
        while (j > i && (s[j - 1] == ' ' || s[j - 1] == '\t' || s[j - 1] == '\n'))
            j--;
        if (j > i) {
            if ((b->len && kofts_buf_append(b, "\n", 1)) || kofts_buf_append(b, s + i, j - i))
                return KOFTS_ENOMEM;
        }
        if (!split)
            break;
        i = j;
    }
    return 0;
}

static int looks_numeric(const yaml_event_t *e)
{
    if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || e->data.scalar.length == 0)
        return 0;
    const char *s = (const char *)e->data.scalar.value;
    char *end = NULL;
    strtod(s, &end);
    return end && *end == '\0';
}

/* Where the value of one front-matter key goes (all NULL: a key kofts does not read). */
typedef struct {
    char **slot;      /* a string field */
    kofts_buf *list;  /* categories/tags: items for the document */
    kofts_buf *jlist; /* categories/category as Jekyll reads them (for the URL) */
    int is_title;
} fm_dest;

static fm_dest dest_of(fm_vals *v, const char *key)
{
    fm_dest d = {0};
    if (!key)
        return d;
    d.is_title = strcmp(key, "title") == 0;
    if (!strcmp(key, "categories") || !strcmp(key, "category"))
        d.list = &v->cats;
    else if (!strcmp(key, "tags") || !strcmp(key, "tag"))
        d.list = &v->tags;
    if (d.is_title)
        d.slot = &v->title;
    else if (!strcmp(key, "date"))
        d.slot = &v->date;
    else if (!strcmp(key, "excerpt"))
        d.slot = &v->excerpt;
    else if (!strcmp(key, "description"))
        d.slot = &v->description;
    else if (!strcmp(key, "feature_text"))
        d.slot = &v->feature;
    else if (!strcmp(key, "permalink") || !strcmp(key, "url"))
        d.slot = &v->url;
    else if (!strcmp(key, "slug"))
        d.slot = &v->slug;
    d.jlist = !strcmp(key, "categories") ? &v->jcats : !strcmp(key, "category") ? &v->jcat : NULL;
    return d;
}

/*
 * Read events up to the mapping that holds the front matter. Returns 0 at the mapping,
 * 1 when there is nothing to read (empty, or not a mapping: warned in dg), -1 on a YAML
 * error.
 */
static int front_open(yaml_parser_t *p, yaml_event_t *e, kofts_diag *dg, const char *path)
{
    for (;;) {
        if (next_event(p, e))
            return -1;
        yaml_event_type_t t = e->type;
        if (t == YAML_STREAM_END_EVENT)
            return 1;
        if (t == YAML_MAPPING_START_EVENT) {
            yaml_event_delete(e);
            return 0;
        }
        if (t == YAML_SCALAR_EVENT && e->data.scalar.length == 0)
            return 1; /* "---\n---": empty */
        if (t == YAML_SEQUENCE_START_EVENT || t == YAML_SCALAR_EVENT || t == YAML_ALIAS_EVENT) {
            kofts_diag_add(dg, path, 0, 0, "front matter is not a mapping, ignored");
            return 1;
        }
        yaml_event_delete(e);
    }
}

/* A scalar value e of key into its destination. Returns 0 or KOFTS_ENOMEM. */
static int take_scalar(fm_vals *v, kofts_diag *dg, const char *path, const char *key,
                       const fm_dest *d, const yaml_event_t *e)
{
    const char *s = (const char *)e->data.scalar.value;
    size_t sl = e->data.scalar.length;
    if (!strcmp(key, "published") && e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        v->published_set = 1;
        v->unpublished = !strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE") ||
                         !strcmp(s, "no") || !strcmp(s, "off");
    }
    if (d->is_title && looks_numeric(e))
        kofts_diag_add(dg, path, 0, 0, "front matter: title is a number, used as text");
    if (d->slot) {
        free(*d->slot);
        if (!(*d->slot = strndup(s, sl)))
            return KOFTS_ENOMEM;
        if (!strcmp(key, "permalink")) {
            free(v->permalink);
            if (!(v->permalink = strndup(s, sl)))
                return KOFTS_ENOMEM;
        }
    } else if (d->list && add_items(d->list, s, sl, 1)) {
        return KOFTS_ENOMEM;
    }
    if (d->jlist && add_items(d->jlist, s, sl, d->jlist == &v->jcats ? 2 : 0))
        return KOFTS_ENOMEM;
    return 0;
}

/* The items of a sequence value (its start event already read): scalars go to the
 * lists; anything nested is skipped. Returns 0, KOFTS_ENOMEM, or -1 on a YAML error. */
static int take_sequence(yaml_parser_t *p, fm_vals *v, const fm_dest *d)
{
    int rc = 0;
    for (;;) {
        yaml_event_t it;
        if (next_event(p, &it))
            return -1;
        if (it.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&it);
            return rc;
        }
        if (it.type == YAML_SCALAR_EVENT && d->list) {
            const char *s = (const char *)it.data.scalar.value;
            size_t sl = it.data.scalar.length;
            if (add_items(d->list, s, sl, 0) || (d->jlist && add_items(d->jlist, s, sl, 0)))
                rc = KOFTS_ENOMEM;
        } else if (it.type == YAML_ALIAS_EVENT) {
            v->alias_seen = 1;
        } else if (it.type == YAML_SEQUENCE_START_EVENT || it.type == YAML_MAPPING_START_EVENT) {
            if (skip_node(p)) {
                yaml_event_delete(&it);
                return -1;
            }
        }
        yaml_event_delete(&it);
    }
}

/*
 * One key and its value of the front-matter mapping. Sets *end at the mapping's end.
 * Returns 0, KOFTS_ENOMEM, or -1 on a YAML error. e is left deleted.
 */
static int take_pair(yaml_parser_t *p, yaml_event_t *e, fm_vals *v, kofts_diag *dg,
                     const char *path, int *end)
{
    if (next_event(p, e))
        return -1;
    if (e->type == YAML_MAPPING_END_EVENT) {
        *end = 1;
        return 0;
    }
    char *key = NULL;
    if (e->type == YAML_SCALAR_EVENT) {
        if (!(key = strdup((const char *)e->data.scalar.value)))
            return KOFTS_ENOMEM;
    } else if (e->type == YAML_SEQUENCE_START_EVENT || e->type == YAML_MAPPING_START_EVENT) {
        yaml_event_delete(e);
        if (skip_node(p))
            return -1;
    } else if (e->type == YAML_ALIAS_EVENT) {
        v->alias_seen = 1;
    }
    yaml_event_delete(e);
    if (next_event(p, e)) {
        free(key);
        return -1;
    }
    fm_dest d = dest_of(v, key);
    int rc = 0;
    if (e->type == YAML_SCALAR_EVENT) {
        if (key)
            rc = take_scalar(v, dg, path, key, &d, e);
    } else if (e->type == YAML_SEQUENCE_START_EVENT) {
        if (d.slot)
            kofts_diag_add(dg, path, 0, 0, "front matter: %s is not a string, ignored", key);
        rc = take_sequence(p, v, &d);
    } else if (e->type == YAML_MAPPING_START_EVENT) {
        if (d.slot || d.list)
            kofts_diag_add(dg, path, 0, 0, "front matter: %s is not a %s, ignored", key,
                           d.list ? "string or list" : "string");
        yaml_event_delete(e);
        rc = skip_node(p) ? -1 : 0;
    } else if (e->type == YAML_ALIAS_EVENT) {
        v->alias_seen = 1;
    }
    yaml_event_delete(e);
    free(key);
    return rc;
}

/*
 * Parse front matter yaml[0..n) into v. Messages name path with line numbers offset
 * by line0 (the file line of the first YAML line). Returns 0 (also when warnings were
 * given), -1 on a YAML error (v->err, v->err_line; v may be partial), KOFTS_ENOMEM.
 */
static int parse_front(fm_vals *v, kofts_diag *out, const char *path, long line0, const char *yaml,
                       size_t n)
{
    kofts_diag tmp = {{0}, 0, 0}; /* warnings, kept only if the YAML is valid */
    yaml_parser_t p;
    yaml_event_t e;
    memset(&e, 0, sizeof e);
    if (!yaml_parser_initialize(&p))
        return KOFTS_ENOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)yaml, n);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);

    int rc = front_open(&p, &e, &tmp, path), end = 0;
    if (rc == 1)
        rc = 0;
    else
        while (rc == 0 && !end)
            rc = take_pair(&p, &e, v, &tmp, path, &end);
    if (rc == -1) {
        v->err_line = line0 + (long)p.problem_mark.line;
        snprintf(v->err, sizeof v->err, "%s", p.problem ? p.problem : "YAML error");
    }
    if (rc == 0 && tmp.text.len) {
        kofts_buf_append(&out->text, tmp.text.data, tmp.text.len);
        out->warnings += tmp.warnings;
    }
    kofts_diag_free(&tmp);
    yaml_event_delete(&e);
    yaml_parser_delete(&p);
    return rc;
}

/* Find the end of a front matter block that starts at text (after the opening
 * "---\n"). Returns the offset of the closing line, sets *body to the offset after it;
 * -1 when unterminated. */
static long find_close(const char *text, size_t len, size_t from, size_t *body)
{
    size_t i = from;
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        size_t k = e;
        while (k > i && (text[k - 1] == ' ' || text[k - 1] == '\t'))
            k--;
        if (k - i == 3 && (memcmp(text + i, "---", 3) == 0 || memcmp(text + i, "...", 3) == 0)) {
            *body = nl ? e + 1 : len;
            return (long)i;
        }
        i = nl ? e + 1 : len;
    }
    return -1;
}

/* ---------------------------------------------------- front matter recovery */

static int is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

/* s[0..*n) without one pair of matching surrounding quotes. */
static const char *unquote(const char *s, size_t *n)
{
    if (*n >= 2 && (s[0] == '"' || s[0] == '\'') && s[*n - 1] == s[0]) {
        *n -= 2;
        return s + 1;
    }
    return s;
}

/* Add a recovered list value ("[a, b]" flow list, else blank-separated) to b. */
static int recover_list(kofts_buf *b, const char *s, size_t n)
{
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
        for (size_t i = 1; i < n - 1;) {
            const char *c = memchr(s + i, ',', n - 1 - i);
            size_t e = c ? (size_t)(c - s) : n - 1;
            size_t a = i, z = e;
            while (a < z && (s[a] == ' ' || s[a] == '\t'))
                a++;
            while (z > a && (s[z - 1] == ' ' || s[z - 1] == '\t'))
                z--;
            size_t il = z - a;
            const char *it = unquote(s + a, &il);
            if (add_items(b, it, il, 0))
                return KOFTS_ENOMEM;
            i = e + 1;
        }
        return 0;
    }
    return add_items(b, s, n, 1);
}

/* Note name once in the comma-separated list names. */
static int note_name(kofts_buf *names, const char *name)
{
    if (names->len && strstr(names->data, name))
        return 0;
    return (names->len && kofts_buf_puts(names, ", ")) || kofts_buf_puts(names, name) ? KOFTS_ENOMEM
                                                                                      : 0;
}

/*
 * Front matter that libyaml rejects, read the simple way: top-level "key: value" lines
 * (a value taken as written on its line, one pair of quotes removed) and "key:"
 * followed by "- item" lines, for title, date, excerpt, description, slug,
 * categories/category and tags/tag. Lines of any other shape (a title's alternatives
 * continued without indentation, say) are passed over. The recovered keys are listed in
 * names ("title, categories"). Returns 0 or KOFTS_ENOMEM.
 */
static int recover_front(fm_vals *v, const char *y, size_t n, kofts_buf *names)
{
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(y + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - y) : n, next = nl ? e + 1 : n;
        size_t k = i;
        while (k < e && is_key_char(y[k]))
            k++;
        if (k == i || k >= e || y[k] != ':' || (k + 1 < e && y[k + 1] != ' ' && y[k + 1] != '\t')) {
            i = next;
            continue;
        }
        char key[32];
        snprintf(key, sizeof key, "%.*s", (int)(k - i < 31 ? k - i : 31), y + i);
        size_t a = k + 1, z = e;
        while (a < z && (y[a] == ' ' || y[a] == '\t'))
            a++;
        while (z > a && (y[z - 1] == ' ' || y[z - 1] == '\t'))
            z--;
        int is_list = !strcmp(key, "categories") || !strcmp(key, "category") ||
                      !strcmp(key, "tags") || !strcmp(key, "tag");
        kofts_buf *lb = !is_list ? NULL : key[0] == 'c' ? &v->cats : &v->tags;
        const char *shown = !is_list ? key : key[0] == 'c' ? "categories" : "tags";
        char **slot = !strcmp(key, "title")         ? &v->title
                      : !strcmp(key, "date")        ? &v->date
                      : !strcmp(key, "excerpt")     ? &v->excerpt
                      : !strcmp(key, "description") ? &v->description
                      : !strcmp(key, "slug")        ? &v->slug
                                                    : NULL;
        size_t vl = z - a;
        const char *val = unquote(y + a, &vl);
        if (slot && vl && !*slot) {
            if (!(*slot = strndup(val, vl)) || note_name(names, shown))
                return KOFTS_ENOMEM;
        } else if (lb && vl) {
            size_t before = lb->len;
            if (recover_list(lb, val, vl) || (lb->len > before && note_name(names, shown)))
                return KOFTS_ENOMEM;
        } else if (lb) { /* "key:" then "- item" lines */
            size_t before = lb->len;
            while (next < n) {
                const char *nl2 = memchr(y + next, '\n', n - next);
                size_t e2 = nl2 ? (size_t)(nl2 - y) : n, q = next;
                while (q < e2 && (y[q] == ' ' || y[q] == '\t'))
                    q++;
                if (q + 1 >= e2 || y[q] != '-' || (y[q + 1] != ' ' && y[q + 1] != '\t'))
                    break;
                size_t ia = q + 2, iz = e2;
                while (ia < iz && (y[ia] == ' ' || y[ia] == '\t'))
                    ia++;
                while (iz > ia && (y[iz - 1] == ' ' || y[iz - 1] == '\t'))
                    iz--;
                size_t il = iz - ia;
                const char *it = unquote(y + ia, &il);
                if (add_items(lb, it, il, 0))
                    return KOFTS_ENOMEM;
                next = nl2 ? e2 + 1 : n;
            }
            if (lb->len > before && note_name(names, shown))
                return KOFTS_ENOMEM;
        }
        i = next;
    }
    return 0;
}

/* ------------------------------------------------------------------- Liquid */

/* Does s[i..n) start with "{%" + blanks + word? */
static int liquid_tag_is(const char *s, size_t n, size_t i, const char *word)
{
    size_t wl = strlen(word);
    i += 2;
    while (i < n && (s[i] == ' ' || s[i] == '-' || s[i] == '\t'))
        i++;
    return i + wl <= n && memcmp(s + i, word, wl) == 0 &&
           (i + wl == n || s[i + wl] == ' ' || s[i + wl] == '%' || s[i + wl] == '-');
}

/* Offset just after the "%}" / "}}" closing the Liquid markup at i, or n. */
static size_t liquid_end(const char *s, size_t n, size_t i)
{
    const char *close = s[i + 1] == '%' ? "%}" : "}}";
    for (size_t k = i + 2; k + 1 < n; k++)
        if (s[k] == close[0] && s[k + 1] == close[1])
            return k + 2;
    return n;
}

/* The end of the block closed by "{% endWORD %}" from i on, or n. */
static size_t liquid_block_end(const char *s, size_t n, size_t i, const char *endword)
{
    for (size_t k = i; k + 1 < n; k++)
        if (s[k] == '{' && s[k + 1] == '%' && liquid_tag_is(s, n, k, endword))
            return liquid_end(s, n, k);
    return n;
}

/*
 * Copy s[0..n) to out without Liquid: {{ output }} and {% tags %} are dropped, the
 * body of {% comment %} blocks too; the text inside {% raw %} ... {% endraw %} is kept
 * as written. *found is set when anything was removed. Returns 0 or KOFTS_ENOMEM.
 */
static int strip_liquid(kofts_buf *out, const char *s, size_t n, int *found)
{
    size_t i = 0, from = 0;
    while (i + 1 < n) {
        if (s[i] != '{' || (s[i + 1] != '%' && s[i + 1] != '{')) {
            i++;
            continue;
        }
        if (kofts_buf_append(out, s + from, i - from))
            return KOFTS_ENOMEM;
        *found = 1;
        size_t e = liquid_end(s, n, i);
        if (s[i + 1] == '%' && liquid_tag_is(s, n, i, "comment")) {
            e = liquid_block_end(s, n, e, "endcomment");
        } else if (s[i + 1] == '%' && liquid_tag_is(s, n, i, "raw")) {
            size_t k = e;
            while (k + 1 < n &&
                   !(s[k] == '{' && s[k + 1] == '%' && liquid_tag_is(s, n, k, "endraw")))
                k++;
            if (kofts_buf_append(out, s + e, (k + 1 < n ? k : n) - e))
                return KOFTS_ENOMEM;
            e = k + 1 < n ? liquid_end(s, n, k) : n;
        }
        i = from = e;
    }
    return kofts_buf_append(out, s + from, n - from);
}

/* In place: *slot without Liquid (site mode titles and excerpts). */
static int strip_liquid_str(char **slot)
{
    if (!*slot || (!strstr(*slot, "{{") && !strstr(*slot, "{%")))
        return 0;
    kofts_buf b = {0};
    int found = 0;
    if (strip_liquid(&b, *slot, strlen(*slot), &found) || kofts_buf_append(&b, "", 0)) {
        kofts_buf_free(&b);
        return KOFTS_ENOMEM;
    }
    free(*slot);
    *slot = b.data;
    return 0;
}

/* Does the body look like HTML (its first non-blank character opens a tag)? */
static int looks_html(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
        i++;
    return i + 1 < n && s[i] == '<' &&
           ((s[i + 1] >= 'a' && s[i + 1] <= 'z') || (s[i + 1] >= 'A' && s[i + 1] <= 'Z') ||
            s[i + 1] == '!' || s[i + 1] == '/');
}

void kofts_post_meta_free(kofts_post_meta *m)
{
    if (!m)
        return;
    free(m->permalink);
    free(m->slug);
    free(m->date);
    free(m->categories);
    m->permalink = m->slug = m->date = m->categories = NULL;
}

/* Hand the URL-relevant front matter over to m (Jekyll's categories: categories: items,
 * then category:). */
static int fill_meta(kofts_post_meta *m, fm_vals *v, const char *date)
{
    kofts_buf c = {0};
    if ((v->jcats.len && kofts_buf_append(&c, v->jcats.data, v->jcats.len)) ||
        (v->jcat.len && ((c.len && kofts_buf_append(&c, "\n", 1)) ||
                         kofts_buf_append(&c, v->jcat.data, v->jcat.len))) ||
        kofts_buf_append(&c, "", 0)) {
        kofts_buf_free(&c);
        return KOFTS_ENOMEM;
    }
    m->categories = c.data;
    m->permalink = v->permalink;
    m->slug = v->slug;
    v->permalink = v->slug = NULL;
    m->published = v->published_set ? !v->unpublished : -1;
    m->date = strdup(date);
    return m->date ? 0 : KOFTS_ENOMEM;
}

/* Title fallback from the file name: strip "YYYY-MM-DD-" and the extension. */
static int title_from_name(kofts_doc *d, const char *fname)
{
    char tmp[20];
    const char *s = fname;
    size_t n = strlen(s);
    if (n > 11 && kofts_date_norm(s, n, tmp) && s[10] == '-') {
        s += 11;
        n -= 11;
    }
    const char *dot = memchr(s, '.', n);
    if (dot)
        n = (size_t)(dot - s);
    return kofts_doc_set(&d->title, s, n);
}

static int set_str(char **slot, const char *s)
{
    return kofts_doc_set(slot, s, strlen(s));
}

/*
 * Read the front matter at the start of text (if any) into v; *body_off gets where the
 * body starts. Invalid YAML is recovered (recover_front) and warned about once.
 * Returns 0 or KOFTS_ENOMEM.
 */
static int read_front(fm_vals *v, kofts_diag *dg, const char *path, const char *text, size_t len,
                      size_t *body_off, kofts_post_meta *m)
{
    size_t l1 = 3;
    *body_off = 0;
    while (l1 < len && (text[l1] == ' ' || text[l1] == '\t'))
        l1++;
    if (!(len >= 3 && memcmp(text, "---", 3) == 0 && (l1 == len || text[l1] == '\n')))
        return 0;
    size_t yfrom = l1 < len ? l1 + 1 : len;
    long close = find_close(text, len, yfrom, body_off);
    if (close < 0) {
        kofts_diag_add(dg, path, 1, 0,
                       "unterminated front matter (no closing ---), "
                       "indexed as body");
        *body_off = 0;
        return 0;
    }
    m->has_front_matter = 1;
    int prc = parse_front(v, dg, path, 2, text + yfrom, (size_t)close - yfrom);
    if (prc == KOFTS_ENOMEM)
        return prc;
    if (prc < 0) { /* invalid YAML: keep nothing from libyaml, recover what is simple */
        long line = v->err_line;
        char problem[sizeof v->err];
        memcpy(problem, v->err, sizeof problem);
        fm_free(v);
        memset(v, 0, sizeof *v);
        kofts_buf names = {0};
        if (recover_front(v, text + yfrom, (size_t)close - yfrom, &names)) {
            kofts_buf_free(&names);
            return KOFTS_ENOMEM;
        }
        kofts_diag_add(dg, path, line, 0, "front matter is not valid YAML (%s); %s%s", problem,
                       names.len ? "recovered " : "nothing recovered", names.len ? names.data : "");
        kofts_buf_free(&names);
        m->front_matter_lost = 1;
    }
    if (v->alias_seen)
        kofts_diag_add(dg, path, 0, 0, "front matter: YAML aliases are not expanded, ignored");
    return 0;
}

/* Markdown or HTML body text[0..len) (Liquid removed first in site mode) into mk. */
static int read_body(kofts_markup *mk, const char *text, size_t len, int is_html,
                     kofts_post_meta *m)
{
    kofts_buf nol = {0};
    int rc = 0;
    if (m->site) {
        if ((rc = strip_liquid(&nol, text, len, &m->liquid)) != 0)
            goto done;
        text = nol.data ? nol.data : "";
        len = nol.len;
    }
    if (m->sniff)
        is_html = looks_html(text, len);
    rc = is_html ? kofts_markup_html(mk, text, len) : kofts_markup_markdown(mk, text, len);
done:
    kofts_buf_free(&nol);
    return rc;
}

/* The lower-weight extra text: image alt text, feature_text, a description beside an
 * excerpt. */
static int read_extra(kofts_markup *mk, const fm_vals *v)
{
    kofts_markup fx;
    int rc = 0;
    memset(&fx, 0, sizeof fx);
    if (v->feature) {
        if ((rc = kofts_markup_markdown(&fx, v->feature, strlen(v->feature))) != 0 ||
            (mk->extra.len && (rc = kofts_buf_append(&mk->extra, "\n", 1)) != 0) ||
            (rc = kofts_buf_append(&mk->extra, fx.text.data ? fx.text.data : "", fx.text.len)))
            goto done;
    }
    if (v->description && v->excerpt) {
        if ((mk->extra.len && (rc = kofts_buf_append(&mk->extra, "\n", 1)) != 0) ||
            (rc = kofts_buf_puts(&mk->extra, v->description)) != 0)
            goto done;
    }
done:
    kofts_markup_free(&fx);
    return rc;
}

/* The date: front matter (warned when bad), else the file name's. */
static void pick_date(const fm_vals *v, kofts_diag *dg, const char *path, const char *fname,
                      char date[20])
{
    date[0] = '\0';
    if (v->date && !kofts_date_norm(v->date, strlen(v->date), date)) {
        /* quote at most 40 bytes, cut at a character boundary, control characters
         * (newlines could forge another message line) shown as '?' */
        char shown[41];
        size_t cut = strlen(v->date);
        if (cut > 40) {
            cut = 40;
            while (cut > 0 && ((unsigned char)v->date[cut] & 0xC0) == 0x80)
                cut--;
        }
        for (size_t i = 0; i < cut; i++)
            shown[i] = (unsigned char)v->date[i] < 0x20 || v->date[i] == 0x7f ? '?' : v->date[i];
        shown[cut] = '\0';
        kofts_diag_add(dg, path, 0, 0, "front matter: bad date \"%s\", ignored", shown);
    }
    if (!date[0])
        kofts_date_norm(fname, strlen(fname), date);
}

int kofts_post_parse_meta(kofts_doc *d, kofts_diag *dg, const char *path, const char *fname,
                          const char *text, size_t len, int is_html, kofts_post_meta *m)
{
    int rc = 0;
    fm_vals v;
    kofts_markup mk;
    char date[20] = "";
    memset(&v, 0, sizeof v);
    memset(&mk, 0, sizeof mk);
    size_t body_off = 0;

    if ((rc = read_front(&v, dg, path, text, len, &body_off, m)) != 0)
        goto done;
    if (m->site && v.unpublished) {
        m->left_out = KOFTS_POST_UNPUBLISHED;
        rc = 1;
        goto done;
    }
    if (m->site && ((rc = strip_liquid_str(&v.title)) || (rc = strip_liquid_str(&v.excerpt)) ||
                    (rc = strip_liquid_str(&v.description))))
        goto done;
    if ((rc = read_body(&mk, text + body_off, len - body_off, is_html, m)) != 0 ||
        (rc = read_extra(&mk, &v)) != 0)
        goto done;
    if (mk.deep)
        kofts_diag_add(dg, path, 0, 0, "deeply nested HTML (over %d levels), parsed in pieces",
                       KOFTS_MARKUP_MAX_DEPTH);
    if ((rc = kofts_doc_set(&d->body, mk.text.data ? mk.text.data : "", mk.text.len)) ||
        (rc = kofts_doc_set(&d->extra, mk.extra.data ? mk.extra.data : "", mk.extra.len)))
        goto done;

    /* fields */
    if (v.title && *v.title)
        rc = set_str(&d->title, v.title);
    else if (mk.title.len)
        rc = kofts_doc_set(&d->title, mk.title.data, mk.title.len);
    else
        rc = title_from_name(d, fname);
    if (rc)
        goto done;
    if ((v.excerpt && (rc = set_str(&d->excerpt, v.excerpt))) ||
        (!v.excerpt && v.description && (rc = set_str(&d->excerpt, v.description))) ||
        (v.url && (rc = set_str(&d->url, v.url))) ||
        (v.cats.len && (rc = kofts_doc_set(&d->categories, v.cats.data, v.cats.len))) ||
        (v.tags.len && (rc = kofts_doc_set(&d->tags, v.tags.data, v.tags.len))))
        goto done;
    pick_date(&v, dg, path, fname, date);
    if ((rc = set_str(&d->date, date)) || (rc = fill_meta(m, &v, date)))
        goto done;
    if (m->site && m->liquid && !*d->body && !*d->excerpt) {
        m->left_out = KOFTS_POST_NO_TEXT; /* a page made of Liquid only: quietly */
        rc = 1;
    } else if (!*d->body && !*d->excerpt && (!v.title || !*v.title)) {
        kofts_diag_add(dg, path, 0, 1, "no text, skipped");
        rc = KOFTS_EINVAL;
    }
done:
    fm_free(&v);
    kofts_markup_free(&mk);
    return rc;
}

int kofts_post_parse(kofts_doc *d, kofts_diag *dg, const char *path, const char *fname,
                     const char *text, size_t len, int is_html)
{
    kofts_post_meta m;
    memset(&m, 0, sizeof m);
    int rc = kofts_post_parse_meta(d, dg, path, fname, text, len, is_html, &m);
    kofts_post_meta_free(&m);
    return rc;
}

/* Does text[0..len) start with a complete front matter block ("---" ... "---")? */
int kofts_post_has_front_matter(const char *text, size_t len)
{
    size_t l1 = 3, body = 0;
    while (l1 < len && (text[l1] == ' ' || text[l1] == '\t'))
        l1++;
    if (!(len >= 3 && memcmp(text, "---", 3) == 0 && l1 < len && text[l1] == '\n'))
        return 0;
    return find_close(text, len, l1 + 1, &body) >= 0;
}

int kofts_text_parse(kofts_doc *d, kofts_diag *dg, const char *path, const char *fname,
                     const char *text, size_t len)
{
    int rc = 0;
    size_t i = 0;
    while (i < len) { /* first non-empty line */
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        size_t k = i;
        while (k < e && (text[k] == ' ' || text[k] == '\t' || text[k] == '\f'))
            k++;
        if (k < e) {
            if ((rc = kofts_doc_set(&d->title, text + i, e - i)))
                return rc;
            i = nl ? e + 1 : len;
            break;
        }
        i = nl ? e + 1 : len;
    }
    if (!*d->title) {
        kofts_diag_add(dg, path, 0, 1, "no text, skipped");
        return KOFTS_EINVAL;
    }
    if ((rc = kofts_doc_set(&d->body, text + i, len - i)))
        return rc;
    char date[20] = "";
    kofts_date_norm(fname, strlen(fname), date);
    return set_str(&d->date, date);
}
