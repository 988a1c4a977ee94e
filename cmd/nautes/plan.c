/* plan.c — `nautes plan FILE...`: load, validate, observe, plan, render (docs/architecture.md §5,
 * 8). */
#include "cmd/nautes/commands.h"

#include "core/base/atomic_write.h"
#include "core/observe/http.h"
#include "core/load/load.h"
#include "core/observe/observe.h"
#include "core/plan/plan.h"
#include "core/plan/plan_file.h"
#include "core/render/render.h"
#include "core/render/render_junit.h"
#include "core/load/validate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char synopsis[] =
    "plan FILE... [--out PLAN] [--json] [--detailed-exitcode] [--prune] [--target NAME]... "
    "[--force-update NAME]... [--junit FILE]";
static const char description[] =
    "Show what apply would change, in the order it would change it. Reads the clusters the\n"
    "files declare, observes the server (one GET) or the tenant repository (--state git:...),\n"
    "and prints one action per cluster that differs. Exit 0 (no changes; or changes without\n"
    "--detailed-exitcode), 1 on error, 2 when there are changes with --detailed-exitcode.";

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --junit FILE: the plan (or the errors of the run) as a JUnit report for CI, written
 * atomically: a failed write keeps the previous report. */
static void write_junit(const char *path, const nt_plan *plan, nt_diag *diag)
{
    nt_buf x = NT_BUF_INIT;
    nt_render_junit(plan, diag, &x);
    nt_write_atomic(path, nt_buf_str(&x), x.len, 0644, 0, "the JUnit report", diag);
    nt_buf_free(&x);
}

int cmd_plan(int argc, char **argv)
{
    nt_common c = NT_COMMON_INIT;
    const char *out_path = NULL, *junit_path = NULL, *junit_arg;
    bool json = false, detailed = false, prune = false;
    nt_strlist targets = {0}, force = {0}, pos = {0};
    const nt_option opts[] = {
        {"out", OPT_STRING, &out_path, "PLAN",
         "save the plan to PLAN (JSON, mode 0600, no secrets) for nautes apply PLAN", 0, 0},
        {"json", OPT_BOOL, &json, NULL, "print the plan as JSON (docs/plan-json.md)", 0, 0},
        {"detailed-exitcode", OPT_BOOL, &detailed, NULL, "exit 2 when there are changes", 0, 0},
        {"prune", OPT_BOOL, &prune, NULL, "delete clusters the files do not declare", 0, 0},
        {"target", OPT_LIST, &targets, "NAME",
         "plan only this cluster and what it depends on (repeatable)", 0, 0},
        {"force-update", OPT_LIST, &force, "NAME",
         "save this cluster even when nothing visible changed (repeatable)", 0, 0},
        {"junit", OPT_STRING, &junit_path, "FILE",
         "also write the plan as a JUnit XML report to FILE (CI test reports)", 0, 0},
        NT_COMMON_OPTIONS(c),
        OPT_END,
    };
    int rc = NT_EXIT_ERROR;
    nt_diag diag = NT_DIAG_INIT, pre = NT_DIAG_INIT;
    nt_buf out = NT_BUF_INIT;
    nt_cluster_set *desired = NULL, *actual = NULL;
    nt_plan *plan = NULL;
    nt_http_config cfg;
    bool have_cfg = false;
    memset(&cfg, 0, sizeof(cfg));

    const nt_cmd_spec spec = {synopsis, description, opts,
                              1,        0,           "plan needs at least one FILE (or directory)"};
    int args = nt_cmd_args(&spec, argc, argv, &pos);
    if (args) {
        rc = args > 0 ? NT_EXIT_OK : NT_EXIT_ERROR;
        goto done;
    }

    junit_arg = junit_path;
    double t0 = now_sec();
    int loaded = nt_load_paths(&desired, (const char *const *)pos.items, pos.n, 0, &diag);
    /* before any request: the outputs may not replace an input, a device or a directory
     * (--out only replaces a plan saved before) */
    const nt_input *in = desired ? desired->inputs : NULL;
    size_t n_in = desired ? desired->n_inputs : 0;
    if (junit_path &&
        nt_plan_output_check(junit_path, "the JUnit report", false, in, n_in, &diag) < 0)
        junit_path = NULL;
    if (out_path && nt_plan_output_check(out_path, "the plan", true, in, n_in, &diag) < 0)
        goto report;
    if (loaded < 0 || !junit_path != !junit_arg)
        goto report;
    /* before anything touches the network: the rules of either generation */
    nt_validate_opts vo = {NT_GEN_UNKNOWN, false};
    if (nt_validate_set(desired, &vo, &pre) < 0 || nt_diag_has_errors(&pre)) {
        nt_diag_move(&diag, &pre);
        goto report;
    }
    nt_diag_free(&pre);

    double t1 = now_sec();
    if (nt_observe_is_git(c.state)) {
        /* a token is optional for a repository; use it when one is configured */
        if (nt_connect_config_git(&c, &cfg, &diag) < 0)
            goto report;
        have_cfg = true;
    } else {
        if (nt_connect_config(&c, &cfg, &diag) < 0)
            goto report;
        have_cfg = true;
    }
    if (nt_observe(c.state, have_cfg ? &cfg : NULL, &actual, &diag) < 0)
        goto report;

    double t2 = now_sec();
    nt_plan_opts po = {
        .prune = prune,
        .targets = (const char *const *)targets.items,
        .n_targets = targets.n,
        .force = (const char *const *)force.items,
        .n_force = force.n,
    };
    if (nt_plan_build(&plan, desired, actual, &po, &diag) < 0)
        goto report;
    nt_plan_set_args(plan, (const char *const *)pos.items, pos.n);

    if (json) {
        nt_render_json(plan, false, &out);
    } else {
        nt_render_opts ro = {nt_use_color(1, c.no_color), c.verbose};
        nt_render_text(plan, &ro, &out);
    }
    if (out_path && nt_plan_file_write(plan, out_path, &diag) < 0)
        goto report;
    double t3 = now_sec();
    if (c.verbose)
        fprintf(stderr,
                "nautes: timing: load+validate %.3fs, observe %.3fs (%zu clusters), plan+render "
                "%.3fs\n",
                t1 - t0, t2 - t1, actual->n, t3 - t2);
    fputs(nt_buf_str(&out), stdout);
    fflush(stdout);
    if (out_path && !json)
        fprintf(stderr, "Saved the plan to %s; apply it with: nautes apply %s\n", out_path,
                out_path);
    rc = detailed && nt_plan_has_changes(plan) ? NT_EXIT_CHANGES : NT_EXIT_OK;

report:
    if (junit_path)
        write_junit(junit_path, plan, &diag);
    if (nt_print_diag(&diag, c.no_color))
        rc = NT_EXIT_ERROR;
done:
    nt_plan_free(plan);
    nt_cluster_set_free(actual);
    nt_cluster_set_free(desired);
    if (have_cfg)
        nt_http_config_free(&cfg);
    nt_diag_free(&diag);
    nt_diag_free(&pre);
    nt_buf_free(&out);
    nt_strlist_free(&targets);
    nt_strlist_free(&force);
    nt_strlist_free(&pos);
    return rc;
}
