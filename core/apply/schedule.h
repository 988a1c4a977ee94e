/* schedule.h — when each request of an apply may start (docs/cli.md "Parallelism and the start
 * interval", docs/architecture.md §6).
 *
 * The real API Server clones the tenant repository into /tmp/product<unix-seconds>/ for every
 * request and removes the clone before it answers; two requests that overlap and start in the
 * same second break each other (docs/api-server.md §10). The scheduler therefore starts a
 * request only when
 *   - every op it depends on succeeded (hosts before their virtual clusters, deletions of
 *     virtual clusters before their hosts),
 *   - a retry's backoff is over,
 *   - fewer than `parallelism` requests are in flight, and
 *   - every request still in flight started at least `interval_ms` earlier.
 * A request that has been answered no longer counts: its clone is gone. So against a fast server
 * the interval costs nothing, and against a slow one requests start one interval apart.
 *
 * Pure bookkeeping on a caller-given clock (milliseconds): the executor (apply.c) passes the
 * monotonic clock, the unit test a fake one. Ops are indices into a plan's ops, which are in
 * topological order. */
#ifndef NT_APPLY_SCHEDULE_H
#define NT_APPLY_SCHEDULE_H

#include "core/plan/plan.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    NT_SCHED_PENDING = 0, /* not started, or answered and to be retried */
    NT_SCHED_RUNNING,     /* a request is in flight */
    NT_SCHED_OK,          /* done: succeeded */
    NT_SCHED_DONE,        /* done otherwise: failed, skipped or given up */
} nt_sched_state;

/* Why a pending op does not start now (nt_sched_why). */
typedef enum {
    NT_SCHED_WAIT_NONE = 0,   /* it may start now */
    NT_SCHED_WAIT_DEPENDENCY, /* an op it depends on is not done; *dep says which */
    NT_SCHED_WAIT_BLOCKED,    /* an op it depends on did not succeed: it never starts */
    NT_SCHED_WAIT_BACKOFF,    /* a retry's wait is not over */
    NT_SCHED_WAIT_SLOT,       /* the start interval since the last request in flight */
    NT_SCHED_WAIT_PARALLELISM /* `parallelism` requests are in flight */
} nt_sched_wait;

typedef struct nt_sched_op {
    nt_sched_state state;
    long long not_before; /* PENDING: the earliest start (a retry's backoff) */
    long long started;    /* RUNNING: when its request started */
} nt_sched_op;

typedef struct nt_sched {
    const nt_plan *plan;
    nt_sched_op *ops; /* parallel to plan->ops */
    long parallelism; /* >= 1 */
    long interval_ms; /* >= 0; 0: no start interval */
    size_t running;
    size_t first_pending; /* every op before it is done (the scan starts here) */
} nt_sched;

/* parallelism < 1 counts as 1, interval_ms < 0 as 0. Free with nt_sched_free. */
void nt_sched_init(nt_sched *s, const nt_plan *plan, long parallelism, long interval_ms);
void nt_sched_free(nt_sched *s);

/* The first op (in plan order) that may start at `now`, or (size_t)-1 when none may. */
size_t nt_sched_pick(nt_sched *s, long long now);

/* The earliest start the start interval allows now: one interval after the latest start among
 * the requests in flight (LLONG_MIN when none is in flight or the interval is off). A request
 * may still wait longer for parallelism or its dependencies. */
long long nt_sched_slot(const nt_sched *s);

/* The earliest time after which nt_sched_pick could return an op without any request being
 * answered first, or -1 when only an answer (or nothing) can let another op start. */
long long nt_sched_wake(const nt_sched *s, long long now);

/* Why op (PENDING) does not start at now; for WAIT_DEPENDENCY and WAIT_BLOCKED *dep is the op
 * it waits for. */
nt_sched_wait nt_sched_why(const nt_sched *s, size_t op, long long now, size_t *dep);

void nt_sched_started(nt_sched *s, size_t op, long long now);
/* The request of op was answered: op becomes OK, DONE, or PENDING again until `retry_at`. */
void nt_sched_answered(nt_sched *s, size_t op, nt_sched_state next, long long retry_at);
/* A PENDING op that will never start (skipped, interrupted): DONE. */
void nt_sched_drop(nt_sched *s, size_t op);

#endif
