/* redact.h — the secrets a request carried, and their removal from what is printed.
 *
 * A server, or a proxy in front of it, may quote the request in its error message: the
 * kubeconfig of a save, whole or in part, raw, JSON-escaped as it was in the body, or in base64.
 * Every message from a server is passed through nt_secrets_redact before it is shown:
 *
 *   - each secret registered whole is replaced wherever it appears (a secret shorter than 8
 *     bytes only where it stands alone, as for the token: nt_buf_add_redacted);
 *   - of a secret value (a key, a certificate, a token, a password, the base64 form of a
 *     kubeconfig) any run of NT_REDACT_FRAGMENT or more of its bytes is replaced too, so that a
 *     message cut short by the server still shows nothing of it;
 *   - the value after a secret-bearing key (`client-key-data:`, `token:`, `password=`, ...) is
 *     replaced whatever it is.
 *
 * Each run of redacted bytes becomes one "[REDACTED]". */
#ifndef NT_REDACT_H
#define NT_REDACT_H

#include "core/base/buf.h"

#include <stddef.h>
#include <stdint.h>

/* Fragments of a secret value shorter than this are not looked for. */
#define NT_REDACT_FRAGMENT 16

typedef struct nt_secrets {
    char **whole; /* matched whole */
    size_t n_whole, cap_whole;
    uint64_t *grams; /* hash set of the NT_REDACT_FRAGMENT-byte windows of secret values */
    size_t n_grams, cap_grams;
} nt_secrets;

#define NT_SECRETS_INIT                                                                            \
    {                                                                                              \
        NULL, 0, 0, NULL, 0, 0                                                                     \
    }

/* A secret matched whole (NULL and "" are ignored). */
void nt_secrets_add(nt_secrets *s, const char *secret);
/* A secret value: matched whole and by any fragment of NT_REDACT_FRAGMENT bytes or more. */
void nt_secrets_add_value(nt_secrets *s, const char *value, size_t len);
/* A kubeconfig as sent: its text, its JSON-escaped form (as in a request body), its base64
 * form, the values of its secret-bearing lines (client-key-data, client-certificate-data,
 * token, password, ...) and what those -data values decode to; for a kubeconfig given in
 * base64, the decoded text as well. */
void nt_secrets_add_kubeconfig(nt_secrets *s, const char *text);
void nt_secrets_free(nt_secrets *s); /* wipes every copy; NULL is fine */

/* Append s[0..len) to out with every secret of `sec` (may be NULL) and every value of a
 * secret-bearing key replaced by "[REDACTED]". s may hold NUL bytes. */
void nt_secrets_redact(const nt_secrets *sec, const char *s, size_t len, nt_buf *out);

#endif
