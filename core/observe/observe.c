/* observe.c — dispatch a --state spec to its source (observe.h). */
#include "core/observe/observe.h"

#include "core/observe/git_state.h"

#include <string.h>

int nt_observe_is_git(const char *state_spec)
{
    return state_spec && !strncmp(state_spec, "git:", 4);
}

int nt_observe_check_spec(const char *state_spec, nt_diag *diag)
{
    if (!state_spec || !*state_spec || !strcmp(state_spec, "api"))
        return 0;
    if (nt_observe_is_git(state_spec))
        return state_spec[4] ? 0
                             : nt_diag_error(diag, "--state git: needs a repository: "
                                                   "git:URL_OR_PATH[#REF]");
    return nt_diag_error(diag,
                         "--state %s: unknown state source; use api or "
                         "git:URL_OR_PATH[#REF]",
                         state_spec);
}

int nt_observe(const char *state_spec, const nt_http_config *cfg, nt_cluster_set **out,
               nt_diag *diag)
{
    *out = NULL;
    if (!state_spec || !*state_spec || !strcmp(state_spec, "api")) {
        if (!cfg)
            return nt_diag_error(diag, "no API server: pass --api-server URL or set "
                                       "NAUTES_API_SERVER");
        return nt_api_list(cfg, out, diag);
    }
    if (nt_observe_check_spec(state_spec, diag) < 0)
        return -1;
    return nt_git_observe(state_spec + 4, cfg, out, diag);
}
