/* Tests of core/base/clock.c: the one clock never goes back and a sleep is never cut short
 * (lower bounds only: these machines are shared, so no upper bound is asserted). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/clock.h"

#include <signal.h>
#include <string.h>
#include <sys/time.h>

static void test_the_clock_never_goes_back(void **state)
{
    (void)state;
    long long prev = nt_now_ms();
    double prev_s = nt_now_sec();
    for (int i = 0; i < 10000; i++) {
        long long now = nt_now_ms();
        double now_s = nt_now_sec();
        assert_true(now >= prev);
        assert_true(now_s >= prev_s);
        prev = now;
        prev_s = now_s;
    }
}

static void on_alarm(int sig)
{
    (void)sig;
}

static void test_a_sleep_lasts_at_least_its_time_even_when_a_signal_arrives(void **state)
{
    (void)state;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm; /* no SA_RESTART: nanosleep returns EINTR */
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 20000}}; /* a signal after 20 ms */
    setitimer(ITIMER_REAL, &it, NULL);
    long long t0 = nt_now_ms();
    nt_sleep_ms(120);
    assert_true(nt_now_ms() - t0 >= 120);
    t0 = nt_now_ms();
    nt_sleep_ms(0);
    nt_sleep_ms(-5); /* nothing to wait */
    assert_true(nt_now_ms() - t0 >= 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_clock_never_goes_back),
        cmocka_unit_test(test_a_sleep_lasts_at_least_its_time_even_when_a_signal_arrives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
