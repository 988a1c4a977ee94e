/* fake_server.h — a tiny loopback HTTP/1.1 server in a thread, for unit tests of the HTTP
 * client and the apply executor. Each connection carries one request; the handler returns
 * the whole raw response (status line, headers, body). Requests are recorded. */
#ifndef NT_TEST_FAKE_SERVER_H
#define NT_TEST_FAKE_SERVER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FAKE_MAX_REQ 64

typedef struct fake_server fake_server;
/* Return a malloc'd raw response for the request (the whole text, headers and body). */
typedef char *(*fake_handler)(fake_server *s, const char *request, int n);

struct fake_server {
    int fd;
    int port;
    pthread_t thread;
    volatile int stop;
    fake_handler handler;
    void *ctx;
    pthread_mutex_t mu;
    char *requests[FAKE_MAX_REQ];
    int n_requests;
    char url[64];
};

static inline char *fake_response(int status, const char *ctype, const char *body,
                                  const char *extra)
{
    size_t n = strlen(body) + 512 + (extra ? strlen(extra) : 0);
    char *r = malloc(n);
    snprintf(r, n,
             "HTTP/1.1 %d X\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%sConnection: "
             "close\r\n\r\n%s",
             status, ctype, strlen(body), extra ? extra : "", body);
    return r;
}

static inline void fake_serve_one(fake_server *s, int c)
{
    char buf[65536];
    size_t len = 0;
    long want = -1;
    while (len < sizeof(buf) - 1) {
        ssize_t k = read(c, buf + len, sizeof(buf) - 1 - len);
        if (k <= 0)
            break;
        len += (size_t)k;
        buf[len] = 0;
        char *end = strstr(buf, "\r\n\r\n");
        if (end) {
            if (want < 0) {
                char *cl = strcasestr(buf, "Content-Length:");
                want = (long)(end + 4 - buf) + (cl && cl < end ? atol(cl + 15) : 0);
            }
            if ((long)len >= want)
                break;
        }
    }
    buf[len] = 0;
    pthread_mutex_lock(&s->mu);
    int n = s->n_requests;
    if (n < FAKE_MAX_REQ)
        s->requests[s->n_requests++] = strdup(buf);
    pthread_mutex_unlock(&s->mu);
    char *resp = s->handler(s, buf, n);
    if (resp) {
        size_t off = 0, rl = strlen(resp);
        while (off < rl) {
            ssize_t k = write(c, resp + off, rl - off);
            if (k <= 0)
                break;
            off += (size_t)k;
        }
        free(resp);
    }
    close(c);
}

static inline void *fake_main(void *arg)
{
    fake_server *s = arg;
    while (!s->stop) {
        struct pollfd p = {s->fd, POLLIN, 0};
        if (poll(&p, 1, 20) <= 0)
            continue;
        int c = accept(s->fd, NULL, NULL);
        if (c >= 0)
            fake_serve_one(s, c);
    }
    return NULL;
}

static inline void fake_start(fake_server *s, fake_handler h, void *ctx)
{
    memset(s, 0, sizeof(*s));
    s->handler = h;
    s->ctx = ctx;
    pthread_mutex_init(&s->mu, NULL);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(s->fd, (struct sockaddr *)&a, sizeof(a));
    socklen_t al = sizeof(a);
    getsockname(s->fd, (struct sockaddr *)&a, &al);
    s->port = ntohs(a.sin_port);
    listen(s->fd, 16);
    snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", s->port);
    pthread_create(&s->thread, NULL, fake_main, s);
}

static inline void fake_stop(fake_server *s)
{
    s->stop = 1;
    pthread_join(s->thread, NULL);
    close(s->fd);
}

/* After fake_stop: free the recorded requests. */
static inline void fake_free(fake_server *s)
{
    for (int i = 0; i < s->n_requests; i++)
        free(s->requests[i]);
    s->n_requests = 0;
    pthread_mutex_destroy(&s->mu);
}

/* A port nothing listens on (bound, then closed). */
static inline int fake_closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&a, sizeof(a));
    socklen_t al = sizeof(a);
    getsockname(fd, (struct sockaddr *)&a, &al);
    close(fd);
    return ntohs(a.sin_port);
}

#endif
