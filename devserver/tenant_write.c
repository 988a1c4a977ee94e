/* tenant_write.c — the local server writes the tenant configuration repository the way the
 * API Server does (docs/api-server.md §7.3, 7.4): the Cluster file, the files rendered beside it
 * and the kustomization entry; removed on delete. Paths come from core/model/tenant_layout.h,
 * which the reader (core/observe/tenant_read.c) shares, so the two cannot disagree.
 *
 * Files are produced with libyaml's emitter (never by string pasting) the way the real
 * server's sigs.k8s.io/yaml does: keys sorted at every level, 2-space indent, strings that
 * would read as another type quoted. Every file is written to a temporary file and renamed,
 * and only when its content changes, so an unchanged save changes nothing. */
#include "devserver/tenant_write.h"

#include "core/base/alloc.h"
#include "core/base/atomic_write.h"
#include "core/base/yaml_emit.h"
#include "core/model/tenant_layout.h"
#include "core/observe/tenant_read.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

/* ---- emitting ------------------------------------------------------------------------------ */

/* The one emitter and its one quoting rule (core/base/yaml_emit.h); what is here is only the
 * writer's own choices: multi-line strings as literal blocks, empty lists as `[]`. */
static void em_str(nt_yaml *em, const char *s)
{
    if (!s)
        s = "";
    nt_yaml_scalar(em, s, strchr(s, '\n') ? YAML_LITERAL_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE);
}

static void em_plain(nt_yaml *em, const char *s) /* null, numbers */
{
    nt_yaml_scalar(em, s, YAML_PLAIN_SCALAR_STYLE);
}

/* An empty list as `[]` (a flow sequence: a plain scalar "[]" would be emitted quoted, a
 * string that reads back as one). */
static void em_empty_seq(nt_yaml *em)
{
    nt_yaml_seq_start(em, true);
    nt_yaml_seq_end(em);
}

static void em_kv(nt_yaml *em, const char *k, const char *v)
{
    nt_yaml_str(em, k);
    em_str(em, v);
}

/* ---- the Cluster resource file (7.4) ----------------------------------------------------- */

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_addition(const void *a, const void *b)
{
    return strcmp(((const nt_addition *)a)->key, ((const nt_addition *)b)->key);
}

static int cmp_reserved(const void *a, const void *b)
{
    return strcmp(((const nt_ns_products *const *)a)[0]->ns,
                  ((const nt_ns_products *const *)b)[0]->ns);
}

static int cmp_allowed(const void *a, const void *b)
{
    return strcmp(((const nt_product_resources *const *)a)[0]->product,
                  ((const nt_product_resources *const *)b)[0]->product);
}

static bool nonempty(const char *s)
{
    return s && *s;
}

/* The categories a stored cluster of generation gen keeps in its file, by camel key. */
static bool comp_in_file(const nt_component *comp, nt_component_kind k, nt_api_gen gen)
{
    unsigned flags = nt_components[k].flags;
    if (!comp->declared || comp->is_null)
        return false;
    if (gen == NT_GEN_V04)
        return (flags & NT_COMP_V04) || k == NT_C_OAUTH_PROXY || k == NT_C_SECRET_MANAGEMENT;
    return (flags & NT_COMP_V03) != 0;
}

static void emit_component(nt_yaml *em, const nt_component *comp, nt_api_gen gen)
{
    nt_yaml_map_start(em, false);
    if (gen == NT_GEN_V04 && comp->n_additions) {
        nt_addition *adds = nt_xcalloc(comp->n_additions, sizeof(*adds));
        memcpy(adds, comp->additions, comp->n_additions * sizeof(*adds));
        qsort(adds, comp->n_additions, sizeof(*adds), cmp_addition);
        nt_yaml_str(em, "additions");
        nt_yaml_map_start(em, false);
        for (size_t i = 0; i < comp->n_additions; i++)
            em_kv(em, adds[i].key, adds[i].value.s);
        nt_yaml_map_end(em);
        free(adds);
    }
    em_kv(em, "name", comp->name.s);
    em_kv(em, "namespace", comp->ns.s);
    nt_yaml_map_end(em);
}

static void emit_reserved(nt_yaml *em, const nt_cluster *c)
{
    nt_yaml_str(em, "reservedNamespacesAllowedProducts");
    if (!c->n_reserved) {
        nt_yaml_map_start(em, false);
        nt_yaml_map_end(em);
        return;
    }
    const nt_ns_products **v = nt_xcalloc(c->n_reserved, sizeof(*v));
    for (size_t i = 0; i < c->n_reserved; i++)
        v[i] = &c->reserved[i];
    qsort(v, c->n_reserved, sizeof(*v), cmp_reserved);
    nt_yaml_map_start(em, false);
    for (size_t i = 0; i < c->n_reserved; i++) {
        nt_yaml_str(em, v[i]->ns);
        if (!v[i]->n) {
            em_empty_seq(em);
            continue;
        }
        nt_yaml_seq_start(em, false);
        for (size_t j = 0; j < v[i]->n; j++)
            em_str(em, v[i]->products[j].s);
        nt_yaml_seq_end(em);
    }
    nt_yaml_map_end(em);
    free(v);
}

static void emit_allowed(nt_yaml *em, const nt_cluster *c)
{
    nt_yaml_str(em, "productAllowedClusterResources");
    if (!c->n_allowed) {
        nt_yaml_map_start(em, false);
        nt_yaml_map_end(em);
        return;
    }
    const nt_product_resources **v = nt_xcalloc(c->n_allowed, sizeof(*v));
    for (size_t i = 0; i < c->n_allowed; i++)
        v[i] = &c->allowed[i];
    qsort(v, c->n_allowed, sizeof(*v), cmp_allowed);
    nt_yaml_map_start(em, false);
    for (size_t i = 0; i < c->n_allowed; i++) {
        nt_yaml_str(em, v[i]->product);
        if (!v[i]->n) {
            em_empty_seq(em);
            continue;
        }
        nt_yaml_seq_start(em, false);
        for (size_t j = 0; j < v[i]->n; j++) {
            nt_yaml_map_start(em, false);
            em_kv(em, "group", v[i]->items[j].group.s);
            em_kv(em, "kind", v[i]->items[j].kind.s);
            nt_yaml_map_end(em);
        }
        nt_yaml_seq_end(em);
    }
    nt_yaml_map_end(em);
    free(v);
}

/* The Cluster resource file of `c` as generation gen writes it (7.4). */
static int cluster_file(const nt_cluster *c, nt_api_gen gen, nt_buf *out)
{
    nt_yaml em;
    nt_yaml_open(&em, out);
    nt_yaml_map_start(&em, false);
    em_kv(&em, "apiVersion", "nautes.resource.nautes.io/v1alpha1");
    em_kv(&em, "kind", "Cluster");
    nt_yaml_str(&em, "metadata");
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "creationTimestamp");
    em_plain(&em, "null");
    em_kv(&em, "name", c->name);
    em_kv(&em, "namespace", "nautes");
    nt_yaml_map_end(&em);

    nt_yaml_str(&em, "spec");
    nt_yaml_map_start(&em, false);
    em_kv(&em, "apiServer", c->f[NT_F_API_SERVER].s);
    em_kv(&em, "clusterKind", c->f[NT_F_CLUSTER_KIND].s);
    em_kv(&em, "clusterType", c->f[NT_F_CLUSTER_TYPE].s);
    /* componentsList keys sorted by camel name */
    const char *keys[NT_C_COUNT] = {0};
    size_t nk = 0;
    for (int k = 0; k < NT_C_COUNT; k++)
        if (comp_in_file(c->comp[k], (nt_component_kind)k, gen))
            keys[nk++] = nt_components[k].camel;
    qsort(keys, nk, sizeof(keys[0]), cmp_cstr);
    nt_yaml_str(&em, "componentsList");
    nt_yaml_map_start(&em, false);
    for (size_t i = 0; i < nk; i++) {
        nt_component_kind k = nt_component_by_name(keys[i]);
        nt_yaml_str(&em, keys[i]);
        emit_component(&em, c->comp[k], gen);
    }
    nt_yaml_map_end(&em);
    if (nonempty(c->f[NT_F_HOST_CLUSTER].s))
        em_kv(&em, "hostCluster", c->f[NT_F_HOST_CLUSTER].s);
    if (nonempty(c->f[NT_F_PRIMARY_DOMAIN].s))
        em_kv(&em, "primaryDomain", c->f[NT_F_PRIMARY_DOMAIN].s);
    if (gen != NT_GEN_V04 || c->n_allowed)
        emit_allowed(&em, c);
    if (gen != NT_GEN_V04 || c->n_reserved)
        emit_reserved(&em, c);
    em_kv(&em, "usage", c->f[NT_F_USAGE].s);
    if (nonempty(c->f[NT_F_WORKER_TYPE].s))
        em_kv(&em, "workerType", c->f[NT_F_WORKER_TYPE].s);
    nt_yaml_map_end(&em);

    nt_yaml_str(&em, "status");
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "productIDMap");
    em_plain(&em, "null");
    nt_yaml_str(&em, "warnings");
    em_plain(&em, "null");
    nt_yaml_map_end(&em);
    nt_yaml_map_end(&em);
    return nt_yaml_close(&em);
}

/* ---- rendered files that hold what the Cluster file lacks (7.3) -------------------------- */

static void em_metadata(nt_yaml *em, const char *name, const char *ns)
{
    nt_yaml_str(em, "metadata");
    nt_yaml_map_start(em, false);
    em_kv(em, "name", name);
    em_kv(em, "namespace", ns);
    nt_yaml_map_end(em);
}

/* Argo CD Application installing Traefik with the node ports as Helm values. */
static int traefik_app(const char *dest, const char *http, const char *https, nt_buf *out)
{
    nt_buf values = NT_BUF_INIT;
    nt_yaml em;
    nt_yaml_open(&em, &values);
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "ports");
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "web");
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "nodePort");
    if (nonempty(http) && nt_yaml_needs_quotes(http))
        em_plain(&em, http);
    else
        em_str(&em, http);
    nt_yaml_map_end(&em);
    nt_yaml_str(&em, "websecure");
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "nodePort");
    if (nonempty(https) && nt_yaml_needs_quotes(https))
        em_plain(&em, https);
    else
        em_str(&em, https);
    nt_yaml_map_end(&em);
    nt_yaml_map_end(&em);
    nt_yaml_str(&em, "service");
    nt_yaml_map_start(&em, false);
    em_kv(&em, "type", "NodePort");
    nt_yaml_map_end(&em);
    nt_yaml_map_end(&em);
    int rc = nt_yaml_close(&em);

    nt_yaml_open(&em, out);
    nt_yaml_map_start(&em, false);
    em_kv(&em, "apiVersion", "argoproj.io/v1alpha1");
    em_kv(&em, "kind", "Application");
    em_metadata(&em, "traefik", "argocd");
    nt_yaml_str(&em, "spec");
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "destination");
    nt_yaml_map_start(&em, false);
    em_kv(&em, "name", dest);
    em_kv(&em, "namespace", "traefik");
    nt_yaml_map_end(&em);
    em_kv(&em, "project", "default");
    nt_yaml_str(&em, "source");
    nt_yaml_map_start(&em, false);
    em_kv(&em, "chart", "traefik");
    nt_yaml_str(&em, "helm");
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "values");
    nt_yaml_scalar(&em, nt_buf_str(&values), YAML_LITERAL_SCALAR_STYLE);
    nt_yaml_map_end(&em);
    em_kv(&em, "repoURL", "https://helm.traefik.io/traefik");
    em_kv(&em, "targetRevision", "10.19.4");
    nt_yaml_map_end(&em);
    nt_yaml_map_end(&em);
    nt_yaml_map_end(&em);
    if (nt_yaml_close(&em) < 0)
        rc = -1;
    nt_buf_free(&values);
    return rc;
}

static int ingress_file(const char *name, const char *ns, const char *service, const char *host,
                        nt_buf *out)
{
    nt_yaml em;
    nt_yaml_open(&em, out);
    nt_yaml_map_start(&em, false);
    em_kv(&em, "apiVersion", "networking.k8s.io/v1");
    em_kv(&em, "kind", "Ingress");
    em_metadata(&em, name, ns);
    nt_yaml_str(&em, "spec");
    nt_yaml_map_start(&em, false);
    em_kv(&em, "ingressClassName", "traefik");
    nt_yaml_str(&em, "rules");
    nt_yaml_seq_start(&em, false);
    nt_yaml_map_start(&em, false);
    em_kv(&em, "host", host);
    nt_yaml_str(&em, "http");
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "paths");
    nt_yaml_seq_start(&em, false);
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "backend");
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "service");
    nt_yaml_map_start(&em, false);
    em_kv(&em, "name", service);
    nt_yaml_str(&em, "port");
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "number");
    em_plain(&em, "443");
    nt_yaml_map_end(&em);
    nt_yaml_map_end(&em);
    nt_yaml_map_end(&em);
    em_kv(&em, "path", "/");
    em_kv(&em, "pathType", "Prefix");
    nt_yaml_map_end(&em);
    nt_yaml_seq_end(&em);
    nt_yaml_map_end(&em);
    nt_yaml_map_end(&em);
    nt_yaml_seq_end(&em);
    nt_yaml_str(&em, "tls");
    nt_yaml_seq_start(&em, false);
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "hosts");
    nt_yaml_seq_start(&em, false);
    em_str(&em, host);
    nt_yaml_seq_end(&em);
    nt_yaml_map_end(&em);
    nt_yaml_seq_end(&em);
    nt_yaml_map_end(&em);
    nt_yaml_map_end(&em);
    return nt_yaml_close(&em);
}

static int vcluster_svc(const char *name, const char *port, nt_buf *out)
{
    nt_yaml em;
    nt_yaml_open(&em, out);
    nt_yaml_map_start(&em, false);
    em_kv(&em, "apiVersion", "v1");
    em_kv(&em, "kind", "Service");
    em_metadata(&em, name, name);
    nt_yaml_str(&em, "spec");
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "ports");
    nt_yaml_seq_start(&em, false);
    nt_yaml_map_start(&em, false);
    em_kv(&em, "name", "https");
    nt_yaml_str(&em, "nodePort");
    if (nt_yaml_needs_quotes(port) && nonempty(port))
        em_plain(&em, port);
    else
        em_str(&em, port);
    nt_yaml_str(&em, "port");
    em_plain(&em, "443");
    em_kv(&em, "protocol", "TCP");
    nt_yaml_str(&em, "targetPort");
    em_plain(&em, "8443");
    nt_yaml_map_end(&em);
    nt_yaml_seq_end(&em);
    nt_yaml_str(&em, "selector");
    nt_yaml_map_start(&em, false);
    em_kv(&em, "app", "vcluster");
    em_kv(&em, "release", name);
    nt_yaml_map_end(&em);
    em_kv(&em, "type", "NodePort");
    nt_yaml_map_end(&em);
    nt_yaml_map_end(&em);
    return nt_yaml_close(&em);
}

static int vcluster_app(const char *name, const char *host, nt_buf *out)
{
    nt_yaml em;
    nt_yaml_open(&em, out);
    nt_yaml_map_start(&em, false);
    em_kv(&em, "apiVersion", "argoproj.io/v1alpha1");
    em_kv(&em, "kind", "Application");
    em_metadata(&em, name, "argocd");
    nt_yaml_str(&em, "spec");
    nt_yaml_map_start(&em, false);
    nt_yaml_str(&em, "destination");
    nt_yaml_map_start(&em, false);
    em_kv(&em, "name", host);
    em_kv(&em, "namespace", name);
    nt_yaml_map_end(&em);
    em_kv(&em, "project", "default");
    nt_yaml_str(&em, "source");
    nt_yaml_map_start(&em, false);
    em_kv(&em, "chart", "vcluster");
    em_kv(&em, "repoURL", "https://charts.loft.sh");
    em_kv(&em, "targetRevision", "0.10.2");
    nt_yaml_map_end(&em);
    nt_yaml_map_end(&em);
    nt_yaml_map_end(&em);
    return nt_yaml_close(&em);
}

static int kustomization_file(char **names, size_t n, nt_buf *out)
{
    nt_yaml em;
    nt_yaml_open(&em, out);
    nt_yaml_map_start(&em, false);
    em_kv(&em, "apiVersion", "kustomize.config.k8s.io/v1beta1");
    em_kv(&em, "kind", "Kustomization");
    nt_yaml_str(&em, "resources");
    if (!n) {
        em_empty_seq(&em);
    } else {
        nt_yaml_seq_start(&em, false);
        for (size_t i = 0; i < n; i++)
            em_str(&em, names[i]);
        nt_yaml_seq_end(&em);
    }
    nt_yaml_map_end(&em);
    return nt_yaml_close(&em);
}

/* ---- file system ------------------------------------------------------------------------- */

static int mkdirs(const char *root, const char *rel_dir, nt_diag *diag)
{
    nt_buf p = NT_BUF_INIT;
    nt_buf_adds(&p, root);
    int rc = 0;
    const char *s = rel_dir;
    while (*s) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);
        nt_buf_addc(&p, '/');
        nt_buf_add(&p, s, n);
        if (mkdir(nt_buf_str(&p), 0755) < 0 && errno != EEXIST) {
            rc = nt_diag_error(diag, "cannot create directory %s: %s", nt_buf_str(&p),
                               strerror(errno));
            break;
        }
        s += n;
        if (*s == '/')
            s++;
    }
    nt_buf_free(&p);
    return rc;
}

static int read_whole(const char *path, nt_buf *out)
{
    if (nt_buf_read_file(out, path, 0) == 0)
        return 0;
    return errno == ENOENT ? 1 : -1;
}

/* Write root/rel with content unless it already holds exactly that; append rel to changed
 * when written. The file is replaced atomically (core/base/atomic_write.h) without fsync: a
 * commit follows at once, git itself does not fsync by default, and the local server does
 * not promise durability across a power loss. */
static int put_file(const char *root, const char *rel, const nt_buf *content, nt_buf *changed,
                    nt_diag *diag)
{
    nt_buf path = NT_BUF_INIT;
    int rc = -1;
    nt_buf_addf(&path, "%s/%s", root, rel);
    const char *slash = strrchr(rel, '/');
    if (slash) {
        char *dir = nt_xstrndup(rel, (size_t)(slash - rel));
        int r = mkdirs(root, dir, diag);
        free(dir);
        if (r < 0)
            goto done;
    }
    int w = nt_write_atomic(nt_buf_str(&path), nt_buf_str(content), content->len, 0644,
                            NT_WRITE_IF_CHANGED | NT_WRITE_NO_SYNC, NULL, diag);
    if (w < 0)
        goto done;
    if (w == 0)
        nt_buf_addf(changed, "%s\n", rel);
    rc = 0;
done:
    nt_buf_free(&path);
    return rc;
}

/* Remove empty directories from rel_dir up towards the root. */
static void prune_dirs(const char *root, const char *rel_dir)
{
    char *d = nt_xstrdup(rel_dir);
    nt_buf p = NT_BUF_INIT;
    for (;;) {
        nt_buf_reset(&p);
        nt_buf_addf(&p, "%s/%s", root, d);
        if (rmdir(nt_buf_str(&p)) < 0)
            break;
        char *slash = strrchr(d, '/');
        if (!slash)
            break;
        *slash = 0;
    }
    nt_buf_free(&p);
    free(d);
}

static int del_file(const char *root, const char *rel, nt_buf *changed, nt_diag *diag)
{
    nt_buf path = NT_BUF_INIT;
    nt_buf_addf(&path, "%s/%s", root, rel);
    int rc = 0;
    if (unlink(nt_buf_str(&path)) == 0) {
        nt_buf_addf(changed, "%s\n", rel);
        const char *slash = strrchr(rel, '/');
        if (slash) {
            char *dir = nt_xstrndup(rel, (size_t)(slash - rel));
            prune_dirs(root, dir);
            free(dir);
        }
    } else if (errno != ENOENT) {
        rc = nt_diag_error(diag, "cannot remove %s: %s", nt_buf_str(&path), strerror(errno));
    }
    nt_buf_free(&path);
    return rc;
}

/* Remove the directory root/rel and everything below it; every removed file goes to
 * changed. */
static int del_tree(const char *root, const char *rel, nt_buf *changed, nt_diag *diag)
{
    nt_buf path = NT_BUF_INIT;
    nt_buf_addf(&path, "%s/%s", root, rel);
    int rc = 0;
    DIR *d = opendir(nt_buf_str(&path));
    if (!d) {
        if (errno != ENOENT && errno != ENOTDIR)
            rc = nt_diag_error(diag, "cannot open %s: %s", nt_buf_str(&path), strerror(errno));
        goto done;
    }
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        NT_GROW(names, cap, n + 1);
        names[n++] = nt_xstrdup(e->d_name);
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        nt_buf sub = NT_BUF_INIT;
        nt_buf_addf(&sub, "%s/%s", rel, names[i]);
        nt_buf full = NT_BUF_INIT;
        nt_buf_addf(&full, "%s/%s", root, nt_buf_str(&sub));
        struct stat st;
        if (rc == 0 && lstat(nt_buf_str(&full), &st) == 0) {
            if (S_ISDIR(st.st_mode))
                rc = del_tree(root, nt_buf_str(&sub), changed, diag);
            else if (unlink(nt_buf_str(&full)) == 0)
                nt_buf_addf(changed, "%s\n", nt_buf_str(&sub));
            else
                rc =
                    nt_diag_error(diag, "cannot remove %s: %s", nt_buf_str(&full), strerror(errno));
        }
        nt_buf_free(&sub);
        nt_buf_free(&full);
        free(names[i]);
    }
    free(names);
    if (rc == 0) {
        rmdir(nt_buf_str(&path));
        const char *slash = strrchr(rel, '/');
        if (slash) {
            char *dir = nt_xstrndup(rel, (size_t)(slash - rel));
            prune_dirs(root, dir);
            free(dir);
        }
    }
done:
    nt_buf_free(&path);
    return rc;
}

/* The value of a seed field in the stored cluster: v0.4 keeps it in additions. */
static const char *stored_value(const nt_cluster *c, nt_api_gen gen, nt_field f)
{
    if (gen == NT_GEN_V04) {
        nt_component_kind k = f == NT_F_ARGOCD_HOST   ? NT_C_DEPLOYMENT
                              : f == NT_F_TEKTON_HOST ? NT_C_PIPELINE
                                                      : NT_C_GATEWAY;
        const char *key = f == NT_F_TRAEFIK_HTTP_NODE_PORT    ? "httpNodePort"
                          : f == NT_F_TRAEFIK_HTTPS_NODE_PORT ? "httpsNodePort"
                                                              : "host";
        nt_addition *a = nt_component_addition(c->comp[k], key);
        if (a && a->value.s)
            return a->value.s;
    }
    return c->f[f].s ? c->f[f].s : "";
}

/* ---- kustomization ----------------------------------------------------------------------- */

/* The `resources:` entries of the clusters kustomization on disk (none when absent). */
static int read_resources(const char *root, char ***names, size_t *n, nt_diag *diag)
{
    *names = NULL;
    *n = 0;
    size_t cap = 0;
    nt_buf path = NT_BUF_INIT, data = NT_BUF_INIT;
    nt_buf_addf(&path, "%s/%s", root, NT_KUSTOMIZATION);
    int rc = 0;
    int r = read_whole(nt_buf_str(&path), &data);
    if (r == 1)
        goto done;
    yaml_parser_t p;
    yaml_document_t doc;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)data.data, data.len);
    if (r < 0 || !yaml_parser_load(&p, &doc)) {
        yaml_parser_delete(&p);
        rc = nt_diag_error(diag, "cannot read %s", NT_KUSTOMIZATION);
        goto done;
    }
    yaml_node_t *root_node = yaml_document_get_root_node(&doc);
    if (root_node && root_node->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *pr = root_node->data.mapping.pairs.start;
             pr < root_node->data.mapping.pairs.top; pr++) {
            yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
            yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
            if (!k || k->type != YAML_SCALAR_NODE ||
                strcmp((char *)k->data.scalar.value, "resources") || !v ||
                v->type != YAML_SEQUENCE_NODE)
                continue;
            for (yaml_node_item_t *it = v->data.sequence.items.start;
                 it < v->data.sequence.items.top; it++) {
                yaml_node_t *s = yaml_document_get_node(&doc, *it);
                if (s && s->type == YAML_SCALAR_NODE) {
                    NT_GROW(*names, cap, *n + 1);
                    (*names)[(*n)++] = nt_xstrdup((char *)s->data.scalar.value);
                }
            }
        }
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&p);
done:
    nt_buf_free(&path);
    nt_buf_free(&data);
    return rc;
}

/* Add (add=true) or remove `file` in the kustomization list and rewrite it. v0.3 appends a
 * new entry at the end; v0.4 re-renders the list in file order with a new cluster last. */
static int update_kustomization(const char *root, const char *file, bool add, nt_api_gen gen,
                                nt_buf *changed, nt_diag *diag)
{
    char **names;
    size_t n;
    if (read_resources(root, &names, &n, diag) < 0)
        return -1;
    size_t w = 0;
    bool present = false;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(names[i], file)) {
            if (add && !present) {
                present = true;
                names[w++] = names[i];
                continue;
            }
            free(names[i]);
            continue;
        }
        names[w++] = names[i];
    }
    n = w;
    if (gen == NT_GEN_V04 && n > 1) {
        /* existing entries in file order; a new one last */
        qsort(names, n, sizeof(*names), cmp_cstr);
    }
    if (add && !present) {
        names = nt_xrealloc(names, (n + 1) * sizeof(*names));
        names[n++] = nt_xstrdup(file);
    }
    nt_buf content = NT_BUF_INIT;
    int rc = kustomization_file(names, n, &content);
    if (rc < 0)
        nt_diag_error(diag, "cannot render %s", NT_KUSTOMIZATION);
    else
        rc = put_file(root, NT_KUSTOMIZATION, &content, changed, diag);
    nt_buf_free(&content);
    nt_tree_names_free(names, n);
    return rc;
}

/* ---- writer ------------------------------------------------------------------------------ */

static int put_rendered(const char *root, const nt_buf *rel, int render_rc, const nt_buf *content,
                        nt_buf *changed, nt_diag *diag)
{
    if (render_rc < 0)
        return nt_diag_error(diag, "cannot render %s", nt_buf_str(rel));
    return put_file(root, nt_buf_str(rel), content, changed, diag);
}

int nt_tenant_write_cluster(const char *root, const nt_cluster *stored, nt_api_gen gen,
                            const nt_cluster_set *all, nt_buf *changed, nt_diag *diag)
{
    (void)all;
    nt_buf rel = NT_BUF_INIT, content = NT_BUF_INIT;
    int rc = -1;
    const nt_cluster *c = stored;
    const char *reserved = nt_tenant_reserved_name(c->name);
    if (reserved) {
        nt_diag_error(diag, "the cluster name %s is reserved: %s", c->name, reserved);
        goto done;
    }

    nt_tenant_path_cluster_file(&rel, c->name);
    if (put_rendered(root, &rel, cluster_file(c, gen, &content), &content, changed, diag) < 0)
        goto done;
    nt_buf_reset(&rel);
    nt_buf_addf(&rel, "%s.yaml", c->name);
    if (update_kustomization(root, nt_buf_str(&rel), true, gen, changed, diag) < 0)
        goto done;

    if (nt_cluster_is_physical(c)) {
        nt_buf_reset(&rel);
        nt_buf_reset(&content);
        nt_tenant_path_traefik(&rel, c);
        int r = traefik_app(c->name, stored_value(c, gen, NT_F_TRAEFIK_HTTP_NODE_PORT),
                            stored_value(c, gen, NT_F_TRAEFIK_HTTPS_NODE_PORT), &content);
        if (put_rendered(root, &rel, r, &content, changed, diag) < 0)
            goto done;
    }
    if (nt_cluster_is_worker(c)) {
        nt_buf_reset(&rel);
        nt_buf_reset(&content);
        nt_tenant_path_argocd(&rel, c->name);
        int r = ingress_file("argocd-server-ingress", "argocd", "argocd-server",
                             stored_value(c, gen, NT_F_ARGOCD_HOST), &content);
        if (put_rendered(root, &rel, r, &content, changed, diag) < 0)
            goto done;
        if (nt_cluster_is_pipeline(c)) {
            nt_buf_reset(&rel);
            nt_buf_reset(&content);
            nt_tenant_path_tekton(&rel, c->name);
            r = ingress_file("tekton-dashboard-ingress", "tekton-pipelines", "tekton-dashboard",
                             stored_value(c, gen, NT_F_TEKTON_HOST), &content);
            if (put_rendered(root, &rel, r, &content, changed, diag) < 0)
                goto done;
        }
    }
    if (nt_cluster_is_virtual(c) && nonempty(c->f[NT_F_HOST_CLUSTER].s)) {
        nt_buf dir = NT_BUF_INIT;
        nt_tenant_path_vcluster_dir(&dir, c->f[NT_F_HOST_CLUSTER].s, c->name);
        nt_buf_reset(&rel);
        nt_buf_reset(&content);
        nt_buf_addf(&rel, "%s/vcluster-app.yaml", nt_buf_str(&dir));
        int r = vcluster_app(c->name, c->f[NT_F_HOST_CLUSTER].s, &content);
        if (put_rendered(root, &rel, r, &content, changed, diag) < 0) {
            nt_buf_free(&dir);
            goto done;
        }
        nt_buf_reset(&rel);
        nt_buf_reset(&content);
        nt_buf_addf(&rel, "%s/vcluster-initial/svc.yaml", nt_buf_str(&dir));
        nt_buf_free(&dir);
        r = vcluster_svc(c->name, c->f[NT_F_VCLUSTER_HTTPS_NODE_PORT].s, &content);
        if (put_rendered(root, &rel, r, &content, changed, diag) < 0)
            goto done;
    }
    rc = 0;
done:
    nt_buf_free(&rel);
    nt_buf_free(&content);
    return rc;
}

int nt_tenant_remove_cluster(const char *root, const nt_cluster *stored, nt_api_gen gen,
                             const nt_cluster_set *all, nt_buf *changed, nt_diag *diag)
{
    (void)all;
    nt_buf rel = NT_BUF_INIT;
    int rc = -1;
    const nt_cluster *c = stored;
    nt_tenant_path_cluster_file(&rel, c->name);
    if (del_file(root, nt_buf_str(&rel), changed, diag) < 0)
        goto done;
    nt_buf_reset(&rel);
    nt_buf_addf(&rel, "%s.yaml", c->name);
    if (update_kustomization(root, nt_buf_str(&rel), false, gen, changed, diag) < 0)
        goto done;
    nt_buf_reset(&rel);
    if (nt_cluster_is_host(c)) {
        nt_buf_addf(&rel, "host-clusters/%s", c->name);
        if (del_tree(root, nt_buf_str(&rel), changed, diag) < 0)
            goto done;
    } else {
        nt_buf_addf(&rel, "runtimes/%s-runtime", c->name);
        if (del_tree(root, nt_buf_str(&rel), changed, diag) < 0)
            goto done;
        if (nt_cluster_is_virtual(c) && nonempty(c->f[NT_F_HOST_CLUSTER].s)) {
            nt_buf_reset(&rel);
            nt_tenant_path_vcluster_dir(&rel, c->f[NT_F_HOST_CLUSTER].s, c->name);
            if (del_tree(root, nt_buf_str(&rel), changed, diag) < 0)
                goto done;
        }
    }
    rc = 0;
done:
    nt_buf_free(&rel);
    return rc;
}
