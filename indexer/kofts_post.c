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
    kofts_buf cats, tags; /* one item per line */
    int alias_seen;
} fm_vals;

static void fm_free(fm_vals *v)
{
    free(v->title);
    free(v->date);
    free(v->excerpt);
    free(v->description);
    free(v->feature);
    free(v->url);
    kofts_buf_free(&v->cats);
    kofts_buf_free(&v->tags);
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

/* Append a list item (one line) to b, splitting on white space when split is set. */
static int add_items(kofts_buf *b, const char *s, size_t n, int split)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || (split && s[i] == ',')))
            i++;
        size_t j = i;
        if (split)
            while (j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && s[j] != ',')
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

/*
 * Parse front matter yaml[0..n) into v. Messages name path with line numbers offset
 * by line0 (the file line of the first YAML line). Returns 0 (also when warnings were
 * given), -1 on a YAML error (already reported; v may be partial), KOFTS_ENOMEM.
 */
static int parse_front(fm_vals *v, kofts_diag *out, const char *path, long line0,
                       const char *yaml, size_t n)
{
    int rc = 0;
    kofts_diag tmp = {{0}, 0, 0}; /* warnings, kept only if the YAML is valid */
    kofts_diag *dg = &tmp;
    yaml_parser_t p;
    yaml_event_t e;
    memset(&e, 0, sizeof e);
    if (!yaml_parser_initialize(&p))
        return KOFTS_ENOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)yaml, n);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);

    /* stream start, document start (or stream end for an empty front matter) */
    for (;;) {
        if (next_event(&p, &e))
            goto yaml_error;
        yaml_event_type_t t = e.type;
        if (t == YAML_STREAM_END_EVENT)
            goto done;
        if (t == YAML_MAPPING_START_EVENT)
            break;
        if (t == YAML_SCALAR_EVENT && e.data.scalar.length == 0)
            goto done; /* "---\n---": empty */
        if (t == YAML_SEQUENCE_START_EVENT || t == YAML_SCALAR_EVENT || t == YAML_ALIAS_EVENT) {
            kofts_diag_add(dg, path, 0, 0, "front matter is not a mapping, ignored");
            goto done;
        }
        yaml_event_delete(&e);
    }
    yaml_event_delete(&e);

    for (;;) {
        /* key */
        if (next_event(&p, &e))
            goto yaml_error;
        if (e.type == YAML_MAPPING_END_EVENT)
            break;
        char *key = NULL;
        if (e.type == YAML_SCALAR_EVENT) {
            key = strdup((const char *)e.data.scalar.value);
            if (!key) {
                rc = KOFTS_ENOMEM;
                goto done;
            }
        } else if (e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT) {
            yaml_event_delete(&e);
            if (skip_node(&p))
                goto yaml_error;
        } else if (e.type == YAML_ALIAS_EVENT) {
            v->alias_seen = 1;
        }
        yaml_event_delete(&e);

        /* value */
        if (next_event(&p, &e)) {
            free(key);
            goto yaml_error;
        }
        int is_title = key && strcmp(key, "title") == 0;
        int list_key = key && (!strcmp(key, "categories") || !strcmp(key, "category") ||
                               !strcmp(key, "tags") || !strcmp(key, "tag"));
        kofts_buf *lb = NULL;
        if (list_key)
            lb = key[0] == 'c' ? &v->cats : &v->tags;
        char **slot = NULL;
        if (key) {
            if (is_title)
                slot = &v->title;
            else if (!strcmp(key, "date"))
                slot = &v->date;
            else if (!strcmp(key, "excerpt"))
                slot = &v->excerpt;
            else if (!strcmp(key, "description"))
                slot = &v->description;
            else if (!strcmp(key, "feature_text"))
                slot = &v->feature;
            else if (!strcmp(key, "permalink") || !strcmp(key, "url"))
                slot = &v->url;
        }
        if (e.type == YAML_SCALAR_EVENT) {
            const char *s = (const char *)e.data.scalar.value;
            size_t sl = e.data.scalar.length;
            if (is_title && looks_numeric(&e))
                kofts_diag_add(dg, path, 0, 0, "front matter: title is a number, used as text");
            if (slot) {
                free(*slot);
                *slot = strndup(s, sl);
                if (!*slot)
                    rc = KOFTS_ENOMEM;
            } else if (lb && add_items(lb, s, sl, 1)) {
                rc = KOFTS_ENOMEM;
            }
        } else if (e.type == YAML_SEQUENCE_START_EVENT) {
            if (slot)
                kofts_diag_add(dg, path, 0, 0, "front matter: %s is not a string, ignored", key);
            /* items: scalars go to the list; anything nested is skipped */
            for (;;) {
                yaml_event_t it;
                if (next_event(&p, &it)) {
                    free(key);
                    goto yaml_error;
                }
                if (it.type == YAML_SEQUENCE_END_EVENT) {
                    yaml_event_delete(&it);
                    break;
                }
                if (it.type == YAML_SCALAR_EVENT && lb) {
                    if (add_items(lb, (const char *)it.data.scalar.value, it.data.scalar.length, 0))
                        rc = KOFTS_ENOMEM;
                } else if (it.type == YAML_ALIAS_EVENT) {
                    v->alias_seen = 1;
                } else if (it.type == YAML_SEQUENCE_START_EVENT ||
                           it.type == YAML_MAPPING_START_EVENT) {
                    if (skip_node(&p)) {
                        yaml_event_delete(&it);
                        free(key);
                        goto yaml_error;
                    }
                }
                yaml_event_delete(&it);
            }
        } else if (e.type == YAML_MAPPING_START_EVENT) {
            if (slot || lb)
                kofts_diag_add(dg, path, 0, 0, "front matter: %s is not a %s, ignored", key,
                               lb ? "string or list" : "string");
            yaml_event_delete(&e);
            if (skip_node(&p)) {
                free(key);
                goto yaml_error;
            }
        } else if (e.type == YAML_ALIAS_EVENT) {
            v->alias_seen = 1;
        }
        yaml_event_delete(&e);
        free(key);
        if (rc)
            goto done;
    }
    goto done;

yaml_error:
    kofts_diag_add(out, path, line0 + (long)p.problem_mark.line, 0,
                   "invalid front matter (%s), ignored", p.problem ? p.problem : "YAML error");
    rc = -1;
done:
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

int kofts_post_parse(kofts_doc *d, kofts_diag *dg, const char *path, const char *fname,
                     const char *text, size_t len, int is_html)
{
    int rc = 0;
    fm_vals v;
    kofts_markup mk;
    kofts_markup fx;
    memset(&v, 0, sizeof v);
    memset(&mk, 0, sizeof mk);
    memset(&fx, 0, sizeof fx);
    size_t body_off = 0;

    /* front matter: "---" alone on the first line */
    size_t l1 = 3;
    while (l1 < len && (text[l1] == ' ' || text[l1] == '\t'))
        l1++;
    if (len >= 3 && memcmp(text, "---", 3) == 0 && (l1 == len || text[l1] == '\n')) {
        size_t yfrom = l1 < len ? l1 + 1 : len;
        long close = find_close(text, len, yfrom, &body_off);
        if (close < 0) {
            kofts_diag_add(dg, path, 1, 0, "unterminated front matter (no closing ---), "
                                           "indexed as body");
            body_off = 0;
        } else {
            int prc = parse_front(&v, dg, path, 2, text + yfrom, (size_t)close - yfrom);
            if (prc == KOFTS_ENOMEM) {
                rc = prc;
                goto done;
            }
            if (prc < 0) { /* invalid YAML: use nothing from it */
                fm_free(&v);
                memset(&v, 0, sizeof v);
            }
            if (v.alias_seen)
                kofts_diag_add(dg, path, 0, 0, "front matter: YAML aliases are not expanded, "
                                               "ignored");
        }
    }

    /* body */
    if (is_html)
        rc = kofts_markup_html(&mk, text + body_off, len - body_off);
    else
        rc = kofts_markup_markdown(&mk, text + body_off, len - body_off);
    if (rc)
        goto done;
    if (mk.deep)
        kofts_diag_add(dg, path, 0, 0, "deeply nested HTML (over %d levels), parsed in pieces",
                       KOFTS_MARKUP_MAX_DEPTH);
    if (v.feature) {
        if ((rc = kofts_markup_markdown(&fx, v.feature, strlen(v.feature))) != 0)
            goto done;
        if ((mk.extra.len && (rc = kofts_buf_append(&mk.extra, "\n", 1)) != 0) ||
            (rc = kofts_buf_append(&mk.extra, fx.text.data ? fx.text.data : "", fx.text.len)))
            goto done;
    }
    if (v.description && v.excerpt) {
        if ((mk.extra.len && (rc = kofts_buf_append(&mk.extra, "\n", 1)) != 0) ||
            (rc = kofts_buf_puts(&mk.extra, v.description)) != 0)
            goto done;
    }
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
    char date[20] = "";
    if (v.date && !kofts_date_norm(v.date, strlen(v.date), date)) {
        /* quote at most 40 bytes, cut at a character boundary, control characters
         * (newlines could forge another message line) shown as '?' */
        char shown[41];
        size_t cut = strlen(v.date);
        if (cut > 40) {
            cut = 40;
            while (cut > 0 && ((unsigned char)v.date[cut] & 0xC0) == 0x80)
                cut--;
        }
        for (size_t i = 0; i < cut; i++)
            shown[i] = (unsigned char)v.date[i] < 0x20 || v.date[i] == 0x7f ? '?' : v.date[i];
        shown[cut] = '\0';
        kofts_diag_add(dg, path, 0, 0, "front matter: bad date \"%s\", ignored", shown);
    }
    if (!date[0])
        kofts_date_norm(fname, strlen(fname), date);
    if ((rc = set_str(&d->date, date)))
        goto done;
    if (!*d->body && !*d->excerpt && (!v.title || !*v.title)) {
        kofts_diag_add(dg, path, 0, 1, "no text, skipped");
        rc = KOFTS_EINVAL;
    }
done:
    fm_free(&v);
    kofts_markup_free(&mk);
    kofts_markup_free(&fx);
    return rc;
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
