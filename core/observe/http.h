/* http.h — how the client reaches the Nautes API Server (libcurl).
 *
 * One configuration, built once by cmd/ from flags and environment, used by the observer
 * (one GET of the list) and by the apply executor (libcurl multi interface). The token is
 * only ever sent in the Authorization header and redacted from anything printed. */
#ifndef NT_HTTP_H
#define NT_HTTP_H

#include "core/base/buf.h"
#include "core/base/diag.h"
#include "core/model/model.h"

#include <curl/curl.h>
#include <stdbool.h>

typedef struct nt_http_config {
    char *base_url;     /* "https://apiserver.example:31443" (no trailing slash) */
    char *token;        /* the GitLab access token; wiped on free */
    char *cacert;       /* CA bundle file, or NULL for the system store */
    bool insecure;      /* skip TLS verification (a warning was printed by cmd/) */
    long timeout_sec;   /* per request; also the budget of the waits between its retries */
    long retries;       /* the observer's GET: retries after a transient failure (0: none) */
    long retry_base_ms; /* backoff base (exponential, full jitter, Retry-After honoured) */
    bool verbose;       /* trace requests through `trace` (token redacted) */
    /* stderr: the --verbose trace, and (always) a retry wait longer than NT_RETRY_SAY_MS and
     * the list GET's progress (NT_HTTP_SLOW_MS) */
    void (*trace)(void *ctx, const char *line);
    void *trace_ctx;
    long progress_every_ms; /* the list GET's progress again this often (0: only once; cmd/
                               sets 10 s when stderr is a terminal) */
} nt_http_config;

/* The list GET says once that it is still reading when it takes longer than this. */
#define NT_HTTP_SLOW_MS 2000

void nt_http_config_free(nt_http_config *cfg); /* frees the strings, wipes the token */

/* An https request without --cacert trusts the system CA bundle: the file libcurl was built
 * to read (CURLINFO_CAINFO, /etc/ssl/certs/ca-certificates.crt on Debian, which libgit2
 * reads too), installed by the ca-certificates package. Returns 0 when it is readable (or
 * libcurl names no such file), or -1 with one sentence in diag: which file, and the fix
 * (install ca-certificates, or pass --cacert FILE). A missing bundle is not transient: the
 * callers check before the first request, so nothing is retried. In the test build
 * (NT_TEST_BUILD) the environment variable NAUTES_TEST_SYSTEM_CA replaces the path. */
int nt_http_check_system_ca(nt_diag *diag);

/* Observe through the API: exactly one GET /api/v1/clusters (sent again, up to cfg->retries
 * times, only after a transient failure: connection, timeout, 429, 502-504). On success *out is the
 * observed set (nt_api_list_parse) with set->source "api URL". Errors are classified
 * (docs/architecture.md §6: token, tenant repository visibility, write access, TLS, connection)
 * with a hint, and the token redacted. The 500 a fresh tenant gets (no clusters directory yet:
 * nt_api_error.no_clusters) is an empty set and a note. Returns 0 or -1. */
int nt_api_list(const nt_http_config *cfg, nt_cluster_set **out, nt_diag *diag);

/* One request, set up the same way for the observer and the apply executor (core/apply/apply.c):
 * URL = base_url + path, Accept: application/json, the token as a Bearer header (never
 * traced), TLS options, the timeout, the response body collected. The caller runs `easy`
 * (curl_easy_perform, or through a multi handle), then calls nt_http_req_done. */
typedef struct nt_http_req {
    CURL *easy;
    struct curl_slist *headers;
    const nt_http_config *cfg;
    char *method;       /* "GET", "POST", "DELETE" */
    char *path;         /* "/api/v1/clusters/x?insecure_skip_check=true", for messages */
    nt_buf resp;        /* response body */
    bool too_big;       /* the answer was larger than the limit (aborted) */
    nt_buf retry_after; /* the Retry-After header's value (of the last response) */
    char errbuf[CURL_ERROR_SIZE];
} nt_http_req;

/* Set up r. body (may be NULL) is borrowed and must outlive the transfer; a body is sent as
 * Content-Type: application/json. Traces "> METHOD PATH" when cfg->verbose. Returns 0, or -1
 * with a message in diag. */
int nt_http_req_init(nt_http_req *r, const nt_http_config *cfg, const char *method,
                     const char *path, const char *body, nt_diag *diag);
/* After the transfer finished with `rc`: fill `resp` (pointing into r) for
 * nt_api_error_classify, and trace "< 200 (12 ms, 3456 bytes)". *retry_after_sec (may be
 * NULL) gets the Retry-After seconds (nt_retry_after_parse: saturated, HTTP-dates too), 0 when
 * none or unreadable. */
struct nt_api_response;
void nt_http_req_done(nt_http_req *r, CURLcode rc, struct nt_api_response *resp,
                      long long *retry_after_sec);
void nt_http_req_cleanup(nt_http_req *r); /* NULL and an un-initialised zeroed r are fine */

#endif
