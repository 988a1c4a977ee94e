/* plan_impl.h — private interface between the plan's parts: plan.c (the whole) calls
 * plan_diff.c and plan_order.c, and the three use plan_action.c. Nothing outside core/plan/
 * includes it: what others need is in plan.h. */
#ifndef NT_PLAN_IMPL_H
#define NT_PLAN_IMPL_H

#include "core/plan/plan.h"

/* Diff (plan_diff.c): one action per declared or observed name, unmanaged and unseen lists,
 * cascades of replaced hosts, prevent_destroy, --force-update, kubeconfig checks. hashes
 * (when non-NULL, actual->n slots) receives each observed cluster's canonical hash. */
int nt_diff_compute(nt_plan *plan, const nt_cluster_set *desired, const nt_cluster_set *actual,
                    const nt_plan_opts *opts, char (*hashes)[65], nt_diag *diag);

/* Order (plan_order.c): the operations and their dependencies, --target, execution order
 * of actions and ops, counts. */
int nt_order_build(nt_plan *plan, const nt_plan_opts *opts, nt_diag *diag);

/* The action name closest to a misspelt `name` (for "did you mean"), or NULL. */
const char *nt_plan_near_name(const nt_plan *plan, const char *name);
/* Free one action's contents. */
void nt_action_clear(nt_action *a);

#endif
