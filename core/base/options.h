/* options.h — command-line flags declared once as typed data; the parser and --help both read
 * the declaration (after git's parse-options.h). Both programs, nautes and nautes-devserver,
 * use it.
 *
 * A program declares a table ending in OPT_END, one macro per flag:
 *
 *   const nt_option opts[] = {
 *       OPT_BOOL("json", &json, "print the plan as JSON"),
 *       OPT_STRING("out", &out_path, "PLAN", "save the plan to PLAN"),
 *       OPT_INT("parallelism", &parallelism, "N", 1, 256, "requests in flight at once"),
 *       OPT_LIST("target", &targets, "NAME", "plan only this cluster (repeatable)"),
 *       OPT_END,
 *   };
 *
 * The destination's type is checked by the compiler (_Generic): OPT_BOOL takes a bool *,
 * OPT_STRING a const char **, OPT_INT a long *, OPT_LIST an nt_strlist *. A group of flags
 * shared by several commands is a macro expanding to several entries, declared once.
 *
 * Flags are long only: `--name VALUE`, `--name=VALUE`, `--flag`; `--` ends the options, and a
 * lone `-` is a positional argument. `--help` and `-h` are always understood; OPT_HELP only
 * lists --help in the table's usage. */
#ifndef NT_BASE_OPTIONS_H
#define NT_BASE_OPTIONS_H

#include "core/base/buf.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    NT_OPT_END,
    NT_OPT_BOOL,
    NT_OPT_STRING,
    NT_OPT_INT,
    NT_OPT_LIST,
    NT_OPT_HELP,
    NT_OPT_REFUSED /* a flag people try that is refused with its reason (hidden from usage) */
} nt_opt_type;

/* The values of a repeatable flag, or the positional arguments. */
typedef struct nt_strlist {
    char **items; /* the strings are borrowed from argv */
    size_t n, cap;
} nt_strlist;

typedef struct nt_option {
    nt_opt_type type;
    const char *name;    /* without the leading "--" */
    void *dest;          /* bool *, const char **, long *, nt_strlist * (by type) */
    const char *argname; /* for help: "FILE", "N" */
    const char *help;    /* a '\n' continues the help on the next line, indented */
    long min, max;       /* NT_OPT_INT: the accepted range */
    const char *env;     /* the environment variable read when the flag is not given, or NULL */
} nt_option;

/* The destination `d` when it has type T; anything else does not compile. */
#define NT_OPT_DEST(T, d) _Generic((d), T : (void *)(d))

#define OPT_BOOL(name, dest, help)                                                                 \
    {                                                                                              \
        NT_OPT_BOOL, (name), NT_OPT_DEST(bool *, dest), NULL, (help), 0, 0, NULL                   \
    }
#define OPT_STRING(name, dest, argname, help)                                                      \
    {                                                                                              \
        NT_OPT_STRING, (name), NT_OPT_DEST(const char **, dest), (argname), (help), 0, 0, NULL     \
    }
#define OPT_INT(name, dest, argname, min, max, help)                                               \
    {                                                                                              \
        NT_OPT_INT, (name), NT_OPT_DEST(long *, dest), (argname), (help), (min), (max), NULL       \
    }
#define OPT_LIST(name, dest, argname, help)                                                        \
    {                                                                                              \
        NT_OPT_LIST, (name), NT_OPT_DEST(nt_strlist *, dest), (argname), (help), 0, 0, NULL        \
    }
/* The same, read from the environment variable `env` when the flag is not on the command line
 * (the flag wins; an empty variable counts as unset). A bad value is reported under the
 * variable's name. A boolean variable is 1/true/yes or 0/false/no. */
#define OPT_BOOL_ENV(name, dest, env, help)                                                        \
    {                                                                                              \
        NT_OPT_BOOL, (name), NT_OPT_DEST(bool *, dest), NULL, (help), 0, 0, (env)                  \
    }
#define OPT_STRING_ENV(name, dest, argname, env, help)                                             \
    {                                                                                              \
        NT_OPT_STRING, (name), NT_OPT_DEST(const char **, dest), (argname), (help), 0, 0, (env)    \
    }
#define OPT_INT_ENV(name, dest, argname, min, max, env, help)                                      \
    {                                                                                              \
        NT_OPT_INT, (name), NT_OPT_DEST(long *, dest), (argname), (help), (min), (max), (env)      \
    }
/* A flag people reach for that is refused: `--name` (with or without a value) fails with
 * "--name is not accepted: WHY". Not listed in the usage. */
#define OPT_REFUSED(name, why)                                                                     \
    {                                                                                              \
        NT_OPT_REFUSED, (name), NULL, NULL, (why), 0, 0, NULL                                      \
    }
#define OPT_HELP(help)                                                                             \
    {                                                                                              \
        NT_OPT_HELP, "help", NULL, NULL, (help), 0, 0, NULL                                        \
    }
#define OPT_END                                                                                    \
    {                                                                                              \
        NT_OPT_END, NULL, NULL, NULL, NULL, 0, 0, NULL                                             \
    }

/* Parse argv[1..argc) (argv[0] is the program or command name). Positional arguments are
 * appended to `pos`; a value is stored through the flag's destination (the last one wins;
 * a list flag appends). `--help` or `-h` sets *help (when help is not NULL). Returns 0, or
 * -1 with one message in `err` (an unknown flag, with "did you mean --x?" when a declared
 * flag is close; a refused flag and why; a missing value, a value given to a boolean flag, a
 * number that is not one or out of range). Then every flag declared with an environment
 * variable that was not given takes the variable's value when it is set and not empty. */
int nt_opt_parse(const nt_option *opts, int argc, char **argv, nt_strlist *pos, bool *help,
                 nt_buf *err);

/* Append the options' help to `out`, one flag a line: two spaces, "--name ARG", the help from
 * column `col` (0-based); a flag too wide for the column gets its help on the next line. */
void nt_opt_usage(nt_buf *out, const nt_option *opts, size_t col);

void nt_strlist_add(nt_strlist *l, char *s);
/* Free the array (not the strings); the list is empty again. NULL is fine. */
void nt_strlist_free(nt_strlist *l);

#endif
