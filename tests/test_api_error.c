/* Tests of core/observe/api_error.c: failed answers and transport failures put in words, with
 * hints, retry decisions and the token redacted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/observe/api_error.h"
#include "core/base/redact.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN "glpat-SECRET123"

static nt_api_error classify_json(long status, const char *reason, const char *message)
{
    char body[4096];
    snprintf(body, sizeof(body),
             "{\"code\": %ld, \"reason\": \"%s\", \"message\": \"%s\", "
             "\"metadata\": {}}",
             status, reason, message);
    nt_api_response r = {0};
    r.status = status;
    r.content_type = "application/json";
    r.body = body;
    r.body_len = strlen(body);
    r.base_url = "https://api.example:31443";
    r.timeout_sec = 300;
    nt_api_error e;
    nt_api_error_classify(&r, TOKEN, &e);
    return e;
}

static nt_api_error classify_transport(int code, const char *detail, long verify)
{
    nt_api_response r = {0};
    r.curl_code = code;
    r.curl_detail = detail;
    r.ssl_verify_result = verify;
    r.os_errno = code == CURLE_COULDNT_CONNECT ? ECONNREFUSED : 0;
    r.base_url = "https://api.example:31443";
    r.timeout_sec = 7;
    nt_api_error e;
    nt_api_error_classify(&r, TOKEN, &e);
    return e;
}

static void test_a_2xx_answer_is_no_error(void **state)
{
    (void)state;
    nt_api_response r = {0};
    r.status = 200;
    r.body = "{\"message\":\"Successfully saved x cluster\"}";
    r.body_len = strlen(r.body);
    nt_api_error e;
    nt_api_error_classify(&r, TOKEN, &e);
    assert_int_equal(e.kind, NT_APIERR_NONE);
    assert_null(e.message);
    nt_api_error_free(&e);
}

/* A 2xx answer to a save or delete: only the API Server's own success body is a success. */
static nt_api_error check_2xx(const char *ctype, const char *body)
{
    nt_api_response r = {0};
    r.status = 200;
    r.content_type = ctype;
    r.body = body;
    r.body_len = body ? strlen(body) : 0;
    nt_api_error e;
    nt_api_error_classify(&r, TOKEN, &e);
    nt_api_success_check(&r, TOKEN, &e);
    return e;
}

static void test_a_2xx_that_is_not_the_success_body_is_a_failure(void **state)
{
    (void)state;
    nt_api_error e =
        check_2xx("application/json", "{\"message\":\"Successfully saved x cluster\"}");
    assert_int_equal(e.kind, NT_APIERR_NONE);
    nt_api_error_free(&e);
    e = check_2xx("application/json", "{\"message\":\"Successfully deleted x cluster\"}\n");
    assert_int_equal(e.kind, NT_APIERR_NONE);
    nt_api_error_free(&e);

    /* a proxy's login page, with the token echoed into it */
    e = check_2xx("text/html; charset=utf-8",
                  "<html><head><title>Sign in - Corp SSO</title></head>\n<body>token " TOKEN
                  "</body></html>");
    assert_int_equal(e.kind, NT_APIERR_HTTP);
    assert_string_equal(e.message, "not the API Server's answer (text/html; charset=utf-8): "
                                   "<html><head><title>Sign in - Corp SSO</title></head>");
    assert_non_null(strstr(e.hint, "a proxy or a login page answered"));
    assert_false(e.retryable);
    nt_api_error_free(&e);
    e = check_2xx("text/html", "<p>session for " TOKEN " expired</p>");
    assert_null(strstr(e.message, TOKEN));
    assert_non_null(strstr(e.message, "[REDACTED]"));
    nt_api_error_free(&e);

    /* an empty body, and a JSON error object sent with status 200 */
    e = check_2xx(NULL, "");
    assert_int_equal(e.kind, NT_APIERR_HTTP);
    assert_string_equal(e.message, "not the API Server's answer: (empty answer)");
    nt_api_error_free(&e);
    e = check_2xx("application/json",
                  "{\"code\":500,\"reason\":\"\",\"message\":\"Successfully failed\","
                  "\"metadata\":{}}");
    assert_int_equal(e.kind, NT_APIERR_HTTP);
    assert_non_null(strstr(e.message, "{\"code\":500"));
    nt_api_error_free(&e);
    e = check_2xx("application/json", "{\"items\": []}");
    assert_int_equal(e.kind, NT_APIERR_HTTP);
    nt_api_error_free(&e);

    /* an error answer keeps its own classification */
    nt_api_response r = {0};
    r.status = 503;
    r.body = "Service Unavailable";
    r.body_len = strlen(r.body);
    nt_api_error_classify(&r, TOKEN, &e);
    nt_api_success_check(&r, TOKEN, &e);
    assert_true(e.retryable);
    assert_string_not_equal(e.message, "not the API Server's answer: Service Unavailable");
    nt_api_error_free(&e);
}

static nt_api_error classify_plain(long status, const char *body)
{
    nt_api_response r = {0};
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = body;
    r.body_len = strlen(body);
    r.base_url = "https://api.example:31443";
    r.timeout_sec = 300;
    nt_api_error e;
    nt_api_error_classify(&r, TOKEN, &e);
    return e;
}

static void test_a_plain_403_is_a_refusal_in_front_of_the_server(void **state)
{
    (void)state;
    nt_api_error e = classify_plain(403, "Forbidden");
    assert_string_equal(e.hint,
                        "refused by the server or a proxy in front of it: check --api-server "
                        "and the token");
    assert_false(e.retryable);
    nt_api_error_free(&e);
}

static void test_a_plain_503_says_the_ingress_is_unavailable_and_is_retried(void **state)
{
    (void)state;
    nt_api_error e = classify_plain(503, "Service Unavailable");
    assert_string_equal(e.hint,
                        "the API Server or the ingress in front of it is unavailable; try again "
                        "later");
    assert_true(e.retryable);
    nt_api_error_free(&e);
}

static void test_401_inside_a_500_means_a_bad_token(void **state)
{
    (void)state;
    nt_api_error e = classify_json(500, "",
                                   "failed to get current user, err: GET "
                                   "https://gitlab/api/v4/user: 401 {message: 401 Unauthorized}");
    assert_int_equal(e.kind, NT_APIERR_HTTP);
    assert_string_equal(e.hint, "the token is invalid or expired");
    assert_false(e.retryable);
    nt_api_error_free(&e);
}

static void test_a_port_number_containing_401_is_not_a_bad_token(void **state)
{
    (void)state;
    nt_api_error e = classify_json(500, "", "the apiserver ftp://h:30401 is not an https URL");
    assert_null(e.hint);
    assert_false(e.retryable);
    nt_api_error_free(&e);
}

static void test_a_missing_token_is_named(void **state)
{
    (void)state;
    nt_api_error e = classify_json(
        500, "",
        "failed to clone repository, err: failed to get current user, err: token is not "
        "found");
    assert_non_null(e.hint);
    assert_non_null(strstr(e.hint, "no token was sent"));
    assert_false(e.retryable); /* "clone" inside, but not a transient failure */
    assert_false(e.not_found);
    nt_api_error_free(&e);
}

static void test_project_not_found_means_the_repository_is_invisible(void **state)
{
    (void)state;
    nt_api_error e = classify_json(404, "PROJECT_NOT_FOUND",
                                   "failed to get project, err: 404 Project Not Found");
    assert_string_equal(e.hint, "the token's user cannot see the tenant configuration repository");
    assert_false(e.retryable);
    assert_false(e.not_found);
    nt_api_error_free(&e);
    e = classify_json(403, "NO_AUTHORIZATION", "forbidden");
    assert_string_equal(e.hint, "the token's user cannot see the tenant configuration repository");
    nt_api_error_free(&e);
}

static void test_a_refused_push_means_no_write_access_and_is_not_retried(void **state)
{
    (void)state;
    nt_api_error e = classify_json(
        500, "",
        "failed to save git config to git repo, err: push data: remote: GitLab: You are "
        "not allowed to push code to protected branches on this project.");
    assert_string_equal(e.hint, "the token's user cannot push to the tenant repository's main "
                                "branch");
    assert_false(e.retryable);
    nt_api_error_free(&e);
}

static void test_a_transient_git_failure_is_retried(void **state)
{
    (void)state;
    nt_api_error e = classify_json(500, "",
                                   "failed to clone repository, err: exit status 128: fatal: "
                                   "destination path '/tmp/product1700000000/repo' already exists");
    assert_null(e.hint);
    assert_true(e.retryable);
    assert_true(e.lost);
    assert_false(e.collision); /* not the whole sentence of a same-second collision */
    nt_api_error_free(&e);
    e = classify_json(500, "", "when the save configuration cannot be merge automatically, retry");
    assert_true(e.retryable);
    assert_false(e.collision);
    nt_api_error_free(&e);
    /* the real server's clone into the /tmp/product<unix-seconds> of another request */
    e = classify_json(500, "",
                      "failed to clone repository, err: fatal: destination path "
                      "'/tmp/product1700000000/tenant-config' already exists and is not an "
                      "empty directory.");
    assert_true(e.collision);
    assert_true(e.retryable);
    nt_api_error_free(&e);
    e = classify_json(404, "",
                      "fatal: destination path 'x' already exists and is not an empty "
                      "directory: failed to clone repository");
    assert_false(e.collision); /* only a 500 */
    nt_api_error_free(&e);
}

static void test_a_validation_error_is_never_retried(void **state)
{
    (void)state;
    nt_api_error e = classify_json(
        500, "", "failed to validate cluster, err: virtual cluster must have a host (push)");
    assert_false(e.retryable);
    nt_api_error_free(&e);
    e = classify_json(400, "VALIDATOR",
                      "invalid SaveRequest.Body: embedded message failed validation");
    assert_false(e.retryable);
    assert_false(e.lost);
    nt_api_error_free(&e);
}

static void test_gateway_and_rate_limit_statuses_are_retried(void **state)
{
    (void)state;
    long codes[] = {429, 502, 503, 504};
    for (size_t i = 0; i < 4; i++) {
        nt_api_error e = classify_json(codes[i], "", "busy");
        assert_true(e.retryable);
        nt_api_error_free(&e);
    }
    nt_api_response r = {0};
    r.status = 502;
    r.content_type = "text/html";
    r.body = "<html><body>\n<h1>502 Bad Gateway</h1>\n</body></html>";
    r.body_len = strlen(r.body);
    nt_api_error e;
    nt_api_error_classify(&r, TOKEN, &e);
    assert_true(e.retryable);
    assert_non_null(strstr(e.message, "unexpected answer (text/html)"));
    assert_null(strchr(e.message, '\n'));
    nt_api_error_free(&e);
}

static void test_a_plain_text_404_is_not_the_nautes_api(void **state)
{
    (void)state;
    nt_api_response r = {0};
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "404 page not found\n";
    r.body_len = strlen(r.body);
    nt_api_error e;
    nt_api_error_classify(&r, TOKEN, &e);
    assert_string_equal(e.message, "not the Nautes API (404 page not found): check --api-server");
    assert_false(e.retryable);
    nt_api_error_free(&e);
}

static void test_missing_and_referenced_clusters_are_recognised(void **state)
{
    (void)state;
    nt_api_error e = classify_json(500, "", "the cluster resource vc1 is not found");
    assert_true(e.not_found);
    assert_false(e.retryable);
    nt_api_error_free(&e);
    e = classify_json(500, "", "cluster vc1 does not exist or is invalid");
    assert_true(e.not_found);
    nt_api_error_free(&e);
    e = classify_json(500, "", "the host cluster h1 is invalid or does not exist");
    assert_false(e.not_found);
    nt_api_error_free(&e);
    e = classify_json(500, "", "failed to remove cluster h1, this cluster is referenced by vc1");
    assert_true(e.referenced);
    assert_false(e.retryable);
    nt_api_error_free(&e);
}

static void test_the_token_and_url_passwords_are_redacted(void **state)
{
    (void)state;
    nt_api_error e = classify_json(500, "",
                                   "failed to clone repository https://alice:" TOKEN
                                   "@gitlab.example/t/repo.git: token " TOKEN " rejected, "
                                   "also https://bob:hunter2@host/x");
    assert_null(strstr(e.message, TOKEN));
    assert_null(strstr(e.message, "hunter2"));
    assert_non_null(strstr(e.message, "https://alice:[REDACTED]@gitlab.example"));
    assert_non_null(strstr(e.message, "https://bob:[REDACTED]@host/x"));
    nt_api_error_free(&e);

    nt_buf b = NT_BUF_INIT;
    nt_redact_urls(&b, "see https://gitlab.example:443/a and x:y@z", TOKEN);
    assert_string_equal(nt_buf_str(&b), "see https://gitlab.example:443/a and x:y@z");
    nt_buf_free(&b);
}

static void test_a_secret_in_a_url_of_a_message_is_redacted(void **state)
{
    (void)state;
    /* through the classifier, as a server's message (the forms one by one: test_redact.c) */
    nt_api_error e = classify_json(500, "",
                                   "failed to clone https://glpat-AbC123xyz@gitlab.example/t.git"
                                   "?private_token=glpat-Def456");
    assert_null(strstr(e.message, "AbC123"));
    assert_null(strstr(e.message, "Def456"));
    nt_api_error_free(&e);
}

static void test_a_missing_clusters_directory_is_a_fresh_tenant(void **state)
{
    (void)state;
    nt_api_error e = classify_json(500, "", "the cluster resource is empty");
    assert_true(e.no_clusters);
    assert_false(e.retryable);
    assert_false(e.not_found);
    nt_api_error_free(&e);
    e = classify_json(500, "",
                      "lstat /tmp/product1700000000/tenant-config/nautes/overlays/production/"
                      "clusters: no such file or directory");
    assert_true(e.no_clusters);
    nt_api_error_free(&e);
    /* anything else stays an error */
    e = classify_json(500, "", "the cluster resource vc1 is not found");
    assert_false(e.no_clusters);
    nt_api_error_free(&e);
    e = classify_json(500, "",
                      "lstat /tmp/product1/tenant-config/templates: no such file or "
                      "directory");
    assert_false(e.no_clusters);
    nt_api_error_free(&e);
    e = classify_json(502, "", "the cluster resource is empty");
    assert_false(e.no_clusters);
    nt_api_error_free(&e);
    e = classify_json(500, "", "failed to clone repository, err: 401 Unauthorized");
    assert_false(e.no_clusters);
    nt_api_error_free(&e);
}

static void test_a_long_multi_line_message_becomes_one_bounded_line(void **state)
{
    (void)state;
    char msg[3000];
    for (size_t i = 0; i < sizeof(msg) - 1; i++)
        msg[i] = i % 50 == 49 ? '\n' : 'a';
    msg[sizeof(msg) - 1] = 0;
    nt_api_response r = {0};
    r.status = 500;
    r.body = msg;
    r.body_len = strlen(msg);
    nt_api_error e;
    nt_api_error_classify(&r, TOKEN, &e);
    assert_null(strchr(e.message, '\n'));
    assert_true(strlen(e.message) < 800);
    nt_api_error_free(&e);
}

static void test_transport_failures_are_put_in_words(void **state)
{
    (void)state;
    nt_api_error e = classify_transport(CURLE_COULDNT_CONNECT,
                                        "Failed to connect to api.example port 31443: Connection "
                                        "refused",
                                        0);
    assert_string_equal(e.message, "connection refused: is the API server running at "
                                   "https://api.example:31443?");
    assert_true(e.retryable);
    assert_false(e.lost);
    nt_api_error_free(&e);

    e = classify_transport(CURLE_OPERATION_TIMEDOUT, "Operation timed out after 7001 ms", 0);
    assert_string_equal(e.message, "timed out after 7 s (raise --timeout)");
    assert_true(e.retryable);
    assert_true(e.lost);
    nt_api_error_free(&e);

    e = classify_transport(CURLE_GOT_NOTHING, "Empty reply from server", 0);
    assert_true(e.retryable);
    assert_true(e.lost);
    nt_api_error_free(&e);
}

static void test_tls_failures_say_what_to_do(void **state)
{
    (void)state;
    nt_api_error e = classify_transport(CURLE_PEER_FAILED_VERIFICATION,
                                        "SSL certificate problem: unable to get local issuer "
                                        "certificate",
                                        20);
    assert_non_null(strstr(e.message, "certificate signed by an unknown CA: pass --cacert FILE"));
    assert_false(e.retryable);
    nt_api_error_free(&e);

    e = classify_transport(CURLE_PEER_FAILED_VERIFICATION,
                           "SSL certificate problem: certificate has expired", 10);
    assert_string_equal(e.message, "the server's TLS certificate has expired");
    nt_api_error_free(&e);

    e = classify_transport(CURLE_PEER_FAILED_VERIFICATION,
                           "SSL: no alternative certificate subject name matches target host "
                           "name 'api.example'",
                           0);
    assert_non_null(strstr(e.message, "does not match the server's TLS certificate"));
    nt_api_error_free(&e);

    e = classify_transport(CURLE_SSL_CACERT_BADFILE, "error setting certificate file", 0);
    assert_non_null(strstr(e.message, "--cacert"));
    nt_api_error_free(&e);

    e = classify_transport(CURLE_SSL_CONNECT_ERROR, "wrong version number", 0);
    assert_non_null(strstr(e.message, "speak HTTPS"));
    nt_api_error_free(&e);
}

static void test_the_formatted_line_names_cluster_request_status_and_hint(void **state)
{
    (void)state;
    nt_api_error e = classify_json(500, "", "failed to get current user, err: 401 Unauthorized");
    nt_buf b = NT_BUF_INIT;
    nt_api_error_format(&e, "cluster-host", "POST", "/api/v1/clusters/cluster-host", 500, &b);
    assert_string_equal(nt_buf_str(&b),
                        "cluster cluster-host: POST /api/v1/clusters/cluster-host: HTTP 500: "
                        "failed to get current user, err: 401 Unauthorized (the token is "
                        "invalid or expired)");
    nt_buf_free(&b);
    nt_api_error_free(&e);

    e = classify_transport(CURLE_OPERATION_TIMEDOUT, "", 0);
    nt_api_error_format(&e, NULL, "GET", "https://h/api/v1/clusters", 0, &b);
    assert_string_equal(nt_buf_str(&b),
                        "GET https://h/api/v1/clusters: timed out after 7 s (raise --timeout)");
    nt_buf_free(&b);
    nt_api_error_free(&e);
    nt_api_error_free(NULL);
}

/* issue 12 point 17: a redirect names where it points and the URL to pass instead. */
static void test_a_redirect_names_its_location_and_the_url_to_pass(void **state)
{
    (void)state;
    nt_api_response r = {0};
    r.status = 301;
    r.base_url = "http://api.example:31443";
    r.location = "https://api.example:31443/api/v1/clusters";
    nt_api_error e;
    nt_api_error_classify(&r, TOKEN, &e);
    assert_int_equal(e.kind, NT_APIERR_HTTP);
    assert_false(e.retryable);
    assert_string_equal(e.message,
                        "the server redirects to https://api.example:31443/api/v1/clusters, "
                        "and nautes follows no redirect (the token goes only to the URL "
                        "given): pass --api-server https://api.example:31443");
    nt_api_error_free(&e);
    r.base_url = "http://api.example/nautes"; /* a path prefix is kept */
    r.location = "https://api.example/nautes/api/v1/clusters";
    nt_api_error_classify(&r, TOKEN, &e);
    assert_non_null(strstr(e.message, "pass --api-server https://api.example/nautes"));
    nt_api_error_free(&e);
    r.base_url = "https://api.example";
    r.location = "https://api.example/login";
    nt_api_error_classify(&r, TOKEN, &e);
    assert_non_null(strstr(e.message, "is --api-server the API Server's URL?"));
    nt_api_error_free(&e);
    r.location = NULL;
    nt_api_error_classify(&r, TOKEN, &e);
    assert_string_equal(e.message, "a redirect without a Location: check --api-server");
    nt_api_error_free(&e);
}

/* issue 12 point 3: a message quoting a kubeconfig the request carried is redacted before
 * it is cut to one line. */
static void test_a_quoted_kubeconfig_is_redacted_from_the_message(void **state)
{
    (void)state;
    static const char kube[] = "apiVersion: v1\nusers:\n- name: u\n  user:\n"
                               "    token: kube-token-abcdefghijklmnop\n";
    nt_secrets s = NT_SECRETS_INIT;
    nt_secrets_add_kubeconfig(&s, kube);
    char body[1024];
    snprintf(body, sizeof(body), "bad request: %s", kube);
    nt_api_response r = {0};
    r.status = 400;
    r.content_type = "text/plain";
    r.body = body;
    r.body_len = strlen(body);
    r.secrets = &s;
    nt_api_error e;
    nt_api_error_classify(&r, TOKEN, &e);
    assert_string_equal(e.message, "unexpected answer (text/plain): bad request: [REDACTED]");
    nt_api_error_free(&e);
    nt_secrets_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_2xx_answer_is_no_error),
        cmocka_unit_test(test_a_2xx_that_is_not_the_success_body_is_a_failure),
        cmocka_unit_test(test_401_inside_a_500_means_a_bad_token),
        cmocka_unit_test(test_a_port_number_containing_401_is_not_a_bad_token),
        cmocka_unit_test(test_a_missing_token_is_named),
        cmocka_unit_test(test_project_not_found_means_the_repository_is_invisible),
        cmocka_unit_test(test_a_refused_push_means_no_write_access_and_is_not_retried),
        cmocka_unit_test(test_a_transient_git_failure_is_retried),
        cmocka_unit_test(test_a_validation_error_is_never_retried),
        cmocka_unit_test(test_gateway_and_rate_limit_statuses_are_retried),
        cmocka_unit_test(test_a_plain_text_404_is_not_the_nautes_api),
        cmocka_unit_test(test_a_plain_403_is_a_refusal_in_front_of_the_server),
        cmocka_unit_test(test_a_plain_503_says_the_ingress_is_unavailable_and_is_retried),
        cmocka_unit_test(test_missing_and_referenced_clusters_are_recognised),
        cmocka_unit_test(test_the_token_and_url_passwords_are_redacted),
        cmocka_unit_test(test_a_secret_in_a_url_of_a_message_is_redacted),
        cmocka_unit_test(test_a_missing_clusters_directory_is_a_fresh_tenant),
        cmocka_unit_test(test_a_long_multi_line_message_becomes_one_bounded_line),
        cmocka_unit_test(test_transport_failures_are_put_in_words),
        cmocka_unit_test(test_tls_failures_say_what_to_do),
        cmocka_unit_test(test_the_formatted_line_names_cluster_request_status_and_hint),
        cmocka_unit_test(test_a_redirect_names_its_location_and_the_url_to_pass),
        cmocka_unit_test(test_a_quoted_kubeconfig_is_redacted_from_the_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
