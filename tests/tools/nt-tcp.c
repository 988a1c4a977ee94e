/* nt-tcp — a free loopback port for the end-to-end tests (bash cannot bind a socket, and
 * the tests must not need python3).
 *
 *   nt-tcp free-port     print a loopback port nothing listens on (chosen by the kernel,
 *                        bound, then closed)
 * Exit 1 with the reason on stderr when a socket call fails. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
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

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "free-port"))
        return free_port();
    fprintf(stderr, "usage: nt-tcp free-port\n");
    return 2;
}
