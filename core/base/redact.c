/* redact.c — the one redaction: a secret, the secrets in URLs, what a request carried (see
 * redact.h). */
#include "core/base/redact.h"

#include "core/base/alloc.h"
#include "core/base/json_read.h"
#include "core/base/wipe.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A secret of NT_REDACT_ANYWHERE bytes or more is redacted wherever it appears. A shorter one
 * (a test token, a typo) only where it stands alone, so that "ro" does not turn
 * "protected" into "p[REDACTED]tected"; inside a longer word it is not the secret. */
#define NT_REDACT_ANYWHERE 8
/* The multiplier of the rolling hash of fragments (the FNV prime: odd, bits spread). */
#define HASH_MUL 0x100000001b3ULL

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/* ---- one secret (a token, a password) ---------------------------------------------------- */

void nt_redact_secret(nt_buf *b, const char *s, const char *secret)
{
    size_t sl = secret ? strlen(secret) : 0;
    if (!sl) {
        nt_buf_adds(b, s);
        return;
    }
    const char *start = s, *p = s;
    while ((p = strstr(p, secret)) != NULL) {
        bool alone = (p == s || !word_char(p[-1])) && !word_char(p[sl]);
        if (sl < NT_REDACT_ANYWHERE && !alone) {
            p++;
            continue;
        }
        nt_buf_add(b, start, (size_t)(p - start));
        nt_buf_adds(b, "[REDACTED]");
        p += sl;
        start = p;
    }
    nt_buf_adds(b, start);
}

/* ---- text that may hold URLs -------------------------------------------------------------- */

/* User names that are conventions, not secrets (`https://oauth2:TOKEN@`, `ssh://git@`): kept
 * when they stand alone in a URL. Any other lone user name may be a token
 * (`https://TOKEN@host`, as GitHub and some proxies take it) and is redacted. */
static bool public_user(const char *s, size_t n)
{
    static const char *const names[] = {
        "git", "oauth2", "gitlab-ci-token", "x-access-token", "x-token-auth", NULL};
    for (const char *const *p = names; *p; p++)
        if (strlen(*p) == n && !strncasecmp(s, *p, n))
            return true;
    return false;
}

/* A query parameter that carries a credential: token, password, secret, key, signature and
 * their usual spellings (private_token, access_token, job_token, api_key, client_secret...). */
static bool secret_param(const char *s, size_t n)
{
    char name[40];
    if (!n || n >= sizeof(name))
        return false;
    for (size_t i = 0; i < n; i++)
        name[i] = s[i] == '-' ? '_' : (char)tolower((unsigned char)s[i]);
    name[n] = '\0';
    static const char *const exact[] = {"token",
                                        "password",
                                        "passwd",
                                        "pwd",
                                        "pass",
                                        "secret",
                                        "key",
                                        "apikey",
                                        "auth",
                                        "authorization",
                                        "sig",
                                        "signature",
                                        "x_amz_credential",
                                        "x_amz_signature",
                                        NULL};
    for (const char *const *p = exact; *p; p++)
        if (!strcmp(name, *p))
            return true;
    static const char *const suffix[] = {"_token", "_secret", "_key", "_password", NULL};
    for (const char *const *p = suffix; *p; p++) {
        size_t sl = strlen(*p);
        if (n > sl && !strcmp(name + n - sl, *p))
            return true;
    }
    return false;
}

/* Where a URL's userinfo or a query value ends. */
#define URL_STOP " \t\r\n\"'<>"

void nt_redact_urls(nt_buf *out, const char *s, const char *token)
{
    nt_buf t = NT_BUF_INIT;
    nt_redact_secret(&t, s ? s : "", token);
    const char *p = nt_buf_str(&t);
    size_t i = 0, len = t.len;
    while (i < len) {
        /* scheme://USERINFO@ : the password, or a lone user name that is not a convention */
        if (p[i] == ':' && !strncmp(p + i, "://", 3)) {
            const char *u = p + i + 3;
            size_t n = strcspn(u, "/@?#" URL_STOP);
            nt_buf_adds(out, "://");
            i += 3;
            if (u[n] == '@' && n) {
                const char *colon = memchr(u, ':', n);
                if (colon) {
                    nt_buf_add(out, u, (size_t)(colon - u));
                    nt_buf_adds(out, ":[REDACTED]");
                } else if (public_user(u, n)) {
                    nt_buf_add(out, u, n);
                } else {
                    nt_buf_adds(out, "[REDACTED]");
                }
                i += n;
            }
            continue;
        }
        /* ?NAME=VALUE or &NAME=VALUE with a credential's name */
        if (p[i] == '?' || p[i] == '&') {
            const char *name = p + i + 1;
            size_t n = strcspn(name, "=&#;" URL_STOP);
            if (name[n] == '=' && secret_param(name, n)) {
                nt_buf_add(out, p + i, n + 2);
                nt_buf_adds(out, "[REDACTED]");
                i += n + 2;
                i += strcspn(p + i, "&#;" URL_STOP);
                continue;
            }
        }
        nt_buf_addc(out, p[i]);
        i++;
    }
    nt_buf_free(&t);
}

/* ---- what a request carried ------------------------------------------------------------ */

void nt_secrets_add(nt_secrets *s, const char *secret)
{
    if (!secret || !*secret)
        return;
    NT_GROW_FROM(s->whole, s->cap_whole, s->n_whole + 1, 8);
    s->whole[s->n_whole++] = nt_xstrdup(secret);
}

/* The hash of one window (a polynomial hash, then mixed so that table slots spread). */
static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1; /* 0 marks an empty slot */
}

static bool gram_has(const nt_secrets *s, uint64_t h)
{
    if (!s->cap_grams)
        return false;
    size_t mask = s->cap_grams - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        if (s->grams[i] == h)
            return true;
        if (!s->grams[i])
            return false;
    }
}

static void gram_put(nt_secrets *s, uint64_t h)
{
    if ((s->n_grams + 1) * 2 > s->cap_grams) {
        size_t cap = s->cap_grams ? s->cap_grams * 2 : 1024;
        uint64_t *old = s->grams;
        size_t old_cap = s->cap_grams;
        s->grams = nt_xcalloc(cap, sizeof(*s->grams));
        s->cap_grams = cap;
        s->n_grams = 0;
        for (size_t i = 0; i < old_cap; i++)
            if (old[i])
                gram_put(s, old[i]);
        nt_wipe(old, old_cap * sizeof(*old)); /* hashes of a secret's windows, as at the end */
        free(old);
    }
    size_t mask = s->cap_grams - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        if (s->grams[i] == h)
            return;
        if (!s->grams[i]) {
            s->grams[i] = h;
            s->n_grams++;
            return;
        }
    }
}

/* HASH_MUL^(NT_REDACT_FRAGMENT-1), to drop the byte leaving the window. */
static uint64_t hash_top(void)
{
    uint64_t p = 1;
    for (int i = 1; i < NT_REDACT_FRAGMENT; i++)
        p *= HASH_MUL;
    return p;
}

/* Call fn(ctx, at, hash) for the NT_REDACT_FRAGMENT-byte window at each position `at` of
 * s[0..len), the hash rolled along (the byte leaving the window taken out, the new one in). */
typedef void window_fn(void *ctx, size_t at, uint64_t h);

static void each_window(const char *s, size_t len, window_fn *fn, void *ctx)
{
    uint64_t h = 0, top = hash_top();
    for (size_t i = 0; i < len; i++) {
        if (i >= NT_REDACT_FRAGMENT)
            h -= top * (unsigned char)s[i - NT_REDACT_FRAGMENT];
        h = h * HASH_MUL + (unsigned char)s[i];
        if (i + 1 >= NT_REDACT_FRAGMENT)
            fn(ctx, i + 1 - NT_REDACT_FRAGMENT, mix(h));
    }
}

static void put_window(void *ctx, size_t at, uint64_t h)
{
    (void)at;
    gram_put(ctx, h);
}

void nt_secrets_add_value(nt_secrets *s, const char *value, size_t len)
{
    if (!value || !len)
        return;
    if (len < NT_REDACT_FRAGMENT) { /* longer ones: their fragments cover every occurrence */
        char *copy = nt_xmalloc(len + 1);
        memcpy(copy, value, len);
        copy[len] = 0;
        nt_secrets_add(s, copy);
        nt_wipe(copy, len);
        free(copy);
        return;
    }
    each_window(value, len, put_window, s);
}

static bool b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
}

static bool looks_base64(const char *s, size_t len)
{
    if (len < 4 || len % 4)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!b64_char(s[i]))
            return false;
    return true;
}

/* The decoded bytes of base64 text (NUL-terminated), or NULL when it does not decode. */
static char *b64_decode(const char *s, size_t len, size_t *out_len)
{
    if (!looks_base64(s, len) || len > (size_t)1 << 28)
        return NULL;
    unsigned char *raw = nt_xmalloc(len / 4 * 3 + 1);
    int n = EVP_DecodeBlock(raw, (const unsigned char *)s, (int)len);
    if (n < 0) {
        free(raw);
        return NULL;
    }
    size_t m = (size_t)n;
    for (size_t k = len; k > 0 && s[k - 1] == '='; k--)
        m--; /* EVP_DecodeBlock counts the padding as zero bytes */
    raw[m] = 0;
    *out_len = m;
    return (char *)raw;
}

static void add_base64_of(nt_secrets *s, const char *text, size_t len)
{
    if (len > (size_t)1 << 28)
        return;
    unsigned char *enc = nt_xmalloc(4 * ((len + 2) / 3) + 1);
    int n = EVP_EncodeBlock(enc, (const unsigned char *)text, (int)len);
    if (n > 0)
        nt_secrets_add_value(s, (const char *)enc, (size_t)n);
    nt_wipe(enc, n > 0 ? (size_t)n : 0);
    free(enc);
}

/* Keys whose value is a secret, in a kubeconfig or anywhere in a message. */
static const char *const secret_keys[] = {
    "client-key-data", "client-certificate-data", "token",        "password",
    "client-secret",   "refresh-token",           "access-token", "secret",
};

/* The key of a kubeconfig line ("    client-key-data: VALUE"): is it secret-bearing? */
static bool secret_key(const char *k, size_t n)
{
    for (size_t i = 0; i < sizeof(secret_keys) / sizeof(secret_keys[0]); i++) {
        size_t kl = strlen(secret_keys[i]);
        if (n >= kl && !strncmp(k + n - kl, secret_keys[i], kl) &&
            (n == kl || k[n - kl - 1] == '-' || k[n - kl - 1] == '_'))
            return true;
    }
    return false;
}

/* The values of the secret-bearing lines of a kubeconfig, and what -data values decode to. */
static void add_secret_lines(nt_secrets *s, const char *text)
{
    for (const char *line = text; *line;) {
        size_t ll = strcspn(line, "\n");
        const char *p = line, *end = line + ll;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '-'))
            p++;
        const char *colon = memchr(p, ':', (size_t)(end - p));
        if (colon) {
            const char *k = p;
            size_t kl = (size_t)(colon - p);
            if (kl >= 2 && (k[0] == '"' || k[0] == '\'') && k[kl - 1] == k[0])
                k++, kl -= 2;
            const char *v = colon + 1, *ve = end;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
                ve--;
            if (ve - v >= 2 && (*v == '"' || *v == '\'') && ve[-1] == *v)
                v++, ve--;
            if (ve > v && secret_key(k, kl)) {
                nt_secrets_add_value(s, v, (size_t)(ve - v));
                size_t dl = 0;
                char *dec = b64_decode(v, (size_t)(ve - v), &dl);
                if (dec) { /* a PEM: its base64 lines */
                    for (const char *q = dec; *q;) {
                        size_t ql = strcspn(q, "\r\n");
                        if (ql >= NT_REDACT_FRAGMENT && strncmp(q, "-----", 5) != 0)
                            nt_secrets_add_value(s, q, ql);
                        q += ql;
                        q += strspn(q, "\r\n");
                    }
                    nt_wipe(dec, dl);
                    free(dec);
                }
            }
        }
        line = *end ? end + 1 : end;
    }
}

static void add_kubeconfig(nt_secrets *s, const char *text, int depth)
{
    size_t len = strlen(text);
    if (!len)
        return;
    nt_secrets_add(s, text);
    /* as it stands in a JSON body: "apiVersion: v1\nclusters:..." */
    cJSON *str = cJSON_CreateString(text);
    char *json = str ? nt_json_print_secret(str, false) : NULL;
    if (json) {
        size_t jl = strlen(json);
        if (jl >= 2) {
            json[jl - 1] = 0;
            nt_secrets_add(s, json + 1);
        }
        nt_wipe_free(json);
    }
    nt_json_wipe(str); /* cJSON's copy of the text */
    cJSON_Delete(str);
    add_base64_of(s, text, len);
    add_secret_lines(s, text);
    size_t dl = 0;
    char *dec = depth ? NULL : b64_decode(text, len, &dl);
    if (dec) { /* a kubeconfig given in base64: the text it stands for too */
        if (strlen(dec) == dl)
            add_kubeconfig(s, dec, depth + 1);
        nt_wipe(dec, dl);
        free(dec);
    }
}

void nt_secrets_add_kubeconfig(nt_secrets *s, const char *text)
{
    if (text)
        add_kubeconfig(s, text, 0);
}

void nt_secrets_free(nt_secrets *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_whole; i++) {
        nt_wipe_free(s->whole[i]);
    }
    free(s->whole);
    if (s->grams)
        nt_wipe(s->grams, s->cap_grams * sizeof(*s->grams));
    free(s->grams);
    memset(s, 0, sizeof(*s));
}

static void mark(bool *m, size_t from, size_t n)
{
    memset(m + from, 1, n);
}

/* A secret-bearing key followed by ':' or '=' (quotes, escaped quotes and spaces around
 * allowed): mark its value, up to a space, quote, backslash, comma or closing bracket. */
static void mark_key_values(const char *s, size_t len, bool *m)
{
    for (size_t i = 0; i < len; i++) {
        if (!word_char(s[i]) || (i && word_char(s[i - 1])))
            continue;
        size_t k = i;
        while (k < len && word_char(s[k]))
            k++;
        if (!secret_key(s + i, k - i)) {
            i = k - 1;
            continue;
        }
        size_t j = k;
        while (j < len && (s[j] == '"' || s[j] == '\'' || s[j] == '\\'))
            j++;
        if (j >= len || (s[j] != ':' && s[j] != '=')) {
            i = k - 1;
            continue;
        }
        j++;
        while (j < len &&
               (s[j] == ' ' || s[j] == '\t' || s[j] == '"' || s[j] == '\'' || s[j] == '\\'))
            j++;
        size_t v = j;
        while (j < len && !strchr(" \t\r\n\"'\\,;&}]", s[j]) && s[j])
            j++;
        if (j > v)
            mark(m, v, j - v);
        i = j ? j - 1 : 0;
    }
}

static void mark_whole(const nt_secrets *sec, const char *s, size_t len, bool *m)
{
    for (size_t w = 0; w < sec->n_whole; w++) {
        const char *x = sec->whole[w];
        size_t xl = strlen(x);
        for (const char *p = s; (p = memmem(p, len - (size_t)(p - s), x, xl)) != NULL; p++) {
            size_t at = (size_t)(p - s);
            bool alone = (at == 0 || !word_char(p[-1])) && (at + xl == len || !word_char(p[xl]));
            if (xl >= NT_REDACT_ANYWHERE || alone)
                mark(m, at, xl);
            if (at + xl >= len)
                break;
        }
    }
}

typedef struct mark_ctx {
    const nt_secrets *sec;
    bool *m;
} mark_ctx;

static void mark_window(void *ctx, size_t at, uint64_t h)
{
    mark_ctx *x = ctx;
    if (gram_has(x->sec, h))
        mark(x->m, at, NT_REDACT_FRAGMENT);
}

static void mark_fragments(const nt_secrets *sec, const char *s, size_t len, bool *m)
{
    if (!sec->n_grams || len < NT_REDACT_FRAGMENT)
        return;
    mark_ctx x = {sec, m};
    each_window(s, len, mark_window, &x);
}

void nt_secrets_redact(const nt_secrets *sec, const char *s, size_t len, nt_buf *out)
{
    if (!s || !len)
        return;
    bool *m = nt_xcalloc(len, sizeof(bool));
    if (sec) {
        mark_whole(sec, s, len, m);
        mark_fragments(sec, s, len, m);
    }
    mark_key_values(s, len, m);
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && m[j] == m[i])
            j++;
        if (m[i])
            nt_buf_adds(out, "[REDACTED]");
        else
            nt_buf_add(out, s + i, j - i);
        i = j;
    }
    free(m);
}
