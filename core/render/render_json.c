/* render_json.c — the plan as one JSON document (schema: docs/plan-json.md). */
#include "core/render/render.h"

#include "core/plan/plan_json.h"

#include "core/base/alloc.h"
#include "core/base/json_text.h"

#include <stdlib.h>
#include <string.h>

void nt_render_json(const nt_plan *plan, bool saved, nt_buf *out)
{
    cJSON *doc = nt_plan_to_json(plan, saved);
    if (nt_json_print(doc, out) < 0)
        nt_buf_adds(out, "{}\n");
    cJSON_Delete(doc);
}
