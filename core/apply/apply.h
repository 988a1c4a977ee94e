/* apply.h — carry out a plan's operations against the API Server (docs/architecture.md §6).
 *
 * The executor runs the plan's ops (DELETE and SAVE requests, a dependency graph) on one
 * libcurl multi handle: each op starts as soon as every op it depends on succeeded, with up
 * to `parallelism` requests in flight over reused connections. Failures worth another try
 * (connection failures, timeouts, 429, 502-504, a 500 showing a transient git failure; never
 * a validation error) are retried with exponential backoff and full jitter, honouring
 * Retry-After, the waits of one op bounded by --timeout (core/base/retry.h: the policy shared
 * with the observer). A failed op marks every op depending on it as skipped; independent ops go on.
 * When *interrupted becomes non-zero (SIGINT), nothing new starts, requests in flight finish,
 * and the report says what was done.
 *
 * When a request may start is the scheduler's (schedule.h): the real API Server clones the
 * tenant repository into a directory named after the current second, so two overlapping
 * requests that start in the same second break each other (docs/api-server.md §10); a request
 * starts only when every request in flight started at least start_interval_ms earlier. A
 * collision that happens anyway (another client, the v0.4 asynchronous host re-render) is sent
 * again after the interval and counted apart from the retries (docs/cli.md "Parallelism and the
 * start interval"). */
#ifndef NT_APPLY_H
#define NT_APPLY_H

#include "core/apply/schedule.h"
#include "core/base/buf.h"
#include "core/base/diag.h"
#include "core/observe/http.h"
#include "core/plan/plan.h"
#include "core/base/retry.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#define NT_APPLY_PARALLELISM_DEFAULT 4       /* requests in flight (docs/cli.md) */
#define NT_APPLY_START_INTERVAL_DEFAULT 1100 /* ms between overlapping starts (docs/cli.md) */
#define NT_APPLY_COLLISIONS_MAX 10           /* same-second collisions retried per op */

typedef enum {
    NT_OPST_NOT_STARTED = 0, /* never sent (interrupted, or still waiting) */
    NT_OPST_OK,
    NT_OPST_FAILED,
    NT_OPST_SKIPPED /* an op it depends on failed */
} nt_op_status;

typedef struct nt_op_result {
    nt_op_status status;
    unsigned attempts; /* requests sent */
    double duration;   /* seconds from the first request to the last answer */
    char *error;       /* FAILED: one line (cluster, method, path, status, message, hint) */
    size_t cause;      /* SKIPPED: index of the failed op that caused it */
    bool already_gone; /* a DELETE whose lost answer was followed by "not found" */
} nt_op_result;

typedef struct nt_apply_report {
    nt_op_result *ops; /* parallel to plan->ops */
    size_t n_ops;
    size_t n_ok, n_failed, n_skipped, n_not_started;
    /* actions all of whose ops succeeded, by kind; n_deleted also counts the replaces
     * that stopped after their DELETE */
    size_t n_created, n_updated, n_replaced, n_deleted;
    unsigned retries;    /* requests sent again (backoff retries and --wait-prune waits) */
    unsigned collisions; /* requests sent again after a same-second collision (not in retries) */
    bool interrupted;
    double elapsed; /* seconds */
} nt_apply_report;

typedef enum {
    NT_APPLY_EV_STARTED,   /* an op's first request was sent */
    NT_APPLY_EV_RETRY,     /* an attempt failed and will be retried; detail = why and when */
    NT_APPLY_EV_FINISHED,  /* an op is OK, FAILED or SKIPPED */
    NT_APPLY_EV_IN_FLIGHT, /* every tick_ms for each op still running; detail = NULL */
    NT_APPLY_EV_WAITING,   /* (report_waits) what an op that could be next waits for; detail =
                              nt_apply_describe_wait's line */
} nt_apply_event;

/* Called from inside nt_apply_run. `report->ops[op]` is the op's state so far (the counts
 * are filled only at the end); elapsed is seconds since the op's first request. */
typedef void (*nt_apply_progress_fn)(void *ctx, nt_apply_event ev, const nt_plan *plan,
                                     const nt_apply_report *report, size_t op, double elapsed,
                                     const char *detail);

typedef struct nt_apply_opts {
    long parallelism;         /* >= 1; default NT_APPLY_PARALLELISM_DEFAULT */
    long start_interval_ms;   /* >= 0: a request starts only when every request in flight
                                 started this long before (0: off); default
                                 NT_APPLY_START_INTERVAL_DEFAULT */
    long retries;             /* retries per op for retryable failures (default 3) */
    long wait_prune_sec;      /* retry a host delete still referenced by a virtual cluster
                                 this apply deleted, for up to this long (default 300) */
    bool insecure_skip_check; /* ?insecure_skip_check=true (ignored by the real server) */
    long retry_base_ms;       /* backoff base (default 1000; NAUTES_RETRY_BASE_MS in cmd/) */
    long retry_cap_ms;        /* longest backoff (default 30000) */
    long tick_ms;             /* NT_APPLY_EV_IN_FLIGHT interval; 0: never */
    bool report_waits;        /* NT_APPLY_EV_WAITING events (--verbose) */
    unsigned long seed;       /* jitter seed; 0: from the clock */
    nt_apply_progress_fn progress;
    void *progress_ctx;
    volatile sig_atomic_t *interrupted; /* may be NULL */
} nt_apply_opts;

#define NT_APPLY_OPTS_INIT                                                                         \
    {                                                                                              \
        NT_APPLY_PARALLELISM_DEFAULT, NT_APPLY_START_INTERVAL_DEFAULT, NT_RETRY_DEFAULT_COUNT,     \
            300, false, NT_RETRY_DEFAULT_BASE_MS, NT_RETRY_DEFAULT_CAP_MS, 0, false, 0, NULL,      \
            NULL, NULL                                                                             \
    }

/* Run every op of plan. *out always receives a report (free it). Returns 0 when every op
 * succeeded and no interrupt came, -1 otherwise (an interrupt makes the run fail even when
 * the requests in flight were the last ones); diag only gets problems that stopped the
 * executor itself. A replace whose DELETE succeeded but whose save did not counts in
 * n_deleted. */
int nt_apply_run(const nt_http_config *cfg, const nt_plan *plan, const nt_apply_opts *opts,
                 nt_apply_report **out, nt_diag *diag);
void nt_apply_report_free(nt_apply_report *r);

/* One progress line for op: "cluster-virtual: created (12.4s)", "... failed: MESSAGE",
 * "... skipped (its host cluster-host failed)". */
void nt_apply_describe(const nt_plan *plan, const nt_apply_report *r, size_t op, nt_buf *out);

/* "cluster-virtual: waiting for its host cluster-host", "... waiting for the next start slot
 * (--start-interval)": why op i (not started) waits, as nt_sched_why said (dep: its op). */
void nt_apply_describe_wait(const nt_plan *plan, size_t i, nt_sched_wait w, size_t dep,
                            long parallelism, nt_buf *out);

/* "Apply complete: 2 created, 1 updated, 0 replaced, 1 deleted, 0 failed, 0 skipped
 * (3 retries)." ("(3 retries, 1 same-second collision retried)." when there was one) or
 * "Apply failed: ..." / "Apply interrupted: ...". */
void nt_apply_summary(const nt_apply_report *r, nt_buf *out);

#endif
