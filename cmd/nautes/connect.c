/* connect.c — the HTTP configuration from the common flags and the environment.
 *
 * The token comes from --token-file or $NAUTES_TOKEN, never from a command-line argument
 * (other users see process arguments in ps). Warnings go to diag like every other message. */
#include "cmd/nautes/commands.h"

#include "core/base/alloc.h"
#include "core/base/redact.h"
#include "core/base/url.h"
#include "core/base/wipe.h"
#include "core/observe/api_error.h"
#include "core/observe/http.h"
#include "core/base/retry.h"
#include "core/observe/observe.h"
#include "core/session/session.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NT_TOKEN_MAX 4096

static void trace_stderr(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "%s\n", line);
    fflush(stderr);
}

/* Trim whitespace at both ends; NULL (and a message) when what is left is empty or holds
 * characters that cannot go into a header. */
static char *clean_token(char *s, const char *where, nt_diag *diag)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    size_t start = 0;
    while (start < n && isspace((unsigned char)s[start]))
        start++;
    if (start == n) {
        nt_diag_error(diag, "%s: the token is empty", where);
        return NULL;
    }
    for (size_t i = start; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f) {
            nt_diag_error(diag, "%s: the token must be one word on one line", where);
            return NULL;
        }
    }
    return nt_xstrdup(s + start);
}

static char *read_token_file(const char *path, nt_diag *diag)
{
    char *tok = NULL;
    nt_buf buf = NT_BUF_SECRET_INIT;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        nt_diag_error(diag, "--token-file %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        nt_diag_error(diag, "--token-file %s is a directory: give the file that holds the token",
                      path);
        close(fd);
        return NULL;
    }
    if (fstat(fd, &st) == 0 && (st.st_mode & 077))
        nt_diag_add(diag, NT_SEV_WARNING, NT_POS_NONE, NULL,
                    "--token-file %s can be read by other users: chmod 600 %s", path, path);
    if (nt_buf_read_fd(&buf, fd, NT_TOKEN_MAX) < 0) {
        if (errno == EFBIG)
            nt_diag_error(diag, "--token-file %s: too large for a token", path);
        else
            nt_diag_error(diag, "--token-file %s: read error", path);
    } else if (memchr(buf.data, 0, buf.len)) {
        nt_diag_error(diag, "--token-file %s: not a text file", path);
    } else {
        tok = clean_token(buf.data, path, diag);
    }
    nt_wipe_buf_free(&buf);
    close(fd);
    return tok;
}

/* The host of an http(s) URL is loopback: localhost, 127.0.0.0/8, ::1. */
static bool loopback_host(const char *url)
{
    nt_url_host u;
    if (!nt_host_of(url, &u))
        return false;
    if (u.bracketed)
        return u.host_len == 3 && !memcmp(u.host, "::1", 3);
    if (u.host_len == 9 && !strncasecmp(u.host, "localhost", 9))
        return true;
    return u.host_len >= 4 && !memcmp(u.host, "127.", 4);
}

/* The token over plain http to a host that is not loopback: say so before it is sent (the
 * API Server's URL, and a --state git:http://... repository alike). `url` is shown redacted. */
static void warn_cleartext(const char *url, const char *token, nt_diag *diag)
{
    if (!url || !token || !*token || strncasecmp(url, "http://", 7) || loopback_host(url))
        return;
    nt_buf shown = NT_BUF_INIT;
    nt_redact_urls(&shown, url, token);
    nt_diag_add(diag, NT_SEV_WARNING, NT_POS_NONE, NULL,
                "the token is sent unencrypted to %s (http://): use https://", nt_buf_str(&shown));
    nt_buf_free(&shown);
}

/* The repository URL of a --state git:URL[#REF] (NULL when the state is not git:). */
static char *state_git_url(const nt_common *c)
{
    if (!c->state || strncmp(c->state, "git:", 4))
        return NULL;
    const char *u = c->state + 4, *hash = strrchr(u, '#');
    return nt_xstrndup(u, hash ? (size_t)(hash - u) : strlen(u));
}

static void warn_cleartext_state(const nt_common *c, const char *token, nt_diag *diag)
{
    char *url = state_git_url(c);
    warn_cleartext(url, token, diag);
    free(url);
}

/* What both sources share: the token (--token-file or NAUTES_TOKEN; required for the API,
 * optional for a repository), --cacert, --insecure (warned about as `whose` certificate),
 * the timeout, the retries and the trace. */
static int credentials(const nt_common *c, nt_http_config *cfg, bool token_required,
                       bool warn_insecure, const char *whose, nt_diag *diag)
{
    if (c->token_file) {
        cfg->token = read_token_file(c->token_file, diag);
        if (!cfg->token)
            return -1;
    } else {
        const char *env = getenv("NAUTES_TOKEN");
        if (env && *env) {
            char *copy = nt_xstrdup(env);
            cfg->token = clean_token(copy, "NAUTES_TOKEN", diag);
            nt_wipe_free(copy);
            if (!cfg->token)
                return -1;
        } else if (token_required) {
            return nt_diag_error(diag, "no token: pass --token-file FILE or set NAUTES_TOKEN");
        }
    }
    if (c->cacert) {
        if (access(c->cacert, R_OK) != 0)
            return nt_diag_error(diag, "%s %s: %s",
                                 /* the options parser keeps getenv's own pointer */
                                 c->cacert == getenv("NAUTES_CACERT") ? "NAUTES_CACERT"
                                                                      : "--cacert",
                                 c->cacert, strerror(errno));
        cfg->cacert = nt_xstrdup(c->cacert);
    }
    cfg->insecure = c->insecure;
    if (c->insecure && warn_insecure)
        nt_diag_add(diag, NT_SEV_WARNING, NT_POS_NONE, NULL,
                    "--insecure: %s TLS certificate is not verified; anyone on the path can "
                    "read the token",
                    whose);
    cfg->timeout_sec = c->timeout > 0 ? c->timeout : 300;
    cfg->retries = NT_RETRY_DEFAULT_COUNT;
    cfg->retry_base_ms = nt_env_ms("NAUTES_RETRY_BASE_MS", NT_RETRY_DEFAULT_BASE_MS);
    cfg->verbose = c->verbose;
    cfg->trace = trace_stderr;
    cfg->trace_ctx = NULL;
    cfg->progress_every_ms = isatty(2) ? 10000 : 0;
    return 0;
}

int nt_connect_config(const nt_common *c, nt_http_config *cfg, nt_diag *diag)
{
    memset(cfg, 0, sizeof(*cfg));
    const char *url = c->api_server; /* the flag, else NAUTES_API_SERVER (options.h) */
    if (!url || !*url)
        return nt_diag_error(diag, "no API server: pass --api-server URL or set "
                                   "NAUTES_API_SERVER");
    bool https = !strncasecmp(url, "https://", 8);
    if (!https && strncasecmp(url, "http://", 7) != 0)
        return nt_diag_error(diag, "API server URL %s must start with https:// or http://", url);
    const char *host = strstr(url, "://") + 3;
    if (memchr(host, '@', strcspn(host, "/?#")))
        return nt_diag_error(diag, "the API server URL must not hold a user or password: pass "
                                   "the token with --token-file FILE or NAUTES_TOKEN");
    size_t qf = strcspn(url, "?#");
    if (url[qf]) /* the query may carry a secret: it is not repeated */
        return nt_diag_error(diag,
                             "the API server URL %.*s... holds a %s: give only the scheme, host, "
                             "port and path (the client adds /api/v1/...)",
                             (int)qf, url, url[qf] == '?' ? "query ('?...')" : "fragment ('#...')");
    cfg->base_url = nt_xstrdup(url);
    size_t n = strlen(cfg->base_url);
    while (n > 8 && cfg->base_url[n - 1] == '/')
        cfg->base_url[--n] = 0;
    if (credentials(c, cfg, true, https, "the server's", diag) < 0) {
        nt_http_config_free(cfg);
        return -1;
    }
    warn_cleartext(cfg->base_url, cfg->token, diag);
    warn_cleartext_state(c, cfg->token, diag); /* apply --state git:http://... */
    return 0;
}

int nt_connect_config_git(const nt_common *c, nt_http_config *cfg, nt_diag *diag)
{
    memset(cfg, 0, sizeof(*cfg));
    if (credentials(c, cfg, false, true, "the repository's", diag) < 0) {
        nt_http_config_free(cfg);
        return -1;
    }
    warn_cleartext_state(c, cfg->token, diag);
    return 0;
}

long nt_env_ms(const char *name, long dflt)
{
    const char *s = getenv(name);
    if (!s || !*s)
        return dflt;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 1 || v > 600000) {
        fprintf(stderr, "nautes: warning: ignoring %s=%s (want milliseconds, 1-600000)\n", name, s);
        return dflt;
    }
    return v;
}

int nt_cmd_connect(nt_session *s, const nt_common *c, bool write)
{
    nt_http_config cfg;
    if (nt_observe_check_spec(c->state, &s->diag) < 0) /* before "no API server" */
        return -1;
    /* a token is optional for a repository; used when one is configured. apply always
     * writes through the API, whatever --state observes */
    int rc = !write && nt_observe_is_git(c->state) ? nt_connect_config_git(c, &cfg, &s->diag)
                                                   : nt_connect_config(c, &cfg, &s->diag);
    if (rc < 0)
        return -1;
    nt_session_connect(s, &cfg);
    return 0;
}
