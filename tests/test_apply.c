/* Tests of core/apply/apply.c: progress lines, and the executor against a loopback fake server
 * (order, skips, retries, lost answers, prune waits, interrupts and their counts, a 2xx answer
 * that is not the API Server's). The backoff itself is tested in test_retry.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/apply/apply.h"
#include "tests/apply_fixtures.h"
#include "tests/fake_server.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOKEN "tok-APPLY-SECRET"

static nt_http_config config(const char *url)
{
    nt_http_config c = {0};
    c.base_url = strdup(url);
    c.token = strdup(TOKEN);
    c.timeout_sec = 10;
    return c;
}

static nt_apply_opts fast_opts(void)
{
    nt_apply_opts o = NT_APPLY_OPTS_INIT;
    o.retry_base_ms = 5;
    o.retry_cap_ms = 20;
    o.seed = 42;
    return o;
}

static const char OK_BODY[] = "{\"message\":\"Successfully saved x cluster\"}";

static char *error_response(long status, const char *message)
{
    char body[1024];
    snprintf(body, sizeof(body),
             "{\"code\":%ld,\"reason\":\"\",\"message\":\"%s\",\"metadata\":{}}", status, message);
    return fake_response((int)status, "application/json", body, NULL);
}

static int count_requests(fake_server *s, const char *prefix)
{
    int n = 0;
    for (int i = 0; i < s->n_requests; i++)
        n += !strncmp(s->requests[i], prefix, strlen(prefix));
    return n;
}

/* ---- a failed host: its virtual skipped, an unrelated cluster applied ------------------ */

static char *answer_host_invalid(fake_server *s, const char *req, int n)
{
    (void)s, (void)n;
    if (!strncmp(req, "POST /api/v1/clusters/h1 ", 25))
        return error_response(500, "failed to validate cluster, err: traefik parameter is "
                                   "required when cluster type is 'Host Cluster'");
    return fake_response(200, "application/json", OK_BODY, NULL);
}

typedef struct lines {
    char text[16][512];
    int n;
} lines;

static void record(void *ctx, nt_apply_event ev, const nt_plan *plan, const nt_apply_report *report,
                   size_t op, double elapsed, const char *detail)
{
    (void)elapsed, (void)detail;
    lines *l = ctx;
    if (ev != NT_APPLY_EV_FINISHED || l->n >= 16)
        return;
    /* the same report with durations zeroed, so the lines compare exactly */
    nt_apply_report r = *report;
    nt_op_result copy[16];
    memcpy(copy, report->ops, report->n_ops * sizeof(*copy));
    for (size_t i = 0; i < report->n_ops; i++)
        copy[i].duration = 0;
    r.ops = copy;
    nt_buf b = NT_BUF_INIT;
    nt_apply_describe(plan, &r, op, &b);
    snprintf(l->text[l->n++], sizeof(l->text[0]), "%s", nt_buf_str(&b));
    nt_buf_free(&b);
}

static void test_a_failed_host_skips_its_virtuals_and_others_go_on(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "h1", NULL, NT_ACT_CREATE);
    add_action(&f, "v1", "h1", NT_ACT_CREATE);
    add_action(&f, "other", NULL, NT_ACT_CREATE);
    add_op(&f, NT_OP_SAVE, 0, NULL);
    add_op(&f, NT_OP_SAVE, 2, NULL);
    add_op(&f, NT_OP_SAVE, 1, (int[]){0, -1});

    fake_server s;
    fake_start(&s, answer_host_invalid, NULL);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    lines l = {0};
    o.progress = record;
    o.progress_ctx = &l;
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), -1);
    fake_stop(&s);

    assert_int_equal(d.n, 0);
    assert_int_equal(r->ops[0].status, NT_OPST_FAILED);
    assert_int_equal(r->ops[0].attempts, 1); /* a validation error is not retried */
    assert_int_equal(r->ops[1].status, NT_OPST_OK);
    assert_int_equal(r->ops[2].status, NT_OPST_SKIPPED);
    assert_int_equal(r->ops[2].cause, 0);
    assert_string_equal(l.text[0],
                        "h1: failed: POST /api/v1/clusters/h1: HTTP 500: failed to validate "
                        "cluster, err: traefik parameter is required when cluster type is "
                        "'Host Cluster'");
    assert_string_equal(l.text[1], "v1: skipped (its host h1 failed)");
    assert_string_equal(l.text[2], "other: created (0.0s)");
    assert_int_equal(s.n_requests, 2);

    nt_buf b = NT_BUF_INIT;
    nt_apply_summary(r, &b);
    assert_string_equal(nt_buf_str(&b), "Apply failed: 1 created, 0 updated, 0 replaced, 0 "
                                        "deleted, 1 failed, 1 skipped (0 retries).");
    nt_buf_free(&b);

    /* the request itself: JSON body with the kubeconfig, bearer token, content type */
    const char *req = s.requests[0];
    assert_non_null(strstr(req, "\r\nContent-Type: application/json\r\n"));
    assert_non_null(strstr(req, "\r\nAccept: application/json\r\n"));
    assert_non_null(strstr(req, "\r\nAuthorization: Bearer " TOKEN "\r\n"));
    assert_non_null(strstr(req, "\"kubeconfig\""));
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

/* ---- retries ------------------------------------------------------------------------- */

static char *answer_503_then_ok(fake_server *s, const char *req, int n)
{
    (void)s, (void)req;
    if (n == 0)
        return fake_response(503, "text/html", "<h1>503 Service Unavailable</h1>", NULL);
    if (n == 1)
        return error_response(500, "failed to clone repository, err: exit status 128");
    return fake_response(200, "application/json", OK_BODY, NULL);
}

static void test_transient_failures_are_retried_until_success(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "h1", NULL, NT_ACT_UPDATE);
    add_op(&f, NT_OP_SAVE, 0, NULL);
    fake_server s;
    fake_start(&s, answer_503_then_ok, NULL);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), 0);
    fake_stop(&s);
    assert_int_equal(r->ops[0].status, NT_OPST_OK);
    assert_int_equal(r->ops[0].attempts, 3);
    assert_int_equal(r->retries, 2);
    assert_int_equal(r->n_updated, 1);
    nt_buf b = NT_BUF_INIT;
    nt_apply_summary(r, &b);
    assert_string_equal(nt_buf_str(&b), "Apply complete: 0 created, 1 updated, 0 replaced, 0 "
                                        "deleted, 0 failed, 0 skipped (2 retries).");
    nt_buf_free(&b);
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

/* ---- a same-second collision: sent again after the interval, not counted as a retry ------- */

static char *answer_collision_twice(fake_server *s, const char *req, int n)
{
    (void)s, (void)req;
    if (n < 2)
        return error_response(500, "failed to clone repository, err: fatal: destination path "
                                   "'/tmp/product1764320000/tenant-config' already exists and "
                                   "is not an empty directory.");
    return fake_response(200, "application/json", OK_BODY, NULL);
}

static void record_retries(void *ctx, nt_apply_event ev, const nt_plan *plan,
                           const nt_apply_report *report, size_t op, double elapsed,
                           const char *detail)
{
    (void)plan, (void)report, (void)op, (void)elapsed;
    lines *l = ctx;
    if (ev == NT_APPLY_EV_RETRY && l->n < 16)
        snprintf(l->text[l->n++], sizeof(l->text[0]), "%s", detail);
}

static void test_a_collision_is_retried_after_the_interval_and_counted_apart(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "h1", NULL, NT_ACT_UPDATE);
    add_op(&f, NT_OP_SAVE, 0, NULL);
    fake_server s;
    fake_start(&s, answer_collision_twice, NULL);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    o.retries = 0; /* a collision is not the server failing: --retries 0 still retries it */
    o.start_interval_ms = 50;
    lines l = {.n = 0};
    o.progress = record_retries;
    o.progress_ctx = &l;
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), 0);
    fake_stop(&s);
    assert_int_equal(r->ops[0].status, NT_OPST_OK);
    assert_int_equal(r->ops[0].attempts, 3);
    assert_int_equal(r->retries, 0);
    assert_int_equal(r->collisions, 2);
    assert_true(r->elapsed >= 0.1); /* two waits of the interval */
    assert_int_equal(l.n, 2);
    assert_non_null(strstr(l.text[0], "(a request started in the same second: not counted as a "
                                      "retry); retrying in 0.1s"));
    nt_buf b = NT_BUF_INIT;
    nt_apply_summary(r, &b);
    assert_string_equal(nt_buf_str(&b),
                        "Apply complete: 0 created, 1 updated, 0 replaced, 0 deleted, 0 failed, "
                        "0 skipped (0 retries, 2 same-second collisions retried).");
    nt_buf_free(&b);
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

static char *answer_collision_always(fake_server *s, const char *req, int n)
{
    (void)s, (void)req, (void)n;
    return error_response(500, "failed to clone repository, err: fatal: destination path "
                               "'/tmp/product1/tenant-config' already exists and is not an "
                               "empty directory.");
}

static void test_collisions_end_after_a_bound(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "h1", NULL, NT_ACT_UPDATE);
    add_op(&f, NT_OP_SAVE, 0, NULL);
    fake_server s;
    fake_start(&s, answer_collision_always, NULL);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    o.start_interval_ms = 1;
    o.retries = 1; /* past the bound, a collision is a transient failure like any other */
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), -1);
    fake_stop(&s);
    assert_int_equal(r->ops[0].status, NT_OPST_FAILED);
    assert_int_equal(r->collisions, NT_APPLY_COLLISIONS_MAX);
    assert_int_equal(r->retries, 1);
    assert_int_equal(r->ops[0].attempts, NT_APPLY_COLLISIONS_MAX + 2);
    assert_non_null(strstr(r->ops[0].error, "(gave up after 12 attempts, 10 of them after a "
                                            "same-second collision: raise --start-interval)"));
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

static void test_retries_stop_at_the_limit(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "h1", NULL, NT_ACT_UPDATE);
    add_op(&f, NT_OP_SAVE, 0, NULL);
    fake_server s;
    fake_start(&s, answer_503_then_ok, NULL);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    o.retries = 1;
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), -1);
    fake_stop(&s);
    assert_int_equal(r->ops[0].status, NT_OPST_FAILED);
    assert_int_equal(r->ops[0].attempts, 2);
    assert_non_null(strstr(r->ops[0].error, "failed to clone repository"));
    assert_non_null(strstr(r->ops[0].error, "(gave up after 2 attempts)"));
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

/* ---- a DELETE whose answer was lost ---------------------------------------------------- */

static char *answer_drop_then_not_found(fake_server *s, const char *req, int n)
{
    (void)s, (void)req;
    if (n == 0)
        return NULL; /* connection closed without an answer */
    return error_response(500, "the cluster resource v1 is not found");
}

static void test_a_delete_not_found_after_a_lost_answer_succeeded(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "v1", "h1", NT_ACT_DELETE);
    add_op(&f, NT_OP_DELETE, 0, NULL);
    fake_server s;
    fake_start(&s, answer_drop_then_not_found, NULL);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    o.insecure_skip_check = true;
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), 0);
    fake_stop(&s);
    assert_int_equal(r->ops[0].status, NT_OPST_OK);
    assert_true(r->ops[0].already_gone);
    assert_int_equal(r->n_deleted, 1);
    assert_int_equal(count_requests(&s, "DELETE /api/v1/clusters/v1?insecure_skip_check=true "), 2);
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

static char *answer_not_found(fake_server *s, const char *req, int n)
{
    (void)s, (void)req, (void)n;
    return error_response(500, "the cluster resource v1 is not found");
}

static void test_a_delete_not_found_at_first_is_a_failure(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "v1", "h1", NT_ACT_DELETE);
    add_op(&f, NT_OP_DELETE, 0, NULL);
    fake_server s;
    fake_start(&s, answer_not_found, NULL);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), -1);
    fake_stop(&s);
    assert_int_equal(r->ops[0].status, NT_OPST_FAILED);
    assert_int_equal(r->ops[0].attempts, 1);
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

/* ---- a host still referenced by the virtual this apply deleted -------------------------- */

static char *answer_referenced_twice(fake_server *s, const char *req, int n)
{
    (void)n;
    if (!strncmp(req, "DELETE /api/v1/clusters/h1 ", 27)) {
        int seen = 0;
        for (int i = 0; i < s->n_requests; i++)
            seen += !strncmp(s->requests[i], "DELETE /api/v1/clusters/h1 ", 27);
        if (seen <= 2)
            return error_response(500, "unable to delete cluster h1 because the host cluster "
                                       "is referenced by other virtual cluster");
    }
    return fake_response(200, "application/json", OK_BODY, NULL);
}

static void test_a_host_delete_waits_for_the_prune_of_its_virtuals(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "v1", "h1", NT_ACT_DELETE);
    add_action(&f, "h1", NULL, NT_ACT_DELETE);
    add_op(&f, NT_OP_DELETE, 0, NULL);
    add_op(&f, NT_OP_DELETE, 1, (int[]){0, -1});
    fake_server s;
    fake_start(&s, answer_referenced_twice, NULL);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    o.retries = 0; /* prune waits do not count against --retries */
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), 0);
    fake_stop(&s);
    assert_int_equal(r->ops[1].status, NT_OPST_OK);
    assert_int_equal(r->ops[1].attempts, 3);
    /* virtual first, then the host */
    assert_true(!strncmp(s.requests[0], "DELETE /api/v1/clusters/v1 ", 27));
    assert_true(!strncmp(s.requests[1], "DELETE /api/v1/clusters/h1 ", 27));
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

static void test_a_host_delete_gives_up_after_wait_prune(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "v1", "h1", NT_ACT_DELETE);
    add_action(&f, "h1", NULL, NT_ACT_DELETE);
    add_op(&f, NT_OP_DELETE, 0, NULL);
    add_op(&f, NT_OP_DELETE, 1, (int[]){0, -1});
    fake_server s;
    fake_start(&s, answer_referenced_twice, NULL);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    o.wait_prune_sec = 0;
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), -1);
    fake_stop(&s);
    assert_int_equal(r->ops[1].status, NT_OPST_FAILED);
    assert_int_equal(r->ops[1].attempts, 1);
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

/* ---- interrupts and connection failures ---------------------------------------------- */

static void test_an_interrupt_starts_nothing_new(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "h1", NULL, NT_ACT_CREATE);
    add_op(&f, NT_OP_SAVE, 0, NULL);
    nt_http_config c = config("http://127.0.0.1:1");
    volatile sig_atomic_t stop = 1;
    nt_apply_opts o = fast_opts();
    o.interrupted = &stop;
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), -1);
    assert_true(r->interrupted);
    assert_int_equal(r->n_not_started, 1);
    assert_int_equal(r->ops[0].attempts, 0);
    nt_buf b = NT_BUF_INIT;
    nt_apply_summary(r, &b);
    assert_string_equal(nt_buf_str(&b), "Apply interrupted: 0 created, 0 updated, 0 replaced, 0 "
                                        "deleted, 0 failed, 0 skipped, 1 not started (0 "
                                        "retries).");
    nt_buf_free(&b);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

static void test_connection_refused_is_retried_then_reported(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "h1", NULL, NT_ACT_REPLACE);
    add_op(&f, NT_OP_DELETE, 0, NULL);
    add_op(&f, NT_OP_SAVE, 0, (int[]){0, -1});
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", fake_closed_port());
    nt_http_config c = config(url);
    nt_apply_opts o = fast_opts();
    o.retries = 2;
    lines l = {0};
    o.progress = record;
    o.progress_ctx = &l;
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), -1);
    assert_int_equal(r->ops[0].attempts, 3);
    assert_int_equal(r->retries, 2);
    char want[256];
    snprintf(want, sizeof(want),
             "h1: failed: DELETE /api/v1/clusters/h1: connection refused: is the API server "
             "running at %s? (gave up after 3 attempts)",
             url);
    assert_string_equal(l.text[0], want);
    assert_string_equal(l.text[1], "h1: skipped (its delete failed)");
    assert_null(strstr(r->ops[0].error, TOKEN));
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

/* ---- a 2xx that is not the API Server's answer --------------------------------------- */

static char *answer_login_page(fake_server *s, const char *req, int n)
{
    (void)s, (void)req, (void)n;
    return fake_response(200, "text/html",
                         "<!DOCTYPE html>\n<html><title>Log in</title>" TOKEN "</html>", NULL);
}

static void test_a_login_page_with_status_200_is_not_created(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "h1", NULL, NT_ACT_CREATE);
    add_op(&f, NT_OP_SAVE, 0, NULL);
    fake_server s;
    fake_start(&s, answer_login_page, NULL);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    lines l = {0};
    o.progress = record;
    o.progress_ctx = &l;
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), -1);
    fake_stop(&s);
    assert_int_equal(r->ops[0].status, NT_OPST_FAILED);
    assert_int_equal(r->ops[0].attempts, 1);
    assert_string_equal(l.text[0],
                        "h1: failed: POST /api/v1/clusters/h1: HTTP 200: not the API Server's "
                        "answer (text/html): <!DOCTYPE html> (a proxy or a login page answered "
                        "instead of the Nautes API Server: check --api-server and the proxy "
                        "settings (HTTPS_PROXY, NO_PROXY); the change may not have been made)");
    nt_buf b = NT_BUF_INIT;
    nt_apply_summary(r, &b);
    assert_string_equal(nt_buf_str(&b), "Apply failed: 0 created, 0 updated, 0 replaced, 0 "
                                        "deleted, 1 failed, 0 skipped (0 retries).");
    nt_buf_free(&b);
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

/* ---- an interrupt during a request: exact counts, and a failed run -------------------- */

/* Answers OK, but first "presses Ctrl-C" (sets the flag in ctx) during the request n given
 * by the flag's initial value (0: the first). */
typedef struct press {
    volatile sig_atomic_t stop;
    int at;
} press;

static char *answer_ok_pressing_ctrl_c(fake_server *s, const char *req, int n)
{
    press *p = s->ctx;
    if (n == p->at)
        p->stop = 1;
    return fake_response(200, "application/json",
                         !strncmp(req, "DELETE", 6) ? "{\"message\":\"Successfully deleted x "
                                                      "cluster\"}"
                                                    : OK_BODY,
                         NULL);
}

static void test_a_replace_interrupted_after_its_delete_counts_the_delete(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "h1", NULL, NT_ACT_REPLACE);
    add_op(&f, NT_OP_DELETE, 0, NULL);
    add_op(&f, NT_OP_SAVE, 0, (int[]){0, -1});
    press p = {0, 0};
    fake_server s;
    fake_start(&s, answer_ok_pressing_ctrl_c, &p);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    o.interrupted = &p.stop;
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), -1);
    fake_stop(&s);
    assert_int_equal(s.n_requests, 1); /* the save was never sent */
    assert_true(r->interrupted);
    assert_int_equal(r->ops[0].status, NT_OPST_OK);
    assert_int_equal(r->ops[1].status, NT_OPST_NOT_STARTED);
    nt_buf b = NT_BUF_INIT;
    nt_apply_summary(r, &b);
    assert_string_equal(nt_buf_str(&b), "Apply interrupted: 0 created, 0 updated, 0 replaced, 1 "
                                        "deleted, 0 failed, 0 skipped, 1 not started (0 "
                                        "retries).");
    nt_buf_free(&b);
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

static void test_an_interrupt_during_the_last_request_still_fails_the_run(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "h1", NULL, NT_ACT_CREATE);
    add_op(&f, NT_OP_SAVE, 0, NULL);
    press p = {0, 0};
    fake_server s;
    fake_start(&s, answer_ok_pressing_ctrl_c, &p);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    o.interrupted = &p.stop;
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), -1);
    fake_stop(&s);
    assert_true(r->interrupted);
    assert_int_equal(r->ops[0].status, NT_OPST_OK);
    nt_buf b = NT_BUF_INIT;
    nt_apply_summary(r, &b);
    assert_string_equal(nt_buf_str(&b), "Apply interrupted: 1 created, 0 updated, 0 replaced, 0 "
                                        "deleted, 0 failed, 0 skipped (0 retries).");
    nt_buf_free(&b);
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

/* A replace whose save fails after its delete: the cluster is gone, and counted as deleted. */
static char *answer_delete_ok_save_invalid(fake_server *s, const char *req, int n)
{
    (void)s, (void)n;
    if (!strncmp(req, "DELETE", 6))
        return fake_response(200, "application/json",
                             "{\"message\":\"Successfully deleted h1 cluster\"}", NULL);
    return error_response(500, "failed to validate cluster, err: worker type is required");
}

static void test_a_replace_whose_save_fails_counts_the_delete(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "h1", NULL, NT_ACT_REPLACE);
    add_op(&f, NT_OP_DELETE, 0, NULL);
    add_op(&f, NT_OP_SAVE, 0, (int[]){0, -1});
    fake_server s;
    fake_start(&s, answer_delete_ok_save_invalid, NULL);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), -1);
    fake_stop(&s);
    nt_buf b = NT_BUF_INIT;
    nt_apply_summary(r, &b);
    assert_string_equal(nt_buf_str(&b), "Apply failed: 0 created, 0 updated, 0 replaced, 1 "
                                        "deleted, 1 failed, 0 skipped (0 retries).");
    nt_buf_free(&b);
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

/* ---- progress while a request is in flight ----------------------------------------------- */

static char *answer_slowly(fake_server *s, const char *req, int n)
{
    (void)s, (void)req, (void)n;
    struct timespec ts = {0, 350000000};
    nanosleep(&ts, NULL);
    return fake_response(200, "application/json", OK_BODY, NULL);
}

typedef struct ticks {
    int started, in_flight, finished;
    double last_elapsed;
} ticks;

static void count_events(void *ctx, nt_apply_event ev, const nt_plan *plan,
                         const nt_apply_report *report, size_t op, double elapsed,
                         const char *detail)
{
    (void)plan, (void)report, (void)op, (void)detail;
    ticks *t = ctx;
    if (ev == NT_APPLY_EV_STARTED)
        t->started++;
    else if (ev == NT_APPLY_EV_IN_FLIGHT) {
        t->in_flight++;
        t->last_elapsed = elapsed;
    } else if (ev == NT_APPLY_EV_FINISHED)
        t->finished++;
}

static void test_a_slow_request_reports_progress_while_in_flight(void **state)
{
    (void)state;
    fixture f = {0};
    add_action(&f, "h1", NULL, NT_ACT_CREATE);
    add_op(&f, NT_OP_SAVE, 0, NULL);
    fake_server s;
    fake_start(&s, answer_slowly, NULL);
    nt_http_config c = config(s.url);
    nt_apply_opts o = fast_opts();
    o.tick_ms = 100;
    ticks t = {0};
    o.progress = count_events;
    o.progress_ctx = &t;
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_apply_run(&c, &f.plan, &o, &r, &d), 0);
    fake_stop(&s);
    assert_int_equal(t.started, 1);
    assert_int_equal(t.finished, 1);
    assert_true(t.in_flight >= 2); /* every 100 ms of a 350 ms request */
    assert_true(t.last_elapsed > 0.15);
    assert_true(r->ops[0].duration >= 0.35);
    fake_free(&s);
    nt_apply_report_free(r);
    nt_http_config_free(&c);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_failed_host_skips_its_virtuals_and_others_go_on),
        cmocka_unit_test(test_transient_failures_are_retried_until_success),
        cmocka_unit_test(test_retries_stop_at_the_limit),
        cmocka_unit_test(test_a_collision_is_retried_after_the_interval_and_counted_apart),
        cmocka_unit_test(test_collisions_end_after_a_bound),
        cmocka_unit_test(test_a_delete_not_found_after_a_lost_answer_succeeded),
        cmocka_unit_test(test_a_delete_not_found_at_first_is_a_failure),
        cmocka_unit_test(test_a_host_delete_waits_for_the_prune_of_its_virtuals),
        cmocka_unit_test(test_a_host_delete_gives_up_after_wait_prune),
        cmocka_unit_test(test_an_interrupt_starts_nothing_new),
        cmocka_unit_test(test_connection_refused_is_retried_then_reported),
        cmocka_unit_test(test_a_slow_request_reports_progress_while_in_flight),
        cmocka_unit_test(test_a_login_page_with_status_200_is_not_created),
        cmocka_unit_test(test_a_replace_interrupted_after_its_delete_counts_the_delete),
        cmocka_unit_test(test_an_interrupt_during_the_last_request_still_fails_the_run),
        cmocka_unit_test(test_a_replace_whose_save_fails_counts_the_delete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
