/* plan.c — nt_plan_build: validate against the observed generation, diff, order,
 * fingerprint (plan.h). */
#include "core/base/alloc.h"
#include "core/base/suggest.h"
#include "core/model/normalize.h"
#include "core/plan/plan_impl.h"
#include "core/load/validate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- plan ------------------------------------------------------------------------------ */

static char **strv_copy(const char *const *v, size_t n)
{
    char **out = nt_xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        out[i] = nt_xstrdup(v[i]);
    return out;
}

static void strv_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* Per-cluster hashes of the observed set (*h, in item order, from the diff), sorted by name,
 * and the fingerprint over them. An observed set is read sorted (nt_cluster_set_sort), so the
 * plan takes the hashes as they are (*h becomes NULL) instead of copying each one. */
static void fingerprint(nt_plan *p, const nt_cluster_set *actual, char (**h)[65])
{
    size_t n = actual->n;
    size_t *order = nt_cluster_set_name_order(actual);
    nt_normalize_fingerprint_of(actual, *h, order, p->fingerprint);
    bool sorted = true;
    for (size_t i = 0; i < n && sorted; i++)
        sorted = order[i] == i;
    p->observed_names = nt_xcalloc(n + 1, sizeof(char *));
    if (sorted) {
        p->observed_sha = *h;
        *h = NULL;
    } else {
        p->observed_sha = nt_xcalloc(n + 1, sizeof(*p->observed_sha));
    }
    for (size_t i = 0; i < n; i++) {
        p->observed_names[i] = nt_xstrdup(actual->items[order[i]]->name);
        if (!sorted)
            memcpy(p->observed_sha[i], (*h)[order[i]], 65);
    }
    p->n_observed = n;
    free(order);
}

/* Every save of a physical cluster sends its kubeconfig (the API Server stores it on each
 * save), so apply refuses, before its first request, a plan that saves one whose
 * kubeconfig_file could not be read; one error per cluster, naming the file. A plan without
 * need_kubeconfig goes on: the loader's note already said the file was not read. */
static int check_kubeconfigs(const nt_plan *p, nt_diag *diag)
{
    int rc = 0;
    for (size_t i = 0; i < p->n_ops; i++) {
        if (p->ops[i].kind != NT_OP_SAVE)
            continue;
        const nt_action *a = &p->actions[p->ops[i].action];
        const nt_cluster *d = a->desired;
        if (!d || !nt_cluster_is_physical(d) || d->f[NT_F_KUBECONFIG].s || !d->kubeconfig_file.s)
            continue;
        const char *verb = a->kind == NT_ACT_CREATE    ? "create"
                           : a->kind == NT_ACT_REPLACE ? "re-create"
                                                       : "save";
        rc = nt_diag_add(diag, NT_SEV_ERROR, nt_cluster_pos(d, NT_AT_KUBECONFIG_FILE), d->name,
                         "apply would %s physical cluster %s, which needs its kubeconfig on "
                         "every save, but kubeconfig_file '%s' was not read (%s); nothing was "
                         "sent",
                         verb, d->name, d->kubeconfig_file.s,
                         d->kubeconfig_unread ? d->kubeconfig_unread : "not loaded");
    }
    return rc;
}

int nt_plan_build(nt_plan **out, const nt_cluster_set *desired, const nt_cluster_set *actual,
                  const nt_plan_opts *opts, nt_diag *diag)
{
    *out = NULL;
    int rc = 0;
    nt_diag local = NT_DIAG_INIT;
    nt_plan *p = nt_xcalloc(1, sizeof(*p));
    char(*hashes)[65] = nt_xcalloc(actual->n + 1, sizeof(*hashes));
    p->gen = actual->gen;
    p->source = nt_xstrdup(actual->source ? actual->source : "");
    p->source_kind = actual->source_kind;

    if (!opts || !opts->skip_validation) {
        nt_validate_opts vo = {actual->gen, false};
        nt_diag own = NT_DIAG_INIT;
        const nt_diag *pre = &own;
        if (opts && opts->validated && opts->validated_gen == actual->gen)
            pre = opts->validated;
        else if (opts && opts->validated && opts->validated_ends &&
                 opts->validated_gen == NT_GEN_UNKNOWN)
            nt_validate_set_again(desired, actual->gen, opts->validated, opts->validated_ends,
                                  &own);
        else
            nt_validate_set(desired, &vo, &own);
        /* Now that the server was observed, "the host is not declared, it must already
         * exist" is settled by nt_validate_hosts (fine, or an error): drop the note. */
        for (size_t i = 0; i < pre->n; i++) {
            const nt_diag_item *it = &pre->items[i];
            if (it->code != NT_RULE_HOST_NOT_DECLARED)
                nt_diag_addc(&local, it->sev, it->code, (nt_pos){it->file, it->line, it->col},
                             it->cluster, "%s", it->msg);
        }
        nt_diag_free(&own);
        nt_validate_hosts(desired, actual, &local);
    }
    if (nt_diff_compute(p, desired, actual, opts, hashes, &local) < 0)
        rc = -1;
    if (!nt_diag_has_errors(&local) && nt_order_build(p, opts, &local) < 0)
        rc = -1;
    if (!nt_diag_has_errors(&local) && opts && opts->need_kubeconfig &&
        check_kubeconfigs(p, &local) < 0)
        rc = -1;
    if (nt_diag_has_errors(&local))
        rc = -1;
    nt_diag_move(diag, &local);
    if (rc < 0)
        goto done;

    fingerprint(p, actual, &hashes);
    p->inputs = nt_xcalloc(desired->n_inputs + 1, sizeof(nt_input));
    for (size_t i = 0; i < desired->n_inputs; i++) {
        p->inputs[i].path = nt_xstrdup(desired->inputs[i].path);
        memcpy(p->inputs[i].sha256, desired->inputs[i].sha256, 65);
    }
    p->n_inputs = desired->n_inputs;
    if (opts) {
        p->prune = opts->prune;
        p->destroy = opts->destroy;
        p->targets = strv_copy(opts->targets, opts->n_targets);
        p->n_targets = opts->n_targets;
        p->force = strv_copy(opts->force, opts->n_force);
        p->n_force = opts->n_force;
    }
    *out = p;
    p = NULL;
done:
    free(hashes);
    nt_diag_free(&local);
    nt_plan_free(p);
    return rc;
}

bool nt_plan_has_changes(const nt_plan *plan)
{
    return plan && (plan->n_create + plan->n_update + plan->n_replace + plan->n_delete) > 0;
}

void nt_plan_free(nt_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_actions; i++)
        nt_action_clear(&p->actions[i]);
    free(p->actions);
    for (size_t i = 0; i < p->n_ops; i++)
        free(p->ops[i].deps);
    free(p->ops);
    strv_free(p->unmanaged, p->n_unmanaged);
    strv_free(p->unseen, p->n_unseen);
    free(p->source);
    for (size_t i = 0; i < p->n_inputs; i++)
        free(p->inputs[i].path);
    free(p->inputs);
    strv_free(p->observed_names, p->n_observed);
    free(p->observed_sha);
    strv_free(p->targets, p->n_targets);
    strv_free(p->force, p->n_force);
    strv_free(p->args, p->n_args);
    free(p->observed_from);
    free(p);
}
