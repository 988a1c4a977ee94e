/* fuzz_redact.c — the redaction of what a request carried (core/base/redact.h) from a server's
 * message, and the classification that shows it (nt_api_error_classify).
 *
 * The input is cut into a token (mapped to [a-z0-9]), key bytes and a message. A kubeconfig
 * is built whose client-key-data is the base64 of the key bytes and whose token is the token;
 * one of its forms (the text, its JSON-escaped form, its base64 form, the key value, the
 * token, a cut of the text) is put inside the message at an offset the input chooses. The
 * property checked, besides no crash, leak or sanitizer report: the redacted message holds
 * no 16-byte run of the key value or of the token, nor a whole token of 8 bytes or more, and
 * the classified message holds neither the token nor the whole kubeconfig. Seeds:
 * fuzz/seeds/redact/. */
#include "core/observe/api_error.h"
#include "core/base/redact.h"

#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void no_run_of(const char *out, size_t out_len, const char *secret, size_t len)
{
    if (len >= NT_REDACT_FRAGMENT) {
        for (size_t i = 0; i + NT_REDACT_FRAGMENT <= len; i++)
            if (memmem(out, out_len, secret + i, NT_REDACT_FRAGMENT))
                abort(); /* a run of the secret got through */
    } else if (len >= 8 && memmem(out, out_len, secret, len)) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    size_t tok_len = data[0] % 40, key_len = data[1] % 200, form = data[2] % 6, at = data[3];
    data += 4;
    size -= 4;
    if (tok_len + key_len > size)
        return 0;
    char tok[41];
    for (size_t i = 0; i < tok_len; i++)
        tok[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[data[i] % 36];
    tok[tok_len] = 0;
    const uint8_t *key = data + tok_len;
    const char *msg = (const char *)(key + key_len);
    size_t msg_len = size - tok_len - key_len;

    char key_b64[4 * ((200 + 2) / 3) + 1];
    int kb = EVP_EncodeBlock((unsigned char *)key_b64, key, (int)key_len);
    key_b64[kb > 0 ? kb : 0] = 0;
    nt_buf kube = NT_BUF_INIT;
    nt_buf_addf(&kube,
                "apiVersion: v1\nclusters:\n- name: c\n  cluster:\n    server: https://k:6443\n"
                "users:\n- name: u\n  user:\n    client-key-data: %s\n    token: %s\n",
                key_b64, tok);

    nt_secrets s = NT_SECRETS_INIT;
    nt_secrets_add_kubeconfig(&s, nt_buf_str(&kube));

    nt_buf ins = NT_BUF_INIT; /* the form put into the message */
    switch (form) {
    case 0:
        nt_buf_add(&ins, kube.data, kube.len);
        break;
    case 1: {
        cJSON *j = cJSON_CreateString(nt_buf_str(&kube));
        char *p = cJSON_PrintUnformatted(j);
        nt_buf_adds(&ins, p ? p : "");
        cJSON_free(p);
        cJSON_Delete(j);
        break;
    }
    case 2: {
        char *b = malloc(4 * ((kube.len + 2) / 3) + 1);
        int n =
            EVP_EncodeBlock((unsigned char *)b, (const unsigned char *)kube.data, (int)kube.len);
        nt_buf_add(&ins, b, n > 0 ? (size_t)n : 0);
        free(b);
        break;
    }
    case 3:
        nt_buf_adds(&ins, key_b64);
        break;
    case 4:
        nt_buf_adds(&ins, tok);
        break;
    default:
        nt_buf_add(&ins, kube.data, kube.len * at / 256); /* a server cut it short */
    }
    size_t cut = msg_len ? at % (msg_len + 1) : 0;
    nt_buf m = NT_BUF_INIT;
    nt_buf_add(&m, msg, cut);
    nt_buf_add(&m, ins.data ? ins.data : "", ins.len);
    nt_buf_add(&m, msg + cut, msg_len - cut);

    nt_buf out = NT_BUF_INIT;
    nt_secrets_redact(&s, m.data, m.len, &out);
    no_run_of(out.data ? out.data : "", out.len, key_b64, strlen(key_b64));
    no_run_of(out.data ? out.data : "", out.len, tok, tok_len);

    /* through the classification, as a JSON error message and as a plain-text body */
    nt_api_response r = {0};
    r.status = (at & 1) ? 500 : 400;
    r.content_type = "text/plain";
    r.body = nt_buf_str(&m);
    r.body_len = m.len;
    r.base_url = "https://api.example";
    r.secrets = &s;
    nt_api_error e;
    nt_api_error_classify(&r, tok_len ? tok : NULL, &e);
    /* (an escape such as \u009b, next to message text, may spell a token by chance) */
    if (e.message && tok_len >= 8 && !strchr(e.message, '\\') && strstr(e.message, tok))
        abort();
    if (e.message && strstr(e.message, nt_buf_str(&kube)))
        abort();
    nt_api_error_free(&e);

    nt_buf_free(&out);
    nt_buf_free(&m);
    nt_buf_free(&ins);
    nt_buf_free(&kube);
    nt_secrets_free(&s);
    return 0;
}
