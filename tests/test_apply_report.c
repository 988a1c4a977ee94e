/* Tests of core/apply/apply_report.c: an apply's outcome as JSON and JUnit, for a run that
 * partly failed, one interrupted, one stopped before its first request, one without a plan,
 * and one with nothing to do; XML escaping of what a server said. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/apply/apply_report.h"
#include "tests/apply_fixtures.h"

#include <stdlib.h>
#include <string.h>

/* h1 (failed), v1 on h1 (skipped), h2 (created) */
static void three(fixture *f, nt_apply_report *r, nt_op_result *res)
{
    add_action(f, "h1", NULL, NT_ACT_CREATE);
    add_action(f, "v1", "h1", NT_ACT_CREATE);
    add_action(f, "h2", NULL, NT_ACT_UPDATE);
    int dep0[] = {0, -1};
    add_op(f, NT_OP_SAVE, 0, NULL);
    add_op(f, NT_OP_SAVE, 1, dep0);
    add_op(f, NT_OP_SAVE, 2, NULL);
    f->plan.source = "api https://nautes.example";
    memset(r, 0, sizeof(*r));
    memset(res, 0, 3 * sizeof(*res));
    res[0] = (nt_op_result){NT_OPST_FAILED,
                            2,
                            1.5,
                            "cluster h1: POST /api/v1/clusters/h1: HTTP 500: "
                            "bad <traefik> & \"port\"",
                            0,
                            false};
    res[1] = (nt_op_result){NT_OPST_SKIPPED, 0, 0, NULL, 0, false};
    res[2] = (nt_op_result){NT_OPST_OK, 1, 0.25, NULL, 0, false};
    r->ops = res;
    r->n_ops = 3;
    r->n_ok = 1, r->n_failed = 1, r->n_skipped = 1, r->n_updated = 1;
    r->retries = 1;
    r->collisions = 2;
    r->elapsed = 2.0;
}

static void test_a_partly_failed_apply_as_json(void **state)
{
    (void)state;
    fixture f = {0};
    nt_apply_report r;
    nt_op_result res[3];
    three(&f, &r, res);
    nt_buf b = NT_BUF_INIT;
    nt_apply_report_json(&f.plan, &r, NULL, &b);
    const char *j = nt_buf_str(&b);
    assert_non_null(strstr(j, "\"nautes_apply_report\": 1,\n  \"result\": \"failed\","));
    assert_non_null(strstr(j, "\"updated\": 1,"));
    assert_non_null(strstr(j, "\"retries\": 1,\n    \"collisions\": 2\n"));
    assert_non_null(strstr(j, "\"source\": \"api https://nautes.example\""));
    assert_non_null(strstr(j, "\"name\": \"h1\",\n      \"action\": \"create\",\n      \"status\": "
                              "\"failed\",\n      \"attempts\": 2,"));
    assert_non_null(strstr(j, "\"error\": \"cluster h1: POST /api/v1/clusters/h1: HTTP 500: bad "
                              "<traefik> & \\\"port\\\"\""));
    assert_non_null(strstr(j, "\"outcome\": \"skipped (its host h1 failed)\",\n      "
                              "\"skipped_because\": \"h1\""));
    assert_non_null(strstr(j, "\"outcome\": \"updated (0.2s)\""));
    assert_non_null(strstr(j, "\"errors\": []"));
    nt_buf_free(&b);
    fixture_free(&f);
}

static void test_a_partly_failed_apply_as_junit(void **state)
{
    (void)state;
    fixture f = {0};
    nt_apply_report r;
    nt_op_result res[3];
    three(&f, &r, res);
    nt_buf b = NT_BUF_INIT;
    nt_apply_report_junit(&f.plan, &r, NULL, &b);
    const char *x = nt_buf_str(&b);
    assert_non_null(strstr(x, "<testsuite name=\"nautes apply\" tests=\"3\" failures=\"1\" "
                              "errors=\"0\" skipped=\"1\" time=\"2.000\">"));
    /* what the server said is escaped, in the attribute and in the text */
    assert_non_null(strstr(x,
                           "<failure type=\"create\" message=\"failed: POST /api/v1/clusters/h1: "
                           "HTTP 500: bad &lt;traefik&gt; &amp; &quot;port&quot;\">"));
    assert_non_null(strstr(x,
                           ">cluster h1: POST /api/v1/clusters/h1: HTTP 500: bad &lt;traefik&gt; "
                           "&amp; \"port\"</failure>"));
    assert_non_null(strstr(x, "<skipped message=\"skipped (its host h1 failed)\"/>"));
    assert_non_null(strstr(x, "<testcase classname=\"nautes apply\" name=\"h2\" time=\"0.250\">\n"
                              "      <system-out>updated (0.2s)</system-out>"));
    assert_non_null(strstr(x, "<property name=\"result\" value=\"failed\"/>"));
    assert_null(strstr(x, "<traefik>"));
    nt_buf_free(&b);
    fixture_free(&f);
}

static void test_an_interrupted_apply(void **state)
{
    (void)state;
    fixture f = {0};
    nt_apply_report r;
    nt_op_result res[3];
    three(&f, &r, res);
    res[0].status = NT_OPST_OK;
    res[1].status = NT_OPST_NOT_STARTED;
    r.n_failed = r.n_skipped = 0;
    r.n_not_started = 1;
    r.interrupted = true;
    nt_buf b = NT_BUF_INIT;
    nt_apply_report_json(&f.plan, &r, NULL, &b);
    assert_non_null(strstr(nt_buf_str(&b), "\"result\": \"interrupted\","));
    assert_non_null(strstr(nt_buf_str(&b), "\"status\": \"not_started\","));
    nt_buf_free(&b);
    nt_apply_report_junit(&f.plan, &r, NULL, &b);
    assert_non_null(strstr(nt_buf_str(&b), "<skipped message=\"not started\"/>"));
    nt_buf_free(&b);
    fixture_free(&f);
}

static void test_stopped_before_the_first_request(void **state)
{
    (void)state;
    fixture f = {0};
    nt_apply_report r;
    nt_op_result res[3];
    three(&f, &r, res);
    nt_diag d = NT_DIAG_INIT;
    nt_diag_add(&d, NT_SEV_ERROR, NT_POS_NONE, NULL, "the API Server refused the token");
    nt_buf b = NT_BUF_INIT;
    nt_apply_report_json(&f.plan, NULL, &d, &b);
    const char *j = nt_buf_str(&b);
    assert_non_null(strstr(j, "\"result\": \"failed\","));
    assert_non_null(strstr(j, "\"not_started\": 3,"));
    /* each error as the terminal shows it (file:line:column when it has one) */
    assert_non_null(strstr(j, "\"cluster\": null,\n      \"message\": \"error: the API Server "
                              "refused the token\""));
    nt_buf_free(&b);
    nt_apply_report_junit(&f.plan, NULL, &d, &b);
    const char *x = nt_buf_str(&b);
    assert_non_null(strstr(x, "tests=\"4\" failures=\"0\" errors=\"1\" skipped=\"3\""));
    assert_non_null(strstr(x, "<skipped message=\"not started (the apply stopped before its first "
                              "request)\"/>"));
    assert_non_null(strstr(x, "name=\"nautes apply\" time=\"0\">\n      <error type=\"error\" "
                              "message=\"the API Server refused the token\">"));
    nt_buf_free(&b);
    nt_diag_free(&d);
    fixture_free(&f);
}

static void test_no_plan_and_no_changes(void **state)
{
    (void)state;
    nt_diag d = NT_DIAG_INIT;
    nt_diag_add(&d, NT_SEV_ERROR, NT_POS_NONE, "h9", "kubeconfig_file 'k.yaml' was not read");
    nt_diag_add(&d, NT_SEV_ERROR, NT_POS_NONE, "h9", "and a second reason");
    nt_buf b = NT_BUF_INIT;
    nt_apply_report_junit(NULL, NULL, &d, &b);
    const char *x = nt_buf_str(&b);
    /* one testcase for the cluster the errors name, both errors in it */
    assert_non_null(strstr(x, "tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\""));
    assert_non_null(strstr(x, "name=\"h9\""));
    assert_non_null(strstr(x, "and a second reason"));
    nt_buf_free(&b);
    nt_apply_report_json(NULL, NULL, &d, &b);
    assert_non_null(strstr(nt_buf_str(&b), "\"clusters\": [],"));
    assert_non_null(strstr(nt_buf_str(&b), "\"source\": null,"));
    nt_buf_free(&b);
    nt_diag_free(&d);

    fixture f = {0};
    add_action(&f, "h1", NULL, NT_ACT_NOOP); /* nothing to do: no op */
    nt_apply_report_json(&f.plan, NULL, NULL, &b);
    assert_non_null(strstr(nt_buf_str(&b), "\"result\": \"complete\","));
    assert_non_null(strstr(nt_buf_str(&b), "\"status\": \"unchanged\","));
    nt_buf_free(&b);
    nt_apply_report_junit(&f.plan, NULL, NULL, &b);
    assert_non_null(strstr(nt_buf_str(&b), "<system-out>unchanged</system-out>"));
    nt_buf_free(&b);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_partly_failed_apply_as_json),
        cmocka_unit_test(test_a_partly_failed_apply_as_junit),
        cmocka_unit_test(test_an_interrupted_apply),
        cmocka_unit_test(test_stopped_before_the_first_request),
        cmocka_unit_test(test_no_plan_and_no_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
