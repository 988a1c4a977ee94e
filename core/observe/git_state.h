/* git_state.h — observe the actual state from the tenant configuration repository (libgit2).
 *
 * `--state git:PATH_OR_URL[#REF]` (docs/architecture.md §7): the Cluster files the API Server
 * wrote (docs/api-server.md §7.3, 7.4) are read at one commit, through nt_tenant_read, so this
 * source sees every field but the kubeconfig and needs no API access: the drift check for CI.
 *
 * A local path (working tree or bare repository) is opened in place, never cloned, and its
 * committed tree is read (not the working tree's files). A URL (https://, http://, file://,
 * ssh://) is fetched into a bare cache repository $XDG_CACHE_HOME/nautes/<sha256 of URL>
 * (default ~/.cache/nautes), mode 0700, locked with flock while in use so that two runs can
 * share it: one fetch per run; a cache whose data is damaged is removed and fetched again once,
 * under the lock, with a note. The token (cfg->token) is given to libgit2's credential
 * callback as the password of user `oauth2` (GitLab's convention), only for the scheme, host
 * and port of the URL given (never after a redirect elsewhere), and never written to the
 * cache; cfg->cacert and cfg->insecure govern the TLS check. Messages show the URL through
 * nt_redact_urls. */
#ifndef NT_GIT_STATE_H
#define NT_GIT_STATE_H

#include "core/base/diag.h"
#include "core/observe/http.h"
#include "core/model/model.h"

/* `spec` is what follows "git:" — PATH_OR_URL[#REF]. REF is a branch, tag or commit (id or
 * unique prefix); the default is `main` (the remote's, or the local repository's branch),
 * else the repository's HEAD (a URL: the remote's default branch). cfg may be NULL (no
 * token, default TLS settings). On success *out is the observed set, its source and the
 * positions labelled "git:URL#REF@<short commit>". Returns 0, or -1 with one clear error
 * in diag (no repository, no such REF, unreachable URL, credentials asked for by another
 * origin, a corrupt Cluster file at its position). A commit without the clusters directory
 * is a tenant with no cluster yet: an empty set and a note. */
int nt_git_observe(const char *spec, const nt_http_config *cfg, nt_cluster_set **out,
                   nt_diag *diag);

#endif
