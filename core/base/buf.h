/* buf.h — the one growable string builder of the project.
 *
 *   nt_buf b = NT_BUF_INIT;
 *   nt_buf_addf(&b, "%s: %d", name, n);
 *   use(nt_buf_str(&b));
 *   nt_buf_free(&b);
 *
 * The data is always NUL-terminated once anything was added; nt_buf_str() returns "" for an
 * empty buffer, never NULL. Binary data (with NUL bytes) may be added with nt_buf_add(). */
#ifndef NT_BUF_H
#define NT_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct nt_buf {
    char *data;
    size_t len;
    size_t cap;
    bool secret; /* NT_BUF_SECRET_INIT: no byte of it is ever left behind in freed memory */
} nt_buf;

#define NT_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }

/* A buffer that will hold a secret (a token, a kubeconfig, a substituted ${VAR}): when it grows
 * its bytes are moved to a new block and the old block is wiped before it is freed (realloc
 * would free it as it is), and what reset, truncate and free drop is wiped (core/base/wipe.h).
 * nt_buf_detach hands the bytes over: the caller wipes them (nt_wipe_free). Since a secret
 * buffer always moves when it grows, never append a part of its own data to it. */
#define NT_BUF_SECRET_INIT                                                                         \
    {                                                                                              \
        NULL, 0, 0, true                                                                           \
    }

void nt_buf_add(nt_buf *b, const void *data, size_t len);
void nt_buf_adds(nt_buf *b, const char *s);
void nt_buf_addc(nt_buf *b, char c);
void nt_buf_addf(nt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nt_buf_vaddf(nt_buf *b, const char *fmt, va_list ap);
/* The one file reader. Append the whole file at `path`. Returns 0, or -1 with errno set
 * (ENOENT, EACCES, ...; EISDIR for a directory; EFBIG when the file holds more than `max`
 * bytes, told before reading for a regular file; max 0: no limit). The buffer is
 * NUL-terminated even for an empty file; on failure it is as it was, and what was read of the
 * file is wiped (it may be a secret). The message naming the file is the caller's. */
int nt_buf_read_file(nt_buf *b, const char *path, size_t max);
/* The same from an open descriptor, read to its end (fd stays open). */
int nt_buf_read_fd(nt_buf *b, int fd, size_t max);
void nt_buf_reserve(nt_buf *b, size_t extra); /* room for `extra` more bytes, grown exactly */
const char *nt_buf_str(const nt_buf *b);
void nt_buf_reset(nt_buf *b); /* length 0, memory kept (a secret buffer's bytes wiped) */
void nt_buf_truncate(nt_buf *b, size_t len);
char *nt_buf_detach(nt_buf *b); /* caller owns the string (never NULL); b is emptied, and
                                 * keeps being a secret buffer if it was one */
void nt_buf_free(nt_buf *b);

#ifdef NT_TEST_BUILD
/* Test builds: called with each block a secret buffer gives up, after the wipe and before the
 * free (test_buf checks that no byte of the secret is left in it). */
extern void (*nt_buf_test_on_release)(const void *p, size_t n);
#endif

#endif
