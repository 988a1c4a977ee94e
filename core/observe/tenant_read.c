/* tenant_read.c — the clusters of a tenant configuration repository, read the way the API
 * Server wrote them (docs/api-server.md §7.3, 7.4): the Cluster files through the loader, then
 * the values they lack from the rendered files that hold them. Paths: tenant_layout.h. */
#include "core/observe/tenant_read.h"

#include "core/base/alloc.h"
#include "core/base/buf.h"
#include "core/load/load.h"
#include "core/model/tenant_layout.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

static int read_whole(const char *path, nt_buf *out)
{
    if (nt_buf_read_file(out, path, 0) == 0)
        return 0;
    return errno == ENOENT ? 1 : -1;
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool nonempty(const char *s)
{
    return s && *s;
}

void nt_tree_names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* ---- reader ------------------------------------------------------------------------------ */

static int fs_read(void *ctx, const char *path, nt_buf *out, nt_buf *err)
{
    nt_buf full = NT_BUF_INIT;
    nt_buf_addf(&full, "%s/%s", (const char *)ctx, path);
    int rc = read_whole(nt_buf_str(&full), out);
    if (rc < 0)
        nt_buf_addf(err, "cannot read %s: %s", nt_buf_str(&full), strerror(errno));
    nt_buf_free(&full);
    return rc;
}

static int fs_list(void *ctx, const char *dir, char ***names, size_t *n, nt_buf *err)
{
    *names = NULL;
    *n = 0;
    nt_buf full = NT_BUF_INIT;
    nt_buf_addf(&full, "%s/%s", (const char *)ctx, dir);
    DIR *d = opendir(nt_buf_str(&full));
    int rc = 0;
    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR) {
            rc = 1;
        } else {
            nt_buf_addf(err, "cannot list %s: %s", nt_buf_str(&full), strerror(errno));
            rc = -1;
        }
        goto done;
    }
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        nt_buf f = NT_BUF_INIT;
        nt_buf_addf(&f, "%s/%s", nt_buf_str(&full), e->d_name);
        struct stat st;
        bool reg = stat(nt_buf_str(&f), &st) == 0 && S_ISREG(st.st_mode);
        nt_buf_free(&f);
        if (!reg)
            continue;
        NT_GROW(*names, cap, *n + 1);
        (*names)[(*n)++] = nt_xstrdup(e->d_name);
    }
    closedir(d);
    if (*n > 1)
        qsort(*names, *n, sizeof(**names), cmp_cstr);
done:
    nt_buf_free(&full);
    return rc;
}

const nt_tree_reader nt_tree_reader_fs = {NULL, fs_read, fs_list};

/* Follow a path of mapping keys / sequence indexes ("#0") from the root of doc to a
 * scalar. */
static const char *yaml_lookup(yaml_document_t *doc, const char *const *path)
{
    yaml_node_t *n = yaml_document_get_root_node(doc);
    for (; n && *path; path++) {
        if ((*path)[0] == '#') {
            if (n->type != YAML_SEQUENCE_NODE)
                return NULL;
            long idx = strtol(*path + 1, NULL, 10);
            if (idx < 0 || n->data.sequence.items.start + idx >= n->data.sequence.items.top)
                return NULL;
            n = yaml_document_get_node(doc, n->data.sequence.items.start[idx]);
            continue;
        }
        if (n->type != YAML_MAPPING_NODE)
            return NULL;
        yaml_node_t *next = NULL;
        for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
             pr++) {
            yaml_node_t *k = yaml_document_get_node(doc, pr->key);
            if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, *path)) {
                next = yaml_document_get_node(doc, pr->value);
                break;
            }
        }
        n = next;
    }
    if (!n || n->type != YAML_SCALAR_NODE)
        return NULL;
    return (const char *)n->data.scalar.value;
}

/* Read one scalar out of a YAML text. 1 when the path is absent; -1 when not YAML. */
static int yaml_text_value(const char *text, size_t len, const char *const *path, nt_buf *out)
{
    yaml_parser_t p;
    yaml_document_t doc;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &doc)) {
        yaml_parser_delete(&p);
        return -1;
    }
    const char *v = yaml_lookup(&doc, path);
    int rc = 1;
    if (v) {
        nt_buf_adds(out, v);
        rc = 0;
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&p);
    return rc;
}

typedef struct read_ctx {
    const nt_tree_reader *r;
    const char *label;
    nt_diag *diag;
} read_ctx;

/* Set field f of c from the scalar at `path` of file `rel` (a Helm values block when
 * `inner` is given). A missing file leaves the field unset. */
static int complete_field(read_ctx *rc, nt_cluster_set *set, nt_cluster *c, nt_field f,
                          const char *rel, const char *const *path, const char *const *inner)
{
    nt_buf data = NT_BUF_INIT, err = NT_BUF_INIT, v = NT_BUF_INIT, file = NT_BUF_INIT;
    int ret = 0;
    int r = rc->r->read(rc->r->ctx, rel, &data, &err);
    if (r == 1)
        goto done;
    nt_buf_addf(&file, "%s/%s", rc->label, rel);
    nt_pos pos = {nt_cluster_set_intern(set, nt_buf_str(&file)), 1, 1};
    if (r < 0) {
        ret = nt_diag_add(rc->diag, NT_SEV_ERROR, pos, c->name, "%s", nt_buf_str(&err));
        goto done;
    }
    r = yaml_text_value(nt_buf_str(&data), data.len, path, &v);
    if (r == 0 && inner) {
        nt_buf outer = v;
        v = (nt_buf)NT_BUF_INIT;
        r = yaml_text_value(nt_buf_str(&outer), outer.len, inner, &v);
        nt_buf_free(&outer);
    }
    if (r < 0) {
        ret = nt_diag_add(rc->diag, NT_SEV_ERROR, pos, c->name,
                          "%s is not valid YAML: fix or re-save the cluster", rel);
        goto done;
    }
    if (r == 0)
        nt_cluster_set_field(c, f, nt_buf_str(&v), pos);
done:
    nt_buf_free(&data);
    nt_buf_free(&err);
    nt_buf_free(&v);
    nt_buf_free(&file);
    return ret;
}

int nt_tenant_read(const nt_tree_reader *r, const char *label, nt_cluster_set **out, nt_diag *diag)
{
    nt_cluster_set *set = nt_cluster_set_new();
    *out = set;
    char **names = NULL;
    size_t n = 0;
    nt_buf err = NT_BUF_INIT;
    int rc = 0;
    int lr = r->list(r->ctx, NT_CLUSTERS_DIR, &names, &n, &err);
    if (lr < 0) {
        rc = nt_diag_error(diag, "%s: %s", label, nt_buf_str(&err));
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        bool yaml = (len > 5 && !strcmp(names[i] + len - 5, ".yaml")) ||
                    (len > 4 && !strcmp(names[i] + len - 4, ".yml"));
        if (!yaml || !strcmp(names[i], "kustomization.yaml") ||
            !strcmp(names[i], "kustomization.yml"))
            continue;
        nt_buf rel = NT_BUF_INIT, data = NT_BUF_INIT, name = NT_BUF_INIT;
        nt_buf_addf(&rel, "%s/%s", NT_CLUSTERS_DIR, names[i]);
        nt_buf_addf(&name, "%s/%s", label, nt_buf_str(&rel));
        nt_buf_reset(&err);
        int fr = r->read(r->ctx, nt_buf_str(&rel), &data, &err);
        if (fr < 0)
            rc = nt_diag_error(diag, "%s: %s", label, nt_buf_str(&err));
        else if (fr == 0 &&
                 nt_load_buffer(set, nt_buf_str(&name), nt_buf_str(&data), data.len,
                                NT_LOAD_RESOURCE | NT_LOAD_NO_ENV | NT_LOAD_NO_KUBECONFIG,
                                diag) < 0)
            rc = -1;
        nt_buf_free(&rel);
        nt_buf_free(&data);
        nt_buf_free(&name);
    }

    read_ctx ctx = {r, label, diag};
    bool v04 = false, v03 = false;
    static const char *const helm[] = {"spec", "source", "helm", "values", NULL};
    static const char *const web[] = {"ports", "web", "nodePort", NULL};
    static const char *const websecure[] = {"ports", "websecure", "nodePort", NULL};
    static const char *const ingress_host[] = {"spec", "rules", "#0", "host", NULL};
    static const char *const svc_port[] = {"spec", "ports", "#0", "nodePort", NULL};
    for (size_t i = 0; i < set->n; i++) {
        nt_cluster *c = set->items[i];
        nt_buf rel = NT_BUF_INIT;
        if (c->comp[NT_C_GATEWAY]->declared || c->comp[NT_C_OAUTH_PROXY]->declared ||
            c->comp[NT_C_SECRET_MANAGEMENT]->declared)
            v04 = true;
        else
            v03 = true;
        if (nt_cluster_is_physical(c)) {
            nt_tenant_path_traefik(&rel, c);
            if (complete_field(&ctx, set, c, NT_F_TRAEFIK_HTTP_NODE_PORT, nt_buf_str(&rel), helm,
                               web) < 0 ||
                complete_field(&ctx, set, c, NT_F_TRAEFIK_HTTPS_NODE_PORT, nt_buf_str(&rel), helm,
                               websecure) < 0)
                rc = -1;
        }
        if (nt_cluster_is_worker(c)) {
            nt_buf_reset(&rel);
            nt_tenant_path_argocd(&rel, c->name);
            if (complete_field(&ctx, set, c, NT_F_ARGOCD_HOST, nt_buf_str(&rel), ingress_host,
                               NULL) < 0)
                rc = -1;
            if (nt_cluster_is_pipeline(c)) {
                nt_buf_reset(&rel);
                nt_tenant_path_tekton(&rel, c->name);
                if (complete_field(&ctx, set, c, NT_F_TEKTON_HOST, nt_buf_str(&rel), ingress_host,
                                   NULL) < 0)
                    rc = -1;
            }
        }
        if (nt_cluster_is_virtual(c) && nonempty(c->f[NT_F_HOST_CLUSTER].s)) {
            nt_buf_reset(&rel);
            nt_tenant_path_vcluster_dir(&rel, c->f[NT_F_HOST_CLUSTER].s, c->name);
            nt_buf_adds(&rel, "/vcluster-initial/svc.yaml");
            if (complete_field(&ctx, set, c, NT_F_VCLUSTER_HTTPS_NODE_PORT, nt_buf_str(&rel),
                               svc_port, NULL) < 0)
                rc = -1;
        }
        nt_buf_free(&rel);
    }
    set->gen = v04 ? NT_GEN_V04 : v03 ? NT_GEN_V03 : NT_GEN_UNKNOWN;
    set->visible = ((1u << NT_F_COUNT) - 1) & ~(1u << NT_F_KUBECONFIG);
    set->visible_extras = true;
    nt_cluster_set_sort(set);
done:
    nt_tree_names_free(names, n);
    nt_buf_free(&err);
    return rc;
}
