/* validate.c — the real API Server's rules (docs/api-server.md §6.1, 6.2) in its order, what it
 * forgets (names, ports, placeholders) and the whole-set rules (docs/architecture.md §4). */
#include "core/load/validate.h"
#include "core/model/tenant_layout.h"

#include "core/base/alloc.h"
#include "core/base/url.h"
#include "core/load/kubeconfig.h"
#include "core/model/normalize.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct vctx {
    const nt_cluster *c;
    const nt_validate_opts *o;
    nt_diag *diag;
    bool client; /* not the local server: client-only rules and friendlier severities */
} vctx;

static const char *get(const nt_cluster *c, nt_field f)
{
    return c->f[f].s;
}

static bool empty(const char *s)
{
    return !s || !*s;
}

static nt_pos fpos(const nt_cluster *c, nt_field f)
{
    nt_pos p = nt_cluster_field_pos(c, f);
    return c->f[f].s && p.line ? p : nt_cluster_name_pos(c);
}

static nt_pos cpos(const nt_cluster *c)
{
    return nt_cluster_name_pos(c);
}

/* Length of a bare `$placeholder` starting at s[i] ('$' then a letter or '_'), else 0. */
static size_t placeholder_at(const char *s, size_t i)
{
    if (s[i] != '$' || !(isalpha((unsigned char)s[i + 1]) || s[i + 1] == '_'))
        return 0;
    size_t j = i + 1;
    while (isalnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '-')
        j++;
    return j - i;
}

static bool has_placeholder(const char *s)
{
    if (!s)
        return false;
    for (size_t i = 0; s[i]; i++)
        if (placeholder_at(s, i))
            return true;
    return false;
}

static void check_placeholder(vctx *v, const char *what, const char *s, nt_pos pos)
{
    if (!s)
        return;
    for (size_t i = 0; s[i]; i++) {
        size_t n = placeholder_at(s, i);
        if (n) {
            nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_PLACEHOLDER, pos, v->c->name,
                         "%s still holds the placeholder '%.*s'; replace it", what, (int)n, s + i);
            return;
        }
    }
}

bool nt_dns1123_label(const char *s)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n == 0 || n > 63)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        if (!alnum && !(ch == '-' && i > 0 && i + 1 < n))
            return false;
    }
    return true;
}

/* A DNS name: dot-separated labels (the additions' host rule). */
static bool dns_name(const char *s)
{
    if (empty(s) || strlen(s) > 253)
        return false;
    const char *p = s;
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        char label[64];
        if (n == 0 || n > 63)
            return false;
        memcpy(label, p, n);
        label[n] = '\0';
        if (!nt_dns1123_label(label))
            return false;
        if (!dot)
            return true;
        p = dot + 1;
    }
}

static bool all_digits(const char *s)
{
    if (empty(s))
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static bool valid_port(const char *s)
{
    if (!all_digits(s) || strlen(s) > 5)
        return false;
    long n = strtol(s, NULL, 10);
    return n >= 1 && n <= 65535;
}

static bool is_ip(const char *host)
{
    unsigned char buf[16];
    return host && (inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1);
}

/* ---- kinds and components --------------------------------------------------------------- */

typedef enum { K_NONE = -1, K_HOST, K_PW_DEP, K_PW_PIPE, K_VW_DEP, K_VW_PIPE } kind5;

static kind5 kind_of(const nt_cluster *c)
{
    const char *wt = get(c, NT_F_WORKER_TYPE);
    bool dep = wt && !strcmp(wt, "deployment"), pipe = wt && !strcmp(wt, "pipeline");
    if (nt_cluster_is_host(c))
        return nt_cluster_is_physical(c) && empty(wt) ? K_HOST : K_NONE;
    if (!nt_cluster_is_worker(c) || !(dep || pipe))
        return K_NONE;
    if (nt_cluster_is_physical(c))
        return dep ? K_PW_DEP : K_PW_PIPE;
    if (nt_cluster_is_virtual(c))
        return dep ? K_VW_DEP : K_VW_PIPE;
    return K_NONE;
}

/* Categories a v0.4 server fills for each kind (docs/api-server.md §3.2), server-only included. */
static bool v04_applies(kind5 k, nt_component_kind cat)
{
    switch (cat) {
    case NT_C_GATEWAY:
        return k != K_VW_DEP;
    case NT_C_MULTI_TENANT:
    case NT_C_SECRET_SYNC:
    case NT_C_DEPLOYMENT:
        return k != K_HOST;
    case NT_C_PROGRESSIVE_DELIVERY:
        return k == K_PW_DEP || k == K_VW_DEP;
    case NT_C_PIPELINE:
    case NT_C_EVENT_LISTENER:
        return k == K_PW_PIPE || k == K_VW_PIPE;
    case NT_C_OAUTH_PROXY:
        return k == K_HOST || k == K_PW_DEP || k == K_PW_PIPE;
    case NT_C_SECRET_MANAGEMENT:
        return true;
    default:
        return false;
    }
}

static bool applies(nt_api_gen gen, kind5 k, nt_component_kind cat)
{
    if (gen == NT_GEN_V03)
        return (nt_components[cat].flags & NT_COMP_V03) != 0;
    return v04_applies(k, cat);
}

static const nt_component_info *component_by_default_name(const char *name)
{
    for (int i = 0; i < NT_C_COUNT; i++)
        if (!strcmp(nt_components[i].default_name, name))
            return &nt_components[i];
    return NULL;
}

/* The namespace a server gives category `cat` of cluster c (after defaults), or NULL. */
static const char *component_ns(const nt_cluster *c, nt_component_kind cat)
{
    const nt_component *comp = c->comp[cat];
    if (comp->declared && !comp->is_null) {
        if (!empty(comp->ns.s))
            return comp->ns.s;
        if (!empty(comp->name.s)) {
            const nt_component_info *ci = component_by_default_name(comp->name.s);
            return ci ? ci->default_namespace : NULL;
        }
    }
    return nt_components[cat].default_namespace;
}

static bool ns_ok(const nt_cluster *c, nt_api_gen gen, kind5 k, const char *ns)
{
    for (int i = 0; i < NT_C_COUNT; i++) {
        const char *cns =
            applies(gen, k, (nt_component_kind)i) ? component_ns(c, (nt_component_kind)i) : NULL;
        if (cns && !strcmp(cns, ns))
            return true;
    }
    return false;
}

static void list_namespaces(const nt_cluster *c, nt_api_gen gen, kind5 k, nt_buf *out)
{
    const char *seen[NT_C_COUNT] = {0};
    size_t n = 0;
    for (int i = 0; i < NT_C_COUNT; i++) {
        if (!applies(gen, k, (nt_component_kind)i))
            continue;
        const char *ns = component_ns(c, (nt_component_kind)i);
        bool dup = !ns;
        for (size_t j = 0; j < n && !dup; j++)
            dup = !strcmp(seen[j], ns);
        if (!dup)
            seen[n++] = ns;
    }
    for (size_t i = 0; i < n; i++)
        nt_buf_addf(out, "%s%s", i ? ", " : "", seen[i]);
}

static void check_reserved(vctx *v, kind5 k)
{
    const nt_cluster *c = v->c;
    nt_api_gen gen = v->o->gen;
    for (size_t i = 0; i < c->n_reserved; i++) {
        const char *ns = c->reserved[i].ns;
        nt_pos pos = c->reserved[i].pos;
        bool ok03 = ns_ok(c, NT_GEN_V03, k, ns), ok04 = ns_ok(c, NT_GEN_V04, k, ns);
        bool ok = gen == NT_GEN_V03 ? ok03 : gen == NT_GEN_V04 ? ok04 : (ok03 || ok04);
        nt_buf list = NT_BUF_INIT;
        if (!ok) {
            list_namespaces(c, gen == NT_GEN_V03 ? NT_GEN_V03 : NT_GEN_V04, k, &list);
            nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_RESERVED_NAMESPACE, pos, c->name,
                         "reserved namespace '%s' is not the namespace of one of this "
                         "cluster's components (%s)",
                         ns, nt_buf_str(&list));
        } else if (v->client && gen == NT_GEN_UNKNOWN && ok03 != ok04) {
            list_namespaces(c, ok03 ? NT_GEN_V04 : NT_GEN_V03, k, &list);
            nt_diag_addc(v->diag, NT_SEV_WARNING, NT_RULE_RESERVED_NAMESPACE, pos, c->name,
                         "reserved namespace '%s' is a component namespace only on %s API "
                         "servers; %s servers refuse it (theirs: %s)",
                         ns, ok03 ? "v0.3" : "v0.4", ok03 ? "v0.4" : "v0.3", nt_buf_str(&list));
        }
        nt_buf_free(&list);
    }
}

static void check_allowed(vctx *v)
{
    const nt_cluster *c = v->c;
    for (size_t i = 0; i < c->n_allowed; i++) {
        const nt_product_resources *e = &c->allowed[i];
        for (size_t j = 0; j < e->n; j++) {
            const nt_resource *r = &e->items[j];
            if (empty(r->kind.s) || empty(r->group.s))
                nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_ALLOWED_RESOURCE, r->pos, c->name,
                             "an allowed cluster resource of product '%s' needs a non-empty "
                             "%s",
                             e->product,
                             empty(r->kind.s) && empty(r->group.s) ? "kind and group"
                             : empty(r->kind.s)                    ? "kind"
                                                                   : "group");
        }
    }
}

static const char *comp_key(const nt_component_info *ci)
{
    return ci->snake ? ci->snake : ci->camel;
}

static void check_components(vctx *v)
{
    const nt_cluster *c = v->c;
    for (int i = 0; i < NT_C_COUNT; i++) {
        const nt_component *comp = c->comp[i];
        if (!comp->declared || comp->is_null || empty(comp->name.s))
            continue;
        if (v->o->server && v->o->gen == NT_GEN_V03 && !empty(comp->ns.s))
            continue; /* v0.3.6 only looks the name up when the namespace is empty */
        if (component_by_default_name(comp->name.s))
            continue;
        nt_buf known = NT_BUF_INIT;
        for (int j = 0; j < NT_C_COUNT; j++) {
            bool dup = false;
            for (int m = 0; m < j; m++)
                dup |= !strcmp(nt_components[m].default_name, nt_components[j].default_name);
            if (!dup)
                nt_buf_addf(&known, "%s%s", known.len ? ", " : "", nt_components[j].default_name);
        }
        nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_COMPONENT_UNKNOWN, comp->name.pos, c->name,
                     "unknown component '%s' for components_list.%s (known: %s)", comp->name.s,
                     comp_key(&nt_components[i]), nt_buf_str(&known));
        nt_buf_free(&known);
    }
}

static void check_additions(vctx *v)
{
    const nt_cluster *c = v->c;
    if (v->o->gen == NT_GEN_V03)
        return; /* v0.3 servers ignore additions */
    for (int i = 0; i < NT_C_COUNT; i++) {
        const nt_component *comp = c->comp[i];
        if (!comp->declared || comp->is_null)
            continue;
        const char *name = !empty(comp->name.s) ? comp->name.s : nt_components[i].default_name;
        for (size_t j = 0; j < comp->n_additions; j++) {
            const nt_addition *a = &comp->additions[j];
            const char *val = a->value.s ? a->value.s : "";
            bool port = !strcmp(name, "traefik") &&
                        (!strcmp(a->key, "httpNodePort") || !strcmp(a->key, "httpsNodePort"));
            bool host =
                (!strcmp(name, "argocd") || !strcmp(name, "tekton")) && !strcmp(a->key, "host");
            if (port && !all_digits(val))
                nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_ADDITION_INVALID, a->value.pos, c->name,
                             "the '%s' addition of component %s must be digits, not '%s'", a->key,
                             name, val);
            else if (port && v->client && !valid_port(val))
                nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_PORT_INVALID, a->value.pos, c->name,
                             "the '%s' addition of component %s must be a port number "
                             "(1-65535), not '%s'",
                             a->key, name, val);
            else if (host && !dns_name(val))
                nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_ADDITION_INVALID, a->value.pos, c->name,
                             "the 'host' addition of component %s must be a DNS name, not "
                             "'%s'",
                             name, val);
        }
    }
}

static bool addition_given(const nt_cluster *c, nt_component_kind cat, const char *key)
{
    const nt_component *comp = c->comp[cat];
    for (size_t i = 0; i < comp->n_additions; i++)
        if (!strcmp(comp->additions[i].key, key) && !empty(comp->additions[i].value.s))
            return true;
    return false;
}

/* A seed field and its v0.4 spelling both given must agree: a v0.3 server reads one and a
 * v0.4 server the other, so different values would give different clusters. */
static void check_spellings(vctx *v)
{
    const nt_cluster *c = v->c;
    if (v->o->gen == NT_GEN_V03)
        return; /* a v0.3 server reads the seed spelling only */
    for (size_t i = 0; i < NT_SEED_ADDITIONS; i++) {
        const nt_seed_addition *sa = &nt_seed_additions[i];
        const char *seed = c->f[sa->field].s;
        const nt_value *add = nt_cluster_seed_addition(c, sa->field);
        if (!seed || !add)
            continue;
        bool port = (nt_fields[sa->field].flags & NT_FIELD_PORT) != 0;
        if (port ? !all_digits(add->s) || !valid_port(add->s) : !dns_name(add->s))
            continue; /* check_additions reported it */
        char *x = nt_normalize_port(seed), *y = nt_normalize_port(add->s);
        if (strcmp(x, y))
            nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_SPELLINGS_DIFFER, add->pos, c->name,
                         "components_list.%s.additions.%s is '%s' but %s (line %u) is '%s': "
                         "a v0.3 server reads %s and a v0.4 server the addition; give both "
                         "the same value, or only one of them",
                         nt_components[sa->kind].snake, sa->key, add->s, nt_fields[sa->field].snake,
                         nt_cluster_field_pos(c, sa->field).line, seed, nt_fields[sa->field].snake);
        free(x);
        free(y);
    }
}

static void check_kubeconfig(vctx *v)
{
    const nt_cluster *c = v->c;
    const char *kc = get(c, NT_F_KUBECONFIG);
    /* a cluster_type still a placeholder may well be physical: a kubeconfig given is checked
     * now rather than after the placeholder is replaced */
    bool maybe = v->client && has_placeholder(get(c, NT_F_CLUSTER_TYPE)) && !empty(kc);
    if (!nt_cluster_is_physical(c) && !maybe)
        return;
    if (empty(kc)) {
        if (!empty(c->kubeconfig_file.s))
            return; /* loaded with NT_LOAD_NO_KUBECONFIG */
        nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_KUBECONFIG_REQUIRED, fpos(c, NT_F_KUBECONFIG),
                     c->name,
                     "a physical cluster needs its kubeconfig on every save; set kubeconfig "
                     "or kubeconfig_file");
        return;
    }
    const char *why = NULL;
    if (nt_kubeconfig_check(kc, strlen(kc), &why) < 0)
        nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_KUBECONFIG_INVALID, fpos(c, NT_F_KUBECONFIG),
                     c->name, "the kubeconfig %s", why);
}

static void check_vcluster_port(vctx *v)
{
    const nt_cluster *c = v->c;
    if (!nt_cluster_is_virtual(c) || !empty(get(c, NT_F_VCLUSTER_HTTPS_NODE_PORT)))
        return;
    char *port = NULL;
    char *host = nt_host_of_dup(get(c, NT_F_API_SERVER), &port);
    if (host && empty(port))
        nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_VCLUSTER_PORT, fpos(c, NT_F_API_SERVER),
                     c->name,
                     "a virtual cluster needs a port: set vcluster.https_node_port or give "
                     "api_server a port");
    free(host);
    free(port);
}

static void check_default_ip(vctx *v, kind5 k)
{
    const nt_cluster *c = v->c;
    if (k == K_NONE || k == K_HOST)
        return;
    char *port = NULL;
    char *host = nt_host_of_dup(get(c, NT_F_API_SERVER), &port);
    free(port);
    if (!host || !*host || is_ip(host) || has_placeholder(host)) {
        free(host);
        return;
    }
    bool v03 = v->o->gen != NT_GEN_V04, v04 = v->o->gen != NT_GEN_V03;
    bool client = v->client;
    struct {
        nt_field f;
        nt_component_kind cat;
        const char *comp;
        bool needed;
    } rows[] = {{NT_F_ARGOCD_HOST, NT_C_DEPLOYMENT, "deployment", true},
                {NT_F_TEKTON_HOST, NT_C_PIPELINE, "pipeline", k == K_PW_PIPE || k == K_VW_PIPE}};
    for (size_t i = 0; i < 2; i++) {
        if (!rows[i].needed)
            continue;
        bool seed = !empty(get(c, rows[i].f)), add = addition_given(c, rows[i].cat, "host");
        /* the client sends both spellings, so either one is enough for it */
        bool ok = client ? (seed || add) : ((!v03 || seed) && (!v04 || add));
        if (!ok)
            nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_DEFAULT_NEEDS_IP, fpos(c, NT_F_API_SERVER),
                         c->name,
                         "%s cannot be defaulted because api_server's host '%s' is not an IP "
                         "address; set %s",
                         nt_fields[rows[i].f].snake, host,
                         client || v03 ? nt_fields[rows[i].f].snake
                                       : (rows[i].cat == NT_C_DEPLOYMENT
                                              ? "components_list.deployment.additions.host"
                                              : "components_list.pipeline.additions.host"));
    }
    free(host);
}

/* ---- one cluster ---------------------------------------------------------------------------- */

static bool enum_ok(const char *s, const char *a, const char *b)
{
    return s && (!strcmp(s, a) || !strcmp(s, b));
}

static void check_enum(vctx *v, nt_field f, int code, const char *a, const char *b)
{
    const nt_cluster *c = v->c;
    const char *s = get(c, f);
    if (enum_ok(s, a, b) || (v->client && has_placeholder(s)))
        return;
    if (empty(s))
        nt_diag_addc(v->diag, NT_SEV_ERROR, code, fpos(c, f), c->name,
                     "%s is required: '%s' or '%s'", nt_fields[f].snake, a, b);
    else
        nt_diag_addc(v->diag, NT_SEV_ERROR, code, fpos(c, f), c->name,
                     "%s must be '%s' or '%s', not '%s'", nt_fields[f].snake, a, b, s);
}

/* The port of api_server, when it names one, is a TCP port: the server does not check it,
 * and a virtual cluster's vcluster port is taken from it. */
static void check_api_server_port(vctx *v)
{
    const nt_cluster *c = v->c;
    const char *api = get(c, NT_F_API_SERVER);
    if (empty(api))
        return;
    char *port = NULL;
    char *host = nt_host_of_dup(api, &port); /* a placeholder in the host does not hide the port */
    if (host && port && !has_placeholder(port) && !valid_port(port))
        nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_PORT_INVALID, fpos(c, NT_F_API_SERVER), c->name,
                     "api_server's port must be a port number (1-65535), not '%s'", port);
    free(host);
    free(port);
}

static void check_client_extras(vctx *v)
{
    const nt_cluster *c = v->c;
    const char *kind = get(c, NT_F_CLUSTER_KIND);
    if (kind && strcmp(kind, "kubernetes") && !has_placeholder(kind))
        nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_CLUSTER_KIND_VALUE, fpos(c, NT_F_CLUSTER_KIND),
                     c->name, "cluster_kind must be 'kubernetes' (the only kind), not '%s'", kind);
    for (int i = 0; i < NT_F_COUNT; i++) {
        const char *s = c->f[i].s;
        if (!s || (nt_fields[i].flags & NT_FIELD_SENSITIVE))
            continue;
        if (has_placeholder(s))
            check_placeholder(v, nt_fields[i].snake, s, nt_cluster_field_pos(c, (nt_field)i));
        else if ((nt_fields[i].flags & NT_FIELD_PORT) && !valid_port(s))
            nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_PORT_INVALID,
                         nt_cluster_field_pos(c, (nt_field)i), c->name,
                         "%s must be a port number (1-65535), not '%s'", nt_fields[i].snake, s);
    }
    check_placeholder(v, "kubeconfig_file", c->kubeconfig_file.s,
                      nt_cluster_pos(c, NT_AT_KUBECONFIG_FILE));
    check_api_server_port(v);
    for (int i = 0; i < NT_C_COUNT; i++) {
        const nt_component *comp = c->comp[i];
        check_placeholder(v, "a component name", comp->name.s, comp->name.pos);
        check_placeholder(v, "a component namespace", comp->ns.s, comp->ns.pos);
        for (size_t j = 0; j < comp->n_additions; j++)
            check_placeholder(v, comp->additions[j].key, comp->additions[j].value.s,
                              comp->additions[j].value.pos);
    }
    for (size_t i = 0; i < c->n_reserved; i++)
        for (size_t j = 0; j < c->reserved[i].n; j++)
            check_placeholder(v, "a reserved namespace product", c->reserved[i].products[j].s,
                              c->reserved[i].products[j].pos);
    for (size_t i = 0; i < c->n_allowed; i++)
        for (size_t j = 0; j < c->allowed[i].n; j++) {
            check_placeholder(v, "kind", c->allowed[i].items[j].kind.s,
                              c->allowed[i].items[j].kind.pos);
            check_placeholder(v, "group", c->allowed[i].items[j].group.s,
                              c->allowed[i].items[j].group.pos);
        }
}

/* s with each bare $placeholder replaced by "a": what is wrong around the placeholders is
 * wrong whatever replaces them. */
static char *fill_placeholders(const char *s)
{
    nt_buf b = NT_BUF_INIT;
    for (size_t i = 0; s[i];) {
        size_t n = placeholder_at(s, i);
        if (n) {
            nt_buf_addc(&b, 'a');
            i += n;
        } else {
            nt_buf_addc(&b, s[i++]);
        }
    }
    return nt_buf_detach(&b);
}

static void check_name(vctx *v)
{
    const nt_cluster *c = v->c;
    if (nt_dns1123_label(c->name)) {
        /* a label the API Server accepts and then writes over one of its own files */
        const char *why = nt_tenant_reserved_name(c->name);
        if (why)
            nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_NAME_INVALID, cpos(c), c->name,
                         "cluster name '%s' cannot be used: %s", c->name, why);
        return;
    }
    bool wrong = true;
    if (has_placeholder(c->name)) {
        check_placeholder(v, "name", c->name, cpos(c));
        char *filled = fill_placeholders(c->name);
        wrong = !nt_dns1123_label(filled);
        free(filled);
    }
    if (wrong)
        nt_diag_addc(v->diag, NT_SEV_ERROR, NT_RULE_NAME_INVALID, cpos(c), c->name,
                     "cluster name '%s' is not a DNS-1123 label (lower-case letters, digits "
                     "and '-', starting and ending with a letter or digit, at most 63 "
                     "characters)",
                     c->name ? c->name : "");
}

int nt_validate_cluster(const nt_cluster *c, const nt_validate_opts *o, nt_diag *diag)
{
    size_t before = diag->n_errors;
    vctx v = {c, o, diag, !o->server};
    const char *api = get(c, NT_F_API_SERVER), *wt = get(c, NT_F_WORKER_TYPE);
    const char *host = get(c, NT_F_HOST_CLUSTER);
    bool phys = nt_cluster_is_physical(c), virt = nt_cluster_is_virtual(c);
    bool is_host = nt_cluster_is_host(c), worker = nt_cluster_is_worker(c);

    if (v.client)
        check_name(&v);
    if (c->state == NT_STATE_ABSENT)
        return diag->n_errors > before ? -1 : 0;

    /* 6.1: proto rules, in the server's order */
    if (empty(api))
        nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_API_SERVER_REQUIRED, fpos(c, NT_F_API_SERVER),
                     c->name, "api_server is required (the cluster's Kubernetes API URL)");
    if (o->server && empty(get(c, NT_F_CLUSTER_KIND)))
        nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_CLUSTER_KIND_REQUIRED, fpos(c, NT_F_CLUSTER_KIND),
                     c->name, "cluster_kind is required");
    check_enum(&v, NT_F_CLUSTER_TYPE, NT_RULE_CLUSTER_TYPE_ENUM, "physical", "virtual");
    check_enum(&v, NT_F_USAGE, NT_RULE_USAGE_ENUM, "host", "worker");

    /* 6.2: business rules, in the table's order */
    /* a placeholder for the whole URL hides the scheme; one for the host ("https://$ip")
     * does not */
    if (!empty(api) && strncmp(api, "http://", 7) && strncmp(api, "https://", 8) &&
        !(v.client && placeholder_at(api, 0)))
        nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_API_SERVER_SCHEME, fpos(c, NT_F_API_SERVER),
                     c->name, "api_server '%s' is not an https:// (or http://) URL", api);
    if (virt && worker && empty(host))
        nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_VIRTUAL_WORKER_HOST, cpos(c), c->name,
                     "a virtual worker needs host_cluster (the host cluster it runs on)");
    if (worker && empty(wt))
        nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_WORKER_TYPE_REQUIRED, cpos(c), c->name,
                     "a worker needs worker_type: 'pipeline' or 'deployment'");
    if (v.client && worker && !empty(wt) && !enum_ok(wt, "pipeline", "deployment") &&
        !has_placeholder(wt))
        nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_WORKER_TYPE_ENUM, fpos(c, NT_F_WORKER_TYPE),
                     c->name, "worker_type must be 'pipeline' or 'deployment', not '%s'", wt);
    /* the client derives traefik from the gateway's additions (the v0.4 spelling) */
    bool traefik =
        c->has_traefik || (v.client && (nt_cluster_seed_addition(c, NT_F_TRAEFIK_HTTP_NODE_PORT) ||
                                        nt_cluster_seed_addition(c, NT_F_TRAEFIK_HTTPS_NODE_PORT)));
    if (phys && !traefik && o->gen != NT_GEN_V04) {
        if (o->gen == NT_GEN_V03)
            nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_TRAEFIK_REQUIRED, cpos(c), c->name,
                         "a physical cluster needs traefik {http_node_port, https_node_port} "
                         "(or components_list.gateway.additions.{httpNodePort,httpsNodePort}): "
                         "the API Server is v0.3, which refuses a physical cluster without "
                         "them");
        else
            nt_diag_addc(diag, NT_SEV_WARNING, NT_RULE_TRAEFIK_REQUIRED, cpos(c), c->name,
                         "a physical cluster needs traefik {http_node_port, https_node_port} "
                         "(or components_list.gateway.additions.{httpNodePort,httpsNodePort}): "
                         "required by v0.3 API servers");
    }
    kind5 k = kind_of(c);
    if (o->server && k == K_NONE && (phys || virt) && (is_host || worker))
        nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_KIND_COMBINATION, cpos(c), c->name,
                     "usage '%s', cluster_type '%s' and worker_type '%s' do not form a valid "
                     "kind (a physical host, or a physical or virtual worker for pipeline or "
                     "deployment)",
                     get(c, NT_F_USAGE), get(c, NT_F_CLUSTER_TYPE), wt ? wt : "");
    if (is_host && virt)
        nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_HOST_NOT_VIRTUAL, fpos(c, NT_F_CLUSTER_TYPE),
                     c->name, "a host cluster must be physical, not virtual");
    if (is_host && !empty(wt))
        nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_HOST_WORKER_TYPE, fpos(c, NT_F_WORKER_TYPE),
                     c->name, "a host cluster must not have a worker_type");
    if (phys && !empty(host))
        nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_PHYSICAL_NO_HOST, fpos(c, NT_F_HOST_CLUSTER),
                     c->name, "a physical cluster must not name a host_cluster");
    if (virt && !worker && empty(host))
        nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_VIRTUAL_NEEDS_HOST, cpos(c), c->name,
                     "a virtual cluster must name its host_cluster");
    if (k != K_NONE)
        check_reserved(&v, k);
    check_allowed(&v);
    check_components(&v);
    check_additions(&v);
    check_kubeconfig(&v);
    check_vcluster_port(&v);
    check_default_ip(&v, k);

    if (v.client) {
        check_client_extras(&v);
        check_spellings(&v);
    }
    return diag->n_errors > before ? -1 : 0;
}

/* ---- the whole set --------------------------------------------------------------------------- */

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Every cluster names at most one host, so the host_cluster references form a functional
 * graph: one walk per cluster, each stopping at the first cluster an earlier walk already
 * finished, visits every cluster once (linear, however long the chains). A walk that meets
 * its own path has found a cycle; it is reported once, at its smallest name, in set order.
 * host_at[i] is the position of cluster i's host_cluster in the set (SIZE_MAX: none given, or
 * not declared). */
static void check_cycles(const nt_cluster_set *set, const size_t *host_at, nt_diag *diag)
{
    enum { NEW = 0, ON_PATH, DONE };
    unsigned char *colour = nt_xcalloc(set->n ? set->n : 1, 1);
    size_t *path = nt_xcalloc(set->n ? set->n : 1, sizeof(size_t));
    size_t *report = nt_xcalloc(set->n ? set->n : 1, sizeof(size_t));
    size_t n_report = 0;
    for (size_t i = 0; i < set->n; i++) {
        size_t len = 0, cur = i;
        while (cur != SIZE_MAX && colour[cur] == NEW) {
            colour[cur] = ON_PATH;
            path[len++] = cur;
            cur = host_at[cur];
        }
        if (cur != SIZE_MAX && colour[cur] == ON_PATH) {
            /* the cycle is the path from cur to its end */
            size_t k = len;
            while (path[k - 1] != cur)
                k--;
            size_t smallest = cur;
            for (size_t m = k - 1; m < len; m++)
                if (strcmp(set->items[path[m]]->name, set->items[smallest]->name) < 0)
                    smallest = path[m];
            report[n_report++] = smallest;
        }
        for (size_t m = 0; m < len; m++)
            colour[path[m]] = DONE;
    }
    qsort(report, n_report, sizeof(size_t), cmp_size);
    for (size_t r = 0; r < n_report; r++) {
        const nt_cluster *start = set->items[report[r]];
        nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_CYCLE, fpos(start, NT_F_HOST_CLUSTER), start->name,
                     "host_cluster references form a cycle through '%s'", start->name);
    }
    free(report);
    free(path);
    free(colour);
}

int nt_validate_set(const nt_cluster_set *set, const nt_validate_opts *o, nt_diag *diag)
{
    return nt_validate_set_marked(set, o, diag, NULL);
}

/* Whether a client's rules about c read the generation (o->gen) in a way that can change what
 * they find for `gen` against NT_GEN_UNKNOWN: the traefik rule (physical clusters),
 * check_reserved (reserved namespaces), and for v0.3 check_additions and check_spellings,
 * which v0.3 skips. check_components and check_default_ip read it only for the local server's
 * rules. */
static bool reads_gen(const nt_cluster *c, nt_api_gen gen)
{
    if (gen == NT_GEN_UNKNOWN)
        return false;
    return gen == NT_GEN_V03 || nt_cluster_is_physical(c) || c->n_reserved > 0;
}

static void copy_items(const nt_diag *from, size_t a, size_t b, nt_diag *to)
{
    for (size_t i = a; i < b; i++) {
        const nt_diag_item *it = &from->items[i];
        nt_diag_addc(to, it->sev, it->code, (nt_pos){it->file, it->line, it->col}, it->cluster,
                     "%s", it->msg);
    }
}

int nt_validate_set_again(const nt_cluster_set *set, nt_api_gen gen, const nt_diag *unknown,
                          const size_t *ends, nt_diag *diag)
{
    size_t before = diag->n_errors, done = 0;
    nt_validate_opts o = {gen, false};
    for (size_t i = 0; i < set->n; i++) {
        if (reads_gen(set->items[i], gen))
            nt_validate_cluster(set->items[i], &o, diag);
        else
            copy_items(unknown, done, ends[i], diag);
        done = ends[i];
    }
    copy_items(unknown, done, unknown->n, diag); /* the whole-set rules read no generation */
    return diag->n_errors > before ? -1 : 0;
}

int nt_validate_set_marked(const nt_cluster_set *set, const nt_validate_opts *o, nt_diag *diag,
                           size_t *ends)
{
    size_t before = diag->n_errors, start = diag->n;
    /* The whole-set rules below need each cluster's host and whether the host rule applies to
     * it: both are read here, while the cluster is in the cache, and the rules read only these
     * arrays (a set of 100,000 clusters does not fit the cache: reading each cluster again
     * cost more than the rules). */
    size_t *host_at = o->server ? NULL : nt_xcalloc(set->n + 1, sizeof *host_at);
    bool *names_host = o->server ? NULL : nt_xcalloc(set->n + 1, sizeof *names_host);
    for (size_t i = 0; i < set->n; i++) {
        const nt_cluster *c = set->items[i];
        nt_validate_cluster(c, o, diag);
        if (ends)
            ends[i] = diag->n - start;
        if (o->server)
            continue;
        const char *h = get(c, NT_F_HOST_CLUSTER);
        host_at[i] = empty(h) ? SIZE_MAX : nt_cluster_set_position(set, h);
        names_host[i] = c->state != NT_STATE_ABSENT && nt_cluster_is_virtual(c) && !empty(h);
    }
    if (o->server)
        return diag->n_errors > before ? -1 : 0;
    char label[96];
    for (size_t i = 0; i < set->n; i++) {
        if (!names_host[i])
            continue;
        const nt_cluster *c = set->items[i];
        const char *h = get(c, NT_F_HOST_CLUSTER);
        const nt_cluster *d = host_at[i] == SIZE_MAX ? NULL : set->items[host_at[i]];
        if (!d) {
            nt_diag_addc(diag, NT_SEV_NOTE, NT_RULE_HOST_NOT_DECLARED, fpos(c, NT_F_HOST_CLUSTER),
                         c->name,
                         "host_cluster '%s' is not declared in these files; it must already "
                         "exist on the server",
                         h);
        } else if (d->state == NT_STATE_ABSENT) {
            nt_diag_addc(
                diag, NT_SEV_ERROR, NT_RULE_HOST_ABSENT_IN_USE,
                nt_cluster_pos(d, NT_AT_STATE).line ? nt_cluster_pos(d, NT_AT_STATE) : cpos(d),
                d->name,
                "host '%s' is marked absent but cluster '%s' (%s:%u) still names it "
                "as host_cluster; delete '%s' as well or keep the host",
                d->name, c->name,
                nt_cluster_pos(c, NT_AT_NAME).file ? nt_cluster_pos(c, NT_AT_NAME).file : "?",
                nt_cluster_pos(c, NT_AT_NAME).line, c->name);
        } else if (!nt_cluster_is_host(d) && d != c) {
            nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_HOST_NOT_A_HOST, fpos(c, NT_F_HOST_CLUSTER),
                         c->name, "host_cluster '%s' is declared as a %s, not a host", h,
                         nt_cluster_kind_label(d, label, sizeof label));
        }
    }
    check_cycles(set, host_at, diag);
    free(names_host);
    free(host_at);
    return diag->n_errors > before ? -1 : 0;
}

int nt_validate_hosts(const nt_cluster_set *desired, const nt_cluster_set *actual, nt_diag *diag)
{
    size_t before = diag->n_errors;
    char label[96];
    for (size_t i = 0; i < desired->n; i++) {
        const nt_cluster *c = desired->items[i];
        const char *h = get(c, NT_F_HOST_CLUSTER);
        if (c->state == NT_STATE_ABSENT || !nt_cluster_is_virtual(c) || empty(h))
            continue;
        const nt_cluster *d = nt_cluster_set_find(desired, h);
        if (d && d->state == NT_STATE_PRESENT && nt_cluster_is_host(d))
            continue;
        /* the server's cluster only when the files do not settle it (most do) */
        const nt_cluster *a = actual && !d ? nt_cluster_set_find(actual, h) : NULL;
        if (d && d->state == NT_STATE_ABSENT) {
            nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_HOST_ABSENT_IN_USE, fpos(c, NT_F_HOST_CLUSTER),
                         c->name, "host_cluster '%s' is marked absent in these files", h);
        } else if (d) {
            nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_HOST_NOT_A_HOST, fpos(c, NT_F_HOST_CLUSTER),
                         c->name, "host_cluster '%s' is declared as a %s, not a host", h,
                         nt_cluster_kind_label(d, label, sizeof label));
        } else if (!a) {
            nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_HOST_MISSING, fpos(c, NT_F_HOST_CLUSTER),
                         c->name,
                         "host_cluster '%s' is neither declared in these files nor present on "
                         "the server",
                         h);
        } else if (!nt_cluster_is_host(a)) {
            nt_diag_addc(diag, NT_SEV_ERROR, NT_RULE_HOST_NOT_A_HOST, fpos(c, NT_F_HOST_CLUSTER),
                         c->name, "host_cluster '%s' exists on the server as a %s, not a host", h,
                         nt_cluster_kind_label(a, label, sizeof label));
        }
    }
    return diag->n_errors > before ? -1 : 0;
}

/* ---- after a load with errors ------------------------------------------------------------- */

/* Whether `key` is among c->failed_keys, in either spelling (api_server, apiServer). */
static bool key_failed(const nt_cluster *c, const char *key)
{
    for (const char *p = c->failed_keys; p && *p;) {
        p += strspn(p, " ");
        size_t n = strcspn(p, " ");
        const char *a = p, *b = key;
        while (a < p + n || *b) {
            if (a < p + n && *a == '_') {
                a++;
            } else if (*b == '_') {
                b++;
            } else if (a < p + n && *b &&
                       tolower((unsigned char)*a) == tolower((unsigned char)*b)) {
                a++;
                b++;
            } else {
                break;
            }
        }
        if (n && a == p + n && !*b)
            return true;
        p += n;
    }
    return false;
}

bool nt_validate_repeats_load_error(const nt_diag_item *it, const nt_cluster *c)
{
    /* the field each rule wants, then the fields it depends on ("a worker needs worker_type"
     * depends on usage); every rule depends on state (an absent entry is only named) */
    static const struct {
        int code;
        const char *keys[7];
    } wants[] = {
        {NT_RULE_API_SERVER_REQUIRED, {"api_server"}},
        {NT_RULE_CLUSTER_KIND_REQUIRED, {"cluster_kind"}},
        {NT_RULE_CLUSTER_TYPE_ENUM, {"cluster_type"}},
        {NT_RULE_USAGE_ENUM, {"usage"}},
        {NT_RULE_VIRTUAL_WORKER_HOST, {"host_cluster", "cluster_type", "usage"}},
        {NT_RULE_VIRTUAL_NEEDS_HOST, {"host_cluster", "cluster_type", "usage"}},
        {NT_RULE_WORKER_TYPE_REQUIRED, {"worker_type", "usage"}},
        {NT_RULE_TRAEFIK_REQUIRED, {"traefik", "cluster_type"}},
        {NT_RULE_KUBECONFIG_REQUIRED, {"kubeconfig", "kubeconfig_file", "cluster_type"}},
        {NT_RULE_VCLUSTER_PORT, {"vcluster", "api_server", "cluster_type"}},
        {NT_RULE_KIND_COMBINATION, {"cluster_type", "usage", "worker_type"}},
        {NT_RULE_DEFAULT_NEEDS_IP,
         {"argocd_host", "tekton_host", "components_list", "api_server", "cluster_type", "usage",
          "worker_type"}},
    };
    if (!c || !c->failed_keys)
        return false;
    nt_pos entry = nt_cluster_pos(c, NT_AT_ENTRY), name = nt_cluster_pos(c, NT_AT_NAME);
    bool at_entry = (it->line == entry.line && it->col == entry.col) ||
                    (it->line == name.line && it->col == name.col) || !it->line;
    if (!at_entry)
        return false;
    if (key_failed(c, "state"))
        return true;
    for (size_t i = 0; i < sizeof wants / sizeof wants[0]; i++)
        if (wants[i].code == it->code)
            for (size_t k = 0; k < 7 && wants[i].keys[k]; k++)
                if (key_failed(c, wants[i].keys[k]))
                    return true;
    return false;
}

int nt_validate_loaded(const nt_cluster_set *set, const nt_validate_opts *o, nt_diag *diag)
{
    nt_diag checks = NT_DIAG_INIT;
    int rc = nt_validate_set(set, o, &checks);
    for (size_t i = 0; i < checks.n; i++) {
        const nt_diag_item *it = &checks.items[i];
        const nt_cluster *c = it->cluster ? nt_cluster_set_find(set, it->cluster) : NULL;
        if (!nt_validate_repeats_load_error(it, c))
            nt_diag_addc(diag, it->sev, it->code, (nt_pos){it->file, it->line, it->col},
                         it->cluster, "%s", it->msg);
    }
    nt_diag_free(&checks);
    return rc;
}
