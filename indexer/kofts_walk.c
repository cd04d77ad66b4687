/*
 * kofts_walk.c - recursive folder walk with symlink-loop and escape checks.
 */
#include "kofts_walk.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kofts_analyzer.h"
#include "kofts_util.h"

#define MAX_DEPTH 256

typedef struct {
    kofts_walk_dir_cb dir;
    kofts_walk_file_cb file;
    kofts_walk_err_cb err;
    void *ctx;
    char *root_real; /* realpath of SOURCE (owned) */
    size_t root_len;
    dev_t dev[MAX_DEPTH + 1]; /* folders on the current path, for loop checks */
    ino_t ino[MAX_DEPTH + 1];
    int depth;
} walker;

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Report "a b" (b may be "") about path through the error callback. */
static int report(walker *w, const char *path, const char *a, const char *b)
{
    char msg[512];
    snprintf(msg, sizeof msg, "%s%s", a, b);
    return w->err ? w->err(w->ctx, path, msg) : 0;
}

static int on_ancestors(const walker *w, const struct stat *st)
{
    for (int i = 0; i < w->depth; i++)
        if (w->dev[i] == st->st_dev && w->ino[i] == st->st_ino)
            return 1;
    return 0;
}

static int walk_dir(walker *w, kofts_buf *path, size_t rel_off);

/* Visit one entry whose full path is in path (rel part starts at rel_off). */
static int visit(walker *w, kofts_buf *path, size_t rel_off)
{
    struct stat lst, st;
    const char *p = path->data;
    if (lstat(p, &lst) != 0)
        return report(w, p, "cannot read: ", strerror(errno));
    st = lst;
    if (S_ISLNK(lst.st_mode)) {
        if (stat(p, &st) != 0) {
            if (errno == ELOOP)
                return report(w, p, "symlink loop, skipped", "");
            return report(w, p, "broken symlink, skipped", "");
        }
        char *real = realpath(p, NULL);
        if (!real)
            return report(w, p, "cannot read: ", strerror(errno));
        int inside = strncmp(real, w->root_real, w->root_len) == 0 &&
                     (real[w->root_len] == '/' || real[w->root_len] == '\0' || w->root_len == 1);
        free(real);
        if (!inside)
            return report(w, p, "symlink points outside SOURCE, skipped", "");
    }
    if (S_ISDIR(st.st_mode)) {
        if (w->dir && !w->dir(w->ctx, p + rel_off))
            return 0;
        if (on_ancestors(w, &st))
            return report(w, p, "symlink loop, skipped", "");
        return walk_dir(w, path, rel_off);
    }
    if (!S_ISREG(st.st_mode))
        return report(w, p, "not a regular file, skipped", "");
    return w->file(w->ctx, p, p + rel_off, &st);
}

static int walk_dir(walker *w, kofts_buf *path, size_t rel_off)
{
    int rc = 0;
    DIR *d = NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct stat st;
    if (w->depth >= MAX_DEPTH)
        return report(w, path->data, "folders nested too deeply, skipped", "");
    if (stat(path->data, &st) != 0 || !(d = opendir(path->data)))
        return report(w, path->data, "cannot read: ", strerror(errno));
    w->dev[w->depth] = st.st_dev;
    w->ino[w->depth] = st.st_ino;
    w->depth++;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *nm = de->d_name;
        size_t nl = strlen(nm);
        if (nm[0] == '.' || nl == 0 || nm[nl - 1] == '~' || strcmp(nm, "_site") == 0)
            continue;
        {
            char **nn = kofts_grow(names, &cap, n + 1, sizeof *names);
            if (!nn) {
                rc = KOFTS_ENOMEM;
                goto done;
            }
            names = nn;
        }
        if (!(names[n] = strdup(nm))) {
            rc = KOFTS_ENOMEM;
            goto done;
        }
        n++;
    }
    closedir(d);
    d = NULL;
    if (n > 1) /* names is NULL for an empty folder */
        qsort(names, n, sizeof *names, cmp_names);
    size_t base = path->len;
    for (size_t i = 0; i < n && rc == 0; i++) {
        path->len = base;
        if ((base && path->data[base - 1] != '/' && kofts_buf_append(path, "/", 1)) ||
            kofts_buf_puts(path, names[i])) {
            rc = KOFTS_ENOMEM;
            break;
        }
        size_t ro = rel_off ? rel_off : path->len - strlen(names[i]);
        rc = visit(w, path, ro);
    }
    path->len = base;
    if (path->data)
        path->data[base] = '\0';
done:
    w->depth--;
    if (d)
        closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

int kofts_walk(const char *source, kofts_walk_file_cb file, kofts_walk_err_cb err, void *ctx)
{
    return kofts_walk_filtered(source, NULL, file, err, ctx);
}

int kofts_walk_filtered(const char *source, kofts_walk_dir_cb dir, kofts_walk_file_cb file,
                        kofts_walk_err_cb err, void *ctx)
{
    int rc = 0;
    walker w;
    kofts_buf path = {0};
    struct stat st;
    memset(&w, 0, sizeof w);
    w.dir = dir;
    w.file = file;
    w.err = err;
    w.ctx = ctx;
    if (stat(source, &st) != 0) {
        report(&w, source, "cannot read: ", strerror(errno));
        return KOFTS_EIO;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (!S_ISREG(st.st_mode)) {
            report(&w, source, "not a regular file, skipped", "");
            return 0;
        }
        const char *slash = strrchr(source, '/');
        return file(ctx, source, slash ? slash + 1 : source, &st);
    }
    if (!(w.root_real = realpath(source, NULL))) {
        report(&w, source, "cannot read: ", strerror(errno));
        return KOFTS_EIO;
    }
    w.root_len = strlen(w.root_real);
    /* strip trailing slashes (but keep "/") so that rel paths start cleanly */
    size_t sl = strlen(source);
    while (sl > 1 && source[sl - 1] == '/')
        sl--;
    if (kofts_buf_append(&path, source, sl)) {
        rc = KOFTS_ENOMEM;
        goto done;
    }
    rc = walk_dir(&w, &path, 0);
done:
    free(w.root_real);
    kofts_buf_free(&path);
    return rc;
}
