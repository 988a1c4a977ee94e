/* api_json.c — the Nautes Cluster API's JSON as the client sees it (docs/api-server.md §1, 3,
 * 4): builds the SaveCluster body and reads lists and error bodies defensively (a proxy's HTML
 * page or a truncated answer gives one clear message). The server's side (reading a body as
 * protojson does, writing the GET shape) is the local server's: devserver/api_body.c. */
#include "core/observe/api_json.h"

#include "core/base/alloc.h"
#include "core/base/json_read.h"
#include "core/base/wipe.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- client: SaveCluster body (3) --------------------------------------------------------- */

static void add_str(cJSON *obj, const char *key, const char *s)
{
    if (s)
        cJSON_AddStringToObject(obj, key, s);
}

/* The components_list entry for kind k, created (with the default name and namespace, so a
 * v0.3.6+ server that reads the same key sees its own default) when absent. */
static cJSON *body_component(cJSON *list, nt_component_kind k)
{
    const nt_component_info *ci = &nt_components[k];
    cJSON *e = cJSON_GetObjectItemCaseSensitive(list, ci->snake);
    if (e && cJSON_IsNull(e)) {
        cJSON_DeleteItemFromObjectCaseSensitive(list, ci->snake);
        e = NULL;
    }
    if (!e) {
        e = cJSON_AddObjectToObject(list, ci->snake);
        cJSON_AddStringToObject(e, "name", ci->default_name);
        cJSON_AddStringToObject(e, "namespace", ci->default_namespace);
    }
    return e;
}

static void body_addition(cJSON *list, nt_component_kind k, const char *key, const char *v)
{
    if (!v)
        return;
    cJSON *e = body_component(list, k);
    cJSON *adds = cJSON_GetObjectItemCaseSensitive(e, "additions");
    if (!adds)
        adds = cJSON_AddObjectToObject(e, "additions");
    if (!cJSON_GetObjectItemCaseSensitive(adds, key)) /* explicit additions win */
        cJSON_AddStringToObject(adds, key, v);
}

char *nt_api_body_build(const nt_cluster *c)
{
    cJSON *o = cJSON_CreateObject();
    const char *kind = c->f[NT_F_CLUSTER_KIND].s;
    add_str(o, "api_server", c->f[NT_F_API_SERVER].s);
    cJSON_AddStringToObject(o, "cluster_kind", kind ? kind : "kubernetes");
    add_str(o, "cluster_type", c->f[NT_F_CLUSTER_TYPE].s);
    add_str(o, "usage", c->f[NT_F_USAGE].s);
    add_str(o, "worker_type", c->f[NT_F_WORKER_TYPE].s);
    add_str(o, "host_cluster", c->f[NT_F_HOST_CLUSTER].s);
    add_str(o, "primary_domain", c->f[NT_F_PRIMARY_DOMAIN].s);
    add_str(o, "kubeconfig", c->f[NT_F_KUBECONFIG].s);

    const char *vport = c->f[NT_F_VCLUSTER_HTTPS_NODE_PORT].s;
    if (c->has_vcluster || vport) {
        cJSON *v = cJSON_AddObjectToObject(o, "vcluster");
        add_str(v, "https_node_port", vport);
    }
    /* each seed field in both spellings, whichever the file gave (3.4): a v0.3 server reads
     * traefik/argocd_host/tekton_host, a v0.4 server the components additions */
    const char *http = nt_cluster_either(c, NT_F_TRAEFIK_HTTP_NODE_PORT);
    const char *https = nt_cluster_either(c, NT_F_TRAEFIK_HTTPS_NODE_PORT);
    if (c->has_traefik || http || https) {
        cJSON *t = cJSON_AddObjectToObject(o, "traefik");
        add_str(t, "http_node_port", http);
        add_str(t, "https_node_port", https);
    }
    const char *argocd = nt_cluster_either(c, NT_F_ARGOCD_HOST);
    const char *tekton = nt_cluster_either(c, NT_F_TEKTON_HOST);
    add_str(o, "argocd_host", argocd);
    add_str(o, "tekton_host", tekton);

    if (c->has_components || http || https || argocd || tekton) {
        cJSON *list = cJSON_AddObjectToObject(o, "components_list");
        for (int k = 0; k < NT_C_COUNT; k++) {
            const nt_component *comp = c->comp[k];
            const char *snake = nt_components[k].snake;
            if (!snake || !comp->declared)
                continue;
            if (comp->is_null) {
                cJSON_AddNullToObject(list, snake);
                continue;
            }
            cJSON *e = cJSON_AddObjectToObject(list, snake);
            add_str(e, "name", comp->name.s);
            add_str(e, "namespace", comp->ns.s);
            if (comp->additions_declared || comp->n_additions) {
                cJSON *adds = cJSON_AddObjectToObject(e, "additions");
                for (size_t i = 0; i < comp->n_additions; i++)
                    add_str(adds, comp->additions[i].key, comp->additions[i].value.s);
            }
        }
        body_addition(list, NT_C_GATEWAY, "httpNodePort", http);
        body_addition(list, NT_C_GATEWAY, "httpsNodePort", https);
        body_addition(list, NT_C_DEPLOYMENT, "host", argocd);
        body_addition(list, NT_C_PIPELINE, "host", tekton);
    }
    if (c->has_reserved || c->n_reserved) {
        cJSON *m = cJSON_AddObjectToObject(o, "reserved_namespaces_allowed_products");
        for (size_t i = 0; i < c->n_reserved; i++) {
            cJSON *a = cJSON_AddArrayToObject(m, c->reserved[i].ns);
            for (size_t j = 0; j < c->reserved[i].n; j++) {
                const char *p = c->reserved[i].products[j].s;
                cJSON_AddItemToArray(a, p ? cJSON_CreateString(p) : cJSON_CreateNull());
            }
        }
    }
    if (c->has_allowed || c->n_allowed) {
        cJSON *m = cJSON_AddObjectToObject(o, "product_allowed_cluster_resources");
        for (size_t i = 0; i < c->n_allowed; i++) {
            cJSON *a = cJSON_AddArrayToObject(m, c->allowed[i].product);
            for (size_t j = 0; j < c->allowed[i].n; j++) {
                cJSON *it = cJSON_CreateObject();
                add_str(it, "kind", c->allowed[i].items[j].kind.s);
                add_str(it, "group", c->allowed[i].items[j].group.s);
                cJSON_AddItemToArray(a, it);
            }
        }
    }
    char *out = nt_json_print_secret(o, false); /* the kubeconfig is in it */
    nt_json_wipe(o);
    cJSON_Delete(o);
    if (!out)
        abort(); /* a body over 2 GiB: the loader's values are far smaller (a file at most
                  * 64 MiB, an environment string at most 128 KiB on Linux) */
    return out;
}

void nt_api_body_free(char *body)
{
    nt_wipe_str(body);
    free(body);
}

/* ---- client: list and cluster objects (4) ------------------------------------------------ */

/* A string member: *out is its text (borrowed from obj), or NULL when absent or null; another
 * type is an error. */
static int member_string(const cJSON *obj, const char *key, const char **out, const char *what,
                         nt_buf *err)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!j || cJSON_IsNull(j))
        return 0;
    if (!cJSON_IsString(j)) {
        nt_buf_addf(err, "\"%s\"%s%s is not a string", key, what ? " of " : "", what ? what : "");
        return -1;
    }
    *out = j->valuestring;
    return 0;
}

/* A string member into v (left untouched when absent or null). */
static int get_string(const cJSON *obj, const char *key, nt_value *v, const char *what, nt_buf *err)
{
    const char *s;
    if (member_string(obj, key, &s, what, err) < 0)
        return -1;
    if (s)
        nt_value_set(v, s, NT_POS_NONE);
    return 0;
}

/* A component given as an object (a null one is nt_cluster_set_component_null). key is one of
 * the known category names, so "components_list.KEY" fits in `what`. */
static int component_from_json(const cJSON *j, nt_component *comp, const char *key, nt_buf *err)
{
    comp->declared = true;
    if (!cJSON_IsObject(j)) {
        nt_buf_addf(err, "components_list.%s is not an object", key);
        return -1;
    }
    char what[64];
    snprintf(what, sizeof what, "components_list.%s", key);
    if (get_string(j, "name", &comp->name, what, err) < 0 ||
        get_string(j, "namespace", &comp->ns, what, err) < 0)
        return -1;
    const cJSON *adds = cJSON_GetObjectItemCaseSensitive(j, "additions");
    if (!adds || cJSON_IsNull(adds))
        return 0;
    if (!cJSON_IsObject(adds)) {
        nt_buf_addf(err, "%s.additions is not an object", what);
        return -1;
    }
    comp->additions_declared = true;
    const cJSON *a;
    cJSON_ArrayForEach(a, adds)
    {
        if (!cJSON_IsString(a)) {
            nt_buf_addf(err, "%s.additions.%s is not a string", what, a->string);
            return -1;
        }
        nt_component_set_addition(comp, a->string, a->valuestring, NT_POS_NONE);
    }
    return 0;
}

/* The kind of an answer's components_list key; NT_C_COUNT for one the API does not have (a
 * newer server's category, or a server-only one such as oauthProxy): skipped, not reserved. */
static nt_component_kind api_category(const char *key)
{
    nt_component_kind k = nt_component_by_name(key);
    return k != NT_C_COUNT && nt_components[k].snake ? k : NT_C_COUNT;
}

/* A component object without additions: none given, null, or an empty map. */
static bool plain_component(const cJSON *j)
{
    const cJSON *adds = cJSON_GetObjectItemCaseSensitive(j, "additions");
    return cJSON_IsObject(j) &&
           (!adds || cJSON_IsNull(adds) || (cJSON_IsObject(adds) && !adds->child));
}

/* A plain component that names kind k's default deployment: what component_from_json would
 * read from it is one of nt_cluster_set_component_default's constants. */
static bool default_component(const cJSON *j, nt_component_kind k)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(j, "name");
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(j, "namespace");
    return plain_component(j) && cJSON_IsString(name) && cJSON_IsString(ns) &&
           !strcmp(name->valuestring, nt_components[k].default_name) &&
           !strcmp(ns->valuestring, nt_components[k].default_namespace);
}

static const char *const scalar_keys[] = {
    [NT_F_CLUSTER_KIND] = "cluster_kind",
    [NT_F_CLUSTER_TYPE] = "cluster_type",
    [NT_F_USAGE] = "usage",
    [NT_F_HOST_CLUSTER] = "host_cluster",
    [NT_F_WORKER_TYPE] = "worker_type",
    [NT_F_API_SERVER] = "api_server",
    [NT_F_PRIMARY_DOMAIN] = "primary_domain",
};

int nt_api_cluster_from_json(const cJSON *obj, nt_cluster **out, nt_buf *err)
{
    *out = NULL;
    if (!cJSON_IsObject(obj)) {
        nt_buf_adds(err, "a cluster is not a JSON object");
        return -1;
    }
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "name");
    if (!cJSON_IsString(name) || !*name->valuestring) {
        nt_buf_adds(err, "a cluster has no \"name\" string");
        return -1;
    }
    nt_cluster *c = nt_cluster_new();
    c->name = nt_xstrdup(name->valuestring);
    for (size_t f = 0; f < sizeof(scalar_keys) / sizeof(scalar_keys[0]); f++) {
        const char *s;
        if (member_string(obj, scalar_keys[f], &s, c->name, err) < 0)
            goto fail;
        if (s)
            nt_cluster_set_field(c, (nt_field)f, s, NT_POS_NONE);
    }

    const cJSON *list = cJSON_GetObjectItemCaseSensitive(obj, "components_list");
    if (list && !cJSON_IsNull(list)) {
        if (!cJSON_IsObject(list)) {
            nt_buf_addf(err, "components_list of %s is not an object", c->name);
            goto fail;
        }
        c->has_components = true;
        const cJSON *e;
        /* Most of an answer's categories are null or name the default deployment (name and
         * namespace, no additions): those share constants. Room for the others is allocated
         * with the array (a newer server's category is skipped below: its room stays
         * unused). */
        size_t given = 0;
        cJSON_ArrayForEach(e, list)
        {
            nt_component_kind k = api_category(e->string);
            given += k != NT_C_COUNT && !cJSON_IsNull(e) && !default_component(e, k);
        }
        nt_cluster_reserve_components(c, given);
        cJSON_ArrayForEach(e, list)
        {
            nt_component_kind k = api_category(e->string);
            if (k == NT_C_COUNT)
                continue; /* a newer server's category: not ours to compare */
            if (cJSON_IsNull(e))
                nt_cluster_set_component_null(c, k);
            else if (default_component(e, k))
                nt_cluster_set_component_default(
                    c, k, cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(e, "additions")));
            else if (component_from_json(e, nt_cluster_component(c, k), e->string, err) < 0)
                goto fail;
        }
        /* v0.4 shows what v0.3 had as top-level fields through additions (3.4). */
        nt_addition *a;
        if ((a = nt_component_addition(c->comp[NT_C_GATEWAY], "httpNodePort")))
            nt_cluster_set_field(c, NT_F_TRAEFIK_HTTP_NODE_PORT, a->value.s, NT_POS_NONE);
        if ((a = nt_component_addition(c->comp[NT_C_GATEWAY], "httpsNodePort")))
            nt_cluster_set_field(c, NT_F_TRAEFIK_HTTPS_NODE_PORT, a->value.s, NT_POS_NONE);
        if ((a = nt_component_addition(c->comp[NT_C_DEPLOYMENT], "host")))
            nt_cluster_set_field(c, NT_F_ARGOCD_HOST, a->value.s, NT_POS_NONE);
        if ((a = nt_component_addition(c->comp[NT_C_PIPELINE], "host")))
            nt_cluster_set_field(c, NT_F_TEKTON_HOST, a->value.s, NT_POS_NONE);
    }

    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "reserved_namespaces_allowed_products");
    if (m && !cJSON_IsNull(m)) {
        if (!cJSON_IsObject(m)) {
            nt_buf_addf(err, "reserved_namespaces_allowed_products of %s is not an object",
                        c->name);
            goto fail;
        }
        c->has_reserved = true;
        const cJSON *e;
        cJSON_ArrayForEach(e, m)
        {
            if (!cJSON_IsArray(e) && !cJSON_IsNull(e)) {
                nt_buf_addf(err, "reserved_namespaces_allowed_products.%s of %s is not a list",
                            e->string, c->name);
                goto fail;
            }
            nt_ns_products *p = nt_cluster_add_reserved(c, e->string, NT_POS_NONE);
            const cJSON *it;
            cJSON_ArrayForEach(it, e)
            {
                if (!cJSON_IsString(it)) {
                    nt_buf_addf(err,
                                "reserved_namespaces_allowed_products.%s of %s holds a "
                                "non-string",
                                e->string, c->name);
                    goto fail;
                }
                nt_ns_products_add(p, it->valuestring, NT_POS_NONE);
            }
        }
    }
    m = cJSON_GetObjectItemCaseSensitive(obj, "product_allowed_cluster_resources");
    if (m && !cJSON_IsNull(m)) {
        if (!cJSON_IsObject(m)) {
            nt_buf_addf(err, "product_allowed_cluster_resources of %s is not an object", c->name);
            goto fail;
        }
        c->has_allowed = true;
        const cJSON *e;
        cJSON_ArrayForEach(e, m)
        {
            if (!cJSON_IsArray(e) && !cJSON_IsNull(e)) {
                nt_buf_addf(err, "product_allowed_cluster_resources.%s of %s is not a list",
                            e->string, c->name);
                goto fail;
            }
            nt_product_resources *p = nt_cluster_add_allowed(c, e->string, NT_POS_NONE);
            const cJSON *it;
            cJSON_ArrayForEach(it, e)
            {
                if (!cJSON_IsObject(it)) {
                    nt_buf_addf(err,
                                "product_allowed_cluster_resources.%s of %s holds a "
                                "non-object",
                                e->string, c->name);
                    goto fail;
                }
                nt_resource *r = nt_product_resources_add(p, NT_POS_NONE);
                if (get_string(it, "kind", &r->kind, c->name, err) < 0 ||
                    get_string(it, "group", &r->group, c->name, err) < 0)
                    goto fail;
            }
        }
    }
    *out = c;
    return 0;
fail:
    nt_cluster_free(c);
    return -1;
}

/* The generation a components_list tells (10): gateway → v0.4; cert_mgt/ingress_controller →
 * v0.3.6+; no list → v0.3.1-0.3.3. */
static nt_api_gen gen_of_item(const cJSON *item)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(item, "components_list");
    if (!cJSON_IsObject(list))
        return NT_GEN_V03;
    if (cJSON_HasObjectItem(list, "gateway"))
        return NT_GEN_V04;
    return NT_GEN_V03;
}

/* Describe a body that is not the JSON we expect, for one clear message. */
static void describe_non_json(const char *body, size_t len, size_t err_at, nt_buf *out)
{
    const char *end = body + len;
    const char *p = nt_json_skip_ws(body, end);
    if (p == end) {
        nt_buf_adds(out, "the API server's answer is empty");
        return;
    }
    if (*p == '<') {
        nt_buf_adds(out, "the API server's answer is not JSON (it looks like an HTML page; is a "
                         "proxy in the way?)");
        return;
    }
    if (*p == '{' || *p == '[') {
        if (err_at >= len)
            nt_buf_addf(out,
                        "the API server's answer is not complete JSON (it ends after %zu bytes; "
                        "was the connection cut?)",
                        len);
        else
            nt_buf_addf(out, "the API server's answer is not valid JSON (error at byte %zu)",
                        err_at + 1);
        return;
    }
    size_t n = 0;
    while (p + n < end && n < 40 && p[n] != '\n' && p[n] != '\r' && isprint((unsigned char)p[n]))
        n++;
    nt_buf_addf(out, "the API server's answer is not JSON (it starts with \"%.*s\")", (int)n, p);
}

/* cJSON decodes "\u0000" into a NUL that ends the C string, so a name "a\u0000b" would be
 * read as "a". Each such escape (a backslash preceded by an even run of backslashes) is
 * rewritten as "\uffff", a noncharacter, so that a string that held one can be found and
 * refused (has_nul). NULL when there is none; *clash when the answer holds U+FFFF itself. */
#define NUL_MARK "\xef\xbf\xbf"
static char *mark_nul_escapes(const char *body, size_t len, bool *clash)
{
    *clash = false;
    if (!memmem(body, len, "\\u0000", 6))
        return NULL;
    bool ffff = memmem(body, len, NUL_MARK, 3) != NULL;
    for (const char *p = body; !ffff && (p = memmem(p, len - (size_t)(p - body), "\\u", 2)); p += 2)
        ffff = (size_t)(p - body) + 6 <= len && strspn(p + 2, "fF") >= 4;
    if (ffff) {
        *clash = true;
        return NULL;
    }
    char *copy = nt_xmalloc(len + 1);
    memcpy(copy, body, len);
    copy[len] = 0;
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        if (copy[i] != '\\') {
            run = 0;
            continue;
        }
        if (run % 2 == 0 && i + 5 < len && !memcmp(copy + i + 1, "u0000", 5)) {
            memcpy(copy + i + 2, "ffff", 4);
            i += 5;
            run = 0;
            continue;
        }
        run++;
    }
    return copy;
}

/* A key or string value anywhere in j held "\u0000" (see mark_nul_escapes). */
static bool has_nul(const cJSON *j)
{
    for (; j; j = j->next) {
        if ((j->string && strstr(j->string, NUL_MARK)) ||
            (cJSON_IsString(j) && j->valuestring && strstr(j->valuestring, NUL_MARK)))
            return true;
        if (j->child && has_nul(j->child))
            return true;
    }
    return false;
}

static void list_finish(nt_cluster_set *set)
{
    unsigned vis = 0;
    for (int f = 0; f <= NT_F_PRIMARY_DOMAIN; f++)
        vis |= 1u << f;
    if (set->gen == NT_GEN_V04)
        vis |= (1u << NT_F_TRAEFIK_HTTP_NODE_PORT) | (1u << NT_F_TRAEFIK_HTTPS_NODE_PORT) |
               (1u << NT_F_ARGOCD_HOST) | (1u << NT_F_TEKTON_HOST);
    set->visible = vis;
    nt_cluster_set_sort(set);
}

/* The whole answer as one JSON tree: the reference reading, and the one that words every
 * error. */
static int list_parse_whole(const char *body, size_t len, nt_cluster_set **out, nt_diag *diag)
{
    *out = NULL;
    nt_buf err = NT_BUF_INIT;
    nt_cluster_set *set = NULL;
    size_t err_at = 0;
    int rc = -1;
    cJSON *j = NULL;
    bool clash = false;
    char *marked = body ? mark_nul_escapes(body, len, &clash) : NULL;
    if (clash) {
        nt_buf_adds(&err, "the API server's answer holds \\u0000 (a NUL character, which would "
                          "cut a name or value short) and U+FFFF: refused");
        goto done;
    }
    j = body ? nt_json_parse(marked ? marked : body, len, &err_at) : NULL;
    if (marked) {
        nt_wipe(marked, len);
        free(marked);
    }
    if (!j) {
        describe_non_json(body ? body : "", body ? len : 0, err_at, &err);
        goto done;
    }
    if (!cJSON_IsObject(j)) {
        nt_buf_adds(&err, "the API server's answer is JSON but not an object with \"items\" (is "
                          "the URL the Nautes API server?)");
        goto done;
    }
    cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items");
    if (!items) {
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(j, "message");
        if (cJSON_IsString(msg))
            nt_buf_addf(&err, "the API server answered with an error instead of a list: %s",
                        msg->valuestring);
        else
            nt_buf_adds(&err, "the API server's answer has no \"items\" list (is the URL the "
                              "Nautes API server?)");
        goto done;
    }
    if (!cJSON_IsArray(items) && !cJSON_IsNull(items)) {
        nt_buf_adds(&err, "the API server's answer has \"items\" that is not a list");
        goto done;
    }
    set = nt_cluster_set_new();
    set->gen = NT_GEN_UNKNOWN;
    size_t idx = 0;
    /* Each item's JSON tree is freed as soon as it is converted, so the peak holds one
     * parsed tree less than a whole copy of the list (the plan's memory budget). */
    cJSON *it, *next;
    for (it = items ? items->child : NULL; it; it = next) {
        next = it->next;
        nt_cluster *c = NULL;
        nt_buf e = NT_BUF_INIT;
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
        if (cJSON_IsString(nm) && strstr(nm->valuestring, NUL_MARK)) {
            nt_buf shown = NT_BUF_INIT;
            for (const char *p = nm->valuestring; *p;) {
                if (!strncmp(p, NUL_MARK, 3)) {
                    nt_buf_adds(&shown, "\\u0000");
                    p += 3;
                } else {
                    nt_buf_addc(&shown, *p++);
                }
            }
            nt_buf_addf(&err,
                        "the API server's answer has a bad item %zu: its name '%s' holds \\u0000 "
                        "(a NUL character, which would cut it short): refused",
                        idx + 1, nt_buf_str(&shown));
            nt_buf_free(&shown);
            goto done;
        }
        if (has_nul(it->child)) {
            nt_buf_addf(&err,
                        "the API server's answer has a bad item %zu: a string in it holds "
                        "\\u0000 (a NUL character, which would cut it short): refused",
                        idx + 1);
            goto done;
        }
        if (nt_api_cluster_from_json(it, &c, &e) < 0) {
            nt_buf_addf(&err, "the API server's answer has a bad item %zu: %s", idx + 1,
                        nt_buf_str(&e));
            nt_buf_free(&e);
            goto done;
        }
        nt_buf_free(&e);
        nt_api_gen g = gen_of_item(it);
        if (set->gen == NT_GEN_UNKNOWN || g == NT_GEN_V04)
            set->gen = g;
        if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(it, "components_list")))
            set->visible_extras = true;
        if (nt_cluster_set_add(set, c, NULL) < 0) {
            nt_buf_addf(&err, "the API server's answer lists cluster %s twice", c->name);
            nt_cluster_free(c);
            goto done;
        }
        cJSON_Delete(cJSON_DetachItemViaPointer(items, it));
        idx++;
    }
    list_finish(set);
    *out = set;
    set = NULL;
    rc = 0;
done:
    if (rc < 0)
        nt_diag_error(diag, "%s", nt_buf_str(&err));
    nt_cluster_set_free(set);
    cJSON_Delete(j);
    nt_buf_free(&err);
    return rc;
}

/* ---- a list answer, one item at a time ----------------------------------------------------
 *
 * A list answer can be hundreds of megabytes. Parsing it as one cJSON tree costs several times
 * its size, so the items are found by a small structural scan of the top-level object and
 * parsed one by one (each tree freed as soon as its cluster is built); the rest of the object,
 * with "items" emptied, is parsed on its own. Whatever the scan does not recognise as exactly
 * that shape (a syntax error, an escaped or repeated "items" key, deep nesting, a NUL byte
 * anywhere, a \\u0000 escape in a string, a name given twice) is read again by
 * list_parse_whole, so every answer gets the same result and the same error as before. */

static size_t ws_at(const char *b, size_t len, size_t i)
{
    while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    return i;
}

/* b[i] is '"': the offset after the closing quote, or 0. 0 too for a string that holds a NUL
 * byte or a \\u0000 escape, which cJSON would cut the string at: the whole reading words
 * those. Every string of the answer passes here once (keys, values, those inside the values
 * skipped), so the answer needs no pass of its own to look for them. */
static size_t skip_string(const char *b, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (b[i] == '\\') {
            if (i + 5 < len && !memcmp(b + i + 1, "u0000", 5))
                return 0;
            i++;
            if (i < len && !b[i])
                return 0;
        } else if (b[i] == '"') {
            return i + 1;
        } else if (!b[i]) {
            return 0;
        }
    }
    return 0;
}

/* The offset after the value starting at b[i], or 0; *depth gets its deepest nesting. */
static size_t skip_value(const char *b, size_t len, size_t i, size_t *depth)
{
    *depth = 0;
    if (i >= len)
        return 0;
    if (b[i] == '"')
        return skip_string(b, len, i);
    if (b[i] == '{' || b[i] == '[') {
        size_t d = 0;
        while (i < len) {
            char c = b[i];
            if (c == '"') {
                if (!(i = skip_string(b, len, i)))
                    return 0;
                continue;
            }
            if (c == '{' || c == '[') {
                if (++d > *depth)
                    *depth = d;
            } else if (c == '}' || c == ']') {
                if (--d == 0)
                    return i + 1;
            } else if (!c) {
                return 0; /* cJSON would take a NUL byte between tokens for a space */
            }
            i++;
        }
        return 0;
    }
    size_t start = i;
    while (i < len && !strchr(",]} \t\r\n", b[i]))
        i++;
    return i > start ? i : 0;
}

typedef struct list_ctx {
    nt_cluster_set *set;
    size_t idx;
} list_ctx;

/* Build one item's cluster into the set. -1: give up this reading (list_parse_whole words it). */
static int list_item(list_ctx *lc, const char *b, size_t len)
{
    const char *end = NULL;
    cJSON *it = cJSON_ParseWithLengthOpts(b, len, &end, false);
    int rc = -1;
    nt_cluster *c = NULL;
    nt_buf e = NT_BUF_INIT;
    if (!it || end != b + len || nt_api_cluster_from_json(it, &c, &e) < 0)
        goto done;
    nt_api_gen g = gen_of_item(it);
    if (lc->set->gen == NT_GEN_UNKNOWN || g == NT_GEN_V04)
        lc->set->gen = g;
    if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(it, "components_list")))
        lc->set->visible_extras = true;
    nt_cluster_set_append(lc->set, c); /* names are checked once all are in */
    c = NULL;
    lc->idx++;
    rc = 0;
done:
    nt_cluster_free(c);
    nt_buf_free(&e);
    cJSON_Delete(it);
    return rc;
}

static int list_parse_items(const char *body, size_t len, nt_cluster_set *set)
{
    if (!body)
        return -1;
    list_ctx lc = {set, 0};
    size_t i = ws_at(body, len, 0), open = 0, close = 0, depth;
    if (i >= len || body[i] != '{')
        return -1;
    i = ws_at(body, len, i + 1);
    if (i < len && body[i] == '}')
        return -1;
    for (;;) {
        if (i >= len || body[i] != '"')
            return -1;
        size_t k = i, ke = skip_string(body, len, i);
        if (!ke)
            return -1;
        i = ws_at(body, len, ke);
        if (i >= len || body[i] != ':')
            return -1;
        i = ws_at(body, len, i + 1);
        bool items = ke - k == 7 && !memcmp(body + k, "\"items\"", 7);
        if (items && (open || i >= len || body[i] != '['))
            return -1; /* a second "items", or not a list: the whole reading words it */
        if (items) {
            open = i;
            i = ws_at(body, len, i + 1);
            if (i < len && body[i] == ']') {
                close = i;
            } else {
                for (;;) {
                    size_t e = skip_value(body, len, i, &depth);
                    if (!e || depth + 2 >= CJSON_NESTING_LIMIT)
                        return -1;
                    if (list_item(&lc, body + i, e - i) < 0)
                        return -1;
                    i = ws_at(body, len, e);
                    if (i < len && body[i] == ',') {
                        i = ws_at(body, len, i + 1);
                        continue;
                    }
                    if (i >= len || body[i] != ']')
                        return -1;
                    close = i;
                    break;
                }
            }
            i++;
        } else {
            size_t e = skip_value(body, len, i, &depth);
            if (!e || depth + 1 >= CJSON_NESTING_LIMIT)
                return -1;
            i = e;
        }
        i = ws_at(body, len, i);
        if (i < len && body[i] == ',') {
            i = ws_at(body, len, i + 1);
            continue;
        }
        if (i >= len || body[i] != '}')
            return -1;
        break;
    }
    if (!open || ws_at(body, len, i + 1) != len)
        return -1;
    /* the object around the items, "items" emptied: as strict a reading as the whole one */
    size_t head = open + 1, tail = len - close;
    char *skel = nt_xmalloc(head + tail + 1);
    memcpy(skel, body, head);
    memcpy(skel + head, body + close, tail);
    skel[head + tail] = 0;
    cJSON *j = cJSON_ParseWithLengthOpts(skel, head + tail + 1, NULL, true);
    free(skel);
    int n_items = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, j) n_items += e->string && !strcmp(e->string, "items");
    cJSON *items = cJSON_GetObjectItemCaseSensitive(j, "items");
    int rc = cJSON_IsObject(j) && n_items == 1 && cJSON_IsArray(items) && !items->child ? 0 : -1;
    cJSON_Delete(j);
    /* every name once, indexed in one pass: a name listed twice is for the whole reading to
     * word */
    if (rc == 0 && nt_cluster_set_reindex(set) != SIZE_MAX)
        rc = -1;
    return rc;
}

int nt_api_list_parse(const char *body, size_t len, nt_cluster_set **out, nt_diag *diag)
{
    nt_cluster_set *set = nt_cluster_set_new();
    set->gen = NT_GEN_UNKNOWN;
    if (list_parse_items(body, len, set) == 0) {
        list_finish(set);
        *out = set;
        return 0;
    }
    nt_cluster_set_free(set);
    return list_parse_whole(body, len, out, diag);
}

int nt_api_error_parse(const char *body, size_t len, long *code, char **reason, char **message)
{
    *reason = NULL;
    *message = NULL;
    if (!body)
        return -1;
    size_t err_at;
    cJSON *j = nt_json_parse(body, len, &err_at);
    int rc = -1;
    if (!cJSON_IsObject(j))
        goto done;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "code");
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(j, "reason");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
    /* a code no server sends (1e999, -1e300) is not that shape, and no long can hold it */
    if (!cJSON_IsNumber(c) || !cJSON_IsString(m) ||
        !(c->valuedouble > -1e9 && c->valuedouble < 1e9))
        goto done;
    *code = (long)c->valuedouble;
    *reason = nt_xstrdup(cJSON_IsString(r) ? r->valuestring : "");
    *message = nt_xstrdup(m->valuestring);
    rc = 0;
done:
    cJSON_Delete(j);
    return rc;
}
