/* http.h — how the client reaches the Nautes API Server (libcurl).
 *
 * One configuration, built once by cmd/ from flags and environment, used by the observer
 * (one GET of the list) and by the apply executor (libcurl multi interface). The token is
 * only ever sent in the Authorization header and redacted from anything printed. */
#ifndef NT_HTTP_H
#define NT_HTTP_H

#include "core/buf.h"
#include "core/diag.h"
#include "core/model.h"

#include <stdbool.h>

typedef struct nt_http_config {
    char *base_url;   /* "https://apiserver.example:31443" (no trailing slash) */
    char *token;      /* the GitLab access token; wiped on free */
    char *cacert;     /* CA bundle file, or NULL for the system store */
    bool insecure;    /* skip TLS verification (a warning was printed by cmd/) */
    long timeout_sec; /* per request */
    bool verbose;     /* trace requests through `trace` (token redacted) */
    void (*trace)(void *ctx, const char *line);
    void *trace_ctx;
} nt_http_config;

void nt_http_config_free(nt_http_config *cfg); /* frees the strings, wipes the token */

/* Observe through the API: exactly one GET /api/v1/clusters. On success *out is the observed
 * set (nt_api_list_parse) with set->source "api URL". Errors are classified (design.md
 * section 6: token, tenant repository visibility, write access, TLS, connection) with a hint,
 * and the token redacted. Returns 0 or -1. */
int nt_api_list(const nt_http_config *cfg, nt_cluster_set **out, nt_diag *diag);

#endif
