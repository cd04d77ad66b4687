/*
 * kofts_writer_xapian.c - the Xapian implementation of kofts_index_writer: N shards,
 * one writer thread each, documents placed by fnv1a(id) % N (an update reaches the
 * same shard), a Xapian stub file at PATH listing the shards (see xapian/kofts_xschema.h).
 *
 *   pipeline writer thread                      shard thread K (one per shard)
 *   put(doc): state.db lookup (id -> hash)  --> queue K: job (id term, token copies,
 *     unchanged? keep : copy tokens + data       data) --> Xapian::Document ->
 *   file_end: state.db says what to delete  -->   replace_document / delete_document
 *   commit: every queue drained + each shard commits --> then state.db COMMIT
 *
 * Crash safety: Xapian commits are atomic, and the bookkeeping (state.db: files and
 * id -> source/hash/shard) is committed only after every shard has committed. So the
 * state never runs ahead of the shards: after a crash, files whose state was not
 * committed are read again, and replacing by the Q<id> term makes that idempotent.
 */
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "kofts_index_writer.h"
#include "kofts_xapian.h"
#include "kofts_xschema.h"

#define QUEUE_CAP 256 /* jobs waiting per shard (bounds memory) */
/* A Xapian commit flushes each shard's buffer into its B-trees: every 1,000 documents
 * IN ALL (split between the shards: 500 each with 2 shards; at least 250 a shard) or
 * 30 s, whichever first. Xapian's inverter keeps every posting of the batch in
 * std::maps, and a smaller batch costs less CPU per document (1,000 against 10,000,
 * Xapian's own flush threshold: ~15% less CPU for the shared corpus, 24% less for
 * 20,000 kofts-gen documents) for an uncompacted index up to 2x larger. What counts is
 * the batches of all shards together (likely as their maps share the caches): with 1,000 a shard
 * the 2 shard threads of the shared corpus spent ~16 s where the 1 shard thread spent
 * ~13.7 s, their put step ~2.1 ms a document against ~1.65; with 500 a shard ~1.6 ms
 * (bench/README.md, "Session 6"). The 1-shard batch stays 1,000 (250-1,000 cost within
 * noise of each other there). */
#define XAPIAN_COMMIT_DOCS      1000
#define XAPIAN_COMMIT_MIN_SHARD 250
#define XAPIAN_COMMIT_SECONDS   30.0

typedef enum { JOB_PUT, JOB_DEL, JOB_COMMIT, JOB_COMPACT } job_kind;

/* One unit of work for a shard thread. Token lists are "len(u16) coloc(u8) text"... */
typedef struct job {
    job_kind kind;
    char idterm[KOFTS_XS_MAX_TERM + 1];
    size_t idlen;
    kofts_buf toks[KOFTS_NCOLS]; /* tokens of each column, packed (see pack_cb) */
    kofts_buf cats;              /* categories, '\n'-separated */
    char date[24];
    kofts_buf data; /* the document data */
    struct job *next;
} job;

typedef struct {
    pthread_t th;
    int started;
    kofts_xwdb *db;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* signalled on every queue change */
    job *head, *tail;
    size_t queued;
    int busy;   /* a job is being worked on */
    int stop;   /* thread must exit */
    int failed; /* an error happened (message in err) */
    char err[1024];
    char path[4400]; /* PATH.d/shard-K */
} shard;

typedef struct {
    kofts_index_writer base; /* must be first */
    char *path;              /* the stub file */
    sqlite3 *st;             /* state.db */
    sqlite3_stmt *s_find, *s_upsert, *s_seen_add, *s_keep_add, *s_drop_list, *s_del_doc,
        *s_file_put, *s_file_touch, *s_file_del, *s_src_list;
    int in_tx;
    long long pending;
    char *cur_file;
    char *dup_src;
    kofts_analyzer *an; /* for documents that come without token streams */
    int nshards;
    shard *sh;
    char err[1024];
} xwriter;

/* ------------------------------------------------------------------ helpers */

static int fail(xwriter *x, const char *what)
{
    kofts_errfmt(x->err, sizeof x->err, x->path, "%s: %s", what,
                 x->st ? sqlite3_errmsg(x->st) : "no state database");
    return KOFTS_EIO;
}

static void job_free(job *j)
{
    if (!j)
        return;
    for (int c = 0; c < KOFTS_NCOLS; c++)
        kofts_buf_free(&j->toks[c]);
    kofts_buf_free(&j->cats);
    kofts_buf_free(&j->data);
    free(j);
}

/* Pack one token: u16 length, u8 colocated, bytes. */
static int pack_tok(kofts_buf *b, const char *text, size_t len, int coloc)
{
    if (len > KOFTS_XS_MAX_TERM)
        len = 0; /* too long for a Xapian term: kept as an empty position */
    unsigned char hdr[3] = {(unsigned char)(len & 0xff), (unsigned char)(len >> 8),
                            (unsigned char)(coloc != 0)};
    if (kofts_buf_append(b, (const char *)hdr, 3) || kofts_buf_append(b, text, len))
        return KOFTS_ENOMEM;
    return 0;
}

static int pack_cb(void *ctx, const char *text, size_t len, int colocated)
{
    return pack_tok(ctx, text, len, colocated);
}

static int pack_an_cb(void *ctx, const kofts_token *tok)
{
    return pack_tok(ctx, tok->text, tok->len, tok->colocated);
}

/* ------------------------------------------------------------- shard threads */

/* Build the Xapian document of j (see kofts_xschema.h for the terms). */
static int build_doc(const job *j, kofts_xdoc *d)
{
    char term[KOFTS_XS_MAX_TERM + 8];
    int rc = 0;
    for (int c = 0; c < KOFTS_NCOLS && !rc; c++) {
        const char *pre = kofts_columns[c].xprefix;
        size_t pl = strlen(pre);
        int word = kofts_columns[c].role == KOFTS_ROLE_WORD;
        unsigned wdf = kofts_xs_wdf(c);
        memcpy(term, pre, pl);
        const unsigned char *p = (const unsigned char *)j->toks[c].data;
        size_t i = 0, n = j->toks[c].len;
        unsigned pos = 0;
        while (i + 3 <= n && !rc) {
            size_t len = (size_t)p[i] | ((size_t)p[i + 1] << 8);
            int coloc = p[i + 2];
            if (!coloc || pos == 0)
                pos++;
            if (len && i + 3 + len <= n) {
                memcpy(term + pl, p + i + 3, len);
                /* word columns: the bare term at the column's position, weighted by the
                 * column (plain words and phrases), and the title's also prefixed (for
                 * title:); the bigram column: its prefixed terms, weighted, positioned */
                if (!word)
                    rc = kofts_xdoc_posting(d, term, pl + len, pos, wdf);
                else if (wdf)
                    rc = kofts_xdoc_posting(d, term + pl, len, kofts_xs_pos(c, pos), wdf);
                if (!rc && c == KOFTS_COL_TITLE)
                    rc = kofts_xdoc_posting(d, term, pl + len, pos, 1);
            }
            i += 3 + len;
        }
    }
    const char *cs = j->cats.data;
    for (size_t i = 0; cs && i < j->cats.len && !rc;) {
        const char *e = memchr(cs + i, '\n', j->cats.len - i);
        size_t len = e ? (size_t)(e - (cs + i)) : j->cats.len - i;
        if (len && len + 2 <= KOFTS_XS_MAX_TERM) {
            memcpy(term, KOFTS_XS_CAT_PREFIX, 2);
            memcpy(term + 2, cs + i, len);
            rc = kofts_xdoc_term(d, term, len + 2);
        }
        i += len + 1;
    }
    if (!rc)
        rc = kofts_xdoc_term(d, j->idterm, j->idlen);
    if (!rc && j->date[0])
        rc = kofts_xdoc_value(d, KOFTS_XS_SLOT_DATE, j->date, strlen(j->date));
    if (!rc)
        rc = kofts_xdoc_data(d, j->data.data ? j->data.data : "", j->data.len);
    return rc;
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw);

/* Compact shard s (see x_optimize; runs on the shard's thread). Returns 0 (also when the
 * folder cannot be swapped atomically here: the shard stays as it was) or a negative
 * code with the message in s->err. */
static int compact_shard(shard *s)
{
    char tmp[4420];
    char *msg = NULL;
    snprintf(tmp, sizeof tmp, "%s.compact", s->path);
    nftw(tmp, rm_cb, 16, FTW_DEPTH | FTW_PHYS); /* a leftover of an interrupted run */
    kofts_xwdb_close(s->db);                    /* committed by x_commit */
    s->db = NULL;
    int rc = kofts_xwdb_compact(s->path, tmp, &msg);
    if (!rc && renameat2(AT_FDCWD, tmp, AT_FDCWD, s->path, RENAME_EXCHANGE) != 0 &&
        errno != EINVAL && errno != ENOSYS) {
        kofts_errfmt(s->err, sizeof s->err, s->path, "cannot swap in the compacted shard: %s",
                     strerror(errno));
        rc = KOFTS_EIO;
    }
    nftw(tmp, rm_cb, 16, FTW_DEPTH | FTW_PHYS); /* the old shard, or what failed */
    if (msg) {
        snprintf(s->err, sizeof s->err, "%s", msg);
        free(msg);
        msg = NULL;
    }
    int orc = kofts_xwdb_open(&s->db, s->path, 1, &msg);
    if (orc) {
        snprintf(s->err, sizeof s->err, "%s", msg ? msg : "cannot reopen the shard");
        rc = rc ? rc : orc;
    }
    free(msg);
    return rc;
}

static int run_job(shard *s, const job *j)
{
    int rc = 0;
    if (j->kind == JOB_COMPACT)
        return compact_shard(s);
    if (j->kind == JOB_COMMIT)
        return kofts_xwdb_commit(s->db);
    if (j->kind == JOB_DEL)
        return kofts_xwdb_delete(s->db, j->idterm, j->idlen);
    kofts_xdoc *d = kofts_xdoc_new();
    if (!d)
        return KOFTS_ENOMEM;
    if ((rc = build_doc(j, d)) == 0)
        rc = kofts_xwdb_replace(s->db, j->idterm, j->idlen, d);
    kofts_xdoc_free(d);
    return rc;
}

static void *shard_main(void *arg)
{
    shard *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->head && !s->stop)
            pthread_cond_wait(&s->cv, &s->mu);
        if (!s->head)
            break;
        job *j = s->head;
        s->head = j->next;
        if (!s->head)
            s->tail = NULL;
        s->queued--;
        s->busy = 1;
        int failed = s->failed;
        pthread_mutex_unlock(&s->mu);
        int rc = failed ? 0 : run_job(s, j);
        int own_msg = j->kind == JOB_COMPACT; /* compact_shard wrote s->err */
        job_free(j);
        pthread_mutex_lock(&s->mu);
        if (rc && !s->failed) {
            s->failed = 1;
            if (rc == KOFTS_ENOMEM || !own_msg)
                snprintf(s->err, sizeof s->err, "%s",
                         rc == KOFTS_ENOMEM ? "out of memory" : kofts_xwdb_errmsg(s->db));
        }
        s->busy = 0;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* Queue j on shard k (waits while the queue is full). Takes ownership of j. */
static int enqueue(xwriter *x, int k, job *j)
{
    shard *s = &x->sh[k];
    pthread_mutex_lock(&s->mu);
    while (s->queued >= QUEUE_CAP && !s->failed)
        pthread_cond_wait(&s->cv, &s->mu);
    int failed = s->failed;
    if (!failed) {
        if (s->tail)
            s->tail->next = j;
        else
            s->head = j;
        s->tail = j;
        s->queued++;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    if (failed) {
        job_free(j);
        snprintf(x->err, sizeof x->err, "%s", s->err);
        return KOFTS_EBACKEND;
    }
    return 0;
}

/* Wait until shard k has nothing queued or running; returns its error state. */
static int drain(xwriter *x, int k)
{
    shard *s = &x->sh[k];
    pthread_mutex_lock(&s->mu);
    while ((s->head || s->busy) && !s->failed)
        pthread_cond_wait(&s->cv, &s->mu);
    int failed = s->failed;
    if (failed)
        snprintf(x->err, sizeof x->err, "%s", s->err);
    pthread_mutex_unlock(&s->mu);
    return failed ? KOFTS_EBACKEND : 0;
}

static int shard_of(const xwriter *x, const char *id)
{
    return (int)(kofts_fnv1a64(id, strlen(id)) % (uint64_t)x->nshards);
}

static int enqueue_del(xwriter *x, int k, const char *id)
{
    job *j = calloc(1, sizeof *j);
    if (!j)
        return KOFTS_ENOMEM;
    j->kind = JOB_DEL;
    j->idlen = kofts_xs_idterm(id, j->idterm);
    return enqueue(x, k, j);
}

/* ------------------------------------------------------------------ state.db */

static const char state_sql[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER NOT NULL,"
    " mtime INTEGER NOT NULL, hash TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS docs(id TEXT PRIMARY KEY, source TEXT NOT NULL,"
    " hash TEXT NOT NULL, shard INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS docs_source ON docs(source);"
    "CREATE TEMP TABLE seen(id TEXT PRIMARY KEY) WITHOUT ROWID;"
    "CREATE TEMP TABLE keep(id TEXT PRIMARY KEY) WITHOUT ROWID;";

static int begin(xwriter *x)
{
    if (x->in_tx)
        return 0;
    if (sqlite3_exec(x->st, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(x, "cannot start a transaction");
    x->in_tx = 1;
    return 0;
}

static int step_done(xwriter *x, sqlite3_stmt *s, const char *what)
{
    int src = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return src == SQLITE_DONE || src == SQLITE_ROW ? 0 : fail(x, what);
}

static int prepare_all(xwriter *x)
{
    struct {
        sqlite3_stmt **st;
        const char *sql;
    } t[] = {
        {&x->s_find, "SELECT hash, source, shard FROM docs WHERE id = ?1"},
        {&x->s_upsert, "INSERT INTO docs(id, source, hash, shard) VALUES(?1, ?2, ?3, ?4)"
                       " ON CONFLICT(id) DO UPDATE SET source = ?2, hash = ?3, shard = ?4"},
        {&x->s_seen_add, "INSERT OR IGNORE INTO seen(id) VALUES(?1)"},
        {&x->s_keep_add, "INSERT OR IGNORE INTO keep(id) VALUES(?1)"},
        {&x->s_drop_list, "SELECT id, shard FROM docs WHERE source = ?1"
                          " AND id NOT IN (SELECT id FROM keep)"},
        {&x->s_src_list, "SELECT id, shard FROM docs WHERE source = ?1"},
        {&x->s_del_doc, "DELETE FROM docs WHERE id = ?1"},
        {&x->s_file_put, "INSERT INTO files(path, size, mtime, hash) VALUES(?1, ?2, ?3, ?4)"
                         " ON CONFLICT(path) DO UPDATE SET size = ?2, mtime = ?3, hash = ?4"},
        {&x->s_file_touch, "UPDATE files SET size = ?2, mtime = ?3 WHERE path = ?1"},
        {&x->s_file_del, "DELETE FROM files WHERE path = ?1"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (sqlite3_prepare_v3(x->st, t[i].sql, -1, SQLITE_PREPARE_PERSISTENT, t[i].st, NULL) !=
            SQLITE_OK)
            return fail(x, "cannot prepare the state database");
    return 0;
}

/* ------------------------------------------------------------------ verbs */

static const char *x_errmsg(const kofts_index_writer *w)
{
    return ((const xwriter *)w)->err;
}

static long long x_doc_count(kofts_index_writer *w)
{
    xwriter *x = (xwriter *)w;
    sqlite3_stmt *s = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(x->st, "SELECT count(*) FROM docs", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static int x_each_file(kofts_index_writer *w, kofts_files_cb cb, void *ctx)
{
    xwriter *x = (xwriter *)w;
    sqlite3_stmt *s = NULL;
    int rc = 0, src;
    if (sqlite3_prepare_v2(x->st,
                           "SELECT path, size, mtime, hash,"
                           " (SELECT count(*) FROM docs WHERE source = files.path) FROM files",
                           -1, &s, NULL) != SQLITE_OK)
        return fail(x, "cannot list files");
    while (!rc && (src = sqlite3_step(s)) == SQLITE_ROW)
        rc = cb(ctx, (const char *)sqlite3_column_text(s, 0), sqlite3_column_int64(s, 1),
                sqlite3_column_int64(s, 2), (const char *)sqlite3_column_text(s, 3),
                sqlite3_column_int64(s, 4));
    if (!rc && src != SQLITE_DONE)
        rc = fail(x, "cannot list files");
    sqlite3_finalize(s);
    return rc;
}

static int x_file_begin(kofts_index_writer *w, const char *path)
{
    xwriter *x = (xwriter *)w;
    int rc = begin(x);
    if (rc)
        return rc;
    free(x->cur_file);
    if (!(x->cur_file = strdup(path)))
        return KOFTS_ENOMEM;
    if (sqlite3_exec(x->st, "DELETE FROM keep", NULL, NULL, NULL) != SQLITE_OK)
        return fail(x, "cannot start a file");
    return 0;
}

/* A job for document d: copies of its token streams (or a fresh analysis), data. */
static job *make_job(xwriter *x, const kofts_doc *d)
{
    job *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->kind = JOB_PUT;
    j->idlen = kofts_xs_idterm(d->id, j->idterm);
    int rc = 0;
    for (int c = 0; c < KOFTS_NCOLS && !rc; c++) {
        if (!d->col[c] || !d->col[c][0])
            continue;
        if (d->ts[c]) {
            rc = kofts_tokstream_each(d->ts[c], pack_cb, &j->toks[c]);
        } else {
            const char *t = d->col[c];
            int big = t[0] == KOFTS_BIGRAM_MARK;
            rc = kofts_analyzer_run(x->an, big ? KOFTS_MODE_BIGRAM : KOFTS_MODE_WORD, 0, t + big,
                                    strlen(t) - (size_t)big, pack_an_cb, &j->toks[c]);
            rc = rc < 0 ? rc : 0;
        }
    }
    snprintf(j->date, sizeof j->date, "%s", d->date ? d->date : "");
    const char *f[KOFTS_XF_N] = {d->id,  d->title,   d->date, d->categories,
                                 d->url, d->excerpt, d->body};
    if (rc || kofts_buf_puts(&j->cats, d->categories ? d->categories : "") ||
        kofts_xs_data_encode(&j->data, f)) {
        job_free(j);
        return NULL;
    }
    return j;
}

static int x_put(kofts_index_writer *w, kofts_doc *d, kofts_put_outcome *outcome,
                 const char **dup_of)
{
    xwriter *x = (xwriter *)w;
    int rc = begin(x);
    *dup_of = NULL;
    *outcome = KOFTS_PUT_NEW;
    if (rc)
        return rc;
    sqlite3_bind_text(x->s_seen_add, 1, d->id, -1, SQLITE_STATIC);
    if ((rc = step_done(x, x->s_seen_add, "cannot record a document")))
        return rc;
    int dup = sqlite3_changes(x->st) == 0;
    int exists = 0, same = 0;
    sqlite3_bind_text(x->s_find, 1, d->id, -1, SQLITE_STATIC);
    if (sqlite3_step(x->s_find) == SQLITE_ROW) {
        exists = 1;
        const char *h = (const char *)sqlite3_column_text(x->s_find, 0);
        const char *so = (const char *)sqlite3_column_text(x->s_find, 1);
        same = h && strcmp(h, d->hash) == 0 && so && strcmp(so, d->source) == 0;
        if (dup) {
            free(x->dup_src);
            x->dup_src = strdup(so ? so : "");
            *dup_of = x->dup_src;
        }
    }
    sqlite3_reset(x->s_find);
    sqlite3_bind_text(x->s_keep_add, 1, d->id, -1, SQLITE_STATIC);
    if ((rc = step_done(x, x->s_keep_add, "cannot record a document")))
        return rc;
    if (same) {
        *outcome = KOFTS_PUT_UNCHANGED;
        return 0;
    }
    *outcome = exists ? KOFTS_PUT_UPDATED : KOFTS_PUT_NEW;
    int k = shard_of(x, d->id);
    job *j = make_job(x, d);
    if (!j)
        return KOFTS_ENOMEM;
    if ((rc = enqueue(x, k, j)))
        return rc;
    sqlite3_bind_text(x->s_upsert, 1, d->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(x->s_upsert, 2, d->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(x->s_upsert, 3, d->hash, -1, SQLITE_STATIC);
    sqlite3_bind_int(x->s_upsert, 4, k);
    if ((rc = step_done(x, x->s_upsert, "cannot record a document")))
        return rc;
    x->pending++;
    return 0;
}

/* Delete the documents listed by statement s (bound to path); adds to *removed. */
static int drop_listed(xwriter *x, sqlite3_stmt *s, const char *path, long long *removed)
{
    int rc = 0, src;
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    while (!rc && (src = sqlite3_step(s)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(s, 0);
        int k = sqlite3_column_int(s, 1);
        if (k < 0 || k >= x->nshards)
            k = shard_of(x, id);
        if ((rc = enqueue_del(x, k, id)))
            break;
        sqlite3_bind_text(x->s_del_doc, 1, id, -1, SQLITE_TRANSIENT);
        rc = step_done(x, x->s_del_doc, "cannot remove a document");
        if (!rc && removed)
            (*removed)++;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

static int x_file_end(kofts_index_writer *w, const char *path, long long size, long long mtime,
                      const char *hash, long long *removed)
{
    xwriter *x = (xwriter *)w;
    int rc = begin(x);
    if (!rc)
        rc = drop_listed(x, x->s_drop_list, path, removed);
    if (rc)
        return rc;
    sqlite3_bind_text(x->s_file_put, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(x->s_file_put, 2, size);
    sqlite3_bind_int64(x->s_file_put, 3, mtime);
    sqlite3_bind_text(x->s_file_put, 4, hash, -1, SQLITE_STATIC);
    return step_done(x, x->s_file_put, "cannot record a file");
}

static int x_file_touch(kofts_index_writer *w, const char *path, long long size, long long mtime)
{
    xwriter *x = (xwriter *)w;
    int rc = begin(x);
    if (rc)
        return rc;
    sqlite3_bind_text(x->s_file_touch, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(x->s_file_touch, 2, size);
    sqlite3_bind_int64(x->s_file_touch, 3, mtime);
    return step_done(x, x->s_file_touch, "cannot record a file");
}

static int x_file_remove(kofts_index_writer *w, const char *path, long long *removed)
{
    xwriter *x = (xwriter *)w;
    int rc = begin(x);
    if (!rc)
        rc = drop_listed(x, x->s_src_list, path, removed);
    if (rc)
        return rc;
    sqlite3_bind_text(x->s_file_del, 1, path, -1, SQLITE_STATIC);
    return step_done(x, x->s_file_del, "cannot remove a file");
}

/* Give every shard thread a job of this kind (commit, compact) and wait for all of them:
 * they run at once. Returns 0 or the first error. */
static int to_every_shard(xwriter *x, int kind)
{
    int rc = 0;
    for (int k = 0; k < x->nshards && !rc; k++) {
        job *j = calloc(1, sizeof *j);
        if (!j)
            return KOFTS_ENOMEM;
        j->kind = kind;
        rc = enqueue(x, k, j);
    }
    for (int k = 0; k < x->nshards && !rc; k++)
        rc = drain(x, k);
    return rc;
}

/* Every shard commits (in parallel, each on its thread), then state.db. */
static int x_commit(kofts_index_writer *w)
{
    xwriter *x = (xwriter *)w;
    int rc = to_every_shard(x, JOB_COMMIT);
    if (rc)
        return rc;
    if (x->in_tx && sqlite3_exec(x->st, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return fail(x, "cannot commit the state database");
    x->in_tx = 0;
    x->pending = 0;
    return 0;
}

static long long x_pending(const kofts_index_writer *w)
{
    return ((const xwriter *)w)->pending;
}

/*
 * After the first build: every shard is compacted (Xapian's Database::compact, what
 * xapian-compact does; the shared corpus's shards shrink ~2.4x in under a second each)
 * into shard-K.compact, which then trades places with shard-K in one
 * renameat2(RENAME_EXCHANGE) - so shard-K is always one whole database, the old or the
 * compacted one, whenever the run stops - and the old one is removed; each shard's thread
 * compacts its own, all at once. Where the file system cannot exchange folders the
 * shard is left uncompacted.
 */
static int x_optimize(kofts_index_writer *w)
{
    xwriter *x = (xwriter *)w;
    int rc = x_commit(w);
    return rc ? rc : to_every_shard(x, JOB_COMPACT); /* the shard threads compact at once */
}

static void x_close(kofts_index_writer *w)
{
    xwriter *x = (xwriter *)w;
    if (!x)
        return;
    for (int k = 0; x->sh && k < x->nshards; k++) {
        shard *s = &x->sh[k];
        if (s->started) {
            pthread_mutex_lock(&s->mu);
            s->stop = 1;
            pthread_cond_broadcast(&s->cv);
            pthread_mutex_unlock(&s->mu);
            pthread_join(s->th, NULL);
        }
        while (s->head) {
            job *j = s->head;
            s->head = j->next;
            job_free(j);
        }
        /* Xapian's close commits what is pending while state.db (rolled back below)
         * does not: the state may lag the shards, never lead them, which is safe (the
         * files are read again; replacing by Q<id> and deleting are idempotent). */
        kofts_xwdb_close(s->db);
        if (s->started) {
            pthread_mutex_destroy(&s->mu);
            pthread_cond_destroy(&s->cv);
        }
    }
    free(x->sh);
    sqlite3_stmt *all[] = {x->s_find,      x->s_upsert,  x->s_seen_add, x->s_keep_add,
                           x->s_drop_list, x->s_del_doc, x->s_file_put, x->s_file_touch,
                           x->s_file_del,  x->s_src_list};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(all[i]);
    if (x->st && x->in_tx)
        sqlite3_exec(x->st, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(x->st);
    kofts_analyzer_free(x->an);
    free(x->cur_file);
    free(x->dup_src);
    free(x->path);
    free(x);
}

/* ------------------------------------------------------------------ opening */

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    return flag == FTW_DP ? rmdir(p) : unlink(p);
}

/* Remove dir/shard-* and dir/state.db* (a --full rebuild): only what this writer made. */
static void reset_dir(const char *dir)
{
    char p[4400];
    for (int k = 0; k < KOFTS_XS_MAX_SHARDS; k++) {
        snprintf(p, sizeof p, "%s/shard-%d", dir, k);
        struct stat sb;
        if (lstat(p, &sb) != 0)
            break;
        nftw(p, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    }
    const char *st[] = {"state.db", "state.db-wal", "state.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, st[i]);
        unlink(p);
    }
}

/* The meta value of key in state.db into out ("" when absent). */
static void state_meta(xwriter *x, const char *key, char *out, size_t cap)
{
    sqlite3_stmt *s = NULL;
    out[0] = '\0';
    if (sqlite3_prepare_v2(x->st, "SELECT value FROM meta WHERE key = ?1", -1, &s, NULL) ==
            SQLITE_OK &&
        sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
}

/* Read or record the shard count and the layout in state.db; refuse a change of either
 * without --full (an index of layout 1 has shards but no layout row). */
static int check_shards(xwriter *x, int want, int dflt)
{
    char v[32];
    state_meta(x, "shards", v, sizeof v);
    int have = atoi(v);
    state_meta(x, "layout", v, sizeof v);
    if (have > 0 && strcmp(v, KOFTS_XS_LAYOUT) != 0) {
        kofts_errfmt(x->err, sizeof x->err, x->path,
                     "the index has Xapian layout %s, this program writes layout %s; rebuild "
                     "it with --full",
                     v[0] ? v : "1", KOFTS_XS_LAYOUT);
        return KOFTS_EINVAL;
    }
    if (have > 0 && want > 0 && have != want) {
        kofts_errfmt(x->err, sizeof x->err, x->path,
                     "the index has %d shards, not %d; rebuild with --full to change", have, want);
        return KOFTS_EINVAL;
    }
    x->nshards = have > 0 ? have : want > 0 ? want : dflt;
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT OR REPLACE INTO meta(key, value) VALUES('shards', '%d'),"
             " ('analyzer_version', '%s'), ('layout', '%s')",
             x->nshards, KOFTS_ANALYZER_VERSION, KOFTS_XS_LAYOUT);
    if (sqlite3_exec(x->st, sql, NULL, NULL, NULL) != SQLITE_OK)
        return fail(x, "cannot record the shard count");
    return 0;
}

/* Write the stub file PATH listing the shards (atomically: temp file + rename). */
static int write_stub(xwriter *x, const char *base)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", x->path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        kofts_errfmt(x->err, sizeof x->err, x->path, "cannot write the stub file: %s",
                     strerror(errno));
        return KOFTS_EIO;
    }
    fprintf(f, "%s (%d shards; %s). Open with kofts-search --db, quest -d, xapian-delve.\n",
            KOFTS_XS_STUB_MAGIC, x->nshards, KOFTS_ANALYZER_VERSION);
    for (int k = 0; k < x->nshards; k++)
        fprintf(f, "auto %s.d/shard-%d\n", base, k);
    int bad = fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, x->path) != 0) {
        unlink(tmp);
        kofts_errfmt(x->err, sizeof x->err, x->path, "cannot write the stub file: %s",
                     strerror(errno));
        return KOFTS_EIO;
    }
    return 0;
}

/* Documents between commits for nshards shards: XAPIAN_COMMIT_DOCS in all, at least
 * XAPIAN_COMMIT_MIN_SHARD a shard (see above). */
static long long commit_docs(int nshards)
{
    long long per = XAPIAN_COMMIT_DOCS / nshards;
    return (per < XAPIAN_COMMIT_MIN_SHARD ? XAPIAN_COMMIT_MIN_SHARD : per) * nshards;
}

static int start_shards(xwriter *x, const char *dir, int full, char **errmsg)
{
    char p[4400];
    if (!(x->sh = calloc((size_t)x->nshards, sizeof *x->sh)))
        return KOFTS_ENOMEM;
    for (int k = 0; k < x->nshards; k++) {
        shard *s = &x->sh[k];
        snprintf(p, sizeof p, "%s/shard-%d", dir, k);
        snprintf(s->path, sizeof s->path, "%s", p);
        int rc = kofts_xwdb_open(&s->db, p, full ? 2 : 1, errmsg);
        if (!rc &&
            ((rc = kofts_xwdb_set_meta(s->db, "kofts_analyzer", KOFTS_ANALYZER_VERSION)) ||
             (rc = kofts_xwdb_set_meta(s->db, "kofts_layout", KOFTS_XS_LAYOUT))) &&
            errmsg)
            *errmsg = strdup(kofts_xwdb_errmsg(s->db));
        if (rc)
            return rc;
        pthread_mutex_init(&s->mu, NULL);
        pthread_cond_init(&s->cv, NULL);
        if (pthread_create(&s->th, NULL, shard_main, s) != 0) {
            pthread_mutex_destroy(&s->mu);
            pthread_cond_destroy(&s->cv);
            return KOFTS_ENOMEM;
        }
        s->started = 1;
    }
    return 0;
}

int kofts_index_writer_open_xapian(kofts_index_writer **out, const char *path, int full, int shards,
                                   char **errmsg)
{
    int rc = 0;
    char dir[4200], p[4400];
    xwriter *x = NULL;
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int dflt = ncpu > 0 ? (int)(ncpu < KOFTS_XS_MAX_SHARDS ? ncpu : KOFTS_XS_MAX_SHARDS) : 1;
    if (shards > KOFTS_XS_MAX_SHARDS)
        shards = KOFTS_XS_MAX_SHARDS;
    if (!(x = calloc(1, sizeof *x)) || !(x->path = strdup(path))) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    x->base = (kofts_index_writer){KOFTS_INDEX_WRITER_VERSION,
                                   "xapian",
                                   0, /* set from the shard count below */
                                   XAPIAN_COMMIT_SECONDS,
                                   x_close,
                                   x_errmsg,
                                   x_doc_count,
                                   x_each_file,
                                   x_file_begin,
                                   x_put,
                                   x_file_end,
                                   x_file_touch,
                                   x_file_remove,
                                   x_commit,
                                   x_pending,
                                   x_optimize,
                                   NULL /* no zbody: the body is in the document data */};
    struct stat sb;
    if (stat(path, &sb) == 0 && !kofts_xs_is_stub(path)) {
        kofts_errfmt(x->err, sizeof x->err, path,
                     "exists and is not a kofts Xapian index stub file; not overwriting it");
        rc = KOFTS_EINVAL;
        goto done;
    }
    snprintf(dir, sizeof dir, "%s.d", path);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        kofts_errfmt(x->err, sizeof x->err, dir, "cannot create the shard folder: %s",
                     strerror(errno));
        rc = KOFTS_EIO;
        goto done;
    }
    if (full)
        reset_dir(dir);
    snprintf(p, sizeof p, "%s/state.db", dir);
    if (sqlite3_open(p, &x->st) != SQLITE_OK ||
        sqlite3_exec(x->st, state_sql, NULL, NULL, NULL) != SQLITE_OK) {
        rc = fail(x, "cannot open the writer state database");
        goto done;
    }
    sqlite3_busy_timeout(x->st, 5000);
    if ((rc = check_shards(x, shards, dflt)))
        goto done;
    if ((rc = prepare_all(x)) || (rc = kofts_analyzer_new(&x->an)))
        goto done;
    x->base.commit_docs = commit_docs(x->nshards);
    if ((rc = start_shards(x, dir, full, errmsg)))
        goto done;
    const char *slash = strrchr(path, '/');
    if ((rc = write_stub(x, slash ? slash + 1 : path)))
        goto done;
    *out = &x->base;
    x = NULL;
done:
    if (x && rc && errmsg && !*errmsg)
        *errmsg = strdup(x->err[0] ? x->err : kofts_strerror(rc));
    x_close(x ? &x->base : NULL);
    return rc;
}
