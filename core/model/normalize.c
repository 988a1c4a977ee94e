/* normalize.c — the canonical (path, value) form of a cluster; see normalize.h. */
#include "core/model/normalize.h"

#include "core/base/alloc.h"
#include "core/base/buf.h"
#include "core/base/json_text.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define RESERVED_KEY "reserved_namespaces_allowed_products"
#define ALLOWED_KEY "product_allowed_cluster_resources"
#define COMPONENTS_KEY "components_list"

char *nt_normalize_port(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    if (n == 0 || strspn(s, "0123456789") != n)
        return nt_xstrdup(s);
    while (n > 1 && *s == '0') {
        s++;
        n--;
    }
    return nt_xstrdup(s);
}

static const char *component_key(nt_component_kind k)
{
    return nt_components[k].snake ? nt_components[k].snake : nt_components[k].camel;
}

/* What the paths this file makes name, said where they are made (nt_path_parse reads the
 * same from a path's text: tests/test_normalize.c checks that the two agree). */
static nt_path_info field_info(nt_field f)
{
    return (nt_path_info){NT_PATH_FIELD, f, NT_C_COUNT, NULL, strlen(nt_fields[f].snake)};
}

/* "components_list.<category>" */
static nt_path_info component_info(nt_component_kind k)
{
    return (nt_path_info){NT_PATH_COMPONENT, NT_F_COUNT, k, NULL,
                          sizeof(COMPONENTS_KEY) + strlen(component_key(k))};
}

/* "components_list.<category>.additions.<key>": path is that text (NULL: the category's
 * additions as a whole, for what can be shown of them) */
static nt_path_info addition_info(nt_component_kind k, const char *path)
{
    nt_path_info pi = component_info(k);
    pi.kind = NT_PATH_ADDITION;
    pi.prefix += sizeof(".additions") - 1;
    pi.key = path ? path + pi.prefix + 1 : NULL;
    return pi;
}

/* "<map>.<key>", the map's name name_len bytes long: path is that text */
static nt_path_info map_info(const char *path, size_t name_len)
{
    return (nt_path_info){NT_PATH_MAP, NT_F_COUNT, NT_C_COUNT, path + name_len + 1, name_len};
}

static nt_norm_entry *norm_push(nt_norm *n, const nt_path_info *pi)
{
    NT_GROW(n->e, n->cap, n->n + 1);
    nt_norm_entry *e = &n->e[n->n++];
    memset(e, 0, sizeof(*e));
    e->info = *pi;
    return e;
}

/* Take ownership of path and value. */
static void norm_add(nt_norm *n, char *path, const nt_path_info *pi, char *value, bool sensitive)
{
    nt_norm_entry *e = norm_push(n, pi);
    e->path = path;
    e->value = value;
    e->own_path = e->own_value = true;
    e->sensitive = sensitive;
}

/* Borrow a static path; the value is borrowed unless it needs canonicalising (a number with
 * leading zeros). */
static void norm_add_static(nt_norm *n, const char *path, const nt_path_info *pi, const char *value)
{
    nt_norm_entry *e = norm_push(n, pi);
    e->path = path;
    size_t len = strlen(value);
    if (len > 1 && value[0] == '0' && strspn(value, "0123456789") == len) {
        e->value = nt_normalize_port(value);
        e->own_value = true;
    } else {
        e->value = value;
    }
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const nt_norm_entry *)a)->path, ((const nt_norm_entry *)b)->path);
}

/* Sort the entries by path, keeping the order of entries with the same path (the later
 * spelling wins below). A cluster has a dozen entries or so: an insertion sort, without qsort's
 * setup and indirect calls, which cost more than the comparisons at that size; qsort (a merge
 * sort in glibc, stable) for a cluster with large maps. */
static void sort_entries(nt_norm *n)
{
    if (n->n > 32) {
        qsort(n->e, n->n, sizeof(*n->e), cmp_entry);
        return;
    }
    for (size_t i = 1; i < n->n; i++) {
        nt_norm_entry e = n->e[i];
        size_t j = i;
        for (; j > 0 && strcmp(n->e[j - 1].path, e.path) > 0; j--)
            n->e[j] = n->e[j - 1];
        n->e[j] = e;
    }
}

static void norm_finish(nt_norm *n)
{
    sort_entries(n);
    size_t w = 0;
    for (size_t i = 0; i < n->n; i++) {
        if (w > 0 && !strcmp(n->e[w - 1].path, n->e[i].path)) {
            /* a duplicate path: the later spelling wins */
            if (n->e[w - 1].own_path)
                free((char *)n->e[w - 1].path);
            if (n->e[w - 1].own_value)
                free((char *)n->e[w - 1].value); /* NOLINT: w - 1 < i, never the same entry */
            n->e[w - 1] = n->e[i];
            continue;
        }
        n->e[w++] = n->e[i];
    }
    n->n = w;
}

void nt_norm_free(nt_norm *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n; i++) {
        if (n->e[i].own_path)
            free((char *)n->e[i].path);
        if (n->e[i].own_value)
            free((char *)n->e[i].value);
    }
    free(n->e);
    for (size_t i = 0; i < n->n_owned; i++)
        free(n->owned[i]);
    memset(n, 0, sizeof(*n));
}

const nt_norm_entry *nt_norm_find(const nt_norm *n, const char *path)
{
    size_t lo = 0, hi = n->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(n->e[mid].path, path);
        if (c == 0)
            return &n->e[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- canonical JSON of the two maps' values ------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *products_json(const nt_ns_products *e)
{
    const char **v = nt_xcalloc(e->n + 1, sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < e->n; i++)
        if (e->products[i].s)
            v[k++] = e->products[i].s;
    qsort(v, k, sizeof(*v), cmp_str);
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < k; i++)
        if (i == 0 || strcmp(v[i], v[i - 1]))
            cJSON_AddItemToArray(arr, cJSON_CreateString(v[i]));
    char *out = nt_json_compact(arr);
    cJSON_Delete(arr);
    free(v);
    return out;
}

typedef struct gk {
    const char *group, *kind;
} gk;

static int cmp_gk(const void *a, const void *b)
{
    const gk *x = a, *y = b;
    int c = strcmp(x->group, y->group);
    return c ? c : strcmp(x->kind, y->kind);
}

static char *resources_json(const nt_product_resources *e)
{
    gk *v = nt_xcalloc(e->n + 1, sizeof(*v));
    for (size_t i = 0; i < e->n; i++) {
        v[i].group = e->items[i].group.s ? e->items[i].group.s : "";
        v[i].kind = e->items[i].kind.s ? e->items[i].kind.s : "";
    }
    qsort(v, e->n, sizeof(*v), cmp_gk);
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < e->n; i++) {
        if (i > 0 && !cmp_gk(&v[i], &v[i - 1]))
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "group", v[i].group);
        cJSON_AddStringToObject(o, "kind", v[i].kind);
        cJSON_AddItemToArray(arr, o);
    }
    char *out = nt_json_compact(arr);
    cJSON_Delete(arr);
    free(v);
    return out;
}

static void add_maps(const nt_cluster *c, nt_norm *out)
{
    for (size_t i = 0; i < c->n_reserved; i++) {
        nt_buf p = NT_BUF_INIT;
        nt_buf_addf(&p, RESERVED_KEY ".%s", c->reserved[i].ns);
        char *path = nt_buf_detach(&p);
        nt_path_info pi = map_info(path, sizeof(RESERVED_KEY) - 1);
        norm_add(out, path, &pi, products_json(&c->reserved[i]), false);
    }
    for (size_t i = 0; i < c->n_allowed; i++) {
        nt_buf p = NT_BUF_INIT;
        nt_buf_addf(&p, ALLOWED_KEY ".%s", c->allowed[i].product);
        char *path = nt_buf_detach(&p);
        nt_path_info pi = map_info(path, sizeof(ALLOWED_KEY) - 1);
        norm_add(out, path, &pi, resources_json(&c->allowed[i]), false);
    }
}

/* "components_list.<key>.name" / ".namespace" for each kind, in nt_component_kind order
 * (checked against nt_components by test_normalize). */
static const char *const comp_paths[NT_C_COUNT][2] = {
#define CP(k)                                                                                      \
    {                                                                                              \
        COMPONENTS_KEY "." k ".name", COMPONENTS_KEY "." k ".namespace"                            \
    }
    CP("multi_tenant"),
    CP("secret_sync"),
    CP("gateway"),
    CP("deployment"),
    CP("progressive_delivery"),
    CP("pipeline"),
    CP("event_listener"),
    CP("cert_mgt"),
    CP("secret_mgt"),
    CP("ingress_controller"),
    CP("oauthProxy"),
    CP("secretManagement"),
    CP("certManagement"),
#undef CP
};

const char *nt_normalize_component_path(nt_component_kind k, bool ns)
{
    return comp_paths[k][ns ? 1 : 0];
}

nt_path_kind nt_path_parse(const char *path, nt_path_info *info)
{
    nt_path_info dummy = {NT_PATH_UNKNOWN, NT_F_COUNT, NT_C_COUNT, NULL, 0};
    nt_path_info *pi = info ? info : &dummy;
    memset(pi, 0, sizeof(*pi));
    pi->field = NT_F_COUNT;
    pi->comp = NT_C_COUNT;
    pi->prefix = strlen(path);
    const char *dot = strchr(path, '.');
    size_t head = dot ? (size_t)(dot - path) : strlen(path);
    if (dot && ((head == sizeof(RESERVED_KEY) - 1 && !strncmp(path, RESERVED_KEY, head)) ||
                (head == sizeof(ALLOWED_KEY) - 1 && !strncmp(path, ALLOWED_KEY, head)))) {
        pi->key = dot + 1;
        pi->prefix = head;
        return pi->kind = NT_PATH_MAP;
    }
    if (dot && head == sizeof(COMPONENTS_KEY) - 1 && !strncmp(path, COMPONENTS_KEY, head)) {
        const char *cat = dot + 1, *rest = strchr(cat, '.');
        size_t len = rest ? (size_t)(rest - cat) : strlen(cat);
        for (int k = 0; k < NT_C_COUNT; k++) {
            const char *ck = component_key((nt_component_kind)k);
            if (strlen(ck) == len && !strncmp(ck, cat, len))
                pi->comp = (nt_component_kind)k;
        }
        pi->prefix = (size_t)(cat + len - path);
        if (rest && !strncmp(rest, ".additions.", 11)) {
            pi->key = rest + 11;
            pi->prefix += 10;
            return pi->kind = NT_PATH_ADDITION;
        }
        return pi->kind = NT_PATH_COMPONENT;
    }
    pi->field = nt_field_by_name(path);
    return pi->kind = pi->field == NT_F_COUNT ? NT_PATH_UNKNOWN : NT_PATH_FIELD;
}

/* The namespace the server gives a component named `name` when none is given. */
static const char *default_namespace_of(const char *name)
{
    for (int k = 0; k < NT_C_COUNT; k++)
        if (!strcmp(nt_components[k].default_name, name))
            return nt_components[k].default_namespace;
    return NULL;
}

static void add_component(const nt_component *comp, nt_component_kind k, bool desired,
                          const nt_cluster_set *set, nt_norm *out)
{
    const char *key = component_key(k);
    nt_path_info ci = component_info(k);
    if (comp->name.s)
        norm_add_static(out, comp_paths[k][0], &ci, comp->name.s);
    const char *ns = comp->ns.s;
    if (!ns && desired && comp->name.s)
        ns = default_namespace_of(comp->name.s);
    if (ns)
        norm_add_static(out, comp_paths[k][1], &ci, ns);
    nt_path_info ai = addition_info(k, NULL);
    if (comp->n_additions && set && !nt_normalize_visible_info(set, &ai))
        return; /* the source shows no additions of this category */
    for (size_t i = 0; i < comp->n_additions; i++) {
        if (!comp->additions[i].value.s)
            continue;
        nt_buf p = NT_BUF_INIT;
        nt_buf_addf(&p, COMPONENTS_KEY ".%s.additions.%s", key, comp->additions[i].key);
        char *path = nt_buf_detach(&p);
        ai = addition_info(k, path);
        norm_add(out, path, &ai, nt_normalize_port(comp->additions[i].value.s), false);
    }
}

nt_field nt_normalize_seed_field(const char *path)
{
    nt_path_info pi;
    nt_path_parse(path, &pi);
    return nt_normalize_seed_field_info(&pi);
}

nt_field nt_normalize_seed_field_info(const nt_path_info *pi)
{
    if (pi->kind != NT_PATH_ADDITION)
        return NT_F_COUNT;
    for (size_t i = 0; i < NT_SEED_ADDITIONS; i++)
        if (nt_seed_additions[i].kind == pi->comp && !strcmp(pi->key, nt_seed_additions[i].key))
            return nt_seed_additions[i].field;
    return NT_F_COUNT;
}

/* The spelling the file did not use, of each seed field it gives in one spelling only. */
static void add_derived(const nt_cluster *c, nt_norm *out)
{
    for (size_t i = 0; i < NT_SEED_ADDITIONS; i++) {
        const nt_seed_addition *sa = &nt_seed_additions[i];
        const char *seed = c->f[sa->field].s;
        const nt_value *add = nt_cluster_seed_addition(c, sa->field);
        nt_norm_entry *e;
        if (seed && !add) {
            nt_buf p = NT_BUF_INIT;
            nt_buf_addf(&p, COMPONENTS_KEY ".%s.additions.%s", component_key(sa->kind), sa->key);
            char *path = nt_buf_detach(&p);
            nt_path_info pi = addition_info(sa->kind, path);
            norm_add(out, path, &pi, nt_normalize_port(seed), false);
            e = &out->e[out->n - 1];
        } else if (add && !seed) {
            nt_path_info pi = field_info(sa->field);
            norm_add_static(out, nt_fields[sa->field].snake, &pi, add->s);
            e = &out->e[out->n - 1];
        } else {
            continue;
        }
        e->derived = true;
    }
}

void nt_normalize_desired(const nt_cluster *c, nt_norm *out)
{
    for (int f = 0; f < NT_F_COUNT; f++) {
        const char *v = c->f[f].s;
        if (f == NT_F_CLUSTER_KIND && !v)
            v = "kubernetes"; /* the tool sends it when omitted */
        /* a kubeconfig_file not read (a CI job without credentials) is still declared: the
         * plan is the same with or without the file, and its contents are never compared */
        if (f == NT_F_KUBECONFIG && !v && c->kubeconfig_file.s)
            v = "";
        if (!v)
            continue;
        nt_path_info pi = field_info((nt_field)f);
        if (nt_fields[f].flags & NT_FIELD_SENSITIVE) {
            nt_norm_entry *e = norm_push(out, &pi);
            e->path = nt_fields[f].snake;
            e->value = "";
            e->sensitive = true;
        } else {
            norm_add_static(out, nt_fields[f].snake, &pi, v);
        }
    }
    for (int k = 0; k < NT_C_COUNT; k++) {
        const nt_component *comp = c->comp[k];
        if (comp->declared && !comp->is_null)
            add_component(comp, (nt_component_kind)k, true, NULL, out);
    }
    /* a declared, non-empty map is declared whole: a key the server has and the file does
     * not is a removal. null, absent and {} all mean "whatever the server holds". */
    if (c->n_reserved)
        out->owned[out->n_owned++] = nt_xstrdup(RESERVED_KEY ".");
    if (c->n_allowed)
        out->owned[out->n_owned++] = nt_xstrdup(ALLOWED_KEY ".");
    add_maps(c, out);
    add_derived(c, out);
    norm_finish(out);
}

bool nt_normalize_visible(const nt_cluster_set *set, const char *path)
{
    nt_path_info pi;
    nt_path_parse(path, &pi);
    return nt_normalize_visible_info(set, &pi);
}

bool nt_normalize_visible_info(const nt_cluster_set *set, const nt_path_info *pi)
{
    switch (pi->kind) {
    case NT_PATH_COMPONENT:
    case NT_PATH_ADDITION: {
        if (!set->visible_extras || pi->comp == NT_C_COUNT)
            return false;
        bool additions = pi->kind == NT_PATH_ADDITION;
        if (set->source_kind == NT_SOURCE_GIT) /* the Cluster files; v0.3 writes no additions */
            return !(additions && set->gen == NT_GEN_V03);
        unsigned fl = nt_components[pi->comp].flags;
        switch (set->gen) {
        case NT_GEN_V04:
            /* v0.4's converter never returns event_listener (docs/api-server.md §4.1) */
            return (fl & NT_COMP_V04) && pi->comp != NT_C_EVENT_LISTENER;
        case NT_GEN_V03:
            return (fl & NT_COMP_V03) && !additions;
        default:
            return true;
        }
    }
    case NT_PATH_MAP:
        return set->visible_extras;
    case NT_PATH_FIELD:
        return !(nt_fields[pi->field].flags & NT_FIELD_SENSITIVE) &&
               (set->visible & (1u << pi->field)) != 0;
    case NT_PATH_UNKNOWN:
        break;
    }
    return false;
}

void nt_normalize_observed(const nt_cluster *c, const nt_cluster_set *set, nt_norm *out)
{
    for (int f = 0; f < NT_F_COUNT; f++) {
        if (!c->f[f].s || !(set->visible & (1u << f)) || (nt_fields[f].flags & NT_FIELD_SENSITIVE))
            continue;
        nt_path_info pi = field_info((nt_field)f);
        norm_add_static(out, nt_fields[f].snake, &pi, c->f[f].s);
    }
    if (set->visible_extras) {
        for (int k = 0; k < NT_C_COUNT; k++) {
            const nt_component *comp = c->comp[k];
            if (comp->is_null || (!comp->name.s && !comp->ns.s && !comp->n_additions))
                continue;
            nt_path_info ci = component_info((nt_component_kind)k);
            if (nt_normalize_visible_info(set, &ci))
                add_component(comp, (nt_component_kind)k, false, set, out);
        }
        add_maps(c, out);
    }
    norm_finish(out);
}

void nt_normalize_cluster_hash(const nt_cluster *c, const nt_cluster_set *set, char out[65])
{
    nt_norm n = NT_NORM_INIT;
    nt_normalize_observed(c, set, &n);
    nt_norm_hash(NULL, c->name, &n, out);
    nt_norm_free(&n);
}

void nt_norm_hasher_free(nt_norm_hasher *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    EVP_MD_free(h->md);
    nt_buf_free(&h->text);
    *h = (nt_norm_hasher)NT_NORM_HASHER_INIT;
}

void nt_norm_hash(nt_norm_hasher *h, const char *name, const nt_norm *n, char out[65])
{
    nt_norm_hasher once = NT_NORM_HASHER_INIT;
    nt_norm_hasher *use = h ? h : &once;
    if (!use->ctx) {
        use->ctx = EVP_MD_CTX_new();
        use->md = EVP_MD_fetch(NULL, "SHA256", NULL);
        if (!use->ctx || !use->md)
            abort(); /* libcrypto fails here only when memory runs out */
    }
    nt_buf *t = &use->text;
    nt_buf_reset(t);
    nt_buf_add(t, name, strlen(name) + 1);
    for (size_t i = 0; i < n->n; i++) {
        if (n->e[i].sensitive)
            continue;
        nt_buf_add(t, n->e[i].path, strlen(n->e[i].path) + 1);
        nt_buf_add(t, n->e[i].value, strlen(n->e[i].value) + 1);
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    if (!EVP_DigestInit_ex2(use->ctx, use->md, NULL) ||
        !EVP_DigestUpdate(use->ctx, t->data, t->len) || !EVP_DigestFinal_ex(use->ctx, md, &mdlen))
        abort();
    nt_sha256_digest_hex(md, out);
    nt_norm_hasher_free(&once);
}

void nt_normalize_fingerprint_of(const nt_cluster_set *set, char (*const hashes)[65],
                                 const size_t *name_order, char out[65])
{
    size_t n = set->n;
    char(*const h)[65] = hashes;
    size_t *own = name_order ? NULL : nt_cluster_set_name_order(set);
    const size_t *order = name_order ? name_order : own;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (size_t i = 0; i < n; i++) {
        const nt_cluster *c = set->items[order[i]];
        EVP_DigestUpdate(ctx, c->name, strlen(c->name));
        EVP_DigestUpdate(ctx, " ", 1);
        EVP_DigestUpdate(ctx, h[order[i]], 64);
        EVP_DigestUpdate(ctx, "\n", 1);
    }
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    nt_sha256_digest_hex(md, out);
    free(own);
}
