#include "core/model/model.h"

#include "core/base/alloc.h"
#include "core/base/wipe.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const nt_field_info nt_fields[NT_F_COUNT] = {
    {NT_F_CLUSTER_KIND, "cluster_kind", "clusterKind", NT_FIELD_REPLACE},
    {NT_F_CLUSTER_TYPE, "cluster_type", "clusterType", NT_FIELD_REPLACE},
    {NT_F_USAGE, "usage", "usage", NT_FIELD_REPLACE},
    {NT_F_HOST_CLUSTER, "host_cluster", "hostCluster", NT_FIELD_REPLACE},
    {NT_F_WORKER_TYPE, "worker_type", "workerType", NT_FIELD_REPLACE},
    {NT_F_API_SERVER, "api_server", "apiServer", 0},
    {NT_F_PRIMARY_DOMAIN, "primary_domain", "primaryDomain", 0},
    {NT_F_ARGOCD_HOST, "argocd_host", "argocdHost", NT_FIELD_V03_ONLY},
    {NT_F_TEKTON_HOST, "tekton_host", "tektonHost", NT_FIELD_V03_ONLY},
    {NT_F_TRAEFIK_HTTP_NODE_PORT, "traefik.http_node_port", "traefik.httpNodePort",
     NT_FIELD_PORT | NT_FIELD_V03_ONLY | NT_FIELD_NESTED},
    {NT_F_TRAEFIK_HTTPS_NODE_PORT, "traefik.https_node_port", "traefik.httpsNodePort",
     NT_FIELD_PORT | NT_FIELD_V03_ONLY | NT_FIELD_NESTED},
    {NT_F_VCLUSTER_HTTPS_NODE_PORT, "vcluster.https_node_port", "vcluster.httpsNodePort",
     NT_FIELD_PORT | NT_FIELD_NESTED},
    {NT_F_KUBECONFIG, "kubeconfig", "kubeconfig", NT_FIELD_SENSITIVE},
};

/* One line per component kind: its API and file keys, default name and namespace, flags.
 * nt_components[] and the shared default components (nt_cluster_set_component_default) are
 * both built from it. */
#define COMPONENT_KINDS(X)                                                                         \
    X(NT_C_MULTI_TENANT, "multi_tenant", "multiTenant", "hnc", "hnc-system",                       \
      NT_COMP_V03 | NT_COMP_V04)                                                                   \
    X(NT_C_SECRET_SYNC, "secret_sync", "secretSync", "external-secrets", "external-secrets",       \
      NT_COMP_V03 | NT_COMP_V04)                                                                   \
    X(NT_C_GATEWAY, "gateway", "gateway", "traefik", "traefik", NT_COMP_V04)                       \
    X(NT_C_DEPLOYMENT, "deployment", "deployment", "argocd", "argocd", NT_COMP_V03 | NT_COMP_V04)  \
    X(NT_C_PROGRESSIVE_DELIVERY, "progressive_delivery", "progressiveDelivery", "argo-rollouts",   \
      "argo-rollouts", NT_COMP_V03 | NT_COMP_V04)                                                  \
    X(NT_C_PIPELINE, "pipeline", "pipeline", "tekton", "tekton-pipelines",                         \
      NT_COMP_V03 | NT_COMP_V04)                                                                   \
    X(NT_C_EVENT_LISTENER, "event_listener", "eventListener", "argo-events", "argo-events",        \
      NT_COMP_V03 | NT_COMP_V04)                                                                   \
    X(NT_C_CERT_MGT, "cert_mgt", "certMgt", "cert-manager", "cert-manager", NT_COMP_V03)           \
    X(NT_C_SECRET_MGT, "secret_mgt", "secretMgt", "vault", "vault", NT_COMP_V03)                   \
    X(NT_C_INGRESS_CONTROLLER, "ingress_controller", "ingressController", "traefik", "traefik",    \
      NT_COMP_V03)                                                                                 \
    X(NT_C_OAUTH_PROXY, NULL, "oauthProxy", "oauth2-proxy", "oauth2-proxy", NT_COMP_SERVER_ONLY)   \
    X(NT_C_SECRET_MANAGEMENT, NULL, "secretManagement", "vault", "vault", NT_COMP_SERVER_ONLY)     \
    X(NT_C_CERT_MANAGEMENT, NULL, "certManagement", "cert-manager", "cert-manager",                \
      NT_COMP_SERVER_ONLY)

#define AS_INFO(id, snake, camel, dname, dns, flags) {id, snake, camel, dname, dns, flags},
const nt_component_info nt_components[NT_C_COUNT] = {COMPONENT_KINDS(AS_INFO)};

const char *nt_gen_name(nt_api_gen gen)
{
    switch (gen) {
    case NT_GEN_V03:
        return "v0.3";
    case NT_GEN_V04:
        return "v0.4";
    default:
        return "unknown";
    }
}

int nt_gen_parse(const char *s, nt_api_gen *out)
{
    if (!s)
        return -1;
    if (*s == 'v')
        s++;
    if (!strcmp(s, "0.3"))
        *out = NT_GEN_V03;
    else if (!strcmp(s, "0.4"))
        *out = NT_GEN_V04;
    else
        return -1;
    return 0;
}

nt_field nt_field_by_name(const char *name)
{
    for (int i = 0; i < NT_F_COUNT; i++)
        if (!strcmp(nt_fields[i].snake, name) || !strcmp(nt_fields[i].camel, name))
            return (nt_field)i;
    return NT_F_COUNT;
}

nt_component_kind nt_component_by_name(const char *name)
{
    for (int i = 0; i < NT_C_COUNT; i++)
        if ((nt_components[i].snake && !strcmp(nt_components[i].snake, name)) ||
            !strcmp(nt_components[i].camel, name))
            return (nt_component_kind)i;
    return NT_C_COUNT;
}

/* ---- values ---------------------------------------------------------------------------- */

/* Words many clusters hold: a value or field holding one points at the word here instead of
 * a copy of its own. k_words: what the enumerated fields (cluster_kind, cluster_type, usage,
 * worker_type) take (four allocations less per cluster, observed or loaded); k_value_words:
 * the components' default names and namespaces (nt_components[]), which an observed v0.4
 * cluster repeats in every component it lists (ten allocations less per virtual cluster), and
 * the additions keys of the seed fields (nt_seed_additions[]), shared by values and keys. */
static const char *const k_words[] = {"kubernetes", "physical",   "virtual", "host",
                                      "worker",     "deployment", "pipeline"};
static const char *const k_value_words[] = {
    "hnc",    "hnc-system",       "external-secrets", "traefik",      "argocd", "argo-rollouts",
    "tekton", "tekton-pipelines", "argo-events",      "cert-manager", "vault",  "oauth2-proxy",
    "host",   "httpNodePort",     "httpsNodePort"};
#define NT_WORDS(a) (a), sizeof(a) / sizeof *(a)

/* The word of `words` equal to s, or NULL. */
static const char *shared_word(const char *const *words, size_t n, const char *s)
{
    for (size_t i = 0; s && i < n; i++)
        if (words[i][0] == s[0] && !strcmp(words[i], s))
            return words[i];
    return NULL;
}

/* s is one of `words` itself (not a copy): it is not freed. */
static bool is_shared_word(const char *const *words, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (s == words[i])
            return true;
    return false;
}

static const char *value_copy_of(const char *s)
{
    const char *w = shared_word(NT_WORDS(k_value_words), s);
    return w ? w : nt_xstrdup(s);
}

static void value_free(const char *s)
{
    if (!is_shared_word(NT_WORDS(k_value_words), s))
        free((char *)s);
}

void nt_value_set(nt_value *v, const char *s, nt_pos pos)
{
    const char *old = v->s;
    v->s = value_copy_of(s); /* before the old one goes: s may be it */
    value_free(old);
    v->pos = pos;
}

void nt_value_clear(nt_value *v)
{
    value_free(v->s);
    v->s = NULL;
    v->pos = NT_POS_NONE;
}

static void value_copy(nt_value *dst, const nt_value *src)
{
    dst->s = value_copy_of(src->s);
    dst->pos = src->pos;
}

static bool enumerated(nt_field f)
{
    return f == NT_F_CLUSTER_KIND || f == NT_F_CLUSTER_TYPE || f == NT_F_USAGE ||
           f == NT_F_WORKER_TYPE;
}

static const char *text_copy(nt_field f, const char *s)
{
    const char *w = enumerated(f) ? shared_word(NT_WORDS(k_words), s) : NULL;
    return w ? w : nt_xstrdup(s);
}

static void text_free(nt_field f, const char *s)
{
    if (enumerated(f) && is_shared_word(NT_WORDS(k_words), s))
        return;
    if (nt_fields[f].flags & NT_FIELD_SENSITIVE)
        nt_wipe_free((char *)s);
    else
        free((char *)s);
}

/* Record pos at `which` when there is one, or when positions are already kept (a value
 * replaced without a position must not keep the old one). */
static void record_pos(nt_cluster *c, nt_at which, nt_pos pos)
{
    if (pos.line || pos.file || c->at)
        nt_cluster_set_pos(c, which, pos);
}

/* ---- cluster ----------------------------------------------------------------------------- */

/* What comp[k] reads for a component that was not given, and the array of a cluster that
 * gave none. */
static const nt_component k_no_component;
/* What comp[k] reads for a component given as null by a reader that keeps no positions
 * (nt_cluster_set_component_null): an API answer lists every category, most of them null. */
static const nt_component k_null_component = {.declared = true, .is_null = true};
/* What comp[k] reads for a component given with kind k's default name and namespace and no
 * additions, by such a reader (nt_cluster_set_component_default): most of what an answer
 * lists. [0]: without an additions key (v0.3), [1]: with an empty one (v0.4). */
#define AS_DEFAULT(id, snake, camel, dname, dns, flags)                                            \
    [id] = {.declared = true, .name = {.s = dname}, .ns = {.s = dns}},
#define AS_DEFAULT_ADDITIONS(id, snake, camel, dname, dns, flags)                                  \
    [id] = {.declared = true, .name = {.s = dname}, .ns = {.s = dns}, .additions_declared = true},
static const nt_component k_default_components[2][NT_C_COUNT] = {
    {COMPONENT_KINDS(AS_DEFAULT)}, {COMPONENT_KINDS(AS_DEFAULT_ADDITIONS)}};

/* Component k of c is one of the shared constants above (never freed, never written). */
static bool shared_component(const nt_cluster *c, nt_component_kind k)
{
    return c->comp[k] == &k_null_component || c->comp[k] == &k_default_components[0][k] ||
           c->comp[k] == &k_default_components[1][k];
}
static const nt_component *const k_no_components[NT_C_COUNT] = {
    &k_no_component, &k_no_component, &k_no_component, &k_no_component, &k_no_component,
    &k_no_component, &k_no_component, &k_no_component, &k_no_component, &k_no_component,
    &k_no_component, &k_no_component, &k_no_component};
_Static_assert(NT_C_COUNT == 13, "k_no_components lists one entry per component kind");

nt_cluster *nt_cluster_new(void)
{
    nt_cluster *c = nt_xcalloc(1, sizeof(nt_cluster));
    c->comp = k_no_components;
    return c;
}

nt_cluster *nt_cluster_new_loaded(void)
{
    _Static_assert(sizeof(nt_cluster) % _Alignof(nt_at_pos) == 0, "positions follow the cluster");
    nt_cluster *c = nt_xcalloc(1, sizeof(nt_cluster) + NT_AT_COUNT * sizeof(nt_at_pos));
    c->comp = k_no_components;
    c->at = (nt_at_pos *)(void *)((char *)c + sizeof(nt_cluster)); /* right after it */
    c->at_inline = true;
    return c;
}

/* The components reserved with a cluster's array: right after its NT_C_COUNT pointers. */
static nt_component *comp_room(const nt_cluster *c)
{
    return (nt_component *)(uintptr_t)((const char *)c->comp + NT_C_COUNT * sizeof *c->comp);
}

static bool in_comp_room(const nt_cluster *c, const nt_component *comp)
{
    uintptr_t p = (uintptr_t)comp, room = (uintptr_t)comp_room(c);
    return c->comp_room && p >= room && p < room + c->comp_room * sizeof(nt_component);
}

/* The cluster's own array (and room for n components after it). */
static void own_components(nt_cluster *c, size_t n)
{
    _Static_assert(NT_C_COUNT * sizeof(nt_component *) % _Alignof(nt_component) == 0,
                   "components follow the array");
    const nt_component **own = nt_xcalloc(1, NT_C_COUNT * sizeof *own + n * sizeof(nt_component));
    memcpy(own, k_no_components, sizeof k_no_components);
    c->comp = own;
    c->comp_room = (unsigned char)n;
    c->comp_room_used = 0;
}

void nt_cluster_reserve_components(nt_cluster *c, size_t n)
{
    if (c->comp == k_no_components && n)
        own_components(c, n < NT_C_COUNT ? n : NT_C_COUNT);
}

nt_component *nt_cluster_component(nt_cluster *c, nt_component_kind k)
{
    if (c->comp == k_no_components)
        own_components(c, 0);
    const nt_component **own = (const nt_component **)c->comp; /* the cluster's own array */
    if (own[k] == &k_no_component || shared_component(c, k)) {
        nt_component *comp = c->comp_room_used < c->comp_room ? &comp_room(c)[c->comp_room_used++]
                                                              : nt_xcalloc(1, sizeof(nt_component));
        *comp = *own[k]; /* a shared one stays as it reads until written */
        comp->name.s = value_copy_of(comp->name.s);
        comp->ns.s = value_copy_of(comp->ns.s);
        own[k] = comp;
    }
    return (nt_component *)own[k]; /* allocated here: never the shared one */
}

void nt_cluster_drop_component(nt_cluster *c, nt_component_kind k)
{
    if (c->comp[k] == &k_no_component)
        return;
    const nt_component **own = (const nt_component **)c->comp;
    if (shared_component(c, k)) {
        own[k] = &k_no_component;
        return;
    }
    nt_component *comp = (nt_component *)own[k];
    nt_component_clear(comp);
    if (!in_comp_room(c, comp)) /* a reserved one goes with the array */
        free(comp);
    own[k] = &k_no_component;
}

static void share_component(nt_cluster *c, nt_component_kind k, const nt_component *shared)
{
    nt_cluster_drop_component(c, k);
    if (c->comp == k_no_components)
        own_components(c, 0);
    ((const nt_component **)c->comp)[k] = shared;
}

void nt_cluster_set_component_null(nt_cluster *c, nt_component_kind k)
{
    share_component(c, k, &k_null_component);
}

void nt_cluster_set_component_default(nt_cluster *c, nt_component_kind k, bool additions_declared)
{
    share_component(c, k, &k_default_components[additions_declared][k]);
}

void nt_component_clear_additions(nt_component *comp)
{
    for (size_t i = 0; i < comp->n_additions; i++) {
        value_free(comp->additions[i].key);
        value_free(comp->additions[i].value.s);
    }
    free(comp->additions);
    nt_name_table_free(&comp->additions_index);
    comp->additions = NULL;
    comp->n_additions = comp->cap_additions = 0;
}

void nt_component_clear(nt_component *comp)
{
    nt_value_clear(&comp->name);
    nt_value_clear(&comp->ns);
    nt_component_clear_additions(comp);
    memset(comp, 0, sizeof(*comp));
}

void nt_cluster_free(nt_cluster *c)
{
    if (!c)
        return;
    free(c->name);
    for (int i = 0; i < NT_F_COUNT; i++)
        text_free((nt_field)i, c->f[i].s);
    free((char *)c->kubeconfig_file.s);
    if (!c->at_inline)
        free(c->at);
    free(c->at_other);
    free(c->kubeconfig_unread);
    free(c->failed_keys);
    if (c->comp != k_no_components) {
        for (int i = 0; i < NT_C_COUNT; i++)
            nt_cluster_drop_component(c, (nt_component_kind)i);
        free((void *)c->comp);
    }
    for (size_t i = 0; i < c->n_reserved; i++) {
        free(c->reserved[i].ns);
        for (size_t j = 0; j < c->reserved[i].n; j++)
            value_free(c->reserved[i].products[j].s);
        free(c->reserved[i].products);
    }
    free(c->reserved);
    for (size_t i = 0; i < c->n_allowed; i++) {
        free(c->allowed[i].product);
        for (size_t j = 0; j < c->allowed[i].n; j++) {
            value_free(c->allowed[i].items[j].kind.s);
            value_free(c->allowed[i].items[j].group.s);
        }
        free(c->allowed[i].items);
    }
    free(c->allowed);
    free(c);
}

nt_cluster *nt_cluster_clone(const nt_cluster *c)
{
    if (!c)
        return NULL;
    nt_cluster *d = nt_cluster_new();
    *d = *c; /* scalars, flags, positions; pointers replaced below */
    d->name = nt_xstrdup(c->name);
    d->at_inline = false;
    if (c->at) {
        d->at = nt_xmalloc(NT_AT_COUNT * sizeof *d->at);
        memcpy(d->at, c->at, NT_AT_COUNT * sizeof *d->at);
    }
    if (c->at_other) {
        d->at_other = nt_xmalloc(NT_AT_COUNT * sizeof *d->at_other);
        memcpy(d->at_other, c->at_other, NT_AT_COUNT * sizeof *d->at_other);
    }
    for (int i = 0; i < NT_F_COUNT; i++)
        d->f[i].s = text_copy((nt_field)i, c->f[i].s);
    d->kubeconfig_file.s = nt_xstrdup(c->kubeconfig_file.s);
    d->kubeconfig_unread = c->kubeconfig_unread ? nt_xstrdup(c->kubeconfig_unread) : NULL;
    d->failed_keys = c->failed_keys ? nt_xstrdup(c->failed_keys) : NULL;
    d->comp = k_no_components;
    d->comp_room = d->comp_room_used = 0;
    size_t given = 0;
    for (int i = 0; i < NT_C_COUNT; i++)
        given += c->comp[i] != &k_no_component && !shared_component(c, (nt_component_kind)i);
    nt_cluster_reserve_components(d, given);
    for (int i = 0; i < NT_C_COUNT; i++) {
        const nt_component *s = c->comp[i];
        if (s == &k_no_component)
            continue;
        if (shared_component(c, (nt_component_kind)i)) {
            share_component(d, (nt_component_kind)i, s);
            continue;
        }
        nt_component *t = nt_cluster_component(d, (nt_component_kind)i);
        *t = *s;
        value_copy(&t->name, &s->name);
        value_copy(&t->ns, &s->ns);
        t->additions = NULL;
        t->additions_index = (nt_name_table)NT_NAME_TABLE_INIT;
        t->n_additions = t->cap_additions = 0;
        for (size_t j = 0; j < s->n_additions; j++)
            nt_component_set_addition(t, s->additions[j].key, s->additions[j].value.s,
                                      s->additions[j].value.pos);
    }
    d->reserved = NULL;
    d->n_reserved = d->cap_reserved = 0;
    for (size_t i = 0; i < c->n_reserved; i++) {
        nt_ns_products *e = nt_cluster_add_reserved(d, c->reserved[i].ns, c->reserved[i].pos);
        for (size_t j = 0; j < c->reserved[i].n; j++)
            nt_ns_products_add(e, c->reserved[i].products[j].s, c->reserved[i].products[j].pos);
    }
    d->allowed = NULL;
    d->n_allowed = d->cap_allowed = 0;
    for (size_t i = 0; i < c->n_allowed; i++) {
        nt_product_resources *e =
            nt_cluster_add_allowed(d, c->allowed[i].product, c->allowed[i].pos);
        for (size_t j = 0; j < c->allowed[i].n; j++) {
            nt_resource *r = nt_product_resources_add(e, c->allowed[i].items[j].pos);
            value_copy(&r->kind, &c->allowed[i].items[j].kind);
            value_copy(&r->group, &c->allowed[i].items[j].group);
        }
    }
    return d;
}

const char *nt_cluster_get(const nt_cluster *c, nt_field f)
{
    return c->f[f].s;
}

void nt_cluster_set_field(nt_cluster *c, nt_field f, const char *s, nt_pos pos)
{
    const char *old = c->f[f].s;
    c->f[f].s = text_copy(f, s); /* before the old one goes: s may be it */
    text_free(f, old);
    record_pos(c, NT_AT_FIELD + f, pos);
}

void nt_cluster_take_field(nt_cluster *c, nt_field f, char *s, nt_pos pos)
{
    const char *w = s && enumerated(f) ? shared_word(NT_WORDS(k_words), s) : NULL;
    if (w)
        free(s); /* an enumerated word: not a secret */
    const char *old = c->f[f].s;
    c->f[f].s = w ? w : s;
    text_free(f, old);
    record_pos(c, NT_AT_FIELD + f, pos);
}

void nt_cluster_set_kubeconfig_file(nt_cluster *c, const char *path, nt_pos pos)
{
    const char *old = c->kubeconfig_file.s;
    c->kubeconfig_file.s = nt_xstrdup(path);
    free((char *)old);
    record_pos(c, NT_AT_KUBECONFIG_FILE, pos);
}

static bool field_is(const nt_cluster *c, nt_field f, const char *want)
{
    return c->f[f].s && !strcmp(c->f[f].s, want);
}

bool nt_cluster_is_pipeline(const nt_cluster *c)
{
    const char *wt = c->f[NT_F_WORKER_TYPE].s;
    return wt && !strcmp(wt, "pipeline");
}

const char *nt_cluster_host(const nt_cluster *c)
{
    const char *h = c ? c->f[NT_F_HOST_CLUSTER].s : NULL;
    return h && *h ? h : NULL;
}

bool nt_cluster_is_virtual(const nt_cluster *c)
{
    return field_is(c, NT_F_CLUSTER_TYPE, "virtual");
}

bool nt_cluster_is_physical(const nt_cluster *c)
{
    return field_is(c, NT_F_CLUSTER_TYPE, "physical");
}

bool nt_cluster_is_host(const nt_cluster *c)
{
    return field_is(c, NT_F_USAGE, "host");
}

bool nt_cluster_is_worker(const nt_cluster *c)
{
    return field_is(c, NT_F_USAGE, "worker");
}

const char *nt_cluster_kind_label(const nt_cluster *c, char *buf, size_t bufsz)
{
    const char *type = c->f[NT_F_CLUSTER_TYPE].s ? c->f[NT_F_CLUSTER_TYPE].s : "?";
    const char *usage = c->f[NT_F_USAGE].s ? c->f[NT_F_USAGE].s : "?";
    const char *wt = c->f[NT_F_WORKER_TYPE].s;
    if (wt && *wt)
        snprintf(buf, bufsz, "%s %s (%s)", type, usage, wt);
    else
        snprintf(buf, bufsz, "%s %s", type, usage);
    return buf;
}

/* Maps up to this many keys are searched linearly (no index). */
#define NT_ADDITIONS_LINEAR 8

static const char *addition_key_at(const void *items, size_t i)
{
    return ((const nt_addition *)items)[i].key;
}

nt_addition *nt_component_addition(const nt_component *comp, const char *key)
{
    if (!comp->additions_index.cap) {
        for (size_t i = 0; i < comp->n_additions; i++)
            if (!strcmp(comp->additions[i].key, key))
                return &comp->additions[i];
        return NULL;
    }
    size_t i = nt_name_table_find(&comp->additions_index, key, addition_key_at, comp->additions);
    return i == SIZE_MAX ? NULL : &comp->additions[i];
}

void nt_component_set_addition(nt_component *comp, const char *key, const char *value, nt_pos pos)
{
    nt_addition *a = nt_component_addition(comp, key);
    if (!a) {
        NT_GROW_FROM(comp->additions, comp->cap_additions, comp->n_additions + 1, 2);
        a = &comp->additions[comp->n_additions++];
        a->key = value_copy_of(key);
        a->value.s = NULL;
        if (comp->n_additions > NT_ADDITIONS_LINEAR) {
            size_t from = comp->additions_index.cap ? comp->n_additions - 1 : 0;
            for (size_t i = from; i < comp->n_additions; i++)
                nt_name_table_add(&comp->additions_index, i, addition_key_at, comp->additions);
        }
    }
    nt_value_set(&a->value, value, pos);
}

nt_ns_products *nt_cluster_add_reserved(nt_cluster *c, const char *ns, nt_pos pos)
{
    NT_GROW(c->reserved, c->cap_reserved, c->n_reserved + 1);
    nt_ns_products *e = &c->reserved[c->n_reserved++];
    e->ns = nt_xstrdup(ns);
    e->pos = pos;
    return e;
}

void nt_ns_products_add(nt_ns_products *e, const char *product, nt_pos pos)
{
    NT_GROW(e->products, e->cap, e->n + 1);
    nt_value_set(&e->products[e->n++], product, pos);
}

nt_product_resources *nt_cluster_add_allowed(nt_cluster *c, const char *product, nt_pos pos)
{
    NT_GROW(c->allowed, c->cap_allowed, c->n_allowed + 1);
    nt_product_resources *e = &c->allowed[c->n_allowed++];
    e->product = nt_xstrdup(product);
    e->pos = pos;
    return e;
}

nt_resource *nt_product_resources_add(nt_product_resources *e, nt_pos pos)
{
    NT_GROW(e->items, e->cap, e->n + 1);
    nt_resource *r = &e->items[e->n++];
    r->pos = pos;
    return r;
}

/* ---- set ----------------------------------------------------------------------------------- */

nt_cluster_set *nt_cluster_set_new(void)
{
    return nt_xcalloc(1, sizeof(nt_cluster_set));
}

void nt_cluster_set_free(nt_cluster_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        nt_cluster_free(set->items[i]);
    free(set->items);
    nt_name_table_free(&set->index);
    for (size_t i = 0; i < set->n_files; i++)
        free(set->files[i]);
    free(set->files);
    nt_name_table_free(&set->file_index);
    for (size_t i = 0; i < set->n_inputs; i++)
        free(set->inputs[i].path);
    free(set->inputs);
    free(set->source);
    free(set);
}

static const char *file_at(const void *items, size_t i)
{
    return ((char *const *)items)[i];
}

/* Interning is a hash lookup: the git source interns one name per Cluster file. */
const char *nt_cluster_set_intern(nt_cluster_set *set, const char *path)
{
    if (!path)
        return NULL;
    size_t i = nt_name_table_find(&set->file_index, path, file_at, set->files);
    if (i != SIZE_MAX)
        return set->files[i];
    NT_GROW(set->files, set->cap_files, set->n_files + 1);
    set->files[set->n_files] = nt_xstrdup(path);
    (void)nt_name_table_add(&set->file_index, set->n_files, file_at, set->files);
    return set->files[set->n_files++];
}

static const char *cluster_name_at(const void *items, size_t i)
{
    return ((nt_cluster *const *)items)[i]->name;
}

size_t nt_cluster_set_position(const nt_cluster_set *set, const char *name)
{
    if (!set)
        return SIZE_MAX;
    return nt_name_table_find(&set->index, name, cluster_name_at, set->items);
}

nt_cluster *nt_cluster_set_find(const nt_cluster_set *set, const char *name)
{
    size_t i = nt_cluster_set_position(set, name);
    return i == SIZE_MAX ? NULL : set->items[i];
}

int nt_cluster_set_add(nt_cluster_set *set, nt_cluster *c, nt_cluster **existing)
{
    NT_GROW(set->items, set->cap, set->n + 1);
    set->items[set->n] = c; /* in place for the table to read; kept only when added */
    size_t at = nt_name_table_add(&set->index, set->n, cluster_name_at, set->items);
    if (at != set->n) {
        set->items[set->n] = NULL; /* c stays the caller's: no pointer to it is left behind */
        if (existing)
            *existing = set->items[at];
        return -1;
    }
    set->n++;
    return 0;
}

void nt_cluster_set_append(nt_cluster_set *set, nt_cluster *c)
{
    NT_GROW(set->items, set->cap, set->n + 1);
    set->items[set->n++] = c;
}

size_t nt_cluster_set_reindex(nt_cluster_set *set)
{
    return nt_name_table_index(&set->index, set->n, cluster_name_at, set->items);
}

int nt_cluster_set_remove(nt_cluster_set *set, const char *name)
{
    for (size_t i = 0; i < set->n; i++) {
        if (!strcmp(set->items[i]->name, name)) {
            nt_cluster_free(set->items[i]);
            memmove(&set->items[i], &set->items[i + 1], (set->n - i - 1) * sizeof(*set->items));
            set->n--;
            nt_cluster_set_reindex(set);
            return 0;
        }
    }
    return -1;
}

void nt_cluster_set_truncate(nt_cluster_set *set, size_t n)
{
    if (n >= set->n)
        return;
    while (set->n > n)
        nt_cluster_free(set->items[--set->n]);
    nt_cluster_set_reindex(set);
}

static int cmp_cluster(const void *a, const void *b)
{
    const nt_cluster *x = *(nt_cluster *const *)a;
    const nt_cluster *y = *(nt_cluster *const *)b;
    return strcmp(x->name, y->name);
}

static int cmp_item_name(const void *a, const void *b, void *ctx)
{
    const nt_cluster_set *sort_set = ctx;
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return strcmp(sort_set->items[x]->name, sort_set->items[y]->name);
}

size_t *nt_cluster_set_name_order(const nt_cluster_set *set)
{
    size_t *order = nt_xcalloc(set->n + 1, sizeof(*order));
    bool sorted = true;
    for (size_t i = 0; i < set->n; i++) {
        order[i] = i;
        if (i && sorted && strcmp(set->items[i - 1]->name, set->items[i]->name) > 0)
            sorted = false;
    }
    if (!sorted) /* an observed set is sorted already: the common case costs one pass */
        qsort_r(order, set->n, sizeof(*order), cmp_item_name, (void *)set);
    return order;
}

void nt_cluster_set_sort(nt_cluster_set *set)
{
    size_t i = 1;
    while (i < set->n && strcmp(set->items[i - 1]->name, set->items[i]->name) < 0)
        i++;
    if (i >= set->n)
        return; /* already in order (a server lists by name): positions and index stand */
    qsort(set->items, set->n, sizeof(*set->items), cmp_cluster);
    nt_cluster_set_reindex(set);
}

void nt_cluster_set_add_input(nt_cluster_set *set, const char *path, const char sha256_hex[65])
{
    NT_GROW(set->inputs, set->cap_inputs, set->n_inputs + 1);
    nt_input *in = &set->inputs[set->n_inputs++];
    in->path = nt_xstrdup(path);
    memcpy(in->sha256, sha256_hex, 65);
    in->sha256[64] = '\0';
}

void nt_sha256_digest_hex(const unsigned char md[32], char out[65])
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

void nt_sha256_hex(const void *data, size_t len, char out[65])
{
    nt_sha256_hex2(data, len, NULL, 0, out);
}

void nt_sha256_hex2(const void *a, size_t alen, const void *b, size_t blen, char out[65])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (!ctx)
        abort(); /* libcrypto fails only on allocation */
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    EVP_DigestUpdate(ctx, a, alen);
    if (blen)
        EVP_DigestUpdate(ctx, b, blen);
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    nt_sha256_digest_hex(md, out);
}

/* ---- the two spellings of the seed fields (docs/api-server.md §3.4) ----------------------- */

const nt_seed_addition nt_seed_additions[NT_SEED_ADDITIONS] = {
    {NT_F_TRAEFIK_HTTP_NODE_PORT, NT_C_GATEWAY, "httpNodePort"},
    {NT_F_TRAEFIK_HTTPS_NODE_PORT, NT_C_GATEWAY, "httpsNodePort"},
    {NT_F_ARGOCD_HOST, NT_C_DEPLOYMENT, "host"},
    {NT_F_TEKTON_HOST, NT_C_PIPELINE, "host"},
};

const nt_seed_addition *nt_seed_addition_of(nt_field f)
{
    for (size_t i = 0; i < NT_SEED_ADDITIONS; i++)
        if (nt_seed_additions[i].field == f)
            return &nt_seed_additions[i];
    return NULL;
}

const nt_value *nt_cluster_seed_addition(const nt_cluster *c, nt_field f)
{
    const nt_seed_addition *sa = nt_seed_addition_of(f);
    if (!sa)
        return NULL;
    const nt_component *comp = c->comp[sa->kind];
    for (size_t i = 0; i < comp->n_additions; i++)
        if (!strcmp(comp->additions[i].key, sa->key))
            return comp->additions[i].value.s ? &comp->additions[i].value : NULL;
    return NULL;
}

const char *nt_cluster_either(const nt_cluster *c, nt_field f)
{
    if (c->f[f].s)
        return c->f[f].s;
    const nt_value *add = nt_cluster_seed_addition(c, f);
    return add ? add->s : NULL;
}

nt_pos nt_cluster_pos(const nt_cluster *c, nt_at which)
{
    if (!c || !c->at || !c->at[which].line)
        return NT_POS_NONE;
    const char *file = c->at_other && c->at_other[which] ? c->at_other[which] : c->at_file;
    return (nt_pos){file, c->at[which].line, c->at[which].col};
}

nt_pos nt_cluster_field_pos(const nt_cluster *c, nt_field f)
{
    return nt_cluster_pos(c, NT_AT_FIELD + f);
}

nt_pos nt_cluster_name_pos(const nt_cluster *c)
{
    nt_pos p = nt_cluster_pos(c, NT_AT_NAME);
    return p.line ? p : nt_cluster_pos(c, NT_AT_ENTRY);
}

void nt_cluster_set_pos(nt_cluster *c, nt_at which, nt_pos pos)
{
    if (!c->at)
        c->at = nt_xcalloc(NT_AT_COUNT, sizeof *c->at);
    if (pos.file && !c->at_file)
        c->at_file = pos.file;
    bool other = pos.file && pos.file != c->at_file && strcmp(pos.file, c->at_file);
    if (other && !c->at_other)
        c->at_other = nt_xcalloc(NT_AT_COUNT, sizeof *c->at_other);
    if (c->at_other)
        c->at_other[which] = other ? pos.file : NULL;
    c->at[which] = (nt_at_pos){pos.line, pos.col};
}
