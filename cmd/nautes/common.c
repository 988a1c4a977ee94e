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
