/* Tests of core/base/escape.c: bytes a terminal acts on never pass through; ordinary text does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/escape.h"

#include <stdlib.h>
#include <string.h>

static char *esc(const char *s, bool quoted)
{
    nt_buf b = NT_BUF_INIT;
    nt_buf_add_escaped(&b, s, quoted);
    return nt_buf_detach(&b);
}

static void test_ordinary_names_and_utf8_are_unchanged(void **state)
{
    (void)state;
    const char *plain[] = {"cluster-host", "", "a b\\c \"q\"", "produção-集群-🚀"};
    for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
        char *o = esc(plain[i], false);
        assert_string_equal(o, plain[i]);
        assert_true(nt_is_printable(plain[i]));
        free(o);
    }
    char *o = esc(NULL, false);
    assert_string_equal(o, "");
    free(o);
}

static void test_a_forged_plan_line_is_escaped(void **state)
{
    (void)state;
    const char *evil = "x\033[2J\033[H\r\nPlan: 0 to add\x7f\t";
    char *o = esc(evil, false);
    assert_string_equal(o, "x\\u001b[2J\\u001b[H\\r\\nPlan: 0 to add\\u007f\\t");
    assert_false(nt_is_printable(evil));
    free(o);
    /* C1 controls (CSI is U+009B), broken UTF-8, an overlong '/', a surrogate */
    o = esc("a\xc2\x9b"
            "31mb\xff\xc0\xaf\xed\xa0\x80z",
            false);
    assert_string_equal(o, "a\\u009b31mb\\xff\\xc0\\xaf\\xed\\xa0\\x80z");
    free(o);
    o = esc("cut\xe2\x82", false); /* a sequence cut by the end of the string */
    assert_string_equal(o, "cut\\xe2\\x82");
    free(o);
}

static void test_quoted_values_are_json_strings(void **state)
{
    (void)state;
    char *o = esc("say \"hi\"\\\n\033", true);
    assert_string_equal(o, "\"say \\\"hi\\\"\\\\\\n\\u001b\"");
    free(o);
    o = esc(NULL, true);
    assert_string_equal(o, "\"\"");
    free(o);
}

/* nt_buf_add_escaped_n of len bytes with `how`, as a new string. */
static char *esc_n(const char *s, size_t len, unsigned how)
{
    nt_buf b = NT_BUF_INIT;
    nt_buf_add_escaped_n(&b, s, len, how);
    return nt_buf_detach(&b);
}

static void test_a_nul_inside_the_length_is_escaped_not_an_end(void **state)
{
    (void)state;
    char *o = esc_n("victim\0x\xe2\x82", 10, 0);
    assert_string_equal(o, "victim\\u0000x\\xe2\\x82");
    free(o);
    o = esc_n("a\0b", 3, NT_ESC_QUOTED);
    assert_string_equal(o, "\"a\\u0000b\"");
    free(o);
    o = esc_n(NULL, 4, 0);
    assert_string_equal(o, "");
    free(o);
}

static void test_the_hex_style_writes_every_byte_outside_printable_ascii(void **state)
{
    (void)state;
    char *o = esc_n("victim\0x\n\"q\"\\ \xc3\xa9\x7f~", 18, NT_ESC_HEX);
    assert_string_equal(o, "victim\\x00x\\x0a\\x22q\\x22\\x5c \\xc3\\xa9\\x7f~");
    free(o);
    o = esc_n("\0", 1, NT_ESC_HEX);
    assert_string_equal(o, "\\x00");
    free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordinary_names_and_utf8_are_unchanged),
        cmocka_unit_test(test_a_forged_plan_line_is_escaped),
        cmocka_unit_test(test_quoted_values_are_json_strings),
        cmocka_unit_test(test_a_nul_inside_the_length_is_escaped_not_an_end),
        cmocka_unit_test(test_the_hex_style_writes_every_byte_outside_printable_ascii),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
