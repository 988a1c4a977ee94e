#include "core/session/session.h"

#include "core/base/alloc.h"
#include "core/load/load.h"
#include "core/load/validate.h"
#include "core/observe/observe.h"
#include "core/plan/plan_file.h"

#include <stdlib.h>
#include <string.h>

void nt_session_init(nt_session *s)
{
    memset(s, 0, sizeof(*s));
}

int nt_session_load(nt_session *s, const char *const *paths, size_t n, unsigned load_flags)
{
    return nt_load_paths(&s->desired, paths, n, load_flags, &s->diag);
}

int nt_session_load_saved(nt_session *s, const char *path, unsigned load_flags, nt_plan_opts *opts)
{
    if (nt_plan_file_read(path, &s->saved, &s->diag) < 0)
        return -1;
    if (nt_session_load(s, (const char *const *)s->saved->args, s->saved->n_args, load_flags) < 0)
        return -1;
    nt_plan_file_opts(s->saved, opts);
    return 0;
}

int nt_session_validate(nt_session *s)
{
    nt_validate_opts vo = {NT_GEN_UNKNOWN, false};
    free(s->checked_ends);
    s->checked_ends = nt_xcalloc(s->desired->n + 1, sizeof(*s->checked_ends));
    int rc = nt_validate_set_marked(s->desired, &vo, &s->checked, s->checked_ends);
    if (rc < 0 || nt_diag_has_errors(&s->checked)) {
        nt_diag_move(&s->diag, &s->checked);
        return -1;
    }
    s->validated = true;
    return 0;
}

void nt_session_connect(nt_session *s, nt_http_config *cfg)
{
    if (s->connected)
        nt_http_config_free(&s->http);
    s->http = *cfg;
    memset(cfg, 0, sizeof(*cfg));
    s->connected = true;
}

int nt_session_observe(nt_session *s, const char *state)
{
    return nt_observe(state, s->connected ? &s->http : NULL, &s->actual, &s->diag);
}

int nt_session_plan(nt_session *s, const nt_plan_opts *opts)
{
    nt_plan_opts po = *opts;
    if (s->validated) {
        po.validated = &s->checked;
        po.validated_ends = s->checked_ends;
        po.validated_gen = NT_GEN_UNKNOWN;
    }
    if (nt_plan_build(&s->plan, s->desired, s->actual, &po, &s->diag) < 0)
        return -1;
    if (s->saved && nt_plan_file_check(s->saved, s->desired, s->plan, &s->diag) < 0)
        return -1;
    return 0;
}

void nt_session_free(nt_session *s)
{
    if (!s)
        return;
    nt_plan_free(s->plan);
    nt_plan_free(s->saved);
    nt_cluster_set_free(s->actual);
    nt_cluster_set_free(s->desired);
    if (s->connected)
        nt_http_config_free(&s->http);
    nt_diag_free(&s->checked);
    free(s->checked_ends);
    nt_diag_free(&s->diag);
    memset(s, 0, sizeof(*s));
}
