/* apply_fixtures.h — a hand-built plan for the tests of core/apply/ (test_apply.c,
 * test_apply_report.c): clusters, actions and ops with their dependencies, no loader. */
#ifndef NT_TESTS_APPLY_FIXTURES_H
#define NT_TESTS_APPLY_FIXTURES_H

#include "core/plan/plan.h"

#include <stdlib.h>
#include <string.h>

/* ---- a hand-built plan --------------------------------------------------------------- */

typedef struct fixture {
    nt_plan plan;
    nt_cluster *clusters[8];
    size_t n_clusters;
} fixture;

static inline nt_cluster *cluster(fixture *f, const char *name, const char *host)
{
    nt_cluster *c = nt_cluster_new();
    c->name = strdup(name);
    nt_cluster_set_field(c, NT_F_API_SERVER, "https://10.0.0.1:6443", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_CLUSTER_TYPE, host ? "virtual" : "physical", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_USAGE, host ? "worker" : "host", NT_POS_NONE);
    if (host) {
        nt_cluster_set_field(c, NT_F_HOST_CLUSTER, host, NT_POS_NONE);
        nt_cluster_set_field(c, NT_F_WORKER_TYPE, "deployment", NT_POS_NONE);
    } else {
        nt_cluster_set_field(c, NT_F_KUBECONFIG, "kubeconfig-CONTENTS", NT_POS_NONE);
    }
    f->clusters[f->n_clusters++] = c;
    return c;
}

static inline void add_action(fixture *f, const char *name, const char *host, nt_action_kind kind)
{
    nt_plan *p = &f->plan;
    p->actions = realloc(p->actions, (p->n_actions + 1) * sizeof(*p->actions));
    nt_action *a = &p->actions[p->n_actions++];
    memset(a, 0, sizeof(*a));
    a->cluster = strdup(name);
    a->kind = kind;
    nt_cluster *c = cluster(f, name, host);
    if (kind != NT_ACT_DELETE)
        a->desired = c;
    if (kind != NT_ACT_CREATE)
        a->actual = c;
}

/* deps: -1 terminated list of op indices */
static inline void add_op(fixture *f, nt_op_kind kind, size_t action, const int *deps)
{
    nt_plan *p = &f->plan;
    p->ops = realloc(p->ops, (p->n_ops + 1) * sizeof(*p->ops));
    nt_op *op = &p->ops[p->n_ops++];
    memset(op, 0, sizeof(*op));
    op->kind = kind;
    op->action = action;
    size_t n = 0;
    while (deps && deps[n] >= 0)
        n++;
    op->deps = calloc(n ? n : 1, sizeof(size_t));
    for (size_t i = 0; i < n; i++)
        op->deps[i] = (size_t)deps[i];
    op->n_deps = n;
}

static inline void fixture_free(fixture *f)
{
    for (size_t i = 0; i < f->plan.n_actions; i++)
        free(f->plan.actions[i].cluster);
    for (size_t i = 0; i < f->plan.n_ops; i++)
        free(f->plan.ops[i].deps);
    free(f->plan.actions);
    free(f->plan.ops);
    for (size_t i = 0; i < f->n_clusters; i++)
        nt_cluster_free(f->clusters[i]);
}

#endif
