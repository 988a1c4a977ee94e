/* nautes import — write a clusters.yaml declaring what a source holds (onboarding).
 *
 * Observe (the API, or the tenant repository with --state git:...), keep the clusters whose
 * names match a --name glob (fnmatch(3)), write them in the native format
 * (core/render/emit_native.h) to --out or stdout. An existing --out file is never overwritten
 * without --force: an import is usually the start of a hand-edited file, and losing the edits to a
 * repeated command is worse than one more flag. The file is written through
 * core/base/atomic_write.h (beside its destination, then renamed, or hard-linked without --force),
 * so a failed run never leaves half a file, and a directory or a device is never replaced. */
#include "cmd/nautes/commands.h"

#include "core/base/alloc.h"
#include "core/base/atomic_write.h"
#include "core/render/emit_native.h"
#include "core/session/session.h"

#include <errno.h>
#include <fnmatch.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SYNOPSIS "import [--state SRC] [--out FILE [--force]] [--name GLOB]... [options]"
#define KUBECONFIG_DIR "kubeconfigs"

static const char *const description =
    "Write a clusters.yaml that declares every cluster the source holds (the API Server, or\n"
    "the tenant configuration repository with --state git:...), hosts first, with only the\n"
    "fields the server did not default. Each physical cluster gets a kubeconfig_file:\n"
    "kubeconfigs/NAME.yaml line: nautes never sees a kubeconfig, so create those files\n"
    "before `nautes plan`. Without --out the file goes to standard output.";

/* Keep the clusters matching one of the globs; warn about a glob that matched nothing. */
static void filter(nt_cluster_set *set, const nt_strlist *globs, nt_diag *diag)
{
    if (!globs->n)
        return;
    bool *used = nt_xcalloc(globs->n, sizeof(bool));
    for (size_t i = set->n; i-- > 0;) {
        const char *name = set->items[i]->name;
        bool keep = false;
        for (size_t g = 0; g < globs->n; g++)
            if (fnmatch(globs->items[g], name, 0) == 0)
                keep = used[g] = true;
        if (!keep)
            nt_cluster_set_remove(set, name);
    }
    for (size_t g = 0; g < globs->n; g++)
        if (!used[g])
            nt_diag_add(diag, NT_SEV_WARNING, NT_POS_NONE, NULL,
                        "--name '%s' matches no cluster of %s", globs->items[g],
                        set->source ? set->source : "the source");
    free(used);
}

/* One line on stderr saying what was written and which kubeconfig files to create. */
static void summary(const nt_cluster_set *set, const char *out)
{
    size_t n = 0, physical = 0;
    for (size_t i = 0; i < set->n; i++) {
        n++;
        physical += nt_cluster_is_physical(set->items[i]);
    }
    fprintf(stderr, "nautes: imported %zu cluster%s from %s%s%s", n, n == 1 ? "" : "s",
            set->source ? set->source : "the source", out ? " into " : "", out ? out : "");
    if (!physical) {
        fprintf(stderr, ".\n");
        return;
    }
    char *copy = out ? nt_xstrdup(out) : NULL;
    const char *dir = copy ? dirname(copy) : ".";
    fprintf(stderr, "; create the kubeconfig file%s of %s: ", physical == 1 ? "" : "s",
            physical == 1 ? "its physical cluster" : "its physical clusters");
    bool first = true;
    for (size_t i = 0; i < set->n; i++) {
        if (!nt_cluster_is_physical(set->items[i]))
            continue;
        fprintf(stderr, "%s%s%s" KUBECONFIG_DIR "/%s.yaml", first ? "" : ", ",
                strcmp(dir, ".") ? dir : "", strcmp(dir, ".") ? "/" : "", set->items[i]->name);
        first = false;
    }
    fprintf(stderr, "\n");
    free(copy);
}

int cmd_import(int argc, char **argv)
{
    nt_common common = NT_COMMON_INIT;
    const char *out = NULL;
    bool force = false;
    nt_strlist names = {0}, pos = {0};
    nt_buf err = NT_BUF_INIT, text = NT_BUF_INIT;
    nt_session s;
    nt_session_init(&s);
    nt_diag *diag = &s.diag;
    nt_cluster_set *set = NULL;
    int rc = NT_EXIT_ERROR;
    const nt_option opts[] = {
        OPT_STRING("out", &out, "FILE",
                   "write the file here (mode 0644) instead of standard output"),
        OPT_BOOL("force", &force, "overwrite the --out file if it exists"),
        OPT_LIST(
            "name", &names, "GLOB",
            "import only clusters whose name matches the glob (repeatable; quote it: 'prod-*')"),
        NT_COMMON_OPTIONS(common),
        OPT_END,
    };

    /* the file argument's own message below names it */
    const nt_cmd_spec spec = {SYNOPSIS, description, opts, 0, NT_ARGS_ANY, NULL, false};
    int args = nt_cmd_args(&spec, argc, argv, &pos);
    if (args) {
        rc = args > 0 ? NT_EXIT_OK : NT_EXIT_ERROR;
        goto done;
    }
    if (pos.n) {
        nt_buf_addf(&err, "import takes no file argument ('%s'): write the result with --out FILE",
                    pos.items[0]);
        rc = nt_usage_error(SYNOPSIS, nt_buf_str(&err));
        goto done;
    }
    if (force && !out) {
        rc = nt_usage_error(SYNOPSIS, "--force only applies to --out FILE");
        goto done;
    }
    if (out && !strcmp(out, "-"))
        out = NULL;
    if (out && !force && access(out, F_OK) == 0) { /* fail before any network request */
        nt_diag_error(diag,
                      "%s already exists: pass --force to overwrite it, or choose "
                      "another --out",
                      out);
        goto done;
    }
    if (out && nt_write_atomic_check(out, "the file", diag) < 0) /* a directory, a device */
        goto done;

    if (nt_cmd_connect(&s, &common, false) < 0 || nt_session_observe(&s, common.state) < 0 ||
        !s.actual)
        goto done;
    set = s.actual;
    filter(set, &names, diag);
    if (names.n && set->n == 0) {
        nt_diag_error(diag, "no cluster of %s matches --name: nothing to import",
                      set->source ? set->source : "the source");
        goto done;
    }
    nt_emit_opts eo = {set->source, KUBECONFIG_DIR};
    if (nt_emit_native(set, &eo, &text, diag) < 0)
        goto done;
    if (out) {
        if (nt_write_atomic(out, text.data ? text.data : "", text.len, 0644,
                            force ? 0 : NT_WRITE_NO_CLOBBER, "the file", diag) < 0)
            goto done;
    } else if (fwrite(text.data, 1, text.len, stdout) != text.len || fflush(stdout) != 0) {
        nt_diag_error(diag, "cannot write to standard output: %s", strerror(errno));
        goto done;
    }
    rc = NT_EXIT_OK;

done:
    if (diag->n)
        nt_print_diag(diag, common.no_color);
    if (rc == NT_EXIT_OK && set)
        summary(set, out);
    nt_heap_wind_down(); /* the run is over: free what it built, then exit */
    nt_session_free(&s);
    nt_buf_free(&text);
    nt_buf_free(&err);
    nt_strlist_free(&names);
    nt_strlist_free(&pos);
    return rc;
}
