/* render_dot.c — the declared clusters' dependency graph in Graphviz DOT. An edge goes from a
 * virtual cluster to the host it depends on; no server is needed. */
#include "core/render/render.h"

#include "core/base/escape.h"

#include <stdlib.h>
#include <string.h>

/* A DOT string: '"' and '\\' escaped, a newline as \\n (a line break in a label), and the
 * bytes a terminal acts on escaped (core/base/escape.h), since the graph is often just printed. */
static void add_id(nt_buf *out, const char *s)
{
    nt_buf_add_escaped(out, s, true);
}

void nt_render_dot(const nt_cluster_set *desired, nt_buf *out)
{
    nt_buf_adds(out, "digraph nautes {\n"
                     "    rankdir=BT;\n"
                     "    node [shape=box, fontname=\"sans-serif\"];\n");
    for (size_t i = 0; i < desired->n; i++) {
        const nt_cluster *c = desired->items[i];
        char *label = nt_plan_label(c);
        nt_buf l = NT_BUF_INIT;
        nt_buf_adds(&l, c->name);
        if (c->state == NT_STATE_ABSENT)
            nt_buf_adds(&l, "\n(absent)");
        else if (label)
            nt_buf_addf(&l, "\n%s", label);
        nt_buf_adds(out, "    ");
        add_id(out, c->name);
        nt_buf_adds(out, " [label=");
        add_id(out, nt_buf_str(&l));
        if (c->state == NT_STATE_ABSENT)
            nt_buf_adds(out, ", style=dashed, color=gray50, fontcolor=gray50");
        else if (c->prevent_destroy)
            nt_buf_adds(out, ", penwidth=2");
        nt_buf_adds(out, "];\n");
        nt_buf_free(&l);
        free(label);
    }
    /* hosts named but not declared: they must already exist on the server */
    for (size_t i = 0; i < desired->n; i++) {
        const char *h = desired->items[i]->f[NT_F_HOST_CLUSTER].s;
        if (!h || !*h || nt_cluster_set_find(desired, h))
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            const char *p = desired->items[j]->f[NT_F_HOST_CLUSTER].s;
            seen = p && !strcmp(p, h);
        }
        if (seen)
            continue;
        nt_buf l = NT_BUF_INIT;
        nt_buf_addf(&l, "%s\n(not declared)", h);
        nt_buf_adds(out, "    ");
        add_id(out, h);
        nt_buf_adds(out, " [label=");
        add_id(out, nt_buf_str(&l));
        nt_buf_adds(out, ", style=dotted];\n");
        nt_buf_free(&l);
    }
    for (size_t i = 0; i < desired->n; i++) {
        const nt_cluster *c = desired->items[i];
        const char *h = c->f[NT_F_HOST_CLUSTER].s;
        if (!h || !*h)
            continue;
        nt_buf_adds(out, "    ");
        add_id(out, c->name);
        nt_buf_adds(out, " -> ");
        add_id(out, h);
        if (c->state == NT_STATE_ABSENT)
            nt_buf_adds(out, " [style=dashed, color=gray50]");
        nt_buf_adds(out, ";\n");
    }
    nt_buf_adds(out, "}\n");
}
