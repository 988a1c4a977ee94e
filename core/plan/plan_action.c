/* plan_action.c — one action of a plan and the plan's actions as a whole: names, labels,
 * counts, the lookup by cluster name. The floor of the plan's three parts: plan.c builds a plan
 * with plan_diff.c and plan_order.c, and all three use what is here (plan_impl.h). */
#include "core/plan/plan_impl.h"

#include "core/base/alloc.h"
#include "core/base/buf.h"
#include "core/base/suggest.h"

#include <stdlib.h>
#include <string.h>

const char *nt_action_name(nt_action_kind k)
{
    switch (k) {
    case NT_ACT_NOOP:
        return "no-op";
    case NT_ACT_CREATE:
        return "create";
    case NT_ACT_UPDATE:
        return "update";
    case NT_ACT_REPLACE:
        return "replace";
    case NT_ACT_DELETE:
        return "delete";
    }
    return "unknown";
}

char *nt_plan_label(const nt_cluster *c)
{
    if (!c)
        return NULL;
    const char *type = c->f[NT_F_CLUSTER_TYPE].s;
    const char *usage = c->f[NT_F_USAGE].s;
    const char *wt = c->f[NT_F_WORKER_TYPE].s;
    nt_buf b = NT_BUF_INIT;
    if (type && *type)
        nt_buf_adds(&b, type);
    if (usage && *usage)
        nt_buf_addf(&b, "%s%s", b.len ? " " : "", usage);
    if (wt && *wt && !(usage && !strcmp(usage, "host")))
        nt_buf_addf(&b, "%s%s", b.len ? ", " : "", wt);
    if (!b.len) {
        nt_buf_free(&b);
        return NULL;
    }
    return nt_buf_detach(&b);
}

/* ---- name index ------------------------------------------------------------------------ */

static const char *action_cluster_at(const void *items, size_t i)
{
    return ((const nt_action *)items)[i].cluster;
}

void nt_name_index_build(nt_name_index *ix, const nt_plan *plan)
{
    nt_name_table_index(ix, plan->n_actions, action_cluster_at, plan->actions);
}

size_t nt_name_index_get(const nt_name_index *ix, const nt_plan *plan, const char *name)
{
    return nt_name_table_find(ix, name, action_cluster_at, plan->actions);
}

void nt_name_index_free(nt_name_index *ix)
{
    nt_name_table_free(ix);
}

void nt_plan_count(nt_plan *p)
{
    p->n_create = p->n_update = p->n_replace = p->n_delete = 0;
    for (size_t i = 0; i < p->n_actions; i++) {
        switch (p->actions[i].kind) {
        case NT_ACT_CREATE:
            p->n_create++;
            break;
        case NT_ACT_UPDATE:
            p->n_update++;
            break;
        case NT_ACT_REPLACE:
            p->n_replace++;
            break;
        case NT_ACT_DELETE:
            p->n_delete++;
            break;
        case NT_ACT_NOOP:
            break;
        }
    }
}

void nt_action_clear(nt_action *a)
{
    free(a->cluster);
    free(a->reason);
    free(a->label);
    for (size_t i = 0; i < a->n_changes; i++) {
        free(a->changes[i].path);
        free(a->changes[i].old_val);
        free(a->changes[i].new_val);
    }
    free(a->changes);
    for (size_t i = 0; i < a->n_notes; i++)
        free(a->notes[i]);
    free(a->notes);
    for (size_t i = 0; i < a->n_unseen; i++)
        free(a->unseen[i]);
    free(a->unseen);
    memset(a, 0, sizeof(*a));
}

const char *nt_plan_near_name(const nt_plan *plan, const char *name)
{
    const char **names = nt_xcalloc(plan->n_actions + 1, sizeof(char *));
    for (size_t i = 0; i < plan->n_actions; i++)
        names[i] = plan->actions[i].cluster;
    const char *near = nt_suggest(name, names, plan->n_actions);
    free(names);
    return near;
}
