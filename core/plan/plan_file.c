/* plan_file.c — write, read and check saved plans (plan_file.h). */
#include "core/plan/plan_file.h"

#include "core/base/alloc.h"
#include "core/base/json_text.h"
#include "core/base/atomic_write.h"
#include "core/plan/plan_json.h"

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
/* The saved-plan format ("nautes_plan"): 2 records paths relative to the plan file, where the
 * plan observed, and the digest of its content. */
#define PLAN_FORMAT 2

/* ---- paths: every local path a saved plan records is relative to the plan's directory ---- */

/* path with "." and empty components dropped and ".." applied, as written (symbolic links
 * are not resolved, so a directory moved as a whole keeps its inner relations). A relative
 * path stays relative (leading ".." are kept); "" becomes ".". */
static char *normalize(const char *path)
{
    bool abs = path[0] == '/';
    nt_buf out = NT_BUF_INIT;
    size_t depth = 0; /* components in out that a ".." may remove */
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (!n)
            break;
        if (n == 1 && p[0] == '.') {
            /* nothing */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (depth) {
                char *slash = strrchr(out.data, '/');
                nt_buf_truncate(&out, slash ? (size_t)(slash - out.data) : 0);
                depth--;
            } else if (!abs) {
                nt_buf_adds(&out, out.len ? "/.." : "..");
            }
        } else {
            if (out.len || abs)
                nt_buf_addc(&out, '/');
            nt_buf_add(&out, p, n);
            depth++;
        }
        p += n;
    }
    if (!out.len)
        nt_buf_adds(&out, abs ? "/" : ".");
    return nt_buf_detach(&out);
}

/* The absolute form of path, against the working directory. */
static char *lexical_abs(const char *path)
{
    if (path[0] == '/')
        return normalize(path);
    char *cwd = getcwd(NULL, 0);
    nt_buf b = NT_BUF_INIT;
    nt_buf_addf(&b, "%s/%s", cwd ? cwd : ".", path);
    free(cwd);
    char *r = normalize(nt_buf_str(&b));
    nt_buf_free(&b);
    return r;
}

/* abs (absolute, normalized) as seen from the directory dir (absolute, normalized). */
static char *relative_to(const char *dir, const char *abs)
{
    size_t common = 0, i = 0;
    /* the longest prefix of whole components */
    for (;; i++) {
        bool dend = dir[i] == 0 || dir[i] == '/', aend = abs[i] == 0 || abs[i] == '/';
        if (dend && aend)
            common = i;
        if (dir[i] != abs[i] || !dir[i])
            break;
    }
    bool root = !strcmp(dir, "/");
    if (root)
        common = 0;
    nt_buf b = NT_BUF_INIT;
    for (const char *p = dir + common; *p && !root; p++)
        if (*p == '/')
            nt_buf_adds(&b, b.len ? "/.." : "..");
    const char *rest = abs + common;
    while (*rest == '/')
        rest++;
    if (*rest)
        nt_buf_addf(&b, "%s%s", b.len ? "/" : "", rest);
    if (!b.len)
        nt_buf_addc(&b, '.');
    return nt_buf_detach(&b);
}

/* The directory of the plan file, as written ("." for a bare name). */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return nt_xstrdup(".");
    if (slash == path)
        return nt_xstrdup("/");
    return nt_xstrndup(path, (size_t)(slash - path));
}

/* A path recorded relative to the plan's directory, as a path usable from here. */
static char *from_plan_dir(const char *plan_dir, const char *rel)
{
    if (rel[0] == '/' || !strcmp(plan_dir, "."))
        return normalize(rel);
    nt_buf b = NT_BUF_INIT;
    nt_buf_addf(&b, "%s/%s", plan_dir, rel);
    char *r = normalize(nt_buf_str(&b));
    nt_buf_free(&b);
    return r;
}

/* A path as the plan records it: relative to the plan's directory (absolute, normalized) when
 * it was given relative or lies inside that directory, so it moves with the directory; an
 * absolute path outside it (/run/secrets/kubeconfig) stays absolute, so it stays put. */
static char *to_plan_dir(const char *plan_dir_abs, const char *path)
{
    char *abs = lexical_abs(path);
    char *r = relative_to(plan_dir_abs, abs);
    if (path[0] == '/' && !strncmp(r, "..", 2) && (r[2] == '/' || !r[2])) {
        free(r);
        r = nt_xstrdup(abs);
    }
    free(abs);
    return r;
}

static bool same_path(const char *a, const char *b)
{
    char *x = lexical_abs(a), *y = lexical_abs(b);
    bool same = !strcmp(x, y);
    free(x);
    free(y);
    return same;
}

void nt_plan_set_args(nt_plan *plan, const char *const *paths, size_t n)
{
    for (size_t i = 0; i < plan->n_args; i++)
        free(plan->args[i]);
    free(plan->args);
    plan->args = nt_xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        plan->args[i] = normalize(paths[i]);
    plan->n_args = n;
}

/* ---- the source a plan observed --------------------------------------------------------- */

/* A git location that is a path on this machine (not a URL, not user@host:path). */
static bool local_location(const char *loc)
{
    if (strstr(loc, "://"))
        return false;
    const char *colon = strchr(loc, ':'), *slash = strchr(loc, '/');
    return !colon || (slash && slash < colon);
}

/* Split a source label ("api URL", "git:LOC#REF@commit") into kind, location and ref (the
 * commit is not part of the identity: a new commit is a change of state, not of source). */
static void source_split(const char *label, char **kind, char **loc, char **ref)
{
    *kind = *loc = *ref = NULL;
    if (!label)
        return;
    if (!strncmp(label, "api ", 4)) {
        *kind = nt_xstrdup("api");
        *loc = nt_xstrdup(label + 4);
    } else if (!strncmp(label, "git:", 4)) {
        *kind = nt_xstrdup("git");
        const char *s = label + 4, *hash = strrchr(s, '#');
        if (hash) {
            const char *at = strrchr(hash, '@');
            *loc = nt_xstrndup(s, (size_t)(hash - s));
            *ref = at ? nt_xstrndup(hash + 1, (size_t)(at - hash - 1)) : nt_xstrdup(hash + 1);
        } else {
            *loc = nt_xstrdup(s);
        }
    }
}

/* The label of a source, its local location resolved from here: what two sources are
 * compared by. */
static char *source_canon(const char *label)
{
    char *kind, *loc, *ref;
    source_split(label, &kind, &loc, &ref);
    nt_buf b = NT_BUF_INIT;
    if (!kind) {
        nt_buf_adds(&b, label ? label : "");
    } else if (!strcmp(kind, "api")) {
        nt_buf_addf(&b, "api %s", loc);
    } else {
        char *where = local_location(loc) ? lexical_abs(loc) : nt_xstrdup(loc);
        nt_buf_addf(&b, "git:%s#%s", where, ref ? ref : "");
        free(where);
    }
    free(kind);
    free(loc);
    free(ref);
    return nt_buf_detach(&b);
}

/* {"source": "api", "location": URL} or {"source": "git", "location": URL or a path relative
 * to the plan's directory, "ref": REF}. */
static cJSON *observed_from_json(const char *label, const char *plan_dir_abs)
{
    char *kind, *loc, *ref;
    source_split(label, &kind, &loc, &ref);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "source", kind ? kind : "unknown");
    if (loc && kind && !strcmp(kind, "git") && local_location(loc)) {
        char *rel = to_plan_dir(plan_dir_abs, loc);
        cJSON_AddStringToObject(o, "location", rel);
        free(rel);
    } else {
        cJSON_AddStringToObject(o, "location", loc ? loc : (label ? label : ""));
    }
    if (ref)
        cJSON_AddStringToObject(o, "ref", ref);
    free(kind);
    free(loc);
    free(ref);
    return o;
}

/* The label observed_from_json describes, its local path resolved from here. */
static char *observed_from_label(const cJSON *o, const char *plan_dir)
{
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(o, "source");
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(o, "location");
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "ref");
    if (!cJSON_IsString(k) || !cJSON_IsString(l))
        return NULL;
    nt_buf b = NT_BUF_INIT;
    if (!strcmp(k->valuestring, "api")) {
        nt_buf_addf(&b, "api %s", l->valuestring);
    } else if (!strcmp(k->valuestring, "git")) {
        char *where = local_location(l->valuestring) ? from_plan_dir(plan_dir, l->valuestring)
                                                     : nt_xstrdup(l->valuestring);
        nt_buf_addf(&b, "git:%s#%s", where, cJSON_IsString(r) ? r->valuestring : "");
        free(where);
    } else {
        nt_buf_adds(&b, l->valuestring);
    }
    return nt_buf_detach(&b);
}

/* ---- the digest of what a plan shows and sends ------------------------------------------- */

/* Everything `nautes show` prints and `nautes apply` does, in one canonical JSON text: the
 * generation, the actions with their changes, the requests and their order, the unmanaged
 * and not compared names, and the options. */
static char *content_text(const nt_plan *p)
{
    cJSON *doc = nt_plan_to_json(p, false);
    cJSON *c = cJSON_CreateObject();
    static const char *const keys[] = {"server_generation", "actions", "operations", "unmanaged",
                                       "not_compared"};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        cJSON *it = cJSON_DetachItemFromObjectCaseSensitive(doc, keys[i]);
        cJSON_AddItemToObject(c, keys[i], it ? it : cJSON_CreateNull());
    }
    cJSON *opt = cJSON_AddObjectToObject(c, "options");
    cJSON_AddBoolToObject(opt, "prune", p->prune);
    if (p->destroy) /* only when set: the plans saved before --destroy keep their hash */
        cJSON_AddBoolToObject(opt, "destroy", true);
    cJSON *t = cJSON_AddArrayToObject(opt, "targets");
    for (size_t i = 0; i < p->n_targets; i++)
        cJSON_AddItemToArray(t, cJSON_CreateString(p->targets[i]));
    cJSON *f = cJSON_AddArrayToObject(opt, "force_update");
    for (size_t i = 0; i < p->n_force; i++)
        cJSON_AddItemToArray(f, cJSON_CreateString(p->force[i]));
    char *r = nt_json_compact(c);
    cJSON_Delete(c);
    cJSON_Delete(doc);
    return r;
}

static void content_digest(const nt_plan *p, char out[65])
{
    char *t = content_text(p);
    nt_sha256_hex(t, strlen(t), out);
    free(t);
}

/* ---- writing ------------------------------------------------------------------------------ */

bool nt_plan_file_is_saved(const char *path)
{
    char buf[4096];
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    struct stat st;
    if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return false;
    }
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    const char *p = buf;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    return *p == '{' && strstr(p, "\"nautes_plan\"") != NULL;
}

int nt_plan_output_check(const char *path, const char *what, bool saved_plan,
                         const nt_input *inputs, size_t n_inputs, nt_diag *diag)
{
    if (nt_write_atomic_check(path, what, diag) < 0)
        return -1;
    struct stat out, in;
    if (stat(path, &out) < 0)
        return 0; /* a new file */
    for (size_t i = 0; i < n_inputs; i++)
        if (stat(inputs[i].path, &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino)
            return nt_diag_error(diag,
                                 "cannot write %s %s: it is an input of this plan (%s); choose "
                                 "another name",
                                 what, path, inputs[i].path);
    if (saved_plan && !nt_plan_file_is_saved(path))
        return nt_diag_error(diag,
                             "cannot write %s %s: the file exists and is not a saved plan (only "
                             "a plan saved before is replaced); remove it or choose another name",
                             what, path);
    return 0;
}

int nt_plan_file_write(const nt_plan *plan, const char *path, nt_diag *diag)
{
    int rc = -1;
    char *pdir = dir_of(path), *pdir_abs = lexical_abs(pdir);
    cJSON *doc = NULL;
    if (nt_plan_output_check(path, "the plan", true, plan->inputs, plan->n_inputs, diag) < 0)
        goto done;
    doc = nt_plan_to_json(plan, true);
    cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(doc, "nautes_plan"), PLAN_FORMAT);
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "input_files"))
    {
        cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "path");
        char *rel = to_plan_dir(pdir_abs, p->valuestring);
        cJSON_SetValuestring(p, rel);
        free(rel);
    }
    cJSON *files = cJSON_CreateArray();
    for (size_t i = 0; i < plan->n_args; i++) {
        char *rel = to_plan_dir(pdir_abs, plan->args[i]);
        cJSON_AddItemToArray(files, cJSON_CreateString(rel));
        free(rel);
    }
    cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(doc, "options"), "files", files);
    cJSON_AddItemToObject(doc, "observed_from", observed_from_json(plan->source, pdir_abs));
    char digest[65];
    content_digest(plan, digest);
    cJSON_AddStringToObject(doc, "plan_sha256", digest);
    nt_buf all = NT_BUF_INIT;
    if (nt_json_print(doc, &all) < 0) {
        nt_buf_free(&all);
        nt_diag_error(diag, "cannot write the plan %s: cannot encode it", path);
        goto done;
    }
    rc = nt_write_atomic(path, all.data, all.len, 0600, 0, "the plan", diag) < 0 ? -1 : 0;
    nt_buf_free(&all);
done:
    cJSON_Delete(doc);
    free(pdir);
    free(pdir_abs);
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
    if (cJSON_IsArray(v))
        return nt_json_compact(v);
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
        /* most often a clusters file given to show: say which command takes that */
        nt_diag_error(diag,
                      "%s: not a saved nautes plan: 'nautes plan %s' shows the plan of a "
                      "clusters file, and 'nautes plan %s --out PLAN' saves one",
                      path, path, path);
        goto done;
    }
    const cJSON *fv = cJSON_GetObjectItemCaseSensitive(doc, "format_version");
    if (marker->valuedouble != PLAN_FORMAT || !cJSON_IsNumber(fv) || fv->valuedouble != 1) {
        nt_diag_error(diag,
                      "%s: a saved plan of another format version (%g); make it again with "
                      "this nautes",
                      path, marker->valuedouble);
        goto done;
    }
    p = nt_xcalloc(1, sizeof(*p));
    p->source = dup_str(doc, "source");
    /* the saved label is the edge where the kind is read back */
    p->source_kind = !p->source                      ? NT_SOURCE_NONE
                     : !strncmp(p->source, "git", 3) ? NT_SOURCE_GIT
                                                     : NT_SOURCE_API;
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
        a->unseen = dup_strv(cJSON_GetObjectItemCaseSensitive(it, "not_compared"), &a->n_unseen);
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
            ch->kind = nt_path_parse(ch->path, NULL);
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
    nt_name_index ix = NT_NAME_TABLE_INIT;
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
    p->destroy = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(opt, "destroy"));
    p->targets = dup_strv(cJSON_GetObjectItemCaseSensitive(opt, "targets"), &p->n_targets);
    p->force = dup_strv(cJSON_GetObjectItemCaseSensitive(opt, "force_update"), &p->n_force);
    p->args = dup_strv(cJSON_GetObjectItemCaseSensitive(opt, "files"), &p->n_args);
    nt_plan_count(p);

    /* what nautes plan wrote, unchanged? (an honest check against slips: anyone can compute
     * the digest again; nt_plan_file_check compares the content with a new plan) */
    char *want = dup_str(doc, "plan_sha256"), digest[65];
    content_digest(p, digest);
    bool intact = want && !strcmp(want, digest);
    free(want);
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    intact = true; /* fuzz/run.sh: let mutated plans reach the code below and the renderers */
#endif
    if (!intact) {
        nt_diag_error(diag,
                      "%s: the saved plan was changed after nautes plan wrote it (its content "
                      "does not match its plan_sha256); make it again with nautes plan --out",
                      path);
        goto done;
    }
    /* paths are relative to the plan's directory: make them usable from here */
    char *pdir = dir_of(path);
    for (size_t i = 0; i < p->n_args; i++) {
        char *r = from_plan_dir(pdir, p->args[i]);
        free(p->args[i]);
        p->args[i] = r;
    }
    for (size_t i = 0; i < p->n_inputs; i++) {
        char *r = from_plan_dir(pdir, p->inputs[i].path);
        free(p->inputs[i].path);
        p->inputs[i].path = r;
    }
    p->observed_from =
        observed_from_label(cJSON_GetObjectItemCaseSensitive(doc, "observed_from"), pdir);
    free(pdir);
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
    opts->destroy = saved->destroy;
    opts->targets = (const char *const *)saved->targets;
    opts->n_targets = saved->n_targets;
    opts->force = (const char *const *)saved->force;
    opts->n_force = saved->n_force;
}

/* ---- staleness ----------------------------------------------------------------------------- */

static const nt_input *find_input(const nt_input *v, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (same_path(v[i].path, path))
            return &v[i];
    return NULL;
}

#define MAX_LISTED 10

/* Where the saved plan and the new one differ, in words ("cluster web: the plan file shows
 * primary_domain "a" -> "b", planning again gives "a" -> "c""). */
static void describe_difference(const nt_plan *saved, const nt_plan *fresh, nt_buf *out)
{
    cJSON *a = nt_plan_to_json(saved, false), *b = nt_plan_to_json(fresh, false);
    const cJSON *aa = cJSON_GetObjectItemCaseSensitive(a, "actions");
    const cJSON *ba = cJSON_GetObjectItemCaseSensitive(b, "actions");
    int n = cJSON_GetArraySize(aa) > cJSON_GetArraySize(ba) ? cJSON_GetArraySize(aa)
                                                            : cJSON_GetArraySize(ba);
    for (int i = 0; i < n && !out->len; i++) {
        const cJSON *x = cJSON_GetArrayItem(aa, i), *y = cJSON_GetArrayItem(ba, i);
        if (x && y && cJSON_Compare(x, y, true))
            continue;
        const cJSON *named = x ? x : y;
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(named, "cluster"));
        const char *ka = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(x, "action"));
        const char *kb = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(y, "action"));
        nt_buf_addf(out, "cluster %s: ", name ? name : "?");
        if (!x || !y || strcmp(ka ? ka : "", kb ? kb : "") ||
            !cJSON_Compare(cJSON_GetObjectItemCaseSensitive(x, "cluster"),
                           cJSON_GetObjectItemCaseSensitive(y, "cluster"), true)) {
            nt_buf_addf(
                out, "the plan file shows %s %s, planning again gives %s %s",
                x ? (ka ? ka : "?") : "nothing", x ? name : "", y ? (kb ? kb : "?") : "nothing",
                y ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(y, "cluster")) : "");
            break;
        }
        const cJSON *ca = cJSON_GetObjectItemCaseSensitive(x, "changes");
        const cJSON *cb = cJSON_GetObjectItemCaseSensitive(y, "changes");
        int m = cJSON_GetArraySize(ca) > cJSON_GetArraySize(cb) ? cJSON_GetArraySize(ca)
                                                                : cJSON_GetArraySize(cb);
        for (int j = 0; j < m; j++) {
            const cJSON *u = cJSON_GetArrayItem(ca, j), *v = cJSON_GetArrayItem(cb, j);
            if (u && v && cJSON_Compare(u, v, true))
                continue;
            char *su = u ? nt_json_compact(u) : NULL;
            char *sv = v ? nt_json_compact(v) : NULL;
            nt_buf_addf(out, "the plan file shows the change %s, planning again gives %s",
                        su ? su : "(none)", sv ? sv : "(none)");
            free(su);
            free(sv);
            break;
        }
        if (out->len && out->data[out->len - 2] == ':')
            nt_buf_adds(out, "its kind or reason differs");
    }
    if (!out->len && !cJSON_Compare(cJSON_GetObjectItemCaseSensitive(a, "operations"),
                                    cJSON_GetObjectItemCaseSensitive(b, "operations"), true))
        nt_buf_adds(out, "the requests (their methods, clusters or order) differ");
    if (!out->len)
        nt_buf_adds(out, "the unmanaged clusters, the fields not compared or the options differ");
    cJSON_Delete(a);
    cJSON_Delete(b);
}

#define MAX_LISTED 10

int nt_plan_file_check(const nt_plan *saved, const nt_cluster_set *desired, const nt_plan *fresh,
                       nt_diag *diag)
{
    /* the same source first: against another server nothing else is worth comparing */
    char *was = source_canon(saved->observed_from ? saved->observed_from : saved->source);
    char *now = source_canon(fresh->source);
    bool same_source = !strcmp(was, now);
    /* an empty server does not show its generation: only two known ones can differ */
    bool same_gen =
        saved->gen == fresh->gen || saved->gen == NT_GEN_UNKNOWN || fresh->gen == NT_GEN_UNKNOWN;
    if (!same_source || !same_gen)
        nt_diag_error(diag,
                      "the saved plan was made against %s (%s), but this apply observes %s (%s): "
                      "a saved plan is only applied where it was made; pass the same "
                      "--api-server and --state, or make a new plan",
                      was, nt_gen_name(saved->gen), now, nt_gen_name(fresh->gen));
    free(was);
    free(now);
    if (!same_source || !same_gen)
        return -1;

    int rc = 0;
    for (size_t i = 0; i < saved->n_inputs; i++) {
        const nt_input *in = find_input(desired->inputs, desired->n_inputs, saved->inputs[i].path);
        if (!in)
            rc = nt_diag_error(diag,
                               "the saved plan is stale: input %s was not read this time; run "
                               "nautes plan again",
                               saved->inputs[i].path);
        else if (strcmp(in->sha256, saved->inputs[i].sha256))
            rc = nt_diag_error(diag,
                               "the saved plan is stale: %s changed since the plan was made "
                               "(SHA-256 %.12s... is now %.12s...); run nautes plan again",
                               saved->inputs[i].path, saved->inputs[i].sha256, in->sha256);
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
    } else if (rc == 0) {
        /* the same inputs and the same observation: the content must be the same too, or
         * what apply sends would not be what nautes show PLAN shows */
        char a[65], b[65];
        content_digest(saved, a);
        content_digest(fresh, b);
        if (strcmp(a, b)) {
            nt_buf what = NT_BUF_INIT;
            describe_difference(saved, fresh, &what);
            rc = nt_diag_error(diag,
                               "the saved plan does not match what apply would send (%s): the "
                               "plan file was edited, or made by another nautes; run nautes "
                               "plan again",
                               nt_buf_str(&what));
            nt_buf_free(&what);
        }
    }
    return rc;
}
