/* url.h — the one reading of a URL's host and port.
 *
 *   scheme://[user[:password]@]host[:port][/path][?query][#fragment]
 *
 * The host is what stands after the last '@' of the authority (the part before the first
 * '/', '?' or '#'); an IPv6 host is written between brackets ("https://[::1]:6443"), and the
 * port is what follows its ':' up to the end of the authority. Nothing is copied: the parts
 * point into the URL. */
#ifndef NT_URL_H
#define NT_URL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct nt_url_host {
    const char *scheme; /* "https" in "https://h"; NULL when the URL has no "://" */
    size_t scheme_len;
    const char *host; /* without the brackets of an IPv6 host; may be empty */
    size_t host_len;
    bool bracketed;   /* the host was written between brackets */
    const char *port; /* the text after the host's ':' (may be empty), or NULL */
    size_t port_len;
} nt_url_host;

/* Split url into scheme, host and port. A URL without "://" is read as an authority alone
 * ("host:6443"). False for NULL or for a '[' without its ']'. */
bool nt_host_of(const char *url, nt_url_host *out);

/* nt_host_of's host and port as new strings (port NULL when none): NULL when url has no
 * "://" or cannot be read. */
char *nt_host_of_dup(const char *url, char **port);

#endif
