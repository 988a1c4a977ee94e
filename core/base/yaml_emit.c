#include "core/base/yaml_emit.h"

#include <string.h>
#include <strings.h>

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
    nt_buf_add((nt_buf *)data, buffer, size);
    return 1;
}

/* libyaml takes the event (and frees it) whether or not emitting succeeds. */
static void emit(nt_yaml *e, yaml_event_t *ev)
{
    if (e->failed || !yaml_emitter_emit(&e->y, ev)) {
        if (!e->failed)
            e->problem = e->y.problem;
        e->failed = true;
    }
}

void nt_yaml_open(nt_yaml *e, nt_buf *out)
{
    memset(e, 0, sizeof(*e));
    e->out = out;
    if (!yaml_emitter_initialize(&e->y)) {
        e->failed = true;
        return;
    }
    yaml_emitter_set_output(&e->y, write_handler, out);
    yaml_emitter_set_indent(&e->y, 2);
    yaml_emitter_set_width(&e->y, -1); /* never fold long values */
    yaml_emitter_set_unicode(&e->y, 1);
    yaml_event_t ev;
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    emit(e, &ev);
    if (!e->failed && yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1))
        emit(e, &ev);
}

int nt_yaml_close(nt_yaml *e)
{
    yaml_event_t ev;
    if (!e->failed && yaml_document_end_event_initialize(&ev, 1))
        emit(e, &ev);
    if (!e->failed && yaml_stream_end_event_initialize(&ev))
        emit(e, &ev);
    nt_yaml_flush(e);
    yaml_emitter_delete(&e->y);
    return e->failed ? -1 : 0;
}

void nt_yaml_flush(nt_yaml *e)
{
    if (!e->failed && !yaml_emitter_flush(&e->y)) {
        e->problem = e->y.problem;
        e->failed = true;
    }
}

bool nt_yaml_needs_quotes(const char *s)
{
    static const char *const words[] = {"~", "null", "true", "false", "yes",   "no",   "on", "off",
                                        "y", "n",    ".inf", "-.inf", "+.inf", ".nan", "<<", "="};
    if (!*s)
        return true;
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (!strcasecmp(s, words[i]))
            return true;
    if (!strchr("0123456789+-.", s[0]))
        return false;
    /* numbers in any YAML 1.1 spelling: decimal, 0x.., 0o.., 0b.., floats, 1_000, sexagesimal
     * 1:30; a lone sign or dot is quoted too (errs on the side of quoting); and a timestamp
     * (2001-12-14, 2001-12-14t21:59:43.10-05:00, 2001-1-2 3:04:05), which Go's YAML reader
     * (Kubernetes, Argo CD, the API Server) turns into a time */
    return strspn(s, "0123456789abcdefABCDEFxXoO+-._:") == strlen(s) ||
           (strspn(s, "0123456789") == 4 && s[4] == '-');
}

void nt_yaml_scalar(nt_yaml *e, const char *s, yaml_scalar_style_t style)
{
    yaml_event_t ev;
    if (e->failed)
        return;
    if (style == YAML_ANY_SCALAR_STYLE && nt_yaml_needs_quotes(s))
        style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (const yaml_char_t *)s, (int)strlen(s), 1, 1,
                                      style)) {
        e->failed = true;
        return;
    }
    emit(e, &ev);
}

void nt_yaml_str(nt_yaml *e, const char *s)
{
    nt_yaml_scalar(e, s, YAML_ANY_SCALAR_STYLE);
}

void nt_yaml_map_start(nt_yaml *e, bool flow)
{
    yaml_event_t ev;
    if (e->failed)
        return;
    if (!yaml_mapping_start_event_initialize(
            &ev, NULL, NULL, 1, flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE)) {
        e->failed = true;
        return;
    }
    emit(e, &ev);
}

void nt_yaml_map_end(nt_yaml *e)
{
    yaml_event_t ev;
    if (e->failed)
        return;
    yaml_mapping_end_event_initialize(&ev);
    emit(e, &ev);
}

void nt_yaml_seq_start(nt_yaml *e, bool flow)
{
    yaml_event_t ev;
    if (e->failed)
        return;
    if (!yaml_sequence_start_event_initialize(
            &ev, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE)) {
        e->failed = true;
        return;
    }
    emit(e, &ev);
}

void nt_yaml_seq_end(nt_yaml *e)
{
    yaml_event_t ev;
    if (e->failed)
        return;
    yaml_sequence_end_event_initialize(&ev);
    emit(e, &ev);
}
