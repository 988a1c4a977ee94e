/* alloc.h — allocation that cannot fail silently.
 *
 * The library never exits, but running out of memory is not a condition a user can act on
 * from a diagnostic list: these wrappers abort() (after nothing else) instead of returning
 * NULL, so every caller may use the result directly. */
#ifndef NT_ALLOC_H
#define NT_ALLOC_H

#include <stddef.h>

/* Tune the process heap for a program that builds large sets and exits: call it first in
 * main(), on the main thread, before anything allocates much. Large blocks come from the heap
 * instead of their own mappings (M_MMAP_MAX 0) and freed memory stays with the process
 * (M_TRIM_THRESHOLD) until it exits, so a file buffer or a list answer, once freed, holds the
 * clusters built next instead of being unmapped and faulted in again; the heap grows 32 MiB at
 * a time and the allocation functions below advise what it grew by for transparent huge pages
 * (MADV_HUGEPAGE; growth made by a library's own malloc is advised at their next call).
 * docs/benchmarks.md has the measurements ("Smaller records, and the heap"). glibc on Linux
 * only (elsewhere it does nothing); a second call does nothing. */
void nt_heap_setup(void);
/* Call when a run is over and about to free what it built (then exit): small blocks freed
 * from then on go back to the heap one by one, merged with their free neighbours as they go,
 * instead of piling up in glibc's fast bins until one large free merges them all at once, a
 * pass that misses the cache for each block (freeing the sets of a plan of 100,000 clusters:
 * 87 ms that way, 38 ms this way; docs/benchmarks.md, "Freeing what a run built"). Allocation
 * still works after it, only without the fast bins. glibc only; a second call does nothing. */
void nt_heap_wind_down(void);
void *nt_xmalloc(size_t n);
void *nt_xcalloc(size_t count, size_t size);
void *nt_xrealloc(void *p, size_t n);
/* Grow *p (an array of *cap items of `size` bytes) so that it holds at least `need` items; the
 * new items are zeroed. */
void nt_xgrow(void **p, size_t *cap, size_t need, size_t size);
/* The same, starting at `first` items instead of 8: for arrays that most owners keep short
 * (a component's additions: one or two in every cluster a list answer holds). */
void nt_xgrow_from(void **p, size_t *cap, size_t need, size_t size, size_t first);
/* The capacity that holds `need` items: cap (first when cap is 0) doubled as often as needed,
 * so that growing one item at a time costs O(1) each. Aborts when it would overflow. */
size_t nt_grow_cap(size_t cap, size_t need, size_t first);
char *nt_xstrdup(const char *s); /* NULL in, NULL out */
char *nt_xstrndup(const char *s, size_t n);

#define NT_GROW(arr, cap, need) nt_xgrow((void **)&(arr), &(cap), (need), sizeof(*(arr)))
#define NT_GROW_FROM(arr, cap, need, first)                                                        \
    nt_xgrow_from((void **)&(arr), &(cap), (need), sizeof(*(arr)), (first))

#endif
