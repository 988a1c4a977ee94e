/* plan_impl.h — private interface between plan.c, plan_diff.c and plan_order.c. */
#ifndef NT_PLAN_IMPL_H
#define NT_PLAN_IMPL_H

#include "core/base/name_table.h"
#include "core/plan/plan.h"

/* Name -> action index (core/base/name_table.h over plan->actions[i].cluster). */
typedef nt_name_table nt_name_index;

void nt_name_index_build(nt_name_index *ix, const nt_plan *plan);
/* The action index of `name`, or (size_t)-1. */
size_t nt_name_index_get(const nt_name_index *ix, const nt_plan *plan, const char *name);
void nt_name_index_free(nt_name_index *ix);

#define NT_NO_ACTION ((size_t)-1)

/* Diff (plan_diff.c): one action per declared or observed name, unmanaged and unseen lists,
 * cascades of replaced hosts, prevent_destroy, --force-update, kubeconfig checks. hashes
 * (when non-NULL, actual->n slots) receives each observed cluster's canonical hash. */
int nt_diff_compute(nt_plan *plan, const nt_cluster_set *desired, const nt_cluster_set *actual,
                    const nt_plan_opts *opts, char (*hashes)[65], nt_diag *diag);

/* Order (plan_order.c): the operations and their dependencies, --target, execution order
 * of actions and ops, counts. */
int nt_order_build(nt_plan *plan, const nt_plan_opts *opts, nt_diag *diag);

/* "virtual worker, deployment", "physical host"; NULL when nothing is known. */
char *nt_plan_label(const nt_cluster *c);
/* The action name closest to a misspelt `name` (for "did you mean"), or NULL. */
const char *nt_plan_near_name(const nt_plan *plan, const char *name);
/* Recount n_create ... n_delete from the actions. */
void nt_plan_count(nt_plan *plan);
/* Free one action's contents. */
void nt_action_clear(nt_action *a);

#endif
