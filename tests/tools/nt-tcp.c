/* nt-tcp — raw TCP for the end-to-end tests (they must not need python3).
 *
 *   nt-tcp free-port                 print a loopback port nothing listens on (bound by
 *                                    the kernel's choice, then closed)
 *   nt-tcp cut PORT                  send stdin to 127.0.0.1:PORT and hang up without
 *                                    reading (a request cut short)
 *   nt-tcp flood PORT N TOKEN        open N connections to 127.0.0.1:PORT at once, then
 *                                    send GET /api/v1/clusters on each and print how many
 *                                    answers start with "HTTP/1.1 200"
 * Exit 1 with the reason on stderr when a socket call fails. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static int die(const char *what)
{
    fprintf(stderr, "nt-tcp: %s: %s\n", what, strerror(errno));
    return 1;
}

static struct sockaddr_in loopback(unsigned port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int dial(unsigned port)
{
    struct sockaddr_in a = loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int free_port(void)
{
    struct sockaddr_in a = loopback(0);
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        return die("bind 127.0.0.1:0");
    printf("%u\n", ntohs(a.sin_port));
    close(fd);
    return 0;
}

static int cut(unsigned port)
{
    char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf), stdin);
    int fd = dial(port);
    if (fd < 0)
        return die("connect");
    int rc = send_all(fd, buf, n) < 0 ? die("send") : 0;
    close(fd);
    return rc;
}

static int flood(unsigned port, int n, const char *token)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 16) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)n + 16 ? rl.rlim_max : (rlim_t)n + 16;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    int *fds = calloc((size_t)n, sizeof(int));
    char req[512];
    int len = snprintf(req, sizeof(req),
                       "GET /api/v1/clusters HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                       "%s\r\nConnection: close\r\n\r\n",
                       token);
    if (!fds || len < 0 || (size_t)len >= sizeof(req))
        return 1;
    for (int i = 0; i < n; i++)
        if ((fds[i] = dial(port)) < 0)
            return die("connect");
    for (int i = 0; i < n; i++)
        if (send_all(fds[i], req, (size_t)len) < 0)
            return die("send");
    int ok = 0;
    for (int i = 0; i < n; i++) {
        char head[16] = {0}, sink[65536];
        size_t got = 0;
        ssize_t r;
        while ((r = recv(fds[i], sink, sizeof(sink), 0)) != 0) {
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                break;
            if (got < 12)
                memcpy(head + got, sink, (size_t)r < 12 - got ? (size_t)r : 12 - got);
            got += (size_t)r;
        }
        if (!strncmp(head, "HTTP/1.1 200", 12))
            ok++;
        close(fds[i]);
    }
    free(fds);
    printf("%d\n", ok);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "free-port"))
        return free_port();
    if (argc == 3 && !strcmp(argv[1], "cut"))
        return cut((unsigned)atoi(argv[2]));
    if (argc == 5 && !strcmp(argv[1], "flood"))
        return flood((unsigned)atoi(argv[2]), atoi(argv[3]), argv[4]);
    fprintf(stderr, "usage: nt-tcp free-port | cut PORT | flood PORT N TOKEN\n");
    return 2;
}
