/* ansi.h — the one set of terminal colours (SGR codes) and the one way text is painted with
 * them. Whether to colour at all is the caller's decision (cmd/: nt_use_color: a terminal,
 * no --no-color, no NO_COLOR, TERM not dumb). */
#ifndef NT_BASE_ANSI_H
#define NT_BASE_ANSI_H

#include "core/base/buf.h"

#include <stdbool.h>
#include <stddef.h>

#define NT_ANSI_GREEN "\033[32m"  /* create, added, applied */
#define NT_ANSI_YELLOW "\033[33m" /* update, changed, skipped */
#define NT_ANSI_RED "\033[31m"    /* destroy, removed, failed */
#define NT_ANSI_BOLD "\033[1m"
#define NT_ANSI_BOLD_RED "\033[1;31m"    /* error: */
#define NT_ANSI_BOLD_YELLOW "\033[1;33m" /* warning: */
#define NT_ANSI_BOLD_CYAN "\033[1;36m"   /* note: */
#define NT_ANSI_RESET "\033[0m"

/* Append the first len bytes of text, between code and NT_ANSI_RESET when color is true. */
void nt_ansi_paint(nt_buf *out, bool color, const char *code, const char *text, size_t len);

#endif
