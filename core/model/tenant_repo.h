/* tenant_repo.h — the tenant configuration repository's layout (docs/api-server.md §7.3, 7.4).
 *
 * One module knows where the API Server writes what: the local server writes through it and
 * the git state source reads through it, so the two cannot disagree. Reading goes through an
 * nt_tree_reader, a read-only view of one revision (a working tree, or a libgit2 tree). */
#ifndef NT_TENANT_REPO_H
#define NT_TENANT_REPO_H

#include "core/base/buf.h"
#include "core/base/diag.h"
#include "core/model/model.h"

#define NT_CLUSTERS_DIR "nautes/overlays/production/clusters"

/* The directories the writer owns (every file it writes or removes lies below one of them),
 * NULL-terminated. The local server restores exactly these to HEAD when it starts. */
extern const char *const nt_tenant_owned_paths[];

/* Why `name` cannot be a cluster name in this layout although it is a DNS-1123 label: a file
 * the cluster would get is a file the layout uses for something else (`kustomization`: its
 * Cluster file would be the clusters directory's kustomization.yaml). NULL when it can. */
const char *nt_tenant_reserved_name(const char *name);

typedef struct nt_tree_reader {
    void *ctx;
    /* Read the file at `path` (relative to the repository root) into out.
     * Returns 0, 1 when there is no such file, -1 on error (message in err). */
    int (*read)(void *ctx, const char *path, nt_buf *out, nt_buf *err);
    /* List the names of the entries of directory `dir` (files only), sorted. *names is an
     * array of malloc'd strings the caller frees. 1 when the directory does not exist. */
    int (*list)(void *ctx, const char *dir, char ***names, size_t *n, nt_buf *err);
} nt_tree_reader;

/* A reader over a directory on disk (a working tree). ctx is the root path. */
extern const nt_tree_reader nt_tree_reader_fs;

/* Read every Cluster file of the clusters directory into a new set (through the loader with
 * NT_LOAD_RESOURCE | NT_LOAD_NO_ENV), and complete it with the values the Cluster file lacks
 * from the rendered files that hold them: traefik node ports, the Argo CD and Tekton hosts,
 * the vcluster port. The result sees every field but the kubeconfig (set->visible).
 * `label` names the source in positions ("git:/path#main"). Returns 0 or -1. */
int nt_tenant_read(const nt_tree_reader *r, const char *label, nt_cluster_set **out, nt_diag *diag);

/* Writer side (local server). `stored` is the cluster as the server keeps it (defaults
 * applied). Write/refresh every file the real server renders for it under `root`, the
 * Cluster file and the kustomization entry; remove them on delete. Paths written are
 * appended to `changed` (one per line) for the commit. */
int nt_tenant_write_cluster(const char *root, const nt_cluster *stored, nt_api_gen gen,
                            const nt_cluster_set *all, nt_buf *changed, nt_diag *diag);
int nt_tenant_remove_cluster(const char *root, const nt_cluster *stored, nt_api_gen gen,
                             const nt_cluster_set *all, nt_buf *changed, nt_diag *diag);

#endif
