/* render_junit.h — a plan as a JUnit XML report, for CI (GitLab's test report, Jenkins).
 *
 * One testsuite "nautes drift" with one testcase per cluster the plan knows (declared or
 * observed): passed when nothing would change, a <failure> holding the plan's change lines
 * when the cluster would be created, updated, replaced or deleted (drift), <skipped> for an
 * observed cluster the files do not manage, and an <error> for the errors of the run (a
 * testcase per cluster they name, else one testcase "nautes plan"). Everything is
 * XML-escaped; sensitive values are never written, only "(sensitive)". */
#ifndef NT_RENDER_JUNIT_H
#define NT_RENDER_JUNIT_H

#include "core/base/buf.h"
#include "core/base/diag.h"
#include "core/plan/plan.h"

#include <stdbool.h>

/* XML 1.0 text (attr false) or attribute value (attr true) of s (NULL: ""): markup characters
 * as entities; in attributes also newlines and tabs (which the parser would normalise);
 * characters XML cannot hold (C0 controls, invalid UTF-8) as U+FFFD. Appends to out. */
void nt_xml_escape(nt_buf *out, const char *s, bool attr);

/* An <error> element (indented for a testcase) holding every error of diag for the cluster
 * `name` (NULL: the errors that name no cluster), each formatted as the terminal shows it;
 * nothing when there is none. Returns whether one was written. */
bool nt_junit_error(nt_buf *out, const nt_diag *diag, const char *name);

/* Append the report to out. plan may be NULL (the run failed before a plan existed: the
 * report then holds the errors of diag); diag may be NULL. */
void nt_render_junit(const nt_plan *plan, const nt_diag *diag, nt_buf *out);

#endif
