/* Tests of core/base/json_read.c: JSON from an untrusted peer, and trees that hold a secret. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/alloc.h"
#include "core/base/json_read.h"
#include "core/base/wipe.h"

#include <stdlib.h>
#include <string.h>

/* nt_json_print_secret prints what cJSON prints, formatted or not */
static void same_as_cjson(const cJSON *j)
{
    for (int format = 0; format <= 1; format++) {
        char *want = format ? cJSON_Print(j) : cJSON_PrintUnformatted(j);
        char *got = nt_json_print_secret(j, format);
        assert_non_null(want);
        assert_non_null(got);
        assert_string_equal(got, want);
        cJSON_free(want);
        nt_wipe_free(got);
    }
}

static void test_a_secret_tree_prints_as_cjson_prints_it(void **state)
{
    (void)state;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "api_server", "https://10.0.0.1:6443");
    cJSON_AddStringToObject(o, "kubeconfig",
                            "apiVersion: v1\nkind: Config\nusers:\n- token: \"t\"\n");
    cJSON_AddNumberToObject(o, "port", 30443);
    cJSON_AddNullToObject(o, "none");
    cJSON_AddBoolToObject(o, "yes", 1);
    cJSON *list = cJSON_AddObjectToObject(o, "components_list");
    cJSON *g = cJSON_AddObjectToObject(list, "gateway");
    cJSON_AddStringToObject(g, "name", "traefik");
    cJSON_AddArrayToObject(o, "empty");
    same_as_cjson(o);
    nt_json_wipe(o);
    cJSON_Delete(o);

    cJSON *empty = cJSON_CreateObject();
    same_as_cjson(empty);
    cJSON_Delete(empty);
    cJSON *s = cJSON_CreateString("");
    same_as_cjson(s);
    cJSON_Delete(s);
    assert_null(nt_json_print_secret(NULL, false));
}

/* It prints once, into a block as large as the text can be: the largest text there is (every
 * byte a control character, six bytes as \u00XX, in keys and values, formatted and not, 50
 * levels deep) still fits; were the bound short, the print would fail (NULL). */
static void test_the_worst_text_fits_the_one_block(void **state)
{
    (void)state;
    size_t n = 100000;
    char *raw = nt_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        raw[i] = (char)(1 + i % 31); /* \x01 to \x1f: \t, \n, ... two bytes, the rest six */
    raw[n] = 0;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kubeconfig", raw);
    cJSON *deep = o;
    for (int d = 0; d < 50; d++)
        deep = cJSON_AddObjectToObject(deep, "nested");
    cJSON_AddStringToObject(deep, "leaf", raw);
    cJSON_AddStringToObject(deep, raw, "a key of control characters");
    cJSON *arr = cJSON_AddArrayToObject(deep, "numbers");
    for (int i = 0; i < 100; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(-1.2345678901234567e-300 * (i + 1)));
    same_as_cjson(o);
    nt_json_wipe(o);
    /* every string of the tree is wiped */
    assert_memory_equal(cJSON_GetObjectItem(o, "kubeconfig")->valuestring, "\0\0\0\0", 4);
    cJSON_Delete(o);
    free(raw);
}

static void test_a_parse_error_says_where_it_stopped(void **state)
{
    (void)state;
    size_t at = 0;
    const char bad[] = "{\n  \"a\": 1,\n  \"b\": nope\n}";
    assert_null(nt_json_parse(bad, strlen(bad), &at));
    unsigned line = 0, col = 0;
    nt_line_col(bad, strlen(bad), at, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 8);
    const char nul[] = "{\"a\":\"x\0y\"}";
    assert_null(nt_json_parse(nul, sizeof(nul) - 1, &at));
    cJSON *j = nt_json_parse("{\"a\":[1,2]}", 11, &at);
    assert_non_null(j);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "a")), 2);
    cJSON_Delete(j);
}

static void test_utf8_is_strict(void **state)
{
    (void)state;
    assert_true(nt_utf8_valid((const unsigned char *)"h\xc3\xa9llo", 6));
    assert_false(nt_utf8_valid((const unsigned char *)"\xc0\xaf", 2));         /* overlong */
    assert_false(nt_utf8_valid((const unsigned char *)"\xed\xa0\x80", 3));     /* surrogate */
    assert_false(nt_utf8_valid((const unsigned char *)"\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(nt_utf8_valid((const unsigned char *)"\xc3", 1));             /* cut short */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_secret_tree_prints_as_cjson_prints_it),
        cmocka_unit_test(test_the_worst_text_fits_the_one_block),
        cmocka_unit_test(test_a_parse_error_says_where_it_stopped),
        cmocka_unit_test(test_utf8_is_strict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
