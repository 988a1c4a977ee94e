/* retry.c — the retry policy shared by the observer and the apply executor (see retry.h). */
#include "core/base/retry.h"

#include <string.h>
#include <sys/time.h>
#include <unistd.h>

void nt_rng_seed(nt_rng *r, uint64_t seed)
{
    if (!seed) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        seed = ((uint64_t)tv.tv_sec << 20) ^ (uint64_t)tv.tv_usec ^ ((uint64_t)getpid() << 40);
    }
    r->s = seed ? seed : 88172645463325252ULL;
}

double nt_rng_uniform(nt_rng *r)
{
    if (!r->s)
        r->s = 88172645463325252ULL;
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    uint64_t x = r->s * 2685821657736338717ULL;
    return (double)(x >> 11) * (1.0 / 9007199254740992.0);
}

/* ---- Retry-After ------------------------------------------------------------------------- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* n digits (exactly) at *p into *out; advances *p. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit((*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool lit(const char **p, const char *s)
{
    size_t n = strlen(s);
    if (strncmp(*p, s, n) != 0)
        return false;
    *p += n;
    return true;
}

static const char *const k_months[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const k_days[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
static const char *const k_long_days[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                           "Friday", "Saturday", "Sunday"};

static bool month(const char **p, int *m)
{
    for (int i = 0; i < 12; i++) {
        if (lit(p, k_months[i])) {
            *m = i + 1;
            return true;
        }
    }
    return false;
}

static bool day_name(const char **p, const char *const *names)
{
    for (int i = 0; i < 7; i++)
        if (lit(p, names[i]))
            return true;
    return false;
}

/* "HH:MM:SS" */
static bool clock_of(const char **p, int *h, int *mi, int *s)
{
    return digits(p, 2, h) && lit(p, ":") && digits(p, 2, mi) && lit(p, ":") && digits(p, 2, s) &&
           *h <= 23 && *mi <= 59 && *s <= 60;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool valid_day(int y, int m, int d)
{
    static const int len[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > len[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

/* An HTTP-date in any of its three forms; *t seconds since the epoch (UTC). */
static bool http_date(const char *p, long long *t)
{
    int d = 0, m = 0, y = 0, h = 0, mi = 0, s = 0;
    const char *q = p;
    if (day_name(&q, k_days) && lit(&q, ", ")) {
        /* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
        if (!(digits(&q, 2, &d) && lit(&q, " ") && month(&q, &m) && lit(&q, " ") &&
              digits(&q, 4, &y) && lit(&q, " ") && clock_of(&q, &h, &mi, &s) && lit(&q, " GMT")))
            return false;
    } else if ((q = p, day_name(&q, k_long_days)) && lit(&q, ", ")) {
        /* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (a two-digit year is taken in 1970-2069) */
        if (!(digits(&q, 2, &d) && lit(&q, "-") && month(&q, &m) && lit(&q, "-") &&
              digits(&q, 2, &y) && lit(&q, " ") && clock_of(&q, &h, &mi, &s) && lit(&q, " GMT")))
            return false;
        y += y < 70 ? 2000 : 1900;
    } else if ((q = p, day_name(&q, k_days)) && lit(&q, " ")) {
        /* asctime: Sun Nov  6 08:49:37 1994 */
        if (!(month(&q, &m) && lit(&q, " ")))
            return false;
        if (*q == ' ') {
            q++;
            if (!digits(&q, 1, &d))
                return false;
        } else if (!digits(&q, 2, &d)) {
            return false;
        }
        if (!(lit(&q, " ") && clock_of(&q, &h, &mi, &s) && lit(&q, " ") && digits(&q, 4, &y)))
            return false;
    } else {
        return false;
    }
    while (is_blank(*q))
        q++;
    if (*q || !valid_day(y, m, d))
        return false;
    *t = days_from_civil(y, m, d) * 86400 + h * 3600LL + mi * 60LL + s;
    return true;
}

int nt_retry_after_parse(const char *value, time_t now, long long *sec)
{
    *sec = 0;
    if (!value)
        return -1;
    const char *p = value;
    while (is_blank(*p))
        p++;
    if (is_digit(*p)) {
        long long v = 0;
        for (; is_digit(*p); p++) {
            if (v < NT_RETRY_AFTER_MAX_SEC)
                v = v * 10 + (*p - '0');
            if (v > NT_RETRY_AFTER_MAX_SEC)
                v = NT_RETRY_AFTER_MAX_SEC;
        }
        while (is_blank(*p))
            p++;
        if (*p)
            return -1;
        *sec = v;
        return 0;
    }
    long long t;
    if (!http_date(p, &t))
        return -1;
    long long delta = t - (long long)now; /* both within a few 10^11: no overflow */
    *sec = delta <= 0 ? 0 : delta > NT_RETRY_AFTER_MAX_SEC ? NT_RETRY_AFTER_MAX_SEC : delta;
    return 0;
}

/* ---- backoff ----------------------------------------------------------------------------- */

long long nt_retry_backoff_ms(unsigned retry, long base_ms, long cap_ms, long long retry_after_sec,
                              double u)
{
    if (base_ms < 0)
        base_ms = 0;
    if (cap_ms < base_ms)
        cap_ms = base_ms;
    double span = (double)base_ms;
    for (unsigned i = 1; i < retry && span < (double)cap_ms; i++)
        span *= 2;
    if (span > (double)cap_ms)
        span = (double)cap_ms;
    if (!(u >= 0))
        u = 0;
    if (u >= 1)
        u = 0.999999;
    long long d = (long long)(u * span);
    if (retry_after_sec > NT_RETRY_AFTER_MAX_SEC)
        retry_after_sec = NT_RETRY_AFTER_MAX_SEC;
    if (retry_after_sec > 0 && retry_after_sec * 1000 > d)
        d = retry_after_sec * 1000;
    return d;
}

bool nt_retry_next(unsigned retry, long base_ms, long cap_ms, long long retry_after_sec,
                   long long left_ms, double u, long long *delay_ms, nt_buf *why)
{
    long long d = nt_retry_backoff_ms(retry, base_ms, cap_ms, retry_after_sec, u);
    if (left_ms >= 0 && d > left_ms) {
        if (retry_after_sec > 0 && retry_after_sec * 1000 > left_ms) {
            nt_buf_addf(why,
                        "the server asked to wait %lld s before retrying (Retry-After), more "
                        "than the %g s left of --timeout",
                        retry_after_sec, (double)left_ms / 1000.0);
            *delay_ms = 0;
            return false;
        }
        d = left_ms;
    }
    *delay_ms = d;
    return true;
}
