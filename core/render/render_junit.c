/* render_junit.c — a plan as JUnit XML (see render_junit.h).
 *
 * The shape is the common subset that GitLab's test report, Jenkins and junit2html read:
 * <testsuites><testsuite><testcase classname name time>[<failure|error|skipped>]. The
 * classname is constant ("nautes drift") so that a cluster keeps its identity from one
 * pipeline to the next (GitLab compares test cases by classname and name). */
#include "core/render/render_junit.h"

#include "core/base/alloc.h"
#include "core/render/render.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SUITE "nautes drift"
#define GENERAL "nautes plan"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when it is not valid. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n;
    unsigned min;
    unsigned cp;
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2, cp = s[0] & 0x1F, min = 0x80;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3, cp = s[0] & 0x0F, min = 0x800;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4, cp = s[0] & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return n;
}

void nt_xml_escape(nt_buf *out, const char *s, bool attr)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned char c = *p;
        switch (c) {
        case '&':
            nt_buf_adds(out, "&amp;");
            break;
        case '<':
            nt_buf_adds(out, "&lt;");
            break;
        case '>':
            nt_buf_adds(out, "&gt;");
            break;
        case '"':
            nt_buf_adds(out, attr ? "&quot;" : "\"");
            break;
        case '\'':
            nt_buf_adds(out, attr ? "&apos;" : "'");
            break;
        case '\n':
            nt_buf_adds(out, attr ? "&#10;" : "\n");
            break;
        case '\r':
            nt_buf_adds(out, "&#13;");
            break;
        case '\t':
            nt_buf_adds(out, attr ? "&#9;" : "\t");
            break;
        default:
            if (c < 0x20) {
                nt_buf_adds(out, "\xEF\xBF\xBD");
            } else if (c >= 0x80) {
                size_t n = utf8_len(p);
                if (!n) {
                    nt_buf_adds(out, "\xEF\xBF\xBD");
                } else {
                    nt_buf_add(out, p, n);
                    p += n;
                    continue;
                }
            } else {
                nt_buf_addc(out, (char)c);
            }
        }
        p++;
    }
}

/* The plan's lines for one action, exactly as `nautes plan` prints them (no colour): the
 * text renderer run on a plan of that one action, cut after the action's own lines. */
static void change_lines(nt_buf *b, const nt_action *a)
{
    nt_plan one;
    memset(&one, 0, sizeof(one));
    one.actions = (nt_action *)a;
    one.n_actions = 1;
    nt_render_opts ro = {false, false};
    nt_buf t = NT_BUF_INIT;
    nt_render_text(&one, &ro, &t);
    const char *s = nt_buf_str(&t);
    const char *end = strchr(s, '\n');
    while (end && !strncmp(end + 1, "    ", 4))
        end = strchr(end + 1, '\n');
    nt_buf_add(b, s, end ? (size_t)(end - s + 1) : strlen(s));
    nt_buf_free(&t);
}

/* The short summary GitLab shows next to a failed test. */
static void summary(nt_buf *b, const nt_action *a)
{
    switch (a->kind) {
    case NT_ACT_CREATE:
        nt_buf_adds(b, "declared but missing: would be created");
        return;
    case NT_ACT_DELETE:
        nt_buf_adds(b, "would be destroyed");
        break;
    case NT_ACT_REPLACE:
        nt_buf_adds(b, "would be replaced");
        break;
    case NT_ACT_UPDATE:
    case NT_ACT_NOOP:
        nt_buf_adds(b, "would be updated");
        break;
    }
    if (a->reason && *a->reason)
        nt_buf_addf(b, " (%s)", a->reason);
    if (a->kind == NT_ACT_DELETE || !a->n_changes)
        return;
    nt_buf_adds(b, ": ");
    size_t shown = 0;
    for (size_t i = 0; i < a->n_changes; i++) {
        if (b->len > 200) {
            nt_buf_addf(b, ", and %zu more", a->n_changes - shown);
            break;
        }
        nt_buf_addf(b, "%s%s", shown ? ", " : "", a->changes[i].path);
        shown++;
    }
}

typedef struct tcase {
    const char *name;
    const nt_action *act; /* NULL: not in the plan */
    bool unmanaged;
} tcase;

static bool item_is_for(const nt_diag_item *it, const char *name)
{
    if (it->sev != NT_SEV_ERROR)
        return false;
    if (!name)
        return !it->cluster;
    return it->cluster && !strcmp(it->cluster, name);
}

bool nt_junit_error(nt_buf *out, const nt_diag *diag, const char *name)
{
    nt_buf text = NT_BUF_INIT;
    const char *first = NULL;
    for (size_t i = 0; diag && i < diag->n; i++) {
        const nt_diag_item *it = &diag->items[i];
        if (!item_is_for(it, name))
            continue;
        if (!first)
            first = it->msg;
        nt_diag_format_item(it, &text, false);
        if (text.len && text.data[text.len - 1] != '\n')
            nt_buf_addc(&text, '\n');
    }
    if (first) {
        nt_buf_adds(out, "      <error type=\"error\" message=\"");
        nt_xml_escape(out, first, true);
        nt_buf_adds(out, "\">");
        nt_xml_escape(out, nt_buf_str(&text), false);
        nt_buf_adds(out, "</error>\n");
    }
    nt_buf_free(&text);
    return first != NULL;
}

static bool has_errors_for(const nt_diag *diag, const char *name)
{
    for (size_t i = 0; diag && i < diag->n; i++)
        if (item_is_for(&diag->items[i], name))
            return true;
    return false;
}

static bool known(const tcase *tc, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(tc[i].name, name))
            return true;
    return false;
}

void nt_render_junit(const nt_plan *plan, const nt_diag *diag, nt_buf *out)
{
    size_t cap = (plan ? plan->n_actions + plan->n_unmanaged : 0) + (diag ? diag->n : 0) + 1;
    tcase *tc = nt_xcalloc(cap, sizeof(*tc));
    size_t n = 0, failures = 0, errors = 0, skipped = 0;
    bool general = false;

    for (size_t i = 0; plan && i < plan->n_actions; i++)
        tc[n++] = (tcase){plan->actions[i].cluster, &plan->actions[i], false};
    for (size_t i = 0; plan && i < plan->n_unmanaged; i++)
        if (!known(tc, n, plan->unmanaged[i]))
            tc[n++] = (tcase){plan->unmanaged[i], NULL, true};
    for (size_t i = 0; diag && i < diag->n; i++) {
        const nt_diag_item *it = &diag->items[i];
        if (it->sev != NT_SEV_ERROR)
            continue;
        if (!it->cluster)
            general = true;
        else if (!known(tc, n, it->cluster))
            tc[n++] = (tcase){it->cluster, NULL, false};
    }
    for (size_t i = 0; i < n; i++) {
        if (has_errors_for(diag, tc[i].name))
            errors++;
        else if (tc[i].act && tc[i].act->kind != NT_ACT_NOOP)
            failures++;
        else if (tc[i].unmanaged)
            skipped++;
    }
    size_t tests = n + (general ? 1 : 0);
    errors += general ? 1 : 0;

    nt_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    nt_buf_addf(out,
                "<testsuites name=\"nautes\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
                "skipped=\"%zu\" time=\"0\">\n",
                tests, failures, errors, skipped);
    nt_buf_addf(out,
                "  <testsuite name=\"" SUITE "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
                "skipped=\"%zu\" time=\"0\">\n",
                tests, failures, errors, skipped);
    if (plan && plan->source) {
        nt_buf_adds(out, "    <properties>\n      <property name=\"source\" value=\"");
        nt_xml_escape(out, plan->source, true);
        nt_buf_adds(out, "\"/>\n");
        if (plan->gen != NT_GEN_UNKNOWN)
            nt_buf_addf(out, "      <property name=\"api_generation\" value=\"%s\"/>\n",
                        nt_gen_name(plan->gen));
        nt_buf_adds(out, "    </properties>\n");
    }

    for (size_t i = 0; i < n; i++) {
        nt_buf_adds(out, "    <testcase classname=\"" SUITE "\" name=\"");
        nt_xml_escape(out, tc[i].name, true);
        nt_buf_adds(out, "\" time=\"0\"");
        const nt_action *a = tc[i].act;
        if (has_errors_for(diag, tc[i].name)) {
            nt_buf_adds(out, ">\n");
            nt_junit_error(out, diag, tc[i].name);
        } else if (a && a->kind != NT_ACT_NOOP) {
            nt_buf sum = NT_BUF_INIT, lines = NT_BUF_INIT;
            summary(&sum, a);
            change_lines(&lines, a);
            nt_buf_adds(out, ">\n      <failure type=\"");
            nt_buf_adds(out, nt_action_name(a->kind));
            nt_buf_adds(out, "\" message=\"");
            nt_xml_escape(out, nt_buf_str(&sum), true);
            nt_buf_adds(out, "\">");
            nt_xml_escape(out, nt_buf_str(&lines), false);
            nt_buf_adds(out, "</failure>\n");
            nt_buf_free(&sum);
            nt_buf_free(&lines);
        } else if (tc[i].unmanaged) {
            nt_buf_adds(out, ">\n      <skipped message=\"observed, not managed by these files "
                             "(nautes plan --prune would destroy it)\"/>\n");
        } else {
            nt_buf_adds(out, "/>\n");
            continue;
        }
        nt_buf_adds(out, "    </testcase>\n");
    }
    if (general) {
        nt_buf_adds(out,
                    "    <testcase classname=\"" SUITE "\" name=\"" GENERAL "\" time=\"0\">\n");
        nt_junit_error(out, diag, NULL);
        nt_buf_adds(out, "    </testcase>\n");
    }

    /* what the report cannot show as test cases: fields not compared, warnings */
    nt_buf notes = NT_BUF_INIT;
    if (plan && plan->n_unseen) {
        nt_buf_adds(&notes, "not compared (the source cannot show them):");
        for (size_t i = 0; i < plan->n_unseen; i++)
            nt_buf_addf(&notes, " %s", plan->unseen[i]);
        nt_buf_addc(&notes, '\n');
    }
    for (size_t i = 0; diag && i < diag->n; i++) {
        if (diag->items[i].sev == NT_SEV_ERROR)
            continue;
        nt_diag_format_item(&diag->items[i], &notes, false);
        if (notes.len && notes.data[notes.len - 1] != '\n')
            nt_buf_addc(&notes, '\n');
    }
    if (notes.len) {
        nt_buf_adds(out, "    <system-out>");
        nt_xml_escape(out, nt_buf_str(&notes), false);
        nt_buf_adds(out, "</system-out>\n");
    }
    nt_buf_free(&notes);
    nt_buf_adds(out, "  </testsuite>\n</testsuites>\n");
    free(tc);
}
