/* plan_order.c — the operations of a plan as a dependency graph (docs/architecture.md §5).
 *
 * A virtual cluster depends on its host. Deletions come first, dependents before what they
 * depend on (a virtual's DELETE before its host's DELETE); then saves, hosts before their
 * virtual clusters. A replace is a DELETE and a SAVE, the SAVE waiting for the DELETE. Each
 * operation lists only the operations it must wait for, so apply can run independent steps
 * side by side. */
#include "core/base/alloc.h"
#include "core/plan/plan_impl.h"

#include <stdlib.h>
#include <string.h>

typedef struct tmp_op {
    nt_op_kind kind;
    size_t action;
    size_t *deps;
    size_t n_deps, cap_deps;
    int group;
} tmp_op;

static void dep_add(tmp_op *op, size_t dep)
{
    for (size_t i = 0; i < op->n_deps; i++)
        if (op->deps[i] == dep)
            return;
    NT_GROW(op->deps, op->cap_deps, op->n_deps + 1);
    op->deps[op->n_deps++] = dep;
}

/* What the comparisons need (passed as qsort_r's context: no global state). */
typedef struct sort_ctx {
    const nt_plan *plan;
    const tmp_op *ops;
} sort_ctx;

static int cmp_op(const void *a, const void *b, void *ctx)
{
    const nt_plan *sort_plan = ((const sort_ctx *)ctx)->plan;
    const tmp_op *sort_ops = ((const sort_ctx *)ctx)->ops;
    const tmp_op *x = &sort_ops[*(const size_t *)a], *y = &sort_ops[*(const size_t *)b];
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return strcmp(sort_plan->actions[x->action].cluster, sort_plan->actions[y->action].cluster);
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_noop(const void *a, const void *b, void *ctx)
{
    const nt_plan *sort_plan = ((const sort_ctx *)ctx)->plan;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return strcmp(sort_plan->actions[x].cluster, sort_plan->actions[y].cluster);
}

/* Kahn's algorithm over the kept operations perm[0..nk), taking among the ready ones the
 * smallest by cmp_op (group, then name), so the order is stable and readable. perm is
 * rewritten in execution order. -1 on a cycle (perm then holds the sorted prefix and the
 * rest in any order). */
static void heap_push(size_t *h, size_t *n, size_t v, sort_ctx *ctx)
{
    size_t i = (*n)++;
    h[i] = v;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (cmp_op(&h[i], &h[up], ctx) >= 0)
            break;
        size_t t = h[i];
        h[i] = h[up];
        h[up] = t;
        i = up;
    }
}

static size_t heap_pop(size_t *h, size_t *n, sort_ctx *ctx)
{
    size_t top = h[0];
    h[0] = h[--(*n)];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < *n && cmp_op(&h[l], &h[m], ctx) < 0)
            m = l;
        if (r < *n && cmp_op(&h[r], &h[m], ctx) < 0)
            m = r;
        if (m == i)
            break;
        size_t t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
    return top;
}

static int topo_sort(const tmp_op *ops, size_t *perm, size_t nk, size_t nops, sort_ctx *ctx)
{
    size_t *indeg = nt_xcalloc(nops + 1, sizeof(size_t));
    size_t *start = nt_xcalloc(nops + 2, sizeof(size_t)); /* reverse edges, CSR */
    bool *kept = nt_xcalloc(nops + 1, sizeof(bool));
    for (size_t i = 0; i < nk; i++)
        kept[perm[i]] = true;
    size_t edges = 0;
    for (size_t i = 0; i < nk; i++) {
        const tmp_op *o = &ops[perm[i]];
        for (size_t d = 0; d < o->n_deps; d++) {
            start[o->deps[d] + 1]++;
            edges++;
        }
        indeg[perm[i]] = o->n_deps;
    }
    for (size_t i = 0; i < nops; i++)
        start[i + 1] += start[i];
    size_t *rev = nt_xcalloc(edges + 1, sizeof(size_t));
    size_t *fill = nt_xcalloc(nops + 1, sizeof(size_t));
    for (size_t i = 0; i < nk; i++) {
        const tmp_op *o = &ops[perm[i]];
        for (size_t d = 0; d < o->n_deps; d++) {
            size_t from = o->deps[d];
            rev[start[from] + fill[from]++] = perm[i];
        }
    }
    size_t *heap = nt_xcalloc(nk + 1, sizeof(size_t)), hn = 0;
    for (size_t i = 0; i < nk; i++)
        if (!indeg[perm[i]])
            heap_push(heap, &hn, perm[i], ctx);
    size_t out = 0;
    while (hn) {
        size_t v = heap_pop(heap, &hn, ctx);
        perm[out++] = v;
        kept[v] = false;
        for (size_t e = start[v]; e < start[v + 1]; e++)
            if (--indeg[rev[e]] == 0)
                heap_push(heap, &hn, rev[e], ctx);
    }
    int rc = 0;
    if (out < nk) {
        rc = -1;
        for (size_t i = 0; i < nops; i++)
            if (kept[i])
                perm[out++] = i;
    }
    free(indeg);
    free(start);
    free(kept);
    free(rev);
    free(fill);
    free(heap);
    return rc;
}

int nt_order_build(nt_plan *p, const nt_plan_opts *opts, nt_diag *diag)
{
    int rc = 0;
    size_t na = p->n_actions;
    size_t *del = nt_xcalloc(na + 1, sizeof(size_t)); /* op index + 1 */
    size_t *save = nt_xcalloc(na + 1, sizeof(size_t));
    bool *keep = nt_xcalloc(na + 1, sizeof(bool));
    tmp_op *ops = nt_xcalloc(2 * na + 1, sizeof(tmp_op));
    size_t nops = 0;
    size_t *perm = NULL, *newop = NULL, *order = NULL, *newact = NULL, *queue = NULL;
    nt_name_index ix = NT_NAME_TABLE_INIT;
    nt_name_index_build(&ix, p);

    for (size_t i = 0; i < na; i++) {
        const nt_action *a = &p->actions[i];
        if (a->kind == NT_ACT_DELETE || a->kind == NT_ACT_REPLACE) {
            ops[nops] =
                (tmp_op){NT_OP_DELETE, i, NULL, 0, 0, nt_cluster_is_host(a->actual) ? 1 : 0};
            del[i] = ++nops;
        }
        if (a->kind == NT_ACT_CREATE || a->kind == NT_ACT_UPDATE || a->kind == NT_ACT_REPLACE) {
            ops[nops] = (tmp_op){NT_OP_SAVE, i, NULL, 0, 0, nt_cluster_is_host(a->desired) ? 2 : 3};
            save[i] = ++nops;
        }
    }
    for (size_t i = 0; i < na; i++) {
        const nt_action *a = &p->actions[i];
        if (del[i]) {
            /* the DELETE of a virtual cluster's host waits for the virtual's DELETE */
            const char *h = nt_cluster_host(a->actual);
            size_t hk = h ? nt_name_index_get(&ix, p, h) : NT_NO_ACTION;
            if (hk != NT_NO_ACTION && del[hk])
                dep_add(&ops[del[hk] - 1], del[i] - 1);
        }
        if (save[i]) {
            if (del[i])
                dep_add(&ops[save[i] - 1], del[i] - 1);
            const char *h = nt_cluster_host(a->desired);
            size_t hk = h ? nt_name_index_get(&ix, p, h) : NT_NO_ACTION;
            if (hk != NT_NO_ACTION && save[hk])
                dep_add(&ops[save[i] - 1], save[hk] - 1);
        }
    }

    /* --target: those clusters and everything their operations wait for */
    if (opts && opts->n_targets) {
        queue = nt_xcalloc(na + 1, sizeof(size_t));
        size_t qn = 0;
        for (size_t t = 0; t < opts->n_targets; t++) {
            size_t k = nt_name_index_get(&ix, p, opts->targets[t]);
            if (k == NT_NO_ACTION) {
                const char *near = nt_plan_near_name(p, opts->targets[t]);
                rc = nt_diag_add(diag, NT_SEV_ERROR, NT_POS_NONE, opts->targets[t],
                                 "--target %s: no cluster of that name in these files or on "
                                 "the server%s%s%s",
                                 opts->targets[t], near ? ": did you mean " : "", near ? near : "",
                                 near ? "?" : "");
                continue;
            }
            if (!keep[k]) {
                keep[k] = true;
                queue[qn++] = k;
            }
        }
        for (size_t q = 0; q < qn; q++) {
            size_t k = queue[q];
            size_t mine[2] = {del[k], save[k]};
            for (int m = 0; m < 2; m++) {
                if (!mine[m])
                    continue;
                const tmp_op *op = &ops[mine[m] - 1];
                for (size_t d = 0; d < op->n_deps; d++) {
                    size_t dk = ops[op->deps[d]].action;
                    if (!keep[dk]) {
                        keep[dk] = true;
                        queue[qn++] = dk;
                    }
                }
            }
            /* a replaced host's virtual clusters are replaced with it */
            const nt_action *a = &p->actions[k];
            if (a->kind == NT_ACT_REPLACE && del[k]) {
                for (size_t j = 0; j < na; j++) {
                    if (keep[j] || !del[j])
                        continue;
                    const char *h = nt_cluster_host(p->actions[j].actual);
                    if (h && !strcmp(h, a->cluster)) {
                        keep[j] = true;
                        queue[qn++] = j;
                    }
                }
            }
        }
        for (size_t i = 0; i < p->n_unmanaged; i++)
            free(p->unmanaged[i]);
        p->n_unmanaged = 0;
    } else {
        for (size_t i = 0; i < na; i++)
            keep[i] = true;
    }

    /* sort the kept operations: group (virtual deletes, host deletes, host saves, other
     * saves), then name */
    perm = nt_xcalloc(nops + 1, sizeof(size_t));
    size_t nk = 0;
    for (size_t i = 0; i < nops; i++)
        if (keep[ops[i].action])
            perm[nk++] = i;
    sort_ctx sc = {p, ops};
    if (topo_sort(ops, perm, nk, nops, &sc) < 0)
        rc = nt_diag_add(diag, NT_SEV_ERROR, NT_POS_NONE, NULL,
                         "dependency cycle between the clusters' operations (a host that is "
                         "also a virtual cluster?)");
    newop = nt_xcalloc(nops + 1, sizeof(size_t));
    for (size_t i = 0; i < nk; i++)
        newop[perm[i]] = i;

    /* actions: in the order of their first operation, then the no-ops by name */
    order = nt_xcalloc(na + 1, sizeof(size_t));
    newact = nt_xcalloc(na + 1, sizeof(size_t));
    bool *placed = nt_xcalloc(na + 1, sizeof(bool));
    size_t nord = 0;
    for (size_t i = 0; i < nk; i++) {
        size_t k = ops[perm[i]].action;
        if (!placed[k]) {
            placed[k] = true;
            order[nord++] = k;
        }
    }
    size_t first_noop = nord;
    for (size_t i = 0; i < na; i++)
        if (keep[i] && !placed[i]) {
            placed[i] = true;
            order[nord++] = i;
        }
    /* the unchanged clusters come in the observed set's order, by name already as a rule */
    bool sorted = true;
    for (size_t i = first_noop + 1; sorted && i < nord; i++)
        sorted = cmp_noop(&order[i - 1], &order[i], &sc) <= 0;
    if (!sorted)
        qsort_r(order + first_noop, nord - first_noop, sizeof(size_t), cmp_noop, &sc);

    nt_action *acts = nt_xcalloc(nord + 1, sizeof(nt_action));
    for (size_t i = 0; i < nord; i++) {
        acts[i] = p->actions[order[i]];
        newact[order[i]] = i;
    }
    for (size_t i = 0; i < na; i++)
        if (!keep[i])
            nt_action_clear(&p->actions[i]);
    free(p->actions);
    free(placed);
    p->actions = acts;
    p->n_actions = nord;

    p->ops = nt_xcalloc(nk + 1, sizeof(nt_op));
    p->n_ops = nk;
    for (size_t i = 0; i < nk; i++) {
        tmp_op *t = &ops[perm[i]];
        nt_op *o = &p->ops[i];
        o->kind = t->kind;
        o->action = newact[t->action];
        o->n_deps = t->n_deps;
        o->deps = nt_xcalloc(t->n_deps + 1, sizeof(size_t));
        for (size_t d = 0; d < t->n_deps; d++) {
            o->deps[d] = newop[t->deps[d]];
        }
        qsort(o->deps, o->n_deps, sizeof(size_t), cmp_size);
    }
    nt_plan_count(p);

    for (size_t i = 0; i < nops; i++)
        free(ops[i].deps);
    free(ops);
    free(del);
    free(save);
    free(keep);
    free(perm);
    free(newop);
    free(order);
    free(newact);
    free(queue);
    nt_name_index_free(&ix);
    return rc;
}
