/* yaml_emit.h — the one YAML emitter (libyaml's, never string pasting), for `nautes import`
 * (core/render/emit_native.c) and the local server's tenant repository files
 * (devserver/tenant_write.c): 2-space indent, no folding, UTF-8 kept, and ONE quoting rule
 * (nt_yaml_needs_quotes) so that both write the same value the same way.
 *
 *   nt_yaml y;
 *   nt_yaml_open(&y, &buf);
 *   nt_yaml_map_start(&y, false); nt_yaml_str(&y, "key"); nt_yaml_str(&y, "value");
 *   nt_yaml_map_end(&y);
 *   if (nt_yaml_close(&y) < 0) ... (out of memory or an event out of order)
 *
 * Errors are sticky: after one, every call does nothing and close returns -1. */
#ifndef NT_BASE_YAML_EMIT_H
#define NT_BASE_YAML_EMIT_H

#include "core/base/buf.h"

#include <stdbool.h>
#include <yaml.h>

typedef struct nt_yaml {
    yaml_emitter_t y;
    nt_buf *out; /* the text is appended here as it is emitted */
    bool failed;
    const char *problem; /* libyaml's words for the first failure (a static string), or NULL */
} nt_yaml;

/* Start a stream and one implicit document, appending to out. */
void nt_yaml_open(nt_yaml *e, nt_buf *out);
/* End the document and the stream, release the emitter. 0, or -1 after any failure. */
int nt_yaml_close(nt_yaml *e);
/* Write everything emitted so far to out (for a caller that notes positions in out). */
void nt_yaml_flush(nt_yaml *e);

/* True when `s` written as a plain scalar would not read back as the same string: empty, a
 * YAML 1.1 null, boolean, number, infinity or NaN in any case and spelling (0x1f, 0o17, 1e3,
 * 1_000, 1:30, .inf), the merge key `<<` or the value key `=`. Errs on the side of quoting. */
bool nt_yaml_needs_quotes(const char *s);

/* A scalar in `style`; YAML_ANY_SCALAR_STYLE is plain unless nt_yaml_needs_quotes, then
 * double-quoted (libyaml itself quotes what plain style cannot hold: ": ", "# ", indicators,
 * leading or trailing spaces, control characters). */
void nt_yaml_scalar(nt_yaml *e, const char *s, yaml_scalar_style_t style);
/* A string value or key: nt_yaml_scalar(e, s, YAML_ANY_SCALAR_STYLE). */
void nt_yaml_str(nt_yaml *e, const char *s);
void nt_yaml_map_start(nt_yaml *e, bool flow);
void nt_yaml_map_end(nt_yaml *e);
void nt_yaml_seq_start(nt_yaml *e, bool flow);
void nt_yaml_seq_end(nt_yaml *e);

#endif
