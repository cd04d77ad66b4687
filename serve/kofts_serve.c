/*
 * kofts_serve.c - kofts-serve: a search page and JSON API over a kofts index, on
 * libmicrohttpd. Request -> checked arguments (kofts_http) -> a search handle from the
 * pool -> kofts_search_run -> escaped output (kofts_render).
 *
 *   MHD thread pool (N threads) --- each request borrows one of N read-only
 *   kofts_search handles (reopened when the index file is replaced) --- one log line
 *   per request on stderr.
 *
 * Limits: request line and headers within 32 KiB (MHD) and HEADER_TIMEOUT_S seconds
 * (the reaper below), idle connections closed after IDLE_TIMEOUT_S, each search
 * stopped after --time-limit ms, query-string limits in kofts_http.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "kofts_analyzer.h"
#include "kofts_cli.h"
#include "kofts_http.h"
#include "kofts_render.h"
#include "kofts_search.h"

#define PROG             "kofts-serve"
#define HEADER_TIMEOUT_S 10    /* default: request line + headers must arrive within this */
#define IDLE_TIMEOUT_S   10    /* MHD closes a connection silent for this long */
#define MAX_CONNECTIONS  512   /* open connections at once */
#define CONN_MEMORY      32768 /* per-connection buffer: caps request line + headers */
#define LOG_URI_MAX      512   /* bytes of a query string shown with --log-queries */
#define MAX_BODY         65536 /* body bytes read (and dropped) before a 413; more: closed */

/* Every response carries these. The page runs no script at all; document text that
 * escaped escaping could still not execute. */
#define CSP                                                                                        \
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "                   \
    "base-uri 'none'; frame-ancestors 'none'"

typedef struct {
    const char *db, *listen, *cors, *base_url;
    int threads, time_limit_ms, log_queries, header_timeout_s, parallel;
} cli;

/* ------------------------------------------------------------ handle pool */

typedef struct {
    kofts_search *s;
    dev_t dev; /* identity of the file s opened: a replaced index is reopened */
    ino_t ino;
} slot;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    slot *slots;
    int n;
    int *free_idx; /* stack of free slot indexes */
    int n_free;
    const char *path;
    int time_limit_ms;
    int open_flags; /* KOFTS_SEARCH_* (kofts_search_open_ex) */
} pool;

/* Open a handle on p->path into sl. Returns 0 or a KOFTS_E* code (*errmsg malloc'd). */
static int slot_open(pool *p, slot *sl, char **errmsg)
{
    kofts_search *s = NULL;
    struct stat st;
    int rc = kofts_search_open_ex(&s, p->path, p->open_flags, errmsg);
    if (rc)
        return rc;
    kofts_search_set_time_limit(s, p->time_limit_ms);
    kofts_search_close(sl->s);
    sl->s = s;
    if (stat(p->path, &st) == 0) {
        sl->dev = st.st_dev;
        sl->ino = st.st_ino;
    }
    return 0;
}

static int pool_init(pool *p, const char *path, int n, int time_limit_ms, int open_flags,
                     char **errmsg)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->path = path;
    p->time_limit_ms = time_limit_ms;
    p->open_flags = open_flags;
    p->slots = calloc((size_t)n, sizeof *p->slots);
    p->free_idx = calloc((size_t)n, sizeof *p->free_idx);
    if (!p->slots || !p->free_idx)
        return KOFTS_ENOMEM;
    for (int i = 0; i < n; i++) {
        int rc = slot_open(p, &p->slots[i], errmsg);
        if (rc)
            return rc;
        p->free_idx[p->n_free++] = i;
        p->n++;
    }
    return 0;
}

/* Borrow a handle (waits while all are busy); reopens it when the index file at the
 * path is no longer the one it has open (kofts-index --full into a new file + rename). */
static slot *pool_get(pool *p)
{
    pthread_mutex_lock(&p->mu);
    while (p->n_free == 0)
        pthread_cond_wait(&p->cv, &p->mu);
    slot *sl = &p->slots[p->free_idx[--p->n_free]];
    pthread_mutex_unlock(&p->mu);
    struct stat st;
    if (stat(p->path, &st) == 0 && (st.st_dev != sl->dev || st.st_ino != sl->ino)) {
        char *err = NULL;
        if (slot_open(p, sl, &err))
            fprintf(stderr,
                    PROG ": cannot reopen the replaced index, still serving the old "
                         "one: %s\n",
                    err ? err : "out of memory");
        free(err);
    }
    return sl;
}

static void pool_put(pool *p, slot *sl)
{
    pthread_mutex_lock(&p->mu);
    p->free_idx[p->n_free++] = (int)(sl - p->slots);
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

static void pool_free(pool *p)
{
    for (int i = 0; p->slots && i < p->n; i++)
        kofts_search_close(p->slots[i].s);
    free(p->slots);
    free(p->free_idx);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
}

/* ------------------------------------------------------- slow-header reaper */

/* One open connection, for the reaper. Linked into server.conns. */
typedef struct conn {
    struct conn *prev, *next;
    int fd;
    double t_wait;  /* when it began waiting for a request's headers */
    int in_request; /* headers complete: a request is being answered */
    int reaped;
} conn;

typedef struct {
    cli o;
    pool pool;
    pthread_mutex_t conn_mu;
    conn *conns;
    pthread_t reaper;
    pthread_mutex_t stop_mu;
    pthread_cond_t stop_cv;
    int stopping;
} server;

static void notify_conn(void *cls, struct MHD_Connection *c, void **socket_context,
                        enum MHD_ConnectionNotificationCode toe)
{
    server *sv = cls;
    conn *k = *socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!ci || !(k = calloc(1, sizeof *k)))
            return;
        k->fd = ci->connect_fd;
        k->t_wait = kofts_mono_s();
        pthread_mutex_lock(&sv->conn_mu);
        k->next = sv->conns;
        if (sv->conns)
            sv->conns->prev = k;
        sv->conns = k;
        pthread_mutex_unlock(&sv->conn_mu);
        *socket_context = k;
    } else if (k) {
        pthread_mutex_lock(&sv->conn_mu);
        if (k->prev)
            k->prev->next = k->next;
        else
            sv->conns = k->next;
        if (k->next)
            k->next->prev = k->prev;
        pthread_mutex_unlock(&sv->conn_mu);
        free(k);
        *socket_context = NULL;
    }
}

static void conn_mark(server *sv, struct MHD_Connection *c, int in_request)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    conn *k = ci ? ci->socket_context : NULL;
    if (!k)
        return;
    pthread_mutex_lock(&sv->conn_mu);
    k->in_request = in_request;
    k->t_wait = kofts_mono_s();
    pthread_mutex_unlock(&sv->conn_mu);
}

/* Once a second: shut down connections whose request headers are not complete
 * HEADER_TIMEOUT_S after they began (a client sending a byte a second never idles, so
 * MHD's inactivity timeout alone would keep it). MHD then sees the connection end and
 * closes it; notify_conn (under conn_mu) unlinks it before its descriptor is closed. */
static void *reaper_main(void *arg)
{
    server *sv = arg;
    pthread_mutex_lock(&sv->stop_mu);
    while (!sv->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&sv->stop_cv, &sv->stop_mu, &ts);
        double now = kofts_mono_s();
        pthread_mutex_lock(&sv->conn_mu);
        for (conn *k = sv->conns; k; k = k->next) {
            if (!k->in_request && !k->reaped && now - k->t_wait > sv->o.header_timeout_s) {
                shutdown(k->fd, SHUT_RDWR);
                k->reaped = 1;
            }
        }
        pthread_mutex_unlock(&sv->conn_mu);
    }
    pthread_mutex_unlock(&sv->stop_mu);
    return NULL;
}

/* ------------------------------------------------------------- requests */

/* Per-request state, made by uri_cb before the headers are parsed. */
typedef struct {
    double t0;
    char *uri; /* raw request target, owned */
    char method[16];
    int seen;          /* the access handler has seen the headers */
    size_t body_bytes; /* request body bytes dropped */
    int status;        /* 0 until a response is queued */
} req;

static void *uri_cb(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    req *rq = calloc(1, sizeof *rq);
    if (!rq)
        return NULL;
    rq->t0 = kofts_mono_s();
    rq->uri = strdup(uri ? uri : "");
    strcpy(rq->method, "-");
    return rq;
}

/* Append s[0..n) to b for the log: bytes outside printable ASCII become '?'. */
static void log_text(kofts_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = (s[i] >= 0x21 && s[i] < 0x7f) ? s[i] : '?';
        kofts_buf_append(b, &c, 1);
    }
}

/* One line per request: time, method, path (query string only with --log-queries),
 * status, milliseconds. */
static void completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    server *sv = cls;
    req *rq = *con_cls;
    (void)toe;
    conn_mark(sv, c, 0);
    if (!rq)
        return;
    char ts[32];
    time_t t = time(NULL);
    struct tm tmv;
    gmtime_r(&t, &tmv);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    const char *u = rq->uri ? rq->uri : "";
    size_t path_len = strcspn(u, "?#");
    size_t all = strlen(u);
    kofts_buf line = {0};
    kofts_buf_printf(&line, "%s %s ", ts, rq->method);
    log_text(&line, u, path_len < LOG_URI_MAX ? path_len : LOG_URI_MAX);
    if (sv->o.log_queries && all > path_len)
        log_text(&line, u + path_len, all - path_len < LOG_URI_MAX ? all - path_len : LOG_URI_MAX);
    if (rq->status)
        kofts_buf_printf(&line, " %d %.1f ms", rq->status, (kofts_mono_s() - rq->t0) * 1e3);
    else
        kofts_buf_printf(&line, " - %.1f ms (closed before an answer)",
                         (kofts_mono_s() - rq->t0) * 1e3);
    if (line.data)
        fprintf(stderr, "%s\n", line.data);
    kofts_buf_free(&line);
    free(rq->uri);
    free(rq);
    *con_cls = NULL;
}

/* Queue body (malloc'd, taken over) with the common headers. */
static enum MHD_Result respond(server *sv, struct MHD_Connection *c, req *rq, int status,
                               const char *ctype, kofts_buf *body, int api)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(body->len, body->data, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        kofts_buf_free(body);
        return MHD_NO;
    }
    memset(body, 0, sizeof *body); /* now owned by r */
    MHD_add_response_header(r, "Content-Type", ctype);
    MHD_add_response_header(r, "Content-Security-Policy", CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(r, "Allow", "GET, HEAD");
    if (api && sv->o.cors) {
        const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
        if (strcmp(sv->o.cors, "*") == 0)
            MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
        else if (origin && strcmp(origin, sv->o.cors) == 0)
            MHD_add_response_header(r, "Access-Control-Allow-Origin", sv->o.cors);
        MHD_add_response_header(r, "Vary", "Origin");
    }
    rq->status = status;
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result respond_error(server *sv, struct MHD_Connection *c, req *rq, int status,
                                     const char *msg, int api)
{
    kofts_buf b = {0};
    if (api ? kofts_render_error_json(&b, status, msg) : kofts_render_error_page(&b, status, msg))
        return MHD_NO;
    return respond(sv, c, rq, status,
                   api ? "application/json; charset=utf-8" : "text/html; charset=utf-8", &b, api);
}

/* GET / and /search (api 0) or /api/search (api 1). */
static enum MHD_Result do_search(server *sv, struct MHD_Connection *c, req *rq, const char *qs,
                                 int api)
{
    kofts_http_args a;
    kofts_result *res = NULL;
    kofts_buf b = {0};
    char err[160];
    enum MHD_Result ret;
    int st = kofts_http_args_parse(&a, qs, strlen(qs), err, sizeof err);
    if (st) {
        ret = st > 0 ? respond_error(sv, c, rq, st, err, api) : MHD_NO;
        goto done;
    }
    double took = 0;
    /* No words but a filter: browse (every document in it, newest first). */
    int filtered = a.category || a.since[0] || a.until[0];
    if (a.q_len || filtered) {
        kofts_search_opts so;
        kofts_search_opts_init(&so);
        so.limit = a.limit;
        so.offset = (a.page - 1) * a.limit;
        so.category = a.category;
        so.since = a.since[0] ? a.since : NULL;
        so.until = a.until[0] ? a.until : NULL;
        so.sort = a.sort;
        so.want_total = 1;
        slot *sl = pool_get(&sv->pool);
        double t = kofts_mono_s();
        int rc = kofts_search_run(sl->s, a.q, a.q_len, &so, &res);
        took = (kofts_mono_s() - t) * 1e3;
        if (rc) {
            int stopped = rc == KOFTS_ESTOP;
            fprintf(stderr, PROG ": %s\n", kofts_search_errmsg(sl->s));
            pool_put(&sv->pool, sl);
            ret = stopped ? respond_error(sv, c, rq, 503,
                                          "the search took too long; try more specific words", api)
                          : respond_error(sv, c, rq, 500, "the search failed", api);
            goto done;
        }
        pool_put(&sv->pool, sl);
    } else if (api) {
        ret = respond_error(sv, c, rq, 400,
                            "parameter 'q' is missing or empty (or give category, since or until "
                            "to list documents)",
                            api);
        goto done;
    }
    kofts_page pg = {&a, res, took, sv->o.base_url ? sv->o.base_url : ""};
    if (api ? kofts_render_json(&b, &pg) : kofts_render_page(&b, &pg)) {
        ret = MHD_NO;
        goto done;
    }
    ret = respond(sv, c, rq, 200,
                  api ? "application/json; charset=utf-8" : "text/html; charset=utf-8", &b, api);
done:
    kofts_buf_free(&b);
    kofts_result_free(res);
    kofts_http_args_free(&a);
    return ret;
}

static enum MHD_Result do_stats(server *sv, struct MHD_Connection *c, req *rq)
{
    kofts_buf b = {0};
    slot *sl = pool_get(&sv->pool);
    int rc = kofts_search_stats(sl->s, &b);
    pool_put(&sv->pool, sl);
    if (rc || kofts_buf_puts(&b, "\n")) {
        kofts_buf_free(&b);
        return respond_error(sv, c, rq, 500, "cannot read index statistics", 1);
    }
    return respond(sv, c, rq, 200, "application/json; charset=utf-8", &b, 1);
}

static enum MHD_Result do_text(server *sv, struct MHD_Connection *c, req *rq, const char *ctype,
                               const char *text, int api)
{
    kofts_buf b = {0};
    if (kofts_buf_puts(&b, text))
        return MHD_NO;
    return respond(sv, c, rq, 200, ctype, &b, api);
}

/* The router: a fixed set of paths, nothing read from disk. */
static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload_data,
                               size_t *upload_size, void **con_cls)
{
    server *sv = cls;
    req *rq = *con_cls;
    (void)version;
    (void)upload_data;
    if (!rq)
        return MHD_NO;
    if (rq->status) /* answered already; the rest of a body is dropped */
        return MHD_YES;
    snprintf(rq->method, sizeof rq->method, "%s", method);
    for (char *m = rq->method; *m; m++)
        if (*m < 0x21 || *m >= 0x7f)
            *m = '?';
    int api = strncmp(url, "/api/", 5) == 0;
    if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
        return respond_error(sv, c, rq, 405, "only GET and HEAD are allowed", api);
    if (*upload_size) { /* a GET with a body: dropped, answered 413 once it has come */
        rq->body_bytes += *upload_size;
        *upload_size = 0;
        return rq->body_bytes > MAX_BODY ? MHD_NO : MHD_YES; /* MHD_NO: close now */
    }
    if (rq->body_bytes)
        return respond_error(sv, c, rq, 413, "a request body is not allowed", api);
    if (!rq->seen) {
        /* First call: headers only. Answering on the next call (no body came) lets MHD
         * keep the connection alive; an answer before that closes it. */
        rq->seen = 1;
        conn_mark(sv, c, 1);
        return MHD_YES;
    }
    const char *q = strchr(rq->uri ? rq->uri : "", '?');
    char *qs = strndup(q ? q + 1 : "", q ? strcspn(q + 1, "#") : 0);
    if (!qs)
        return MHD_NO;
    enum MHD_Result ret;
    if (strcmp(url, "/") == 0 || strcmp(url, "/search") == 0)
        ret = do_search(sv, c, rq, qs, 0);
    else if (strcmp(url, "/api/search") == 0)
        ret = do_search(sv, c, rq, qs, 1);
    else if (strcmp(url, "/api/stats") == 0)
        ret = do_stats(sv, c, rq);
    else if (strcmp(url, "/healthz") == 0)
        ret = do_text(sv, c, rq, "text/plain; charset=utf-8", "ok\n", 0);
    else if (strcmp(url, "/assets/kofts.css") == 0)
        ret = do_text(sv, c, rq, "text/css; charset=utf-8", kofts_asset_css, 0);
    else if (strcmp(url, "/assets/kofts-search.js") == 0)
        ret = do_text(sv, c, rq, "text/javascript; charset=utf-8", kofts_asset_dropin_js, 0);
    else
        ret = respond_error(sv, c, rq, 404, "no such page", api);
    free(qs);
    return ret;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    fprintf(stderr, PROG ": http: ");
    vfprintf(stderr, fmt, ap);
}

/* ------------------------------------------------------------- the program */

/* Long-only options (the rest use their short letter as key). */
enum {
    OPT_DB = KOFTS_CLI_LONG,
    OPT_LISTEN,
    OPT_THREADS,
    OPT_CORS,
    OPT_BASE_URL,
    OPT_TIME_LIMIT,
    OPT_LOG_QUERIES,
    OPT_HEADER_TIMEOUT,
    OPT_PARALLEL,
    OPT_GENERATE,
};

/* The one option table (cli/kofts_cli.h): parsing, --help, man page, bash completion. */
static const kofts_cli_opt options[] = {
    {"db", OPT_DB, "FILE", "index to serve, read-only (default $KOFTS_DB, else kofts.db)", "@file"},
    {"listen", OPT_LISTEN, "ADDR:PORT",
     "address to listen on (default 127.0.0.1:8080; port 0: any free)", NULL},
    {"threads", OPT_THREADS, "N", "worker threads, each with its own search handle (default 4)",
     NULL},
    {"cors", OPT_CORS, "ORIGIN", "let pages from ORIGIN (e.g. https://example.com) call /api/",
     NULL},
    {"base-url", OPT_BASE_URL, "URL",
     "put URL before document paths in links (e.g. https://example.com)", NULL},
    {"time-limit", OPT_TIME_LIMIT, "MS",
     "stop a search after MS milliseconds with 503 (default 2000)", NULL},
    {"log-queries", OPT_LOG_QUERIES, NULL, "log query strings too (default: path only)", NULL},
    {"header-timeout", OPT_HEADER_TIMEOUT, "S",
     "drop a connection whose request headers take over S s (default 10)", NULL},
    {"parallel", OPT_PARALLEL, NULL,
     "xapian, 2+ local shards: match them at once, one xapian-progsrv each", NULL},
    {"generate", OPT_GENERATE, "WHAT", "print the man page (man) or bash completion (bash)",
     "man bash"},
    {"help", 'h', NULL, "show this help", NULL},
    {"version", 'V', NULL, "show the version", NULL},
};

static const kofts_cli_section sections[] = {
    {"EXIT STATUS", "Stops on SIGINT or SIGTERM. 0 ok, 1 runtime error, 2 usage error.", 1},
    {"ENVIRONMENT", "  KOFTS_DB  the index to serve when --db is not given", 1},
    {"SEE ALSO", "kofts-search(1), kofts-index(1), kofts(7)", 0},
};

static const kofts_cli_spec spec = {
    .prog = PROG,
    .purpose = "serve a kofts index over HTTP (search page and JSON API)",
    .synopsis = "[OPTION]...",
    .description = "Serve a kofts index over HTTP: a Korean search page at / (works without\n"
                   "JavaScript), JSON at /api/search?q=..., /api/stats and /healthz.\n"
                   "Parameters: q, category, since, until, sort (relevance|date), page, limit.",
    .opts = options,
    .n_opts = sizeof options / sizeof options[0],
    .operands = NULL,
    .sections = sections,
    .n_sections = sizeof sections / sizeof sections[0],
};

/* Usage errors in the one kofts format (cli/kofts_cli.h); the expression is exit status 2. */
#define usage_error(...) kofts_cli_usage_error(&spec, __VA_ARGS__)

/* Parse "HOST:PORT" or "[V6]:PORT" into ss. Returns 0 or -1. */
static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    if (!colon || (size_t)(colon - s) >= sizeof host)
        return -1;
    long port = kofts_cli_number(colon + 1, 0, 65535);
    if (port < 0)
        return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    memset(ss, 0, sizeof *ss);
    size_t hl = strlen(host);
    if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        host[hl - 1] = '\0';
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1 ? 0 : -1;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? 0 : -1;
}

/* Apply one option to o. Returns -1 to go on, else an exit status. */
static int apply_option(cli *o, int ch, const char *arg)
{
    long v;
    switch (ch) {
    case OPT_DB:
        o->db = arg;
        break;
    case OPT_LISTEN:
        o->listen = arg;
        break;
    case OPT_THREADS:
        if ((v = kofts_cli_number(arg, 1, 256)) < 0)
            return usage_error("--threads wants a number from 1 to 256, not '%s'", arg);
        o->threads = (int)v;
        break;
    case OPT_CORS:
        o->cors = arg;
        break;
    case OPT_BASE_URL:
        o->base_url = arg;
        break;
    case OPT_TIME_LIMIT:
        if ((v = kofts_cli_number(arg, 1, 600000)) < 0)
            return usage_error("--time-limit wants milliseconds from 1 to 600000, not '%s'", arg);
        o->time_limit_ms = (int)v;
        break;
    case OPT_LOG_QUERIES:
        o->log_queries = 1;
        break;
    case OPT_HEADER_TIMEOUT:
        if ((v = kofts_cli_number(arg, 1, 3600)) < 0)
            return usage_error("--header-timeout wants seconds from 1 to 3600, not '%s'", arg);
        o->header_timeout_s = (int)v;
        break;
    case OPT_PARALLEL:
        o->parallel = 1;
        break;
    case OPT_GENERATE:
        return kofts_cli_generate(&spec, arg, KOFTS_VERSION_STRING, stdout);
    case 'h':
        kofts_cli_help(&spec, stdout);
        return 0;
    case 'V':
        printf(PROG " " KOFTS_VERSION_STRING "\n");
        return 0;
    default: /* KOFTS_CLI_ERROR: the message is out */
        return 2;
    }
    return -1;
}

/* Parse the command line into o. Returns -1 to go on, else an exit status. */
static int parse_args(cli *o, int argc, char **argv)
{
    const char *env_db = getenv("KOFTS_DB");
    o->db = env_db && *env_db ? env_db : "kofts.db";
    o->listen = "127.0.0.1:8080";
    o->threads = 4;
    o->time_limit_ms = 2000;
    o->header_timeout_s = HEADER_TIMEOUT_S;
    int ch, rc = -1;
    kofts_cli cl;
    if (kofts_cli_init(&cl, &spec, 0)) {
        fprintf(stderr, PROG ": out of memory\n");
        return 1;
    }
    while (rc < 0 && (ch = kofts_cli_next(&cl, argc, argv)) != -1)
        rc = apply_option(o, ch, optarg);
    kofts_cli_free(&cl);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (o->cors && strcmp(o->cors, "*") != 0 && strncmp(o->cors, "http://", 7) != 0 &&
        strncmp(o->cors, "https://", 8) != 0)
        return usage_error("--cors wants an origin like https://example.com or *, not '%s'",
                           o->cors);
    return -1;
}

int main(int argc, char **argv)
{
    server sv;
    memset(&sv, 0, sizeof sv);
    int status = parse_args(&sv.o, argc, argv);
    if (status >= 0)
        return status;
    struct sockaddr_storage ss;
    if (parse_listen(sv.o.listen, &ss))
        return usage_error("--listen wants HOST:PORT (e.g. 127.0.0.1:8080), not '%s'", sv.o.listen);
    char *err = NULL;
    kofts_analyzer_preload(); /* hunspell-ko loads before we listen, not in a request */
    if (pool_init(&sv.pool, sv.o.db, sv.o.threads, sv.o.time_limit_ms,
                  sv.o.parallel ? KOFTS_SEARCH_PARALLEL : 0, &err)) {
        fprintf(stderr, PROG ": %s\n", err ? err : "out of memory");
        free(err);
        pool_free(&sv.pool);
        return 1;
    }
    /* SIGINT/SIGTERM are taken by sigwait below; threads started from here inherit the
     * mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    pthread_mutex_init(&sv.conn_mu, NULL);
    pthread_mutex_init(&sv.stop_mu, NULL);
    pthread_cond_init(&sv.stop_cv, NULL);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, handler, &sv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, &sv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)sv.o.threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)MAX_CONNECTIONS, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)CONN_MEMORY, MHD_OPTION_URI_LOG_CALLBACK, uri_cb, &sv, MHD_OPTION_NOTIFY_COMPLETED,
        completed_cb, &sv, MHD_OPTION_NOTIFY_CONNECTION, notify_conn, &sv, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, PROG ": cannot listen on %s (in use, or not an address of this host?)\n",
                sv.o.listen);
        pool_free(&sv.pool);
        return 1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[64];
    snprintf(host, sizeof host, "%.*s", (int)(strrchr(sv.o.listen, ':') - sv.o.listen),
             sv.o.listen);
    fprintf(stderr, PROG ": serving %s on http://%s:%u/ with %d threads\n", sv.o.db, host,
            di ? (unsigned)di->port : 0u, sv.o.threads);
    pthread_create(&sv.reaper, NULL, reaper_main, &sv);
    int sig = 0;
    sigwait(&sigs, &sig);
    pthread_mutex_lock(&sv.stop_mu);
    sv.stopping = 1;
    pthread_cond_signal(&sv.stop_cv);
    pthread_mutex_unlock(&sv.stop_mu);
    pthread_join(sv.reaper, NULL);
    MHD_stop_daemon(d);
    pool_free(&sv.pool);
    fprintf(stderr, PROG ": stopped (%s)\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    return 0;
}
