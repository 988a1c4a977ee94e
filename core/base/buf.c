#include "core/base/buf.h"

#include "core/base/alloc.h"
#include "core/base/wipe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef NT_TEST_BUILD
void (*nt_buf_test_on_release)(const void *p, size_t n);
#endif

/* Free a secret buffer's block, wiped first (test builds let test_buf look at it then). */
static void release_wiped(char *p, size_t cap)
{
    nt_wipe(p, cap);
#ifdef NT_TEST_BUILD
    if (p && nt_buf_test_on_release)
        nt_buf_test_on_release(p, cap);
#endif
    free(p);
}

/* Room for `extra` more bytes, the capacity doubling: appends cost O(1) each. The new room is
 * not zeroed (nothing reads past len): a rendered plan of 100,000 clusters is megabytes, and
 * zeroing each doubling touched every new page once more. */
static void reserve(nt_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= extra) /* wrapped around */
        abort();
    if (need > b->cap)
        nt_buf_reserve(b, nt_grow_cap(b->cap, need, 64) - b->len - 1);
}

void nt_buf_reserve(nt_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= extra) /* wrapped around */
        abort();
    if (need <= b->cap)
        return;
    if (b->secret && b->data) {
        /* realloc could free the old block with the secret in it: move, then wipe */
        char *moved = nt_xmalloc(need);
        memcpy(moved, b->data, b->len);
        release_wiped(b->data, b->cap);
        b->data = moved;
    } else {
        b->data = nt_xrealloc(b->data, need);
    }
    b->data[b->len] = '\0'; /* a buffer reserved before anything is added reads as "" */
    b->cap = need;
}

void nt_buf_add(nt_buf *b, const void *data, size_t len)
{
    reserve(b, len);
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void nt_buf_adds(nt_buf *b, const char *s)
{
    nt_buf_add(b, s, strlen(s));
}

void nt_buf_addc(nt_buf *b, char c)
{
    nt_buf_add(b, &c, 1);
}

void nt_buf_vaddf(nt_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp); /* NOLINT(clang-analyzer-valist.Uninitialized) */
    va_end(cp);
    if (n < 0)
        return;
    reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void nt_buf_addf(nt_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nt_buf_vaddf(b, fmt, ap);
    va_end(ap);
}

int nt_buf_read_fd(nt_buf *b, int fd, size_t max)
{
    size_t start = b->len;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -1;
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    if (S_ISREG(st.st_mode)) { /* its size, read into memory allocated once */
        if (max && (unsigned long long)st.st_size > max) {
            errno = EFBIG;
            return -1;
        }
        nt_buf_reserve(b, (size_t)st.st_size + 1); /* + 1: room to read the end */
    }
    for (;;) {
        if (b->len + 1 >= b->cap) /* full: grow by doubling, at least 64 KiB */
            nt_buf_reserve(b, b->cap > 65536 ? b->cap : 65536);
        /* straight into the buffer: no copy of a secret is left on the stack */
        ssize_t r = read(fd, b->data + b->len, b->cap - b->len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        if (r == 0) {
            b->data[b->len] = '\0';
            return 0;
        }
        b->len += (size_t)r;
        if (max && b->len - start > max) {
            errno = EFBIG;
            break;
        }
    }
    int e = errno;
    nt_wipe(b->data + start, b->len - start);
    b->len = start;
    b->data[start] = '\0';
    errno = e;
    return -1;
}

int nt_buf_read_file(nt_buf *b, const char *path, size_t max)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -1;
    int rc = nt_buf_read_fd(b, fd, max);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

const char *nt_buf_str(const nt_buf *b)
{
    return b->data ? b->data : "";
}

void nt_buf_reset(nt_buf *b)
{
    nt_buf_truncate(b, 0);
}

void nt_buf_truncate(nt_buf *b, size_t len)
{
    if (len < b->len) {
        if (b->secret)
            nt_wipe(b->data + len, b->len - len);
        b->len = len;
        b->data[len] = '\0';
    }
}

char *nt_buf_detach(nt_buf *b)
{
    char *s = b->data ? b->data : nt_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

void nt_buf_free(nt_buf *b)
{
    if (!b)
        return;
    if (b->secret)
        release_wiped(b->data, b->cap);
    else
        free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
