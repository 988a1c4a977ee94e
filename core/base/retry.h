/* retry.h — the one retry policy of the observer (core/observe/http.c, the list GET) and the apply
 * executor (core/apply/apply.c): named defaults, the Retry-After parser, exponential backoff with
 * full jitter from a seeded source, and the budget that bounds every wait.
 *
 * The budget: --timeout is the limit of each HTTP request; the waits before the retries of one
 * request together never go past it either. A wait never goes past what is left of that
 * budget: a server asking (Retry-After) for more than what is left ends the retries at once,
 * with a sentence saying what it asked for; our own backoff is shortened to what is left.
 * Every integer here saturates: no Retry-After value, however large, overflows. */
#ifndef NT_RETRY_H
#define NT_RETRY_H

#include "core/base/buf.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define NT_RETRY_DEFAULT_COUNT 3               /* retries after a transient failure */
#define NT_RETRY_DEFAULT_BASE_MS 1000          /* first backoff span (NAUTES_RETRY_BASE_MS) */
#define NT_RETRY_DEFAULT_CAP_MS 30000          /* longest backoff span */
#define NT_RETRY_SAY_MS 2000                   /* a longer wait is said on stderr */
#define NT_RETRY_AFTER_MAX_SEC 1000000000000LL /* Retry-After saturates here (~31,700 years) */

/* The jitter source: xorshift64*, seeded (0: from the clock and the process id). The jitter
 * needs spread, not secrecy. */
typedef struct nt_rng {
    uint64_t s;
} nt_rng;
void nt_rng_seed(nt_rng *r, uint64_t seed);
double nt_rng_uniform(nt_rng *r); /* in [0, 1) */

/* A Retry-After field value (RFC 9110 10.2.3): delta-seconds (digits; saturated at
 * NT_RETRY_AFTER_MAX_SEC) or an HTTP-date (IMF-fixdate, and the obsolete RFC 850 and asctime
 * forms), relative to `now`; a date in the past means 0. Surrounding blanks are allowed.
 * Returns 0 with *sec set, or -1 (and *sec 0) when the value is neither. */
int nt_retry_after_parse(const char *value, time_t now, long long *sec);

/* The delay before retry number `retry` (1-based): full jitter, u * min(cap, base * 2^(retry-1))
 * with u in [0, 1), but never less than retry_after_sec (0: none). Saturating. */
long long nt_retry_backoff_ms(unsigned retry, long base_ms, long cap_ms, long long retry_after_sec,
                              double u);

/* Decide the wait before retry number `retry`. left_ms is what is left of the budget (< 0: no
 * budget). Returns true with *delay_ms (never more than left_ms); or false when the server
 * asked for more than what is left, with a sentence appended to why ("the server asked to
 * wait 3600 s before retrying (Retry-After), more than the 300 s left of --timeout"). */
bool nt_retry_next(unsigned retry, long base_ms, long cap_ms, long long retry_after_sec,
                   long long left_ms, double u, long long *delay_ms, nt_buf *why);

#endif
