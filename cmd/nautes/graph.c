/* graph.c — `nautes graph FILE...`: the declared clusters' dependency graph in Graphviz DOT
 * or Mermaid. No server is needed, and kubeconfig files are not read. */
#include "cmd/nautes/commands.h"
#include "core/base/alloc.h"

#include "core/load/load.h"
#include "core/render/render.h"

#include <stdio.h>
#include <string.h>

static const char synopsis[] = "graph FILE... [--format dot|mermaid]";
static const char description[] =
    "Print the dependency graph of the declared clusters (virtual -> host) in Graphviz DOT,\n"
    "or in Mermaid, which GitLab and GitHub draw inline in Markdown. Render DOT with:\n"
    "nautes graph clusters.yaml | dot -Tsvg > clusters.svg";

int cmd_graph(int argc, char **argv)
{
    bool no_color = false;
    const char *format = "dot";
    nt_strlist pos = {0};
    const nt_option opts[] = {
        OPT_STRING("format", &format, "FORMAT",
                   "dot (Graphviz, the default) or mermaid (a ```mermaid block in Markdown)"),
        OPT_BOOL("no-color", &no_color, "never colour the diagnostics"),
        OPT_END,
    };
    int rc = NT_EXIT_ERROR;
    nt_diag diag = NT_DIAG_INIT;
    nt_buf out = NT_BUF_INIT;
    nt_cluster_set *set = NULL;

    const nt_cmd_spec spec = {synopsis, description, opts,
                              1,        NT_ARGS_ANY, "graph needs at least one FILE (or directory)",
                              true};
    int args = nt_cmd_args(&spec, argc, argv, &pos);
    if (args) {
        rc = args > 0 ? NT_EXIT_OK : NT_EXIT_ERROR;
        goto done;
    }
    bool mermaid = !strcmp(format, "mermaid");
    if (!mermaid && strcmp(format, "dot")) {
        nt_usage_error(synopsis, "--format is dot or mermaid");
        goto done;
    }
    if (nt_load_paths(&set, (const char *const *)pos.items, pos.n, NT_LOAD_NO_KUBECONFIG, &diag) ==
        0) {
        (mermaid ? nt_render_mermaid : nt_render_dot)(set, &out);
        fputs(nt_buf_str(&out), stdout);
        rc = NT_EXIT_OK;
    }
    if (nt_print_diag(&diag, no_color))
        rc = NT_EXIT_ERROR;
done:
    nt_heap_wind_down(); /* the run is over: free what it built, then exit */
    nt_cluster_set_free(set);
    nt_diag_free(&diag);
    nt_buf_free(&out);
    nt_strlist_free(&pos);
    return rc;
}
