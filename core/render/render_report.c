/* render_report.c — the plan's counts for GitLab's merge-request widget (render.h). */
#include "core/render/render.h"

#include "core/base/json_text.h"

void nt_render_gitlab_report(const nt_plan *plan, nt_buf *out)
{
    /* a replace deletes the cluster and creates it again: it counts as both, as Terraform's
     * report counts a replacement */
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "create", (double)(plan->n_create + plan->n_replace));
    cJSON_AddNumberToObject(doc, "update", (double)plan->n_update);
    cJSON_AddNumberToObject(doc, "delete", (double)(plan->n_delete + plan->n_replace));
    if (nt_json_print(doc, out) < 0)
        nt_buf_adds(out, "{}\n");
    cJSON_Delete(doc);
}
