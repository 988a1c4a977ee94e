/* Tests of core/plan/plan_file.c: saved plans round-trip, are private, hold no secret, apply from
 * anywhere once moved, are refused when stale, edited or pointed at another server, and never
 * overwrite their inputs or anything but a saved plan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/plan/plan_file.h"
#include "core/render/render.h"
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

static char *path_in_dir(const char *name);

static nt_plan *make_plan(nt_cluster_set **want, nt_cluster_set **have, const char *pd)
{
    fx_obs h = FX_HOST("host");
    h.pd = pd;
    *have = fx_observe(NT_GEN_V04, (fx_obs[]){h, FX_VIRT("v-old", "host", "31000")}, 2);
    *want = fx_load("clusters:\n" Y_HOST("host") "    primary_domain: apps.example.com\n" Y_VIRT(
        "v-new", "host", "31001") "  - name: v-old\n    state: absent\n");
    /* the inputs as absolute paths in the scratch directory: a saved plan read back gives
     * them as usable from the working directory, which is then the same text */
    char *in = path_in_dir("clusters.yaml");
    for (size_t i = 0; i < (*want)->n_inputs; i++) {
        char *abs = path_in_dir((*want)->inputs[i].path);
        free((*want)->inputs[i].path);
        (*want)->inputs[i].path = abs;
    }
    nt_cluster_set_add_input(*want, in,
                             "0000000000000000000000000000000000000000000000000000000000000001");
    free(in);
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
    char *arg = path_in_dir("clusters.yaml");
    const char *args[] = {arg};
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
    assert_string_equal(r->inputs[r->n_inputs - 1].path, arg);
    assert_string_equal(r->inputs[r->n_inputs - 1].sha256, p->inputs[p->n_inputs - 1].sha256);
    assert_int_equal(r->n_force, 1);
    assert_string_equal(r->force[0], "host");
    assert_int_equal(r->n_args, 1);
    assert_string_equal(r->args[0], arg);
    assert_string_equal(r->observed_from, "api http://127.0.0.1:8000");
    free(arg);
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
    assert_non_null(strstr(buf, "\"nautes_plan\": 2"));
    assert_non_null(strstr(buf, "\"plan_sha256\": \""));
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

static char *slurp(const char *path)
{
    nt_buf b = NT_BUF_INIT;
    assert_int_equal(nt_buf_read_file(&b, path, 0), 0);
    return nt_buf_detach(&b);
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Replace the first `from` in the file at path by `to`. */
static void edit(const char *path, const char *from, const char *to)
{
    char *t = slurp(path);
    char *at = strstr(t, from);
    assert_non_null(at);
    nt_buf b = NT_BUF_INIT;
    nt_buf_add(&b, t, (size_t)(at - t));
    nt_buf_adds(&b, to);
    nt_buf_adds(&b, at + strlen(from));
    spit(path, nt_buf_str(&b));
    nt_buf_free(&b);
    free(t);
}

/* A plan made in dir/A from dir/A/clusters.yaml and dir/A/kubeconfigs/h.yaml, saved as
 * dir/A/t.plan; the directory is then renamed to dir/B and the plan read from dir/other. */
static void test_a_moved_plan_finds_its_inputs_from_any_directory(void **state)
{
    (void)state;
    char *a = path_in_dir("A"), *kd = path_in_dir("A/kubeconfigs"), *other = path_in_dir("other");
    assert_int_equal(mkdir(a, 0700), 0);
    assert_int_equal(mkdir(kd, 0700), 0);
    assert_int_equal(mkdir(other, 0700), 0);
    nt_cluster_set *want, *have;
    nt_plan *p = make_plan(&want, &have, NULL);
    char *cl = path_in_dir("A/clusters.yaml"), *kc = path_in_dir("A/kubeconfigs/h.yaml");
    free(p->inputs[0].path);
    p->inputs[0].path = nt_xstrdup(cl);
    free(p->inputs[1].path);
    p->inputs[1].path = nt_xstrdup(kc);
    free(p->source);
    p->source = nt_xstrdup("git:../tenant#main@0123abcd"); /* relative to the working dir */
    const char *args[] = {cl, kc};
    nt_plan_set_args(p, args, 2);
    char *plan = path_in_dir("A/t.plan"), *cwd = getcwd(NULL, 0);
    assert_int_equal(chdir(a), 0);
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_plan_file_write(p, "t.plan", &d), 0);
    char *text = slurp(plan);
    assert_non_null(strstr(text, "\"files\": [\"clusters.yaml\", \"kubeconfigs/h.yaml\"]"));
    assert_non_null(strstr(text, "\"path\": \"clusters.yaml\""));
    assert_non_null(strstr(text, "\"location\": \"../tenant\""));
    assert_null(strstr(text, dir)); /* no absolute path of this machine */
    free(text);

    /* an absolute path outside the plan's directory stays absolute; one inside moves */
    const char *outside[] = {"/etc/nautes/clusters.yaml", cl};
    nt_plan_set_args(p, outside, 2);
    assert_int_equal(nt_plan_file_write(p, "abs.plan", &d), 0);
    text = slurp("abs.plan");
    assert_non_null(strstr(text, "\"files\": [\"/etc/nautes/clusters.yaml\", \"clusters.yaml\"]"));
    free(text);

    char *b = path_in_dir("B");
    assert_int_equal(rename(a, b), 0);
    assert_int_equal(chdir(other), 0);
    nt_plan *r = NULL;
    assert_int_equal(nt_plan_file_read("../B/t.plan", &r, &d), 0);
    assert_string_equal(r->args[0], "../B/clusters.yaml");
    assert_string_equal(r->args[1], "../B/kubeconfigs/h.yaml");
    assert_string_equal(r->inputs[0].path, "../B/clusters.yaml");
    assert_string_equal(r->observed_from, "git:../tenant#main");
    nt_plan_free(r);
    assert_int_equal(chdir(b), 0);
    assert_int_equal(nt_plan_file_read("./t.plan", &r, &d), 0);
    assert_string_equal(r->args[0], "clusters.yaml");
    assert_string_equal(r->args[1], "kubeconfigs/h.yaml");
    assert_int_equal(d.n, 0);
    nt_plan_free(r);
    assert_int_equal(chdir(cwd), 0);
    free(cwd);
    free(a);
    free(b);
    free(kd);
    free(other);
    free(cl);
    free(kc);
    free(plan);
    nt_plan_free(p);
    nt_cluster_set_free(want);
    nt_cluster_set_free(have);
    nt_diag_free(&d);
}

static void test_an_edited_plan_is_refused(void **state)
{
    (void)state;
    nt_cluster_set *want, *have, *want2, *have2;
    nt_plan *p = make_plan(&want, &have, NULL);
    char *path = path_in_dir("edit.plan"), *crafted = path_in_dir("crafted.plan");
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_plan_file_write(p, path, &d), 0);

    /* a hand edit of a value: refused when read (show and apply alike) */
    edit(path, "apps.example.com", "evil.example.com");
    nt_plan *r = NULL;
    assert_int_equal(nt_plan_file_read(path, &r, &d), -1);
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "changed after nautes plan wrote it"));
    nt_diag_free(&d);
    edit(path, "evil.example.com", "apps.example.com");
    edit(path, "\"method\": \"DELETE\"", "\"method\": \"POST\"");
    assert_int_equal(nt_plan_file_read(path, &r, &d), -1);
    nt_diag_free(&d);
    edit(path, "\"method\": \"POST\"", "\"method\": \"DELETE\"");
    assert_int_equal(nt_plan_file_read(path, &r, &d), 0);
    nt_plan *fresh = make_plan(&want2, &have2, NULL);
    assert_int_equal(nt_plan_file_check(r, want2, fresh, &d), 0);

    /* an edit whose digest was computed again (no secret protects it): the content is
     * compared with a new plan, so apply still refuses */
    for (size_t i = 0; i < r->n_actions; i++)
        for (size_t j = 0; j < r->actions[i].n_changes; j++)
            if (!strcmp(r->actions[i].changes[j].path, "primary_domain")) {
                free(r->actions[i].changes[j].new_val);
                r->actions[i].changes[j].new_val = nt_xstrdup("evil.example.com");
            }
    assert_int_equal(nt_plan_file_write(r, crafted, &d), 0);
    nt_plan *c = NULL;
    assert_int_equal(nt_plan_file_read(crafted, &c, &d), 0);
    assert_int_equal(nt_plan_file_check(c, want2, fresh, &d), -1);
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "does not match what apply would send"));
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "cluster host"));
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "evil.example.com"));
    nt_diag_free(&d);
    nt_plan_free(c);

    /* a request's method changed (a POST made a DELETE): refused */
    nt_plan_free(r);
    assert_int_equal(nt_plan_file_read(path, &r, &d), 0);
    for (size_t i = 0; i < r->n_ops; i++)
        if (r->ops[i].kind == NT_OP_SAVE)
            r->ops[i].kind = NT_OP_DELETE;
    assert_int_equal(nt_plan_file_write(r, crafted, &d), 0);
    assert_int_equal(nt_plan_file_read(crafted, &c, &d), 0);
    assert_int_equal(nt_plan_file_check(c, want2, fresh, &d), -1);
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "the requests (their methods"));
    nt_diag_free(&d);

    /* an option changed (prune): refused */
    nt_plan_free(c);
    r->prune = true;
    assert_int_equal(nt_plan_file_write(r, crafted, &d), 0);
    assert_int_equal(nt_plan_file_read(crafted, &c, &d), 0);
    assert_int_equal(nt_plan_file_check(c, want2, fresh, &d), -1);

    nt_plan_free(c);
    nt_plan_free(r);
    nt_plan_free(fresh);
    nt_plan_free(p);
    nt_cluster_set_free(want);
    nt_cluster_set_free(have);
    nt_cluster_set_free(want2);
    nt_cluster_set_free(have2);
    free(path);
    free(crafted);
    nt_diag_free(&d);
}

static void test_a_plan_for_another_server_is_refused_naming_both(void **state)
{
    (void)state;
    nt_cluster_set *want, *have, *want2, *have2;
    nt_plan *p = make_plan(&want, &have, NULL);
    char *path = path_in_dir("server.plan");
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_plan_file_write(p, path, &d), 0);
    nt_plan *r = NULL;
    assert_int_equal(nt_plan_file_read(path, &r, &d), 0);
    nt_plan *fresh = make_plan(&want2, &have2, NULL);
    free(fresh->source);
    fresh->source = nt_xstrdup("api https://nautes.prod.example.com");
    assert_int_equal(nt_plan_file_check(r, want2, fresh, &d), -1);
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "made against api http://127.0.0.1:8000 (v0.4)"));
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "observes api https://nautes.prod.example.com"));
    assert_int_equal(d.n_errors, 1); /* nothing else is compared */
    nt_diag_free(&d);
    free(fresh->source);
    fresh->source = nt_xstrdup("api http://127.0.0.1:8000");
    fresh->gen = NT_GEN_V03;
    assert_int_equal(nt_plan_file_check(r, want2, fresh, &d), -1);
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "(v0.4), but this apply observes"));
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "127.0.0.1:8000 (v0.3)"));
    nt_diag_free(&d);
    fresh->gen = NT_GEN_V04;
    assert_int_equal(nt_plan_file_check(r, want2, fresh, &d), 0);
    nt_plan_free(r);
    nt_plan_free(fresh);
    nt_plan_free(p);
    nt_cluster_set_free(want);
    nt_cluster_set_free(have);
    nt_cluster_set_free(want2);
    nt_cluster_set_free(have2);
    free(path);
    nt_diag_free(&d);
}

static void test_out_never_replaces_an_input_or_a_file_that_is_not_a_plan(void **state)
{
    (void)state;
    nt_cluster_set *want, *have;
    nt_plan *p = make_plan(&want, &have, NULL);
    char *in = path_in_dir("clusters.yaml"), *notes = path_in_dir("notes.txt");
    char *old = path_in_dir("old.plan"), *link_path = path_in_dir("link.plan");
    spit(in, "clusters: []\n");
    spit(notes, "my notes\n");
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_plan_file_write(p, in, &d), -1);
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "it is an input of this plan"));
    assert_int_equal(symlink("clusters.yaml", link_path), 0);
    assert_int_equal(nt_plan_file_write(p, link_path, &d), -1);
    char *t = slurp(in);
    assert_string_equal(t, "clusters: []\n");
    free(t);
    nt_diag_free(&d);
    assert_int_equal(nt_plan_file_write(p, notes, &d), -1);
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "exists and is not a saved plan"));
    t = slurp(notes);
    assert_string_equal(t, "my notes\n");
    free(t);
    nt_diag_free(&d);
    assert_int_equal(nt_plan_file_write(p, dir, &d), -1);
    assert_true(fx_has_diag(&d, NT_SEV_ERROR, "it is a directory"));
    nt_diag_free(&d);
    /* a plan saved before is replaced: plan --out again works */
    assert_int_equal(nt_plan_file_write(p, old, &d), 0);
    assert_true(nt_plan_file_is_saved(old));
    assert_false(nt_plan_file_is_saved(notes));
    assert_false(nt_plan_file_is_saved(dir));
    assert_int_equal(nt_plan_file_write(p, old, &d), 0);
    assert_int_equal(nt_plan_output_check(old, "the plan", true, p->inputs, p->n_inputs, &d), 0);
    assert_int_equal(d.n, 0);
    /* a JUnit report may replace any regular file but an input */
    assert_int_equal(
        nt_plan_output_check(notes, "the JUnit report", false, p->inputs, p->n_inputs, &d), 0);
    assert_int_equal(
        nt_plan_output_check(in, "the JUnit report", false, p->inputs, p->n_inputs, &d), -1);
    nt_plan_free(p);
    nt_cluster_set_free(want);
    nt_cluster_set_free(have);
    free(in);
    free(notes);
    free(old);
    free(link_path);
    nt_diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_saved_plan_round_trips_and_shows_the_same_text),
        cmocka_unit_test(test_saved_plan_is_mode_0600_and_holds_no_secret),
        cmocka_unit_test(test_reading_something_else_is_a_clear_error),
        cmocka_unit_test(test_stale_plan_is_refused_saying_what_changed),
        cmocka_unit_test(test_a_moved_plan_finds_its_inputs_from_any_directory),
        cmocka_unit_test(test_an_edited_plan_is_refused),
        cmocka_unit_test(test_a_plan_for_another_server_is_refused_naming_both),
        cmocka_unit_test(test_out_never_replaces_an_input_or_a_file_that_is_not_a_plan),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
