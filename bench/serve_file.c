/* serve_file.c — a benchmark helper: answer every HTTP request on a loopback port chosen by
 * the kernel with 200 and the bytes of FILE (application/json), one request per connection.
 * Prints "http://127.0.0.1:PORT" on its first line, then serves until killed. Built by
 * bench/hostile.sh; no part of the tool. Usage: serve_file FILE */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k <= 0)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: serve_file FILE\n");
        return 2;
    }
    int f = open(argv[1], O_RDONLY);
    struct stat st;
    if (f < 0 || fstat(f, &st) != 0) {
        perror(argv[1]);
        return 1;
    }
    size_t len = (size_t)st.st_size;
    const char *body = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, f, 0) : "";
    if (body == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof(a);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 16) != 0 ||
        getsockname(s, (struct sockaddr *)&a, &al) != 0) {
        perror("socket");
        return 1;
    }
    printf("http://127.0.0.1:%d\n", ntohs(a.sin_port));
    fflush(stdout);
    char head[256], req[65536];
    for (;;) {
        int c = accept(s, NULL, NULL);
        if (c < 0)
            continue;
        size_t got = 0;
        while (got < sizeof(req) - 1) {
            ssize_t k = read(c, req + got, sizeof(req) - 1 - got);
            if (k <= 0)
                break;
            got += (size_t)k;
            req[got] = 0;
            if (strstr(req, "\r\n\r\n"))
                break;
        }
        int n = snprintf(head, sizeof(head),
                         "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                         len);
        if (write_all(c, head, (size_t)n) == 0)
            write_all(c, body, len);
        close(c);
    }
}
