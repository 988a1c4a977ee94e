/* apply.c — the plan executor on libcurl's multi interface (see apply.h). */
#include "core/apply/apply.h"

#include "core/apply/schedule.h"
#include "core/base/alloc.h"
#include "core/base/clock.h"
#include "core/observe/api_error.h"
#include "core/observe/api_json.h"
#include "core/base/escape.h"
#include "core/base/redact.h"
#include "core/base/retry.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Longest single wait in the loop, so that an interrupt is noticed promptly. */
#define NT_POLL_MAX_MS 100

/* The scheduler (schedule.h) holds each op's place: pending, in flight, done. */
typedef struct op_state {
    nt_http_req req;
    long long first_ms; /* start of the first attempt; 0: never started */
    bool lost_before;   /* an earlier attempt may have been carried out */
    unsigned retries_used;
    unsigned collisions; /* same-second collisions retried (not in retries_used) */
    bool collided;       /* the retry waiting is after a collision */
    nt_sched_wait said;  /* the last wait reported (--verbose) */
    size_t said_dep;
    long long waited_ms; /* waits before retries so far (bounded by --timeout, retry.h) */
    unsigned prune_waits;
    long long prune_deadline; /* 0: not waiting for a prune */
    char *body;               /* SAVE body, built once (may hold the kubeconfig) */
    char *path;               /* path + query */
    char *display_path;       /* path without the query, for messages */
    char *last_error;
} op_state;

typedef struct runner {
    const nt_http_config *cfg;
    const nt_plan *plan;
    const nt_apply_opts *o;
    nt_apply_report *rep;
    op_state *st;
    nt_sched sched;
    CURLM *multi;
    long long t0;
    nt_rng rng;
    nt_secrets secrets; /* every kubeconfig the plan sends, redacted from every message */
    bool have_secrets;  /* secrets is built at the first failed answer */
} runner;

static double uniform(runner *r)
{
    return nt_rng_uniform(&r->rng);
}

static const nt_action *op_action(const nt_plan *plan, size_t i)
{
    return &plan->actions[plan->ops[i].action];
}

static const char *op_method(const nt_plan *plan, size_t i)
{
    return plan->ops[i].kind == NT_OP_DELETE ? "DELETE" : "POST";
}

static bool interrupted(const runner *r)
{
    return r->o->interrupted && *r->o->interrupted;
}

static bool in_flight(const runner *r, size_t i)
{
    return r->sched.ops[i].state == NT_SCHED_RUNNING;
}

/* Answered, and a retry is waiting for its time or its start slot. */
static bool retry_waiting(const runner *r, size_t i)
{
    return r->sched.ops[i].state == NT_SCHED_PENDING && r->st[i].first_ms != 0;
}

static void emit(runner *r, nt_apply_event ev, size_t i, const char *detail)
{
    if (!r->o->progress)
        return;
    double el = 0;
    if (r->st[i].first_ms)
        el = (double)(nt_now_ms() - r->st[i].first_ms) / 1000.0;
    r->o->progress(r->o->progress_ctx, ev, r->plan, r->rep, i, el, detail);
}

static void finish(runner *r, size_t i, nt_op_status status)
{
    op_state *s = &r->st[i];
    nt_op_result *res = &r->rep->ops[i];
    res->status = status;
    res->duration = s->first_ms ? (double)(nt_now_ms() - s->first_ms) / 1000.0 : 0;
    if (in_flight(r, i) || r->sched.ops[i].state == NT_SCHED_PENDING)
        nt_sched_answered(&r->sched, i, status == NT_OPST_OK ? NT_SCHED_OK : NT_SCHED_DONE, 0);
    if (s->body) {
        nt_api_body_free(s->body);
        s->body = NULL;
    }
    emit(r, NT_APPLY_EV_FINISHED, i, NULL);
    if (status != NT_OPST_FAILED)
        return;
    /* Ops are in topological order: every dependent comes later, so one forward pass
     * reaches the whole transitive closure. */
    for (size_t j = i + 1; j < r->plan->n_ops; j++) {
        if (r->rep->ops[j].status != NT_OPST_NOT_STARTED || r->st[j].first_ms)
            continue;
        const nt_op *op = &r->plan->ops[j];
        for (size_t k = 0; k < op->n_deps; k++) {
            size_t d = op->deps[k];
            nt_op_result *dr = &r->rep->ops[d];
            if ((d == i) || (dr->status == NT_OPST_SKIPPED && dr->cause == i)) {
                r->rep->ops[j].status = NT_OPST_SKIPPED;
                r->rep->ops[j].cause = i;
                nt_sched_drop(&r->sched, j);
                emit(r, NT_APPLY_EV_FINISHED, j, NULL);
                break;
            }
        }
    }
}

/* A host delete refused as "referenced" while a virtual cluster it depends on was deleted by
 * this apply: the reference is pruned asynchronously on v0.3 servers (docs/api-server.md §6.3). */
static bool deleted_a_dependency(const runner *r, size_t i)
{
    const nt_op *op = &r->plan->ops[i];
    for (size_t k = 0; k < op->n_deps; k++) {
        size_t d = op->deps[k];
        if (r->plan->ops[d].kind == NT_OP_DELETE && r->rep->ops[d].status == NT_OPST_OK)
            return true;
    }
    return false;
}

static int start_attempt(runner *r, size_t i, nt_diag *diag)
{
    op_state *s = &r->st[i];
    const nt_action *a = op_action(r->plan, i);
    if (!s->path) {
        nt_buf p = NT_BUF_INIT;
        char *esc = curl_easy_escape(NULL, a->cluster, 0);
        nt_buf_addf(&p, "/api/v1/clusters/%s", esc ? esc : a->cluster);
        curl_free(esc);
        s->display_path = nt_xstrdup(nt_buf_str(&p));
        if (r->o->insecure_skip_check)
            nt_buf_adds(&p, "?insecure_skip_check=true");
        s->path = nt_buf_detach(&p);
    }
    if (r->plan->ops[i].kind == NT_OP_SAVE && !s->body) {
        if (!a->desired)
            return nt_diag_add(diag, NT_SEV_ERROR, NT_POS_NONE, a->cluster,
                               "internal error: a save without a desired cluster");
        s->body = nt_api_body_build(a->desired);
    }
    if (nt_http_req_init(&s->req, r->cfg, op_method(r->plan, i), s->path, s->body, diag) != 0)
        return -1;
    if (curl_multi_add_handle(r->multi, s->req.easy) != CURLM_OK) {
        nt_http_req_cleanup(&s->req);
        return nt_diag_error(diag, "libcurl refused a transfer");
    }
    long long now = nt_now_ms();
    bool collided = s->collided;
    s->collided = false;
    nt_sched_started(&r->sched, i, now);
    r->rep->ops[i].attempts++;
    s->said = NT_SCHED_WAIT_NONE;
    if (!s->first_ms) {
        s->first_ms = now;
        emit(r, NT_APPLY_EV_STARTED, i, NULL);
    } else if (collided) {
        r->rep->collisions++;
    } else {
        r->rep->retries++;
    }
    return 0;
}

/* The request of op i was answered (or failed) and is to be sent again after delay_ms. */
static void schedule_retry(runner *r, size_t i, long long delay_ms, long long retry_after,
                           const char *why)
{
    /* the line states the real wait: the backoff, or longer when the start interval since a
     * request still in flight holds the retry back */
    long long now = nt_now_ms(), at = now + delay_ms;
    nt_sched_answered(&r->sched, i, NT_SCHED_PENDING, at); /* no longer in flight */
    long long slot = nt_sched_slot(&r->sched);             /* so: the others' starts only */
    bool held = slot > at;
    if (held) {
        at = slot;
        nt_sched_answered(&r->sched, i, NT_SCHED_PENDING, at);
    }
    nt_buf d = NT_BUF_INIT;
    nt_buf_adds(&d, why);
    if (retry_after > 0)
        nt_buf_addf(&d, "; the server asked to wait %lld s (Retry-After)", retry_after);
    nt_buf_addf(&d, "; retrying in %.1fs", (double)(at - now) / 1000.0);
    if (held)
        nt_buf_adds(&d, " (the next start slot)");
    emit(r, NT_APPLY_EV_RETRY, i, nt_buf_str(&d));
    nt_buf_free(&d);
}

static void fail(runner *r, size_t i, const char *msg)
{
    nt_op_result *res = &r->rep->ops[i];
    free(res->error);
    res->error = nt_xstrdup(msg);
    finish(r, i, NT_OPST_FAILED);
}

static void attempt_done(runner *r, size_t i, CURLcode cc)
{
    op_state *s = &r->st[i];
    const nt_action *a = op_action(r->plan, i);
    const nt_op *op = &r->plan->ops[i];
    nt_api_response resp;
    nt_api_error err;
    long long retry_after = 0;
    nt_buf msg = NT_BUF_INIT;

    nt_http_req_done(&s->req, cc, &resp, &retry_after);
    if (!r->have_secrets && (resp.curl_code || resp.status < 200 || resp.status >= 300)) {
        /* a server may quote any request in any answer: every kubeconfig, from every one */
        for (size_t k = 0; k < r->plan->n_ops; k++) {
            const nt_action *ka = op_action(r->plan, k);
            if (r->plan->ops[k].kind == NT_OP_SAVE && ka->desired)
                nt_secrets_add_kubeconfig(&r->secrets, ka->desired->f[NT_F_KUBECONFIG].s);
        }
        r->have_secrets = true;
    }
    resp.secrets = &r->secrets;
    nt_api_error_classify(&resp, r->cfg->token, &err);
    nt_api_success_check(&resp, r->cfg->token, &err); /* a 2xx that is not "Successfully ..." */
    if (err.kind != NT_APIERR_NONE)
        nt_api_error_format(&err, a->cluster, op_method(r->plan, i), s->display_path, resp.status,
                            &msg);
    curl_multi_remove_handle(r->multi, s->req.easy);

    if (err.kind == NT_APIERR_NONE) {
        finish(r, i, NT_OPST_OK);
    } else if (op->kind == NT_OP_DELETE && err.not_found && s->lost_before) {
        /* the earlier attempt was carried out but its answer was lost (docs/api-server.md §10) */
        r->rep->ops[i].already_gone = true;
        finish(r, i, NT_OPST_OK);
    } else if (op->kind == NT_OP_DELETE && err.referenced && r->o->wait_prune_sec > 0 &&
               deleted_a_dependency(r, i)) {
        long long now = nt_now_ms();
        if (!s->prune_deadline)
            s->prune_deadline = now + r->o->wait_prune_sec * 1000LL;
        long long delay = nt_retry_backoff_ms(++s->prune_waits, r->o->retry_base_ms,
                                              r->o->retry_cap_ms, retry_after, uniform(r));
        if (delay <= s->prune_deadline - now) {
            schedule_retry(r, i, delay, retry_after, nt_buf_str(&msg));
        } else {
            nt_buf_addf(&msg, " (still referenced after waiting %ld s: --wait-prune)",
                        r->o->wait_prune_sec);
            fail(r, i, nt_buf_str(&msg));
        }
    } else if (err.collision && s->collisions < NT_APPLY_COLLISIONS_MAX && !interrupted(r)) {
        /* another request cloned in the same second: not the server failing. Again after the
         * start interval (a second when it is off), not counted against --retries; past
         * NT_APPLY_COLLISIONS_MAX a collision counts as any transient failure */
        s->collisions++;
        s->collided = true;
        long long delay = r->o->start_interval_ms > 0 ? r->o->start_interval_ms : 1000;
        nt_buf_adds(&msg, " (a request started in the same second: not counted as a retry)");
        schedule_retry(r, i, delay, 0, nt_buf_str(&msg));
    } else if (err.retryable && (long)s->retries_used < r->o->retries && !interrupted(r)) {
        /* the waits of one op share the --timeout budget (retry.h) */
        long long left = r->cfg->timeout_sec > 0 ? r->cfg->timeout_sec * 1000LL - s->waited_ms : -1;
        long long delay = 0;
        nt_buf why = NT_BUF_INIT;
        if (nt_retry_next(s->retries_used + 1, r->o->retry_base_ms, r->o->retry_cap_ms, retry_after,
                          left, uniform(r), &delay, &why)) {
            s->retries_used++;
            s->waited_ms += delay;
            schedule_retry(r, i, delay, retry_after, nt_buf_str(&msg));
        } else {
            nt_buf_addf(&msg, " (not retried: %s)", nt_buf_str(&why));
            fail(r, i, nt_buf_str(&msg));
        }
        nt_buf_free(&why);
    } else {
        if (err.retryable && !interrupted(r) &&
            (s->collisions || (r->o->retries > 0 && s->retries_used >= (unsigned)r->o->retries))) {
            nt_buf_addf(&msg, " (gave up after %u attempts", r->rep->ops[i].attempts);
            if (s->collisions)
                nt_buf_addf(&msg,
                            ", %u of them after a same-second collision: raise "
                            "--start-interval",
                            s->collisions);
            nt_buf_adds(&msg, ")");
        }
        fail(r, i, nt_buf_str(&msg));
    }
    if (err.lost)
        s->lost_before = true;
    if (retry_waiting(r, i)) {
        free(s->last_error);
        s->last_error = nt_buf_detach(&msg);
    }
    nt_api_error_free(&err);
    nt_buf_free(&msg);
    nt_http_req_cleanup(&s->req);
}

/* Start what may start now (schedule.h); returns -1 when the executor itself failed. */
static int launch(runner *r, nt_diag *diag)
{
    size_t i;
    while ((i = nt_sched_pick(&r->sched, nt_now_ms())) != (size_t)-1)
        if (start_attempt(r, i, diag) != 0)
            return -1;
    return 0;
}

/* Milliseconds until something may start without an answer first, or -1. */
static long next_wake(runner *r)
{
    long long now = nt_now_ms(), t = nt_sched_wake(&r->sched, now);
    return t < 0 ? -1 : (long)(t - now);
}

/* With --verbose (opts.report_waits): say once what each op that could be next waits for,
 * and again when that changes ("waiting for the next start slot", "waiting for its host NAME"). */
static void report_waits(runner *r)
{
    if (!r->o->report_waits || !r->o->progress)
        return;
    long long now = nt_now_ms();
    for (size_t i = r->sched.first_pending; i < r->plan->n_ops; i++) {
        op_state *s = &r->st[i];
        if (r->sched.ops[i].state != NT_SCHED_PENDING)
            continue;
        size_t dep = 0;
        nt_sched_wait w = nt_sched_why(&r->sched, i, now, &dep);
        if (w == NT_SCHED_WAIT_NONE || w == NT_SCHED_WAIT_BLOCKED ||
            (w == s->said && (w != NT_SCHED_WAIT_DEPENDENCY || dep == s->said_dep)))
            continue;
        s->said = w;
        s->said_dep = dep;
        nt_buf d = NT_BUF_INIT;
        nt_apply_describe_wait(r->plan, i, w, dep, r->o->parallelism, &d);
        emit(r, NT_APPLY_EV_WAITING, i, nt_buf_str(&d));
        nt_buf_free(&d);
    }
}

static void count(const nt_plan *plan, nt_apply_report *rep)
{
    for (size_t i = 0; i < rep->n_ops; i++) {
        switch (rep->ops[i].status) {
        case NT_OPST_OK:
            rep->n_ok++;
            break;
        case NT_OPST_FAILED:
            rep->n_failed++;
            break;
        case NT_OPST_SKIPPED:
            rep->n_skipped++;
            break;
        default:
            rep->n_not_started++;
        }
    }
    for (size_t a = 0; a < plan->n_actions; a++) {
        size_t n = 0, ok = 0;
        for (size_t i = 0; i < plan->n_ops; i++) {
            if (plan->ops[i].action != a)
                continue;
            n++;
            ok += rep->ops[i].status == NT_OPST_OK;
        }
        if (n && ok != n && plan->actions[a].kind == NT_ACT_REPLACE) {
            /* a replace stopped after its DELETE (a failed or interrupted save): the cluster
             * is gone, and the summary says so */
            for (size_t i = 0; i < plan->n_ops; i++)
                if (plan->ops[i].action == a && plan->ops[i].kind == NT_OP_DELETE &&
                    rep->ops[i].status == NT_OPST_OK)
                    rep->n_deleted++;
        }
        if (!n || ok != n)
            continue;
        switch (plan->actions[a].kind) {
        case NT_ACT_CREATE:
            rep->n_created++;
            break;
        case NT_ACT_REPLACE:
            rep->n_replaced++;
            break;
        case NT_ACT_DELETE:
            rep->n_deleted++;
            break;
        default: /* update, and a no-op saved by --force-update */
            rep->n_updated++;
        }
    }
}

int nt_apply_run(const nt_http_config *cfg, const nt_plan *plan, const nt_apply_opts *opts,
                 nt_apply_report **out, nt_diag *diag)
{
    nt_apply_opts o = opts ? *opts : (nt_apply_opts)NT_APPLY_OPTS_INIT;
    if (o.parallelism < 1)
        o.parallelism = 1;
    if (o.retries < 0)
        o.retries = 0;
    if (o.retry_base_ms <= 0)
        o.retry_base_ms = NT_RETRY_DEFAULT_BASE_MS;
    if (o.retry_cap_ms <= 0)
        o.retry_cap_ms = NT_RETRY_DEFAULT_CAP_MS;

    nt_apply_report *rep = nt_xcalloc(1, sizeof(*rep));
    rep->n_ops = plan->n_ops;
    rep->ops = nt_xcalloc(plan->n_ops ? plan->n_ops : 1, sizeof(*rep->ops));
    *out = rep;
    runner r = {.cfg = cfg, .plan = plan, .o = &o, .rep = rep, .t0 = nt_now_ms()};
    r.st = nt_xcalloc(plan->n_ops ? plan->n_ops : 1, sizeof(*r.st));
    nt_sched_init(&r.sched, plan, o.parallelism, o.start_interval_ms);
    nt_rng_seed(&r.rng, o.seed);
    int rc = -1;
    long long next_tick = o.tick_ms > 0 ? r.t0 + o.tick_ms : 0;

    r.multi = curl_multi_init();
    if (!r.multi) {
        nt_diag_error(diag, "cannot initialise libcurl");
        goto done;
    }
    curl_multi_setopt(r.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, o.parallelism);
    curl_multi_setopt(r.multi, CURLMOPT_MAX_HOST_CONNECTIONS, o.parallelism);
    curl_multi_setopt(r.multi, CURLMOPT_MAXCONNECTS, o.parallelism);

    for (;;) {
        if (interrupted(&r)) {
            rep->interrupted = true;
            /* a retry not yet sent will not be: it failed */
            for (size_t i = 0; i < plan->n_ops; i++) {
                if (!retry_waiting(&r, i))
                    continue;
                nt_buf m = NT_BUF_INIT;
                nt_buf_addf(&m, "%s (interrupted before retrying)",
                            r.st[i].last_error ? r.st[i].last_error : "failed");
                fail(&r, i, nt_buf_str(&m));
                nt_buf_free(&m);
            }
        } else if (launch(&r, diag) != 0) {
            break;
        } else {
            report_waits(&r);
        }
        if (r.sched.running == 0 && (interrupted(&r) || next_wake(&r) < 0))
            break;

        int running = 0;
        curl_multi_perform(r.multi, &running);
        bool finished = false;
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(r.multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            for (size_t i = 0; i < plan->n_ops; i++) {
                if (in_flight(&r, i) && r.st[i].req.easy == m->easy_handle) {
                    attempt_done(&r, i, m->data.result);
                    finished = true;
                    break;
                }
            }
        }
        long long now = nt_now_ms();
        if (next_tick && now >= next_tick) {
            for (size_t i = 0; i < plan->n_ops; i++)
                if (in_flight(&r, i))
                    emit(&r, NT_APPLY_EV_IN_FLIGHT, i, NULL);
            next_tick = now + o.tick_ms;
        }
        if (finished && !interrupted(&r) && next_wake(&r) == 0)
            continue;
        long wait = NT_POLL_MAX_MS;
        long wake = next_wake(&r);
        if (wake >= 0 && wake < wait)
            wait = wake;
        if (next_tick && next_tick - now < wait)
            wait = next_tick - now > 0 ? (long)(next_tick - now) : 0;
        if (r.sched.running > 0 || wait > 0)
            curl_multi_poll(r.multi, NULL, 0, (int)wait, NULL);
    }
    rc = 0;
done:
    for (size_t i = 0; i < plan->n_ops; i++) {
        op_state *s = &r.st[i];
        if (in_flight(&r, i)) {
            curl_multi_remove_handle(r.multi, s->req.easy);
            nt_http_req_cleanup(&s->req);
        }
        nt_api_body_free(s->body);
        free(s->path);
        free(s->display_path);
        free(s->last_error);
    }
    free(r.st);
    nt_sched_free(&r.sched);
    nt_secrets_free(&r.secrets);
    if (r.multi)
        curl_multi_cleanup(r.multi);
    rep->elapsed = (double)(nt_now_ms() - r.t0) / 1000.0;
    /* an interrupt during the last request still interrupted the apply: the user asked
     * to stop, and did not see it finish */
    if (interrupted(&r))
        rep->interrupted = true;
    count(plan, rep);
    if (rc == 0 && (rep->n_failed || rep->n_skipped || rep->n_not_started || rep->interrupted))
        rc = -1;
    return rc;
}

void nt_apply_report_free(nt_apply_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_ops; i++)
        free(r->ops[i].error);
    free(r->ops);
    free(r);
}

/* The host a cluster names, on whichever side the action has. */
static const char *host_of(const nt_action *a)
{
    const char *h = a->desired ? nt_cluster_get(a->desired, NT_F_HOST_CLUSTER) : NULL;
    if (!h && a->actual)
        h = nt_cluster_get(a->actual, NT_F_HOST_CLUSTER);
    return h;
}

/* How the cluster of op `other` relates to the cluster of op i, in words for a message: "its
 * delete" / "its save" (the same cluster: a replace), "its host NAME", "its virtual cluster
 * NAME", or just "NAME" (escaped). */
static void relation(const nt_plan *plan, size_t i, size_t other, nt_buf *out)
{
    const nt_action *a = &plan->actions[plan->ops[i].action];
    const nt_op *oop = &plan->ops[other];
    const nt_action *oa = &plan->actions[oop->action];
    const char *h = host_of(a);
    nt_buf on = NT_BUF_INIT;
    nt_buf_add_escaped(&on, oa->cluster, false);
    if (oop->action == plan->ops[i].action)
        nt_buf_adds(out, oop->kind == NT_OP_DELETE ? "its delete" : "its save");
    else if (h && !strcmp(h, oa->cluster))
        nt_buf_addf(out, "its host %s", nt_buf_str(&on));
    else if ((h = host_of(oa)) != NULL && !strcmp(h, a->cluster))
        nt_buf_addf(out, "its virtual cluster %s", nt_buf_str(&on));
    else
        nt_buf_adds(out, nt_buf_str(&on));
    nt_buf_free(&on);
}

void nt_apply_describe(const nt_plan *plan, const nt_apply_report *r, size_t i, nt_buf *out)
{
    const nt_op *op = &plan->ops[i];
    const nt_action *a = &plan->actions[op->action];
    const nt_op_result *res = &r->ops[i];
    nt_buf name = NT_BUF_INIT; /* names come from files and servers: escaped (escape.h) */
    nt_buf_add_escaped(&name, a->cluster, false);
    nt_buf_addf(out, "%s: ", nt_buf_str(&name));
    switch (res->status) {
    case NT_OPST_OK:
        if (op->kind == NT_OP_DELETE)
            nt_buf_adds(out, a->kind == NT_ACT_REPLACE ? "deleted, to be re-created" : "deleted");
        else if (a->kind == NT_ACT_CREATE)
            nt_buf_adds(out, "created");
        else if (a->kind == NT_ACT_REPLACE)
            nt_buf_adds(out, "replaced");
        else
            nt_buf_adds(out, "updated");
        nt_buf_addf(out, " (%.1fs", res->duration);
        if (res->attempts > 1)
            nt_buf_addf(out, ", %u attempts", res->attempts);
        if (res->already_gone)
            nt_buf_adds(out, ", already gone after a lost answer");
        nt_buf_adds(out, ")");
        break;
    case NT_OPST_FAILED: {
        /* the error starts with "cluster NAME: "; the line already names it */
        const char *e = res->error ? res->error : "failed";
        size_t n = name.len;
        if (!strncmp(e, "cluster ", 8) && !strncmp(e + 8, nt_buf_str(&name), n) &&
            !strncmp(e + 8 + n, ": ", 2))
            e += 10 + n;
        nt_buf_addf(out, "failed: %s", e);
        break;
    }
    case NT_OPST_SKIPPED:
        nt_buf_adds(out, "skipped (");
        relation(plan, i, res->cause, out);
        nt_buf_adds(out, " failed)");
        break;
    default:
        nt_buf_adds(out, "not started");
    }
    nt_buf_free(&name);
}

void nt_apply_summary(const nt_apply_report *r, nt_buf *out)
{
    const char *head = r->interrupted                                      ? "Apply interrupted"
                       : (r->n_failed || r->n_skipped || r->n_not_started) ? "Apply failed"
                                                                           : "Apply complete";
    nt_buf_addf(out,
                "%s: %zu created, %zu updated, %zu replaced, %zu deleted, %zu failed, "
                "%zu skipped",
                head, r->n_created, r->n_updated, r->n_replaced, r->n_deleted, r->n_failed,
                r->n_skipped);
    if (r->n_not_started)
        nt_buf_addf(out, ", %zu not started", r->n_not_started);
    nt_buf_addf(out, " (%u %s", r->retries, r->retries == 1 ? "retry" : "retries");
    if (r->collisions)
        nt_buf_addf(out, ", %u same-second %s retried", r->collisions,
                    r->collisions == 1 ? "collision" : "collisions");
    nt_buf_adds(out, ").");
}

void nt_apply_describe_wait(const nt_plan *plan, size_t i, nt_sched_wait w, size_t dep,
                            long parallelism, nt_buf *out)
{
    const nt_action *a = &plan->actions[plan->ops[i].action];
    nt_buf name = NT_BUF_INIT;
    nt_buf_add_escaped(&name, a->cluster, false);
    nt_buf_addf(out, "%s: waiting ", nt_buf_str(&name));
    switch (w) {
    case NT_SCHED_WAIT_DEPENDENCY:
        nt_buf_adds(out, "for ");
        relation(plan, i, dep, out);
        break;
    case NT_SCHED_WAIT_BACKOFF:
        nt_buf_adds(out, "to retry");
        break;
    case NT_SCHED_WAIT_SLOT:
        nt_buf_adds(out, "for the next start slot (--start-interval)");
        break;
    case NT_SCHED_WAIT_PARALLELISM:
        nt_buf_addf(out, "for one of the %ld requests in flight to finish (--parallelism)",
                    parallelism);
        break;
    default:
        nt_buf_adds(out, "to start");
    }
    nt_buf_free(&name);
}
