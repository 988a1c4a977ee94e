/* render_diag.c — the diagnostics of a run for machines: `validate --json` and GitLab's Code
 * Quality report (render.h). */
#include "core/render/render.h"

#include "core/base/json_text.h"
#include "core/model/rules.h"

#include <string.h>

static const char *sev_name(nt_severity s)
{
    return s == NT_SEV_ERROR ? "error" : s == NT_SEV_WARNING ? "warning" : "note";
}

static void add_str_or_null(cJSON *o, const char *key, const char *s)
{
    cJSON_AddItemToObject(o, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

static void print(cJSON *doc, nt_buf *out)
{
    if (nt_json_print(doc, out) < 0)
        nt_buf_adds(out, "null\n");
    cJSON_Delete(doc);
}

void nt_render_diag_json(const nt_diag *d, nt_buf *out)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddBoolToObject(doc, "valid", d->n_errors == 0);
    cJSON_AddNumberToObject(doc, "errors", (double)d->n_errors);
    cJSON_AddNumberToObject(doc, "warnings", (double)d->n_warnings);
    cJSON *list = cJSON_AddArrayToObject(doc, "diagnostics");
    for (size_t i = 0; i < d->n; i++) {
        const nt_diag_item *it = &d->items[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "severity", sev_name(it->sev));
        add_str_or_null(o, "file", it->file);
        if (it->file) {
            cJSON_AddNumberToObject(o, "line", it->line);
            cJSON_AddNumberToObject(o, "column", it->col);
        }
        add_str_or_null(o, "cluster", it->cluster);
        add_str_or_null(o, "rule", nt_rule_name(it->code));
        cJSON_AddStringToObject(o, "message", it->msg ? it->msg : "");
        cJSON_AddItemToArray(list, o);
    }
    print(doc, out);
}

void nt_render_codequality(const nt_diag *d, const char *default_path, nt_buf *out)
{
    cJSON *doc = cJSON_CreateArray();
    for (size_t i = 0; i < d->n; i++) {
        const nt_diag_item *it = &d->items[i];
        const char *rule = nt_rule_name(it->code);
        nt_buf check = NT_BUF_INIT, key = NT_BUF_INIT;
        nt_buf_addf(&check, "nautes/%s", rule ? rule : sev_name(it->sev));
        const char *path = it->file ? it->file : default_path ? default_path : ".";
        /* the same finding in the merge request and its target branch: no line number in it,
         * so that a line added above does not make it a new finding */
        nt_buf_adds(&key, nt_buf_str(&check));
        nt_buf_addc(&key, '\0');
        nt_buf_adds(&key, path);
        nt_buf_addc(&key, '\0');
        nt_buf_adds(&key, it->cluster ? it->cluster : "");
        nt_buf_addc(&key, '\0');
        nt_buf_adds(&key, it->msg ? it->msg : "");
        char fp[65];
        nt_sha256_hex(key.data, key.len, fp);
        cJSON *o = cJSON_CreateObject();
        nt_buf desc = NT_BUF_INIT;
        if (it->cluster)
            nt_buf_addf(&desc, "%s: ", it->cluster);
        nt_buf_adds(&desc, it->msg ? it->msg : "");
        cJSON_AddStringToObject(o, "description", nt_buf_str(&desc));
        cJSON_AddStringToObject(o, "check_name", nt_buf_str(&check));
        cJSON_AddStringToObject(o, "fingerprint", fp);
        cJSON_AddStringToObject(o, "severity",
                                it->sev == NT_SEV_ERROR     ? "major"
                                : it->sev == NT_SEV_WARNING ? "minor"
                                                            : "info");
        cJSON *loc = cJSON_AddObjectToObject(o, "location");
        cJSON_AddStringToObject(loc, "path", path);
        cJSON *lines = cJSON_AddObjectToObject(loc, "lines");
        cJSON_AddNumberToObject(lines, "begin", it->line ? it->line : 1);
        cJSON_AddItemToArray(doc, o);
        nt_buf_free(&desc);
        nt_buf_free(&check);
        nt_buf_free(&key);
    }
    print(doc, out);
}
