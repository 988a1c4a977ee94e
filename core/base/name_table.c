/* name_table.c — the one name → position table (see name_table.h). */
#include "core/base/name_table.h"

#include "core/base/alloc.h"

#include <stdlib.h>
#include <string.h>

uint64_t nt_name_hash(const char *s)
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a offset basis (the two copies this
                                           * replaced had lost its last digit) */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL; /* FNV prime */
    }
    return h;
}

static void put(nt_name_table *t, size_t pos, const char *name)
{
    size_t mask = (size_t)t->cap - 1;
    size_t h = (size_t)nt_name_hash(name) & mask;
    while (t->slot[h])
        h = (h + 1) & mask;
    t->slot[h] = pos + 1;
}

static void grow(nt_name_table *t, nt_name_at_fn *at, const void *items)
{
    size_t cap = t->cap ? (size_t)t->cap * 2 : 16;
    if (cap > ((size_t)1 << 31))
        abort(); /* more than 2^30 names: memory ran out long before */
    size_t *old = t->slot;
    size_t old_cap = t->cap;
    t->slot = nt_xcalloc(cap, sizeof(size_t));
    t->cap = (uint32_t)cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            put(t, old[i] - 1, at(items, old[i] - 1));
    free(old);
}

void nt_name_table_add(nt_name_table *t, size_t pos, nt_name_at_fn *at, const void *items)
{
    if (((size_t)t->n + 1) * 2 > t->cap)
        grow(t, at, items);
    put(t, pos, at(items, pos));
    t->n++;
}

size_t nt_name_table_find(const nt_name_table *t, const char *name, nt_name_at_fn *at,
                          const void *items)
{
    if (!t->cap || !name)
        return SIZE_MAX;
    size_t mask = (size_t)t->cap - 1;
    for (size_t h = (size_t)nt_name_hash(name) & mask; t->slot[h]; h = (h + 1) & mask) {
        size_t pos = t->slot[h] - 1;
        if (!strcmp(at(items, pos), name))
            return pos;
    }
    return SIZE_MAX;
}

void nt_name_table_index(nt_name_table *t, size_t n, nt_name_at_fn *at, const void *items)
{
    nt_name_table_free(t);
    for (size_t i = 0; i < n; i++)
        nt_name_table_add(t, i, at, items);
}

void nt_name_table_free(nt_name_table *t)
{
    if (!t)
        return;
    free(t->slot);
    t->slot = NULL;
    t->cap = t->n = 0;
}
