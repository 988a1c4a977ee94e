#include "core/load/interp.h"

#include <stdlib.h>
#include <string.h>

/* How deep defaults may nest: ${A:-${B:-${C:-x}}} is 3. A deeper one is refused. */
#define NT_INTERP_MAX_DEPTH 4 /* levels counting the outer reference */

static bool name_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool name_char(char c)
{
    return name_start(c) || (c >= '0' && c <= '9');
}

/* Position of byte i of the scalar: columns only move on the scalar's first line. */
static nt_pos pos_at(const char *s, size_t i, nt_pos pos, bool exact)
{
    if (!exact || memchr(s, '\n', i))
        return pos;
    pos.col += (unsigned)i;
    return pos;
}

/* The '}' closing a default that starts at s[from]: nested "${" open a level, "$$" is a
 * literal dollar. Returns its index, or len when there is none. */
static size_t default_end(const char *s, size_t from, size_t len)
{
    size_t depth = 0;
    for (size_t k = from; k < len; k++) {
        if (s[k] == '$' && k + 1 < len && (s[k + 1] == '$' || s[k + 1] == '{')) {
            depth += s[k + 1] == '{';
            k++;
        } else if (s[k] == '}') {
            if (!depth)
                return k;
            depth--;
        }
    }
    return len;
}

static int interp(const char *s, size_t len, nt_pos pos, bool exact, nt_buf *out, nt_buf *subs,
                  const char *cluster, nt_diag *diag, int depth)
{
    int rc = 0;
    nt_buf name = NT_BUF_INIT;
    size_t i = 0;
    while (i < len) {
        const char *dollar = memchr(s + i, '$', len - i);
        if (!dollar) {
            nt_buf_add(out, s + i, len - i);
            break;
        }
        size_t d = (size_t)(dollar - s);
        nt_buf_add(out, s + i, d - i);
        if (d + 1 < len && s[d + 1] == '$') {
            nt_buf_addc(out, '$');
            i = d + 2;
            continue;
        }
        if (d + 1 >= len || s[d + 1] != '{') {
            nt_buf_addc(out, '$'); /* a bare $placeholder: left for validation */
            i = d + 1;
            continue;
        }
        nt_pos at = pos_at(s, d, pos, exact);
        size_t j = d + 2;
        if (j >= len || !name_start(s[j])) {
            rc = nt_diag_add(diag, NT_SEV_ERROR, at, cluster,
                             "bad variable reference: '${' must be followed by a name "
                             "([A-Za-z_][A-Za-z0-9_]*); write '$$' for a literal '$'");
            break;
        }
        while (j < len && name_char(s[j]))
            j++;
        nt_buf_reset(&name);
        nt_buf_add(&name, s + d + 2, j - d - 2);
        size_t def = 0, deflen = 0;
        bool has_def = false;
        if (j + 1 < len && s[j] == ':' && s[j + 1] == '-') {
            size_t close = default_end(s, j + 2, len);
            if (close >= len) {
                rc = nt_diag_add(diag, NT_SEV_ERROR, at, cluster,
                                 "unterminated '${%s:-': add the closing '}'", nt_buf_str(&name));
                break;
            }
            has_def = true;
            def = j + 2;
            deflen = close - def;
            j = close;
        }
        if (j >= len || s[j] != '}') {
            rc = nt_diag_add(diag, NT_SEV_ERROR, at, cluster,
                             "bad variable reference '${%s': expected '}' or ':-default}'",
                             nt_buf_str(&name));
            break;
        }
        const char *val = getenv(nt_buf_str(&name));
        if (has_def && (!val || !*val)) {
            /* the default is itself interpolated: ${B:-${C}} is C when B is unset */
            if (memchr(s + def, '$', deflen) && depth + 1 >= NT_INTERP_MAX_DEPTH) {
                rc = nt_diag_add(diag, NT_SEV_ERROR, at, cluster,
                                 "defaults nested more than %d deep in '${%s:-...}': "
                                 "simplify the reference",
                                 NT_INTERP_MAX_DEPTH - 1, nt_buf_str(&name));
                break;
            }
            nt_buf v = NT_BUF_SECRET_INIT;
            bool ex = exact && !memchr(s, '\n', def);
            int r = interp(s + def, deflen, pos_at(s, def, pos, exact), ex, &v, NULL, cluster, diag,
                           depth + 1);
            nt_buf_add(out, v.data ? v.data : "", v.len);
            if (subs) {
                nt_buf_add(subs, v.data ? v.data : "", v.len);
                nt_buf_addc(subs, '\0');
            }
            nt_buf_free(&v);
            if (r < 0) {
                rc = -1;
                break;
            }
        } else if (!val) {
            rc = nt_diag_add(diag, NT_SEV_ERROR, at, cluster,
                             "environment variable %s is not set; set it or write "
                             "${%s:-default}",
                             nt_buf_str(&name), nt_buf_str(&name));
        } else {
            nt_buf_adds(out, val);
            if (subs) {
                nt_buf_adds(subs, val);
                nt_buf_addc(subs, '\0');
            }
        }
        i = j + 1;
    }
    nt_buf_free(&name);
    return rc;
}

int nt_interp(const char *s, size_t len, nt_pos pos, bool exact, nt_buf *out, nt_buf *subs,
              const char *cluster, nt_diag *diag)
{
    return interp(s, len, pos, exact, out, subs, cluster, diag, 0);
}
