/*
 * kofts_index.c - the kofts-index pipeline (see kofts_index.h for the picture).
 */
#include "kofts_index.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kofts_doc.h"
#include "kofts_jsonl.h"
#include "kofts_post.h"
#include "kofts_site.h"
#include "kofts_walk.h"
#include "kofts_index_writer.h"

#define CHUNK_BYTES    (256 * 1024) /* JSONL bytes per work item */
#define CHUNK_LINES    256          /* JSONL lines per work item */
#define COMMIT_SECONDS 2.0          /* commit at least this often */

/* ---- signals ---- */

/* Set by the handler, read by the reading, worker and writer threads: a lock-free atomic
 * (async-signal-safe, and a data race for no thread, unlike a volatile sig_atomic_t). */
static atomic_int g_stop;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler may only touch lock-free atomics");

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

/* ---- time ---- */

/* CPU seconds used by the calling thread. */
static double thread_cpu_s(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- inputs ---- */

/* F_SNIFF: a post whose body is Markdown or HTML by its content. */
enum { F_MARKDOWN, F_HTML, F_TEXT, F_JSONL, F_SNIFF, F_NONE };

/* One input file; see item for who owns it. */
typedef struct finfo {
    char *path;        /* files.path, "-" for stdin */
    char *rel;         /* document id of a post/text file */
    const char *fname; /* base name (points into rel) */
    long long size, mtime;
    int racy; /* mtime was the current second when read: see recorded_mtime() */
    int fmt;
    int has_stored; /* a files row exists */
    char stored_hash[17];
    long long stored_ndocs;
    char hash[17]; /* content hash once known */
    int is_stdin;
    int read_error;         /* JSONL: the dump could not be read to its end */
    char *errmsg;           /* its reason (owned) */
    kofts_buf ignored;      /* JSONL: fields not read, '\n'-separated (writer thread) */
    const kofts_site *site; /* site mode: the site (borrowed; lives for the run) */
    int kind;               /* site mode: kofts_site_kind */
    int refresh;            /* the site config changed: every document needs its new URL */
    int url_only;           /* refresh of an unchanged file: a new URL only (set by hash) */
    int record_only;        /* only record the file's state (a site's _config.yml) */
    struct finfo *next;     /* main's list of JSONL finfos, freed at the end */
} finfo;

/*
 * Change detection compares a file's size and whole-second mtime with the files row.
 * A file rewritten within the same second as it was read, at the same size, would
 * look unchanged on the next run ("racily clean", as git calls it). So a file whose
 * mtime was the current second (or later) when it was read is recorded with mtime -1,
 * which never matches: the next run reads it again (a JSONL dump by its hash only).
 */
static void note_mtime(long long *mtime, int *racy, const struct stat *st)
{
    *mtime = (long long)st->st_mtime;
    *racy = st->st_mtime >= time(NULL);
}

/* The mtime to record in the files row for fi (see note_mtime). */
static long long recorded_mtime(const finfo *fi)
{
    return fi->racy ? -1 : fi->mtime;
}

static void finfo_free(finfo *f)
{
    if (!f)
        return;
    free(f->path);
    free(f->rel);
    free(f->errmsg);
    kofts_buf_free(&f->ignored);
    free(f);
}

enum { IT_FILE, IT_LINES, IT_END, IT_TOUCH, IT_MSG };
/* R_EMPTY: read, no document (a static file, published: false, Liquid only); the
 * file is recorded so that the next run does not read it again. */
enum { R_DOCS, R_SAME, R_SKIP, R_IOERR, R_EMPTY };

typedef struct {
    size_t off, len; /* in item.lines */
    long lineno;
    int too_long;
} line_ref;

/*
 * One unit of work. IT_FILE and IT_TOUCH own fi; IT_LINES and IT_END borrow it (main
 * frees JSONL finfos after every thread has stopped).
 */
typedef struct item {
    int kind;
    long seq;
    int done;
    finfo *fi;
    kofts_buf lines; /* IT_LINES: raw line bytes */
    line_ref *refs;
    size_t nrefs, caprefs;
    kofts_doc *docs, *tail; /* results, in input order */
    kofts_diag dg;          /* messages, in input order */
    kofts_buf ignored;      /* IT_LINES: JSON fields not read, '\n'-separated */
    int res;                /* IT_FILE: R_* */
    int left_out;           /* documents left out quietly (published: false, Liquid) */
    long long bytes;        /* input bytes accounted to this item */
    int nomem;
} item;

static void item_free(item *it)
{
    if (!it)
        return;
    if (it->kind == IT_FILE || it->kind == IT_TOUCH)
        finfo_free(it->fi);
    kofts_buf_free(&it->lines);
    kofts_buf_free(&it->ignored);
    free(it->refs);
    kofts_doc *d = it->docs;
    while (d) {
        kofts_doc *n = d->next;
        kofts_doc_free(d);
        d = n;
    }
    kofts_diag_free(&it->dg);
    free(it);
}

static void item_add_doc(item *it, kofts_doc *d)
{
    d->next = NULL;
    if (it->tail)
        it->tail->next = d;
    else
        it->docs = d;
    it->tail = d;
}

/* ---- the files map (main thread only) ---- */

typedef struct {
    char *path;
    long long size, mtime, ndocs;
    char hash[17];
    int in_db, seen;
} fentry;

typedef struct {
    fentry *e;
    size_t n, cap; /* cap: power of two */
} fmap;

static size_t fmap_slot(const fmap *m, const char *path)
{
    size_t i = (size_t)kofts_fnv1a64(path, strlen(path)) & (m->cap - 1);
    while (m->e[i].path && strcmp(m->e[i].path, path) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static fentry *fmap_get(fmap *m, const char *path)
{
    if (!m->cap)
        return NULL;
    size_t i = fmap_slot(m, path);
    return m->e[i].path ? &m->e[i] : NULL;
}

/* Insert (or find) path; NULL on out of memory. */
static fentry *fmap_put(fmap *m, const char *path)
{
    if ((m->n + 1) * 2 > m->cap) {
        fmap nm = {NULL, 0, m->cap ? m->cap * 2 : 1024};
        if (!(nm.e = calloc(nm.cap, sizeof *nm.e)))
            return NULL;
        for (size_t i = 0; i < m->cap; i++)
            if (m->e[i].path)
                nm.e[fmap_slot(&nm, m->e[i].path)] = m->e[i];
        nm.n = m->n;
        free(m->e);
        *m = nm;
    }
    size_t i = fmap_slot(m, path);
    if (!m->e[i].path) {
        if (!(m->e[i].path = strdup(path)))
            return NULL;
        m->n++;
    }
    return &m->e[i];
}

static void fmap_free(fmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->e[i].path);
    free(m->e);
    memset(m, 0, sizeof *m);
}

/* ---- the shared state ---- */

typedef struct {
    const kofts_index_opts *o;
    kofts_index_writer *w;
    const kofts_textz_slot *zslot; /* the writer's compression dictionary (workers read) */

    pthread_mutex_t mu;
    pthread_cond_t cv_space, cv_work, cv_done;
    item **ring;
    size_t cap;
    long next_seq, take_seq, write_seq;
    int closed; /* main has submitted everything */
    int abort;  /* stop now (signal, fatal error) */

    /* writer-side counters */
    long long indexed, updated, unchanged, removed, skipped, warnings, left_out;
    long long bytes, files_done;
    int fatal, interrupted;
    int compacting; /* after the pipeline: the writer's optimize runs */
    double t0, last_commit, last_progress;
    int progress;
    long long total_files, total_bytes;

    /* main-side counters (guarded by mu) */
    long long m_unchanged, m_files, m_ignored;
    double cpu_workers, cpu_writer; /* thread CPU seconds (guarded by mu) */

    /* main-side */
    fmap files;
    finfo *jsonl_infos;
    char *const *sources;
    int nsources;
    int cur_source_is_file;
    kofts_site *cur_site; /* the SOURCE being walked is a Jekyll site (owned by sites) */
    int cur_site_changed; /* its _config.yml changed since the last run: new URLs */
    kofts_site **sites;   /* one per SOURCE (NULL when not a site), freed at the end */
    int stdin_used;

    /* reporting: one callback call at a time */
    pthread_mutex_t report_mu;
    long long gone_files;
} ctx;

/*
 * The grouping key of a message "PATH[:LINE]: reason": the reason without numbers,
 * quoted names and (details), e.g. "file too large, skipped". Into out[0..cap).
 */
static void reason_key(const char *msg, size_t n, char *out, size_t cap)
{
    const char *sep = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (msg[i] == ':' && msg[i + 1] == ' ') {
            sep = msg + i + 2;
            break;
        }
    const char *p = sep ? sep : msg, *end = msg + n;
    size_t k = 0;
    int depth = 0, quote = 0;
    for (; p < end && k + 4 < cap; p++) {
        if (*p == '(' && !quote) {
            if (depth++ == 0 && k > 0 && out[k - 1] == ' ')
                k--;
        } else if (*p == ')' && depth > 0 && !quote) {
            depth--;
        } else if (depth > 0) {
            continue;
        } else if (*p == '"') {
            if (!quote)
                memcpy(out + k, "\"…\"", 5), k += 5; /* "…" is 3 bytes */
            quote = !quote;
        } else if (quote) {
            continue;
        } else if (*p >= '0' && *p <= '9') {
            if (k == 0 || out[k - 1] != 'N')
                out[k++] = 'N';
        } else {
            out[k++] = *p;
        }
    }
    out[k] = '\0';
}

/* Fill st with the counts so far (writer-side counters; main-side ones under mu). */
static void snapshot(ctx *c, kofts_index_stats *st)
{
    memset(st, 0, sizeof *st);
    st->indexed = c->indexed;
    st->updated = c->updated;
    st->removed = c->removed;
    st->gone_files = c->gone_files;
    st->skipped = c->skipped;
    st->warnings = c->warnings;
    st->left_out = c->left_out;
    st->bytes = c->bytes;
    st->total_files = c->total_files;
    st->total_bytes = c->total_bytes;
    st->seconds = kofts_mono_s() - c->t0;
    st->interrupted = c->interrupted;
    st->compacting = c->compacting;
    pthread_mutex_lock(&c->mu);
    st->unchanged = c->unchanged + c->m_unchanged;
    st->files_done = c->files_done + c->m_files;
    st->ignored_files = c->m_ignored;
    st->cpu_workers_s = c->cpu_workers;
    st->cpu_writer_s = c->cpu_writer;
    pthread_mutex_unlock(&c->mu);
}

static void report(ctx *c, kofts_index_event_kind kind, const char *text, size_t n)
{
    if (!c->o->report)
        return;
    char line[1200], key[300];
    kofts_index_stats st;
    if (n >= sizeof line)
        n = sizeof line - 1;
    memcpy(line, text, n);
    line[n] = '\0';
    key[0] = '\0';
    if (kind == KOFTS_INDEX_MESSAGE)
        reason_key(line, n, key, sizeof key);
    snapshot(c, &st);
    kofts_index_event ev = {kind, line, key, &st};
    pthread_mutex_lock(&c->report_mu);
    c->o->report(c->o->report_arg, &ev);
    pthread_mutex_unlock(&c->report_mu);
}

/* Report each line of text (kofts_diag lines) as a MESSAGE. */
static void emit(ctx *c, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        report(c, KOFTS_INDEX_MESSAGE, p, n);
        p += n + (nl ? 1 : 0);
    }
}

/* Report a fatal error. */
static void fatal(ctx *c, const char *msg)
{
    report(c, KOFTS_INDEX_ERROR, msg, strlen(msg));
}

/* Submit an item; 0, or -1 when the run is aborting (the item is freed). */
static int submit(ctx *c, item *it)
{
    pthread_mutex_lock(&c->mu);
    while (!c->abort && c->next_seq - c->write_seq >= (long)c->cap)
        pthread_cond_wait(&c->cv_space, &c->mu);
    if (c->abort) {
        pthread_mutex_unlock(&c->mu);
        item_free(it);
        return -1;
    }
    it->seq = c->next_seq++;
    c->ring[it->seq % (long)c->cap] = it;
    pthread_cond_signal(&c->cv_work);
    pthread_mutex_unlock(&c->mu);
    return 0;
}

static int stopping(ctx *c)
{
    if (g_stop)
        return 1;
    pthread_mutex_lock(&c->mu);
    int a = c->abort;
    pthread_mutex_unlock(&c->mu);
    return a;
}

/* ---- workers ---- */

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\f' && s[i] != '\v')
            return 0;
    return 1;
}

/* Site mode: is the parsed document published? published: from its front matter, else
 * from the site's defaults:; a post dated later than now only with future: true (a
 * post whose front matter was lost is dated by the build, never in the future). */
static int site_published(const finfo *fi, const kofts_post_meta *m)
{
    const char *dperm;
    int dpub;
    kofts_site_defaults(fi->site, (kofts_site_kind)fi->kind, fi->rel, &dperm, &dpub);
    int pub = !m->front_matter_lost && m->published >= 0 ? m->published : dpub;
    if (pub == 0)
        return 0;
    if (fi->kind == KOFTS_SITE_PAGE || m->front_matter_lost || kofts_site_future(fi->site) ||
        !m->date || !m->date[0])
        return 1;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || !strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%S", &tm))
        return 1;
    return strcmp(m->date, now) <= 0;
}

/* Site mode: a post's folder categories (news/_posts -> news) go before its own, as
 * in Jekyll's page.categories. */
static int add_path_categories(const finfo *fi, kofts_doc *d)
{
    kofts_buf b = {0};
    int rc = kofts_site_path_categories((kofts_site_kind)fi->kind, fi->rel, &b);
    if (rc || !b.len)
        goto done;
    /* then the document's own, those already there left out */
    for (const char *p = d->categories; *p && !rc;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        int dup = 0;
        for (const char *q = b.data; q && *q && !dup;) {
            const char *ql = strchr(q, '\n');
            size_t qn = ql ? (size_t)(ql - q) : strlen(q);
            dup = qn == n && memcmp(p, q, n) == 0;
            q += qn + (ql ? 1 : 0);
        }
        if (!dup && n)
            rc = kofts_buf_append(&b, "\n", 1) || kofts_buf_append(&b, p, n) ? KOFTS_ENOMEM : 0;
        p += n + (nl ? 1 : 0);
    }
    if (!rc)
        rc = kofts_doc_set(&d->categories, b.data, b.len);
done:
    kofts_buf_free(&b);
    return rc;
}

/*
 * Parse a read file into d (worker). Site mode: Jekyll's rules (front matter needed
 * for pages and collection documents, Liquid removed, published: false), and the URL
 * Jekyll gives it. Otherwise a .txt file or a file without an extension that starts
 * with front matter is a post whose body is Markdown or HTML by its content.
 * Returns 0, 1 (no document, nothing to say), or kofts_post_parse's codes.
 */
static int parse_file(ctx *c, item *it, kofts_doc *d, const char *text, size_t len)
{
    finfo *fi = it->fi;
    kofts_post_meta m;
    memset(&m, 0, sizeof m);
    int rc;
    (void)c;
    if (!fi->site) {
        if (fi->fmt == F_TEXT && !kofts_post_has_front_matter(text, len))
            return kofts_text_parse(d, &it->dg, fi->path, fi->fname, text, len);
        m.sniff = fi->fmt == F_TEXT || fi->fmt == F_SNIFF;
        rc = kofts_post_parse_meta(d, &it->dg, fi->path, fi->fname, text, len, fi->fmt == F_HTML,
                                   &m);
        kofts_post_meta_free(&m);
        return rc;
    }
    if ((fi->kind == KOFTS_SITE_PAGE || fi->kind == KOFTS_SITE_DOC) &&
        !kofts_post_has_front_matter(text, len))
        return 1; /* a static file */
    m.site = 1;
    m.sniff = fi->fmt == F_SNIFF;
    rc = kofts_post_parse_meta(d, &it->dg, fi->path, fi->fname, text, len, fi->fmt == F_HTML, &m);
    if (rc == 0 && !site_published(fi, &m)) {
        rc = 1;
        it->left_out++;
    } else if (rc == 1) {
        it->left_out++;
    }
    if (rc == 0) {
        kofts_site_fm fm = {m.permalink, m.slug, m.date, m.categories, m.front_matter_lost};
        kofts_buf url = {0};
        int urc =
            kofts_site_url(fi->site, (kofts_site_kind)fi->kind, fi->rel, &fm, fi->mtime, &url);
        if (urc == KOFTS_ENOMEM ||
            (urc == 0 && kofts_doc_set(&d->url, url.data ? url.data : "", url.len)))
            rc = KOFTS_ENOMEM;
        kofts_buf_free(&url);
        if (rc == 0)
            rc = add_path_categories(fi, d);
    }
    kofts_post_meta_free(&m);
    return rc;
}

/*
 * Read fi's file whole into raw (worker), with its size and mtime into fi. Returns 0, or
 * 1 when there is nothing to parse: it->res, it->nomem and the message say why.
 */
static int read_file(ctx *c, item *it, kofts_buf *raw)
{
    finfo *fi = it->fi;
    struct stat st;
    int rc = 1, fd = open(fi->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0 || fstat(fd, &st) != 0) {
        kofts_diag_add(&it->dg, fi->path, 0, 1, "cannot read: %s", strerror(errno));
        it->res = R_IOERR;
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        kofts_diag_add(&it->dg, fi->path, 0, 1, "not a regular file, skipped");
        goto done;
    }
    if ((unsigned long long)st.st_size > (unsigned long long)c->o->max_file_size) {
        kofts_diag_add(&it->dg, fi->path, 0, 1,
                       "file too large (%lld bytes, limit %zu; see --max-file-size), skipped",
                       (long long)st.st_size, c->o->max_file_size);
        goto done;
    }
    fi->size = (long long)st.st_size;
    note_mtime(&fi->mtime, &fi->racy, &st);
    if (kofts_buf_reserve(raw, (size_t)st.st_size + 1)) {
        it->nomem = 1;
        goto done;
    }
    for (;;) {
        if (raw->len > c->o->max_file_size) {
            kofts_diag_add(&it->dg, fi->path, 0, 1,
                           "file too large (over %zu bytes; see --max-file-size), skipped",
                           c->o->max_file_size);
            goto done;
        }
        if (kofts_buf_reserve(raw, 65536)) {
            it->nomem = 1;
            goto done;
        }
        ssize_t n = read(fd, raw->data + raw->len, raw->cap - raw->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            kofts_diag_add(&it->dg, fi->path, 0, 1, "cannot read: %s", strerror(errno));
            it->res = R_IOERR;
            goto done;
        }
        if (n == 0)
            break;
        raw->len += (size_t)n;
    }
    rc = 0;
done:
    if (fd >= 0)
        close(fd);
    return rc;
}

/*
 * Hash raw into fi (unchanged since the last run: R_SAME), then clean it into clean:
 * NULs, invalid UTF-8 (warned), binary and empty files (skipped). raw is freed.
 * Returns 0, or 1 when there is nothing to parse (it->res, it->nomem, the message).
 */
static int check_text(item *it, kofts_buf *raw, kofts_buf *clean)
{
    finfo *fi = it->fi;
    int flags = 0;
    it->bytes = (long long)raw->len;
    snprintf(fi->hash, sizeof fi->hash, "%016llx",
             (unsigned long long)kofts_fnv1a64(raw->data ? raw->data : "", raw->len));
    if (fi->has_stored && strcmp(fi->hash, fi->stored_hash) == 0) {
        if (!fi->refresh) {
            it->res = R_SAME;
            return 1;
        }
        fi->url_only = 1; /* the same text: parse for the URL, keep the stored analysis */
    }
    if (raw->len == 0) {
        kofts_diag_add(&it->dg, fi->path, 0, 1, "empty file, skipped");
        return 1;
    }
    if (kofts_text_clean(clean, raw->data, raw->len, &flags)) {
        it->nomem = 1;
        return 1;
    }
    kofts_buf_free(raw);
    if (flags & KOFTS_CLEAN_BINARY) {
        kofts_diag_add(&it->dg, fi->path, 0, 1, "binary file, skipped");
        return 1;
    }
    if (is_blank(clean->data ? clean->data : "", clean->len)) {
        kofts_diag_add(&it->dg, fi->path, 0, 1, "empty file, skipped");
        return 1;
    }
    if (flags & KOFTS_CLEAN_NUL)
        kofts_diag_add(&it->dg, fi->path, 0, 0, "NUL bytes removed");
    if (flags & KOFTS_CLEAN_BADUTF8)
        kofts_diag_add(&it->dg, fi->path, 0, 0, "invalid UTF-8 replaced with U+FFFD");
    return 0;
}

/* kofts_doc_finish, without compressing the body when the writer stores none. */
static int finish_doc(const ctx *c, kofts_doc *d)
{
    return c->w->textz ? kofts_doc_finish(d, c->zslot) : kofts_doc_finish_text(d);
}

/* Read a post or text file and parse it (worker). */
static void work_file(ctx *c, item *it, kofts_analyzer *an)
{
    finfo *fi = it->fi;
    kofts_buf raw = {0}, clean = {0};
    kofts_doc *d = NULL;
    int rc;
    it->res = R_SKIP;
    if (fi->record_only) {
        it->res = R_EMPTY;
        return;
    }
    if (read_file(c, it, &raw) || check_text(it, &raw, &clean))
        goto done;
    if (!(d = kofts_doc_new()) || kofts_doc_set(&d->id, fi->rel, strlen(fi->rel)) ||
        kofts_doc_set(&d->source, fi->path, strlen(fi->path))) {
        it->nomem = 1;
        goto done;
    }
    d->size = fi->size;
    d->mtime = fi->mtime;
    rc = parse_file(c, it, d, clean.data, clean.len);
    if (rc == 1) { /* no document, quietly */
        it->res = R_EMPTY;
        goto done;
    }
    if (rc == KOFTS_EINVAL)
        goto done;
    if (rc) {
        if (rc == KOFTS_ENOMEM)
            it->nomem = 1;
        else
            kofts_diag_add(&it->dg, fi->path, 0, 1, "cannot parse (%s), skipped",
                           kofts_strerror(rc));
        goto done;
    }
    if (finish_doc(c, d)) {
        it->nomem = 1;
        goto done;
    }
    if (an && !fi->url_only) /* a URL-only refresh keeps the stored analysis */
        kofts_doc_analyze(d, an);
    item_add_doc(it, d);
    d = NULL;
    it->res = R_DOCS;
done:
    kofts_doc_free(d);
    kofts_buf_free(&raw);
    kofts_buf_free(&clean);
}

/* Parse a chunk of JSONL lines (worker). */
static void work_lines(ctx *c, item *it, kofts_analyzer *an)
{
    finfo *fi = it->fi;
    for (size_t i = 0; i < it->nrefs; i++) {
        const line_ref *r = &it->refs[i];
        if (r->too_long) {
            kofts_diag_add(&it->dg, fi->path, r->lineno, 1,
                           "line too long (over %zu bytes; see --max-file-size), skipped",
                           c->o->max_file_size);
            continue;
        }
        kofts_doc *d = kofts_doc_new();
        if (!d) {
            it->nomem = 1;
            return;
        }
        int rc = kofts_jsonl_parse_ex(d, &it->dg, fi->path, r->lineno, it->lines.data + r->off,
                                      r->len, &it->ignored);
        if (rc == 0 && (kofts_doc_set(&d->source, fi->path, strlen(fi->path)) || finish_doc(c, d)))
            rc = KOFTS_ENOMEM;
        if (rc == KOFTS_ENOMEM)
            it->nomem = 1;
        if (rc) {
            kofts_doc_free(d);
            continue;
        }
        d->mtime = fi->mtime;
        if (an)
            kofts_doc_analyze(d, an);
        item_add_doc(it, d);
    }
}

static void *worker_main(void *arg)
{
    ctx *c = arg;
    kofts_analyzer *an = NULL;
    if (kofts_analyzer_new(&an) != 0)
        an = NULL; /* the writer's tokenizer then analyses; slower but correct */
    for (;;) {
        pthread_mutex_lock(&c->mu);
        while (!c->abort && c->take_seq == c->next_seq && !c->closed)
            pthread_cond_wait(&c->cv_work, &c->mu);
        if (c->abort || c->take_seq == c->next_seq) {
            pthread_mutex_unlock(&c->mu);
            break;
        }
        item *it = c->ring[c->take_seq % (long)c->cap];
        c->take_seq++;
        pthread_mutex_unlock(&c->mu);

        if (it->kind == IT_FILE)
            work_file(c, it, an);
        else if (it->kind == IT_LINES)
            work_lines(c, it, an);

        pthread_mutex_lock(&c->mu);
        it->done = 1;
        pthread_cond_broadcast(&c->cv_done);
        pthread_mutex_unlock(&c->mu);
    }
    kofts_analyzer_free(an);
    double cpu = thread_cpu_s();
    pthread_mutex_lock(&c->mu);
    c->cpu_workers += cpu;
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* ---- writer ---- */

/* A PROGRESS report, at most every 0.25 s. */
static void progress(ctx *c)
{
    double t = kofts_mono_s();
    if (t - c->last_progress < 0.25)
        return;
    c->last_progress = t;
    report(c, KOFTS_INDEX_PROGRESS, "", 0);
}

/* Write one item's documents; 0 or a negative code (fatal). */
static int write_docs(ctx *c, item *it)
{
    for (kofts_doc *d = it->docs; d; d = d->next) {
        kofts_put_outcome oc;
        const char *dup = NULL;
        int rc = c->w->put(c->w, d, &oc, &dup);
        if (rc)
            return rc;
        if (dup) {
            kofts_diag dg = {{0}, 0, 0};
            kofts_diag_add(&dg, d->source, d->line, 1,
                           "duplicate id \"%.200s\" (also in %.200s), the later one wins", d->id,
                           dup);
            if (dg.text.len)
                emit(c, dg.text.data);
            kofts_diag_free(&dg);
            c->skipped++;
        }
        if (oc == KOFTS_PUT_NEW)
            c->indexed++;
        else if (oc == KOFTS_PUT_UPDATED)
            c->updated++;
        else
            c->unchanged++;
    }
    return 0;
}

/* Once per JSONL file: the fields its records had that kofts does not read. */
static void report_ignored(ctx *c, finfo *fi)
{
    kofts_buf list = {0};
    kofts_diag dg = {{0}, 0, 0};
    int rc = 0;
    for (size_t i = 0; !rc && i + 1 < fi->ignored.len; i++) /* "a\nb\n" -> "a, b" */
        rc = fi->ignored.data[i] == '\n' ? kofts_buf_puts(&list, ", ")
                                         : kofts_buf_append(&list, fi->ignored.data + i, 1);
    if (!rc && list.len) {
        kofts_diag_add(&dg, fi->path, 0, 0,
                       "fields not read (%s), ignored; kofts reads " KOFTS_JSONL_FIELDS, list.data);
        if (dg.text.len)
            emit(c, dg.text.data);
    }
    kofts_diag_free(&dg);
    kofts_buf_free(&list);
}

static int write_item(ctx *c, item *it)
{
    int rc = 0;
    finfo *fi = it->fi;
    if (it->nomem) {
        fatal(c, "out of memory");
        return KOFTS_ENOMEM;
    }
    if (it->dg.text.len)
        emit(c, it->dg.text.data);
    c->skipped += it->dg.skipped;
    c->warnings += it->dg.warnings;
    c->bytes += it->bytes;
    switch (it->kind) {
    case IT_MSG:
        break;
    case IT_TOUCH:
        c->files_done++;
        c->unchanged += fi->stored_ndocs;
        rc = c->w->file_touch(c->w, fi->path, fi->size, recorded_mtime(fi));
        break;
    case IT_FILE:
        c->files_done++;
        if (it->res == R_DOCS) {
            if ((rc = c->w->file_begin(c->w, fi->path)) || (rc = write_docs(c, it)))
                break;
            rc =
                c->w->file_end(c->w, fi->path, fi->size, recorded_mtime(fi), fi->hash, &c->removed);
        } else if (it->res == R_SAME) {
            c->unchanged += fi->stored_ndocs;
            rc = c->w->file_touch(c->w, fi->path, fi->size, recorded_mtime(fi));
        } else if (it->res == R_EMPTY) {
            c->left_out += it->left_out;
            if (!(rc = c->w->file_begin(c->w, fi->path)))
                rc = c->w->file_end(c->w, fi->path, fi->size, recorded_mtime(fi), fi->hash,
                                    &c->removed);
        } else if (it->res == R_SKIP && fi->has_stored) {
            rc = c->w->file_remove(c->w, fi->path, &c->removed);
        }
        break;
    case IT_LINES:
        if (it->refs && it->refs[0].lineno == 1 && !fi->is_stdin)
            c->w->file_begin(c->w, fi->path);
        rc = write_docs(c, it);
        if (!rc && it->ignored.len &&
            kofts_jsonl_merge_ignored(&fi->ignored, it->ignored.data, it->ignored.len))
            rc = KOFTS_ENOMEM;
        break;
    case IT_END:
        c->files_done++;
        report_ignored(c, fi);
        if (fi->read_error) {
            kofts_diag dg = {{0}, 0, 0};
            kofts_diag_add(&dg, fi->path, 0, 1, "%s", fi->errmsg ? fi->errmsg : "read error");
            if (dg.text.len)
                emit(c, dg.text.data);
            kofts_diag_free(&dg);
            c->skipped++;
        } else if (!fi->is_stdin) {
            rc =
                c->w->file_end(c->w, fi->path, fi->size, recorded_mtime(fi), fi->hash, &c->removed);
        }
        break;
    }
    return rc;
}

static void *writer_main(void *arg)
{
    ctx *c = arg;
    int rc = 0;
    c->last_commit = kofts_mono_s();
    for (;;) {
        pthread_mutex_lock(&c->mu);
        for (;;) {
            if (c->abort)
                break;
            if (c->write_seq < c->next_seq && c->ring[c->write_seq % (long)c->cap]->done)
                break;
            if (c->closed && c->write_seq == c->next_seq)
                break;
            pthread_cond_wait(&c->cv_done, &c->mu);
        }
        if (c->abort || c->write_seq == c->next_seq) {
            pthread_mutex_unlock(&c->mu);
            break;
        }
        item *it = c->ring[c->write_seq % (long)c->cap];
        pthread_mutex_unlock(&c->mu);

        rc = write_item(c, it);

        pthread_mutex_lock(&c->mu);
        c->ring[c->write_seq % (long)c->cap] = NULL;
        c->write_seq++;
        pthread_cond_signal(&c->cv_space);
        pthread_mutex_unlock(&c->mu);
        item_free(it);
        if (rc)
            break;

        double t = kofts_mono_s();
        long long batch =
            c->w->commit_docs > c->o->batch_docs ? c->w->commit_docs : c->o->batch_docs;
        double secs = c->w->commit_seconds > COMMIT_SECONDS ? c->w->commit_seconds : COMMIT_SECONDS;
        if (c->w->pending(c->w) >= batch || t - c->last_commit >= secs) {
            if ((rc = c->w->commit(c->w)) != 0)
                break;
            c->last_commit = t;
        }
        if (g_stop) {
            c->interrupted = 1;
            break;
        }
        progress(c);
    }
    if (rc == 0)
        rc = c->w->commit(c->w);
    if (rc) {
        fatal(c, rc == KOFTS_ENOMEM ? "out of memory" : c->w->errmsg(c->w));
        c->fatal = 1;
    }
    double cpu = thread_cpu_s();
    pthread_mutex_lock(&c->mu);
    c->cpu_writer = cpu;
    if (c->fatal || c->interrupted) {
        c->abort = 1;
        pthread_cond_broadcast(&c->cv_space);
        pthread_cond_broadcast(&c->cv_work);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* ---- main thread: walking and JSONL reading ---- */

static int has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcasecmp(s + n - m, suf) == 0;
}

static int format_of(const ctx *c, const char *name)
{
    int fmt = F_NONE;
    if (has_suffix(name, ".md") || has_suffix(name, ".markdown") || has_suffix(name, ".mdown") ||
        has_suffix(name, ".mkd"))
        fmt = F_MARKDOWN;
    else if (has_suffix(name, ".html") || has_suffix(name, ".htm"))
        fmt = F_HTML;
    else if (has_suffix(name, ".txt"))
        fmt = F_TEXT;
    else if (has_suffix(name, ".jsonl") || has_suffix(name, ".ndjson") ||
             has_suffix(name, ".jsonl.gz") || has_suffix(name, ".ndjson.gz"))
        fmt = F_JSONL;
    switch (c->o->format) {
    case KOFTS_FMT_POST:
        return fmt == F_HTML ? F_HTML : F_MARKDOWN;
    case KOFTS_FMT_JSONL:
        return F_JSONL;
    case KOFTS_FMT_TEXT:
        return F_TEXT;
    default:
        return fmt;
    }
}

static item *item_new(int kind, finfo *fi)
{
    item *it = calloc(1, sizeof *it);
    if (it) {
        it->kind = kind;
        it->fi = fi;
    }
    return it;
}

static int msg_item(ctx *c, const char *path, const char *reason)
{
    item *it = item_new(IT_MSG, NULL);
    if (!it)
        return KOFTS_ENOMEM;
    kofts_diag_add(&it->dg, path, 0, 1, "%s", reason);
    return submit(c, it) ? KOFTS_ESTOP : 0;
}

static int on_walk_error(void *arg, const char *path, const char *reason)
{
    ctx *c = arg;
    if (stopping(c))
        return KOFTS_ESTOP;
    return msg_item(c, path, reason);
}

/* Queue fi's END item (the file is read): 0, KOFTS_ENOMEM or KOFTS_ESTOP. */
static int submit_end(ctx *c, finfo *fi)
{
    item *end = item_new(IT_END, fi);
    if (!end)
        return KOFTS_ENOMEM;
    return submit(c, end) ? KOFTS_ESTOP : 0;
}

/* Append one line to the chunk *itp (made on first use): 0 or KOFTS_ENOMEM. */
static int chunk_add(item **itp, finfo *fi, const char *line, size_t len, long lineno, int too_long)
{
    item *it = *itp;
    if (!it && !(it = *itp = item_new(IT_LINES, fi)))
        return KOFTS_ENOMEM;
    line_ref *nr = kofts_grow(it->refs, &it->caprefs, it->nrefs + 1, sizeof *nr);
    if (!nr)
        return KOFTS_ENOMEM;
    it->refs = nr;
    it->refs[it->nrefs++] = (line_ref){it->lines.len, len, lineno, too_long};
    if (kofts_buf_append(&it->lines, line, len))
        return KOFTS_ENOMEM;
    it->bytes += (long long)len + 1;
    return 0;
}

/* Hand the chunk *itp to the workers if it is full, or if flush and it holds a line;
 * *itp is then NULL. 0, or KOFTS_ESTOP when the run is stopping. */
static int chunk_submit(ctx *c, item **itp, int flush)
{
    item *it = *itp;
    if (!it || (!flush && it->lines.len < CHUNK_BYTES && it->nrefs < CHUNK_LINES))
        return 0;
    *itp = NULL;
    return submit(c, it) ? KOFTS_ESTOP : 0;
}

/* Read a JSON lines file into chunks of lines for the workers (main thread), then its END
 * item. A file
 * that cannot be read, or a read error part way, is recorded in fi (the END item carries
 * it); only KOFTS_ENOMEM and KOFTS_ESTOP are returned. */
static int read_jsonl(ctx *c, finfo *fi)
{
    kofts_jsonl_reader *r = NULL;
    char *err = NULL;
    item *it = NULL;
    int rc = kofts_jsonl_open(&r, fi->path, c->o->max_file_size, &err);
    if (rc == KOFTS_ENOMEM)
        return rc;
    if (rc) {
        fi->read_error = 1;
        fi->errmsg = err;
        return submit_end(c, fi);
    }
    for (rc = 0; !rc;) {
        const char *line;
        size_t len;
        long lineno;
        int too_long;
        if (stopping(c)) {
            rc = KOFTS_ESTOP;
            break;
        }
        int n = kofts_jsonl_next(r, &line, &len, &lineno, &too_long);
        if (n == KOFTS_ENOMEM) {
            rc = n;
        } else if (n < 0) {
            fi->read_error = 1;
            char buf[300];
            snprintf(buf, sizeof buf, "line %ld: %s", lineno + 1, kofts_jsonl_errmsg(r));
            fi->errmsg = strdup(buf);
            break;
        } else if (n == 0) {
            break;
        } else if (!(rc = chunk_add(&it, fi, line, len, lineno, too_long))) {
            rc = chunk_submit(c, &it, 0);
        }
    }
    if (!rc && !(rc = chunk_submit(c, &it, 1))) {
        snprintf(fi->hash, sizeof fi->hash, "%016llx", (unsigned long long)kofts_jsonl_hash(r));
        if (fi->is_stdin)
            fi->size = (long long)kofts_jsonl_bytes(r);
        rc = submit_end(c, fi);
    }
    item_free(it);
    kofts_jsonl_close(r);
    return rc;
}

static finfo *finfo_new(const char *path, const char *rel, const struct stat *st, int fmt)
{
    finfo *fi = calloc(1, sizeof *fi);
    if (!fi || !(fi->path = strdup(path)) || !(fi->rel = strdup(rel))) {
        finfo_free(fi);
        return NULL;
    }
    const char *slash = strrchr(fi->rel, '/');
    fi->fname = slash ? slash + 1 : fi->rel;
    fi->fmt = fmt;
    if (st) {
        fi->size = (long long)st->st_size;
        note_mtime(&fi->mtime, &fi->racy, st);
    }
    return fi;
}

/* --exclude: does a GLOB match rel or its last name (a folder also as "rel/")? */
static int user_excluded(const ctx *c, const char *rel, int is_dir)
{
    const char *name = strrchr(rel, '/');
    name = name ? name + 1 : rel;
    char slashed[4096];
    snprintf(slashed, sizeof slashed, "%s/", rel);
    for (int i = 0; i < c->o->n_exclude; i++) {
        const char *g = c->o->exclude[i];
        if (fnmatch(g, rel, 0) == 0 || fnmatch(g, name, 0) == 0 ||
            (is_dir && fnmatch(g, slashed, 0) == 0))
            return 1;
    }
    return 0;
}

/* Folder filter of the walk: --exclude, then (site mode) Jekyll's rules. */
static int on_walk_dir(void *arg, const char *rel)
{
    ctx *c = arg;
    if (user_excluded(c, rel, 1))
        return 0;
    return c->cur_site ? kofts_site_walk_dir(c->cur_site, rel) : 1;
}

/* The input format of a site file of kind k; F_NONE for a page that would not become
 * HTML (a feed, a stylesheet: not a document). */
static int site_format(const kofts_site *s, const char *rel, int k)
{
    if (kofts_site_is_markdown(s, rel))
        return F_MARKDOWN;
    if (has_suffix(rel, ".html") || has_suffix(rel, ".htm") || has_suffix(rel, ".xhtml"))
        return F_HTML;
    return k == KOFTS_SITE_PAGE ? F_NONE : F_SNIFF;
}

/* Does the file at path start with a front matter line ("---" alone)? */
static int starts_with_front_matter(const char *path)
{
    char head[8] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, head, 5);
    close(fd);
    return n >= 4 && memcmp(head, "---", 3) == 0 &&
           (head[3] == '\n' || (head[3] == '\r' && n == 5 && head[4] == '\n'));
}

/* The format of a file found by the walk: site rules, or by name (a file without an
 * extension that starts with front matter is a post). -1: not an input, quietly. */
static int walk_format(ctx *c, const char *path, const char *rel, int *kind)
{
    *kind = 0;
    if (!c->cur_source_is_file && user_excluded(c, rel, 0))
        return -1;
    if (c->cur_site) {
        *kind = (int)kofts_site_classify(c->cur_site, rel, NULL);
        if (*kind == KOFTS_SITE_SKIP || (*kind == KOFTS_SITE_DRAFT && !c->o->drafts))
            return -1;
        int f = site_format(c->cur_site, rel, *kind);
        return f == F_NONE ? -1 : f;
    }
    int fmt = format_of(c, rel);
    const char *name = strrchr(rel, '/');
    if (fmt == F_NONE && !strchr(name ? name + 1 : rel, '.') && starts_with_front_matter(path))
        fmt = F_SNIFF;
    return fmt;
}

static int on_walk_file(void *arg, const char *path, const char *rel, const struct stat *st)
{
    ctx *c = arg;
    if (stopping(c))
        return KOFTS_ESTOP;
    int kind = 0;
    int fmt = walk_format(c, path, rel, &kind);
    if (fmt < 0 || fmt == F_NONE) {
        if (c->cur_source_is_file)
            return fmt < 0 ? 0 : msg_item(c, path, "unknown file type (use --format), skipped");
        pthread_mutex_lock(&c->mu);
        c->m_ignored++; /* another type in a folder: counted, not reported one by one */
        pthread_mutex_unlock(&c->mu);
        return 0;
    }
    fentry *fe = fmap_get(&c->files, path);
    if (fe && fe->seen)
        return 0; /* the same file reached twice */
    if (!fe && !(fe = fmap_put(&c->files, path)))
        return KOFTS_ENOMEM;
    fe->seen = 1;
    int refresh = c->cur_site && c->cur_site_changed; /* new URLs for unchanged files */
    if (fe->in_db && fe->size == (long long)st->st_size && fe->mtime == (long long)st->st_mtime &&
        !refresh) {
        pthread_mutex_lock(&c->mu); /* counted by main; the writer is the other user */
        c->m_unchanged += fe->ndocs;
        c->m_files++;
        pthread_mutex_unlock(&c->mu);
        return 0;
    }
    finfo *fi = finfo_new(path, rel, st, fmt);
    if (!fi)
        return KOFTS_ENOMEM;
    if (fe->in_db) {
        fi->has_stored = 1;
        memcpy(fi->stored_hash, fe->hash, sizeof fi->stored_hash);
        fi->stored_ndocs = fe->ndocs;
    }
    fi->refresh = refresh;
    fi->site = c->cur_site;
    fi->kind = kind;
    if (fmt != F_JSONL) {
        item *it = item_new(IT_FILE, fi);
        if (!it) {
            finfo_free(fi);
            return KOFTS_ENOMEM;
        }
        return submit(c, it) ? KOFTS_ESTOP : 0;
    }
    /* JSONL: an unchanged hash means only size/mtime moved */
    if (fi->has_stored) {
        uint64_t h = 0;
        char *err = NULL;
        if (kofts_jsonl_hash_file(path, &h, &err) == 0) {
            char hex[17];
            snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
            if (strcmp(hex, fi->stored_hash) == 0) {
                item *it = item_new(IT_TOUCH, fi);
                if (!it) {
                    finfo_free(fi);
                    return KOFTS_ENOMEM;
                }
                return submit(c, it) ? KOFTS_ESTOP : 0;
            }
        }
        free(err);
    }
    fi->next = c->jsonl_infos;
    c->jsonl_infos = fi;
    return read_jsonl(c, fi);
}

static int load_file(void *arg, const char *path, long long size, long long mtime, const char *hash,
                     long long ndocs)
{
    ctx *c = arg;
    fentry *fe = fmap_put(&c->files, path);
    if (!fe)
        return KOFTS_ENOMEM;
    fe->size = size;
    fe->mtime = mtime;
    fe->ndocs = ndocs;
    fe->in_db = 1;
    snprintf(fe->hash, sizeof fe->hash, "%s", hash);
    return 0;
}

/* Count files and bytes for the progress line (only on a terminal). */
static int count_file(void *arg, const char *path, const char *rel, const struct stat *st)
{
    ctx *c = arg;
    (void)path;
    if (format_of(c, rel) != F_NONE) {
        c->total_files++;
        c->total_bytes += (long long)st->st_size;
    }
    return g_stop ? KOFTS_ESTOP : 0;
}

/* 1 if path is one of the SOURCEs or inside one of the SOURCE folders. */
static int under_source(const ctx *c, const char *path)
{
    for (int i = 0; i < c->nsources; i++) {
        const char *s = c->sources[i];
        size_t n = strlen(s);
        while (n > 1 && s[n - 1] == '/')
            n--;
        if (strncmp(path, s, n) == 0 && (path[n] == '/' || path[n] == '\0'))
            return 1;
    }
    return 0;
}

/* 1 if nothing is at path any more. */
static int gone(const char *path)
{
    struct stat st;
    return lstat(path, &st) != 0 && errno == ENOENT;
}

/*
 * After a complete walk: remove the documents of stored files this run did not reach.
 * By default only files deleted from a SOURCE (--keep-missing: none); --prune also
 * files still there but not indexed now, and deleted files outside the SOURCEs.
 * Returns 0 or a negative code (reported).
 */
static int remove_missing(ctx *c)
{
    const kofts_index_opts *o = c->o;
    if (!o->prune && o->keep_missing)
        return 0;
    for (size_t i = 0; i < c->files.cap; i++) {
        fentry *fe = &c->files.e[i];
        if (!fe->path || !fe->in_db || fe->seen)
            continue;
        int is_gone = gone(fe->path), inside = under_source(c, fe->path);
        if (o->prune ? !(inside || is_gone) : !(inside && is_gone))
            continue;
        if (c->w->file_remove(c->w, fe->path, &c->removed) != 0) {
            fatal(c, c->w->errmsg(c->w));
            return KOFTS_EIO;
        }
        if (is_gone)
            c->gone_files++;
    }
    if (c->w->commit(c->w) != 0) {
        fatal(c, c->w->errmsg(c->w));
        return KOFTS_EIO;
    }
    return 0;
}

/* Open the index and load its file table. Returns 0 or a negative code (reported). */
static int open_index(ctx *c, long long *docs_before)
{
    char *err = NULL;
    const kofts_index_opts *o = c->o;
    kofts_index_writer_opts wo = {o->backend, o->full, o->shards};
    int rc = kofts_index_writer_open(&c->w, o->db, &wo, &err);
    if (rc) {
        fatal(c, err ? err : kofts_strerror(rc));
        free(err);
        return rc;
    }
    c->zslot = c->w->textz ? c->w->textz(c->w) : NULL;
    *docs_before = c->w->doc_count(c->w);
    if (c->w->each_file(c->w, load_file, c) != 0) {
        fatal(c, c->w->errmsg(c->w));
        return KOFTS_EIO;
    }
    if (o->count_totals) {
        for (int i = 0; i < c->nsources; i++)
            if (strcmp(c->sources[i], "-") != 0)
                kofts_walk(c->sources[i], count_file, NULL, c);
    }
    return 0;
}

/* "SOURCE/_config.yml" into out (cap bytes), as the walk joins paths. */
static void config_path(const char *src, char *out, size_t cap)
{
    size_t sl = strlen(src);
    while (sl > 1 && src[sl - 1] == '/')
        sl--;
    snprintf(out, cap, "%.*s/_config.yml", (int)sl, src);
}

/*
 * SOURCE i is a Jekyll site: read its _config.yml (a bad one is reported and Jekyll's
 * defaults are used) and see whether it changed since the last run (then every
 * unchanged file is re-read for its URL only). Returns 0 or a negative code.
 */
static int open_site(ctx *c, int i, const char *src)
{
    long line = 0;
    char *warn = NULL, cfg[4096];
    kofts_site *site = NULL;
    config_path(src, cfg, sizeof cfg);
    int rc = kofts_site_open(&site, src, &line, &warn);
    if (warn) {
        item *it = item_new(IT_MSG, NULL);
        if (!it) {
            free(warn);
            kofts_site_free(site);
            return KOFTS_ENOMEM;
        }
        kofts_diag_add(&it->dg, cfg, line, rc ? 1 : 0, "%s", warn);
        free(warn);
        if (submit(c, it)) {
            kofts_site_free(site);
            return KOFTS_ESTOP;
        }
    }
    if (rc)
        return rc == KOFTS_ENOMEM ? rc : 0; /* unreadable: walked as a plain folder */
    c->sites[i] = site;
    c->cur_site = site;
    fentry *fe = fmap_get(&c->files, cfg);
    c->cur_site_changed = !fe || !fe->in_db || strcmp(fe->hash, kofts_site_config_hash(site)) != 0;
    if (fe)
        fe->seen = 1;
    return 0;
}

/* After a site's files: record its _config.yml (hash) so that the next run knows the
 * URLs are current. Queued after the documents, so a crash before it only means the
 * URLs are refreshed again. */
static int record_config(ctx *c, const char *src)
{
    char cfg[4096];
    struct stat st;
    config_path(src, cfg, sizeof cfg);
    if (stat(cfg, &st) != 0)
        return 0;
    finfo *fi = finfo_new(cfg, "_config.yml", &st, F_NONE);
    if (!fi)
        return KOFTS_ENOMEM;
    fi->record_only = 1;
    snprintf(fi->hash, sizeof fi->hash, "%s", kofts_site_config_hash(c->cur_site));
    fentry *fe = fmap_get(&c->files, cfg);
    if (!fe && !(fe = fmap_put(&c->files, cfg))) {
        finfo_free(fi);
        return KOFTS_ENOMEM;
    }
    fe->seen = 1;
    item *it = item_new(IT_FILE, fi);
    if (!it) {
        finfo_free(fi);
        return KOFTS_ENOMEM;
    }
    return submit(c, it) ? KOFTS_ESTOP : 0;
}

/* Main thread: walk every SOURCE (or read stdin) into the ring. 0 or a negative code. */
static int walk_sources(ctx *c)
{
    int rc = 0;
    for (int i = 0; i < c->nsources && rc == 0; i++) {
        const char *s = c->sources[i];
        struct stat st;
        if (strcmp(s, "-") == 0) {
            if (c->stdin_used)
                continue;
            c->stdin_used = 1;
            finfo *fi = finfo_new("-", "-", NULL, F_JSONL);
            if (!fi)
                return KOFTS_ENOMEM;
            fi->is_stdin = 1;
            fi->next = c->jsonl_infos;
            c->jsonl_infos = fi;
            rc = read_jsonl(c, fi);
            continue;
        }
        c->cur_source_is_file = stat(s, &st) == 0 && !S_ISDIR(st.st_mode);
        c->cur_site = NULL;
        c->cur_site_changed = 0;
        if (!c->cur_source_is_file && kofts_site_detect(s) && (rc = open_site(c, i, s)) != 0)
            break;
        rc = kofts_walk_filtered(s, on_walk_dir, on_walk_file, on_walk_error, c);
        if (rc == KOFTS_EIO)
            rc = 0; /* reported through on_walk_error as a skip */
        if (rc == 0 && c->cur_site && c->cur_site_changed)
            rc = record_config(c, s);
    }
    if (rc == KOFTS_ENOMEM)
        fatal(c, "out of memory");
    return rc;
}

/* Close the ring, wait for the workers and the writer, free what an abort left. */
static void join_all(ctx *c, pthread_t *workers, int nworkers, pthread_t writer)
{
    pthread_mutex_lock(&c->mu);
    c->closed = 1;
    if (c->fatal)
        c->abort = 1;
    pthread_cond_broadcast(&c->cv_work);
    pthread_cond_broadcast(&c->cv_done);
    pthread_cond_broadcast(&c->cv_space);
    pthread_mutex_unlock(&c->mu);
    for (int i = 0; i < nworkers; i++)
        pthread_join(workers[i], NULL);
    pthread_mutex_lock(&c->mu);
    pthread_cond_broadcast(&c->cv_done);
    pthread_mutex_unlock(&c->mu);
    pthread_join(writer, NULL);
    for (long s = c->write_seq; s < c->next_seq; s++)
        item_free(c->ring[s % (long)c->cap]);
}

/* After the pipeline: removals, then the optimize of a first build that indexed something
 * or of --optimize. Sets c->fatal on failure. */
static void finish(ctx *c, long long docs_before)
{
    if (g_stop && !c->fatal)
        c->interrupted = 1;
    if (c->fatal || c->interrupted)
        return;
    if (remove_missing(c) != 0) {
        c->fatal = 1;
        return;
    }
    int first_build = docs_before == 0 && c->indexed > 0;
    if (!first_build && !c->o->optimize)
        return;
    c->compacting = 1; /* can take minutes on a large index: say so */
    report(c, KOFTS_INDEX_PROGRESS, "", 0);
    if (c->w->optimize(c->w) != 0) {
        fatal(c, c->w->errmsg(c->w));
        c->fatal = 1;
    }
}

/* The run's SIGINT/SIGTERM handling: the handlers before it, and the two signals. */
typedef struct {
    struct sigaction old_int, old_term;
    sigset_t sigs;
} stop_signals;

/* Turn SIGINT/SIGTERM into a clean stop (g_stop) for the run. */
static void catch_stop_signals(stop_signals *s)
{
    struct sigaction sa;
    g_stop = 0;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND; /* a second Ctrl-C kills at once (the index stays valid) */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &s->old_int);
    sigaction(SIGTERM, &sa, &s->old_term);
    sigemptyset(&s->sigs);
    sigaddset(&s->sigs, SIGINT);
    sigaddset(&s->sigs, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &s->sigs, NULL); /* a pending one is delivered now */
}

/* Put the caller's handlers back; a signal that comes later waits (blocked). */
static void release_stop_signals(stop_signals *s)
{
    pthread_sigmask(SIG_BLOCK, &s->sigs, NULL); /* late ones wait: no death after the run */
    sigaction(SIGINT, &s->old_int, NULL);
    sigaction(SIGTERM, &s->old_term, NULL);
}

static void ctx_init(ctx *c, const kofts_index_opts *o, char *const *sources, int nsources)
{
    memset(c, 0, sizeof *c);
    c->o = o;
    c->sources = sources;
    c->nsources = nsources;
    c->t0 = kofts_mono_s();
    pthread_mutex_init(&c->mu, NULL);
    pthread_mutex_init(&c->report_mu, NULL);
    pthread_cond_init(&c->cv_space, NULL);
    pthread_cond_init(&c->cv_work, NULL);
    pthread_cond_init(&c->cv_done, NULL);
}

/* Free what the run holds (the writer is closed already). */
static void ctx_free(ctx *c)
{
    for (finfo *f = c->jsonl_infos; f;) {
        finfo *n = f->next;
        finfo_free(f);
        f = n;
    }
    fmap_free(&c->files);
    for (int i = 0; c->sites && i < c->nsources; i++)
        kofts_site_free(c->sites[i]);
    free(c->sites);
    free(c->ring);
    pthread_mutex_destroy(&c->mu);
    pthread_mutex_destroy(&c->report_mu);
    pthread_cond_destroy(&c->cv_space);
    pthread_cond_destroy(&c->cv_work);
    pthread_cond_destroy(&c->cv_done);
}

int kofts_index_run(const kofts_index_opts *o, char *const *sources, int nsources,
                    kofts_index_stats *stats)
{
    int rc = 0;
    ctx c;
    pthread_t *workers = NULL, writer;
    int nworkers = 0;
    stop_signals sigs;
    long long docs_before = 0;

    ctx_init(&c, o, sources, nsources);
    catch_stop_signals(&sigs);

    if ((rc = open_index(&c, &docs_before)) != 0) {
        c.fatal = 1;
        goto done;
    }
    c.cap = (size_t)(4 * o->jobs + 4);
    if (!(c.ring = calloc(c.cap, sizeof *c.ring)) ||
        !(c.sites = calloc((size_t)(nsources > 0 ? nsources : 1), sizeof *c.sites)) ||
        !(workers = calloc((size_t)o->jobs, sizeof *workers))) {
        fatal(&c, "out of memory");
        c.fatal = 1;
        goto done;
    }
    if (pthread_create(&writer, NULL, writer_main, &c) != 0) {
        fatal(&c, "cannot start threads");
        c.fatal = 1;
        goto done;
    }
    for (; nworkers < o->jobs; nworkers++)
        if (pthread_create(&workers[nworkers], NULL, worker_main, &c) != 0)
            break;
    if (walk_sources(&c) == KOFTS_ENOMEM)
        c.fatal = 1;
    join_all(&c, workers, nworkers, writer);
    finish(&c, docs_before);

done:
    if (stats) {
        snapshot(&c, stats);
        stats->interrupted = c.interrupted;
    }
    /* Close (checkpoint, leave the index readable: kofts_store.c) while the handlers
     * still turn a signal into a clean stop. */
    if (c.w)
        c.w->close(c.w);
    c.w = NULL;
    release_stop_signals(&sigs);
    ctx_free(&c);
    free(workers);
    if (c.fatal)
        return rc ? rc : KOFTS_ERROR;
    return c.interrupted ? KOFTS_ESTOP : 0;
}
