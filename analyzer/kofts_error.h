/*
 * kofts_error.h - the error codes every kofts library returns, and the one format of
 * their messages.
 *
 * Functions return int: 0 for success, a negative KOFTS_E* code for failure. The
 * detailed message lives on the handle (kofts_<module>_errmsg()) or in a malloc'd
 * *errmsg out-parameter, always in one format:
 *
 *     SUBJECT: PROBLEM[: DETAIL]
 *
 * SUBJECT is what the message is about (a file path, "path:line", a shard, the query),
 * PROBLEM says what went wrong in plain words, DETAIL is the lower layer's own text
 * (SQLite, ICU, Xapian) when there is one. Programs print it after their name:
 * "kofts-index: posts/x.md:3: bad front matter: ...". kofts_errfmt builds it.
 */
#ifndef KOFTS_ERROR_H
#define KOFTS_ERROR_H

#include <stddef.h>

/* Error codes (negative), shared by all kofts modules. */
enum {
    KOFTS_OK = 0,
    KOFTS_ERROR = -1,    /* generic failure; see the handle's errmsg */
    KOFTS_ENOMEM = -2,   /* out of memory */
    KOFTS_EINVAL = -3,   /* bad argument or input */
    KOFTS_EICU = -4,     /* ICU reported an error */
    KOFTS_EIO = -5,      /* file or database I/O */
    KOFTS_EVERSION = -6, /* index made by another analyzer/schema version */
    KOFTS_ESTOP = -7,    /* stopped by the callback or by a signal */
    KOFTS_EBACKEND = -8, /* the index backend (Xapian, a remote shard) failed */
    KOFTS_ETIMEOUT = -9, /* a remote shard did not answer in time */
};

/* A short constant text for code ("out of memory"); never NULL. */
const char *kofts_strerror(int code);

/*
 * Write "subject: problem" (problem is printf-formatted) into buf[0..cap), cut at a
 * character boundary when too long; subject may be NULL or "" (then only the problem).
 * Returns buf.
 */
char *kofts_errfmt(char *buf, size_t cap, const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif /* KOFTS_ERROR_H */
