/* ansi.c — painting text with a terminal colour (see ansi.h). */
#include "core/base/ansi.h"

void nt_ansi_paint(nt_buf *out, bool color, const char *code, const char *text, size_t len)
{
    if (color)
        nt_buf_adds(out, code);
    nt_buf_add(out, text, len);
    if (color)
        nt_buf_adds(out, NT_ANSI_RESET);
}
