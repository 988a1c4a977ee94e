/* wipe.h — the one way to wipe a secret (a token, a kubeconfig, a password) from memory
 * before the memory is freed or reused.
 *
 * Every wipe is explicit_bzero, which the compiler may not drop as a dead store (a plain
 * memset before free may be). Each function takes NULL. */
#ifndef NT_WIPE_H
#define NT_WIPE_H

#include "core/base/buf.h"

#include <stddef.h>

void nt_wipe(void *p, size_t n);  /* zero n bytes at p */
void nt_wipe_str(char *s);        /* zero the bytes of the string s (up to its NUL) */
void nt_wipe_free(char *s);       /* nt_wipe_str, then free */
void nt_wipe_buf_free(nt_buf *b); /* zero all of b's memory (its capacity), then free it: what
                                     nt_buf_free does for an NT_BUF_SECRET_INIT buffer */

#endif
