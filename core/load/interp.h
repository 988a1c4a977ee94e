/* interp.h — ${VAR}, ${VAR:-default} and $$ inside scalars of a desired-state file.
 *
 * `$$` is a literal `$`; `${NAME}` is replaced by the environment variable NAME (an error at
 * the `$` when it is unset); `${NAME:-default}` uses `default` when NAME is unset or empty;
 * the default may itself hold references (`${A:-${B:-x}}`), nested at most 3 deep (deeper is an
 * error).  Any other `$` (the Go CLI's bare `$placeholders`) is kept as is; validation reports it.
 */
#ifndef NT_INTERP_H
#define NT_INTERP_H

#include "core/base/buf.h"
#include "core/base/diag.h"

#include <stdbool.h>
#include <stddef.h>

/* Append the interpolation of s[0..len) to out. `pos` is where s[0] is in the file; when
 * `exact` is false (folded or block scalars) every error is reported at `pos` itself. Each
 * substituted value is appended to `subs` (when non-NULL) followed by a NUL byte, so that
 * callers can hash what the environment contributed. Returns 0, or -1 after adding errors. */
int nt_interp(const char *s, size_t len, nt_pos pos, bool exact, nt_buf *out, nt_buf *subs,
              const char *cluster, nt_diag *diag);

#endif
