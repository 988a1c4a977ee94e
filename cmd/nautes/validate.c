/* nautes validate FILE... — load and check desired-state files without touching a server. */
#include "cmd/nautes/commands.h"
#include "core/load/load.h"
#include "core/load/validate.h"

#include <stdio.h>
#include <string.h>

static const char synopsis[] = "validate [--api-version v0.3|v0.4] [--no-color] FILE|DIR...";

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

int cmd_validate(int argc, char **argv)
{
    bool no_color = false, help = false;
    const char *api_version = NULL;
    const nt_option opts[] = {
        {"api-version", OPT_STRING, &api_version, "GEN",
         "check for one server generation (v0.3 or v0.4); default: rules of both, v0.3-only "
         "ones as warnings",
         0, 0},
        {"no-color", OPT_BOOL, &no_color, NULL, "never colour the output", 0, 0},
        OPT_END,
    };
    nt_strlist pos = {0};
    nt_buf err = NT_BUF_INIT;
    nt_diag diag = NT_DIAG_INIT, checks = NT_DIAG_INIT, kept = NT_DIAG_INIT;
    nt_cluster_set *set = NULL;
    nt_validate_opts vo = {NT_GEN_UNKNOWN, false};
    int rc = NT_EXIT_ERROR;

    if (opt_parse(opts, argc, argv, &pos, &help, &err) < 0) {
        nt_usage_error(synopsis, nt_buf_str(&err));
        goto done;
    }
    if (help) {
        opt_usage(stdout, synopsis,
                  "Check desired-state files (native 'clusters:' lists or Go CLI 'kind: Cluster' "
                  "documents) with the API Server's rules and the whole-file rules. Prints every "
                  "problem as file:line:col and exits 1 on any error.",
                  opts);
        rc = NT_EXIT_OK;
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
    nt_validate_set(set, &vo, &checks);
    /* A rule about a missing field would only repeat a load error about that very field
     * ("api_server is required" after "unknown key 'api_sever'; did you mean 'api_server'?",
     * or after "api_server: expected a string"), so that one is dropped; every other problem
     * is reported, so that fixing a file never reveals an error that was there from the
     * start. */
    for (size_t i = 0; i < checks.n; i++) {
        nt_diag_item *it = &checks.items[i];
        const nt_cluster *c = it->cluster ? nt_cluster_set_find(set, it->cluster) : NULL;
        if (!nt_validate_repeats_load_error(it, c))
            nt_diag_addc(&kept, it->sev, it->code, (nt_pos){it->file, it->line, it->col},
                         it->cluster, "%s", it->msg);
    }
    nt_diag_move(&diag, &kept);
    if (nt_print_diag(&diag, no_color)) {
        rc = NT_EXIT_ERROR;
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
    nt_cluster_set_free(set);
    nt_diag_free(&diag);
    nt_diag_free(&checks);
    nt_diag_free(&kept);
    nt_strlist_free(&pos);
    nt_buf_free(&err);
    return rc;
}
