/* handlers.c — routing and the four cluster endpoints, answered as the real server answers
 * (docs/api-server.md §1, 2, 4, 5, 6). */
#include "devserver.h"

#include "core/base/alloc.h"
#include "core/base/escape.h"
#include "core/base/json_text.h"
#include "core/base/wipe.h"
#include "core/observe/api_json.h"
#include "devserver/api_body.h"
#include "core/model/tenant_layout.h"
#include "core/observe/tenant_read.h"
#include "devserver/tenant_write.h"
#include "core/load/validate.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define CLUSTERS "/api/v1/clusters"
#define GITLAB "https://gitlab.nautes.local"

void ds_reply_error(ds_reply *r, int status, const char *reason, const char *message)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "code", status);
    cJSON_AddStringToObject(j, "reason", reason ? reason : "");
    cJSON_AddStringToObject(j, "message", message ? message : "");
    cJSON_AddObjectToObject(j, "metadata");
    char *s = nt_json_compact(j);
    cJSON_Delete(j);
    r->status = status;
    r->ctype = "application/json";
    nt_buf_reset(&r->body);
    nt_buf_adds(&r->body, s);
    free(s);
}

void ds_reply_text(ds_reply *r, int status, const char *text)
{
    r->status = status;
    r->ctype = "text/plain; charset=utf-8";
    nt_buf_reset(&r->body);
    nt_buf_adds(&r->body, text);
}

static void reply_json(ds_reply *r, cJSON *j)
{
    char *s = nt_json_compact(j);
    r->status = 200;
    r->ctype = "application/json";
    nt_buf_reset(&r->body);
    nt_buf_adds(&r->body, s);
    free(s);
}

static void reply_message(ds_reply *r, const char *fmt, const char *name)
{
    nt_buf m = NT_BUF_INIT;
    nt_buf_addf(&m, fmt, name);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "message", nt_buf_str(&m));
    reply_json(r, j);
    cJSON_Delete(j);
    nt_buf_free(&m);
}

static void reply_500(ds_reply *r, const char *message)
{
    ds_reply_error(r, 500, "", message);
}

/* ---- the cluster name of the path -------------------------------------------------------- */

/* The {cluster_name} segment as decoded from the URL: `len` bytes at `raw`, which may hold a
 * NUL (`%00`), so never used as a C string unless `refused` is NULL. `shown` is the name for
 * messages and the log: bytes outside printable ASCII, `"` and `\` written as \xNN. */
typedef struct req_name {
    const char *raw;
    size_t len;
    char *shown;
    const char *refused; /* why this server will not store it; NULL: a name it stores */
    bool reserved;       /* refused because the layout uses its file for something else */
} req_name;

char *ds_escaped(const char *s, size_t len)
{
    nt_buf b = NT_BUF_INIT;
    nt_buf_add_escaped_n(&b, s, len, NT_ESC_HEX);
    return nt_buf_detach(&b);
}

static void name_init(req_name *n, const char *raw, size_t len)
{
    n->raw = raw;
    n->len = len;
    n->shown = ds_escaped(raw, len);
    /* The real server takes any path segment and fails later (Argo CD, Kubernetes); this one
     * must never write outside its repository nor over a file of its layout, and a name that
     * a NUL would cut short must never reach the store as the shorter name. */
    n->refused = NULL;
    n->reserved = false;
    if (memchr(raw, 0, len) || !nt_dns1123_label(raw))
        n->refused = "a lowercase RFC 1123 label must consist of lower case alphanumeric "
                     "characters or '-', and must start and end with an alphanumeric character";
    else if ((n->refused = nt_tenant_reserved_name(raw)))
        n->reserved = true;
}

/* The answer to a save of a refused name, shaped like the real server's later failure. */
static void reply_name_refused(ds_reply *r, const req_name *n)
{
    nt_buf m = NT_BUF_INIT;
    nt_buf_addf(&m,
                "failed to save config, err: metadata.name: Invalid value: \"%s\": %s%s "
                "(nautes-devserver refuses names the real server accepts and breaks on later)",
                n->shown, n->reserved ? "the name is reserved: " : "", n->refused);
    reply_500(r, nt_buf_str(&m));
    nt_buf_free(&m);
}

/* Go's path.Clean as gorilla/mux applies it before routing (a trailing slash is kept). */
static char *clean_path(const char *p)
{
    size_t n = strlen(p);
    char *out = nt_xmalloc(n + 2);
    size_t w = 0;
    out[w++] = '/';
    const char *s = p;
    while (*s) {
        while (*s == '/')
            s++;
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len == 0)
            break;
        if (len == 1 && s[0] == '.') {
            /* skip */
        } else if (len == 2 && s[0] == '.' && s[1] == '.') {
            if (w > 1) {
                w--;
                while (w > 1 && out[w - 1] != '/')
                    w--;
                if (w > 1)
                    w--;
            }
        } else {
            if (w > 1)
                out[w++] = '/';
            memcpy(out + w, s, len);
            w += len;
        }
        s += len;
    }
    if (n > 1 && p[n - 1] == '/' && w > 1)
        out[w++] = '/';
    out[w] = 0;
    return out;
}

/* `Authorization`: the first literal "Bearer" removed, spaces trimmed (1). Returns 0 for the
 * read-write token, 1 for the read-only token, -1 (message set) otherwise. */
static int authenticate(ds_server *s, const char *auth, nt_buf *msg)
{
    char *tok = nt_xstrdup(auth ? auth : "");
    char *b = strstr(tok, "Bearer");
    if (b)
        memmove(b, b + 6, strlen(b + 6) + 1);
    char *p = tok;
    while (*p == ' ')
        p++;
    size_t n = strlen(p);
    while (n && p[n - 1] == ' ')
        p[--n] = 0;
    int rc;
    if (!*p) {
        nt_buf_adds(msg, "failed to clone repository, err: failed to get current user, err: "
                         "token is not found");
        rc = -1;
    } else if (!strcmp(p, s->token)) {
        rc = 0;
    } else if (s->ro_token && !strcmp(p, s->ro_token)) {
        rc = 1;
    } else {
        nt_buf_adds(msg, "failed to get current user, err: GET " GITLAB
                         "/api/v4/user: 401 {message: 401 Unauthorized}");
        rc = -1;
    }
    nt_wipe_free(tok);
    return rc;
}

static void push_refused(ds_reply *r)
{
    reply_500(r, "failed to save git config to git repo, err: push data: remote: GitLab: You are "
                 "not allowed to push code to protected branches on this project. To " GITLAB
                 "/tenant/" DS_REPO_NAME ".git ! [remote rejected] main -> main (pre-receive "
                 "hook declined) error: failed to push some refs to '" GITLAB
                 "/tenant/" DS_REPO_NAME ".git'");
}

static const char *query(const char *const *keys, const char *const *vals, size_t n,
                         const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(keys[i], key))
            return vals[i] ? vals[i] : "";
    return NULL;
}

/* Go's strconv.ParseBool. */
static int parse_bool(const char *v)
{
    static const char *const t[] = {"1", "t", "T", "TRUE", "true", "True"};
    static const char *const f[] = {"0", "f", "F", "FALSE", "false", "False"};
    for (size_t i = 0; i < 6; i++) {
        if (!strcmp(v, t[i]))
            return 1;
        if (!strcmp(v, f[i]))
            return 0;
    }
    return -1;
}

static bool bad_skip_check(const char *const *keys, const char *const *vals, size_t n, ds_reply *r)
{
    const char *v = query(keys, vals, n, "insecure_skip_check");
    if (!v || parse_bool(v) >= 0)
        return false;
    nt_buf m = NT_BUF_INIT;
    nt_buf_addf(&m, "strconv.ParseBool: parsing \"%s\": invalid syntax", v);
    ds_reply_error(r, 400, "CODEC", nt_buf_str(&m));
    nt_buf_free(&m);
    return true;
}

/* ---- list -------------------------------------------------------------------------------- */

typedef struct selector {
    char *key, *value;
} selector;

/* The character at i of "<name>.yaml", -1 past its end. */
static int file_char(const char *name, size_t len, size_t i)
{
    if (i < len)
        return (unsigned char)name[i];
    return i - len < 5 ? ".yaml"[i - len] : -1;
}

static int cmp_file_order(const void *a, const void *b)
{
    /* the directory's order: byte order of "<name>.yaml" (4.2), so "a-b" lists before "a" */
    const char *x = (*(const nt_cluster *const *)a)->name;
    const char *y = (*(const nt_cluster *const *)b)->name;
    size_t lx = strlen(x), ly = strlen(y);
    for (size_t i = 0;; i++) {
        int cx = file_char(x, lx, i), cy = file_char(y, ly, i);
        if (cx != cy)
            return cx < cy ? -1 : 1;
        if (cx < 0)
            return 0;
    }
}

static const char *field_for_key(const nt_cluster *c, const char *key)
{
    if (!strcmp(key, "cluster_type"))
        return c->f[NT_F_CLUSTER_TYPE].s;
    if (!strcmp(key, "usage"))
        return c->f[NT_F_USAGE].s;
    if (!strcmp(key, "worker_type"))
        return c->f[NT_F_WORKER_TYPE].s;
    return NULL;
}

static void handle_list(ds_server *s, const char *const *qk, const char *const *qv, size_t nq,
                        ds_reply *r)
{
    nt_buf dir = NT_BUF_INIT, msg = NT_BUF_INIT;
    selector *sel = NULL;
    size_t nsel = 0;
    const char *fs = query(qk, qv, nq, "field_selector");
    char *copy = nt_xstrdup(fs ? fs : "");
    char *bad_term = NULL;
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(t, '=');
        if (!eq) {
            if (!bad_term)
                bad_term = t;
            continue;
        }
        *eq = 0;
        sel = nt_xrealloc(sel, (nsel + 1) * sizeof(*sel));
        sel[nsel].key = t;
        sel[nsel].value = eq + 1;
        nsel++;
    }

    nt_buf_addf(&dir, "%s/%s", s->repo, "nautes/overlays/production/clusters");
    struct stat st;
    pthread_rwlock_rdlock(&s->state_lock);
    if (stat(nt_buf_str(&dir), &st) < 0) {
        if (s->gen == NT_GEN_V04)
            nt_buf_addf(&msg,
                        "lstat /tmp/product%ld/" DS_REPO_NAME
                        "/nautes/overlays/production/clusters: no such file or directory",
                        (long)time(NULL));
        else
            nt_buf_adds(&msg, "the cluster resource is empty");
        pthread_rwlock_unlock(&s->state_lock);
        reply_500(r, nt_buf_str(&msg));
        goto done;
    }
    if (!fs) {
        /* the whole list is served from a cache rebuilt after each change */
        pthread_mutex_lock(&s->cache_lock);
        if (!s->list_cache || s->cache_version != s->version) {
            free(s->list_cache);
            s->list_cache = NULL;
            cJSON *root = cJSON_CreateObject();
            cJSON *items = cJSON_AddArrayToObject(root, "items");
            size_t n = s->clusters->n;
            nt_cluster **v = nt_xcalloc(n ? n : 1, sizeof(*v));
            if (n)
                memcpy(v, s->clusters->items, n * sizeof(*v));
            qsort(v, n, sizeof(*v), cmp_file_order);
            for (size_t i = 0; i < n; i++)
                cJSON_AddItemToArray(items, nt_api_cluster_to_json(v[i], s->gen));
            s->list_cache = cJSON_PrintUnformatted(root);
            s->list_cache_len = s->list_cache ? strlen(s->list_cache) : 0;
            s->cache_version = s->version;
            cJSON_Delete(root);
            free(v);
        }
        r->status = 200;
        r->ctype = "application/json";
        nt_buf_reset(&r->body);
        nt_buf_add(&r->body, s->list_cache ? s->list_cache : "{\"items\":[]}",
                   s->list_cache ? s->list_cache_len : 12);
        pthread_mutex_unlock(&s->cache_lock);
        pthread_rwlock_unlock(&s->state_lock);
        goto done;
    }
    size_t n = s->clusters->n;
    nt_cluster **v = nt_xcalloc(n ? n : 1, sizeof(*v));
    if (n)
        memcpy(v, s->clusters->items, n * sizeof(*v));
    qsort(v, n, sizeof(*v), cmp_file_order);
    cJSON *root = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(root, "items");
    bool failed = false;
    for (size_t i = 0; i < n && !failed; i++) {
        bool keep = true;
        if (bad_term) {
            nt_buf_addf(&msg, "this operation symbol is not supported: %s", bad_term);
            failed = true;
            break;
        }
        for (size_t k = 0; k < nsel; k++) {
            const char *key = sel[k].key;
            if (!strcmp(key, "cluster_name") && s->gen == NT_GEN_V04) {
                keep = keep && strstr(v[i]->name, sel[k].value) != NULL;
                continue;
            }
            const char *val = field_for_key(v[i], key);
            if (!strcmp(key, "cluster_type") || !strcmp(key, "usage") ||
                !strcmp(key, "worker_type")) {
                keep = keep && val && !strcmp(val, sel[k].value);
                continue;
            }
            nt_buf_addf(&msg,
                        "failed to get selector, the filter field %s operator symbol = is not "
                        "supported",
                        key);
            failed = true;
            break;
        }
        if (keep && !failed)
            cJSON_AddItemToArray(items, nt_api_cluster_to_json(v[i], s->gen));
    }
    pthread_rwlock_unlock(&s->state_lock);
    if (failed)
        reply_500(r, nt_buf_str(&msg));
    else
        reply_json(r, root);
    cJSON_Delete(root);
    free(v);
done:
    free(sel);
    free(copy);
    nt_buf_free(&dir);
    nt_buf_free(&msg);
}

/* ---- get, save, delete ------------------------------------------------------------------- */

/* A refused name is never looked up: it cannot have been stored (and one with a NUL would
 * be looked up as the name before the NUL). */
static void handle_get(ds_server *s, const req_name *name, ds_reply *r)
{
    cJSON *j = NULL;
    if (!name->refused) {
        pthread_rwlock_rdlock(&s->state_lock);
        const nt_cluster *c = nt_cluster_set_find(s->clusters, name->raw);
        j = c ? nt_api_cluster_to_json(c, s->gen) : NULL;
        pthread_rwlock_unlock(&s->state_lock);
    }
    if (!j) {
        nt_buf m = NT_BUF_INIT;
        nt_buf_addf(&m, "the cluster resource %s is not found", name->shown);
        reply_500(r, nt_buf_str(&m));
        nt_buf_free(&m);
        return;
    }
    reply_json(r, j);
    cJSON_Delete(j);
}

/* The kubeconfig as the real server decodes it (3.5): base64 when it looks like base64. */
static int decode_kubeconfig(const char *in, char **out)
{
    size_t n = strlen(in);
    bool b64 = n > 0 && n % 4 == 0;
    for (size_t i = 0; b64 && i < n; i++) {
        char ch = in[i];
        b64 = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '+' || ch == '/' || ch == '=';
    }
    if (!b64) {
        *out = nt_xstrdup(in);
        return 0;
    }
    unsigned char *buf = nt_xmalloc(n / 4 * 3 + 1);
    int len = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)n);
    if (len < 0) {
        free(buf);
        return -1;
    }
    while (len > 0 && n >= 1 && in[n - 1] == '=') { /* EVP_DecodeBlock keeps padding bytes */
        len--;
        n--;
    }
    buf[len] = 0;
    *out = (char *)buf;
    return 0;
}

static void handle_save(ds_server *s, const req_name *name, int who, const char *auth_msg,
                        const char *ctype, const char *body, size_t len, bool too_big,
                        const char *const *qk, const char *const *qv, size_t nq, ds_reply *r)
{
    nt_buf msg = NT_BUF_INIT, err = NT_BUF_INIT;
    nt_cluster *c = NULL;
    char *kube = NULL;
    /* kratos: Content-Type selects the codec; the body is then decoded, then the query */
    bool json = false;
    if (ctype) {
        size_t n = strcspn(ctype, ";");
        while (n && ctype[n - 1] == ' ')
            n--;
        json = (n == 16 && !strncasecmp(ctype, "application/json", 16)) ||
               (n == 4 && !strncasecmp(ctype, "json", 4));
    }
    if (!json) {
        nt_buf_addf(&msg, "unregister Content-Type: %s", ctype ? ctype : "");
        ds_reply_error(r, 400, "CODEC", nt_buf_str(&msg));
        goto done;
    }
    if (too_big) {
        nt_buf_addf(&msg,
                    "body unmarshal proto: the request body is larger than %u bytes (a "
                    "nautes-devserver limit)",
                    DS_MAX_BODY);
        ds_reply_error(r, 400, "CODEC", nt_buf_str(&msg));
        goto done;
    }
    if (nt_api_body_parse(name->shown, body, len, &c, &err) < 0) {
        ds_reply_error(r, 400, "CODEC", nt_buf_str(&err));
        goto done;
    }
    if (bad_skip_check(qk, qv, nq, r))
        goto done;
    bool empty_body = true;
    for (size_t i = 0; i < len && empty_body; i++)
        empty_body = body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t';

    if (c->f[NT_F_KUBECONFIG].s && nt_cluster_is_physical(c)) {
        if (decode_kubeconfig(c->f[NT_F_KUBECONFIG].s, &kube) < 0) {
            reply_500(r, "failed to decode kubeconfig");
            goto done;
        }
        nt_cluster_set_field(c, NT_F_KUBECONFIG, kube, NT_POS_NONE);
    }
    int status;
    const char *reason;
    if (ds_rules_save(c, s->gen, empty_body, &status, &reason, &msg) < 0) {
        ds_reply_error(r, status, reason, nt_buf_str(&msg));
        goto done;
    }
    if (who < 0) {
        reply_500(r, auth_msg);
        goto done;
    }
    /* before anything is stored: the kubeconfig store and the repository never see it */
    if (name->refused) {
        reply_name_refused(r, name);
        goto done;
    }

    pthread_mutex_lock(&s->write_lock);
    pthread_rwlock_rdlock(&s->state_lock);
    int hr = ds_rules_host(s, c, &msg);
    pthread_rwlock_unlock(&s->state_lock);
    if (hr < 0) {
        pthread_mutex_unlock(&s->write_lock);
        reply_500(r, nt_buf_str(&msg));
        goto done;
    }
    /* the real server writes the kubeconfig to Vault before it pushes (7.1 step 3) */
    if (kube && nt_cluster_is_physical(c) &&
        ds_store_put_kubeconfig(s, name->raw, kube, &err) < 0) {
        pthread_mutex_unlock(&s->write_lock);
        nt_buf_reset(&msg);
        nt_buf_addf(&msg, "failed to save kubeconfig to secret store, err: %s", nt_buf_str(&err));
        reply_500(r, nt_buf_str(&msg));
        goto done;
    }
    if (who == 1) {
        pthread_mutex_unlock(&s->write_lock);
        push_refused(r);
        goto done;
    }
    nt_buf_reset(&err);
    int wr = ds_store_save(s, c, &err);
    c = NULL; /* owned by the store now */
    pthread_mutex_unlock(&s->write_lock);
    if (wr < 0) {
        reply_500(r, nt_buf_str(&err));
        goto done;
    }
    reply_message(r, "Successfully saved %s cluster", name->raw);
done:
    nt_wipe_free(kube);
    nt_cluster_free(c);
    nt_buf_free(&msg);
    nt_buf_free(&err);
}

static void handle_delete(ds_server *s, const req_name *name, int who, const char *auth_msg,
                          const char *const *qk, const char *const *qv, size_t nq, ds_reply *r)
{
    nt_buf msg = NT_BUF_INIT;
    if (bad_skip_check(qk, qv, nq, r))
        goto done;
    if (who < 0) {
        reply_500(r, auth_msg);
        goto done;
    }
    /* a refused name is never looked up (see handle_get), so never deleted */
    pthread_mutex_lock(&s->write_lock);
    const nt_cluster *c = name->refused ? NULL : nt_cluster_set_find(s->clusters, name->raw);
    if (!c) {
        pthread_mutex_unlock(&s->write_lock);
        if (s->gen == NT_GEN_V04)
            nt_buf_addf(&msg, "the cluster resource %s is not found", name->shown);
        else
            nt_buf_addf(&msg, "cluster %s does not exist or is invalid", name->shown);
        reply_500(r, nt_buf_str(&msg));
        goto done;
    }
    if (ds_rules_delete(s, c, &msg) < 0) {
        pthread_mutex_unlock(&s->write_lock);
        reply_500(r, nt_buf_str(&msg));
        goto done;
    }
    if (who == 1) {
        pthread_mutex_unlock(&s->write_lock);
        push_refused(r);
        goto done;
    }
    int rc = ds_store_delete(s, name->raw, &msg);
    pthread_mutex_unlock(&s->write_lock);
    if (rc < 0)
        reply_500(r, nt_buf_str(&msg));
    else
        reply_message(r, "Successfully deleted %s cluster", name->raw);
done:
    nt_buf_free(&msg);
}

void ds_handle(ds_server *s, const char *method, const char *path, size_t path_len,
               const char *auth, const char *ctype, const char *const *qk, const char *const *qv,
               size_t nq, const char *body, size_t body_len, bool body_too_big, ds_reply *r)
{
    char *clean = clean_path(path);
    nt_buf msg = NT_BUF_INIT;
    req_name nm = {NULL, 0, NULL, NULL, false};
    /* A NUL decoded from the URL (`%00`) cuts the C string short: such a path is routed on
     * all its bytes (path_len), and only a NUL inside the {cluster_name} segment can match a
     * route (the name is then refused). */
    bool nul = strlen(path) != path_len;
    if (!nul && (strcmp(clean, path) || !strcmp(path, CLUSTERS "/"))) {
        /* gorilla/mux cleans the path; the router redirects a trailing slash (1) */
        size_t n = strlen(clean);
        if (!strcmp(clean, CLUSTERS "/"))
            clean[n - 1] = 0;
        r->status = 301;
        r->location = nt_xstrdup(clean);
        r->ctype = "text/html; charset=utf-8";
        nt_buf_addf(&r->body, "<a href=\"%s\">Moved Permanently</a>.\n\n", clean);
        goto done;
    }
    const req_name *name = NULL;
    bool list = !nul && !strcmp(path, CLUSTERS);
    if (!list && path_len > sizeof(CLUSTERS) && !strncmp(path, CLUSTERS "/", sizeof(CLUSTERS)) &&
        !memchr(path + sizeof(CLUSTERS), '/', path_len - sizeof(CLUSTERS))) {
        name_init(&nm, path + sizeof(CLUSTERS), path_len - sizeof(CLUSTERS));
        name = &nm;
    }
    bool get = !strcmp(method, "GET"), post = !strcmp(method, "POST"),
         del = !strcmp(method, "DELETE");
    if (!((list && get) || (name && (get || post || del)))) {
        ds_reply_text(r, 404, "404 page not found\n");
        goto done;
    }
    int who = authenticate(s, auth, &msg);
    if (post) {
        handle_save(s, name, who, nt_buf_str(&msg), ctype, body, body_len, body_too_big, qk, qv, nq,
                    r);
        goto done;
    }
    if (del) {
        handle_delete(s, name, who, nt_buf_str(&msg), qk, qv, nq, r);
        goto done;
    }
    if (who < 0) {
        reply_500(r, nt_buf_str(&msg));
        goto done;
    }
    if (list)
        handle_list(s, qk, qv, nq, r);
    else
        handle_get(s, name, r);
done:
    free(nm.shown);
    free(clean);
    nt_buf_free(&msg);
}
