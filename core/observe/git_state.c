/* git_state.c — the tenant configuration repository as a state source (libgit2).
 *
 * Flow: parse PATH_OR_URL[#REF]; open a local repository in place, or fetch a URL into the
 * cache (one connection: ls for the default branch, download, update tips, prune); resolve
 * REF to a commit; check that the commit has the clusters directory; hand an nt_tree_reader
 * over the commit's tree to nt_tenant_read. Every libgit2 failure becomes one sentence with
 * the URL (its password, if any, removed) and the token redacted. */
#include "core/observe/git_state.h"

#include "core/base/alloc.h"
#include "core/base/clock.h"
#include "core/base/redact.h"
#include "core/base/url.h"
#include "core/observe/api_error.h"
#include "core/base/buf.h"
#include "core/observe/http.h"
#include "core/model/tenant_layout.h"
#include "core/observe/tenant_read.h"

#include <git2.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- messages ------------------------------------------------------------------------- */

static const char *git_msg(void)
{
    const git_error *e = git_error_last();
    return e && e->message && *e->message ? e->message : "unknown libgit2 error";
}

/* What a libgit2 message may echo that must not be shown: the token, the URL's secrets (its
 * password, a token as its user name, a credential in its query: nt_redact_urls), and the
 * password of a URL given as https://user:password@host/... wherever it appears alone. */
typedef struct secrets {
    const char *token;
    char *url_password;
} secrets;

static void add_redacted(nt_buf *b, const char *s, const secrets *sec)
{
    nt_buf tmp = NT_BUF_INIT;
    nt_redact_urls(&tmp, s, sec->token);
    nt_redact_secret(b, nt_buf_str(&tmp), sec->url_password);
    nt_buf_free(&tmp);
}

/* Append "prefix: <libgit2 message>" (redacted, one line) as an error; returns -1. */
static int git_fail(nt_diag *diag, const secrets *sec, const char *prefix)
{
    nt_buf b = NT_BUF_INIT;
    add_redacted(&b, git_msg(), sec);
    while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
        nt_buf_truncate(&b, b.len - 1);
    /* mbedTLS lists one reason per line: keep the message on one line */
    nt_buf one = NT_BUF_INIT;
    for (size_t i = 0; i < b.len; i++) {
        if (b.data[i] == '\r')
            continue;
        if (b.data[i] == '\n')
            nt_buf_adds(&one, "; ");
        else
            nt_buf_addc(&one, b.data[i]);
    }
    nt_diag_error(diag, "%s: %s", prefix, nt_buf_str(&one));
    nt_buf_free(&one);
    nt_buf_free(&b);
    return -1;
}

/* ---- the spec ------------------------------------------------------------------------- */

typedef struct git_src {
    char *where; /* path or URL as given (without #REF) */
    char *ref;   /* REF, NULL for the default */
    bool is_url;
    char *display; /* `where` with a URL's password removed */
    secrets sec;
} git_src;

static void src_free(git_src *s)
{
    free(s->where);
    free(s->ref);
    free(s->display);
    free(s->sec.url_password);
}

/* scheme://... or scp-like user@host:path. */
static bool looks_like_url(const char *s)
{
    const char *p = s;
    if (isalpha((unsigned char)*p)) {
        while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
            p++;
        if (!strncmp(p, "://", 3))
            return true;
    }
    const char *at = strchr(s, '@'), *colon = strchr(s, ':'), *slash = strchr(s, '/');
    return at && colon && at < colon && (!slash || colon < slash) && at != s;
}

/* The form of the URL shown in every message (nt_redact_urls: https://user:[REDACTED]@host,
 * https://[REDACTED]@host for a token as user name, ?private_token=[REDACTED]); a password
 * is also kept aside, to be redacted wherever libgit2 echoes it alone. */
static void split_password(git_src *s)
{
    nt_buf d = NT_BUF_INIT;
    const char *sep = strstr(s->where, "://");
    const char *auth = sep ? sep + 3 : NULL;
    size_t alen = auth ? strcspn(auth, "/?#") : 0;
    const char *at = auth ? memchr(auth, '@', alen) : NULL;
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon)
        s->sec.url_password = nt_xstrndup(colon + 1, (size_t)(at - colon - 1));
    nt_redact_urls(&d, s->where, s->sec.token);
    s->display = nt_buf_detach(&d);
}

static int parse_spec(const char *spec, git_src *s, nt_diag *diag)
{
    const char *hash = spec ? strrchr(spec, '#') : NULL;
    size_t wlen = hash ? (size_t)(hash - spec) : (spec ? strlen(spec) : 0);
    if (!wlen)
        return nt_diag_error(diag, "--state git: needs a repository: git:PATH_OR_URL[#REF]");
    s->where = nt_xstrndup(spec, wlen);
    if (hash && hash[1])
        s->ref = nt_xstrdup(hash + 1);
    s->is_url = looks_like_url(s->where);
    split_password(s);
    return 0;
}

/* ---- the tree reader over one commit -------------------------------------------------- */

typedef struct tree_ctx {
    git_repository *repo;
    git_tree *root;
} tree_ctx;

static int tree_read(void *ctx, const char *path, nt_buf *out, nt_buf *err)
{
    tree_ctx *t = ctx;
    git_tree_entry *e = NULL;
    git_blob *blob = NULL;
    int rc = -1;
    int r = git_tree_entry_bypath(&e, t->root, path);
    if (r == GIT_ENOTFOUND) {
        rc = 1;
        goto done;
    }
    if (r < 0) {
        nt_buf_addf(err, "cannot read %s: %s", path, git_msg());
        goto done;
    }
    if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
        rc = 1;
        goto done;
    }
    if (git_blob_lookup(&blob, t->repo, git_tree_entry_id(e)) < 0) {
        nt_buf_addf(err, "cannot read %s: %s", path, git_msg());
        goto done;
    }
    nt_buf_add(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
    rc = 0;
done:
    git_blob_free(blob);
    git_tree_entry_free(e);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int tree_list(void *ctx, const char *dir, char ***names, size_t *n, nt_buf *err)
{
    tree_ctx *t = ctx;
    git_tree_entry *e = NULL;
    git_tree *sub = NULL;
    const git_tree *tree = t->root;
    char *d = nt_xstrdup(dir ? dir : "");
    int rc = -1;
    *names = NULL;
    *n = 0;
    size_t dl = strlen(d);
    while (dl && d[dl - 1] == '/')
        d[--dl] = '\0';
    if (dl && strcmp(d, ".")) {
        int r = git_tree_entry_bypath(&e, t->root, d);
        if (r == GIT_ENOTFOUND || (r == 0 && git_tree_entry_type(e) != GIT_OBJECT_TREE)) {
            rc = 1;
            goto done;
        }
        if (r < 0 || git_tree_lookup(&sub, t->repo, git_tree_entry_id(e)) < 0) {
            nt_buf_addf(err, "cannot list %s: %s", d, git_msg());
            goto done;
        }
        tree = sub;
    }
    size_t count = git_tree_entrycount(tree), k = 0;
    char **v = nt_xcalloc(count ? count : 1, sizeof(*v));
    for (size_t i = 0; i < count; i++) {
        const git_tree_entry *te = git_tree_entry_byindex(tree, i);
        git_filemode_t mode = git_tree_entry_filemode(te);
        if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE)
            v[k++] = nt_xstrdup(git_tree_entry_name(te));
    }
    qsort(v, k, sizeof(*v), cmp_str);
    *names = v;
    *n = k;
    rc = 0;
done:
    git_tree_free(sub);
    git_tree_entry_free(e);
    free(d);
    return rc;
}

/* ---- the cache of fetched URLs -------------------------------------------------------- */

static int mkdir_p(const char *path, mode_t mode)
{
    char *p = nt_xstrdup(path);
    int rc = 0;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, mode) < 0 && errno != EEXIST)
            rc = -1;
        *s = '/';
        if (rc)
            break;
    }
    if (!rc && mkdir(p, mode) < 0 && errno != EEXIST)
        rc = -1;
    free(p);
    return rc;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

static int remove_tree(const char *path)
{
    return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* $XDG_CACHE_HOME/nautes (or ~/.cache/nautes), created 0700. */
static int cache_root(nt_buf *root, nt_diag *diag)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && xdg[0] == '/') {
        nt_buf_addf(root, "%s/nautes", xdg);
    } else {
        const char *home = getenv("HOME");
        if (!home || home[0] != '/')
            return nt_diag_error(diag, "no cache directory for git state: set XDG_CACHE_HOME "
                                       "or HOME to an absolute path");
        nt_buf_addf(root, "%s/.cache/nautes", home);
    }
    if (mkdir_p(nt_buf_str(root), 0700) < 0)
        return nt_diag_error(diag, "cannot create the cache directory %s: %s", nt_buf_str(root),
                             strerror(errno));
    chmod(nt_buf_str(root), 0700);
    return 0;
}

/* The origin of a URL: lower-case scheme and host, and the port (the scheme's default when
 * none is given). False when `url` is not scheme://[user@]host[:port][/...]. */
typedef struct origin {
    char scheme[16];
    char host[256];
    long port;
} origin;

static bool url_origin(const char *url, origin *o)
{
    memset(o, 0, sizeof(*o));
    nt_url_host u;
    if (!nt_host_of(url, &u) || !u.scheme_len || u.scheme_len >= sizeof(o->scheme))
        return false;
    for (size_t i = 0; i < u.scheme_len; i++)
        o->scheme[i] = (char)tolower((unsigned char)url[i]);
    size_t hlen = u.host_len + (u.bracketed ? 2 : 0); /* an IPv6 host keeps its brackets */
    if (!hlen || hlen >= sizeof(o->host))
        return false;
    const char *a = u.bracketed ? u.host - 1 : u.host;
    for (size_t i = 0; i < hlen; i++)
        o->host[i] = (char)tolower((unsigned char)a[i]);
    if (u.port_len) {
        char *end;
        o->port = strtol(u.port, &end, 10);
        if (end != u.port + u.port_len || o->port < 1 || o->port > 65535)
            return false;
    } else if (!strcmp(o->scheme, "https")) {
        o->port = 443;
    } else if (!strcmp(o->scheme, "http")) {
        o->port = 80;
    } else if (!strcmp(o->scheme, "ssh")) {
        o->port = 22;
    }
    return true;
}

static void origin_str(const origin *o, nt_buf *out)
{
    nt_buf_addf(out, "%s://%s:%ld", o->scheme, o->host, o->port);
}

typedef struct cred_ctx {
    const char *token;
    const char *url; /* the repository URL the user named: the token goes only to its origin */
    int attempts;
    bool refused;
    char *elsewhere; /* the origin that asked for credentials after a redirect, when refused */
    /* the fetch's progress, said as the list GET's is (http.h: NT_HTTP_SLOW_MS) */
    const nt_http_config *cfg;
    long long start, next; /* ms; next: when to say it (again), 0: never */
} cred_ctx;

/* Past NT_HTTP_SLOW_MS: "nautes: still fetching URL (3 s, 1200 of 5000 objects)" once, then
 * every cfg->progress_every_ms. */
static int fetch_progress_cb(const git_indexer_progress *stats, void *payload)
{
    cred_ctx *cc = payload;
    long long now = nt_now_ms();
    if (!cc->cfg || !cc->cfg->trace || !cc->next || now < cc->next)
        return 0;
    nt_buf t = NT_BUF_INIT, where = NT_BUF_INIT;
    nt_redact_urls(&where, cc->url, cc->token); /* a URL may hold a password */
    nt_buf_addf(&t, "nautes: still fetching %s (%lld s, %u of %u objects)", nt_buf_str(&where),
                (now - cc->start) / 1000, stats->received_objects, stats->total_objects);
    cc->cfg->trace(cc->cfg->trace_ctx, nt_buf_str(&t));
    nt_buf_free(&t);
    nt_buf_free(&where);
    cc->next = cc->cfg->progress_every_ms > 0 ? now + cc->cfg->progress_every_ms : 0;
    return 0;
}

/* HTTPS: the token as the password of user `oauth2` (GitLab's convention for access
 * tokens), or of the URL's own user name, and only to the scheme, host and port the user
 * named (libgit2 follows a redirect, and asks again for the new location). SSH: the agent's
 * keys. One attempt each: a second call means the credentials were refused. */
static int cred_cb(git_credential **out, const char *url, const char *user_from_url,
                   unsigned int allowed, void *payload)
{
    cred_ctx *c = payload;
    if (allowed & GIT_CREDENTIAL_USERNAME) /* SSH asks for the user name first */
        return git_credential_username_new(out,
                                           user_from_url && *user_from_url ? user_from_url : "git");
    if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
        origin want, got;
        bool ok_want = url_origin(c->url, &want), ok_got = url_origin(url, &got);
        if (!ok_want || !ok_got || strcmp(want.scheme, got.scheme) || strcmp(want.host, got.host) ||
            want.port != got.port) {
            nt_buf b = NT_BUF_INIT;
            if (ok_got)
                origin_str(&got, &b);
            else
                nt_redact_urls(&b, url ? url : "an unknown location", c->token);
            free(c->elsewhere);
            c->elsewhere = nt_buf_detach(&b);
            c->refused = true;
            git_error_set_str(GIT_ERROR_NET, "credentials asked for by another host");
            return GIT_EAUTH;
        }
    }
    if (c->attempts++ > 0) {
        c->refused = true;
        git_error_set_str(GIT_ERROR_NET, "the credentials were refused");
        return GIT_EAUTH;
    }
    if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
        if (!c->token || !*c->token) {
            c->refused = true;
            git_error_set_str(GIT_ERROR_NET, "the repository needs a token");
            return GIT_EAUTH;
        }
        return git_credential_userpass_plaintext_new(
            out, user_from_url && *user_from_url ? user_from_url : "oauth2", c->token);
    }
    if (allowed & GIT_CREDENTIAL_SSH_KEY)
        return git_credential_ssh_key_from_agent(
            out, user_from_url && *user_from_url ? user_from_url : "git");
    git_error_set_str(GIT_ERROR_NET, "the server asks for an authentication method nautes does "
                                     "not offer (HTTPS with a token, or SSH with an agent)");
    return GIT_EAUTH;
}

static int cert_skip_cb(git_cert *cert, int valid, const char *host, void *payload)
{
    (void)cert;
    (void)valid;
    (void)host;
    (void)payload;
    return 0; /* --insecure: accept any certificate (cmd/ printed a warning) */
}

static int fetch_fail(int r, const cred_ctx *cc, const git_src *s, nt_diag *diag)
{
    nt_buf pre = NT_BUF_INIT;
    /* libgit2 (mbedTLS) says "the SSL certificate is invalid: 0xNN - ..." with the
     * verification flags: 0x01 expired, 0x04 name mismatch, 0x08 not trusted */
    const char *flags = r == GIT_ECERTIFICATE ? strstr(git_msg(), "invalid: 0x") : NULL;
    unsigned long vf = flags ? strtoul(flags + 9, NULL, 16) : 0;
    if (r == GIT_ECERTIFICATE && (vf & 0x08))
        nt_buf_addf(&pre,
                    "the TLS certificate of %s is not trusted (give its CA with --cacert "
                    "FILE, or --insecure)",
                    s->display);
    else if (r == GIT_ECERTIFICATE && (vf & 0x01))
        nt_buf_addf(&pre,
                    "the TLS certificate of %s has expired (it must be renewed on the server)",
                    s->display);
    else if (r == GIT_ECERTIFICATE && (vf & 0x04))
        nt_buf_addf(&pre,
                    "the host name in %s does not match the repository's TLS certificate (use "
                    "the name the certificate was issued for)",
                    s->display);
    else if (r == GIT_ECERTIFICATE)
        nt_buf_addf(&pre,
                    "the TLS certificate of %s is not trusted (give its CA with --cacert "
                    "FILE, or --insecure)",
                    s->display);
    else if (cc->elsewhere) {
        origin o;
        nt_buf named = NT_BUF_INIT;
        if (url_origin(s->where, &o))
            origin_str(&o, &named);
        nt_buf_addf(&pre,
                    "%s redirected to %s, which asks for credentials: nautes gives the token "
                    "only to %s (if the repository has moved, name its new URL in --state git:)",
                    s->display, cc->elsewhere, named.len ? nt_buf_str(&named) : s->display);
        nt_buf_free(&named);
    } else if (cc->refused && (!cc->token || !*cc->token))
        nt_buf_addf(&pre,
                    "%s needs authentication: set NAUTES_TOKEN or --token-file to a "
                    "GitLab access token with read_repository",
                    s->display);
    else if (r == GIT_EAUTH || cc->refused)
        nt_buf_addf(&pre,
                    "%s refused the access token (expired, revoked, or without "
                    "read_repository on this project)",
                    s->display);
    else if (strstr(git_msg(), "status code: 404"))
        nt_buf_addf(&pre,
                    "no git repository at %s (check the URL, and that the token can "
                    "read the project)",
                    s->display);
    else
        nt_buf_addf(&pre, "cannot reach %s", s->display);
    if (cc->refused) /* the message is ours: libgit2 would only repeat the callback's words */
        nt_diag_error(diag, "%s", nt_buf_str(&pre));
    else
        git_fail(diag, &s->sec, nt_buf_str(&pre));
    nt_buf_free(&pre);
    return -1;
}

/* The cache directory of the URL ($XDG_CACHE_HOME/nautes/<sha256 of URL>) in *dir, and its
 * lock DIR.lock opened and held (flock) in *lock_fd: two runs share a cache one at a time. */
static int lock_cache(nt_buf *dir, int *lock_fd, const git_src *s, nt_diag *diag)
{
    nt_buf root = NT_BUF_INIT, lock = NT_BUF_INIT;
    char hex[65];
    int rc = -1, r;
    if (cache_root(&root, diag) < 0)
        goto done;
    nt_sha256_hex(s->where, strlen(s->where), hex);
    nt_buf_addf(dir, "%s/%s", nt_buf_str(&root), hex);
    nt_buf_addf(&lock, "%s.lock", nt_buf_str(dir));
    *lock_fd = open(nt_buf_str(&lock), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (*lock_fd < 0) {
        nt_diag_error(diag, "cannot open the cache lock %s: %s", nt_buf_str(&lock),
                      strerror(errno));
        goto done;
    }
    while ((r = flock(*lock_fd, LOCK_EX)) < 0 && errno == EINTR)
        ;
    if (r < 0) {
        nt_diag_error(diag, "cannot lock %s: %s", nt_buf_str(&lock), strerror(errno));
        goto done;
    }
    rc = 0;
done:
    nt_buf_free(&root);
    nt_buf_free(&lock);
    return rc;
}

/* Open (creating when needed) the cache repository `dir` (locked by the caller); fetch every
 * branch (as refs/remotes/origin/NAME) and tag. *default_branch gets the remote's HEAD branch
 * name. */
static int open_cached(git_repository **repo, const char *dir, const git_src *s,
                       const nt_http_config *cfg, char **default_branch, nt_diag *diag)
{
    nt_buf tmp = NT_BUF_INIT;
    git_remote *remote = NULL;
    git_buf head = GIT_BUF_INIT;
    cred_ctx cc = {cfg ? cfg->token : NULL, s->where, 0, false, NULL, cfg, nt_now_ms(), 0};
    cc.next = cc.start + NT_HTTP_SLOW_MS;
    int rc = -1, r;
    struct stat st;

    if (git_repository_open_bare(repo, dir) < 0) {
        /* first use, or a cache left broken by a run that was killed: start afresh in a
         * temporary directory (mkdtemp: mode 0700) and rename it into place */
        *repo = NULL;
        if (lstat(dir, &st) == 0 && remove_tree(dir) < 0) {
            nt_diag_error(diag, "cannot remove the broken cache %s: %s", dir, strerror(errno));
            goto done;
        }
        nt_buf_addf(&tmp, "%s.tmp.XXXXXX", dir);
        if (!mkdtemp(tmp.data)) {
            nt_diag_error(diag, "cannot create a cache directory next to %s: %s", dir,
                          strerror(errno));
            goto done;
        }
        git_repository *fresh = NULL;
        if (git_repository_init(&fresh, nt_buf_str(&tmp), 1) < 0) {
            git_fail(diag, &s->sec, "cannot create the cache repository");
            remove_tree(nt_buf_str(&tmp));
            goto done;
        }
        git_repository_free(fresh);
        if (rename(nt_buf_str(&tmp), dir) < 0) {
            nt_diag_error(diag, "cannot create the cache %s: %s", dir, strerror(errno));
            remove_tree(nt_buf_str(&tmp));
            goto done;
        }
        if (git_repository_open_bare(repo, dir) < 0) {
            git_fail(diag, &s->sec, "cannot open the cache repository");
            goto done;
        }
    }

    /* An anonymous remote: the URL (with whatever it holds) is never written to the cache's
     * config; the token only ever lives in the credential callback. */
    git_remote_create_options ro;
    git_remote_create_options_init(&ro, GIT_REMOTE_CREATE_OPTIONS_VERSION);
    ro.repository = *repo;
    /* no url.*.insteadOf lookup: its config regex leaks in libgit2 1.5 with pcre2 (and a
     * tenant repository URL given to nautes is meant literally) */
    ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
    if (git_remote_create_with_opts(&remote, s->where, &ro) < 0) {
        git_fail(diag, &s->sec, "invalid repository URL");
        goto done;
    }
    git_fetch_options fo;
    git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
    fo.callbacks.credentials = cred_cb;
    fo.callbacks.transfer_progress = fetch_progress_cb;
    fo.callbacks.payload = &cc;
    if (cfg && cfg->insecure)
        fo.callbacks.certificate_check = cert_skip_cb;
    fo.proxy_opts.type = GIT_PROXY_AUTO;
    fo.prune = GIT_FETCH_PRUNE;
    fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    fo.update_fetchhead = 0;

    r = git_remote_connect(remote, GIT_DIRECTION_FETCH, &fo.callbacks, &fo.proxy_opts, NULL);
    if (r < 0) {
        fetch_fail(r, &cc, s, diag);
        goto done;
    }
    if (git_remote_default_branch(&head, remote) == 0 && !strncmp(head.ptr, "refs/heads/", 11))
        *default_branch = nt_xstrdup(head.ptr + 11);
    char *specs[] = {"+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"};
    git_strarray sa = {specs, 2};
    r = git_remote_download(remote, &sa, &fo);
    if (r < 0) {
        fetch_fail(r, &cc, s, diag);
        goto done;
    }
    r = git_remote_update_tips(remote, &fo.callbacks, 0, GIT_REMOTE_DOWNLOAD_TAGS_ALL,
                               "nautes: fetch");
    if (r == 0)
        r = git_remote_prune(remote, &fo.callbacks);
    if (r < 0) {
        git_fail(diag, &s->sec, "cannot update the cache repository");
        goto done;
    }
    rc = 0;
done:
    if (remote) {
        git_remote_disconnect(remote);
        git_remote_free(remote);
    }
    git_buf_dispose(&head);
    if (rc < 0) {
        git_repository_free(*repo);
        *repo = NULL;
    }
    free(cc.elsewhere);
    nt_buf_free(&tmp);
    return rc;
}

/* ---- resolving REF -------------------------------------------------------------------- */

/* One spelling: a reference (resolved by hand: libgit2 1.5's revparse leaks the reference
 * when the object it names cannot be read, as in a damaged cache), else a commit id. */
static int lookup_one(git_object **obj, git_repository *repo, const char *spec)
{
    git_reference *ref = NULL, *resolved = NULL;
    int r = git_reference_dwim(&ref, repo, spec);
    if (r == 0) {
        r = git_reference_resolve(&resolved, ref);
        if (r == 0)
            r = git_object_lookup(obj, repo, git_reference_target(resolved), GIT_OBJECT_ANY);
        git_reference_free(resolved);
        git_reference_free(ref);
        return r;
    }
    if (r != GIT_ENOTFOUND && r != GIT_EINVALIDSPEC)
        return r;
    return git_revparse_single(obj, repo, spec);
}

/* Try each candidate spelling in turn; the first that names an object wins. Returns 0,
 * GIT_ENOTFOUND, GIT_EAMBIGUOUS or another libgit2 error (message in git_error_last()). */
static int try_revparse(git_object **obj, git_repository *repo, const char *const *cands, size_t n)
{
    int r = GIT_ENOTFOUND;
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        r = lookup_one(obj, repo, cands[i]);
        if (r != GIT_ENOTFOUND && r != GIT_EINVALIDSPEC)
            return r;
    }
    return GIT_ENOTFOUND;
}

static int resolve(git_commit **commit, char **refname, git_repository *repo, const git_src *s,
                   const char *default_branch, nt_diag *diag)
{
    git_object *obj = NULL, *peeled = NULL;
    nt_buf a = NT_BUF_INIT, b = NT_BUF_INIT, c = NT_BUF_INIT;
    int rc = -1, r;
    const char *ref = s->ref;

    if (ref) {
        if (s->is_url) {
            /* the fetched refs: branches live under refs/remotes/origin/ */
            const char *branch = !strncmp(ref, "refs/heads/", 11) ? ref + 11 : ref;
            nt_buf_addf(&a, "refs/remotes/origin/%s", branch);
            nt_buf_addf(&b, "refs/tags/%s", ref);
            const char *cands[] = {nt_buf_str(&a), nt_buf_str(&b), ref};
            r = try_revparse(&obj, repo, cands, 3);
        } else {
            nt_buf_addf(&a, "refs/remotes/origin/%s", ref);
            const char *cands[] = {ref, nt_buf_str(&a)};
            r = try_revparse(&obj, repo, cands, 2);
        }
        *refname = nt_xstrdup(ref);
    } else if (s->is_url) {
        /* the remote's main, else its default branch (its HEAD) */
        const char *main_ref = "refs/remotes/origin/main";
        r = try_revparse(&obj, repo, &main_ref, 1);
        *refname = nt_xstrdup("main");
        if (r == GIT_ENOTFOUND && default_branch) {
            nt_buf_addf(&a, "refs/remotes/origin/%s", default_branch);
            const char *cands[] = {nt_buf_str(&a)};
            r = try_revparse(&obj, repo, cands, 1);
            free(*refname);
            *refname = nt_xstrdup(default_branch);
        }
    } else {
        const char *cands[] = {"refs/heads/main", "HEAD"};
        r = try_revparse(&obj, repo, cands, 1);
        *refname = nt_xstrdup("main");
        if (r == GIT_ENOTFOUND) {
            r = try_revparse(&obj, repo, cands + 1, 1);
            free(*refname);
            *refname = nt_xstrdup("HEAD");
            if (r == GIT_ENOTFOUND) {
                nt_diag_error(diag,
                              "%s has no commits (no branch main, HEAD unborn): is this "
                              "the tenant configuration repository?",
                              s->display);
                goto done;
            }
        }
    }

    if (r == GIT_ENOTFOUND) {
        if (ref)
            nt_diag_error(diag, "no branch, tag or commit '%s' in %s", ref, s->display);
        else
            nt_diag_error(diag, "no branch '%s' in %s: name one with git:%s#REF", *refname,
                          s->display, s->display);
        goto done;
    }
    if (r == GIT_EAMBIGUOUS) {
        nt_diag_error(diag,
                      "'%s' names more than one object in %s: give more digits of the "
                      "commit id",
                      ref ? ref : "main", s->display);
        goto done;
    }
    if (r < 0) {
        nt_buf_addf(&c, "cannot resolve '%s' in %s", ref ? ref : *refname, s->display);
        git_fail(diag, &s->sec, nt_buf_str(&c));
        goto done;
    }
    if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0) {
        nt_diag_error(diag, "'%s' in %s is not a commit (it is a %s)", *refname, s->display,
                      git_object_type2string(git_object_type(obj)));
        goto done;
    }
    *commit = (git_commit *)peeled;
    peeled = NULL;
    rc = 0;
done:
    git_object_free(obj);
    git_object_free(peeled);
    nt_buf_free(&a);
    nt_buf_free(&b);
    nt_buf_free(&c);
    return rc;
}

/* Read the clusters at REF of an opened repository into *out (its source the label
 * "git:URL#REF@<short commit>"). */
static int read_at(git_repository *repo, const git_src *s, const char *default_branch,
                   nt_cluster_set **out, nt_diag *diag)
{
    git_commit *commit = NULL;
    git_tree *tree = NULL;
    git_tree_entry *dirent = NULL;
    char *refname = NULL;
    nt_buf label = NT_BUF_INIT;
    nt_cluster_set *set = NULL;
    int rc = -1, r;

    if (resolve(&commit, &refname, repo, s, default_branch, diag) < 0)
        goto done;
    if (git_commit_tree(&tree, commit) < 0) {
        git_fail(diag, &s->sec, "cannot read the commit's tree");
        goto done;
    }

    char shortid[GIT_OID_HEXSZ + 1];
    git_oid_tostr(shortid, 8, git_commit_id(commit));
    nt_buf_addf(&label, "git:%s#%s@%s", s->display, refname, shortid);

    r = git_tree_entry_bypath(&dirent, tree, NT_CLUSTERS_DIR);
    if (r == 0 && git_tree_entry_type(dirent) != GIT_OBJECT_TREE) {
        nt_diag_error(diag,
                      "%s at %s (%s) in %s is not a directory: is this the tenant configuration "
                      "repository?",
                      NT_CLUSTERS_DIR, refname, shortid, s->display);
        goto done;
    }
    if (r < 0 && r != GIT_ENOTFOUND) {
        git_fail(diag, &s->sec, "cannot read the commit's tree");
        goto done;
    }
    if (r == GIT_ENOTFOUND) /* a fresh tenant: the first save creates the directory */
        nt_diag_add(diag, NT_SEV_NOTE, NT_POS_NONE, NULL,
                    "no %s directory at %s (%s) in %s: a tenant without clusters yet, read as "
                    "an empty list",
                    NT_CLUSTERS_DIR, refname, shortid, s->display);

    tree_ctx tc = {repo, tree};
    nt_tree_reader reader = {&tc, tree_read, tree_list};
    if (nt_tenant_read(&reader, nt_buf_str(&label), &set, diag) < 0)
        goto done;
    free(set->source);
    set->source = nt_xstrdup(nt_buf_str(&label));
    set->source_kind = NT_SOURCE_GIT;
    *out = set;
    set = NULL;
    rc = 0;
done:
    nt_cluster_set_free(set);
    git_tree_entry_free(dirent);
    git_tree_free(tree);
    git_commit_free(commit);
    free(refname);
    nt_buf_free(&label);
    return rc;
}

/* Fetch the URL into the cache `dir` (locked) and read it. */
static int observe_url(const char *dir, const git_src *s, const nt_http_config *cfg,
                       nt_cluster_set **out, nt_diag *diag)
{
    git_repository *repo = NULL;
    char *default_branch = NULL;
    int rc = -1;
    if (open_cached(&repo, dir, s, cfg, &default_branch, diag) == 0)
        rc = read_at(repo, s, default_branch, out, diag);
    git_repository_free(repo);
    free(default_branch);
    return rc;
}

/* After a failed run over an existing cache: did libgit2 fail on damaged data in it (a
 * truncated or altered object or pack: zlib's "incorrect data check", a bad checksum)? A
 * network, TLS or authentication failure, or a missing REF, is not damage. */
static bool cache_damaged(char *what, size_t size)
{
    const git_error *e = git_error_last();
    if (!e || !e->message)
        return false;
    bool damaged = e->klass == GIT_ERROR_ZLIB || e->klass == GIT_ERROR_ODB ||
                   e->klass == GIT_ERROR_OBJECT || strstr(e->message, "incorrect data check") ||
                   strstr(e->message, "corrupt");
    if (damaged)
        snprintf(what, size, "%s", e->message);
    return damaged;
}

/* ---- the entry point ------------------------------------------------------------------ */

int nt_git_observe(const char *spec, const nt_http_config *cfg, nt_cluster_set **out, nt_diag *diag)
{
    git_src s = {0};
    git_repository *repo = NULL;
    nt_buf dir = NT_BUF_INIT;
    nt_diag first = NT_DIAG_INIT;
    int lock_fd = -1, rc = -1, r;

    *out = NULL;
    git_libgit2_init();
    /* Trees larger than 4 KiB are not cached by default, and the clusters directory's tree
     * (one entry per cluster) is read again for every file looked up below it: cache it. */
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, (size_t)64 << 20);
    s.sec.token = cfg ? cfg->token : NULL;
    if (parse_spec(spec, &s, diag) < 0)
        goto done;

    if (s.is_url) {
        /* https without --cacert trusts the system CA bundle: say so if it is missing */
        if (!strncasecmp(s.where, "https://", 8) && !(cfg && (cfg->cacert || cfg->insecure)) &&
            nt_http_check_system_ca(diag) < 0)
            goto done;
        if (cfg && cfg->cacert) {
            struct stat st;
            bool isdir = stat(cfg->cacert, &st) == 0 && S_ISDIR(st.st_mode);
            if (git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, isdir ? NULL : cfg->cacert,
                                 isdir ? cfg->cacert : NULL) < 0) {
                nt_buf pre = NT_BUF_INIT;
                nt_buf_addf(&pre, "cannot use the CA certificates in %s", cfg->cacert);
                git_fail(diag, &s.sec, nt_buf_str(&pre));
                nt_buf_free(&pre);
                goto done;
            }
        }
        if (lock_cache(&dir, &lock_fd, &s, diag) < 0)
            goto done;
        struct stat st;
        bool had_cache = lstat(nt_buf_str(&dir), &st) == 0;
        git_error_clear();
        rc = observe_url(nt_buf_str(&dir), &s, cfg, out, &first);
        char what[512];
        if (rc < 0 && had_cache && cache_damaged(what, sizeof(what))) {
            /* a damaged cache fails every run alike: drop it and fetch afresh, once, under
             * the same lock */
            nt_diag_free(&first);
            nt_buf why = NT_BUF_INIT;
            add_redacted(&why, what, &s.sec);
            nt_diag_add(diag, NT_SEV_NOTE, NT_POS_NONE, NULL,
                        "the cached clone %s is damaged (%s): removed it and fetched %s again",
                        nt_buf_str(&dir), nt_buf_str(&why), s.display);
            nt_buf_free(&why);
            if (remove_tree(nt_buf_str(&dir)) < 0) {
                rc = nt_diag_error(diag,
                                   "cannot remove the damaged cache %s (%s): delete it "
                                   "(rm -rf %s) and run again",
                                   nt_buf_str(&dir), strerror(errno), nt_buf_str(&dir));
                goto done;
            }
            rc = observe_url(nt_buf_str(&dir), &s, cfg, out, &first);
            if (rc < 0 && cache_damaged(what, sizeof(what)))
                nt_diag_add(&first, NT_SEV_ERROR, NT_POS_NONE, NULL,
                            "fetching afresh did not help: delete the cache (rm -rf %s) and "
                            "run again; if it fails again, the repository itself is damaged",
                            nt_buf_str(&dir));
        }
        nt_diag_move(diag, &first);
        goto done;
    }

    struct stat st;
    /* s.where is set by the spec parser (nt_xstrndup never returns NULL) */
    if (stat(s.where, &st) < 0) { // NOLINT(clang-analyzer-core.NonNullParamChecker)
        nt_diag_error(diag, "no such repository %s: %s", s.display, strerror(errno));
        goto done;
    }
    r = git_repository_open_ext(&repo, s.where, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
    if (r == GIT_ENOTFOUND) {
        nt_diag_error(diag,
                      "%s is not a git repository (git:PATH takes the tenant "
                      "configuration repository's working tree or a bare clone)",
                      s.display);
        goto done;
    }
    if (r < 0) {
        nt_buf pre = NT_BUF_INIT;
        nt_buf_addf(&pre, "cannot open the repository %s", s.display);
        git_fail(diag, &s.sec, nt_buf_str(&pre));
        nt_buf_free(&pre);
        goto done;
    }
    rc = read_at(repo, &s, NULL, out, diag);
done:
    git_repository_free(repo);
    if (lock_fd >= 0)
        close(lock_fd); /* releases the flock */
    nt_diag_free(&first);
    nt_buf_free(&dir);
    src_free(&s);
    git_libgit2_shutdown();
    return rc;
}
