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

/* The compact form of `doc` (no whitespace), exactly as cJSON prints it (nothing escaped on
 * top), as a string to free(): what a value is compared and hashed as (the normalised maps, a
 * saved plan's digest) and what the local server answers. Never NULL: cJSON prints every tree
 * it builds, so only memory can run out, and that aborts (core/base/alloc.h). */
char *nt_json_compact(const cJSON *doc);

#endif
