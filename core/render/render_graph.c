/* render_graph.c — the declared clusters' dependency graph, in Graphviz DOT and in Mermaid
 * (which GitLab and GitHub draw inline in Markdown). An edge goes from a virtual cluster to
 * the host it depends on; no server is needed. Both forms are written from one list of nodes
 * and edges, so they cannot disagree. */
#include "core/render/render.h"

#include "core/base/alloc.h"
#include "core/base/escape.h"
#include "core/base/name_table.h"

#include <stdlib.h>
#include <string.h>

typedef enum { NODE_DECLARED, NODE_ABSENT, NODE_KEPT, NODE_UNDECLARED } node_kind;

typedef struct node {
    const char *name;
    char *label; /* "name\nkind" */
    node_kind kind;
} node;

typedef struct edge {
    size_t from, to; /* node indexes: the virtual cluster, its host */
    bool absent;
} edge;

typedef struct graph {
    node *nodes;
    size_t n_nodes, cap_nodes;
    nt_name_table index; /* name -> node */
    edge *edges;
    size_t n_edges, cap_edges;
} graph;

static const char *node_name_at(const void *items, size_t i)
{
    return ((const node *)items)[i].name;
}

static size_t node_index(const graph *g, const char *name)
{
    return nt_name_table_find(&g->index, name, node_name_at, g->nodes);
}

static void add_node(graph *g, const char *name, const char *label, node_kind kind)
{
    NT_GROW(g->nodes, g->cap_nodes, g->n_nodes + 1);
    nt_buf l = NT_BUF_INIT;
    nt_buf_adds(&l, name);
    if (label)
        nt_buf_addf(&l, "\n%s", label);
    g->nodes[g->n_nodes] = (node){name, nt_buf_detach(&l), kind};
    nt_name_table_add(&g->index, g->n_nodes, node_name_at, g->nodes);
    g->n_nodes++;
}

/* The declared clusters in file order, then the hosts they name without declaring (they must
 * already exist on the server), then the edges. */
static void build(graph *g, const nt_cluster_set *desired)
{
    memset(g, 0, sizeof(*g));
    for (size_t i = 0; i < desired->n; i++) {
        const nt_cluster *c = desired->items[i];
        char *label = nt_plan_label(c);
        add_node(g, c->name, c->state == NT_STATE_ABSENT ? "(absent)" : label,
                 c->state == NT_STATE_ABSENT ? NODE_ABSENT
                 : c->prevent_destroy        ? NODE_KEPT
                                             : NODE_DECLARED);
        free(label);
    }
    for (size_t i = 0; i < desired->n; i++) {
        const char *h = nt_cluster_host(desired->items[i]);
        if (h && node_index(g, h) == SIZE_MAX)
            add_node(g, h, "(not declared)", NODE_UNDECLARED);
    }
    for (size_t i = 0; i < desired->n; i++) {
        const nt_cluster *c = desired->items[i];
        const char *h = nt_cluster_host(c);
        if (!h)
            continue;
        NT_GROW(g->edges, g->cap_edges, g->n_edges + 1);
        g->edges[g->n_edges++] = (edge){i, node_index(g, h), c->state == NT_STATE_ABSENT};
    }
}

static void graph_free(graph *g)
{
    for (size_t i = 0; i < g->n_nodes; i++)
        free(g->nodes[i].label);
    free(g->nodes);
    free(g->edges);
    nt_name_table_free(&g->index);
}

/* A DOT string: '"' and '\\' escaped, a newline as \\n (a line break in a label), and the
 * bytes a terminal acts on escaped (core/base/escape.h), since the graph is often just printed. */
static void dot_id(nt_buf *out, const char *s)
{
    nt_buf_add_escaped(out, s, true);
}

void nt_render_dot(const nt_cluster_set *desired, nt_buf *out)
{
    graph g;
    build(&g, desired);
    nt_buf_adds(out, "digraph nautes {\n"
                     "    rankdir=BT;\n"
                     "    node [shape=box, fontname=\"sans-serif\"];\n");
    for (size_t i = 0; i < g.n_nodes; i++) {
        const node *n = &g.nodes[i];
        nt_buf_adds(out, "    ");
        dot_id(out, n->name);
        nt_buf_adds(out, " [label=");
        dot_id(out, n->label);
        switch (n->kind) {
        case NODE_ABSENT:
            nt_buf_adds(out, ", style=dashed, color=gray50, fontcolor=gray50");
            break;
        case NODE_KEPT:
            nt_buf_adds(out, ", penwidth=2");
            break;
        case NODE_UNDECLARED:
            nt_buf_adds(out, ", style=dotted");
            break;
        case NODE_DECLARED:
            break;
        }
        nt_buf_adds(out, "];\n");
    }
    for (size_t i = 0; i < g.n_edges; i++) {
        nt_buf_adds(out, "    ");
        dot_id(out, g.nodes[g.edges[i].from].name);
        nt_buf_adds(out, " -> ");
        dot_id(out, g.nodes[g.edges[i].to].name);
        if (g.edges[i].absent)
            nt_buf_adds(out, " [style=dashed, color=gray50]");
        nt_buf_adds(out, ";\n");
    }
    nt_buf_adds(out, "}\n");
    graph_free(&g);
}

/* A Mermaid label inside "...": what Mermaid would read as markup written as its entity codes
 * (#quot; #lt; #gt; #35; #amp;), a newline as <br/>, and the bytes a terminal acts on escaped. */
static void mermaid_label(nt_buf *out, const char *s)
{
    for (;;) {
        size_t n = strcspn(s, "\n");
        char *line = nt_xstrndup(s, n);
        nt_buf esc = NT_BUF_INIT;
        nt_buf_add_escaped(&esc, line, false);
        for (const char *p = nt_buf_str(&esc); *p; p++) {
            switch (*p) {
            case '"':
                nt_buf_adds(out, "#quot;");
                break;
            case '<':
                nt_buf_adds(out, "#lt;");
                break;
            case '>':
                nt_buf_adds(out, "#gt;");
                break;
            case '#':
                nt_buf_adds(out, "#35;");
                break;
            case '&':
                nt_buf_adds(out, "#amp;");
                break;
            default:
                nt_buf_addc(out, *p);
            }
        }
        nt_buf_free(&esc);
        free(line);
        if (!s[n])
            break;
        nt_buf_adds(out, "<br/>");
        s += n + 1;
    }
}

void nt_render_mermaid(const nt_cluster_set *desired, nt_buf *out)
{
    static const char *const cls[] = {"", ":::absent", ":::kept", ":::undeclared"};
    graph g;
    build(&g, desired);
    /* node ids are c0, c1, ...: a cluster name may hold what Mermaid reads as syntax */
    nt_buf_adds(out, "flowchart BT\n"
                     "    classDef absent stroke-dasharray: 5 5,color:#777\n"
                     "    classDef kept stroke-width:3px\n"
                     "    classDef undeclared stroke-dasharray: 2 2\n");
    for (size_t i = 0; i < g.n_nodes; i++) {
        nt_buf_addf(out, "    c%zu[\"", i);
        mermaid_label(out, g.nodes[i].label);
        nt_buf_addf(out, "\"]%s\n", cls[g.nodes[i].kind]);
    }
    for (size_t i = 0; i < g.n_edges; i++)
        nt_buf_addf(out, "    c%zu %s c%zu\n", g.edges[i].from, g.edges[i].absent ? "-.->" : "-->",
                    g.edges[i].to);
    graph_free(&g);
}
