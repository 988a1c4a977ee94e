/* apply_report.c — an apply's outcome as JSON and as JUnit XML (see apply_report.h). */
#include "core/apply/apply_report.h"

#include "core/base/alloc.h"
#include "core/base/escape.h"
#include "core/base/json_text.h"
#include "core/render/render_junit.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#define SUITE "nautes apply"
#define NO_OP ((size_t)-1)

/* What became of one cluster: the op that tells (the failed one, else the skipped one, else
 * one not started, else the last), and the sums over its ops. */
typedef struct outcome {
    const char *status; /* ok, failed, skipped, not_started, unchanged */
    size_t op;          /* NO_OP: the cluster has no op */
    unsigned attempts;
    double duration;
} outcome;

static int rank(nt_op_status s)
{
    switch (s) {
    case NT_OPST_FAILED:
        return 3;
    case NT_OPST_SKIPPED:
        return 2;
    case NT_OPST_NOT_STARTED:
        return 1;
    default:
        return 0;
    }
}

/* One pass over the ops: out[a] for every action a of plan. */
static outcome *outcomes(const nt_plan *plan, const nt_apply_report *rep)
{
    outcome *out = nt_xcalloc(plan->n_actions ? plan->n_actions : 1, sizeof(*out));
    for (size_t a = 0; a < plan->n_actions; a++)
        out[a] = (outcome){"unchanged", NO_OP, 0, 0};
    for (size_t i = 0; i < plan->n_ops; i++) {
        outcome *o = &out[plan->ops[i].action];
        nt_op_status st = rep ? rep->ops[i].status : NT_OPST_NOT_STARTED;
        if (rep) {
            o->attempts += rep->ops[i].attempts;
            o->duration += rep->ops[i].duration;
        }
        if (o->op == NO_OP || rank(st) >= rank(rep ? rep->ops[o->op].status : NT_OPST_NOT_STARTED))
            o->op = i;
    }
    for (size_t a = 0; a < plan->n_actions; a++) {
        outcome *o = &out[a];
        if (o->op == NO_OP)
            continue;
        switch (rep ? rep->ops[o->op].status : NT_OPST_NOT_STARTED) {
        case NT_OPST_OK:
            o->status = "ok";
            break;
        case NT_OPST_FAILED:
            o->status = "failed";
            break;
        case NT_OPST_SKIPPED:
            o->status = "skipped";
            break;
        default:
            o->status = "not_started";
        }
    }
    return out;
}

/* nt_apply_describe's line without its "NAME: " (the report names the cluster apart). */
static void describe(const nt_plan *plan, const nt_apply_report *rep, size_t op, nt_buf *out)
{
    nt_buf line = NT_BUF_INIT, name = NT_BUF_INIT;
    nt_apply_describe(plan, rep, op, &line);
    nt_buf_add_escaped(&name, plan->actions[plan->ops[op].action].cluster, false);
    size_t skip = name.len + 2;
    nt_buf_adds(out, line.len > skip ? nt_buf_str(&line) + skip : nt_buf_str(&line));
    nt_buf_free(&line);
    nt_buf_free(&name);
}

/* The cluster whose failure skipped op (its action's name), or NULL. */
static const char *skipped_because(const nt_plan *plan, const nt_apply_report *rep, size_t op)
{
    if (!rep || rep->ops[op].status != NT_OPST_SKIPPED)
        return NULL;
    return plan->actions[plan->ops[rep->ops[op].cause].action].cluster;
}

static const char *result_word(const nt_plan *plan, const nt_apply_report *rep, const nt_diag *diag)
{
    if (rep && rep->interrupted)
        return "interrupted";
    if (!rep)
        return plan && !(diag && nt_diag_has_errors(diag)) && plan->n_ops == 0 ? "complete"
                                                                               : "failed";
    if (rep->n_failed || rep->n_skipped || rep->n_not_started || (diag && nt_diag_has_errors(diag)))
        return "failed";
    return "complete";
}

/* The run's errors, one line each (file:line:column when they have one). */
static void error_text(const nt_diag_item *it, nt_buf *out)
{
    nt_diag_format_item(it, out, false);
    while (out->len && out->data[out->len - 1] == '\n')
        out->data[--out->len] = 0;
}

void nt_apply_report_json(const nt_plan *plan, const nt_apply_report *rep, const nt_diag *diag,
                          nt_buf *out)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "nautes_apply_report", 1);
    cJSON_AddStringToObject(doc, "result", result_word(plan, rep, diag));
    cJSON *sum = cJSON_AddObjectToObject(doc, "summary");
    const nt_apply_report zero = {0};
    const nt_apply_report *r = rep ? rep : &zero;
    cJSON_AddNumberToObject(sum, "created", (double)r->n_created);
    cJSON_AddNumberToObject(sum, "updated", (double)r->n_updated);
    cJSON_AddNumberToObject(sum, "replaced", (double)r->n_replaced);
    cJSON_AddNumberToObject(sum, "deleted", (double)r->n_deleted);
    cJSON_AddNumberToObject(sum, "failed", (double)r->n_failed);
    cJSON_AddNumberToObject(sum, "skipped", (double)r->n_skipped);
    cJSON_AddNumberToObject(sum, "not_started",
                            rep    ? (double)rep->n_not_started
                            : plan ? (double)plan->n_ops
                                   : 0);
    cJSON_AddNumberToObject(sum, "retries", (double)r->retries);
    cJSON_AddNumberToObject(sum, "collisions", (double)r->collisions);
    cJSON_AddNumberToObject(doc, "elapsed_seconds", (double)(long long)(r->elapsed * 1000) / 1000);
    if (plan && plan->source)
        cJSON_AddStringToObject(doc, "source", plan->source);
    else
        cJSON_AddNullToObject(doc, "source");

    cJSON *arr = cJSON_AddArrayToObject(doc, "clusters");
    outcome *oc = plan ? outcomes(plan, rep) : NULL;
    for (size_t a = 0; plan && a < plan->n_actions; a++) {
        const nt_action *act = &plan->actions[a];
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "name", act->cluster);
        cJSON_AddStringToObject(c, "action", nt_action_name(act->kind));
        cJSON_AddStringToObject(c, "status", oc[a].status);
        cJSON_AddNumberToObject(c, "attempts", oc[a].attempts);
        cJSON_AddNumberToObject(c, "duration_seconds",
                                (double)(long long)(oc[a].duration * 1000) / 1000);
        if (oc[a].op != NO_OP && rep) {
            nt_buf d = NT_BUF_INIT;
            describe(plan, rep, oc[a].op, &d);
            cJSON_AddStringToObject(c, "outcome", nt_buf_str(&d));
            nt_buf_free(&d);
            const char *cause = skipped_because(plan, rep, oc[a].op);
            if (cause)
                cJSON_AddStringToObject(c, "skipped_because", cause);
            if (rep->ops[oc[a].op].status == NT_OPST_FAILED && rep->ops[oc[a].op].error)
                cJSON_AddStringToObject(c, "error", rep->ops[oc[a].op].error);
        }
        cJSON_AddItemToArray(arr, c);
    }
    free(oc);

    cJSON *errs = cJSON_AddArrayToObject(doc, "errors");
    for (size_t i = 0; diag && i < diag->n; i++) {
        const nt_diag_item *it = &diag->items[i];
        if (it->sev != NT_SEV_ERROR)
            continue;
        cJSON *e = cJSON_CreateObject();
        if (it->cluster)
            cJSON_AddStringToObject(e, "cluster", it->cluster);
        else
            cJSON_AddNullToObject(e, "cluster");
        nt_buf t = NT_BUF_INIT;
        error_text(it, &t);
        cJSON_AddStringToObject(e, "message", nt_buf_str(&t));
        nt_buf_free(&t);
        cJSON_AddItemToArray(errs, e);
    }
    if (nt_json_print(doc, out) < 0)
        nt_buf_adds(out, "{}\n");
    cJSON_Delete(doc);
}

static bool in_plan(const nt_plan *plan, const char *name)
{
    for (size_t a = 0; plan && a < plan->n_actions; a++)
        if (!strcmp(plan->actions[a].cluster, name))
            return true;
    return false;
}

/* An error before item i names the same cluster (its testcase is written). */
static bool named_before(const nt_diag *diag, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (diag->items[k].sev == NT_SEV_ERROR && diag->items[k].cluster &&
            !strcmp(diag->items[k].cluster, diag->items[i].cluster))
            return true;
    return false;
}

void nt_apply_report_junit(const nt_plan *plan, const nt_apply_report *rep, const nt_diag *diag,
                           nt_buf *out)
{
    outcome *oc = plan ? outcomes(plan, rep) : NULL;
    size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    bool general = false;
    for (size_t i = 0; diag && i < diag->n; i++)
        general |= diag->items[i].sev == NT_SEV_ERROR && !diag->items[i].cluster;
    nt_buf cases = NT_BUF_INIT;
    for (size_t a = 0; plan && a < plan->n_actions; a++) {
        const nt_action *act = &plan->actions[a];
        tests++;
        nt_buf_adds(&cases, "    <testcase classname=\"" SUITE "\" name=\"");
        nt_xml_escape(&cases, act->cluster, true);
        nt_buf_addf(&cases, "\" time=\"%.3f\">\n", oc[a].duration);
        if (nt_junit_error(&cases, diag, act->cluster)) {
            errors++;
        } else if (rep && !strcmp(oc[a].status, "failed")) {
            const nt_op_result *res = &rep->ops[oc[a].op];
            nt_buf d = NT_BUF_INIT;
            describe(plan, rep, oc[a].op, &d);
            nt_buf_adds(&cases, "      <failure type=\"");
            nt_buf_adds(&cases, nt_action_name(act->kind));
            nt_buf_adds(&cases, "\" message=\"");
            nt_xml_escape(&cases, nt_buf_str(&d), true);
            nt_buf_adds(&cases, "\">");
            nt_xml_escape(&cases, res->error ? res->error : nt_buf_str(&d), false);
            nt_buf_adds(&cases, "</failure>\n");
            nt_buf_free(&d);
            failures++;
        } else if (!strcmp(oc[a].status, "skipped") || !strcmp(oc[a].status, "not_started")) {
            nt_buf d = NT_BUF_INIT;
            if (rep)
                describe(plan, rep, oc[a].op, &d);
            else
                nt_buf_adds(&d, "not started (the apply stopped before its first request)");
            nt_buf_adds(&cases, "      <skipped message=\"");
            nt_xml_escape(&cases, nt_buf_str(&d), true);
            nt_buf_adds(&cases, "\"/>\n");
            nt_buf_free(&d);
            skipped++;
        } else {
            nt_buf d = NT_BUF_INIT;
            if (oc[a].op != NO_OP)
                describe(plan, rep, oc[a].op, &d);
            else
                nt_buf_adds(&d, "unchanged");
            nt_buf_adds(&cases, "      <system-out>");
            nt_xml_escape(&cases, nt_buf_str(&d), false);
            nt_buf_adds(&cases, "</system-out>\n");
            nt_buf_free(&d);
        }
        nt_buf_adds(&cases, "    </testcase>\n");
    }
    /* errors naming a cluster the plan does not hold (no plan was made): a testcase each */
    for (size_t i = 0; diag && i < diag->n; i++) {
        const nt_diag_item *it = &diag->items[i];
        if (it->sev != NT_SEV_ERROR || !it->cluster || in_plan(plan, it->cluster) ||
            named_before(diag, i))
            continue;
        tests++;
        errors++;
        nt_buf_adds(&cases, "    <testcase classname=\"" SUITE "\" name=\"");
        nt_xml_escape(&cases, it->cluster, true);
        nt_buf_adds(&cases, "\" time=\"0\">\n");
        nt_junit_error(&cases, diag, it->cluster);
        nt_buf_adds(&cases, "    </testcase>\n");
    }
    if (general) {
        tests++;
        errors++;
        nt_buf_adds(&cases,
                    "    <testcase classname=\"" SUITE "\" name=\"" SUITE "\" time=\"0\">\n");
        nt_junit_error(&cases, diag, NULL);
        nt_buf_adds(&cases, "    </testcase>\n");
    }
    free(oc);

    double t = rep ? rep->elapsed : 0;
    nt_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    nt_buf_addf(out,
                "<testsuites name=\"nautes\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
                "skipped=\"%zu\" time=\"%.3f\">\n",
                tests, failures, errors, skipped, t);
    nt_buf_addf(out,
                "  <testsuite name=\"" SUITE "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
                "skipped=\"%zu\" time=\"%.3f\">\n",
                tests, failures, errors, skipped, t);
    if (plan && plan->source) {
        nt_buf_adds(out, "    <properties>\n      <property name=\"source\" value=\"");
        nt_xml_escape(out, plan->source, true);
        nt_buf_adds(out, "\"/>\n      <property name=\"result\" value=\"");
        nt_buf_adds(out, result_word(plan, rep, diag));
        nt_buf_adds(out, "\"/>\n    </properties>\n");
    }
    nt_buf_add(out, cases.data ? cases.data : "", cases.len);
    if (rep) {
        nt_buf s = NT_BUF_INIT;
        nt_apply_summary(rep, &s);
        nt_buf_adds(out, "    <system-out>");
        nt_xml_escape(out, nt_buf_str(&s), false);
        nt_buf_adds(out, "</system-out>\n");
        nt_buf_free(&s);
    }
    nt_buf_adds(out, "  </testsuite>\n</testsuites>\n");
    nt_buf_free(&cases);
}
