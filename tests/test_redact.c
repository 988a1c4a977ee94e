/* Tests of core/base/redact.c: a kubeconfig the request carried never comes back out of a
 * message, whole, JSON-escaped, in base64, line by line or cut short; what is not secret
 * stays. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/buf.h"
#include "core/base/redact.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* the base64 of a fake PEM key, and a kubeconfig holding it, a token and a password */
static char key_b64[512];
static char kubeconfig[2048];

static int setup(void **state)
{
    (void)state;
    static const char pem[] =
        "-----BEGIN PRIVATE KEY-----\n"
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7secretkeymaterial\n"
        "-----END PRIVATE KEY-----\n";
    EVP_EncodeBlock((unsigned char *)key_b64, (const unsigned char *)pem, (int)strlen(pem));
    snprintf(kubeconfig, sizeof(kubeconfig),
             "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n"
             "    server: https://kube.example.com:6443\n"
             "    certificate-authority-data: Q0EtZGF0YS1pcy1wdWJsaWM=\n"
             "users:\n- name: u\n  user:\n    client-key-data: %s\n"
             "    token: \"tok-0123456789abcdefghij\"\n- name: p\n  user:\n"
             "    username: admin\n    password: hunter2hunter2\n",
             key_b64);
    return 0;
}

static char *redact(const nt_secrets *s, const char *msg)
{
    nt_buf b = NT_BUF_INIT;
    nt_secrets_redact(s, msg, strlen(msg), &b);
    return nt_buf_detach(&b);
}

static void assert_clean(const char *out)
{
    assert_null(strstr(out, "tok-0123456789"));
    assert_null(strstr(out, "hunter2"));
    assert_null(strstr(out, "secretkeymaterial"));
    /* no 16-byte slice of the key's base64 */
    for (size_t i = 0; i + 16 <= strlen(key_b64); i++) {
        char slice[17];
        memcpy(slice, key_b64 + i, 16);
        slice[16] = 0;
        assert_null(strstr(out, slice));
    }
}

static void test_the_whole_kubeconfig_raw_and_json_escaped_is_redacted(void **state)
{
    (void)state;
    nt_secrets s = NT_SECRETS_INIT;
    nt_secrets_add_kubeconfig(&s, kubeconfig);
    nt_buf m = NT_BUF_INIT;
    nt_buf_addf(&m, "bad body: %s (end)", kubeconfig);
    char *out = redact(&s, nt_buf_str(&m));
    assert_string_equal(out, "bad body: [REDACTED] (end)");
    free(out);

    cJSON *str = cJSON_CreateString(kubeconfig);
    char *json = cJSON_PrintUnformatted(str);
    nt_buf_reset(&m);
    nt_buf_addf(&m, "invalid body {\"name\":\"x\",\"kubeconfig\":%s}", json);
    out = redact(&s, nt_buf_str(&m));
    assert_clean(out);
    assert_non_null(strstr(out, "\"kubeconfig\":\"[REDACTED]\"}"));
    free(out);
    cJSON_free(json);
    cJSON_Delete(str);
    nt_buf_free(&m);
    nt_secrets_free(&s);
}

static void test_a_kubeconfig_cut_short_leaves_nothing_of_its_secrets(void **state)
{
    (void)state;
    nt_secrets s = NT_SECRETS_INIT;
    nt_secrets_add_kubeconfig(&s, kubeconfig);
    /* every cut of the text: what is left of the key, token and password never shows */
    size_t len = strlen(kubeconfig);
    for (size_t cut = 1; cut <= len; cut += 7) {
        nt_buf m = NT_BUF_INIT;
        nt_buf_adds(&m, "error: ");
        nt_buf_add(&m, kubeconfig, cut);
        char *out = redact(&s, nt_buf_str(&m));
        assert_null(strstr(out, "hunter2hunter2"));
        assert_null(strstr(out, "tok-0123456789abcdefghij"));
        for (size_t i = 0; i + 16 <= strlen(key_b64); i += 4) {
            char slice[17];
            memcpy(slice, key_b64 + i, 16);
            slice[16] = 0;
            assert_null(strstr(out, slice));
        }
        free(out);
        nt_buf_free(&m);
    }
    /* a part of the key's value quoted alone, in the middle of a word */
    char mid[64];
    snprintf(mid, sizeof(mid), "x%.20sy", key_b64 + 30);
    char *out = redact(&s, mid);
    assert_null(strstr(out, "secret"));
    assert_non_null(strstr(out, "[REDACTED]"));
    free(out);
    nt_secrets_free(&s);
}

static void test_the_base64_form_and_a_base64_kubeconfig_are_redacted(void **state)
{
    (void)state;
    char b64[4096];
    EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)kubeconfig,
                    (int)strlen(kubeconfig));
    nt_secrets s = NT_SECRETS_INIT;
    nt_secrets_add_kubeconfig(&s, kubeconfig);
    nt_buf m = NT_BUF_INIT;
    nt_buf_addf(&m, "kubeconfig=%.100s...", b64 + 40); /* a slice of the base64 form */
    char *out = redact(&s, nt_buf_str(&m));
    assert_string_equal(out, "kubeconfig=[REDACTED]...");
    free(out);
    nt_secrets_free(&s);

    /* the kubeconfig was given in base64: its decoded text is secret too */
    nt_secrets s64 = NT_SECRETS_INIT;
    nt_secrets_add_kubeconfig(&s64, b64);
    nt_buf_reset(&m);
    nt_buf_addf(&m, "decoded: %s; raw: %s", kubeconfig, b64);
    out = redact(&s64, nt_buf_str(&m));
    assert_string_equal(out, "decoded: [REDACTED]; raw: [REDACTED]");
    free(out);
    nt_buf_free(&m);
    nt_secrets_free(&s64);
}

static void test_secret_bearing_keys_lose_their_values_anywhere(void **state)
{
    (void)state;
    char *out = redact(NULL, "client-key-data: QUJDREVGR0g= token:\"abc\" x "
                             "https://h/r.git?private_token=zzz&a=b password=pw1 tokens are fine");
    assert_string_equal(out, "client-key-data: [REDACTED] token:\"[REDACTED]\" x "
                             "https://h/r.git?private_token=[REDACTED]&a=b password=[REDACTED] "
                             "tokens are fine");
    free(out);
    /* as escaped in a JSON body: the value stops at the backslash of "\n" */
    out = redact(NULL, "body: \"user:\\n    token: s3cr3t\\n    other: 1\"");
    assert_string_equal(out, "body: \"user:\\n    token: [REDACTED]\\n    other: 1\"");
    free(out);
}

static void test_what_is_not_secret_stays(void **state)
{
    (void)state;
    nt_secrets s = NT_SECRETS_INIT;
    nt_secrets_add_kubeconfig(&s, kubeconfig);
    const char *msg = "failed to connect https://kube.example.com:6443: apiVersion: v1 refused; "
                      "the token is not found";
    char *out = redact(&s, msg);
    assert_string_equal(out, msg);
    free(out);
    /* a short secret only where it stands alone */
    nt_secrets t = NT_SECRETS_INIT;
    nt_secrets_add(&t, "ro");
    out = redact(&t, "protected ro");
    assert_string_equal(out, "protected [REDACTED]");
    free(out);
    nt_secrets_free(&t);
    nt_secrets_free(&s);
    nt_secrets_free(NULL);
}

static void test_messages_with_nul_bytes_and_empty_input(void **state)
{
    (void)state;
    nt_secrets s = NT_SECRETS_INIT;
    nt_secrets_add_value(&s, "0123456789abcdefXYZ", 19);
    static const char msg[] = "a\0b 0123456789abcdefXYZ c";
    nt_buf b = NT_BUF_INIT;
    nt_secrets_redact(&s, msg, sizeof(msg) - 1, &b);
    assert_int_equal(b.len, 16);
    assert_memory_equal(b.data, "a\0b [REDACTED] c", 16);
    nt_buf_reset(&b);
    nt_secrets_redact(&s, "", 0, &b);
    nt_secrets_redact(&s, NULL, 0, &b);
    assert_int_equal(b.len, 0);
    nt_buf_free(&b);
    nt_secrets_free(&s);
}

static void test_redaction_replaces_every_occurrence_of_the_secret(void **state)
{
    (void)state;
    nt_buf b = NT_BUF_INIT;
    nt_redact_secret(&b, "https://u:TOK@git/x TOK end", "TOK");
    assert_string_equal(nt_buf_str(&b), "https://u:[REDACTED]@git/x [REDACTED] end");
    nt_buf_reset(&b);
    nt_redact_secret(&b, "nothing secret", "");
    assert_string_equal(nt_buf_str(&b), "nothing secret");
    nt_buf_reset(&b);
    nt_redact_secret(&b, "no secret given", NULL);
    assert_string_equal(nt_buf_str(&b), "no secret given");
    nt_buf_free(&b);
}

static void test_a_long_secret_is_redacted_even_inside_a_word(void **state)
{
    (void)state;
    nt_buf b = NT_BUF_INIT;
    nt_redact_secret(&b, "xglpat-0123456789y and glpat-0123456789", "glpat-0123456789");
    assert_string_equal(nt_buf_str(&b), "x[REDACTED]y and [REDACTED]");
    nt_buf_free(&b);
}

static void test_a_short_secret_inside_a_longer_word_is_left_alone(void **state)
{
    (void)state;
    nt_buf b = NT_BUF_INIT;
    nt_redact_secret(&b, "protected branches, token ro, ro@host, (ro)", "ro");
    assert_string_equal(nt_buf_str(&b),
                        "protected branches, token [REDACTED], [REDACTED]@host, ([REDACTED])");
    nt_buf_free(&b);
}

static void test_every_form_of_a_secret_in_a_url_is_redacted(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"clone https://glpat-AbC123xyz@gitlab.example/t/r.git failed",
         "clone https://[REDACTED]@gitlab.example/t/r.git failed"},
        {"https://oauth2:glpat-x@h/r.git", "https://oauth2:[REDACTED]@h/r.git"},
        {"ssh://git@h/r.git and https://oauth2@h/r.git",
         "ssh://git@h/r.git and https://oauth2@h/r.git"},
        {"GET https://h/r.git/info/refs?service=git-upload-pack&private_token=glpat-1 failed",
         "GET https://h/r.git/info/refs?service=git-upload-pack&private_token=[REDACTED] failed"},
        {"https://h/x?access_token=a1&b=2#frag", "https://h/x?access_token=[REDACTED]&b=2#frag"},
        {"https://h/x?token=t0k&job_token=j0b&Private-Token=p0",
         "https://h/x?token=[REDACTED]&job_token=[REDACTED]&Private-Token=[REDACTED]"},
        {"https://h/x?api_key=k&client_secret=s&password=p&sig=z",
         "https://h/"
         "x?api_key=[REDACTED]&client_secret=[REDACTED]&password=[REDACTED]&sig=[REDACTED]"},
        {"\"https://h/x?token=abc\"", "\"https://h/x?token=[REDACTED]\""},
        {"/path?private_token=abc (no scheme)", "/path?private_token=[REDACTED] (no scheme)"},
        {"https://h/x?service=git-upload-pack&monkey=1",
         "https://h/x?service=git-upload-pack&monkey=1"},
        {"is this right? a&b=c", "is this right? a&b=c"},
        {"x:y@z and https://h:443/a", "x:y@z and https://h:443/a"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        nt_buf b = NT_BUF_INIT;
        nt_redact_urls(&b, cases[i].in, "glpat-TOKENTOKEN");
        assert_string_equal(nt_buf_str(&b), cases[i].want);
        nt_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redaction_replaces_every_occurrence_of_the_secret),
        cmocka_unit_test(test_every_form_of_a_secret_in_a_url_is_redacted),
        cmocka_unit_test(test_a_long_secret_is_redacted_even_inside_a_word),
        cmocka_unit_test(test_a_short_secret_inside_a_longer_word_is_left_alone),
        cmocka_unit_test(test_the_whole_kubeconfig_raw_and_json_escaped_is_redacted),
        cmocka_unit_test(test_a_kubeconfig_cut_short_leaves_nothing_of_its_secrets),
        cmocka_unit_test(test_the_base64_form_and_a_base64_kubeconfig_are_redacted),
        cmocka_unit_test(test_secret_bearing_keys_lose_their_values_anywhere),
        cmocka_unit_test(test_what_is_not_secret_stays),
        cmocka_unit_test(test_messages_with_nul_bytes_and_empty_input),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
