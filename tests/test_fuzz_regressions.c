/* Every input a fuzz target once crashed on (testdata/fuzz-regressions/TARGET/) is replayed
 * through the same entry point as fuzz/fuzz_TARGET.c, here under ASan+UBSan: each must run
 * without a crash, a sanitizer report or a leak. The fuzz targets' sources are included with
 * their entry points renamed, so the replay cannot drift from what was fuzzed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LLVMFuzzerInitialize fuzz_load_init
#define LLVMFuzzerTestOneInput fuzz_load_one
#include "fuzz/fuzz_load.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerTestOneInput fuzz_api_list_one
#include "fuzz/fuzz_api_list.c"
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerTestOneInput fuzz_plan_file_one
#include "fuzz/fuzz_plan_file.c"
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerTestOneInput fuzz_cluster_file_one
#include "fuzz/fuzz_cluster_file.c"
#undef LLVMFuzzerTestOneInput

/* the local server's request handling: its sources but main.c (libmicrohttpd) */
#include "cmd/nautes-devserver/faults.c"
#include "cmd/nautes-devserver/handlers.c"
#include "cmd/nautes-devserver/rules.c"
#include "cmd/nautes-devserver/store.c"
#define LLVMFuzzerInitialize fuzz_devserver_init
#define LLVMFuzzerTestOneInput fuzz_devserver_one
#include "fuzz/fuzz_devserver.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerTestOneInput fuzz_redact_one
#include "fuzz/fuzz_redact.c"
#undef LLVMFuzzerTestOneInput

#define LLVMFuzzerTestOneInput fuzz_redact_url_one
#include "fuzz/fuzz_redact_url.c"
#undef LLVMFuzzerTestOneInput

typedef int (*one_input)(const uint8_t *data, size_t size);

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Replay every file of testdata/fuzz-regressions/TARGET; returns how many ran. */
static size_t replay(const char *target, one_input fn)
{
    char dir[256];
    snprintf(dir, sizeof(dir), "testdata/fuzz-regressions/%s", target);
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, by_name);
    size_t ran = 0;
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char path[600];
            snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
            FILE *f = fopen(path, "rb");
            assert_non_null(f);
            nt_buf b = NT_BUF_INIT;
            char chunk[4096];
            size_t got;
            while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
                nt_buf_add(&b, chunk, got);
            fclose(f);
            /* exactly the file's bytes, as libFuzzer passes them (no terminator) */
            uint8_t *data = malloc(b.len ? b.len : 1);
            assert_non_null(data);
            if (b.len)
                memcpy(data, b.data, b.len);
            print_message("replaying %s\n", path);
            assert_int_equal(fn(data, b.len), 0);
            free(data);
            nt_buf_free(&b);
            ran++;
        }
        free(names[i]);
    }
    free(names);
    return ran;
}

static void test_loader_crashers_load_cleanly(void **state)
{
    (void)state;
    fuzz_load_init(NULL, NULL);
    print_message("%zu input(s)\n", replay("load", fuzz_load_one));
}

static void test_api_list_crashers_parse_cleanly(void **state)
{
    (void)state;
    print_message("%zu input(s)\n", replay("api_list", fuzz_api_list_one));
}

/* The first fuzz_api_list find: (long)1e999 is undefined behaviour. GCC's UBSan does not
 * check float-to-integer casts (clang's, in fuzz/run.sh, does), so say it here too. */
static void test_an_error_code_no_long_holds_is_not_an_error_body(void **state)
{
    (void)state;
    static const char *const bodies[] = {
        "{\"code\":40.1e9990,\"reason\":\"CDEC\",\"message\":\"\",\"meta\":{}}",
        "{\"code\":-1e300,\"reason\":\"\",\"message\":\"m\"}",
        "{\"code\":9.3e18,\"reason\":\"\",\"message\":\"m\"}",
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        long code = 0;
        char *reason = NULL, *message = NULL;
        assert_int_equal(nt_api_error_parse(bodies[i], strlen(bodies[i]), &code, &reason, &message),
                         -1);
        assert_null(reason);
        assert_null(message);
    }
    long code = 0;
    char *reason = NULL, *message = NULL;
    const char *ok = "{\"code\":503,\"reason\":\"\",\"message\":\"busy\"}";
    assert_int_equal(nt_api_error_parse(ok, strlen(ok), &code, &reason, &message), 0);
    assert_int_equal(code, 503);
    free(reason);
    free(message);
}

static void test_saved_plan_crashers_read_cleanly(void **state)
{
    (void)state;
    print_message("%zu input(s)\n", replay("plan_file", fuzz_plan_file_one));
}

static void test_cluster_file_crashers_read_cleanly(void **state)
{
    (void)state;
    print_message("%zu input(s)\n", replay("cluster_file", fuzz_cluster_file_one));
}

static void test_devserver_crashers_are_answered(void **state)
{
    (void)state;
    fuzz_devserver_init(NULL, NULL);
    print_message("%zu input(s)\n", replay("devserver", fuzz_devserver_one));
}

/* The redaction target checks its own property (it aborts when a secret gets through): its
 * crashers, and every form of the kubeconfig at every offset of a short message. */
static void test_redaction_crashers_and_every_form_leave_no_secret(void **state)
{
    (void)state;
    print_message("%zu input(s)\n", replay("redact", fuzz_redact_one));
    uint8_t in[4 + 20 + 48 + 40];
    for (size_t i = 4; i < sizeof(in); i++)
        in[i] = (uint8_t)(i * 37 + 11);
    memcpy(in + 4 + 20 + 48, "Bad Request: {\"kubeconfig\": ...} echoed", 40);
    for (unsigned form = 0; form < 6; form++) {
        for (unsigned at = 0; at < 256; at += 5) {
            in[0] = 20, in[1] = 48, in[2] = (uint8_t)form, in[3] = (uint8_t)at;
            assert_int_equal(fuzz_redact_one(in, sizeof(in)), 0);
        }
    }
}

/* The URL redaction target aborts when an alphanumeric token survives: its crashers and its
 * seeds (a password, a token as user name, credential query parameters). */
static void test_url_redaction_crashers_and_seeds_leave_no_token(void **state)
{
    (void)state;
    print_message("%zu input(s)\n", replay("redact_url", fuzz_redact_url_one));
    static const char *const seeds[] = {
        "s3cretTOKEN123\nfatal: https://user:s3cretTOKEN123@host/r.git not found",
        "s3cretTOKEN123\nGET https://s3cretTOKEN123@host/r.git?private_token=s3cretTOKEN123",
    };
    for (size_t i = 0; i < sizeof(seeds) / sizeof(*seeds); i++)
        assert_int_equal(fuzz_redact_url_one((const uint8_t *)seeds[i], strlen(seeds[i])), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loader_crashers_load_cleanly),
        cmocka_unit_test(test_api_list_crashers_parse_cleanly),
        cmocka_unit_test(test_an_error_code_no_long_holds_is_not_an_error_body),
        cmocka_unit_test(test_saved_plan_crashers_read_cleanly),
        cmocka_unit_test(test_cluster_file_crashers_read_cleanly),
        cmocka_unit_test(test_devserver_crashers_are_answered),
        cmocka_unit_test(test_redaction_crashers_and_every_form_leave_no_secret),
        cmocka_unit_test(test_url_redaction_crashers_and_seeds_leave_no_token),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
