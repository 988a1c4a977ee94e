#include "core/base/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *nt_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

void *nt_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        abort();
    return p;
}

void *nt_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort();
    return q;
}

size_t nt_grow_cap(size_t cap, size_t need, size_t first)
{
    size_t ncap = cap ? cap : first;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            abort();
        ncap *= 2;
    }
    return ncap;
}

void nt_xgrow(void **p, size_t *cap, size_t need, size_t size)
{
    nt_xgrow_from(p, cap, need, size, 8);
}

void nt_xgrow_from(void **p, size_t *cap, size_t need, size_t size, size_t first)
{
    if (need <= *cap)
        return;
    size_t ncap = nt_grow_cap(*cap, need, first);
    if (ncap > SIZE_MAX / size)
        abort();
    *p = nt_xrealloc(*p, ncap * size);
    memset((char *)*p + *cap * size, 0, (ncap - *cap) * size);
    *cap = ncap;
}

char *nt_xstrdup(const char *s)
{
    if (!s)
        return NULL;
    return nt_xstrndup(s, strlen(s));
}

char *nt_xstrndup(const char *s, size_t n)
{
    char *d = nt_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
