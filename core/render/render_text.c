/* render_text.c — the plan as a person reads it (docs/architecture.md §5). */
#include "core/render/render.h"

#include "core/base/ansi.h"
#include "core/base/escape.h"

#include <stdlib.h>
#include <string.h>

#define C_GREEN NT_ANSI_GREEN
#define C_YELLOW NT_ANSI_YELLOW
#define C_RED NT_ANSI_RED
#define C_BOLD NT_ANSI_BOLD

/* A value as shown: a JSON string ("..." with escapes), a map value as its JSON array. Both
 * escaped for the terminal (core/base/escape.h). */
static void add_value(nt_buf *out, nt_path_kind kind, const char *v, const char *missing)
{
    if (!v) {
        nt_buf_adds(out, missing);
        return;
    }
    nt_buf_add_escaped(out, v, kind != NT_PATH_MAP);
}

/* A name, a label or a field path from a file or a server. */
static void add_name(nt_buf *out, const char *s)
{
    nt_buf_add_escaped(out, s, false);
}

static void paint(nt_buf *out, bool color, const char *code, const char *text)
{
    nt_ansi_paint(out, color, code, text, strlen(text));
}

void nt_render_summary(const nt_plan *plan, nt_buf *out)
{
    if (!nt_plan_has_changes(plan)) {
        nt_buf_adds(out, plan->destroy ? "No changes. No cluster these files declare exists."
                                       : "No changes. The clusters match the files.");
        return;
    }
    nt_buf_addf(out, "Plan: %zu to add, %zu to change, %zu to replace, %zu to destroy.",
                plan->n_create, plan->n_update, plan->n_replace, plan->n_delete);
}

void nt_render_text(const nt_plan *plan, const nt_render_opts *opts, nt_buf *out)
{
    bool color = opts && opts->color;
    bool verbose = opts && opts->verbose;
    bool any = false;
    for (size_t i = 0; i < plan->n_actions; i++) {
        const nt_action *a = &plan->actions[i];
        const char *sym, *word, *code;
        switch (a->kind) {
        case NT_ACT_CREATE:
            sym = "+", word = "create", code = C_GREEN;
            break;
        case NT_ACT_UPDATE:
            sym = "~", word = "update", code = C_YELLOW;
            break;
        case NT_ACT_REPLACE:
            sym = "-/+", word = "replace", code = C_RED;
            break;
        case NT_ACT_DELETE:
            sym = "-", word = "destroy", code = C_RED;
            break;
        default:
            sym = "=", word = "no change", code = C_BOLD;
            if (!verbose)
                continue;
            break;
        }
        nt_buf b = NT_BUF_INIT;
        nt_buf_addf(&b, "%s %s", sym, word);
        paint(out, color, code, nt_buf_str(&b));
        nt_buf_free(&b);
        nt_buf_addc(out, ' ');
        add_name(out, a->cluster);
        if (a->label) {
            nt_buf_adds(out, " (");
            add_name(out, a->label);
            nt_buf_addc(out, ')');
        }
        nt_buf_addc(out, '\n');
        if (a->reason) {
            nt_buf_adds(out, "    reason: ");
            add_name(out, a->reason);
            nt_buf_addc(out, '\n');
        }
        for (size_t j = 0; j < a->n_changes; j++) {
            const nt_change *c = &a->changes[j];
            nt_buf_adds(out, "    ");
            if (a->kind == NT_ACT_CREATE) {
                paint(out, color, C_GREEN, "+");
                nt_buf_addc(out, ' ');
                add_name(out, c->path);
                nt_buf_adds(out, ": ");
                if (c->sensitive)
                    nt_buf_adds(out, "(sensitive)");
                else
                    add_value(out, c->kind, c->new_val, "(none)");
            } else {
                /* each field marked as Terraform marks it: + set, - removed, ~ changed */
                bool added = !c->sensitive && !c->old_val, removed = !c->sensitive && !c->new_val;
                paint(out, color,
                      added     ? C_GREEN
                      : removed ? C_RED
                                : C_YELLOW,
                      added     ? "+"
                      : removed ? "-"
                                : "~");
                nt_buf_addc(out, ' ');
                add_name(out, c->path);
                if (c->sensitive) {
                    nt_buf_adds(out, ": (sensitive)");
                } else {
                    nt_buf_adds(out, ": ");
                    add_value(out, c->kind, c->old_val, "(none)");
                    nt_buf_adds(out, " -> ");
                    add_value(out, c->kind, c->new_val, "(removed)");
                }
            }
            nt_buf_addc(out, '\n');
        }
        for (size_t j = 0; j < a->n_notes; j++)
            nt_buf_addf(out, "    note: %s\n", a->notes[j]);
        if (a->n_unseen && a->kind != NT_ACT_DELETE) {
            /* what of this cluster could not be compared; the way to compare it is said
             * once, under the plan */
            nt_buf_adds(out, "    not compared: ");
            for (size_t j = 0; j < a->n_unseen; j++) {
                nt_buf_adds(out, j ? ", " : "");
                add_name(out, a->unseen[j]);
            }
            nt_buf_addc(out, '\n');
        }
        any = true;
    }
    if (plan->n_unmanaged) {
        if (any)
            nt_buf_addc(out, '\n');
        nt_buf_adds(out, "Not managed by these files (left alone; --prune would delete them):\n");
        for (size_t i = 0; i < plan->n_unmanaged; i++) {
            nt_buf_adds(out, "  ");
            add_name(out, plan->unmanaged[i]);
            nt_buf_addc(out, '\n');
        }
        any = true;
    }
    if (plan->n_unseen) {
        if (any)
            nt_buf_addc(out, '\n');
        bool git = plan->source_kind == NT_SOURCE_GIT;
        nt_buf_addf(out, "Not compared (%s): ",
                    git ? "the tenant repository does not hold them"
                        : "the API does not return them");
        bool repo_has = false; /* the tenant repository holds all but the kubeconfig */
        for (size_t i = 0; i < plan->n_unseen; i++) {
            nt_buf_adds(out, i ? ", " : "");
            add_name(out, plan->unseen[i]);
            repo_has |= strcmp(plan->unseen[i], "kubeconfig") != 0;
        }
        nt_buf_addc(out, '\n');
        if (!git && repo_has)
            nt_buf_adds(out, "  The tenant configuration repository holds them: compare them with "
                             "`nautes plan --state git:REPO`, and repair them with `nautes apply "
                             "--state git:REPO` (it still saves through the API).\n");
        any = true;
    }
    if (any)
        nt_buf_addc(out, '\n');
    nt_render_summary(plan, out);
    nt_buf_addc(out, '\n');
}
