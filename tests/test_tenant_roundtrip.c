/* What the local server writes into the tenant repository it must read back (it reads the
 * repository when it starts, and `--state git:` reads it too): empty lists included. Found
 * while generating fuzz seeds: `product-b: []` was written as the string '[]' and the server
 * then refused to start on its own repository. */
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

#include "tests/cluster_fixtures.h"

static nt_cluster *host_with_empty_lists(void)
{
    nt_cluster *c = nt_cluster_new();
    c->name = strdup("host-a");
    nt_cluster_set_field(c, NT_F_API_SERVER, "https://10.0.0.6:6443", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_CLUSTER_KIND, "kubernetes", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_CLUSTER_TYPE, "physical", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_USAGE, "host", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_PRIMARY_DOMAIN, "10.0.0.6.nip.io", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_TRAEFIK_HTTP_NODE_PORT, "30080", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_TRAEFIK_HTTPS_NODE_PORT, "30443", NT_POS_NONE);
    c->has_reserved = true;
    nt_cluster_add_reserved(c, "hnc-system", NT_POS_NONE);
    nt_ns_products_add(nt_cluster_add_reserved(c, "tekton-pipelines", NT_POS_NONE), "p1",
                       NT_POS_NONE);
    c->has_allowed = true;
    nt_cluster_add_allowed(c, "product-b", NT_POS_NONE);
    return c;
}

static void test_empty_lists_are_written_as_lists_and_read_back(void **state)
{
    (void)state;
    nt_cluster *c = host_with_empty_lists();
    nt_buf changed = NT_BUF_INIT;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_tenant_write_cluster(nt_fixture_root, c, NT_GEN_V03, NULL, &changed, &d),
                     0);
    char *s = nt_fixture_slurp(NT_CLUSTERS_DIR "/host-a.yaml");
    assert_non_null(s);
    assert_non_null(strstr(s, "    hnc-system: []\n"));
    assert_non_null(strstr(s, "    product-b: []\n"));
    assert_null(strstr(s, "'[]'"));
    free(s);

    nt_tree_reader r = nt_tree_reader_fs;
    r.ctx = nt_fixture_root;
    nt_cluster_set *set = NULL;
    if (nt_tenant_read(&r, "test", &set, &d) < 0) {
        nt_buf out = NT_BUF_INIT;
        nt_diag_format(&d, &out, false);
        fail_msg("%s", nt_buf_str(&out));
    }
    nt_cluster *back = nt_cluster_set_find(set, "host-a");
    assert_non_null(back);
    assert_int_equal(back->n_reserved, 2);
    assert_int_equal(back->n_allowed, 1);
    for (size_t i = 0; i < back->n_reserved; i++)
        assert_int_equal(back->reserved[i].n, strcmp(back->reserved[i].ns, "hnc-system") ? 1 : 0);
    assert_string_equal(back->allowed[0].product, "product-b");
    assert_int_equal(back->allowed[0].n, 0);
    nt_cluster_set_free(set);

    /* the last cluster removed leaves an empty kustomization list, not the string '[]' */
    nt_buf_reset(&changed);
    assert_int_equal(nt_tenant_remove_cluster(nt_fixture_root, c, NT_GEN_V03, NULL, &changed, &d),
                     0);
    s = nt_fixture_slurp(NT_CLUSTERS_DIR "/kustomization.yaml");
    assert_non_null(s);
    assert_non_null(strstr(s, "resources: []\n"));
    free(s);
    nt_buf_free(&changed);
    nt_diag_free(&d);
    nt_cluster_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_lists_are_written_as_lists_and_read_back,
                                        nt_fixture_setup, nt_fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
