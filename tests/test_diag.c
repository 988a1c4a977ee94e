/* Tests of core/base/diag.c: collecting, sorting and formatting diagnostics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/diag.h"

#include <string.h>

static void test_an_error_returns_minus_one_and_a_warning_zero(void **state)
{
    (void)state;
    nt_diag d = NT_DIAG_INIT;
    assert_int_equal(nt_diag_add(&d, NT_SEV_ERROR, NT_POS_NONE, NULL, "bad %d", 1), -1);
    assert_int_equal(nt_diag_add(&d, NT_SEV_WARNING, NT_POS_NONE, NULL, "meh"), 0);
    assert_int_equal(nt_diag_add(&d, NT_SEV_NOTE, NT_POS_NONE, NULL, "fyi"), 0);
    assert_int_equal(nt_diag_error(&d, "plain %s", "error"), -1);
    assert_int_equal(d.n, 4);
    assert_int_equal(d.n_errors, 2);
    assert_int_equal(d.n_warnings, 1);
    assert_true(nt_diag_has_errors(&d));
    assert_string_equal(d.items[0].msg, "bad 1");
    nt_diag_free(&d);
    nt_diag_free(NULL);
}

static void test_only_warnings_are_not_errors(void **state)
{
    (void)state;
    nt_diag d = NT_DIAG_INIT;
    nt_diag_add(&d, NT_SEV_WARNING, NT_POS_NONE, NULL, "w");
    assert_false(nt_diag_has_errors(&d));
    nt_diag_free(&d);
}

static void test_an_item_keeps_copies_of_file_cluster_and_code(void **state)
{
    (void)state;
    nt_diag d = NT_DIAG_INIT;
    char file[] = "a.yaml", cluster[] = "c1";
    nt_diag_addc(&d, NT_SEV_ERROR, 42, (nt_pos){file, 3, 7}, cluster, "x");
    file[0] = 'z';
    cluster[0] = 'z';
    assert_string_equal(d.items[0].file, "a.yaml");
    assert_string_equal(d.items[0].cluster, "c1");
    assert_int_equal(d.items[0].code, 42);
    assert_int_equal(d.items[0].line, 3);
    assert_int_equal(d.items[0].col, 7);
    nt_diag_free(&d);
}

static void test_format_prints_file_line_column_severity_and_cluster(void **state)
{
    (void)state;
    nt_diag d = NT_DIAG_INIT;
    nt_buf out = NT_BUF_INIT;
    nt_diag_add(&d, NT_SEV_ERROR, (nt_pos){"c.yaml", 4, 5}, "host", "usage must be set");
    nt_diag_add(&d, NT_SEV_NOTE, (nt_pos){"c.yaml", 0, 0}, NULL, "whole file");
    nt_diag_add(&d, NT_SEV_WARNING, NT_POS_NONE, "", "no position");
    nt_diag_format(&d, &out, false);
    assert_string_equal(nt_buf_str(&out), "c.yaml:4:5: error: usage must be set (cluster host)\n"
                                          "c.yaml: note: whole file\n"
                                          "warning: no position\n");
    nt_buf_free(&out);
    nt_diag_free(&d);
}

static void test_colour_wraps_only_the_severity_word(void **state)
{
    (void)state;
    nt_diag d = NT_DIAG_INIT;
    nt_buf out = NT_BUF_INIT;
    nt_diag_add(&d, NT_SEV_ERROR, (nt_pos){"f", 1, 1}, NULL, "m");
    nt_diag_format(&d, &out, true);
    assert_string_equal(nt_buf_str(&out), "f:1:1: \033[1;31merror:\033[0m m\n");
    nt_buf_free(&out);
    nt_diag_free(&d);
}

static void test_sort_orders_by_file_line_column_and_is_stable(void **state)
{
    (void)state;
    nt_diag d = NT_DIAG_INIT;
    nt_diag_add(&d, NT_SEV_ERROR, NT_POS_NONE, NULL, "nopos");
    nt_diag_add(&d, NT_SEV_ERROR, (nt_pos){"b.yaml", 1, 1}, NULL, "b1");
    nt_diag_add(&d, NT_SEV_ERROR, (nt_pos){"a.yaml", 9, 1}, NULL, "a9");
    nt_diag_add(&d, NT_SEV_ERROR, (nt_pos){"a.yaml", 2, 8}, NULL, "a2-8");
    nt_diag_add(&d, NT_SEV_ERROR, (nt_pos){"a.yaml", 2, 3}, NULL, "a2-3 first");
    nt_diag_add(&d, NT_SEV_ERROR, (nt_pos){"a.yaml", 2, 3}, NULL, "a2-3 second");
    nt_diag_sort(&d);
    const char *want[] = {"a2-3 first", "a2-3 second", "a2-8", "a9", "b1", "nopos"};
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(d.items[i].msg, want[i]);
    nt_diag_free(&d);
}

static void test_move_appends_everything_and_empties_the_source(void **state)
{
    (void)state;
    nt_diag a = NT_DIAG_INIT, b = NT_DIAG_INIT;
    nt_diag_add(&a, NT_SEV_WARNING, NT_POS_NONE, NULL, "a");
    nt_diag_move(&a, &b); /* empty source */
    assert_int_equal(a.n, 1);
    nt_diag_add(&b, NT_SEV_ERROR, NT_POS_NONE, NULL, "b");
    nt_diag_move(&a, &b);
    assert_int_equal(a.n, 2);
    assert_int_equal(a.n_errors, 1);
    assert_int_equal(a.n_warnings, 1);
    assert_int_equal(b.n, 0);
    assert_false(nt_diag_has_errors(&b));
    assert_string_equal(a.items[1].msg, "b");
    nt_diag_free(&a);
    nt_diag_free(&b);
}

static void test_many_items_are_kept_in_order(void **state)
{
    (void)state;
    nt_diag d = NT_DIAG_INIT;
    for (int i = 0; i < 1000; i++)
        nt_diag_add(&d, NT_SEV_ERROR, NT_POS_NONE, NULL, "e%d", i);
    assert_int_equal(d.n, 1000);
    assert_string_equal(d.items[999].msg, "e999");
    assert_string_equal(nt_severity_name(NT_SEV_NOTE), "note");
    nt_diag_free(&d);
    assert_int_equal(d.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_an_error_returns_minus_one_and_a_warning_zero),
        cmocka_unit_test(test_only_warnings_are_not_errors),
        cmocka_unit_test(test_an_item_keeps_copies_of_file_cluster_and_code),
        cmocka_unit_test(test_format_prints_file_line_column_severity_and_cluster),
        cmocka_unit_test(test_colour_wraps_only_the_severity_word),
        cmocka_unit_test(test_sort_orders_by_file_line_column_and_is_stable),
        cmocka_unit_test(test_move_appends_everything_and_empties_the_source),
        cmocka_unit_test(test_many_items_are_kept_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
