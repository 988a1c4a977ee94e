/* Tests of core/session/session.c: one run's pipeline, the file validated once and each
 * finding reported once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/load/load.h"
#include "core/session/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A physical host without traefik: an error for a v0.3 server, nothing for a v0.4 one, and a
 * warning while the generation is unknown. */
static const char no_traefik[] =
    "clusters:\n"
    "  - name: bare\n"
    "    api_server: https://10.9.0.1:6443\n"
    "    cluster_type: physical\n"
    "    usage: host\n"
    "    primary_domain: 10.9.0.1.nip.io\n"
    "    kubeconfig: |\n"
    "      apiVersion: v1\n"
    "      clusters: [{name: c, cluster: {server: 'https://1.2.3.4'}}]\n"
    "      users: [{name: u, user: {token: T}}]\n";
static const char bad_port[] = "clusters:\n"
                               "  - name: bad\n"
                               "    api_server: https://10.9.0.1:6443\n"
                               "    cluster_type: virtual\n"
                               "    usage: worker\n"
                               "    worker_type: deployment\n"
                               "    host_cluster: h\n"
                               "    vcluster: {https_node_port: \"99999\"}\n";

typedef struct fixture {
    char dir[64], path[96];
    nt_session s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/nt-session-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/clusters.yaml", f->dir);
    nt_session_init(&f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    nt_session_free(&f->s);
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void write_file(const fixture *f, const char *text)
{
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* How many messages of the run hold `needle`. */
static size_t count(const nt_diag *d, const char *needle)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
        n += strstr(d->items[i].msg, needle) != NULL;
    return n;
}

/* Load and validate f's file, then stand in for the observation: an empty tenant of `gen`. */
static void load_and_observe_empty(fixture *f, nt_api_gen gen)
{
    const char *p = f->path;
    assert_int_equal(nt_session_load(&f->s, &p, 1, NT_LOAD_NO_ENV), 0);
    assert_int_equal(nt_session_validate(&f->s), 0);
    f->s.actual = nt_cluster_set_new();
    f->s.actual->gen = gen;
}

static void test_an_error_in_the_file_stops_the_run_before_any_request(void **state)
{
    fixture *f = *state;
    write_file(f, bad_port);
    const char *p = f->path;
    assert_int_equal(nt_session_load(&f->s, &p, 1, NT_LOAD_NO_ENV), 0);
    assert_int_equal(nt_session_validate(&f->s), -1);
    assert_true(nt_diag_has_errors(&f->s.diag));
    assert_int_equal(count(&f->s.diag, "99999"), 1);
    assert_int_equal(f->s.checked.n, 0); /* everything was handed to the run's messages */
}

static void test_a_warning_is_kept_until_the_plan_and_reported_once(void **state)
{
    fixture *f = *state;
    write_file(f, no_traefik);
    load_and_observe_empty(f, NT_GEN_UNKNOWN);
    assert_int_equal(count(&f->s.diag, "traefik"), 0); /* held, not yet reported */
    nt_plan_opts po = {.prune = false};
    assert_int_equal(nt_session_plan(&f->s, &po), 0);
    assert_int_equal(count(&f->s.diag, "required by v0.3 API servers"), 1);
    assert_int_equal(f->s.plan->n_create, 1);
}

static void test_a_known_generation_settles_what_differs_by_generation(void **state)
{
    fixture *f = *state;
    write_file(f, no_traefik);
    load_and_observe_empty(f, NT_GEN_V04);
    nt_plan_opts po = {.prune = false};
    assert_int_equal(nt_session_plan(&f->s, &po), 0);
    assert_int_equal(count(&f->s.diag, "traefik"), 0); /* v0.4 servers take it */
}

static void test_a_v03_server_makes_the_warning_an_error_reported_once(void **state)
{
    fixture *f = *state;
    write_file(f, no_traefik);
    load_and_observe_empty(f, NT_GEN_V03);
    nt_plan_opts po = {.prune = false};
    assert_int_equal(nt_session_plan(&f->s, &po), -1);
    assert_int_equal(count(&f->s.diag, "traefik"), 1);
    assert_true(nt_diag_has_errors(&f->s.diag));
}

static void test_connect_takes_the_configuration_over(void **state)
{
    fixture *f = *state;
    nt_http_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.base_url = strdup("http://127.0.0.1:1");
    cfg.token = strdup("secret");
    nt_session_connect(&f->s, &cfg);
    assert_null(cfg.base_url);
    assert_null(cfg.token);
    assert_true(f->s.connected);
    assert_string_equal(f->s.http.base_url, "http://127.0.0.1:1");
    /* freed (and the token wiped) by nt_session_free in the teardown */
}

static void test_a_missing_file_fails_the_load(void **state)
{
    fixture *f = *state;
    const char *p = "/nonexistent/clusters.yaml";
    assert_int_equal(nt_session_load(&f->s, &p, 1, 0), -1);
    assert_true(nt_diag_has_errors(&f->s.diag));
    nt_session_free(NULL);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_an_error_in_the_file_stops_the_run_before_any_request),
        T(test_a_warning_is_kept_until_the_plan_and_reported_once),
        T(test_a_known_generation_settles_what_differs_by_generation),
        T(test_a_v03_server_makes_the_warning_an_error_reported_once),
        T(test_connect_takes_the_configuration_over),
        T(test_a_missing_file_fails_the_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
