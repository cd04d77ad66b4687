/*
 * kofts_writer.c - SQLite writes for kofts-index (schema/001_init.sql): documents go to
 * doc_store (bodies deflated by kofts_doc_finish), the FTS5 index and doc_category.
 */
#include "kofts_writer.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_columns.h"
#include "kofts_fts5.h"
#include "kofts_store.h"
#include "kofts_textz.h"

/* Bodies kept to train the zstd dictionary on: this many, or this many bytes. */
#define SAMPLE_DOCS  1000
#define SAMPLE_BYTES (8u << 20)

/* Sample bodies end to end, with the bytes and the rowid of each (rowid 0: forgotten). */
typedef struct {
    kofts_buf text;
    size_t *size;
    int64_t *row;
    size_t n, capsize, caprow;
} samples;

enum {
    S_FIND,       /* rowid, hash, source of a doc id */
    S_FTS_DEL,    /* FTS5 'delete' with the stored fts_content values */
    S_FTS_INS,    /* FTS5 insert */
    S_DOC_INS,    /* new docs row */
    S_DOC_UPD,    /* replace a docs row */
    S_DOC_SRC,    /* update source/size/mtime/url only */
    S_DOC_DEL,    /* delete a docs row */
    S_CAT_DEL,    /* delete doc_category rows */
    S_CAT_INS,    /* add a doc_category row */
    S_SRC_ROWS,   /* rowids of a source */
    S_FILE_PUT,   /* upsert files */
    S_FILE_TOUCH, /* new size/mtime */
    S_FILE_DEL,   /* delete files row */
    S_COUNT
};

static const char *const sql_text[S_COUNT] = {
    "SELECT rowid, hash, source, url FROM doc_store WHERE id=?1",
    "INSERT INTO fts(fts, rowid, title, excerpt, body, extra, tags, bigram) "
    "SELECT 'delete', rowid, title, excerpt, body, extra, tags, bigram FROM fts_content "
    "WHERE rowid=?1",
    NULL, /* S_FTS_INS: made from the column table (fts_insert_sql) */
    "INSERT INTO doc_store(id, source, title, categories, tags, date, excerpt, body, extra, url, "
    "size, mtime, hash) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
    "UPDATE doc_store SET id=?1, source=?2, title=?3, categories=?4, tags=?5, date=?6, excerpt=?7, "
    "body=?8, extra=?9, url=?10, size=?11, mtime=?12, hash=?13 WHERE rowid=?14",
    "UPDATE doc_store SET source=?1, size=?2, mtime=?3, url=?5 WHERE rowid=?4",
    "DELETE FROM doc_store WHERE rowid=?1",
    "DELETE FROM doc_category WHERE rowid=?1",
    "INSERT OR IGNORE INTO doc_category(category, rowid) VALUES(?1,?2)",
    "SELECT rowid FROM doc_store WHERE source=?1",
    "INSERT INTO files(path, size, mtime, hash) VALUES(?1,?2,?3,?4) "
    "ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime=excluded.mtime, "
    "hash=excluded.hash",
    "UPDATE files SET size=?2, mtime=?3 WHERE path=?1",
    "DELETE FROM files WHERE path=?1",
};

/* "INSERT INTO fts(rowid, <the columns in table order>) VALUES(?1, ?2...)": index_row binds
 * column c at 2 + c. */
static void fts_insert_sql(char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "INSERT INTO fts(rowid");
    for (int c = 0; c < KOFTS_NCOLS && n < cap; c++)
        n += (size_t)snprintf(out + n, cap - n, ", %s", kofts_columns[c].name);
    /* schema 5: the bigram text goes into body (after its words), the bigram column is '' */
    for (int c = 0; c <= KOFTS_NCOLS && n < cap; c++) {
        const char *sep = c ? "," : ") VALUES(";
        if (c == 1 + KOFTS_COL_BODY)
            n += (size_t)snprintf(out + n, cap - n, "%s?%d || ?%d", sep, c + 1,
                                  2 + KOFTS_COL_BIGRAM);
        else if (c == 1 + KOFTS_COL_BIGRAM)
            n += (size_t)snprintf(out + n, cap - n, "%s''", sep);
        else
            n += (size_t)snprintf(out + n, cap - n, "%s?%d", sep, c + 1);
    }
    if (n < cap)
        snprintf(out + n, cap - n, ")");
}

struct kofts_writer {
    kofts_store *store;        /* owned */
    sqlite3 *db;               /* borrowed from store */
    sqlite3_stmt *st[S_COUNT]; /* owned */
    int in_txn;
    long long pending; /* docs written in the open transaction */
    int64_t *keep;     /* rowids put since file_begin */
    size_t nkeep, capkeep;
    uint64_t *seen;        /* open-addressing set of id hashes written this run */
    size_t nseen, capseen; /* capseen is a power of two */
    char *dup_src;         /* last duplicate's earlier source */
    /* zstd dictionary: until the index has one, the compressed bodies written are kept
     * as samples (with their rowids) to train it on. The training runs on a thread of
     * its own while the writer goes on (train_start); the samples move there, the bodies
     * written meanwhile are kept in samp too, and train_finish stores the dictionary and
     * compresses both sets again with it */
    kofts_textz_slot *zslot; /* owned: the dictionary bodies are compressed with */
    int dict_done;           /* the index has a dictionary, or training was started */
    samples samp;            /* bodies to compress again once there is a dictionary */
    int training;            /* the trainer thread was started and not yet joined */
    pthread_t trainer;
    atomic_int trained; /* set by the trainer when it is done */
    samples tsamp;      /* the trainer's samples (it reads text and size only) */
    kofts_buf tdict;    /* its dictionary, */
    unsigned tid;       /* the dictionary's id */
    int trc;            /* and kofts_textz_train's code */
    char err[512];
};

static int fail(kofts_writer *w, const char *what)
{
    snprintf(w->err, sizeof w->err, "%s: %s: %s", kofts_store_path(w->store), what,
             sqlite3_errmsg(w->db));
    return KOFTS_EIO;
}

static sqlite3_stmt *stmt(kofts_writer *w, int i)
{
    sqlite3_reset(w->st[i]);
    sqlite3_clear_bindings(w->st[i]);
    return w->st[i];
}

/* Step a statement that returns no rows. */
static int run(kofts_writer *w, sqlite3_stmt *s, const char *what)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return fail(w, what);
    return 0;
}

/* Compress the bodies of this run with the index's dictionary when it has one (else
 * with none, until train_dict makes one). Returns 0 or KOFTS_EIO with *errmsg. */
static int load_dict(kofts_writer *w, const char *path, char **errmsg)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(w->db, "SELECT dict FROM doc_dict ORDER BY id DESC LIMIT 1", -1, &st,
                           NULL) != SQLITE_OK) {
        rc = KOFTS_EIO;
    } else if (sqlite3_step(st) == SQLITE_ROW) {
        rc = kofts_textz_slot_use(w->zslot, sqlite3_column_blob(st, 0),
                                  (size_t)sqlite3_column_bytes(st, 0), NULL);
        w->dict_done = 1;
    }
    sqlite3_finalize(st);
    if (rc && errmsg) {
        char buf[600];
        snprintf(buf, sizeof buf, "%s: cannot read the compression dictionary: %s", path,
                 rc == KOFTS_EIO ? sqlite3_errmsg(w->db) : kofts_strerror(rc));
        *errmsg = strdup(buf);
    }
    return rc ? KOFTS_EIO : 0;
}

static int begin(kofts_writer *w);

static void samples_free(samples *sm)
{
    kofts_buf_free(&sm->text);
    free(sm->size);
    free(sm->row);
    memset(sm, 0, sizeof *sm);
}

static int samples_add(samples *sm, int64_t rowid, const char *body, size_t n)
{
    size_t *ns = kofts_grow(sm->size, &sm->capsize, sm->n + 1, sizeof *ns);
    if (!ns)
        return KOFTS_ENOMEM;
    sm->size = ns;
    int64_t *nr = kofts_grow(sm->row, &sm->caprow, sm->n + 1, sizeof *nr);
    if (!nr)
        return KOFTS_ENOMEM;
    sm->row = nr;
    if (kofts_buf_append(&sm->text, body, n))
        return KOFTS_ENOMEM;
    sm->size[sm->n] = n;
    sm->row[sm->n++] = rowid;
    return 0;
}

/* Forget the samples of rowid, whose row is replaced or deleted: a sample is written
 * back when the dictionary comes and must not undo that. */
static void samples_forget(kofts_writer *w, int64_t rowid)
{
    samples *set[2] = {&w->samp, &w->tsamp};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < set[k]->n; i++)
            if (set[k]->row[i] == rowid)
                set[k]->row[i] = 0;
}

/* Compress the rows of sm again with the slot's dictionary (a body that is not smaller
 * as a frame stays as it is). */
static int recompress(kofts_writer *w, sqlite3_stmt *st, const samples *sm, kofts_buf *z)
{
    int rc = 0;
    size_t off = 0;
    for (size_t i = 0; i < sm->n && rc == 0; off += sm->size[i++]) {
        if (!sm->row[i])
            continue;
        int pr = kofts_textz_pack(z, sm->text.data + off, sm->size[i], w->zslot);
        if (pr < 0)
            rc = pr;
        if (pr != 0)
            continue;
        sqlite3_bind_blob(st, 1, z->data, (int)z->len, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, sm->row[i]);
        rc = run(w, st, "cannot compress documents again");
    }
    return rc;
}

/* Store dict (id) in doc_dict, use it for every body compressed from now on, and
 * compress the rows of a and b again with it (all in the open transaction, so the
 * dictionary and the rows that need it commit together). Returns 0 or a negative
 * KOFTS_E* code; on failure no body compressed from now on needs the dictionary. */
static int dict_apply(kofts_writer *w, const kofts_buf *dict, unsigned id, const samples *a,
                      const samples *b)
{
    kofts_buf z = {0};
    sqlite3_stmt *st = NULL;
    int used = 0, rc = begin(w);
    if (rc)
        goto done;
    if (sqlite3_prepare_v2(w->db, "INSERT OR REPLACE INTO doc_dict(id, dict) VALUES(?1, ?2)", -1,
                           &st, NULL) != SQLITE_OK) {
        rc = fail(w, "cannot store the compression dictionary");
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_blob(st, 2, dict->data, (int)dict->len, SQLITE_STATIC);
    if ((rc = run(w, st, "cannot store the compression dictionary")))
        goto done;
    sqlite3_finalize(st);
    st = NULL;
    /* stored first: no body may name a dictionary the index does not hold */
    if ((rc = kofts_textz_slot_use(w->zslot, dict->data, dict->len, NULL)))
        goto done;
    used = 1;
    if (sqlite3_prepare_v2(w->db, "UPDATE doc_store SET body=?1 WHERE rowid=?2", -1, &st, NULL) !=
        SQLITE_OK) {
        rc = fail(w, "cannot compress documents again");
        goto done;
    }
    if (!(rc = recompress(w, st, a, &z)) && b)
        rc = recompress(w, st, b, &z);
done:
    if (rc && used)
        kofts_textz_slot_use(w->zslot, NULL, 0, NULL); /* the rows to come must not need it */
    sqlite3_finalize(st);
    kofts_buf_free(&z);
    return rc;
}

/* Train the index's dictionary on the samples here and now (a first build of fewer
 * than SAMPLE_DOCS documents, or no thread to spare) and apply it. Tried once per run:
 * with too little text to learn from, the run goes on without. */
static int train_now(kofts_writer *w)
{
    kofts_buf dict = {0};
    unsigned id = 0;
    w->dict_done = 1;
    int rc = kofts_textz_train(&dict, &id, w->samp.text.data, w->samp.size, (unsigned)w->samp.n);
    if (rc == 0)
        rc = dict_apply(w, &dict, id, &w->samp, NULL);
    kofts_buf_free(&dict);
    samples_free(&w->samp);
    return rc == 1 ? 0 : rc;
}

static void *trainer_main(void *arg)
{
    kofts_writer *w = arg;
    w->trc = kofts_textz_train(&w->tdict, &w->tid, w->tsamp.text.data, w->tsamp.size,
                               (unsigned)w->tsamp.n);
    atomic_store(&w->trained, 1);
    return NULL;
}

/* Hand the samples to the trainer thread (ZSTD's training takes ~0.2 s on the shared
 * corpus, which the writer, the pipeline's bottleneck, spends writing instead). */
static int train_start(kofts_writer *w)
{
    w->dict_done = 1;
    w->tsamp = w->samp;
    memset(&w->samp, 0, sizeof w->samp);
    atomic_store(&w->trained, 0);
    if (pthread_create(&w->trainer, NULL, trainer_main, w) == 0) {
        w->training = 1;
        return 0;
    }
    w->samp = w->tsamp;
    memset(&w->tsamp, 0, sizeof w->tsamp);
    return train_now(w);
}

/* Once the trainer is done (or at once with wait): join it, store and use its
 * dictionary, compress its samples and the bodies written meanwhile again (apply=0:
 * drop all that, for a writer that closes). Returns 0 or a negative KOFTS_E* code. */
static int train_finish(kofts_writer *w, int wait, int apply)
{
    if (!w->training || (!wait && !atomic_load(&w->trained)))
        return 0;
    pthread_join(w->trainer, NULL);
    w->training = 0;
    int rc = w->trc < 0 ? w->trc : 0;
    if (apply && w->trc == 0)
        rc = dict_apply(w, &w->tdict, w->tid, &w->tsamp, &w->samp);
    kofts_buf_free(&w->tdict);
    samples_free(&w->tsamp);
    samples_free(&w->samp);
    return rc;
}

/* Keep body (a compressed one) of rowid as a sample: to train on, until SAMPLE_DOCS
 * samples or SAMPLE_BYTES start the training; while it runs, to compress again (at
 * SAMPLE_BYTES of those the writer waits for the dictionary). Returns 0 or a negative
 * KOFTS_E* code. */
static int sample_add(kofts_writer *w, int64_t rowid, const char *body)
{
    int rc = samples_add(&w->samp, rowid, body, strlen(body));
    if (rc)
        return rc;
    int full = w->samp.n >= SAMPLE_DOCS || w->samp.text.len >= SAMPLE_BYTES;
    if (w->training)
        return w->samp.text.len >= SAMPLE_BYTES ? train_finish(w, 1, 1) : 0;
    return full ? train_start(w) : 0;
}

int kofts_writer_open(kofts_writer **out, const char *path, int full, char **errmsg)
{
    int rc = 0;
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    kofts_writer *w = calloc(1, sizeof *w);
    if (!w || kofts_textz_slot_new(&w->zslot)) {
        kofts_writer_close(w);
        return KOFTS_ENOMEM;
    }
    rc = kofts_store_open(&w->store, path, KOFTS_STORE_CREATE | (full ? KOFTS_STORE_RESET : 0),
                          errmsg);
    if (rc)
        goto done;
    w->db = kofts_store_db(w->store);
    sqlite3_exec(w->db, "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY", NULL, NULL, NULL);
    char ins[256];
    fts_insert_sql(ins, sizeof ins);
    for (int i = 0; i < S_COUNT; i++) {
        const char *sql = i == S_FTS_INS ? ins : sql_text[i];
        if (sqlite3_prepare_v3(w->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &w->st[i], NULL) !=
            SQLITE_OK) {
            if (errmsg) {
                char buf[600];
                snprintf(buf, sizeof buf, "%s: cannot prepare statements: %s", path,
                         sqlite3_errmsg(w->db));
                *errmsg = strdup(buf);
            }
            rc = KOFTS_EIO;
            goto done;
        }
    }
    if ((rc = load_dict(w, path, errmsg)))
        goto done;
    *out = w;
    w = NULL;
done:
    kofts_writer_close(w);
    return rc;
}

int kofts_writer_each_file(kofts_writer *w, kofts_files_cb cb, void *ctx)
{
    int rc = 0;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(w->db,
                           "SELECT f.path, f.size, f.mtime, f.hash, "
                           "(SELECT count(*) FROM doc_store d WHERE d.source=f.path) FROM files f",
                           -1, &s, NULL) != SQLITE_OK)
        return fail(w, "cannot read the file list");
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        const char *p = (const char *)sqlite3_column_text(s, 0);
        const char *h = (const char *)sqlite3_column_text(s, 3);
        rc = cb(ctx, p ? p : "", sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2), h ? h : "",
                sqlite3_column_int64(s, 4));
        if (rc)
            goto done;
    }
    if (src != SQLITE_DONE)
        rc = fail(w, "cannot read the file list");
done:
    sqlite3_finalize(s);
    return rc;
}

long long kofts_writer_doc_count(kofts_writer *w)
{
    sqlite3_stmt *s = NULL;
    long long n = 0;
    if (sqlite3_prepare_v2(w->db, "SELECT count(*) FROM doc_store", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static int begin(kofts_writer *w)
{
    if (w->in_txn)
        return 0;
    if (sqlite3_exec(w->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(w, "cannot start a transaction");
    w->in_txn = 1;
    w->pending = 0;
    return 0;
}

int kofts_writer_commit(kofts_writer *w)
{
    if (!w->in_txn)
        return 0;
    int rc = train_finish(w, 0, 1); /* a dictionary that is ready commits with its rows */
    if (rc)
        return rc;
    if (sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = fail(w, "cannot commit");
        sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
        w->in_txn = 0;
        return rc;
    }
    w->in_txn = 0;
    w->pending = 0;
    return 0;
}

long long kofts_writer_pending(const kofts_writer *w)
{
    return w->pending;
}

int kofts_writer_file_begin(kofts_writer *w, const char *path)
{
    (void)path;
    w->nkeep = 0;
    return 0;
}

static int keep_add(kofts_writer *w, int64_t rowid)
{
    int64_t *nk = kofts_grow(w->keep, &w->capkeep, w->nkeep + 1, sizeof *nk);
    if (!nk)
        return KOFTS_ENOMEM;
    w->keep = nk;
    w->keep[w->nkeep++] = rowid;
    return 0;
}

/* Add the hash of id to the seen set; returns 1 if it was already there, 0 if
 * added, KOFTS_ENOMEM. */
static int seen_add(kofts_writer *w, const char *id)
{
    uint64_t h = kofts_fnv1a64(id, strlen(id));
    if (h == 0)
        h = 1;
    if ((w->nseen + 1) * 2 > w->capseen) {
        size_t nc = w->capseen ? w->capseen * 2 : 1024;
        uint64_t *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return KOFTS_ENOMEM;
        for (size_t i = 0; i < w->capseen; i++) {
            uint64_t v = w->seen[i];
            if (!v)
                continue;
            size_t j = (size_t)v & (nc - 1);
            while (ns[j])
                j = (j + 1) & (nc - 1);
            ns[j] = v;
        }
        free(w->seen);
        w->seen = ns;
        w->capseen = nc;
    }
    size_t j = (size_t)h & (w->capseen - 1);
    while (w->seen[j]) {
        if (w->seen[j] == h)
            return 1;
        j = (j + 1) & (w->capseen - 1);
    }
    w->seen[j] = h;
    w->nseen++;
    return 0;
}

/* FTS5 'delete' + doc_category + (optionally) the docs row for rowid. */
static int delete_doc(kofts_writer *w, int64_t rowid, int drop_row)
{
    int rc;
    if (w->samp.n || w->training)
        samples_forget(w, rowid);
    sqlite3_stmt *s = stmt(w, S_FTS_DEL);
    sqlite3_bind_int64(s, 1, rowid);
    if ((rc = run(w, s, "cannot delete from the FTS index")))
        return rc;
    s = stmt(w, S_CAT_DEL);
    sqlite3_bind_int64(s, 1, rowid);
    if ((rc = run(w, s, "cannot delete categories")))
        return rc;
    if (drop_row) {
        s = stmt(w, S_DOC_DEL);
        sqlite3_bind_int64(s, 1, rowid);
        if ((rc = run(w, s, "cannot delete a document")))
            return rc;
    }
    return 0;
}

static void bind_doc(sqlite3_stmt *s, const kofts_doc *d)
{
    sqlite3_bind_text(s, 1, d->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, d->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, d->title, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, d->categories, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, d->tags, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, d->date, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, d->excerpt, -1, SQLITE_STATIC);
    if (d->zbody.len) /* deflated (kofts_textz.h); the docs view inflates it */
        sqlite3_bind_blob(s, 8, d->zbody.data, (int)d->zbody.len, SQLITE_STATIC);
    else
        sqlite3_bind_text(s, 8, d->body, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, d->extra, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 10, d->url, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 11, d->size);
    sqlite3_bind_int64(s, 12, d->mtime);
    sqlite3_bind_text(s, 13, d->text_hash, -1, SQLITE_STATIC);
}

/* What the index holds under a document's id (kofts_writer_put's first step). */
typedef struct {
    int exists, same_hash, same_src, same_url;
    int64_t rowid;
} stored;

/* Look up d->id; on a duplicate id within this run (dup), *dup_of names the earlier
 * source. Returns 0 or KOFTS_EIO. */
static int find_stored(kofts_writer *w, const kofts_doc *d, int dup, stored *st,
                       const char **dup_of)
{
    memset(st, 0, sizeof *st);
    sqlite3_stmt *s = stmt(w, S_FIND);
    sqlite3_bind_text(s, 1, d->id, -1, SQLITE_STATIC);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        st->exists = 1;
        st->rowid = sqlite3_column_int64(s, 0);
        const char *h = (const char *)sqlite3_column_text(s, 1);
        const char *so = (const char *)sqlite3_column_text(s, 2);
        const char *uo = (const char *)sqlite3_column_text(s, 3);
        st->same_hash = h && strcmp(h, d->text_hash) == 0;
        st->same_src = so && strcmp(so, d->source) == 0;
        st->same_url = uo && strcmp(uo, d->url) == 0;
        if (dup) {
            free(w->dup_src);
            w->dup_src = strdup(so ? so : "");
            *dup_of = w->dup_src;
        }
    } else if (src != SQLITE_DONE) {
        sqlite3_reset(s);
        return fail(w, "cannot look up a document");
    }
    sqlite3_reset(s);
    return 0;
}

/* The stored row of d: updated in place (after its old FTS entry is deleted) when it
 * exists, else inserted; its rowid in st->rowid. */
/* A body the workers compressed before the writer trained the dictionary (they compress
 * with whatever the slot held then) is compressed again with it here, so that every body
 * of a first build but the samples' (train_dict redoes those) uses it: on ../shared/corpus
 * 824 bodies were in flight while the dictionary was trained. Returns 0 or KOFTS_ENOMEM. */
static int with_dict(kofts_writer *w, kofts_doc *d)
{
    unsigned id = kofts_textz_slot_dict(w->zslot);
    if (!id || !d->zbody.len || kofts_textz_dict_of(d->zbody.data, d->zbody.len) == id)
        return 0;
    kofts_buf z = {0};
    int pr = kofts_textz_pack(&z, d->body, strlen(d->body), w->zslot);
    if (pr == 0) {
        kofts_buf_free(&d->zbody);
        d->zbody = z;
        return 0;
    }
    kofts_buf_free(&z);
    return pr < 0 ? pr : 0; /* 1: not smaller as a frame; keep the one made without */
}

static int store_row(kofts_writer *w, const kofts_doc *d, stored *st)
{
    int rc;
    sqlite3_stmt *s;
    if (st->exists) {
        if ((rc = delete_doc(w, st->rowid, 0)))
            return rc;
        s = stmt(w, S_DOC_UPD);
        bind_doc(s, d);
        sqlite3_bind_int64(s, 14, st->rowid);
        return run(w, s, "cannot update a document");
    }
    s = stmt(w, S_DOC_INS);
    bind_doc(s, d);
    if ((rc = run(w, s, "cannot insert a document")))
        return rc;
    st->rowid = sqlite3_last_insert_rowid(w->db);
    return 0;
}

/* The FTS row of d (the same strings as the fts_content view, pre-analysed) and its
 * doc_category rows, one per category line. */
static int index_row(kofts_writer *w, kofts_doc *d, int64_t rowid)
{
    sqlite3_stmt *s = stmt(w, S_FTS_INS);
    sqlite3_bind_int64(s, 1, rowid);
    for (int c = 0; c < KOFTS_NCOLS; c++)
        sqlite3_bind_text(s, 2 + c, d->col[c], -1, SQLITE_STATIC);
    kofts_fts5_preload(d->ts, KOFTS_NCOLS);
    int rc = run(w, s, "cannot write the FTS index");
    kofts_fts5_preload(NULL, 0);
    const char *c = d->categories;
    while (!rc && *c) {
        const char *nl = strchr(c, '\n');
        size_t n = nl ? (size_t)(nl - c) : strlen(c);
        if (n) {
            s = stmt(w, S_CAT_INS);
            sqlite3_bind_text(s, 1, c, (int)n, SQLITE_STATIC);
            sqlite3_bind_int64(s, 2, rowid);
            rc = run(w, s, "cannot write categories");
        }
        c += n + (nl ? 1 : 0);
    }
    return rc;
}

int kofts_writer_put(kofts_writer *w, kofts_doc *d, kofts_put_outcome *outcome, const char **dup_of)
{
    int rc = 0;
    stored st;
    *dup_of = NULL;
    *outcome = KOFTS_PUT_NEW;
    if ((rc = begin(w)) || (rc = train_finish(w, 0, 1)))
        return rc;
    int dup = seen_add(w, d->id);
    if (dup < 0)
        return dup;
    if ((rc = find_stored(w, d, dup, &st, dup_of)))
        return rc;
    if (st.exists && st.same_hash) {
        *outcome = KOFTS_PUT_UNCHANGED;
        if (!st.same_src || !st.same_url) { /* the url is not indexed: no FTS work */
            sqlite3_stmt *s = stmt(w, S_DOC_SRC);
            sqlite3_bind_text(s, 1, d->source, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 2, d->size);
            sqlite3_bind_int64(s, 3, d->mtime);
            sqlite3_bind_int64(s, 4, st.rowid);
            sqlite3_bind_text(s, 5, d->url, -1, SQLITE_STATIC);
            if ((rc = run(w, s, "cannot update a document")))
                return rc;
        }
        return keep_add(w, st.rowid);
    }
    if (st.exists)
        *outcome = KOFTS_PUT_UPDATED;
    if ((rc = with_dict(w, d)) || (rc = store_row(w, d, &st)))
        return rc;
    if ((!w->dict_done || w->training) && d->zbody.len && (rc = sample_add(w, st.rowid, d->body)))
        return rc;
    if ((rc = index_row(w, d, st.rowid)))
        return rc;
    w->pending++;
    return keep_add(w, st.rowid);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Delete the docs of path whose rowid is not in keep[0..nkeep) (sorted). */
static int remove_stale(kofts_writer *w, const char *path, const int64_t *keep, size_t nkeep,
                        long long *removed)
{
    int rc = 0;
    int64_t *gone = NULL;
    size_t ngone = 0, cap = 0;
    sqlite3_stmt *s = stmt(w, S_SRC_ROWS);
    sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t r = sqlite3_column_int64(s, 0);
        if (nkeep && bsearch(&r, keep, nkeep, sizeof r, cmp_i64))
            continue;
        int64_t *ng = kofts_grow(gone, &cap, ngone + 1, sizeof *ng);
        if (!ng) {
            rc = KOFTS_ENOMEM;
            goto done;
        }
        gone = ng;
        gone[ngone++] = r;
    }
    if (src != SQLITE_DONE) {
        rc = fail(w, "cannot list documents");
        goto done;
    }
    sqlite3_reset(s);
    for (size_t i = 0; i < ngone; i++)
        if ((rc = delete_doc(w, gone[i], 1)))
            goto done;
    *removed += (long long)ngone;
done:
    sqlite3_reset(s);
    free(gone);
    return rc;
}

int kofts_writer_file_end(kofts_writer *w, const char *path, long long size, long long mtime,
                          const char *hash, long long *removed)
{
    int rc;
    if ((rc = begin(w)))
        return rc;
    qsort(w->keep, w->nkeep, sizeof *w->keep, cmp_i64);
    if ((rc = remove_stale(w, path, w->keep, w->nkeep, removed)))
        return rc;
    w->nkeep = 0;
    sqlite3_stmt *s = stmt(w, S_FILE_PUT);
    sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, size);
    sqlite3_bind_int64(s, 3, mtime);
    sqlite3_bind_text(s, 4, hash, -1, SQLITE_TRANSIENT);
    return run(w, s, "cannot record a file");
}

int kofts_writer_file_touch(kofts_writer *w, const char *path, long long size, long long mtime)
{
    int rc;
    if ((rc = begin(w)))
        return rc;
    sqlite3_stmt *s = stmt(w, S_FILE_TOUCH);
    sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, size);
    sqlite3_bind_int64(s, 3, mtime);
    return run(w, s, "cannot record a file");
}

int kofts_writer_file_remove(kofts_writer *w, const char *path, long long *removed)
{
    int rc;
    if ((rc = begin(w)))
        return rc;
    if ((rc = remove_stale(w, path, NULL, 0, removed)))
        return rc;
    sqlite3_stmt *s = stmt(w, S_FILE_DEL);
    sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
    return run(w, s, "cannot remove a file");
}

int kofts_writer_optimize(kofts_writer *w)
{
    int rc;
    /* the dictionary being trained is waited for; a first build of fewer than
     * SAMPLE_DOCS documents trains on what it has */
    if ((rc = train_finish(w, 1, 1)))
        return rc;
    if (!w->dict_done && w->samp.n >= KOFTS_TEXTZ_DICT_MIN_SAMPLES && (rc = train_now(w)))
        return rc;
    if ((rc = kofts_writer_commit(w)))
        return rc;
    if (sqlite3_exec(w->db, "INSERT INTO fts(fts) VALUES('optimize')", NULL, NULL, NULL) !=
        SQLITE_OK)
        return fail(w, "cannot optimize the FTS index");
    sqlite3_exec(w->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    return 0;
}

const char *kofts_writer_errmsg(const kofts_writer *w)
{
    return w->err;
}

sqlite3 *kofts_writer_db(kofts_writer *w)
{
    return w->db;
}

void kofts_writer_close(kofts_writer *w)
{
    if (!w)
        return;
    if (w->in_txn)
        sqlite3_exec(w->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(w->st[i]);
    kofts_store_close(w->store);
    free(w->keep);
    free(w->seen);
    free(w->dup_src);
    train_finish(w, 1, 0);
    samples_free(&w->samp);
    kofts_textz_slot_free(w->zslot);
    free(w);
}

const kofts_textz_slot *kofts_writer_textz(const kofts_writer *w)
{
    return w->zslot;
}
