/* render_markdown.c — the plan as Markdown, for a merge-request comment or a CI job summary
 * (GitLab, GitHub): the summary line, a table of the clusters that change, and the text plan
 * in a collapsible block. Secrets are "(sensitive)", as in the text. */
#include "core/render/render.h"

#include "core/base/escape.h"

#include <string.h>

/* A table cell: control bytes escaped (core/base/escape.h), '|' escaped so that it does not
 * end the cell, backticks dropped from inside the code span. */
static void cell(nt_buf *out, const char *s, bool code)
{
    nt_buf esc = NT_BUF_INIT;
    nt_buf_add_escaped(&esc, s, false);
    if (code)
        nt_buf_addc(out, '`');
    for (const char *p = nt_buf_str(&esc); *p; p++) {
        if (*p == '|')
            nt_buf_adds(out, "\\|");
        else if (*p != '`' || !code)
            nt_buf_addc(out, *p);
    }
    if (code)
        nt_buf_addc(out, '`');
    nt_buf_free(&esc);
}

/* A code fence longer than any run of backticks in the text (CommonMark): a value holding
 * ``` cannot close the block early. */
static size_t fence_len(const char *text)
{
    size_t longest = 0, run = 0;
    for (const char *p = text; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    return longest >= 3 ? longest + 1 : 3;
}

void nt_render_markdown(const nt_plan *plan, nt_buf *out)
{
    nt_buf_adds(out, "**");
    nt_render_summary(plan, out);
    nt_buf_adds(out, "**\n");
    if (!nt_plan_has_changes(plan) && !plan->n_unmanaged && !plan->n_unseen)
        return;
    if (nt_plan_has_changes(plan)) {
        nt_buf_adds(out, "\n| cluster | kind | action | changed fields |\n|---|---|---|---|\n");
        for (size_t i = 0; i < plan->n_actions; i++) {
            const nt_action *a = &plan->actions[i];
            if (a->kind == NT_ACT_NOOP)
                continue;
            nt_buf_adds(out, "| ");
            cell(out, a->cluster, true);
            nt_buf_adds(out, " | ");
            cell(out, a->label ? a->label : "", false);
            nt_buf_addf(out, " | %s | ",
                        a->kind == NT_ACT_DELETE ? "destroy" : nt_action_name(a->kind));
            for (size_t j = 0; j < a->n_changes; j++) {
                if (j)
                    nt_buf_adds(out, ", ");
                cell(out, a->changes[j].path, false);
                if (a->changes[j].sensitive)
                    nt_buf_adds(out, " (sensitive)");
            }
            nt_buf_adds(out, " |\n");
        }
    }
    nt_buf text = NT_BUF_INIT;
    nt_render_opts ro = {false, false};
    nt_render_text(plan, &ro, &text);
    size_t f = fence_len(nt_buf_str(&text));
    nt_buf_adds(out, "\n<details><summary>The plan</summary>\n\n");
    for (size_t i = 0; i < f; i++)
        nt_buf_addc(out, '`');
    nt_buf_adds(out, "diff\n");
    nt_buf_adds(out, nt_buf_str(&text));
    if (text.len && text.data[text.len - 1] != '\n')
        nt_buf_addc(out, '\n');
    for (size_t i = 0; i < f; i++)
        nt_buf_addc(out, '`');
    nt_buf_adds(out, "\n\n</details>\n");
    nt_buf_free(&text);
}
