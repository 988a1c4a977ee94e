/* test_render_junit.c — the plan as a JUnit report for CI. Plans are built by hand here so
 * that each test shows exactly which action gives which XML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/buf.h"
#include "core/base/diag.h"
#include "core/plan/plan.h"
#include "core/render/render_junit.h"

#include <string.h>

static void assert_has(const char *s, const char *needle)
{
    if (!strstr(s, needle))
        fail_msg("missing:\n%s\nin:\n%s", needle, s);
}

static void test_drift_is_a_failure_with_the_change_lines_and_no_op_passes(void **state)
{
    (void)state;
    nt_change ch[] = {
        {(char *)"primary_domain", (char *)"8.217.50.114.nip.io", (char *)"example.com", false,
         NT_PATH_FIELD},
        {(char *)"kubeconfig", (char *)"old", (char *)"new", true, NT_PATH_FIELD},
    };
    nt_change cr[] = {
        {(char *)"api_server", NULL, (char *)"https://10.0.0.1:6443", false, NT_PATH_FIELD}};
    nt_action acts[] = {
        {.cluster = (char *)"cluster-host",
         .kind = NT_ACT_UPDATE,
         .changes = ch,
         .n_changes = 2,
         .label = (char *)"physical host"},
        {.cluster = (char *)"cluster-new", .kind = NT_ACT_CREATE, .changes = cr, .n_changes = 1},
        {.cluster = (char *)"cluster-same", .kind = NT_ACT_NOOP},
    };
    char *unmanaged[] = {(char *)"cluster-other"};
    char *unseen[] = {(char *)"kubeconfig"};
    nt_plan plan = {.actions = acts,
                    .n_actions = 3,
                    .unmanaged = unmanaged,
                    .n_unmanaged = 1,
                    .unseen = unseen,
                    .n_unseen = 1,
                    .gen = NT_GEN_V04,
                    .source = (char *)"git:/srv/tenant#main@1a2b3c4"};
    nt_buf out = NT_BUF_INIT;
    nt_render_junit(&plan, NULL, &out);
    const char *want =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"nautes\" tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"1\" "
        "time=\"0\">\n"
        "  <testsuite name=\"nautes drift\" tests=\"4\" failures=\"2\" errors=\"0\" "
        "skipped=\"1\" time=\"0\">\n"
        "    <properties>\n"
        "      <property name=\"source\" value=\"git:/srv/tenant#main@1a2b3c4\"/>\n"
        "      <property name=\"api_generation\" value=\"v0.4\"/>\n"
        "    </properties>\n"
        "    <testcase classname=\"nautes drift\" name=\"cluster-host\" time=\"0\">\n"
        "      <failure type=\"update\" message=\"would be updated: primary_domain, "
        "kubeconfig\">~ update cluster-host (physical host)\n"
        "    ~ primary_domain: \"8.217.50.114.nip.io\" -&gt; \"example.com\"\n"
        "    ~ kubeconfig: (sensitive)\n"
        "</failure>\n"
        "    </testcase>\n"
        "    <testcase classname=\"nautes drift\" name=\"cluster-new\" time=\"0\">\n"
        "      <failure type=\"create\" message=\"declared but missing: would be created\">"
        "+ create cluster-new\n"
        "    + api_server: \"https://10.0.0.1:6443\"\n"
        "</failure>\n"
        "    </testcase>\n"
        "    <testcase classname=\"nautes drift\" name=\"cluster-same\" time=\"0\"/>\n"
        "    <testcase classname=\"nautes drift\" name=\"cluster-other\" time=\"0\">\n"
        "      <skipped message=\"observed, not managed by these files (nautes plan --prune "
        "would destroy it)\"/>\n"
        "    </testcase>\n"
        "    <system-out>not compared (the source cannot show them): kubeconfig\n"
        "</system-out>\n"
        "  </testsuite>\n"
        "</testsuites>\n";
    assert_string_equal(nt_buf_str(&out), want);
    assert_null(strstr(nt_buf_str(&out), "old"));
    nt_buf_free(&out);
}

static void test_replace_and_delete_carry_their_reason(void **state)
{
    (void)state;
    nt_change ch[] = {
        {(char *)"worker_type", (char *)"pipeline", (char *)"deployment", false, NT_PATH_FIELD}};
    nt_action acts[] = {
        {.cluster = (char *)"vc",
         .kind = NT_ACT_REPLACE,
         .changes = ch,
         .n_changes = 1,
         .reason = (char *)"worker_type cannot change in place"},
        {.cluster = (char *)"gone", .kind = NT_ACT_DELETE, .reason = (char *)"state: absent"},
    };
    nt_plan plan = {.actions = acts, .n_actions = 2};
    nt_buf out = NT_BUF_INIT;
    nt_render_junit(&plan, NULL, &out);
    const char *s = nt_buf_str(&out);
    assert_has(s, "<failure type=\"replace\" message=\"would be replaced (worker_type cannot "
                  "change in place): worker_type\">-/+ replace vc\n"
                  "    reason: worker_type cannot change in place\n"
                  "    ~ worker_type: \"pipeline\" -&gt; \"deployment\"\n</failure>");
    assert_has(s, "<failure type=\"delete\" message=\"would be destroyed (state: absent)\">"
                  "- destroy gone\n    reason: state: absent\n</failure>");
    assert_has(s, "tests=\"2\" failures=\"2\" errors=\"0\" skipped=\"0\"");
    assert_null(strstr(s, "<properties>"));
    nt_buf_free(&out);
}

static void test_everything_is_xml_escaped(void **state)
{
    (void)state;
    nt_change ch[] = {{(char *)"primary_domain", (char *)"a<b>&\"c'",
                       (char *)"bad\x01"
                               "ctl \xff\xfe utf8 \xc3\xa9t\xc3\xa9",
                       false, NT_PATH_FIELD}};
    nt_action acts[] = {
        {.cluster = (char *)"x&<y>\"", .kind = NT_ACT_UPDATE, .changes = ch, .n_changes = 1}};
    nt_plan plan = {.actions = acts, .n_actions = 1, .source = (char *)"git:/a&b\"c#main@1"};
    nt_buf out = NT_BUF_INIT;
    nt_render_junit(&plan, NULL, &out);
    const char *s = nt_buf_str(&out);
    assert_has(s, "name=\"x&amp;&lt;y&gt;&quot;\"");
    assert_has(s, "value=\"git:/a&amp;b&quot;c#main@1\"");
    assert_has(s, "~ update x&amp;&lt;y&gt;\"\n");
    /* the text renderer writes values as JSON strings; what XML cannot hold is replaced */
    assert_has(s, "    ~ primary_domain: \"a&lt;b&gt;&amp;\\\"c'\" -&gt; \"bad\\u0001ctl ");
    /* bytes that are not UTF-8 are already \xNN in the text (core/base/escape.h) */
    assert_has(s, "ctl \\xff\\xfe utf8 \xc3\xa9t\xc3\xa9\"");
    assert_null(strchr(s, '\x01'));
    assert_null(strchr(s, '\xff'));
    nt_buf_free(&out);
}

static void test_errors_become_error_test_cases(void **state)
{
    (void)state;
    nt_diag d = NT_DIAG_INIT;
    nt_diag_add(&d, NT_SEV_ERROR, (nt_pos){"git:/r#main@abc:nautes/x.yaml", 3, 7}, NULL,
                "did not find expected key <here>");
    nt_diag_add(&d, NT_SEV_ERROR, NT_POS_NONE, "cluster-a", "prevent_destroy is set");
    nt_diag_add(&d, NT_SEV_WARNING, NT_POS_NONE, NULL, "--insecure: TLS not verified");
    nt_buf out = NT_BUF_INIT;
    nt_render_junit(NULL, &d, &out);
    const char *want =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites name=\"nautes\" tests=\"2\" failures=\"0\" errors=\"2\" skipped=\"0\" "
        "time=\"0\">\n"
        "  <testsuite name=\"nautes drift\" tests=\"2\" failures=\"0\" errors=\"2\" "
        "skipped=\"0\" time=\"0\">\n"
        "    <testcase classname=\"nautes drift\" name=\"cluster-a\" time=\"0\">\n"
        "      <error type=\"error\" message=\"prevent_destroy is set\">error: prevent_destroy "
        "is set (cluster cluster-a)\n"
        "</error>\n"
        "    </testcase>\n"
        "    <testcase classname=\"nautes drift\" name=\"nautes plan\" time=\"0\">\n"
        "      <error type=\"error\" message=\"did not find expected key &lt;here&gt;\">"
        "git:/r#main@abc:nautes/x.yaml:3:7: error: did not find expected key &lt;here&gt;\n"
        "</error>\n"
        "    </testcase>\n"
        "    <system-out>warning: --insecure: TLS not verified\n"
        "</system-out>\n"
        "  </testsuite>\n"
        "</testsuites>\n";
    assert_string_equal(nt_buf_str(&out), want);
    nt_buf_free(&out);
    nt_diag_free(&d);
}

static void test_an_empty_plan_is_an_empty_passing_suite(void **state)
{
    (void)state;
    nt_plan plan = {0};
    nt_buf out = NT_BUF_INIT;
    nt_render_junit(&plan, NULL, &out);
    assert_has(nt_buf_str(&out), "<testsuite name=\"nautes drift\" tests=\"0\" failures=\"0\" "
                                 "errors=\"0\" skipped=\"0\" time=\"0\">\n  </testsuite>\n");
    nt_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drift_is_a_failure_with_the_change_lines_and_no_op_passes),
        cmocka_unit_test(test_replace_and_delete_carry_their_reason),
        cmocka_unit_test(test_everything_is_xml_escaped),
        cmocka_unit_test(test_errors_become_error_test_cases),
        cmocka_unit_test(test_an_empty_plan_is_an_empty_passing_suite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
