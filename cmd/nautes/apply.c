/* apply.c — `nautes apply [PLAN | FILE...]`: plan, confirm, execute (docs/architecture.md §6). */
#include "cmd/nautes/commands.h"
#include "core/base/alloc.h"

#include "core/apply/apply.h"
#include "core/apply/apply_report.h"
#include "core/base/atomic_write.h"
#include "core/base/ansi.h"
#include "core/base/escape.h"
#include "core/base/retry.h"
#include "core/load/load.h"
#include "core/plan/plan_file.h"
#include "core/render/render.h"
#include "core/session/session.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char synopsis[] =
    "apply [PLAN | FILE...] [--auto-approve] [--parallelism N] [--start-interval MS] [--retries N] "
    "[--wait-prune SEC] [--prune] [--target NAME]... [--force-update NAME]... [--destroy] "
    "[--json FILE] [--junit FILE]";
static const char description[] =
    "Make the clusters on the API Server match the files. Plans first (as nautes plan), prints\n"
    "the plan and asks for 'yes' on a terminal (--auto-approve skips the question; without a\n"
    "terminal it is required). A saved plan (nautes plan --out PLAN) is applied without a\n"
    "question, from any directory, after checking that it goes to the server it observed and\n"
    "that neither the files, the server nor the plan file changed since.\n"
    "Requests run in dependency order (hosts before their virtual clusters, deletions of\n"
    "virtual clusters before their hosts); transient failures are retried with backoff.\n"
    "The real API Server breaks two overlapping requests started in the same second, so a\n"
    "request starts only when every request in flight started --start-interval ms before\n"
    "(default 1100; 0 turns it off, for servers without that rule); up to --parallelism\n"
    "(default 4) run at once. A collision that happens anyway is sent again and counted.\n"
    "--verbose says what each cluster waits for. --json FILE and --junit FILE write what was\n"
    "done, cluster by cluster, even when the apply fails or is interrupted.\n"
    "Environment: NAUTES_RETRY_BASE_MS sets the backoff base (default 1000).\n"
    "Exit 0 when every change was made, 1 otherwise.";

/* `nautes destroy FILE...`: apply --destroy, under its own name. */
static const char destroy_synopsis[] =
    "destroy FILE... [--auto-approve] [--parallelism N] [--start-interval MS] [--retries N] "
    "[--wait-prune SEC] [--prune] [--target NAME]... [--json FILE] [--junit FILE]";
static const char destroy_description[] =
    "Delete every cluster the files declare from the API Server: nautes apply --destroy. Plans\n"
    "first and prints the plan (each cluster to destroy), asks for 'yes' on a terminal\n"
    "(--auto-approve skips the question), then deletes virtual clusters before their hosts.\n"
    "A cluster with prevent_destroy: true stops the whole plan before any request. Clusters the\n"
    "files do not declare are left alone (--prune deletes them too). To review first, run\n"
    "nautes plan --destroy --out PLAN and then nautes apply PLAN.\n"
    "Exit 0 when every cluster was deleted, 1 otherwise.";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static bool color_stdout; /* colour the results: stdout is a terminal, no --no-color */

/* A result line ("NAME: created (2.5s)", "NAME: failed: ...") with its outcome word coloured
 * on a terminal: applied green, skipped yellow, failed red. */
static void print_result(const nt_plan *plan, const nt_apply_report *report, size_t i)
{
    nt_buf line = NT_BUF_INIT, name = NT_BUF_INIT, out = NT_BUF_INIT;
    nt_apply_describe(plan, report, i, &line);
    nt_buf_add_escaped(&name, plan->actions[plan->ops[i].action].cluster, false);
    size_t at = name.len + 2 < line.len ? name.len + 2 : line.len;
    size_t word = strspn(line.data + at, "abcdefghijklmnopqrstuvwxyz");
    nt_op_status st = report->ops[i].status;
    const char *code = st == NT_OPST_FAILED    ? NT_ANSI_RED
                       : st == NT_OPST_SKIPPED ? NT_ANSI_YELLOW
                       : st == NT_OPST_OK      ? NT_ANSI_GREEN
                                               : NT_ANSI_BOLD;
    nt_buf_add(&out, line.data, at);
    nt_ansi_paint(&out, color_stdout, code, line.data + at, word);
    nt_buf_adds(&out, line.data + at + word);
    printf("%s\n", nt_buf_str(&out));
    fflush(stdout);
    nt_buf_free(&line);
    nt_buf_free(&name);
    nt_buf_free(&out);
}

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
    case NT_APPLY_EV_FINISHED:
        print_result(plan, report, i);
        break;
    case NT_APPLY_EV_RETRY: {
        nt_buf b = NT_BUF_INIT; /* the detail names the cluster too, escaped (core/base/escape.h) */
        nt_buf_add_escaped(&b, detail ? detail : name, false);
        fprintf(stderr, "nautes: %s\n", nt_buf_str(&b));
        nt_buf_free(&b);
        break;
    }
    case NT_APPLY_EV_WAITING: /* --verbose, with its trace on stderr; escaped (apply.h) */
        fprintf(stderr, "%s\n", detail ? detail : name);
        break;
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

/* --json FILE / --junit FILE: what the apply did, written atomically whatever the outcome. */
static void write_reports(const char *json_path, const char *junit_path, nt_session *s,
                          const nt_apply_report *report)
{
    if (json_path) {
        nt_buf b = NT_BUF_INIT;
        nt_apply_report_json(s->plan, report, &s->diag, &b);
        nt_write_atomic(json_path, nt_buf_str(&b), b.len, 0644, 0, "the JSON report", &s->diag);
        nt_buf_free(&b);
    }
    if (junit_path) {
        nt_buf b = NT_BUF_INIT;
        nt_apply_report_junit(s->plan, report, &s->diag, &b);
        nt_write_atomic(junit_path, nt_buf_str(&b), b.len, 0644, 0, "the JUnit report", &s->diag);
        nt_buf_free(&b);
    }
}

/* Before any request: a report may not replace an input, a directory or a device. Returns -1
 * (with the error) when one would. */
static int check_reports(const nt_session *s, const char *json_path, const char *junit_path,
                         nt_diag *diag)
{
    const nt_input *in = s->desired ? s->desired->inputs : NULL;
    size_t n_in = s->desired ? s->desired->n_inputs : 0;
    int rc = 0;
    if (json_path && nt_plan_output_check(json_path, "the JSON report", false, in, n_in, diag) < 0)
        rc = -1;
    if (junit_path &&
        nt_plan_output_check(junit_path, "the JUnit report", false, in, n_in, diag) < 0)
        rc = -1;
    return rc;
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

/* Print the plan, then the messages so far (e.g. --insecure) before the question. */
static void show_plan(nt_session *s, const nt_common *c)
{
    nt_buf out = NT_BUF_INIT;
    nt_render_opts ro = {nt_use_color(1, c->no_color), c->verbose};
    nt_render_text(s->plan, &ro, &out);
    fputs(nt_buf_str(&out), stdout);
    fflush(stdout);
    nt_buf_free(&out);
    nt_print_diag(&s->diag, c->no_color);
    nt_diag_free(&s->diag);
}

/* Run the plan's requests (Ctrl-C stops starting new ones) and print the summary. Returns
 * nt_apply_run's result. */
static int execute(nt_session *s, nt_apply_opts *ao, bool verbose, bool no_color,
                   nt_apply_report **report)
{
    color_stdout = nt_use_color(1, no_color);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = (int)SA_RESETHAND; /* a second Ctrl-C stops at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    ao->retry_base_ms = nt_env_ms("NAUTES_RETRY_BASE_MS", NT_RETRY_DEFAULT_BASE_MS);
    ao->tick_ms = isatty(1) ? 10000 : 0;
    ao->report_waits = verbose;
    ao->progress = on_progress;
    ao->interrupted = &interrupted;
    printf("\n");
    fflush(stdout);
    int run = nt_apply_run(&s->http, s->plan, ao, report, &s->diag);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);

    /* the summary's head coloured on a terminal: complete green, failed or interrupted red */
    nt_buf sum = NT_BUF_INIT, out = NT_BUF_INIT;
    nt_apply_summary(*report, &sum);
    size_t head = strcspn(sum.data, ":");
    bool complete = !strncmp(sum.data, "Apply complete", head);
    nt_ansi_paint(&out, color_stdout, complete ? NT_ANSI_GREEN : NT_ANSI_RED, sum.data, head);
    nt_buf_adds(&out, sum.data + head);
    printf("\n%s\n", nt_buf_str(&out));
    nt_buf_free(&sum);
    nt_buf_free(&out);
    if ((*report)->interrupted)
        printf("Interrupted: requests in flight were finished, nothing new was started. Run the "
               "same apply again to finish.\n");
    else if (run != 0)
        printf("Fix what failed and run the same apply again: it only does what is still "
               "missing.\n");
    fflush(stdout);
    return run;
}

/* apply, or destroy (apply --destroy under its own name: FILEs only, no saved plan) */
static int run(int argc, char **argv, bool destroy)
{
    const char *syn = destroy ? destroy_synopsis : synopsis;
    nt_common c = NT_COMMON_INIT;
    nt_select sel = {0};
    bool auto_approve = false;
    long parallelism = NT_APPLY_PARALLELISM_DEFAULT, retries = NT_RETRY_DEFAULT_COUNT;
    long wait_prune = 300, start_interval = NT_APPLY_START_INTERVAL_DEFAULT;
    const char *json_path = NULL, *junit_path = NULL;
    bool reports = false; /* the reports are written from here on */
    nt_strlist pos = {0};
    const nt_option opts[] = {
        OPT_BOOL("auto-approve", &auto_approve, "apply without asking for confirmation"),
        OPT_INT_ENV("parallelism", &parallelism, "N", 1, 256, "NAUTES_PARALLELISM",
                    "requests in flight at once (default: $NAUTES_PARALLELISM, else 4)"),
        OPT_INT_ENV("start-interval", &start_interval, "MS", 0, 60000, "NAUTES_START_INTERVAL",
                    "start a request only when every request in flight started MS ms before "
                    "(default: $NAUTES_START_INTERVAL, else 1100: the real server breaks requests "
                    "started in the same second; 0: off)"),
        OPT_INT("retries", &retries, "N", 0, 100,
                "retries of a request after a transient failure (default 3)"),
        OPT_INT("wait-prune", &wait_prune, "SEC", 0, 86400,
                "how long to retry deleting a host still referenced by virtual clusters this "
                "apply deleted (default 300)"),
        OPT_STRING("json", &json_path, "FILE",
                   "also write what the apply did, cluster by cluster, to FILE as JSON (even "
                   "when it fails)"),
        OPT_STRING("junit", &junit_path, "FILE",
                   "also write what the apply did to FILE as a JUnit XML report (even when it "
                   "fails)"),
        NT_SELECT_OPTIONS(sel),
        NT_COMMON_OPTIONS(c),
        OPT_END,
    };
    int rc = NT_EXIT_ERROR;
    nt_session s;
    nt_session_init(&s);
    nt_apply_report *report = NULL;

    const nt_cmd_spec spec = {syn,
                              destroy ? destroy_description : description,
                              opts,
                              1,
                              NT_ARGS_ANY,
                              destroy ? "destroy needs at least one FILE (or directory)"
                                      : "apply needs a saved PLAN or at least one FILE",
                              destroy};
    int args = nt_cmd_args(&spec, argc, argv, &pos);
    if (args) {
        rc = args > 0 ? NT_EXIT_OK : NT_EXIT_ERROR;
        goto done;
    }
    sel.destroy |= destroy;
    if (nt_select_check(&sel, syn) < 0)
        goto done;
    const char *saved_path =
        pos.n == 1 && nt_plan_file_is_saved(pos.items[0]) ? pos.items[0] : NULL;
    if (saved_path && (sel.prune || sel.targets.n || sel.force.n || sel.destroy)) {
        rc = nt_usage_error(syn, "--prune, --target, --force-update and --destroy are fixed in a "
                                 "saved plan: make a new plan to change them");
        goto done;
    }
    if (!saved_path && !auto_approve && !isatty(0)) {
        fprintf(stderr, "nautes: stdin is not a terminal: pass --auto-approve to apply without "
                        "confirmation\n");
        goto done;
    }

    /* a kubeconfig_file that cannot be read is an error only for the physical clusters this
     * apply saves (nt_plan_build with need_kubeconfig), before any request */
    const unsigned lf = NT_LOAD_KUBECONFIG_QUIET;
    nt_plan_opts po = nt_select_plan_opts(&sel);
    int loaded = saved_path ? nt_session_load_saved(&s, saved_path, lf, &po)
                            : nt_session_load(&s, (const char *const *)pos.items, pos.n, lf);
    po.need_kubeconfig = true;
    if (check_reports(&s, json_path, junit_path, &s.diag) < 0)
        goto report;
    reports = json_path || junit_path;
    if (loaded < 0 || nt_session_validate(&s) < 0 || nt_cmd_connect(&s, &c, true) < 0)
        goto report;
    s.http.retries = retries;
    if (nt_session_observe(&s, c.state) < 0 || nt_session_plan(&s, &po) < 0)
        goto report;

    show_plan(&s, &c);
    if (!nt_plan_has_changes(s.plan) || s.plan->n_ops == 0) {
        rc = NT_EXIT_OK; /* the plan's summary already said "No changes." */
        goto report;
    }
    if (!s.saved && !auto_approve && !confirm()) {
        printf("Apply cancelled.\n");
        goto report;
    }
    if (c.insecure_skip_check)
        fprintf(stderr, "nautes: note: insecure_skip_check=true is sent, but the real API "
                        "Server ignores it for clusters\n");

    nt_apply_opts ao = NT_APPLY_OPTS_INIT;
    ao.parallelism = parallelism;
    ao.start_interval_ms = start_interval;
    ao.retries = retries;
    ao.wait_prune_sec = wait_prune;
    ao.insecure_skip_check = c.insecure_skip_check;
    int run = execute(&s, &ao, c.verbose, c.no_color, &report);
    rc = run == 0 ? NT_EXIT_OK : NT_EXIT_ERROR;

report:
    if (reports)
        write_reports(json_path, junit_path, &s, report);
    if (nt_print_diag(&s.diag, c.no_color))
        rc = NT_EXIT_ERROR;
done:
    nt_heap_wind_down(); /* the run is over: free what it built, then exit */
    nt_apply_report_free(report);
    nt_session_free(&s);
    nt_select_free(&sel);
    nt_strlist_free(&pos);
    return rc;
}

int cmd_apply(int argc, char **argv)
{
    return run(argc, argv, false);
}

int cmd_destroy(int argc, char **argv)
{
    return run(argc, argv, true);
}
