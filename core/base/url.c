/* url.c — the one reading of a URL's host and port (see url.h). */
#include "core/base/url.h"

#include "core/base/alloc.h"

#include <string.h>

bool nt_host_of(const char *url, nt_url_host *out)
{
    memset(out, 0, sizeof(*out));
    if (!url)
        return false;
    const char *a = url, *sep = strstr(url, "://");
    if (sep) {
        out->scheme = url;
        out->scheme_len = (size_t)(sep - url);
        a = sep + 3;
    }
    size_t alen = strcspn(a, "/?#");
    for (size_t i = alen; i > 0; i--) { /* past the last '@': user:password@ */
        if (a[i - 1] == '@') {
            alen -= i;
            a += i;
            break;
        }
    }
    const char *end = a + alen, *colon;
    if (*a == '[') {
        const char *rb = memchr(a, ']', alen);
        if (!rb)
            return false;
        out->host = a + 1;
        out->host_len = (size_t)(rb - a - 1);
        out->bracketed = true;
        colon = rb + 1 < end && rb[1] == ':' ? rb + 1 : NULL;
    } else {
        colon = memchr(a, ':', alen);
        out->host = a;
        out->host_len = colon ? (size_t)(colon - a) : alen;
    }
    if (colon) {
        out->port = colon + 1;
        out->port_len = (size_t)(end - colon - 1);
    }
    return true;
}

char *nt_host_of_dup(const char *url, char **port)
{
    nt_url_host u;
    *port = NULL;
    if (!nt_host_of(url, &u) || !u.scheme)
        return NULL;
    if (u.port)
        *port = nt_xstrndup(u.port, u.port_len);
    return nt_xstrndup(u.host, u.host_len);
}
