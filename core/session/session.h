/* session.h — one run of plan, apply or import: load -> validate (once) -> connect -> observe
 * -> plan (docs/architecture.md §1, §8).
 *
 * The commands in cmd/nautes/ are short lists of these calls, each a stage of the pipeline;
 * a stage that fails returns -1 and its messages are in s->diag, with every message of the
 * run before it, each once:
 *
 *   nt_session s;
 *   nt_session_init(&s);
 *   if (nt_session_load(&s, paths, n, 0) < 0 || nt_session_validate(&s) < 0 ||
 *       <connect: nt_session_connect(&s, &cfg)> || nt_session_observe(&s, state) < 0 ||
 *       nt_session_plan(&s, &opts) < 0)
 *       ...report s.diag...
 *   nt_session_free(&s);
 *
 * Validation: the file is checked once, before any request, with the rules of either
 * generation; an error stops the run there. Its findings are kept (not yet reported) and
 * become the plan's when the observed generation is unknown; once the generation is known the
 * plan checks the file for that generation instead (a rule that differs by generation can only
 * be settled then), so every warning reaches s->diag once. */
#ifndef NT_SESSION_H
#define NT_SESSION_H

#include "core/base/diag.h"
#include "core/model/model.h"
#include "core/observe/http.h"
#include "core/plan/plan.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct nt_session {
    nt_diag diag;            /* every message of the run so far */
    nt_cluster_set *desired; /* load */
    nt_plan *saved;          /* nt_session_load_saved: the plan file as read */
    nt_diag checked;         /* validate: the findings, before the plan takes them over */
    size_t *checked_ends;    /* validate: per cluster, as nt_validate_set_marked records them */
    bool validated;
    nt_http_config http; /* connect (owned; the token is wiped on free) */
    bool connected;
    nt_cluster_set *actual; /* observe */
    nt_plan *plan;          /* plan */
} nt_session;

void nt_session_init(nt_session *s);

/* Load the desired state from files and directories (nt_load_paths with `load_flags`).
 * Returns 0, or -1 when a file could not be read or holds an error. */
int nt_session_load(nt_session *s, const char *const *paths, size_t n, unsigned load_flags);

/* Read the saved plan at `path` (s->saved), then load the files it was made from; *opts gets
 * the plan's options (borrowed from s->saved). Returns 0 or -1. */
int nt_session_load_saved(nt_session *s, const char *path, unsigned load_flags, nt_plan_opts *opts);

/* Validate the loaded set once, before any request, with the rules of either generation.
 * Returns -1 with every finding in s->diag when one is an error; 0 otherwise (the findings are
 * kept for nt_session_plan). */
int nt_session_validate(nt_session *s);

/* Take over the HTTP configuration (*cfg is left empty): the source the run observes through
 * and the server apply writes to. */
void nt_session_connect(nt_session *s, nt_http_config *cfg);

/* Observe the actual state from `state` ("api" or NULL: the API Server, through the
 * connection; "git:URL_OR_PATH[#REF]": the tenant repository). Returns 0 or -1. */
int nt_session_observe(nt_session *s, const char *state);

/* Plan once: normalise, diff and order the loaded set against the observed one (nt_plan_build,
 * with the validation of nt_session_validate); with a saved plan, check that it is still what
 * this plan is (nt_plan_file_check). Returns 0 or -1. */
int nt_session_plan(nt_session *s, const nt_plan_opts *opts);

/* Free what the session holds (NULL is fine). */
void nt_session_free(nt_session *s);

#endif
