/* name_table.c — the one name → position table (see name_table.h). */
#include "core/base/name_table.h"

#include "core/base/alloc.h"

#include <stdbool.h>
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

/* A slot holds the name's 32-bit hash (high half) and its position + 1 (low half; 0 = empty),
 * so that a probe compares hashes first and a growth rehashes without reading a name. */
static uint32_t hash32(const char *name)
{
    uint64_t h = nt_name_hash(name);
    return (uint32_t)(h ^ (h >> 32));
}

static void put(nt_name_table *t, uint32_t hash, size_t pos)
{
    size_t mask = (size_t)t->cap - 1;
    size_t i = hash & mask;
    while (t->slot[i])
        i = (i + 1) & mask;
    t->slot[i] = (uint64_t)hash << 32 | (uint64_t)(pos + 1);
}

static void grow(nt_name_table *t)
{
    size_t cap = t->cap ? (size_t)t->cap * 2 : 16;
    if (cap > ((size_t)1 << 31))
        abort(); /* more than 2^30 names: memory ran out long before */
    uint64_t *old = t->slot;
    size_t old_cap = t->cap;
    t->slot = nt_xcalloc(cap, sizeof(uint64_t));
    t->cap = (uint32_t)cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            put(t, (uint32_t)(old[i] >> 32), (size_t)(uint32_t)old[i] - 1);
    free(old);
}

size_t nt_name_table_add(nt_name_table *t, size_t pos, nt_name_at_fn *at, const void *items)
{
    if (((size_t)t->n + 1) * 2 > t->cap)
        grow(t);
    const char *name = at(items, pos);
    uint32_t hash = hash32(name);
    size_t mask = (size_t)t->cap - 1, i = hash & mask;
    for (; t->slot[i]; i = (i + 1) & mask) {
        size_t at_pos = (size_t)(uint32_t)t->slot[i] - 1;
        if ((uint32_t)(t->slot[i] >> 32) == hash && !strcmp(at(items, at_pos), name))
            return at_pos;
    }
    t->slot[i] = (uint64_t)hash << 32 | (uint64_t)(pos + 1);
    t->n++;
    return pos;
}

size_t nt_name_table_find(const nt_name_table *t, const char *name, nt_name_at_fn *at,
                          const void *items)
{
    if (!t->cap || !name)
        return SIZE_MAX;
    size_t mask = (size_t)t->cap - 1;
    uint32_t hash = hash32(name);
    for (size_t i = hash & mask; t->slot[i]; i = (i + 1) & mask) {
        if ((uint32_t)(t->slot[i] >> 32) != hash)
            continue;
        size_t pos = (size_t)(uint32_t)t->slot[i] - 1;
        if (!strcmp(at(items, pos), name))
            return pos;
    }
    return SIZE_MAX;
}

/* How far ahead nt_name_table_index asks for the slot it will write: a table of a large set
 * does not fit the cache, and each insertion would otherwise wait for its slot's line. */
#define INDEX_PREFETCH 8

size_t nt_name_table_index(nt_name_table *t, size_t n, nt_name_at_fn *at, const void *items)
{
    nt_name_table_free(t);
    if (!n)
        return SIZE_MAX;
    size_t cap = 16;
    while (n * 2 > cap) /* as n additions would size it: at most half full */
        cap *= 2;
    if (cap > ((size_t)1 << 31))
        abort();
    /* every hash first (the names are read in order), then every slot, each one fetched a few
     * insertions before it is written */
    uint32_t *hash = nt_xcalloc(n, sizeof(*hash));
    for (size_t i = 0; i < n; i++)
        hash[i] = hash32(at(items, i));
    t->slot = nt_xcalloc(cap, sizeof(uint64_t));
    t->cap = (uint32_t)cap;
    size_t first_twice = SIZE_MAX, mask = cap - 1;
    for (size_t i = 0; i < n; i++) {
        if (i + INDEX_PREFETCH < n)
            __builtin_prefetch(&t->slot[hash[i + INDEX_PREFETCH] & mask], 1);
        size_t k = hash[i] & mask;
        bool twice = false;
        for (; t->slot[k] && !twice; k = (k + 1) & mask)
            twice = (uint32_t)(t->slot[k] >> 32) == hash[i] &&
                    !strcmp(at(items, (size_t)(uint32_t)t->slot[k] - 1), at(items, i));
        if (twice) {
            if (first_twice == SIZE_MAX)
                first_twice = i;
            continue;
        }
        t->slot[k] = (uint64_t)hash[i] << 32 | (uint64_t)(i + 1);
        t->n++;
    }
    free(hash);
    return first_twice;
}

void nt_name_table_free(nt_name_table *t)
{
    if (!t)
        return;
    free(t->slot);
    t->slot = NULL;
    t->cap = t->n = 0;
}
