/* schedule.c — when each request of an apply may start (see schedule.h). */
#include "core/apply/schedule.h"

#include "core/base/alloc.h"

#include <limits.h>
#include <stdlib.h>

#define NO_OP ((size_t)-1)

void nt_sched_init(nt_sched *s, const nt_plan *plan, long parallelism, long interval_ms)
{
    s->plan = plan;
    s->ops = nt_xcalloc(plan->n_ops ? plan->n_ops : 1, sizeof(*s->ops));
    s->parallelism = parallelism < 1 ? 1 : parallelism;
    s->interval_ms = interval_ms < 0 ? 0 : interval_ms;
    s->running = 0;
    s->first_pending = 0;
}

void nt_sched_free(nt_sched *s)
{
    if (!s)
        return;
    free(s->ops);
    s->ops = NULL;
}

static bool is_done(nt_sched_state st)
{
    return st == NT_SCHED_OK || st == NT_SCHED_DONE;
}

/* NT_SCHED_WAIT_NONE when every dependency of op succeeded; otherwise DEPENDENCY or BLOCKED
 * with the first dependency in the way. */
static nt_sched_wait deps_wait(const nt_sched *s, size_t op, size_t *dep)
{
    const nt_op *o = &s->plan->ops[op];
    nt_sched_wait w = NT_SCHED_WAIT_NONE;
    for (size_t k = 0; k < o->n_deps; k++) {
        nt_sched_state st = s->ops[o->deps[k]].state;
        if (st == NT_SCHED_DONE) {
            *dep = o->deps[k];
            return NT_SCHED_WAIT_BLOCKED;
        }
        if (st != NT_SCHED_OK && w == NT_SCHED_WAIT_NONE) {
            *dep = o->deps[k];
            w = NT_SCHED_WAIT_DEPENDENCY;
        }
    }
    return w;
}

/* The earliest start the interval allows: one interval after the latest start among the
 * requests in flight (none in flight: no limit). */
static long long slot_at(const nt_sched *s)
{
    long long latest = 0;
    bool any = false;
    if (!s->running || !s->interval_ms)
        return LLONG_MIN;
    for (size_t i = s->first_pending; i < s->plan->n_ops; i++)
        if (s->ops[i].state == NT_SCHED_RUNNING && (!any || s->ops[i].started > latest)) {
            latest = s->ops[i].started;
            any = true;
        }
    return latest + s->interval_ms;
}

long long nt_sched_slot(const nt_sched *s)
{
    return slot_at(s);
}

size_t nt_sched_pick(nt_sched *s, long long now)
{
    if ((long)s->running >= s->parallelism || now < slot_at(s))
        return NO_OP;
    for (size_t i = s->first_pending; i < s->plan->n_ops; i++) {
        size_t dep;
        if (s->ops[i].state == NT_SCHED_PENDING && s->ops[i].not_before <= now &&
            deps_wait(s, i, &dep) == NT_SCHED_WAIT_NONE)
            return i;
    }
    return NO_OP;
}

long long nt_sched_wake(const nt_sched *s, long long now)
{
    if ((long)s->running >= s->parallelism)
        return -1;
    long long slot = slot_at(s), best = -1;
    for (size_t i = s->first_pending; i < s->plan->n_ops; i++) {
        size_t dep;
        if (s->ops[i].state != NT_SCHED_PENDING || deps_wait(s, i, &dep) != NT_SCHED_WAIT_NONE)
            continue;
        long long t = s->ops[i].not_before > slot ? s->ops[i].not_before : slot;
        if (best < 0 || t < best)
            best = t;
    }
    if (best >= 0 && best < now)
        best = now;
    return best;
}

nt_sched_wait nt_sched_why(const nt_sched *s, size_t op, long long now, size_t *dep)
{
    nt_sched_wait w = deps_wait(s, op, dep);
    if (w != NT_SCHED_WAIT_NONE)
        return w;
    if (s->ops[op].not_before > now)
        return NT_SCHED_WAIT_BACKOFF;
    if ((long)s->running >= s->parallelism)
        return NT_SCHED_WAIT_PARALLELISM;
    if (now < slot_at(s))
        return NT_SCHED_WAIT_SLOT;
    return NT_SCHED_WAIT_NONE;
}

static void advance(nt_sched *s)
{
    while (s->first_pending < s->plan->n_ops && is_done(s->ops[s->first_pending].state))
        s->first_pending++;
}

void nt_sched_started(nt_sched *s, size_t op, long long now)
{
    s->ops[op].state = NT_SCHED_RUNNING;
    s->ops[op].started = now;
    s->running++;
}

void nt_sched_answered(nt_sched *s, size_t op, nt_sched_state next, long long retry_at)
{
    if (s->ops[op].state == NT_SCHED_RUNNING && s->running)
        s->running--;
    s->ops[op].state = next;
    s->ops[op].not_before = next == NT_SCHED_PENDING ? retry_at : 0;
    advance(s);
}

void nt_sched_drop(nt_sched *s, size_t op)
{
    if (s->ops[op].state == NT_SCHED_RUNNING && s->running)
        s->running--;
    s->ops[op].state = NT_SCHED_DONE;
    advance(s);
}
