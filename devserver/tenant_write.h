/* tenant_write.h — the local server writes the tenant configuration repository as the API
 * Server does (docs/api-server.md §7.3, 7.4). Server-only: build/nautes does not link it. */
#ifndef NT_DEVSERVER_TENANT_WRITE_H
#define NT_DEVSERVER_TENANT_WRITE_H

#include "core/base/buf.h"
#include "core/base/diag.h"
#include "core/model/model.h"

/* Writer side (local server). `stored` is the cluster as the server keeps it (defaults
 * applied). Write/refresh every file the real server renders for it under `root`, the
 * Cluster file and the kustomization entry; remove them on delete. Paths written are
 * appended to `changed` (one per line) for the commit. */
int nt_tenant_write_cluster(const char *root, const nt_cluster *stored, nt_api_gen gen,
                            const nt_cluster_set *all, nt_buf *changed, nt_diag *diag);
int nt_tenant_remove_cluster(const char *root, const nt_cluster *stored, nt_api_gen gen,
                             const nt_cluster_set *all, nt_buf *changed, nt_diag *diag);

#endif
