/* Tests of core/base/yaml_emit.c: the one emitter's quoting rule, pinned by a table of tricky
 * words round-tripped through libyaml's own parser. Each word is written as a value and as a
 * key; it must come back as the same string, and when libyaml reads it back as a plain scalar
 * it must not match any implicit type of the YAML 1.1 type repository (the regular
 * expressions below are the repository's own, written independently of the rule under test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/yaml_emit.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

static const char *const tricky[] = {
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "true",
    "True",
    "TRUE",
    "false",
    "yes",
    "Yes",
    "no",
    "NO",
    "on",
    "On",
    "off",
    "y",
    "Y",
    "n",
    "N",
    "0",
    "-1",
    "+1",
    "007",
    "0x10",
    "0X1F",
    "0o17",
    "0b101",
    "1e3",
    "1E-3",
    "1.5",
    ".5",
    "1_000",
    "1:30",
    "190:20:30",
    ".inf",
    "-.inf",
    "+.INF",
    ".nan",
    ".NaN",
    "-",
    "+",
    ".",
    "<<",
    "=",
    ":",
    "#",
    "# comment",
    "a: b",
    "a:b",
    "- a",
    "-a",
    "? x",
    "[a]",
    "{a}",
    "&anchor",
    "*alias",
    "!tag",
    "|",
    ">",
    "%",
    "@",
    "`",
    "'",
    "\"",
    "it's",
    "say \"hi\"",
    "back\\slash",
    " leading",
    "trailing ",
    "two  spaces",
    "line\nbreak",
    "tab\there",
    "bell\a",
    "del\x7f",
    "nbsp\xc2\xa0x",
    "caf\xc3\xa9",
    "\xe2\x9c\x93",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "2001-1-2 3:04:05",
    "30080",
    "https://10.0.0.1:6443",
    "8.217.50.114.nip.io",
    "${VAR}",
    "$$",
    "a,b",
    "x%y",
};

/* YAML 1.1 implicit types (yaml.org/type): null, bool, int, float, merge, value. */
static const char *const implicit[] = {
    "^(~|null|Null|NULL|)$",
    "^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
    "^[-+]?0b[0-1_]+$",
    "^[-+]?0[0-7_]+$",
    "^[-+]?(0|[1-9][0-9_]*)$",
    "^[-+]?0x[0-9a-fA-F_]+$",
    "^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+$",
    "^[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+][0-9]+)?$",
    "^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*$",
    "^[-+]?\\.(inf|Inf|INF)$",
    "^\\.(nan|NaN|NAN)$",
    /* timestamps, as YAML 1.1 and Go's reader take them */
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\\.[0-9]*)?"
    "([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?$",
    "^<<$",
    "^=$",
};

static bool is_implicit_type(const char *s)
{
    for (size_t i = 0; i < sizeof(implicit) / sizeof(implicit[0]); i++) {
        regex_t re;
        assert_int_equal(regcomp(&re, implicit[i], REG_EXTENDED | REG_NOSUB), 0);
        bool m = regexec(&re, s, 0, NULL, 0) == 0;
        regfree(&re);
        if (m)
            return true;
    }
    return false;
}

/* The scalars of a document in order, with whether each was plain. */
static size_t scalars(const char *text, char **vals, bool *plain, size_t max)
{
    yaml_parser_t p;
    yaml_event_t ev;
    size_t n = 0;
    assert_true(yaml_parser_initialize(&p));
    yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
    for (;;) {
        assert_true(yaml_parser_parse(&p, &ev));
        if (ev.type == YAML_SCALAR_EVENT && n < max) {
            vals[n] = strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
            plain[n] = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            n++;
        }
        bool end = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
        if (end)
            break;
    }
    yaml_parser_delete(&p);
    return n;
}

static void test_each_tricky_word_reads_back_as_the_same_string_as_key_and_value(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++) {
        const char *w = tricky[i];
        nt_buf out = NT_BUF_INIT;
        nt_yaml y;
        nt_yaml_open(&y, &out);
        nt_yaml_map_start(&y, false);
        nt_yaml_str(&y, "k");
        nt_yaml_str(&y, w);
        nt_yaml_str(&y, w); /* as a key */
        nt_yaml_str(&y, "v");
        nt_yaml_map_end(&y);
        assert_int_equal(nt_yaml_close(&y), 0);
        char *vals[4];
        bool plain[4];
        size_t n = scalars(nt_buf_str(&out), vals, plain, 4);
        assert_int_equal(n, 4);
        for (size_t k = 1; k <= 2; k++) {
            if (strcmp(vals[k], w) || (plain[k] && is_implicit_type(vals[k])))
                fail_msg("word %zu '%s' came back as %s '%s' in:\n%s", i, w,
                         plain[k] ? "plain" : "quoted", vals[k], nt_buf_str(&out));
        }
        for (size_t k = 0; k < n; k++)
            free(vals[k]);
        nt_buf_free(&out);
    }
}

static void test_plain_words_stay_plain(void **state)
{
    (void)state;
    static const char *const words[] = {"traefik", "cluster-host", "8.217.50.114.nip.io",
                                        "https://10.0.0.1:6443", "kubernetes"};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        assert_false(nt_yaml_needs_quotes(words[i]));
    static const char *const quoted[] = {"", "yes", "NULL", "0x1F", "1:30", "<<", "=", "-", "1e3"};
    for (size_t i = 0; i < sizeof(quoted) / sizeof(quoted[0]); i++)
        assert_true(nt_yaml_needs_quotes(quoted[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_tricky_word_reads_back_as_the_same_string_as_key_and_value),
        cmocka_unit_test(test_plain_words_stay_plain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
