/* emit_native.h — write a cluster set as a native-format clusters.yaml (for `nautes import`).
 *
 * The output declares what an observed set holds in the format `nautes plan` reads
 * (docs/architecture.md §3): a `clusters:` list, hosts first and then the others, each group in
 * name order, snake_case keys, and only what the server did not choose itself for the set's
 * generation (docs/api-server.md §7.2): a primary_domain equal to its default, components equal to
 * the defaults of the cluster's kind, empty maps and `cluster_kind: kubernetes` are left out.
 * Ports, Argo CD and Tekton hosts use the seed's spelling (traefik, argocd_host, tekton_host),
 * which the tool sends to both generations. Every physical cluster gets
 * `kubeconfig_file: <dir>/<name>.yaml` and a comment saying that file must be created: the
 * tool never sees a kubeconfig (the server keeps it in Vault).
 *
 * The YAML is produced by libyaml's emitter; comments, which libyaml cannot emit, are inserted
 * afterwards at the byte offsets the emitter reported at the event boundaries before the keys
 * they describe (never by searching the text). The result loads back through nt_load_buffer
 * to the same clusters as far as the plan compares them. */
#ifndef NT_EMIT_NATIVE_H
#define NT_EMIT_NATIVE_H

#include "core/base/buf.h"
#include "core/base/diag.h"
#include "core/model/model.h"

typedef struct nt_emit_opts {
    const char *source;         /* named in the header comment ("api http://..."); NULL: none */
    const char *kubeconfig_dir; /* placeholder directory, relative to the output file;
                                   NULL: "kubeconfigs" */
} nt_emit_opts;

/* Append the clusters.yaml for `set` to out (clusters with state: absent are skipped). Values
 * the source could not show and the file must still carry (a v0.3 physical cluster's traefik
 * ports) are written as the server's defaults with a comment, and a warning naming the cluster
 * is added to diag. Returns 0, or -1 with an error in diag (out is then unspecified). */
int nt_emit_native(const nt_cluster_set *set, const nt_emit_opts *opts, nt_buf *out, nt_diag *diag);

/* The primary_domain a server chooses when none is given: "<ip>.nip.io" when api_server's
 * host is an IPv4 address, else the host name. Appends to out; -1 when api_server has no host. */
int nt_emit_default_domain(const char *api_server, nt_buf *out);

#endif
