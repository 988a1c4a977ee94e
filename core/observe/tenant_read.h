/* tenant_read.h — read the clusters of a tenant configuration repository as the API Server
 * wrote them (docs/api-server.md §7.3, 7.4). Reading goes through an nt_tree_reader, a read-only
 * view of one revision (a working tree, or a libgit2 tree); the paths come from
 * core/model/tenant_layout.h. */
#ifndef NT_TENANT_READ_H
#define NT_TENANT_READ_H

#include "core/base/buf.h"
#include "core/base/diag.h"
#include "core/model/model.h"

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

/* Free an array of names as nt_tree_reader.list returns it. */
void nt_tree_names_free(char **names, size_t n);

#endif
