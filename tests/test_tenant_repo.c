/* Tests of core/observe/tenant_read.c and devserver/tenant_write.c: the Cluster file shape
 * (docs/api-server.md §7.4), the rendered files that hold what it lacks (7.3), the kustomization,
 * removal, and reading it all back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/model/tenant_layout.h"
#include "core/observe/tenant_read.h"
#include "devserver/tenant_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/cluster_fixtures.h"

static bool exists(const char *rel)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", nt_fixture_root, rel);
    return stat(path, &st) == 0;
}

static void comp(nt_cluster *c, nt_component_kind k, const char *name, const char *ns)
{
    c->has_components = true;
    nt_cluster_component(c, k)->declared = true;
    nt_value_set(&nt_cluster_component(c, k)->name, name, NT_POS_NONE);
    nt_value_set(&nt_cluster_component(c, k)->ns, ns, NT_POS_NONE);
}

static nt_cluster *v04_host(void)
{
    nt_cluster *c = nt_cluster_new();
    c->name = strdup("cluster-host");
    nt_cluster_set_field(c, NT_F_API_SERVER, "https://8.217.50.114:6443", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_CLUSTER_KIND, "kubernetes", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_CLUSTER_TYPE, "physical", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_USAGE, "host", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_HOST_CLUSTER, "", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_WORKER_TYPE, "", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_PRIMARY_DOMAIN, "8.217.50.114.nip.io", NT_POS_NONE);
    comp(c, NT_C_GATEWAY, "traefik", "traefik");
    nt_component_set_addition(nt_cluster_component(c, NT_C_GATEWAY), "httpsNodePort", "30443",
                              NT_POS_NONE);
    nt_component_set_addition(nt_cluster_component(c, NT_C_GATEWAY), "httpNodePort", "30080",
                              NT_POS_NONE);
    comp(c, NT_C_OAUTH_PROXY, "oauth2-proxy", "oauth2-proxy");
    comp(c, NT_C_SECRET_MANAGEMENT, "vault", "vault");
    return c;
}

static nt_cluster *v03_virtual(void)
{
    nt_cluster *c = nt_cluster_new();
    c->name = strdup("vc1");
    nt_cluster_set_field(c, NT_F_API_SERVER, "https://8.217.50.114:31456", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_CLUSTER_KIND, "kubernetes", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_CLUSTER_TYPE, "virtual", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_USAGE, "worker", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_WORKER_TYPE, "pipeline", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_HOST_CLUSTER, "cluster-host", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_PRIMARY_DOMAIN, "8.217.50.114.nip.io", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_ARGOCD_HOST, "argocd.vc1.8.217.50.114.nip.io", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_TEKTON_HOST, "tekton.vc1.8.217.50.114.nip.io", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_VCLUSTER_HTTPS_NODE_PORT, "31456", NT_POS_NONE);
    for (int k = 0; k < NT_C_COUNT; k++)
        if (nt_components[k].flags & NT_COMP_V03)
            comp(c, (nt_component_kind)k, nt_components[k].default_name,
                 nt_components[k].default_namespace);
    nt_ns_products_add(nt_cluster_add_reserved(c, "tekton-pipelines", NT_POS_NONE), "p1",
                       NT_POS_NONE);
    return c;
}

static void test_v04_host_file_is_exactly_the_real_shape(void **state)
{
    (void)state;
    nt_cluster *c = v04_host();
    nt_buf changed = NT_BUF_INIT;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_tenant_write_cluster(nt_fixture_root, c, NT_GEN_V04, NULL, &changed, &d),
                     0);
    char *s = nt_fixture_slurp("nautes/overlays/production/clusters/cluster-host.yaml");
    assert_string_equal(s, NT_FIXTURE_V04_HOST);
    free(s);
    s = nt_fixture_slurp("nautes/overlays/production/clusters/kustomization.yaml");
    assert_string_equal(s, "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                           "kind: Kustomization\n"
                           "resources:\n"
                           "- cluster-host.yaml\n");
    free(s);
    assert_true(exists("host-clusters/cluster-host/production/traefik-app.yaml"));
    assert_string_equal(nt_buf_str(&changed),
                        "nautes/overlays/production/clusters/cluster-host.yaml\n"
                        "nautes/overlays/production/clusters/kustomization.yaml\n"
                        "host-clusters/cluster-host/production/traefik-app.yaml\n");

    /* the same save again changes nothing */
    nt_buf_reset(&changed);
    assert_int_equal(nt_tenant_write_cluster(nt_fixture_root, c, NT_GEN_V04, NULL, &changed, &d),
                     0);
    assert_int_equal(changed.len, 0);
    nt_buf_free(&changed);
    nt_diag_free(&d);
    nt_cluster_free(c);
}

static void test_v03_virtual_writes_rendered_files_and_reads_back_every_field(void **state)
{
    (void)state;
    nt_cluster *h = v04_host();
    nt_cluster *v = v03_virtual();
    nt_buf changed = NT_BUF_INIT;
    nt_diag d = NT_DIAG_INIT;
    /* a v0.3 host: drop the v0.4 components and use the seed fields */
    for (int k = 0; k < NT_C_COUNT; k++)
        nt_cluster_component(h, k)->declared = false;
    nt_cluster_set_field(h, NT_F_TRAEFIK_HTTP_NODE_PORT, "30080", NT_POS_NONE);
    nt_cluster_set_field(h, NT_F_TRAEFIK_HTTPS_NODE_PORT, "30443", NT_POS_NONE);
    assert_int_equal(nt_tenant_write_cluster(nt_fixture_root, h, NT_GEN_V03, NULL, &changed, &d),
                     0);
    assert_int_equal(nt_tenant_write_cluster(nt_fixture_root, v, NT_GEN_V03, NULL, &changed, &d),
                     0);
    char *s = nt_fixture_slurp("nautes/overlays/production/clusters/vc1.yaml");
    assert_non_null(strstr(s, "  componentsList:\n    certMgt:\n      name: cert-manager\n"));
    assert_non_null(strstr(s, "  productAllowedClusterResources: {}\n"));
    assert_non_null(strstr(s, "  reservedNamespacesAllowedProducts:\n"
                              "    tekton-pipelines:\n    - p1\n"));
    assert_non_null(strstr(s, "  hostCluster: cluster-host\n"));
    assert_non_null(strstr(s, "  workerType: pipeline\n"));
    assert_null(strstr(s, "ort: ")); /* no port is in the Cluster file */
    free(s);
    s = nt_fixture_slurp("host-clusters/cluster-host/vclusters/vc1/vcluster-initial/svc.yaml");
    assert_non_null(strstr(s, "nodePort: 31456\n"));
    free(s);
    s = nt_fixture_slurp("nautes/overlays/production/clusters/kustomization.yaml");
    assert_non_null(strstr(s, "- cluster-host.yaml\n- vc1.yaml\n"));
    free(s);

    nt_tree_reader r = nt_tree_reader_fs;
    r.ctx = nt_fixture_root;
    nt_cluster_set *set = NULL;
    int rc = nt_tenant_read(&r, "test", &set, &d);
    if (rc < 0) {
        nt_buf out = NT_BUF_INIT;
        nt_diag_format(&d, &out, false);
        fail_msg("%s", nt_buf_str(&out));
    }
    assert_int_equal(set->n, 2);
    assert_int_equal(set->gen, NT_GEN_V03);
    assert_false(set->visible & (1u << NT_F_KUBECONFIG));
    assert_true(set->visible & (1u << NT_F_VCLUSTER_HTTPS_NODE_PORT));
    nt_cluster *rh = nt_cluster_set_find(set, "cluster-host");
    nt_cluster *rv = nt_cluster_set_find(set, "vc1");
    assert_string_equal(nt_cluster_get(rh, NT_F_TRAEFIK_HTTP_NODE_PORT), "30080");
    assert_string_equal(nt_cluster_get(rh, NT_F_TRAEFIK_HTTPS_NODE_PORT), "30443");
    assert_string_equal(nt_cluster_get(rv, NT_F_VCLUSTER_HTTPS_NODE_PORT), "31456");
    assert_string_equal(nt_cluster_get(rv, NT_F_ARGOCD_HOST), "argocd.vc1.8.217.50.114.nip.io");
    assert_string_equal(nt_cluster_get(rv, NT_F_TEKTON_HOST), "tekton.vc1.8.217.50.114.nip.io");
    assert_string_equal(nt_cluster_get(rv, NT_F_HOST_CLUSTER), "cluster-host");
    assert_string_equal(nt_cluster_get(rv, NT_F_WORKER_TYPE), "pipeline");
    assert_int_equal(rv->n_reserved, 1);
    nt_cluster_set_free(set);

    /* removal takes the rendered files and the kustomization entry with it */
    nt_buf_reset(&changed);
    assert_int_equal(nt_tenant_remove_cluster(nt_fixture_root, v, NT_GEN_V03, NULL, &changed, &d),
                     0);
    assert_false(exists("nautes/overlays/production/clusters/vc1.yaml"));
    assert_false(exists("runtimes/vc1-runtime"));
    assert_false(exists("host-clusters/cluster-host/vclusters"));
    assert_true(exists("host-clusters/cluster-host/production/traefik-app.yaml"));
    assert_non_null(strstr(nt_buf_str(&changed),
                           "host-clusters/cluster-host/vclusters/vc1/vcluster-initial/svc.yaml\n"));
    s = nt_fixture_slurp("nautes/overlays/production/clusters/kustomization.yaml");
    assert_null(strstr(s, "vc1.yaml"));
    free(s);
    nt_buf_free(&changed);
    nt_diag_free(&d);
    nt_cluster_free(h);
    nt_cluster_free(v);
}

static void test_reading_a_tree_without_clusters_gives_an_empty_set(void **state)
{
    (void)state;
    nt_tree_reader r = nt_tree_reader_fs;
    r.ctx = nt_fixture_root;
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_tenant_read(&r, "test", &set, &d), 0);
    assert_int_equal(set->n, 0);
    assert_int_equal(set->gen, NT_GEN_UNKNOWN);
    nt_cluster_set_free(set);
    nt_diag_free(&d);
}

static void test_a_reserved_name_is_refused_and_writes_nothing(void **state)
{
    (void)state;
    assert_non_null(nt_tenant_reserved_name("kustomization"));
    assert_non_null(strstr(nt_tenant_reserved_name("kustomization"), "kustomization.yaml"));
    assert_null(nt_tenant_reserved_name("kustomization-1"));
    assert_null(nt_tenant_reserved_name("kustomizatio"));
    assert_null(nt_tenant_reserved_name("cluster-host"));

    nt_cluster *h = v04_host();
    free(h->name);
    h->name = strdup("kustomization");
    nt_buf changed = NT_BUF_INIT;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_tenant_write_cluster(nt_fixture_root, h, NT_GEN_V04, NULL, &changed, &d),
                     -1);
    assert_int_equal(changed.len, 0);
    assert_true(d.n > 0);
    assert_non_null(strstr(d.items[0].msg, "the cluster name kustomization is reserved"));
    assert_false(exists(NT_CLUSTERS_DIR "/kustomization.yaml"));
    assert_false(exists("host-clusters"));
    nt_buf_free(&changed);
    nt_diag_free(&d);
    nt_cluster_free(h);
}

static void test_the_owned_paths_hold_every_file_written(void **state)
{
    (void)state;
    nt_cluster *h = v04_host(), *v = v03_virtual();
    nt_buf changed = NT_BUF_INIT;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_tenant_write_cluster(nt_fixture_root, h, NT_GEN_V03, NULL, &changed, &d),
                     0);
    assert_int_equal(nt_tenant_write_cluster(nt_fixture_root, v, NT_GEN_V03, NULL, &changed, &d),
                     0);
    assert_true(changed.len > 0);
    for (const char *p = nt_buf_str(&changed); *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        bool owned = false;
        for (size_t i = 0; nt_tenant_owned_paths[i]; i++) {
            size_t k = strlen(nt_tenant_owned_paths[i]);
            owned = owned || (n > k && !strncmp(p, nt_tenant_owned_paths[i], k) && p[k] == '/');
        }
        if (!owned)
            fail_msg("%.*s is not below a path of nt_tenant_owned_paths", (int)n, p);
        p += n + (nl ? 1 : 0);
    }
    nt_buf_free(&changed);
    nt_diag_free(&d);
    nt_cluster_free(h);
    nt_cluster_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_v04_host_file_is_exactly_the_real_shape,
                                        nt_fixture_setup, nt_fixture_teardown),
        cmocka_unit_test_setup_teardown(
            test_v03_virtual_writes_rendered_files_and_reads_back_every_field, nt_fixture_setup,
            nt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_reading_a_tree_without_clusters_gives_an_empty_set,
                                        nt_fixture_setup, nt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_reserved_name_is_refused_and_writes_nothing,
                                        nt_fixture_setup, nt_fixture_teardown),
        cmocka_unit_test_setup_teardown(test_the_owned_paths_hold_every_file_written,
                                        nt_fixture_setup, nt_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
