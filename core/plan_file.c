/* plan_file.c — write, read and check saved plans (plan_file.h). */
#include "core/plan_file.h"

#include "core/alloc.h"
#include "core/plan_impl.h"
#include "core/render.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PLAN_MAX_BYTES (512u * 1024u * 1024u)

static char *absolute(const char *p)
{
    char *r = realpath(p, NULL);
    return r ? r : nt_xstrdup(p);
}

void nt_plan_set_args(nt_plan *plan, const char *const *paths, size_t n)
{
    for (size_t i = 0; i < plan->n_args; i++)
        free(plan->args[i]);
    free(plan->args);
    plan->args = nt_xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        plan->args[i] = absolute(paths[i]);
    plan->n_args = n;
}

int nt_plan_file_write(const nt_plan *plan, const char *path, nt_diag *diag)
{
    int rc = -1, fd = -1;
    char *text = NULL;
    nt_buf tmp = NT_BUF_INIT;
    cJSON *doc = nt_plan_to_json(plan, true);
    cJSON *files = cJSON_CreateArray();
    for (size_t i = 0; i < plan->n_args; i++)
        cJSON_AddItemToArray(files, cJSON_CreateString(plan->args[i]));
    cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(doc, "options"), "files", files);
    text = cJSON_Print(doc);
    if (!text) {
        nt_diag_error(diag, "%s: cannot encode the plan", path);
        goto done;
    }
    nt_buf_addf(&tmp, "%s.tmp-%ld", path, (long)getpid());
    fd = open(nt_buf_str(&tmp), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        nt_diag_error(diag, "%s: cannot write the plan: %s", path, strerror(errno));
        goto done;
    }
    if (fchmod(fd, 0600) < 0) {
        nt_diag_error(diag, "%s: cannot set mode 0600: %s", path, strerror(errno));
        goto done;
    }
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            nt_diag_error(diag, "%s: cannot write the plan: %s", path, strerror(errno));
            goto done;
        }
        off += (size_t)w;
    }
    if (write(fd, "\n", 1) != 1 || fsync(fd) < 0 || close(fd) < 0) {
        fd = -1;
        nt_diag_error(diag, "%s: cannot write the plan: %s", path, strerror(errno));
        goto done;
    }
    fd = -1;
    if (rename(nt_buf_str(&tmp), path) < 0) {
        nt_diag_error(diag, "%s: cannot write the plan: %s", path, strerror(errno));
        goto done;
    }
    rc = 0;
done:
    if (fd >= 0)
        close(fd);
    if (rc < 0 && tmp.len)
        unlink(nt_buf_str(&tmp));
    nt_buf_free(&tmp);
    cJSON_free(text);
    cJSON_Delete(doc);
    return rc;
}

/* ---- reading ----------------------------------------------------------------------------- */

static char *dup_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? nt_xstrdup(v->valuestring) : NULL;
}

/* A change value: a string, null, or (maps) an array kept as its compact JSON. */
static char *dup_value(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsString(v))
        return nt_xstrdup(v->valuestring);
    if (cJSON_IsArray(v)) {
        char *s = cJSON_PrintUnformatted(v);
        char *r = nt_xstrdup(s);
        cJSON_free(s);
        return r;
    }
    return NULL;
}

static char **dup_strv(const cJSON *arr, size_t *n)
{
    size_t cnt = cJSON_IsArray(arr) ? (size_t)cJSON_GetArraySize(arr) : 0;
    char **v = nt_xcalloc(cnt + 1, sizeof(char *));
    size_t k = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (cJSON_IsString(it))
            v[k++] = nt_xstrdup(it->valuestring);
    }
    *n = k;
    return v;
}

static bool action_kind_parse(const char *s, nt_action_kind *k)
{
    for (int i = NT_ACT_NOOP; i <= NT_ACT_DELETE; i++)
        if (s && !strcmp(s, nt_action_name((nt_action_kind)i))) {
            *k = (nt_action_kind)i;
            return true;
        }
    return false;
}

static int read_all(const char *path, nt_buf *out, nt_diag *diag)
{
    if (nt_buf_read_file(out, path, PLAN_MAX_BYTES) == 0)
        return 0;
    if (errno == EFBIG)
        return nt_diag_error(diag, "%s: too large for a saved plan", path);
    return nt_diag_error(diag, "%s: cannot read the saved plan: %s", path, strerror(errno));
}

int nt_plan_file_read(const char *path, nt_plan **out, nt_diag *diag)
{
    *out = NULL;
    int rc = -1;
    nt_buf text = NT_BUF_INIT;
    cJSON *doc = NULL;
    nt_plan *p = NULL;
    if (read_all(path, &text, diag) < 0)
        goto done;
    doc = cJSON_ParseWithLength(nt_buf_str(&text), text.len);
    const cJSON *marker = cJSON_GetObjectItemCaseSensitive(doc, "nautes_plan");
    if (!cJSON_IsObject(doc) || !cJSON_IsNumber(marker)) {
        nt_diag_error(diag, "%s: not a saved nautes plan (write one with nautes plan --out FILE)",
                      path);
        goto done;
    }
    const cJSON *fv = cJSON_GetObjectItemCaseSensitive(doc, "format_version");
    if (marker->valuedouble != 1 || !cJSON_IsNumber(fv) || fv->valuedouble != 1) {
        nt_diag_error(diag,
                      "%s: a saved plan of another format version; make it again with "
                      "this nautes",
                      path);
        goto done;
    }
    p = nt_xcalloc(1, sizeof(*p));
    p->source = dup_str(doc, "source");
    char *gen = dup_str(doc, "server_generation");
    if (!gen || nt_gen_parse(gen, &p->gen) < 0)
        p->gen = NT_GEN_UNKNOWN;
    free(gen);
    char *fp = dup_str(doc, "observed_fingerprint");
    if (fp && strlen(fp) == 64)
        memcpy(p->fingerprint, fp, 65);
    free(fp);

    const cJSON *actions = cJSON_GetObjectItemCaseSensitive(doc, "actions");
    size_t na = cJSON_IsArray(actions) ? (size_t)cJSON_GetArraySize(actions) : 0;
    p->actions = nt_xcalloc(na + 1, sizeof(nt_action));
    const cJSON *it;
    cJSON_ArrayForEach(it, actions)
    {
        nt_action *a = &p->actions[p->n_actions];
        char *kind = dup_str(it, "action");
        bool ok = action_kind_parse(kind, &a->kind);
        free(kind);
        a->cluster = dup_str(it, "cluster");
        if (!ok || !a->cluster) {
            free(a->cluster);
            a->cluster = NULL;
            nt_diag_error(diag, "%s: a saved plan action without a cluster or action", path);
            goto done;
        }
        a->label = dup_str(it, "kind");
        a->reason = dup_str(it, "reason");
        a->notes = dup_strv(cJSON_GetObjectItemCaseSensitive(it, "notes"), &a->n_notes);
        const cJSON *changes = cJSON_GetObjectItemCaseSensitive(it, "changes");
        size_t nc = cJSON_IsArray(changes) ? (size_t)cJSON_GetArraySize(changes) : 0;
        a->changes = nt_xcalloc(nc + 1, sizeof(nt_change));
        const cJSON *c;
        cJSON_ArrayForEach(c, changes)
        {
            nt_change *ch = &a->changes[a->n_changes];
            ch->path = dup_str(c, "path");
            if (!ch->path)
                continue;
            ch->sensitive = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "sensitive"));
            if (!ch->sensitive) {
                ch->old_val = dup_value(c, "old");
                ch->new_val = dup_value(c, "new");
            }
            a->n_changes++;
        }
        p->n_actions++;
    }

    const cJSON *ops = cJSON_GetObjectItemCaseSensitive(doc, "operations");
    size_t no = cJSON_IsArray(ops) ? (size_t)cJSON_GetArraySize(ops) : 0;
    p->ops = nt_xcalloc(no + 1, sizeof(nt_op));
    nt_name_index ix = {NULL, 0};
    nt_name_index_build(&ix, p);
    cJSON_ArrayForEach(it, ops)
    {
        nt_op *op = &p->ops[p->n_ops];
        char *method = dup_str(it, "method");
        char *cluster = dup_str(it, "cluster");
        size_t k = cluster ? nt_name_index_get(&ix, p, cluster) : NT_NO_ACTION;
        bool ok =
            method && (!strcmp(method, "DELETE") || !strcmp(method, "POST")) && k != NT_NO_ACTION;
        op->kind = method && !strcmp(method, "DELETE") ? NT_OP_DELETE : NT_OP_SAVE;
        op->action = k;
        free(method);
        free(cluster);
        const cJSON *deps = cJSON_GetObjectItemCaseSensitive(it, "depends_on");
        size_t nd = cJSON_IsArray(deps) ? (size_t)cJSON_GetArraySize(deps) : 0;
        op->deps = nt_xcalloc(nd + 1, sizeof(size_t));
        const cJSON *d;
        cJSON_ArrayForEach(d, deps)
        {
            if (!cJSON_IsNumber(d) || d->valuedouble < 0 || d->valuedouble >= (double)p->n_ops) {
                ok = false;
                break;
            }
            op->deps[op->n_deps++] = (size_t)d->valuedouble;
        }
        p->n_ops++;
        if (!ok) {
            nt_name_index_free(&ix);
            nt_diag_error(diag, "%s: a saved plan operation is malformed", path);
            goto done;
        }
    }
    nt_name_index_free(&ix);

    p->unmanaged = dup_strv(cJSON_GetObjectItemCaseSensitive(doc, "unmanaged"), &p->n_unmanaged);
    p->unseen = dup_strv(cJSON_GetObjectItemCaseSensitive(doc, "not_compared"), &p->n_unseen);
    const cJSON *inputs = cJSON_GetObjectItemCaseSensitive(doc, "input_files");
    size_t ni = cJSON_IsArray(inputs) ? (size_t)cJSON_GetArraySize(inputs) : 0;
    p->inputs = nt_xcalloc(ni + 1, sizeof(nt_input));
    cJSON_ArrayForEach(it, inputs)
    {
        char *ip = dup_str(it, "path"), *sha = dup_str(it, "sha256");
        if (ip && sha && strlen(sha) == 64) {
            p->inputs[p->n_inputs].path = ip;
            memcpy(p->inputs[p->n_inputs].sha256, sha, 65);
            p->n_inputs++;
        } else {
            free(ip);
        }
        free(sha);
    }
    const cJSON *obs = cJSON_GetObjectItemCaseSensitive(doc, "observed");
    size_t nob = cJSON_IsArray(obs) ? (size_t)cJSON_GetArraySize(obs) : 0;
    p->observed_names = nt_xcalloc(nob + 1, sizeof(char *));
    p->observed_sha = nt_xcalloc(nob + 1, sizeof(*p->observed_sha));
    cJSON_ArrayForEach(it, obs)
    {
        char *name = dup_str(it, "cluster"), *sha = dup_str(it, "sha256");
        if (name && sha && strlen(sha) == 64) {
            p->observed_names[p->n_observed] = name;
            memcpy(p->observed_sha[p->n_observed], sha, 65);
            p->n_observed++;
        } else {
            free(name);
        }
        free(sha);
    }
    const cJSON *opt = cJSON_GetObjectItemCaseSensitive(doc, "options");
    p->prune = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(opt, "prune"));
    p->targets = dup_strv(cJSON_GetObjectItemCaseSensitive(opt, "targets"), &p->n_targets);
    p->force = dup_strv(cJSON_GetObjectItemCaseSensitive(opt, "force_update"), &p->n_force);
    p->args = dup_strv(cJSON_GetObjectItemCaseSensitive(opt, "files"), &p->n_args);
    nt_plan_count(p);
    *out = p;
    p = NULL;
    rc = 0;
done:
    nt_plan_free(p);
    cJSON_Delete(doc);
    nt_buf_free(&text);
    return rc;
}

void nt_plan_file_opts(const nt_plan *saved, nt_plan_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->prune = saved->prune;
    opts->targets = (const char *const *)saved->targets;
    opts->n_targets = saved->n_targets;
    opts->force = (const char *const *)saved->force;
    opts->n_force = saved->n_force;
}

/* ---- staleness ----------------------------------------------------------------------------- */

static const nt_input *find_input(const nt_input *v, size_t n, const char *path)
{
    char *want = absolute(path);
    const nt_input *hit = NULL;
    for (size_t i = 0; i < n && !hit; i++) {
        char *have = absolute(v[i].path);
        if (!strcmp(have, want))
            hit = &v[i];
        free(have);
    }
    free(want);
    return hit;
}

#define MAX_LISTED 10

int nt_plan_file_check(const nt_plan *saved, const nt_cluster_set *desired, const nt_plan *fresh,
                       nt_diag *diag)
{
    int rc = 0;
    for (size_t i = 0; i < saved->n_inputs; i++) {
        const nt_input *now = find_input(desired->inputs, desired->n_inputs, saved->inputs[i].path);
        if (!now)
            rc = nt_diag_error(diag,
                               "the saved plan is stale: input %s was not read this time; run "
                               "nautes plan again",
                               saved->inputs[i].path);
        else if (strcmp(now->sha256, saved->inputs[i].sha256))
            rc = nt_diag_error(diag,
                               "the saved plan is stale: %s changed since the plan was made "
                               "(SHA-256 %.12s... is now %.12s...); run nautes plan again",
                               saved->inputs[i].path, saved->inputs[i].sha256, now->sha256);
    }
    for (size_t i = 0; i < desired->n_inputs; i++)
        if (!find_input(saved->inputs, saved->n_inputs, desired->inputs[i].path))
            rc = nt_diag_error(diag,
                               "the saved plan is stale: input %s is new since the plan was "
                               "made; run nautes plan again",
                               desired->inputs[i].path);

    if (strcmp(saved->fingerprint, fresh->fingerprint)) {
        /* both observed lists are sorted by name: merge them to say what moved */
        nt_buf what = NT_BUF_INIT;
        size_t i = 0, j = 0, listed = 0, more = 0;
        while (i < saved->n_observed || j < fresh->n_observed) {
            int c = i == saved->n_observed ? 1
                    : j == fresh->n_observed
                        ? -1
                        : strcmp(saved->observed_names[i], fresh->observed_names[j]);
            const char *name = NULL, *how = NULL;
            if (c < 0) {
                name = saved->observed_names[i++], how = "is gone";
            } else if (c > 0) {
                name = fresh->observed_names[j++], how = "appeared";
            } else {
                if (strcmp(saved->observed_sha[i], fresh->observed_sha[j]))
                    name = saved->observed_names[i], how = "changed";
                i++, j++;
            }
            if (!name)
                continue;
            if (listed++ < MAX_LISTED)
                nt_buf_addf(&what, "%s%s %s", what.len ? ", " : "", name, how);
            else
                more++;
        }
        if (more)
            nt_buf_addf(&what, " and %zu more", more);
        if (!what.len)
            nt_buf_addf(&what, "the source changed (%s, %s)", fresh->source ? fresh->source : "",
                        nt_gen_name(fresh->gen));
        rc = nt_diag_error(diag,
                           "the saved plan is stale: the clusters on the server changed since "
                           "the plan was made (%s); run nautes plan again",
                           nt_buf_str(&what));
        nt_buf_free(&what);
    } else if (rc == 0 &&
               (saved->n_actions != fresh->n_actions || saved->n_ops != fresh->n_ops ||
                saved->n_create != fresh->n_create || saved->n_update != fresh->n_update ||
                saved->n_replace != fresh->n_replace || saved->n_delete != fresh->n_delete)) {
        rc = nt_diag_error(diag, "the saved plan is stale: planning again gives other actions; "
                                 "run nautes plan again");
    }
    return rc;
}
