/* plan_json.c — the plan as one JSON document (schema: docs/plan-json.md), for --json, show
 * --json and saved plans alike. */
#include "core/plan/plan_json.h"

#include "core/base/alloc.h"

#include <stdlib.h>
#include <string.h>

static cJSON *value_json(nt_path_kind kind, const char *v)
{
    if (!v)
        return cJSON_CreateNull();
    if (kind == NT_PATH_MAP) {
        cJSON *arr = cJSON_Parse(v);
        if (arr)
            return arr;
    }
    return cJSON_CreateString(v);
}

static cJSON *str_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *strv_json(char *const *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(v[i]));
    return arr;
}

cJSON *nt_plan_to_json(const nt_plan *plan, bool saved)
{
    cJSON *doc = cJSON_CreateObject();
    if (saved)
        cJSON_AddNumberToObject(doc, "nautes_plan", 1);
    cJSON_AddNumberToObject(doc, "format_version", 1);
    cJSON_AddItemToObject(doc, "source", str_or_null(plan->source));
    cJSON_AddStringToObject(doc, "server_generation", nt_gen_name(plan->gen));

    cJSON *actions = cJSON_AddArrayToObject(doc, "actions");
    for (size_t i = 0; i < plan->n_actions; i++) {
        const nt_action *a = &plan->actions[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "cluster", a->cluster);
        cJSON_AddStringToObject(o, "action", nt_action_name(a->kind));
        cJSON_AddItemToObject(o, "kind", str_or_null(a->label));
        cJSON_AddItemToObject(o, "reason", str_or_null(a->reason));
        cJSON_AddItemToObject(o, "notes", strv_json(a->notes, a->n_notes));
        if (a->n_unseen) /* only when some: the plans saved before keep their plan_sha256 */
            cJSON_AddItemToObject(o, "not_compared", strv_json(a->unseen, a->n_unseen));
        cJSON *changes = cJSON_AddArrayToObject(o, "changes");
        for (size_t j = 0; j < a->n_changes; j++) {
            const nt_change *c = &a->changes[j];
            cJSON *co = cJSON_CreateObject();
            cJSON_AddStringToObject(co, "path", c->path);
            cJSON_AddItemToObject(
                co, "old", c->sensitive ? cJSON_CreateNull() : value_json(c->kind, c->old_val));
            cJSON_AddItemToObject(
                co, "new", c->sensitive ? cJSON_CreateNull() : value_json(c->kind, c->new_val));
            cJSON_AddBoolToObject(co, "sensitive", c->sensitive);
            cJSON_AddItemToArray(changes, co);
        }
        cJSON_AddItemToArray(actions, o);
    }

    cJSON *ops = cJSON_AddArrayToObject(doc, "operations");
    for (size_t i = 0; i < plan->n_ops; i++) {
        const nt_op *op = &plan->ops[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double)i);
        cJSON_AddStringToObject(o, "method", op->kind == NT_OP_DELETE ? "DELETE" : "POST");
        cJSON_AddStringToObject(o, "cluster", plan->actions[op->action].cluster);
        cJSON *deps = cJSON_AddArrayToObject(o, "depends_on");
        for (size_t d = 0; d < op->n_deps; d++)
            cJSON_AddItemToArray(deps, cJSON_CreateNumber((double)op->deps[d]));
        cJSON_AddItemToArray(ops, o);
    }

    cJSON_AddItemToObject(doc, "unmanaged", strv_json(plan->unmanaged, plan->n_unmanaged));
    cJSON_AddItemToObject(doc, "not_compared", strv_json(plan->unseen, plan->n_unseen));
    cJSON *sum = cJSON_AddObjectToObject(doc, "summary");
    cJSON_AddNumberToObject(sum, "add", (double)plan->n_create);
    cJSON_AddNumberToObject(sum, "change", (double)plan->n_update);
    cJSON_AddNumberToObject(sum, "replace", (double)plan->n_replace);
    cJSON_AddNumberToObject(sum, "destroy", (double)plan->n_delete);

    cJSON *inputs = cJSON_AddArrayToObject(doc, "input_files");
    for (size_t i = 0; i < plan->n_inputs; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", plan->inputs[i].path);
        cJSON_AddStringToObject(o, "sha256", plan->inputs[i].sha256);
        cJSON_AddItemToArray(inputs, o);
    }
    cJSON_AddStringToObject(doc, "observed_fingerprint", plan->fingerprint);

    if (saved) {
        cJSON *opt = cJSON_AddObjectToObject(doc, "options");
        cJSON_AddBoolToObject(opt, "prune", plan->prune);
        if (plan->destroy)
            cJSON_AddBoolToObject(opt, "destroy", true);
        cJSON_AddItemToObject(opt, "targets", strv_json(plan->targets, plan->n_targets));
        cJSON_AddItemToObject(opt, "force_update", strv_json(plan->force, plan->n_force));
        cJSON *obs = cJSON_AddArrayToObject(doc, "observed");
        for (size_t i = 0; i < plan->n_observed; i++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "cluster", plan->observed_names[i]);
            cJSON_AddStringToObject(o, "sha256", plan->observed_sha[i]);
            cJSON_AddItemToArray(obs, o);
        }
    }
    return doc;
}
