/*
 * kofts_markup.c - Markdown (md4c) and HTML (gumbo) to plain text.
 */
#include "kofts_markup.h"

#include <gumbo.h>
#include <md4c-html.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kofts_analyzer.h"
#include "kofts_util.h"

/* Text output with white-space collapsing and block breaks. */
typedef struct {
    kofts_buf *b;
    int line_start; /* nothing written on the current line yet */
    int pending_sp; /* a space is owed before the next visible character */
} sink;

/* Append s[0..n) with every invalid UTF-8 sequence replaced by U+FFFD: gumbo 0.10 can
 * emit a lone byte for an overflowing numeric reference (&#xDDDDDDDD;). */
static int append_valid(kofts_buf *b, const char *s, size_t n)
{
    if (kofts_utf8_valid(s, n))
        return kofts_buf_append(b, s, n);
    size_t i = 0, adv;
    while (i < n) {
        int32_t cp = kofts_utf8_decode(s, n, i, &adv);
        int rc = cp < 0 ? kofts_buf_puts(b, "\xEF\xBF\xBD") : kofts_buf_append(b, s + i, adv);
        if (rc)
            return rc;
        i += adv;
    }
    return 0;
}

static int sink_text(sink *k, const char *s, size_t n, int keep_nl)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' && keep_nl) {
            if (!k->line_start && kofts_buf_append(k->b, "\n", 1))
                return KOFTS_ENOMEM;
            k->line_start = 1;
            k->pending_sp = 0;
            i++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            k->pending_sp = 1;
            i++;
            continue;
        }
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) { /* U+00A0 */
            k->pending_sp = 1;
            i += 2;
            continue;
        }
        size_t j = i + 1; /* a run of non-space bytes */
        while (j < n) {
            unsigned char d = (unsigned char)s[j];
            if (d == ' ' || d == '\t' || d == '\n' || d == '\r' || d == '\f' || d == '\v' ||
                d == 0xC2)
                break;
            j++;
        }
        if (k->pending_sp && !k->line_start && kofts_buf_append(k->b, " ", 1))
            return KOFTS_ENOMEM;
        if (append_valid(k->b, s + i, j - i))
            return KOFTS_ENOMEM;
        k->pending_sp = 0;
        k->line_start = 0;
        i = j;
    }
    return 0;
}

static int sink_break(sink *k)
{
    k->pending_sp = 0;
    if (k->line_start)
        return 0;
    k->line_start = 1;
    return kofts_buf_append(k->b, "\n", 1);
}

static void sink_space(sink *k)
{
    k->pending_sp = 1;
}

static int is_block(GumboTag t)
{
    switch (t) {
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_P:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_LEGEND:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_CENTER:
        return 1;
    default:
        return 0;
    }
}

static int is_dropped(GumboTag t)
{
    return t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_TEMPLATE ||
           t == GUMBO_TAG_HEAD || t == GUMBO_TAG_IFRAME || t == GUMBO_TAG_OBJECT ||
           t == GUMBO_TAG_SVG || t == GUMBO_TAG_MATH || t == GUMBO_TAG_NOFRAMES;
}

static int add_extra(kofts_markup *out, const char *s)
{
    sink k = {&out->extra, 1, 0};
    if (!s || !*s)
        return 0;
    if (out->extra.len && out->extra.data[out->extra.len - 1] != '\n' &&
        kofts_buf_append(&out->extra, "\n", 1))
        return KOFTS_ENOMEM;
    return sink_text(&k, s, strlen(s), 0);
}

/* Find <title> anywhere under head (head is otherwise dropped). */
static int head_title(kofts_markup *out, const GumboNode *head)
{
    const GumboVector *ch = &head->v.element.children;
    for (unsigned i = 0; i < ch->length; i++) {
        const GumboNode *c = ch->data[i];
        if (c->type != GUMBO_NODE_ELEMENT || c->v.element.tag != GUMBO_TAG_TITLE)
            continue;
        const GumboVector *tc = &c->v.element.children;
        sink k = {&out->title, 1, 0};
        for (unsigned j = 0; j < tc->length; j++) {
            const GumboNode *t = tc->data[j];
            if (t->type == GUMBO_NODE_TEXT &&
                sink_text(&k, t->v.text.text, strlen(t->v.text.text), 0))
                return KOFTS_ENOMEM;
        }
        return 0;
    }
    return 0;
}

typedef struct {
    const GumboNode *node;
    unsigned next; /* index of the next child to visit */
} frame;

/* What the walk of one tree carries besides its stack. */
typedef struct {
    kofts_markup *out;
    sink *k;
    int in_pre;      /* depth of <pre> elements around the current node */
    size_t h1_depth; /* stack depth of the first <h1> while inside it, else 0 */
    size_t h1_mark;  /* where that <h1>'s text starts in the body */
    int want_h1;     /* no title yet: the first <h1> gives it */
} walk;

/* Leaving element n (at stack depth top): end its block, and end the first <h1>
 * (its text becomes the title). */
static int leave_element(walk *w, const GumboNode *n, size_t top)
{
    GumboTag t = n->v.element.tag;
    if (t == GUMBO_TAG_PRE && w->in_pre)
        w->in_pre--;
    if (t == GUMBO_TAG_TD || t == GUMBO_TAG_TH)
        sink_space(w->k);
    else if (is_block(t) && sink_break(w->k))
        return KOFTS_ENOMEM;
    if (w->h1_depth && top == w->h1_depth) {
        w->h1_depth = 0;
        w->want_h1 = 0;
        sink ks = {&w->out->title, 1, 0};
        const kofts_buf *b = w->k->b;
        size_t e = b->len;
        while (e > w->h1_mark && b->data[e - 1] == '\n')
            e--;
        if (e > w->h1_mark && sink_text(&ks, b->data + w->h1_mark, e - w->h1_mark, 0))
            return KOFTS_ENOMEM;
    }
    return 0;
}

/* Entering element c: its head title, alt/title attributes, breaks. Returns 1 when
 * its children are to be walked, 0 when not (dropped, <br>), KOFTS_ENOMEM. */
static int enter_element(walk *w, const GumboNode *c)
{
    GumboTag t = c->v.element.tag;
    if (t == GUMBO_TAG_HEAD && w->out->title.len == 0 && head_title(w->out, c))
        return KOFTS_ENOMEM;
    if (is_dropped(t) || c->type == GUMBO_NODE_TEMPLATE)
        return 0;
    if (t == GUMBO_TAG_IMG || t == GUMBO_TAG_AREA || t == GUMBO_TAG_A) {
        const GumboAttribute *alt = gumbo_get_attribute(&c->v.element.attributes, "alt");
        const GumboAttribute *ti = gumbo_get_attribute(&c->v.element.attributes, "title");
        if ((alt && t != GUMBO_TAG_A && add_extra(w->out, alt->value)) ||
            (ti && add_extra(w->out, ti->value)))
            return KOFTS_ENOMEM;
    }
    if (t == GUMBO_TAG_BR)
        return sink_break(w->k) ? KOFTS_ENOMEM : 0;
    if (t == GUMBO_TAG_TD || t == GUMBO_TAG_TH)
        sink_space(w->k);
    else if (is_block(t) && sink_break(w->k))
        return KOFTS_ENOMEM;
    if (t == GUMBO_TAG_PRE)
        w->in_pre++;
    return 1;
}

/* Walk one parsed tree with an explicit stack and write its text. */
static int walk_tree(kofts_markup *out, sink *k, const GumboNode *root)
{
    int rc = 0;
    size_t cap = 64, top = 0;
    frame *st = malloc(cap * sizeof *st);
    walk w = {out, k, 0, 0, 0, out->title.len == 0};
    if (!st)
        return KOFTS_ENOMEM;
    st[top++] = (frame){root, 0};
    while (top && rc >= 0) {
        frame *f = &st[top - 1];
        const GumboNode *n = f->node;
        if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT) {
            top--;
            continue;
        }
        const GumboVector *ch =
            n->type == GUMBO_NODE_DOCUMENT ? &n->v.document.children : &n->v.element.children;
        if (f->next >= ch->length) {
            if (n->type == GUMBO_NODE_ELEMENT)
                rc = leave_element(&w, n, top);
            top--;
            continue;
        }
        const GumboNode *c = ch->data[f->next++];
        if (c->type == GUMBO_NODE_TEXT || c->type == GUMBO_NODE_CDATA ||
            c->type == GUMBO_NODE_WHITESPACE) {
            if (sink_text(k, c->v.text.text, strlen(c->v.text.text), w.in_pre > 0))
                rc = KOFTS_ENOMEM;
        } else if (c->type == GUMBO_NODE_ELEMENT || c->type == GUMBO_NODE_TEMPLATE) {
            if ((rc = enter_element(&w, c)) <= 0)
                continue;
            rc = 0;
            frame *ns = kofts_grow(st, &cap, top + 1, sizeof *st);
            if (!ns) {
                rc = KOFTS_ENOMEM;
                break;
            }
            st = ns;
            st[top++] = (frame){c, 0};
            if (c->v.element.tag == GUMBO_TAG_H1 && w.want_h1 && !w.h1_depth) {
                w.h1_depth = top;
                w.h1_mark = k->b->len;
            }
        } /* else comments, document nodes */
    }
    free(st);
    return rc < 0 ? rc : 0;
}

static int parse_piece(kofts_markup *out, sink *k, const char *html, size_t len)
{
    GumboOptions opt = kGumboDefaultOptions;
    opt.max_errors = 0; /* gumbo keeps a copy of the open-element stack per error */
    GumboOutput *g = gumbo_parse_with_options(&opt, html, len);
    if (!g)
        return KOFTS_ERROR;
    int rc = walk_tree(out, k, g->document);
    gumbo_destroy_output(&opt, g);
    return rc;
}

static int is_void_tag(const char *s, size_t n)
{
    static const char *const v[] = {"area",  "base", "br",   "col",   "embed",  "hr",    "img",
                                    "input", "link", "meta", "param", "source", "track", "wbr"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (strlen(v[i]) == n && strncasecmp(s, v[i], n) == 0)
            return 1;
    return 0;
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int kofts_markup_html(kofts_markup *out, const char *html, size_t len)
{
    int rc = 0;
    sink k = {&out->text, 1, 0};
    if (out->text.len && out->text.data[out->text.len - 1] != '\n')
        k.line_start = 0;
    /*
     * Estimate nesting by counting start and end tags (a cheap byte scan used only
     * to pick split points; gumbo does the real parsing). Split before a start tag
     * when the piece is over 1 MiB or its depth estimate reaches the limit.
     */
    size_t start = 0, i = 0;
    long depth = 0;
    while (i < len) {
        if (html[i] != '<' || i + 1 >= len) {
            const char *lt = memchr(html + i + 1, '<', len - i - 1);
            i = lt ? (size_t)(lt - html) : len;
            continue;
        }
        if (is_alpha(html[i + 1])) {
            if ((depth >= KOFTS_MARKUP_MAX_DEPTH || i - start >= (1u << 20)) && i > start) {
                if (depth >= KOFTS_MARKUP_MAX_DEPTH)
                    out->deep = 1;
                if ((rc = parse_piece(out, &k, html + start, i - start)) != 0)
                    goto done;
                if ((rc = sink_break(&k)) != 0)
                    goto done;
                start = i;
                depth = 0;
            }
            size_t j = i + 1;
            while (j < len && is_alpha(html[j]))
                j++;
            const char *gt = memchr(html + j, '>', len - j);
            size_t e = gt ? (size_t)(gt - html) : len;
            int selfclose = gt && e > j && html[e - 1] == '/';
            if (!is_void_tag(html + i + 1, j - i - 1) && !selfclose)
                depth++;
            i = j;
        } else if (html[i + 1] == '/') {
            if (depth > 0)
                depth--;
            i += 2;
        } else {
            i++;
        }
    }
    if (start < len)
        rc = parse_piece(out, &k, html + start, len - start);
done:
    return rc;
}

typedef struct {
    kofts_buf html;
    int oom;
} md_sink;

static void md_out(const MD_CHAR *s, MD_SIZE n, void *ud)
{
    md_sink *m = ud;
    if (!m->oom && kofts_buf_append(&m->html, s, n))
        m->oom = 1;
}

int kofts_markup_markdown(kofts_markup *out, const char *md, size_t len)
{
    int rc = 0;
    md_sink m = {{0}, 0};
    if (kofts_buf_reserve(&m.html, len + len / 4 + 64))
        return KOFTS_ENOMEM;
    unsigned pflags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS;
    if (md_html(md, (MD_SIZE)len, md_out, &m, pflags, MD_HTML_FLAG_SKIP_UTF8_BOM) != 0) {
        rc = KOFTS_ERROR;
        goto done;
    }
    if (m.oom) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    rc = kofts_markup_html(out, m.html.data ? m.html.data : "", m.html.len);
done:
    kofts_buf_free(&m.html);
    return rc;
}

void kofts_markup_free(kofts_markup *out)
{
    kofts_buf_free(&out->text);
    kofts_buf_free(&out->extra);
    kofts_buf_free(&out->title);
    out->deep = 0;
}
