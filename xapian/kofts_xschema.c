/*
 * kofts_xschema.c - id terms, the document data format and stub files of the Xapian
 * layout (see kofts_xschema.h).
 */
#include "kofts_xschema.h"

#include "kofts_columns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned kofts_xs_wdf(int col)
{
    double w = kofts_columns[col].weight * 2.0;
    return w <= 0 ? 0 : (unsigned)(w + 0.5);
}

unsigned kofts_xs_pos(int col, unsigned pos)
{
    if (pos >= KOFTS_XS_COL_GAP) /* a column of 16M tokens: its tail shares one position */
        pos = KOFTS_XS_COL_GAP - 1;
    return kofts_columns[col].xrange * KOFTS_XS_COL_GAP + pos;
}

size_t kofts_xs_idterm(const char *id, char *out)
{
    size_t n = strlen(id);
    if (n + 1 <= KOFTS_XS_MAX_TERM) {
        out[0] = 'Q';
        memcpy(out + 1, id, n);
        out[n + 1] = '\0';
        return n + 1;
    }
    return (size_t)snprintf(out, KOFTS_XS_MAX_TERM + 1, "Q#%016llx",
                            (unsigned long long)kofts_fnv1a64(id, n));
}

int kofts_xs_data_encode(kofts_buf *out, const char *const f[KOFTS_XF_N])
{
    for (int i = 0; i < KOFTS_XF_N; i++)
        if (kofts_buf_append(out, f[i] ? f[i] : "", f[i] ? strlen(f[i]) : 0) ||
            (i + 1 < KOFTS_XF_N && kofts_buf_append(out, "\0", 1)))
            return KOFTS_ENOMEM;
    return 0;
}

void kofts_xs_data_decode(const char *data, size_t len, const char *f[KOFTS_XF_N],
                          size_t lens[KOFTS_XF_N])
{
    size_t i = 0;
    for (int k = 0; k < KOFTS_XF_N; k++) {
        if (i > len) {
            f[k] = "";
            lens[k] = 0;
            continue;
        }
        const char *p = data + i;
        const char *z = memchr(p, '\0', len - i);
        size_t l = z ? (size_t)(z - p) : len - i;
        f[k] = p;
        lens[k] = l;
        i += l + 1;
    }
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Parse one non-comment stub line into sh; returns 0 or -1 with a reason in why. */
static int parse_line(char *s, const char *dir, kofts_xs_shard *sh, const char **why)
{
    memset(sh, 0, sizeof *sh);
    char *sp = s + strcspn(s, " \t");
    if (!*sp) {
        *why = "expected 'auto PATH' or 'remote HOST:PORT'";
        return -1;
    }
    *sp = '\0';
    char *arg = trim(sp + 1);
    if (!strcmp(s, "auto") || !strcmp(s, "glass")) {
        int n = arg[0] == '/' ? snprintf(sh->path, sizeof sh->path, "%s", arg)
                              : snprintf(sh->path, sizeof sh->path, "%s/%s", dir, arg);
        if (n < 0 || (size_t)n >= sizeof sh->path) {
            *why = "path too long";
            return -1;
        }
        return 0;
    }
    if (strcmp(s, "remote") != 0) {
        *why = "unknown database type (expected auto, glass or remote)";
        return -1;
    }
    if (arg[0] == ':') {
        *why = "remote programs (':PROG') are not run by kofts; use HOST:PORT";
        return -1;
    }
    char *colon = strrchr(arg, ':');
    char *end = NULL;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || colon == arg || !end || *end || port < 1 || port > 65535 ||
        (size_t)(colon - arg) >= sizeof sh->host) {
        *why = "expected remote HOST:PORT with a port in 1-65535";
        return -1;
    }
    memcpy(sh->host, arg, (size_t)(colon - arg));
    sh->host[colon - arg] = '\0';
    sh->port = (unsigned)port;
    sh->remote = 1;
    return 0;
}

int kofts_xs_stub_read(const char *path, kofts_xs_shard **out, size_t *n, char *err, size_t cap)
{
    int rc = 0;
    char line[4352], dir[4096];
    kofts_xs_shard *v = NULL;
    size_t nv = 0;
    long lineno = 0;
    *out = NULL;
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        kofts_errfmt(err, cap, path, "cannot read the index stub file");
        return KOFTS_EIO;
    }
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (slash == path)
        snprintf(dir, sizeof dir, "/");
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#')
            continue;
        const char *why = NULL;
        kofts_xs_shard sh;
        if (nv >= KOFTS_XS_MAX_SHARDS) {
            why = "too many shards";
        } else if (parse_line(s, dir, &sh, &why) == 0) {
            kofts_xs_shard *nvp = realloc(v, (nv + 1) * sizeof *v);
            if (!nvp) {
                rc = KOFTS_ENOMEM;
                break;
            }
            v = nvp;
            v[nv++] = sh;
            continue;
        }
        char subject[4200];
        snprintf(subject, sizeof subject, "%s:%ld", path, lineno);
        kofts_errfmt(err, cap, subject, "%s", why);
        rc = KOFTS_EINVAL;
        break;
    }
    fclose(f);
    if (!rc && nv == 0) {
        kofts_errfmt(err, cap, path, "the index stub file lists no shard");
        rc = KOFTS_EINVAL;
    }
    if (rc) {
        free(v);
        return rc;
    }
    *out = v;
    *n = nv;
    return 0;
}

int kofts_xs_is_stub(const char *path)
{
    char buf[16] = {0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[k] = '\0';
    return buf[0] == '#' || !strncmp(buf, "auto", 4) || !strncmp(buf, "glass", 5) ||
           !strncmp(buf, "remote", 6);
}
