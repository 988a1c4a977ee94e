/* clock.h — the one clock: monotonic time for durations and deadlines (never the wall clock,
 * which jumps), and a sleep that an interrupting signal does not cut short. */
#ifndef NT_BASE_CLOCK_H
#define NT_BASE_CLOCK_H

/* Milliseconds of the monotonic clock (an arbitrary origin: compare two readings). */
long long nt_now_ms(void);
/* Seconds of the monotonic clock, to the nanosecond (timings in messages). */
double nt_now_sec(void);
/* Sleep `ms` milliseconds (nothing for ms <= 0), resumed after a signal. */
void nt_sleep_ms(long long ms);

#endif
