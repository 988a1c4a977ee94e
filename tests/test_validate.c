/* Tests of core/load/validate.c (and kubeconfig.c): every rule with its code, the server's order,
 * the generations, and the whole-set rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/load/kubeconfig.h"
#include "core/load/load.h"
#include "core/load/validate.h"
#include "tests/testdata_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KC                                                                                         \
    "    kubeconfig: |\n"                                                                          \
    "      apiVersion: v1\n"                                                                       \
    "      clusters: [{cluster: {server: 'https://127.0.0.1:6443'}, name: d}]\n"                   \
    "      users: [{name: d, user: {token: fake}}]\n"
#define TRAEFIK "    traefik: {http_node_port: \"30080\", https_node_port: \"30443\"}\n"

#define HOST                                                                                       \
    "  - name: host\n"                                                                             \
    "    api_server: https://10.0.0.1:6443\n"                                                      \
    "    cluster_type: physical\n"                                                                 \
    "    usage: host\n" TRAEFIK KC

#define VIRTUAL                                                                                    \
    "  - name: virt\n"                                                                             \
    "    api_server: https://10.0.0.1:31456\n"                                                     \
    "    cluster_type: virtual\n"                                                                  \
    "    usage: worker\n"                                                                          \
    "    worker_type: deployment\n"                                                                \
    "    host_cluster: host\n"

typedef struct result {
    nt_cluster_set *set;
    nt_diag d;
} result;

static const nt_validate_opts client = {NT_GEN_UNKNOWN, false};

/* Load `entries` (below "clusters:") and validate the set with `o`. Loading must succeed. */
static result check(const char *entries, const nt_validate_opts *o)
{
    result r = {NULL, NT_DIAG_INIT};
    nt_buf text = NT_BUF_INIT;
    nt_buf_addf(&text, "clusters:\n%s", entries);
    r.set = nt_cluster_set_new();
    assert_int_equal(nt_load_buffer(r.set, "v.yaml", text.data, text.len, 0, &r.d), 0);
    nt_validate_set(r.set, o, &r.d);
    nt_diag_sort(&r.d);
    nt_buf_free(&text);
    return r;
}

static void done(result *r)
{
    nt_diag_free(&r->d);
    nt_cluster_set_free(r->set);
}

/* Whether a diagnostic with this code and severity was reported. */
static bool has_code(const result *r, int code, nt_severity sev)
{
    for (size_t i = 0; i < r->d.n; i++)
        if (r->d.items[i].code == code && r->d.items[i].sev == sev)
            return true;
    return false;
}

/* Exactly one diagnostic, an error with `code`; returns its message. */
static const char *only_error(const result *r, int code)
{
    if (r->d.n != 1) {
        for (size_t i = 0; i < r->d.n; i++)
            print_error("diag %zu: [%d] %s\n", i, r->d.items[i].code, r->d.items[i].msg);
    }
    assert_int_equal(r->d.n, 1);
    assert_int_equal(r->d.items[0].sev, NT_SEV_ERROR);
    assert_int_equal(r->d.items[0].code, code);
    return r->d.items[0].msg;
}

static void test_a_host_and_its_virtual_worker_are_valid(void **state)
{
    (void)state;
    result r = check(HOST VIRTUAL, &client);
    assert_int_equal(r.d.n, 0);
    done(&r);
}

static void test_api_server_is_required(void **state)
{
    (void)state;
    result r =
        check("  - name: h\n    cluster_type: physical\n    usage: host\n" TRAEFIK KC, &client);
    assert_string_equal(only_error(&r, NT_RULE_API_SERVER_REQUIRED),
                        "api_server is required (the cluster's Kubernetes API URL)");
    assert_string_equal(r.d.items[0].cluster, "h");
    done(&r);
}

static void test_cluster_kind_is_optional_for_the_client_and_required_by_the_server(void **state)
{
    (void)state;
    result r = check(HOST, &client);
    assert_int_equal(r.d.n, 0);
    done(&r);
    nt_validate_opts server = {NT_GEN_V04, true};
    r = check(HOST, &server);
    only_error(&r, NT_RULE_CLUSTER_KIND_REQUIRED);
    done(&r);
}

static void test_cluster_kind_must_be_kubernetes(void **state)
{
    (void)state;
    result r = check(HOST "    cluster_kind: openshift\n", &client);
    assert_string_equal(only_error(&r, NT_RULE_CLUSTER_KIND_VALUE),
                        "cluster_kind must be 'kubernetes' (the only kind), not 'openshift'");
    done(&r);
}

static void test_cluster_type_and_usage_are_enums(void **state)
{
    (void)state;
    result r = check("  - name: h\n    api_server: https://10.0.0.1:6443\n"
                     "    cluster_type: Physical\n    usage: host\n" TRAEFIK KC,
                     &client);
    assert_string_equal(only_error(&r, NT_RULE_CLUSTER_TYPE_ENUM),
                        "cluster_type must be 'physical' or 'virtual', not 'Physical'");
    assert_int_equal(r.d.items[0].line, 4);
    assert_int_equal(r.d.items[0].col, 19);
    done(&r);
    r = check("  - name: h\n    api_server: https://10.0.0.1:6443\n"
              "    cluster_type: physical\n" TRAEFIK KC,
              &client);
    assert_string_equal(only_error(&r, NT_RULE_USAGE_ENUM),
                        "usage is required: 'host' or 'worker'");
    done(&r);
}

static void test_api_server_needs_an_http_scheme(void **state)
{
    (void)state;
    result r = check("  - name: h\n    api_server: 10.0.0.1:6443\n"
                     "    cluster_type: physical\n    usage: host\n" TRAEFIK KC,
                     &client);
    only_error(&r, NT_RULE_API_SERVER_SCHEME);
    done(&r);
    r = check("  - name: h\n    api_server: http://10.0.0.1:6443\n"
              "    cluster_type: physical\n    usage: host\n" TRAEFIK KC,
              &client);
    assert_int_equal(r.d.n, 0); /* http:// passes, as on the real server */
    done(&r);
}

static void test_a_virtual_worker_without_host_is_an_error(void **state)
{
    (void)state;
    result r = check("  - name: v\n    api_server: https://10.0.0.1:31456\n"
                     "    cluster_type: virtual\n    usage: worker\n    worker_type: pipeline\n",
                     &client);
    only_error(&r, NT_RULE_VIRTUAL_WORKER_HOST);
    done(&r);
}

static void test_a_worker_needs_a_valid_worker_type(void **state)
{
    (void)state;
    result r = check("  - name: w\n    api_server: https://10.0.0.2:6443\n"
                     "    cluster_type: physical\n    usage: worker\n" TRAEFIK KC,
                     &client);
    only_error(&r, NT_RULE_WORKER_TYPE_REQUIRED);
    done(&r);
    r = check("  - name: w\n    api_server: https://10.0.0.2:6443\n    cluster_type: physical\n"
              "    usage: worker\n    worker_type: deploy\n" TRAEFIK KC,
              &client);
    only_error(&r, NT_RULE_WORKER_TYPE_ENUM);
    done(&r);
}

static void test_traefik_depends_on_the_generation(void **state)
{
    (void)state;
    const char *host = "  - name: h\n    api_server: https://10.0.0.1:6443\n"
                       "    cluster_type: physical\n    usage: host\n" KC;
    result r = check(host, &client);
    assert_int_equal(r.d.n, 1);
    assert_true(has_code(&r, NT_RULE_TRAEFIK_REQUIRED, NT_SEV_WARNING));
    assert_non_null(strstr(r.d.items[0].msg, "required by v0.3 API servers"));
    assert_int_equal(r.d.n_errors, 0);
    done(&r);
    nt_validate_opts v03 = {NT_GEN_V03, false}, v04 = {NT_GEN_V04, false};
    r = check(host, &v03);
    only_error(&r, NT_RULE_TRAEFIK_REQUIRED);
    done(&r);
    r = check(host, &v04);
    assert_int_equal(r.d.n, 0);
    done(&r);
}

static void test_a_host_must_be_physical_without_worker_type(void **state)
{
    (void)state;
    result r = check("  - name: h\n    api_server: https://10.0.0.1:31000\n"
                     "    cluster_type: virtual\n    usage: host\n    host_cluster: x\n",
                     &client);
    assert_true(has_code(&r, NT_RULE_HOST_NOT_VIRTUAL, NT_SEV_ERROR));
    assert_int_equal(r.d.n_errors, 1);
    done(&r);
    r = check(HOST "    worker_type: pipeline\n", &client);
    only_error(&r, NT_RULE_HOST_WORKER_TYPE);
    done(&r);
}

static void test_a_physical_cluster_must_not_name_a_host(void **state)
{
    (void)state;
    result r = check(HOST "    host_cluster: other\n", &client);
    only_error(&r, NT_RULE_PHYSICAL_NO_HOST);
    done(&r);
}

static void test_reserved_namespaces_must_be_component_namespaces(void **state)
{
    (void)state;
    nt_validate_opts v04 = {NT_GEN_V04, false};
    result r = check(HOST VIRTUAL "    reserved_namespaces_allowed_products:\n"
                                  "      argocd: [p]\n"
                                  "      tekton-pipelines: [p]\n",
                     &v04);
    assert_string_equal(only_error(&r, NT_RULE_RESERVED_NAMESPACE),
                        "reserved namespace 'tekton-pipelines' is not the namespace of one of "
                        "this cluster's components (hnc-system, external-secrets, argocd, "
                        "argo-rollouts, vault)");
    done(&r);
    /* v0.3 servers give every cluster all nine components: only a warning by default */
    r = check(HOST VIRTUAL "    reserved_namespaces_allowed_products: {tekton-pipelines: [p]}\n",
              &client);
    assert_int_equal(r.d.n_errors, 0);
    assert_true(has_code(&r, NT_RULE_RESERVED_NAMESPACE, NT_SEV_WARNING));
    done(&r);
    r = check(HOST VIRTUAL "    reserved_namespaces_allowed_products: {tekton: [p]}\n", &client);
    only_error(&r, NT_RULE_RESERVED_NAMESPACE);
    done(&r);
    /* a component given another namespace moves it */
    r = check(HOST VIRTUAL "    components_list: {deployment: {name: argocd, namespace: cd}}\n"
                           "    reserved_namespaces_allowed_products: {cd: [p]}\n",
              &client);
    assert_int_equal(r.d.n, 0);
    done(&r);
}

static void test_a_namespace_of_one_generation_only_is_a_warning(void **state)
{
    (void)state;
    const char *text = HOST "    reserved_namespaces_allowed_products: {cert-manager: [p]}\n";
    result r = check(text, &client);
    assert_int_equal(r.d.n_errors, 0);
    assert_true(has_code(&r, NT_RULE_RESERVED_NAMESPACE, NT_SEV_WARNING));
    done(&r);
    nt_validate_opts v04 = {NT_GEN_V04, false};
    r = check(text, &v04);
    only_error(&r, NT_RULE_RESERVED_NAMESPACE);
    done(&r);
}

static void test_allowed_resources_need_kind_and_group(void **state)
{
    (void)state;
    result r = check(HOST "    product_allowed_cluster_resources:\n"
                          "      p: [{kind: ClusterRole, group: \"\"}]\n",
                     &client);
    assert_string_equal(only_error(&r, NT_RULE_ALLOWED_RESOURCE),
                        "an allowed cluster resource of product 'p' needs a non-empty group");
    done(&r);
}

static void test_unknown_component_names_are_errors(void **state)
{
    (void)state;
    result r = check(HOST "    components_list: {gateway: {name: nginx}}\n", &client);
    only_error(&r, NT_RULE_COMPONENT_UNKNOWN);
    done(&r);
    /* v0.3.6 only looks the name up when the namespace is empty */
    nt_validate_opts v03server = {NT_GEN_V03, true};
    r = check(HOST "    cluster_kind: kubernetes\n"
                   "    components_list: {ingress_controller: {name: nginx, namespace: n}}\n",
              &v03server);
    assert_int_equal(r.d.n, 0);
    done(&r);
}

static void test_additions_are_checked_for_v04(void **state)
{
    (void)state;
    const char *text =
        HOST "    components_list: {gateway: {name: traefik, additions: {httpNodePort: abc}}}\n";
    result r = check(text, &client);
    only_error(&r, NT_RULE_ADDITION_INVALID);
    done(&r);
    nt_validate_opts v03 = {NT_GEN_V03, false};
    r = check(text, &v03);
    assert_int_equal(r.d.n, 0);
    done(&r);
}

/* traefik may come in the v0.4 spelling; once the server is known to be v0.3, neither
 * spelling is an error. Both spellings given must agree (except for a v0.3 server, which reads
 * one only). */
static void test_traefik_in_either_spelling_and_spellings_that_differ(void **state)
{
    (void)state;
    nt_validate_opts v03 = {NT_GEN_V03, false}, v04 = {NT_GEN_V04, false};
    const char *bare = "  - name: h\n    api_server: https://10.0.0.1:6443\n"
                       "    cluster_type: physical\n    usage: host\n" KC;
    result r = check(bare, &v03);
    assert_non_null(strstr(only_error(&r, NT_RULE_TRAEFIK_REQUIRED), "the API Server is v0.3"));
    done(&r);
    r = check(bare, &client);
    assert_true(has_code(&r, NT_RULE_TRAEFIK_REQUIRED, NT_SEV_WARNING));
    done(&r);
    nt_buf b = NT_BUF_INIT;
    nt_buf_addf(&b,
                "%s    components_list: {gateway: {name: traefik, additions: "
                "{httpNodePort: \"30081\", httpsNodePort: \"30444\"}}}\n",
                bare);
    r = check(nt_buf_str(&b), &v03);
    assert_int_equal(r.d.n, 0);
    done(&r);
    nt_buf_free(&b);

    const char *both = HOST VIRTUAL "    argocd_host: argocd.one.example.com\n"
                                    "    components_list: {deployment: {name: argocd, additions: "
                                    "{host: argocd.two.example.com}}}\n";
    r = check(both, &client);
    const char *msg = only_error(&r, NT_RULE_SPELLINGS_DIFFER);
    assert_non_null(strstr(msg, "components_list.deployment.additions.host is "
                                "'argocd.two.example.com' but argocd_host"));
    done(&r);
    r = check(both, &v04);
    only_error(&r, NT_RULE_SPELLINGS_DIFFER);
    done(&r);
    r = check(both, &v03);
    assert_int_equal(r.d.n, 0);
    done(&r);
    /* the same value written as a YAML number and as a string */
    r = check(HOST "    components_list: {gateway: {additions: {httpNodePort: 30080}}}\n", &client);
    assert_int_equal(r.d.n, 0);
    done(&r);
}

static void test_a_physical_cluster_needs_a_sane_kubeconfig(void **state)
{
    (void)state;
    result r = check("  - name: h\n    api_server: https://10.0.0.1:6443\n"
                     "    cluster_type: physical\n    usage: host\n" TRAEFIK,
                     &client);
    only_error(&r, NT_RULE_KUBECONFIG_REQUIRED);
    done(&r);
    r = check("  - name: h\n    api_server: https://10.0.0.1:6443\n"
              "    cluster_type: physical\n    usage: host\n" TRAEFIK
              "    kubeconfig: \"SECRET-VALUE: [\"\n",
              &client);
    const char *msg = only_error(&r, NT_RULE_KUBECONFIG_INVALID);
    assert_null(strstr(msg, "SECRET"));
    assert_string_equal(msg, "the kubeconfig is not valid YAML");
    done(&r);
}

static void test_a_virtual_cluster_needs_a_port(void **state)
{
    (void)state;
    result r = check(HOST "  - name: virt\n    api_server: https://10.0.0.1\n"
                          "    cluster_type: virtual\n    usage: worker\n"
                          "    worker_type: deployment\n    host_cluster: host\n",
                     &client);
    only_error(&r, NT_RULE_VCLUSTER_PORT);
    done(&r);
    r = check(HOST "  - name: virt\n    api_server: https://10.0.0.1\n"
                   "    cluster_type: virtual\n    usage: worker\n    worker_type: deployment\n"
                   "    host_cluster: host\n    vcluster: {https_node_port: 31456}\n",
              &client);
    assert_int_equal(r.d.n, 0);
    done(&r);
}

static void test_host_name_api_servers_need_explicit_hosts(void **state)
{
    (void)state;
    const char *base = "  - name: w\n    api_server: https://k8s.example.com:6443\n"
                       "    cluster_type: physical\n    usage: worker\n"
                       "    worker_type: deployment\n" TRAEFIK KC;
    result r = check(base, &client);
    assert_string_equal(only_error(&r, NT_RULE_DEFAULT_NEEDS_IP),
                        "argocd_host cannot be defaulted because api_server's host "
                        "'k8s.example.com' is not an IP address; set argocd_host");
    done(&r);
    nt_buf t = NT_BUF_INIT;
    nt_buf_addf(&t, "%s    argocd_host: argocd.w.example.com\n", base);
    r = check(t.data, &client);
    assert_int_equal(r.d.n, 0);
    done(&r);
    nt_buf_free(&t);
}

static void test_names_must_be_dns_labels(void **state)
{
    (void)state;
    result r = check("  - name: Bad_Name\n    state: absent\n", &client);
    only_error(&r, NT_RULE_NAME_INVALID);
    done(&r);
    assert_true(nt_dns1123_label("a"));
    assert_true(nt_dns1123_label("cluster-host-1"));
    assert_false(nt_dns1123_label(""));
    assert_false(nt_dns1123_label(NULL));
    assert_false(nt_dns1123_label("-a"));
    assert_false(nt_dns1123_label("a-"));
    assert_false(nt_dns1123_label("a.b"));
    assert_false(nt_dns1123_label("A"));
    char long_name[70];
    memset(long_name, 'a', 63);
    long_name[63] = '\0';
    assert_true(nt_dns1123_label(long_name));
    long_name[63] = 'a';
    long_name[64] = '\0';
    assert_false(nt_dns1123_label(long_name));
}

static void test_ports_must_be_numbers_between_1_and_65535(void **state)
{
    (void)state;
    result r = check("  - name: h\n    api_server: https://10.0.0.1:6443\n"
                     "    cluster_type: physical\n    usage: host\n"
                     "    traefik: {http_node_port: 0, https_node_port: 65536}\n" KC
                     "  - name: v\n    api_server: https://10.0.0.1:1\n"
                     "    cluster_type: virtual\n    usage: worker\n    worker_type: pipeline\n"
                     "    host_cluster: h\n    vcluster: {https_node_port: 65535}\n",
                     &client);
    assert_int_equal(r.d.n, 2);
    assert_int_equal(r.d.items[0].code, NT_RULE_PORT_INVALID);
    assert_int_equal(r.d.items[1].code, NT_RULE_PORT_INVALID);
    assert_string_equal(r.d.items[1].msg,
                        "traefik.https_node_port must be a port number (1-65535), not '65536'");
    done(&r);
}

static void test_the_api_server_port_must_be_between_1_and_65535(void **state)
{
    (void)state;
    static const char *const bad[] = {"0", "65536", "99999999999", "64a", "-1", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char entries[256];
        snprintf(entries, sizeof entries,
                 "  - name: v\n    api_server: https://10.0.0.1:%s/\n"
                 "    cluster_type: virtual\n    usage: worker\n    worker_type: pipeline\n"
                 "    host_cluster: h\n    vcluster: {https_node_port: 31456}\n",
                 bad[i]);
        result r = check(entries, &client);
        char want[128];
        snprintf(want, sizeof want, "api_server's port must be a port number (1-65535), not '%s'",
                 bad[i]);
        bool found = false;
        for (size_t j = 0; j < r.d.n; j++)
            if (r.d.items[j].code == NT_RULE_PORT_INVALID && r.d.items[j].sev == NT_SEV_ERROR &&
                !strcmp(r.d.items[j].msg, want) && r.d.items[j].line == 3 && r.d.items[j].col == 17)
                found = true;
        if (!found)
            fail_msg("no error for port '%s'", bad[i]);
        done(&r);
    }
    /* 1 and 65535 are ports; no port, an IPv6 address and a placeholder are not checked */
    static const char *const good[] = {"https://10.0.0.1:1", "https://10.0.0.1:65535",
                                       "https://10.0.0.1", "https://[::1]:6443",
                                       "https://$api-server"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char entries[256];
        snprintf(entries, sizeof entries,
                 "  - name: v\n    api_server: %s\n"
                 "    cluster_type: virtual\n    usage: worker\n    worker_type: pipeline\n"
                 "    host_cluster: h\n    vcluster: {https_node_port: 31456}\n",
                 good[i]);
        result r = check(entries, &client);
        assert_false(has_code(&r, NT_RULE_PORT_INVALID, NT_SEV_ERROR));
        done(&r);
    }
}

static void test_placeholders_are_reported_once_per_value(void **state)
{
    (void)state;
    result r = check("  - name: h\n    api_server: https://$cluster-ip:6443\n"
                     "    cluster_type: $cluster-type\n    usage: host\n" TRAEFIK KC,
                     &client);
    assert_int_equal(r.d.n, 2);
    assert_int_equal(r.d.items[0].code, NT_RULE_PLACEHOLDER);
    assert_string_equal(r.d.items[0].msg,
                        "api_server still holds the placeholder '$cluster-ip'; replace it");
    assert_string_equal(r.d.items[1].msg,
                        "cluster_type still holds the placeholder '$cluster-type'; replace it");
    done(&r);
}

/* Whether a diagnostic with this code has exactly this message. */
static bool has_msg(const result *r, int code, const char *msg)
{
    for (size_t i = 0; i < r->d.n; i++)
        if (r->d.items[i].code == code && !strcmp(r->d.items[i].msg, msg))
            return true;
    return false;
}

static void test_a_placeholder_hides_no_other_problem(void **state)
{
    (void)state;
    /* what is wrong around a placeholder is wrong whatever replaces it */
    result r = check("  - name: Worker_$env\n    api_server: htps://$ip:99999\n"
                     "    cluster_type: $cluster-type\n    usage: host\n" TRAEFIK
                     "    kubeconfig: not a kubeconfig\n",
                     &client);
    assert_true(has_msg(&r, NT_RULE_PLACEHOLDER,
                        "name still holds the placeholder '$env'; "
                        "replace it"));
    assert_true(has_code(&r, NT_RULE_NAME_INVALID, NT_SEV_ERROR));
    assert_true(has_msg(&r, NT_RULE_API_SERVER_SCHEME,
                        "api_server 'htps://$ip:99999' is not an https:// (or http://) URL"));
    assert_true(has_msg(&r, NT_RULE_PORT_INVALID,
                        "api_server's port must be a port number (1-65535), not '99999'"));
    /* the cluster may be physical: the kubeconfig given is checked already */
    assert_true(has_msg(&r, NT_RULE_KUBECONFIG_INVALID,
                        "the kubeconfig is not a YAML mapping (expected a kubeconfig with "
                        "clusters and users)"));
    done(&r);
    /* a placeholder standing for the whole value, or for the port, hides nothing else */
    r = check("  - name: $cluster-name\n    api_server: $api-server\n"
              "    cluster_type: physical\n    usage: host\n" TRAEFIK KC
              "  - name: h2\n    api_server: https://10.0.0.1:$port\n"
              "    cluster_type: physical\n    usage: host\n" TRAEFIK KC,
              &client);
    assert_false(has_code(&r, NT_RULE_NAME_INVALID, NT_SEV_ERROR));
    assert_false(has_code(&r, NT_RULE_API_SERVER_SCHEME, NT_SEV_ERROR));
    assert_false(has_code(&r, NT_RULE_PORT_INVALID, NT_SEV_ERROR));
    assert_int_equal(r.d.n, 3); /* the three placeholders, nothing else */
    for (size_t i = 0; i < r.d.n; i++)
        assert_int_equal(r.d.items[i].code, NT_RULE_PLACEHOLDER);
    done(&r);
}

/* The rules nt_validate_set reports for `entries` that nt_validate_repeats_load_error keeps,
 * each as "CODE@LINE:COL" joined with spaces. */
static char *kept_after_load_errors(const char *entries)
{
    nt_buf text = NT_BUF_INIT, kept = NT_BUF_INIT;
    nt_buf_addf(&text, "clusters:\n%s", entries);
    nt_cluster_set *set = nt_cluster_set_new();
    nt_diag load = NT_DIAG_INIT, d = NT_DIAG_INIT;
    assert_int_equal(nt_load_buffer(set, "v.yaml", text.data, text.len, 0, &load), -1);
    nt_validate_set(set, &client, &d);
    nt_diag_sort(&d);
    for (size_t i = 0; i < d.n; i++) {
        const nt_diag_item *it = &d.items[i];
        if (!nt_validate_repeats_load_error(it, nt_cluster_set_find(set, it->cluster)))
            nt_buf_addf(&kept, "%s%d@%u:%u", kept.len ? " " : "", it->code, it->line, it->col);
    }
    nt_diag_free(&load);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
    nt_buf_free(&text);
    return nt_buf_detach(&kept);
}

static void test_only_a_rule_repeating_a_load_error_is_left_out(void **state)
{
    (void)state;
    char want[256];
    /* a misspelled api_server: its "required" goes, the name and the kubeconfig stay */
    char *k = kept_after_load_errors("  - name: Bad_Name\n    api_sever: https://10.0.0.1:6443\n"
                                     "    cluster_type: physical\n    usage: host\n" TRAEFIK);
    snprintf(want, sizeof want, "%d@2:11 %d@2:11", NT_RULE_NAME_INVALID,
             NT_RULE_KUBECONFIG_REQUIRED);
    assert_string_equal(k, want);
    free(k);
    /* an unrelated unknown key hides nothing */
    k = kept_after_load_errors("  - name: h\n    colour: blue\n    cluster_type: physical\n"
                               "    usage: host\n" TRAEFIK KC);
    snprintf(want, sizeof want, "%d@2:11", NT_RULE_API_SERVER_REQUIRED);
    assert_string_equal(k, want);
    free(k);
    /* a rule depending on a key that did not load goes (worker_type depends on usage), in
     * either spelling; a state that did not load takes every "required" rule with it */
    k = kept_after_load_errors(
        "  - name: w\n    api_server: https://10.0.0.1:6443\n"
        "    cluster_type: physical\n    usage: host\n    usage: worker\n" TRAEFIK KC
        "  - name: x\n    state: [absent]\n"
        "  - name: y\n    apiServer: https://10.0.0.1:6443\n"
        "    cluster_type: physical\n    usage: host\n" TRAEFIK KC);
    assert_string_equal(k, "");
    free(k);
}

static void test_absent_entries_are_checked_only_for_their_name(void **state)
{
    (void)state;
    result r = check("  - name: gone\n    state: absent\n", &client);
    assert_int_equal(r.d.n, 0);
    done(&r);
}

static void test_an_undeclared_host_is_a_note(void **state)
{
    (void)state;
    result r = check(VIRTUAL, &client);
    assert_int_equal(r.d.n, 1);
    assert_int_equal(r.d.items[0].sev, NT_SEV_NOTE);
    assert_int_equal(r.d.items[0].code, NT_RULE_HOST_NOT_DECLARED);
    assert_string_equal(r.d.items[0].msg, "host_cluster 'host' is not declared in these files; "
                                          "it must already exist on the server");
    done(&r);
}

static void test_host_cluster_naming_a_worker_is_an_error(void **state)
{
    (void)state;
    result r = check("  - name: host\n    api_server: https://10.0.0.1:6443\n"
                     "    cluster_type: physical\n    usage: worker\n"
                     "    worker_type: pipeline\n" TRAEFIK KC VIRTUAL,
                     &client);
    assert_string_equal(only_error(&r, NT_RULE_HOST_NOT_A_HOST),
                        "host_cluster 'host' is declared as a physical worker (pipeline), not a "
                        "host");
    done(&r);
}

static void test_an_absent_host_still_used_by_a_virtual_is_an_error(void **state)
{
    (void)state;
    result r = check("  - name: host\n    state: absent\n" VIRTUAL, &client);
    const char *msg = only_error(&r, NT_RULE_HOST_ABSENT_IN_USE);
    assert_non_null(strstr(msg, "host 'host' is marked absent but cluster 'virt'"));
    assert_string_equal(r.d.items[0].cluster, "host");
    done(&r);
    /* deleting both is fine */
    r = check("  - name: host\n    state: absent\n  - name: virt\n    state: absent\n", &client);
    assert_int_equal(r.d.n, 0);
    done(&r);
}

static void test_host_cycles_are_detected_once(void **state)
{
    (void)state;
    result r = check("  - name: a\n    api_server: https://10.0.0.1:1\n"
                     "    cluster_type: virtual\n    usage: worker\n    worker_type: pipeline\n"
                     "    host_cluster: b\n"
                     "  - name: b\n    api_server: https://10.0.0.1:2\n"
                     "    cluster_type: virtual\n    usage: worker\n    worker_type: pipeline\n"
                     "    host_cluster: a\n",
                     &client);
    size_t cycles = 0;
    for (size_t i = 0; i < r.d.n; i++)
        cycles += r.d.items[i].code == NT_RULE_CYCLE;
    assert_int_equal(cycles, 1);
    done(&r);
}

static nt_cluster *virtual_on(const char *name, const char *host)
{
    nt_cluster *c = nt_cluster_new();
    c->name = strdup(name);
    nt_cluster_set_field(c, NT_F_CLUSTER_TYPE, "virtual", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_USAGE, "worker", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_WORKER_TYPE, "pipeline", NT_POS_NONE);
    if (host)
        nt_cluster_set_field(c, NT_F_HOST_CLUSTER, host, NT_POS_NONE);
    return c;
}

/* A chain of 100,000 clusters, chains leading into cycles, a long cycle, a self-reference and
 * a three-cycle: each cycle reported once, at its smallest name, in set order (linear: the
 * chain once took minutes). */
static void test_long_chains_and_cycles_are_checked_once_each(void **state)
{
    (void)state;
    enum { N = 100000, LOOP = 30000 };
    nt_cluster_set *set = nt_cluster_set_new();
    char name[32], host[32];
    for (int i = 0; i < N; i++) { /* chain-0 <- chain-1 <- ... ; chain-0 names no host */
        snprintf(name, sizeof name, "chain-%06d", i);
        snprintf(host, sizeof host, "chain-%06d", i - 1);
        assert_int_equal(nt_cluster_set_add(set, virtual_on(name, i ? host : NULL), NULL), 0);
    }
    assert_int_equal(nt_cluster_set_add(set, virtual_on("z-self", "z-self"), NULL), 0);
    for (int i = 0; i < LOOP; i++) { /* loop-1 -> loop-2 -> ... -> loop-LOOP -> loop-1 */
        snprintf(name, sizeof name, "loop-%06d", i + 1);
        snprintf(host, sizeof host, "loop-%06d", i + 1 < LOOP ? i + 2 : 1);
        assert_int_equal(nt_cluster_set_add(set, virtual_on(name, host), NULL), 0);
    }
    for (int i = 0; i < 1000; i++) { /* tails into the loop's middle */
        snprintf(name, sizeof name, "a-tail-%04d", i);
        if (i)
            snprintf(host, sizeof host, "a-tail-%04d", i - 1);
        else
            snprintf(host, sizeof host, "loop-015000");
        assert_int_equal(nt_cluster_set_add(set, virtual_on(name, host), NULL), 0);
    }
    assert_int_equal(nt_cluster_set_add(set, virtual_on("tri-b", "tri-c"), NULL), 0);
    assert_int_equal(nt_cluster_set_add(set, virtual_on("tri-c", "tri-a"), NULL), 0);
    assert_int_equal(nt_cluster_set_add(set, virtual_on("tri-a", "tri-b"), NULL), 0);

    nt_diag d = NT_DIAG_INIT;
    nt_validate_set(set, &client, &d);
    const char *want[] = {"z-self", "loop-000001", "tri-a"}; /* in set order */
    size_t k = 0;
    for (size_t i = 0; i < d.n; i++) {
        if (d.items[i].code != NT_RULE_CYCLE)
            continue;
        assert_true(k < 3);
        char msg[96];
        snprintf(msg, sizeof msg, "host_cluster references form a cycle through '%s'", want[k]);
        assert_string_equal(d.items[i].msg, msg);
        assert_string_equal(d.items[i].cluster, want[k]);
        k++;
    }
    assert_int_equal(k, 3);
    nt_diag_free(&d);
    nt_cluster_set_free(set);
}

static int first_code(const char *entries, nt_api_gen gen)
{
    nt_validate_opts o = {gen, true};
    result r = check(entries, &o);
    assert_true(r.d.n > 0);
    done(&r);
    /* the order of addition, not of position, is what the local server reads */
    nt_cluster_set *set = nt_cluster_set_new();
    nt_diag d = NT_DIAG_INIT;
    nt_buf text = NT_BUF_INIT;
    nt_buf_addf(&text, "clusters:\n%s", entries);
    nt_load_buffer(set, "v.yaml", text.data, text.len, 0, &d);
    nt_validate_cluster(set->items[0], &o, &d);
    int code = d.items[0].code;
    nt_diag_free(&d);
    nt_buf_free(&text);
    nt_cluster_set_free(set);
    return code;
}

static void test_server_mode_reports_the_real_servers_first_failure_first(void **state)
{
    (void)state;
    /* proto rules come before business rules, in the server's order */
    assert_int_equal(
        first_code("  - name: x\n    usage: bogus\n    cluster_type: bogus\n", NT_GEN_V04),
        NT_RULE_API_SERVER_REQUIRED);
    assert_int_equal(first_code("  - name: x\n    api_server: ftp://a\n    cluster_kind: k\n"
                                "    cluster_type: bogus\n    usage: bogus\n",
                                NT_GEN_V04),
                     NT_RULE_CLUSTER_TYPE_ENUM);
    assert_int_equal(first_code("  - name: x\n    api_server: ftp://a\n    cluster_kind: k\n"
                                "    cluster_type: virtual\n    usage: worker\n",
                                NT_GEN_V04),
                     NT_RULE_API_SERVER_SCHEME);
    /* a v0.4 server rejects a virtual host with the kind-combination message first */
    assert_int_equal(first_code("  - name: x\n    api_server: https://1.2.3.4:5\n"
                                "    cluster_kind: kubernetes\n    cluster_type: virtual\n"
                                "    usage: host\n    host_cluster: h\n",
                                NT_GEN_V04),
                     NT_RULE_KIND_COMBINATION);
    assert_int_equal(first_code("  - name: x\n    api_server: https://1.2.3.4:5\n"
                                "    cluster_kind: kubernetes\n    cluster_type: physical\n"
                                "    usage: host\n",
                                NT_GEN_V03),
                     NT_RULE_TRAEFIK_REQUIRED);
    assert_int_equal(first_code("  - name: x\n    api_server: https://1.2.3.4:5\n"
                                "    cluster_kind: kubernetes\n    cluster_type: physical\n"
                                "    usage: host\n",
                                NT_GEN_V04),
                     NT_RULE_KUBECONFIG_REQUIRED);
}

static void test_server_mode_skips_the_client_only_rules(void **state)
{
    (void)state;
    nt_validate_opts server = {NT_GEN_V04, true};
    result r = check("  - name: Not_A_Label\n    api_server: https://10.0.0.1:6443\n"
                     "    cluster_kind: kubernetes\n    cluster_type: physical\n"
                     "    usage: host\n    traefik: {http_node_port: 99999}\n" KC
                     "  - name: v\n    api_server: https://10.0.0.1:1\n"
                     "    cluster_kind: kubernetes\n    cluster_type: virtual\n"
                     "    usage: worker\n    worker_type: pipeline\n    host_cluster: missing\n",
                     &server);
    assert_int_equal(r.d.n, 0);
    done(&r);
}

static void test_validate_hosts_looks_at_the_observed_set_too(void **state)
{
    (void)state;
    nt_cluster_set *desired = nt_cluster_set_new(), *actual = nt_cluster_set_new();
    nt_diag d = NT_DIAG_INIT;
    const char *text = "clusters:\n" VIRTUAL;
    nt_load_buffer(desired, "d.yaml", text, strlen(text), 0, &d);
    assert_int_equal(nt_validate_hosts(desired, actual, &d), -1);
    assert_int_equal(d.items[0].code, NT_RULE_HOST_MISSING);
    nt_diag_free(&d);
    nt_cluster *h = nt_cluster_new();
    h->name = strdup("host");
    nt_cluster_set_field(h, NT_F_USAGE, "worker", NT_POS_NONE);
    nt_cluster_set_add(actual, h, NULL);
    assert_int_equal(nt_validate_hosts(desired, actual, &d), -1);
    assert_int_equal(d.items[0].code, NT_RULE_HOST_NOT_A_HOST);
    nt_diag_free(&d);
    nt_cluster_set_field(h, NT_F_USAGE, "host", NT_POS_NONE);
    assert_int_equal(nt_validate_hosts(desired, actual, &d), 0);
    assert_int_equal(d.n, 0);
    assert_int_equal(nt_validate_hosts(desired, NULL, &d), -1);
    nt_diag_free(&d);
    nt_cluster_set_free(desired);
    nt_cluster_set_free(actual);
}

static void test_kubeconfig_check_accepts_yaml_and_base64_and_explains_failures(void **state)
{
    (void)state;
    const char *why = NULL;
    const char *ok = "apiVersion: v1\nclusters: [{name: a}]\nusers: [{name: b}]\n";
    assert_int_equal(nt_kubeconfig_check(ok, strlen(ok), &why), 0);
    /* base64 of the same text */
    const char *b64 =
        "YXBpVmVyc2lvbjogdjEKY2x1c3RlcnM6IFt7bmFtZTogYX1dCnVzZXJzOiBbe25hbWU6IGJ9XQo=";
    assert_int_equal(nt_kubeconfig_check(b64, strlen(b64), &why), 0);
    assert_int_equal(nt_kubeconfig_check("", 0, &why), -1);
    assert_string_equal(why, "is empty");
    const char *nouser = "clusters: [{name: a}]\n";
    assert_int_equal(nt_kubeconfig_check(nouser, strlen(nouser), &why), -1);
    assert_string_equal(why, "has no 'users' entry");
    const char *nocluster = "users: [{name: a}]\nclusters: []\n";
    assert_int_equal(nt_kubeconfig_check(nocluster, strlen(nocluster), &why), -1);
    assert_string_equal(why, "has no 'clusters' entry");
    assert_int_equal(nt_kubeconfig_check("abc=", 4, &why), -1);
    assert_int_equal(nt_kubeconfig_check("- a\n- b\n", 8, &why), -1);
    assert_non_null(strstr(why, "not a YAML mapping"));
}

/* ---- validating again for the observed generation ------------------------------------ */

/* nt_validate_set_again for gen, made from the NT_GEN_UNKNOWN findings, adds what
 * nt_validate_set for gen adds, item by item. Returns how many items that was. */
static size_t assert_again_is_a_full_pass(const nt_cluster_set *set, nt_api_gen gen)
{
    nt_diag unknown = NT_DIAG_INIT, again = NT_DIAG_INIT, full = NT_DIAG_INIT;
    size_t *ends = calloc(set->n + 1, sizeof(*ends));
    assert_non_null(ends);
    nt_validate_set_marked(set, &client, &unknown, ends);
    nt_validate_opts o = {gen, false};
    int rf = nt_validate_set(set, &o, &full);
    int ra = nt_validate_set_again(set, gen, &unknown, ends, &again);
    assert_int_equal(ra, rf);
    assert_int_equal(again.n, full.n);
    assert_int_equal(again.n_errors, full.n_errors);
    assert_int_equal(again.n_warnings, full.n_warnings);
    for (size_t i = 0; i < full.n; i++) {
        const nt_diag_item *a = &again.items[i], *f = &full.items[i];
        assert_int_equal(a->sev, f->sev);
        assert_int_equal(a->code, f->code);
        assert_string_equal(a->msg, f->msg);
        assert_string_equal(a->file ? a->file : "", f->file ? f->file : "");
        assert_int_equal(a->line, f->line);
        assert_int_equal(a->col, f->col);
        assert_string_equal(a->cluster ? a->cluster : "", f->cluster ? f->cluster : "");
    }
    size_t n = full.n;
    free(ends);
    nt_diag_free(&unknown);
    nt_diag_free(&again);
    nt_diag_free(&full);
    return n;
}

static void
test_validating_again_for_a_generation_is_a_full_pass_on_the_rules_it_reads(void **state)
{
    (void)state;
    /* each rule that reads the generation, and clusters it does not touch around them */
    result r =
        check("  - name: host-a\n    api_server: https://10.0.0.1:6443\n"
              "    cluster_type: physical\n    usage: host\n    kubeconfig: x\n"
              "  - name: vc\n    api_server: https://10.0.0.1:31000\n"
              "    cluster_type: virtual\n    usage: worker\n    worker_type: deployment\n"
              "    host_cluster: host-a\n"
              "    argocd_host: a.example.com\n"
              "    components_list:\n      deployment:\n        additions: {host: b.example.com}\n"
              "  - name: ns\n    api_server: https://10.0.0.1:31001\n"
              "    cluster_type: virtual\n    usage: worker\n    worker_type: deployment\n"
              "    host_cluster: host-a\n"
              "    reserved_namespaces_allowed_products:\n      argo-events: [p]\n"
              "      argocd: [p]\n      nowhere: [p]\n"
              "  - name: gone\n    state: absent\n",
              &client);
    assert_true(r.d.n > 0);
    size_t n03 = assert_again_is_a_full_pass(r.set, NT_GEN_V03);
    size_t n04 = assert_again_is_a_full_pass(r.set, NT_GEN_V04);
    assert_true(n03 > 0 && n04 > 0);
    assert_again_is_a_full_pass(r.set, NT_GEN_UNKNOWN);
    done(&r);
}

/* The same on every file of testdata/valid and testdata/invalid that loads into a set. */
static void again_is_a_full_pass_for_both(nt_cluster_set *set, void *ctx)
{
    (void)ctx;
    assert_again_is_a_full_pass(set, NT_GEN_V03);
    assert_again_is_a_full_pass(set, NT_GEN_V04);
}

static void test_validating_again_matches_a_full_pass_on_every_test_file(void **state)
{
    (void)state;
    assert_true(fx_each_test_file(again_is_a_full_pass_for_both, NULL) >= 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_host_and_its_virtual_worker_are_valid),
        cmocka_unit_test(
            test_validating_again_for_a_generation_is_a_full_pass_on_the_rules_it_reads),
        cmocka_unit_test(test_validating_again_matches_a_full_pass_on_every_test_file),
        cmocka_unit_test(test_api_server_is_required),
        cmocka_unit_test(test_cluster_kind_is_optional_for_the_client_and_required_by_the_server),
        cmocka_unit_test(test_cluster_kind_must_be_kubernetes),
        cmocka_unit_test(test_cluster_type_and_usage_are_enums),
        cmocka_unit_test(test_api_server_needs_an_http_scheme),
        cmocka_unit_test(test_a_virtual_worker_without_host_is_an_error),
        cmocka_unit_test(test_a_worker_needs_a_valid_worker_type),
        cmocka_unit_test(test_traefik_depends_on_the_generation),
        cmocka_unit_test(test_a_host_must_be_physical_without_worker_type),
        cmocka_unit_test(test_a_physical_cluster_must_not_name_a_host),
        cmocka_unit_test(test_reserved_namespaces_must_be_component_namespaces),
        cmocka_unit_test(test_a_namespace_of_one_generation_only_is_a_warning),
        cmocka_unit_test(test_allowed_resources_need_kind_and_group),
        cmocka_unit_test(test_unknown_component_names_are_errors),
        cmocka_unit_test(test_additions_are_checked_for_v04),
        cmocka_unit_test(test_traefik_in_either_spelling_and_spellings_that_differ),
        cmocka_unit_test(test_a_physical_cluster_needs_a_sane_kubeconfig),
        cmocka_unit_test(test_a_virtual_cluster_needs_a_port),
        cmocka_unit_test(test_host_name_api_servers_need_explicit_hosts),
        cmocka_unit_test(test_names_must_be_dns_labels),
        cmocka_unit_test(test_ports_must_be_numbers_between_1_and_65535),
        cmocka_unit_test(test_the_api_server_port_must_be_between_1_and_65535),
        cmocka_unit_test(test_placeholders_are_reported_once_per_value),
        cmocka_unit_test(test_a_placeholder_hides_no_other_problem),
        cmocka_unit_test(test_only_a_rule_repeating_a_load_error_is_left_out),
        cmocka_unit_test(test_absent_entries_are_checked_only_for_their_name),
        cmocka_unit_test(test_an_undeclared_host_is_a_note),
        cmocka_unit_test(test_host_cluster_naming_a_worker_is_an_error),
        cmocka_unit_test(test_an_absent_host_still_used_by_a_virtual_is_an_error),
        cmocka_unit_test(test_host_cycles_are_detected_once),
        cmocka_unit_test(test_long_chains_and_cycles_are_checked_once_each),
        cmocka_unit_test(test_server_mode_reports_the_real_servers_first_failure_first),
        cmocka_unit_test(test_server_mode_skips_the_client_only_rules),
        cmocka_unit_test(test_validate_hosts_looks_at_the_observed_set_too),
        cmocka_unit_test(test_kubeconfig_check_accepts_yaml_and_base64_and_explains_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
