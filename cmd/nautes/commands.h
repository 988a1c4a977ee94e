/* commands.h — one function per subcommand (cmd/nautes/<name>.c), and what they share. */
#ifndef NT_CMD_COMMANDS_H
#define NT_CMD_COMMANDS_H

#include "core/base/options.h"
#include "core/base/diag.h"
#include "core/plan/plan.h"

#include <stdbool.h>

/* Exit codes (docs/architecture.md §8). */
enum { NT_EXIT_OK = 0, NT_EXIT_ERROR = 1, NT_EXIT_CHANGES = 2 };

int cmd_validate(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_graph(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_version(int argc, char **argv);

/* Flags every command that talks to a server or repository takes (docs/architecture.md §8). */
typedef struct nt_common {
    const char *api_server; /* --api-server, else $NAUTES_API_SERVER */
    const char *token_file; /* --token-file, else $NAUTES_TOKEN_FILE; else $NAUTES_TOKEN holds
                               the token itself */
    const char *cacert;     /* --cacert FILE, else $NAUTES_CACERT */
    bool insecure;          /* --insecure, else $NAUTES_INSECURE */
    const char *state;      /* --state api | git:URL_OR_PATH[#REF], else $NAUTES_STATE */
    long timeout;           /* --timeout SEC, else $NAUTES_TIMEOUT, else 300 */
    bool no_color;          /* --no-color */
    bool verbose;           /* --verbose */
    bool insecure_skip_check;
} nt_common;

#define NT_COMMON_INIT                                                                             \
    {                                                                                              \
        NULL, NULL, NULL, false, NULL, 300, false, false, false                                    \
    }

/* The connection and output flags of every command that talks to a server or a repository,
 * declared once. */
#define NT_COMMON_OPTIONS(c)                                                                       \
    OPT_STRING_ENV("api-server", &(c).api_server, "URL", "NAUTES_API_SERVER",                      \
                   "Nautes API Server URL (default: $NAUTES_API_SERVER)"),                         \
        OPT_STRING_ENV("token-file", &(c).token_file, "FILE", "NAUTES_TOKEN_FILE",                 \
                       "file holding the GitLab access token (default: $NAUTES_TOKEN_FILE,\n"      \
                       "else the token itself in $NAUTES_TOKEN)"),                                 \
        OPT_REFUSED("token", "every user of this machine can read a command's arguments; set "     \
                             "NAUTES_TOKEN or pass --token-file FILE (mode 0600)"),                \
        OPT_STRING_ENV("cacert", &(c).cacert, "FILE", "NAUTES_CACERT",                             \
                       "CA certificate(s) to verify the server (default: $NAUTES_CACERT)"),        \
        OPT_BOOL_ENV("insecure", &(c).insecure, "NAUTES_INSECURE",                                 \
                     "do not verify the server's TLS certificate (default: $NAUTES_INSECURE)"),    \
        OPT_STRING_ENV("state", &(c).state, "SRC", "NAUTES_STATE",                                 \
                       "where the actual state is read: api (default) or git:URL_OR_PATH[#REF]\n"  \
                       "(default: $NAUTES_STATE)"),                                                \
        OPT_INT_ENV("timeout", &(c).timeout, "SEC", 1, 86400, "NAUTES_TIMEOUT",                    \
                    "timeout of each request (default: $NAUTES_TIMEOUT, else 300)"),               \
        OPT_BOOL("no-color", &(c).no_color, "never colour the output"),                            \
        OPT_BOOL("verbose", &(c).verbose,                                                          \
                 "trace HTTP requests on stderr (the token is redacted)"),                         \
        OPT_BOOL("insecure-skip-check", &(c).insecure_skip_check,                                  \
                 "send insecure_skip_check=true (the real server ignores it for clusters)")

/* Which clusters a plan covers: the flags plan and apply share, declared once. */
typedef struct nt_select {
    bool prune;         /* --prune */
    bool destroy;       /* --destroy */
    nt_strlist targets; /* --target NAME... */
    nt_strlist force;   /* --force-update NAME... */
} nt_select;

#define NT_SELECT_OPTIONS(s)                                                                       \
    OPT_BOOL("prune", &(s).prune, "delete clusters the files do not declare"),                     \
        OPT_LIST("target", &(s).targets, "NAME",                                                   \
                 "only this cluster and what it depends on (repeatable)"),                         \
        OPT_LIST("force-update", &(s).force, "NAME",                                               \
                 "save this cluster even when nothing visible changed (repeatable)"),              \
        OPT_BOOL("destroy", &(s).destroy,                                                          \
                 "delete every cluster the files declare, virtual clusters before their hosts")

/* Selection flags that contradict each other (--destroy with --force-update): a usage error for
 * synopsis, and -1. Returns 0 when they agree. */
int nt_select_check(const nt_select *sel, const char *synopsis);
/* The plan options the selection flags give (the lists borrowed from sel). */
nt_plan_opts nt_select_plan_opts(const nt_select *sel);
void nt_select_free(nt_select *sel);

/* True when colour may be used on `fd`: a terminal, no NO_COLOR, no --no-color. */
bool nt_use_color(int fd, bool no_color);
/* Print the diagnostics to stderr (sorted, one per line); returns 1 when any is an error. */
int nt_print_diag(nt_diag *d, bool no_color);
/* A duration in milliseconds from the environment (1-600000), or dflt (with a warning when
 * the variable is set but not such a number). */
long nt_env_ms(const char *name, long dflt);
#define NT_ARGS_ANY ((size_t)-1)
/* A command's arguments, declared once: what --help prints and what the parser accepts. */
typedef struct nt_cmd_spec {
    const char *synopsis;    /* "plan FILE... [--out PLAN] ..." (after "nautes ") */
    const char *description; /* printed by --help */
    const nt_option *opts;
    size_t min_args, max_args; /* positional arguments accepted (max_args NT_ARGS_ANY: no limit) */
    const char *args_error;    /* the usage error when their number is wrong */
    bool cluster_files; /* the arguments are clusters files: a saved plan among them is refused,
                           naming the commands that take one */
} nt_cmd_spec;

/* Parse argv by spec. Returns 0 to go on; 1 when --help was printed (exit 0); -1 when a usage
 * error was printed (exit 1). */
int nt_cmd_args(const nt_cmd_spec *spec, int argc, char **argv, nt_strlist *pos);

/* Report a usage error for `cmd` on stderr and return NT_EXIT_ERROR. */
int nt_usage_error(const char *synopsis, const char *msg);

/* cmd/nautes/connect.c: the HTTP configuration (core/observe/http.h) from the common flags and the
 * environment: --api-server or $NAUTES_API_SERVER, the token from --token-file or
 * $NAUTES_TOKEN, --cacert, --insecure, --timeout, --verbose (trace on stderr). Errors and
 * warnings (--insecure, a token over plain http to another host, a token file others can
 * read) go to diag. Returns 0, or -1 (cfg is then empty). Free with nt_http_config_free. */
struct nt_http_config;
int nt_connect_config(const nt_common *c, struct nt_http_config *cfg, nt_diag *diag);
/* The same for a --state git: source: no API server needed, the token optional (used for
 * HTTPS repositories when --token-file or $NAUTES_TOKEN gives one), --cacert, --insecure.
 * Errors: an unreadable --token-file or --cacert. Warnings: --insecure, a token that would go
 * over plain http:// to a host that is not loopback (also warned by nt_connect_config when
 * apply observes a git: source). Returns 0, or -1 (cfg is then empty). */
int nt_connect_config_git(const nt_common *c, struct nt_http_config *cfg, nt_diag *diag);
/* The session's connection from the common flags: nt_connect_config, or for a reading
 * command (`write` false) observing --state git:... nt_connect_config_git. Messages go to
 * s->diag. Returns 0 or -1. */
struct nt_session;
int nt_cmd_connect(struct nt_session *s, const nt_common *c, bool write);

#endif
