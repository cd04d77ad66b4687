/*
 * kofts_site.c - Jekyll site rules: _config.yml, which files are documents, URLs.
 * See kofts_site.h for the rules and where they come from.
 */
#include "kofts_site.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <yaml.h>

#include <unicode/uchar.h>

#include "kofts_error.h"

#define MAX_LIST 256 /* exclude/include/collections entries kept */

typedef struct {
    char *label;     /* "recipes" (folder _recipes) */
    int output;      /* output: true */
    char *permalink; /* its permalink: or NULL */
} collection;

/* One entry of defaults: (front matter defaults by scope). */
typedef struct {
    char *path;      /* scope path: a prefix of the relative path, or a glob with '*' */
    char *type;      /* scope type: posts, pages, drafts, a collection label; NULL: any */
    char *permalink; /* values: permalink, or NULL */
    int published;   /* values: published (1/0), -1 when not set */
} fm_default;

struct kofts_site {
    char *root;      /* SOURCE folder */
    char *permalink; /* site permalink: (style name or template), default "date" */
    char *baseurl;   /* "" or "/blog" (no trailing '/') */
    char *url;       /* "" or "https://x.example" (no trailing '/') */
    char *exclude[MAX_LIST + 16];
    int n_exclude;
    char *include[MAX_LIST];
    int n_include;
    collection coll[MAX_LIST];
    int n_coll;
    char *markdown_ext; /* "markdown,mkdown,mkdn,mkd,md" */
    fm_default defs[MAX_LIST];
    int n_defs;
    int future; /* future: true (posts dated later than now are published) */
    char hash[17];
};

/* Jekyll's DEFAULT_EXCLUDES, always added to exclude: (configuration.rb). */
static const char *const default_excludes[] = {".sass-cache",  ".jekyll-cache",  ".ruby-lsp",
                                               "gemfiles",     "Gemfile",        "Gemfile.lock",
                                               "node_modules", "vendor/bundle/", "vendor/cache/",
                                               "vendor/gems/", "vendor/ruby/"};

/* ------------------------------------------------------------------ config */

int kofts_site_detect(const char *root)
{
    char p[4096];
    struct stat st;
    if (snprintf(p, sizeof p, "%s/_config.yml", root) >= (int)sizeof p)
        return 0;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

void kofts_site_free(kofts_site *s)
{
    if (!s)
        return;
    free(s->root);
    free(s->permalink);
    free(s->baseurl);
    free(s->url);
    for (int i = 0; i < s->n_exclude; i++)
        free(s->exclude[i]);
    for (int i = 0; i < s->n_include; i++)
        free(s->include[i]);
    for (int i = 0; i < s->n_coll; i++) {
        free(s->coll[i].label);
        free(s->coll[i].permalink);
    }
    free(s->markdown_ext);
    for (int i = 0; i < s->n_defs; i++) {
        free(s->defs[i].path);
        free(s->defs[i].type);
        free(s->defs[i].permalink);
    }
    free(s);
}

const char *kofts_site_config_hash(const kofts_site *s)
{
    return s->hash;
}

static const char *scalar(yaml_document_t *doc, yaml_node_t *n)
{
    (void)doc;
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int yaml_true(const char *v)
{
    return v && (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on"));
}

/* A copy of v without trailing '/' characters (and a leading one added when lead). */
static char *trimmed(const char *v, int lead)
{
    size_t n = strlen(v);
    while (n > 0 && v[n - 1] == '/')
        n--;
    char *r = malloc(n + 2);
    if (!r)
        return NULL;
    size_t k = 0;
    if (lead && n > 0 && v[0] != '/')
        r[k++] = '/';
    memcpy(r + k, v, n);
    r[k + n] = '\0';
    return r;
}

/* Append the scalar items of sequence node n to list (at most MAX_LIST). */
static int read_list(yaml_document_t *doc, yaml_node_t *n, char **list, int *count)
{
    if (!n || n->type != YAML_SEQUENCE_NODE)
        return 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        const char *v = scalar(doc, yaml_document_get_node(doc, *it));
        if (!v || *count >= MAX_LIST)
            continue;
        if (!(list[*count] = strdup(v)))
            return KOFTS_ENOMEM;
        (*count)++;
    }
    return 0;
}

/* collections: either a mapping label -> {output, permalink} or a list of labels. */
static int read_collections(kofts_site *s, yaml_document_t *doc, yaml_node_t *n)
{
    if (n && n->type == YAML_SEQUENCE_NODE) {
        char *labels[MAX_LIST];
        int nl = 0, rc = read_list(doc, n, labels, &nl);
        for (int i = 0; i < nl; i++)
            s->coll[s->n_coll++].label = labels[i];
        return rc;
    }
    if (!n || n->type != YAML_MAPPING_NODE)
        return 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *label = scalar(doc, yaml_document_get_node(doc, p->key));
        yaml_node_t *meta = yaml_document_get_node(doc, p->value);
        if (!label || s->n_coll >= MAX_LIST)
            continue;
        collection *c = &s->coll[s->n_coll++];
        if (!(c->label = strdup(label)))
            return KOFTS_ENOMEM;
        if (!meta || meta->type != YAML_MAPPING_NODE)
            continue;
        for (yaml_node_pair_t *q = meta->data.mapping.pairs.start; q < meta->data.mapping.pairs.top;
             q++) {
            const char *k = scalar(doc, yaml_document_get_node(doc, q->key));
            const char *v = scalar(doc, yaml_document_get_node(doc, q->value));
            if (!k || !v)
                continue;
            if (!strcmp(k, "output"))
                c->output = yaml_true(v);
            else if (!strcmp(k, "permalink") && !c->permalink && !(c->permalink = strdup(v)))
                return KOFTS_ENOMEM;
        }
    }
    return 0;
}

/* The scalar value of key in mapping node n, or NULL. */
static const char *map_get(yaml_document_t *doc, yaml_node_t *n, const char *key)
{
    if (!n || n->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = scalar(doc, yaml_document_get_node(doc, p->key));
        if (k && !strcmp(k, key))
            return scalar(doc, yaml_document_get_node(doc, p->value));
    }
    return NULL;
}

/* The mapping node of key in mapping n, or NULL. */
static yaml_node_t *map_node(yaml_document_t *doc, yaml_node_t *n, const char *key)
{
    if (!n || n->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = scalar(doc, yaml_document_get_node(doc, p->key));
        if (k && !strcmp(k, key))
            return yaml_document_get_node(doc, p->value);
    }
    return NULL;
}

/* defaults: [{scope: {path, type}, values: {permalink, published, ...}}, ...] */
static int read_defaults(kofts_site *s, yaml_document_t *doc, yaml_node_t *n)
{
    if (!n || n->type != YAML_SEQUENCE_NODE)
        return 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
         it++) {
        yaml_node_t *e = yaml_document_get_node(doc, *it);
        yaml_node_t *scope = map_node(doc, e, "scope"), *values = map_node(doc, e, "values");
        if (!values || s->n_defs >= MAX_LIST)
            continue;
        const char *path = map_get(doc, scope, "path"), *type = map_get(doc, scope, "type");
        const char *perm = map_get(doc, values, "permalink");
        const char *pub = map_get(doc, values, "published");
        if (!perm && !pub)
            continue;
        fm_default *d = &s->defs[s->n_defs++];
        d->published = !pub ? -1 : yaml_true(pub) ? 1 : 0;
        if (!(d->path = strdup(path ? path : "")) || (type && !(d->type = strdup(type))) ||
            (perm && !(d->permalink = strdup(perm))))
            return KOFTS_ENOMEM;
    }
    return 0;
}

/* Take the keys kofts needs from the root mapping of the config. */
static int read_config(kofts_site *s, yaml_document_t *doc)
{
    yaml_node_t *root = yaml_document_get_root_node(doc);
    int rc = 0;
    if (!root || root->type != YAML_MAPPING_NODE)
        return 0;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         !rc && p < root->data.mapping.pairs.top; p++) {
        const char *k = scalar(doc, yaml_document_get_node(doc, p->key));
        yaml_node_t *vn = yaml_document_get_node(doc, p->value);
        const char *v = scalar(doc, vn);
        if (!k)
            continue;
        char **slot = NULL;
        int lead = 0;
        if (!strcmp(k, "permalink") && v && *v)
            slot = &s->permalink;
        else if (!strcmp(k, "baseurl") && v)
            slot = &s->baseurl, lead = 1;
        else if (!strcmp(k, "url") && v)
            slot = &s->url;
        else if (!strcmp(k, "markdown_ext") && v)
            slot = &s->markdown_ext;
        else if (!strcmp(k, "exclude"))
            rc = read_list(doc, vn, s->exclude, &s->n_exclude);
        else if (!strcmp(k, "include")) {
            for (int i = 0; i < s->n_include; i++)
                free(s->include[i]);
            s->n_include = 0; /* the site's include: replaces Jekyll's [".htaccess"] */
            rc = read_list(doc, vn, s->include, &s->n_include);
        } else if (!strcmp(k, "collections"))
            rc = read_collections(s, doc, vn);
        else if (!strcmp(k, "defaults"))
            rc = read_defaults(s, doc, vn);
        else if (!strcmp(k, "future"))
            s->future = yaml_true(v);
        if (slot) {
            free(*slot);
            if (!(*slot = slot == &s->permalink || slot == &s->markdown_ext ? strdup(v)
                                                                            : trimmed(v, lead)))
                rc = KOFTS_ENOMEM;
        }
    }
    return rc;
}

/* Read the whole file at path into b. 0 or -1 (errno set). */
static int slurp(const char *path, kofts_buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char tmp[65536];
    size_t n;
    int rc = 0;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        if (kofts_buf_append(b, tmp, n) || b->len > 16 * 1024 * 1024) {
            rc = -1;
            break;
        }
    if (ferror(f))
        rc = -1;
    fclose(f);
    return rc;
}

/* "what (detail)" as a malloc'd string. */
static char *msgf(const char *what, const char *detail)
{
    kofts_buf m = {0};
    if (detail ? kofts_buf_printf(&m, "%s (%s)", what, detail) : kofts_buf_puts(&m, what)) {
        kofts_buf_free(&m);
        return NULL;
    }
    return m.data;
}

int kofts_site_open(kofts_site **out, const char *root, long *warn_line, char **warning)
{
    int rc = 0;
    kofts_site *s = NULL;
    kofts_buf raw = {0};
    char path[4096];
    yaml_parser_t p;
    yaml_document_t doc;
    int parser = 0, have_doc = 0;
    *out = NULL;
    if (warning)
        *warning = NULL;
    if (warn_line)
        *warn_line = 0;
    snprintf(path, sizeof path, "%s/_config.yml", root);
    if (!(s = calloc(1, sizeof *s)) || !(s->root = strdup(root)) ||
        !(s->permalink = strdup("date")) || !(s->baseurl = strdup("")) || !(s->url = strdup("")) ||
        !(s->markdown_ext = strdup("markdown,mkdown,mkdn,mkd,md")) ||
        !(s->include[0] = strdup(".htaccess"))) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    s->n_include = 1;
    if (slurp(path, &raw)) {
        if (warning)
            *warning = msgf("cannot read the site configuration", strerror(errno));
        rc = KOFTS_EIO;
        goto done;
    }
    snprintf(s->hash, sizeof s->hash, "%016llx",
             (unsigned long long)kofts_fnv1a64(raw.data ? raw.data : "", raw.len));
    if (!yaml_parser_initialize(&p)) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    parser = 1;
    yaml_parser_set_input_string(&p, (const unsigned char *)(raw.data ? raw.data : ""), raw.len);
    if (!yaml_parser_load(&p, &doc)) {
        if (warning)
            *warning = msgf("not valid YAML, Jekyll's defaults used",
                            p.problem ? p.problem : "YAML error");
        if (warn_line)
            *warn_line = (long)p.problem_mark.line + 1;
    } else {
        have_doc = 1;
        rc = read_config(s, &doc);
    }
    for (size_t i = 0; !rc && i < sizeof default_excludes / sizeof *default_excludes; i++)
        if (!(s->exclude[s->n_exclude++] = strdup(default_excludes[i])))
            rc = KOFTS_ENOMEM;
done:
    if (have_doc)
        yaml_document_delete(&doc);
    if (parser)
        yaml_parser_delete(&p);
    kofts_buf_free(&raw);
    if (rc)
        kofts_site_free(s);
    else
        *out = s;
    return rc;
}

/* ------------------------------------------------------------- entry filter */

/* One pattern of exclude:/include: against rel (as Jekyll's glob_include?: fnmatch of
 * the joined paths, a prefix, or the folder named with a trailing '/'). */
static int pattern_hits(const char *pat, const char *rel, size_t rel_len, int is_dir)
{
    char r[4096];
    size_t pl = strlen(pat);
    if (rel_len >= sizeof r)
        return 0;
    memcpy(r, rel, rel_len);
    r[rel_len] = '\0';
    while (pl > 1 && pat[0] == '/') /* Jekyll joins it under the source either way */
        pat++, pl--;
    if (fnmatch(pat, r, 0) == 0 || (pl && strncmp(r, pat, pl) == 0))
        return 1;
    return is_dir && pl == rel_len + 1 && pat[rel_len] == '/' && strncmp(pat, r, rel_len) == 0;
}

static int list_hits(char *const *list, int n, const char *rel, size_t len, int is_dir)
{
    for (int i = 0; i < n; i++)
        if (pattern_hits(list[i], rel, len, is_dir))
            return 1;
    return 0;
}

static int is_included(const kofts_site *s, const char *rel, size_t len, const char *name,
                       size_t nlen, int is_dir)
{
    return list_hits(s->include, s->n_include, rel, len, is_dir) ||
           list_hits(s->include, s->n_include, name, nlen, is_dir);
}

static int is_excluded(const kofts_site *s, const char *rel, size_t len, int is_dir)
{
    for (int i = 0; i < s->n_exclude; i++) {
        int in_include = 0; /* site.exclude - site.include */
        for (int k = 0; k < s->n_include && !in_include; k++)
            in_include = strcmp(s->exclude[i], s->include[k]) == 0;
        if (!in_include && pattern_hits(s->exclude[i], rel, len, is_dir))
            return 1;
    }
    return 0;
}

/* Jekyll's EntryFilter#filter for the entry rel[0..len) whose last segment is name. */
static int keep_entry(const kofts_site *s, const char *rel, size_t len, const char *name,
                      size_t nlen, int is_dir)
{
    if (nlen == 0 || name[nlen - 1] == '.')
        return 0;
    int inc = is_included(s, rel, len, name, nlen, is_dir);
    if (is_excluded(s, rel, len, is_dir) && !inc)
        return 0;
    if (inc)
        return 1;
    return !(name[0] == '.' || name[0] == '_' || name[0] == '#' || name[0] == '~' ||
             name[nlen - 1] == '~');
}

static const collection *find_coll(const kofts_site *s, const char *name, size_t n)
{
    if (n < 2 || name[0] != '_')
        return NULL;
    for (int i = 0; i < s->n_coll; i++)
        if (strlen(s->coll[i].label) == n - 1 && !strncmp(s->coll[i].label, name + 1, n - 1) &&
            strcmp(s->coll[i].label, "posts") != 0)
            return &s->coll[i];
    return NULL;
}

/*
 * Walk the segments of rel (is_dir: rel is a folder). Returns the kind for a file, or
 * for a folder KOFTS_SITE_PAGE when it may hold content (SKIP when not).
 */
static kofts_site_kind walk_rel(const kofts_site *s, const char *rel, int is_dir,
                                const char **coll_out)
{
    enum { TOP, POSTS, DRAFTS, COLL } where = TOP;
    const collection *coll = NULL;
    size_t start = 0, len = strlen(rel);
    while (start <= len) {
        const char *slash = memchr(rel + start, '/', len - start);
        size_t end = slash ? (size_t)(slash - rel) : len;
        const char *name = rel + start;
        size_t nlen = end - start;
        int last = end == len, dir = !last || is_dir;
        if (where == TOP && dir && nlen == 6 && !strncmp(name, "_posts", 6))
            where = POSTS;
        else if (where == TOP && dir && nlen == 7 && !strncmp(name, "_drafts", 7))
            where = DRAFTS;
        else if (where == TOP && dir && start == 0 && (coll = find_coll(s, name, nlen)))
            where = COLL;
        else if (!keep_entry(s, rel, end, name, nlen, dir))
            return KOFTS_SITE_SKIP;
        if (last)
            break;
        start = end + 1;
    }
    if (is_dir)
        return where == COLL && !coll->output ? KOFTS_SITE_SKIP : KOFTS_SITE_PAGE;
    const char *fname = strrchr(rel, '/');
    fname = fname ? fname + 1 : rel;
    const char *dot = strrchr(fname, '.');
    switch (where) {
    case POSTS: {
        /* DATE_FILENAME_MATCHER: \d{2,4}-\d{1,2}-\d{1,2}-[^/]*\.[^.]+ */
        int y = 0, m = 0, d = 0, used = 0;
        if (!dot || dot == fname || sscanf(fname, "%4d-%2d-%2d-%n", &y, &m, &d, &used) != 3 ||
            used == 0 || dot < fname + used || !(fname[0] >= '0' && fname[0] <= '9'))
            return KOFTS_SITE_SKIP;
        return KOFTS_SITE_POST;
    }
    case DRAFTS:
        return dot && dot > fname ? KOFTS_SITE_DRAFT : KOFTS_SITE_SKIP;
    case COLL:
        if (!coll->output)
            return KOFTS_SITE_SKIP;
        if (coll_out)
            *coll_out = coll->label;
        return KOFTS_SITE_DOC;
    default:
        return KOFTS_SITE_PAGE;
    }
}

int kofts_site_walk_dir(const kofts_site *s, const char *rel)
{
    return walk_rel(s, rel, 1, NULL) != KOFTS_SITE_SKIP;
}

kofts_site_kind kofts_site_classify(const kofts_site *s, const char *rel, const char **label)
{
    if (label)
        *label = NULL;
    return walk_rel(s, rel, 0, label);
}

int kofts_site_is_markdown(const kofts_site *s, const char *rel)
{
    const char *fname = strrchr(rel, '/');
    fname = fname ? fname + 1 : rel;
    const char *dot = strrchr(fname, '.');
    if (!dot || dot == fname)
        return 0;
    size_t el = strlen(dot + 1);
    for (const char *p = s->markdown_ext; *p;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        while (n && *p == ' ')
            p++, n--;
        if (n == el && strncasecmp(p, dot + 1, n) == 0)
            return 1;
        p += n + (c ? 1 : 0);
    }
    return 0;
}

/* ------------------------------------------------------------------ defaults */

/* Does glob pat (with FNM_PATHNAME) match rel or one of its leading folders? */
static int glob_leading(const char *pat, const char *rel)
{
    char buf[4096];
    size_t n = strlen(rel);
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, rel, n + 1);
    for (size_t i = n;; i--) {
        if (i == n || buf[i] == '/') {
            buf[i] = '\0';
            if (fnmatch(pat, buf, FNM_PATHNAME) == 0)
                return 1;
        }
        if (i == 0)
            return 0;
    }
}

int kofts_site_future(const kofts_site *s)
{
    return s->future;
}

void kofts_site_defaults(const kofts_site *s, kofts_site_kind k, const char *rel,
                         const char **permalink, int *published)
{
    char type[300];
    int best_perm = -1, best_pub = -1;
    *permalink = NULL;
    *published = -1;
    if (k == KOFTS_SITE_PAGE)
        snprintf(type, sizeof type, "pages");
    else if (k == KOFTS_SITE_DOC)
        snprintf(type, sizeof type, "%.*s", (int)strcspn(rel + 1, "/"), rel + 1);
    else
        snprintf(type, sizeof type, "posts");
    for (int i = 0; i < s->n_defs; i++) {
        const fm_default *d = &s->defs[i];
        size_t pl = strlen(d->path);
        while (pl > 0 && d->path[pl - 1] == '/')
            pl--;
        /* FrontmatterDefaults#applies_path?: a plain prefix of the path ("old" also
         * covers "older/"), or paths below what a glob names */
        int path_ok = pl == 0 || (strchr(d->path, '*') ? glob_leading(d->path, rel)
                                                       : strncmp(rel, d->path, pl) == 0);
        int type_ok = !d->type || !strcmp(d->type, type) ||
                      (k == KOFTS_SITE_DRAFT && !strcmp(d->type, "drafts"));
        if (!path_ok || !type_ok)
            continue;
        /* the more specific scope wins (longer path, then a type); later ones on ties */
        int rank = (int)pl * 2 + (d->type ? 1 : 0);
        if (d->permalink && rank >= best_perm) {
            best_perm = rank;
            *permalink = d->permalink;
        }
        if (d->published >= 0 && rank >= best_pub) {
            best_pub = rank;
            *published = d->published;
        }
    }
}

/* ---------------------------------------------------------------------- URLs */

int kofts_site_escape_path(kofts_buf *out, const char *s, size_t n)
{
    static const char safe[] = "-._~!$&'()*+,;=:@/";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 (c && strchr(safe, c));
        if (ok ? kofts_buf_append(out, s + i, 1) : kofts_buf_printf(out, "%%%02X", c))
            return KOFTS_ENOMEM;
    }
    return 0;
}

/* Jekyll's Utils.slugify, modes "default" (pretty = 0) and "pretty": runs of
 * characters other than \p{L}\p{M}\p{Nd} (pretty: also ._~!$&'()+,;=@) become one
 * '-', one leading and one trailing '-' go, lower-cased unless cased. */
static int slugify(kofts_buf *out, const char *s, int pretty, int cased)
{
    size_t start = out->len, i = 0, n = strlen(s);
    int dash = 0;
    while (i < n) {
        size_t adv = 1;
        int32_t cp = kofts_utf8_decode(s, n, i, &adv);
        int8_t t = u_charType(cp);
        int keep = (U_GET_GC_MASK(cp) & (U_GC_L_MASK | U_GC_M_MASK)) ||
                   t == U_DECIMAL_DIGIT_NUMBER ||
                   (pretty && cp < 128 && cp > 0 && strchr("._~!$&'()+,;=@", (int)cp));
        if (!keep) {
            if (!dash && kofts_buf_append(out, "-", 1))
                return KOFTS_ENOMEM;
            dash = 1;
        } else {
            char u[4];
            size_t k = kofts_utf8_encode(cased ? cp : u_tolower(cp), u);
            if (kofts_buf_append(out, u, k))
                return KOFTS_ENOMEM;
            dash = 0;
        }
        i += adv ? adv : 1;
    }
    if (out->len > start && out->data[out->len - 1] == '-')
        out->data[--out->len] = '\0';
    if (out->len > start && out->data[start] == '-') {
        memmove(out->data + start, out->data + start + 1, out->len - start);
        out->len--;
    }
    return 0;
}

/* Categories lower-cased (Unicode), duplicates dropped, joined with '/'; slug: each
 * slugified instead (:slugified_categories). */
static int join_categories(kofts_buf *out, const char *cats, int slug)
{
    kofts_buf seen = {0}; /* '\n'-framed list of what was added */
    int rc = 0, added = 0;
    if (kofts_buf_append(&seen, "\n", 1))
        return KOFTS_ENOMEM;
    for (const char *p = cats ? cats : ""; *p && !rc;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        kofts_buf one = {0};
        char tmp[1024];
        snprintf(tmp, sizeof tmp, "%.*s", (int)n, p);
        if (slug) {
            rc = slugify(&one, tmp, 0, 0);
        } else {
            for (size_t i = 0; i < strlen(tmp) && !rc;) {
                size_t adv = 1;
                int32_t cp = kofts_utf8_decode(tmp, strlen(tmp), i, &adv);
                char u[4];
                rc = kofts_buf_append(&one, u, kofts_utf8_encode(u_tolower(cp), u));
                i += adv ? adv : 1;
            }
        }
        if (!rc && one.len) {
            /* exact lookup of "\n" + item + "\n" in the framed list */
            kofts_buf fr = {0};
            if (kofts_buf_append(&fr, "\n", 1) || kofts_buf_append(&fr, one.data, one.len) ||
                kofts_buf_append(&fr, "\n", 1))
                rc = KOFTS_ENOMEM;
            if (!rc && !strstr(seen.data, fr.data) &&
                ((added && kofts_buf_append(out, "/", 1)) ||
                 kofts_buf_append(out, one.data, one.len) ||
                 kofts_buf_append(&seen, one.data + 0, one.len) ||
                 kofts_buf_append(&seen, "\n", 1)))
                rc = KOFTS_ENOMEM;
            else if (!rc)
                added = 1;
            kofts_buf_free(&fr);
        }
        kofts_buf_free(&one);
        p += n + (nl ? 1 : 0);
    }
    kofts_buf_free(&seen);
    return rc;
}

static const char *const short_month[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const long_month[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
static const char *const short_day[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const long_day[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                       "Thursday", "Friday", "Saturday"};

/* The date of v as a struct tm (UTC, wday/yday filled); 0, or -1 when there is none. */
static int date_tm(const char *date, struct tm *tm)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    memset(tm, 0, sizeof *tm);
    if (!date || sscanf(date, "%d-%d-%d", &y, &mo, &d) != 3 || mo < 1 || mo > 12 || d < 1 || d > 31)
        return -1;
    const char *t = strchr(date, 'T');
    if (t)
        sscanf(t + 1, "%d:%d:%d", &h, &mi, &se);
    tm->tm_year = y - 1900;
    tm->tm_mon = mo - 1;
    tm->tm_mday = d;
    tm->tm_hour = h;
    tm->tm_min = mi;
    tm->tm_sec = se;
    time_t when = timegm(tm);
    struct tm norm;
    if (!gmtime_r(&when, &norm))
        return -1;
    tm->tm_wday = norm.tm_wday;
    tm->tm_yday = norm.tm_yday;
    return 0;
}

/* Date placeholder i of date_names (strftime with a literal format each). */
static void date_fmt(char *b, size_t cap, int i, const struct tm *tm)
{
    switch (i) {
    case 0:
        strftime(b, cap, "%Y", tm);
        break;
    case 1:
        strftime(b, cap, "%m", tm);
        break;
    case 2:
        strftime(b, cap, "%d", tm);
        break;
    case 3:
        strftime(b, cap, "%H", tm);
        break;
    case 4:
        strftime(b, cap, "%M", tm);
        break;
    case 5:
        strftime(b, cap, "%S", tm);
        break;
    case 6:
        snprintf(b, cap, "%02d", (tm->tm_year + 1900) % 100);
        break;
    case 7:
        strftime(b, cap, "%G", tm);
        break;
    case 8:
        strftime(b, cap, "%V", tm);
        break;
    case 9:
        strftime(b, cap, "%u", tm);
        break;
    default:
        strftime(b, cap, "%j", tm);
        break;
    }
}

static const char *const date_names[] = {"year",   "month",  "day",        "hour",
                                         "minute", "second", "short_year", "w_year",
                                         "week",   "w_day",  "y_day"};

/* The raw value of drop placeholder name[0..n) for v into val; 1 if known, 0 if not. */
static int drop_value(const char *name, size_t n, const kofts_url_vals *v, kofts_buf *val)
{
    struct tm tm;
    int has_date = date_tm(v->date, &tm) == 0;
    char b[64] = "";
#define IS(s) (n == sizeof(s) - 1 && strncmp(name, s, n) == 0)
    const char *slug = v->slug ? v->slug : v->basename;
    if (IS("collection"))
        return kofts_buf_puts(val, v->collection) ? -1 : 1;
    if (IS("path"))
        return kofts_buf_puts(val, v->path) ? -1 : 1;
    if (IS("output_ext"))
        return kofts_buf_puts(val, v->output_ext) ? -1 : 1;
    if (IS("name"))
        return slugify(val, v->basename, 0, 0) ? -1 : 1;
    if (IS("title"))
        return slugify(val, slug, 1, 1) ? -1 : 1;
    if (IS("slug"))
        return slugify(val, slug, 0, 0) ? -1 : 1;
    if (IS("categories"))
        return join_categories(val, v->categories, 0) ? -1 : 1;
    if (IS("slugified_categories"))
        return join_categories(val, v->categories, 1) ? -1 : 1;
    for (int i = 0; i < (int)(sizeof date_names / sizeof *date_names); i++)
        if (strlen(date_names[i]) == n && !strncmp(name, date_names[i], n)) {
            if (has_date)
                date_fmt(b, sizeof b, i, &tm);
            return kofts_buf_puts(val, b) ? -1 : 1;
        }
    if (IS("i_day") || IS("i_month")) {
        if (has_date)
            snprintf(b, sizeof b, "%d", IS("i_day") ? tm.tm_mday : tm.tm_mon + 1);
    } else if (IS("short_month") || IS("long_month")) {
        if (has_date)
            snprintf(b, sizeof b, "%s", (IS("short_month") ? short_month : long_month)[tm.tm_mon]);
    } else if (IS("short_day") || IS("long_day")) {
        if (has_date)
            snprintf(b, sizeof b, "%s", (IS("short_day") ? short_day : long_day)[tm.tm_wday]);
    } else {
        return 0;
    }
#undef IS
    return kofts_buf_puts(val, b) ? -1 : 1;
}

/* Jekyll's URL#sanitize_url of s into out: "/" + s, ".." -> "/", "./" removed, runs of
 * '/' squeezed. */
static int sanitize(kofts_buf *out, const char *s, size_t n)
{
    kofts_buf a = {0}, b = {0};
    int rc = KOFTS_ENOMEM;
    if (kofts_buf_append(&a, "/", 1))
        goto done;
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && s[i] == '.' && s[i + 1] == '.') {
            if (kofts_buf_append(&a, "/", 1))
                goto done;
            i++;
        } else if (kofts_buf_append(&a, s + i, 1)) {
            goto done;
        }
    }
    for (size_t i = 0; i < a.len; i++) {
        if (i + 1 < a.len && a.data[i] == '.' && a.data[i + 1] == '/') {
            i++;
            continue;
        }
        if (kofts_buf_append(&b, a.data + i, 1))
            goto done;
    }
    for (size_t i = 0; i < b.len; i++)
        if (!(b.data[i] == '/' && i > 0 && b.data[i - 1] == '/') &&
            kofts_buf_append(out, b.data + i, 1))
            goto done;
    rc = kofts_buf_append(out, "", 0);
done:
    kofts_buf_free(&a);
    kofts_buf_free(&b);
    return rc;
}

const char *kofts_site_style(const char *name)
{
    static const struct {
        const char *name, *tmpl;
    } styles[] = {
        {"none", "/:categories/:title:output_ext"},
        {"date", "/:categories/:year/:month/:day/:title:output_ext"},
        {"ordinal", "/:categories/:year/:y_day/:title:output_ext"},
        {"pretty", "/:categories/:year/:month/:day/:title/"},
        {"weekdate", "/:categories/:year/W:week/:short_day/:title:output_ext"},
    };
    for (size_t i = 0; name && i < sizeof styles / sizeof *styles; i++)
        if (!strcmp(name, styles[i].name))
            return styles[i].tmpl;
    return NULL;
}

int kofts_site_expand(const char *tmpl, const kofts_url_vals *v, kofts_buf *out)
{
    kofts_buf gen = {0}, val = {0};
    int rc = 0;
    for (const char *p = tmpl; *p && !rc;) {
        size_t n = 0;
        if (*p == ':')
            while ((p[1 + n] >= 'a' && p[1 + n] <= 'z') || p[1 + n] == '_')
                n++;
        if (n == 0) {
            rc = kofts_buf_append(&gen, p, 1);
            p++;
            continue;
        }
        /* ":name_" may mean :name followed by '_' (Jekyll's possible_keys) */
        int got = 0;
        size_t used = n;
        kofts_buf_clear(&val);
        got = drop_value(p + 1, n, v, &val);
        if (got == 0 && p[n] == '_') {
            used = n - 1;
            got = drop_value(p + 1, used, v, &val);
        }
        if (got < 0) {
            rc = KOFTS_ENOMEM;
        } else if (got == 0) {
            rc = kofts_buf_append(&gen, p, n + 1);
            p += n + 1;
        } else {
            rc = kofts_site_escape_path(&gen, val.data ? val.data : "", val.len);
            p += used + 1;
        }
    }
    if (!rc)
        rc = sanitize(out, gen.data ? gen.data : "", gen.len);
    kofts_buf_free(&gen);
    kofts_buf_free(&val);
    return rc;
}

/* A page's URL: Jekyll's generate_url_from_hash with :path, :basename, :output_ext. */
static int expand_page(const char *tmpl, const char *dir, const char *base, const char *ext,
                       kofts_buf *out)
{
    const char *keys[] = {":path", ":basename", ":output_ext"};
    const char *vals[] = {dir, base, ext};
    kofts_buf cur = {0}, next = {0}, esc = {0};
    int rc = kofts_buf_puts(&cur, tmpl);
    for (int k = 0; k < 3 && !rc; k++) {
        kofts_buf_clear(&next);
        kofts_buf_clear(&esc);
        if ((rc = kofts_buf_append(&next, "", 0)) ||
            (rc = kofts_site_escape_path(&esc, vals[k], strlen(vals[k]))) ||
            (rc = kofts_buf_append(&esc, "", 0)))
            break;
        size_t kl = strlen(keys[k]);
        for (const char *p = cur.data; *p && !rc;) {
            if (!strncmp(p, keys[k], kl)) {
                rc = kofts_buf_append(&next, esc.data, esc.len);
                p += kl;
            } else {
                rc = kofts_buf_append(&next, p++, 1);
            }
        }
        kofts_buf t = cur;
        cur = next;
        next = t;
    }
    if (!rc)
        rc = sanitize(out, cur.data, cur.len);
    kofts_buf_free(&cur);
    kofts_buf_free(&next);
    kofts_buf_free(&esc);
    return rc;
}

/* Utils.add_permalink_suffix for the site's permalink style. */
static int with_suffix(kofts_buf *t, const char *base, const char *style)
{
    if (kofts_buf_puts(t, base))
        return KOFTS_ENOMEM;
    size_t sl = strlen(style);
    if (!strcmp(style, "pretty"))
        return kofts_buf_puts(t, "/");
    if (!strcmp(style, "date") || !strcmp(style, "ordinal") || !strcmp(style, "none"))
        return kofts_buf_puts(t, ":output_ext");
    if (sl && style[sl - 1] == '/' && kofts_buf_puts(t, "/"))
        return KOFTS_ENOMEM;
    if (sl >= 11 && !strcmp(style + sl - 11, ":output_ext") && kofts_buf_puts(t, ":output_ext"))
        return KOFTS_ENOMEM;
    return 0;
}

/* [url:] + baseurl before a site path. */
static int prefix(const kofts_site *s, kofts_buf *out)
{
    return kofts_buf_puts(out, s->url) || kofts_buf_puts(out, s->baseurl) ? KOFTS_ENOMEM : 0;
}

static int page_url(const kofts_site *s, const char *rel, const kofts_site_fm *fm, kofts_buf *out)
{
    const char *slash = strrchr(rel, '/');
    const char *fname = slash ? slash + 1 : rel;
    const char *dot = strrchr(fname, '.');
    if (!dot || dot == fname)
        dot = fname + strlen(fname);
    char dir[4096], base[1024], ext[64];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - rel) : 0, rel);
    snprintf(base, sizeof base, "%.*s", (int)(dot - fname), fname);
    for (size_t n = strlen(base); n > 0 && base[n - 1] == '.'; n--)
        base[n - 1] = '\0';
    snprintf(ext, sizeof ext, "%s", kofts_site_is_markdown(s, rel) ? ".html" : dot);
    int html = !strcasecmp(ext, ".html") || !strcasecmp(ext, ".xhtml") || !strcasecmp(ext, ".htm");
    if (!html)
        return 1;
    kofts_buf t = {0};
    int rc = 0;
    const char *dperm = NULL;
    int dpub;
    kofts_site_defaults(s, KOFTS_SITE_PAGE, rel, &dperm, &dpub);
    if (fm && fm->permalink && *fm->permalink && !fm->front_matter_lost)
        rc = kofts_buf_puts(&t, fm->permalink);
    else if (dperm && *dperm)
        rc = kofts_buf_puts(&t, dperm);
    else if (!strcmp(base, "index"))
        rc = kofts_buf_puts(&t, "/:path/");
    else
        rc = with_suffix(&t, "/:path/:basename", s->permalink);
    if (!rc)
        rc = prefix(s, out) || expand_page(t.data, dir, base, ext, out) ? KOFTS_ENOMEM : 0;
    kofts_buf_free(&t);
    return rc;
}

int kofts_site_path_categories(kofts_site_kind k, const char *rel, kofts_buf *out)
{
    if (k != KOFTS_SITE_POST && k != KOFTS_SITE_DRAFT)
        return 0;
    /* Document#categories_from_path: rel up to the first "_posts" ("_drafts"), split */
    const char *sd = strstr(rel, k == KOFTS_SITE_DRAFT ? "_drafts" : "_posts");
    size_t upto = sd ? (size_t)(sd - rel) : 0;
    for (size_t i = 0; i < upto;) {
        const char *sl = memchr(rel + i, '/', upto - i);
        size_t e = sl ? (size_t)(sl - rel) : upto;
        if (e > i &&
            ((out->len && kofts_buf_append(out, "\n", 1)) || kofts_buf_append(out, rel + i, e - i)))
            return KOFTS_ENOMEM;
        i = e + 1;
    }
    return 0;
}

/* The parts of a document's URL that come from its file name and front matter
 * (Jekyll's populate_title and date): base name, slug, output extension, date. */
typedef struct {
    char base[1024], slug[1024], ext[64], date[32];
} url_name;

static void name_parts(const kofts_site *s, kofts_site_kind k, const char *rel, const char *dot,
                       const kofts_site_fm *fm, long long mtime, url_name *u)
{
    int lost = fm && fm->front_matter_lost;
    const char *slash = strrchr(rel, '/');
    const char *fname = slash ? slash + 1 : rel;
    snprintf(u->base, sizeof u->base, "%.*s", (int)(dot - fname), fname);
    snprintf(u->ext, sizeof u->ext, "%s", kofts_site_is_markdown(s, rel) ? ".html" : dot);
    u->date[0] = '\0';
    /* slug and date from the name; a post's "YYYY-MM-DD-" goes */
    int y, m, d, used = 0;
    const char *name_slug = u->base;
    if (sscanf(u->base, "%4d-%2d-%2d-%n", &y, &m, &d, &used) == 3 && used > 0 &&
        u->base[0] >= '0' && u->base[0] <= '9') {
        snprintf(u->date, sizeof u->date, "%04d-%02d-%02d", y, m, d);
        name_slug = u->base + used;
    }
    snprintf(u->slug, sizeof u->slug, "%s",
             !lost && fm && fm->slug && *fm->slug ? fm->slug : name_slug);
    for (size_t n = strlen(u->slug); n > 0 && u->slug[n - 1] == '.'; n--)
        u->slug[n - 1] = '\0';
    int fm_date = !lost && fm && fm->date && *fm->date;
    if (fm_date)
        snprintf(u->date, sizeof u->date, "%s", fm->date);
    if (k == KOFTS_SITE_DRAFT && !fm_date) {
        time_t t = (time_t)mtime;
        struct tm tm;
        if (gmtime_r(&t, &tm))
            strftime(u->date, sizeof u->date, "%Y-%m-%dT%H:%M:%S", &tm);
    }
}

/* cleaned_relative_path: rel[0..stem) with the first "_posts" (or "_label" of a
 * collection document) removed and trailing dots dropped. */
static void cleaned_path(kofts_site_kind k, const char *label, const char *rel, size_t stem,
                         char *cpath, size_t cap)
{
    char coll_dir[300];
    snprintf(coll_dir, sizeof coll_dir, "_%s", label);
    const char *drop = k == KOFTS_SITE_DOC ? coll_dir : "_posts";
    snprintf(cpath, cap, "%.*s", (int)stem, rel);
    char *hit = strstr(cpath, drop);
    if (hit)
        memmove(hit, hit + strlen(drop), strlen(hit + strlen(drop)) + 1);
    for (size_t n = strlen(cpath); n > 0 && cpath[n - 1] == '.'; n--)
        cpath[n - 1] = '\0';
}

/* The permalink template of a post or collection document into t: its front matter's,
 * else the site defaults', else the collection's, else the site's. */
static int permalink_of(const kofts_site *s, kofts_site_kind k, const char *rel,
                        const collection *coll, const kofts_site_fm *fm, kofts_buf *t)
{
    int lost = fm && fm->front_matter_lost;
    const char *dperm = NULL;
    int dpub;
    kofts_site_defaults(s, k, rel, &dperm, &dpub);
    if (!lost && fm && fm->permalink && *fm->permalink)
        return kofts_buf_puts(t, fm->permalink);
    if (dperm && *dperm) /* defaults apply before the front matter is read */
        return kofts_buf_puts(t, dperm);
    if (coll && coll->permalink)
        return kofts_buf_puts(t, coll->permalink);
    if (coll)
        return with_suffix(t, "/:collection/:path", s->permalink);
    const char *style = kofts_site_style(s->permalink);
    return kofts_buf_puts(t, style ? style : s->permalink);
}

int kofts_site_url(const kofts_site *s, kofts_site_kind k, const char *rel, const kofts_site_fm *fm,
                   long long mtime, kofts_buf *out)
{
    if (k == KOFTS_SITE_PAGE)
        return page_url(s, rel, fm, out);
    if (k == KOFTS_SITE_SKIP)
        return 1;
    const char *label = "posts";
    const collection *coll = NULL;
    if (k == KOFTS_SITE_DOC) {
        const char *slash = strchr(rel, '/');
        coll = slash ? find_coll(s, rel, (size_t)(slash - rel)) : NULL;
        if (!coll)
            return 1;
        label = coll->label;
    }
    int lost = fm && fm->front_matter_lost;
    const char *slash = strrchr(rel, '/');
    const char *fname = slash ? slash + 1 : rel;
    const char *dot = strrchr(fname, '.');
    if (!dot || dot == fname)
        dot = fname + strlen(fname);
    url_name u;
    char cpath[4096];
    name_parts(s, k, rel, dot, fm, mtime, &u);
    cleaned_path(k, label, rel, (size_t)(dot - rel), cpath, sizeof cpath);

    /* categories: the folders above _posts/_drafts, then the front matter's */
    kofts_buf cats = {0}, t = {0};
    int rc = kofts_site_path_categories(k, rel, &cats);
    if (!rc && !lost && fm && fm->categories && *fm->categories)
        rc =
            (cats.len && kofts_buf_append(&cats, "\n", 1)) || kofts_buf_puts(&cats, fm->categories);
    if (!rc)
        rc = permalink_of(s, k, rel, coll, fm, &t);
    if (!rc) {
        kofts_url_vals v = {label,  cpath, u.base, lost ? NULL : u.slug, cats.data ? cats.data : "",
                            u.date, u.ext};
        rc = prefix(s, out) || kofts_site_expand(t.data, &v, out) ? KOFTS_ENOMEM : 0;
    }
    kofts_buf_free(&t);
    kofts_buf_free(&cats);
    return rc ? KOFTS_ENOMEM : 0;
}
