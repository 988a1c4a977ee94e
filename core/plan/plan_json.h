/* plan_json.h — the plan as one JSON document (docs/plan-json.md): what `--json` prints and
 * what a saved plan holds. The plan's own floor owns its schema; renderers and the saved-plan
 * file both build on it. */
#ifndef NT_PLAN_JSON_H
#define NT_PLAN_JSON_H

#include "core/plan/plan.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

/* A new document (the caller deletes it). `saved`: the form a saved plan holds (the inputs,
 * the observed fingerprint, the options). */
cJSON *nt_plan_to_json(const nt_plan *plan, bool saved);

#endif
