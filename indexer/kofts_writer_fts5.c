/*
 * kofts_writer_fts5.c - the FTS5 implementation of kofts_index_writer: a thin wrapper
 * over kofts_writer.c (the SQLite writer, whose internals are tuned there), plus
 * kofts_index_writer_open, which picks a backend by name.
 */
#include <stdlib.h>
#include <string.h>

#include "kofts_index_writer.h"
#include "kofts_xschema.h"

typedef struct {
    kofts_index_writer base; /* must be first */
    kofts_writer *w;         /* owned */
} fts5_writer;

#define W(x) (((fts5_writer *)(x))->w)

static void f_close(kofts_index_writer *w)
{
    if (!w)
        return;
    kofts_writer_close(W(w));
    free(w);
}

static const char *f_errmsg(const kofts_index_writer *w)
{
    return kofts_writer_errmsg(((const fts5_writer *)w)->w);
}

static long long f_doc_count(kofts_index_writer *w)
{
    return kofts_writer_doc_count(W(w));
}

static int f_each_file(kofts_index_writer *w, kofts_files_cb cb, void *ctx)
{
    return kofts_writer_each_file(W(w), cb, ctx);
}

static int f_file_begin(kofts_index_writer *w, const char *path)
{
    return kofts_writer_file_begin(W(w), path);
}

static int f_put(kofts_index_writer *w, kofts_doc *d, kofts_put_outcome *outcome,
                 const char **dup_of)
{
    return kofts_writer_put(W(w), d, outcome, dup_of);
}

static int f_file_end(kofts_index_writer *w, const char *path, long long size, long long mtime,
                      const char *hash, long long *removed)
{
    return kofts_writer_file_end(W(w), path, size, mtime, hash, removed);
}

static int f_file_touch(kofts_index_writer *w, const char *path, long long size, long long mtime)
{
    return kofts_writer_file_touch(W(w), path, size, mtime);
}

static int f_file_remove(kofts_index_writer *w, const char *path, long long *removed)
{
    return kofts_writer_file_remove(W(w), path, removed);
}

static int f_commit(kofts_index_writer *w)
{
    return kofts_writer_commit(W(w));
}

static long long f_pending(const kofts_index_writer *w)
{
    return kofts_writer_pending(((const fts5_writer *)w)->w);
}

static const kofts_textz_slot *f_textz(kofts_index_writer *w)
{
    return kofts_writer_textz(W(w));
}

static int f_optimize(kofts_index_writer *w)
{
    return kofts_writer_optimize(W(w));
}

int kofts_index_writer_open_fts5(kofts_index_writer **out, const char *path, int full,
                                 char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    fts5_writer *f = calloc(1, sizeof *f);
    if (!f)
        return KOFTS_ENOMEM;
    f->base = (kofts_index_writer){KOFTS_INDEX_WRITER_VERSION,
                                   "fts5",
                                   0,
                                   0,
                                   f_close,
                                   f_errmsg,
                                   f_doc_count,
                                   f_each_file,
                                   f_file_begin,
                                   f_put,
                                   f_file_end,
                                   f_file_touch,
                                   f_file_remove,
                                   f_commit,
                                   f_pending,
                                   f_optimize,
                                   f_textz};
    int rc = kofts_writer_open(&f->w, path, full, errmsg);
    if (rc) {
        free(f);
        return rc;
    }
    *out = &f->base;
    return 0;
}

int kofts_index_writer_open(kofts_index_writer **out, const char *path,
                            const kofts_index_writer_opts *o, char **errmsg)
{
    const char *be = o && o->backend ? o->backend : kofts_xs_is_stub(path) ? "xapian" : "fts5";
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    if (strcmp(be, "fts5") == 0)
        return kofts_index_writer_open_fts5(out, path, o ? o->full : 0, errmsg);
    if (strcmp(be, "xapian") == 0)
        return kofts_index_writer_open_xapian(out, path, o ? o->full : 0, o ? o->shards : 0,
                                              errmsg);
    if (errmsg && (*errmsg = malloc(96 + strlen(be))) != NULL)
        kofts_errfmt(*errmsg, 96 + strlen(be), be, "unknown backend (known: fts5, xapian)");
    return KOFTS_EINVAL;
}
