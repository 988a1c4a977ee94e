/* api_error.h — what went wrong with one request to the Nautes API, in words.
 *
 * The real API Server answers 500 for nearly everything (docs/api-server.md §5), so a failure is
 * understood from its message: a bad token, a tenant repository the token cannot see, no
 * write access to `main`, a transient git failure worth retrying, a validation error never
 * worth retrying. Transport failures (libcurl) are put in words too, never a bare curl code.
 * Every message is redacted (core/base/redact.h): the token, and every secret form of a URL
 * (nt_redact_urls: a password, a token as user name, credential query parameters, which a git
 * error can echo), and whatever secret the request carried (a kubeconfig a server or proxy
 * quotes back: nt_secrets_redact). Pure functions: the unit tests feed them canned answers. */
#ifndef NT_API_ERROR_H
#define NT_API_ERROR_H

#include "core/base/buf.h"

#include <stdbool.h>
#include <stddef.h>

/* What a finished request looked like, as far as classification cares. */
typedef struct nt_api_response {
    int curl_code;            /* CURLcode; 0 when an HTTP answer arrived */
    const char *curl_detail;  /* libcurl's error buffer ("" or NULL when none) */
    long ssl_verify_result;   /* CURLINFO_SSL_VERIFYRESULT (an X509_V_ERR_* value) */
    long os_errno;            /* CURLINFO_OS_ERRNO (ECONNREFUSED, ...), 0 when unknown */
    long status;              /* HTTP status, 0 when no answer */
    const char *content_type; /* NULL when none */
    const char *body;         /* response body (may be NULL) */
    size_t body_len;
    const char *base_url;             /* for "is the API server running at URL?" */
    long timeout_sec;                 /* for "timed out after N s" */
    const char *location;             /* where a 3xx answer points (absolute), NULL when none */
    const struct nt_secrets *secrets; /* what the request carried (redact.h), may be NULL */
} nt_api_response;

typedef enum {
    NT_APIERR_NONE = 0,  /* 2xx */
    NT_APIERR_TRANSPORT, /* no HTTP answer: connection, TLS, timeout */
    NT_APIERR_HTTP,      /* an HTTP error answer */
} nt_api_error_kind;

typedef struct nt_api_error {
    nt_api_error_kind kind;
    char *message;    /* the server's message or the transport failure, redacted */
    const char *hint; /* static text, or NULL */
    bool retryable;   /* connection failure, timeout, 429, 502-504, transient git 500 */
    bool lost;        /* the request may have been carried out: no answer, or a 5xx */
    bool not_found;   /* the message says the cluster is not found / does not exist */
    bool referenced;  /* a delete refused because the cluster is still referenced */
    bool collision;   /* a 500 "failed to clone repository ... already exists and is not an empty
                       * directory": another request cloned into the same
                       * /tmp/product<unix-seconds>/ (docs/api-server.md §10); retryable, and not
                       * the server failing */
    bool no_clusters; /* a list 500 saying the tenant repository has no clusters directory yet
                       * (v0.3 "the cluster resource is empty", v0.4 "lstat .../clusters: no such
                       * file or directory"): a fresh tenant, read as an empty list */
} nt_api_error;

/* Classify r. `token` (may be NULL) and r->secrets are redacted from every message, before it
 * is cut to one line (a quoted kubeconfig spans lines). out must be freed with
 * nt_api_error_free. */
void nt_api_error_classify(const nt_api_response *r, const char *token, nt_api_error *out);
void nt_api_error_free(nt_api_error *e); /* frees the message; NULL is a no-op */

/* A 2xx answer to a save or a delete is a success only when it is the API Server's success
 * body, {"message": "Successfully saved NAME cluster"} ("deleted" for a delete): an HTML login
 * page of a proxy, an empty body or a JSON error object sent with status 200 did nothing the
 * tool can count on. For such an answer *out (classified as NT_APIERR_NONE before) becomes an
 * NT_APIERR_HTTP error: "not the API Server's answer: FIRST LINE" (redacted), a hint about
 * proxies, not retryable. Anything else leaves *out alone. */
void nt_api_success_check(const nt_api_response *r, const char *token, nt_api_error *out);

/* One line for a user: "METHOD PATH: HTTP 500: MESSAGE (HINT)" or, for a transport error,
 * "METHOD PATH: MESSAGE". A non-NULL cluster prefixes "cluster NAME: ". */
void nt_api_error_format(const nt_api_error *e, const char *cluster, const char *method,
                         const char *path, long status, nt_buf *out);

/* Words for a libcurl failure: "connection refused: is the API server running at URL?",
 * "certificate signed by an unknown CA: pass --cacert FILE", ... Appends to out. Returns
 * true when the failure is worth retrying (connection refused or reset, timeout). */
bool nt_api_transport_words(int curl_code, const char *detail, long ssl_verify_result,
                            long os_errno, const char *base_url, long timeout_sec, nt_buf *out);

#endif
