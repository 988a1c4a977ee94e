/* nautes — declarative reconciler for the runtime clusters of a Nautes tenant.
 * The entry point only finds the command in the table and calls it (docs/architecture.md §8, after
 * git.c). */
#include "core/base/alloc.h"
#include "cmd/nautes/commands.h"
#include "cmd/nautes/version.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"validate", cmd_validate, "check desired-state files; exit 1 on any error"},
    {"plan", cmd_plan, "show what apply would change"},
    {"apply", cmd_apply, "register, update and delete clusters to match the files"},
    {"destroy", cmd_destroy, "delete every cluster the files declare (apply --destroy)"},
    {"show", cmd_show, "print a saved plan"},
    {"graph", cmd_graph, "print the dependency graph in Graphviz DOT"},
    {"import", cmd_import, "write a clusters.yaml declaring what a source holds"},
    {"version", cmd_version, "print the version"},
    {NULL, NULL, NULL},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: nautes COMMAND [ARGS...]\n\n"
                 "Keeps the runtime clusters of a Nautes tenant as declared in YAML files.\n\n"
                 "commands:\n");
    for (const struct command *c = commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fprintf(out, "  %-10s %s\n", "help", "help for a command: nautes help COMMAND");
    fprintf(out, "\nenvironment: NAUTES_API_SERVER, NAUTES_TOKEN, NO_COLOR\n"
                 "exit codes: 0 success, 1 error, 2 changes present (plan --detailed-exitcode)\n");
}

static const struct command *find(const char *name)
{
    for (const struct command *c = commands; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

int main(int argc, char **argv)
{
    nt_heap_setup();
    if (argc < 2) {
        usage(stderr);
        return NT_EXIT_ERROR;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
        usage(stdout);
        return NT_EXIT_OK;
    }
    if (!strcmp(name, "--version"))
        return cmd_version(1, argv + 1);
    if (!strcmp(name, "help")) {
        if (argc < 3) {
            usage(stdout);
            return NT_EXIT_OK;
        }
        const struct command *c = find(argv[2]);
        if (!c) {
            fprintf(stderr, "nautes: unknown command '%s'\n\n", argv[2]);
            usage(stderr);
            return NT_EXIT_ERROR;
        }
        char *hargv[] = {argv[2], "--help", NULL};
        return c->fn(2, hargv);
    }
    /* a file size limit (ulimit -f) is a full disk: write(2) fails with EFBIG and the atomic
     * writer keeps the previous file, rather than the process being killed mid-write */
    signal(SIGXFSZ, SIG_IGN);
    const struct command *c = find(name);
    if (!c) {
        fprintf(stderr, "nautes: unknown command '%s'\n\n", name);
        usage(stderr);
        return NT_EXIT_ERROR;
    }
    return c->fn(argc - 1, argv + 1);
}
