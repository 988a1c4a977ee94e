/* wipe.c — the one way to wipe a secret (see wipe.h). */
#include "core/base/wipe.h"

#include <stdlib.h>
#include <string.h>

void nt_wipe(void *p, size_t n)
{
    if (p && n)
        explicit_bzero(p, n);
}

void nt_wipe_str(char *s)
{
    if (s)
        nt_wipe(s, strlen(s));
}

void nt_wipe_free(char *s)
{
    nt_wipe_str(s);
    free(s);
}

void nt_wipe_buf_free(nt_buf *b)
{
    if (!b)
        return;
    b->secret = true; /* freed as a secret buffer is (buf.c): wiped once, whatever it was */
    nt_buf_free(b);
}
