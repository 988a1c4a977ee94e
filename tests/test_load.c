/* Tests of core/load/load.c (and its helpers interp.c, suggest.c): both input formats, Cluster
 * resource files, positions, interpolation, kubeconfig_file, and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/load/interp.h"
#include "core/load/load.h"
#include "core/base/suggest.h"
#include "core/load/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/cluster_fixtures.h"

/* Load `text` as file `name`; returns the set (caller frees) and the formatted diagnostics. */
static nt_cluster_set *load(const char *name, const char *text, unsigned flags, nt_buf *diags,
                            int *rc)
{
    nt_cluster_set *set = nt_cluster_set_new();
    nt_diag d = NT_DIAG_INIT;
    int r = nt_load_buffer(set, name, text, strlen(text), flags, &d);
    if (rc)
        *rc = r;
    nt_diag_sort(&d);
    nt_diag_format(&d, diags, false);
    nt_diag_free(&d);
    return set;
}

static void test_native_entries_load_every_field_with_positions(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("c.yaml",
                               "clusters:\n"
                               "  - name: cluster-host\n"
                               "    api_server: https://8.217.50.114:6443\n"
                               "    cluster_kind: kubernetes\n"
                               "    cluster_type: physical\n"
                               "    usage: host\n"
                               "    primary_domain: 8.217.50.114.nip.io\n"
                               "    traefik: {http_node_port: \"30080\", https_node_port: 30443}\n"
                               "    kubeconfig: |\n"
                               "      apiVersion: v1\n"
                               "    prevent_destroy: true\n"
                               "  - name: cluster-virtual\n"
                               "    api_server: https://8.217.50.114:31456\n"
                               "    cluster_type: virtual\n"
                               "    usage: worker\n"
                               "    worker_type: deployment\n"
                               "    host_cluster: cluster-host\n"
                               "    argocd_host: argocd.v.nip.io\n"
                               "    tekton_host: tekton.v.nip.io\n"
                               "    vcluster: {https_node_port: 31456}\n"
                               "  - name: old\n"
                               "    state: absent\n",
                               0, &out, &rc);
    assert_string_equal(nt_buf_str(&out), "");
    assert_int_equal(rc, 0);
    assert_int_equal(set->n, 3);
    nt_cluster *h = nt_cluster_set_find(set, "cluster-host");
    assert_non_null(h);
    assert_string_equal(nt_cluster_pos(h, NT_AT_NAME).file, "c.yaml");
    assert_int_equal(nt_cluster_pos(h, NT_AT_NAME).line, 2);
    assert_int_equal(nt_cluster_pos(h, NT_AT_NAME).col, 11);
    assert_int_equal(nt_cluster_pos(h, NT_AT_ENTRY).line, 2);
    assert_int_equal(nt_cluster_pos(h, NT_AT_ENTRY).col, 5);
    assert_string_equal(nt_cluster_get(h, NT_F_API_SERVER), "https://8.217.50.114:6443");
    assert_int_equal(nt_cluster_field_pos(h, NT_F_API_SERVER).line, 3);
    assert_int_equal(nt_cluster_field_pos(h, NT_F_API_SERVER).col, 17);
    assert_string_equal(nt_cluster_get(h, NT_F_CLUSTER_KIND), "kubernetes");
    assert_string_equal(nt_cluster_get(h, NT_F_PRIMARY_DOMAIN), "8.217.50.114.nip.io");
    assert_true(h->has_traefik);
    assert_string_equal(nt_cluster_get(h, NT_F_TRAEFIK_HTTP_NODE_PORT), "30080");
    assert_string_equal(nt_cluster_get(h, NT_F_TRAEFIK_HTTPS_NODE_PORT), "30443");
    assert_string_equal(nt_cluster_get(h, NT_F_KUBECONFIG), "apiVersion: v1\n");
    assert_true(h->prevent_destroy);
    assert_int_equal(h->state, NT_STATE_PRESENT);
    nt_cluster *v = nt_cluster_set_find(set, "cluster-virtual");
    assert_string_equal(nt_cluster_get(v, NT_F_HOST_CLUSTER), "cluster-host");
    assert_string_equal(nt_cluster_get(v, NT_F_WORKER_TYPE), "deployment");
    assert_string_equal(nt_cluster_get(v, NT_F_ARGOCD_HOST), "argocd.v.nip.io");
    assert_string_equal(nt_cluster_get(v, NT_F_TEKTON_HOST), "tekton.v.nip.io");
    assert_true(v->has_vcluster);
    assert_string_equal(nt_cluster_get(v, NT_F_VCLUSTER_HTTPS_NODE_PORT), "31456");
    assert_null(nt_cluster_get(v, NT_F_KUBECONFIG));
    assert_false(v->prevent_destroy);
    nt_cluster *old = nt_cluster_set_find(set, "old");
    assert_int_equal(old->state, NT_STATE_ABSENT);
    assert_int_equal(nt_cluster_pos(old, NT_AT_STATE).line, 22);
    assert_int_equal(set->n_inputs, 1);
    assert_string_equal(set->inputs[0].path, "c.yaml");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

/* Only a components_list reserves components: a traefik or vcluster object does not. */
static void test_only_a_components_list_reserves_components(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    nt_cluster_set *set =
        load("r.yaml",
             "clusters:\n"
             "  - name: h\n"
             "    traefik: {http_node_port: \"30080\", https_node_port: \"30443\"}\n"
             "  - name: v\n"
             "    vcluster: {https_node_port: \"31443\"}\n",
             0, &out, NULL);
    for (size_t i = 0; i < set->n; i++)
        assert_int_equal(set->items[i]->comp_room, 0);
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_components_and_both_maps_load_in_the_native_format(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    nt_cluster_set *set = load("m.yaml",
                               "clusters:\n"
                               "  - name: w\n"
                               "    components_list:\n"
                               "      gateway: {name: traefik, additions: {httpNodePort: 30080}}\n"
                               "      secret_sync: null\n"
                               "      cert_mgt: {name: cert-manager, namespace: cert-manager}\n"
                               "    reserved_namespaces_allowed_products:\n"
                               "      tekton-pipelines: [p1, p2]\n"
                               "      argocd: ~\n"
                               "    product_allowed_cluster_resources:\n"
                               "      p1:\n"
                               "        - {kind: ClusterRole, group: rbac.authorization.k8s.io}\n",
                               0, &out, NULL);
    assert_string_equal(nt_buf_str(&out), "");
    nt_cluster *c = set->items[0];
    assert_true(c->has_components);
    assert_true(c->comp[NT_C_GATEWAY]->declared);
    assert_string_equal(c->comp[NT_C_GATEWAY]->name.s, "traefik");
    assert_null(c->comp[NT_C_GATEWAY]->ns.s);
    assert_string_equal(nt_component_addition(c->comp[NT_C_GATEWAY], "httpNodePort")->value.s,
                        "30080");
    assert_true(c->comp[NT_C_SECRET_SYNC]->declared);
    assert_true(c->comp[NT_C_SECRET_SYNC]->is_null);
    assert_false(c->comp[NT_C_DEPLOYMENT]->declared);
    assert_string_equal(c->comp[NT_C_CERT_MGT]->ns.s, "cert-manager");
    /* the three given were reserved with the component array: one allocation for them */
    assert_int_equal(c->comp_room, 3);
    assert_int_equal(c->comp_room_used, 3);
    assert_int_equal(c->n_reserved, 2);
    assert_string_equal(c->reserved[0].ns, "tekton-pipelines");
    assert_int_equal(c->reserved[0].n, 2);
    assert_string_equal(c->reserved[0].products[1].s, "p2");
    assert_int_equal(c->reserved[1].n, 0);
    assert_int_equal(c->n_allowed, 1);
    assert_string_equal(c->allowed[0].items[0].kind.s, "ClusterRole");
    assert_string_equal(c->allowed[0].items[0].group.s, "rbac.authorization.k8s.io");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_go_cli_documents_load_with_camel_case_keys(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("go.yaml",
                               "apiVersion: nautes.resource.nautes.io/v1alpha1\n"
                               "kind: Cluster\n"
                               "spec:\n"
                               "  name: go-host\n"
                               "  apiServer: https://1.2.3.4:6443\n"
                               "  clusterKind: kubernetes\n"
                               "  clusterType: physical\n"
                               "  usage: host\n"
                               "  primaryDomain: 1.2.3.4.nip.io\n"
                               "  traefik: {httpNodePort: 30080, httpsNodePort: \"30443\"}\n"
                               "  kubeconfig: text\n"
                               "---\n"
                               "apiVersion: nautes.resource.nautes.io/v1alpha1\n"
                               "kind: Cluster\n"
                               "metadata: {name: go-virtual}\n"
                               "spec:\n"
                               "  apiServer: https://1.2.3.4:31456\n"
                               "  clusterType: virtual\n"
                               "  usage: worker\n"
                               "  workerType: pipeline\n"
                               "  hostCluster: go-host\n"
                               "  argocdHost: a.b\n"
                               "  tektonHost: t.b\n"
                               "  vcluster: {httpsNodePort: 31456}\n"
                               "  componentsList:\n"
                               "    multiTenant: {name: hnc, namespace: hnc-system}\n"
                               "    ingressController: null\n"
                               "  reservedNamespacesAllowedProducts: {hnc-system: [p]}\n"
                               "  productAllowedClusterResources: {p: [{kind: K, group: G}]}\n",
                               0, &out, &rc);
    assert_string_equal(nt_buf_str(&out), "");
    assert_int_equal(rc, 0);
    assert_int_equal(set->n, 2);
    nt_cluster *h = nt_cluster_set_find(set, "go-host");
    assert_int_equal(nt_cluster_pos(h, NT_AT_NAME).line, 4);
    assert_int_equal(nt_cluster_pos(h, NT_AT_ENTRY).line, 1);
    assert_string_equal(nt_cluster_get(h, NT_F_TRAEFIK_HTTP_NODE_PORT), "30080");
    assert_string_equal(nt_cluster_get(h, NT_F_KUBECONFIG), "text");
    nt_cluster *v = nt_cluster_set_find(set, "go-virtual");
    assert_non_null(v);
    assert_int_equal(nt_cluster_pos(v, NT_AT_NAME).line, 15);
    assert_string_equal(nt_cluster_get(v, NT_F_TEKTON_HOST), "t.b");
    assert_string_equal(nt_cluster_get(v, NT_F_VCLUSTER_HTTPS_NODE_PORT), "31456");
    assert_string_equal(v->comp[NT_C_MULTI_TENANT]->ns.s, "hnc-system");
    assert_true(v->comp[NT_C_INGRESS_CONTROLLER]->is_null);
    assert_string_equal(v->reserved[0].products[0].s, "p");
    assert_string_equal(v->allowed[0].items[0].group.s, "G");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_a_v04_cluster_resource_file_loads_with_the_resource_flag(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("clusters/cluster-host.yaml", NT_FIXTURE_V04_HOST,
                               NT_LOAD_RESOURCE | NT_LOAD_NO_ENV, &out, &rc);
    assert_string_equal(nt_buf_str(&out), "");
    assert_int_equal(rc, 0);
    assert_int_equal(set->n, 1);
    nt_cluster *c = set->items[0];
    assert_string_equal(c->name, "cluster-host");
    assert_int_equal(nt_cluster_pos(c, NT_AT_NAME).line, 5);
    assert_string_equal(nt_cluster_get(c, NT_F_USAGE), "host");
    assert_string_equal(c->comp[NT_C_OAUTH_PROXY]->name.s, "oauth2-proxy");
    assert_string_equal(c->comp[NT_C_SECRET_MANAGEMENT]->ns.s, "vault");
    assert_string_equal(nt_component_addition(c->comp[NT_C_GATEWAY], "httpsNodePort")->value.s,
                        "30443");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_server_only_components_are_refused_without_the_resource_flag(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("r.yaml", NT_FIXTURE_V04_HOST, 0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(nt_buf_str(&out),
                        "r.yaml:18:5: error: unknown key 'oauthProxy' in componentsList "
                        "(cluster cluster-host)\n"
                        "r.yaml:21:5: error: unknown key 'secretManagement' in componentsList "
                        "(cluster cluster-host)\n");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_a_v03_resource_file_with_all_nine_components_loads(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("v03.yaml",
                               "apiVersion: nautes.resource.nautes.io/v1alpha1\n"
                               "kind: Cluster\n"
                               "metadata: {creationTimestamp: null, name: w, namespace: nautes}\n"
                               "spec:\n"
                               "  apiServer: https://1.2.3.4:6443\n"
                               "  clusterKind: kubernetes\n"
                               "  clusterType: physical\n"
                               "  componentsList:\n"
                               "    certMgt: {name: cert-manager, namespace: cert-manager}\n"
                               "    deployment: {name: argocd, namespace: argocd}\n"
                               "    eventListener: {name: argo-events, namespace: argo-events}\n"
                               "    ingressController: {name: traefik, namespace: traefik}\n"
                               "    multiTenant: {name: hnc, namespace: hnc-system}\n"
                               "    pipeline: {name: tekton, namespace: tekton-pipelines}\n"
                               "    progressiveDelivery: {name: argo-rollouts, namespace: x}\n"
                               "    secretMgt: {name: vault, namespace: vault}\n"
                               "    secretSync: {name: external-secrets, namespace: e}\n"
                               "  productAllowedClusterResources: {}\n"
                               "  reservedNamespacesAllowedProducts: {}\n"
                               "  usage: worker\n"
                               "  workerType: pipeline\n"
                               "status: {}\n",
                               NT_LOAD_RESOURCE | NT_LOAD_NO_ENV, &out, &rc);
    assert_string_equal(nt_buf_str(&out), "");
    assert_int_equal(rc, 0);
    nt_cluster *c = set->items[0];
    for (int i = 0; i < NT_C_COUNT; i++)
        if (nt_components[i].flags & NT_COMP_V03)
            assert_true(c->comp[i]->declared);
    assert_true(c->has_reserved);
    assert_int_equal(c->n_reserved, 0);
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_other_kinds_are_skipped_silently_in_resource_mode(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("kustomization.yaml",
                               "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                               "kind: Kustomization\n"
                               "resources:\n"
                               "- cluster-host.yaml\n",
                               NT_LOAD_RESOURCE | NT_LOAD_NO_ENV, &out, &rc);
    assert_string_equal(nt_buf_str(&out), "");
    assert_int_equal(rc, 0);
    assert_int_equal(set->n, 0);
    nt_cluster_set_free(set);
    nt_buf_free(&out);
    /* without the flag it is an error */
    set = load("k.yaml", "apiVersion: v1\nkind: Kustomization\n", 0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(nt_buf_str(&out),
                        "k.yaml:2:7: error: kind 'Kustomization' is not supported; only 'kind: "
                        "Cluster' documents are read\n");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_interpolation_replaces_variables_defaults_and_dollars(void **state)
{
    (void)state;
    setenv("NT_TEST_IP", "10.1.2.3", 1);
    unsetenv("NT_TEST_UNSET");
    setenv("NT_TEST_EMPTY", "", 1);
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("i.yaml",
                               "clusters:\n"
                               "  - name: c\n"
                               "    api_server: https://${NT_TEST_IP}:6443\n"
                               "    primary_domain: ${NT_TEST_UNSET:-d.nip.io}\n"
                               "    argocd_host: ${NT_TEST_EMPTY:-e.nip.io}\n"
                               "    tekton_host: cost-$$5-$placeholder\n",
                               0, &out, &rc);
    assert_string_equal(nt_buf_str(&out), "");
    nt_cluster *c = set->items[0];
    assert_string_equal(nt_cluster_get(c, NT_F_API_SERVER), "https://10.1.2.3:6443");
    assert_string_equal(nt_cluster_get(c, NT_F_PRIMARY_DOMAIN), "d.nip.io");
    assert_string_equal(nt_cluster_get(c, NT_F_ARGOCD_HOST), "e.nip.io");
    assert_string_equal(nt_cluster_get(c, NT_F_TEKTON_HOST), "cost-$5-$placeholder");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_an_unset_variable_is_an_error_at_its_dollar(void **state)
{
    (void)state;
    unsetenv("NT_TEST_UNSET");
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("u.yaml",
                               "clusters:\n"
                               "  - name: c\n"
                               "    api_server: https://${NT_TEST_UNSET}:6443\n"
                               "    primary_domain: \"x.${NT_TEST_UNSET}\"\n",
                               0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(nt_buf_str(&out),
                        "u.yaml:3:25: error: environment variable NT_TEST_UNSET is not set; set "
                        "it or write ${NT_TEST_UNSET:-default} (cluster c)\n"
                        "u.yaml:4:24: error: environment variable NT_TEST_UNSET is not set; set "
                        "it or write ${NT_TEST_UNSET:-default} (cluster c)\n");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_no_env_leaves_references_as_written(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    nt_cluster_set *set = load("n.yaml", "clusters:\n  - name: c\n    api_server: ${X}$$\n",
                               NT_LOAD_NO_ENV, &out, NULL);
    assert_string_equal(nt_buf_str(&out), "");
    assert_string_equal(nt_cluster_get(set->items[0], NT_F_API_SERVER), "${X}$$");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_keys_are_never_interpolated(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load(
        "k.yaml",
        "clusters:\n  - name: c\n    reserved_namespaces_allowed_products:\n      ${NS}: [p]\n", 0,
        &out, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(set->items[0]->reserved[0].ns, "${NS}");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_the_input_hash_covers_the_file_and_substituted_values(void **state)
{
    (void)state;
    const char *text = "clusters:\n  - name: c\n    api_server: ${NT_TEST_HASH}\n";
    nt_buf out = NT_BUF_INIT;
    char raw[65], first[65];
    nt_sha256_hex(text, strlen(text), raw);
    setenv("NT_TEST_HASH", "https://a", 1);
    nt_cluster_set *set = load("h.yaml", text, 0, &out, NULL);
    memcpy(first, set->inputs[0].sha256, 65);
    assert_string_not_equal(first, raw);
    nt_cluster_set_free(set);
    setenv("NT_TEST_HASH", "https://b", 1);
    set = load("h.yaml", text, 0, &out, NULL);
    assert_string_not_equal(set->inputs[0].sha256, first);
    nt_cluster_set_free(set);
    set = load("h.yaml", text, NT_LOAD_NO_ENV, &out, NULL);
    assert_string_equal(set->inputs[0].sha256, raw);
    nt_cluster_set_free(set);
    unsetenv("NT_TEST_HASH");
    assert_string_equal(nt_buf_str(&out), "");
    nt_buf_free(&out);
}

static void test_keys_that_did_not_load_are_remembered_for_validation(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("f.yaml",
                               "clusters:\n  - name: a\n    api_sever: https://h\n"
                               "    colour: blue\n    usage: [host]\n"
                               "    traefik: {http_node_port: []}\n"
                               "    state: present\n    state: absent\n"
                               "  - name: b\n    usage: host\n",
                               0, &out, &rc);
    assert_int_equal(rc, -1);
    /* a duplicate, the unknown key and the key it resembles, a wrong type, a nested error */
    assert_string_equal(set->items[0]->failed_keys,
                        " state api_sever api_server colour usage traefik ");
    assert_null(set->items[1]->failed_keys);
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_unknown_keys_get_a_suggestion_when_one_is_close(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("s.yaml",
                               "clusters:\n"
                               "  - name: c\n"
                               "    api_sever: x\n"
                               "    clusterType: physical\n"
                               "    vcluster: {https_node_prot: 1}\n"
                               "    flavour: vanilla\n",
                               0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(
        nt_buf_str(&out),
        "s.yaml:3:5: error: unknown key 'api_sever' in a cluster entry; did you mean "
        "'api_server'? (cluster c)\n"
        "s.yaml:4:5: error: unknown key 'clusterType' in a cluster entry; did you mean "
        "'cluster_type'? (cluster c)\n"
        "s.yaml:5:16: error: unknown key 'https_node_prot' in 'vcluster'; did you mean "
        "'https_node_port'? (cluster c)\n"
        "s.yaml:6:5: error: unknown key 'flavour' in a cluster entry (cluster c)\n");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_duplicate_keys_name_both_positions(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load(
        "d.yaml", "clusters:\n  - name: c\n    usage: host\n    usage: worker\n", 0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(nt_buf_str(&out),
                        "d.yaml:4:5: error: duplicate key 'usage' (first given at line 3:5) "
                        "(cluster c)\n");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

/* 50,000 additions keys with two duplicates: each reported once with both positions. */
static void test_duplicate_keys_are_found_in_a_huge_additions_map(void **state)
{
    (void)state;
    nt_buf text = NT_BUF_INIT, out = NT_BUF_INIT;
    nt_buf_adds(&text, "clusters:\n  - name: c\n    components_list:\n      deployment:\n"
                       "        additions:\n");
    for (int i = 0; i < 50000; i++)
        nt_buf_addf(&text, "          k%d: v\n", i);
    nt_buf_adds(&text, "          k3: again\n          k49999: again\n");
    int rc;
    nt_cluster_set *set = load("big.yaml", nt_buf_str(&text), 0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(nt_buf_str(&out),
                        "big.yaml:50006:11: error: duplicate key 'k3' (first given at line 9:11) "
                        "(cluster c)\n"
                        "big.yaml:50007:11: error: duplicate key 'k49999' (first given at line "
                        "50005:11) (cluster c)\n");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
    nt_buf_free(&text);
}

static void test_a_cluster_declared_in_two_files_names_both_places(void **state)
{
    (void)state;
    nt_cluster_set *set = nt_cluster_set_new();
    nt_diag d = NT_DIAG_INIT;
    const char *a = "clusters:\n  - name: twin\n";
    const char *b = "\n\nclusters:\n  - {name: twin}\n";
    assert_int_equal(nt_load_buffer(set, "a.yaml", a, strlen(a), 0, &d), 0);
    assert_int_equal(nt_load_buffer(set, "b.yaml", b, strlen(b), 0, &d), -1);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.items[0].code, NT_RULE_DUPLICATE_NAME);
    assert_string_equal(d.items[0].file, "b.yaml");
    assert_int_equal(d.items[0].line, 4);
    assert_string_equal(d.items[0].msg,
                        "cluster 'twin' is declared twice; first declared at a.yaml:2:11");
    assert_int_equal(set->n, 1);
    assert_int_equal(set->n_inputs, 2);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
}

static void test_wrong_node_types_are_reported_and_loading_goes_on(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("t.yaml",
                               "clusters:\n"
                               "  - name: bad\n"
                               "    traefik: [1, 2]\n"
                               "    api_server: {a: b}\n"
                               "  - [not, a, mapping]\n"
                               "  - name: good\n"
                               "    usage: host\n",
                               0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(nt_buf_str(&out),
                        "t.yaml:3:14: error: traefik: expected a mapping, found a sequence "
                        "(cluster bad)\n"
                        "t.yaml:4:17: error: api_server: expected a string, found a mapping "
                        "(cluster bad)\n"
                        "t.yaml:5:5: error: a cluster entry: expected a mapping, found a "
                        "sequence\n");
    assert_non_null(nt_cluster_set_find(set, "good"));
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_an_empty_file_is_an_error_and_an_empty_list_is_not(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("e.yaml", "# nothing\n", 0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(nt_buf_str(&out), "e.yaml: error: no clusters declared: the file is "
                                          "empty (write 'clusters:' and a list of entries)\n");
    nt_cluster_set_free(set);
    nt_buf_reset(&out);
    set = load("l.yaml", "clusters: []\n", 0, &out, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(set->n, 0);
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_prevent_destroy_takes_only_true_or_false(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("p.yaml",
                               "clusters:\n  - name: c\n    prevent_destroy: \"true\"\n"
                               "  - name: d\n    prevent_destroy: false\n",
                               0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(nt_buf_str(&out), "p.yaml:3:22: error: prevent_destroy must be true or "
                                          "false, not 'true' (cluster c)\n");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_aliases_are_refused_without_expansion(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_buf bomb = NT_BUF_INIT;
    nt_buf_adds(&bomb, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 30; i++) {
        nt_buf_addf(&bomb, "a%d: &a%d [", i, i);
        for (int j = 0; j < 10; j++)
            nt_buf_addf(&bomb, "%s*a%d", j ? ", " : "", i - 1);
        nt_buf_adds(&bomb, "]\n");
    }
    nt_buf_adds(&bomb, "clusters: *a29\n");
    nt_cluster_set *set = load("bomb.yaml", nt_buf_str(&bomb), 0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(nt_buf_str(&out), "bomb.yaml:2:10: error: YAML aliases ('*a0') are "
                                             "not supported; write the value out\n"));
    assert_int_equal(set->n, 0);
    nt_cluster_set_free(set);
    nt_buf_free(&bomb);
    nt_buf_free(&out);
}

static void test_nesting_deeper_than_the_limit_is_refused(void **state)
{
    (void)state;
    nt_buf text = NT_BUF_INIT, out = NT_BUF_INIT;
    int rc;
    nt_buf_adds(&text, "clusters: ");
    for (int i = 0; i < 100000; i++)
        nt_buf_addc(&text, '[');
    nt_cluster_set *set = load("deep.yaml", nt_buf_str(&text), 0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(nt_buf_str(&out),
                        "deep.yaml:1:74: error: nesting is deeper than 64 levels\n");
    nt_cluster_set_free(set);
    nt_buf_free(&text);
    nt_buf_free(&out);
}

static void test_invalid_utf8_and_binary_data_are_reported_with_a_position(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("u.yaml", "clusters:\n  - name: caf\xc3\x28\n", 0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(nt_buf_str(&out), "u.yaml:2:14: error: invalid input: invalid trailing "
                                          "UTF-8 octet (byte 0x28); the file must be UTF-8 "
                                          "text\n");
    nt_cluster_set_free(set);
    nt_buf_reset(&out);
    nt_diag d = NT_DIAG_INIT;
    set = nt_cluster_set_new();
    static const char bin[] = "\x7f"
                              "ELF\x02\x01\x01\x00\x00\x00";
    assert_int_equal(nt_load_buffer(set, "bin", bin, sizeof bin - 1, 0, &d), -1);
    assert_int_equal(d.n, 1);
    assert_non_null(strstr(d.items[0].msg, "invalid input"));
    nt_diag_free(&d);
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_tabs_and_syntax_errors_carry_libyamls_problem(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("tab.yaml", "clusters:\n\t- name: a\n", 0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_string_equal(nt_buf_str(&out),
                        "tab.yaml:2:1: error: invalid YAML: found character that cannot start "
                        "any token while scanning for the next token; YAML does not allow tabs "
                        "for indentation, use spaces\n");
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_a_syntax_error_after_loaded_entries_reports_itself_alone(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    /* the first entries are loaded (with their own errors) before the parser reaches line 6 */
    nt_cluster_set *set = load("late.yaml",
                               "clusters:\n"
                               "  - name: a\n"
                               "    colour: blue\n"
                               "  - name: b\n"
                               "---\n"
                               "clusters: [\n",
                               0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_int_equal(set->n, 0);
    assert_string_equal(nt_buf_str(&out),
                        "late.yaml:7:1: error: invalid YAML: did not find expected node content "
                        "while parsing a flow node\n");
    assert_int_equal(set->n_inputs, 1);
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_a_clusters_list_in_a_cluster_document_is_not_loaded(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    int rc;
    /* `clusters:` first, then the keys of a kind: Cluster document: the document wins, as if
     * the list's entries (streamed as they were read) had never been loaded */
    nt_cluster_set *set = load("mixed.yaml",
                               "clusters:\n"
                               "  - name: a\n"
                               "    colour: blue\n"
                               "apiVersion: nautes.resource.nautes.io/v1alpha1\n"
                               "kind: Cluster\n"
                               "metadata: {name: doc}\n"
                               "spec: {apiServer: 'https://10.0.0.1:6443'}\n",
                               0, &out, &rc);
    assert_int_equal(rc, -1);
    assert_int_equal(set->n, 1);
    assert_non_null(nt_cluster_set_find(set, "doc"));
    assert_null(nt_cluster_set_find(set, "a"));
    assert_null(strstr(nt_buf_str(&out), "colour"));
    assert_non_null(strstr(nt_buf_str(&out), "mixed.yaml:1:1: error: unknown key 'clusters'"));
    nt_cluster_set_free(set);
    nt_buf_free(&out);
}

static void test_a_long_list_is_loaded_entry_by_entry_past_the_node_limit(void **state)
{
    (void)state;
    /* 2,000,000 YAML values is a limit on what is held at once: 2,100 entries of 1,000 values
     * each (2.1 million in the file) load, since each entry is freed once it is read */
    nt_buf text = NT_BUF_INIT;
    nt_buf_adds(&text, "clusters:\n");
    for (int i = 0; i < 2100; i++) {
        nt_buf_addf(&text, "- name: c%d\n  reserved_namespaces_allowed_products:\n    ns: [p", i);
        for (int j = 1; j < 996; j++)
            nt_buf_adds(&text, ",p");
        nt_buf_adds(&text, "]\n");
    }
    nt_buf out = NT_BUF_INIT;
    int rc;
    nt_cluster_set *set = load("long.yaml", nt_buf_str(&text), 0, &out, &rc);
    assert_string_equal(nt_buf_str(&out), "");
    assert_int_equal(rc, 0);
    assert_int_equal(set->n, 2100);
    assert_int_equal(nt_cluster_set_find(set, "c2099")->reserved[0].n, 996);
    assert_int_equal(nt_cluster_pos(nt_cluster_set_find(set, "c2099"), NT_AT_NAME).line, 6299);
    nt_cluster_set_free(set);
    nt_buf_free(&out);
    nt_buf_free(&text);
}

static void test_loading_stops_after_ten_thousand_errors_in_a_file(void **state)
{
    (void)state;
    /* 10,050 entries that are not mappings: ten thousand messages, then one that says the
     * rest was not read (a hostile file of millions costs no more) */
    nt_buf text = NT_BUF_INIT;
    nt_buf_adds(&text, "clusters: [x");
    for (int i = 1; i < 10050; i++)
        nt_buf_adds(&text, ", x");
    nt_buf_adds(&text, "]\n");
    nt_cluster_set *set = nt_cluster_set_new();
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_load_buffer(set, "bad.yaml", text.data, text.len, 0, &d), -1);
    assert_int_equal(d.n_errors, 10001);
    assert_non_null(strstr(d.items[0].msg, "a cluster entry"));
    assert_string_equal(d.items[d.n - 1].msg, "stopped after 10000 errors: the rest of the file "
                                              "was not read (fix these first)");
    assert_string_equal(d.items[d.n - 1].file, "bad.yaml");
    assert_int_equal(d.items[d.n - 1].line, 0);
    assert_int_equal(set->n, 0);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
    nt_buf_free(&text);
}

static void test_a_megabyte_scalar_loads(void **state)
{
    (void)state;
    nt_buf text = NT_BUF_INIT, out = NT_BUF_INIT;
    nt_buf_adds(&text, "clusters:\n  - name: c\n    primary_domain: ");
    for (int i = 0; i < 1024 * 1024; i++)
        nt_buf_addc(&text, 'a');
    nt_buf_addc(&text, '\n');
    int rc;
    nt_cluster_set *set = load("big.yaml", nt_buf_str(&text), 0, &out, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(strlen(nt_cluster_get(set->items[0], NT_F_PRIMARY_DOMAIN)), 1024 * 1024);
    nt_cluster_set_free(set);
    nt_buf_free(&text);
    nt_buf_free(&out);
}

/* ---- files and directories ----------------------------------------------------------------- */

static char tmpdir[64];

static void write_file(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/nt-test-load-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_kubeconfig_file_is_read_relative_to_the_yaml_file(void **state)
{
    (void)state;
    char sub[128], yaml[160];
    snprintf(sub, sizeof sub, "%s/kc", tmpdir);
    mkdir(sub, 0700);
    write_file("kc/host.yaml", "apiVersion: v1\nclusters: [x]\nusers: [y]\n");
    write_file("c.yaml", "clusters:\n  - name: h\n    kubeconfig_file: kc/host.yaml\n");
    snprintf(yaml, sizeof yaml, "%s/c.yaml", tmpdir);
    const char *paths[] = {yaml};
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_load_paths(&set, paths, 1, 0, &d), 0);
    nt_cluster *c = set->items[0];
    assert_string_equal(c->kubeconfig_file.s, "kc/host.yaml");
    assert_string_equal(nt_cluster_get(c, NT_F_KUBECONFIG),
                        "apiVersion: v1\nclusters: [x]\nusers: [y]\n");
    assert_int_equal(nt_cluster_field_pos(c, NT_F_KUBECONFIG).line, 3);
    assert_null(c->kubeconfig_unread);
    /* a kubeconfig is not an input of a saved plan: one made without it applies where it is */
    assert_int_equal(set->n_inputs, 1);
    assert_non_null(strstr(set->inputs[0].path, "c.yaml"));
    assert_int_equal(d.n, 0);
    nt_cluster_set_free(set);
    /* NT_LOAD_NO_KUBECONFIG keeps the path and reads nothing */
    assert_int_equal(nt_load_paths(&set, paths, 1, NT_LOAD_NO_KUBECONFIG, &d), 0);
    assert_null(nt_cluster_get(set->items[0], NT_F_KUBECONFIG));
    assert_string_equal(set->items[0]->kubeconfig_file.s, "kc/host.yaml");
    assert_int_equal(set->n_inputs, 1);
    nt_cluster_set_free(set);
    nt_diag_free(&d);
}

static bool has_error(const nt_diag *d, const char *text)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].sev == NT_SEV_ERROR && strstr(d->items[i].msg, text))
            return true;
    return false;
}

static void test_a_kubeconfig_file_under_tilde_is_read_from_home(void **state)
{
    (void)state;
    char sub[128], yaml[160];
    snprintf(sub, sizeof sub, "%s/kc", tmpdir);
    mkdir(sub, 0700);
    write_file("kc/home.yaml", "apiVersion: v1\nclusters: [x]\nusers: [y]\n");
    write_file("t.yaml", "clusters:\n  - name: h\n    kubeconfig_file: ~/kc/home.yaml\n"
                         "  - name: u\n    kubeconfig_file: ~root/kc.yaml\n");
    snprintf(yaml, sizeof yaml, "%s/t.yaml", tmpdir);
    const char *paths[] = {yaml};
    const char *old = getenv("HOME");
    char *saved = old ? strdup(old) : NULL;
    setenv("HOME", tmpdir, 1);
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    nt_load_paths(&set, paths, 1, 0, &d);
    assert_string_equal(nt_cluster_get(nt_cluster_set_find(set, "h"), NT_F_KUBECONFIG),
                        "apiVersion: v1\nclusters: [x]\nusers: [y]\n");
    assert_true(has_error(&d, "kubeconfig_file '~root/kc.yaml': only ~/ (your home) "
                              "is expanded, not ~user; write the path out"));
    nt_cluster_set_free(set);
    nt_diag_free(&d);
    /* no HOME: said, not read as a relative path */
    unsetenv("HOME");
    set = NULL;
    nt_load_paths(&set, paths, 1, 0, &d);
    assert_true(has_error(&d, "kubeconfig_file '~/kc/home.yaml': HOME is not set"));
    nt_cluster_set_free(set);
    nt_diag_free(&d);
    if (saved) {
        setenv("HOME", saved, 1);
        free(saved);
    }
}

static void test_a_missing_kubeconfig_file_is_a_note_and_the_load_goes_on(void **state)
{
    (void)state;
    char yaml[160];
    write_file("m.yaml", "clusters:\n  - name: h\n    kubeconfig_file: nope.yaml\n"
                         "  - name: both\n    kubeconfig: x\n    kubeconfig_file: nope.yaml\n");
    snprintf(yaml, sizeof yaml, "%s/m.yaml", tmpdir);
    const char *paths[] = {yaml};
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    /* the note: no command but apply needs the contents */
    assert_int_equal(nt_load_paths(&set, paths, 1, 0, &d), -1);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.items[0].sev, NT_SEV_NOTE);
    assert_int_equal(d.items[0].line, 3);
    assert_int_equal(d.items[0].col, 22);
    assert_string_equal(d.items[0].cluster, "h");
    assert_non_null(strstr(d.items[0].msg, "not read: kubeconfig_file 'nope.yaml' ("));
    assert_non_null(strstr(d.items[0].msg, "nope.yaml: No such file or directory); apply needs "
                                           "it to save this cluster"));
    assert_non_null(strstr(set->items[0]->kubeconfig_unread, "No such file or directory"));
    assert_null(nt_cluster_get(set->items[0], NT_F_KUBECONFIG));
    assert_int_equal(d.items[1].sev, NT_SEV_ERROR);
    assert_string_equal(d.items[1].msg, "give either kubeconfig or kubeconfig_file, not both "
                                        "(kubeconfig at line 5:17)");
    nt_cluster_set_free(set);
    nt_diag_free(&d);

    /* alone it is not an error; NT_LOAD_KUBECONFIG_QUIET (apply) only records why */
    write_file("m.yaml", "clusters:\n  - name: h\n    kubeconfig_file: nope.yaml\n");
    assert_int_equal(nt_load_paths(&set, paths, 1, 0, &d), 0);
    assert_int_equal(d.n, 1);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
    assert_int_equal(nt_load_paths(&set, paths, 1, NT_LOAD_KUBECONFIG_QUIET, &d), 0);
    assert_int_equal(d.n, 0);
    assert_non_null(set->items[0]->kubeconfig_unread);
    /* a clone keeps the reason (the plan works on copies) */
    nt_cluster *copy = nt_cluster_clone(set->items[0]);
    assert_string_equal(copy->kubeconfig_unread, set->items[0]->kubeconfig_unread);
    nt_cluster_free(copy);
    nt_cluster_set_free(set);
    nt_diag_free(&d);
}

/* Load `text` as t.yaml in tmpdir with flags; the diagnostics formatted into out. */
static int load_file(const char *text, unsigned flags, nt_buf *out)
{
    char yaml[160];
    write_file("t.yaml", text);
    snprintf(yaml, sizeof yaml, "%s/t.yaml", tmpdir);
    const char *paths[] = {yaml};
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    int rc = nt_load_paths(&set, paths, 1, flags, &d);
    nt_buf_reset(out);
    nt_diag_format(&d, out, false);
    nt_cluster_set_free(set);
    nt_diag_free(&d);
    return rc;
}

static void test_an_empty_kubeconfig_file_is_an_error_in_every_mode(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    write_file("empty.yaml", "");
    static const unsigned modes[] = {0, NT_LOAD_NO_KUBECONFIG, NT_LOAD_KUBECONFIG_QUIET};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        assert_int_equal(
            load_file("clusters:\n  - name: h\n    kubeconfig_file: empty.yaml\n", modes[i], &out),
            -1);
        assert_non_null(
            strstr(nt_buf_str(&out), "t.yaml:3:22: error: kubeconfig_file 'empty.yaml' ("));
        assert_non_null(strstr(nt_buf_str(&out), "empty.yaml) is empty (0 bytes); put the "
                                                 "cluster's kubeconfig in it (cluster h)\n"));
    }
    nt_buf_free(&out);
}

static void test_a_pipe_or_a_device_as_kubeconfig_file_is_refused_without_opening_it(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    char fifo[160];
    snprintf(fifo, sizeof fifo, "%s/kc.fifo", tmpdir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    /* opening a FIFO with no writer for reading would block this test forever */
    assert_int_equal(load_file("clusters:\n  - name: h\n    kubeconfig_file: kc.fifo\n", 0, &out),
                     -1);
    assert_non_null(strstr(nt_buf_str(&out), "t.yaml:3:22: error: kubeconfig_file 'kc.fifo' ("));
    assert_non_null(strstr(nt_buf_str(&out), "is a named pipe, not a regular file; name the file "
                                             "that holds the kubeconfig (cluster h)"));
    assert_int_equal(load_file("clusters:\n  - name: h\n    kubeconfig_file: /dev/null\n",
                               NT_LOAD_NO_KUBECONFIG, &out),
                     -1);
    assert_non_null(strstr(nt_buf_str(&out),
                           "t.yaml:3:22: error: kubeconfig_file '/dev/null' is a character "
                           "device, not a regular file; name the file that holds the kubeconfig "
                           "(cluster h)\n"));
    assert_int_equal(load_file("clusters:\n  - name: h\n    kubeconfig_file: /\n", 0, &out), -1);
    assert_non_null(strstr(nt_buf_str(&out), "'/' is a directory, not a regular file"));
    nt_buf_free(&out);
}

static void test_an_unreadable_kubeconfig_file_is_a_note(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    write_file("secret.yaml", "apiVersion: v1\nclusters: [x]\nusers: [y]\n");
    char path[160];
    snprintf(path, sizeof path, "%s/secret.yaml", tmpdir);
    chmod(path, 0);
    if (access(path, R_OK) == 0) { /* root reads anything: nothing to test */
        nt_buf_free(&out);
        skip();
    }
    assert_int_equal(
        load_file("clusters:\n  - name: h\n    kubeconfig_file: secret.yaml\n", 0, &out), 0);
    assert_non_null(strstr(nt_buf_str(&out), "t.yaml:3:22: note: not read: kubeconfig_file "
                                             "'secret.yaml' ("));
    assert_non_null(strstr(nt_buf_str(&out), "Permission denied); apply needs it"));
    nt_buf_free(&out);
}

static void test_a_directory_is_read_in_name_order_and_only_its_yaml(void **state)
{
    (void)state;
    char dir[128];
    snprintf(dir, sizeof dir, "%s/dir", tmpdir);
    mkdir(dir, 0700);
    write_file("dir/b.yml", "clusters:\n  - name: from-b\n");
    write_file("dir/a.yaml", "clusters:\n  - name: from-a\n");
    write_file("dir/notes.txt", "not yaml");
    const char *paths[] = {dir};
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_load_paths(&set, paths, 1, 0, &d), 0);
    assert_int_equal(set->n, 2);
    assert_string_equal(set->items[0]->name, "from-a");
    assert_string_equal(set->items[1]->name, "from-b");
    assert_int_equal(set->n_files, 2);
    nt_cluster_set_free(set);
    /* a directory without YAML */
    char empty[128];
    snprintf(empty, sizeof empty, "%s/empty", tmpdir);
    mkdir(empty, 0700);
    const char *paths2[] = {empty};
    assert_int_equal(nt_load_paths(&set, paths2, 1, 0, &d), -1);
    assert_string_equal(d.items[0].msg, "the directory holds no *.yaml or *.yml file");
    assert_string_equal(d.items[0].file, empty);
    nt_cluster_set_free(set);
    nt_diag_free(&d);
}

static void test_a_file_over_the_size_limit_is_refused_before_it_is_read(void **state)
{
    (void)state;
    char path[160];
    snprintf(path, sizeof path, "%s/huge.yaml", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("clusters:\n  - name: c\n    primary_domain: ", f);
    fclose(f);
    assert_int_equal(truncate(path, (off_t)NT_LOAD_MAX_FILE + 1), 0); /* sparse: cheap */
    const char *paths[] = {path};
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_load_paths(&set, paths, 1, 0, &d), -1);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.items[0].msg, "cannot read: the file is larger than the 64 MiB limit");
    nt_cluster_set_free(set);
    nt_diag_free(&d);
    unlink(path);
}

/* ---- helpers ------------------------------------------------------------------------------------
 */

static void test_levenshtein_counts_edits(void **state)
{
    (void)state;
    assert_int_equal(nt_levenshtein("", ""), 0);
    assert_int_equal(nt_levenshtein("kitten", "sitting"), 3);
    assert_int_equal(nt_levenshtein("api_sever", "api_server"), 1);
    assert_int_equal(nt_levenshtein("abc", ""), 3);
}

static void test_suggestions_are_offered_only_when_close(void **state)
{
    (void)state;
    const char *const cands[] = {"api_server", "usage", "worker_type", "host_cluster"};
    assert_string_equal(nt_suggest("usag", cands, 4), "usage");
    assert_string_equal(nt_suggest("apiServer", cands, 4), "api_server");
    assert_string_equal(nt_suggest("WorkerType", cands, 4), "worker_type");
    assert_null(nt_suggest("colour", cands, 4));
    assert_null(nt_suggest("x", cands, 4));
    assert_null(nt_suggest(NULL, cands, 4));
}

static void test_interp_reports_bad_references_at_their_column(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT;
    nt_diag d = NT_DIAG_INIT;
    nt_pos at = {"f", 3, 10};
    assert_int_equal(nt_interp("ab${1x}", 7, at, true, &out, NULL, "c", &d), -1);
    assert_int_equal(d.items[0].col, 12);
    nt_diag_free(&d);
    nt_buf_reset(&out);
    assert_int_equal(nt_interp("a\n${NT_TEST_NOPE", 16, at, true, &out, NULL, NULL, &d), -1);
    assert_int_equal(d.items[0].col, 10); /* after a newline: the scalar's own position */
    nt_diag_free(&d);
    nt_buf_reset(&out);
    assert_int_equal(nt_interp("$", 1, at, true, &out, NULL, NULL, &d), 0);
    assert_string_equal(nt_buf_str(&out), "$");
    nt_diag_free(&d);
    nt_buf_free(&out);
}

/* issue 12, point 20: a default may hold references; never the literal text "${C}". */
static void test_interp_nested_defaults_are_interpolated_or_refused(void **state)
{
    (void)state;
    nt_buf out = NT_BUF_INIT, subs = NT_BUF_INIT;
    nt_diag d = NT_DIAG_INIT;
    nt_pos at = {"f", 3, 10};
    unsetenv("NT_TEST_B");
    setenv("NT_TEST_C", "cee", 1);
    assert_int_equal(nt_interp("x${NT_TEST_B:-${NT_TEST_C}}y", 28, at, true, &out, &subs, NULL, &d),
                     0);
    assert_string_equal(nt_buf_str(&out), "xceey");
    assert_int_equal(d.n, 0);
    nt_buf_reset(&out);
    const char *two = "${NT_TEST_B:-${NT_TEST_D:-a$$b}}-${NT_TEST_B:-{}}";
    assert_int_equal(nt_interp(two, strlen(two), at, true, &out, NULL, NULL, &d), 0);
    assert_string_equal(nt_buf_str(&out), "a$b-{}");
    nt_buf_reset(&out);
    setenv("NT_TEST_B", "bee", 1); /* B set: its default is not looked at */
    assert_int_equal(nt_interp("${NT_TEST_B:-${NT_TEST_NOPE}}", 29, at, true, &out, NULL, NULL, &d),
                     0);
    assert_string_equal(nt_buf_str(&out), "bee");
    unsetenv("NT_TEST_B");
    nt_buf_reset(&out);
    /* an unset variable inside the default: an error at its own column */
    assert_int_equal(
        nt_interp("ab${NT_TEST_B:-${NT_TEST_NOPE}}", 31, at, true, &out, NULL, NULL, &d), -1);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.items[0].line, 3);
    assert_int_equal(d.items[0].col, 10 + 15);
    assert_non_null(strstr(d.items[0].msg, "NT_TEST_NOPE"));
    nt_diag_free(&d);
    nt_buf_reset(&out);
    /* an unterminated nested default is reported, not passed through */
    assert_int_equal(nt_interp("${NT_TEST_B:-${NT_TEST_C}", 25, at, true, &out, NULL, NULL, &d),
                     -1);
    assert_non_null(strstr(d.items[0].msg, "unterminated"));
    assert_int_equal(d.items[0].col, 10);
    nt_diag_free(&d);
    nt_buf_reset(&out);
    /* three nested defaults are fine, a fourth is refused with its position */
    const char *ok = "${NT_TEST_B:-${NT_TEST_B:-${NT_TEST_B:-${NT_TEST_C}}}}";
    assert_int_equal(nt_interp(ok, strlen(ok), at, true, &out, NULL, NULL, &d), 0);
    assert_string_equal(nt_buf_str(&out), "cee");
    nt_buf_reset(&out);
    const char *deep = "${NT_TEST_B:-${NT_TEST_B:-${NT_TEST_B:-${NT_TEST_B:-${NT_TEST_C}}}}}";
    assert_int_equal(nt_interp(deep, strlen(deep), at, true, &out, NULL, NULL, &d), -1);
    assert_non_null(strstr(d.items[0].msg, "nested more than 3 deep"));
    assert_int_equal(d.items[0].col, 10 + 39);
    assert_null(strstr(nt_buf_str(&out), "${"));
    nt_diag_free(&d);
    unsetenv("NT_TEST_C");
    nt_buf_free(&out);
    nt_buf_free(&subs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_native_entries_load_every_field_with_positions),
        cmocka_unit_test(test_only_a_components_list_reserves_components),
        cmocka_unit_test(test_components_and_both_maps_load_in_the_native_format),
        cmocka_unit_test(test_go_cli_documents_load_with_camel_case_keys),
        cmocka_unit_test(test_a_v04_cluster_resource_file_loads_with_the_resource_flag),
        cmocka_unit_test(test_server_only_components_are_refused_without_the_resource_flag),
        cmocka_unit_test(test_a_v03_resource_file_with_all_nine_components_loads),
        cmocka_unit_test(test_other_kinds_are_skipped_silently_in_resource_mode),
        cmocka_unit_test(test_interpolation_replaces_variables_defaults_and_dollars),
        cmocka_unit_test(test_an_unset_variable_is_an_error_at_its_dollar),
        cmocka_unit_test(test_no_env_leaves_references_as_written),
        cmocka_unit_test(test_keys_are_never_interpolated),
        cmocka_unit_test(test_the_input_hash_covers_the_file_and_substituted_values),
        cmocka_unit_test(test_unknown_keys_get_a_suggestion_when_one_is_close),
        cmocka_unit_test(test_keys_that_did_not_load_are_remembered_for_validation),
        cmocka_unit_test(test_duplicate_keys_name_both_positions),
        cmocka_unit_test(test_duplicate_keys_are_found_in_a_huge_additions_map),
        cmocka_unit_test(test_a_cluster_declared_in_two_files_names_both_places),
        cmocka_unit_test(test_wrong_node_types_are_reported_and_loading_goes_on),
        cmocka_unit_test(test_an_empty_file_is_an_error_and_an_empty_list_is_not),
        cmocka_unit_test(test_prevent_destroy_takes_only_true_or_false),
        cmocka_unit_test(test_aliases_are_refused_without_expansion),
        cmocka_unit_test(test_nesting_deeper_than_the_limit_is_refused),
        cmocka_unit_test(test_invalid_utf8_and_binary_data_are_reported_with_a_position),
        cmocka_unit_test(test_tabs_and_syntax_errors_carry_libyamls_problem),
        cmocka_unit_test(test_a_syntax_error_after_loaded_entries_reports_itself_alone),
        cmocka_unit_test(test_a_clusters_list_in_a_cluster_document_is_not_loaded),
        cmocka_unit_test(test_a_long_list_is_loaded_entry_by_entry_past_the_node_limit),
        cmocka_unit_test(test_loading_stops_after_ten_thousand_errors_in_a_file),
        cmocka_unit_test(test_a_megabyte_scalar_loads),
        cmocka_unit_test_setup_teardown(test_a_kubeconfig_file_under_tilde_is_read_from_home,
                                        make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_kubeconfig_file_is_read_relative_to_the_yaml_file,
                                        make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(
            test_a_missing_kubeconfig_file_is_a_note_and_the_load_goes_on, make_tmpdir,
            remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_an_empty_kubeconfig_file_is_an_error_in_every_mode,
                                        make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(
            test_a_pipe_or_a_device_as_kubeconfig_file_is_refused_without_opening_it, make_tmpdir,
            remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_an_unreadable_kubeconfig_file_is_a_note, make_tmpdir,
                                        remove_tmpdir),
        cmocka_unit_test_setup_teardown(test_a_directory_is_read_in_name_order_and_only_its_yaml,
                                        make_tmpdir, remove_tmpdir),
        cmocka_unit_test_setup_teardown(
            test_a_file_over_the_size_limit_is_refused_before_it_is_read, make_tmpdir,
            remove_tmpdir),
        cmocka_unit_test(test_levenshtein_counts_edits),
        cmocka_unit_test(test_suggestions_are_offered_only_when_close),
        cmocka_unit_test(test_interp_reports_bad_references_at_their_column),
        cmocka_unit_test(test_interp_nested_defaults_are_interpolated_or_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
