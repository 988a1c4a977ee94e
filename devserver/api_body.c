/* api_body.c — the local server's side of the Cluster API's JSON (docs/api-server.md §3, 4):
 * a SaveCluster body read the way the real server's protojson codec reads it (unknown keys
 * dropped, null = absent, a number where a string is expected or a duplicate key refused), and
 * the GET shape of one generation. */
#include "devserver/api_body.h"

#include "core/base/alloc.h"
#include "core/base/json_read.h"
#include "core/base/wipe.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- server: the body as protojson reads it ---------------------------------------------- */

typedef struct codec {
    const char *body;
    size_t len;
    nt_buf *err;
} codec;

static int codec_fail(codec *cd, const char *fmt, const char *a)
{
    nt_buf_adds(cd->err, "body unmarshal proto: ");
    nt_buf_addf(cd->err, fmt, a);
    return -1;
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* protojson refuses a repeated field name in a message and a repeated key in a map. */
static int check_dups(codec *cd, const cJSON *obj, bool is_map)
{
    size_t n = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, obj) n++;
    if (n < 2)
        return 0;
    const char **names = nt_xcalloc(n, sizeof(*names));
    size_t i = 0;
    cJSON_ArrayForEach(e, obj) names[i++] = e->string ? e->string : "";
    qsort(names, n, sizeof(*names), cmp_str_ptr);
    int rc = 0;
    for (i = 1; i < n; i++) {
        if (!strcmp(names[i - 1], names[i])) {
            rc = codec_fail(cd, is_map ? "duplicate map key \"%s\"" : "duplicate field \"%s\"",
                            names[i]);
            break;
        }
    }
    free(names);
    return rc;
}

static int codec_type_error(codec *cd, const cJSON *j, const char *want)
{
    char *txt = cJSON_PrintUnformatted(j);
    nt_buf_addf(cd->err, "body unmarshal proto: invalid value for %s type: %s", want,
                txt ? txt : "?");
    free(txt);
    return -1;
}

/* A proto string field: absent/null → untouched; string → value; else CODEC. */
/* A string field: *out is its text (borrowed), NULL when absent or null. */
static int codec_text(codec *cd, const cJSON *parent, const char *key, const char **out)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(parent, key);
    *out = NULL;
    if (!j || cJSON_IsNull(j))
        return 0;
    if (!cJSON_IsString(j)) {
        if (cJSON_IsObject(j) || cJSON_IsArray(j))
            return codec_fail(cd, "unexpected token %s", cJSON_IsObject(j) ? "{" : "[");
        return codec_type_error(cd, j, "string");
    }
    *out = j->valuestring;
    return 0;
}

static int codec_string(codec *cd, const cJSON *parent, const char *key, nt_value *v)
{
    const char *s;
    if (codec_text(cd, parent, key, &s) < 0)
        return -1;
    if (s)
        nt_value_set(v, s, NT_POS_NONE);
    return 0;
}

/* A string field into the cluster's field f. */
static int codec_field(codec *cd, const cJSON *parent, const char *key, nt_cluster *c, nt_field f)
{
    const char *s;
    if (codec_text(cd, parent, key, &s) < 0)
        return -1;
    if (s)
        nt_cluster_set_field(c, f, s, NT_POS_NONE);
    return 0;
}

/* A proto message field: NULL when absent or null; CODEC when not an object. */
static int codec_message(codec *cd, const cJSON *parent, const char *key, const cJSON **out)
{
    *out = NULL;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(parent, key);
    if (!j || cJSON_IsNull(j))
        return 0;
    if (!cJSON_IsObject(j)) {
        char *txt = cJSON_PrintUnformatted(j);
        int rc = codec_fail(cd, "unexpected token %s", txt ? txt : "?");
        free(txt);
        return rc;
    }
    if (check_dups(cd, j, false) < 0)
        return -1;
    *out = j;
    return 0;
}

static int codec_component(codec *cd, const cJSON *list, nt_component_kind k, nt_cluster *c)
{
    const char *key = nt_components[k].snake;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(list, key);
    if (!j)
        return 0;
    nt_component *comp = nt_cluster_component(c, k);
    comp->declared = true;
    if (cJSON_IsNull(j)) {
        comp->is_null = true;
        return 0;
    }
    const cJSON *e;
    if (codec_message(cd, list, key, &e) < 0)
        return -1;
    if (codec_string(cd, e, "name", &comp->name) < 0 ||
        codec_string(cd, e, "namespace", &comp->ns) < 0)
        return -1;
    const cJSON *adds = cJSON_GetObjectItemCaseSensitive(e, "additions");
    if (adds && !cJSON_IsNull(adds)) {
        if (!cJSON_IsObject(adds)) {
            char *txt = cJSON_PrintUnformatted(adds);
            int rc = codec_fail(cd, "unexpected token %s", txt ? txt : "?");
            free(txt);
            return rc;
        }
        if (check_dups(cd, adds, true) < 0)
            return -1;
        comp->additions_declared = true;
        const cJSON *a;
        cJSON_ArrayForEach(a, adds)
        {
            if (cJSON_IsNull(a))
                continue;
            if (!cJSON_IsString(a))
                return codec_type_error(cd, a, "string");
            nt_component_set_addition(comp, a->string, a->valuestring, NT_POS_NONE);
        }
    }
    return 0;
}

/* The two maps are map<string, google.protobuf.ListValue>: any JSON values are accepted by
 * the codec; the service refuses wrong item types later (500, 6.2). A non-string product is
 * kept as a value with s == NULL, a non-object resource as kind and group both NULL. */
static int codec_list_map(codec *cd, const cJSON *root, const char *key, nt_cluster *c,
                          bool reserved)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!m || cJSON_IsNull(m))
        return 0;
    if (!cJSON_IsObject(m)) {
        char *txt = cJSON_PrintUnformatted(m);
        int rc = codec_fail(cd, "unexpected token %s", txt ? txt : "?");
        free(txt);
        return rc;
    }
    if (check_dups(cd, m, true) < 0)
        return -1;
    if (reserved)
        c->has_reserved = true;
    else
        c->has_allowed = true;
    const cJSON *e;
    cJSON_ArrayForEach(e, m)
    {
        if (!cJSON_IsArray(e) && !cJSON_IsNull(e)) {
            char *txt = cJSON_PrintUnformatted(e);
            int rc = codec_fail(cd, "unexpected token %s", txt ? txt : "?");
            free(txt);
            return rc;
        }
        const cJSON *it;
        if (reserved) {
            nt_ns_products *p = nt_cluster_add_reserved(c, e->string, NT_POS_NONE);
            cJSON_ArrayForEach(it, e)
                nt_ns_products_add(p, cJSON_IsString(it) ? it->valuestring : NULL, NT_POS_NONE);
        } else {
            nt_product_resources *p = nt_cluster_add_allowed(c, e->string, NT_POS_NONE);
            cJSON_ArrayForEach(it, e)
            {
                nt_resource *r = nt_product_resources_add(p, NT_POS_NONE);
                if (!cJSON_IsObject(it))
                    continue;
                if (check_dups(cd, it, true) < 0)
                    return -1;
                const cJSON *kind = cJSON_GetObjectItemCaseSensitive(it, "kind");
                const cJSON *group = cJSON_GetObjectItemCaseSensitive(it, "group");
                /* a non-string kind or group reads as "" so the emptiness rule fires */
                nt_value_set(&r->kind, cJSON_IsString(kind) ? kind->valuestring : "", NT_POS_NONE);
                nt_value_set(&r->group, cJSON_IsString(group) ? group->valuestring : "",
                             NT_POS_NONE);
            }
        }
    }
    return 0;
}

int nt_api_body_parse(const char *name, const char *body, size_t len, nt_cluster **out,
                      nt_buf *codec_err)
{
    *out = NULL;
    codec cd = {body, len, codec_err};
    nt_cluster *c = nt_cluster_new();
    c->name = nt_xstrdup(name);
    cJSON *j = NULL;
    int rc = -1;
    const char *end = body ? body + len : NULL;
    if (!body || nt_json_skip_ws(body, end) == end) { /* kratos skips decoding an empty body */
        *out = c;
        return 0;
    }
    if (!nt_utf8_valid((const unsigned char *)body, len)) {
        codec_fail(&cd, "%s", "invalid UTF-8 in string");
        goto done;
    }
    size_t err_at;
    j = nt_json_parse(body, len, &err_at);
    if (!j) {
        unsigned line, col;
        nt_line_col(body, len, err_at, &line, &col);
        if (err_at >= len)
            nt_buf_addf(codec_err,
                        "body unmarshal proto: syntax error (line %u:%u): unexpected "
                        "token ",
                        line, col);
        else
            nt_buf_addf(codec_err,
                        "body unmarshal proto: syntax error (line %u:%u): invalid value %.*s", line,
                        col, (int)strnlen(body + err_at, len - err_at < 16 ? len - err_at : 16),
                        body + err_at);
        goto done;
    }
    if (!cJSON_IsObject(j)) {
        const char *p = nt_json_skip_ws(body, end);
        unsigned line, col;
        nt_line_col(body, len, (size_t)(p - body), &line, &col);
        nt_buf_addf(codec_err,
                    "body unmarshal proto: syntax error (line %u:%u): unexpected "
                    "token %c",
                    line, col, *p);
        goto done;
    }
    if (check_dups(&cd, j, false) < 0)
        goto done;
    static const struct {
        const char *key;
        nt_field f;
    } top[] = {
        {"api_server", NT_F_API_SERVER},     {"cluster_kind", NT_F_CLUSTER_KIND},
        {"cluster_type", NT_F_CLUSTER_TYPE}, {"usage", NT_F_USAGE},
        {"host_cluster", NT_F_HOST_CLUSTER}, {"primary_domain", NT_F_PRIMARY_DOMAIN},
        {"worker_type", NT_F_WORKER_TYPE},   {"argocd_host", NT_F_ARGOCD_HOST},
        {"tekton_host", NT_F_TEKTON_HOST},   {"kubeconfig", NT_F_KUBECONFIG},
    };
    for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
        if (codec_field(&cd, j, top[i].key, c, top[i].f) < 0)
            goto done;
    const cJSON *m;
    if (codec_message(&cd, j, "vcluster", &m) < 0)
        goto done;
    if (m) {
        c->has_vcluster = true;
        if (codec_field(&cd, m, "https_node_port", c, NT_F_VCLUSTER_HTTPS_NODE_PORT) < 0)
            goto done;
    }
    if (codec_message(&cd, j, "traefik", &m) < 0)
        goto done;
    if (m) {
        c->has_traefik = true;
        if (codec_field(&cd, m, "http_node_port", c, NT_F_TRAEFIK_HTTP_NODE_PORT) < 0 ||
            codec_field(&cd, m, "https_node_port", c, NT_F_TRAEFIK_HTTPS_NODE_PORT) < 0)
            goto done;
    }
    if (codec_message(&cd, j, "components_list", &m) < 0)
        goto done;
    if (m) {
        c->has_components = true;
        for (int k = 0; k < NT_C_COUNT; k++)
            if (nt_components[k].snake && codec_component(&cd, m, (nt_component_kind)k, c) < 0)
                goto done;
    }
    if (codec_list_map(&cd, j, "reserved_namespaces_allowed_products", c, true) < 0 ||
        codec_list_map(&cd, j, "product_allowed_cluster_resources", c, false) < 0)
        goto done;
    *out = c;
    c = NULL;
    rc = 0;
done:
    if (j)
        nt_json_wipe(j);
    cJSON_Delete(j);
    nt_cluster_free(c);
    return rc;
}

/* ---- server: the GET shape (4.1) ------------------------------------------------------- */

static void put_str(cJSON *o, const char *key, const char *s)
{
    cJSON_AddStringToObject(o, key, s ? s : "");
}

static int cmp_json_key(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* Re-order an object's members by key (protojson writes map keys sorted). */
static void sort_object(cJSON *o)
{
    size_t n = 0;
    cJSON *e;
    cJSON_ArrayForEach(e, o) n++;
    if (n < 2)
        return;
    cJSON **v = nt_xcalloc(n, sizeof(*v));
    size_t i = 0;
    while (o->child) {
        v[i++] = cJSON_DetachItemViaPointer(o, o->child);
    }
    qsort(v, n, sizeof(*v), cmp_json_key);
    for (i = 0; i < n; i++)
        cJSON_AddItemToArray(o, v[i]); /* keeps v[i]->string */
    free(v);
}

cJSON *nt_api_cluster_to_json(const nt_cluster *c, nt_api_gen gen)
{
    cJSON *o = cJSON_CreateObject();
    put_str(o, "name", c->name);
    put_str(o, "cluster_kind", c->f[NT_F_CLUSTER_KIND].s);
    put_str(o, "cluster_type", c->f[NT_F_CLUSTER_TYPE].s);
    put_str(o, "usage", c->f[NT_F_USAGE].s);
    put_str(o, "host_cluster", c->f[NT_F_HOST_CLUSTER].s);
    put_str(o, "primary_domain", c->f[NT_F_PRIMARY_DOMAIN].s);
    put_str(o, "worker_type", c->f[NT_F_WORKER_TYPE].s);
    put_str(o, "api_server", c->f[NT_F_API_SERVER].s);

    static const nt_component_kind v03[] = {
        NT_C_MULTI_TENANT,         NT_C_CERT_MGT,           NT_C_SECRET_MGT,
        NT_C_SECRET_SYNC,          NT_C_INGRESS_CONTROLLER, NT_C_DEPLOYMENT,
        NT_C_PROGRESSIVE_DELIVERY, NT_C_PIPELINE,           NT_C_EVENT_LISTENER,
    };
    static const nt_component_kind v04[] = {
        NT_C_MULTI_TENANT,         NT_C_SECRET_SYNC, NT_C_GATEWAY,        NT_C_DEPLOYMENT,
        NT_C_PROGRESSIVE_DELIVERY, NT_C_PIPELINE,    NT_C_EVENT_LISTENER,
    };
    const nt_component_kind *keys = gen == NT_GEN_V04 ? v04 : v03;
    size_t nkeys = gen == NT_GEN_V04 ? sizeof(v04) / sizeof(v04[0]) : sizeof(v03) / sizeof(v03[0]);
    cJSON *list = cJSON_AddObjectToObject(o, "components_list");
    for (size_t i = 0; i < nkeys; i++) {
        const nt_component *comp = c->comp[keys[i]];
        const char *key = nt_components[keys[i]].snake;
        /* v0.4's converter forgets event_listener (4.1): always null */
        if (!comp->declared || comp->is_null ||
            (gen == NT_GEN_V04 && keys[i] == NT_C_EVENT_LISTENER)) {
            cJSON_AddNullToObject(list, key);
            continue;
        }
        cJSON *e = cJSON_AddObjectToObject(list, key);
        put_str(e, "name", comp->name.s);
        put_str(e, "namespace", comp->ns.s);
        if (gen == NT_GEN_V04) {
            cJSON *adds = cJSON_AddObjectToObject(e, "additions");
            for (size_t a = 0; a < comp->n_additions; a++)
                put_str(adds, comp->additions[a].key, comp->additions[a].value.s);
            sort_object(adds);
        }
    }
    cJSON *m = cJSON_AddObjectToObject(o, "reserved_namespaces_allowed_products");
    for (size_t i = 0; i < c->n_reserved; i++) {
        cJSON *a = cJSON_CreateArray();
        for (size_t k = 0; k < c->reserved[i].n; k++)
            cJSON_AddItemToArray(a, cJSON_CreateString(c->reserved[i].products[k].s
                                                           ? c->reserved[i].products[k].s
                                                           : ""));
        cJSON_AddItemToObject(m, c->reserved[i].ns, a);
    }
    sort_object(m);
    m = cJSON_AddObjectToObject(o, "product_allowed_cluster_resources");
    for (size_t i = 0; i < c->n_allowed; i++) {
        cJSON *a = cJSON_CreateArray();
        for (size_t k = 0; k < c->allowed[i].n; k++) {
            cJSON *it = cJSON_CreateObject();
            put_str(it, "group", c->allowed[i].items[k].group.s);
            put_str(it, "kind", c->allowed[i].items[k].kind.s);
            cJSON_AddItemToArray(a, it);
        }
        cJSON_AddItemToObject(m, c->allowed[i].product, a);
    }
    sort_object(m);
    return o;
}
