#include "core/interp.h"

#include <stdlib.h>
#include <string.h>

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

int nt_interp(const char *s, size_t len, nt_pos pos, bool exact, nt_buf *out, nt_buf *subs,
              const char *cluster, nt_diag *diag)
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
        const char *def = NULL;
        size_t deflen = 0;
        if (j + 1 < len && s[j] == ':' && s[j + 1] == '-') {
            const char *close = memchr(s + j + 2, '}', len - j - 2);
            if (!close) {
                rc = nt_diag_add(diag, NT_SEV_ERROR, at, cluster,
                                 "unterminated '${%s:-': add the closing '}'", nt_buf_str(&name));
                break;
            }
            def = s + j + 2;
            deflen = (size_t)(close - def);
            j = (size_t)(close - s);
        }
        if (j >= len || s[j] != '}') {
            rc = nt_diag_add(diag, NT_SEV_ERROR, at, cluster,
                             "bad variable reference '${%s': expected '}' or ':-default}'",
                             nt_buf_str(&name));
            break;
        }
        const char *val = getenv(nt_buf_str(&name));
        if (def && (!val || !*val)) {
            nt_buf_add(out, def, deflen);
            if (subs) {
                nt_buf_add(subs, def, deflen);
                nt_buf_addc(subs, '\0');
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
