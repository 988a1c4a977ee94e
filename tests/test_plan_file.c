/* Tests of core/plan_file.c: saved plans round-trip, are private, hold no secret, and a stale
 * one is refused with what changed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/plan_file.h"
#include "core/render.h"
#include "tests/plan_fixtures.h"

#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/nt-plan-file-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static nt_plan *make_plan(nt_cluster_set **want, nt_cluster_set **have, const char *pd)
{
    fx_obs h = FX_HOST("host");
    h.pd = pd;
    *have = fx_observe(NT_GEN_V04, (fx_obs[]){h, FX_VIRT("v-old", "host", "31000")}, 2);
    *want = fx_load("clusters:\n" Y_HOST("host") "    primary_domain: apps.example.com\n" Y_VIRT(
        "v-new", "host", "31001") "  - name: v-old\n    state: absent\n");
    nt_cluster_set_add_input(*want, "clusters.yaml",
                             "0000000000000000000000000000000000000000000000000000000000000001");
    nt_diag d = NT_DIAG_INIT;
    const char *force[] = {"host"};
    nt_plan_opts o = {.force = force, .n_force = 1};
    nt_plan *p = fx_plan(*want, *have, &o, &d);
    nt_diag_free(&d);
    return p;
}

static char *path_in_dir(const char *name)
{
    nt_buf b = NT_BUF_INIT;
    nt_buf_addf(&b, "%s/%s", dir, name);
    return nt_buf_detach(&b);
}

static void test_saved_plan_round_trips_and_shows_the_same_text(void **state)
{
    (void)state;
    nt_cluster_set *want, *have;
    nt_plan *p = make_plan(&want, &have, "10.0.0.1.nip.io");
    assert_non_null(p);
    const char *args[] = {"clusters.yaml"};
    nt_plan_set_args(p, args, 1);
    char *path = path_in_dir("round.plan");
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_plan_file_write(p, path, &d), 0);
    nt_plan *r = NULL;
    assert_int_equal(nt_plan_file_read(path, &r, &d), 0);
    assert_non_null(r);
    nt_buf a = NT_BUF_INIT, b = NT_BUF_INIT, ja = NT_BUF_INIT, jb = NT_BUF_INIT;
    nt_render_opts o = {false, true};
    nt_render_text(p, &o, &a);
    nt_render_text(r, &o, &b);
    assert_string_equal(nt_buf_str(&b), nt_buf_str(&a));
    nt_render_json(p, true, &ja);
    nt_render_json(r, true, &jb);
    assert_string_equal(nt_buf_str(&jb), nt_buf_str(&ja));
    assert_string_equal(r->fingerprint, p->fingerprint);
    assert_int_equal(r->n_ops, p->n_ops);
    assert_int_equal(r->n_inputs, p->n_inputs);
    assert_string_equal(r->inputs[r->n_inputs - 1].path, "clusters.yaml");
    assert_string_equal(r->inputs[r->n_inputs - 1].sha256, p->inputs[p->n_inputs - 1].sha256);
    assert_int_equal(r->n_force, 1);
    assert_string_equal(r->force[0], "host");
    assert_int_equal(r->n_args, 1);
    assert_true(r->args[0][0] == '/' || !strcmp(r->args[0], "clusters.yaml"));
    nt_plan_opts po;
    nt_plan_file_opts(r, &po);
    assert_int_equal(po.n_force, 1);
    nt_buf_free(&a);
    nt_buf_free(&b);
    nt_buf_free(&ja);
    nt_buf_free(&jb);
    nt_plan_free(r);
    nt_plan_free(p);
    free(path);
    nt_cluster_set_free(want);
    nt_cluster_set_free(have);
    nt_diag_free(&d);
}

static void test_saved_plan_is_mode_0600_and_holds_no_secret(void **state)
{
    (void)state;
    nt_cluster_set *want, *have;
    nt_plan *p = make_plan(&want, &have, NULL);
    char *path = path_in_dir("private.plan");
    nt_diag d = NT_DIAG_INIT;
    mode_t old = umask(0);
    assert_int_equal(nt_plan_file_write(p, path, &d), 0);
    umask(old);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    FILE *f = fopen(path, "r");
    char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = 0;
    fclose(f);
    assert_null(strstr(buf, "SECRET-KUBE-TOKEN"));
    assert_null(strstr(buf, "apiVersion"));
    assert_non_null(strstr(buf, "\"nautes_plan\":\t1"));
    nt_plan_free(p);
    free(path);
    nt_cluster_set_free(want);
    nt_cluster_set_free(have);
    nt_diag_free(&d);
}

static void test_reading_something_else_is_a_clear_error(void **state)
{
    (void)state;
    char *path = path_in_dir("not-a-plan.json");
    FILE *f = fopen(path, "w");
    fputs("{\"format_version\": 1}", f);
    fclose(f);
    nt_diag d = NT_DIAG_INIT;
    nt_plan *r = NULL;
    assert_int_equal(nt_plan_file_read(path, &r, &d), -1);
    assert_null(r);
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "not a saved nautes plan"));
    nt_diag_free(&d);
    char *missing = path_in_dir("missing.plan");
    assert_int_equal(nt_plan_file_read(missing, &r, &d), -1);
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "cannot read the saved plan"));
    free(path);
    free(missing);
    nt_diag_free(&d);
}

static void test_stale_plan_is_refused_saying_what_changed(void **state)
{
    (void)state;
    nt_cluster_set *want, *have, *want2, *have2;
    nt_plan *saved = make_plan(&want, &have, NULL);
    nt_diag d = NT_DIAG_INIT;
    /* same inputs, same observation: accepted */
    nt_plan *fresh = make_plan(&want2, &have2, NULL);
    assert_int_equal(nt_plan_file_check(saved, want2, fresh, &d), 0);
    assert_false(nt_diag_has_errors(&d));
    nt_plan_free(fresh);
    nt_cluster_set_free(want2);
    nt_cluster_set_free(have2);

    /* the server changed the host */
    fresh = make_plan(&want2, &have2, "moved.nip.io");
    assert_int_equal(nt_plan_file_check(saved, want2, fresh, &d), -1);
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "the clusters on the server changed"));
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "host changed"));
    nt_diag_free(&d);

    /* an input file changed */
    want2->inputs[want2->n_inputs - 1].sha256[63] = '2';
    assert_int_equal(nt_plan_file_check(saved, want2, fresh, &d), -1);
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "clusters.yaml changed since the plan was made"));
    nt_plan_free(fresh);
    nt_cluster_set_free(want2);
    nt_cluster_set_free(have2);
    nt_plan_free(saved);
    nt_cluster_set_free(want);
    nt_cluster_set_free(have);
    nt_diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_saved_plan_round_trips_and_shows_the_same_text),
        cmocka_unit_test(test_saved_plan_is_mode_0600_and_holds_no_secret),
        cmocka_unit_test(test_reading_something_else_is_a_clear_error),
        cmocka_unit_test(test_stale_plan_is_refused_saying_what_changed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
