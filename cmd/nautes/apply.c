/* apply.c — `nautes apply [PLAN | FILE...]`: plan, confirm, execute (docs/architecture.md §6). */
#include "cmd/nautes/commands.h"

#include "core/apply/apply.h"
#include "core/base/escape.h"
#include "core/observe/http.h"
#include "core/load/load.h"
#include "core/observe/observe.h"
#include "core/plan/plan.h"
#include "core/plan/plan_file.h"
#include "core/render/render.h"
#include "core/load/validate.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char synopsis[] =
    "apply [PLAN | FILE...] [--auto-approve] [--parallelism N] [--retries N] [--wait-prune SEC] "
    "[--prune] [--target NAME]... [--force-update NAME]...";
static const char description[] =
    "Make the clusters on the API Server match the files. Plans first (as nautes plan), prints\n"
    "the plan and asks for 'yes' on a terminal (--auto-approve skips the question; without a\n"
    "terminal it is required). A saved plan (nautes plan --out PLAN) is applied without a\n"
    "question, from any directory, after checking that it goes to the server it observed and\n"
    "that neither the files, the server nor the plan file changed since.\n"
    "Requests run in dependency order (hosts before their virtual clusters, deletions of\n"
    "virtual clusters before their hosts); transient failures are retried with backoff.\n"
    "--parallelism defaults to 1 because the real API Server breaks two requests started in\n"
    "the same second; raise it only for servers that can take it.\n"
    "Environment: NAUTES_RETRY_BASE_MS sets the backoff base (default 1000).\n"
    "Exit 0 when every change was made, 1 otherwise.";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

typedef struct progress {
    bool tty;
} progress;

static const char *doing(const nt_plan *plan, size_t i)
{
    const nt_op *op = &plan->ops[i];
    if (op->kind == NT_OP_DELETE)
        return "deleting";
    return plan->actions[op->action].kind == NT_ACT_CREATE ? "creating" : "saving";
}

static void on_progress(void *ctx, nt_apply_event ev, const nt_plan *plan,
                        const nt_apply_report *report, size_t i, double elapsed, const char *detail)
{
    (void)ctx;
    const char *name = plan->actions[plan->ops[i].action].cluster;
    switch (ev) {
    case NT_APPLY_EV_FINISHED: {
        nt_buf b = NT_BUF_INIT;
        nt_apply_describe(plan, report, i, &b);
        printf("%s\n", nt_buf_str(&b));
        fflush(stdout);
        nt_buf_free(&b);
        break;
    }
    case NT_APPLY_EV_RETRY: {
        nt_buf b = NT_BUF_INIT; /* the detail names the cluster too, escaped (core/base/escape.h) */
        nt_buf_add_escaped(&b, detail ? detail : name, false);
        fprintf(stderr, "nautes: %s\n", nt_buf_str(&b));
        nt_buf_free(&b);
        break;
    }
    case NT_APPLY_EV_IN_FLIGHT: {
        nt_buf b = NT_BUF_INIT;
        nt_buf_add_escaped(&b, name, false);
        printf("%s: still %s (%.0fs elapsed)\n", nt_buf_str(&b), doing(plan, i), elapsed);
        fflush(stdout);
        nt_buf_free(&b);
        break;
    }
    default:
        break;
    }
}

static bool confirm(void)
{
    char line[64];
    printf("\nApply these changes? Only 'yes' is accepted: ");
    fflush(stdout);
    if (!fgets(line, sizeof(line), stdin))
        return false;
    line[strcspn(line, "\r\n")] = 0;
    return strcmp(line, "yes") == 0;
}

int cmd_apply(int argc, char **argv)
{
    nt_common c = NT_COMMON_INIT;
    bool auto_approve = false, prune = false;
    long parallelism = 1, retries = NT_RETRY_DEFAULT_COUNT, wait_prune = 300;
    nt_strlist targets = {0}, force = {0}, pos = {0};
    const nt_option opts[] = {
        {"auto-approve", OPT_BOOL, &auto_approve, NULL, "apply without asking for confirmation", 0,
         0},
        {"parallelism", OPT_INT, &parallelism, "N",
         "requests in flight at once (default 1: the real server breaks requests started in "
         "the same second)",
         1, 256},
        {"retries", OPT_INT, &retries, "N",
         "retries of a request after a transient failure (default 3)", 0, 100},
        {"wait-prune", OPT_INT, &wait_prune, "SEC",
         "how long to retry deleting a host still referenced by virtual clusters this apply "
         "deleted (default 300)",
         0, 86400},
        {"prune", OPT_BOOL, &prune, NULL, "delete clusters the files do not declare", 0, 0},
        {"target", OPT_LIST, &targets, "NAME",
         "apply only this cluster and what it depends on (repeatable)", 0, 0},
        {"force-update", OPT_LIST, &force, "NAME",
         "save this cluster even when nothing visible changed (repeatable)", 0, 0},
        NT_COMMON_OPTIONS(c),
        OPT_END,
    };
    int rc = NT_EXIT_ERROR;
    nt_diag diag = NT_DIAG_INIT;
    nt_buf out = NT_BUF_INIT;
    nt_cluster_set *desired = NULL, *actual = NULL;
    nt_plan *plan = NULL, *saved = NULL;
    nt_apply_report *report = NULL;
    nt_http_config cfg;
    bool have_cfg = false;
    memset(&cfg, 0, sizeof(cfg));

    const nt_cmd_spec spec = {
        synopsis, description, opts, 1, 0, "apply needs a saved PLAN or at least one FILE"};
    int args = nt_cmd_args(&spec, argc, argv, &pos);
    if (args) {
        rc = args > 0 ? NT_EXIT_OK : NT_EXIT_ERROR;
        goto done;
    }
    const char *saved_path =
        pos.n == 1 && nt_plan_file_is_saved(pos.items[0]) ? pos.items[0] : NULL;
    if (saved_path && (prune || targets.n || force.n)) {
        rc = nt_usage_error(synopsis, "--prune, --target and --force-update are fixed in a saved "
                                      "plan: make a new plan to change them");
        goto done;
    }
    if (!saved_path && !auto_approve && !isatty(0)) {
        fprintf(stderr, "nautes: stdin is not a terminal: pass --auto-approve to apply without "
                        "confirmation\n");
        goto done;
    }

    nt_plan_opts po = {
        .prune = prune,
        .targets = (const char *const *)targets.items,
        .n_targets = targets.n,
        .force = (const char *const *)force.items,
        .n_force = force.n,
    };
    /* a kubeconfig_file that cannot be read is an error only for the physical clusters this
     * apply saves (nt_plan_build with need_kubeconfig), before any request */
    const unsigned lf = NT_LOAD_KUBECONFIG_QUIET;
    if (saved_path) {
        if (nt_plan_file_read(saved_path, &saved, &diag) < 0)
            goto report;
        if (nt_load_paths(&desired, (const char *const *)saved->args, saved->n_args, lf, &diag) < 0)
            goto report;
        nt_plan_file_opts(saved, &po);
    } else if (nt_load_paths(&desired, (const char *const *)pos.items, pos.n, lf, &diag) < 0) {
        goto report;
    }
    po.need_kubeconfig = true;
    nt_validate_opts vo = {NT_GEN_UNKNOWN, false};
    if (nt_validate_set(desired, &vo, &diag) < 0 || nt_diag_has_errors(&diag))
        goto report;

    /* apply always writes through the API, whatever --state observes */
    if (nt_connect_config(&c, &cfg, &diag) < 0)
        goto report;
    have_cfg = true;
    cfg.retries = retries;
    if (nt_observe(c.state, &cfg, &actual, &diag) < 0)
        goto report;
    if (nt_plan_build(&plan, desired, actual, &po, &diag) < 0)
        goto report;
    if (saved && nt_plan_file_check(saved, desired, plan, &diag) < 0)
        goto report;

    nt_render_opts ro = {nt_use_color(1, c.no_color), c.verbose};
    nt_render_text(plan, &ro, &out);
    fputs(nt_buf_str(&out), stdout);
    fflush(stdout);
    /* warnings so far (e.g. --insecure) before the question */
    nt_print_diag(&diag, c.no_color);
    nt_diag_free(&diag);

    if (!nt_plan_has_changes(plan) || plan->n_ops == 0) {
        rc = NT_EXIT_OK; /* the plan's summary already said "No changes." */
        goto done;
    }
    if (!saved && !auto_approve && !confirm()) {
        printf("Apply cancelled.\n");
        goto done;
    }
    if (c.insecure_skip_check)
        fprintf(stderr, "nautes: note: insecure_skip_check=true is sent, but the real API "
                        "Server ignores it for clusters\n");

    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = (int)SA_RESETHAND; /* a second Ctrl-C stops at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    nt_apply_opts ao = NT_APPLY_OPTS_INIT;
    ao.parallelism = parallelism;
    ao.retries = retries;
    ao.wait_prune_sec = wait_prune;
    ao.insecure_skip_check = c.insecure_skip_check;
    ao.retry_base_ms = nt_env_ms("NAUTES_RETRY_BASE_MS", NT_RETRY_DEFAULT_BASE_MS);
    ao.tick_ms = isatty(1) ? 10000 : 0;
    ao.progress = on_progress;
    ao.interrupted = &interrupted;
    printf("\n");
    fflush(stdout);
    int run = nt_apply_run(&cfg, plan, &ao, &report, &diag);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);

    nt_buf_reset(&out);
    nt_apply_summary(report, &out);
    printf("\n%s\n", nt_buf_str(&out));
    if (report->interrupted)
        printf("Interrupted: requests in flight were finished, nothing new was started. Run the "
               "same apply again to finish.\n");
    else if (run != 0)
        printf("Fix what failed and run the same apply again: it only does what is still "
               "missing.\n");
    fflush(stdout);
    rc = run == 0 ? NT_EXIT_OK : NT_EXIT_ERROR;

report:
    if (nt_print_diag(&diag, c.no_color))
        rc = NT_EXIT_ERROR;
done:
    nt_apply_report_free(report);
    nt_plan_free(plan);
    nt_plan_free(saved);
    nt_cluster_set_free(actual);
    nt_cluster_set_free(desired);
    if (have_cfg)
        nt_http_config_free(&cfg);
    nt_diag_free(&diag);
    nt_buf_free(&out);
    nt_strlist_free(&targets);
    nt_strlist_free(&force);
    nt_strlist_free(&pos);
    return rc;
}
