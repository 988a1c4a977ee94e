/* Tests of core/model/normalize.c: the canonical form both sides of a diff are compared in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/model/normalize.h"
#include "tests/plan_fixtures.h"
#include "tests/testdata_files.h"

static void test_ports_lose_leading_zeros_only_when_all_digits(void **state)
{
    (void)state;
    char *a = nt_normalize_port("030080"), *b = nt_normalize_port("30080"),
         *c = nt_normalize_port("0"), *d = nt_normalize_port("0x1F"), *e = nt_normalize_port("");
    assert_string_equal(a, "30080");
    assert_string_equal(b, "30080");
    assert_string_equal(c, "0");
    assert_string_equal(d, "0x1F");
    assert_string_equal(e, "");
    assert_null(nt_normalize_port(NULL));
    free(a), free(b), free(c), free(d), free(e);
}

static void test_desired_form_holds_only_declared_fields_and_the_sent_defaults(void **state)
{
    (void)state;
    nt_cluster_set *s = fx_load("clusters:\n" Y_HOST("h") "    components_list:\n"
                                                          "      gateway: {name: traefik}\n"
                                                          "      deployment: null\n");
    nt_norm n = NT_NORM_INIT;
    nt_normalize_desired(s->items[0], &n);
    /* cluster_kind is sent when omitted; primary_domain is not declared */
    assert_string_equal(nt_norm_find(&n, "cluster_kind")->value, "kubernetes");
    assert_null(nt_norm_find(&n, "primary_domain"));
    assert_null(nt_norm_find(&n, "worker_type"));
    /* a YAML number port is the same string */
    assert_string_equal(nt_norm_find(&n, "traefik.http_node_port")->value, "30080");
    /* a component given only by name gets its default namespace */
    assert_string_equal(nt_norm_find(&n, "components_list.gateway.namespace")->value, "traefik");
    assert_null(nt_norm_find(&n, "components_list.deployment.name"));
    const nt_norm_entry *kc = nt_norm_find(&n, "kubeconfig");
    assert_non_null(kc);
    assert_true(kc->sensitive);
    assert_string_equal(kc->value, "");
    for (size_t i = 1; i < n.n; i++)
        assert_true(strcmp(n.e[i - 1].path, n.e[i].path) < 0);
    nt_norm_free(&n);
    nt_cluster_set_free(s);
}

static void test_observed_form_holds_only_what_the_source_shows(void **state)
{
    (void)state;
    fx_obs h = FX_HOST("h");
    nt_cluster_set *v3 = fx_observe(NT_GEN_V03, &h, 1);
    nt_cluster_set *v4 = fx_observe(NT_GEN_V04, &h, 1);
    nt_norm n3 = NT_NORM_INIT, n4 = NT_NORM_INIT;
    nt_normalize_observed(v3->items[0], v3, &n3);
    nt_normalize_observed(v4->items[0], v4, &n4);
    assert_null(nt_norm_find(&n3, "traefik.http_node_port"));
    assert_string_equal(nt_norm_find(&n4, "traefik.http_node_port")->value, "30080");
    assert_string_equal(nt_norm_find(&n3, "components_list.ingress_controller.name")->value,
                        "traefik");
    assert_string_equal(nt_norm_find(&n4, "components_list.gateway.additions.httpsNodePort")->value,
                        "30443");
    assert_null(nt_norm_find(&n4, "kubeconfig"));
    nt_norm_free(&n3);
    nt_norm_free(&n4);
    nt_cluster_set_free(v3);
    nt_cluster_set_free(v4);
}

static void test_visibility_follows_the_generation(void **state)
{
    (void)state;
    nt_cluster_set *v3 = fx_observe(NT_GEN_V03, (fx_obs[]){FX_HOST("h")}, 1);
    nt_cluster_set *v4 = fx_observe(NT_GEN_V04, (fx_obs[]){FX_HOST("h")}, 1);
    assert_false(nt_normalize_visible(v3, "kubeconfig"));
    assert_false(nt_normalize_visible(v4, "kubeconfig"));
    assert_false(nt_normalize_visible(v4, "vcluster.https_node_port"));
    assert_false(nt_normalize_visible(v3, "argocd_host"));
    assert_true(nt_normalize_visible(v4, "argocd_host"));
    assert_true(nt_normalize_visible(v3, "primary_domain"));
    assert_false(nt_normalize_visible(v3, "components_list.gateway.name"));
    assert_true(nt_normalize_visible(v4, "components_list.gateway.name"));
    assert_false(nt_normalize_visible(v4, "components_list.event_listener.name"));
    assert_true(nt_normalize_visible(v3, "components_list.event_listener.name"));
    assert_false(nt_normalize_visible(v3, "components_list.deployment.additions.host"));
    assert_true(nt_normalize_visible(v4, "reserved_namespaces_allowed_products.x"));
    /* the tenant repository shows every component */
    free(v4->source);
    v4->source = nt_xstrdup("git /tmp/repo#main");
    v4->source_kind = NT_SOURCE_GIT;
    assert_true(nt_normalize_visible(v4, "components_list.event_listener.name"));
    assert_true(nt_normalize_visible(v4, "components_list.deployment.additions.host"));
    /* ... but a v0.3 server's repository holds no additions: they are never compared there */
    free(v3->source);
    v3->source = nt_xstrdup("git /tmp/repo#main");
    v3->source_kind = NT_SOURCE_GIT;
    v3->visible_extras = true;
    assert_false(nt_normalize_visible(v3, "components_list.deployment.additions.host"));
    assert_true(nt_normalize_visible(v3, "components_list.deployment.name"));
    nt_cluster_set_free(v3);
    nt_cluster_set_free(v4);
}

/* One spelling given, both normalised: the other is marked derived (compared, never listed as
 * declared); both given, each its own; an explicit addition is never overwritten. */
static void test_each_seed_field_gets_its_other_spelling(void **state)
{
    (void)state;
    nt_cluster_set *s = fx_load(
        "clusters:\n"
        "  - name: h\n    api_server: https://10.0.0.1:6443\n    cluster_type: physical\n"
        "    usage: host\n" KC "    components_list:\n"
        "      gateway: {name: traefik, additions: {httpNodePort: \"031080\", httpsNodePort: "
        "\"31443\"}}\n"
        "  - name: w\n    api_server: https://10.0.0.1:31000\n    cluster_type: virtual\n"
        "    usage: worker\n    worker_type: pipeline\n    host_cluster: h\n"
        "    argocd_host: argocd.w.example.com\n"
        "    tekton_host: tekton.w.example.com\n"
        "    components_list: {pipeline: {name: tekton, additions: {host: "
        "tekton.w.example.com}}}\n");
    nt_norm h = NT_NORM_INIT, w = NT_NORM_INIT;
    nt_normalize_desired(nt_cluster_set_find(s, "h"), &h);
    nt_normalize_desired(nt_cluster_set_find(s, "w"), &w);
    const nt_norm_entry *e = nt_norm_find(&h, "traefik.http_node_port");
    assert_non_null(e);
    assert_string_equal(e->value, "31080"); /* canonical, as the addition */
    assert_true(e->derived);
    assert_string_equal(nt_norm_find(&h, "traefik.https_node_port")->value, "31443");
    assert_false(nt_norm_find(&h, "components_list.gateway.additions.httpNodePort")->derived);
    assert_null(nt_norm_find(&h, "argocd_host")); /* nothing given, nothing derived */
    e = nt_norm_find(&w, "components_list.deployment.additions.host");
    assert_non_null(e);
    assert_string_equal(e->value, "argocd.w.example.com");
    assert_true(e->derived);
    assert_false(nt_norm_find(&w, "argocd_host")->derived);
    /* both spellings given: both declared, none derived */
    assert_false(nt_norm_find(&w, "tekton_host")->derived);
    assert_false(nt_norm_find(&w, "components_list.pipeline.additions.host")->derived);
    assert_null(nt_norm_find(&w, "traefik.http_node_port"));
    assert_int_equal(nt_normalize_seed_field("components_list.gateway.additions.httpsNodePort"),
                     NT_F_TRAEFIK_HTTPS_NODE_PORT);
    assert_int_equal(nt_normalize_seed_field("components_list.pipeline.additions.host"),
                     NT_F_TEKTON_HOST);
    assert_int_equal(nt_normalize_seed_field("components_list.gateway.additions.host"), NT_F_COUNT);
    assert_int_equal(nt_normalize_seed_field("argocd_host"), NT_F_COUNT);
    nt_norm_free(&h);
    nt_norm_free(&w);
    nt_cluster_set_free(s);
}

static void test_cluster_hash_changes_with_a_visible_field_only(void **state)
{
    (void)state;
    fx_obs a = FX_HOST("h"), b = FX_HOST("h");
    b.pd = "other.nip.io";
    nt_cluster_set *sa = fx_observe(NT_GEN_V04, &a, 1), *sb = fx_observe(NT_GEN_V04, &b, 1);
    char ha[65], hb[65], ha2[65];
    nt_normalize_cluster_hash(sa->items[0], sa, ha);
    nt_normalize_cluster_hash(sb->items[0], sb, hb);
    nt_normalize_cluster_hash(sa->items[0], sa, ha2);
    assert_string_not_equal(ha, hb);
    assert_string_equal(ha, ha2);
    assert_int_equal(strlen(ha), 64);
    nt_cluster_set_free(sa);
    nt_cluster_set_free(sb);
}

static void test_component_paths_follow_the_model_table(void **state)
{
    (void)state;
    for (int k = 0; k < NT_C_COUNT; k++) {
        const char *key = nt_components[k].snake ? nt_components[k].snake : nt_components[k].camel;
        nt_buf want = NT_BUF_INIT;
        nt_buf_addf(&want, "components_list.%s.name", key);
        assert_string_equal(nt_normalize_component_path((nt_component_kind)k, false),
                            nt_buf_str(&want));
        nt_buf_reset(&want);
        nt_buf_addf(&want, "components_list.%s.namespace", key);
        assert_string_equal(nt_normalize_component_path((nt_component_kind)k, true),
                            nt_buf_str(&want));
        nt_buf_free(&want);
    }
}

/* An entry's info (made with the entry) says what parsing the entry's path says; counts the
 * entries of each kind checked. */
static void assert_entries_know_their_paths(const nt_norm *n, size_t seen[5])
{
    for (size_t i = 0; i < n->n; i++) {
        const nt_norm_entry *e = &n->e[i];
        nt_path_info want;
        nt_path_parse(e->path, &want);
        assert_int_equal(e->info.kind, want.kind);
        assert_int_equal(e->info.field, want.field);
        assert_int_equal(e->info.comp, want.comp);
        assert_int_equal(e->info.prefix, want.prefix);
        if (want.key)
            assert_ptr_equal(e->info.key, want.key); /* into the entry's own path */
        else
            assert_null(e->info.key);
        seen[want.kind]++;
    }
}

static void entries_of_each_desired_cluster(nt_cluster_set *set, void *seen)
{
    for (size_t i = 0; i < set->n; i++) {
        nt_norm n = NT_NORM_INIT;
        nt_normalize_desired(set->items[i], &n);
        assert_entries_know_their_paths(&n, seen);
        nt_norm_free(&n);
    }
}

static void test_each_entry_knows_what_its_path_names_as_its_text_says(void **state)
{
    (void)state;
    size_t seen[5] = {0};
    /* the desired side: every cluster of every test file that loads */
    assert_true(fx_each_test_file(entries_of_each_desired_cluster, seen) >= 40);
    /* the observed side: each generation's answer, a pipeline worker, both maps; and the
     * tenant repository's view, which shows every component */
    fx_obs o[3] = {FX_HOST("h"), FX_VIRT("v", "h", "31001"), FX_VIRT("p", "h", "31002")};
    o[2].wt = "pipeline";
    o[0].maps = "\"reserved_namespaces_allowed_products\":{\"argocd\":[\"p1\",\"p0\"]},"
                "\"product_allowed_cluster_resources\":{\"p1\":[{\"kind\":\"Namespace\","
                "\"group\":\"\"}]}";
    for (int g = NT_GEN_V03; g <= NT_GEN_V04; g++) {
        for (int git = 0; git < 2; git++) {
            nt_cluster_set *set = fx_observe((nt_api_gen)g, o, 3);
            if (git) {
                set->source_kind = NT_SOURCE_GIT;
                set->visible_extras = true;
            }
            for (size_t i = 0; i < set->n; i++) {
                nt_norm n = NT_NORM_INIT;
                nt_normalize_observed(set->items[i], set, &n);
                assert_entries_know_their_paths(&n, seen);
                nt_norm_free(&n);
            }
            nt_cluster_set_free(set);
        }
    }
    assert_true(seen[NT_PATH_FIELD] > 100);
    assert_true(seen[NT_PATH_COMPONENT] > 20);
    assert_true(seen[NT_PATH_ADDITION] > 5);
    assert_true(seen[NT_PATH_MAP] >= 4);
    assert_int_equal(seen[NT_PATH_UNKNOWN], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ports_lose_leading_zeros_only_when_all_digits),
        cmocka_unit_test(test_desired_form_holds_only_declared_fields_and_the_sent_defaults),
        cmocka_unit_test(test_observed_form_holds_only_what_the_source_shows),
        cmocka_unit_test(test_visibility_follows_the_generation),
        cmocka_unit_test(test_each_seed_field_gets_its_other_spelling),
        cmocka_unit_test(test_cluster_hash_changes_with_a_visible_field_only),
        cmocka_unit_test(test_component_paths_follow_the_model_table),
        cmocka_unit_test(test_each_entry_knows_what_its_path_names_as_its_text_says),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
