/* Tests of core/observe/api_json.c: the SaveCluster body, list parsing, protojson-like body reading
 * and the GET shape of both generations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/observe/api_json.h"
#include "devserver/api_body.h"

#include <stdlib.h>
#include <string.h>

static nt_cluster *host_cluster(void)
{
    nt_cluster *c = nt_cluster_new();
    c->name = strdup("cluster-host");
    nt_cluster_set_field(c, NT_F_API_SERVER, "https://8.217.50.114:6443", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_CLUSTER_TYPE, "physical", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_USAGE, "host", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_TRAEFIK_HTTP_NODE_PORT, "30080", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_TRAEFIK_HTTPS_NODE_PORT, "30443", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_KUBECONFIG, "apiVersion: v1\nclusters: []\n", NT_POS_NONE);
    return c;
}

static void test_body_has_both_spellings_and_only_declared_fields(void **state)
{
    (void)state;
    nt_cluster *c = host_cluster();
    char *body = nt_api_body_build(c);
    cJSON *j = cJSON_Parse(body);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "cluster_kind")->valuestring, "kubernetes");
    assert_null(cJSON_GetObjectItem(j, "name"));
    assert_null(cJSON_GetObjectItem(j, "worker_type"));
    assert_null(cJSON_GetObjectItem(j, "primary_domain"));
    assert_null(cJSON_GetObjectItem(j, "reserved_namespaces_allowed_products"));
    cJSON *t = cJSON_GetObjectItem(j, "traefik");
    assert_string_equal(cJSON_GetObjectItem(t, "http_node_port")->valuestring, "30080");
    assert_true(cJSON_IsString(cJSON_GetObjectItem(t, "https_node_port")));
    cJSON *gw = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "components_list"), "gateway");
    assert_string_equal(cJSON_GetObjectItem(gw, "name")->valuestring, "traefik");
    cJSON *adds = cJSON_GetObjectItem(gw, "additions");
    assert_string_equal(cJSON_GetObjectItem(adds, "httpNodePort")->valuestring, "30080");
    assert_string_equal(cJSON_GetObjectItem(adds, "httpsNodePort")->valuestring, "30443");
    assert_string_equal(cJSON_GetObjectItem(j, "kubeconfig")->valuestring,
                        "apiVersion: v1\nclusters: []\n");
    assert_non_null(strstr(body, "\\n")); /* escaped newline */
    cJSON_Delete(j);
    nt_api_body_free(body);
    nt_cluster_free(c);
}

static void test_body_maps_hosts_into_additions(void **state)
{
    (void)state;
    nt_cluster *c = nt_cluster_new();
    c->name = strdup("w");
    nt_cluster_set_field(c, NT_F_ARGOCD_HOST, "argocd.example", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_TEKTON_HOST, "tekton.example", NT_POS_NONE);
    char *body = nt_api_body_build(c);
    cJSON *j = cJSON_Parse(body);
    cJSON *list = cJSON_GetObjectItem(j, "components_list");
    assert_string_equal(cJSON_GetObjectItem(j, "argocd_host")->valuestring, "argocd.example");
    assert_string_equal(cJSON_GetObjectItem(j, "tekton_host")->valuestring, "tekton.example");
    assert_string_equal(
        cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(list, "deployment"), "additions"), "host")
            ->valuestring,
        "argocd.example");
    cJSON *p = cJSON_GetObjectItem(list, "pipeline");
    assert_string_equal(cJSON_GetObjectItem(p, "namespace")->valuestring, "tekton-pipelines");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(p, "additions"), "host")->valuestring,
        "tekton.example");
    assert_null(cJSON_GetObjectItem(j, "traefik"));
    assert_null(cJSON_GetObjectItem(list, "gateway"));
    cJSON_Delete(j);
    nt_api_body_free(body);
    nt_cluster_free(c);
}

/* A Go CLI v0.4.2 file gives only the additions: a v0.3 server needs traefik, argocd_host,
 * tekton_host, so the body carries them too. */
static void test_body_derives_the_seed_spelling_from_additions(void **state)
{
    (void)state;
    nt_cluster *c = nt_cluster_new();
    c->name = strdup("p");
    nt_cluster_set_field(c, NT_F_API_SERVER, "https://8.217.50.118:6443", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_CLUSTER_TYPE, "physical", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_USAGE, "worker", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_WORKER_TYPE, "pipeline", NT_POS_NONE);
    c->has_components = true;
    nt_component *gw = nt_cluster_component(c, NT_C_GATEWAY),
                 *tk = nt_cluster_component(c, NT_C_PIPELINE);
    gw->declared = tk->declared = true;
    nt_component_set_addition(gw, "httpNodePort", "30082", NT_POS_NONE);
    nt_component_set_addition(gw, "httpsNodePort", "30445", NT_POS_NONE);
    nt_component_set_addition(tk, "host", "tekton.p.example.com", NT_POS_NONE);
    nt_cluster_set_field(c, NT_F_ARGOCD_HOST, "argocd.p.example.com", NT_POS_NONE);
    char *body = nt_api_body_build(c);
    cJSON *j = cJSON_Parse(body);
    cJSON *t = cJSON_GetObjectItem(j, "traefik");
    assert_string_equal(cJSON_GetObjectItem(t, "http_node_port")->valuestring, "30082");
    assert_string_equal(cJSON_GetObjectItem(t, "https_node_port")->valuestring, "30445");
    assert_string_equal(cJSON_GetObjectItem(j, "tekton_host")->valuestring, "tekton.p.example.com");
    cJSON *list = cJSON_GetObjectItem(j, "components_list");
    assert_string_equal(
        cJSON_GetObjectItem(
            cJSON_GetObjectItem(cJSON_GetObjectItem(list, "deployment"), "additions"), "host")
            ->valuestring,
        "argocd.p.example.com");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(list, "gateway"), "additions"),
                            "httpNodePort")
            ->valuestring,
        "30082");
    cJSON_Delete(j);
    nt_api_body_free(body);
    nt_cluster_free(c);
}

static const char V04_LIST[] =
    "{\"items\":[{\"name\":\"b\",\"cluster_kind\":\"kubernetes\",\"cluster_type\":\"physical\","
    "\"usage\":\"host\",\"host_cluster\":\"\",\"primary_domain\":\"1.2.3.4.nip.io\","
    "\"worker_type\":\"\",\"api_server\":\"https://1.2.3.4:6443\",\"components_list\":{"
    "\"multi_tenant\":null,\"secret_sync\":null,\"gateway\":{\"name\":\"traefik\","
    "\"namespace\":\"traefik\",\"additions\":{\"httpNodePort\":\"30080\",\"httpsNodePort\":"
    "\"30443\"}},\"deployment\":null,\"progressive_delivery\":null,\"pipeline\":null,"
    "\"event_listener\":null},\"reserved_namespaces_allowed_products\":{},"
    "\"product_allowed_cluster_resources\":{\"p\":[{\"group\":\"g\",\"kind\":\"k\"}]}},"
    "{\"name\":\"a\",\"cluster_kind\":\"kubernetes\",\"cluster_type\":\"virtual\",\"usage\":"
    "\"worker\",\"host_cluster\":\"b\",\"primary_domain\":\"\",\"worker_type\":\"deployment\","
    "\"api_server\":\"https://1.2.3.4:31456\",\"components_list\":{\"deployment\":{\"name\":"
    "\"argocd\",\"namespace\":\"argocd\",\"additions\":{\"host\":\"argocd.a\"}}}}]}";

static void test_v04_list_is_sorted_detected_and_maps_additions_back(void **state)
{
    (void)state;
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list_parse(V04_LIST, strlen(V04_LIST), &set, &d), 0);
    assert_int_equal(set->gen, NT_GEN_V04);
    assert_int_equal(set->n, 2);
    assert_string_equal(set->items[0]->name, "a");
    assert_true(set->visible_extras);
    assert_true(set->visible & (1u << NT_F_TRAEFIK_HTTP_NODE_PORT));
    assert_true(set->visible & (1u << NT_F_ARGOCD_HOST));
    assert_false(set->visible & (1u << NT_F_KUBECONFIG));
    assert_false(set->visible & (1u << NT_F_VCLUSTER_HTTPS_NODE_PORT));
    nt_cluster *b = nt_cluster_set_find(set, "b");
    assert_string_equal(nt_cluster_get(b, NT_F_TRAEFIK_HTTPS_NODE_PORT), "30443");
    assert_string_equal(nt_cluster_get(b, NT_F_HOST_CLUSTER), "");
    assert_true(b->comp[NT_C_MULTI_TENANT]->is_null);
    assert_int_equal(b->n_allowed, 1);
    assert_string_equal(b->allowed[0].items[0].kind.s, "k");
    assert_string_equal(nt_cluster_get(set->items[0], NT_F_ARGOCD_HOST), "argocd.a");
    /* the components each item gives as objects were reserved with its component array; the
     * null ones share one constant (6 of b's 7 categories) */
    assert_int_equal(b->comp_room, 1);
    assert_int_equal(b->comp_room_used, 1);
    assert_true(b->comp[NT_C_SECRET_SYNC]->declared);
    assert_true(b->comp[NT_C_SECRET_SYNC]->is_null);
    assert_ptr_equal(b->comp[NT_C_SECRET_SYNC], b->comp[NT_C_EVENT_LISTENER]);
    assert_false(b->comp[NT_C_GATEWAY]->is_null);
    assert_int_equal(b->comp[NT_C_GATEWAY]->n_additions, 2);
    assert_int_equal(b->comp[NT_C_GATEWAY]->cap_additions, 2); /* not 8 */
    assert_int_equal(set->items[0]->comp_room, 1);
    assert_int_equal(set->items[0]->comp_room_used, 1);
    nt_cluster_set_free(set);
    nt_diag_free(&d);
}

/* Components that name the default deployment and give no additions share one constant per
 * kind and spelling (an empty additions map, as v0.4 answers give, or none, as v0.3): nothing
 * is reserved or allocated for them; one with another name or with additions is the
 * cluster's own, reserved with its array. */
static void test_default_components_share_constants(void **state)
{
    (void)state;
    static const char body[] =
        "{\"items\":[{\"name\":\"x\",\"components_list\":{"
        "\"multi_tenant\":{\"name\":\"hnc\",\"namespace\":\"hnc-system\",\"additions\":{}},"
        "\"secret_sync\":{\"name\":\"external-secrets\",\"namespace\":\"external-secrets\"},"
        "\"progressive_delivery\":{\"name\":\"rollouts\",\"namespace\":\"argo-rollouts\","
        "\"additions\":{}},"
        "\"deployment\":{\"name\":\"argocd\",\"namespace\":\"argocd\",\"additions\":"
        "{\"host\":\"argocd.x\"}}}},"
        "{\"name\":\"y\",\"components_list\":{"
        "\"multi_tenant\":{\"name\":\"hnc\",\"namespace\":\"hnc-system\",\"additions\":{}},"
        "\"secret_sync\":{\"name\":\"external-secrets\",\"namespace\":\"external-secrets\","
        "\"additions\":null}}}]}";
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list_parse(body, strlen(body), &set, &d), 0);
    nt_cluster *x = nt_cluster_set_find(set, "x"), *y = nt_cluster_set_find(set, "y");
    const nt_component *mt = x->comp[NT_C_MULTI_TENANT], *ss = x->comp[NT_C_SECRET_SYNC];
    assert_ptr_equal(mt, y->comp[NT_C_MULTI_TENANT]);
    assert_ptr_equal(ss, y->comp[NT_C_SECRET_SYNC]); /* no additions key and null: the same */
    assert_true(mt->declared && !mt->is_null && mt->additions_declared);
    assert_false(ss->additions_declared);
    assert_string_equal(mt->name.s, "hnc");
    assert_string_equal(mt->ns.s, "hnc-system");
    assert_int_equal(mt->n_additions, 0);
    /* the deployment has additions and rollouts is not the default name: both reserved with
     * the array */
    assert_int_equal(x->comp_room, 2);
    assert_int_equal(x->comp_room_used, 2);
    assert_string_equal(x->comp[NT_C_PROGRESSIVE_DELIVERY]->name.s, "rollouts");
    assert_true(x->comp[NT_C_PROGRESSIVE_DELIVERY]->additions_declared);
    assert_string_equal(nt_cluster_get(x, NT_F_ARGOCD_HOST), "argocd.x");
    assert_int_equal(y->comp_room, 0);
    /* written: a copy of its own, the shared one untouched */
    nt_component *w = nt_cluster_component(y, NT_C_MULTI_TENANT);
    assert_ptr_not_equal(w, mt);
    assert_string_equal(w->name.s, "hnc");
    nt_value_set(&w->name, "hnc2", NT_POS_NONE);
    nt_component_set_addition(w, "k", "v", NT_POS_NONE);
    assert_string_equal(mt->name.s, "hnc");
    assert_int_equal(mt->n_additions, 0);
    /* a server-only category (oauthProxy) is skipped and gets no room */
    static const char only[] = "{\"items\":[{\"name\":\"z\",\"components_list\":{"
                               "\"oauthProxy\":{\"name\":\"o\",\"namespace\":\"o\"}}}]}";
    nt_cluster_set *zs = NULL;
    assert_int_equal(nt_api_list_parse(only, strlen(only), &zs, &d), 0);
    assert_int_equal(zs->items[0]->comp_room, 0);
    assert_false(zs->items[0]->comp[NT_C_OAUTH_PROXY]->declared);
    nt_cluster_set_free(zs);
    nt_cluster *k = nt_cluster_clone(x); /* a clone shares them too */
    assert_ptr_equal(k->comp[NT_C_MULTI_TENANT], mt);
    assert_int_equal(k->comp_room, 2);
    nt_cluster_free(k);
    nt_cluster_set_free(set);
    nt_diag_free(&d);
}

static void test_v03_list_hides_seed_fields(void **state)
{
    (void)state;
    const char *body = "{\"items\":[{\"name\":\"h\",\"cluster_kind\":\"kubernetes\","
                       "\"components_list\":{\"cert_mgt\":{\"name\":\"cert-manager\","
                       "\"namespace\":\"cert-manager\"}}}]}";
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list_parse(body, strlen(body), &set, &d), 0);
    assert_int_equal(set->gen, NT_GEN_V03);
    assert_false(set->visible & (1u << NT_F_TRAEFIK_HTTP_NODE_PORT));
    assert_false(set->visible & (1u << NT_F_ARGOCD_HOST));
    assert_true(set->visible & (1u << NT_F_PRIMARY_DOMAIN));
    nt_cluster_set_free(set);
    nt_diag_free(&d);
}

static void test_empty_list_is_unknown_generation(void **state)
{
    (void)state;
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list_parse("{\"items\": []}", 13, &set, &d), 0);
    assert_int_equal(set->gen, NT_GEN_UNKNOWN);
    assert_int_equal(set->n, 0);
    nt_cluster_set_free(set);
    nt_diag_free(&d);
}

static void expect_list_error(const char *body, const char *want)
{
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list_parse(body, strlen(body), &set, &d), -1);
    assert_null(set);
    assert_int_equal(d.n, 1);
    if (!strstr(d.items[0].msg, want))
        fail_msg("message \"%s\" lacks \"%s\"", d.items[0].msg, want);
    nt_diag_free(&d);
}

static void test_html_truncated_and_wrong_types_give_one_clear_error(void **state)
{
    (void)state;
    expect_list_error("<html><body>502 Bad Gateway</body></html>",
                      "not JSON (it looks like an HTML page; is a proxy in the way?)");
    expect_list_error("{\"items\":[{\"name\":\"a\"", "not complete JSON");
    expect_list_error("", "is empty");
    expect_list_error("[1,2]", "not an object");
    expect_list_error("{\"items\":5}", "not a list");
    expect_list_error("{\"items\":[{\"name\":\"a\",\"usage\":5}]}", "\"usage\"");
    expect_list_error("{\"items\":[{\"name\":\"a\"},{\"name\":\"a\"}]}", "twice");
    expect_list_error("{\"code\":500,\"reason\":\"\",\"message\":\"token is not found\"}",
                      "token is not found");
}

static void expect_names(const char *body, const char *want)
{
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    if (nt_api_list_parse(body, strlen(body), &set, &d) != 0)
        fail_msg("%s: %s", body, d.n ? d.items[0].msg : "?");
    nt_buf got = NT_BUF_INIT;
    for (size_t i = 0; i < set->n; i++)
        nt_buf_addf(&got, "%s%s", i ? "," : "", set->items[i]->name);
    if (strcmp(nt_buf_str(&got), want) != 0)
        fail_msg("%s: got [%s], want [%s]", body, nt_buf_str(&got), want);
    nt_buf_free(&got);
    nt_cluster_set_free(set);
    nt_diag_free(&d);
}

/* Items are parsed one at a time (the memory of a huge answer); every other shape reads as
 * the whole tree reads it, with the same errors. */
static void test_a_list_is_read_item_by_item_with_the_whole_readings_results(void **state)
{
    (void)state;
    expect_names("{\"items\":[{\"name\":\"b\"},{\"name\":\"a\"}]}", "a,b");
    expect_names(
        " \n{ \"total\" : 2 , \"items\" : [ {\"name\":\"a\"} ] ,\"x\":[1,{\"y\":\"]\"}]}\n", "a");
    expect_names("{\"items\":[{\"name\":\"a\\\"]}\"}]}", "a\"]}");
    expect_names("{\"x\":{\"items\":[{\"name\":\"n\"}]},\"items\":[{\"name\":\"a\"}]}", "a");
    expect_names("{\"it\\u0065ms\":[{\"name\":\"a\"}]}", "a");
    expect_names("{\"items\":[{\"name\":\"a\"}],\"items\":[{\"name\":\"b\"}]}", "a");
    expect_names("{\"items\":null}", "");
    expect_list_error("{\"items\":[{\"name\":\"a\"},]}", "JSON");
    expect_list_error("{\"items\":[{\"name\":\"a\"}],}", "JSON");
    expect_list_error("{\"items\":[{\"name\":\"a\"}]} x", "JSON");
    expect_list_error("{\"items\":[{\"name\":\"a\"}] \"n\":1}", "JSON");
    expect_list_error("{\"items\":[{\"name\":\"a\"}],\"n\":tru}", "JSON");
    expect_list_error("{\"items\":[{\"name\":\"a\"}, {\"name\":\"b\",\"usage\":[]}]}",
                      "bad item 2");
    /* 20,000 items */
    nt_buf big = NT_BUF_INIT;
    nt_buf_adds(&big, "{\"items\":[");
    for (int i = 0; i < 20000; i++)
        nt_buf_addf(&big, "%s{\"name\":\"c%05d\",\"usage\":\"worker\"}", i ? "," : "", i);
    nt_buf_adds(&big, "]}");
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list_parse(big.data, big.len, &set, &d), 0);
    assert_int_equal(set->n, 20000);
    assert_string_equal(set->items[19999]->name, "c19999");
    assert_string_equal(nt_cluster_get(set->items[5], NT_F_USAGE), "worker");
    nt_cluster_set_free(set);
    nt_diag_free(&d);
    nt_buf_free(&big);
}

static void test_error_body_is_parsed(void **state)
{
    (void)state;
    const char *body = "{\"code\": 400, \"reason\": \"VALIDATOR\", \"message\": \"bad\", "
                       "\"metadata\": {}}";
    long code = 0;
    char *reason = NULL, *msg = NULL;
    assert_int_equal(nt_api_error_parse(body, strlen(body), &code, &reason, &msg), 0);
    assert_int_equal(code, 400);
    assert_string_equal(reason, "VALIDATOR");
    assert_string_equal(msg, "bad");
    free(reason);
    free(msg);
    assert_int_equal(nt_api_error_parse("404 page not found", 18, &code, &reason, &msg), -1);
    assert_null(reason);
}

static void expect_codec(const char *body, const char *want)
{
    nt_cluster *c = NULL;
    nt_buf err = NT_BUF_INIT;
    assert_int_equal(nt_api_body_parse("x", body, strlen(body), &c, &err), -1);
    assert_null(c);
    if (!strstr(nt_buf_str(&err), want))
        fail_msg("codec error \"%s\" lacks \"%s\"", nt_buf_str(&err), want);
    assert_non_null(strstr(nt_buf_str(&err), "body unmarshal proto: "));
    nt_buf_free(&err);
}

static void test_body_parse_refuses_what_protojson_refuses(void **state)
{
    (void)state;
    expect_codec("{\"traefik\":{\"http_node_port\":30080}}",
                 "invalid value for string type: 30080");
    expect_codec("{\"api_server\":\"a\",\"api_server\":\"b\"}", "duplicate field \"api_server\"");
    expect_codec("[1]", "syntax error (line 1:1): unexpected token [");
    expect_codec("{\"api_server\": ", "syntax error");
    expect_codec("not json", "syntax error");
    expect_codec("{\"usage\":true}", "invalid value for string type: true");
    expect_codec("{\"vcluster\":\"x\"}", "unexpected token");
    expect_codec("{\"api_server\":\"\xff\"}", "invalid UTF-8");
    expect_codec("{\"components_list\":{\"gateway\":{\"additions\":{\"a\":\"1\",\"a\":\"2\"}}}}",
                 "duplicate map key \"a\"");
}

static void test_body_parse_drops_unknown_keys_and_treats_null_as_absent(void **state)
{
    (void)state;
    const char *body =
        "{\"apiServer\":\"x\",\"api_server\":\"https://h:1\",\"usage\":null,\"unknown\":{\"a\":"
        "[1,2]},\"vcluster\":{\"https_node_port\":\"31000\"},\"components_list\":{\"gateway\":"
        "{\"name\":\"traefik\",\"additions\":{\"httpNodePort\":\"30000\"}},\"pipeline\":null},"
        "\"reserved_namespaces_allowed_products\":{\"argocd\":[\"p\",3]},"
        "\"product_allowed_cluster_resources\":{\"p\":[{\"kind\":\"K\",\"group\":\"G\"},7]}}";
    nt_cluster *c = NULL;
    nt_buf err = NT_BUF_INIT;
    assert_int_equal(nt_api_body_parse("n", body, strlen(body), &c, &err), 0);
    assert_string_equal(c->name, "n");
    assert_string_equal(nt_cluster_get(c, NT_F_API_SERVER), "https://h:1");
    assert_null(nt_cluster_get(c, NT_F_USAGE));
    assert_string_equal(nt_cluster_get(c, NT_F_VCLUSTER_HTTPS_NODE_PORT), "31000");
    assert_true(c->has_vcluster);
    assert_false(c->has_traefik);
    assert_true(c->comp[NT_C_GATEWAY]->declared);
    assert_string_equal(nt_component_addition(c->comp[NT_C_GATEWAY], "httpNodePort")->value.s,
                        "30000");
    assert_true(c->comp[NT_C_PIPELINE]->is_null);
    assert_false(c->comp[NT_C_DEPLOYMENT]->declared);
    assert_int_equal(c->reserved[0].n, 2);
    assert_null(c->reserved[0].products[1].s); /* a non-string product */
    assert_int_equal(c->allowed[0].n, 2);
    assert_null(c->allowed[0].items[1].kind.s); /* a non-object resource */
    nt_cluster_free(c);
    nt_buf_free(&err);
}

static void test_empty_body_is_an_empty_cluster(void **state)
{
    (void)state;
    nt_cluster *c = NULL;
    nt_buf err = NT_BUF_INIT;
    assert_int_equal(nt_api_body_parse("n", "", 0, &c, &err), 0);
    assert_null(nt_cluster_get(c, NT_F_API_SERVER));
    nt_cluster_free(c);
}

static void test_get_shape_has_every_key_in_order_per_generation(void **state)
{
    (void)state;
    nt_cluster *c = host_cluster();
    nt_cluster_set_field(c, NT_F_CLUSTER_KIND, "kubernetes", NT_POS_NONE);
    c->has_components = true;
    nt_cluster_component(c, NT_C_GATEWAY)->declared = true;
    nt_value_set(&nt_cluster_component(c, NT_C_GATEWAY)->name, "traefik", NT_POS_NONE);
    nt_value_set(&nt_cluster_component(c, NT_C_GATEWAY)->ns, "traefik", NT_POS_NONE);
    nt_component_set_addition(nt_cluster_component(c, NT_C_GATEWAY), "httpsNodePort", "30443",
                              NT_POS_NONE);
    nt_component_set_addition(nt_cluster_component(c, NT_C_GATEWAY), "httpNodePort", "30080",
                              NT_POS_NONE);
    nt_cluster_component(c, NT_C_EVENT_LISTENER)->declared = true;
    nt_value_set(&nt_cluster_component(c, NT_C_EVENT_LISTENER)->name, "argo-events", NT_POS_NONE);
    nt_cluster_add_reserved(c, "z", NT_POS_NONE);
    nt_ns_products_add(nt_cluster_add_reserved(c, "a", NT_POS_NONE), "p", NT_POS_NONE);

    cJSON *j = nt_api_cluster_to_json(c, NT_GEN_V04);
    char *s = cJSON_PrintUnformatted(j);
    assert_string_equal(
        s, "{\"name\":\"cluster-host\",\"cluster_kind\":\"kubernetes\",\"cluster_type\":"
           "\"physical\",\"usage\":\"host\",\"host_cluster\":\"\",\"primary_domain\":\"\","
           "\"worker_type\":\"\",\"api_server\":\"https://8.217.50.114:6443\","
           "\"components_list\":{\"multi_tenant\":null,\"secret_sync\":null,\"gateway\":{"
           "\"name\":\"traefik\",\"namespace\":\"traefik\",\"additions\":{\"httpNodePort\":"
           "\"30080\",\"httpsNodePort\":\"30443\"}},\"deployment\":null,"
           "\"progressive_delivery\":null,\"pipeline\":null,\"event_listener\":null},"
           "\"reserved_namespaces_allowed_products\":{\"a\":[\"p\"],\"z\":[]},"
           "\"product_allowed_cluster_resources\":{}}");
    assert_null(strstr(s, "kubeconfig"));
    free(s);
    cJSON_Delete(j);

    j = nt_api_cluster_to_json(c, NT_GEN_V03);
    cJSON *list = cJSON_GetObjectItem(j, "components_list");
    assert_int_equal(cJSON_GetArraySize(list), 9);
    assert_null(cJSON_GetObjectItem(list, "gateway"));
    assert_true(cJSON_IsObject(cJSON_GetObjectItem(list, "event_listener")));
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(list, "event_listener"), "additions"));
    assert_null(cJSON_GetObjectItem(j, "traefik"));
    cJSON_Delete(j);
    nt_cluster_free(c);
}

static void test_get_shape_round_trips_through_the_list_parser(void **state)
{
    (void)state;
    nt_cluster *c = host_cluster();
    cJSON *items = cJSON_CreateArray();
    cJSON_AddItemToArray(items, nt_api_cluster_to_json(c, NT_GEN_V03));
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "items", items);
    char *s = cJSON_PrintUnformatted(root);
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list_parse(s, strlen(s), &set, &d), 0);
    assert_int_equal(set->gen, NT_GEN_V03);
    assert_string_equal(nt_cluster_get(set->items[0], NT_F_API_SERVER),
                        "https://8.217.50.114:6443");
    assert_null(nt_cluster_get(set->items[0], NT_F_KUBECONFIG));
    nt_cluster_set_free(set);
    free(s);
    cJSON_Delete(root);
    nt_cluster_free(c);
}

/* issue 12 point 6: cJSON stops a string at a decoded NUL; a name holding \u0000 is refused,
 * never cut short silently. */
static void test_a_name_holding_an_escaped_nul_is_refused_not_cut(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "{\"items\": [{\"name\": \"victim\\u0000x\", \"cluster_type\": \"physical\"}]}",
        "{\"items\": [{\"name\": \"ok\", \"usage\": \"wor\\u0000ker\"}]}",
        "{\"items\": [{\"name\": \"victim\\u0000x\", \"usage\": \"\\uffff\"}]}",
    };
    static const char *const want[] = {
        "bad item 1: its name 'victim\\u0000x' holds \\u0000",
        "bad item 1: a string in it holds \\u0000",
        "holds \\u0000 (a NUL character, which would cut a name or value short) and U+FFFF",
    };
    for (size_t i = 0; i < 3; i++) {
        nt_cluster_set *set = NULL;
        nt_diag d = NT_DIAG_INIT;
        assert_int_equal(nt_api_list_parse(bodies[i], strlen(bodies[i]), &set, &d), -1);
        assert_null(set);
        assert_non_null(strstr(d.items[0].msg, want[i]));
        nt_diag_free(&d);
    }
    /* an escaped backslash before "u0000" is text, not an escape: the name is kept whole */
    static const char ok[] = "{\"items\": [{\"name\": \"a\\\\u0000b\"}]}";
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list_parse(ok, strlen(ok), &set, &d), 0);
    assert_int_equal(set->n, 1);
    assert_string_equal(set->items[0]->name, "a\\u0000b");
    nt_cluster_set_free(set);
    nt_diag_free(&d);
}

/* The item-by-item reading finds NUL bytes and \\u0000 escapes as it scans (no pass of its
 * own over the answer): a NUL byte anywhere, in a key, a value, between tokens, inside an
 * item or around the list, is refused, as the whole reading refuses it, never read as a
 * shorter string or as a space. */
static void test_a_nul_byte_anywhere_in_a_list_is_refused(void **state)
{
    (void)state;
    static const char base[] = "{\"total\": 2, \"items\": [{\"name\": \"ab\", \"usage\": "
                               "\"worker\", \"x\": [1, {\"y\": \"z\\\\\"}]}, {\"name\": \"cd\"}], "
                               "\"k\": \"v\"}";
    size_t n = sizeof base - 1;
    char buf[sizeof base + 1];
    for (size_t at = 0; at <= n; at++) {
        for (int replace = 0; replace < 2 && (!replace || at < n); replace++) {
            memcpy(buf, base, at);
            buf[at] = '\0';
            memcpy(buf + at + 1 - replace, base + at + replace, n - at - replace);
            nt_cluster_set *set = NULL;
            nt_diag d = NT_DIAG_INIT;
            if (nt_api_list_parse(buf, n + 1 - replace, &set, &d) != -1 || set || !d.n)
                fail_msg("a NUL byte %s offset %zu was not refused", replace ? "at" : "before", at);
            nt_diag_free(&d);
        }
    }
    /* and the answer without one reads */
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list_parse(base, n, &set, &d), 0);
    assert_int_equal(set->n, 2);
    nt_cluster_set_free(set);
    nt_diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_body_has_both_spellings_and_only_declared_fields),
        cmocka_unit_test(test_body_maps_hosts_into_additions),
        cmocka_unit_test(test_body_derives_the_seed_spelling_from_additions),
        cmocka_unit_test(test_v04_list_is_sorted_detected_and_maps_additions_back),
        cmocka_unit_test(test_default_components_share_constants),
        cmocka_unit_test(test_v03_list_hides_seed_fields),
        cmocka_unit_test(test_empty_list_is_unknown_generation),
        cmocka_unit_test(test_html_truncated_and_wrong_types_give_one_clear_error),
        cmocka_unit_test(test_a_list_is_read_item_by_item_with_the_whole_readings_results),
        cmocka_unit_test(test_error_body_is_parsed),
        cmocka_unit_test(test_body_parse_refuses_what_protojson_refuses),
        cmocka_unit_test(test_body_parse_drops_unknown_keys_and_treats_null_as_absent),
        cmocka_unit_test(test_empty_body_is_an_empty_cluster),
        cmocka_unit_test(test_get_shape_has_every_key_in_order_per_generation),
        cmocka_unit_test(test_get_shape_round_trips_through_the_list_parser),
        cmocka_unit_test(test_a_name_holding_an_escaped_nul_is_refused_not_cut),
        cmocka_unit_test(test_a_nul_byte_anywhere_in_a_list_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
