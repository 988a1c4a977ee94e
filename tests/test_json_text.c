/* Tests of core/base/json_text.c: the one JSON printer (two-space indentation, safe controls). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/json_text.h"

#include <stdlib.h>

static void test_a_document_is_indented_with_two_spaces_and_one_after_each_colon(void **state)
{
    (void)state;
    cJSON *doc = cJSON_Parse("{\"a\":1,\"b\":{\"c\":[\"x\",\"y\"],\"d\":{}}}");
    nt_buf out = NT_BUF_INIT;
    assert_int_equal(nt_json_print(doc, &out), 0);
    assert_string_equal(nt_buf_str(&out), "{\n"
                                          "  \"a\": 1,\n"
                                          "  \"b\": {\n"
                                          "    \"c\": [\"x\", \"y\"],\n"
                                          "    \"d\": {\n"
                                          "    }\n"
                                          "  }\n"
                                          "}\n");
    cJSON_Delete(doc);
    nt_buf_free(&out);
}

static void test_a_tab_inside_a_string_stays_an_escape_and_controls_are_escaped(void **state)
{
    (void)state;
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "k",
                            "a\tb\x7f"
                            "c\xc2\x85");
    nt_buf out = NT_BUF_INIT;
    assert_int_equal(nt_json_print(doc, &out), 0);
    assert_string_equal(nt_buf_str(&out), "{\n  \"k\": \"a\\tb\\u007fc\\u0085\"\n}\n");
    cJSON *back = cJSON_Parse(nt_buf_str(&out));
    assert_string_equal(cJSON_GetObjectItem(back, "k")->valuestring, "a\tb\x7f"
                                                                     "c\xc2\x85");
    cJSON_Delete(back);
    cJSON_Delete(doc);
    nt_buf_free(&out);
}

static void test_the_compact_form_is_cjsons_own_without_whitespace_or_added_escapes(void **state)
{
    (void)state;
    cJSON *doc = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(doc, "products");
    cJSON_AddItemToArray(arr, cJSON_CreateString("a\tb"));
    cJSON_AddItemToArray(arr, cJSON_CreateString("c\xc2\x85"
                                                 "d")); /* U+0085, a C1 control */
    cJSON_AddNullToObject(doc, "none");
    char *s = nt_json_compact(doc);
    assert_string_equal(s, "{\"products\":[\"a\\tb\",\"c\xc2\x85"
                           "d\"],\"none\":null}");
    free(s);
    cJSON *empty = cJSON_CreateArray();
    s = nt_json_compact(empty);
    assert_string_equal(s, "[]");
    free(s);
    cJSON_Delete(empty);
    cJSON_Delete(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_document_is_indented_with_two_spaces_and_one_after_each_colon),
        cmocka_unit_test(test_a_tab_inside_a_string_stays_an_escape_and_controls_are_escaped),
        cmocka_unit_test(test_the_compact_form_is_cjsons_own_without_whitespace_or_added_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
