/* scaffold: replaced by the real command */
#include "cmd/nautes/commands.h"
#include <stdio.h>
int cmd_show(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "nautes: show: not built yet\n");
    return NT_EXIT_ERROR;
}
