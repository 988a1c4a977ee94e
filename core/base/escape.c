/* escape.c — terminal-safe text (see escape.h). */
#include "core/base/escape.h"

#include <stddef.h>
#include <string.h>

/* Length of the UTF-8 sequence at s (1-4, at most avail), or 0 when it is not valid UTF-8
 * (overlong forms, surrogates and code points past U+10FFFF are not). *cp gets the code
 * point. */
static size_t utf8_len(const unsigned char *s, size_t avail, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xe0) == 0xc0) {
        n = 2, min = 0x80, c &= 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        n = 3, min = 0x800, c &= 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        n = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

static bool control(unsigned cp)
{
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

static void add_control(nt_buf *b, unsigned cp)
{
    switch (cp) {
    case '\n':
        nt_buf_adds(b, "\\n");
        break;
    case '\r':
        nt_buf_adds(b, "\\r");
        break;
    case '\t':
        nt_buf_adds(b, "\\t");
        break;
    case '\b':
        nt_buf_adds(b, "\\b");
        break;
    case '\f':
        nt_buf_adds(b, "\\f");
        break;
    default:
        nt_buf_addf(b, "\\u%04x", cp);
    }
}

void nt_buf_add_escaped_n(nt_buf *b, const char *s, size_t len, unsigned how)
{
    bool quoted = how & NT_ESC_QUOTED, hex = how & NT_ESC_HEX;
    if (quoted)
        nt_buf_addc(b, '"');
    const unsigned char *p = (const unsigned char *)(s ? s : ""), *end = p + (s ? len : 0);
    const unsigned char *run = p; /* the characters kept as they are, added in one piece */
    while (p < end) {
        unsigned cp = *p;
        size_t n = hex ? 1 : utf8_len(p, (size_t)(end - p), &cp);
        bool bad = !n || (hex && (cp < 0x20 || cp >= 0x7f || cp == '"' || cp == '\\'));
        if (!bad && !control(cp) && !(quoted && (cp == '"' || cp == '\\'))) {
            p += n;
            continue;
        }
        if (p > run)
            nt_buf_add(b, run, (size_t)(p - run));
        if (bad) {
            nt_buf_addf(b, "\\x%02x", *p++); /* not UTF-8, or not printable ASCII in hex */
        } else {
            if (control(cp))
                add_control(b, cp);
            else
                nt_buf_addf(b, "\\%c", (char)cp);
            p += n;
        }
        run = p;
    }
    if (p > run)
        nt_buf_add(b, run, (size_t)(p - run));
    if (quoted)
        nt_buf_addc(b, '"');
}

void nt_buf_add_escaped(nt_buf *b, const char *s, bool quoted)
{
    nt_buf_add_escaped_n(b, s, s ? strlen(s) : 0, quoted ? NT_ESC_QUOTED : 0);
}

bool nt_is_printable(const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *end = p + strlen((const char *)p);
    while (*p) {
        unsigned cp = 0;
        size_t n = utf8_len(p, (size_t)(end - p), &cp);
        if (!n || control(cp))
            return false;
        p += n;
    }
    return true;
}
