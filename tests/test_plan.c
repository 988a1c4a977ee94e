/* Tests of the diff and the order (core/plan/plan_diff.c, core/plan/plan_order.c,
 * core/plan/plan.c): each action type, replace reasons and cascades, prune, unmanaged clusters,
 * prevent_destroy,
 * --force-update, kubeconfig checks, operation order and dependencies, --target. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/plan_fixtures.h"

static const fx_obs host_and_virtual[] = {FX_HOST("cluster-host"),
                                          FX_VIRT("cluster-virtual", "cluster-host", "31456")};
static const char *const host_and_virtual_yaml =
    "clusters:\n" Y_HOST("cluster-host") Y_VIRT("cluster-virtual", "cluster-host", "31456");

static void test_matching_file_plans_no_change_against_v04(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *want = fx->want = fx_load(host_and_virtual_yaml);
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, host_and_virtual, 2);
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_non_null(p);
    assert_false(nt_plan_has_changes(p));
    assert_int_equal(p->n_ops, 0);
    assert_int_equal(p->n_actions, 2);
    assert_int_equal(p->actions[0].kind, NT_ACT_NOOP);
    /* v0.4 shows the traefik ports (additions); never the kubeconfig or the vcluster port */
    assert_int_equal(p->n_unseen, 2);
    assert_string_equal(p->unseen[0], "kubeconfig");
    assert_string_equal(p->unseen[1], "vcluster.https_node_port");
}

static void test_matching_file_plans_no_change_against_v03_and_lists_seed_fields_once(void **st)
{
    fx_case *fx = *st;
    nt_cluster_set *want = fx->want = fx_load(host_and_virtual_yaml);
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V03, host_and_virtual, 2);
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_non_null(p);
    assert_false(nt_plan_has_changes(p));
    assert_int_equal(p->n_unseen, 4);
    assert_string_equal(p->unseen[0], "kubeconfig");
    assert_string_equal(p->unseen[1], "traefik.http_node_port");
    assert_string_equal(p->unseen[2], "traefik.https_node_port");
    assert_string_equal(p->unseen[3], "vcluster.https_node_port");
    /* and per cluster, only what that cluster declares */
    const nt_action *h = fx_action(p, "cluster-host"), *v = fx_action(p, "cluster-virtual");
    assert_int_equal(h->n_unseen, 3);
    assert_string_equal(h->unseen[0], "kubeconfig");
    assert_string_equal(h->unseen[2], "traefik.https_node_port");
    assert_int_equal(v->n_unseen, 1);
    assert_string_equal(v->unseen[0], "vcluster.https_node_port");
}

static void test_undeclared_cluster_is_created_with_kubeconfig_sensitive(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *want = fx->want = fx_load(host_and_virtual_yaml);
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, NULL, 0);
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_non_null(p);
    assert_int_equal(p->n_create, 2);
    const nt_action *h = fx_action(p, "cluster-host");
    assert_int_equal(h->kind, NT_ACT_CREATE);
    const nt_change *kc = fx_change(h, "kubeconfig");
    assert_non_null(kc);
    assert_true(kc->sensitive);
    assert_null(kc->new_val);
    assert_string_equal(fx_change(h, "traefik.http_node_port")->new_val, "30080");
    assert_string_equal(fx_change(h, "cluster_kind")->new_val, "kubernetes");
    char *ops = fx_ops(p);
    assert_string_equal(ops, "POST cluster-host, POST cluster-virtual");
    free(ops);
    assert_int_equal(p->ops[1].n_deps, 1);
    assert_int_equal(p->ops[1].deps[0], 0);
    assert_int_equal(p->ops[0].n_deps, 0);
}

static void test_changed_field_is_an_update_with_old_and_new_value(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *want = fx->want =
        fx_load("clusters:\n" Y_HOST("cluster-host") "    primary_domain: "
                                                     "new.example.com\n");
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, host_and_virtual, 1);
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_non_null(p);
    const nt_action *a = fx_action(p, "cluster-host");
    assert_int_equal(a->kind, NT_ACT_UPDATE);
    assert_int_equal(a->n_changes, 1);
    assert_string_equal(a->changes[0].path, "primary_domain");
    assert_string_equal(a->changes[0].old_val, "10.0.0.1.nip.io");
    assert_string_equal(a->changes[0].new_val, "new.example.com");
    assert_int_equal(p->n_update, 1);
}

static void test_traefik_port_change_is_seen_on_v04_only(void **state)
{
    fx_case *fx = *state;
    fx_obs h = FX_HOST("cluster-host");
    h.http = "30081";
    nt_cluster_set *want = fx->want = fx_load("clusters:\n" Y_HOST("cluster-host"));
    nt_cluster_set *v4 = fx->sets[0] = fx_observe(NT_GEN_V04, &h, 1);
    nt_cluster_set *v3 = fx->sets[1] = fx_observe(NT_GEN_V03, &h, 1);
    nt_plan *p4 = fx->plans[0] = fx_plan(want, v4, NULL, &fx->d);
    nt_plan *p3 = fx->plans[1] = fx_plan(want, v3, NULL, &fx->d);
    const nt_change *c = fx_change(fx_action(p4, "cluster-host"), "traefik.http_node_port");
    assert_non_null(c);
    assert_string_equal(c->old_val, "30081");
    assert_string_equal(c->new_val, "30080");
    assert_false(nt_plan_has_changes(p3));
}

static void test_type_change_is_a_replace_with_the_reason(void **state)
{
    fx_case *fx = *state;
    fx_obs o = FX_HOST("cluster-x");
    o.usage = "worker";
    o.wt = "pipeline";
    nt_cluster_set *have = fx->have =
        fx_observe(NT_GEN_V04, (fx_obs[]){FX_HOST("cluster-host"), o}, 2);
    nt_cluster_set *want = fx->want = fx_load("clusters:\n" Y_HOST("cluster-host") Y_VIRT(
        "cluster-x", "cluster-host", "31456") "    primary_domain: 10.0.0.1.nip.io\n");
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_non_null(p);
    const nt_action *a = fx_action(p, "cluster-x");
    assert_int_equal(a->kind, NT_ACT_REPLACE);
    assert_string_equal(a->reason,
                        "cluster_type changes from physical to virtual: the API Server accepts "
                        "such a change and breaks later, so the cluster is deleted and created "
                        "again");
    char *ops = fx_ops(p);
    assert_string_equal(ops, "DELETE cluster-x, POST cluster-x");
    free(ops);
    assert_int_equal(p->ops[1].n_deps, 1);
    assert_int_equal(p->ops[1].deps[0], 0);
    assert_int_equal(p->n_replace, 1);
}

static void test_replacing_a_host_replaces_its_virtual_clusters(void **state)
{
    fx_case *fx = *state;
    fx_obs h = FX_HOST("cluster-host");
    h.usage = "worker";
    h.wt = "deployment"; /* observed as a physical worker: becomes a host = replace */
    nt_cluster_set *have = fx->have = fx_observe(
        NT_GEN_V04, (fx_obs[]){h, FX_VIRT("cluster-virtual", "cluster-host", "31456")}, 2);
    nt_cluster_set *want = fx->want = fx_load(host_and_virtual_yaml);
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_non_null(p);
    const nt_action *v = fx_action(p, "cluster-virtual");
    assert_int_equal(v->kind, NT_ACT_REPLACE);
    assert_string_equal(v->reason, "its host cluster-host is replaced");
    assert_non_null(strstr(fx_action(p, "cluster-host")->reason,
                           "its virtual clusters are replaced too: cluster-virtual"));
    char *ops = fx_ops(p);
    assert_string_equal(ops, "DELETE cluster-virtual, DELETE cluster-host, POST cluster-host, "
                             "POST cluster-virtual");
    free(ops);
    /* host DELETE waits for the virtual DELETE; host POST for its DELETE; virtual POST for
     * its DELETE and the host POST */
    assert_int_equal(p->ops[0].n_deps, 0);
    assert_int_equal(p->ops[1].n_deps, 1);
    assert_int_equal(p->ops[1].deps[0], 0);
    assert_int_equal(p->ops[2].n_deps, 1);
    assert_int_equal(p->ops[2].deps[0], 1);
    assert_int_equal(p->ops[3].n_deps, 2);
    assert_int_equal(p->ops[3].deps[0], 0);
    assert_int_equal(p->ops[3].deps[1], 2);
    assert_int_equal(p->n_replace, 2);
}

static void test_state_absent_deletes_virtual_before_host(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, host_and_virtual, 2);
    nt_cluster_set *want = fx->want = fx_load("clusters:\n"
                                              "  - name: cluster-virtual\n    state: absent\n"
                                              "  - name: cluster-host\n    state: absent\n"
                                              "  - name: never-existed\n    state: absent\n");
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_non_null(p);
    char *ops = fx_ops(p);
    assert_string_equal(ops, "DELETE cluster-virtual, DELETE cluster-host");
    free(ops);
    assert_int_equal(p->ops[1].n_deps, 1);
    assert_int_equal(p->n_delete, 2);
    assert_int_equal(fx_action(p, "never-existed")->kind, NT_ACT_NOOP);
    assert_true(fx_has_diag(&fx->d, NT_SEV_NOTE, "does not exist"));
    assert_false(nt_diag_has_errors(&fx->d));
    /* actions are in execution order, no-ops last */
    assert_string_equal(p->actions[0].cluster, "cluster-virtual");
    assert_string_equal(p->actions[2].cluster, "never-existed");
}

static void test_undeclared_clusters_are_unmanaged_without_prune(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *have = fx->have =
        fx_observe(NT_GEN_V04,
                   (fx_obs[]){FX_HOST("cluster-host"), FX_VIRT("zz-other", "cluster-host", "31000"),
                              FX_VIRT("aa-other", "cluster-host", "31001")},
                   3);
    nt_cluster_set *want = fx->want = fx_load("clusters:\n" Y_HOST("cluster-host"));
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_non_null(p);
    assert_false(nt_plan_has_changes(p));
    assert_int_equal(p->n_unmanaged, 2);
    assert_string_equal(p->unmanaged[0], "aa-other");
    assert_string_equal(p->unmanaged[1], "zz-other");

    nt_plan_opts o = {.prune = true};
    p = fx_case_plan(fx, want, have, &o);
    assert_non_null(p);
    assert_int_equal(p->n_delete, 2);
    assert_int_equal(p->n_unmanaged, 0);
    assert_string_equal(fx_action(p, "aa-other")->reason, "not declared in these files (--prune)");
}

static void test_prevent_destroy_turns_a_delete_into_an_error(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, host_and_virtual, 1);
    nt_cluster_set *want = fx->want =
        fx_load("clusters:\n  - name: cluster-host\n    state: absent\n"
                "    prevent_destroy: true\n");
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_null(p);
    assert_true(fx_has_diag(&fx->d, NT_SEV_ERROR, "cluster cluster-host has prevent_destroy"));
}

/* --destroy: every declared cluster deleted, virtual before host; one not observed is a no-op;
 * an observed undeclared one stays unmanaged; prevent_destroy still refuses. */
static void test_destroy_deletes_every_declared_cluster_virtual_first(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *have = fx->have = fx_observe(
        NT_GEN_V04,
        (fx_obs[]){FX_HOST("cluster-host"), FX_VIRT("cluster-virtual", "cluster-host", "31456"),
                   FX_HOST("other-host")},
        3);
    nt_cluster_set *want = fx->want = fx_load("clusters:\n" Y_HOST("cluster-host") Y_VIRT(
        "cluster-virtual", "cluster-host", "31456") Y_HOST("not-there"));
    nt_plan_opts o = {.destroy = true};
    nt_plan *p = fx_case_plan(fx, want, have, &o);
    assert_non_null(p);
    char *ops = fx_ops(p);
    assert_string_equal(ops, "DELETE cluster-virtual, DELETE cluster-host");
    free(ops);
    assert_string_equal(fx_action(p, "cluster-host")->reason, "--destroy");
    assert_int_equal(fx_action(p, "not-there")->kind, NT_ACT_NOOP);
    assert_int_equal(p->n_unmanaged, 1); /* other-host: not declared, left alone */
    assert_true(p->destroy);
    assert_false(nt_diag_has_errors(&fx->d));
}

static void test_destroy_respects_prevent_destroy(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, host_and_virtual, 2);
    nt_cluster_set *want = fx->want =
        fx_load("clusters:\n" Y_HOST("cluster-host") "    prevent_destroy: true\n" Y_VIRT(
            "cluster-virtual", "cluster-host", "31456"));
    nt_plan_opts o = {.destroy = true};
    assert_null(fx_case_plan(fx, want, have, &o));
    assert_true(fx_has_diag(&fx->d, NT_SEV_ERROR, "cluster cluster-host has prevent_destroy"));
}

static void test_force_update_saves_an_unchanged_cluster_and_refuses_unknown_names(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, host_and_virtual, 2);
    nt_cluster_set *want = fx->want = fx_load(host_and_virtual_yaml);
    const char *force[] = {"cluster-host"};
    nt_plan_opts o = {.force = force, .n_force = 1};
    nt_plan *p = fx_case_plan(fx, want, have, &o);
    assert_non_null(p);
    const nt_action *a = fx_action(p, "cluster-host");
    assert_int_equal(a->kind, NT_ACT_UPDATE);
    assert_string_equal(a->reason, "forced (--force-update)");
    assert_int_equal(p->n_ops, 1);

    const char *bad[] = {"nope"};
    nt_plan_opts o2 = {.force = bad, .n_force = 1};
    p = fx_case_plan(fx, want, have, &o2);
    assert_null(p);
    assert_true(fx_has_diag(&fx->d, NT_SEV_ERROR, "--force-update nope"));
}

static void test_physical_save_without_kubeconfig_is_an_error(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, host_and_virtual, 1);
    nt_cluster_set *want = fx->want = fx_load("clusters:\n  - name: cluster-host\n"
                                              "    api_server: https://10.0.0.1:6443\n"
                                              "    cluster_type: physical\n    usage: host\n"
                                              "    primary_domain: other.example.com\n");
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_null(p);
    assert_true(fx_has_diag(&fx->d, NT_SEV_ERROR,
                            "the API Server needs the kubeconfig of a physical cluster on every "
                            "save; declare kubeconfig or kubeconfig_file"));
}

/* The kubeconfig of a CI job that holds no credentials: not read, a note at load time. */
#define Y_PHYS_NO_KC(nm)                                                                           \
    "  - name: " nm "\n"                                                                           \
    "    api_server: https://10.0.0.1:6443\n"                                                      \
    "    cluster_type: physical\n"                                                                 \
    "    usage: host\n"                                                                            \
    "    traefik: {http_node_port: 30080, https_node_port: \"30443\"}\n"                           \
    "    kubeconfig_file: /nonexistent-nautes-test/" nm ".yaml\n"

static void test_an_unread_kubeconfig_file_is_needed_only_by_the_saves_of_apply(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, host_and_virtual, 1);
    nt_cluster_set *want = fx->want =
        fx_load("clusters:\n" Y_PHYS_NO_KC("cluster-host") Y_PHYS_NO_KC("new-host"));
    assert_non_null(want->items[0]->kubeconfig_unread);

    /* plan: goes on, and shows the kubeconfig as it would with the file */
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_non_null(p);
    assert_int_equal(nt_diag_has_errors(&fx->d), false);
    assert_int_equal(fx_action(p, "new-host")->kind, NT_ACT_CREATE);
    assert_true(fx_change(fx_action(p, "new-host"), "kubeconfig")->sensitive);
    assert_int_equal(fx_action(p, "cluster-host")->kind, NT_ACT_NOOP);

    /* apply: an error for the cluster it creates, naming the file; none for the unchanged one */
    nt_plan_opts o = {.need_kubeconfig = true};
    p = fx_case_plan(fx, want, have, &o);
    assert_null(p);
    assert_int_equal(fx->d.n_errors, 1);
    assert_true(fx_has_diag(&fx->d, NT_SEV_ERROR,
                            "apply would create physical cluster new-host, which needs its "
                            "kubeconfig on every save, but kubeconfig_file "
                            "'/nonexistent-nautes-test/new-host.yaml' was not read (No such file "
                            "or directory); nothing was sent"));
    assert_string_equal(fx->d.items[0].cluster, "new-host");
    assert_int_equal(fx->d.items[0].line, 13);
    nt_diag_free(&fx->d);

    /* --target elsewhere: nothing to save, nothing needed; --force-update: a save, needed */
    const char *tgt[] = {"cluster-host"};
    nt_plan_opts t = {.need_kubeconfig = true, .targets = tgt, .n_targets = 1};
    p = fx_case_plan(fx, want, have, &t);
    assert_non_null(p);
    nt_plan_opts f = {
        .need_kubeconfig = true, .targets = tgt, .n_targets = 1, .force = tgt, .n_force = 1};
    p = fx_case_plan(fx, want, have, &f);
    assert_null(p);
    assert_true(
        fx_has_diag(&fx->d, NT_SEV_ERROR, "apply would save physical cluster cluster-host"));
}

static void test_deleting_a_host_whose_virtual_stays_is_an_error(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, host_and_virtual, 2);
    nt_cluster_set *want = fx->want =
        fx_load("clusters:\n  - name: cluster-host\n    state: absent\n");
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_null(p);
    assert_true(fx_has_diag(&fx->d, NT_SEV_ERROR, "its virtual cluster cluster-virtual stays"));
}

static void test_operations_wait_only_for_what_they_depend_on(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, NULL, 0);
    nt_cluster_set *want = fx->want = fx_load("clusters:\n" Y_HOST("h1") Y_HOST("h2") Y_VIRT(
        "a-on-h2", "h2", "31000") Y_VIRT("b-on-h1", "h1", "31001"));
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_non_null(p);
    char *ops = fx_ops(p);
    assert_string_equal(ops, "POST h1, POST h2, POST a-on-h2, POST b-on-h1");
    free(ops);
    assert_int_equal(p->ops[0].n_deps, 0);
    assert_int_equal(p->ops[1].n_deps, 0);
    assert_int_equal(p->ops[2].n_deps, 1);
    assert_int_equal(p->ops[2].deps[0], 1);
    assert_int_equal(p->ops[3].n_deps, 1);
    assert_int_equal(p->ops[3].deps[0], 0);
}

static void test_target_plans_the_cluster_and_its_host_only(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, NULL, 0);
    nt_cluster_set *want = fx->want = fx_load("clusters:\n" Y_HOST("h1") Y_HOST("h2") Y_VIRT(
        "a-on-h2", "h2", "31000") Y_VIRT("b-on-h1", "h1", "31001"));
    const char *targets[] = {"a-on-h2"};
    nt_plan_opts o = {.targets = targets, .n_targets = 1};
    nt_plan *p = fx_case_plan(fx, want, have, &o);
    assert_non_null(p);
    char *ops = fx_ops(p);
    assert_string_equal(ops, "POST h2, POST a-on-h2");
    free(ops);
    assert_int_equal(p->n_actions, 2);
    assert_int_equal(p->n_create, 2);

    const char *bad[] = {"missing"};
    nt_plan_opts o2 = {.targets = bad, .n_targets = 1};
    p = fx_case_plan(fx, want, have, &o2);
    assert_null(p);
    assert_true(fx_has_diag(&fx->d, NT_SEV_ERROR, "--target missing"));
}

static void test_maps_compare_as_sets_and_declared_maps_own_their_keys(void **state)
{
    fx_case *fx = *state;
    fx_obs h = FX_HOST("cluster-host");
    h.maps = "\"reserved_namespaces_allowed_products\":{\"traefik\":[\"p2\",\"p1\"]},"
             "\"product_allowed_cluster_resources\":{\"p1\":[{\"group\":\"g\",\"kind\":\"K\"},"
             "{\"group\":\"a\",\"kind\":\"B\"}],\"p9\":[]}";
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, &h, 1);
    nt_cluster_set *same = fx->sets[0] = fx_load("clusters:\n" Y_HOST(
        "cluster-host") "    reserved_namespaces_allowed_products: {traefik: [p1, p2]}\n");
    nt_cluster_set *diff = fx->sets[1] =
        fx_load("clusters:\n" Y_HOST("cluster-host") "    product_allowed_cluster_resources:\n"
                                                     "      p1: [{kind: B, group: a}, {kind: K, "
                                                     "group: g}, {kind: B, group: a}]\n");
    nt_plan *p = fx_case_plan(fx, same, have, NULL);
    assert_non_null(p);
    assert_false(nt_plan_has_changes(p));
    p = fx_case_plan(fx, diff, have, NULL);
    assert_non_null(p);
    const nt_action *a = fx_action(p, "cluster-host");
    assert_int_equal(a->kind, NT_ACT_UPDATE);
    assert_int_equal(a->n_changes, 1);
    assert_string_equal(a->changes[0].path, "product_allowed_cluster_resources.p9");
    assert_string_equal(a->changes[0].old_val, "[]");
    assert_null(a->changes[0].new_val);
}

static void test_server_defaults_and_v04_event_listener_are_never_changes(void **state)
{
    fx_case *fx = *state;
    fx_obs w = FX_HOST("pipe");
    w.usage = "worker";
    w.wt = "pipeline";
    nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, &w, 1);
    nt_cluster_set *want = fx->want =
        fx_load("clusters:\n  - name: pipe\n"
                "    api_server: https://10.0.0.1:6443\n"
                "    cluster_type: physical\n    usage: worker\n"
                "    worker_type: pipeline\n" KC "    components_list:\n"
                "      pipeline: {name: tekton}\n"
                "      event_listener: {name: argo-events}\n"
                "      gateway: {additions: {httpNodePort: \"030080\"}}\n");
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_non_null(p);
    assert_false(nt_plan_has_changes(p));
    bool listed = false;
    for (size_t i = 0; i < p->n_unseen; i++)
        listed |= !strcmp(p->unseen[i], "components_list.event_listener");
    assert_true(listed);
}

static void test_fields_the_server_keeps_nowhere_for_the_kind_are_not_changes(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *have = fx->have =
        fx_observe(NT_GEN_V04, (fx_obs[]){FX_HOST("h"), FX_VIRT("v", "h", "31000")}, 2);
    /* v0.4: a virtual deployment worker has no gateway (so no traefik ports), a host no
     * deployment component (so no argocd_host) */
    nt_cluster_set *want = fx->want =
        fx_load("clusters:\n" Y_HOST("h") "    argocd_host: argocd.h.nip.io\n" Y_VIRT(
            "v", "h",
            "31000") "    traefik: {http_node_port: 30080, https_node_port: 30443}\n"
                     "    components_list:\n"
                     "      gateway: {name: traefik, additions: {httpNodePort: \"30080\"}}\n");
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_non_null(p);
    assert_false(nt_plan_has_changes(p));
}

/* The tenant repository of a v0.3 server holds the seed spelling (rendered files) and no
 * additions: a file in the v0.4 spelling only is compared through the derived seed field, and
 * never shows the additions as changes (they cannot be written there). */
static void test_v03_repository_compares_the_seed_spelling_of_additions(void **state)
{
    fx_case *fx = *state;
    nt_cluster_set *have = fx->have =
        fx_observe(NT_GEN_V03, (fx_obs[]){FX_VIRT("v", "h", "31000")}, 1);
    free(have->source);
    have->source = nt_xstrdup("git:/tmp/repo#main@1234567");
    have->source_kind = NT_SOURCE_GIT;
    have->visible = ((1u << NT_F_COUNT) - 1) & ~(1u << NT_F_KUBECONFIG);
    nt_cluster *o = have->items[0];
    nt_cluster_set_field(o, NT_F_ARGOCD_HOST, "argocd.v.example.com", NT_POS_NONE);
    nt_cluster_set_field(o, NT_F_VCLUSTER_HTTPS_NODE_PORT, "31000", NT_POS_NONE);
    const char *yaml = "clusters:\n" Y_VIRT(
        "v", "h",
        "31000") "    primary_domain: 10.0.0.1.nip.io\n"
                 "    components_list:\n"
                 "      deployment: {name: argocd, additions: {host: argocd.v.example.com}}\n";
    nt_cluster_set *want = fx->want = fx_load(yaml);
    nt_plan *p = fx_case_plan(fx, want, have, NULL);
    assert_non_null(p);
    assert_false(nt_plan_has_changes(p));
    assert_int_equal(p->n_unseen, 0);
    /* a hand edit of the rendered ingress is drift, named in the seed spelling */
    nt_cluster_set_field(o, NT_F_ARGOCD_HOST, "drifted.example.com", NT_POS_NONE);
    p = fx_case_plan(fx, want, have, NULL);
    assert_true(nt_plan_has_changes(p));
    assert_int_equal(p->actions[0].n_changes, 1);
    assert_string_equal(p->actions[0].changes[0].path, "argocd_host");
    assert_string_equal(p->actions[0].changes[0].old_val, "drifted.example.com");
    assert_string_equal(p->actions[0].changes[0].new_val, "argocd.v.example.com");
    assert_int_equal(p->actions[0].n_notes, 0);
}

/* A save sends the whole cluster: what the file omits is reset to the server's default. When
 * the API cannot show the current value (v0.3: the hosts, the traefik ports), the action says
 * so; not when the file declares the field, nor when the source shows it. */
static void test_a_save_resetting_a_field_the_source_cannot_show_says_so(void **state)
{
    fx_case *fx = *state;
    fx_obs v = FX_VIRT("v", "h", "31000");
    nt_cluster_set *v3 = fx->sets[0] = fx_observe(NT_GEN_V03, &v, 1),
                   *v4 = fx->sets[1] = fx_observe(NT_GEN_V04, &v, 1);
    nt_cluster_set *omits = fx->sets[2] =
        fx_load("clusters:\n" Y_VIRT("v", "h", "31000") "    primary_domain: x.example.com\n");
    nt_cluster_set *declares = fx->sets[3] =
        fx_load("clusters:\n" Y_VIRT("v", "h", "31000") "    primary_domain: x.example.com\n"
                                                        "    argocd_host: argocd.v.example.com\n");
    nt_plan *p = fx_case_plan(fx, omits, v3, NULL);
    assert_int_equal(p->actions[0].kind, NT_ACT_UPDATE);
    assert_int_equal(p->actions[0].n_notes, 1);
    assert_non_null(strstr(p->actions[0].notes[0], "this save resets argocd_host to the server's "
                                                   "default"));
    assert_non_null(strstr(p->actions[0].notes[0], "nautes plan --state git:REPO"));
    p = fx_case_plan(fx, declares, v3, NULL);
    assert_int_equal(p->actions[0].n_notes, 0);
    p = fx_case_plan(fx, omits, v4, NULL); /* v0.4 shows the host through additions */
    assert_int_equal(p->actions[0].n_notes, 0);
}

static void test_fingerprint_does_not_depend_on_list_order(void **state)
{
    fx_case *fx = *state;
    fx_obs rev[] = {host_and_virtual[1], host_and_virtual[0]};
    nt_cluster_set *a = fx->sets[0] = fx_observe(NT_GEN_V04, host_and_virtual, 2);
    nt_cluster_set *b = fx->sets[1] = fx_observe(NT_GEN_V04, rev, 2);
    fx_obs changed[] = {host_and_virtual[0], host_and_virtual[1]};
    changed[1].pd = "elsewhere.example.com";
    nt_cluster_set *c = fx->sets[2] = fx_observe(NT_GEN_V04, changed, 2);
    nt_cluster_set *want = fx->want = fx_load(host_and_virtual_yaml);
    nt_plan *pa = fx->plans[0] = fx_plan(want, a, NULL, &fx->d);
    nt_plan *pb = fx->plans[1] = fx_plan(want, b, NULL, &fx->d);
    nt_plan *pc = fx->plans[2] = fx_plan(want, c, NULL, &fx->d);
    assert_string_equal(pa->fingerprint, pb->fingerprint);
    assert_string_not_equal(pa->fingerprint, pc->fingerprint);
    assert_int_equal(pa->n_observed, 2);
    assert_string_equal(pa->observed_names[0], "cluster-host");
}

/* Each observed cluster meets its own desired one whatever the two orders are: the diff looks
 * first right after the last one it found (a file in the server's order), else by name. Each
 * observed cluster has a primary_domain of its own, so the old value of its change says which
 * desired cluster it met. */
static void test_each_observed_cluster_meets_its_own_desired_one_in_any_order(void **state)
{
#define NEW_PD "    primary_domain: new.example.com\n"
    fx_case *fx = *state;
    nt_cluster_set *want = fx->want = fx_load("clusters:\n" Y_HOST("a") NEW_PD Y_HOST("b")
                                                  NEW_PD Y_HOST("c") NEW_PD Y_HOST("d") NEW_PD);
#undef NEW_PD
    fx_obs a = FX_HOST("a"), b = FX_HOST("b"), c = FX_HOST("c"), d = FX_HOST("d");
    fx_obs x = FX_HOST("x"); /* not declared */
    a.pd = "a.old", b.pd = "b.old", c.pd = "c.old", d.pd = "d.old", x.pd = "x.old";
    const fx_obs orders[][5] = {
        {a, b, c, d},    /* the file's order */
        {d, c, b, a},    /* reversed */
        {x, a, b, c, d}, /* one not declared, first */
        {a, c, x, d},    /* b missing, one not declared in between */
        {b, a, d, c},    /* pairs swapped */
    };
    const size_t n[] = {4, 4, 5, 4, 4};
    for (size_t k = 0; k < sizeof(n) / sizeof(n[0]); k++) {
        nt_cluster_set_free(fx->have);
        nt_cluster_set *have = fx->have = fx_observe(NT_GEN_V04, orders[k], n[k]);
        nt_plan *p = fx_case_plan(fx, want, have, NULL);
        assert_non_null(p);
        size_t updates = 0;
        for (size_t i = 0; i < n[k]; i++) {
            if (orders[k][i].pd == x.pd)
                continue;
            const nt_action *act = fx_action(p, orders[k][i].name);
            assert_non_null(act);
            assert_int_equal(act->kind, NT_ACT_UPDATE);
            assert_int_equal(act->n_changes, 1);
            assert_string_equal(act->changes[0].old_val, orders[k][i].pd);
            updates++;
        }
        assert_int_equal(p->n_update, updates);
        assert_int_equal(p->n_create, 4 - updates); /* b, when it is missing */
        assert_int_equal(p->n_unmanaged, n[k] - updates);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_matching_file_plans_no_change_against_v04,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(
            test_each_observed_cluster_meets_its_own_desired_one_in_any_order, fx_case_setup,
            fx_case_teardown),
        cmocka_unit_test_setup_teardown(
            test_matching_file_plans_no_change_against_v03_and_lists_seed_fields_once,
            fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(
            test_undeclared_cluster_is_created_with_kubeconfig_sensitive, fx_case_setup,
            fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_changed_field_is_an_update_with_old_and_new_value,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_traefik_port_change_is_seen_on_v04_only, fx_case_setup,
                                        fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_type_change_is_a_replace_with_the_reason,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_replacing_a_host_replaces_its_virtual_clusters,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_state_absent_deletes_virtual_before_host,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_undeclared_clusters_are_unmanaged_without_prune,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_prevent_destroy_turns_a_delete_into_an_error,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_destroy_deletes_every_declared_cluster_virtual_first,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_destroy_respects_prevent_destroy, fx_case_setup,
                                        fx_case_teardown),
        cmocka_unit_test_setup_teardown(
            test_force_update_saves_an_unchanged_cluster_and_refuses_unknown_names, fx_case_setup,
            fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_physical_save_without_kubeconfig_is_an_error,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(
            test_an_unread_kubeconfig_file_is_needed_only_by_the_saves_of_apply, fx_case_setup,
            fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_deleting_a_host_whose_virtual_stays_is_an_error,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_operations_wait_only_for_what_they_depend_on,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_target_plans_the_cluster_and_its_host_only,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_maps_compare_as_sets_and_declared_maps_own_their_keys,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(
            test_server_defaults_and_v04_event_listener_are_never_changes, fx_case_setup,
            fx_case_teardown),
        cmocka_unit_test_setup_teardown(
            test_fields_the_server_keeps_nowhere_for_the_kind_are_not_changes, fx_case_setup,
            fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_v03_repository_compares_the_seed_spelling_of_additions,
                                        fx_case_setup, fx_case_teardown),
        cmocka_unit_test_setup_teardown(
            test_a_save_resetting_a_field_the_source_cannot_show_says_so, fx_case_setup,
            fx_case_teardown),
        cmocka_unit_test_setup_teardown(test_fingerprint_does_not_depend_on_list_order,
                                        fx_case_setup, fx_case_teardown),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
