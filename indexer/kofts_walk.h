/*
 * kofts_walk.h - find the input files under a SOURCE path.
 *
 * A file SOURCE is reported as itself (rel = its base name). A folder is walked
 * depth-first in byte order of names, skipping hidden entries (".x"), editor backups
 * ("x~") and Jekyll's generated "_site/". Symbolic links are followed when they stay
 * inside SOURCE; a link that leaves SOURCE, points back to one of its own ancestor
 * folders (a loop), or dangles is reported through the error callback and skipped.
 */
#ifndef KOFTS_WALK_H
#define KOFTS_WALK_H

#include <sys/stat.h>

/*
 * Called for every regular file. path is the path to open (SOURCE joined with rel),
 * rel the path relative to SOURCE, st the stat of the file (links followed). Both
 * strings are borrowed for the call. Return 0 to go on; non-zero stops the walk and
 * is returned by kofts_walk.
 */
typedef int (*kofts_walk_file_cb)(void *ctx, const char *path, const char *rel,
                                  const struct stat *st);

/* Called for each entry that cannot be walked (reason is a short phrase such as
 * "cannot read: Permission denied"). Return 0 to go on. */
typedef int (*kofts_walk_err_cb)(void *ctx, const char *path, const char *reason);

/*
 * Walk source. Returns 0, the first non-zero callback value, KOFTS_EIO if source
 * itself cannot be read (also reported through err), or KOFTS_ENOMEM.
 */
int kofts_walk(const char *source, kofts_walk_file_cb file, kofts_walk_err_cb err, void *ctx);

/* Called for each folder below SOURCE before it is entered (rel: its path relative to
 * SOURCE). Return 1 to walk it, 0 to leave it out. */
typedef int (*kofts_walk_dir_cb)(void *ctx, const char *rel);

/* kofts_walk with a folder filter (dir may be NULL). */
int kofts_walk_filtered(const char *source, kofts_walk_dir_cb dir, kofts_walk_file_cb file,
                        kofts_walk_err_cb err, void *ctx);

#endif /* KOFTS_WALK_H */
