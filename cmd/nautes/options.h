/* options.h — flags declared once as data; the parser and --help both read the declaration.
 *
 * A command declares `static const nt_option opts[] = { ..., OPT_END };` and calls
 * opt_parse(). Long options only (`--name VALUE`, `--name=VALUE`, `--flag`); `--` ends
 * options. Unknown flags, missing values and bad numbers are reported through `err`. */
#ifndef NT_CMD_OPTIONS_H
#define NT_CMD_OPTIONS_H

#include "core/base/buf.h"

#include <stdbool.h>
#include <stdio.h>

typedef enum { OPT_BOOL, OPT_STRING, OPT_INT, OPT_LIST } opt_type;

typedef struct nt_strlist {
    char **items; /* borrowed from argv */
    size_t n, cap;
} nt_strlist;

typedef struct nt_option {
    const char *name; /* without the leading "--" */
    opt_type type;
    void *dest;          /* bool*, const char**, long*, nt_strlist* */
    const char *argname; /* for help: "FILE", "N" */
    const char *help;
    long min, max; /* OPT_INT bounds (ignored when min == max == 0) */
} nt_option;

#define OPT_END                                                                                    \
    {                                                                                              \
        NULL, OPT_BOOL, NULL, NULL, NULL, 0, 0                                                     \
    }

/* Parse argv[0..argc) (argv[0] is the command name). Positional arguments are appended to
 * `pos`. Returns 0, or -1 with a message in err. "--help"/"-h" sets *help when non-NULL. */
int opt_parse(const nt_option *opts, int argc, char **argv, nt_strlist *pos, bool *help,
              nt_buf *err);
/* Print "usage: nautes SYNOPSIS", the description and every option with its help. */
void opt_usage(FILE *out, const char *synopsis, const char *description, const nt_option *opts);
void nt_strlist_free(nt_strlist *l);

#endif
