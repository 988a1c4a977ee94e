#include "core/base/options.h"

#include "core/base/alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void nt_strlist_add(nt_strlist *l, char *s)
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
    for (const nt_option *o = opts; o->type != NT_OPT_END; o++)
        if (o->type != NT_OPT_HELP && strlen(o->name) == len && !strncmp(o->name, name, len))
            return o;
    return NULL;
}

static int set_int(const nt_option *o, const char *val, nt_buf *err)
{
    char *end;
    errno = 0;
    long v = strtol(val, &end, 10);
    bool bounded = o->min || o->max;
    if (errno || end == val || *end || (bounded && (v < o->min || v > o->max))) {
        if (bounded)
            nt_buf_addf(err, "--%s takes a whole number from %ld to %ld, not '%s'", o->name, o->min,
                        o->max, val);
        else
            nt_buf_addf(err, "--%s takes a whole number, not '%s'", o->name, val);
        return -1;
    }
    *(long *)o->dest = v;
    return 0;
}

static int set_value(const nt_option *o, char *val, nt_buf *err)
{
    switch (o->type) {
    case NT_OPT_BOOL:
        *(bool *)o->dest = true;
        return 0;
    case NT_OPT_STRING:
        *(const char **)o->dest = val;
        return 0;
    case NT_OPT_LIST:
        nt_strlist_add(o->dest, val);
        return 0;
    case NT_OPT_INT:
        return set_int(o, val, err);
    case NT_OPT_HELP:
    case NT_OPT_END:
        break;
    }
    return -1;
}

/* One "--name[=value]" at argv[*i]; a separate value is taken from argv[*i + 1]. */
static int parse_flag(const nt_option *opts, int argc, char **argv, int *i, nt_buf *err)
{
    char *name = argv[*i] + 2;
    char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const nt_option *o = find(opts, name, len);
    if (!o) {
        nt_buf_addf(err, "unknown flag '--%.*s'", (int)len, name);
        return -1;
    }
    char *val = NULL;
    if (o->type == NT_OPT_BOOL) {
        if (eq) {
            nt_buf_addf(err, "--%s takes no value", o->name);
            return -1;
        }
    } else if (eq) {
        val = eq + 1;
    } else if (*i + 1 < argc) {
        val = argv[++*i];
    } else {
        nt_buf_addf(err, "--%s needs a value (%s)", o->name, o->argname ? o->argname : "VALUE");
        return -1;
    }
    return set_value(o, val, err);
}

int nt_opt_parse(const nt_option *opts, int argc, char **argv, nt_strlist *pos, bool *help,
                 nt_buf *err)
{
    bool only_pos = false;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_pos || a[0] != '-' || !a[1]) {
            nt_strlist_add(pos, a);
        } else if (!strcmp(a, "--")) {
            only_pos = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            if (help)
                *help = true;
        } else if (a[1] != '-') {
            nt_buf_addf(err, "unknown flag '%s' (flags are long: --name)", a);
            return -1;
        } else if (parse_flag(opts, argc, argv, &i, err) < 0) {
            return -1;
        }
    }
    return 0;
}

static void pad(nt_buf *out, size_t n)
{
    while (n--)
        nt_buf_addc(out, ' ');
}

void nt_opt_usage(nt_buf *out, const nt_option *opts, size_t col)
{
    for (const nt_option *o = opts; o->type != NT_OPT_END; o++) {
        size_t start = out->len;
        nt_buf_addf(out, "  --%s", o->name);
        if (o->type != NT_OPT_BOOL && o->type != NT_OPT_HELP)
            nt_buf_addf(out, " %s", o->argname ? o->argname : "VALUE");
        size_t width = out->len - start;
        if (width + 1 > col) {
            nt_buf_addc(out, '\n');
            width = 0;
        }
        pad(out, col - width);
        for (const char *h = o->help ? o->help : ""; *h; h++) {
            nt_buf_addc(out, *h);
            if (*h == '\n')
                pad(out, col);
        }
        nt_buf_addc(out, '\n');
    }
}
