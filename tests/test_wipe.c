/* Tests of core/base/wipe.c: the one way to wipe a secret. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/alloc.h"
#include "core/base/wipe.h"

#include <stdlib.h>
#include <string.h>

static void test_wipe_zeroes_exactly_the_bytes_given(void **state)
{
    (void)state;
    char s[] = "secret-token";
    nt_wipe(s, 6);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(s[i], 0);
    assert_string_equal(s + 6, "-token");
    nt_wipe(NULL, 5);
    nt_wipe(s, 0);
}

static void test_wipe_str_zeroes_the_string_up_to_its_nul(void **state)
{
    (void)state;
    char s[] = "abc\0def";
    nt_wipe_str(s);
    assert_memory_equal(s, "\0\0\0\0def", 8);
    nt_wipe_str(NULL);
}

static void test_wipe_free_takes_a_string_or_null(void **state)
{
    (void)state;
    nt_wipe_free(nt_xstrdup("kubeconfig text"));
    nt_wipe_free(NULL);
}

static void test_wipe_buf_free_empties_the_buffer(void **state)
{
    (void)state;
    nt_buf b = NT_BUF_INIT;
    nt_buf_adds(&b, "client-key-data: c2VjcmV0");
    nt_wipe_buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    nt_wipe_buf_free(&b); /* twice: nothing left */
    nt_wipe_buf_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wipe_zeroes_exactly_the_bytes_given),
        cmocka_unit_test(test_wipe_str_zeroes_the_string_up_to_its_nul),
        cmocka_unit_test(test_wipe_free_takes_a_string_or_null),
        cmocka_unit_test(test_wipe_buf_free_empties_the_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
