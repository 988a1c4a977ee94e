/* json_text.h — the one way a JSON document is printed for people and files (`--json`,
 * `show --json`, saved plans, the local server's stores): indented with two spaces, one space
 * after each colon, and DEL and the C1 controls (U+0080-U+009F, which cJSON leaves raw) written
 * as \u escapes so that a terminal stays safe (core/base/escape.h says why). */
#ifndef NT_BASE_JSON_TEXT_H
#define NT_BASE_JSON_TEXT_H

#include "core/base/buf.h"

#include <cjson/cJSON.h>

/* Append `doc` and a newline to `out`. Returns 0, or -1 when cJSON cannot print it (out of
 * memory), with nothing appended. */
int nt_json_print(const cJSON *doc, nt_buf *out);

#endif
