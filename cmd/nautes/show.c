/* show.c — `nautes show PLAN [--json|--markdown]`: print a saved plan (plan_file.h). */
#include "cmd/nautes/commands.h"

#include "core/plan/plan_file.h"
#include "core/render/render.h"

#include <stdio.h>

static const char synopsis[] = "show PLAN [--json | --markdown]";
static const char description[] =
    "Print a plan saved with nautes plan --out PLAN, as text, as JSON (docs/plan-json.md) or as\n"
    "Markdown (a merge-request comment or a CI job summary).";

int cmd_show(int argc, char **argv)
{
    bool json = false, markdown = false, no_color = false, verbose = false;
    nt_strlist pos = {0};
    const nt_option opts[] = {
        OPT_BOOL("json", &json, "print the plan as JSON"),
        OPT_BOOL("markdown", &markdown, "print the plan as Markdown"),
        OPT_BOOL("no-color", &no_color, "never colour the output"),
        OPT_BOOL("verbose", &verbose, "also list the clusters that need no change"),
        OPT_END,
    };
    int rc = NT_EXIT_ERROR;
    nt_diag diag = NT_DIAG_INIT;
    nt_buf out = NT_BUF_INIT;
    nt_plan *plan = NULL;

    const nt_cmd_spec spec = {
        synopsis, description, opts, 1, 1, "show needs exactly one saved PLAN file", false};
    int args = nt_cmd_args(&spec, argc, argv, &pos);
    if (args) {
        rc = args > 0 ? NT_EXIT_OK : NT_EXIT_ERROR;
        goto done;
    }
    if (json && markdown) {
        nt_usage_error(synopsis, "give --json or --markdown, not both");
        goto done;
    }
    if (nt_plan_file_read(pos.items[0], &plan, &diag) == 0) {
        if (markdown) {
            nt_render_markdown(plan, &out);
        } else if (json) {
            nt_render_json(plan, false, &out);
        } else {
            nt_render_opts ro = {nt_use_color(1, no_color), verbose};
            nt_render_text(plan, &ro, &out);
        }
        fputs(nt_buf_str(&out), stdout);
        rc = NT_EXIT_OK;
    }
    if (nt_print_diag(&diag, no_color))
        rc = NT_EXIT_ERROR;
done:
    nt_plan_free(plan);
    nt_diag_free(&diag);
    nt_buf_free(&out);
    nt_strlist_free(&pos);
    return rc;
}
