/* fuzz_redact_url.c — the redaction every message goes through (nt_redact_urls): the token and
 * every secret form of a URL. The input's first line is the token, the rest the message. An
 * alphanumeric token of 8 bytes or more must never survive in the output. */
#include "core/base/redact.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size);
    size_t tlen = nl ? (size_t)(nl - s) : 0;
    char *token = strndup(s, tlen);
    char *msg = strndup(nl ? nl + 1 : s, nl ? size - tlen - 1 : size);
    if (!token || !msg) {
        free(token);
        free(msg);
        return 0;
    }
    nt_buf out = NT_BUF_INIT;
    nt_redact_urls(&out, msg, token);
    size_t n = strlen(token);
    bool alnum = n >= 8;
    for (size_t i = 0; alnum && i < n; i++)
        alnum = isalnum((unsigned char)token[i]) != 0;
    if (alnum && strstr(nt_buf_str(&out), token))
        abort(); /* the token got through */
    nt_buf_free(&out);
    free(token);
    free(msg);
    return 0;
}
