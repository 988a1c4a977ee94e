/* Tests of core/base/url.c: the one reading of a URL's host and port. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* host and port of url as "host|port" ("host|-" without a port; "!" when unreadable). */
static char *parts(const char *url)
{
    static char out[256];
    nt_url_host u;
    if (!nt_host_of(url, &u))
        return strcpy(out, "!");
    if (u.port)
        snprintf(out, sizeof(out), "%.*s|%.*s", (int)u.host_len, u.host, (int)u.port_len, u.port);
    else
        snprintf(out, sizeof(out), "%.*s|-", (int)u.host_len, u.host);
    return out;
}

static void test_the_host_and_port_of_ordinary_urls(void **state)
{
    (void)state;
    assert_string_equal(parts("https://1.2.3.4:6443/x"), "1.2.3.4|6443");
    assert_string_equal(parts("https://api.example.com"), "api.example.com|-");
    assert_string_equal(parts("http://h/path:80"), "h|-");
    assert_string_equal(parts("http://h?q=a:b"), "h|-");
    assert_string_equal(parts("http://h#x@y"), "h|-");
    assert_string_equal(parts("http://h:"), "h|");
}

static void test_user_and_password_are_skipped_up_to_the_last_at(void **state)
{
    (void)state;
    assert_string_equal(parts("https://user:pa@ss@git.example.com:8443/r.git"),
                        "git.example.com|8443");
    assert_string_equal(parts("https://TOKEN@h/r"), "h|-");
    assert_string_equal(parts("https://h/a@b"), "h|-");
}

static void test_an_ipv6_host_loses_its_brackets(void **state)
{
    (void)state;
    nt_url_host u;
    assert_true(nt_host_of("https://[::1]:6443/", &u));
    assert_true(u.bracketed);
    assert_int_equal(u.host_len, 3);
    assert_memory_equal(u.host, "::1", 3);
    assert_string_equal(parts("https://[fe80::1]/"), "fe80::1|-");
    assert_string_equal(parts("https://[::1]x:5"), "::1|-");
    assert_string_equal(parts("https://[::1"), "!");
    assert_string_equal(parts("https://[::1/]"), "!");
}

static void test_the_scheme_is_told_and_may_be_missing(void **state)
{
    (void)state;
    nt_url_host u;
    assert_true(nt_host_of("HTTPS://h", &u));
    assert_int_equal(u.scheme_len, 5);
    assert_memory_equal(u.scheme, "HTTPS", 5);
    assert_true(nt_host_of("h:6443/x", &u));
    assert_null(u.scheme);
    assert_string_equal(parts("h:6443/x"), "h|6443");
    assert_false(nt_host_of(NULL, &u));
}

static void test_the_copying_form_needs_a_scheme(void **state)
{
    (void)state;
    char *port = NULL;
    char *host = nt_host_of_dup("https://u@[::1]:6443/", &port);
    assert_string_equal(host, "::1");
    assert_string_equal(port, "6443");
    free(host);
    free(port);
    host = nt_host_of_dup("https://h", &port);
    assert_string_equal(host, "h");
    assert_null(port);
    free(host);
    assert_null(nt_host_of_dup("h:6443", &port));
    assert_null(port);
    assert_null(nt_host_of_dup("https://[::1", &port));
    assert_null(nt_host_of_dup(NULL, &port));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_host_and_port_of_ordinary_urls),
        cmocka_unit_test(test_user_and_password_are_skipped_up_to_the_last_at),
        cmocka_unit_test(test_an_ipv6_host_loses_its_brackets),
        cmocka_unit_test(test_the_scheme_is_told_and_may_be_missing),
        cmocka_unit_test(test_the_copying_form_needs_a_scheme),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
