/* nautes-devserver — a local stand-in for the Nautes API Server (docs/architecture.md §9).
 *
 * libmicrohttpd serves (one thread per connection, so a slow request or --latency never holds
 * up another), handlers.c answers, store.c keeps the tenant repository. The first line of
 * stdout is the URL; SIGTERM or SIGINT stop it cleanly. Requests are logged to stderr
 * (method, path, status, duration), never a header or a body. */
#include "devserver.h"

#include "core/base/alloc.h"
#include "core/base/clock.h"
#include "core/base/options.h"
#include "core/base/wipe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static ds_server S;

/* Per connection (MHD's socket context): the strings of the request line that the unescape
 * callback decoded to more bytes than strlen() sees (a NUL from `%00`), with their length,
 * so that the path's true length is known (MHD hands the handler a C string). */
typedef struct ds_sock {
    struct ds_nul {
        const char *s;
        size_t len;
    } * nul;
    size_t n_nul, cap_nul;
} ds_sock;

typedef struct ds_conn {
    nt_buf body;
    bool too_big;
    double start; /* nt_now_sec() when the request began */
    long sec;
    unsigned long seq;
    int status;
    bool dropped;
    char *method, *path; /* for the log line (the path with \xNN escapes) */
    size_t path_len;     /* the URL-decoded path's length */
} ds_conn;

/* ---- in-flight table (collide) ----------------------------------------------------------- */

static void inflight_add(ds_conn *c)
{
    pthread_mutex_lock(&S.fault_lock);
    c->seq = ++S.next_seq;
    NT_GROW(S.inflight, S.cap_inflight, S.n_inflight + 1);
    S.inflight[S.n_inflight++] = (ds_inflight){c->sec, c->seq};
    pthread_mutex_unlock(&S.fault_lock);
}

static void inflight_remove(const ds_conn *c)
{
    pthread_mutex_lock(&S.fault_lock);
    for (size_t i = 0; i < S.n_inflight; i++)
        if (S.inflight[i].seq == c->seq) {
            S.inflight[i] = S.inflight[--S.n_inflight];
            break;
        }
    pthread_mutex_unlock(&S.fault_lock);
}

static bool collides(const ds_conn *c)
{
    bool hit = false;
    pthread_mutex_lock(&S.fault_lock);
    for (size_t i = 0; i < S.n_inflight && !hit; i++)
        hit = S.inflight[i].sec == c->sec && S.inflight[i].seq < c->seq;
    pthread_mutex_unlock(&S.fault_lock);
    return hit;
}

/* ---- faults ------------------------------------------------------------------------------ */

typedef struct fault_hits {
    long delay_ms;
    const ds_fault *status, *drop, *collide;
} fault_hits;

static void faults_match(const char *method, const char *path, fault_hits *h)
{
    memset(h, 0, sizeof(*h));
    pthread_mutex_lock(&S.fault_lock);
    for (size_t i = 0; i < S.n_faults; i++) {
        ds_fault *f = &S.faults[i];
        if (f->method && strcasecmp(f->method, method))
            continue;
        if (f->path && fnmatch(f->path, path, 0) != 0)
            continue;
        f->seen++;
        bool hit;
        if (f->nth)
            hit = f->seen == (unsigned long)f->nth;
        else if (f->share >= 0)
            hit = (double)rand_r(&S.rand_state) / ((double)RAND_MAX + 1.0) < f->share;
        else
            hit = true;
        if (!hit)
            continue;
        h->delay_ms += f->delay_ms;
        if (f->status && !h->status && !h->collide)
            h->status = f;
        if (f->drop && !h->drop)
            h->drop = f;
        if (f->collide && !h->collide && !h->status)
            h->collide = f;
    }
    pthread_mutex_unlock(&S.fault_lock);
}

/* ---- responses --------------------------------------------------------------------------- */

typedef struct drop_ctx {
    char *data;
    size_t len, half;
} drop_ctx;

static ssize_t drop_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    drop_ctx *d = cls;
    if (pos >= d->half)
        return MHD_CONTENT_READER_END_WITH_ERROR; /* close the connection mid-body */
    size_t n = d->half - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, d->data + pos, n);
    return (ssize_t)n;
}

static void drop_free(void *cls)
{
    drop_ctx *d = cls;
    free(d->data);
    free(d);
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, ds_reply *r)
{
    struct MHD_Response *resp;
    if (r->drop) {
        drop_ctx *d = nt_xcalloc(1, sizeof(*d));
        d->len = r->body.len;
        d->half = r->body.len / 2;
        d->data = nt_buf_detach(&r->body);
        resp = MHD_create_response_from_callback(d->len, 4096, drop_reader, d, drop_free);
    } else {
        resp = MHD_create_response_from_buffer(r->body.len, (void *)nt_buf_str(&r->body),
                                               MHD_RESPMEM_MUST_COPY);
    }
    if (!resp)
        return MHD_NO;
    if (r->ctype)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
    if (r->status == 404)
        MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->location)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
    if (r->retry_after >= 0) {
        char ra[32];
        snprintf(ra, sizeof(ra), "%ld", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* ---- request handling -------------------------------------------------------------------- */

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    (void)cls;
    (void)conn;
    ds_sock *sk = *socket_context;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = nt_xcalloc(1, sizeof(ds_sock));
    } else if (sk) {
        free(sk->nul);
        free(sk);
        *socket_context = NULL;
    }
}

/* MHD's own unescaping (MHD_http_unescape), remembering where it decoded a NUL. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    size_t len = MHD_http_unescape(s);
    if (strlen(s) != len) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        ds_sock *sk = ci ? ci->socket_context : NULL;
        if (sk) {
            NT_GROW(sk->nul, sk->cap_nul, sk->n_nul + 1);
            sk->nul[sk->n_nul++] = (struct ds_nul){s, len};
        }
    }
    return len;
}

/* The decoded length of the request's path (the handler gets it as a C string). */
static size_t url_length(struct MHD_Connection *conn, const char *url)
{
    size_t len = strlen(url);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    ds_sock *sk = ci ? ci->socket_context : NULL;
    if (!sk)
        return len;
    for (size_t i = 0; i < sk->n_nul; i++)
        if (sk->nul[i].s == url)
            len = sk->nul[i].len;
    sk->n_nul = 0; /* the next request on this connection starts afresh */
    return len;
}

/* The query arguments; a key or value holding a NUL (from `%00`) is passed on with the NUL
 * and what follows as \xNN escapes, so that it cannot pass for the text before the NUL. */
typedef struct query_args {
    const char *keys[32];
    const char *vals[32];
    char *owned[64];
    size_t n, n_owned;
} query_args;

static const char *arg_text(query_args *q, const char *s, size_t len)
{
    if (!s || strlen(s) == len)
        return s;
    return q->owned[q->n_owned++] = ds_escaped(s, len);
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    query_args *q = cls;
    if (q->n < 32) {
        q->keys[q->n] = arg_text(q, key, key_size);
        q->vals[q->n] = arg_text(q, value, value_size);
        q->n++;
    }
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)cls;
    (void)version;
    ds_conn *c = *req_cls;
    if (!c) {
        c = nt_xcalloc(1, sizeof(*c));
        c->body.secret = true; /* a save's body holds the kubeconfig: wiped as it grows */
        c->start = nt_now_sec();
        c->sec = (long)time(NULL);
        c->method = nt_xstrdup(method);
        c->path_len = url_length(conn, url);
        c->path = ds_escaped(url, c->path_len);
        inflight_add(c);
        *req_cls = c;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (c->body.len + *upload_data_size > DS_MAX_BODY)
            c->too_big = true;
        else
            nt_buf_add(&c->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }

    /* the real server clones first thing: a collision is decided on arrival */
    fault_hits h;
    faults_match(method, url, &h);
    bool collided = h.collide && collides(c);
    nt_sleep_ms(S.latency_ms + h.delay_ms);

    ds_reply r = {0, NULL, NT_BUF_INIT, NULL, -1, false};
    if (collided) {
        nt_buf m = NT_BUF_INIT;
        nt_buf_addf(&m,
                    "failed to clone repository, err: fatal: destination path "
                    "'/tmp/product%ld/" DS_REPO_NAME
                    "' already exists and is not an empty directory.",
                    c->sec);
        ds_reply_error(&r, 500, "", nt_buf_str(&m));
        nt_buf_free(&m);
    } else if (h.status) {
        const char *phrase = MHD_get_reason_phrase_for((unsigned)h.status->status);
        nt_buf m = NT_BUF_INIT;
        if (h.status->message)
            nt_buf_adds(&m, h.status->message);
        else if (h.status->status == 500)
            nt_buf_adds(&m, "failed to clone repository, err: fatal: unable to access "
                            "'https://gitlab.nautes.local/tenant/" DS_REPO_NAME
                            ".git/': The requested URL returned error: 502");
        else if (!h.status->location)
            nt_buf_adds(&m, phrase && *phrase ? phrase : "Error");
        if (h.status->echo) {
            nt_buf_adds(&m, ": invalid request body: ");
            nt_buf_add(&m, c->body.data ? c->body.data : "", c->body.len);
        }
        if (h.status->status == 500)
            ds_reply_error(&r, 500, "", nt_buf_str(&m));
        else
            ds_reply_text(&r, h.status->status, nt_buf_str(&m));
        nt_buf_free(&m);
        r.retry_after = h.status->retry_after;
        if (h.status->location)
            r.location = nt_xstrdup(h.status->location);
    } else {
        query_args q = {.n = 0};
        MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
        const char *auth =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        const char *ctype =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
        ds_handle(&S, method, url, c->path_len, auth, ctype, q.keys, q.vals, q.n,
                  nt_buf_str(&c->body), c->body.len, c->too_big, &r);
        for (size_t i = 0; i < q.n_owned; i++)
            free(q.owned[i]);
        r.drop = h.drop != NULL;
    }
    c->status = r.status;
    c->dropped = r.drop;
    enum MHD_Result ret = send_reply(conn, &r);
    nt_buf_free(&r.body);
    free(r.location);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    ds_conn *c = *req_cls;
    if (!c)
        return;
    (void)conn;
    double ms = (nt_now_sec() - c->start) * 1000.0;
    if (c->status)
        fprintf(stderr, "%s %s %d %.1fms%s%s\n", c->method, c->path, c->status, ms,
                c->dropped ? " (dropped)" : "",
                toe == MHD_REQUEST_TERMINATED_COMPLETED_OK || c->dropped ? "" : " (aborted)");
    else
        fprintf(stderr, "%s %s - %.1fms (the client went away before the request was complete)\n",
                c->method, c->path, ms);
    inflight_remove(c);
    nt_buf_free(&c->body);
    free(c->method);
    free(c->path);
    free(c);
    *req_cls = NULL;
}

/* ---- startup ----------------------------------------------------------------------------- */

static const char usage_head[] =
    "usage: nautes-devserver --listen HOST:PORT --repo DIR --token TOKEN\n"
    "                        [--read-only-token TOKEN] [--api-version v0.3|v0.4]\n"
    "                        [--tls-cert FILE --tls-key FILE] [--latency MS] [--fault SPEC]...\n"
    "                        [--fresh-tenant] [--idle-timeout S] [--connections-per-address N]\n"
    "\n"
    "A local Nautes API Server: the four cluster endpoints of the real one (same JSON, status\n"
    "codes, messages, defaults, checks), storing clusters in the git repository DIR as the\n"
    "real server stores them in the tenant configuration repository. DIR is created (git\n"
    "init, branch main) when missing; kubeconfigs go to DIR.kubeconfigs.json (mode 0600).\n"
    "\n";

/* The command line, as parsed from the declaration in main() (core/base/options.h). */
typedef struct ds_flags {
    const char *listen, *repo, *token, *ro_token, *api_version, *cert_file, *key_file;
    long latency_ms, idle_timeout, per_address;
    nt_strlist faults;
    bool fresh_tenant;
} ds_flags;

/* clang-format off */
#define DS_OPTIONS(f)                                                                              \
    OPT_STRING("listen", &(f).listen, "HOST:PORT",                                                 \
               "address to listen on; port 0 lets the kernel choose. The URL\n"                    \
               "is printed as the first line of output."),                                         \
    OPT_STRING("repo", &(f).repo, "DIR", "the tenant configuration repository (a git working tree)"), \
    OPT_STRING("token", &(f).token, "TOKEN",                                                       \
               "the token a client sends as `Authorization: Bearer TOKEN`"),                      \
    OPT_STRING("read-only-token", &(f).ro_token, "TOKEN",                                          \
               "a second token that may read; its writes fail as a push to a\n"                    \
               "protected branch does"),                                                           \
    OPT_STRING("api-version", &(f).api_version, "V",                                               \
               "v0.3 (default, the seed document's API) or v0.4"),                                 \
    OPT_STRING("tls-cert", &(f).cert_file, "FILE",                                                 \
               "serve HTTPS with this PEM certificate (chain) ..."),                               \
    OPT_STRING("tls-key", &(f).key_file, "FILE", "... and this PEM private key"),                  \
    OPT_INT("latency", &(f).latency_ms, "MS", 0, 600000,                                           \
            "wait MS milliseconds before each request's work (outside the\n"                       \
            "write lock), as the real server spends its time cloning"),                            \
    OPT_INT("idle-timeout", &(f).idle_timeout, "S", 1, 3600,                                       \
            "close a connection that sends nothing for S seconds while\n"                          \
            "its request is incomplete, or between requests (default 5)"),                         \
    OPT_INT("connections-per-address", &(f).per_address, "N", 1, 4000,                             \
            "at most N connections from one client address at a time\n"                            \
            "(default 1000; 4000 in all); more are closed at once"),                               \
    OPT_LIST("fault", &(f).faults, "SPEC", "inject a failure (repeatable; see below)"),            \
    OPT_BOOL("fresh-tenant", &(f).fresh_tenant,                                                    \
             "when DIR is created: a tenant with no cluster yet, whose\n"                          \
             "first commit has no nautes/overlays/production/clusters\n"                           \
             "directory; the list then fails with the real server's 500\n"                         \
             "until the first save creates it"),                                                   \
    OPT_HELP("this text")
/* clang-format on */

/* --help: the synopsis and description, the flags from their declaration, the fault syntax. */
static void print_help(const nt_option *opts)
{
    nt_buf b = NT_BUF_INIT;
    nt_buf_adds(&b, usage_head);
    nt_opt_usage(&b, opts, 27);
    nt_buf_addf(&b, "\n%s", ds_fault_help);
    fputs(nt_buf_str(&b), stdout);
    nt_buf_free(&b);
}

/* Parse the command line into S and *f. Returns 0 to go on, 1 when --help was printed, -1
 * with a message in err for a usage error. */
static int parse_args(int argc, char **argv, ds_flags *f, nt_buf *err)
{
    const nt_option opts[] = {DS_OPTIONS(*f), OPT_END};
    nt_strlist pos = {0};
    bool help = false;
    int rc = nt_opt_parse(opts, argc, argv, &pos, &help, err);
    if (rc == 0 && help) {
        print_help(opts);
        rc = 1;
    } else if (rc == 0 && pos.n) {
        nt_buf_addf(err, "unexpected argument '%s'", pos.items[0]);
        rc = -1;
    } else if (rc == 0 && f->api_version && nt_gen_parse(f->api_version, &S.gen) < 0) {
        nt_buf_addf(err, "--api-version %s: expected v0.3 or v0.4", f->api_version);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < f->faults.n; i++) {
        S.faults = nt_xrealloc(S.faults, (S.n_faults + 1) * sizeof(*S.faults));
        if (ds_fault_parse(f->faults.items[i], &S.faults[S.n_faults], err) < 0)
            rc = -1;
        else
            S.n_faults++;
    }
    nt_strlist_free(&pos);
    return rc;
}

static char *read_file(const char *path, nt_buf *err)
{
    nt_buf b = NT_BUF_INIT;
    if (nt_buf_read_file(&b, path, 0) < 0) {
        nt_buf_addf(err, "cannot read %s: %s", path, strerror(errno));
        nt_buf_free(&b);
        return NULL;
    }
    return nt_buf_detach(&b);
}

static int parse_listen(const char *s, struct sockaddr_in *sa, nt_buf *err)
{
    const char *colon = strrchr(s, ':');
    if (!colon) {
        nt_buf_addf(err, "--listen %s: expected HOST:PORT (e.g. 127.0.0.1:0)", s);
        return -1;
    }
    char *host = nt_xstrndup(s, (size_t)(colon - s));
    char *end;
    long port = strtol(colon + 1, &end, 10);
    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    int rc = 0;
    if (!strcmp(host, "localhost"))
        strcpy(host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
        nt_buf_addf(err, "--listen %s: HOST must be an IPv4 address such as 127.0.0.1", s);
        rc = -1;
    } else if (end == colon + 1 || *end || port < 0 || port > 65535) {
        nt_buf_addf(err, "--listen %s: PORT must be 0-65535", s);
        rc = -1;
    }
    sa->sin_port = htons((uint16_t)port);
    free(host);
    return rc;
}

int main(int argc, char **argv)
{
    ds_flags f = {.idle_timeout = 5, .per_address = 1000};
    char *cert = NULL, *key = NULL;
    nt_buf err = NT_BUF_INIT;
    int rc = 2;
    struct MHD_Daemon *d = NULL;
    bool git_up = false;
    S.gen = NT_GEN_V03;
    S.rand_state = 1;
    int args = parse_args(argc, argv, &f, &err);
    if (args > 0) {
        rc = 0;
        goto done;
    }
    if (args < 0)
        goto usage_error;
    const char *listen = f.listen, *cert_file = f.cert_file, *key_file = f.key_file;
    S.repo = f.repo ? nt_xstrdup(f.repo) : NULL;
    S.token = f.token ? nt_xstrdup(f.token) : NULL;
    S.ro_token = f.ro_token ? nt_xstrdup(f.ro_token) : NULL;
    S.latency_ms = f.latency_ms;
    S.fresh_tenant = f.fresh_tenant;
    if (!listen || !S.repo || !S.token || !*S.token) {
        nt_buf_adds(&err, "--listen, --repo and --token are required");
        goto usage_error;
    }
    if (!cert_file != !key_file) {
        nt_buf_adds(&err, "--tls-cert and --tls-key go together");
        goto usage_error;
    }
    struct sockaddr_in sa;
    if (parse_listen(listen, &sa, &err) < 0)
        goto usage_error;
    rc = 1;
    if (cert_file && (!(cert = read_file(cert_file, &err)) || !(key = read_file(key_file, &err))))
        goto fail;
    if (cert && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        nt_buf_adds(&err, "this libmicrohttpd has no TLS support");
        goto fail;
    }
    size_t rl = strlen(S.repo);
    while (rl > 1 && S.repo[rl - 1] == '/')
        S.repo[--rl] = 0;
    nt_buf ks = NT_BUF_INIT;
    nt_buf_addf(&ks, "%s.kubeconfigs.json", S.repo);
    S.kube_store = nt_buf_detach(&ks);

    git_libgit2_init();
    git_up = true;
    pthread_mutex_init(&S.write_lock, NULL);
    pthread_mutex_init(&S.fault_lock, NULL);
    pthread_mutex_init(&S.cache_lock, NULL);
    pthread_rwlock_init(&S.state_lock, NULL);
    if (ds_store_open(&S, &err) < 0)
        goto fail;

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
    if (cert)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem tls[] = {
        {cert ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, key},
        {MHD_OPTION_HTTPS_MEM_CERT, 0, cert},
        {MHD_OPTION_END, 0, NULL},
    };
    /* An idle client (a request sent halfway, or a kept-alive connection) is closed after
     * idle_timeout seconds, and one address holds at most per_address of the connections,
     * so idle clients cannot lock the others out. */
    d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &sa,
        MHD_OPTION_CONNECTION_LIMIT, 4000u, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)f.per_address, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)f.idle_timeout,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_UNESCAPE_CALLBACK, unescape,
        NULL, MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
    if (!d) {
        nt_buf_addf(&err, "cannot listen on %s (address in use, or a bad TLS certificate/key?)",
                    listen);
        goto fail;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char addr[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof(addr));
    printf("%s://%s:%u\n", cert ? "https" : "http", addr, info ? info->port : 0);
    fflush(stdout);
    fprintf(stderr, "nautes-devserver: API %s, repository %s, %zu fault(s)\n", nt_gen_name(S.gen),
            S.repo, S.n_faults);

    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "nautes-devserver: %s, shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    rc = 0;
    goto done;

usage_error:
    fprintf(stderr, "nautes-devserver: %s\n%s", nt_buf_str(&err),
            "run `nautes-devserver --help` for the flags\n");
    rc = 2;
    goto done;
fail:
    fprintf(stderr, "nautes-devserver: %s\n", nt_buf_str(&err));
    rc = 1;
done:
    if (d)
        MHD_stop_daemon(d);
    ds_store_close(&S);
    if (git_up) {
        git_libgit2_shutdown();
        pthread_mutex_destroy(&S.write_lock);
        pthread_mutex_destroy(&S.fault_lock);
        pthread_mutex_destroy(&S.cache_lock);
        pthread_rwlock_destroy(&S.state_lock);
    }
    for (size_t i = 0; i < S.n_faults; i++)
        ds_fault_free(&S.faults[i]);
    free(S.faults);
    free(S.inflight);
    free(S.repo);
    free(S.kube_store);
    nt_wipe_free(S.token);
    free(S.ro_token);
    nt_wipe_free(key);
    free(cert);
    nt_strlist_free(&f.faults);
    nt_buf_free(&err);
    return rc;
}
