/* nautes validate FILE... — load and check desired-state files without touching a server. */
#include "cmd/nautes/commands.h"
#include "core/base/alloc.h"
#include "core/load/load.h"
#include "core/load/validate.h"
#include "core/base/atomic_write.h"
#include "core/render/render.h"

#include <stdio.h>
#include <string.h>

static const char synopsis[] =
    "validate [--api-version v0.3|v0.4] [--json] [--codequality FILE] [--no-color] FILE|DIR...";
static const char description[] =
    "Check desired-state files (native 'clusters:' lists or Go CLI 'kind: Cluster' documents) "
    "with the API Server's rules and the whole-file rules. Prints every problem as "
    "file:line:col and exits 1 on any error. --json prints the findings as JSON on stdout;\n"
    "--codequality FILE writes them as a GitLab Code Quality report.";

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

int cmd_validate(int argc, char **argv)
{
    bool no_color = false, json = false;
    const char *api_version = NULL, *codequality = NULL;
    const nt_option opts[] = {
        OPT_STRING("api-version", &api_version, "GEN",
                   "check for one server generation (v0.3 or v0.4); default: rules of both, "
                   "v0.3-only ones as warnings"),
        OPT_BOOL("json", &json, "print the findings as one JSON document on stdout"),
        OPT_STRING("codequality", &codequality, "FILE",
                   "also write the findings as a GitLab Code Quality report to FILE\n"
                   "(artifacts: reports: codequality:), written whether or not they pass"),
        OPT_BOOL("no-color", &no_color, "never colour the output"),
        OPT_END,
    };
    nt_strlist pos = {0};
    nt_diag diag = NT_DIAG_INIT;
    nt_cluster_set *set = NULL;
    nt_validate_opts vo = {NT_GEN_UNKNOWN, false};
    int rc = NT_EXIT_ERROR;

    const nt_cmd_spec spec = {synopsis, description, opts, 0, NT_ARGS_ANY, NULL, true};
    int args = nt_cmd_args(&spec, argc, argv, &pos);
    if (args) {
        rc = args > 0 ? NT_EXIT_OK : NT_EXIT_ERROR;
        goto done;
    }
    if (api_version && nt_gen_parse(api_version, &vo.gen) < 0) {
        nt_usage_error(synopsis, "--api-version must be v0.3 or v0.4");
        goto done;
    }
    if (pos.n == 0) {
        nt_usage_error(synopsis, "validate needs at least one file or directory");
        goto done;
    }
    nt_load_paths(&set, (const char *const *)pos.items, pos.n, 0, &diag);
    nt_validate_loaded(set, &vo, &diag);
    if (json || codequality) {
        nt_diag_sort(&diag); /* the order the text lists them in */
        nt_buf b = NT_BUF_INIT;
        if (json) {
            nt_render_diag_json(&diag, &b);
            fputs(nt_buf_str(&b), stdout);
        }
        if (codequality) {
            nt_buf_reset(&b);
            nt_render_codequality(&diag, pos.items[0], &b);
            nt_write_atomic(codequality, nt_buf_str(&b), b.len, 0644, 0, "the Code Quality report",
                            &diag);
        }
        nt_buf_free(&b);
    }
    if (nt_print_diag(&diag, no_color)) {
        rc = NT_EXIT_ERROR;
        goto done;
    }
    if (json) {
        rc = NT_EXIT_OK;
        goto done;
    }
    size_t hosts = 0, workers = 0, absent = 0;
    for (size_t i = 0; i < set->n; i++) {
        const nt_cluster *c = set->items[i];
        if (c->state == NT_STATE_ABSENT)
            absent++;
        else if (nt_cluster_is_host(c))
            hosts++;
        else if (nt_cluster_is_worker(c))
            workers++;
    }
    printf("%zu %s, %zu %s: valid (%zu %s, %zu %s, %zu to delete)\n", set->n_files,
           plural(set->n_files, "file", "files"), set->n, plural(set->n, "cluster", "clusters"),
           hosts, plural(hosts, "host", "hosts"), workers, plural(workers, "worker", "workers"),
           absent);
    rc = NT_EXIT_OK;
done:
    nt_heap_wind_down(); /* the run is over: free what it built, then exit */
    nt_cluster_set_free(set);
    nt_diag_free(&diag);
    nt_strlist_free(&pos);
    return rc;
}
