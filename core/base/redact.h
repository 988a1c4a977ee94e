/* redact.h — the one redaction: secrets removed from what is printed, one entry for each kind
 * of input, each replacing a run of secret bytes by "[REDACTED]":
 *
 *   nt_redact_secret   one known secret (the token, a URL's password) in a text;
 *   nt_redact_urls     a text that may hold URLs (an error from a server or from git, the
 *                      repository URL shown): the token, and every secret form of a URL;
 *   nt_secrets_redact  a server's answer, against every secret its request carried.
 *
 * The secrets a request carried:
 *
 * A server, or a proxy in front of it, may quote the request in its error message: the
 * kubeconfig of a save, whole or in part, raw, JSON-escaped as it was in the body, or in base64.
 * Every message from a server is passed through nt_secrets_redact before it is shown:
 *
 *   - each secret registered whole is replaced wherever it appears (a secret shorter than 8
 *     bytes only where it stands alone, as for the token: nt_redact_secret);
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

/* Append s with every occurrence of `secret` (when non-empty) replaced by "[REDACTED]"; a
 * secret shorter than 8 bytes only where it stands alone (not inside a longer word). */
void nt_redact_secret(nt_buf *out, const char *s, const char *secret);

/* Append s to out with every secret form replaced by "[REDACTED]": the token wherever it
 * appears (nt_redact_secret); a URL's password ("scheme://user:PASSWORD@"); a URL's lone user
 * name, which may be a token ("https://TOKEN@host"), unless it is a conventional one (git,
 * oauth2, gitlab-ci-token, x-access-token, x-token-auth); the value of a query parameter named
 * like a credential ("?private_token=", "&access_token=", "token", "password", "*_key",
 * "sig"...). */
void nt_redact_urls(nt_buf *out, const char *s, const char *token);

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
