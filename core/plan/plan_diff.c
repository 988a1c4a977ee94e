/* plan_diff.c — which action each cluster needs (docs/architecture.md §5).
 *
 * Identity is the name. Both sides are flattened by normalize.c; a desired entry is compared
 * only when the observed source can show its path, so server defaults never show as
 * changes. A change of one of the five NT_FIELD_REPLACE fields is a replace: the real API
 * Server accepts such a save and the cluster breaks later (docs/api-server.md §6.3). */
#include "core/base/alloc.h"
#include "core/model/normalize.h"
#include "core/plan/plan_impl.h"

#include <stdlib.h>
#include <string.h>

/* A change of the entry e (of either side): its path, what the path names, and whether it is
 * a secret (then neither value is kept). */
static void add_change(nt_action *a, size_t *cap, const nt_norm_entry *e, const char *old_val,
                       const char *new_val)
{
    NT_GROW(a->changes, *cap, a->n_changes + 1);
    nt_change *c = &a->changes[a->n_changes++];
    c->path = nt_xstrdup(e->path);
    c->kind = e->info.kind;
    c->sensitive = e->sensitive;
    c->old_val = c->sensitive ? NULL : nt_xstrdup(old_val);
    c->new_val = c->sensitive ? NULL : nt_xstrdup(new_val);
}

static size_t new_action(nt_plan *p, size_t *cap, const char *name, nt_action_kind kind)
{
    NT_GROW(p->actions, *cap, p->n_actions + 1);
    nt_action *a = &p->actions[p->n_actions];
    memset(a, 0, sizeof(*a));
    a->cluster = nt_xstrdup(name);
    a->kind = kind;
    return p->n_actions++;
}

/* Add entry e's "not compared" name to the set (*set, *n, *cap) unless it holds it: maps
 * collapse to the map's name; few distinct values, so a linear set is enough. */
static void unseen_set_add(char ***set, size_t *n, size_t *cap, const nt_norm_entry *e)
{
    /* a map by its name, a category ("components_list.gateway") or its additions as one */
    size_t len = e->info.prefix;
    for (size_t i = 0; i < *n; i++)
        if (strlen((*set)[i]) == len && !strncmp((*set)[i], e->path, len))
            return;
    NT_GROW(*set, *cap, *n + 1);
    (*set)[(*n)++] = nt_xstrndup(e->path, len);
}

/* A field the source cannot show: in the plan's list, and in the action's. */
static void unseen_add(nt_plan *p, size_t *cap, nt_action *a, size_t *acap, const nt_norm_entry *e)
{
    unseen_set_add(&p->unseen, &p->n_unseen, cap, e);
    unseen_set_add(&a->unseen, &a->n_unseen, acap, e);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *or_none(const char *s)
{
    return s && *s ? s : "(none)";
}

/* Does the server keep no place for `path` in this cluster? A v0.4 server keeps only the
 * component categories of the cluster's kind (docs/api-server.md §3.2) and drops the rest
 * silently, and the seed fields (traefik.*, argocd_host, tekton_host) live in those
 * categories' additions: a virtual deployment worker has no gateway, a host no deployment.
 * Declaring one of them is then not a change the server could ever make. */
static bool kept_nowhere(const nt_norm *obs, const nt_path_info *pi)
{
    switch (pi->kind) {
    case NT_PATH_FIELD:
        return (nt_fields[pi->field].flags & NT_FIELD_V03_ONLY) != 0;
    case NT_PATH_COMPONENT:
    case NT_PATH_ADDITION:
        /* kept nowhere when the server shows nothing of the category */
        for (size_t i = 0; i < obs->n; i++) {
            const nt_path_info *oi = &obs->e[i].info;
            if (oi->kind >= NT_PATH_COMPONENT && oi->comp == pi->comp && oi->kind != NT_PATH_MAP)
                return false;
        }
        return true;
    case NT_PATH_MAP:
    case NT_PATH_UNKNOWN:
        break;
    }
    return false;
}

/* Compare a declared, observed cluster; fills a->changes and returns the replace field (or
 * NT_F_COUNT). */
static nt_field compare(nt_plan *p, size_t *unseen_cap, nt_action *a, const nt_cluster *d,
                        const nt_cluster *o, const nt_cluster_set *actual, const nt_norm *obs)
{
    nt_norm nd = NT_NORM_INIT;
    const nt_norm no = *obs;
    size_t cap = 0, ucap = 0;
    nt_field replace = NT_F_COUNT;
    nt_normalize_desired(d, &nd);
    for (size_t i = 0; i < nd.n; i++) {
        const nt_norm_entry *e = &nd.e[i];
        if (!nt_normalize_visible_info(actual, &e->info)) {
            /* a v0.3 server keeps the seed spelling only: the addition is compared (or
             * listed) through it */
            if (!(actual->gen == NT_GEN_V03 &&
                  nt_normalize_seed_field_info(&e->info) != NT_F_COUNT))
                unseen_add(p, unseen_cap, a, &ucap, e);
            continue;
        }
        const nt_norm_entry *ov = nt_norm_find(&no, e->path);
        if (ov && !strcmp(ov->value, e->value))
            continue;
        if (!ov && kept_nowhere(&no, &e->info))
            continue;
        add_change(a, &cap, e, ov ? ov->value : NULL, e->value);
        nt_field f = e->info.field; /* NT_F_COUNT but for a field */
        if (f != NT_F_COUNT && (nt_fields[f].flags & NT_FIELD_REPLACE) && f < replace)
            replace = f;
    }
    if (a->n_unseen > 1)
        qsort(a->unseen, a->n_unseen, sizeof(char *), cmp_str);
    /* a map declared whole: keys only the server has are removals */
    for (size_t k = 0; k < nd.n_owned; k++) {
        size_t plen = strlen(nd.owned[k]);
        for (size_t i = 0; i < no.n; i++)
            if (!strncmp(no.e[i].path, nd.owned[k], plen) && !nt_norm_find(&nd, no.e[i].path))
                add_change(a, &cap, &no.e[i], no.e[i].value, NULL);
    }
    if (replace == NT_F_HOST_CLUSTER || replace == NT_F_WORKER_TYPE) {
        /* "" and absent are the same for these two (hosts have neither) */
        const char *x = o->f[replace].s, *y = d->f[replace].s;
        if (!strcmp(x ? x : "", y ? y : "")) {
            replace = NT_F_COUNT;
            for (size_t i = 0; i < a->n_changes; i++) {
                nt_field f = nt_field_by_name(a->changes[i].path);
                if (f != NT_F_COUNT && (nt_fields[f].flags & NT_FIELD_REPLACE) &&
                    strcmp(or_none(o->f[f].s), or_none(d->f[f].s)) && f < replace)
                    replace = f;
            }
        }
    }
    nt_norm_free(&nd);
    return replace;
}

static bool is_forced(const nt_plan_opts *o, const char *name)
{
    for (size_t i = 0; o && i < o->n_force; i++)
        if (!strcmp(o->force[i], name))
            return true;
    return false;
}

static void set_replace_reason(nt_action *a, nt_field f, const nt_cluster *d, const nt_cluster *o)
{
    nt_buf b = NT_BUF_INIT;
    nt_buf_addf(&b,
                "%s changes from %s to %s: the API Server accepts such a change and breaks "
                "later, so the cluster is deleted and created again",
                nt_fields[f].snake, or_none(o->f[f].s),
                or_none(f == NT_F_CLUSTER_KIND && !d->f[f].s ? "kubernetes" : d->f[f].s));
    free(a->reason);
    a->reason = nt_buf_detach(&b);
}

/* Drop changes whose old and new value are the same once "" equals absent. */
static void drop_empty_changes(nt_action *a)
{
    size_t w = 0;
    for (size_t i = 0; i < a->n_changes; i++) {
        nt_change *c = &a->changes[i];
        bool same =
            !c->sensitive && !strcmp(c->old_val ? c->old_val : "", c->new_val ? c->new_val : "");
        nt_field f = nt_field_by_name(c->path);
        if (same && (f == NT_F_HOST_CLUSTER || f == NT_F_WORKER_TYPE)) {
            free(c->path);
            free(c->old_val);
            free(c->new_val);
            continue;
        }
        a->changes[w++] = *c;
    }
    a->n_changes = w;
}

/* A save sends a whole cluster: a field the file omits (in both spellings) is reset to the
 * server's default. When the source cannot show the field's current value the plan cannot
 * show that change: say so on the action, and how to see the value. The fields are those the
 * generation stores for the cluster's kind (docs/api-server.md §3.2, 6.2, 7.3). */
static void reset_note(nt_action *a, const nt_cluster_set *actual)
{
    const nt_cluster *d = a->desired;
    const char *wt = d->f[NT_F_WORKER_TYPE].s;
    bool phys = nt_cluster_is_physical(d), virt = nt_cluster_is_virtual(d);
    bool worker = nt_cluster_is_worker(d), pipe = wt && !strcmp(wt, "pipeline");
    bool v04 = actual->gen == NT_GEN_V04;
    const struct {
        nt_field f;
        bool stored;
    } rows[] = {
        {NT_F_TRAEFIK_HTTP_NODE_PORT, phys || (v04 && virt && pipe)},
        {NT_F_TRAEFIK_HTTPS_NODE_PORT, phys || (v04 && virt && pipe)},
        {NT_F_ARGOCD_HOST, worker},
        {NT_F_TEKTON_HOST, worker && pipe},
        /* not vcluster.https_node_port: its default is api_server's port, the one value with
         * which api_server (https://<host IP>:<vcluster port>) reaches the vcluster */
    };
    nt_buf list = NT_BUF_INIT;
    size_t n = 0;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (!rows[i].stored || nt_cluster_either(d, rows[i].f) ||
            nt_normalize_visible(actual, nt_fields[rows[i].f].snake))
            continue;
        nt_buf_addf(&list, "%s%s", n++ ? ", " : "", nt_fields[rows[i].f].snake);
    }
    if (n) {
        nt_buf b = NT_BUF_INIT;
        nt_buf_addf(&b,
                    "this save resets %s to the server's default%s: the file does not declare "
                    "%s and %s cannot show the current value%s. See %s with `nautes plan "
                    "--state git:REPO` (the tenant configuration repository) and declare %s to "
                    "keep %s.",
                    nt_buf_str(&list), n > 1 ? "s" : "", n > 1 ? "them" : "it",
                    actual->source_kind == NT_SOURCE_GIT ? "the repository" : "the API",
                    n > 1 ? "s" : "", n > 1 ? "them" : "it", n > 1 ? "them" : "it",
                    n > 1 ? "them" : "it");
        a->notes = nt_xrealloc(a->notes, (a->n_notes + 1) * sizeof(*a->notes));
        a->notes[a->n_notes++] = nt_buf_detach(&b);
    }
    nt_buf_free(&list);
}

int nt_diff_compute(nt_plan *p, const nt_cluster_set *desired, const nt_cluster_set *actual,
                    const nt_plan_opts *opts, char (*hashes)[65], nt_diag *diag)
{
    int rc = 0;
    size_t cap = 0, unseen_cap = 0, unmanaged_cap = 0;
    nt_name_index ix = NT_NAME_TABLE_INIT;
    nt_norm_hasher hasher = NT_NORM_HASHER_INIT;

    /* which desired clusters exist: found once here, not looked up again below */
    bool *observed = nt_xcalloc(desired->n ? desired->n : 1, sizeof *observed);
    /* every observed cluster is normalised once: for its diff and for the fingerprint. Its
     * desired cluster is looked for first right after the last one found: a file written in
     * the server's order (by name) finds each there, without hashing the name and reading
     * the table and a cluster at random places of a large set (names are unique in a set). */
    size_t next = 0;
    for (size_t i = 0; i < actual->n; i++) {
        const nt_cluster *o = actual->items[i];
        size_t at = next < desired->n && !strcmp(desired->items[next]->name, o->name)
                        ? next
                        : nt_cluster_set_position(desired, o->name);
        if (at != SIZE_MAX)
            next = at + 1;
        const nt_cluster *d = at == SIZE_MAX ? NULL : desired->items[at];
        if (d)
            observed[at] = true;
        nt_norm no = NT_NORM_INIT;
        nt_normalize_observed(o, actual, &no);
        if (hashes)
            nt_norm_hash(&hasher, o->name, &no, hashes[i]);
        if (!d && opts && opts->prune) {
            size_t k = new_action(p, &cap, o->name, NT_ACT_DELETE);
            p->actions[k].actual = o;
            p->actions[k].label = nt_plan_label(o);
            p->actions[k].reason = nt_xstrdup("not declared in these files (--prune)");
        } else if (!d) {
            NT_GROW(p->unmanaged, unmanaged_cap, p->n_unmanaged + 1);
            p->unmanaged[p->n_unmanaged++] = nt_xstrdup(o->name);
        } else if (d->state == NT_STATE_ABSENT || (opts && opts->destroy)) {
            size_t k = new_action(p, &cap, d->name, NT_ACT_DELETE);
            p->actions[k].actual = o;
            p->actions[k].label = nt_plan_label(o);
            p->actions[k].reason =
                nt_xstrdup(d->state == NT_STATE_ABSENT ? "state: absent" : "--destroy");
        } else {
            size_t k = new_action(p, &cap, d->name, NT_ACT_NOOP);
            nt_action *a = &p->actions[k];
            a->desired = d;
            a->actual = o;
            a->label = nt_plan_label(d);
            nt_field rf = compare(p, &unseen_cap, a, d, o, actual, &no);
            drop_empty_changes(a);
            if (rf != NT_F_COUNT) {
                a->kind = NT_ACT_REPLACE;
                set_replace_reason(a, rf, d, o);
            } else if (a->n_changes) {
                a->kind = NT_ACT_UPDATE;
            } else if (is_forced(opts, d->name)) {
                a->kind = NT_ACT_UPDATE;
                a->reason = nt_xstrdup("forced (--force-update)");
            }
        }
        nt_norm_free(&no);
    }
    nt_norm_hasher_free(&hasher);

    for (size_t i = 0; i < desired->n; i++) {
        const nt_cluster *d = desired->items[i];
        if (observed[i])
            continue;
        if (opts && opts->destroy && d->state != NT_STATE_ABSENT) {
            size_t k = new_action(p, &cap, d->name, NT_ACT_NOOP);
            p->actions[k].reason = nt_xstrdup("--destroy, and it does not exist: nothing to do");
            continue;
        }
        if (d->state == NT_STATE_ABSENT) {
            size_t k = new_action(p, &cap, d->name, NT_ACT_NOOP);
            p->actions[k].reason =
                nt_xstrdup("state: absent, and it does not exist: nothing to do");
            nt_diag_add(diag, NT_SEV_NOTE,
                        nt_cluster_pos(d, NT_AT_STATE).line ? nt_cluster_pos(d, NT_AT_STATE)
                                                            : nt_cluster_pos(d, NT_AT_ENTRY),
                        d->name, "state: absent, and the cluster does not exist: nothing to do");
            continue;
        }
        size_t k = new_action(p, &cap, d->name, NT_ACT_CREATE);
        nt_action *a = &p->actions[k];
        a->desired = d;
        a->label = nt_plan_label(d);
        nt_norm nd = NT_NORM_INIT;
        size_t ccap = 0;
        nt_normalize_desired(d, &nd);
        for (size_t j = 0; j < nd.n; j++)
            if (!nd.e[j].derived)
                add_change(a, &ccap, &nd.e[j], NULL, nd.e[j].value);
        nt_norm_free(&nd);
    }
    if (p->n_unmanaged > 1)
        qsort(p->unmanaged, p->n_unmanaged, sizeof(char *), cmp_str);
    if (p->n_unseen > 1)
        qsort(p->unseen, p->n_unseen, sizeof(char *), cmp_str);

    for (size_t i = 0; opts && i < opts->n_force; i++) {
        const nt_cluster *d = nt_cluster_set_find(desired, opts->force[i]);
        if (!d || d->state == NT_STATE_ABSENT) {
            const char *near = d ? NULL : nt_plan_near_name(p, opts->force[i]);
            rc = nt_diag_add(diag, NT_SEV_ERROR, NT_POS_NONE, opts->force[i],
                             "--force-update %s: no cluster of that name is declared (present) "
                             "in these files%s%s%s",
                             opts->force[i], near ? ": did you mean " : "", near ? near : "",
                             near ? "?" : "");
        }
    }

    /* A replaced host takes its virtual clusters with it: they are deleted before the host
     * and created again after it. A deleted host must not keep any. Only a plan that replaces
     * or deletes something has anything to check here (most plans: no name is looked up). */
    bool removes = false;
    for (size_t i = 0; i < p->n_actions && !removes; i++)
        removes = p->actions[i].kind == NT_ACT_REPLACE || p->actions[i].kind == NT_ACT_DELETE;
    if (removes)
        nt_name_index_build(&ix, p);
    for (size_t i = 0; removes && i < actual->n; i++) {
        const nt_cluster *v = actual->items[i];
        const char *h = nt_cluster_host(v);
        size_t hk = h ? nt_name_index_get(&ix, p, h) : NT_NO_ACTION;
        if (hk == NT_NO_ACTION)
            continue;
        nt_action *ha = &p->actions[hk];
        if (ha->kind != NT_ACT_REPLACE && ha->kind != NT_ACT_DELETE)
            continue;
        size_t vk = nt_name_index_get(&ix, p, v->name);
        nt_action *va = vk == NT_NO_ACTION ? NULL : &p->actions[vk];
        if (va && (va->kind == NT_ACT_DELETE || va->kind == NT_ACT_REPLACE))
            continue;
        if (ha->kind == NT_ACT_REPLACE && va && va->desired) {
            va->kind = NT_ACT_REPLACE;
            free(va->reason);
            nt_buf b = NT_BUF_INIT;
            nt_buf_addf(&b, "its host %s is replaced", h);
            va->reason = nt_buf_detach(&b);
            nt_buf r = NT_BUF_INIT;
            nt_buf_adds(&r, ha->reason ? ha->reason : "");
            nt_buf_addf(&r, "%s%s",
                        strstr(nt_buf_str(&r), "; its virtual clusters are replaced too: ")
                            ? ", "
                            : "; its virtual clusters are replaced too: ",
                        v->name);
            free(ha->reason);
            ha->reason = nt_buf_detach(&r);
            continue;
        }
        rc = nt_diag_add(diag, NT_SEV_ERROR, NT_POS_NONE, h,
                         "this plan %s host cluster %s, but its virtual cluster %s stays and "
                         "would break; declare %s with state: absent (or run with --prune if "
                         "the files do not declare it)",
                         ha->kind == NT_ACT_REPLACE ? "replaces" : "deletes", h, v->name, v->name);
    }
    for (size_t i = 0; removes && i < desired->n; i++) {
        const nt_cluster *d = desired->items[i];
        const char *h = d->state == NT_STATE_PRESENT ? nt_cluster_host(d) : NULL;
        size_t hk = h ? nt_name_index_get(&ix, p, h) : NT_NO_ACTION;
        if (hk != NT_NO_ACTION && p->actions[hk].kind == NT_ACT_DELETE &&
            !nt_cluster_set_find(desired, h))
            rc = nt_diag_add(diag, NT_SEV_ERROR, nt_cluster_pos(d, NT_AT_ENTRY), d->name,
                             "cluster %s names host_cluster %s, which this plan deletes "
                             "(--prune); declare %s in these files",
                             d->name, h, h);
    }

    for (size_t i = 0; i < p->n_actions; i++) {
        nt_action *a = &p->actions[i];
        const nt_cluster *d = a->kind == NT_ACT_DELETE || a->kind == NT_ACT_REPLACE
                                  ? nt_cluster_set_find(desired, a->cluster)
                                  : NULL;
        if (d && d->prevent_destroy)
            rc = nt_diag_add(diag, NT_SEV_ERROR, nt_cluster_pos(d, NT_AT_ENTRY), d->name,
                             "cluster %s has prevent_destroy: true, but this plan would %s it "
                             "(%s); remove prevent_destroy to allow it",
                             d->name, a->kind == NT_ACT_DELETE ? "delete" : "replace",
                             a->reason ? a->reason : "");
        bool saves =
            a->kind == NT_ACT_CREATE || a->kind == NT_ACT_UPDATE || a->kind == NT_ACT_REPLACE;
        if (saves && a->kind != NT_ACT_CREATE && a->desired && a->actual)
            reset_note(a, actual);
        /* a kubeconfig_file that was not read is settled by plan.c (only apply needs it) */
        if (saves && a->desired && nt_cluster_is_physical(a->desired) &&
            !a->desired->f[NT_F_KUBECONFIG].s && !a->desired->kubeconfig_file.s)
            rc =
                nt_diag_add(diag, NT_SEV_ERROR, nt_cluster_pos(a->desired, NT_AT_ENTRY), a->cluster,
                            "cluster %s: the API Server needs the kubeconfig of a physical "
                            "cluster on every save; declare kubeconfig or kubeconfig_file",
                            a->cluster);
    }
    nt_name_index_free(&ix);
    free(observed);
    return rc;
}
