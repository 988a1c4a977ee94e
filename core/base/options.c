#include "core/base/options.h"

#include "core/base/alloc.h"
#include "core/base/suggest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* How a flag is named in a message: "--name", or "NAME (the environment)" for a value read
 * from the option's environment variable. */
static void add_origin(nt_buf *err, const nt_option *o, bool from_env)
{
    if (from_env)
        nt_buf_addf(err, "%s (the environment variable for --%s)", o->env, o->name);
    else
        nt_buf_addf(err, "--%s", o->name);
}

static int set_int(const nt_option *o, const char *val, bool from_env, nt_buf *err)
{
    char *end;
    errno = 0;
    long v = strtol(val, &end, 10);
    bool bounded = o->min || o->max;
    if (errno || end == val || *end || (bounded && (v < o->min || v > o->max))) {
        add_origin(err, o, from_env);
        if (bounded)
            nt_buf_addf(err, " takes a whole number from %ld to %ld, not '%s'", o->min, o->max,
                        val);
        else
            nt_buf_addf(err, " takes a whole number, not '%s'", val);
        return -1;
    }
    *(long *)o->dest = v;
    return 0;
}

static int set_value(const nt_option *o, char *val, bool from_env, nt_buf *err)
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
        return set_int(o, val, from_env, err);
    case NT_OPT_HELP:
    case NT_OPT_REFUSED:
    case NT_OPT_END:
        break;
    }
    return -1;
}

/* "unknown flag '--x'", and the closest declared flag when one is close enough. */
static void unknown_flag(const nt_option *opts, const char *name, size_t len, nt_buf *err)
{
    const char *cands[128];
    size_t n = 0;
    for (const nt_option *o = opts; o->type != NT_OPT_END && n < 128; o++)
        if (o->type != NT_OPT_HELP && o->type != NT_OPT_REFUSED)
            cands[n++] = o->name;
    char *word = nt_xstrndup(name, len);
    const char *near = nt_suggest(word, cands, n);
    nt_buf_addf(err, "unknown flag '--%s'", word);
    if (near)
        nt_buf_addf(err, ": did you mean --%s?", near);
    free(word);
}

/* A boolean environment variable: 1/true/yes or 0/false/no (any case). */
static int set_bool_env(const nt_option *o, const char *val, nt_buf *err)
{
    static const char *const yes[] = {"1", "true", "yes"}, *const no[] = {"0", "false", "no"};
    for (size_t i = 0; i < 3; i++) {
        if (!strcasecmp(val, yes[i]) || !strcasecmp(val, no[i])) {
            *(bool *)o->dest = !strcasecmp(val, yes[i]);
            return 0;
        }
    }
    add_origin(err, o, true);
    nt_buf_addf(err, " is 1, true, yes, 0, false or no, not '%s'", val);
    return -1;
}

/* Every flag with an environment variable that the command line did not give. */
static int apply_env(const nt_option *opts, const bool *given, nt_buf *err)
{
    size_t k = 0;
    for (const nt_option *o = opts; o->type != NT_OPT_END; o++, k++) {
        const char *val = o->env ? getenv(o->env) : NULL;
        if (!val || !*val || given[k])
            continue;
        int rc = o->type == NT_OPT_BOOL ? set_bool_env(o, val, err)
                                        : set_value(o, (char *)val, true, err);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* One "--name[=value]" at argv[*i]; a separate value is taken from argv[*i + 1]. */
static int parse_flag(const nt_option *opts, int argc, char **argv, int *i, bool *given,
                      nt_buf *err)
{
    char *name = argv[*i] + 2;
    char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const nt_option *o = find(opts, name, len);
    if (!o) {
        unknown_flag(opts, name, len, err);
        return -1;
    }
    if (o->type == NT_OPT_REFUSED) {
        nt_buf_addf(err, "--%s is not accepted: %s", o->name, o->help);
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
    given[o - opts] = true;
    return set_value(o, val, false, err);
}

static int parse_args(const nt_option *opts, int argc, char **argv, nt_strlist *pos, bool *help,
                      bool *given, nt_buf *err);

int nt_opt_parse(const nt_option *opts, int argc, char **argv, nt_strlist *pos, bool *help,
                 nt_buf *err)
{
    size_t n_opts = 0;
    while (opts[n_opts].type != NT_OPT_END)
        n_opts++;
    bool *given = nt_xcalloc(n_opts + 1, sizeof(bool));
    int rc = parse_args(opts, argc, argv, pos, help, given, err);
    if (rc == 0)
        rc = apply_env(opts, given, err);
    free(given);
    return rc;
}

static int parse_args(const nt_option *opts, int argc, char **argv, nt_strlist *pos, bool *help,
                      bool *given, nt_buf *err)
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
        } else if (parse_flag(opts, argc, argv, &i, given, err) < 0) {
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
        if (o->type == NT_OPT_REFUSED)
            continue;
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
