/* tenant_layout.c — which path of the tenant configuration repository holds what
 * (docs/api-server.md §7.3, 7.4): the one place the reader (core/observe/tenant_read.c) and the
 * local server's writer (devserver/tenant_write.c) take their paths from. */
#include "core/model/tenant_layout.h"

#include <string.h>

/* ---- paths ------------------------------------------------------------------------------- */

const char *const nt_tenant_owned_paths[] = {NT_CLUSTERS_DIR, "host-clusters", "runtimes", NULL};

const char *nt_tenant_reserved_name(const char *name)
{
    /* NAME.yaml in the clusters directory is the only path built from a name alone next to a
     * fixed file; every other path adds a suffix (NAME-runtime) or a directory level. */
    if (name && !strcmp(name, "kustomization"))
        return "its Cluster file would replace " NT_KUSTOMIZATION ", the list of the clusters";
    return NULL;
}

void nt_tenant_path_cluster_file(nt_buf *b, const char *name)
{
    nt_buf_addf(b, "%s/%s.yaml", NT_CLUSTERS_DIR, name);
}

void nt_tenant_path_traefik(nt_buf *b, const nt_cluster *c)
{
    if (nt_cluster_is_host(c))
        nt_buf_addf(b, "host-clusters/%s/production/traefik-app.yaml", c->name);
    else
        nt_buf_addf(b, "runtimes/%s-runtime/production/traefik-app.yaml", c->name);
}

void nt_tenant_path_argocd(nt_buf *b, const char *name)
{
    nt_buf_addf(b, "runtimes/%s-runtime/argocd/overlays/production/ingress-argocd-server.yaml",
                name);
}

void nt_tenant_path_tekton(nt_buf *b, const char *name)
{
    nt_buf_addf(b, "runtimes/%s-runtime/tekton/overlays/production/ingress-tekton-dashboard.yaml",
                name);
}

void nt_tenant_path_vcluster_dir(nt_buf *b, const char *host, const char *name)
{
    nt_buf_addf(b, "host-clusters/%s/vclusters/%s", host, name);
}
