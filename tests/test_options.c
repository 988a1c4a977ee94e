/* Tests of core/base/options.c: flags declared once as typed data, parsed and listed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/options.h"

#include <stdlib.h>
#include <string.h>

/* One table of every kind, its destinations, the positional arguments and the error: set up
 * before each test, freed after. */
typedef struct fixture {
    bool json;
    const char *out;
    long parallelism;
    nt_strlist targets, pos;
    bool help;
    nt_buf err;
    nt_option opts[6];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    f->parallelism = 1;
    const nt_option opts[] = {
        OPT_BOOL("json", &f->json, "print JSON"),
        OPT_STRING("out", &f->out, "PLAN", "save the plan"),
        OPT_INT("parallelism", &f->parallelism, "N", 1, 256, "requests in flight"),
        OPT_LIST("target", &f->targets, "NAME", "only this cluster (repeatable)"),
        OPT_HELP("this text"),
        OPT_END,
    };
    memcpy(f->opts, opts, sizeof(opts));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    nt_strlist_free(&f->targets);
    nt_strlist_free(&f->pos);
    nt_buf_free(&f->err);
    free(f);
    return 0;
}

/* Parse the NULL-terminated words after a command name; returns nt_opt_parse's result. */
static int parse(fixture *f, ...)
{
    char *argv[16] = {"cmd"};
    int argc = 1;
    va_list ap;
    va_start(ap, f);
    for (char *a; (a = va_arg(ap, char *)) && argc < 15;)
        argv[argc++] = a;
    va_end(ap);
    return nt_opt_parse(f->opts, argc, argv, &f->pos, &f->help, &f->err);
}

static void test_a_value_follows_the_flag_or_an_equals_sign(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "--out", "a.plan", "--parallelism=8", "--json", NULL), 0);
    assert_string_equal(f->out, "a.plan");
    assert_int_equal(f->parallelism, 8);
    assert_true(f->json);
    assert_int_equal(f->pos.n, 0);
    assert_int_equal(parse(f, "--out=b.plan", NULL), 0);
    assert_string_equal(f->out, "b.plan"); /* the last one wins */
}

static void test_an_equals_sign_keeps_the_rest_of_the_word_even_an_empty_value(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "--out=x=y", "--target=", NULL), 0);
    assert_string_equal(f->out, "x=y");
    assert_int_equal(f->targets.n, 1);
    assert_string_equal(f->targets.items[0], "");
}

static void test_positional_arguments_are_kept_in_order_around_the_flags(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "a.yaml", "--json", "-", "b.yaml", NULL), 0);
    assert_int_equal(f->pos.n, 3);
    assert_string_equal(f->pos.items[0], "a.yaml");
    assert_string_equal(f->pos.items[1], "-"); /* a lone dash is an argument */
    assert_string_equal(f->pos.items[2], "b.yaml");
}

static void test_a_double_dash_ends_the_options(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "--json", "--", "--out", "--no-such", NULL), 0);
    assert_true(f->json);
    assert_null(f->out);
    assert_int_equal(f->pos.n, 2);
    assert_string_equal(f->pos.items[0], "--out");
    assert_string_equal(f->pos.items[1], "--no-such");
}

static void test_a_number_outside_its_bounds_or_not_a_number_is_refused(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "--parallelism", "256", NULL), 0);
    assert_int_equal(f->parallelism, 256);
    assert_int_equal(parse(f, "--parallelism", "257", NULL), -1);
    assert_string_equal(nt_buf_str(&f->err),
                        "--parallelism takes a whole number from 1 to 256, not '257'");
    assert_int_equal(f->parallelism, 256); /* unchanged */
    nt_buf_reset(&f->err);
    assert_int_equal(parse(f, "--parallelism=0", NULL), -1);
    nt_buf_reset(&f->err);
    assert_int_equal(parse(f, "--parallelism=4x", NULL), -1);
    assert_string_equal(nt_buf_str(&f->err),
                        "--parallelism takes a whole number from 1 to 256, not '4x'");
    nt_buf_reset(&f->err);
    assert_int_equal(parse(f, "--parallelism=99999999999999999999", NULL), -1);
}

static void test_an_unknown_flag_is_named(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "--jsn", NULL), -1);
    assert_string_equal(nt_buf_str(&f->err), "unknown flag '--jsn': did you mean --json?");
    nt_buf_reset(&f->err);
    assert_int_equal(parse(f, "--jsn=1", NULL), -1);
    assert_string_equal(nt_buf_str(&f->err), "unknown flag '--jsn': did you mean --json?");
    nt_buf_reset(&f->err);
    assert_int_equal(parse(f, "--completely-else", NULL), -1); /* nothing close: no guess */
    assert_string_equal(nt_buf_str(&f->err), "unknown flag '--completely-else'");
    nt_buf_reset(&f->err);
    assert_int_equal(parse(f, "-j", NULL), -1);
    assert_string_equal(nt_buf_str(&f->err), "unknown flag '-j' (flags are long: --name)");
    nt_buf_reset(&f->err);
    assert_int_equal(parse(f, "--js", NULL), -1); /* no abbreviations */
}

static void test_a_flag_at_the_end_without_its_value_is_refused(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "a.yaml", "--out", NULL), -1);
    assert_string_equal(nt_buf_str(&f->err), "--out needs a value (PLAN)");
    assert_null(f->out);
}

static void test_a_repeated_list_flag_keeps_every_value(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "--target", "a", "--target=b", "--target", "a", NULL), 0);
    assert_int_equal(f->targets.n, 3);
    assert_string_equal(f->targets.items[0], "a");
    assert_string_equal(f->targets.items[1], "b");
    assert_string_equal(f->targets.items[2], "a");
}

static void test_a_boolean_flag_given_a_value_is_refused(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "--json=true", NULL), -1);
    assert_string_equal(nt_buf_str(&f->err), "--json takes no value");
    assert_false(f->json);
    /* the next word is not its value */
    assert_int_equal(parse(f, "--json", "true", NULL), 0);
    assert_true(f->json);
    assert_int_equal(f->pos.n, 1);
}

static void test_help_is_understood_anywhere_and_parsing_goes_on(void **state)
{
    fixture *f = *state;
    assert_int_equal(parse(f, "--json", "-h", NULL), 0);
    assert_true(f->help);
    f->help = false;
    assert_int_equal(parse(f, "--help", "--out", "p", NULL), 0);
    assert_true(f->help);
    assert_string_equal(f->out, "p");
    /* a value that looks like --help is a value */
    assert_int_equal(parse(f, "--out", "--help", NULL), 0);
    assert_string_equal(f->out, "--help");
}

static void test_the_usage_lists_each_flag_with_its_argument_and_help(void **state)
{
    fixture *f = *state;
    nt_buf b = NT_BUF_INIT;
    nt_opt_usage(&b, f->opts, 20);
    assert_string_equal(nt_buf_str(&b), "  --json            print JSON\n"
                                        "  --out PLAN        save the plan\n"
                                        "  --parallelism N   requests in flight\n"
                                        "  --target NAME     only this cluster (repeatable)\n"
                                        "  --help            this text\n");
    nt_buf_free(&b);
}

static void test_the_environment_fills_a_flag_the_command_line_did_not_give(void **state)
{
    (void)state;
    const char *cacert = NULL, *state_src = NULL;
    long timeout = 300;
    bool insecure = false;
    const nt_option opts[] = {
        OPT_STRING_ENV("cacert", &cacert, "FILE", "NT_TEST_CACERT", "CA"),
        OPT_STRING_ENV("state", &state_src, "SRC", "NT_TEST_STATE", "source"),
        OPT_INT_ENV("timeout", &timeout, "SEC", 1, 86400, "NT_TEST_TIMEOUT", "seconds"),
        OPT_BOOL_ENV("insecure", &insecure, "NT_TEST_INSECURE", "no TLS check"),
        OPT_END,
    };
    setenv("NT_TEST_CACERT", "env.pem", 1);
    setenv("NT_TEST_STATE", "", 1); /* empty: as if unset */
    setenv("NT_TEST_TIMEOUT", "60", 1);
    setenv("NT_TEST_INSECURE", "yes", 1);
    char *argv[] = {"cmd", "--timeout", "5"};
    nt_strlist pos = {0};
    nt_buf err = NT_BUF_INIT;
    assert_int_equal(nt_opt_parse(opts, 3, argv, &pos, NULL, &err), 0);
    assert_string_equal(cacert, "env.pem"); /* from the environment */
    assert_null(state_src);                 /* the empty variable is not a value */
    assert_int_equal(timeout, 5);           /* the flag wins */
    assert_true(insecure);

    setenv("NT_TEST_INSECURE", "0", 1);
    insecure = true;
    assert_int_equal(nt_opt_parse(opts, 1, argv, &pos, NULL, &err), 0);
    assert_false(insecure);
    assert_int_equal(timeout, 60);

    setenv("NT_TEST_INSECURE", "maybe", 1);
    assert_int_equal(nt_opt_parse(opts, 1, argv, &pos, NULL, &err), -1);
    assert_string_equal(nt_buf_str(&err),
                        "NT_TEST_INSECURE (the environment variable for "
                        "--insecure) is 1, true, yes, 0, false or no, not 'maybe'");
    nt_buf_reset(&err);
    setenv("NT_TEST_INSECURE", "1", 1);
    setenv("NT_TEST_TIMEOUT", "0", 1);
    assert_int_equal(nt_opt_parse(opts, 1, argv, &pos, NULL, &err), -1);
    assert_string_equal(nt_buf_str(&err),
                        "NT_TEST_TIMEOUT (the environment variable for "
                        "--timeout) takes a whole number from 1 to 86400, not '0'");
    unsetenv("NT_TEST_CACERT");
    unsetenv("NT_TEST_STATE");
    unsetenv("NT_TEST_TIMEOUT");
    unsetenv("NT_TEST_INSECURE");
    nt_strlist_free(&pos);
    nt_buf_free(&err);
}

static void test_a_refused_flag_says_why_and_is_not_listed(void **state)
{
    (void)state;
    bool json = false;
    const nt_option opts[] = {
        OPT_BOOL("json", &json, "JSON"),
        OPT_REFUSED("token", "put it in a file"),
        OPT_END,
    };
    char *argv[] = {"cmd", "--token", "s3cret"};
    char *argv_eq[] = {"cmd", "--token=s3cret"};
    nt_strlist pos = {0};
    nt_buf err = NT_BUF_INIT;
    assert_int_equal(nt_opt_parse(opts, 3, argv, &pos, NULL, &err), -1);
    assert_string_equal(nt_buf_str(&err), "--token is not accepted: put it in a file");
    nt_buf_reset(&err);
    assert_int_equal(nt_opt_parse(opts, 2, argv_eq, &pos, NULL, &err), -1);
    assert_string_equal(nt_buf_str(&err), "--token is not accepted: put it in a file");
    nt_buf_reset(&err);
    nt_opt_usage(&err, opts, 10);
    assert_string_equal(nt_buf_str(&err), "  --json  JSON\n");
    nt_strlist_free(&pos);
    nt_buf_free(&err);
}

static void test_a_wide_flag_and_a_long_help_continue_on_the_next_line(void **state)
{
    (void)state;
    long n = 0;
    const nt_option opts[] = {
        OPT_INT("connections-per-address", &n, "N", 1, 4000, "at most N\nat a time"),
        OPT_END,
    };
    nt_buf b = NT_BUF_INIT;
    nt_opt_usage(&b, opts, 10);
    assert_string_equal(nt_buf_str(&b), "  --connections-per-address N\n"
                                        "          at most N\n"
                                        "          at a time\n");
    nt_buf_free(&b);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_a_value_follows_the_flag_or_an_equals_sign),
        T(test_an_equals_sign_keeps_the_rest_of_the_word_even_an_empty_value),
        T(test_positional_arguments_are_kept_in_order_around_the_flags),
        T(test_a_double_dash_ends_the_options),
        T(test_a_number_outside_its_bounds_or_not_a_number_is_refused),
        T(test_an_unknown_flag_is_named),
        T(test_a_flag_at_the_end_without_its_value_is_refused),
        T(test_a_repeated_list_flag_keeps_every_value),
        T(test_a_boolean_flag_given_a_value_is_refused),
        T(test_help_is_understood_anywhere_and_parsing_goes_on),
        T(test_the_usage_lists_each_flag_with_its_argument_and_help),
        cmocka_unit_test(test_a_wide_flag_and_a_long_help_continue_on_the_next_line),
        cmocka_unit_test(test_the_environment_fills_a_flag_the_command_line_did_not_give),
        cmocka_unit_test(test_a_refused_flag_says_why_and_is_not_listed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
