/* Tests of core/base/name_table.c: the one name → position table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/name_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *name_at(const void *items, size_t i)
{
    return ((char *const *)items)[i];
}

/* n names "cluster-0".. in a fresh array (freed with free_names). */
static char **make_names(size_t n)
{
    char **names = calloc(n, sizeof(*names));
    assert_non_null(names);
    for (size_t i = 0; i < n; i++) {
        names[i] = malloc(32);
        assert_non_null(names[i]);
        snprintf(names[i], 32, "cluster-%zu", i);
    }
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static void test_the_hash_is_fnv_1a(void **state)
{
    (void)state;
    assert_true(nt_name_hash("") == 0xcbf29ce484222325ULL);
    assert_true(nt_name_hash("a") == 0xaf63dc4c8601ec8cULL);
    assert_true(nt_name_hash("foobar") == 0x85944171f73967e8ULL);
}

static void test_an_empty_table_finds_nothing(void **state)
{
    (void)state;
    nt_name_table t = NT_NAME_TABLE_INIT;
    char *names[] = {"a"};
    assert_true(nt_name_table_find(&t, "a", name_at, names) == SIZE_MAX);
    assert_true(nt_name_table_find(&t, NULL, name_at, names) == SIZE_MAX);
    nt_name_table_free(&t);
    nt_name_table_free(NULL);
}

static void test_a_missing_name_is_not_found(void **state)
{
    (void)state;
    char *names[] = {"host", "virtual", "worker"};
    nt_name_table t = NT_NAME_TABLE_INIT;
    nt_name_table_index(&t, 3, name_at, names);
    assert_int_equal(nt_name_table_find(&t, "virtual", name_at, names), 1);
    assert_true(nt_name_table_find(&t, "virt", name_at, names) == SIZE_MAX);
    assert_true(nt_name_table_find(&t, "virtual2", name_at, names) == SIZE_MAX);
    assert_true(nt_name_table_find(&t, "", name_at, names) == SIZE_MAX);
    assert_true(nt_name_table_find(&t, NULL, name_at, names) == SIZE_MAX);
    nt_name_table_free(&t);
}

static void test_names_that_share_a_slot_are_all_found(void **state)
{
    (void)state;
    /* names whose hash falls in the same slot of the first (16-slot) table */
    enum { N = 6 };
    char *names[N];
    char missing[32] = "";
    size_t n = 0;
    uint64_t want = nt_name_hash("k0") & 15;
    for (unsigned i = 0; n < N || !*missing; i++) {
        char s[32];
        snprintf(s, sizeof(s), "k%u", i);
        if ((nt_name_hash(s) & 15) != want)
            continue;
        if (n < N)
            names[n++] = strdup(s);
        else
            strcpy(missing, s);
    }
    nt_name_table t = NT_NAME_TABLE_INIT;
    for (size_t i = 0; i < N; i++)
        nt_name_table_add(&t, i, name_at, names);
    assert_int_equal(t.cap, 16);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(nt_name_table_find(&t, names[i], name_at, names), i);
    assert_true(nt_name_table_find(&t, missing, name_at, names) == SIZE_MAX);
    nt_name_table_free(&t);
    for (size_t i = 0; i < N; i++)
        free(names[i]);
}

static void test_the_table_grows_and_keeps_every_position(void **state)
{
    (void)state;
    enum { N = 100 };
    char **names = make_names(N);
    nt_name_table t = NT_NAME_TABLE_INIT;
    for (size_t i = 0; i < N; i++) {
        nt_name_table_add(&t, i, name_at, names);
        assert_true((size_t)t.n * 2 <= t.cap); /* at most half full */
        for (size_t j = 0; j <= i; j++)
            assert_int_equal(nt_name_table_find(&t, names[j], name_at, names), j);
    }
    assert_int_equal(t.n, N);
    assert_int_equal(t.cap, 256);
    nt_name_table_free(&t);
    assert_null(t.slot);
    assert_int_equal(t.cap, 0);
    free_names(names, N);
}

static void test_many_names_are_found_and_others_are_not(void **state)
{
    (void)state;
    enum { N = 200000 };
    char **names = make_names(N);
    nt_name_table t = NT_NAME_TABLE_INIT;
    for (size_t i = 0; i < N; i++)
        nt_name_table_add(&t, i, name_at, names);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(nt_name_table_find(&t, names[i], name_at, names), i);
    char s[32];
    for (size_t i = N; i < N + 1000; i++) {
        snprintf(s, sizeof(s), "cluster-%zu", i);
        assert_true(nt_name_table_find(&t, s, name_at, names) == SIZE_MAX);
    }
    nt_name_table_free(&t);
    free_names(names, N);
}

static void test_a_name_added_twice_is_found_at_its_first_position(void **state)
{
    (void)state;
    char *names[] = {"a", "b", "a", "c", "b"};
    nt_name_table t = NT_NAME_TABLE_INIT;
    assert_int_equal(nt_name_table_index(&t, 5, name_at, names), 2); /* the first repeat */
    assert_int_equal(nt_name_table_find(&t, "a", name_at, names), 0);
    assert_int_equal(nt_name_table_find(&t, "b", name_at, names), 1);
    assert_int_equal(nt_name_table_find(&t, "c", name_at, names), 3);
    assert_int_equal(t.n, 3); /* the repeats are not added */
    assert_true(nt_name_table_index(&t, 2, name_at, names) == SIZE_MAX); /* "a", "b": unique */
    assert_true(nt_name_table_index(&t, 0, name_at, names) == SIZE_MAX);
    nt_name_table_free(&t);
}

static void test_reindexing_follows_items_that_moved(void **state)
{
    (void)state;
    char *names[] = {"c", "a", "b"};
    nt_name_table t = NT_NAME_TABLE_INIT;
    nt_name_table_index(&t, 3, name_at, names);
    names[0] = "a", names[1] = "b", names[2] = "c"; /* sorted */
    nt_name_table_index(&t, 3, name_at, names);
    assert_int_equal(t.n, 3);
    assert_int_equal(nt_name_table_find(&t, "a", name_at, names), 0);
    assert_int_equal(nt_name_table_find(&t, "c", name_at, names), 2);
    nt_name_table_index(&t, 2, name_at, names); /* "c" removed */
    assert_true(nt_name_table_find(&t, "c", name_at, names) == SIZE_MAX);
    nt_name_table_index(&t, 0, name_at, names);
    assert_true(nt_name_table_find(&t, "a", name_at, names) == SIZE_MAX);
    nt_name_table_free(&t);
}

static void test_adding_a_name_already_there_gives_its_position_and_adds_nothing(void **state)
{
    (void)state;
    char *names[] = {"a", "b", "a", "b", "c"};
    nt_name_table t = NT_NAME_TABLE_INIT;
    assert_int_equal(nt_name_table_add(&t, 0, name_at, names), 0);
    assert_int_equal(nt_name_table_add(&t, 1, name_at, names), 1);
    assert_int_equal(nt_name_table_add(&t, 2, name_at, names), 0);
    assert_int_equal(nt_name_table_add(&t, 3, name_at, names), 1);
    assert_int_equal(t.n, 2);
    assert_int_equal(nt_name_table_add(&t, 4, name_at, names), 4);
    assert_int_equal(t.n, 3);
    assert_int_equal(nt_name_table_find(&t, "a", name_at, names), 0);
    assert_int_equal(nt_name_table_find(&t, "c", name_at, names), 4);
    nt_name_table_free(&t);
}

static void test_an_index_is_sized_once_as_adding_would_size_it(void **state)
{
    (void)state;
    enum { N = 200000 };
    char **names = make_names(N);
    static const size_t sizes[] = {1, 7, 8, 100, 4095, 4096, N};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        size_t n = sizes[k];
        nt_name_table added = NT_NAME_TABLE_INIT, indexed = NT_NAME_TABLE_INIT;
        for (size_t i = 0; i < n; i++)
            nt_name_table_add(&added, i, name_at, names);
        nt_name_table_index(&indexed, n, name_at, names);
        assert_int_equal(indexed.cap, added.cap);
        assert_int_equal(indexed.n, n);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(nt_name_table_find(&indexed, names[i], name_at, names), i);
        assert_true(nt_name_table_find(&indexed, names[n < N ? n : 0], name_at, names) ==
                    (n < N ? SIZE_MAX : 0));
        nt_name_table_free(&added);
        nt_name_table_free(&indexed);
    }
    free_names(names, N);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_hash_is_fnv_1a),
        cmocka_unit_test(test_an_empty_table_finds_nothing),
        cmocka_unit_test(test_a_missing_name_is_not_found),
        cmocka_unit_test(test_names_that_share_a_slot_are_all_found),
        cmocka_unit_test(test_the_table_grows_and_keeps_every_position),
        cmocka_unit_test(test_many_names_are_found_and_others_are_not),
        cmocka_unit_test(test_a_name_added_twice_is_found_at_its_first_position),
        cmocka_unit_test(test_reindexing_follows_items_that_moved),
        cmocka_unit_test(test_adding_a_name_already_there_gives_its_position_and_adds_nothing),
        cmocka_unit_test(test_an_index_is_sized_once_as_adding_would_size_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
