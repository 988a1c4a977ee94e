#include "cmd/nautes/options.h"

#include "core/base/alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void list_add(nt_strlist *l, char *s)
{
    NT_GROW(l->items, l->cap, l->n + 1);
    l->items[l->n++] = s;
}

void nt_strlist_free(nt_strlist *l)
{
    if (!l)
        return;
    free(l->items);
    l->items = NULL;
    l->n = l->cap = 0;
}

static const nt_option *find(const nt_option *opts, const char *name, size_t len)
{
    for (const nt_option *o = opts; o->name; o++)
        if (strlen(o->name) == len && !strncmp(o->name, name, len))
            return o;
    return NULL;
}

static int set_value(const nt_option *o, char *val, nt_buf *err)
{
    switch (o->type) {
    case OPT_BOOL:
        *(bool *)o->dest = true;
        return 0;
    case OPT_STRING:
        *(const char **)o->dest = val;
        return 0;
    case OPT_LIST:
        list_add(o->dest, val);
        return 0;
    case OPT_INT: {
        char *end;
        errno = 0;
        long v = strtol(val, &end, 10);
        if (errno || end == val || *end || ((o->min || o->max) && (v < o->min || v > o->max))) {
            if (o->min || o->max)
                nt_buf_addf(err, "--%s takes a whole number from %ld to %ld, not '%s'", o->name,
                            o->min, o->max, val);
            else
                nt_buf_addf(err, "--%s takes a whole number, not '%s'", o->name, val);
            return -1;
        }
        *(long *)o->dest = v;
        return 0;
    }
    }
    return -1;
}

int opt_parse(const nt_option *opts, int argc, char **argv, nt_strlist *pos, bool *help,
              nt_buf *err)
{
    bool only_pos = false;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_pos || a[0] != '-' || !a[1]) {
            list_add(pos, a);
            continue;
        }
        if (!strcmp(a, "--")) {
            only_pos = true;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            if (help)
                *help = true;
            continue;
        }
        if (a[1] != '-') {
            nt_buf_addf(err, "unknown flag '%s' (flags are long: --name)", a);
            return -1;
        }
        char *name = a + 2;
        char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const nt_option *o = find(opts, name, len);
        if (!o) {
            nt_buf_addf(err, "unknown flag '--%.*s'", (int)len, name);
            return -1;
        }
        char *val = NULL;
        if (o->type == OPT_BOOL) {
            if (eq) {
                nt_buf_addf(err, "--%s takes no value", o->name);
                return -1;
            }
        } else if (eq) {
            val = eq + 1;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            nt_buf_addf(err, "--%s needs a value (%s)", o->name, o->argname ? o->argname : "VALUE");
            return -1;
        }
        if (set_value(o, val, err) < 0)
            return -1;
    }
    return 0;
}

void opt_usage(FILE *out, const char *synopsis, const char *description, const nt_option *opts)
{
    fprintf(out, "usage: nautes %s\n", synopsis);
    if (description && *description)
        fprintf(out, "\n%s\n", description);
    if (!opts || !opts->name)
        return;
    fprintf(out, "\noptions:\n");
    for (const nt_option *o = opts; o->name; o++) {
        char left[64];
        if (o->type == OPT_BOOL)
            snprintf(left, sizeof(left), "--%s", o->name);
        else
            snprintf(left, sizeof(left), "--%s %s", o->name, o->argname ? o->argname : "VALUE");
        fprintf(out, "  %-26s %s\n", left, o->help ? o->help : "");
    }
}
