/* plan.c — `nautes plan FILE...`: load, validate, observe, plan, render (docs/architecture.md §5,
 * 8). */
#include "cmd/nautes/commands.h"

#include "core/base/clock.h"

#include "core/base/alloc.h"
#include "core/base/atomic_write.h"
#include "core/plan/plan_file.h"
#include "core/render/render.h"
#include "core/render/render_junit.h"
#include "core/session/session.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char synopsis[] = "plan FILE... [--out PLAN] [--json | --markdown] "
                               "[--detailed-exitcode] [--prune] [--target NAME]... "
                               "[--force-update NAME]... [--junit FILE] [--gitlab-report FILE]";
static const char description[] =
    "Show what apply would change, in the order it would change it. Reads the clusters the\n"
    "files declare, observes the server (one GET) or the tenant repository (--state git:...),\n"
    "and prints one action per cluster that differs. Exit 0 (no changes; or changes without\n"
    "--detailed-exitcode), 1 on error, 2 when there are changes with --detailed-exitcode.";

/* --junit FILE: the plan (or the errors of the run) as a JUnit report for CI, written
 * atomically: a failed write keeps the previous report. */
static void write_junit(const char *path, const nt_plan *plan, nt_diag *diag)
{
    nt_buf x = NT_BUF_INIT;
    nt_render_junit(plan, diag, &x);
    nt_write_atomic(path, nt_buf_str(&x), x.len, 0644, 0, "the JUnit report", diag);
    nt_buf_free(&x);
}

/* --gitlab-report FILE: the counts of GitLab's merge-request widget, written atomically. */
static void write_gitlab_report(const char *path, const nt_plan *plan, nt_diag *diag)
{
    nt_buf x = NT_BUF_INIT;
    nt_render_gitlab_report(plan, &x);
    nt_write_atomic(path, nt_buf_str(&x), x.len, 0644, 0, "the GitLab report", diag);
    nt_buf_free(&x);
}

/* Before any request: the outputs may not replace an input, a device or a directory (--out
 * only replaces a plan saved before). A bad --junit or --gitlab-report is not written to;
 * returns -1 for a bad --out or --gitlab-report. */
static int check_outputs(const nt_cluster_set *desired, const char *out_path,
                         const char **junit_path, const char *gitlab_path, nt_diag *diag)
{
    const nt_input *in = desired ? desired->inputs : NULL;
    size_t n_in = desired ? desired->n_inputs : 0;
    if (*junit_path &&
        nt_plan_output_check(*junit_path, "the JUnit report", false, in, n_in, diag) < 0)
        *junit_path = NULL;
    if (gitlab_path &&
        nt_plan_output_check(gitlab_path, "the GitLab report", false, in, n_in, diag) < 0)
        return -1;
    if (out_path && nt_plan_output_check(out_path, "the plan", true, in, n_in, diag) < 0)
        return -1;
    return 0;
}

int cmd_plan(int argc, char **argv)
{
    nt_common c = NT_COMMON_INIT;
    nt_select sel = {0};
    const char *out_path = NULL, *junit_path = NULL, *junit_arg, *gitlab_path = NULL;
    bool json = false, markdown = false, detailed = false;
    nt_strlist pos = {0};
    const nt_option opts[] = {
        OPT_STRING("out", &out_path, "PLAN",
                   "save the plan to PLAN (JSON, mode 0600, no secrets) for nautes apply PLAN"),
        OPT_BOOL("json", &json, "print the plan as JSON (docs/plan-json.md)"),
        OPT_BOOL("markdown", &markdown,
                 "print the plan as Markdown (a merge-request comment, a job summary)"),
        OPT_BOOL("detailed-exitcode", &detailed, "exit 2 when there are changes"),
        NT_SELECT_OPTIONS(sel),
        OPT_STRING("junit", &junit_path, "FILE",
                   "also write the plan as a JUnit XML report to FILE (CI test reports)"),
        OPT_STRING("gitlab-report", &gitlab_path, "FILE",
                   "also write the counts of GitLab's merge-request widget to FILE\n"
                   "(artifacts: reports: terraform:)"),
        NT_COMMON_OPTIONS(c),
        OPT_END,
    };
    int rc = NT_EXIT_ERROR;
    nt_session s;
    nt_session_init(&s);
    nt_buf out = NT_BUF_INIT;

    const nt_cmd_spec spec = {synopsis, description, opts,
                              1,        NT_ARGS_ANY, "plan needs at least one FILE (or directory)",
                              true};
    int args = nt_cmd_args(&spec, argc, argv, &pos);
    if (args) {
        rc = args > 0 ? NT_EXIT_OK : NT_EXIT_ERROR;
        goto done;
    }

    if (nt_select_check(&sel, synopsis) < 0)
        goto done;
    if (json && markdown) {
        nt_usage_error(synopsis, "give --json or --markdown, not both");
        goto done;
    }
    junit_arg = junit_path;
    double t0 = nt_now_sec();
    int loaded = nt_session_load(&s, (const char *const *)pos.items, pos.n, 0);
    if (check_outputs(s.desired, out_path, &junit_path, gitlab_path, &s.diag) < 0 || loaded < 0 ||
        !junit_path != !junit_arg || nt_session_validate(&s) < 0)
        goto report;
    double t1 = nt_now_sec();
    nt_plan_opts po = nt_select_plan_opts(&sel);
    if (nt_cmd_connect(&s, &c, false) < 0 || nt_session_observe(&s, c.state) < 0)
        goto report;
    double t2 = nt_now_sec();
    if (nt_session_plan(&s, &po) < 0)
        goto report;
    nt_plan_set_args(s.plan, (const char *const *)pos.items, pos.n);

    if (markdown) {
        nt_render_markdown(s.plan, &out);
    } else if (json) {
        nt_render_json(s.plan, false, &out);
    } else {
        nt_render_opts ro = {nt_use_color(1, c.no_color), c.verbose};
        nt_render_text(s.plan, &ro, &out);
    }
    if (out_path && nt_plan_file_write(s.plan, out_path, &s.diag) < 0)
        goto report;
    if (gitlab_path)
        write_gitlab_report(gitlab_path, s.plan, &s.diag);
    double t3 = nt_now_sec();
    if (c.verbose)
        fprintf(stderr,
                "nautes: timing: load+validate %.3fs, observe %.3fs (%zu clusters), plan+render "
                "%.3fs\n",
                t1 - t0, t2 - t1, s.actual->n, t3 - t2);
    fputs(nt_buf_str(&out), stdout);
    fflush(stdout);
    if (out_path && !json)
        fprintf(stderr, "Saved the plan to %s; apply it with: nautes apply %s\n", out_path,
                out_path);
    rc = detailed && nt_plan_has_changes(s.plan) ? NT_EXIT_CHANGES : NT_EXIT_OK;

report:
    if (junit_path)
        write_junit(junit_path, s.plan, &s.diag);
    if (nt_print_diag(&s.diag, c.no_color))
        rc = NT_EXIT_ERROR;
done:
    nt_heap_wind_down(); /* the run is over: free what it built, then exit */
    nt_session_free(&s);
    nt_buf_free(&out);
    nt_select_free(&sel);
    nt_strlist_free(&pos);
    return rc;
}
