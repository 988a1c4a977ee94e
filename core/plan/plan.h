/* plan.h — what apply would do, in the order it would do it (docs/architecture.md §5).
 *
 * A plan is built from two normalised cluster sets (desired, observed). It holds one action
 * per cluster name (create / update / replace / delete / no-op) in display order, and the
 * operations to execute (DELETE or SAVE requests) as a dependency graph: a virtual cluster's
 * operations depend on its host's; deletions run dependents first. The plan borrows the
 * clusters of both sets: keep them alive as long as the plan. */
#ifndef NT_PLAN_H
#define NT_PLAN_H

#include "core/base/diag.h"
#include "core/base/name_table.h"
#include "core/model/model.h"
#include "core/model/normalize.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    NT_ACT_NOOP = 0,
    NT_ACT_CREATE,
    NT_ACT_UPDATE,
    NT_ACT_REPLACE,
    NT_ACT_DELETE
} nt_action_kind;

const char *nt_action_name(nt_action_kind k); /* "no-op", "create", "update", ... */

typedef struct nt_change {
    char *path;        /* "primary_domain", "components_list.gateway.additions.httpNodePort" */
    char *old_val;     /* NULL: not set before */
    char *new_val;     /* NULL: removed */
    bool sensitive;    /* both shown as "(sensitive)" */
    nt_path_kind kind; /* what path names (normalize.h), set where the change is made or read */
} nt_change;

typedef struct nt_action {
    char *cluster;
    nt_action_kind kind;
    char *reason; /* why: replace field, cascade from a host, --force-update, prune */
    nt_change *changes;
    size_t n_changes;
    const nt_cluster *desired; /* borrowed; NULL for delete */
    const nt_cluster *actual;  /* borrowed; NULL for create */
    char *label;               /* "virtual worker, deployment", "physical host" (or NULL) */
    char **notes; /* what the user must know about this action (a save resetting a field
                     the source cannot show), one sentence each */
    size_t n_notes;
    char **unseen; /* the fields this cluster declares that the source cannot show (as
                      plan->unseen names them), sorted; text only: a saved plan keeps
                      plan->unseen, not these */
    size_t n_unseen;
} nt_action;

typedef enum { NT_OP_DELETE = 0, NT_OP_SAVE } nt_op_kind;

typedef struct nt_op {
    nt_op_kind kind;
    size_t action; /* index into plan->actions */
    size_t *deps;  /* indices into plan->ops that must succeed first */
    size_t n_deps;
} nt_op;

typedef struct nt_plan {
    nt_action *actions; /* every declared or observed name, in execution order, no-ops last */
    size_t n_actions;
    nt_op *ops; /* topological order: deletes (dependents first), then saves */
    size_t n_ops;
    char **unmanaged; /* observed, not declared, not pruned */
    size_t n_unmanaged;
    char **unseen; /* declared fields the source could not show ("kubeconfig", ...) */
    size_t n_unseen;
    nt_api_gen gen; /* generation of the observed server */
    char *source;   /* observed source label */
    nt_source_kind source_kind;
    char fingerprint[65]; /* SHA-256 of the observed set's canonical form */
    size_t n_create, n_update, n_replace, n_delete;
    /* added for saved plans (plan_file.h): the desired set's input files and hashes, the
     * per-cluster hashes of the observed set (sorted by name), and the options used */
    nt_input *inputs;
    size_t n_inputs;
    char **observed_names;
    char (*observed_sha)[65];
    size_t n_observed;
    bool prune;
    bool destroy;
    char **targets;
    size_t n_targets;
    char **force;
    size_t n_force;
    char **args; /* the FILE arguments the plan was made from (as given; plan_file.h) */
    size_t n_args;
    char *observed_from; /* a read saved plan: its source, local paths usable from here */
} nt_plan;

typedef struct nt_plan_opts {
    bool prune;                 /* delete observed clusters the files do not declare */
    bool destroy;               /* --destroy: every declared cluster as if state: absent */
    const char *const *targets; /* --target NAME: those and what they depend on */
    size_t n_targets;
    const char *const *force; /* --force-update NAME */
    size_t n_force;
    bool skip_validation; /* do not re-run nt_validate_set / nt_validate_hosts (unit tests) */
    /* what nt_validate_set found for the generation `validated_gen` already (the run's one
     * validation before any request): used instead of a second pass when the observed
     * generation is that one, or, made for NT_GEN_UNKNOWN with validated_ends (from
     * nt_validate_set_marked), the start of nt_validate_set_again for the observed one;
     * NULL: validate here */
    const nt_diag *validated;
    const size_t *validated_ends;
    nt_api_gen validated_gen;
    bool need_kubeconfig; /* apply: a physical cluster this plan saves (create, update,
                             replace) whose kubeconfig_file was not read is an error */
} nt_plan_opts;

/* Normalise both sides, diff, order. Errors (prevent_destroy, physical update without a
 * kubeconfig, unknown --target, unknown host; with need_kubeconfig, a physical save whose
 * kubeconfig_file could not be read) go to diag; returns 0 or -1.
 * Unless opts->skip_validation, the desired set is validated for the observed generation
 * (nt_validate_set, gen = actual->gen; opts->validated when it was made for that one) and
 * the hosts with nt_validate_hosts.
 * *out is set on success (NULL on error). */
int nt_plan_build(nt_plan **out, const nt_cluster_set *desired, const nt_cluster_set *actual,
                  const nt_plan_opts *opts, nt_diag *diag);
bool nt_plan_has_changes(const nt_plan *plan);
void nt_plan_free(nt_plan *plan);

/* ---- a plan's actions (plan_action.c) ------------------------------------------------------ */

/* "virtual worker, deployment", "physical host"; NULL when nothing is known. */
char *nt_plan_label(const nt_cluster *c);
/* Recount n_create ... n_delete from the actions. */
void nt_plan_count(nt_plan *plan);

/* Cluster name -> action index (core/base/name_table.h over plan->actions[i].cluster). */
typedef nt_name_table nt_name_index;
#define NT_NO_ACTION ((size_t)-1)
void nt_name_index_build(nt_name_index *ix, const nt_plan *plan);
/* The action index of `name`, or NT_NO_ACTION. */
size_t nt_name_index_get(const nt_name_index *ix, const nt_plan *plan, const char *name);
void nt_name_index_free(nt_name_index *ix);

#endif
