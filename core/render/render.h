/* render.h — a plan as text, as JSON, and the declared clusters as a Graphviz graph.
 *
 * Renderers append to an nt_buf; cmd/ prints it. None of them ever writes a secret: a
 * kubeconfig change is "(sensitive)" and a plan holds no token. */
#ifndef NT_RENDER_H
#define NT_RENDER_H

#include "core/base/buf.h"
#include "core/base/diag.h"
#include "core/model/model.h"
#include "core/plan/plan.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

typedef struct nt_render_opts {
    bool color;   /* ANSI colours (cmd/ decides: nt_use_color) */
    bool verbose; /* also list the clusters that need no change */
} nt_render_opts;

/* The text form (docs/architecture.md §5): a header per cluster in execution order, a line per
 * changed field, the unmanaged clusters, the fields not compared, the summary line. */
void nt_render_text(const nt_plan *plan, const nt_render_opts *opts, nt_buf *out);

/* The JSON document of docs/plan-json.md, pretty-printed, with a final newline. `saved`
 * adds what a saved plan carries (the {"nautes_plan":1} marker, options, observed hashes). */
void nt_render_json(const nt_plan *plan, bool saved, nt_buf *out);

/* The plan as Markdown for a merge-request comment or a job summary: the summary line in bold,
 * a table of the clusters that change (cluster, kind, action, changed fields; a secret's field
 * marked "(sensitive)", never its value) and the text plan, uncoloured, in a collapsible
 * <details> block fenced as `diff`. */
void nt_render_markdown(const nt_plan *plan, nt_buf *out);

/* The counts GitLab's merge-request widget shows ("N to add, N to change, N to delete"), the
 * JSON an artifact `reports: terraform:` holds: {"create": N, "update": N, "delete": N}; a
 * replace counts as a create and a delete. */
void nt_render_gitlab_report(const nt_plan *plan, nt_buf *out);

/* The diagnostics as one JSON document (`validate --json`): {"valid", "errors", "warnings",
 * "diagnostics": [{"severity", "file", "line", "column", "cluster", "rule", "message"}]}. */
void nt_render_diag_json(const nt_diag *d, nt_buf *out);
/* The diagnostics as a GitLab Code Quality report (`reports: codequality:`): an array of
 * {"description", "check_name", "fingerprint", "severity", "location": {"path", "lines":
 * {"begin"}}}; a finding without a position is reported at default_path, line 1. The
 * fingerprint leaves the line out, so that moving a finding does not make it new. */
void nt_render_codequality(const nt_diag *d, const char *default_path, nt_buf *out);

/* The dependency graph of the declared clusters in DOT: virtual -> host edges; clusters
 * declared absent are dashed, hosts named but not declared dotted. */
void nt_render_dot(const nt_cluster_set *desired, nt_buf *out);
/* The same graph in Mermaid (`flowchart BT`), which GitLab and GitHub draw inline in Markdown:
 * absent clusters dashed, hosts named but not declared dotted, prevent_destroy bold. */
void nt_render_mermaid(const nt_cluster_set *desired, nt_buf *out);

/* The summary line, without newline: "Plan: 1 to add, ..." or "No changes. ..." */
void nt_render_summary(const nt_plan *plan, nt_buf *out);

#endif
