/* git_http_server.c — a test helper: serve git repositories over http(s) the way GitLab
 * does, for the end-to-end tests of `--state git:https://...` (tests/e2e/test_git_https.sh).
 *
 *   git-http-server --listen 127.0.0.1:0 --root DIR [--token TOKEN] [--user USER]
 *                   [--tls-cert FILE --tls-key FILE] [--redirect URL] [--log FILE]
 *                   [--delay MS]
 *
 * Each request runs `git http-backend` as a CGI program (GIT_PROJECT_ROOT=DIR, every
 * repository exported). With --token every request needs HTTP basic authentication as USER
 * (default `oauth2`, GitLab's user for access tokens) with TOKEN as the password; a request
 * without it, or with other credentials, gets 401 and `WWW-Authenticate: Basic`, as GitLab
 * answers. With --redirect every request is answered `302 Found` to URL followed by the
 * request's path and query (a repository moved to another host). --log FILE gets one line
 * per request, "METHOD PATH auth=none|good|bad" (the credentials are never written). The
 * first line of stdout is the base URL; SIGTERM or SIGINT stops the server (exit 0). */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

static const char *root, *token, *user = "oauth2", *redirect, *log_path;
static long delay_ms; /* --delay: wait this long before answering each request (a slow server) */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct body {
    char *data;
    size_t len, cap;
} body;

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap) {
            char *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
            }
            b = nb;
        }
    }
    fclose(f);
    if (b)
        b[n] = '\0';
    return b;
}

static void log_line(const char *method, const char *url, const char *auth)
{
    if (!log_path)
        return;
    pthread_mutex_lock(&log_lock);
    FILE *f = fopen(log_path, "a");
    if (f) {
        fprintf(f, "%s %s auth=%s\n", method, url, auth);
        fclose(f);
    }
    pthread_mutex_unlock(&log_lock);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *text,
                             const char *hname, const char *hvalue)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
    if (hname)
        MHD_add_response_header(r, hname, hvalue);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static void set_env(char **env, size_t *n, const char *name, const char *value)
{
    if (!value)
        return;
    size_t len = strlen(name) + strlen(value) + 2;
    env[*n] = malloc(len);
    if (!env[*n])
        return;
    snprintf(env[*n], len, "%s=%s", name, value);
    (*n)++;
}

/* Run git http-backend for one request; its CGI answer becomes the response. */
static enum MHD_Result run_backend(struct MHD_Connection *c, const char *method, const char *url,
                                   const body *in, const char *remote_user)
{
    /* the request body goes through an anonymous file, the answer through a pipe read to
     * its end before waiting for the child */
    int in_fd = memfd_create("git-http-body", MFD_CLOEXEC);
    int out[2];
    if (in_fd < 0 || pipe2(out, O_CLOEXEC) < 0)
        return reply(c, 500, "cannot run git http-backend\n", NULL, NULL);
    for (size_t off = 0; off < in->len;) {
        ssize_t w = write(in_fd, in->data + off, in->len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    lseek(in_fd, 0, SEEK_SET);

    const char *q = strchr(url, '?');
    char *path = strndup(url, q ? (size_t)(q - url) : strlen(url));
    const char *query = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "service");
    char qs[256] = "";
    if (query)
        snprintf(qs, sizeof(qs), "service=%s", query);
    char clen[32];
    snprintf(clen, sizeof(clen), "%zu", in->len);
    char *env[16] = {0};
    size_t n = 0;
    set_env(env, &n, "GIT_PROJECT_ROOT", root);
    set_env(env, &n, "GIT_HTTP_EXPORT_ALL", "1");
    set_env(env, &n, "REQUEST_METHOD", method);
    set_env(env, &n, "PATH_INFO", path);
    set_env(env, &n, "QUERY_STRING", qs);
    set_env(env, &n, "CONTENT_LENGTH", clen);
    set_env(env, &n, "CONTENT_TYPE",
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"));
    set_env(env, &n, "HTTP_CONTENT_ENCODING",
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Encoding"));
    set_env(env, &n, "GIT_PROTOCOL",
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Git-Protocol"));
    set_env(env, &n, "REMOTE_USER", remote_user);
    set_env(env, &n, "REMOTE_ADDR", "127.0.0.1");
    set_env(env, &n, "PATH", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    set_env(env, &n, "HOME", root);
    free(path);

    pid_t pid = fork();
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        dup2(in_fd, 0);
        dup2(out[1], 1);
        char *argv[] = {"git", "http-backend", NULL};
        execve("/usr/bin/git", argv, env);
        execvpe("git", argv, env);
        _exit(127);
    }
    for (size_t i = 0; i < n; i++)
        free(env[i]);
    close(in_fd);
    close(out[1]);
    body ans = {0};
    for (;;) {
        if (ans.len + 65536 > ans.cap) {
            size_t cap = ans.cap ? ans.cap * 2 : 131072;
            char *d = realloc(ans.data, cap);
            if (!d)
                break;
            ans.data = d;
            ans.cap = cap;
        }
        ssize_t r = read(out[0], ans.data + ans.len, ans.cap - ans.len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        ans.len += (size_t)r;
    }
    close(out[0]);
    int st = 0;
    if (pid > 0)
        waitpid(pid, &st, 0);

    /* the CGI header block, then the body */
    unsigned status = 200;
    size_t hend = 0;
    const char *sep = NULL;
    for (size_t i = 0; ans.data && i + 1 < ans.len; i++) {
        if (ans.data[i] == '\n' && ans.data[i + 1] == '\n') {
            sep = ans.data + i;
            hend = i + 2;
            break;
        }
        if (i + 3 < ans.len && !memcmp(ans.data + i, "\r\n\r\n", 4)) {
            sep = ans.data + i;
            hend = i + 4;
            break;
        }
    }
    if (pid <= 0 || !sep) {
        free(ans.data);
        return reply(c, 500, "git http-backend failed\n", NULL, NULL);
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(ans.len - hend, ans.data + hend, MHD_RESPMEM_MUST_COPY);
    for (char *line = ans.data; line < sep;) {
        char *eol = memchr(line, '\n', (size_t)(sep - line));
        size_t ll = eol ? (size_t)(eol - line) : (size_t)(sep - line);
        if (ll && line[ll - 1] == '\r')
            ll--;
        char *h = strndup(line, ll);
        char *colon = h ? strchr(h, ':') : NULL;
        if (colon) {
            *colon = '\0';
            const char *v = colon + 1;
            while (*v == ' ')
                v++;
            if (!strcasecmp(h, "Status"))
                status = (unsigned)atoi(v);
            else
                MHD_add_response_header(r, h, v);
        }
        free(h);
        line = eol ? eol + 1 : (char *)sep;
    }
    free(ans.data);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    body *b = *con_cls;
    if (!b) {
        b = calloc(1, sizeof(*b));
        if (!b)
            return MHD_NO;
        *con_cls = b;
        return MHD_YES;
    }
    if (*upload_size) {
        if (b->len + *upload_size > b->cap) {
            size_t cap = (b->len + *upload_size) * 2;
            char *d = realloc(b->data, cap);
            if (!d)
                return MHD_NO;
            b->data = d;
            b->cap = cap;
        }
        memcpy(b->data + b->len, upload_data, *upload_size);
        b->len += *upload_size;
        *upload_size = 0;
        return MHD_YES;
    }

    /* the whole request: its URL with the query string, for the redirect and the log */
    char full[4096];
    const char *svc = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "service");
    snprintf(full, sizeof(full), "%s%s%s", url, svc ? "?service=" : "", svc ? svc : "");

    char *pass = NULL;
    char *u = MHD_basic_auth_get_username_password(c, &pass);
    const char *auth = !u ? "none" : "bad";
    bool good = u && pass && token && !strcmp(u, user) && !strcmp(pass, token);
    if (good)
        auth = "good";
    log_line(method, full, auth);
    if (delay_ms > 0) {
        struct timespec ts = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0)
            ;
    }

    enum MHD_Result ret;
    if (redirect) {
        char loc[8192];
        snprintf(loc, sizeof(loc), "%s%s", redirect, full);
        ret = reply(c, 302, "moved\n", "Location", loc);
    } else if (token && !good) {
        ret = reply(c, 401, "HTTP Basic: Access denied\n", "WWW-Authenticate",
                    "Basic realm=\"GitLab\"");
    } else {
        ret = run_backend(c, method, url, b, good ? u : NULL);
    }
    if (u)
        MHD_free(u);
    if (pass)
        MHD_free(pass);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    body *b = *con_cls;
    if (b) {
        free(b->data);
        free(b);
    }
    *con_cls = NULL;
}

static int usage(const char *msg)
{
    fprintf(stderr,
            "git-http-server: %s\nusage: git-http-server --listen 127.0.0.1:PORT --root DIR "
            "[--token TOKEN] [--user USER] [--tls-cert FILE --tls-key FILE] [--redirect URL] "
            "[--log FILE] [--delay MS]\n",
            msg);
    return 2;
}

int main(int argc, char **argv)
{
    const char *listen_at = NULL, *cert_file = NULL, *key_file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return usage("every option takes a value");
        if (!strcmp(a, "--listen"))
            listen_at = v;
        else if (!strcmp(a, "--root"))
            root = v;
        else if (!strcmp(a, "--token"))
            token = v;
        else if (!strcmp(a, "--user"))
            user = v;
        else if (!strcmp(a, "--tls-cert"))
            cert_file = v;
        else if (!strcmp(a, "--tls-key"))
            key_file = v;
        else if (!strcmp(a, "--redirect"))
            redirect = v;
        else if (!strcmp(a, "--log"))
            log_path = v;
        else if (!strcmp(a, "--delay"))
            delay_ms = strtol(v, NULL, 10);
        else
            return usage("unknown option");
        i++;
    }
    if (!listen_at || !root)
        return usage("--listen and --root are required");
    if (!cert_file != !key_file)
        return usage("--tls-cert and --tls-key go together");
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    const char *colon = strrchr(listen_at, ':');
    char host[64];
    if (!colon || (size_t)(colon - listen_at) >= sizeof(host))
        return usage("--listen HOST:PORT");
    snprintf(host, sizeof(host), "%.*s", (int)(colon - listen_at), listen_at);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
        return usage("--listen: HOST must be an IPv4 address");
    sa.sin_port = htons((unsigned short)atoi(colon + 1));

    char *cert = NULL, *key = NULL;
    if (cert_file && (!(cert = read_all(cert_file)) || !(key = read_all(key_file)))) {
        fprintf(stderr, "git-http-server: cannot read the TLS certificate or key\n");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    struct MHD_Daemon *d;
    if (cert)
        d = MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, on_request, NULL,
                             MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
                             NULL, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_HTTPS_MEM_KEY,
                             key, MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_END);
    else
        d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &sa,
                             MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                             MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "git-http-server: cannot listen on %s\n", listen_at);
        free(cert);
        free(key);
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("%s://%s:%u\n", cert ? "https" : "http", host, info ? info->port : 0);
    fflush(stdout);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    free(cert);
    free(key);
    return 0;
}
