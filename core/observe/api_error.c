/* api_error.c — classify a failed request to the Nautes API (see api_error.h). */
#include "core/observe/api_error.h"

#include "core/base/alloc.h"
#include "core/observe/api_json.h"
#include "core/base/escape.h"
#include "core/base/redact.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest server message shown (git output can run to pages). */
#define NT_MSG_MAX 600
/* Bytes of an answer searched for secrets (and shown at most NT_MSG_MAX of). */
#define NT_REDACT_SCAN ((size_t)1 << 20)

static const char HINT_TOKEN_INVALID[] = "the token is invalid or expired";
static const char HINT_NO_TOKEN[] = "no token was sent: pass --token-file FILE or set NAUTES_TOKEN";
static const char HINT_REPO_INVISIBLE[] =
    "the token's user cannot see the tenant configuration repository";
/* A plain (not JSON) answer comes from whatever stands in front of the API Server: the real
 * server itself never answers 403 without a body, nor 502-504 at all (docs/api-server.md §5). */
static const char HINT_PROXY_REFUSED[] =
    "refused by the server or a proxy in front of it: check --api-server and the token";
static const char HINT_PROXY_UNAVAILABLE[] =
    "the API Server or the ingress in front of it is unavailable; try again later";
/* A 2xx answer that is not the API Server's success body (docs/api-server.md §4.3). */
static const char HINT_NOT_THE_SERVER[] =
    "a proxy or a login page answered instead of the Nautes API Server: check --api-server and "
    "the proxy settings (HTTPS_PROXY, NO_PROXY); the change may not have been made";
static const char HINT_NO_PUSH[] = "the token's user cannot push to the tenant repository's main "
                                   "branch";

/* X509_V_ERR_* values (OpenSSL's x509_vfy.h), as CURLINFO_SSL_VERIFYRESULT reports them. */
enum {
    X509_UNABLE_TO_GET_ISSUER_CERT = 2,
    X509_CERT_NOT_YET_VALID = 9,
    X509_CERT_HAS_EXPIRED = 10,
    X509_DEPTH_ZERO_SELF_SIGNED = 18,
    X509_SELF_SIGNED_IN_CHAIN = 19,
    X509_UNABLE_TO_GET_ISSUER_LOCALLY = 20,
    X509_UNABLE_TO_VERIFY_LEAF = 21,
    X509_HOSTNAME_MISMATCH = 62,
};

static bool has(const char *s, const char *needle)
{
    return s && strstr(s, needle) != NULL;
}

static bool has_nocase(const char *s, const char *needle)
{
    return s && strcasestr(s, needle) != NULL;
}

/* "401" as a number of its own (not inside "30401"). */
static bool has_status_401(const char *s)
{
    for (const char *p = s; p && (p = strstr(p, "401")) != NULL; p += 3) {
        bool before = p == s || !isdigit((unsigned char)p[-1]);
        bool after = !isdigit((unsigned char)p[3]);
        if (before && after)
            return true;
    }
    return false;
}

/* Append s as one line: control characters become spaces, runs of spaces collapse, and at
 * most NT_MSG_MAX bytes are kept. */
static void add_one_line(nt_buf *out, const char *s, size_t len)
{
    size_t start = out->len, kept = 0;
    bool space = false;
    for (size_t i = 0; i < len && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            space = kept > 0;
            continue;
        }
        if (c == ' ') {
            space = kept > 0;
            continue;
        }
        if (space) {
            nt_buf_addc(out, ' ');
            space = false;
        }
        if (kept >= NT_MSG_MAX) {
            nt_buf_adds(out, "...");
            break;
        }
        nt_buf_addc(out, (char)c);
        kept++;
    }
    if (out->len == start)
        nt_buf_adds(out, "(empty answer)");
}

/* s[0..len) as one line of at most `max` bytes (0: NT_MSG_MAX), with the request's secrets, the
 * token and URL passwords removed first. */
static void add_redacted_line(nt_buf *out, const char *s, size_t len, size_t max,
                              const nt_api_response *r, const char *token)
{
    nt_buf a = NT_BUF_INIT, b = NT_BUF_INIT;
    nt_secrets_redact(r->secrets, s, len < NT_REDACT_SCAN ? len : NT_REDACT_SCAN, &a);
    nt_redact_urls(&b, nt_buf_str(&a), token);
    nt_buf_reset(&a);
    add_one_line(&a, nt_buf_str(&b), max && max < b.len ? max : b.len);
    nt_buf_add_escaped(out, nt_buf_str(&a), false); /* C1 controls, bytes that are not UTF-8 */
    nt_buf_free(&a);
    nt_buf_free(&b);
}

/* A redirect (an http:// URL behind an ingress that sends everything to https://): where
 * it points, and the --api-server to pass instead. The client follows no redirect. */
static void add_redirect(nt_buf *msg, const nt_api_response *r, const char *token)
{
    const char *loc = r->location;
    if (!loc || !*loc) {
        nt_buf_adds(msg, "a redirect without a Location: check --api-server");
        return;
    }
    nt_buf_adds(msg, "the server redirects to ");
    add_redacted_line(msg, loc, strlen(loc), 0, r, token);
    nt_buf_adds(msg, ", and nautes follows no redirect (the token goes only to the URL given)");
    /* scheme://authority of the Location, then the path of the given URL */
    const char *ls = strstr(loc, "://");
    const char *base = r->base_url ? r->base_url : "";
    const char *bs = strstr(base, "://");
    if (!ls || !bs)
        return;
    size_t origin = (size_t)(ls + 3 - loc) + strcspn(ls + 3, "/?#");
    const char *bpath = bs + 3 + strcspn(bs + 3, "/");
    nt_buf sug = NT_BUF_INIT;
    nt_buf_add(&sug, loc, origin);
    nt_buf_adds(&sug, bpath);
    if (strcmp(nt_buf_str(&sug), base) != 0) {
        nt_buf_adds(msg, ": pass --api-server ");
        add_redacted_line(msg, sug.data, sug.len, 0, r, token);
    } else {
        nt_buf_adds(msg, ": is --api-server the API Server's URL?");
    }
    nt_buf_free(&sug);
}

bool nt_api_transport_words(int curl_code, const char *detail, long ssl_verify_result,
                            long os_errno, const char *base_url, long timeout_sec, nt_buf *out)
{
    const char *url = base_url && *base_url ? base_url : "the given URL";
    const char *d = detail && *detail ? detail : curl_easy_strerror((CURLcode)curl_code);
    switch ((CURLcode)curl_code) {
    case CURLE_COULDNT_CONNECT:
        if (os_errno == ECONNREFUSED || has_nocase(d, "refused"))
            nt_buf_addf(out, "connection refused: is the API server running at %s?", url);
        else
            nt_buf_addf(out, "cannot connect (%s): is the API server running at %s?", d, url);
        return true;
    case CURLE_COULDNT_RESOLVE_HOST:
        nt_buf_addf(out, "cannot resolve the host name of %s: check --api-server", url);
        return false;
    case CURLE_OPERATION_TIMEDOUT:
        nt_buf_addf(out, "timed out after %ld s (raise --timeout)", timeout_sec);
        return true;
    case CURLE_GOT_NOTHING:
        nt_buf_adds(out, "the server closed the connection without answering");
        return true;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
        nt_buf_addf(out, "the connection was broken (%s)", d);
        return true;
    case CURLE_PARTIAL_FILE:
        nt_buf_adds(out, "the server's answer was cut short");
        return true;
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        nt_buf_addf(out, "HTTP/2 error (%s)", d);
        return true;
    case CURLE_PEER_FAILED_VERIFICATION:
        switch (ssl_verify_result) {
        case X509_CERT_HAS_EXPIRED:
            nt_buf_adds(out, "the server's TLS certificate has expired");
            return false;
        case X509_CERT_NOT_YET_VALID:
            nt_buf_adds(out, "the server's TLS certificate is not valid yet (check the clock)");
            return false;
        case X509_UNABLE_TO_GET_ISSUER_CERT:
        case X509_DEPTH_ZERO_SELF_SIGNED:
        case X509_SELF_SIGNED_IN_CHAIN:
        case X509_UNABLE_TO_GET_ISSUER_LOCALLY:
        case X509_UNABLE_TO_VERIFY_LEAF:
            nt_buf_adds(out, "TLS certificate signed by an unknown CA: pass --cacert FILE "
                             "(the installer's ca.crt)");
            return false;
        case X509_HOSTNAME_MISMATCH:
            nt_buf_addf(out, "the host name in %s does not match the server's TLS certificate",
                        url);
            return false;
        default:
            break;
        }
        if (has(d, "does not match target host") || has(d, "no alternative certificate subject"))
            nt_buf_addf(out, "the host name in %s does not match the server's TLS certificate",
                        url);
        else if (has_nocase(d, "expired"))
            nt_buf_adds(out, "the server's TLS certificate has expired");
        else if (has_nocase(d, "issuer") || has_nocase(d, "self-signed") ||
                 has_nocase(d, "self signed"))
            nt_buf_adds(out, "TLS certificate signed by an unknown CA: pass --cacert FILE "
                             "(the installer's ca.crt)");
        else
            nt_buf_addf(out, "the server's TLS certificate was refused (%s)", d);
        return false;
    case CURLE_SSL_CACERT_BADFILE:
        nt_buf_adds(out, "cannot read the CA certificate file given with --cacert");
        return false;
    case CURLE_SSL_CONNECT_ERROR:
        nt_buf_addf(out, "TLS handshake failed (%s): does %s speak HTTPS?", d, url);
        return false;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        nt_buf_addf(out, "%s is not a valid http:// or https:// URL: check --api-server", url);
        return false;
    case CURLE_ABORTED_BY_CALLBACK:
        nt_buf_adds(out, "interrupted");
        return false;
    default:
        nt_buf_addf(out, "request failed: %s", curl_easy_strerror((CURLcode)curl_code));
        if (detail && *detail)
            nt_buf_addf(out, " (%s)", detail);
        return false;
    }
}

/* A curl failure after which the server may have acted on the request. */
static bool transport_lost(int code)
{
    switch ((CURLcode)code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

static bool is_json(const char *ct)
{
    return ct && has_nocase(ct, "json");
}

/* A validation failure: the same request will fail the same way (docs/api-server.md §5.2, 6). */
static bool is_validation(const char *msg, const char *reason)
{
    return has(reason, "VALIDATOR") || has(reason, "CODEC") || has(msg, "failed to validate") ||
           has(msg, "failed to construct cluster") || has(msg, "invalid SaveRequest") ||
           has(msg, "is not an https URL") || has(msg, "is required") ||
           has(msg, "failed to match component type") || has(msg, "body unmarshal");
}

/* A git or GitLab failure worth another try: clone, fetch, push, merge
 * (docs/architecture.md §6). */
static bool is_transient_git(const char *msg)
{
    return has_nocase(msg, "clone") || has_nocase(msg, "fetch") || has_nocase(msg, "push") ||
           has_nocase(msg, "merge");
}

void nt_api_error_classify(const nt_api_response *r, const char *token, nt_api_error *out)
{
    memset(out, 0, sizeof(*out));
    nt_buf msg = NT_BUF_INIT;
    char *reason = NULL, *smsg = NULL;

    if (r->curl_code != 0) {
        nt_buf words = NT_BUF_INIT;
        out->kind = NT_APIERR_TRANSPORT;
        out->retryable = nt_api_transport_words(r->curl_code, r->curl_detail, r->ssl_verify_result,
                                                r->os_errno, r->base_url, r->timeout_sec, &words);
        out->lost = transport_lost(r->curl_code);
        nt_redact_urls(&msg, nt_buf_str(&words), token);
        nt_buf_free(&words);
        goto done;
    }
    if (r->status >= 200 && r->status < 300)
        goto done;

    out->kind = NT_APIERR_HTTP;
    out->lost = r->status >= 500;
    long code = 0;
    bool parsed = r->body && r->body_len &&
                  nt_api_error_parse(r->body, r->body_len, &code, &reason, &smsg) == 0;
    if (!parsed && r->status == 404) {
        /* Go's default mux: an unknown route, so this URL is not the Nautes API (1). */
        nt_buf_adds(&msg, "not the Nautes API (");
        if (r->body && r->body_len && !is_json(r->content_type)) {
            add_redacted_line(&msg, r->body, r->body_len, 80, r, token);
        } else {
            nt_buf_adds(&msg, "HTTP 404");
        }
        nt_buf_adds(&msg, "): check --api-server");
        goto done;
    }

    if (r->status >= 300 && r->status < 400) {
        add_redirect(&msg, r, token);
    } else if (parsed && smsg && *smsg) {
        add_redacted_line(&msg, smsg, strlen(smsg), 0, r, token);
    } else if (parsed && reason && *reason) {
        add_redacted_line(&msg, reason, strlen(reason), 0, r, token);
    } else if (r->body && r->body_len) {
        nt_buf raw = NT_BUF_INIT;
        nt_buf_addf(&raw, "unexpected answer (%s): ",
                    r->content_type && *r->content_type ? r->content_type : "no content type");
        nt_buf_add(&raw, r->body, r->body_len < NT_REDACT_SCAN ? r->body_len : NT_REDACT_SCAN);
        add_redacted_line(&msg, raw.data, raw.len, 0, r, token);
        nt_buf_free(&raw);
    } else {
        nt_buf_adds(&msg, "(empty answer)");
    }

    const char *m = nt_buf_str(&msg);
    if (has(m, "token is not found"))
        out->hint = HINT_NO_TOKEN;
    else if (has_status_401(m) || has(m, "Unauthorized") || r->status == 401)
        out->hint = HINT_TOKEN_INVALID;
    else if (has(reason, "PROJECT_NOT_FOUND") || has(reason, "NO_AUTHORIZATION") ||
             has(m, "PROJECT_NOT_FOUND") || has(m, "NO_AUTHORIZATION") ||
             has(m, "Project Not Found"))
        out->hint = HINT_REPO_INVISIBLE;
    else if (has(m, "not allowed to push") || has(m, "protected branch"))
        out->hint = HINT_NO_PUSH;
    else if (!parsed && r->status == 403)
        out->hint = HINT_PROXY_REFUSED;
    else if (!parsed && r->status >= 502 && r->status <= 504)
        out->hint = HINT_PROXY_UNAVAILABLE;

    out->not_found =
        (has(m, "not found") || has(m, "does not exist")) && !out->hint && !has(m, "host cluster");
    out->referenced = has(m, "referenced by") || has(m, "is referenced");
    /* a fresh tenant: the list's 500 when the clusters directory does not exist yet */
    out->no_clusters = r->status == 500 && !out->hint &&
                       (has(m, "the cluster resource is empty") ||
                        (has(m, "lstat ") && has(m, "/overlays/production/clusters: no such file "
                                                    "or directory")));
    if (out->no_clusters)
        out->not_found = false;
    out->collision = r->status == 500 && !out->hint && has(m, "failed to clone repository") &&
                     has(m, "already exists and is not an empty directory");

    switch (r->status) {
    case 429:
    case 502:
    case 503:
    case 504:
        out->retryable = true;
        break;
    case 500:
        out->retryable = !out->hint && !out->not_found && !out->referenced &&
                         !is_validation(m, reason) && is_transient_git(m);
        break;
    default:
        out->retryable = false;
    }

done:
    out->message = msg.len || out->kind != NT_APIERR_NONE ? nt_buf_detach(&msg) : NULL;
    nt_buf_free(&msg);
    free(reason);
    free(smsg);
}

/* The success body: a JSON object whose "message" starts with "Successfully " and that is
 * not an error object (no "code" other than 200). */
static bool is_success_body(const char *body, size_t len)
{
    if (!body || !len)
        return false;
    cJSON *j = cJSON_ParseWithLength(body, len);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(j, "code");
    bool ok = cJSON_IsObject(j) && cJSON_IsString(m) &&
              !strncmp(m->valuestring, "Successfully ", 13) &&
              (!code || (cJSON_IsNumber(code) && code->valuedouble == 200));
    cJSON_Delete(j);
    return ok;
}

void nt_api_success_check(const nt_api_response *r, const char *token, nt_api_error *out)
{
    if (out->kind != NT_APIERR_NONE || r->curl_code != 0 || r->status < 200 || r->status >= 300 ||
        is_success_body(r->body, r->body_len))
        return;
    nt_buf line = NT_BUF_INIT, msg = NT_BUF_INIT;
    size_t n = 0;
    while (r->body && n < r->body_len && r->body[n] != '\n')
        n++;
    nt_buf_adds(&msg, "not the API Server's answer");
    if (r->content_type && *r->content_type)
        nt_buf_addf(&msg, " (%s)", r->content_type);
    nt_buf_adds(&msg, ": ");
    add_one_line(&line, r->body ? r->body : "", n > 200 ? 200 : n);
    if (n > 200)
        nt_buf_adds(&line, "...");
    nt_redact_urls(&msg, nt_buf_str(&line), token);
    free(out->message);
    out->message = nt_buf_detach(&msg);
    out->kind = NT_APIERR_HTTP;
    out->hint = HINT_NOT_THE_SERVER;
    out->retryable = false;
    out->lost = true;
    nt_buf_free(&line);
}

void nt_api_error_free(nt_api_error *e)
{
    if (!e)
        return;
    free(e->message);
    e->message = NULL;
}

void nt_api_error_format(const nt_api_error *e, const char *cluster, const char *method,
                         const char *path, long status, nt_buf *out)
{
    if (cluster) {
        nt_buf_adds(out, "cluster ");
        nt_buf_add_escaped(out, cluster, false);
        nt_buf_adds(out, ": ");
    }
    nt_buf_addf(out, "%s %s: ", method, path);
    if (e->kind == NT_APIERR_HTTP)
        nt_buf_addf(out, "HTTP %ld: ", status);
    nt_buf_adds(out, e->message ? e->message : "failed");
    if (e->hint)
        nt_buf_addf(out, " (%s)", e->hint);
}
