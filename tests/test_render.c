/* Tests of core/render/render_text.c, core/render/render_json.c and core/render/render_dot.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/render/render.h"
#include "tests/plan_fixtures.h"

/* A plan with one of each action against a v0.4 server, and an unmanaged cluster. */
static nt_plan *mixed_plan(nt_cluster_set **want, nt_cluster_set **have)
{
    fx_obs pw = FX_HOST("pw");
    pw.usage = "worker";
    pw.wt = "pipeline";
    pw.api = "https://10.0.0.2:6443";
    *have = fx_observe(NT_GEN_V04,
                       (fx_obs[]){FX_HOST("host"), FX_VIRT("old-v", "host", "31000"), pw,
                                  FX_VIRT("zz-unmanaged", "host", "31002")},
                       4);
    *want = fx_load("clusters:\n" Y_HOST("host") "    primary_domain: apps.example.com\n" Y_VIRT(
        "new-v", "host", "31001") "  - name: old-v\n    state: absent\n"
                                  "  - name: pw\n    api_server: https://10.0.0.2:6443\n"
                                  "    cluster_type: physical\n    usage: worker\n"
                                  "    worker_type: deployment\n" KC);
    nt_diag d = NT_DIAG_INIT;
    nt_plan *p = fx_plan(*want, *have, NULL, &d);
    nt_diag_free(&d);
    return p;
}

static const char expected_text[] =
    "- destroy old-v (virtual worker, deployment)\n"
    "    reason: state: absent\n"
    "-/+ replace pw (physical worker, deployment)\n"
    "    reason: worker_type changes from pipeline to deployment: the API Server accepts such "
    "a change and breaks later, so the cluster is deleted and created again\n"
    "    ~ worker_type: \"pipeline\" -> \"deployment\"\n"
    "    not compared: kubeconfig\n"
    "~ update host (physical host)\n"
    "    ~ primary_domain: \"10.0.0.1.nip.io\" -> \"apps.example.com\"\n"
    "    not compared: kubeconfig\n"
    "+ create new-v (virtual worker, deployment)\n"
    "    + api_server: \"https://10.0.0.1:31001\"\n"
    "    + cluster_kind: \"kubernetes\"\n"
    "    + cluster_type: \"virtual\"\n"
    "    + host_cluster: \"host\"\n"
    "    + usage: \"worker\"\n"
    "    + vcluster.https_node_port: \"31001\"\n"
    "    + worker_type: \"deployment\"\n"
    "\n"
    "Not managed by these files (left alone; --prune would delete them):\n"
    "  zz-unmanaged\n"
    "\n"
    "Not compared (the API does not return them): kubeconfig\n"
    "\n"
    "Plan: 1 to add, 1 to change, 1 to replace, 1 to destroy.\n";

static void test_text_of_a_mixed_plan_is_exact(void **state)
{
    (void)state;
    nt_cluster_set *want, *have;
    nt_plan *p = mixed_plan(&want, &have);
    assert_non_null(p);
    nt_buf b = NT_BUF_INIT;
    nt_render_opts o = {false, false};
    nt_render_text(p, &o, &b);
    assert_string_equal(nt_buf_str(&b), expected_text);
    assert_null(strstr(nt_buf_str(&b), "SECRET-KUBE-TOKEN"));
    assert_null(strstr(nt_buf_str(&b), "\033["));
    nt_buf_free(&b);
    nt_plan_free(p);
    nt_cluster_set_free(want);
    nt_cluster_set_free(have);
}

static void test_text_is_coloured_only_when_asked(void **state)
{
    (void)state;
    nt_cluster_set *want, *have;
    nt_plan *p = mixed_plan(&want, &have);
    nt_buf b = NT_BUF_INIT;
    nt_render_opts o = {true, false};
    nt_render_text(p, &o, &b);
    assert_non_null(strstr(nt_buf_str(&b), "\033[32m+ create\033[0m new-v"));
    assert_non_null(strstr(nt_buf_str(&b), "\033[33m~ update\033[0m host"));
    assert_non_null(strstr(nt_buf_str(&b), "\033[31m- destroy\033[0m old-v"));
    /* each changed field is marked and coloured as its action is */
    assert_non_null(strstr(nt_buf_str(&b), "    \033[33m~\033[0m primary_domain: "));
    nt_buf_free(&b);
    nt_plan_free(p);
    nt_cluster_set_free(want);
    nt_cluster_set_free(have);
}

/* An update's fields: + newly set, - removed, ~ changed (a secret only ever "(sensitive)"). */
static void test_update_fields_are_marked_set_removed_or_changed(void **state)
{
    (void)state;
    nt_change ch[] = {
        {"argocd_host", NULL, "argocd.example.com", false, NT_PATH_FIELD},
        {"tekton_host", "tekton.example.com", NULL, false, NT_PATH_FIELD},
        {"primary_domain", "a.example.com", "b.example.com", false, NT_PATH_FIELD},
        {"kubeconfig", NULL, NULL, true, NT_PATH_FIELD},
    };
    nt_action a;
    memset(&a, 0, sizeof(a));
    a.cluster = "h";
    a.kind = NT_ACT_UPDATE;
    a.changes = ch;
    a.n_changes = 4;
    nt_plan p;
    memset(&p, 0, sizeof(p));
    p.actions = &a;
    p.n_actions = 1;
    p.n_update = 1;
    nt_buf b = NT_BUF_INIT;
    nt_render_opts plain = {false, false};
    nt_render_text(&p, &plain, &b);
    assert_string_equal(nt_buf_str(&b),
                        "~ update h\n"
                        "    + argocd_host: (none) -> \"argocd.example.com\"\n"
                        "    - tekton_host: \"tekton.example.com\" -> (removed)\n"
                        "    ~ primary_domain: \"a.example.com\" -> \"b.example.com\"\n"
                        "    ~ kubeconfig: (sensitive)\n"
                        "\nPlan: 0 to add, 1 to change, 0 to replace, 0 to destroy.\n");
    nt_buf_free(&b);
    nt_render_opts color = {true, false};
    nt_render_text(&p, &color, &b);
    assert_non_null(strstr(nt_buf_str(&b), "    \033[32m+\033[0m argocd_host: "));
    assert_non_null(strstr(nt_buf_str(&b), "    \033[31m-\033[0m tekton_host: "));
    assert_non_null(strstr(nt_buf_str(&b), "    \033[33m~\033[0m kubeconfig: (sensitive)"));
    nt_buf_free(&b);
}

static void test_no_changes_says_so_and_verbose_lists_the_unchanged(void **state)
{
    (void)state;
    nt_cluster_set *have = fx_observe(NT_GEN_V04, (fx_obs[]){FX_HOST("host")}, 1);
    nt_cluster_set *want = fx_load("clusters:\n" Y_HOST("host"));
    nt_diag d = NT_DIAG_INIT;
    nt_plan *p = fx_plan(want, have, NULL, &d);
    nt_buf b = NT_BUF_INIT;
    nt_render_opts o = {false, false};
    nt_render_text(p, &o, &b);
    assert_string_equal(nt_buf_str(&b), "Not compared (the API does not return them): kubeconfig\n"
                                        "\n"
                                        "No changes. The clusters match the files.\n");
    nt_buf_reset(&b);
    o.verbose = true;
    nt_render_text(p, &o, &b);
    assert_non_null(strstr(nt_buf_str(&b), "= no change host (physical host)\n"));
    nt_buf_free(&b);
    nt_plan_free(p);
    nt_cluster_set_free(want);
    nt_cluster_set_free(have);
    nt_diag_free(&d);
}

static void test_json_has_the_documented_schema_and_no_secret(void **state)
{
    (void)state;
    nt_cluster_set *want, *have;
    nt_plan *p = mixed_plan(&want, &have);
    nt_buf b = NT_BUF_INIT;
    nt_render_json(p, false, &b);
    assert_null(strstr(nt_buf_str(&b), "SECRET-KUBE-TOKEN"));
    cJSON *j = cJSON_Parse(nt_buf_str(&b));
    assert_non_null(j);
    assert_null(cJSON_GetObjectItem(j, "nautes_plan"));
    assert_int_equal(cJSON_GetObjectItem(j, "format_version")->valueint, 1);
    assert_string_equal(cJSON_GetObjectItem(j, "server_generation")->valuestring, "v0.4");
    assert_string_equal(cJSON_GetObjectItem(j, "source")->valuestring, "api http://127.0.0.1:8000");
    cJSON *actions = cJSON_GetObjectItem(j, "actions");
    assert_int_equal(cJSON_GetArraySize(actions), 4);
    cJSON *a0 = cJSON_GetArrayItem(actions, 0);
    assert_string_equal(cJSON_GetObjectItem(a0, "cluster")->valuestring, "old-v");
    assert_string_equal(cJSON_GetObjectItem(a0, "action")->valuestring, "delete");
    assert_string_equal(cJSON_GetObjectItem(a0, "reason")->valuestring, "state: absent");
    cJSON *a2 = cJSON_GetArrayItem(actions, 2);
    cJSON *c0 = cJSON_GetArrayItem(cJSON_GetObjectItem(a2, "changes"), 0);
    assert_string_equal(cJSON_GetObjectItem(c0, "path")->valuestring, "primary_domain");
    assert_string_equal(cJSON_GetObjectItem(c0, "old")->valuestring, "10.0.0.1.nip.io");
    assert_string_equal(cJSON_GetObjectItem(c0, "new")->valuestring, "apps.example.com");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(c0, "sensitive")));
    cJSON *ops = cJSON_GetObjectItem(j, "operations");
    assert_int_equal(cJSON_GetArraySize(ops), 5);
    cJSON *op1 = cJSON_GetArrayItem(ops, 1);
    assert_string_equal(cJSON_GetObjectItem(op1, "method")->valuestring, "DELETE");
    assert_string_equal(cJSON_GetObjectItem(op1, "cluster")->valuestring, "pw");
    cJSON *op4 = cJSON_GetArrayItem(ops, 4);
    assert_string_equal(cJSON_GetObjectItem(op4, "method")->valuestring, "POST");
    assert_string_equal(cJSON_GetObjectItem(op4, "cluster")->valuestring, "pw");
    assert_int_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(op4, "depends_on"), 0)->valueint, 1);
    assert_int_equal(
        cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetArrayItem(ops, 2), "depends_on")), 0);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "unmanaged"), 0)->valuestring,
                        "zz-unmanaged");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(j, "not_compared"), 0)->valuestring,
                        "kubeconfig");
    cJSON *sum = cJSON_GetObjectItem(j, "summary");
    assert_int_equal(cJSON_GetObjectItem(sum, "add")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(sum, "change")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(sum, "replace")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(sum, "destroy")->valueint, 1);
    assert_true(cJSON_IsArray(cJSON_GetObjectItem(j, "input_files")));
    assert_int_equal(strlen(cJSON_GetObjectItem(j, "observed_fingerprint")->valuestring), 64);
    /* the kubeconfig change of the replace is shown, sensitive, without a value */
    cJSON *a1 = cJSON_GetArrayItem(actions, 1);
    assert_string_equal(cJSON_GetObjectItem(a1, "action")->valuestring, "replace");
    cJSON_Delete(j);
    nt_buf_free(&b);
    nt_plan_free(p);
    nt_cluster_set_free(want);
    nt_cluster_set_free(have);
}

static void test_dot_has_virtual_to_host_edges_and_styles_absent_ones(void **state)
{
    (void)state;
    nt_cluster_set *s = fx_load("clusters:\n" Y_HOST("host") Y_VIRT("v", "host", "31000") Y_VIRT(
        "w", "elsewhere", "31001") "  - name: gone\n    state: absent\n");
    nt_buf b = NT_BUF_INIT;
    nt_render_dot(s, &b);
    assert_string_equal(nt_buf_str(&b),
                        "digraph nautes {\n"
                        "    rankdir=BT;\n"
                        "    node [shape=box, fontname=\"sans-serif\"];\n"
                        "    \"host\" [label=\"host\\nphysical host\"];\n"
                        "    \"v\" [label=\"v\\nvirtual worker, deployment\"];\n"
                        "    \"w\" [label=\"w\\nvirtual worker, deployment\"];\n"
                        "    \"gone\" [label=\"gone\\n(absent)\", style=dashed, color=gray50, "
                        "fontcolor=gray50];\n"
                        "    \"elsewhere\" [label=\"elsewhere\\n(not declared)\", style=dotted];\n"
                        "    \"v\" -> \"host\";\n"
                        "    \"w\" -> \"elsewhere\";\n"
                        "}\n");
    nt_buf_free(&b);
    nt_cluster_set_free(s);
}

static void test_mermaid_draws_the_same_graph_with_safe_node_ids(void **state)
{
    (void)state;
    nt_cluster_set *s = fx_load(
        "clusters:\n" Y_HOST("host") "    prevent_destroy: true\n" Y_VIRT("v", "host", "31000")
            Y_VIRT("w", "elsewhere", "31001") "  - name: gone\n    state: absent\n");
    nt_buf b = NT_BUF_INIT;
    nt_render_mermaid(s, &b);
    assert_string_equal(nt_buf_str(&b), "flowchart BT\n"
                                        "    classDef absent stroke-dasharray: 5 5,color:#777\n"
                                        "    classDef kept stroke-width:3px\n"
                                        "    classDef undeclared stroke-dasharray: 2 2\n"
                                        "    c0[\"host<br/>physical host\"]:::kept\n"
                                        "    c1[\"v<br/>virtual worker, deployment\"]\n"
                                        "    c2[\"w<br/>virtual worker, deployment\"]\n"
                                        "    c3[\"gone<br/>(absent)\"]:::absent\n"
                                        "    c4[\"elsewhere<br/>(not declared)\"]:::undeclared\n"
                                        "    c1 --> c0\n"
                                        "    c2 --> c4\n");
    nt_buf_free(&b);
    nt_cluster_set_free(s);
}

static void test_gitlab_report_counts_a_replace_as_a_create_and_a_delete(void **state)
{
    (void)state;
    nt_plan p;
    memset(&p, 0, sizeof(p));
    p.n_create = 1;
    p.n_update = 3;
    p.n_replace = 2;
    p.n_delete = 4;
    nt_buf out = NT_BUF_INIT;
    nt_render_gitlab_report(&p, &out);
    assert_string_equal(nt_buf_str(&out),
                        "{\n  \"create\": 3,\n  \"update\": 3,\n  \"delete\": 6\n}\n");
    nt_buf_free(&out);
    memset(&p, 0, sizeof(p));
    nt_render_gitlab_report(&p, &out);
    assert_string_equal(nt_buf_str(&out),
                        "{\n  \"create\": 0,\n  \"update\": 0,\n  \"delete\": 0\n}\n");
    nt_buf_free(&out);
}

static void test_markdown_has_the_summary_a_table_and_the_plan_in_a_block(void **state)
{
    (void)state;
    nt_change ch[] = {
        {(char *)"primary_domain", (char *)"a|b", (char *)"c```d", false, NT_PATH_FIELD},
        {(char *)"kubeconfig", NULL, NULL, true, NT_PATH_FIELD}};
    nt_action act = {0};
    act.cluster = (char *)"cluster-host";
    act.kind = NT_ACT_UPDATE;
    act.changes = ch;
    act.n_changes = 2;
    act.label = (char *)"physical host";
    nt_plan p;
    memset(&p, 0, sizeof(p));
    p.actions = &act;
    p.n_actions = 1;
    p.n_update = 1;
    nt_buf b = NT_BUF_INIT;
    nt_render_markdown(&p, &b);
    const char *md = nt_buf_str(&b);
    assert_non_null(strstr(md, "**Plan: 0 to add, 1 to change, 0 to replace, 0 to destroy.**\n"));
    assert_non_null(strstr(md, "| `cluster-host` | physical host | update | primary_domain, "
                               "kubeconfig (sensitive) |\n"));
    /* a value holding ``` does not close the block: the fence is longer */
    assert_non_null(strstr(md, "````diff\n"));
    assert_non_null(strstr(md, "\n````\n\n</details>\n"));
    assert_null(strstr(md, "SECRET"));
    nt_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_of_a_mixed_plan_is_exact),
        cmocka_unit_test(test_text_is_coloured_only_when_asked),
        cmocka_unit_test(test_update_fields_are_marked_set_removed_or_changed),
        cmocka_unit_test(test_no_changes_says_so_and_verbose_lists_the_unchanged),
        cmocka_unit_test(test_json_has_the_documented_schema_and_no_secret),
        cmocka_unit_test(test_dot_has_virtual_to_host_edges_and_styles_absent_ones),
        cmocka_unit_test(test_gitlab_report_counts_a_replace_as_a_create_and_a_delete),
        cmocka_unit_test(test_mermaid_draws_the_same_graph_with_safe_node_ids),
        cmocka_unit_test(test_markdown_has_the_summary_a_table_and_the_plan_in_a_block),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
