/* plan_file.h — saved plans (`nautes plan --out FILE`, `nautes show FILE`, `nautes apply FILE`).
 *
 * A saved plan is the JSON document of docs/plan-json.md plus {"nautes_plan": 1}, the
 * options the plan was made with, the FILE arguments (absolute), and the per-cluster hashes
 * of the observed state. It holds no secret (no kubeconfig, no token) and is written with
 * mode 0600 anyway (a temporary file created O_EXCL beside the target, then renamed).
 *
 * How `nautes apply PLAN` uses it:
 *   nt_plan_file_read(PLAN, &saved, diag);
 *   nt_load_paths(&desired, saved->args, saved->n_args, 0, diag);   (the same files)
 *   nt_observe(state, cfg, &actual, diag);                           (observe again)
 *   nt_plan_file_opts(saved, &opts);                                 (the same options)
 *   nt_plan_build(&fresh, desired, actual, &opts, diag);
 *   nt_plan_file_check(saved, desired, fresh, diag)  -> -1 when stale: refuse
 *   then execute fresh->ops (identical to the saved plan's when the check passed). */
#ifndef NT_PLAN_FILE_H
#define NT_PLAN_FILE_H

#include "core/diag.h"
#include "core/model.h"
#include "core/plan.h"

/* Record the FILE arguments the plan was made from (stored as absolute paths). */
void nt_plan_set_args(nt_plan *plan, const char *const *paths, size_t n);

/* Write the saved plan to path (mode 0600, replacing an existing file atomically). */
int nt_plan_file_write(const nt_plan *plan, const char *path, nt_diag *diag);

/* Read a saved plan into a new nt_plan (actions, changes, ops, unmanaged, not compared,
 * inputs, fingerprint, observed hashes, options, args). Its actions have desired/actual
 * NULL. Returns 0, or -1 with one error naming the file. */
int nt_plan_file_read(const char *path, nt_plan **out, nt_diag *diag);

/* The options a saved plan was made with; the pointers borrow from saved. */
void nt_plan_file_opts(const nt_plan *saved, nt_plan_opts *opts);

/* Is the saved plan still what `fresh` (made now from `desired` and a new observation with
 * the saved options) would do? Errors name each input file that changed, appeared or went
 * away (SHA-256 after interpolation) and each cluster whose observed state changed. Returns
 * 0 when the saved plan may be applied, -1 otherwise. */
int nt_plan_file_check(const nt_plan *saved, const nt_cluster_set *desired, const nt_plan *fresh,
                       nt_diag *diag);

#endif
