/* nautes validate FILE... — load and check desired-state files without touching a server. */
#include "cmd/nautes/commands.h"
#include "core/load.h"
#include "core/validate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char synopsis[] = "validate [--api-version v0.3|v0.4] [--no-color] FILE|DIR...";

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* Whether `key` is among c->failed_keys, in either spelling (api_server, apiServer). */
static bool key_failed(const nt_cluster *c, const char *key)
{
    for (const char *p = c->failed_keys; p && *p;) {
        p += strspn(p, " ");
        size_t n = strcspn(p, " ");
        const char *a = p, *b = key;
        while (a < p + n || *b) {
            if (a < p + n && *a == '_') {
                a++;
            } else if (*b == '_') {
                b++;
            } else if (a < p + n && *b &&
                       tolower((unsigned char)*a) == tolower((unsigned char)*b)) {
                a++;
                b++;
            } else {
                break;
            }
        }
        if (n && a == p + n && !*b)
            return true;
        p += n;
    }
    return false;
}

/* A rule reported at the entry (the field it wants is missing) whose field did not load. */
static bool repeats_a_load_error(const nt_diag_item *it, const nt_cluster *c)
{
    /* the field each rule wants, then the fields it depends on ("a worker needs worker_type"
     * depends on usage); every rule depends on state (an absent entry is only named) */
    static const struct {
        int code;
        const char *keys[7];
    } wants[] = {
        {NT_RULE_API_SERVER_REQUIRED, {"api_server"}},
        {NT_RULE_CLUSTER_KIND_REQUIRED, {"cluster_kind"}},
        {NT_RULE_CLUSTER_TYPE_ENUM, {"cluster_type"}},
        {NT_RULE_USAGE_ENUM, {"usage"}},
        {NT_RULE_VIRTUAL_WORKER_HOST, {"host_cluster", "cluster_type", "usage"}},
        {NT_RULE_VIRTUAL_NEEDS_HOST, {"host_cluster", "cluster_type", "usage"}},
        {NT_RULE_WORKER_TYPE_REQUIRED, {"worker_type", "usage"}},
        {NT_RULE_TRAEFIK_REQUIRED, {"traefik", "cluster_type"}},
        {NT_RULE_KUBECONFIG_REQUIRED, {"kubeconfig", "kubeconfig_file", "cluster_type"}},
        {NT_RULE_VCLUSTER_PORT, {"vcluster", "api_server", "cluster_type"}},
        {NT_RULE_KIND_COMBINATION, {"cluster_type", "usage", "worker_type"}},
        {NT_RULE_DEFAULT_NEEDS_IP,
         {"argocd_host", "tekton_host", "components_list", "api_server", "cluster_type", "usage",
          "worker_type"}},
    };
    if (!c || !c->failed_keys)
        return false;
    bool at_entry = (it->line == c->pos.line && it->col == c->pos.col) ||
                    (it->line == c->name_pos.line && it->col == c->name_pos.col) || !it->line;
    if (!at_entry)
        return false;
    if (key_failed(c, "state"))
        return true;
    for (size_t i = 0; i < sizeof wants / sizeof wants[0]; i++)
        if (wants[i].code == it->code)
            for (size_t k = 0; k < 7 && wants[i].keys[k]; k++)
                if (key_failed(c, wants[i].keys[k]))
                    return true;
    return false;
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
        if (!repeats_a_load_error(it, c))
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
