/* http.c — requests to the Nautes API Server (libcurl); see http.h. */
#include "core/observe/http.h"

#include "core/base/alloc.h"
#include "core/base/clock.h"
#include "core/base/redact.h"
#include "core/base/wipe.h"
#include "core/observe/api_error.h"
#include "core/observe/api_json.h"
#include "core/base/retry.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Largest answer accepted: a list of 100,000 clusters is ~100 MB. */
#define NT_HTTP_MAX_BODY ((size_t)512 * 1024 * 1024)

void nt_http_config_free(nt_http_config *cfg)
{
    if (!cfg)
        return;
    free(cfg->base_url);
    nt_wipe_free(cfg->token);
    free(cfg->cacert);
    cfg->base_url = cfg->token = cfg->cacert = NULL;
}

int nt_http_check_system_ca(nt_diag *diag)
{
    char *path = NULL;
#ifdef NT_TEST_BUILD
    const char *test_path = getenv("NAUTES_TEST_SYSTEM_CA");
    if (test_path && *test_path)
        path = nt_xstrdup(test_path);
#endif
#if LIBCURL_VERSION_NUM >= 0x075400 /* CURLINFO_CAINFO: 7.84.0 */
    if (!path) {
        CURL *e = curl_easy_init();
        char *def = NULL;
        if (e && curl_easy_getinfo(e, CURLINFO_CAINFO, &def) == CURLE_OK && def && *def)
            path = nt_xstrdup(def);
        if (e)
            curl_easy_cleanup(e);
    }
#endif
    if (!path)
        return 0;
    FILE *f = fopen(path, "r");
    int err = errno, rc = 0;
    if (f) {
        fclose(f);
    } else {
        nt_diag_error(diag,
                      "cannot read the system CA certificates %s (%s): install the "
                      "ca-certificates package, or pass --cacert FILE",
                      path, strerror(err));
        rc = -1;
    }
    free(path);
    return rc;
}

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
    nt_http_req *r = ud;
    size_t len = size * n;
    if (r->resp.len + len > NT_HTTP_MAX_BODY) {
        r->too_big = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    if (!r->resp.cap) {
        /* a large list answer: hold it once, not in a buffer grown by doubling */
        curl_off_t cl = -1;
        if (curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK &&
            cl > 0 && (size_t)cl <= NT_HTTP_MAX_BODY)
            nt_buf_reserve(&r->resp, (size_t)cl);
    }
    nt_buf_add(&r->resp, data, len);
    return len;
}

/* Keep the Retry-After value of the last response (a 100 Continue or a redirect came first). */
static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
    nt_http_req *r = ud;
    size_t len = size * n;
    static const char name[] = "retry-after:";
    if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
        nt_buf_reset(&r->retry_after);
    } else if (len >= sizeof(name) - 1 && !strncasecmp(data, name, sizeof(name) - 1)) {
        size_t a = sizeof(name) - 1, b = len;
        while (b > a && (data[b - 1] == '\r' || data[b - 1] == '\n'))
            b--;
        nt_buf_reset(&r->retry_after);
        if (b - a < 4096) /* longer is no value of this field: left out, so unreadable */
            nt_buf_add(&r->retry_after, data + a, b - a);
        else
            nt_buf_adds(&r->retry_after, "?");
    }
    return len;
}

static void trace(const nt_http_config *cfg, const char *line)
{
    if (cfg->verbose && cfg->trace)
        cfg->trace(cfg->trace_ctx, line);
}

int nt_http_req_init(nt_http_req *r, const nt_http_config *cfg, const char *method,
                     const char *path, const char *body, nt_diag *diag)
{
    memset(r, 0, sizeof(*r));
    r->cfg = cfg;
    r->method = nt_xstrdup(method);
    r->path = nt_xstrdup(path);
    nt_buf url = NT_BUF_INIT, auth = NT_BUF_SECRET_INIT;
    int rc = -1;

    if (!cfg->base_url || !*cfg->base_url) {
        nt_diag_error(diag, "no API server: pass --api-server URL or set NAUTES_API_SERVER");
        goto done;
    }
    r->easy = curl_easy_init();
    if (!r->easy) {
        nt_diag_error(diag, "cannot initialise libcurl");
        goto done;
    }
    if (!cfg->cacert && !cfg->insecure && !strncasecmp(cfg->base_url, "https://", 8) &&
        nt_http_check_system_ca(diag) != 0)
        goto done;
    nt_buf_addf(&url, "%s%s", cfg->base_url, path);
    CURL *e = r->easy;
    curl_easy_setopt(e, CURLOPT_URL, nt_buf_str(&url));
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "nautes");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); /* never carry the token elsewhere */
    if (cfg->timeout_sec > 0) {
        curl_easy_setopt(e, CURLOPT_TIMEOUT, cfg->timeout_sec);
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, cfg->timeout_sec < 30 ? cfg->timeout_sec : 30L);
    }
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    if (cfg->cacert)
        curl_easy_setopt(e, CURLOPT_CAINFO, cfg->cacert);
    if (cfg->insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!strcmp(method, "POST")) {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? strlen(body) : 0));
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    }

    r->headers = curl_slist_append(r->headers, "Accept: application/json");
    if (body)
        r->headers = curl_slist_append(r->headers, "Content-Type: application/json");
    /* curl would send "Expect: 100-continue" for large bodies and wait for an answer. */
    r->headers = curl_slist_append(r->headers, "Expect:");
    if (cfg->token && *cfg->token) {
        nt_buf_addf(&auth, "Authorization: Bearer %s", cfg->token);
        r->headers = curl_slist_append(r->headers, nt_buf_str(&auth));
    }
    if (!r->headers) {
        nt_diag_error(diag, "cannot build the request headers");
        goto done;
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);

    if (cfg->verbose && cfg->trace) {
        nt_buf line = NT_BUF_INIT;
        nt_buf_addf(&line, "> %s %s", method, path);
        if (body)
            nt_buf_addf(&line, " (%zu bytes)", strlen(body));
        trace(cfg, nt_buf_str(&line));
        nt_buf_free(&line);
    }
    rc = 0;
done:
    nt_wipe_buf_free(&auth);
    nt_buf_free(&url);
    return rc;
}

void nt_http_req_done(nt_http_req *r, CURLcode rc, struct nt_api_response *resp,
                      long long *retry_after_sec)
{
    memset(resp, 0, sizeof(*resp));
    long status = 0, verify = 0, oserr = 0;
    char *ctype = NULL, *location = NULL;
    curl_off_t total_us = 0;
    long long ra = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &ctype);
    curl_easy_getinfo(r->easy, CURLINFO_SSL_VERIFYRESULT, &verify);
    curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &oserr);
    curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME_T, &total_us);
    if (r->retry_after.len)
        nt_retry_after_parse(nt_buf_str(&r->retry_after), time(NULL), &ra);
    curl_easy_getinfo(r->easy, CURLINFO_REDIRECT_URL, &location); /* never followed */

    resp->curl_code = (int)rc;
    resp->curl_detail = r->errbuf;
    if (r->too_big) {
        resp->curl_detail = "the answer is larger than 512 MiB";
    }
    resp->ssl_verify_result = verify;
    resp->os_errno = oserr;
    resp->status = rc == CURLE_OK ? status : 0;
    resp->content_type = ctype;
    resp->body = nt_buf_str(&r->resp);
    resp->body_len = r->resp.len;
    resp->base_url = r->cfg->base_url;
    resp->timeout_sec = r->cfg->timeout_sec;
    resp->location = rc == CURLE_OK && status >= 300 && status < 400 ? location : NULL;
    if (retry_after_sec)
        *retry_after_sec = ra;

    if (r->cfg->verbose && r->cfg->trace) {
        nt_buf line = NT_BUF_INIT;
        long ms = (long)(total_us / 1000);
        if (rc == CURLE_OK) {
            nt_buf_addf(&line, "< %ld (%ld ms, %zu bytes)", status, ms, r->resp.len);
            if (ra > 0)
                nt_buf_addf(&line, " Retry-After: %lld s", ra);
        } else {
            nt_buf words = NT_BUF_INIT;
            nt_api_transport_words((int)rc, resp->curl_detail, verify, oserr, r->cfg->base_url,
                                   r->cfg->timeout_sec, &words);
            nt_buf_addf(&line, "< error after %ld ms: ", ms);
            nt_redact_urls(&line, nt_buf_str(&words), r->cfg->token);
            nt_buf_free(&words);
        }
        trace(r->cfg, nt_buf_str(&line));
        nt_buf_free(&line);
    }
}

void nt_http_req_cleanup(nt_http_req *r)
{
    if (!r)
        return;
    if (r->easy)
        curl_easy_cleanup(r->easy);
    /* the slist holds a copy of the Authorization header: wipe it before freeing */
    for (struct curl_slist *h = r->headers; h; h = h->next)
        nt_wipe_str(h->data);
    curl_slist_free_all(r->headers);
    free(r->method);
    free(r->path);
    nt_buf_free(&r->resp);
    nt_buf_free(&r->retry_after);
    memset(r, 0, sizeof(*r));
}

/* The list GET's progress: past NT_HTTP_SLOW_MS, "nautes: still reading the clusters from
 * URL (3 s, 12.4 MB received)" once, then every cfg->progress_every_ms. */
typedef struct list_progress {
    const nt_http_config *cfg;
    long long start, next; /* ms; next: when to say it (again) */
} list_progress;

static int on_list_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                            curl_off_t ulnow)
{
    (void)dltotal, (void)ultotal, (void)ulnow;
    list_progress *lp = ud;
    long long now = nt_now_ms();
    if (!lp->next || now < lp->next || !lp->cfg->trace)
        return 0;
    nt_buf t = NT_BUF_INIT;
    nt_buf_addf(&t, "nautes: still reading the clusters from %s (%lld s, ", lp->cfg->base_url,
                (now - lp->start) / 1000);
    if (dlnow > 0)
        nt_buf_addf(&t, "%.1f MB received)", (double)dlnow / 1e6);
    else
        nt_buf_adds(&t, "no answer yet)");
    lp->cfg->trace(lp->cfg->trace_ctx, nt_buf_str(&t));
    nt_buf_free(&t);
    lp->next = lp->cfg->progress_every_ms > 0 ? now + lp->cfg->progress_every_ms : 0;
    return 0;
}

int nt_api_list(const nt_http_config *cfg, nt_cluster_set **out, nt_diag *diag)
{
    static const char path[] = "/api/v1/clusters";
    nt_http_req req = {0};
    nt_api_response resp;
    nt_api_error err = {0};
    nt_buf msg = NT_BUF_INIT;
    int rc = -1;
    long attempt = 0;
    long long retry_after = 0, waited_ms = 0;
    nt_rng rng;
    nt_rng_seed(&rng, 0);
    nt_buf stop = NT_BUF_INIT; /* why the retries ended before cfg->retries */
    *out = NULL;

    for (;;) {
        if (nt_http_req_init(&req, cfg, "GET", path, NULL, diag) != 0)
            goto done;
        list_progress lp = {cfg, nt_now_ms(), 0};
        lp.next = lp.start + NT_HTTP_SLOW_MS;
        curl_easy_setopt(req.easy, CURLOPT_XFERINFOFUNCTION, on_list_progress);
        curl_easy_setopt(req.easy, CURLOPT_XFERINFODATA, &lp);
        curl_easy_setopt(req.easy, CURLOPT_NOPROGRESS, 0L);
        CURLcode cc = curl_easy_perform(req.easy);
        nt_http_req_done(&req, cc, &resp, &retry_after);
        nt_api_error_classify(&resp, cfg->token, &err);
        if (err.kind == NT_APIERR_NONE || !err.retryable || attempt >= cfg->retries)
            break;
        /* a transient failure (connection, timeout, 429, 502-504): wait and ask again, but
         * never past what is left of the --timeout budget (retry.h) */
        long long left = cfg->timeout_sec > 0 ? cfg->timeout_sec * 1000LL - waited_ms : -1;
        long long delay = 0;
        long base = cfg->retry_base_ms > 0 ? cfg->retry_base_ms : NT_RETRY_DEFAULT_BASE_MS;
        if (!nt_retry_next((unsigned)attempt + 1, base, NT_RETRY_DEFAULT_CAP_MS, retry_after, left,
                           nt_rng_uniform(&rng), &delay, &stop))
            break;
        attempt++;
        waited_ms += delay;
        if ((cfg->verbose || delay > NT_RETRY_SAY_MS) && cfg->trace) {
            nt_buf t = NT_BUF_INIT;
            nt_buf_addf(&t, "nautes: GET %s: ", path);
            if (resp.status)
                nt_buf_addf(&t, "HTTP %ld", resp.status);
            else
                nt_buf_adds(&t, "no answer");
            if (retry_after > 0)
                nt_buf_addf(&t, ", the server asked to wait %lld s (Retry-After)", retry_after);
            nt_buf_addf(&t, "; retrying in %.1f s (retry %ld of %ld)", (double)delay / 1000.0,
                        attempt, cfg->retries);
            cfg->trace(cfg->trace_ctx, nt_buf_str(&t));
            nt_buf_free(&t);
        }
        nt_api_error_free(&err);
        memset(&err, 0, sizeof(err));
        nt_http_req_cleanup(&req);
        memset(&req, 0, sizeof(req));
        nt_sleep_ms(delay);
    }
    if (err.kind == NT_APIERR_HTTP && err.no_clusters) {
        /* a fresh tenant: the repository has no clusters directory until the first save */
        nt_diag_add(diag, NT_SEV_NOTE, NT_POS_NONE, NULL,
                    "the tenant repository has no clusters yet (the API Server answered 500 "
                    "\"%s\"): read as an empty list",
                    err.message);
        *out = nt_cluster_set_new();
        goto named;
    }
    if (err.kind != NT_APIERR_NONE) {
        nt_buf full = NT_BUF_INIT;
        nt_buf_addf(&full, "%s%s", cfg->base_url, path);
        nt_api_error_format(&err, NULL, "GET", nt_buf_str(&full), resp.status, &msg);
        if (attempt)
            nt_buf_addf(&msg, " (after %ld %s)", attempt, attempt == 1 ? "retry" : "retries");
        if (stop.len)
            nt_buf_addf(&msg, " (not retried: %s)", nt_buf_str(&stop));
        nt_buf_free(&full);
        nt_diag_error(diag, "%s", nt_buf_str(&msg));
        goto done;
    }
    size_t first = diag ? diag->n : 0;
    if (nt_api_list_parse(resp.body, resp.body_len, out, diag) != 0) {
        /* a 2xx error body's message is quoted: redact the token from it as from any other */
        for (size_t i = first; diag && i < diag->n; i++) {
            nt_buf b = NT_BUF_INIT;
            nt_redact_urls(&b, diag->items[i].msg, cfg->token);
            free(diag->items[i].msg);
            diag->items[i].msg = nt_buf_detach(&b);
        }
        goto done;
    }
named:
    free((*out)->source);
    nt_buf src = NT_BUF_INIT;
    nt_buf_addf(&src, "api %s", cfg->base_url);
    (*out)->source = nt_buf_detach(&src);
    (*out)->source_kind = NT_SOURCE_API;
    rc = 0;
done:
    if (rc != 0 && *out) {
        nt_cluster_set_free(*out);
        *out = NULL;
    }
    nt_api_error_free(&err);
    nt_buf_free(&msg);
    nt_buf_free(&stop);
    nt_http_req_cleanup(&req);
    return rc;
}
