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

/* True when s holds nothing nt_buf_add_escaped would change when bare. */
bool nt_is_printable(const char *s);

#endif
