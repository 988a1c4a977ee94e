/* Tests of core/observe/http.c against a loopback fake server: the one GET of the observer, the
 * headers it sends, the errors it reports, and the trace (never the token). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/observe/http.h"
#include "tests/fake_server.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TOKEN "glpat-TOPSECRET-42"

static const char LIST[] =
    "{\"items\": [{\"name\": \"h1\", \"cluster_kind\": \"kubernetes\", \"cluster_type\": "
    "\"physical\", \"usage\": \"host\", \"host_cluster\": \"\", \"primary_domain\": "
    "\"1.2.3.4.nip.io\", \"worker_type\": \"\", \"api_server\": \"https://1.2.3.4:6443\"}]}";

static char *answer_list(fake_server *s, const char *req, int n)
{
    (void)s, (void)req, (void)n;
    return fake_response(200, "application/json", LIST, NULL);
}

static char *answer_bad_token(fake_server *s, const char *req, int n)
{
    (void)s, (void)req, (void)n;
    return fake_response(500, "application/json",
                         "{\"code\":500,\"reason\":\"\",\"message\":\"failed to clone "
                         "https://u:" TOKEN "@gitlab/x.git, err: 401 Unauthorized\","
                         "\"metadata\":{}}",
                         NULL);
}

static char *answer_404(fake_server *s, const char *req, int n)
{
    (void)s, (void)req, (void)n;
    return fake_response(404, "text/plain; charset=utf-8", "404 page not found\n", NULL);
}

static char *answer_slowly(fake_server *s, const char *req, int n)
{
    (void)s, (void)req, (void)n;
    struct timespec ts = {1, 400000000};
    nanosleep(&ts, NULL);
    return fake_response(200, "application/json", LIST, NULL);
}

typedef struct traces {
    char lines[8][256];
    int n;
} traces;

static void collect(void *ctx, const char *line)
{
    traces *t = ctx;
    if (t->n < 8)
        snprintf(t->lines[t->n++], sizeof(t->lines[0]), "%s", line);
}

static nt_http_config config(const char *url, traces *t)
{
    nt_http_config c = {0};
    c.base_url = strdup(url);
    c.token = strdup(TOKEN);
    c.timeout_sec = 10;
    c.verbose = t != NULL;
    c.trace = collect;
    c.trace_ctx = t;
    return c;
}

static void test_the_list_is_one_get_with_the_token_as_bearer(void **state)
{
    (void)state;
    fake_server s;
    fake_start(&s, answer_list, NULL);
    traces t = {0};
    nt_http_config c = config(s.url, &t);
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list(&c, &set, &d), 0);
    assert_int_equal(set->n, 1);
    assert_string_equal(set->items[0]->name, "h1");
    char want[128];
    snprintf(want, sizeof(want), "api %s", s.url);
    assert_string_equal(set->source, want);
    fake_stop(&s);
    assert_int_equal(s.n_requests, 1);
    assert_non_null(strstr(s.requests[0], "GET /api/v1/clusters HTTP/1.1\r\n"));
    assert_non_null(strstr(s.requests[0], "\r\nAuthorization: Bearer " TOKEN "\r\n"));
    assert_non_null(strstr(s.requests[0], "\r\nAccept: application/json\r\n"));
    assert_int_equal(t.n, 2);
    assert_string_equal(t.lines[0], "> GET /api/v1/clusters");
    assert_true(!strncmp(t.lines[1], "< 200 (", 7));
    char bytes[64];
    snprintf(bytes, sizeof(bytes), " ms, %zu bytes)", strlen(LIST));
    assert_non_null(strstr(t.lines[1], bytes));
    for (int i = 0; i < t.n; i++)
        assert_null(strstr(t.lines[i], TOKEN));
    fake_free(&s);
    nt_cluster_set_free(set);
    nt_diag_free(&d);
    nt_http_config_free(&c);
}

static void test_a_server_error_is_reported_with_hint_and_without_the_token(void **state)
{
    (void)state;
    fake_server s;
    fake_start(&s, answer_bad_token, NULL);
    nt_http_config c = config(s.url, NULL);
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list(&c, &set, &d), -1);
    assert_null(set);
    assert_int_equal(d.n, 1);
    char want[512];
    snprintf(want, sizeof(want),
             "GET %s/api/v1/clusters: HTTP 500: failed to clone https://u:[REDACTED]@gitlab/x.git, "
             "err: 401 Unauthorized (the token is invalid or expired)",
             s.url);
    assert_string_equal(d.items[0].msg, want);
    fake_stop(&s);
    fake_free(&s);
    nt_diag_free(&d);
    nt_http_config_free(&c);
}

static void test_a_plain_404_says_this_is_not_the_api(void **state)
{
    (void)state;
    fake_server s;
    fake_start(&s, answer_404, NULL);
    nt_http_config c = config(s.url, NULL);
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list(&c, &set, &d), -1);
    assert_non_null(strstr(d.items[0].msg,
                           "HTTP 404: not the Nautes API (404 page not found): check "
                           "--api-server"));
    fake_stop(&s);
    fake_free(&s);
    nt_diag_free(&d);
    nt_http_config_free(&c);
}

static void test_nothing_listening_says_connection_refused(void **state)
{
    (void)state;
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", fake_closed_port());
    traces t = {0};
    nt_http_config c = config(url, &t);
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list(&c, &set, &d), -1);
    char want[256];
    snprintf(want, sizeof(want),
             "GET %s/api/v1/clusters: connection refused: is the API server running at %s?", url,
             url);
    assert_string_equal(d.items[0].msg, want);
    assert_int_equal(t.n, 2);
    assert_non_null(strstr(t.lines[1], "< error after "));
    assert_non_null(strstr(t.lines[1], "connection refused"));
    nt_diag_free(&d);
    nt_http_config_free(&c);
}

static void test_a_slow_server_times_out_in_words(void **state)
{
    (void)state;
    fake_server s;
    fake_start(&s, answer_slowly, NULL);
    nt_http_config c = config(s.url, NULL);
    c.timeout_sec = 1;
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list(&c, &set, &d), -1);
    assert_non_null(strstr(d.items[0].msg, ": timed out after 1 s (raise --timeout)"));
    fake_stop(&s);
    fake_free(&s);
    nt_diag_free(&d);
    nt_http_config_free(&c);
}

static void test_a_missing_base_url_is_an_error(void **state)
{
    (void)state;
    nt_http_config c = {0};
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_api_list(&c, &set, &d), -1);
    assert_non_null(strstr(d.items[0].msg, "no API server"));
    nt_diag_free(&d);
    nt_http_config_free(&c);
    nt_http_config_free(NULL);
}

/* https without --cacert needs the system CA bundle: a missing one is named with the fix,
 * once, before any request (the test build reads its path from NAUTES_TEST_SYSTEM_CA). */
static void test_a_missing_system_ca_bundle_is_named_with_the_fix(void **state)
{
    (void)state;
    nt_diag d = NT_DIAG_INIT;
    setenv("NAUTES_TEST_SYSTEM_CA", "/nonexistent/ca-certificates.crt", 1);
    assert_int_equal(nt_http_check_system_ca(&d), -1);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.items[0].msg,
                        "cannot read the system CA certificates /nonexistent/ca-certificates.crt "
                        "(No such file or directory): install the ca-certificates package, or "
                        "pass --cacert FILE");
    nt_diag_free(&d);

    /* the observer checks before sending: one error, no request, no retry */
    traces t = {0};
    nt_http_config c = config("https://127.0.0.1:1", &t);
    c.retries = 3;
    nt_cluster_set *set = NULL;
    nt_diag d2 = NT_DIAG_INIT;
    assert_int_equal(nt_api_list(&c, &set, &d2), -1);
    assert_int_equal(d2.n, 1);
    assert_non_null(strstr(d2.items[0].msg, "install the ca-certificates package"));
    assert_int_equal(t.n, 0);
    nt_diag_free(&d2);

    /* --cacert or --insecure: the system bundle is not read */
    c.cacert = strdup("/nonexistent/given.crt");
    nt_diag d3 = NT_DIAG_INIT;
    assert_int_equal(nt_api_list(&c, &set, &d3), -1);
    assert_null(strstr(d3.items[0].msg, "system CA"));
    nt_diag_free(&d3);
    nt_http_config_free(&c);

    /* a readable bundle passes */
    char path[] = "/tmp/nt-test-ca-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    setenv("NAUTES_TEST_SYSTEM_CA", path, 1);
    nt_diag d4 = NT_DIAG_INIT;
    assert_int_equal(nt_http_check_system_ca(&d4), 0);
    assert_int_equal(d4.n, 0);
    unlink(path);
    unsetenv("NAUTES_TEST_SYSTEM_CA");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_list_is_one_get_with_the_token_as_bearer),
        cmocka_unit_test(test_a_server_error_is_reported_with_hint_and_without_the_token),
        cmocka_unit_test(test_a_plain_404_says_this_is_not_the_api),
        cmocka_unit_test(test_nothing_listening_says_connection_refused),
        cmocka_unit_test(test_a_slow_server_times_out_in_words),
        cmocka_unit_test(test_a_missing_base_url_is_an_error),
        cmocka_unit_test(test_a_missing_system_ca_bundle_is_named_with_the_fix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
