/* Tests of core/base/alloc.c: arrays grow by doubling and keep their items, string copies are
 * their own, and the heap tuned for a run (nt_heap_setup) and wound down at its end
 * (nt_heap_wind_down) still hands out and takes back blocks as before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/alloc.h"

#include <stdlib.h>
#include <string.h>

static void test_the_capacity_doubles_from_the_first_until_it_holds_the_need(void **state)
{
    (void)state;
    assert_int_equal(nt_grow_cap(0, 1, 0), 1);
    assert_int_equal(nt_grow_cap(0, 1, 2), 2);
    assert_int_equal(nt_grow_cap(0, 3, 2), 4);
    assert_int_equal(nt_grow_cap(0, 9, 8), 16);
    assert_int_equal(nt_grow_cap(8, 9, 2), 16);   /* a capacity already given doubles */
    assert_int_equal(nt_grow_cap(16, 10, 2), 16); /* enough already: unchanged */
}

static void test_an_array_grown_an_item_at_a_time_keeps_its_items_and_zeroes_the_rest(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0;
    size_t caps[8], n_caps = 0;
    for (int i = 0; i < 100; i++) {
        size_t before = cap;
        NT_GROW_FROM(v, cap, (size_t)i + 1, 2);
        if (cap != before)
            caps[n_caps++] = cap;
        for (size_t j = (size_t)i; j < cap; j++)
            assert_int_equal(v[j], 0); /* what grew is zeroed */
        v[i] = i + 1;
        for (int j = 0; j <= i; j++)
            assert_int_equal(v[j], j + 1); /* what was there stays */
    }
    const size_t want[] = {2, 4, 8, 16, 32, 64, 128};
    assert_int_equal(n_caps, sizeof want / sizeof *want);
    for (size_t k = 0; k < n_caps; k++)
        assert_int_equal(caps[k], want[k]);
    free(v);
}

static void test_a_copy_of_a_string_is_its_own_and_null_stays_null(void **state)
{
    (void)state;
    assert_null(nt_xstrdup(NULL));
    char src[] = "abcdef";
    char *a = nt_xstrdup(src), *b = nt_xstrndup(src, 3);
    src[0] = 'z';
    assert_string_equal(a, "abcdef");
    assert_string_equal(b, "abc");
    free(a);
    free(b);
}

/* Many small blocks of distinct contents: the sizes a cluster's strings and parts have. */
#define N_BLOCKS 20000
static void fill(unsigned char **blocks, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        size_t n = 8 + i % 120;
        blocks[i] = nt_xmalloc(n);
        memset(blocks[i], (int)(i % 251), n);
    }
}

static void check(unsigned char *const *blocks, size_t i)
{
    size_t n = 8 + i % 120;
    for (size_t k = 0; k < n; k++)
        assert_int_equal(blocks[i][k], i % 251);
}

static void test_the_heap_still_serves_once_a_run_winds_it_down(void **state)
{
    (void)state;
    nt_heap_setup();
    unsigned char **blocks = nt_xcalloc(N_BLOCKS, sizeof *blocks);
    fill(blocks, 0, N_BLOCKS);
    for (size_t i = 0; i < N_BLOCKS; i += 2) { /* freed before: some sit in the fast bins */
        free(blocks[i]);
        blocks[i] = NULL;
    }
    nt_heap_wind_down();
    nt_heap_wind_down(); /* a second call does nothing more */
    for (size_t i = 1; i < N_BLOCKS; i += 2)
        check(blocks, i);                    /* nothing that was held moved or changed */
    for (size_t i = 0; i < N_BLOCKS; i += 2) /* the freed room is handed out again */
        fill(blocks, i, i + 1);
    for (size_t i = 0; i < N_BLOCKS; i++)
        check(blocks, i);
    for (size_t i = N_BLOCKS; i-- > 0;) /* and taken back, neighbour after neighbour */
        free(blocks[i]);
    free(blocks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_capacity_doubles_from_the_first_until_it_holds_the_need),
        cmocka_unit_test(test_an_array_grown_an_item_at_a_time_keeps_its_items_and_zeroes_the_rest),
        cmocka_unit_test(test_a_copy_of_a_string_is_its_own_and_null_stays_null),
        cmocka_unit_test(test_the_heap_still_serves_once_a_run_winds_it_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
