/* fuzz_retry_after.c — a Retry-After value as any server or proxy may send it
 * (nt_retry_after_parse), then the wait it leads to (nt_retry_next): no overflow, no wait past
 * the budget, whatever the bytes. */
#include "core/base/retry.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *v = malloc(size + 1);
    if (!v)
        return 0;
    memcpy(v, data, size);
    v[size] = 0;
    long long sec = -1;
    int rc = nt_retry_after_parse(v, (time_t)1700000000, &sec);
    if (sec < 0 || sec > NT_RETRY_AFTER_MAX_SEC || (rc != 0 && sec != 0))
        abort();
    long long delay = -1;
    nt_buf why = NT_BUF_INIT;
    unsigned retry = size ? data[0] : 1;
    if (nt_retry_next(retry, 1000, 30000, sec, 300000, 0.5, &delay, &why) &&
        (delay < 0 || delay > 300000))
        abort();
    nt_buf_free(&why);
    free(v);
    return 0;
}
