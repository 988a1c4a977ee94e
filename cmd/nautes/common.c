#include "cmd/nautes/commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool nt_use_color(int fd, bool no_color)
{
    const char *nc = getenv("NO_COLOR");
    if (no_color || (nc && *nc))
        return false;
    const char *term = getenv("TERM");
    if (term && !*term)
        return false;
    if (term && !strcmp(term, "dumb"))
        return false;
    return isatty(fd) == 1;
}

int nt_print_diag(nt_diag *d, bool no_color)
{
    nt_buf b = NT_BUF_INIT;
    nt_diag_sort(d);
    nt_diag_format(d, &b, nt_use_color(2, no_color));
    fputs(nt_buf_str(&b), stderr);
    nt_buf_free(&b);
    return nt_diag_has_errors(d) ? 1 : 0;
}

int nt_usage_error(const char *synopsis, const char *msg)
{
    /* the command is the synopsis' first word: point at its own help */
    size_t n = strcspn(synopsis, " ");
    fprintf(stderr, "nautes: %s\nusage: nautes %s\nRun 'nautes help %.*s' for its options.\n", msg,
            synopsis, (int)n, synopsis);
    return NT_EXIT_ERROR;
}

int nt_cmd_args(const nt_cmd_spec *spec, int argc, char **argv, nt_strlist *pos)
{
    bool help = false;
    nt_buf err = NT_BUF_INIT;
    int r = 0;
    if (opt_parse(spec->opts, argc, argv, pos, &help, &err) < 0) {
        nt_usage_error(spec->synopsis, nt_buf_str(&err));
        r = -1;
    } else if (help) {
        opt_usage(stdout, spec->synopsis, spec->description, spec->opts);
        r = 1;
    } else if (pos->n < spec->min_args || (spec->max_args && pos->n > spec->max_args)) {
        nt_usage_error(spec->synopsis, spec->args_error);
        r = -1;
    }
    nt_buf_free(&err);
    return r;
}
