#include "cmd/nautes/commands.h"

#include "core/plan/plan_file.h"

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

/* The help of a command: "usage: nautes SYNOPSIS", its description, its options. */
static void print_usage(const nt_cmd_spec *spec)
{
    nt_buf b = NT_BUF_INIT;
    nt_buf_addf(&b, "usage: nautes %s\n", spec->synopsis);
    if (spec->description && *spec->description)
        nt_buf_addf(&b, "\n%s\n", spec->description);
    if (spec->opts && spec->opts->type != NT_OPT_END) {
        nt_buf_adds(&b, "\noptions:\n");
        nt_opt_usage(&b, spec->opts, 29);
    }
    fputs(nt_buf_str(&b), stdout);
    nt_buf_free(&b);
}

int nt_cmd_args(const nt_cmd_spec *spec, int argc, char **argv, nt_strlist *pos)
{
    bool help = false;
    nt_buf err = NT_BUF_INIT;
    int r = 0;
    if (nt_opt_parse(spec->opts, argc, argv, pos, &help, &err) < 0) {
        nt_usage_error(spec->synopsis, nt_buf_str(&err));
        r = -1;
    } else if (help) {
        print_usage(spec);
        r = 1;
    } else if (pos->n < spec->min_args || pos->n > spec->max_args) {
        nt_usage_error(spec->synopsis, spec->args_error);
        r = -1;
    }
    for (size_t i = 0; r == 0 && spec->cluster_files && i < pos->n; i++) {
        if (!nt_plan_file_is_saved(pos->items[i]))
            continue;
        nt_buf_reset(&err);
        nt_buf_addf(&err,
                    "%s is a saved plan, not a clusters file: 'nautes show %s' prints it and "
                    "'nautes apply %s' applies it",
                    pos->items[i], pos->items[i], pos->items[i]);
        nt_usage_error(spec->synopsis, nt_buf_str(&err));
        r = -1;
    }
    nt_buf_free(&err);
    return r;
}

int nt_select_check(const nt_select *sel, const char *synopsis)
{
    if (sel->destroy && sel->force.n) {
        nt_usage_error(synopsis, "--force-update saves a cluster and --destroy deletes them all: "
                                 "give one of them");
        return -1;
    }
    return 0;
}

nt_plan_opts nt_select_plan_opts(const nt_select *sel)
{
    nt_plan_opts po = {
        .prune = sel->prune,
        .destroy = sel->destroy,
        .targets = (const char *const *)sel->targets.items,
        .n_targets = sel->targets.n,
        .force = (const char *const *)sel->force.items,
        .n_force = sel->force.n,
    };
    return po;
}

void nt_select_free(nt_select *sel)
{
    nt_strlist_free(&sel->targets);
    nt_strlist_free(&sel->force);
}
