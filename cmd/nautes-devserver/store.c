/* store.c — the tenant configuration repository (libgit2) and the kubeconfig store.
 *
 * Every change is written through devserver/tenant_write.c (temporary file + rename per file),
 * and committed on `main` as one commit with the real server's message (v0.3 and
 * v0.4.0 style: `[API] Save_Cluster: NAME.` / `[API] Delete_Cluster: NAME.`). The commit is
 * the last step; if anything fails before it, the touched paths are restored from HEAD, so
 * the working tree, the branch and the in-memory state never disagree. Kubeconfigs go to
 * REPO.kubeconfigs.json next to the repository (mode 0600), as the real server keeps them in
 * Vault, outside git.
 *
 * A commit costs what changed, not what the repository holds: the blobs come from the files
 * just written, the tree is HEAD's tree with those paths replaced (git_tree_create_updated
 * reads and writes only the trees on the changed paths), and the index gets those entries
 * with their stat data before it is written once. (Staging with git_index_add_bypath and
 * git_index_write_tree re-read every tree of the repository after each commit to rebuild
 * the index's tree cache: 12 of the 15 ms a write took with 1,000 clusters.) */
#include "devserver.h"

#include "core/base/alloc.h"
#include "core/base/json_read.h"
#include "core/base/wipe.h"
#include "core/base/atomic_write.h"
#include "core/model/tenant_layout.h"
#include "core/observe/tenant_read.h"
#include "devserver/tenant_write.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void git_err(nt_buf *err, const char *what)
{
    const git_error *e = git_error_last();
    nt_buf_addf(err, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

static int commit_paths(ds_server *s, const char *changed, const char *message, nt_buf *err);

/* ---- kubeconfig store -------------------------------------------------------------------- */

/* The kubeconfig store: a JSON object, cluster name → kubeconfig. A missing file is an empty
 * store. A file that cannot be read, or is not such an object (cut short by a crash of an
 * older writer, edited by hand), is an error naming it: never taken for an empty store, which
 * the next save would write back with every other kubeconfig lost. The text is never quoted
 * (it holds secrets). */
static int kube_load(const ds_server *s, cJSON **out, nt_buf *err)
{
    *out = NULL;
    struct stat st;
    int stat_rc = stat(s->kube_store, &st), stat_errno = errno;
    if (stat_rc < 0 && stat_errno == ENOENT) {
        *out = cJSON_CreateObject();
        return 0;
    }
    const char *why = NULL;
    nt_buf b = NT_BUF_SECRET_INIT;
    cJSON *j = NULL;
    if (stat_rc < 0) {
        why = strerror(stat_errno);
    } else if (!S_ISREG(st.st_mode)) {
        why = "not a regular file";
    } else if (nt_buf_read_file(&b, s->kube_store, 0) < 0) {
        why = strerror(errno);
    } else {
        const char *end = NULL;
        j = cJSON_ParseWithLengthOpts(nt_buf_str(&b), b.len, &end, 0);
        size_t at = j ? (size_t)(end - nt_buf_str(&b)) : 0;
        while (j && at < b.len && b.data[at] && strchr(" \t\r\n", b.data[at]))
            at++;
        bool bad = false;
        for (const cJSON *e = cJSON_IsObject(j) ? j->child : NULL; e && !bad; e = e->next)
            bad = !cJSON_IsString(e);
        if (!j || at < b.len) /* at < b.len: a NUL or the rest of an older text follows */
            why = "not valid JSON: cut short by a crash, or edited by hand?";
        else if (!cJSON_IsObject(j))
            why = "not a JSON object";
        else if (bad)
            why = "a value is not a string";
    }
    nt_wipe_buf_free(&b);
    if (!why) {
        *out = j;
        return 0;
    }
    nt_json_wipe(j);
    cJSON_Delete(j);
    nt_buf_addf(err,
                "cannot read the kubeconfig store %s (%s); it is left as it is: restore it, or "
                "move it away to start with no kubeconfigs",
                s->kube_store, why);
    return -1;
}

int ds_store_put_kubeconfig(ds_server *s, const char *name, const char *kubeconfig, nt_buf *err)
{
    cJSON *j;
    if (kube_load(s, &j, err) < 0)
        return -1;
    cJSON *old = cJSON_DetachItemFromObjectCaseSensitive(j, name);
    nt_json_wipe(old); /* the kubeconfig it replaces */
    cJSON_Delete(old);
    cJSON_AddStringToObject(j, name, kubeconfig);
    char *text = nt_json_print_secret(j, true);
    nt_json_wipe(j);
    cJSON_Delete(j);
    int rc = -1;
    if (!text) {
        nt_buf_adds(err, "cannot render the kubeconfig store (out of memory)");
    } else {
        /* temporary file beside it (0600), fsync, rename, fsync of the directory */
        nt_diag d = NT_DIAG_INIT;
        rc =
            nt_write_atomic(s->kube_store, text, strlen(text), 0600, 0, "the kubeconfig store", &d);
        if (rc < 0)
            nt_buf_adds(err, d.n ? d.items[0].msg : "cannot write the kubeconfig store");
        nt_diag_free(&d);
    }
    nt_wipe_free(text);
    return rc;
}

/* Temporary files of the store left by a write that was killed (they hold kubeconfigs). */
static void kube_remove_stale_temps(const ds_server *s)
{
    char *dir = nt_xstrdup(s->kube_store);
    char *slash = strrchr(dir, '/');
    nt_buf hidden = NT_BUF_INIT, plain = NT_BUF_INIT, full = NT_BUF_INIT;
    /* the atomic writer's name (.BASE.tmp-XXXXXX), and the one of earlier versions */
    nt_buf_addf(&hidden, ".%s.tmp-", slash ? slash + 1 : dir);
    nt_buf_addf(&plain, "%s.tmp-", slash ? slash + 1 : dir);
    if (slash)
        slash[slash == dir ? 1 : 0] = 0;
    DIR *d = opendir(slash ? dir : ".");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, nt_buf_str(&hidden), hidden.len) &&
            strncmp(e->d_name, nt_buf_str(&plain), plain.len))
            continue;
        nt_buf_reset(&full);
        nt_buf_addf(&full, "%s%s%s", slash ? dir : "", slash && slash != dir ? "/" : "", e->d_name);
        if (unlink(nt_buf_str(&full)) == 0)
            fprintf(stderr,
                    "nautes-devserver: removed %s, a temporary file of an interrupted write of "
                    "the kubeconfig store\n",
                    nt_buf_str(&full));
    }
    if (d)
        closedir(d);
    nt_buf_free(&hidden);
    nt_buf_free(&plain);
    nt_buf_free(&full);
    free(dir);
}

/* ---- opening ----------------------------------------------------------------------------- */

/* A new repository: `main`, and the empty clusters directory the installer creates. */
static int init_repo(ds_server *s, nt_buf *err)
{
    git_repository_init_options o;
    git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    o.flags = GIT_REPOSITORY_INIT_MKPATH;
    o.initial_head = "main";
    if (git_repository_init_ext(&s->git, s->repo, &o) < 0) {
        git_err(err, "cannot create the repository");
        return -1;
    }
    return 0;
}

/* --fresh-tenant: a tenant with no cluster yet has no clusters directory at all; its first
 * commit holds only a README. */
static int first_commit_fresh(ds_server *s, nt_buf *err)
{
    nt_buf path = NT_BUF_INIT;
    nt_buf_addf(&path, "%s/README.md", s->repo);
    FILE *f = fopen(nt_buf_str(&path), "wx");
    if (f) {
        fputs("# Tenant configuration repository\n\nNo cluster has been registered yet.\n", f);
        fclose(f);
    }
    int rc = commit_paths(s, "README.md\n", "Initial tenant configuration", err);
    nt_buf_free(&path);
    return rc;
}

static int first_commit(ds_server *s, nt_buf *err)
{
    if (s->fresh_tenant)
        return first_commit_fresh(s, err);
    nt_buf rel = NT_BUF_INIT, path = NT_BUF_INIT, changed = NT_BUF_INIT;
    nt_buf_addf(&rel, "%s/kustomization.yaml", NT_CLUSTERS_DIR);
    nt_buf_addf(&path, "%s/%s", s->repo, NT_CLUSTERS_DIR);
    int rc = -1;
    /* mkdir -p */
    for (char *p = path.data + strlen(s->repo) + 1; *p; p++) {
        if (*p == '/') {
            *p = 0;
            mkdir(path.data, 0755);
            *p = '/';
        }
    }
    mkdir(path.data, 0755);
    nt_buf_addf(&path, "/kustomization.yaml");
    FILE *f = fopen(nt_buf_str(&path), "wx");
    if (f) {
        fputs("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n",
              f);
        fclose(f);
    }
    nt_buf_addf(&changed, "%s\n", nt_buf_str(&rel));
    rc = commit_paths(s, nt_buf_str(&changed), "Initial tenant configuration", err);
    nt_buf_free(&rel);
    nt_buf_free(&path);
    nt_buf_free(&changed);
    return rc;
}

/* ---- at start: the working tree as HEAD has it ------------------------------------------- */

/* Remove the empty directories at and below `path` (git keeps none; a leftover one would
 * still count for the checks that look for a directory). Returns how many were removed. */
static size_t prune_empty_dirs(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    char **subs = NULL;
    size_t n = 0, cap = 0, removed = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        nt_buf sub = NT_BUF_INIT;
        nt_buf_addf(&sub, "%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(nt_buf_str(&sub), &st) == 0 && S_ISDIR(st.st_mode)) {
            NT_GROW(subs, cap, n + 1);
            subs[n++] = nt_buf_detach(&sub);
        }
        nt_buf_free(&sub);
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        removed += prune_empty_dirs(subs[i]);
        free(subs[i]);
    }
    free(subs);
    if (rmdir(path) == 0)
        removed++;
    return removed;
}

/* A lock file an interrupted write of git's left behind blocks every later commit. */
static void remove_stale_locks(ds_server *s)
{
    nt_buf path = NT_BUF_INIT;
    const char *names[3] = {"index.lock", "HEAD.lock", NULL};
    git_reference *head = NULL;
    char *branch_lock = NULL;
    if (git_reference_lookup(&head, s->git, "HEAD") == 0 &&
        git_reference_type(head) == GIT_REFERENCE_SYMBOLIC) {
        nt_buf b = NT_BUF_INIT;
        nt_buf_addf(&b, "%s.lock", git_reference_symbolic_target(head));
        branch_lock = nt_buf_detach(&b);
        names[2] = branch_lock;
    }
    git_reference_free(head);
    for (size_t i = 0; i < 3 && names[i]; i++) {
        nt_buf_reset(&path);
        nt_buf_addf(&path, "%s%s", git_repository_path(s->git), names[i]);
        if (unlink(nt_buf_str(&path)) == 0)
            fprintf(stderr,
                    "nautes-devserver: removed %s, a lock left by an interrupted write (no other "
                    "git command may run on the repository while the server starts)\n",
                    nt_buf_str(&path));
    }
    free(branch_lock);
    nt_buf_free(&path);
}

/* The paths below the owned directories where the index or the working tree differs from
 * HEAD, untracked and ignored files included: their number in *n, the first ten in `list`. */
static int differences(ds_server *s, git_strarray *owned, nt_buf *list, size_t *n, nt_buf *err)
{
    git_status_options so;
    git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
    so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
               GIT_STATUS_OPT_INCLUDE_IGNORED | GIT_STATUS_OPT_RECURSE_IGNORED_DIRS |
               GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    so.pathspec = *owned;
    git_status_list *st = NULL;
    if (git_status_list_new(&st, s->git, &so) < 0) {
        git_err(err, "cannot compare the working tree with HEAD");
        return -1;
    }
    *n = git_status_list_entrycount(st);
    nt_buf_reset(list);
    for (size_t i = 0; i < *n; i++) {
        const git_status_entry *e = git_status_byindex(st, i);
        const git_diff_delta *dd = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
        const char *p = dd ? (dd->new_file.path ? dd->new_file.path : dd->old_file.path) : NULL;
        if (i == 10) {
            nt_buf_addf(list, " and %zu more", *n - i);
            break;
        }
        nt_buf_adds(list, i ? ", " : "");
        for (const unsigned char *c = (const unsigned char *)(p ? p : "?"); *c; c++)
            if (*c < 0x20 || *c == 0x7f)
                nt_buf_addf(list, "\\x%02x", *c);
            else
                nt_buf_addc(list, (char)*c);
    }
    git_status_list_free(st);
    return 0;
}

/* HEAD is what the server serves. A write killed before its commit (SIGKILL, a crash, a
 * power loss) leaves files that HEAD does not have, or has otherwise; served as they are,
 * the API and the branch would disagree for ever. So at start, below the directories the
 * server owns (nt_tenant_owned_paths), the index and the working tree are put back as HEAD
 * has them and everything else is removed (untracked and ignored files, temporary files,
 * empty directories), and stderr says which paths changed. */
static int restore_to_head(ds_server *s, nt_buf *err)
{
    char *paths[8];
    size_t np = 0;
    for (; np < 8 && nt_tenant_owned_paths[np]; np++)
        paths[np] = (char *)nt_tenant_owned_paths[np];
    git_strarray owned = {paths, np};
    nt_buf list = NT_BUF_INIT, full = NT_BUF_INIT;
    git_object *head = NULL;
    size_t n = 0, dirs = 0;
    int rc = -1;

    remove_stale_locks(s);
    if (differences(s, &owned, &list, &n, err) < 0)
        goto done;
    if (n) {
        git_checkout_options co;
        git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
        co.checkout_strategy =
            GIT_CHECKOUT_FORCE | GIT_CHECKOUT_REMOVE_UNTRACKED | GIT_CHECKOUT_REMOVE_IGNORED;
        co.paths = owned;
        if (git_revparse_single(&head, s->git, "HEAD^{commit}") < 0 ||
            git_reset_default(s->git, head, &owned) < 0 || git_checkout_head(s->git, &co) < 0) {
            git_err(err, "cannot put the working tree back as HEAD has it");
            goto done;
        }
    }
    for (size_t i = 0; i < np; i++) {
        nt_buf_reset(&full);
        nt_buf_addf(&full, "%s/%s", s->repo, paths[i]);
        dirs += prune_empty_dirs(nt_buf_str(&full));
    }
    if (n) {
        char id[8];
        git_oid_tostr(id, sizeof(id), git_object_id(head));
        fprintf(stderr,
                "nautes-devserver: the working tree did not match HEAD (a write interrupted "
                "before its commit?); the server serves HEAD %s: %zu path(s) put back as it has "
                "them: %s\n",
                id, n, nt_buf_str(&list));
        size_t left = 0;
        if (differences(s, &owned, &list, &left, err) < 0)
            goto done;
        if (left) {
            nt_buf_addf(err, "the working tree still differs from HEAD after restoring it: %s",
                        nt_buf_str(&list));
            goto done;
        }
    }
    if (dirs)
        fprintf(stderr, "nautes-devserver: removed %zu empty director%s that HEAD does not have\n",
                dirs, dirs == 1 ? "y" : "ies");
    rc = 0;
done:
    git_object_free(head);
    nt_buf_free(&list);
    nt_buf_free(&full);
    return rc;
}

int ds_store_open(ds_server *s, nt_buf *err)
{
    struct stat st;
    if (stat(s->repo, &st) < 0) {
        if (init_repo(s, err) < 0)
            return -1;
    } else if (!S_ISDIR(st.st_mode)) {
        nt_buf_addf(err, "--repo %s is not a directory", s->repo);
        return -1;
    } else if (git_repository_open_ext(&s->git, s->repo, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
        /* an empty directory becomes a repository; anything else is refused */
        DIR *d = opendir(s->repo);
        bool emptydir = true;
        struct dirent *e;
        while (d && (e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                emptydir = false;
        if (d)
            closedir(d);
        if (!emptydir) {
            nt_buf_addf(err, "--repo %s exists and is not a git repository", s->repo);
            return -1;
        }
        if (init_repo(s, err) < 0)
            return -1;
    }
    if (git_repository_is_bare(s->git)) {
        nt_buf_addf(err, "--repo %s is a bare repository; give a working tree", s->repo);
        return -1;
    }
    if (git_repository_head_unborn(s->git) == 1 && first_commit(s, err) < 0)
        return -1;
    if (restore_to_head(s, err) < 0)
        return -1;
    /* the kubeconfig store must be readable before anything is written to it */
    kube_remove_stale_temps(s);
    cJSON *kube = NULL;
    if (kube_load(s, &kube, err) < 0)
        return -1;
    nt_json_wipe(kube);
    cJSON_Delete(kube);

    nt_tree_reader r = nt_tree_reader_fs;
    r.ctx = s->repo;
    nt_diag d = NT_DIAG_INIT;
    nt_buf label = NT_BUF_INIT;
    nt_buf_addf(&label, "%s", s->repo);
    nt_cluster_set *set = NULL;
    int rc = nt_tenant_read(&r, nt_buf_str(&label), &set, &d);
    if (rc < 0) {
        nt_buf_adds(err, "cannot read the repository's clusters: ");
        for (size_t i = 0; i < d.n; i++)
            if (d.items[i].sev == NT_SEV_ERROR) {
                nt_diag_format_item(&d.items[i], err, false);
                break;
            }
        nt_cluster_set_free(set);
    } else {
        s->clusters = set;
        s->version = 1;
    }
    nt_diag_free(&d);
    nt_buf_free(&label);
    return rc;
}

void ds_store_close(ds_server *s)
{
    free(s->list_cache);
    s->list_cache = NULL;
    git_repository_free(s->git);
    s->git = NULL;
    nt_cluster_set_free(s->clusters);
    s->clusters = NULL;
}

/* ---- commits ----------------------------------------------------------------------------- */

/* One changed path: the blob and the stat data of the file written, or a removal. */
typedef struct change {
    char *rel;
    bool present;
    git_oid id;
    struct stat st;
} change;

static void free_changes(change *ch, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ch[i].rel);
    free(ch);
}

/* The blob of every path of `changed` (one per line) from the file now in the working tree,
 * or a removal when there is none. */
static int read_changes(ds_server *s, const char *changed, change **out, size_t *n_out, nt_buf *err)
{
    change *ch = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    nt_buf full = NT_BUF_INIT, data = NT_BUF_INIT;
    for (const char *p = changed; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        NT_GROW(ch, cap, n + 1);
        change *c = &ch[n++];
        memset(c, 0, sizeof(*c));
        c->rel = nt_xstrndup(p, len);
        p += len;
        if (*p == '\n')
            p++;
        nt_buf_reset(&full);
        nt_buf_addf(&full, "%s/%s", s->repo, c->rel);
        int fd = open(nt_buf_str(&full), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT || errno == ENOTDIR)
                continue; /* removed */
            nt_buf_addf(err, "cannot stage a change: %s: %s", c->rel, strerror(errno));
            goto done;
        }
        nt_buf_reset(&data);
        /* the stat data after the content was read: what the index records for the file */
        int bad = nt_buf_read_fd(&data, fd, 0) < 0 || fstat(fd, &c->st) < 0;
        close(fd);
        if (bad) {
            nt_buf_addf(err, "cannot stage a change: %s: %s", c->rel, strerror(errno));
            goto done;
        }
        if (git_blob_create_from_buffer(&c->id, s->git, data.len ? data.data : "", data.len) < 0) {
            git_err(err, "cannot stage a change");
            goto done;
        }
        c->present = true;
    }
    rc = 0;
done:
    nt_buf_free(&full);
    nt_buf_free(&data);
    if (rc < 0) {
        free_changes(ch, n);
        ch = NULL;
        n = 0;
    }
    *out = ch;
    *n_out = n;
    return rc;
}

static void index_time(git_index_time *t, const struct timespec *ts)
{
    t->seconds = (int32_t)ts->tv_sec;
    t->nanoseconds = (uint32_t)ts->tv_nsec;
}

/* Record the changes in the index (in memory): the same entries `git add` would make, with
 * the files' stat data so that `git status` finds the working tree clean without re-reading
 * it. */
static int index_changes(git_index *idx, const change *ch, size_t n, nt_buf *err)
{
    for (size_t i = 0; i < n; i++) {
        int r;
        if (ch[i].present) {
            git_index_entry e;
            memset(&e, 0, sizeof(e));
            index_time(&e.ctime, &ch[i].st.st_ctim);
            index_time(&e.mtime, &ch[i].st.st_mtim);
            e.dev = (uint32_t)ch[i].st.st_dev;
            e.ino = (uint32_t)ch[i].st.st_ino;
            e.mode = GIT_FILEMODE_BLOB;
            e.uid = (uint32_t)ch[i].st.st_uid;
            e.gid = (uint32_t)ch[i].st.st_gid;
            e.file_size = (uint32_t)ch[i].st.st_size;
            e.id = ch[i].id;
            e.path = ch[i].rel;
            r = git_index_add(idx, &e);
        } else {
            r = git_index_remove(idx, ch[i].rel, 0);
            if (r == GIT_ENOTFOUND)
                r = 0;
        }
        if (r < 0) {
            git_err(err, "cannot update the index");
            return -1;
        }
    }
    return 0;
}

/* Commit every path of `changed` (one per line) when the tree differs from HEAD's. The new
 * tree is HEAD's tree with only these paths replaced (git_tree_create_updated: the blobs of
 * the files just written and the trees on their paths are the only objects written); the
 * index then gets the same entries and is written once, so that it matches HEAD and the
 * working tree. Returns 0 (committed or nothing to commit) or -1; on -1 neither the branch
 * nor the index has changed. */
static int commit_paths(ds_server *s, const char *changed, const char *message, nt_buf *err)
{
    git_index *idx = NULL;
    git_tree *base = NULL, *tree = NULL;
    git_commit *parent = NULL;
    git_signature *sig = NULL;
    git_tree_update *up = NULL;
    change *ch = NULL;
    size_t n = 0;
    git_oid tree_id, commit_id;
    int rc = -1;
    /* the index as on disk (reloaded only when someone else, e.g. a hand commit, wrote it) */
    if (git_repository_index(&idx, s->git) < 0 || git_index_read(idx, 0) < 0) {
        git_err(err, "cannot open the index");
        goto done;
    }
    if (read_changes(s, changed, &ch, &n, err) < 0)
        goto done;
    int unborn = git_repository_head_unborn(s->git);
    if (unborn < 0) {
        git_err(err, "cannot read HEAD");
        goto done;
    }
    if (unborn != 1) {
        git_oid head;
        if (git_reference_name_to_id(&head, s->git, "HEAD") < 0 ||
            git_commit_lookup(&parent, s->git, &head) < 0 || git_commit_tree(&base, parent) < 0) {
            git_err(err, "cannot read HEAD");
            goto done;
        }
    }
    up = nt_xcalloc(n ? n : 1, sizeof(*up));
    size_t nu = 0;
    for (size_t i = 0; i < n; i++) {
        /* a path removed that HEAD does not hold needs no update */
        if (!ch[i].present) {
            git_tree_entry *e = NULL;
            if (!base || git_tree_entry_bypath(&e, base, ch[i].rel) < 0)
                continue;
            git_tree_entry_free(e);
        }
        up[nu].action = ch[i].present ? GIT_TREE_UPDATE_UPSERT : GIT_TREE_UPDATE_REMOVE;
        up[nu].id = ch[i].id;
        up[nu].filemode = GIT_FILEMODE_BLOB;
        up[nu].path = ch[i].rel;
        nu++;
    }
    if (git_tree_create_updated(&tree_id, s->git, base, nu, up) < 0) {
        git_err(err, "cannot write the tree");
        goto done;
    }
    if (parent && git_oid_equal(git_commit_tree_id(parent), &tree_id)) {
        /* nothing changed: no commit; the index still learns the files' new stat data */
        if (index_changes(idx, ch, n, err) < 0 || git_index_write(idx) < 0) {
            if (!err->len)
                git_err(err, "cannot write the index");
            git_index_read(idx, 1);
            goto done;
        }
        rc = 0;
        goto done;
    }
    if (git_tree_lookup(&tree, s->git, &tree_id) < 0 ||
        git_signature_now(&sig, DS_AUTHOR_NAME, DS_AUTHOR_EMAIL) < 0) {
        git_err(err, "cannot prepare the commit");
        goto done;
    }
    const git_commit *parents[1] = {parent};
    if (git_commit_create(&commit_id, s->git, "HEAD", sig, sig, NULL, message, tree, parent ? 1 : 0,
                          parents) < 0) {
        git_err(err, "cannot commit");
        goto done;
    }
    /* committed: from here on the change stands (the branch holds it, so the caller keeps
     * it and answers success); the index follows it. Should that fail, `git status` shows
     * the change as staged until the index is written again: said on stderr. */
    if (index_changes(idx, ch, n, err) < 0 || git_index_write(idx) < 0) {
        if (!err->len)
            git_err(err, "cannot write the index");
        fprintf(stderr, "nautes-devserver: %s committed, but %s\n", message, nt_buf_str(err));
        nt_buf_reset(err);
        git_index_read(idx, 1);
    }
    rc = 0;
done:
    free(up);
    free_changes(ch, n);
    git_signature_free(sig);
    git_tree_free(tree);
    git_tree_free(base);
    git_commit_free(parent);
    git_index_free(idx);
    return rc;
}

/* Put every path of `changed` back as HEAD has it (a file HEAD lacks is removed) and reload
 * the index from disk. */
static void restore_paths(ds_server *s, const char *changed)
{
    git_object *head = NULL;
    git_tree *tree = NULL;
    git_index *idx = NULL;
    if (git_revparse_single(&head, s->git, "HEAD^{tree}") == 0)
        tree = (git_tree *)head;
    for (const char *p = changed; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *rel = nt_xstrndup(p, n);
        nt_buf full = NT_BUF_INIT;
        nt_buf_addf(&full, "%s/%s", s->repo, rel);
        git_tree_entry *e = NULL;
        if (tree && git_tree_entry_bypath(&e, tree, rel) == 0) {
            git_blob *blob = NULL;
            if (git_blob_lookup(&blob, s->git, git_tree_entry_id(e)) == 0) {
                char *slash = strrchr(full.data, '/');
                *slash = 0;
                for (char *q = full.data + strlen(s->repo) + 1; *q; q++)
                    if (*q == '/') {
                        *q = 0;
                        mkdir(full.data, 0755);
                        *q = '/';
                    }
                mkdir(full.data, 0755);
                *slash = '/';
                FILE *f = fopen(nt_buf_str(&full), "wb");
                if (f) {
                    fwrite(git_blob_rawcontent(blob), 1, (size_t)git_blob_rawsize(blob), f);
                    fclose(f);
                }
                git_blob_free(blob);
            }
            git_tree_entry_free(e);
        } else {
            unlink(nt_buf_str(&full));
            /* prune emptied directories */
            char *slash;
            while ((slash = strrchr(full.data, '/')) &&
                   (size_t)(slash - full.data) > strlen(s->repo)) {
                *slash = 0;
                if (rmdir(full.data) < 0)
                    break;
            }
        }
        nt_buf_free(&full);
        free(rel);
        p += n;
        if (*p == '\n')
            p++;
    }
    if (git_repository_index(&idx, s->git) == 0) {
        git_index_read(idx, 1);
        git_index_free(idx);
    }
    git_object_free(head);
}

int ds_store_save(ds_server *s, nt_cluster *stored, nt_buf *err)
{
    nt_buf changed = NT_BUF_INIT, msg = NT_BUF_INIT;
    nt_diag d = NT_DIAG_INIT;
    int rc = -1;
    nt_buf_addf(&msg, "[API] Save_Cluster: %s.", stored->name);
    if (nt_tenant_write_cluster(s->repo, stored, s->gen, s->clusters, &changed, &d) < 0) {
        nt_buf_adds(err, "failed to save config, err: ");
        if (d.n)
            nt_buf_adds(err, d.items[0].msg);
        goto fail;
    }
    if (commit_paths(s, nt_buf_str(&changed), nt_buf_str(&msg), err) < 0)
        goto fail;
    pthread_rwlock_wrlock(&s->state_lock);
    nt_cluster_set_remove(s->clusters, stored->name);
    nt_cluster_set_add(s->clusters, stored, NULL);
    s->version++;
    pthread_rwlock_unlock(&s->state_lock);
    rc = 0;
    goto done;
fail:
    restore_paths(s, nt_buf_str(&changed));
    nt_cluster_free(stored);
done:
    nt_buf_free(&changed);
    nt_buf_free(&msg);
    nt_diag_free(&d);
    return rc;
}

int ds_store_delete(ds_server *s, const char *name, nt_buf *err)
{
    nt_buf changed = NT_BUF_INIT, msg = NT_BUF_INIT;
    nt_diag d = NT_DIAG_INIT;
    int rc = -1;
    const nt_cluster *stored = nt_cluster_set_find(s->clusters, name);
    if (!stored) {
        nt_buf_addf(err, "the cluster resource %s is not found", name);
        goto done;
    }
    nt_buf_addf(&msg, "[API] Delete_Cluster: %s.", name);
    if (nt_tenant_remove_cluster(s->repo, stored, s->gen, s->clusters, &changed, &d) < 0 ||
        commit_paths(s, nt_buf_str(&changed), nt_buf_str(&msg), err) < 0) {
        if (d.n)
            nt_buf_addf(err, "failed to save config, err: %s", d.items[0].msg);
        restore_paths(s, nt_buf_str(&changed));
        goto done;
    }
    pthread_rwlock_wrlock(&s->state_lock);
    nt_cluster_set_remove(s->clusters, name);
    s->version++;
    pthread_rwlock_unlock(&s->state_lock);
    rc = 0;
done:
    nt_buf_free(&changed);
    nt_buf_free(&msg);
    nt_diag_free(&d);
    return rc;
}
