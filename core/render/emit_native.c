#include "core/render/emit_native.h"

#include "core/load/validate.h" /* nt_dns1123_label: import names only what the server accepts */

#include "core/base/alloc.h"
#include "core/base/yaml_emit.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Server defaults the emitter leaves out (docs/api-server.md §3.2 and 7.2). */
#define DEFAULT_HTTP_NODE_PORT "30080"
#define DEFAULT_HTTPS_NODE_PORT "30443"

/* A comment to insert before the line that starts at byte `off` of the emitted text. */
typedef struct note {
    size_t off;
    char *text; /* one or more lines, '\n'-separated, without "# " */
} note;

typedef struct emitter {
    nt_yaml y; /* appends to out */
    nt_buf out;
    note *notes;
    size_t n_notes, cap_notes;
} emitter;

/* The loader replaces ${VAR} and $$ in values: keep a '$' that starts either literal. */
static void escape_dollars(const char *s, nt_buf *out)
{
    for (; *s; s++) {
        nt_buf_addc(out, *s);
        if (*s == '$' && (s[1] == '{' || s[1] == '$'))
            nt_buf_addc(out, '$');
    }
}

static void key(emitter *e, const char *k)
{
    nt_yaml_scalar(&e->y, k, YAML_ANY_SCALAR_STYLE);
}

/* A value scalar: '$' escaped for the loader's interpolation. */
static void value(emitter *e, const char *v, yaml_scalar_style_t style)
{
    nt_buf b = NT_BUF_INIT;
    escape_dollars(v, &b);
    nt_yaml_scalar(&e->y, nt_buf_str(&b), style);
    nt_buf_free(&b);
}

static void kv(emitter *e, const char *k, const char *v)
{
    key(e, k);
    value(e, v, YAML_ANY_SCALAR_STYLE);
}

/* Record a comment for the key about to be emitted. Every event before it has been processed
 * (a scalar or an end event needs no look-ahead), so after a flush the output ends exactly
 * where the emitter will start the key's line: the comment goes there. */
static void note_here(emitter *e, char *text)
{
    nt_yaml_flush(&e->y);
    if (e->y.failed) {
        free(text);
        return;
    }
    NT_GROW(e->notes, e->cap_notes, e->n_notes + 1);
    e->notes[e->n_notes].off = e->out.len;
    e->notes[e->n_notes].text = text;
    e->n_notes++;
}

/* ---- defaults ----------------------------------------------------------------------------- */

/* The host and the explicit port of an URL (libcurl's parser); malloc'd, NULL when absent. */
static void url_parts(const char *url, char **host, char **port)
{
    *host = NULL;
    if (port)
        *port = NULL;
    if (!url)
        return;
    CURLU *u = curl_url();
    if (!u)
        return;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
        char *h = NULL, *p = NULL;
        if (curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
            *host = nt_xstrdup(h);
            curl_free(h);
        }
        if (port && curl_url_get(u, CURLUPART_PORT, &p, 0) == CURLUE_OK) {
            *port = nt_xstrdup(p);
            curl_free(p);
        }
    }
    curl_url_cleanup(u);
}

/* The IPv4 address of api_server's host, or NULL (the nip.io defaults need one). */
static char *api_ipv4(const char *api_server)
{
    char *host;
    struct in_addr a;
    url_parts(api_server, &host, NULL);
    if (host && inet_pton(AF_INET, host, &a) == 1)
        return host;
    free(host);
    return NULL;
}

int nt_emit_default_domain(const char *api_server, nt_buf *out)
{
    char *host;
    struct in_addr a;
    url_parts(api_server, &host, NULL);
    if (!host || !*host) {
        free(host);
        return -1;
    }
    if (inet_pton(AF_INET, host, &a) == 1)
        nt_buf_addf(out, "%s.nip.io", host);
    else
        nt_buf_adds(out, host);
    free(host);
    return 0;
}

static bool set_str(const char *s)
{
    return s && *s;
}

static bool str_eq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static const char *addition(const nt_cluster *c, nt_component_kind k, const char *name)
{
    nt_addition *a = nt_component_addition(c->comp[k], name);
    return a ? a->value.s : NULL;
}

/* `prefix.<name>.<ip>.nip.io`: the Argo CD / Tekton host a server picks (3.2, 7.2); NULL when
 * api_server's host is not an IP address (there is then no default). */
static char *default_ui_host(const nt_cluster *c, const char *prefix)
{
    char *ip = api_ipv4(c->f[NT_F_API_SERVER].s);
    if (!ip)
        return NULL;
    nt_buf b = NT_BUF_INIT;
    nt_buf_addf(&b, "%s.%s.%s.nip.io", prefix, c->name, ip);
    free(ip);
    return nt_buf_detach(&b);
}

/* Additions that the seed's spelling carries (traefik ports, argocd_host, tekton_host): the
 * emitter writes those through the seed fields and never twice. */
static bool addition_has_seed_spelling(nt_component_kind k, const char *name)
{
    switch (k) {
    case NT_C_GATEWAY:
        return !strcmp(name, "httpNodePort") || !strcmp(name, "httpsNodePort");
    case NT_C_DEPLOYMENT:
    case NT_C_PIPELINE:
        return !strcmp(name, "host");
    default:
        return false;
    }
}

/* The namespace a server fills for a component entry named `name` without one. */
static const char *default_namespace_of(const char *name)
{
    for (int i = 0; i < NT_C_COUNT; i++)
        if (str_eq(nt_components[i].default_name, name))
            return nt_components[i].default_namespace;
    return NULL;
}

static bool component_is_default(const nt_component *comp, nt_component_kind k)
{
    const nt_component_info *info = &nt_components[k];
    if (set_str(comp->name.s) && strcmp(comp->name.s, info->default_name))
        return false;
    if (set_str(comp->ns.s) && strcmp(comp->ns.s, info->default_namespace))
        return false;
    for (size_t i = 0; i < comp->n_additions; i++)
        if (!addition_has_seed_spelling(k, comp->additions[i].key))
            return false;
    return true;
}

/* ---- one cluster -------------------------------------------------------------------------- */

static void field(emitter *e, const nt_cluster *c, nt_field f)
{
    if (set_str(c->f[f].s))
        kv(e, nt_fields[f].snake, c->f[f].s);
}

static void emit_ui_host(emitter *e, const nt_cluster *c, nt_field f, nt_component_kind k,
                         const char *prefix)
{
    const char *v = set_str(c->f[f].s) ? c->f[f].s : addition(c, k, "host");
    if (!set_str(v))
        return;
    char *def = default_ui_host(c, prefix);
    if (!str_eq(v, def))
        kv(e, nt_fields[f].snake, v);
    free(def);
}

static void emit_traefik(emitter *e, const nt_cluster *c, const nt_cluster_set *set, nt_diag *diag)
{
    const char *http = c->f[NT_F_TRAEFIK_HTTP_NODE_PORT].s;
    const char *https = c->f[NT_F_TRAEFIK_HTTPS_NODE_PORT].s;
    if (!set_str(http))
        http = addition(c, NT_C_GATEWAY, "httpNodePort");
    if (!set_str(https))
        https = addition(c, NT_C_GATEWAY, "httpsNodePort");
    /* v0.3 servers refuse a physical cluster without a traefik object (docs/api-server.md §6.2) */
    bool required = nt_cluster_is_physical(c) && set->gen != NT_GEN_V04;

    if (!set_str(http) && !set_str(https)) {
        if (!required)
            return;
        nt_buf t = NT_BUF_INIT;
        nt_buf_addf(&t,
                    "The source does not show traefik's node ports (a v0.3 API Server never "
                    "returns them):\nthe server's defaults are written here. Check them, or "
                    "import with --state git:REPO,\nwhich reads them, before saving %s.",
                    c->name);
        note_here(e, nt_buf_detach(&t));
        nt_diag_add(diag, NT_SEV_WARNING, NT_POS_NONE, c->name,
                    "traefik node ports are not visible in %s: the defaults %s/%s are written; "
                    "check them or import with --state git:REPO",
                    set->source ? set->source : "this source", DEFAULT_HTTP_NODE_PORT,
                    DEFAULT_HTTPS_NODE_PORT);
        http = DEFAULT_HTTP_NODE_PORT;
        https = DEFAULT_HTTPS_NODE_PORT;
    } else if (!required && (!set_str(http) || !strcmp(http, DEFAULT_HTTP_NODE_PORT)) &&
               (!set_str(https) || !strcmp(https, DEFAULT_HTTPS_NODE_PORT))) {
        return;
    }
    key(e, "traefik");
    nt_yaml_map_start(&e->y, true);
    if (set_str(http)) {
        key(e, "http_node_port");
        value(e, http, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
    }
    if (set_str(https)) {
        key(e, "https_node_port");
        value(e, https, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
    }
    nt_yaml_map_end(&e->y);
}

static void emit_vcluster(emitter *e, const nt_cluster *c)
{
    const char *port = c->f[NT_F_VCLUSTER_HTTPS_NODE_PORT].s;
    if (!nt_cluster_is_virtual(c) || !set_str(port))
        return;
    char *host, *api_port;
    url_parts(c->f[NT_F_API_SERVER].s, &host, &api_port);
    if (!str_eq(port, api_port)) { /* the server takes api_server's port when none is given */
        key(e, "vcluster");
        nt_yaml_map_start(&e->y, true);
        key(e, "https_node_port");
        value(e, port, YAML_DOUBLE_QUOTED_SCALAR_STYLE);
        nt_yaml_map_end(&e->y);
    }
    free(host);
    free(api_port);
}

static void emit_components(emitter *e, const nt_cluster *c)
{
    bool any = false;
    for (int k = 0; k < NT_C_COUNT; k++) {
        const nt_component *comp = c->comp[k];
        const nt_component_info *info = &nt_components[k];
        if ((info->flags & NT_COMP_SERVER_ONLY) || !info->snake || !comp->declared ||
            comp->is_null || component_is_default(comp, (nt_component_kind)k))
            continue;
        if (!any) {
            key(e, "components_list");
            nt_yaml_map_start(&e->y, false);
            any = true;
        }
        key(e, info->snake);
        nt_yaml_map_start(&e->y, false);
        const char *name = set_str(comp->name.s) ? comp->name.s : info->default_name;
        kv(e, "name", name);
        if (set_str(comp->ns.s) && !str_eq(comp->ns.s, default_namespace_of(name)))
            kv(e, "namespace", comp->ns.s);
        bool any_add = false;
        for (size_t i = 0; i < comp->n_additions; i++) {
            const nt_addition *a = &comp->additions[i];
            if (addition_has_seed_spelling((nt_component_kind)k, a->key) || !a->value.s)
                continue;
            if (!any_add) {
                key(e, "additions");
                nt_yaml_map_start(&e->y, false);
                any_add = true;
            }
            key(e, a->key);
            value(e, a->value.s, YAML_ANY_SCALAR_STYLE);
        }
        if (any_add)
            nt_yaml_map_end(&e->y);
        nt_yaml_map_end(&e->y);
    }
    if (any)
        nt_yaml_map_end(&e->y);
}

static void emit_maps(emitter *e, const nt_cluster *c)
{
    if (c->n_reserved) {
        key(e, "reserved_namespaces_allowed_products");
        nt_yaml_map_start(&e->y, false);
        for (size_t i = 0; i < c->n_reserved; i++) {
            key(e, c->reserved[i].ns);
            nt_yaml_seq_start(&e->y, true);
            for (size_t j = 0; j < c->reserved[i].n; j++)
                if (c->reserved[i].products[j].s)
                    value(e, c->reserved[i].products[j].s, YAML_ANY_SCALAR_STYLE);
            nt_yaml_seq_end(&e->y);
        }
        nt_yaml_map_end(&e->y);
    }
    if (c->n_allowed) {
        key(e, "product_allowed_cluster_resources");
        nt_yaml_map_start(&e->y, false);
        for (size_t i = 0; i < c->n_allowed; i++) {
            key(e, c->allowed[i].product);
            nt_yaml_seq_start(&e->y, false);
            for (size_t j = 0; j < c->allowed[i].n; j++) {
                const nt_resource *r = &c->allowed[i].items[j];
                nt_yaml_map_start(&e->y, true);
                kv(e, "kind", r->kind.s ? r->kind.s : "");
                kv(e, "group", r->group.s ? r->group.s : "");
                nt_yaml_map_end(&e->y);
            }
            nt_yaml_seq_end(&e->y);
        }
        nt_yaml_map_end(&e->y);
    }
}

static void emit_cluster(emitter *e, const nt_cluster *c, const nt_cluster_set *set,
                         const char *kdir, nt_diag *diag)
{
    nt_yaml_map_start(&e->y, false);
    kv(e, "name", c->name);
    field(e, c, NT_F_API_SERVER);
    if (set_str(c->f[NT_F_CLUSTER_KIND].s) && strcmp(c->f[NT_F_CLUSTER_KIND].s, "kubernetes"))
        field(e, c, NT_F_CLUSTER_KIND);
    field(e, c, NT_F_CLUSTER_TYPE);
    field(e, c, NT_F_USAGE);
    field(e, c, NT_F_WORKER_TYPE);
    field(e, c, NT_F_HOST_CLUSTER);

    const char *domain = c->f[NT_F_PRIMARY_DOMAIN].s;
    if (set_str(domain)) {
        nt_buf def = NT_BUF_INIT;
        if (nt_emit_default_domain(c->f[NT_F_API_SERVER].s, &def) < 0 ||
            strcmp(domain, nt_buf_str(&def)))
            kv(e, "primary_domain", domain);
        nt_buf_free(&def);
    }
    if (nt_cluster_is_worker(c)) {
        emit_ui_host(e, c, NT_F_ARGOCD_HOST, NT_C_DEPLOYMENT, "argocd");
        if (str_eq(c->f[NT_F_WORKER_TYPE].s, "pipeline"))
            emit_ui_host(e, c, NT_F_TEKTON_HOST, NT_C_PIPELINE, "tekton");
    }
    emit_traefik(e, c, set, diag);
    emit_vcluster(e, c);
    emit_components(e, c);
    emit_maps(e, c);

    if (nt_cluster_is_physical(c)) {
        nt_buf path = NT_BUF_INIT, t = NT_BUF_INIT;
        nt_buf_addf(&path, "%s/%s.yaml", kdir, c->name);
        nt_buf_addf(&t,
                    "nautes never has a kubeconfig (the API Server keeps it in Vault and never "
                    "returns it):\ncreate this file with the kubeconfig of %s before running "
                    "`nautes apply` (plan works without it).",
                    c->name);
        note_here(e, nt_buf_detach(&t));
        kv(e, "kubeconfig_file", nt_buf_str(&path));
        nt_buf_free(&path);
    }
    nt_yaml_map_end(&e->y);
}

/* Hosts first (a virtual cluster names its host), then the others, each in name order. */
static int cmp_clusters(const void *a, const void *b)
{
    const nt_cluster *x = *(const nt_cluster *const *)a, *y = *(const nt_cluster *const *)b;
    bool hx = nt_cluster_is_host(x), hy = nt_cluster_is_host(y);
    if (hx != hy)
        return hx ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Copy the emitted text to out with every note inserted as "# " lines at the indentation of
 * the line it precedes. The emitter put a line break at each note's offset; anything else
 * means the event-boundary assumption broke, which is reported rather than papered over. */
static int insert_notes(const emitter *e, nt_buf *out, nt_diag *diag)
{
    const char *s = e->out.data;
    size_t prev = 0;
    for (size_t i = 0; i < e->n_notes; i++) {
        size_t off = e->notes[i].off;
        if (off < prev || off >= e->out.len || s[off] != '\n')
            return nt_diag_error(diag,
                                 "internal error: cannot place a comment in the emitted "
                                 "YAML (at byte %zu); please report it",
                                 off);
        size_t indent = strspn(s + off + 1, " ");
        nt_buf_add(out, s + prev, off + 1 - prev);
        for (const char *line = e->notes[i].text; line;) {
            const char *nl = strchr(line, '\n');
            size_t len = nl ? (size_t)(nl - line) : strlen(line);
            nt_buf_addf(out, "%*s# %.*s\n", (int)indent, "", (int)len, line);
            line = nl ? nl + 1 : NULL;
        }
        prev = off + 1;
    }
    nt_buf_add(out, s + prev, e->out.len - prev);
    return 0;
}

static void header(const nt_cluster_set *set, const nt_emit_opts *opts, nt_buf *out)
{
    if (opts && opts->source)
        nt_buf_addf(out, "# Written by `nautes import` from %s", opts->source);
    else
        nt_buf_adds(out, "# Written by `nautes import`");
    if (set->gen != NT_GEN_UNKNOWN)
        nt_buf_addf(out, " (API %s)", nt_gen_name(set->gen));
    nt_buf_adds(out, ".\n# Only what the server did not choose itself is declared: a field left "
                     "out keeps the\n# server's value. `nautes plan` of this file shows no "
                     "changes; `nautes apply`\n"
                     "# needs the kubeconfig files named below.\n");
    if (!set->visible)
        return;
    size_t line = 0, n = 0;
    for (int f = 0; f < NT_F_COUNT; f++) {
        if ((set->visible & (1u << f)) || f == NT_F_KUBECONFIG)
            continue;
        if (set->gen == NT_GEN_V04 && (nt_fields[f].flags & NT_FIELD_V03_ONLY))
            continue; /* a v0.4 server shows these as components additions */
        if (n++ == 0) {
            line = out->len;
            nt_buf_adds(out, "# This source does not show:");
        } else {
            nt_buf_addc(out, ',');
        }
        if (out->len - line + strlen(nt_fields[f].snake) > 90) {
            nt_buf_adds(out, "\n#");
            line = out->len - 1;
        }
        nt_buf_addf(out, " %s", nt_fields[f].snake);
    }
    if (n)
        nt_buf_adds(out,
                    ".\n# Those are not imported: a field left out is sent to nobody, so a save "
                    "of a cluster\n# from this file resets it to the server's default "
                    "(traefik 30080/30443, the nip.io\n# hosts, the vcluster port of "
                    "api_server). `nautes import --state git:REPO` reads them\n# from the "
                    "tenant configuration repository.\n");
}

/* The fields of c the source cannot show and a save would reset (docs/api-server.md §7.2, 7.3):
 * appended to list, comma-separated; returns how many. */
static size_t unseen_fields(const nt_cluster *c, const nt_cluster_set *set, nt_buf *list)
{
    const char *wt = c->f[NT_F_WORKER_TYPE].s;
    bool pipe = wt && !strcmp(wt, "pipeline");
    const struct {
        nt_field f;
        bool stored;
    } rows[] = {
        {NT_F_ARGOCD_HOST, nt_cluster_is_worker(c)},
        {NT_F_TEKTON_HOST, nt_cluster_is_worker(c) && pipe},
        /* not the vcluster port: its default, api_server's port, is the one that works */
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (rows[i].stored && !(set->visible & (1u << rows[i].f)) && !set_str(c->f[rows[i].f].s))
            nt_buf_addf(list, "%s%s", n++ ? ", " : "", nt_fields[rows[i].f].snake);
    return n;
}

int nt_emit_native(const nt_cluster_set *set, const nt_emit_opts *opts, nt_buf *out, nt_diag *diag)
{
    int rc = -1;
    emitter e;
    memset(&e, 0, sizeof(e));
    const nt_cluster **sorted = NULL;
    size_t n = 0;
    const char *kdir = opts && opts->kubeconfig_dir ? opts->kubeconfig_dir : "kubeconfigs";

    sorted = nt_xcalloc(set->n ? set->n : 1, sizeof(*sorted));
    for (size_t i = 0; i < set->n; i++)
        if (set->items[i]->state != NT_STATE_ABSENT)
            sorted[n++] = set->items[i];
    qsort(sorted, n, sizeof(*sorted), cmp_clusters);
    /* A name goes into comments and kubeconfig_file paths, and the loader refuses a name that
     * is not a DNS-1123 label: such a name (the real server accepts any path segment) is
     * refused here rather than written into a file the tool itself would then refuse. */
    bool bad = false;
    for (size_t i = 0; i < n; i++) {
        if (nt_dns1123_label(sorted[i]->name))
            continue;
        bad = true;
        nt_diag_add(diag, NT_SEV_ERROR, NT_POS_NONE, NULL,
                    "cannot import cluster '%s': its name is not a DNS-1123 label (lower-case "
                    "letters, digits and '-', at most 63 characters), which a clusters.yaml "
                    "cannot declare; rename it on the server, or import the others with --name",
                    sorted[i]->name);
    }
    if (bad)
        goto done;

    nt_yaml_open(&e.y, &e.out);
    nt_yaml_map_start(&e.y, false);
    key(&e, "clusters");
    nt_yaml_seq_start(&e.y, false);
    for (size_t i = 0; i < n; i++) {
        emit_cluster(&e, sorted[i], set, kdir, diag);
        nt_buf list = NT_BUF_INIT;
        if (set->visible && unseen_fields(sorted[i], set, &list))
            nt_diag_add(diag, NT_SEV_WARNING, NT_POS_NONE, sorted[i]->name,
                        "not imported: %s (%s cannot show them); a save of %s from this file "
                        "resets them to the server's defaults: import with --state git:REPO "
                        "to read them from the tenant configuration repository",
                        nt_buf_str(&list), set->source ? set->source : "this source",
                        sorted[i]->name);
        nt_buf_free(&list);
    }
    nt_yaml_seq_end(&e.y);
    nt_yaml_map_end(&e.y);
    if (nt_yaml_close(&e.y) < 0) {
        nt_diag_error(diag, "cannot write the clusters as YAML: %s",
                      e.y.problem ? e.y.problem : "libyaml's emitter failed");
        goto done;
    }
    header(set, opts, out);
    rc = insert_notes(&e, out, diag);
    if (out->len && out->data[out->len - 1] != '\n')
        nt_buf_addc(out, '\n');

done:
    for (size_t i = 0; i < e.n_notes; i++)
        free(e.notes[i].text);
    free(e.notes);
    nt_buf_free(&e.out);
    free(sorted);
    return rc;
}
