/* nt-json — the end-to-end tests' JSON reader (they must not need python3 or jq).
 *
 *   nt-json < FILE.json
 *
 * Prints every leaf of the document on its own line, in document order, as PATH, a tab and
 * the value in compact JSON: `.operations[3].depends_on[1]	2`, `.server_generation	"v0.3"`.
 * An empty object or array is a leaf (`{}`, `[]`). Exit 1, with the reason on stderr, when
 * the input is not one well-formed JSON document. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(const char *path, const cJSON *v)
{
    char *s = cJSON_PrintUnformatted(v);
    printf("%s\t%s\n", *path ? path : ".", s ? s : "?");
    free(s);
}

static void walk(char *path, size_t len, const cJSON *v)
{
    if ((cJSON_IsObject(v) || cJSON_IsArray(v)) && v->child) {
        int i = 0;
        for (const cJSON *c = v->child; c; c = c->next, i++) {
            if (cJSON_IsArray(v))
                snprintf(path + len, 4096 - len, "[%d]", i);
            else
                snprintf(path + len, 4096 - len, ".%s", c->string);
            walk(path, strlen(path), c);
            path[len] = 0;
        }
        return;
    }
    put(path, v);
}

int main(void)
{
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n - 1, stdin)) > 0) {
        n += got;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    if (!buf)
        return 1;
    buf[n] = 0;
    const char *end = NULL;
    cJSON *doc = cJSON_ParseWithOpts(buf, &end, 1);
    if (!doc) {
        fprintf(stderr, "nt-json: not well-formed JSON at byte %ld\n",
                end ? (long)(end - buf) : -1L);
        free(buf);
        return 1;
    }
    static char path[4096];
    walk(path, 0, doc);
    cJSON_Delete(doc);
    free(buf);
    return 0;
}
