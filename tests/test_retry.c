/* Tests of core/base/retry.c: the Retry-After parser (a table), the backoff, the --timeout budget,
 * the jitter source, and both users of the policy (the observer's GET and the apply executor)
 * against a loopback fake server answering 503 with a Retry-After. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/apply/apply.h"
#include "core/observe/http.h"
#include "core/base/retry.h"
#include "tests/fake_server.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 1994-11-06 08:49:37 UTC, RFC 9110's example date */
#define EXAMPLE_T 784111777LL

/* ---- Retry-After ------------------------------------------------------------------------- */

typedef struct ra_case {
    const char *value;
    long long now;
    int rc;
    long long sec;
} ra_case;

static const ra_case k_cases[] = {
    {"0", 0, 0, 0},
    {"1", 0, 0, 1},
    {"120", 0, 0, 120},
    {"  3600 \t", 0, 0, 3600},
    {"0003", 0, 0, 3},
    {"86400", 0, 0, 86400},
    /* saturated, never overflowing */
    {"9223372036854775807", 0, 0, NT_RETRY_AFTER_MAX_SEC},
    {"9223372036854775808", 0, 0, NT_RETRY_AFTER_MAX_SEC},
    {"99999999999999999999999999999999999999999999", 0, 0, NT_RETRY_AFTER_MAX_SEC},
    {"1000000000000", 0, 0, NT_RETRY_AFTER_MAX_SEC},
    {"999999999999", 0, 0, 999999999999LL},
    /* not delta-seconds */
    {"", 0, -1, 0},
    {"   ", 0, -1, 0},
    {"-1", 0, -1, 0},
    {"+5", 0, -1, 0},
    {"1.5", 0, -1, 0},
    {"5s", 0, -1, 0},
    {"5 6", 0, -1, 0},
    {"0x10", 0, -1, 0},
    {"soon", 0, -1, 0},
    /* IMF-fixdate */
    {"Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE_T - 30, 0, 30},
    {"Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE_T, 0, 0},
    {"Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE_T + 5, 0, 0}, /* in the past: 0 */
    {"Sun, 06 Nov 1994 08:49:37 GMT", 0, 0, EXAMPLE_T},
    {"Thu, 01 Jan 1970 00:00:00 GMT", 0, 0, 0},
    {"Fri, 31 Dec 9999 23:59:59 GMT", 0, 0, 253402300799LL},
    {"Tue, 29 Feb 2028 12:00:00 GMT", 1835438400LL - 3600, 0, 3600},
    {" Sun, 06 Nov 1994 08:49:37 GMT ", EXAMPLE_T - 1, 0, 1},
    /* RFC 850 and asctime */
    {"Sunday, 06-Nov-94 08:49:37 GMT", EXAMPLE_T - 7, 0, 7},
    {"Sun Nov  6 08:49:37 1994", EXAMPLE_T - 9, 0, 9},
    {"Sun Nov 16 08:49:37 1994", EXAMPLE_T, 0, 10 * 86400},
    /* not dates */
    {"Sun, 06 Nov 1994 08:49:37 UTC", 0, -1, 0},
    {"Sun, 06 Nov 1994 08:49:37", 0, -1, 0},
    {"Sun, 6 Nov 1994 08:49:37 GMT", 0, -1, 0},
    {"Sun, 31 Feb 1994 08:49:37 GMT", 0, -1, 0},
    {"Sun, 29 Feb 2027 08:49:37 GMT", 0, -1, 0},
    {"Sun, 06 Nov 1994 24:49:37 GMT", 0, -1, 0},
    {"Sun, 06 Foo 1994 08:49:37 GMT", 0, -1, 0},
    {"Sun, 06 Nov 1994 08:49:37 GMT x", 0, -1, 0},
    {"Sunday, 06-Nov-1994 08:49:37 GMT", 0, -1, 0},
    {"Sun Nov 6 08:49:37 1994", 0, -1, 0},
    {"Sun", 0, -1, 0},
    {"Sun,", 0, -1, 0},
};

static void test_retry_after_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(k_cases) / sizeof(k_cases[0]); i++) {
        const ra_case *c = &k_cases[i];
        long long sec = -42;
        int rc = nt_retry_after_parse(c->value, (time_t)c->now, &sec);
        if (rc != c->rc || sec != c->sec)
            fail_msg("Retry-After \"%s\" (now %lld): rc %d, %lld s; want rc %d, %lld s", c->value,
                     c->now, rc, sec, c->rc, c->sec);
    }
    long long sec = 1;
    assert_int_equal(nt_retry_after_parse(NULL, 0, &sec), -1);
    assert_int_equal(sec, 0);
}

/* ---- backoff and budget ------------------------------------------------------------------ */

static void test_backoff_doubles_up_to_the_cap_with_full_jitter(void **state)
{
    (void)state;
    assert_int_equal(nt_retry_backoff_ms(1, 1000, 30000, 0, 0.0), 0);
    assert_int_equal(nt_retry_backoff_ms(1, 1000, 30000, 0, 0.5), 500);
    assert_int_equal(nt_retry_backoff_ms(2, 1000, 30000, 0, 0.5), 1000);
    assert_int_equal(nt_retry_backoff_ms(3, 1000, 30000, 0, 0.5), 2000);
    assert_int_equal(nt_retry_backoff_ms(10, 1000, 30000, 0, 0.5), 15000);
    assert_int_equal(nt_retry_backoff_ms(200, 1000, 30000, 0, 0.5), 15000);
    assert_int_equal(nt_retry_backoff_ms(UINT_MAX, 1000, 30000, 0, 0.5), 15000);
    assert_true(nt_retry_backoff_ms(4, 1000, 30000, 0, 0.9999) < 8000);
}

static void test_backoff_never_waits_less_than_retry_after_and_saturates(void **state)
{
    (void)state;
    assert_int_equal(nt_retry_backoff_ms(1, 1000, 30000, 2, 0.5), 2000);
    assert_int_equal(nt_retry_backoff_ms(5, 1000, 30000, 2, 0.5), 8000);
    assert_true(nt_retry_backoff_ms(1, 1000, 30000, LLONG_MAX, 0.5) ==
                NT_RETRY_AFTER_MAX_SEC * 1000);
}

static void test_a_wait_never_goes_past_what_is_left(void **state)
{
    (void)state;
    long long d = -1;
    nt_buf why = NT_BUF_INIT;
    /* our own backoff is shortened to what is left */
    assert_true(nt_retry_next(6, 1000, 30000, 0, 1500, 0.9, &d, &why));
    assert_int_equal(d, 1500);
    assert_true(nt_retry_next(6, 1000, 30000, 0, 0, 0.9, &d, &why));
    assert_int_equal(d, 0);
    /* no budget: unbounded by it */
    assert_true(nt_retry_next(6, 1000, 30000, 0, -1, 0.5, &d, &why));
    assert_int_equal(d, 15000);
    /* the server's wait fits */
    assert_true(nt_retry_next(1, 1000, 30000, 60, 300000, 0.5, &d, &why));
    assert_int_equal(d, 60000);
    assert_int_equal(why.len, 0);
    /* the server asks for more than is left: stop, and say what it asked for */
    assert_false(nt_retry_next(1, 1000, 30000, 3600, 300000, 0.5, &d, &why));
    assert_string_equal(nt_buf_str(&why), "the server asked to wait 3600 s before retrying "
                                          "(Retry-After), more than the 300 s left of --timeout");
    nt_buf_reset(&why);
    assert_false(nt_retry_next(1, 1000, 30000, NT_RETRY_AFTER_MAX_SEC, 1500, 0.5, &d, &why));
    assert_non_null(strstr(nt_buf_str(&why), "1000000000000 s"));
    assert_non_null(strstr(nt_buf_str(&why), "1.5 s left"));
    nt_buf_free(&why);
}

static void test_the_jitter_source_is_seeded(void **state)
{
    (void)state;
    nt_rng a, b;
    nt_rng_seed(&a, 42);
    nt_rng_seed(&b, 42);
    for (int i = 0; i < 100; i++) {
        double u = nt_rng_uniform(&a);
        assert_true(u >= 0 && u < 1);
        assert_true(u == nt_rng_uniform(&b));
    }
    nt_rng_seed(&b, 43);
    assert_false(nt_rng_uniform(&a) == nt_rng_uniform(&b));
}

/* ---- both users, against a server asking for a long wait --------------------------------- */

static const char *g_retry_after;

static char *answer_503(fake_server *s, const char *req, int n)
{
    (void)s, (void)req, (void)n;
    char extra[256];
    snprintf(extra, sizeof(extra), "Retry-After: %s\r\n", g_retry_after);
    return fake_response(503, "text/plain", "busy", extra);
}

static nt_http_config config(const char *url, long timeout)
{
    nt_http_config c = {0};
    c.base_url = strdup(url);
    c.token = strdup("tok-RETRY");
    c.timeout_sec = timeout;
    c.retries = 3;
    c.retry_base_ms = 5;
    return c;
}

static void test_the_observer_stops_at_once_when_the_server_asks_too_long(void **state)
{
    (void)state;
    const char *values[] = {"3600", "9223372036854775807", "Fri, 31 Dec 9999 23:59:59 GMT"};
    for (size_t v = 0; v < 3; v++) {
        g_retry_after = values[v];
        fake_server s;
        fake_start(&s, answer_503, NULL);
        nt_http_config c = config(s.url, 300);
        nt_cluster_set *set = NULL;
        nt_diag d = NT_DIAG_INIT;
        time_t t0 = time(NULL);
        assert_int_equal(nt_api_list(&c, &set, &d), -1);
        assert_true(time(NULL) - t0 < 5);
        fake_stop(&s);
        assert_int_equal(s.n_requests, 1);
        const char *m = d.items[0].msg;
        assert_non_null(strstr(m, "not retried: the server asked to wait "));
        assert_non_null(strstr(m, "more than the 300 s left of --timeout"));
        if (v == 0)
            assert_non_null(strstr(m, "wait 3600 s"));
        fake_free(&s);
        nt_diag_free(&d);
        nt_http_config_free(&c);
    }
}

static void test_the_observer_waits_what_the_server_asks_within_the_budget(void **state)
{
    (void)state;
    g_retry_after = "1";
    fake_server s;
    fake_start(&s, answer_503, NULL);
    nt_http_config c = config(s.url, 2); /* 2 s of waits: two 1 s retries, the third is cut */
    c.retries = 5;
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list(&c, &set, &d), -1);
    fake_stop(&s);
    assert_int_equal(s.n_requests, 3);
    assert_non_null(strstr(d.items[0].msg, "(after 2 retries)"));
    assert_non_null(strstr(d.items[0].msg, "more than the 0 s left of --timeout"));
    fake_free(&s);
    nt_diag_free(&d);
    nt_http_config_free(&c);
}

static void test_apply_stops_at_once_when_the_server_asks_too_long(void **state)
{
    (void)state;
    g_retry_after = "9223372036854775807";
    nt_cluster *cl = nt_cluster_new();
    cl->name = strdup("c1");
    nt_cluster_set_field(cl, NT_F_API_SERVER, "https://10.0.0.1:6443", NT_POS_NONE);
    nt_cluster_set_field(cl, NT_F_CLUSTER_TYPE, "physical", NT_POS_NONE);
    nt_cluster_set_field(cl, NT_F_USAGE, "host", NT_POS_NONE);
    nt_action act = {0};
    act.cluster = strdup("c1");
    act.kind = NT_ACT_CREATE;
    act.desired = cl;
    nt_op op = {0};
    op.kind = NT_OP_SAVE;
    op.action = 0;
    nt_plan plan = {0};
    plan.actions = &act;
    plan.n_actions = 1;
    plan.ops = &op;
    plan.n_ops = 1;

    fake_server s;
    fake_start(&s, answer_503, NULL);
    nt_http_config c = config(s.url, 300);
    nt_apply_opts o = NT_APPLY_OPTS_INIT;
    o.retry_base_ms = 5;
    o.seed = 7;
    nt_apply_report *r = NULL;
    nt_diag d = NT_DIAG_INIT;
    time_t t0 = time(NULL);
    assert_int_equal(nt_apply_run(&c, &plan, &o, &r, &d), -1);
    assert_true(time(NULL) - t0 < 5);
    fake_stop(&s);
    assert_int_equal(s.n_requests, 1);
    assert_int_equal(r->ops[0].status, NT_OPST_FAILED);
    assert_non_null(strstr(r->ops[0].error, "(not retried: the server asked to wait "
                                            "1000000000000 s before retrying (Retry-After), "
                                            "more than the 300 s left of --timeout)"));
    nt_apply_report_free(r);
    fake_free(&s);
    nt_diag_free(&d);
    nt_http_config_free(&c);
    free(act.cluster);
    nt_cluster_free(cl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_after_table),
        cmocka_unit_test(test_backoff_doubles_up_to_the_cap_with_full_jitter),
        cmocka_unit_test(test_backoff_never_waits_less_than_retry_after_and_saturates),
        cmocka_unit_test(test_a_wait_never_goes_past_what_is_left),
        cmocka_unit_test(test_the_jitter_source_is_seeded),
        cmocka_unit_test(test_the_observer_stops_at_once_when_the_server_asks_too_long),
        cmocka_unit_test(test_the_observer_waits_what_the_server_asks_within_the_budget),
        cmocka_unit_test(test_apply_stops_at_once_when_the_server_asks_too_long),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
