/* apply_report.h — what an apply did, as files for CI: `apply --json FILE` and
 * `apply --junit FILE` (docs/cli.md "Apply reports").
 *
 * One entry per cluster of the plan, in the plan's order: its action and what became of it
 * (`ok`, `failed` with the error, `skipped` with the cluster whose failure skipped it,
 * `not_started` when the apply stopped first, `unchanged`), and the errors of the run that
 * no cluster owns. Both are written whether the apply succeeded, failed or was interrupted,
 * and also when it stopped before its first request (report NULL: every cluster of the plan
 * not started, or no plan at all). Nothing secret is ever in them: the errors are the
 * redacted ones the terminal shows. */
#ifndef NT_APPLY_REPORT_H
#define NT_APPLY_REPORT_H

#include "core/apply/apply.h"
#include "core/base/buf.h"
#include "core/base/diag.h"
#include "core/plan/plan.h"

/* {"nautes_apply_report": 1, "result": "complete" | "failed" | "interrupted", "summary": {...},
 *  "elapsed_seconds", "source", "clusters": [...], "errors": [...]} (docs/cli.md), indented
 * with two spaces, with a final newline. plan and report may be NULL. */
void nt_apply_report_json(const nt_plan *plan, const nt_apply_report *report, const nt_diag *diag,
                          nt_buf *out);

/* JUnit XML: a testsuite "nautes apply" with one testcase per cluster (passed when applied or
 * unchanged, <failure> when it failed, <skipped> with the reason when it was skipped or not
 * started) and a testcase "nautes apply" with an <error> for the run's own errors. */
void nt_apply_report_junit(const nt_plan *plan, const nt_apply_report *report, const nt_diag *diag,
                           nt_buf *out);

#endif
