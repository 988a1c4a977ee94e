#include "core/base/alloc.h"

#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- the process heap (nt_heap_setup) ---------------------------------------------------- */

#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)

/* How much the heap grows by at a time once set up: a few huge pages' worth, so that each
 * step can be backed by 2 MiB pages instead of 512 faults of 4 KiB each. */
#define HEAP_STEP ((size_t)32 << 20)

/* The end of the heap as far as it was advised for huge pages; 0 until nt_heap_setup. Read
 * and written by the allocation functions below on the thread that called nt_heap_setup (nautes
 * starts no thread of its own; libcurl's resolver thread and libgit2 call malloc directly). */
static uintptr_t g_heap_advised;

static uintptr_t page_down(uintptr_t a)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    return a & ~(page - 1);
}

/* Advise what the heap grew by since the last call (the nt_x* functions call it; sbrk(0)
 * reads the break without a system call). Growth made by a library's own malloc (libyaml,
 * cJSON, libcurl) is advised at the next nt_x* call: what it touched before is in 4 KiB pages.
 * Errors are ignored: a kernel without transparent huge pages just keeps 4 KiB pages. */
static void heap_advise_growth(void)
{
    if (!g_heap_advised || (uintptr_t)sbrk(0) <= g_heap_advised)
        return;
    uintptr_t end = page_down((uintptr_t)sbrk(0));
    if (end <= g_heap_advised)
        return;
    (void)madvise((void *)g_heap_advised, end - g_heap_advised, MADV_HUGEPAGE);
    g_heap_advised = end;
}

void nt_heap_setup(void)
{
    if (g_heap_advised)
        return;
    (void)mallopt(M_MMAP_MAX, 0);
    (void)mallopt(M_TRIM_THRESHOLD, INT_MAX);
    (void)mallopt(M_TOP_PAD, (int)HEAP_STEP);
    g_heap_advised = page_down((uintptr_t)sbrk(0));
}

#else /* another C library or kernel: the allocator's defaults */

static void heap_advise_growth(void) {}

void nt_heap_setup(void) {}

#endif

#if defined(__GLIBC__)

void nt_heap_wind_down(void)
{
    (void)mallopt(M_MXFAST, 0); /* merges what the fast bins hold now, and keeps them empty */
}

#else

void nt_heap_wind_down(void) {}

#endif

void *nt_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    heap_advise_growth();
    return p;
}

void *nt_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        abort();
    heap_advise_growth();
    return p;
}

void *nt_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort();
    heap_advise_growth();
    return q;
}

size_t nt_grow_cap(size_t cap, size_t need, size_t first)
{
    size_t ncap = cap ? cap : first ? first : 1;
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
