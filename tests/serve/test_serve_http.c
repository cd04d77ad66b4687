/*
 * test_serve_http.c - kofts-serve over HTTP on loopback (a random free port: the server
 * is started with --listen 127.0.0.1:0 and prints the port it got). Builds its own
 * index with kofts-index from generated JSON lines, including hostile documents.
 *
 *   H*  endpoints, page, paging, filters, sort, HEAD
 *   X*  each 4xx answer, unknown parameters ignored
 *   S*  hostile documents escaped (HTML, JSON, links), CSP, UTF-8
 *   C*  CORS
 *   T*  slow headers dropped, per-request time limit, log lines
 *   R*  read-only index served as `nobody` (root only), kofts-search as nobody,
 *       searches during incremental and --full re-indexing, a replaced index file
 *
 * usage: test_serve_http KOFTS_INDEX KOFTS_SERVE KOFTS_SEARCH WORKDIR
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cjson/cJSON.h>

#include "kofts_util.h"
#include "../kofts_check.h"

static const char *g_index, *g_serve, *g_search, *g_work;

/* ----------------------------------------------------------------- processes */

/* Run argv (NULL-terminated), output to WORK/cmd.log; returns the exit status. */
static int run(char *const argv[])
{
    char log[512];
    snprintf(log, sizeof log, "%s/cmd.log", g_work);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* 1 if the last 64 KiB of WORK/cmd.log (output of run()) hold text. */
static int cmd_log_has(const char *text)
{
    char log[512], buf[65536];
    snprintf(log, sizeof log, "%s/cmd.log", g_work);
    FILE *f = fopen(log, "r");
    if (f && fseek(f, -(long)(sizeof buf - 1), SEEK_END) != 0)
        rewind(f); /* shorter than buf: read it all */
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return strstr(buf, text) != NULL;
}

typedef struct {
    pid_t pid;
    int port;
    int fd; /* read end of the server's stderr */
    pthread_t drain;
    pthread_mutex_t mu;
    kofts_buf log;
} server;

static void *drain_main(void *arg)
{
    server *s = arg;
    char buf[4096];
    ssize_t n;
    while ((n = read(s->fd, buf, sizeof buf)) > 0) {
        pthread_mutex_lock(&s->mu);
        kofts_buf_append(&s->log, buf, (size_t)n);
        pthread_mutex_unlock(&s->mu);
    }
    return NULL;
}

/* Start argv (a kofts-serve command line) and wait for its "on http://HOST:PORT/"
 * line. Returns 0 or -1 (message printed). */
static int server_start(server *s, char *const argv[])
{
    int p[2];
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    if (pipe(p))
        return -1;
    s->pid = fork();
    if (s->pid == 0) {
        dup2(p[1], 2);
        close(p[0]);
        close(p[1]);
        execv(argv[0], argv);
        _exit(127);
    }
    close(p[1]);
    s->fd = p[0];
    char line[1024];
    size_t n = 0;
    for (;;) {
        struct pollfd pf = {s->fd, POLLIN, 0};
        if (poll(&pf, 1, 20000) <= 0 || read(s->fd, line + n, 1) != 1 || n == sizeof line - 2) {
            line[n] = '\0';
            printf("server did not start: %s\n", line);
            return -1;
        }
        if (line[n] == '\n') {
            line[n] = '\0';
            const char *h = strstr(line, " on http://");
            const char *c = h ? strchr(h + 11, ':') : NULL;
            if (c) {
                s->port = atoi(c + 1);
                break;
            }
            n = 0;
            continue;
        }
        n++;
    }
    pthread_create(&s->drain, NULL, drain_main, s);
    return 0;
}

/* Stop the server (SIGTERM) and check that it ended cleanly: exit 0, so no sanitizer
 * report (leaks included) in an ASan build. */
static void server_stop(server *s)
{
    kill(s->pid, SIGTERM);
    int st = 0;
    waitpid(s->pid, &st, 0);
    pthread_join(s->drain, NULL);
    close(s->fd);
    CHECK("T05", WIFEXITED(st) && WEXITSTATUS(st) == 0, "kofts-serve exit status %d on SIGTERM",
          WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

static int log_has(server *s, const char *text)
{
    pthread_mutex_lock(&s->mu);
    int r = s->log.data && strstr(s->log.data, text) != NULL;
    pthread_mutex_unlock(&s->mu);
    return r;
}

/* ----------------------------------------------------------------- HTTP client */

typedef struct {
    int status;
    kofts_buf head; /* status line and headers */
    kofts_buf body;
} resp;

static void resp_free(resp *r)
{
    kofts_buf_free(&r->head);
    kofts_buf_free(&r->body);
    memset(r, 0, sizeof *r);
}

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {20, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Send raw[0..n) and read the answer until the server closes. 0 or -1. */
static int exchange(int port, const char *raw, size_t n, resp *r)
{
    memset(r, 0, sizeof *r);
    int fd = dial(port);
    if (fd < 0)
        return -1;
    if (write(fd, raw, n) != (ssize_t)n) {
        close(fd);
        return -1;
    }
    kofts_buf all = {0};
    char buf[8192];
    ssize_t k;
    while ((k = read(fd, buf, sizeof buf)) > 0)
        kofts_buf_append(&all, buf, (size_t)k);
    close(fd);
    const char *sep = all.data ? strstr(all.data, "\r\n\r\n") : NULL;
    if (!sep) {
        kofts_buf_free(&all);
        return -1;
    }
    kofts_buf_append(&r->head, all.data, (size_t)(sep - all.data));
    kofts_buf_append(&r->body, sep + 4, all.len - (size_t)(sep + 4 - all.data));
    if (!r->body.data)
        kofts_buf_append(&r->body, "", 0);
    r->status = atoi(all.data + 9);
    kofts_buf_free(&all);
    return 0;
}

static int get_with(int port, const char *method, const char *target, const char *extra, resp *r)
{
    kofts_buf req = {0};
    kofts_buf_printf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n",
                     method, target, extra ? extra : "");
    int rc = exchange(port, req.data, req.len, r);
    kofts_buf_free(&req);
    return rc;
}

static int get(int port, const char *target, resp *r)
{
    return get_with(port, "GET", target, NULL, r);
}

/* The value of header name in r (case-insensitive), copied into out; 1 if present. */
static int header(const resp *r, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    for (const char *p = r->head.data; p && (p = strstr(p, "\r\n"));) {
        p += 2;
        if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ')
                v++;
            size_t vl = strcspn(v, "\r\n");
            snprintf(out, cap, "%.*s", (int)vl, v);
            return 1;
        }
    }
    return 0;
}

static int count_of(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* GET target, parse the JSON body (caller cJSON_Deletes); NULL when not JSON. */
static cJSON *get_json(int port, const char *target, int *status)
{
    resp r;
    if (get(port, target, &r)) {
        *status = -1;
        return NULL;
    }
    *status = r.status;
    cJSON *j = cJSON_Parse(r.body.data);
    resp_free(&r);
    return j;
}

static long long jint(const cJSON *j, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsNumber(v) ? (long long)v->valuedouble : -1;
}

/* "/api/search?q=<s percent-encoded><rest>" into out. */
static const char *url(char *out, size_t cap, const char *path, const char *q, const char *rest)
{
    kofts_buf b = {0};
    kofts_buf_printf(&b, "%s?q=", path);
    for (const unsigned char *p = (const unsigned char *)q; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
            kofts_buf_append(&b, p, 1);
        else
            kofts_buf_printf(&b, "%%%02X", *p);
    }
    kofts_buf_puts(&b, rest ? rest : "");
    snprintf(out, cap, "%s", b.data);
    kofts_buf_free(&b);
    return out;
}

/* ----------------------------------------------------------------- fixture */

#define N_REPORTS 25   /* documents with 보고서: the paging set */
#define N_FILLER  2000 /* documents that make a wide query slow enough for T02 */

static const char k_hostile[] =
    "{\"id\":\"hostile-1\",\"title\":\"<script>window.__kofts_pwned=1</script> 해킹 시도 "
    "\\\"onerror=alert(1) </mark>\",\"categories\":[\"<b>보안</b>\",\"a\\\"b'c\"],"
    "\"date\":\"2024-06-01\",\"url\":\"javascript:alert(1)\",\"body\":\"<img src=x "
    "onerror=\\\"window.__kofts_pwned=2\\\"> 해킹 본문에는 </mark><mark> 같은 표시와 "
    "&amp; 엔티티와 <iframe src=//evil> 가 있다.\"}\n"
    "{\"id\":\"hostile-2\",\"title\":\"깨진 \xff\xfe 인코딩 해킹\",\"body\":\"본문 \xc3\x28 "
    "해킹 \xed\xa0\x80 끝\",\"date\":\"2024-06-02\"}\n";

/* Write the fixture JSON lines to path: reports, hostile documents, fillers; extra (if
 * not NULL) is appended as one more line. */
static int write_docs(const char *path, const char *extra, int version)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    for (int i = 1; i <= N_REPORTS; i++)
        fprintf(f,
                "{\"id\":\"report-%02d\",\"title\":\"경제 동향 보고서 %d호\",\"categories\":%s,"
                "\"date\":\"2024-%02d-%02d\",\"url\":\"/reports/%d.html\",\"body\":\"물가와 금리, "
                "경제 성장률을 다룬 보고서 %d호입니다. 판 %d.\"}\n",
                i, i, i % 2 ? "[\"경제\"]" : "[\"경제\",\"정책\"]", 1 + (i - 1) / 5,
                1 + (i - 1) % 5 * 5, i, i, version);
    fputs(k_hostile, f);
    for (int i = 0; i < N_FILLER; i++)
        fprintf(f,
                "{\"id\":\"filler-%d\",\"title\":\"시장 통계 자료 %d\",\"date\":\"2023-01-01\","
                "\"body\":\"시장 동향과 통계 자료, 산업 지표와 수출 실적을 정리한 자료 %d번\"}\n",
                i, i, i);
    if (extra)
        fputs(extra, f);
    return fclose(f);
}

static int build_index(const char *db, const char *jsonl, int full)
{
    char *argv[] = {(char *)g_index, "--quiet", "--db", (char *)db, full ? "--full" : "--quiet",
                    (char *)jsonl,   NULL};
    return run(argv);
}

/* ----------------------------------------------------------------- cases */

/* The HTML side: /healthz, the front page, the result page, paging, notes. */
static void test_pages(int port)
{
    resp r;
    char u[2048], h[512];
    CHECK("H01",
          get(port, "/healthz", &r) == 0 && r.status == 200 && strcmp(r.body.data, "ok\n") == 0,
          "healthz: %d", r.status);
    resp_free(&r);
    CHECK("H02",
          get(port, "/", &r) == 0 && r.status == 200 && strstr(r.body.data, "lang=\"ko\"") &&
              strstr(r.body.data, "<form") && strstr(r.body.data, "name=\"q\""),
          "front page: %d", r.status);
    CHECK("H02",
          header(&r, "Content-Security-Policy", h, sizeof h) && strstr(h, "default-src 'none'"),
          "CSP header: %s", h);
    CHECK("H02", header(&r, "Content-Type", h, sizeof h) && strstr(h, "text/html; charset=utf-8"),
          "content type: %s", h);
    resp_free(&r);
    /* the search page: count, reading note, <mark>, titles linked to their URL */
    get(port, url(u, sizeof u, "/search", "경제 보고서", NULL), &r);
    CHECK("H03",
          r.status == 200 && strstr(r.body.data, "검색 결과 <strong>25</strong>건") &&
              strstr(r.body.data, "모든 단어가 들어간 문서입니다") &&
              strstr(r.body.data, "<mark>보고서</mark>") &&
              strstr(r.body.data, "<a href=\"/reports/") &&
              count_of(r.body.data, "<li class=\"hit\">") == 10,
          "search page: %d", r.status);
    CHECK("H03",
          strstr(r.body.data, "rel=\"next\"") && !strstr(r.body.data, "rel=\"prev\"") &&
              strstr(r.body.data, "aria-current=\"page\">1<"),
          "paging links on page 1");
    CHECK("H03",
          strstr(r.body.data, "class=\"cat\" href=\"/search?q=") &&
              strstr(r.body.data, "&amp;category=%EA%B2%BD%EC%A0%9C\">경제</a>"),
          "categories are filter links");
    resp_free(&r);
    get(port, url(u, sizeof u, "/search", "보고서", "&page=3"), &r);
    CHECK("H04",
          r.status == 200 && count_of(r.body.data, "<li class=\"hit\">") == 5 &&
              strstr(r.body.data, "<ol class=\"hits\" start=\"21\">") &&
              strstr(r.body.data, "rel=\"prev\"") && !strstr(r.body.data, "rel=\"next\""),
          "page 3 of the HTML: %d", r.status);
    resp_free(&r);
    /* an any-word reading says so */
    get(port, url(u, sizeof u, "/search", "보고서 없는단어", NULL), &r);
    CHECK("H05", r.status == 200 && strstr(r.body.data, "일부 단어만 들어간 문서도"),
          "any-word note: %d", r.status);
    resp_free(&r);
}

/* /api/search: total, reading, took_ms, hits with the kofts-search --json fields + url;
 * paging, filters, sort; /api/stats, HEAD, assets. */
static void test_api(int port)
{
    resp r;
    char u[2048];
    int st;
    cJSON *j = get_json(port, url(u, sizeof u, "/api/search", "보고서", "&limit=10&page=3"), &st);
    const cJSON *hits = cJSON_GetObjectItemCaseSensitive(j, "hits");
    CHECK("H06",
          st == 200 && j && jint(j, "total") == N_REPORTS && cJSON_GetArraySize(hits) == 5 &&
              cJSON_IsString(cJSON_GetObjectItem(j, "reading")) &&
              strcmp(cJSON_GetObjectItem(j, "reading")->valuestring, "all") == 0 &&
              cJSON_IsNumber(cJSON_GetObjectItem(j, "took_ms")),
          "api page 3: status %d total %lld", st, j ? jint(j, "total") : -1);
    const cJSON *h0 = cJSON_GetArrayItem(hits, 0);
    const char *keys[] = {"rank",       "id",      "score",      "title", "date",
                          "categories", "snippet", "highlights", "url"};
    for (size_t k = 0; h0 && k < sizeof keys / sizeof keys[0]; k++)
        CHECK("H06", cJSON_GetObjectItemCaseSensitive(h0, keys[k]) != NULL, "hit has %s", keys[k]);
    CHECK("H06", h0 && jint(h0, "rank") == 21, "rank continues across pages");
    cJSON_Delete(j);
    j = get_json(port, url(u, sizeof u, "/api/search", "보고서", "&limit=50"), &st);
    CHECK("H07", st == 200 && cJSON_GetArraySize(cJSON_GetObjectItem(j, "hits")) == N_REPORTS,
          "limit=50 gives every hit");
    cJSON_Delete(j);
    /* filters: category, since/until, sort=date */
    j = get_json(port,
                 url(u, sizeof u, "/api/search", "보고서", "&category=%EC%A0%95%EC%B1%85&limit=50"),
                 &st);
    CHECK("H08", st == 200 && jint(j, "total") == 12, "category filter: total %lld",
          jint(j, "total"));
    cJSON_Delete(j);
    j = get_json(
        port, url(u, sizeof u, "/api/search", "보고서", "&since=2024-02&until=2024-03-31&limit=50"),
        &st);
    CHECK("H09", st == 200 && jint(j, "total") == 10, "date filter: total %lld", jint(j, "total"));
    cJSON_Delete(j);
    j = get_json(port, url(u, sizeof u, "/api/search", "보고서", "&sort=date&limit=50"), &st);
    hits = cJSON_GetObjectItem(j, "hits");
    int sorted = st == 200 && cJSON_GetArraySize(hits) == N_REPORTS;
    for (int i = 1; sorted && i < cJSON_GetArraySize(hits); i++)
        sorted = strcmp(cJSON_GetObjectItem(cJSON_GetArrayItem(hits, i - 1), "date")->valuestring,
                        cJSON_GetObjectItem(cJSON_GetArrayItem(hits, i), "date")->valuestring) >= 0;
    CHECK("H10", sorted, "sort=date is newest first");
    cJSON_Delete(j);
    /* no words, a filter: browse the category, newest first */
    j = get_json(port, "/api/search?category=%EC%A0%95%EC%B1%85&limit=50", &st);
    const cJSON *rd = cJSON_GetObjectItem(j, "reading");
    CHECK("H14",
          st == 200 && jint(j, "total") == 12 && cJSON_IsString(rd) &&
              strcmp(rd->valuestring, "browse") == 0,
          "browse a category: %d, total %lld", st, jint(j, "total"));
    cJSON_Delete(j);
    get(port, "/search?category=%EC%A0%95%EC%B1%85", &r);
    CHECK("H14",
          r.status == 200 && strstr(r.body.data, "<strong>12</strong>건") &&
              strstr(r.body.data, "최신순으로"),
          "browse page: %d", r.status);
    resp_free(&r);
    j = get_json(port, "/api/stats", &st);
    CHECK("H11", st == 200 && jint(j, "documents") == N_REPORTS + 2 + N_FILLER, "stats: %lld",
          jint(j, "documents"));
    cJSON_Delete(j);
    get_with(port, "HEAD", "/search?q=a", NULL, &r);
    CHECK("H12", r.status == 200 && r.body.len == 0, "HEAD: %d, %zu body bytes", r.status,
          r.body.len);
    resp_free(&r);
    get(port, "/assets/kofts.css", &r);
    CHECK("H13", r.status == 200 && strstr(r.body.data, "Noto Sans KR"), "css asset: %d", r.status);
    resp_free(&r);
}

static void test_4xx(int port)
{
    static const struct {
        const char *id, *target;
        int want;
        const char *has;
    } cases[] = {
        {"X01", "/api/search?q=a&page=0", 400, "'page'"},
        {"X02", "/api/search?q=a&page=101", 400, "'page'"},
        {"X03", "/api/search?q=a&limit=51", 400, "'limit'"},
        {"X04", "/api/search?q=a&sort=x", 400, "'sort'"},
        {"X05", "/api/search?q=a&since=20240", 400, "'since'"},
        {"X06", "/api/search?q=a%00", 400, "NUL"},
        {"X07", "/api/search", 400, "'q'"},
        {"X08", "/search?q=a&page=zz", 400, "page"},
        {"X09", "/nope", 404, "no such page"},
        {"X10", "/../../etc/passwd", 404, "no such page"},
        {"X11", "/assets/", 404, "no such page"},
        {"X12", "/api/search?q=a&utm=1&x&=&&", 200, "\"total\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp r;
        int rc = get(port, cases[i].target, &r);
        CHECK(cases[i].id,
              rc == 0 && r.status == cases[i].want && strstr(r.body.data, cases[i].has),
              "%s: status %d, body %.200s", cases[i].target, r.status,
              r.body.data ? r.body.data : "");
        resp_free(&r);
    }
    kofts_buf big = {0};
    kofts_buf_puts(&big, "/api/search?q=");
    for (int i = 0; i < 1025; i++)
        kofts_buf_puts(&big, "a");
    resp r;
    get(port, big.data, &r);
    CHECK("X13", r.status == 400 && strstr(r.body.data, "longer than 1024"), "q 1025 bytes: %d",
          r.status);
    resp_free(&r);
    for (int i = 0; i < 8000; i++)
        kofts_buf_puts(&big, "b");
    get(port, big.data, &r);
    CHECK("X14", r.status == 414, "9 KB query string: %d", r.status);
    resp_free(&r);
    kofts_buf_free(&big);
    char h[256];
    get_with(port, "POST", "/api/search?q=a", "Content-Length: 3\r\n", &r);
    CHECK("X15", r.status == 405 && header(&r, "Allow", h, sizeof h) && strcmp(h, "GET, HEAD") == 0,
          "POST: %d", r.status);
    resp_free(&r);
    get_with(port, "DELETE", "/", NULL, &r);
    CHECK("X16", r.status == 405, "DELETE: %d", r.status);
    resp_free(&r);
    const char body_req[] = "GET /api/search?q=a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                            "Connection: close\r\n\r\nhello";
    exchange(port, body_req, sizeof body_req - 1, &r);
    CHECK("X17", r.status == 413, "GET with a body: %d", r.status);
    resp_free(&r);
}

static void test_hostile(int port)
{
    resp r;
    char u[1024];
    get(port, url(u, sizeof u, "/search", "해킹", NULL), &r);
    const char *b = r.body.data ? r.body.data : "";
    CHECK("S01",
          r.status == 200 && strstr(b, "&lt;script&gt;window.__kofts_pwned=1&lt;/script&gt;"),
          "title shown as text: %d", r.status);
    CHECK("S02",
          !strstr(b, "<script") && !strstr(b, "<img") && !strstr(b, "<iframe") && !strstr(b, "<b>"),
          "no markup from documents");
    CHECK("S03", count_of(b, "<mark>") == count_of(b, "</mark>") && strstr(b, "&lt;/mark&gt;"),
          "</mark> in a document stays text: %d open, %d close", count_of(b, "<mark>"),
          count_of(b, "</mark>"));
    CHECK("S04", !strstr(b, "javascript:") && !strstr(b, "href=\"//"), "no javascript: link");
    CHECK("S05", kofts_utf8_valid(b, r.body.len), "page is valid UTF-8");
    CHECK("S06", strstr(b, "category=a%22b%27c\"") != NULL, "quotes in a category link encoded");
    resp_free(&r);
    int st;
    cJSON *j = get_json(port, url(u, sizeof u, "/api/search", "해킹", NULL), &st);
    const cJSON *hits = cJSON_GetObjectItem(j, "hits");
    int found = 0;
    for (int i = 0; i < cJSON_GetArraySize(hits); i++) {
        const cJSON *h = cJSON_GetArrayItem(hits, i);
        const char *id = cJSON_GetObjectItem(h, "id")->valuestring;
        if (strcmp(id, "hostile-1") == 0) {
            found++;
            CHECK("S07", strstr(cJSON_GetObjectItem(h, "title")->valuestring, "<script>") != NULL,
                  "JSON keeps the title's text exactly (escaped only as JSON)");
            CHECK("S08", cJSON_IsNull(cJSON_GetObjectItem(h, "url")), "javascript: url is null");
        }
        if (strcmp(id, "hostile-2") == 0)
            found++;
    }
    CHECK("S09", st == 200 && found == 2, "both hostile documents found as JSON: %d", found);
    cJSON_Delete(j);
}

static void test_cors(int port, const char *origin)
{
    resp r;
    char h[256], extra[300];
    snprintf(extra, sizeof extra, "Origin: %s\r\n", origin);
    get_with(port, "GET", "/api/search?q=a", extra, &r);
    CHECK("C01", header(&r, "Access-Control-Allow-Origin", h, sizeof h) && strcmp(h, origin) == 0,
          "allowed origin echoed");
    CHECK("C01", header(&r, "Vary", h, sizeof h) && strstr(h, "Origin"), "Vary: Origin");
    resp_free(&r);
    get_with(port, "GET", "/api/search?q=a", "Origin: https://evil.example\r\n", &r);
    CHECK("C02", !header(&r, "Access-Control-Allow-Origin", h, sizeof h), "other origin refused");
    resp_free(&r);
    get_with(port, "GET", "/search?q=a", extra, &r);
    CHECK("C03", !header(&r, "Access-Control-Allow-Origin", h, sizeof h), "no CORS on the page");
    resp_free(&r);
}

/* A client sending its header a byte at a time is dropped after --header-timeout (2 s
 * here): the server closes while the client still has bytes to send. */
static void test_slow_headers(int port)
{
    int fd = dial(port);
    const char req[] = "GET /search?q=a HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int closed = 0;
    if (fd >= 0 && write(fd, req, sizeof req - 1) > 0) {
        signal(SIGPIPE, SIG_IGN);
        for (int i = 0; i < 12 && !closed; i++) {
            sleep(1);
            if (write(fd, "a", 1) != 1)
                closed = 1;
            struct pollfd pf = {fd, POLLIN, 0};
            char c;
            if (poll(&pf, 1, 0) > 0 && read(fd, &c, 1) <= 0)
                closed = 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double el = (double)(t1.tv_sec - t0.tv_sec);
    CHECK("T01", closed && el <= 6, "slow headers dropped (closed %d after %.0f s)", closed, el);
    if (fd >= 0)
        close(fd);
}

/* A kofts-serve with a 1 ms time limit: a wide query over the fillers gets 503. */
static void test_time_limit(const char *db)
{
    server s;
    char port0[] = "127.0.0.1:0";
    char *argv[] = {(char *)g_serve, "--db", (char *)db,      "--listen", port0, "--threads", "1",
                    "--time-limit",  "1",    "--log-queries", NULL};
    if (server_start(&s, argv)) {
        CHECK("T02", 0, "server with --time-limit 1 did not start");
        return;
    }
    char u[512];
    int st;
    cJSON *j = get_json(s.port,
                        url(u, sizeof u, "/api/search",
                            "시장 OR 통계 OR 자료 OR 동향 OR 산업 OR 수출", "&sort=date&limit=50"),
                        &st);
    const cJSON *e = cJSON_GetObjectItem(j, "error");
    CHECK("T02", st == 503 && cJSON_IsString(e) && strstr(e->valuestring, "too long"),
          "a search over its time limit answers 503: got %d (took_ms %s)", st,
          j && cJSON_GetObjectItem(j, "took_ms") ? "present" : "-");
    cJSON_Delete(j);
    int ok_after = 0;
    j = get_json(s.port, "/healthz", &st);
    ok_after = st == 200;
    cJSON_Delete(j);
    CHECK("T02", ok_after, "the server answers after a stopped search");
    server_stop(&s);
    CHECK("T04", log_has(&s, "GET /api/search?q=") && log_has(&s, " 503 "),
          "--log-queries logs the query string and status");
    kofts_buf_free(&s.log);
}

typedef struct {
    int port;
    volatile int stop;
    int n, bad, mixed;
    long long lo, hi; /* totals allowed while hammering */
    char last_bad[200];
} hammer;

static void *hammer_main(void *arg)
{
    hammer *h = arg;
    char u[256];
    url(u, sizeof u, "/api/search", "보고서", "&limit=5");
    while (!h->stop) {
        int st;
        cJSON *j = get_json(h->port, u, &st);
        long long t = j ? jint(j, "total") : -1;
        if (st != 200 || !j) {
            h->bad++;
            snprintf(h->last_bad, sizeof h->last_bad, "status %d", st);
        } else if (t < h->lo || t > h->hi) {
            h->mixed++;
            snprintf(h->last_bad, sizeof h->last_bad, "total %lld", t);
        }
        h->n++;
        cJSON_Delete(j);
    }
    return NULL;
}

static long long total_of(int port, const char *q)
{
    char u[512];
    int st;
    cJSON *j = get_json(port, url(u, sizeof u, "/api/search", q, NULL), &st);
    long long t = st == 200 && j ? jint(j, "total") : -1;
    cJSON_Delete(j);
    return t;
}

static int journal_mode_byte(const char *db)
{
    unsigned char hdr[20] = {0};
    FILE *f = fopen(db, "rb");
    if (!f)
        return -1;
    size_t n = fread(hdr, 1, sizeof hdr, f);
    fclose(f);
    return n == sizeof hdr ? hdr[18] : -1; /* 1 rollback journal, 2 WAL */
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
    char *argv[] = {"/bin/cp", (char *)from, (char *)to, NULL};
    return run(argv) || chmod(to, mode);
}

static const char k_report26[] =
    "{\"id\":\"report-26\",\"title\":\"추가 보고서\",\"date\":\"2024-07-01\",\"body\":\"새 "
    "보고서입니다.\"}\n";

/* Start kofts-serve on db, as nobody when as_nobody (binary copied into dir). */
static int start_as(server *s, const char *serve_bin, const char *db, int as_nobody)
{
    char port0[] = "127.0.0.1:0";
    char *plain[] = {(char *)serve_bin, "--db", (char *)db, "--listen", port0,
                     "--threads",       "2",    NULL};
    char *nobody[] = {"/usr/bin/setpriv",
                      "--reuid=nobody",
                      "--regid=nogroup",
                      "--clear-groups",
                      (char *)serve_bin,
                      "--db",
                      (char *)db,
                      "--listen",
                      port0,
                      "--threads",
                      "2",
                      NULL};
    return server_start(s, as_nobody ? nobody : plain);
}

/* Paths of the read-only case: a root-owned 0755 folder in /tmp with copies of the
 * programs (the build folder may not be reachable for nobody). */
typedef struct {
    int as_nobody;
    char dir[64];
    char db[300], jsonl[300], bin[300], sbin[300], newdb[300];
} ro_env;

/* Run kofts-search (the copy in the folder) on db as nobody; returns its exit status. */
static int search_as_nobody(const ro_env *e, const char *db)
{
    char q[] = "보고서";
    char *argv[] = {"/usr/bin/setpriv",
                    "--reuid=nobody",
                    "--regid=nogroup",
                    "--clear-groups",
                    (char *)e->sbin,
                    "--db",
                    (char *)db,
                    q,
                    NULL};
    return run(argv);
}

/* R00-R02: the folder, the programs, an index built by kofts-index; kofts-search as nobody. */
static int ro_prepare(ro_env *e)
{
    char wal[320];
    e->as_nobody = geteuid() == 0 && access("/usr/bin/setpriv", X_OK) == 0;
    if (!e->as_nobody)
        printf("note: not root (or no setpriv): the R cases run as the current user\n");
    snprintf(e->dir, sizeof e->dir, "/tmp/kofts-serve-ro-XXXXXX");
    if (!mkdtemp(e->dir) || chmod(e->dir, 0755)) {
        CHECK("R00", 0, "mkdtemp: %s", strerror(errno));
        return -1;
    }
    snprintf(e->db, sizeof e->db, "%s/ro.db", e->dir);
    snprintf(e->jsonl, sizeof e->jsonl, "%s/docs.jsonl", e->dir);
    snprintf(e->bin, sizeof e->bin, "%s/kofts-serve", e->dir);
    snprintf(e->sbin, sizeof e->sbin, "%s/kofts-search", e->dir);
    snprintf(e->newdb, sizeof e->newdb, "%s/new.db", e->dir);
    snprintf(wal, sizeof wal, "%s-wal", e->db);
    if (copy_file(g_serve, e->bin, 0755) || copy_file(g_search, e->sbin, 0755) ||
        write_docs(e->jsonl, NULL, 1) || build_index(e->db, e->jsonl, 1) || chmod(e->db, 0644)) {
        CHECK("R00", 0, "cannot prepare %s (see %s/cmd.log)", e->dir, g_work);
        return -1;
    }
    CHECK("R01", journal_mode_byte(e->db) == 1 && access(wal, F_OK) != 0,
          "kofts-index leaves a rollback-journal file with no -wal (mode byte %d)",
          journal_mode_byte(e->db));
    if (e->as_nobody)
        CHECK("R02", search_as_nobody(e, e->db) == 0,
              "kofts-search as nobody on a read-only index");
    return 0;
}

/* What the server wrote to stderr from its first error on (a failed case shows why). */
static void print_server_log(server *s)
{
    pthread_mutex_lock(&s->mu);
    const char *m = s->log.data ? strstr(s->log.data, "kofts-serve: ") : NULL;
    printf("server log:\n%.3000s\n", m ? m : "(nothing)");
    pthread_mutex_unlock(&s->mu);
}

/* R04-R06: searches while kofts-index updates the index three times, then --full. */
static void ro_updates(ro_env *e, server *s)
{
    hammer h = {.port = s->port, .lo = N_REPORTS, .hi = N_REPORTS + 1};
    pthread_t t;
    pthread_create(&t, NULL, hammer_main, &h);
    for (int v = 2; v <= 4; v++) {
        usleep(200000);
        write_docs(e->jsonl, k_report26, v);
        CHECK("R04", build_index(e->db, e->jsonl, 0) == 0, "incremental kofts-index %d", v);
    }
    usleep(200000);
    h.stop = 1;
    pthread_join(t, NULL);
    CHECK("R04", h.n > 0 && h.bad == 0 && h.mixed == 0,
          "%d searches during 3 updates: %d failed, %d with a total outside 25..26 (%s)", h.n,
          h.bad, h.mixed, h.last_bad);
    if (h.bad)
        print_server_log(s);
    CHECK("R05", total_of(s->port, "보고서") == N_REPORTS + 1, "the update is seen");
    hammer h2 = {.port = s->port, .lo = 0, .hi = N_REPORTS + 1};
    pthread_create(&t, NULL, hammer_main, &h2);
    usleep(100000);
    CHECK("R06", build_index(e->db, e->jsonl, 1) == 0, "kofts-index --full while serving");
    usleep(200000);
    h2.stop = 1;
    pthread_join(t, NULL);
    CHECK("R06", h2.n > 0 && h2.bad == 0, "%d searches during --full: %d failed (%s)", h2.n, h2.bad,
          h2.last_bad);
    if (h2.bad)
        print_server_log(s);
    CHECK("R06", total_of(s->port, "보고서") == N_REPORTS + 1, "after --full");
}

/* R09: a WAL-mode copy without its -shm: kofts-search as nobody says what to do. */
static void ro_wal_message(const ro_env *e)
{
    char wdb[320];
    snprintf(wdb, sizeof wdb, "%s/wal.db", e->dir);
    char *cp[] = {"/bin/cp", (char *)e->db, wdb, NULL};
    char *wal_mode[] = {"/usr/bin/sqlite3", wdb, "PRAGMA journal_mode=WAL", NULL};
    if (access("/usr/bin/sqlite3", X_OK) == 0 && run(cp) == 0 && run(wal_mode) == 0 &&
        chmod(wdb, 0644) == 0) {
        CHECK("R09", search_as_nobody(e, wdb) == 1,
              "kofts-search on a WAL file without -shm fails");
        CHECK("R09", cmd_log_has("its -shm file is missing"), "and says why");
    }
}

/*
 * The index in a folder nobody may write, served by kofts-serve as nobody (when we are
 * root), while kofts-index (as us) updates it, rebuilds it with --full and finally
 * replaces the file.
 */
static void test_readonly_reindex(void)
{
    ro_env e;
    memset(&e, 0, sizeof e);
    if (ro_prepare(&e))
        return;
    server s;
    if (start_as(&s, e.bin, e.db, e.as_nobody)) {
        CHECK("R03", 0, "kofts-serve on a read-only index did not start");
        return;
    }
    CHECK("R03", total_of(s.port, "보고서") == N_REPORTS, "search as nobody");
    ro_updates(&e, &s);
    /* a new index file renamed over the old one is picked up without a restart */
    static const char unique[] =
        "{\"id\":\"swap\",\"title\":\"교체색인 문서\",\"body\":\"교체색인\"}\n";
    if (write_docs(e.jsonl, unique, 5) || build_index(e.newdb, e.jsonl, 1) ||
        chmod(e.newdb, 0644) || rename(e.newdb, e.db))
        CHECK("R07", 0, "cannot build and rename a new index");
    CHECK("R07", total_of(s.port, "교체색인") == 1, "a replaced index file is picked up");
    server_stop(&s);
    printf("note: journal mode byte after serving through updates: %d (1 rollback, 2 WAL)\n",
           journal_mode_byte(e.db));
    kofts_buf_free(&s.log);
    if (start_as(&s, e.bin, e.db, e.as_nobody) == 0) {
        CHECK("R08", total_of(s.port, "보고서") == N_REPORTS, "restart as nobody after updates");
        server_stop(&s);
        kofts_buf_free(&s.log);
    } else {
        CHECK("R08", 0, "restart as nobody after updates failed");
    }
    if (e.as_nobody)
        ro_wal_message(&e);
    char *rm[] = {"/bin/rm", "-rf", e.dir, NULL};
    run(rm);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: test_serve_http KOFTS_INDEX KOFTS_SERVE KOFTS_SEARCH WORKDIR\n");
        return 2;
    }
    g_index = argv[1];
    g_serve = argv[2];
    g_search = argv[3];
    g_work = argv[4];
    mkdir(g_work, 0755);
    char db[512], jsonl[512];
    snprintf(db, sizeof db, "%s/serve.db", g_work);
    snprintf(jsonl, sizeof jsonl, "%s/docs.jsonl", g_work);
    if (write_docs(jsonl, NULL, 1) || build_index(db, jsonl, 1)) {
        printf("FAIL setup: kofts-index failed (see %s/cmd.log)\n", g_work);
        return 1;
    }
    server s;
    char port0[] = "127.0.0.1:0";
    char *sargv[] = {(char *)g_serve,
                     "--db",
                     db,
                     "--listen",
                     port0,
                     "--threads",
                     "2",
                     "--cors",
                     "https://news.example.kr",
                     "--header-timeout",
                     "2",
                     NULL};
    if (server_start(&s, sargv))
        return 1;
    test_pages(s.port);
    test_api(s.port);
    test_4xx(s.port);
    test_hostile(s.port);
    test_cors(s.port, "https://news.example.kr");
    test_slow_headers(s.port);
    server_stop(&s);
    CHECK("T03",
          log_has(&s, "GET /search 200 ") && log_has(&s, "POST /api/search 405 ") &&
              !log_has(&s, "q="),
          "one log line per request, no query strings");
    kofts_buf_free(&s.log);
    test_time_limit(db);
    test_readonly_reindex();
    if (kofts_check_failures) {
        printf("%d failure(s)\n", kofts_check_failures);
        return 1;
    }
    printf("serve http: all cases pass\n");
    return 0;
}
