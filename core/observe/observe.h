/* observe.h — read the actual state from where --state says (docs/architecture.md §7).
 *
 * The one place plan and apply turn a state spec into an observed cluster set: "api" (or
 * NULL, the default) is one GET /api/v1/clusters through nt_api_list; "git:PATH_OR_URL[#REF]"
 * reads the tenant configuration repository through nt_git_observe. */
#ifndef NT_OBSERVE_H
#define NT_OBSERVE_H

#include "core/base/diag.h"
#include "core/observe/http.h"
#include "core/model/model.h"

/* *out is the observed set on success. cfg may be NULL for git: specs (no token, default
 * TLS settings); the API source needs it. Returns 0, or -1 with the error in diag. */
int nt_observe(const char *state_spec, const nt_http_config *cfg, nt_cluster_set **out,
               nt_diag *diag);

/* Is the spec a git: source? (cmd/ then does not require an API server.) */
int nt_observe_is_git(const char *state_spec);
/* 0 when the spec is api, empty, or git: with a repository; else -1 and an error saying what
 * --state accepts (checked before anything else is asked of the connection). */
int nt_observe_check_spec(const char *state_spec, nt_diag *diag);

#endif
