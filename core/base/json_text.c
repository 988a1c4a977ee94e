#include "core/base/json_text.h"

#include "core/base/alloc.h"

#include <stdbool.h>
#include <stdlib.h>

int nt_json_print(const cJSON *doc, nt_buf *out)
{
    char *s = cJSON_Print(doc);
    if (!s)
        return -1;
    /* cJSON indents with tabs and writes a tab after each colon; inside a string a tab is
     * always the escape \t, so every raw tab is layout */
    bool line_start = true;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\t')
            nt_buf_adds(out, line_start ? "  " : " ");
        else if (*p == 0x7f)
            nt_buf_adds(out, "\\u007f");
        else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            nt_buf_addf(out, "\\u%04x", *++p);
        else
            nt_buf_addc(out, (char)*p);
        if (*p != '\t')
            line_start = *p == '\n';
    }
    nt_buf_addc(out, '\n');
    cJSON_free(s);
    return 0;
}

char *nt_json_compact(const cJSON *doc)
{
    char *s = cJSON_PrintUnformatted(doc);
    if (!s)
        abort();
    char *r = nt_xstrdup(s);
    cJSON_free(s);
    return r;
}
