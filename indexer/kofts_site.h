/*
 * kofts_site.h - a Jekyll site read the way Jekyll reads it: which files are documents,
 * and the URL each one gets.
 *
 *   SOURCE/_config.yml --kofts_site_open--> permalink, baseurl, url, exclude/include,
 *                                           collections (output, permalink)
 *   rel path ---------kofts_site_classify--> skip | post | draft | collection doc | page
 *   front matter + rel --kofts_site_url----> url:] + baseurl + Jekyll's page.url
 *
 * Rules followed (Jekyll 4: lib/jekyll/entry_filter.rb, document.rb, page.rb, url.rb,
 * drops/url_drop.rb, utils.rb; learned from, not copied):
 *  - an entry whose name starts with '.', '_', '#' or '~' or ends with '~' is special
 *    (skipped) unless include: names it; exclude: entries (plus Jekyll's default
 *    excludes node_modules, vendor/bundle/, ...) are skipped, matched against the path
 *    relative to the site as a glob or as a prefix, at every level;
 *  - posts live in _posts/ folders (at any depth: news/_posts gives category "news"),
 *    named YYYY-MM-DD-slug.EXT; drafts in _drafts/ (only when asked); documents of
 *    collections (_label/ at the root) only when the collection has output: true;
 *    any other file with front matter is a page; files without one are static files.
 *  - URLs: a document's own permalink: wins; else the collection's template (posts: the
 *    site's permalink:, a style date|pretty|ordinal|weekdate|none or a template);
 *    pages use /:path/:basename with the style's suffix. Placeholder values are
 *    percent-encoded as Jekyll's URL.escape_path does (RFC 3986 pchar and '/' kept).
 *
 * A kofts_site is read-only after kofts_site_open and may be shared by threads.
 */
#ifndef KOFTS_SITE_H
#define KOFTS_SITE_H

#include <stddef.h>

#include "kofts_util.h"

typedef struct kofts_site kofts_site;

/* What a file of the site is. */
typedef enum {
    KOFTS_SITE_SKIP = 0, /* not content: special, excluded, layout, static file place */
    KOFTS_SITE_POST,     /* _posts/YYYY-MM-DD-slug.EXT */
    KOFTS_SITE_DRAFT,    /* _drafts/slug.EXT (indexed only with --drafts) */
    KOFTS_SITE_DOC,      /* a document of a collection with output: true */
    KOFTS_SITE_PAGE      /* a page if it has front matter and becomes HTML */
} kofts_site_kind;

/* What the front matter of a document says about its URL (all borrowed, may be NULL). */
typedef struct {
    const char *permalink;  /* permalink: */
    const char *slug;       /* slug: */
    const char *date;       /* date: as normalised by kofts_date_norm, or NULL/"" */
    const char *categories; /* front matter categories, '\n'-separated, in order */
    int front_matter_lost;  /* the YAML was invalid: Jekyll drops the whole front matter */
} kofts_site_fm;

/*
 * Does folder root hold a _config.yml? 1 yes, 0 no.
 */
int kofts_site_detect(const char *root);

/*
 * Read root/_config.yml. On success *out is a new site owned by the caller
 * (kofts_site_free) and 0 is returned; a config that is not valid YAML still gives a
 * site with Jekyll's defaults, and *warning (if not NULL) gets a malloc'd reason
 * (caller frees) and *warn_line (if not NULL) its line. Returns KOFTS_EIO when the
 * file cannot be read, KOFTS_ENOMEM; then *out is NULL and *warning holds the reason.
 */
int kofts_site_open(kofts_site **out, const char *root, long *warn_line, char **warning);

/* Free a site; NULL is allowed. */
void kofts_site_free(kofts_site *s);

/* FNV-1a 64 of the _config.yml bytes, hex (16 chars); borrowed from s. */
const char *kofts_site_config_hash(const kofts_site *s);

/*
 * Is the folder rel (relative to the site root, no trailing '/') worth walking into?
 * 1 yes, 0 no (special, excluded or never content). Lets the walk skip node_modules.
 */
int kofts_site_walk_dir(const kofts_site *s, const char *rel);

/*
 * What the file rel (relative to the site root) is. For KOFTS_SITE_DOC, *collection (if
 * not NULL) gets the collection's label (borrowed from s).
 */
kofts_site_kind kofts_site_classify(const kofts_site *s, const char *rel, const char **collection);

/*
 * Append to out the address of the document at rel of kind k with front matter fm:
 * [url:] + baseurl + the URL Jekyll gives it. Pages that would not become HTML get
 * nothing appended and return 1 (not a document). mtime is the file's (drafts are
 * dated by it). Returns 0, 1, or KOFTS_ENOMEM.
 */
int kofts_site_url(const kofts_site *s, kofts_site_kind k, const char *rel, const kofts_site_fm *fm,
                   long long mtime, kofts_buf *out);

/* Append the categories a post or draft gets from its folders (news/_posts -> "news"),
 * '\n'-separated, to out (nothing for other kinds). Returns 0 or KOFTS_ENOMEM. */
int kofts_site_path_categories(kofts_site_kind k, const char *rel, kofts_buf *out);

/*
 * Front matter defaults (defaults: in _config.yml) for the file rel of kind k: the most
 * specific applicable scope's permalink (*permalink, borrowed from s, NULL when none) and
 * published (*published 1/0, -1 when none). Scopes match by path (prefix, or glob with
 * '*') and type (posts, pages, drafts, or a collection label).
 */
void kofts_site_defaults(const kofts_site *s, kofts_site_kind k, const char *rel,
                         const char **permalink, int *published);

/* future: true in _config.yml (else posts dated after now are not published). */
int kofts_site_future(const kofts_site *s);

/* Does rel's extension make Markdown in this site (markdown_ext)? 1 yes, 0 no. */
int kofts_site_is_markdown(const kofts_site *s, const char *rel);

/*
 * Expand a Jekyll document URL template (":categories/:year/...:title:output_ext";
 * map a built-in style name with kofts_site_style first) for the given values, as Jekyll's URL
 * class does with a UrlDrop: placeholders percent-encoded, "/" prepended, ".." and "./" removed and
 * repeated '/' squeezed. Unknown placeholders stay as written. For tests and
 * kofts_site_url. Returns 0 or KOFTS_ENOMEM.
 */
typedef struct {
    const char *collection; /* "posts" */
    const char *path;       /* cleaned relative path (":path") */
    const char *basename;   /* file name without extension */
    const char *slug;       /* front matter slug or the name's slug; NULL: basename */
    const char *categories; /* '\n'-separated, path categories first */
    const char *date;       /* YYYY-MM-DD[THH:MM[:SS]] or "" */
    const char *output_ext; /* ".html" */
} kofts_url_vals;

int kofts_site_expand(const char *tmpl, const kofts_url_vals *v, kofts_buf *out);

/* The template of a built-in permalink style ("date" -> "/:categories/:year/..."), or
 * NULL when name is not a style. Static storage. */
const char *kofts_site_style(const char *name);

/* Append s[0..n) percent-encoded as Jekyll's URL.escape_path. Returns 0 or KOFTS_ENOMEM. */
int kofts_site_escape_path(kofts_buf *out, const char *s, size_t n);

#endif /* KOFTS_SITE_H */
