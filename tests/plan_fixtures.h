/* plan_fixtures.h — desired sets from YAML text (the real loader) and observed sets from the
 * JSON a v0.3 or v0.4 API Server returns (the real list parser), for the plan tests. */
#ifndef NT_TEST_PLAN_FIXTURES_H
#define NT_TEST_PLAN_FIXTURES_H

#include "core/base/alloc.h"
#include "core/observe/api_json.h"
#include "core/load/load.h"
#include "core/plan/plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KC                                                                                         \
    "    kubeconfig: |\n"                                                                          \
    "      apiVersion: v1\n"                                                                       \
    "      clusters: [{name: c, cluster: {server: 'https://1.2.3.4:6443'}}]\n"                     \
    "      users: [{name: u, user: {token: SECRET-KUBE-TOKEN}}]\n"

static inline nt_cluster_set *fx_load(const char *yaml)
{
    nt_cluster_set *set = nt_cluster_set_new();
    nt_diag d = NT_DIAG_INIT;
    if (nt_load_buffer(set, "test.yaml", yaml, strlen(yaml), NT_LOAD_NO_ENV, &d) < 0) {
        nt_buf b = NT_BUF_INIT;
        nt_diag_format(&d, &b, false);
        fprintf(stderr, "fixture does not load:\n%s", nt_buf_str(&b));
        nt_buf_free(&b);
        abort();
    }
    nt_diag_free(&d);
    return set;
}

/* One cluster as the server returns it, with the server's defaults for its kind. */
typedef struct fx_obs {
    const char *name, *type, *usage, *wt, *host, *api, *pd;
    const char *argocd, *tekton, *http, *https; /* v0.4 additions (defaults when NULL) */
    const char *maps; /* the two maps' JSON, e.g. "\"reserved_...\":{...},\"product_...\":{}" */
} fx_obs;

static inline void fx_comp(nt_buf *b, const char *key, const char *name, const char *ns,
                           const char *additions, bool last)
{
    if (name)
        nt_buf_addf(b, "\"%s\":{\"name\":\"%s\",\"namespace\":\"%s\"%s%s%s}", key, name, ns,
                    additions ? ",\"additions\":{" : "", additions ? additions : "",
                    additions ? "}" : "");
    else
        nt_buf_addf(b, "\"%s\":null", key);
    if (!last)
        nt_buf_addc(b, ',');
}

static inline void fx_item(nt_buf *b, nt_api_gen gen, const fx_obs *o)
{
    bool host = !strcmp(o->usage, "host");
    bool virt = !strcmp(o->type, "virtual");
    bool pipe = o->wt && !strcmp(o->wt, "pipeline");
    nt_buf_addf(b,
                "{\"name\":\"%s\",\"cluster_kind\":\"kubernetes\",\"cluster_type\":\"%s\","
                "\"usage\":\"%s\",\"host_cluster\":\"%s\",\"primary_domain\":\"%s\","
                "\"worker_type\":\"%s\",\"api_server\":\"%s\",\"components_list\":{",
                o->name, o->type, o->usage, o->host ? o->host : "", o->pd ? o->pd : "",
                o->wt ? o->wt : "", o->api);
    if (gen == NT_GEN_V04) {
        nt_buf gw = NT_BUF_INIT, dep = NT_BUF_INIT, tk = NT_BUF_INIT;
        nt_buf_addf(&gw, "\"httpNodePort\":\"%s\",\"httpsNodePort\":\"%s\"",
                    o->http ? o->http : "30080", o->https ? o->https : "30443");
        nt_buf_addf(&dep, "\"host\":\"%s\"", o->argocd ? o->argocd : "argocd.default.nip.io");
        nt_buf_addf(&tk, "\"host\":\"%s\"", o->tekton ? o->tekton : "tekton.default.nip.io");
        bool worker = !host;
        fx_comp(b, "multi_tenant", worker ? "hnc" : NULL, "hnc-system", NULL, false);
        fx_comp(b, "secret_sync", worker ? "external-secrets" : NULL, "external-secrets", NULL,
                false);
        fx_comp(b, "gateway", (!virt || pipe) ? "traefik" : NULL, "traefik", nt_buf_str(&gw),
                false);
        fx_comp(b, "deployment", worker ? "argocd" : NULL, "argocd", nt_buf_str(&dep), false);
        fx_comp(b, "progressive_delivery", worker && !pipe ? "argo-rollouts" : NULL,
                "argo-rollouts", NULL, false);
        fx_comp(b, "pipeline", pipe ? "tekton" : NULL, "tekton-pipelines", nt_buf_str(&tk), false);
        fx_comp(b, "event_listener", NULL, "argo-events", NULL, true);
        nt_buf_free(&gw);
        nt_buf_free(&dep);
        nt_buf_free(&tk);
    } else {
        fx_comp(b, "multi_tenant", "hnc", "hnc-system", NULL, false);
        fx_comp(b, "cert_mgt", "cert-manager", "cert-manager", NULL, false);
        fx_comp(b, "secret_mgt", "vault", "vault", NULL, false);
        fx_comp(b, "secret_sync", "external-secrets", "external-secrets", NULL, false);
        fx_comp(b, "ingress_controller", "traefik", "traefik", NULL, false);
        fx_comp(b, "deployment", "argocd", "argocd", NULL, false);
        fx_comp(b, "progressive_delivery", "argo-rollouts", "argo-rollouts", NULL, false);
        fx_comp(b, "pipeline", "tekton", "tekton-pipelines", NULL, false);
        fx_comp(b, "event_listener", "argo-events", "argo-events", NULL, true);
    }
    nt_buf_addf(b, "},%s}",
                o->maps ? o->maps
                        : "\"reserved_namespaces_allowed_products\":{},"
                          "\"product_allowed_cluster_resources\":{}");
}

static inline nt_cluster_set *fx_observe(nt_api_gen gen, const fx_obs *items, size_t n)
{
    nt_buf b = NT_BUF_INIT;
    nt_buf_adds(&b, "{\"items\":[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            nt_buf_addc(&b, ',');
        fx_item(&b, gen, &items[i]);
    }
    nt_buf_adds(&b, "]}");
    nt_cluster_set *set = NULL;
    nt_diag d = NT_DIAG_INIT;
    if (nt_api_list_parse(nt_buf_str(&b), b.len, &set, &d) < 0) {
        fprintf(stderr, "fixture list does not parse: %s\n", d.n ? d.items[0].msg : "?");
        abort();
    }
    if (n == 0)
        set->gen = gen;
    set->source = nt_xstrdup("api http://127.0.0.1:8000");
    nt_diag_free(&d);
    nt_buf_free(&b);
    return set;
}

#define FX_HOST(nm)                                                                                \
    {                                                                                              \
        nm, "physical", "host", NULL, NULL, "https://10.0.0.1:6443", "10.0.0.1.nip.io", NULL,      \
            NULL, NULL, NULL, NULL                                                                 \
    }
#define FX_VIRT(nm, host, port)                                                                    \
    {                                                                                              \
        nm, "virtual", "worker", "deployment", host, "https://10.0.0.1:" port, "10.0.0.1.nip.io",  \
            NULL, NULL, NULL, NULL, NULL                                                           \
    }

/* Desired YAML for a host and a virtual worker on it, matching FX_HOST / FX_VIRT. */
#define Y_HOST(nm)                                                                                 \
    "  - name: " nm "\n"                                                                           \
    "    api_server: https://10.0.0.1:6443\n"                                                      \
    "    cluster_type: physical\n"                                                                 \
    "    usage: host\n"                                                                            \
    "    traefik: {http_node_port: 30080, https_node_port: \"30443\"}\n" KC
#define Y_VIRT(nm, host, port)                                                                     \
    "  - name: " nm "\n"                                                                           \
    "    api_server: https://10.0.0.1:" port "\n"                                                  \
    "    cluster_type: virtual\n"                                                                  \
    "    usage: worker\n"                                                                          \
    "    worker_type: deployment\n"                                                                \
    "    host_cluster: " host "\n"                                                                 \
    "    vcluster: {https_node_port: \"" port "\"}\n"

static inline nt_plan *fx_plan(const nt_cluster_set *desired, const nt_cluster_set *actual,
                               const nt_plan_opts *opts, nt_diag *d)
{
    nt_plan_opts o = opts ? *opts : (nt_plan_opts){0};
    o.skip_validation = true;
    nt_plan *p = NULL;
    nt_plan_build(&p, desired, actual, &o, d);
    return p;
}

static inline const nt_action *fx_action(const nt_plan *p, const char *name)
{
    for (size_t i = 0; i < p->n_actions; i++)
        if (!strcmp(p->actions[i].cluster, name))
            return &p->actions[i];
    return NULL;
}

static inline const nt_change *fx_change(const nt_action *a, const char *path)
{
    for (size_t i = 0; a && i < a->n_changes; i++)
        if (!strcmp(a->changes[i].path, path))
            return &a->changes[i];
    return NULL;
}

/* "DELETE v1, DELETE h, POST h, POST v1" */
static inline char *fx_ops(const nt_plan *p)
{
    nt_buf b = NT_BUF_INIT;
    for (size_t i = 0; i < p->n_ops; i++)
        nt_buf_addf(&b, "%s%s %s", i ? ", " : "",
                    p->ops[i].kind == NT_OP_DELETE ? "DELETE" : "POST",
                    p->actions[p->ops[i].action].cluster);
    return nt_buf_detach(&b);
}

/* The state of one plan test (cmocka setup/teardown): the sets it loads or observes, the
 * diagnostics of every plan it builds, and its plans. fx_case_teardown frees all of it, so a
 * test body holds only its scenario and its assertions, and ASan still catches what the code
 * under test leaks. */
typedef struct fx_case {
    nt_cluster_set *want, *have; /* the desired and the observed set */
    nt_cluster_set *sets[4];     /* further sets a case compares */
    nt_diag d;                   /* the diagnostics of every plan of the case */
    nt_plan *p;                  /* the plan of fx_case_plan */
    nt_plan *plans[3];           /* plans a case keeps side by side */
} fx_case;

static inline int fx_case_setup(void **state)
{
    fx_case *c = calloc(1, sizeof(*c));
    *state = c;
    return c ? 0 : -1;
}

static inline int fx_case_teardown(void **state)
{
    fx_case *c = *state;
    nt_plan_free(c->p);
    for (size_t i = 0; i < sizeof(c->plans) / sizeof(c->plans[0]); i++)
        nt_plan_free(c->plans[i]);
    nt_cluster_set_free(c->want);
    nt_cluster_set_free(c->have);
    for (size_t i = 0; i < sizeof(c->sets) / sizeof(c->sets[0]); i++)
        nt_cluster_set_free(c->sets[i]);
    nt_diag_free(&c->d);
    free(c);
    return 0;
}

/* fx_plan into c->p, with the case's diagnostics; frees the plan it replaces. */
static inline nt_plan *fx_case_plan(fx_case *c, const nt_cluster_set *desired,
                                    const nt_cluster_set *actual, const nt_plan_opts *opts)
{
    nt_plan_free(c->p);
    c->p = fx_plan(desired, actual, opts, &c->d);
    return c->p;
}

static inline bool fx_has_diag(const nt_diag *d, nt_severity sev, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->items[i].sev == sev && strstr(d->items[i].msg, needle))
            return true;
    return false;
}

#endif
