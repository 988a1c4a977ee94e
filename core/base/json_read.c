/* json_read.c — reading JSON from an untrusted peer (json_read.h). */
#include "core/base/json_read.h"

#include "core/base/alloc.h"
#include "core/base/wipe.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Wipe every string of a tree (it may hold a kubeconfig) before it is freed. */
void nt_json_wipe(cJSON *j)
{
    for (; j; j = j->next) {
        nt_wipe_str(j->valuestring);
        nt_json_wipe(j->child);
    }
}

/* An upper bound of the printed size by cJSON's rules: a string's byte takes at most 6
 * (\u00XX for a control character) and its quotes 2; a number at most 26 bytes, a literal 5;
 * each member its colon, comma, newline, the tab after the colon and its indentation, and each
 * object or array its brackets and the closing bracket's indentation (formatted). */
static size_t print_bound(const cJSON *j, size_t depth)
{
    size_t n = 0;
    for (; j; j = j->next) {
        n += j->string ? 6 * strlen(j->string) + 2 : 0;
        n += j->valuestring ? 6 * strlen(j->valuestring) + 2 : 0;
        n += 32 + 2 * depth;
        if (j->child)
            n += print_bound(j->child, depth + 1);
    }
    return n;
}

char *nt_json_print_secret(const cJSON *j, bool format)
{
    if (!j)
        return NULL;
    size_t cap = print_bound(j, 1) + 64; /* + the NUL and cJSON's documented 5 bytes of slack */
    if (cap > INT_MAX)
        return NULL;
    char *out = nt_xmalloc(cap);
    if (cJSON_PrintPreallocated((cJSON *)j, out, (int)cap, format))
        return out;
    nt_wipe(out, cap); /* what was printed before cJSON gave up */
    free(out);
    return NULL;
}

/* Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF). */
bool nt_utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

/* Parse a length-delimited buffer as one JSON value. On failure *err_at is the byte offset
 * where the parser stopped. Embedded NUL bytes are a syntax error. */
cJSON *nt_json_parse(const char *body, size_t len, size_t *err_at)
{
    *err_at = 0;
    size_t nul = strnlen(body, len);
    if (nul != len) {
        *err_at = nul;
        return NULL;
    }
    char *copy = nt_xmalloc(len + 1);
    memcpy(copy, body, len);
    copy[len] = 0;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(copy, len + 1, &end, true);
    if (!j)
        *err_at = end && end >= copy ? (size_t)(end - copy) : 0;
    nt_wipe_str(copy);
    free(copy);
    return j;
}

void nt_line_col(const char *body, size_t len, size_t off, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (body[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

const char *nt_json_skip_ws(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++;
    return s;
}
