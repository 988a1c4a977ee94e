/* Tests of core/apply/schedule.c on a fake clock: the start time of every request for a given
 * dependency graph, start interval and parallelism; why a request waits; and, on random graphs,
 * the scheduler's promises (dependencies first, never more than `parallelism` in flight, never
 * two overlapping requests started less than the interval apart, never a wake-up with nothing to
 * start). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/apply/schedule.h"

#include <stdlib.h>
#include <string.h>

#define NO_OP ((size_t)-1)
#define MAX_OPS 64

/* A plan with only what the scheduler reads: ops and their dependencies. */
typedef struct graph {
    nt_plan plan;
    nt_op ops[MAX_OPS];
    size_t deps[MAX_OPS][MAX_OPS];
} graph;

static void add_op(graph *g, const int *deps)
{
    size_t i = g->plan.n_ops++;
    g->ops[i].kind = NT_OP_SAVE;
    g->ops[i].action = i;
    g->ops[i].deps = g->deps[i];
    for (g->ops[i].n_deps = 0; deps && deps[g->ops[i].n_deps] >= 0; g->ops[i].n_deps++)
        g->deps[i][g->ops[i].n_deps] = (size_t)deps[g->ops[i].n_deps];
    g->plan.ops = g->ops;
}

/* hosts h (ops 0..hosts-1), then per host `per` virtual clusters depending on it */
static void hosts_and_virtuals(graph *g, size_t hosts, size_t per)
{
    memset(g, 0, sizeof(*g));
    for (size_t h = 0; h < hosts; h++)
        add_op(g, NULL);
    for (size_t h = 0; h < hosts; h++)
        for (size_t v = 0; v < per; v++) {
            int d[2] = {(int)h, -1};
            add_op(g, d);
        }
}

/* Run the scheduler: every request takes dur[i] ms (dur == NULL: `each` ms) and succeeds.
 * start[i] and end[i] receive the times. Fails the test if the scheduler stalls. */
static void simulate(const graph *g, long par, long interval, const long long *dur, long long each,
                     long long *start, long long *end)
{
    nt_sched s;
    nt_sched_init(&s, &g->plan, par, interval);
    bool running[MAX_OPS] = {false};
    long long now = 0;
    for (int steps = 0;; steps++) {
        assert_true(steps < 10000);
        size_t i;
        while ((i = nt_sched_pick(&s, now)) != NO_OP) {
            nt_sched_started(&s, i, now);
            start[i] = now;
            end[i] = now + (dur ? dur[i] : each);
            running[i] = true;
        }
        long long next = nt_sched_wake(&s, now);
        if (next >= 0)
            assert_true(next > now); /* "could start now" would have been picked */
        for (size_t k = 0; k < g->plan.n_ops; k++)
            if (running[k] && (next < 0 || end[k] < next))
                next = end[k];
        if (next < 0)
            break;
        now = next;
        for (size_t k = 0; k < g->plan.n_ops; k++)
            if (running[k] && end[k] <= now) {
                running[k] = false;
                nt_sched_answered(&s, k, NT_SCHED_OK, 0);
            }
    }
    for (size_t k = 0; k < g->plan.n_ops; k++)
        assert_int_equal(s.ops[k].state, NT_SCHED_OK);
    assert_int_equal(s.running, 0);
    nt_sched_free(&s);
}

static void assert_starts(const long long *got, const long long *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (got[i] != want[i])
            print_error("op %zu started at %lld, expected %lld\n", i, got[i], want[i]);
        assert_int_equal(got[i], want[i]);
    }
}

static void test_hosts_then_virtuals_one_interval_apart(void **state)
{
    (void)state;
    graph g;
    long long start[MAX_OPS], end[MAX_OPS];
    hosts_and_virtuals(&g, 2, 2); /* h1 h2, v1a v1b (on h1), v2a v2b (on h2) */
    simulate(&g, 4, 1000, NULL, 2500, start, end);
    /* h2 waits one interval; v1a starts when h1 is saved, each next one interval later:
     * the bound depth x latency + N x interval holds (8000 <= 2 x 2500 + 6 x 1000) */
    const long long want[] = {0, 1000, 2500, 3500, 4500, 5500};
    assert_starts(start, want, 6);
    assert_int_equal(end[5], 8000);
}

static void test_parallelism_caps_the_requests_in_flight(void **state)
{
    (void)state;
    graph g;
    long long start[MAX_OPS], end[MAX_OPS];
    hosts_and_virtuals(&g, 2, 2);
    simulate(&g, 2, 1000, NULL, 2500, start, end);
    const long long want2[] = {0, 1000, 2500, 3500, 5000, 6000};
    assert_starts(start, want2, 6);

    simulate(&g, 1, 1000, NULL, 2500, start, end); /* one at a time: the interval never waits */
    const long long want1[] = {0, 2500, 5000, 7500, 10000, 12500};
    assert_starts(start, want1, 6);
}

static void test_answered_requests_do_not_hold_the_interval(void **state)
{
    (void)state;
    graph g;
    long long start[MAX_OPS], end[MAX_OPS];
    hosts_and_virtuals(&g, 3, 0); /* three independent ops */
    /* the real server removes its clone before it answers: a fast server never waits */
    simulate(&g, 4, 1100, NULL, 10, start, end);
    const long long want[] = {0, 10, 20};
    assert_starts(start, want, 3);
    /* a slow first request: the second waits the interval, the third the second's */
    const long long dur[] = {5000, 300, 300};
    simulate(&g, 4, 1100, dur, 0, start, end);
    const long long want_slow[] = {0, 1100, 1400};
    assert_starts(start, want_slow, 3);
}

static void test_interval_zero_is_only_parallelism(void **state)
{
    (void)state;
    graph g;
    long long start[MAX_OPS], end[MAX_OPS];
    hosts_and_virtuals(&g, 3, 0);
    simulate(&g, 4, 0, NULL, 100, start, end);
    const long long all[] = {0, 0, 0};
    assert_starts(start, all, 3);
    simulate(&g, 2, 0, NULL, 100, start, end);
    const long long two[] = {0, 0, 100};
    assert_starts(start, two, 3);
}

static void test_why_a_request_waits(void **state)
{
    (void)state;
    graph g;
    hosts_and_virtuals(&g, 2, 1); /* h1 h2, v1 (on h1), v2 (on h2) */
    nt_sched s;
    nt_sched_init(&s, &g.plan, 2, 1000);
    size_t dep = NO_OP;

    assert_int_equal(nt_sched_pick(&s, 0), 0);
    nt_sched_started(&s, 0, 0);
    assert_int_equal(nt_sched_why(&s, 1, 10, &dep), NT_SCHED_WAIT_SLOT);
    assert_int_equal(nt_sched_why(&s, 2, 10, &dep), NT_SCHED_WAIT_DEPENDENCY);
    assert_int_equal(dep, 0);
    assert_int_equal(nt_sched_pick(&s, 999), NO_OP);
    assert_int_equal(nt_sched_wake(&s, 10), 1000);
    assert_int_equal(nt_sched_slot(&s), 1000);
    assert_int_equal(nt_sched_pick(&s, 1000), 1);
    nt_sched_started(&s, 1, 1000);
    assert_int_equal(nt_sched_slot(&s), 2000);     /* one interval after the latest start */
    assert_int_equal(nt_sched_wake(&s, 1000), -1); /* nothing else is ready */

    /* h1 answered with a transient failure: retried at 4000, not before */
    nt_sched_answered(&s, 0, NT_SCHED_PENDING, 4000);
    assert_int_equal(nt_sched_why(&s, 0, 2500, &dep), NT_SCHED_WAIT_BACKOFF);
    assert_int_equal(nt_sched_wake(&s, 2500), 4000);
    assert_int_equal(nt_sched_pick(&s, 3999), NO_OP);
    assert_int_equal(nt_sched_pick(&s, 4000), 0);
    nt_sched_started(&s, 0, 4000);
    /* two in flight: the next one waits for a free place, not for the interval */
    nt_sched_answered(&s, 1, NT_SCHED_OK, 0);
    nt_sched_started(&s, 3, 5000);
    nt_sched_answered(&s, 0, NT_SCHED_DONE, 0); /* h1 failed for good */
    assert_int_equal(nt_sched_why(&s, 2, 5000, &dep), NT_SCHED_WAIT_BLOCKED);
    assert_int_equal(dep, 0);
    assert_int_equal(nt_sched_pick(&s, 9000), NO_OP);
    nt_sched_drop(&s, 2);
    nt_sched_answered(&s, 3, NT_SCHED_OK, 0);
    assert_int_equal(s.running, 0);
    assert_int_equal(s.first_pending, 4);
    assert_int_equal(nt_sched_wake(&s, 9000), -1);
    nt_sched_free(&s);

    nt_sched_init(&s, &g.plan, 1, 1000);
    nt_sched_started(&s, 0, 0);
    assert_int_equal(nt_sched_why(&s, 1, 5000, &dep), NT_SCHED_WAIT_PARALLELISM);
    nt_sched_free(&s);
    nt_sched_free(NULL);
}

/* xorshift for reproducible random graphs */
static uint64_t rnd(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

static void test_random_graphs_keep_every_promise(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int round = 0; round < 300; round++) {
        graph g;
        memset(&g, 0, sizeof(g));
        size_t n = 1 + rnd(&x) % 40;
        long par = 1 + (long)(rnd(&x) % 8), interval = (long)(rnd(&x) % 3) * 700;
        long long dur[MAX_OPS], start[MAX_OPS], end[MAX_OPS];
        for (size_t i = 0; i < n; i++) {
            int deps[4] = {-1, -1, -1, -1};
            for (size_t k = 0; i && k < 3 && rnd(&x) % 2; k++)
                deps[k] = (int)(rnd(&x) % i);
            add_op(&g, deps);
            dur[i] = 1 + (long long)(rnd(&x) % 4000);
        }
        simulate(&g, par, interval, dur, 0, start, end);
        for (size_t i = 0; i < n; i++) {
            for (size_t k = 0; k < g.ops[i].n_deps; k++)
                assert_true(start[i] >= end[g.ops[i].deps[k]]);
            long in_flight = 0;
            for (size_t j = 0; j < n; j++) {
                if (j == i || start[j] > start[i] || end[j] <= start[i])
                    continue; /* j is not in flight when i starts */
                in_flight++;
                assert_true(start[i] - start[j] >= interval);
            }
            assert_true(in_flight < par);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hosts_then_virtuals_one_interval_apart),
        cmocka_unit_test(test_parallelism_caps_the_requests_in_flight),
        cmocka_unit_test(test_answered_requests_do_not_hold_the_interval),
        cmocka_unit_test(test_interval_zero_is_only_parallelism),
        cmocka_unit_test(test_why_a_request_waits),
        cmocka_unit_test(test_random_graphs_keep_every_promise),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
