/* escape.h — the one escaping of server- and file-supplied text before a terminal sees it.
 *
 * A cluster name from a server, a value written with a YAML "\e" escape or a server's message
 * can hold bytes a terminal acts on: ESC sequences that clear the screen or move the cursor,
 * CR and LF that forge a line ("\r\nPlan: 0 to add"), DEL, the C1 controls (U+0080-U+009F,
 * which some terminals take as ESC [). Everything printed that came from outside goes through
 * nt_buf_add_escaped: such bytes become JSON escapes (\n, \r, \t, \b, \f, \u001b, \u009b),
 * a byte that is not UTF-8 becomes \xNN, and the rest is kept as it is. */
#ifndef NT_ESCAPE_H
#define NT_ESCAPE_H

#include "core/base/buf.h"

#include <stdbool.h>

/* Append s escaped. quoted: as a JSON string, between double quotes, with '"' and '\'
 * escaped too (how the plan shows values); otherwise bare (names, messages): a name made of
 * ordinary characters comes out unchanged. NULL appends nothing (or "" when quoted). */
void nt_buf_add_escaped(nt_buf *b, const char *s, bool quoted);

/* How nt_buf_add_escaped_n writes s. */
enum {
    NT_ESC_QUOTED = 1, /* between double quotes, with '"' and '\' escaped (as above) */
    NT_ESC_HEX = 2,    /* ASCII only: every byte outside printable ASCII, '"' and '\' as \xNN
                        * (the local server's messages and log, as the e2e tests pin them) */
};

/* The one escaping: nt_buf_add_escaped of len bytes, which may hold NUL bytes (a NUL is a
 * control character: \u0000, or \x00 with NT_ESC_HEX). `how`: NT_ESC_* bits, 0 for bare. */
void nt_buf_add_escaped_n(nt_buf *b, const char *s, size_t len, unsigned how);

/* True when s holds nothing nt_buf_add_escaped would change when bare. */
bool nt_is_printable(const char *s);

#endif
