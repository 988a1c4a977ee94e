/* name_table.h — the one name → position table (open addressing, FNV-1a).
 *
 * The table holds positions only: the names stay in the caller's array, and the table asks
 * for the name at a position through `at` when it compares or grows. So one table serves the
 * clusters of a set, the interned file names, the keys of a component's map and the actions of
 * a plan, without copying a name.
 *
 *   nt_name_table t = NT_NAME_TABLE_INIT;
 *   size_t at = nt_name_table_add(&t, i, name_at, items);   after items[i] is in place;
 *                                                   at != i: the name was at position at
 *   size_t i = nt_name_table_find(&t, "a", name_at, items);   SIZE_MAX when absent
 *   nt_name_table_free(&t);
 *
 * The table grows (doubling, rehashing every position) to stay at most half full, so adding n
 * names is O(n) whatever the names are. At most 2^30 positions. */
#ifndef NT_NAME_TABLE_H
#define NT_NAME_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* The name at position pos of the caller's items. */
typedef const char *nt_name_at_fn(const void *items, size_t pos);

typedef struct nt_name_table {
    uint64_t *slot; /* the name's 32-bit hash << 32 | position + 1; 0 = empty */
    uint32_t cap;   /* a power of two, or 0 before the first add */
    uint32_t n;     /* positions added */
} nt_name_table;

#define NT_NAME_TABLE_INIT                                                                         \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* FNV-1a of a NUL-terminated name (the project's one string hash). */
uint64_t nt_name_hash(const char *s);

/* Add position pos, whose name is at(items, pos), unless the table holds that name already.
 * Returns the position the name is found at: pos when it was added, the earlier one when it
 * was there (one hash and one probe sequence for "add it unless it is there"). */
size_t nt_name_table_add(nt_name_table *t, size_t pos, nt_name_at_fn *at, const void *items);
/* The position of `name`, or SIZE_MAX (also for an empty table or a NULL name). */
size_t nt_name_table_find(const nt_name_table *t, const char *name, nt_name_at_fn *at,
                          const void *items);
/* Forget every position, then add positions 0..n-1 (after the items moved: a sort, a removal;
 * or items added without a lookup each), sized once for n. A name given twice is found at its
 * first position: the later ones are not added. Returns the first position whose name an
 * earlier one has, or SIZE_MAX when every name is unique. */
size_t nt_name_table_index(nt_name_table *t, size_t n, nt_name_at_fn *at, const void *items);
void nt_name_table_free(nt_name_table *t); /* back to NT_NAME_TABLE_INIT; NULL is fine */

#endif
