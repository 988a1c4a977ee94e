/* rules.c — what the real server checks on save and delete, with its own messages, and the
 * defaults it fills in (docs/api-server.md §6, 7.2).
 *
 * The rules themselves are core/load/validate.c's (one set of rules for the client and this
 * server): the first error's nt_rule code is turned into the real server's status and
 * message for the chosen generation. What validate.c cannot see (the stored state, the
 * values after defaults) is checked here. Message prefixes follow docs/api-server.md §5.2 and 6.2;
 * where the research does not say which prefix a rule carries, docs/devserver.md says so. */
#include "devserver.h"

#include "core/base/alloc.h"
#include "core/base/url.h"
#include "core/load/validate.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define VALIDATOR_PREFIX                                                                           \
    "invalid SaveRequest.Body: embedded message failed validation | caused by: invalid "           \
    "SaveRequest_Body."
#define CRD_PREFIX "failed to validate cluster, err: "
#define PORT_RE "^[0-9]+$"
#define HOST_RE                                                                                    \
    "^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]" \
    "*"                                                                                            \
    "[A-Za-z0-9])$"

static bool empty(const char *s)
{
    return !s || !*s;
}

/* Host and port of a URL ("https://1.2.3.4:6443/x" → "1.2.3.4", "6443"). */
static void url_host(const char *url, char **host, char **port)
{
    nt_url_host u;
    *host = *port = NULL;
    if (!nt_host_of(url, &u))
        return;
    *host = nt_xstrndup(u.host, u.host_len);
    if (u.port)
        *port = nt_xstrndup(u.port, u.port_len);
}

static bool is_ip(const char *h)
{
    unsigned char buf[16];
    return h && (inet_pton(AF_INET, h, buf) == 1 || inet_pton(AF_INET6, h, buf) == 1);
}

static bool matches(const char *re, const char *s)
{
    regex_t rx;
    if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
        return false;
    bool ok = regexec(&rx, s, 0, NULL, 0) == 0;
    regfree(&rx);
    return ok;
}

static void set_if_empty(nt_cluster *c, nt_field f, const char *s)
{
    if (empty(c->f[f].s))
        nt_cluster_set_field(c, f, s, NT_POS_NONE);
}

/* Which v0.4 categories a kind keeps (docs/api-server.md §3.2). */
static bool v04_applies(const nt_cluster *c, nt_component_kind k)
{
    bool host = nt_cluster_is_host(c), phys = nt_cluster_is_physical(c);
    bool pipe = c->f[NT_F_WORKER_TYPE].s && !strcmp(c->f[NT_F_WORKER_TYPE].s, "pipeline");
    switch (k) {
    case NT_C_GATEWAY:
        return host || phys || pipe;
    case NT_C_MULTI_TENANT:
    case NT_C_SECRET_SYNC:
    case NT_C_DEPLOYMENT:
        return !host;
    case NT_C_PROGRESSIVE_DELIVERY:
        return !host && !pipe;
    case NT_C_PIPELINE:
    case NT_C_EVENT_LISTENER:
        return !host && pipe;
    case NT_C_OAUTH_PROXY:
        return phys;
    case NT_C_SECRET_MANAGEMENT:
        return true;
    default:
        return false;
    }
}

static const nt_component_info *by_default_name(const char *name)
{
    for (int i = 0; i < NT_C_COUNT; i++)
        if (!strcmp(nt_components[i].default_name, name))
            return &nt_components[i];
    return NULL;
}

/* Fill category k of c with its default, or complete a given name with its namespace. */
static void fill_component(nt_cluster *c, nt_component_kind k)
{
    nt_component *comp = nt_cluster_component(c, k);
    const nt_component_info *ci = &nt_components[k];
    if (!comp->declared || comp->is_null) {
        comp->declared = true;
        comp->is_null = false;
        nt_value_set(&comp->name, ci->default_name, NT_POS_NONE);
        nt_value_set(&comp->ns, ci->default_namespace, NT_POS_NONE);
        return;
    }
    if (empty(comp->name.s))
        nt_value_set(&comp->name, ci->default_name, NT_POS_NONE);
    if (empty(comp->ns.s)) {
        const nt_component_info *byname = by_default_name(comp->name.s);
        nt_value_set(&comp->ns, byname ? byname->default_namespace : ci->default_namespace,
                     NT_POS_NONE);
    }
}

static void default_addition(nt_component *comp, const char *key, const char *value)
{
    if (!nt_component_addition(comp, key))
        nt_component_set_addition(comp, key, value, NT_POS_NONE);
}

/* The first diagnostic that is an error. Additions are left to check_additions, which sees
 * them after defaults and words them as the real server does. */
static const nt_diag_item *first_error(const nt_diag *d)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].sev == NT_SEV_ERROR && d->items[i].code != NT_RULE_ADDITION_INVALID)
            return &d->items[i];
    return NULL;
}

static const nt_diag_item *find_code(const nt_diag *d, int lo, int hi)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].sev == NT_SEV_ERROR && d->items[i].code >= lo && d->items[i].code <= hi)
            return &d->items[i];
    return NULL;
}

/* Checks made while constructing the cluster that validate.c cannot express: non-string
 * reserved-namespace values, non-object allowed resources (6.2). */
static int construct_checks(const nt_cluster *c, nt_buf *msg)
{
    for (size_t i = 0; i < c->n_reserved; i++)
        for (size_t j = 0; j < c->reserved[i].n; j++)
            if (!c->reserved[i].products[j].s) {
                nt_buf_adds(msg, "the value of the reserved namespace must be a string");
                return -1;
            }
    for (size_t i = 0; i < c->n_allowed; i++)
        for (size_t j = 0; j < c->allowed[i].n; j++) {
            const nt_resource *r = &c->allowed[i].items[j];
            if (!r->kind.s && !r->group.s) {
                nt_buf_addf(msg,
                            "the cluster information of %s must be an struct "
                            "'ClusterResourceInfo' type",
                            c->allowed[i].product);
                return -1;
            }
        }
    return 0;
}

/* The real server's message for a failed rule (6.1, 6.2). */
static void rule_message(const nt_cluster *c, nt_api_gen gen, const nt_diag_item *it, int *status,
                         const char **reason, nt_buf *msg)
{
    bool v04 = gen == NT_GEN_V04;
    const char *usage = c->f[NT_F_USAGE].s ? c->f[NT_F_USAGE].s : "";
    const char *type = c->f[NT_F_CLUSTER_TYPE].s ? c->f[NT_F_CLUSTER_TYPE].s : "";
    const char *wt = c->f[NT_F_WORKER_TYPE].s ? c->f[NT_F_WORKER_TYPE].s : "";
    char *host = NULL, *port = NULL;
    url_host(c->f[NT_F_API_SERVER].s, &host, &port);
    *status = 500;
    *reason = "";
    switch ((nt_rule)it->code) {
    case NT_RULE_API_SERVER_REQUIRED:
        *status = 400;
        *reason = "VALIDATOR";
        nt_buf_adds(msg, VALIDATOR_PREFIX "ApiServer: value length must be at least 1 runes");
        break;
    case NT_RULE_CLUSTER_KIND_REQUIRED:
        *status = 400;
        *reason = "VALIDATOR";
        nt_buf_adds(msg, VALIDATOR_PREFIX "ClusterKind: value length must be at least 1 runes");
        break;
    case NT_RULE_CLUSTER_TYPE_ENUM:
        *status = 400;
        *reason = "VALIDATOR";
        nt_buf_adds(msg, VALIDATOR_PREFIX "ClusterType: value must be in list [physical virtual]");
        break;
    case NT_RULE_USAGE_ENUM:
        *status = 400;
        *reason = "VALIDATOR";
        nt_buf_adds(msg, VALIDATOR_PREFIX "Usage: value must be in list [host worker]");
        break;
    case NT_RULE_API_SERVER_SCHEME:
        nt_buf_addf(msg, "the apiserver %s is not an https URL", c->f[NT_F_API_SERVER].s);
        break;
    case NT_RULE_VIRTUAL_WORKER_HOST:
        nt_buf_adds(msg, "the 'Host Cluster' for virtual cluster is required");
        break;
    case NT_RULE_WORKER_TYPE_REQUIRED:
        nt_buf_adds(msg, "when the cluster usage is 'worker', the 'WorkerType' field is required");
        break;
    case NT_RULE_TRAEFIK_REQUIRED:
        nt_buf_adds(msg, "traefik parameter is required when cluster type is 'Host Cluster' or "
                         "'Physical Runtime'");
        break;
    case NT_RULE_WORKER_TYPE_ENUM:
    case NT_RULE_KIND_COMBINATION:
        if (v04)
            nt_buf_addf(msg,
                        "failed to match component type [%s|%s|%s], please check if the cluster "
                        "%s is correct",
                        usage, type, wt, c->name);
        else
            nt_buf_adds(msg, "the cluster is null and cannot determine the type");
        break;
    case NT_RULE_HOST_NOT_VIRTUAL:
        nt_buf_addf(msg, CRD_PREFIX "host cluster can not be a %s cluster",
                    v04 ? "virtual" : "virautl");
        break;
    case NT_RULE_HOST_WORKER_TYPE:
        nt_buf_adds(msg, CRD_PREFIX "host cluster's work type should be empty");
        break;
    case NT_RULE_PHYSICAL_NO_HOST:
        nt_buf_adds(msg, CRD_PREFIX "host cluster can not belong to another host");
        break;
    case NT_RULE_VIRTUAL_NEEDS_HOST:
        nt_buf_adds(msg, CRD_PREFIX "virtual cluster must have a host");
        break;
    case NT_RULE_RESERVED_NAMESPACE: {
        /* validate.c quotes the namespace first: "reserved namespace 'NS' is not ..." */
        const char *q = strchr(it->msg, '\'');
        const char *e = q ? strchr(q + 1, '\'') : NULL;
        int n = q && e ? (int)(e - q - 1) : 0;
        if (v04)
            nt_buf_addf(msg, CRD_PREFIX "reserved namespace %.*s is not in component list", n,
                        q ? q + 1 : "");
        else
            nt_buf_addf(msg, CRD_PREFIX "namespace %.*s is not in compnent list", n,
                        q ? q + 1 : "");
        break;
    }
    case NT_RULE_RESERVED_VALUE:
        nt_buf_adds(msg, "the value of the reserved namespace must be a string");
        break;
    case NT_RULE_ALLOWED_RESOURCE:
        nt_buf_adds(msg, "failed to construct allowed cluster resources, err: the group and kind "
                         "of the cluster resource cannot be empty");
        break;
    case NT_RULE_COMPONENT_UNKNOWN: {
        const char *name = "", *cat = "";
        for (int k = 0; k < NT_C_COUNT; k++) {
            const nt_component *comp = c->comp[k];
            if (comp->declared && !comp->is_null && !empty(comp->name.s) &&
                !by_default_name(comp->name.s)) {
                name = comp->name.s;
                cat = nt_components[k].snake ? nt_components[k].snake : nt_components[k].camel;
                break;
            }
        }
        nt_buf_addf(msg, "failed to get %s component for the component type '%s'", name, cat);
        break;
    }
    case NT_RULE_KUBECONFIG_REQUIRED:
        nt_buf_adds(msg, "failed to save kubeconfig to secret store, err: register physical "
                         "cluster, kubeconfig is not empty");
        break;
    case NT_RULE_KUBECONFIG_INVALID:
        nt_buf_addf(msg,
                    "failed to save kubeconfig to secret store, err: failed to convert "
                    "kubeconfig: %s",
                    it->msg);
        break;
    case NT_RULE_VCLUSTER_PORT:
        nt_buf_addf(
            msg, "%saddress %s: missing port in address",
            v04 ? "" : "failed to automatically obtain vcluster host, err: ", host ? host : "");
        break;
    case NT_RULE_DEFAULT_NEEDS_IP: {
        bool tekton = !strncmp(it->msg, "tekton", 6);
        if (v04)
            nt_buf_addf(msg,
                        "validation of component list failed with errors: the value  of the "
                        "component matches incorrectly, meeting the following rule: %s",
                        HOST_RE);
        else
            nt_buf_addf(msg,
                        "%s host not filled in and automatic parse host cluster IP failed, err: "
                        "the host part of the URL %s is not a valid IP address",
                        tekton ? "tekton" : "argocd", c->f[NT_F_API_SERVER].s);
        break;
    }
    case NT_RULE_ADDITION_INVALID:
    default:
        nt_buf_addf(msg, CRD_PREFIX "%s", it->msg);
        break;
    }
    free(host);
    free(port);
}

/* v0.4 additions after defaults must match their patterns (3.2). */
static int check_additions(const nt_cluster *c, nt_buf *msg)
{
    static const struct {
        const char *comp, *key, *re;
    } defs[] = {{"traefik", "httpNodePort", PORT_RE},
                {"traefik", "httpsNodePort", PORT_RE},
                {"argocd", "host", HOST_RE},
                {"tekton", "host", HOST_RE}};
    for (int k = 0; k < NT_C_COUNT; k++) {
        const nt_component *comp = c->comp[k];
        if (!comp->declared || comp->is_null || empty(comp->name.s))
            continue;
        for (size_t d = 0; d < sizeof(defs) / sizeof(defs[0]); d++) {
            if (strcmp(comp->name.s, defs[d].comp))
                continue;
            nt_addition *a = nt_component_addition(comp, defs[d].key);
            const char *v = a && a->value.s ? a->value.s : "";
            if (!matches(defs[d].re, v)) {
                nt_buf_addf(msg,
                            "validation of component list failed with errors: the value %s of "
                            "the component matches incorrectly, meeting the following rule: %s",
                            v, defs[d].re);
                return -1;
            }
        }
    }
    return 0;
}

/* Server-side defaults (7.2) for generation gen. */
static int apply_defaults(nt_cluster *c, nt_api_gen gen, nt_buf *msg)
{
    char *host = NULL, *port = NULL;
    url_host(c->f[NT_F_API_SERVER].s, &host, &port);
    bool ip = is_ip(host);
    bool worker = nt_cluster_is_worker(c), virt = nt_cluster_is_virtual(c);
    bool pipe = c->f[NT_F_WORKER_TYPE].s && !strcmp(c->f[NT_F_WORKER_TYPE].s, "pipeline");
    int rc = -1;
    nt_buf b = NT_BUF_INIT;

    set_if_empty(c, NT_F_HOST_CLUSTER, "");
    set_if_empty(c, NT_F_WORKER_TYPE, "");
    if (empty(c->f[NT_F_PRIMARY_DOMAIN].s)) {
        if (ip)
            nt_buf_addf(&b, "%s.nip.io", host);
        else
            nt_buf_adds(&b, host ? host : "");
        nt_cluster_set_field(c, NT_F_PRIMARY_DOMAIN, nt_buf_str(&b), NT_POS_NONE);
    }
    nt_cluster_set_field(c, NT_F_KUBECONFIG, NULL,
                         NT_POS_NONE); /* kept in the kubeconfig store only */
    c->has_components = true;

    /* the vcluster port: the given one, else the api_server's (v0.3 pipeline workers always
     * take the api_server's) */
    if (virt && worker) {
        if (empty(c->f[NT_F_VCLUSTER_HTTPS_NODE_PORT].s) || (gen == NT_GEN_V03 && pipe))
            nt_cluster_set_field(c, NT_F_VCLUSTER_HTTPS_NODE_PORT, port ? port : "", NT_POS_NONE);
    } else {
        nt_cluster_set_field(c, NT_F_VCLUSTER_HTTPS_NODE_PORT, NULL, NT_POS_NONE);
        c->has_vcluster = false;
    }

    if (gen == NT_GEN_V03) {
        for (int k = 0; k < NT_C_COUNT; k++) {
            if (nt_components[k].flags & NT_COMP_V03)
                fill_component(c, (nt_component_kind)k);
            else
                nt_cluster_drop_component(c, (nt_component_kind)k);
        }
        for (int k = 0; k < NT_C_COUNT; k++) {
            if (!c->comp[k]->declared)
                continue;
            nt_component *comp = nt_cluster_component(c, (nt_component_kind)k);
            nt_component_clear_additions(comp);
            comp->additions_declared = false;
        }
        c->has_reserved = c->has_allowed = true;
        if (nt_cluster_is_physical(c)) {
            set_if_empty(c, NT_F_TRAEFIK_HTTP_NODE_PORT, "");
            set_if_empty(c, NT_F_TRAEFIK_HTTPS_NODE_PORT, "");
        } else {
            nt_cluster_set_field(c, NT_F_TRAEFIK_HTTP_NODE_PORT, NULL, NT_POS_NONE);
            nt_cluster_set_field(c, NT_F_TRAEFIK_HTTPS_NODE_PORT, NULL, NT_POS_NONE);
            c->has_traefik = false;
        }
        if (worker) {
            nt_buf_reset(&b);
            nt_buf_addf(&b, "argocd.%s.%s.nip.io", c->name, host ? host : "");
            set_if_empty(c, NT_F_ARGOCD_HOST, nt_buf_str(&b));
        } else {
            nt_cluster_set_field(c, NT_F_ARGOCD_HOST, NULL, NT_POS_NONE);
        }
        if (worker && pipe) {
            nt_buf_reset(&b);
            nt_buf_addf(&b, "tekton.%s.%s.nip.io", c->name, host ? host : "");
            set_if_empty(c, NT_F_TEKTON_HOST, nt_buf_str(&b));
        } else {
            nt_cluster_set_field(c, NT_F_TEKTON_HOST, NULL, NT_POS_NONE);
        }
    } else {
        /* the seed's fields are unknown keys to v0.4: dropped */
        nt_cluster_set_field(c, NT_F_TRAEFIK_HTTP_NODE_PORT, NULL, NT_POS_NONE);
        nt_cluster_set_field(c, NT_F_TRAEFIK_HTTPS_NODE_PORT, NULL, NT_POS_NONE);
        nt_cluster_set_field(c, NT_F_ARGOCD_HOST, NULL, NT_POS_NONE);
        nt_cluster_set_field(c, NT_F_TEKTON_HOST, NULL, NT_POS_NONE);
        c->has_traefik = false;
        for (int k = 0; k < NT_C_COUNT; k++) {
            if (v04_applies(c, (nt_component_kind)k))
                fill_component(c, (nt_component_kind)k);
            else
                nt_cluster_drop_component(c, (nt_component_kind)k);
        }
        for (int k = 0; k < NT_C_COUNT; k++) {
            if (!c->comp[k]->declared || empty(c->comp[k]->name.s))
                continue;
            nt_component *comp = nt_cluster_component(c, (nt_component_kind)k);
            nt_buf_reset(&b);
            if (!strcmp(comp->name.s, "traefik")) {
                default_addition(comp, "httpNodePort", "30080");
                default_addition(comp, "httpsNodePort", "30443");
            } else if (!strcmp(comp->name.s, "argocd") || !strcmp(comp->name.s, "tekton")) {
                if (ip)
                    nt_buf_addf(&b, "%s.%s.%s.nip.io", comp->name.s, c->name, host);
                default_addition(comp, "host", nt_buf_str(&b));
            }
        }
        if (check_additions(c, msg) < 0)
            goto done;
        /* the seed fields, as the additions show them (the reader finds them there too) */
        nt_addition *a;
        if ((a = nt_component_addition(c->comp[NT_C_GATEWAY], "httpNodePort")))
            nt_cluster_set_field(c, NT_F_TRAEFIK_HTTP_NODE_PORT, a->value.s, NT_POS_NONE);
        if ((a = nt_component_addition(c->comp[NT_C_GATEWAY], "httpsNodePort")))
            nt_cluster_set_field(c, NT_F_TRAEFIK_HTTPS_NODE_PORT, a->value.s, NT_POS_NONE);
        if (worker && (a = nt_component_addition(c->comp[NT_C_DEPLOYMENT], "host")))
            nt_cluster_set_field(c, NT_F_ARGOCD_HOST, a->value.s, NT_POS_NONE);
        if (worker && pipe && (a = nt_component_addition(c->comp[NT_C_PIPELINE], "host")))
            nt_cluster_set_field(c, NT_F_TEKTON_HOST, a->value.s, NT_POS_NONE);
    }
    rc = 0;
done:
    nt_buf_free(&b);
    free(host);
    free(port);
    return rc;
}

int ds_rules_save(nt_cluster *c, nt_api_gen gen, bool empty_body, int *status, const char **reason,
                  nt_buf *msg)
{
    *status = 500;
    *reason = "";
    if (empty_body) {
        /* the body message stays nil: no proto rules, the service sees an empty api_server */
        nt_buf_adds(msg, "the apiserver  is not an https URL");
        return -1;
    }
    nt_diag d = NT_DIAG_INIT;
    int rc = -1;
    nt_validate_opts o = {gen, true};
    nt_validate_cluster(c, &o, &d);
    const nt_diag_item *it = first_error(&d);
    /* order: proto rules, service rules, construction, then the CRD's static rules */
    if (it && it->code >= NT_RULE_API_SERVER_REQUIRED && it->code <= NT_RULE_TRAEFIK_REQUIRED) {
        rule_message(c, gen, it, status, reason, msg);
        goto done;
    }
    if (construct_checks(c, msg) < 0)
        goto done;
    if (it && it->code == NT_RULE_KIND_COMBINATION && gen == NT_GEN_V03) {
        /* v0.3 finds the kind only while rendering, after the static checks */
        const nt_diag_item *crd =
            find_code(&d, NT_RULE_HOST_NOT_VIRTUAL, NT_RULE_VIRTUAL_NEEDS_HOST);
        if (crd)
            it = crd;
    }
    if (it) {
        rule_message(c, gen, it, status, reason, msg);
        goto done;
    }
    if (apply_defaults(c, gen, msg) < 0)
        goto done;
    rc = 0;
done:
    nt_diag_free(&d);
    return rc;
}

static bool dir_exists(const char *root, const char *rel)
{
    nt_buf p = NT_BUF_INIT;
    nt_buf_addf(&p, "%s/%s", root, rel);
    struct stat st;
    bool ok = stat(nt_buf_str(&p), &st) == 0 && S_ISDIR(st.st_mode);
    nt_buf_free(&p);
    return ok;
}

int ds_rules_host(ds_server *s, const nt_cluster *c, nt_buf *msg)
{
    const char *h = c->f[NT_F_HOST_CLUSTER].s;
    if (!nt_cluster_is_virtual(c) || empty(h))
        return 0;
    const nt_cluster *hc = nt_cluster_set_find(s->clusters, h);
    if (s->gen == NT_GEN_V04) {
        if (!hc) {
            nt_buf_addf(msg, "failed to get host cluster, err: cluster %s is not found", h);
            return -1;
        }
        return 0;
    }
    if (!hc) {
        nt_buf_addf(msg, "the host cluster %s is invalid or does not exist", h);
        return -1;
    }
    const char *wt = c->f[NT_F_WORKER_TYPE].s;
    nt_buf rel = NT_BUF_INIT;
    nt_buf_addf(&rel, "host-clusters/%s", h);
    bool ok = dir_exists(s->repo, nt_buf_str(&rel));
    nt_buf_free(&rel);
    if (wt && !strcmp(wt, "deployment") && !ok) {
        nt_buf_adds(msg, "the specified host cluster for this virtual cluster does not exist");
        return -1;
    }
    return 0;
}

int ds_rules_delete(ds_server *s, const nt_cluster *stored, nt_buf *msg)
{
    nt_buf refs = NT_BUF_INIT;
    const char *first = NULL;
    for (size_t i = 0; i < s->clusters->n; i++) {
        const nt_cluster *o = s->clusters->items[i];
        const char *h = o->f[NT_F_HOST_CLUSTER].s;
        if (o != stored && h && !strcmp(h, stored->name)) {
            nt_buf_addf(&refs, "%scluster/%s", refs.len ? "|" : "", o->name);
            if (!first)
                first = o->name;
        }
    }
    int rc = 0;
    if (s->gen == NT_GEN_V04) {
        if (first && nt_cluster_is_host(stored)) {
            nt_buf_addf(msg, "failed to remove cluster %s, this cluster is referenced by %s",
                        stored->name, first);
            rc = -1;
        }
    } else if (first) {
        nt_buf_addf(msg, CRD_PREFIX "cluster referenced by [%s], not allowed to be deleted",
                    nt_buf_str(&refs));
        rc = -1;
    } else if (nt_cluster_is_host(stored)) {
        nt_buf rel = NT_BUF_INIT;
        nt_buf_addf(&rel, "host-clusters/%s/vclusters", stored->name);
        if (dir_exists(s->repo, nt_buf_str(&rel))) {
            nt_buf_addf(msg,
                        "unable to delete cluster %s because the host cluster is referenced by "
                        "other virtual cluster",
                        stored->name);
            rc = -1;
        }
        nt_buf_free(&rel);
    }
    nt_buf_free(&refs);
    return rc;
}
