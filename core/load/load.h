/* load.h — the desired-state loader (libyaml).
 *
 * Reads both input formats of docs/architecture.md §3 into one nt_cluster_set:
 *   - the native format: a mapping with `clusters:`, a list of snake_case entries;
 *   - the Nautes Go CLI's documents: `---`-separated `kind: Cluster` documents with
 *     `apiVersion: nautes.resource.nautes.io/v1alpha1` and a camelCase `spec` (`spec.name`);
 *   - with NT_LOAD_RESOURCE, the Cluster resource files the API Server writes into the tenant
 *     repository (docs/api-server.md §7.4: `metadata.name`, `status`, server-only components).
 * Every value keeps its file:line:column. `${VAR}`, `${VAR:-default}` and `$$` are replaced
 * from the environment inside scalars (unless NT_LOAD_NO_ENV); `kubeconfig_file` is read
 * relative to the file naming it. Ports given as YAML numbers become strings.
 *
 * kubeconfig_file: no plan needs the kubeconfig's contents (no source shows it), so a file
 * that is missing or cannot be read is not an error: the reason is kept in the cluster's
 * kubeconfig_unread and said in a note, and only apply refuses to save such a cluster
 * (nt_plan_opts.need_kubeconfig). A file that can never hold a kubeconfig is an error in every
 * mode, found with stat(2) before any open: empty (0 bytes), a directory, a named pipe, a
 * device, a socket. Non-regular files are never opened, so nothing blocks on them.
 *
 * All problems are reported (not only the first) into diag with positions; unknown keys get
 * a "did you mean". Hostile input (alias bombs, deep nesting, huge scalars, invalid UTF-8,
 * binary data) gives an error with bounded memory. */
#ifndef NT_LOAD_H
#define NT_LOAD_H

#include "core/base/diag.h"
#include "core/model/model.h"

#include <stddef.h>

enum {
    NT_LOAD_RESOURCE = 1u << 0,        /* accept Cluster resource files (tenant repository) */
    NT_LOAD_NO_ENV = 1u << 1,          /* no ${VAR} interpolation (data from a repository) */
    NT_LOAD_NO_KUBECONFIG = 1u << 2,   /* do not read kubeconfig_file contents (graph) */
    NT_LOAD_KUBECONFIG_QUIET = 1u << 3 /* no note for an unread kubeconfig_file (apply: the
                                          plan says which clusters need it) */
};

/* Limits on one input (bytes, nesting depth, alias expansions). */
#define NT_LOAD_MAX_FILE (64u * 1024u * 1024u)
#define NT_LOAD_MAX_DEPTH 64

/* Load every path: a file, or a directory whose *.yaml / *.yml files (not recursive) are
 * read in name order. A cluster name declared twice is an error naming both places. Each
 * file's SHA-256 after interpolation is recorded in set->inputs (kubeconfig files are not
 * inputs: a plan saved without them applies where they are). *out is always set (possibly partial;
 * free it). Returns 0 when no error was added to diag, -1 otherwise. */
int nt_load_paths(nt_cluster_set **out, const char *const *paths, size_t n, unsigned flags,
                  nt_diag *diag);

/* Load one in-memory document stream named `name` (used for positions and for resolving
 * kubeconfig_file) and append its clusters to set. Same return convention. */
int nt_load_buffer(nt_cluster_set *set, const char *name, const char *data, size_t len,
                   unsigned flags, nt_diag *diag);

#endif
