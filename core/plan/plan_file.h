/* plan_file.h — saved plans (`nautes plan --out FILE`, `nautes show FILE`, `nautes apply FILE`).
 *
 * A saved plan is the JSON document of docs/plan-json.md plus {"nautes_plan": 2}, the
 * options the plan was made with, the FILE arguments, the per-cluster hashes of the observed
 * state, where it was observed, and the SHA-256 of its content (plan_sha256). A local path
 * in it is relative to the plan file's directory (unless it was given absolute and lies
 * outside that directory), so the plan applies from any working directory, and after moving
 * the directory that holds it and its inputs. It holds no secret
 * (no kubeconfig, no token) and is written with mode 0600 anyway, through
 * core/base/atomic_write.h.
 *
 * How `nautes apply PLAN` uses it:
 *   nt_plan_file_read(PLAN, &saved, diag);                          (refused when edited)
 *   nt_load_paths(&desired, saved->args, saved->n_args, 0, diag);   (the same files)
 *   nt_observe(state, cfg, &actual, diag);                           (observe again)
 *   nt_plan_file_opts(saved, &opts);                                 (the same options)
 *   nt_plan_build(&fresh, desired, actual, &opts, diag);
 *   nt_plan_file_check(saved, desired, fresh, diag)  -> -1: refuse
 *   then execute fresh->ops (identical to the saved plan's when the check passed). */
#ifndef NT_PLAN_FILE_H
#define NT_PLAN_FILE_H

#include "core/base/diag.h"
#include "core/model/model.h"
#include "core/plan/plan.h"

/* Record the FILE arguments the plan was made from (as given, normalized). */
void nt_plan_set_args(nt_plan *plan, const char *const *paths, size_t n);

/* Is path a regular file holding a saved plan (the "nautes_plan" marker, any version)? */
bool nt_plan_file_is_saved(const char *path);

/* May a run that read `inputs` write an output (`what`: "the plan", "the JUnit report") to
 * path? Refused with an error naming path: a directory, a device, anything but a regular
 * file (nt_write_atomic_check); one of the inputs (the same file, also through a link); with
 * saved_plan, an existing file that is not a saved plan. Returns 0 or -1. */
int nt_plan_output_check(const char *path, const char *what, bool saved_plan,
                         const nt_input *inputs, size_t n_inputs, nt_diag *diag);

/* Write the saved plan to path (mode 0600, atomically) after nt_plan_output_check: it
 * replaces only a plan saved before, never one of its inputs. */
int nt_plan_file_write(const nt_plan *plan, const char *path, nt_diag *diag);

/* Read a saved plan into a new nt_plan (actions, changes, ops, unmanaged, not compared,
 * inputs, fingerprint, observed hashes, options, args, observed_from; paths made usable
 * from the working directory). Its actions have desired/actual NULL. A plan whose content
 * does not match its plan_sha256 (edited by hand) is refused. Returns 0, or -1 with one
 * error naming the file. */
int nt_plan_file_read(const char *path, nt_plan **out, nt_diag *diag);

/* The options a saved plan was made with; the pointers borrow from saved. */
void nt_plan_file_opts(const nt_plan *saved, nt_plan_opts *opts);

/* Is the saved plan still what `fresh` (made now from `desired` and a new observation with
 * the saved options) would do? Refused, with errors: another source or server generation
 * than the plan observed (naming both); each input file that changed, appeared or went away
 * (SHA-256 after interpolation); each cluster whose observed state changed; and, when all of
 * that is the same, any difference between the saved content and the new plan's (a value,
 * an action, a request), so apply never sends other than what nautes show PLAN shows.
 * Returns 0 when the saved plan may be applied, -1 otherwise. */
int nt_plan_file_check(const nt_plan *saved, const nt_cluster_set *desired, const nt_plan *fresh,
                       nt_diag *diag);

#endif
