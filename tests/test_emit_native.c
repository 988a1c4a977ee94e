/* Unit tests of core/render/emit_native.c: the clusters.yaml `nautes import` writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/alloc.h"
#include "core/render/emit_native.h"
#include "core/load/load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static nt_cluster *cluster(const char *name, const char *api, const char *type, const char *usage,
                           const char *worker_type, const char *host)
{
    nt_cluster *c = nt_cluster_new();
    c->name = nt_xstrdup(name);
    nt_cluster_set_field(c, NT_F_API_SERVER, api, NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_CLUSTER_KIND, "kubernetes", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_CLUSTER_TYPE, type, NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_USAGE, usage, NT_POS_NONE);
    if (worker_type)
        nt_cluster_set_field(c, NT_F_WORKER_TYPE, worker_type, NT_POS_NONE);
    if (host)
        nt_cluster_set_field(c, NT_F_HOST_CLUSTER, host, NT_POS_NONE);
    return c;
}

static void add(nt_cluster_set *set, nt_cluster *c)
{
    assert_int_equal(nt_cluster_set_add(set, c, NULL), 0);
}

static void component(nt_cluster *c, nt_component_kind k, const char *name, const char *ns)
{
    c->has_components = true;
    nt_cluster_component(c, k)->declared = true;
    if (name)
        nt_value_set(&nt_cluster_component(c, k)->name, name, NT_POS_NONE);
    if (ns)
        nt_value_set(&nt_cluster_component(c, k)->ns, ns, NT_POS_NONE);
}

/* Every component of a v0.4 physical worker (deployment) with the server's defaults, as a
 * list response shows it. */
static void v04_default_components(nt_cluster *c)
{
    static const nt_component_kind kinds[] = {NT_C_MULTI_TENANT, NT_C_SECRET_SYNC, NT_C_GATEWAY,
                                              NT_C_DEPLOYMENT, NT_C_PROGRESSIVE_DELIVERY};
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        component(c, kinds[i], nt_components[kinds[i]].default_name,
                  nt_components[kinds[i]].default_namespace);
    nt_cluster_component(c, NT_C_PIPELINE)->declared =
        nt_cluster_component(c, NT_C_PIPELINE)->is_null = true;
    nt_cluster_component(c, NT_C_EVENT_LISTENER)->declared =
        nt_cluster_component(c, NT_C_EVENT_LISTENER)->is_null = true;
    nt_component_set_addition(nt_cluster_component(c, NT_C_GATEWAY), "httpNodePort", "30080",
                              NT_POS_NONE);
    nt_component_set_addition(nt_cluster_component(c, NT_C_GATEWAY), "httpsNodePort", "30443",
                              NT_POS_NONE);
    nt_component_set_addition(nt_cluster_component(c, NT_C_DEPLOYMENT), "host",
                              "argocd.worker.10.0.0.7.nip.io", NT_POS_NONE);
}

static char *emit(const nt_cluster_set *set, nt_diag *diag)
{
    nt_buf out = NT_BUF_INIT;
    nt_emit_opts opts = {"api http://127.0.0.1:8000", NULL};
    assert_int_equal(nt_emit_native(set, &opts, &out, diag), 0);
    return nt_buf_detach(&out);
}

static nt_cluster_set *load(const char *yaml)
{
    nt_cluster_set *set = nt_cluster_set_new();
    nt_diag d = NT_DIAG_INIT;
    int rc = nt_load_buffer(set, "imported.yaml", yaml, strlen(yaml), NT_LOAD_NO_KUBECONFIG, &d);
    if (rc != 0 || nt_diag_has_errors(&d)) {
        nt_buf b = NT_BUF_INIT;
        nt_diag_format(&d, &b, false);
        print_error("%s\n--- emitted ---\n%s", nt_buf_str(&b), yaml);
        nt_buf_free(&b);
    }
    assert_int_equal(rc, 0);
    nt_diag_free(&d);
    return set;
}

static const char *get(const nt_cluster *c, nt_field f)
{
    const char *s = nt_cluster_get(c, f);
    return s && *s ? s : NULL;
}

/* Same value, where NULL and "" both mean "not given". */
static void assert_same(const char *want, const char *got, const char *what)
{
    if (!want || !*want) {
        if (got && *got)
            fail_msg("%s: want nothing, got '%s'", what, got);
        return;
    }
    if (!got || strcmp(want, got))
        fail_msg("%s: want '%s', got '%s'", what, want, got ? got : "(nothing)");
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("missing '%s' in:\n%s", needle, hay);
}

static void assert_not_contains(const char *hay, const char *needle)
{
    if (strstr(hay, needle))
        fail_msg("unexpected '%s' in:\n%s", needle, hay);
}

static void test_emitted_yaml_loads_back_to_an_equal_set(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    set->gen = NT_GEN_V03;

    nt_cluster *host =
        cluster("cluster-host", "https://8.217.50.114:6443", "physical", "host", NULL, NULL);
    nt_cluster_set_field(host, NT_F_PRIMARY_DOMAIN, "apps.example.com", NT_POS_NONE);
    nt_cluster_set_field(host, NT_F_TRAEFIK_HTTP_NODE_PORT, "31080", NT_POS_NONE);
    nt_cluster_set_field(host, NT_F_TRAEFIK_HTTPS_NODE_PORT, "31443", NT_POS_NONE);
    add(set, host);

    nt_cluster *pipe = cluster("physical-pipeline", "https://k8s.example.com:6443", "physical",
                               "worker", "pipeline", NULL);
    nt_cluster_set_field(pipe, NT_F_TRAEFIK_HTTP_NODE_PORT, "30080", NT_POS_NONE);
    nt_cluster_set_field(pipe, NT_F_TRAEFIK_HTTPS_NODE_PORT, "30443", NT_POS_NONE);
    nt_cluster_set_field(pipe, NT_F_ARGOCD_HOST, "argocd.example.com", NT_POS_NONE);
    nt_cluster_set_field(pipe, NT_F_TEKTON_HOST, "tekton.example.com", NT_POS_NONE);
    add(set, pipe);

    nt_cluster *virt = cluster("cluster-virtual", "https://8.217.50.114:31456", "virtual", "worker",
                               "deployment", "cluster-host");
    nt_cluster_set_field(virt, NT_F_VCLUSTER_HTTPS_NODE_PORT, "31457", NT_POS_NONE);
    component(virt, NT_C_MULTI_TENANT, "hnc", "hnc-custom");
    component(virt, NT_C_DEPLOYMENT, "argocd", "argocd");
    nt_ns_products *r = nt_cluster_add_reserved(virt, "hnc-custom", NT_POS_NONE);
    nt_ns_products_add(r, "product-a", NT_POS_NONE);
    nt_ns_products_add(r, "yes", NT_POS_NONE); /* would read back as a boolean unquoted */
    nt_product_resources *a = nt_cluster_add_allowed(virt, "product-a", NT_POS_NONE);
    nt_resource *res = nt_product_resources_add(a, NT_POS_NONE);
    nt_value_set(&res->kind, "Namespace", NT_POS_NONE);
    nt_value_set(&res->group, "core", NT_POS_NONE);
    add(set, virt);

    nt_diag d = NT_DIAG_INIT;
    char *yaml = emit(set, &d);
    assert_false(nt_diag_has_errors(&d));
    nt_cluster_set *back = load(yaml);
    assert_int_equal(back->n, set->n);

    for (size_t i = 0; i < set->n; i++) {
        const nt_cluster *want = set->items[i];
        const nt_cluster *got = nt_cluster_set_find(back, want->name);
        assert_non_null(got);
        for (int f = 0; f < NT_F_COUNT; f++) {
            if (f == NT_F_CLUSTER_KIND || f == NT_F_KUBECONFIG)
                continue;
            assert_same(get(want, (nt_field)f), get(got, (nt_field)f), nt_fields[f].snake);
        }
        assert_same(NULL, get(got, NT_F_CLUSTER_KIND), "cluster_kind (kubernetes is implied)");
        for (int k = 0; k < NT_C_COUNT; k++) {
            const nt_component *wc = want->comp[k], *gc = got->comp[k];
            bool want_it = wc->declared && !(k == NT_C_DEPLOYMENT); /* deployment is default */
            assert_int_equal(want_it, gc->declared && !gc->is_null);
            if (want_it) {
                assert_same(wc->name.s, gc->name.s, "component name");
                assert_same(wc->ns.s, gc->ns.s, "component namespace");
            }
        }
        assert_int_equal(got->n_reserved, want->n_reserved);
        for (size_t j = 0; j < want->n_reserved; j++) {
            assert_string_equal(got->reserved[j].ns, want->reserved[j].ns);
            assert_int_equal(got->reserved[j].n, want->reserved[j].n);
            for (size_t k = 0; k < want->reserved[j].n; k++)
                assert_same(want->reserved[j].products[k].s, got->reserved[j].products[k].s,
                            "reserved product");
        }
        assert_int_equal(got->n_allowed, want->n_allowed);
        for (size_t j = 0; j < want->n_allowed; j++) {
            assert_string_equal(got->allowed[j].product, want->allowed[j].product);
            assert_int_equal(got->allowed[j].n, want->allowed[j].n);
            assert_same(want->allowed[j].items[0].kind.s, got->allowed[j].items[0].kind.s, "kind");
            assert_same(want->allowed[j].items[0].group.s, got->allowed[j].items[0].group.s,
                        "group");
        }
        if (nt_cluster_is_physical(want)) {
            char path[128];
            snprintf(path, sizeof(path), "kubeconfigs/%s.yaml", want->name);
            assert_same(path, got->kubeconfig_file.s, "kubeconfig_file");
        } else {
            assert_null(got->kubeconfig_file.s);
        }
    }
    nt_cluster_set_free(back);
    nt_diag_free(&d);
    free(yaml);
    nt_cluster_set_free(set);
}

static void test_server_defaults_are_left_out(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    set->gen = NT_GEN_V04;
    nt_cluster *c =
        cluster("worker", "https://10.0.0.7:6443", "physical", "worker", "deployment", NULL);
    nt_cluster_set_field(c, NT_F_PRIMARY_DOMAIN, "10.0.0.7.nip.io", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_HOST_CLUSTER, "", NT_POS_NONE); /* the API's "" */
    nt_cluster_set_field(c, NT_F_TRAEFIK_HTTP_NODE_PORT, "30080", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_TRAEFIK_HTTPS_NODE_PORT, "30443", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_ARGOCD_HOST, "argocd.worker.10.0.0.7.nip.io", NT_POS_NONE);
    v04_default_components(c);
    component(c, NT_C_OAUTH_PROXY, "oauth2-proxy", "oauth2-proxy"); /* server-only */
    c->has_reserved = c->has_allowed = true;                        /* {} and {} */
    add(set, c);

    nt_diag d = NT_DIAG_INIT;
    char *yaml = emit(set, &d);
    assert_int_equal(d.n, 0);
    assert_not_contains(yaml, "primary_domain");
    assert_not_contains(yaml, "cluster_kind");
    assert_not_contains(yaml, "host_cluster");
    assert_not_contains(yaml, "components_list");
    assert_not_contains(yaml, "traefik");
    assert_not_contains(yaml, "argocd_host");
    assert_not_contains(yaml, "reserved_namespaces_allowed_products");
    assert_not_contains(yaml, "product_allowed_cluster_resources");
    assert_contains(yaml, "clusters:\n"
                          "- name: worker\n"
                          "  api_server: https://10.0.0.7:6443\n"
                          "  cluster_type: physical\n"
                          "  usage: worker\n"
                          "  worker_type: deployment\n");
    free(yaml);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
}

static void test_a_changed_default_is_written(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    set->gen = NT_GEN_V04;
    nt_cluster *c =
        cluster("worker", "https://10.0.0.7:6443", "physical", "worker", "deployment", NULL);
    nt_cluster_set_field(c, NT_F_PRIMARY_DOMAIN, "10.0.0.8.nip.io", NT_POS_NONE);
    v04_default_components(c);
    nt_component_set_addition(nt_cluster_component(c, NT_C_GATEWAY), "httpsNodePort", "31443",
                              NT_POS_NONE);
    nt_value_set(&nt_cluster_component(c, NT_C_SECRET_SYNC)->ns, "eso", NT_POS_NONE);
    add(set, c);

    nt_diag d = NT_DIAG_INIT;
    char *yaml = emit(set, &d);
    assert_contains(yaml, "  primary_domain: 10.0.0.8.nip.io\n");
    assert_contains(yaml, "  traefik: {http_node_port: \"30080\", https_node_port: \"31443\"}\n");
    assert_contains(yaml, "  components_list:\n"
                          "    secret_sync:\n"
                          "      name: external-secrets\n"
                          "      namespace: eso\n");
    assert_not_contains(yaml, "gateway"); /* its ports are written as traefik */
    assert_not_contains(yaml, "additions");
    free(yaml);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
}

static void test_physical_cluster_gets_a_kubeconfig_file_with_a_comment_above(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    set->gen = NT_GEN_V04;
    add(set, cluster("cluster-host", "https://8.217.50.114:6443", "physical", "host", NULL, NULL));
    add(set, cluster("cluster-virtual", "https://8.217.50.114:31456", "virtual", "worker",
                     "deployment", "cluster-host"));
    nt_diag d = NT_DIAG_INIT;
    char *yaml = emit(set, &d);
    assert_contains(yaml, "  usage: host\n"
                          "  # nautes never has a kubeconfig (the API Server keeps it in Vault "
                          "and never returns it):\n"
                          "  # create this file with the kubeconfig of cluster-host before "
                          "running `nautes apply` (plan works without it).\n"
                          "  kubeconfig_file: kubeconfigs/cluster-host.yaml\n"
                          "- name: cluster-virtual\n");
    /* one per physical cluster, none for the virtual one */
    const char *first = strstr(yaml, "kubeconfig_file");
    assert_non_null(first);
    assert_null(strstr(first + 1, "kubeconfig_file"));
    free(yaml);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
}

static void test_kubeconfig_directory_can_be_chosen(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    set->gen = NT_GEN_V04;
    add(set, cluster("h", "https://10.0.0.1:6443", "physical", "host", NULL, NULL));
    nt_buf out = NT_BUF_INIT;
    nt_diag d = NT_DIAG_INIT;
    nt_emit_opts opts = {NULL, "secrets/kube"};
    assert_int_equal(nt_emit_native(set, &opts, &out, &d), 0);
    assert_contains(nt_buf_str(&out), "  kubeconfig_file: secrets/kube/h.yaml\n");
    nt_buf_free(&out);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
}

static void test_hosts_come_first_then_the_others_by_name(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    set->gen = NT_GEN_V04;
    add(set,
        cluster("a-virtual", "https://10.0.0.1:31001", "virtual", "worker", "pipeline", "z-host"));
    add(set, cluster("z-host", "https://10.0.0.1:6443", "physical", "host", NULL, NULL));
    add(set,
        cluster("b-physical", "https://10.0.0.2:6443", "physical", "worker", "deployment", NULL));
    add(set, cluster("m-host", "https://10.0.0.3:6443", "physical", "host", NULL, NULL));
    nt_diag d = NT_DIAG_INIT;
    char *yaml = emit(set, &d);
    const char *order[] = {"- name: m-host\n", "- name: z-host\n", "- name: a-virtual\n",
                           "- name: b-physical\n"};
    const char *prev = yaml;
    for (size_t i = 0; i < 4; i++) {
        const char *at = strstr(prev, order[i]);
        if (!at)
            fail_msg("'%s' missing or out of order in:\n%s", order[i], yaml);
        prev = at;
    }
    free(yaml);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
}

static void test_v03_ports_not_visible_are_written_as_defaults_with_a_warning(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    set->gen = NT_GEN_V03;
    add(set, cluster("h", "https://10.0.0.1:6443", "physical", "host", NULL, NULL));
    nt_diag d = NT_DIAG_INIT;
    char *yaml = emit(set, &d);
    assert_contains(yaml, "  # The source does not show traefik's node ports");
    assert_contains(yaml, "\n  traefik: {http_node_port: \"30080\", https_node_port: \"30443\"}\n");
    assert_int_equal(d.n, 1);
    assert_int_equal(d.items[0].sev, NT_SEV_WARNING);
    assert_string_equal(d.items[0].cluster, "h");
    assert_false(nt_diag_has_errors(&d));
    free(yaml);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
}

/* A v0.3 API cannot show the Argo CD and Tekton hosts: import says plainly that they are not
 * imported and what a save from the file then does; a repository source shows them. */
static void test_v03_hosts_not_visible_are_named_as_not_imported(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    set->gen = NT_GEN_V03;
    set->visible = (1u << (NT_F_PRIMARY_DOMAIN + 1)) - 1; /* the scalar fields only */
    add(set, cluster("w", "https://10.0.0.1:31000", "virtual", "worker", "pipeline", "h"));
    nt_diag d = NT_DIAG_INIT;
    char *yaml = emit(set, &d);
    assert_contains(yaml, "# Those are not imported: a field left out is sent to nobody, so a "
                          "save of a cluster\n# from this file resets it to the server's default");
    assert_int_equal(d.n, 1);
    assert_int_equal(d.items[0].sev, NT_SEV_WARNING);
    assert_contains(d.items[0].msg, "not imported: argocd_host, tekton_host");
    assert_contains(d.items[0].msg, "import with --state git:REPO");
    free(yaml);
    nt_diag_free(&d);
    set->visible = ((1u << NT_F_COUNT) - 1) & ~(1u << NT_F_KUBECONFIG);
    yaml = emit(set, &d);
    assert_int_equal(d.n, 0);
    free(yaml);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
}

static void test_dollars_and_number_like_values_read_back_unchanged(void **state)
{
    (void)state;
    setenv("NT_EMIT_TEST_VAR", "interpolated", 1);
    nt_cluster_set *set = nt_cluster_set_new();
    set->gen = NT_GEN_V04;
    nt_cluster *c = cluster("w", "https://10.0.0.1:6443", "physical", "worker", "pipeline", NULL);
    nt_cluster_set_field(c, NT_F_PRIMARY_DOMAIN, "${NT_EMIT_TEST_VAR}.$$.example", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_TEKTON_HOST, "1e3", NT_POS_NONE);
    add(set, c);
    nt_diag d = NT_DIAG_INIT;
    char *yaml = emit(set, &d);
    nt_cluster_set *back = load(yaml);
    const nt_cluster *got = nt_cluster_set_find(back, "w");
    assert_non_null(got);
    assert_same("${NT_EMIT_TEST_VAR}.$$.example", get(got, NT_F_PRIMARY_DOMAIN), "domain");
    assert_same("1e3", get(got, NT_F_TEKTON_HOST), "tekton_host");
    nt_cluster_set_free(back);
    free(yaml);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
    unsetenv("NT_EMIT_TEST_VAR");
}

static void test_an_empty_source_gives_an_empty_list(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    nt_diag d = NT_DIAG_INIT;
    char *yaml = emit(set, &d);
    assert_contains(yaml, "\nclusters: []\n");
    nt_cluster_set *back = load(yaml);
    assert_int_equal(back->n, 0);
    nt_cluster_set_free(back);
    free(yaml);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
}

static void test_default_domain_is_nip_io_of_an_ip_or_the_host_name(void **state)
{
    (void)state;
    nt_buf b = NT_BUF_INIT;
    assert_int_equal(nt_emit_default_domain("https://8.217.50.114:6443", &b), 0);
    assert_string_equal(nt_buf_str(&b), "8.217.50.114.nip.io");
    nt_buf_reset(&b);
    assert_int_equal(nt_emit_default_domain("https://k8s.example.com:6443/x", &b), 0);
    assert_string_equal(nt_buf_str(&b), "k8s.example.com");
    nt_buf_reset(&b);
    assert_int_equal(nt_emit_default_domain("not a url", &b), -1);
    nt_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emitted_yaml_loads_back_to_an_equal_set),
        cmocka_unit_test(test_server_defaults_are_left_out),
        cmocka_unit_test(test_a_changed_default_is_written),
        cmocka_unit_test(test_physical_cluster_gets_a_kubeconfig_file_with_a_comment_above),
        cmocka_unit_test(test_kubeconfig_directory_can_be_chosen),
        cmocka_unit_test(test_hosts_come_first_then_the_others_by_name),
        cmocka_unit_test(test_v03_ports_not_visible_are_written_as_defaults_with_a_warning),
        cmocka_unit_test(test_v03_hosts_not_visible_are_named_as_not_imported),
        cmocka_unit_test(test_dollars_and_number_like_values_read_back_unchanged),
        cmocka_unit_test(test_an_empty_source_gives_an_empty_list),
        cmocka_unit_test(test_default_domain_is_nip_io_of_an_ip_or_the_host_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
