/* tenant_layout.h — the tenant configuration repository's layout (docs/api-server.md §7.3,
 * 7.4): which path holds what. The git state reader (core/observe/tenant_read.h) and the local
 * server's writer (devserver/tenant_write.h) both take their paths from here, so the two cannot
 * disagree; validation asks it which names the layout cannot hold. */
#ifndef NT_TENANT_LAYOUT_H
#define NT_TENANT_LAYOUT_H

#include "core/base/buf.h"
#include "core/model/model.h"

#define NT_CLUSTERS_DIR "nautes/overlays/production/clusters"
#define NT_KUSTOMIZATION NT_CLUSTERS_DIR "/kustomization.yaml"

/* The directories the writer owns (every file it writes or removes lies below one of them),
 * NULL-terminated. The local server restores exactly these to HEAD when it starts. */
extern const char *const nt_tenant_owned_paths[];

/* Why `name` cannot be a cluster name in this layout although it is a DNS-1123 label: a file
 * the cluster would get is a file the layout uses for something else (`kustomization`: its
 * Cluster file would be the clusters directory's kustomization.yaml). NULL when it can. */
const char *nt_tenant_reserved_name(const char *name);

/* Each appends a path relative to the repository root to b. */
void nt_tenant_path_cluster_file(nt_buf *b, const char *name); /* the Cluster resource file */
void nt_tenant_path_traefik(nt_buf *b, const nt_cluster *c);   /* traefik's node ports */
void nt_tenant_path_argocd(nt_buf *b, const char *name);       /* Argo CD's ingress host */
void nt_tenant_path_tekton(nt_buf *b, const char *name);       /* Tekton dashboard's host */
void nt_tenant_path_vcluster_dir(nt_buf *b, const char *host, const char *name);

#endif
