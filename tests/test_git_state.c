/* test_git_state.c — the tenant configuration repository as a state source.
 *
 * Each test builds a repository with libgit2 in a temporary directory, holding Cluster files
 * as the API Server writes them (docs/api-server.md §7.4), and reads it through nt_git_observe:
 * in place (working tree, bare) and through a file:// URL fetched into a temporary cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/base/alloc.h"
#include "core/base/buf.h"
#include "core/observe/git_state.h"
#include "core/model/tenant_layout.h"
#include "core/observe/tenant_read.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <ftw.h>
#include <git2.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/cluster_fixtures.h"

static const char VIRTUAL_YAML[] = "apiVersion: nautes.resource.nautes.io/v1alpha1\n"
                                   "kind: Cluster\n"
                                   "metadata:\n"
                                   "  creationTimestamp: null\n"
                                   "  name: cluster-virtual\n"
                                   "  namespace: nautes\n"
                                   "spec:\n"
                                   "  apiServer: https://8.217.50.114:31456\n"
                                   "  clusterKind: kubernetes\n"
                                   "  clusterType: virtual\n"
                                   "  componentsList:\n"
                                   "    deployment:\n"
                                   "      additions:\n"
                                   "        host: argocd.cluster-virtual.8.217.50.114.nip.io\n"
                                   "      name: argocd\n"
                                   "      namespace: argocd\n"
                                   "    multiTenant:\n"
                                   "      name: hnc\n"
                                   "      namespace: hnc-system\n"
                                   "  hostCluster: cluster-host\n"
                                   "  primaryDomain: 8.217.50.114.nip.io\n"
                                   "  usage: worker\n"
                                   "  workerType: deployment\n"
                                   "status:\n"
                                   "  productIDMap: null\n"
                                   "  warnings: null\n";

#define CLUSTERS NT_CLUSTERS_DIR "/"

/* ---- fixture: a temporary directory with a repository in it --------------------------- */

typedef struct fx {
    char root[64]; /* the temporary directory */
    nt_buf work;   /* root/work: the working tree */
    nt_buf cache;  /* root/cache: XDG_CACHE_HOME */
    nt_buf url;    /* file://root/work */
    git_repository *repo;
    nt_diag diag;
} fx;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void write_file(fx *f, const char *rel, const char *text)
{
    nt_buf p = NT_BUF_INIT;
    nt_buf_addf(&p, "%s/%s", nt_buf_str(&f->work), rel);
    for (char *s = p.data + strlen(f->root) + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            mkdir(p.data, 0755);
            *s = '/';
        }
    }
    FILE *fp = fopen(nt_buf_str(&p), "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    nt_buf_free(&p);
}

static void remove_file(fx *f, const char *rel)
{
    nt_buf p = NT_BUF_INIT;
    nt_buf_addf(&p, "%s/%s", nt_buf_str(&f->work), rel);
    unlink(nt_buf_str(&p));
    nt_buf_free(&p);
}

/* Stage everything in the working tree (additions and removals) and commit on HEAD. */
static git_oid commit_all(fx *f, const char *msg)
{
    git_index *idx = NULL;
    git_oid tree_id, commit_id;
    git_tree *tree = NULL;
    git_signature *sig = NULL;
    git_object *parent = NULL;
    char *all[] = {"*"};
    git_strarray spec = {all, 1};
    assert_int_equal(git_repository_index(&idx, f->repo), 0);
    assert_int_equal(git_index_add_all(idx, &spec, 0, NULL, NULL), 0);
    assert_int_equal(git_index_update_all(idx, &spec, NULL, NULL), 0);
    assert_int_equal(git_index_write(idx), 0);
    assert_int_equal(git_index_write_tree(&tree_id, idx), 0);
    assert_int_equal(git_tree_lookup(&tree, f->repo, &tree_id), 0);
    assert_int_equal(git_signature_now(&sig, "test", "test@example.com"), 0);
    int has_parent = git_revparse_single(&parent, f->repo, "HEAD") == 0;
    const git_commit *parents[1] = {(const git_commit *)parent};
    assert_int_equal(git_commit_create(&commit_id, f->repo, "HEAD", sig, sig, NULL, msg, tree,
                                       has_parent ? 1 : 0, parents),
                     0);
    git_object_free(parent);
    git_signature_free(sig);
    git_tree_free(tree);
    git_index_free(idx);
    return commit_id;
}

static void tag(fx *f, const char *name, const git_oid *id)
{
    git_object *obj = NULL;
    git_oid out;
    assert_int_equal(git_object_lookup(&obj, f->repo, id, GIT_OBJECT_COMMIT), 0);
    assert_int_equal(git_tag_create_lightweight(&out, f->repo, name, obj, 0), 0);
    git_object_free(obj);
}

static void branch(fx *f, const char *name, const git_oid *id)
{
    git_commit *c = NULL;
    git_reference *ref = NULL;
    assert_int_equal(git_commit_lookup(&c, f->repo, id), 0);
    assert_int_equal(git_branch_create(&ref, f->repo, name, c, 0), 0);
    git_reference_free(ref);
    git_commit_free(c);
}

static int setup_branch(void **state, const char *initial_head)
{
    fx *f = nt_xcalloc(1, sizeof(*f));
    strcpy(f->root, "/tmp/nautes-git-test.XXXXXX");
    assert_non_null(mkdtemp(f->root));
    nt_buf_addf(&f->work, "%s/work", f->root);
    nt_buf_addf(&f->cache, "%s/cache", f->root);
    nt_buf_addf(&f->url, "file://%s/work", f->root);
    setenv("XDG_CACHE_HOME", nt_buf_str(&f->cache), 1);
    git_libgit2_init();
    git_repository_init_options o;
    git_repository_init_options_init(&o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
    o.flags = GIT_REPOSITORY_INIT_MKPATH;
    o.initial_head = initial_head;
    assert_int_equal(git_repository_init_ext(&f->repo, nt_buf_str(&f->work), &o), 0);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_branch(state, "main");
}

static int teardown(void **state)
{
    fx *f = *state;
    git_repository_free(f->repo);
    git_libgit2_shutdown();
    nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    nt_buf_free(&f->work);
    nt_buf_free(&f->cache);
    nt_buf_free(&f->url);
    nt_diag_free(&f->diag);
    free(f);
    unsetenv("XDG_CACHE_HOME");
    return 0;
}

/* The tenant repository after saving a host, then a virtual cluster: two commits. */
static void two_commits(fx *f, git_oid *first, git_oid *second)
{
    write_file(f, CLUSTERS "cluster-host.yaml", NT_FIXTURE_V04_HOST);
    write_file(f, CLUSTERS "kustomization.yaml", "resources:\n- cluster-host.yaml\n");
    write_file(f, "tenant/production/host-cluster-appset.yaml", "kind: ApplicationSet\n");
    git_oid a = commit_all(f, "[API] Save_Cluster: cluster-host.");
    write_file(f, CLUSTERS "cluster-virtual.yaml", VIRTUAL_YAML);
    write_file(f, CLUSTERS "kustomization.yaml",
               "resources:\n- cluster-host.yaml\n- cluster-virtual.yaml\n");
    git_oid b = commit_all(f, "[API] Save_Cluster: cluster-virtual.");
    if (first)
        *first = a;
    if (second)
        *second = b;
}

static nt_cluster_set *observe_ok(fx *f, const char *spec, const nt_http_config *cfg)
{
    nt_cluster_set *set = NULL;
    int rc = nt_git_observe(spec, cfg, &set, &f->diag);
    if (rc != 0) {
        nt_buf b = NT_BUF_INIT;
        nt_diag_format(&f->diag, &b, false);
        print_error("%s: %s", spec, nt_buf_str(&b));
        nt_buf_free(&b);
    }
    assert_int_equal(rc, 0);
    assert_non_null(set);
    assert_false(nt_diag_has_errors(&f->diag));
    return set;
}

/* The one error message of a failed observe. */
static const char *observe_err(fx *f, const char *spec, const nt_http_config *cfg)
{
    nt_cluster_set *set = NULL;
    nt_diag_free(&f->diag);
    assert_int_equal(nt_git_observe(spec, cfg, &set, &f->diag), -1);
    assert_null(set);
    assert_true(nt_diag_has_errors(&f->diag));
    return f->diag.items[0].msg;
}

static void assert_names(const nt_cluster_set *set, const char *a, const char *b)
{
    assert_int_equal(set->n, b ? 2 : 1);
    assert_non_null(nt_cluster_set_find(set, a));
    if (b)
        assert_non_null(nt_cluster_set_find(set, b));
}

static void assert_prefix(const char *s, const char *prefix)
{
    if (strncmp(s, prefix, strlen(prefix)))
        fail_msg("'%s' does not start with '%s'", s, prefix);
}

static void assert_has(const char *s, const char *needle)
{
    if (!strstr(s, needle))
        fail_msg("'%s' does not contain '%s'", s, needle);
}

/* ---- in place ------------------------------------------------------------------------- */

static void test_a_working_tree_is_read_in_place_at_its_main_branch(void **state)
{
    fx *f = *state;
    git_oid second;
    two_commits(f, NULL, &second);
    nt_cluster_set *set = observe_ok(f, nt_buf_str(&f->work), NULL);
    assert_names(set, "cluster-host", "cluster-virtual");
    const nt_cluster *v = nt_cluster_set_find(set, "cluster-virtual");
    assert_string_equal(nt_cluster_get(v, NT_F_HOST_CLUSTER), "cluster-host");
    assert_string_equal(nt_cluster_get(v, NT_F_WORKER_TYPE), "deployment");
    char shortid[8];
    git_oid_tostr(shortid, sizeof(shortid), &second);
    nt_buf want = NT_BUF_INIT;
    nt_buf_addf(&want, "git:%s#main@%s", nt_buf_str(&f->work), shortid);
    assert_string_equal(set->source, nt_buf_str(&want));
    nt_buf_free(&want);
    /* nothing was cached for a local path */
    assert_int_equal(access(nt_buf_str(&f->cache), F_OK), -1);
    nt_cluster_set_free(set);
}

static void test_the_committed_tree_is_read_not_the_working_files(void **state)
{
    fx *f = *state;
    two_commits(f, NULL, NULL);
    remove_file(f, CLUSTERS "cluster-virtual.yaml"); /* not committed */
    nt_cluster_set *set = observe_ok(f, nt_buf_str(&f->work), NULL);
    assert_names(set, "cluster-host", "cluster-virtual");
    nt_cluster_set_free(set);
}

static void test_a_bare_repository_is_read_in_place(void **state)
{
    fx *f = *state;
    two_commits(f, NULL, NULL);
    nt_buf bare = NT_BUF_INIT;
    nt_buf_addf(&bare, "%s/bare.git", f->root);
    nt_buf cmd = NT_BUF_INIT;
    nt_buf_addf(&cmd, "git clone -q --bare '%s' '%s'", nt_buf_str(&f->work), nt_buf_str(&bare));
    assert_int_equal(system(nt_buf_str(&cmd)), 0);
    nt_buf_free(&cmd);
    nt_cluster_set *set = observe_ok(f, nt_buf_str(&bare), NULL);
    assert_names(set, "cluster-host", "cluster-virtual");
    nt_cluster_set_free(set);
    nt_buf_free(&bare);
}

static void test_without_main_a_local_repository_is_read_at_head(void **state)
{
    fx *f = *state;
    teardown(state);
    setup_branch(state, "master");
    f = *state;
    two_commits(f, NULL, NULL);
    nt_cluster_set *set = observe_ok(f, nt_buf_str(&f->work), NULL);
    assert_names(set, "cluster-host", "cluster-virtual");
    assert_has(set->source, "#HEAD@");
    nt_cluster_set_free(set);
}

/* ---- REF ------------------------------------------------------------------------------ */

static void test_ref_may_be_a_branch_a_tag_or_a_commit(void **state)
{
    fx *f = *state;
    git_oid first;
    two_commits(f, &first, NULL);
    tag(f, "v1", &first);
    branch(f, "before-virtual", &first);
    char hex[GIT_OID_HEXSZ + 1], prefix[8];
    git_oid_tostr(hex, sizeof(hex), &first);
    git_oid_tostr(prefix, sizeof(prefix), &first);
    const char *refs[] = {"before-virtual", "v1", hex, prefix};
    for (size_t i = 0; i < 4; i++) {
        for (int url = 0; url < 2; url++) {
            nt_buf spec = NT_BUF_INIT;
            nt_buf_addf(&spec, "%s#%s", url ? nt_buf_str(&f->url) : nt_buf_str(&f->work), refs[i]);
            nt_cluster_set *set = observe_ok(f, nt_buf_str(&spec), NULL);
            assert_names(set, "cluster-host", NULL);
            nt_buf want = NT_BUF_INIT;
            nt_buf_addf(&want, "git:%s@%s", nt_buf_str(&spec), prefix);
            assert_string_equal(set->source, nt_buf_str(&want));
            nt_buf_free(&want);
            nt_cluster_set_free(set);
            nt_buf_free(&spec);
        }
    }
}

static void test_a_missing_ref_is_a_clear_error(void **state)
{
    fx *f = *state;
    two_commits(f, NULL, NULL);
    nt_buf spec = NT_BUF_INIT, want = NT_BUF_INIT;
    nt_buf_addf(&spec, "%s#no-such-branch", nt_buf_str(&f->work));
    nt_buf_addf(&want, "no branch, tag or commit 'no-such-branch' in %s", nt_buf_str(&f->work));
    assert_string_equal(observe_err(f, nt_buf_str(&spec), NULL), nt_buf_str(&want));
    nt_buf_reset(&spec);
    nt_buf_reset(&want);
    nt_buf_addf(&spec, "%s#no-such-branch", nt_buf_str(&f->url));
    nt_buf_addf(&want, "no branch, tag or commit 'no-such-branch' in %s", nt_buf_str(&f->url));
    assert_string_equal(observe_err(f, nt_buf_str(&spec), NULL), nt_buf_str(&want));
    nt_buf_free(&spec);
    nt_buf_free(&want);
}

/* ---- what is not the tenant repository ------------------------------------------------ */

static void test_a_repository_without_the_clusters_directory_is_a_fresh_tenant(void **state)
{
    fx *f = *state;
    write_file(f, "README.md", "a tenant without clusters yet\n");
    git_oid id = commit_all(f, "init");
    char shortid[8];
    git_oid_tostr(shortid, sizeof(shortid), &id);
    nt_buf want = NT_BUF_INIT;
    nt_buf_addf(&want,
                "no nautes/overlays/production/clusters directory at main (%s) in %s: a tenant "
                "without clusters yet, read as an empty list",
                shortid, nt_buf_str(&f->work));
    nt_cluster_set *set = observe_ok(f, nt_buf_str(&f->work), NULL);
    assert_int_equal(set->n, 0);
    assert_int_equal(f->diag.n, 1);
    assert_int_equal(f->diag.items[0].sev, NT_SEV_NOTE);
    assert_string_equal(f->diag.items[0].msg, nt_buf_str(&want));
    nt_cluster_set_free(set);
    /* the same through a URL (fetched into the cache) */
    nt_diag_free(&f->diag);
    set = observe_ok(f, nt_buf_str(&f->url), NULL);
    assert_int_equal(set->n, 0);
    assert_int_equal(f->diag.items[0].sev, NT_SEV_NOTE);
    nt_cluster_set_free(set);
    nt_buf_free(&want);
}

static void test_a_clusters_path_that_is_a_file_is_a_clear_error(void **state)
{
    fx *f = *state;
    write_file(f, NT_CLUSTERS_DIR, "not a directory\n");
    git_oid id = commit_all(f, "init");
    char shortid[8];
    git_oid_tostr(shortid, sizeof(shortid), &id);
    nt_buf want = NT_BUF_INIT;
    nt_buf_addf(&want,
                "nautes/overlays/production/clusters at main (%s) in %s is not a directory: is "
                "this the tenant configuration repository?",
                shortid, nt_buf_str(&f->work));
    assert_string_equal(observe_err(f, nt_buf_str(&f->work), NULL), nt_buf_str(&want));
    nt_buf_free(&want);
}

static void test_a_path_that_is_not_a_repository_is_a_clear_error(void **state)
{
    fx *f = *state;
    nt_buf want = NT_BUF_INIT;
    nt_buf_addf(&want, "%s is not a git repository", f->root);
    assert_prefix(observe_err(f, f->root, NULL), nt_buf_str(&want));
    nt_buf_reset(&want);
    nt_buf_addf(&want, "no such repository %s/nowhere", f->root);
    nt_buf path = NT_BUF_INIT;
    nt_buf_addf(&path, "%s/nowhere", f->root);
    assert_prefix(observe_err(f, nt_buf_str(&path), NULL), nt_buf_str(&want));
    nt_buf_free(&path);
    nt_buf_free(&want);
}

static void test_a_corrupt_cluster_file_is_reported_at_its_position(void **state)
{
    fx *f = *state;
    two_commits(f, NULL, NULL);
    write_file(f, CLUSTERS "cluster-bad.yaml",
               "apiVersion: nautes.resource.nautes.io/v1alpha1\n"
               "kind: Cluster\n"
               "metadata:\n"
               "  name: cluster-bad\n"
               "spec:\n"
               "  apiServer: [unclosed\n");
    git_oid id = commit_all(f, "corrupt");
    char shortid[8];
    git_oid_tostr(shortid, sizeof(shortid), &id);
    observe_err(f, nt_buf_str(&f->work), NULL);
    nt_buf want = NT_BUF_INIT;
    nt_buf_addf(&want, "git:%s#main@%s", nt_buf_str(&f->work), shortid);
    const nt_diag_item *it = &f->diag.items[0];
    assert_non_null(it->file);
    assert_prefix(it->file, nt_buf_str(&want));
    assert_has(it->file, "cluster-bad.yaml");
    assert_true(it->line >= 6);
    nt_buf_free(&want);
}

/* ---- URLs and the cache --------------------------------------------------------------- */

static void count_token(const char *dir, const char *token, int *hits, int *files)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        nt_buf p = NT_BUF_INIT;
        nt_buf_addf(&p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(nt_buf_str(&p), &st) == 0 && S_ISDIR(st.st_mode)) {
            count_token(nt_buf_str(&p), token, hits, files);
        } else if (S_ISREG(st.st_mode)) {
            FILE *fp = fopen(nt_buf_str(&p), "rb");
            nt_buf data = NT_BUF_INIT;
            char chunk[4096];
            size_t n;
            while (fp && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
                nt_buf_add(&data, chunk, n);
            if (fp)
                fclose(fp);
            (*files)++;
            if (data.len && memmem(data.data, data.len, token, strlen(token)))
                (*hits)++;
            nt_buf_free(&data);
        }
        nt_buf_free(&p);
    }
    closedir(d);
}

static void test_a_file_url_is_fetched_into_a_private_cache_then_refetched(void **state)
{
    fx *f = *state;
    git_oid first, second;
    two_commits(f, &first, &second);
    nt_http_config cfg = {0};
    cfg.token = "glpat-never-written-anywhere";
    nt_cluster_set *set = observe_ok(f, nt_buf_str(&f->url), &cfg);
    assert_names(set, "cluster-host", "cluster-virtual");
    nt_cluster_set_free(set);

    /* $XDG_CACHE_HOME/nautes/<sha256 of the URL>, 0700, a bare repository */
    char hex[65];
    nt_sha256_hex(f->url.data, f->url.len, hex);
    nt_buf dir = NT_BUF_INIT;
    nt_buf_addf(&dir, "%s/nautes/%s", nt_buf_str(&f->cache), hex);
    struct stat st;
    assert_int_equal(stat(nt_buf_str(&dir), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    nt_buf_reset(&dir);
    nt_buf_addf(&dir, "%s/nautes", nt_buf_str(&f->cache));
    assert_int_equal(stat(nt_buf_str(&dir), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);

    /* a new commit upstream is fetched into the existing cache */
    remove_file(f, CLUSTERS "cluster-virtual.yaml");
    write_file(f, CLUSTERS "kustomization.yaml", "resources:\n- cluster-host.yaml\n");
    commit_all(f, "[API] Delete_Cluster: cluster-virtual.");
    set = observe_ok(f, nt_buf_str(&f->url), &cfg);
    assert_names(set, "cluster-host", NULL);
    nt_cluster_set_free(set);

    /* the token is in no file of the cache (config, refs, packs, logs) */
    int hits = 0, files = 0;
    count_token(nt_buf_str(&f->cache), cfg.token, &hits, &files);
    assert_true(files > 3);
    assert_int_equal(hits, 0);
    /* nor is the URL: the remote is anonymous */
    nt_buf_reset(&dir);
    nt_buf_addf(&dir, "%s/nautes/%s/config", nt_buf_str(&f->cache), hex);
    hits = files = 0;
    count_token(nt_buf_str(&f->cache), nt_buf_str(&f->work), &hits, &files);
    assert_int_equal(hits, 0);
    nt_buf_free(&dir);
}

/* Overwrite 4 bytes inside every object of the repository at `gitdir` (packed and loose), so
 * that none can be inflated. */
static void damage_objects(const char *gitdir)
{
    nt_buf cmd = NT_BUF_INIT;
    nt_buf_addf(&cmd,
                "cd '%s/objects' && chmod -R u+w . && "
                "for p in pack/*.pack; do [ -f \"$p\" ] || continue; "
                "for off in $(git show-index <\"${p%%.pack}.idx\" | cut -d' ' -f1); do "
                "printf ZZZZ | dd of=\"$p\" bs=1 seek=$((off + 6)) conv=notrunc 2>/dev/null; "
                "done; done; "
                "for o in [0-9a-f][0-9a-f]/*; do [ -f \"$o\" ] || continue; "
                "printf ZZZZ | dd of=\"$o\" bs=1 seek=4 conv=notrunc 2>/dev/null; done",
                gitdir);
    assert_int_equal(system(nt_buf_str(&cmd)), 0);
    nt_buf_free(&cmd);
}

static void test_a_damaged_cache_is_fetched_again_once(void **state)
{
    fx *f = *state;
    two_commits(f, NULL, NULL);
    nt_cluster_set *set = observe_ok(f, nt_buf_str(&f->url), NULL);
    nt_cluster_set_free(set);
    char hex[65];
    nt_sha256_hex(f->url.data, f->url.len, hex);
    nt_buf dir = NT_BUF_INIT, want = NT_BUF_INIT, gitdir = NT_BUF_INIT;
    nt_buf_addf(&dir, "%s/nautes/%s", nt_buf_str(&f->cache), hex);
    damage_objects(nt_buf_str(&dir));

    /* the run goes on from a fresh clone, and says so in a note naming the cache */
    nt_diag_free(&f->diag);
    set = observe_ok(f, nt_buf_str(&f->url), NULL);
    assert_names(set, "cluster-host", "cluster-virtual");
    nt_cluster_set_free(set);
    assert_int_equal(f->diag.n, 1);
    assert_int_equal(f->diag.items[0].sev, NT_SEV_NOTE);
    nt_buf_addf(&want, "the cached clone %s is damaged (", nt_buf_str(&dir));
    assert_prefix(f->diag.items[0].msg, nt_buf_str(&want));
    nt_buf_reset(&want);
    nt_buf_addf(&want, "): removed it and fetched %s again", nt_buf_str(&f->url));
    assert_has(f->diag.items[0].msg, nt_buf_str(&want));
    /* the next run is quiet */
    nt_diag_free(&f->diag);
    set = observe_ok(f, nt_buf_str(&f->url), NULL);
    nt_cluster_set_free(set);
    assert_int_equal(f->diag.n, 0);

    /* the repository itself damaged too: the fresh clone fails alike, and the error says
     * how to delete the cache */
    damage_objects(nt_buf_str(&dir));
    nt_buf_addf(&gitdir, "%s/.git", nt_buf_str(&f->work));
    damage_objects(nt_buf_str(&gitdir));
    nt_diag_free(&f->diag);
    assert_int_equal(nt_git_observe(nt_buf_str(&f->url), NULL, &set, &f->diag), -1);
    assert_null(set);
    nt_buf b = NT_BUF_INIT;
    nt_diag_format(&f->diag, &b, false);
    nt_buf_reset(&want);
    nt_buf_addf(&want, "note: the cached clone %s is damaged", nt_buf_str(&dir));
    assert_has(nt_buf_str(&b), nt_buf_str(&want));
    nt_buf_reset(&want);
    nt_buf_addf(&want,
                "error: fetching afresh did not help: delete the cache (rm -rf %s) and run "
                "again; if it fails again, the repository itself is damaged",
                nt_buf_str(&dir));
    assert_has(nt_buf_str(&b), nt_buf_str(&want));
    nt_buf_free(&b);
    nt_buf_free(&dir);
    nt_buf_free(&want);
    nt_buf_free(&gitdir);
}

static void test_a_url_without_main_is_read_at_its_default_branch(void **state)
{
    fx *f = *state;
    teardown(state);
    setup_branch(state, "trunk");
    f = *state;
    two_commits(f, NULL, NULL);
    nt_cluster_set *set = observe_ok(f, nt_buf_str(&f->url), NULL);
    assert_names(set, "cluster-host", "cluster-virtual");
    assert_has(set->source, "#trunk@");
    nt_cluster_set_free(set);
}

static void test_a_deleted_branch_is_gone_from_the_cache(void **state)
{
    fx *f = *state;
    git_oid first;
    two_commits(f, &first, NULL);
    branch(f, "old", &first);
    nt_buf spec = NT_BUF_INIT;
    nt_buf_addf(&spec, "%s#old", nt_buf_str(&f->url));
    nt_cluster_set_free(observe_ok(f, nt_buf_str(&spec), NULL));
    git_reference *ref = NULL;
    assert_int_equal(git_reference_lookup(&ref, f->repo, "refs/heads/old"), 0);
    assert_int_equal(git_reference_delete(ref), 0);
    git_reference_free(ref);
    assert_prefix(observe_err(f, nt_buf_str(&spec), NULL), "no branch, tag or commit 'old'");
    nt_buf_free(&spec);
}

static void test_an_unreachable_url_is_a_clear_error(void **state)
{
    fx *f = *state;
    assert_prefix(observe_err(f, "file:///nonexistent/tenant.git", NULL),
                  "cannot reach file:///nonexistent/tenant.git: ");
}

static void test_a_password_in_the_url_and_the_token_never_appear_in_errors(void **state)
{
    fx *f = *state;
    nt_http_config cfg = {0};
    cfg.token = "glpat-secret-token";
    /* port 1 on loopback: refused at once */
    const char *msg =
        observe_err(f, "https://oauth2:glpat-secret-token@127.0.0.1:1/tenant.git", &cfg);
    assert_prefix(msg, "cannot reach https://oauth2:[REDACTED]@127.0.0.1:1/tenant.git: ");
    assert_null(strstr(msg, "secret"));
    msg = observe_err(f, "http://someone:hunter2@127.0.0.1:1/tenant.git", &cfg);
    assert_prefix(msg, "cannot reach http://someone:[REDACTED]@127.0.0.1:1/tenant.git: ");
    assert_null(strstr(msg, "hunter2"));
    /* a token as the user name, or in the query: every form */
    msg = observe_err(f, "https://glpat-AbC123xyz@127.0.0.1:1/tenant.git", NULL);
    assert_prefix(msg, "cannot reach https://[REDACTED]@127.0.0.1:1/tenant.git: ");
    assert_null(strstr(msg, "AbC123"));
    msg = observe_err(f, "https://127.0.0.1:1/tenant.git?private_token=glpat-AbC123xyz", NULL);
    assert_prefix(msg, "cannot reach https://127.0.0.1:1/tenant.git?private_token=[REDACTED]: ");
    assert_null(strstr(msg, "AbC123"));
    msg = observe_err(f, "https://127.0.0.1:1/t.git?ref=x&access_token=Zz9#main", NULL);
    assert_null(strstr(msg, "Zz9"));
}

/* A one-thread HTTP server that answers every request 401 (Basic) and records the
 * Authorization headers it was sent: what libgit2's credential callback gave. With
 * redirect_port it answers 302 to the same path on that loopback port instead (after a first
 * 401 when challenge_first: then the redirect follows a request that carried the token). */
typedef struct auth_server {
    int fd;
    int port;
    int redirect_port;
    bool challenge_first;
    char auth[4][256];
    int n_auth;
    int n_requests;
} auth_server;

static void *auth_serve(void *arg)
{
    auth_server *a = arg;
    for (int i = 0; i < 4; i++) {
        int c = accept(a->fd, NULL, NULL);
        if (c < 0)
            break;
        char req[8192];
        size_t n = 0;
        ssize_t r;
        while (n < sizeof(req) - 1 && (r = recv(c, req + n, sizeof(req) - 1 - n, 0)) > 0) {
            n += (size_t)r;
            req[n] = '\0';
            if (strstr(req, "\r\n\r\n"))
                break;
        }
        req[n] = '\0';
        a->n_requests++;
        const char *h = strstr(req, "Authorization: ");
        if (h && a->n_auth < 4) {
            h += strlen("Authorization: ");
            size_t len = strcspn(h, "\r\n");
            snprintf(a->auth[a->n_auth++], sizeof(a->auth[0]), "%.*s", (int)len, h);
        }
        char resp[1024];
        const char *path = strchr(req, ' ');
        int plen = path ? (int)strcspn(path + 1, " ") : 0;
        if (a->redirect_port && !(a->challenge_first && !h))
            snprintf(resp, sizeof(resp),
                     "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:%d%.*s\r\n"
                     "Content-Length: 0\r\nConnection: close\r\n\r\n",
                     a->redirect_port, plen, path ? path + 1 : "/");
        else
            snprintf(resp, sizeof(resp),
                     "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"t\"\r\n"
                     "Content-Length: 0\r\nConnection: close\r\n\r\n");
        send(c, resp, strlen(resp), MSG_NOSIGNAL);
        close(c);
    }
    return NULL;
}

static void auth_start_redirect(auth_server *a, pthread_t *t, int redirect_port,
                                bool challenge_first)
{
    memset(a, 0, sizeof(*a));
    a->redirect_port = redirect_port;
    a->challenge_first = challenge_first;
    a->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(a->fd >= 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(a->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(a->fd, 4), 0);
    socklen_t len = sizeof(sa);
    assert_int_equal(getsockname(a->fd, (struct sockaddr *)&sa, &len), 0);
    a->port = ntohs(sa.sin_port);
    assert_int_equal(pthread_create(t, NULL, auth_serve, a), 0);
}

static void auth_start(auth_server *a, pthread_t *t)
{
    auth_start_redirect(a, t, 0, false);
}

static void auth_stop(auth_server *a, pthread_t t)
{
    shutdown(a->fd, SHUT_RDWR);
    close(a->fd);
    pthread_join(t, NULL);
}

static void test_the_token_is_sent_as_the_password_of_user_oauth2(void **state)
{
    fx *f = *state;
    auth_server a;
    pthread_t t;
    auth_start(&a, &t);
    nt_http_config cfg = {0};
    cfg.token = "glpat-test-token";
    nt_buf url = NT_BUF_INIT;
    nt_buf_addf(&url, "http://127.0.0.1:%d/tenant/config.git", a.port);
    const char *msg = observe_err(f, nt_buf_str(&url), &cfg);
    /* one attempt with the token, then a clear refusal (no loop asking again) */
    assert_int_equal(a.n_auth, 1);
    assert_string_equal(a.auth[0], "Basic b2F1dGgyOmdscGF0LXRlc3QtdG9rZW4="); /* oauth2:token */
    nt_buf want = NT_BUF_INIT;
    nt_buf_addf(&want,
                "%s refused the access token (expired, revoked, or without read_repository on "
                "this project)",
                nt_buf_str(&url));
    assert_string_equal(msg, nt_buf_str(&want));
    assert_null(strstr(msg, "glpat"));
    auth_stop(&a, t);
    nt_buf_free(&want);
    nt_buf_free(&url);
}

static void test_a_user_named_in_the_url_gets_the_token(void **state)
{
    fx *f = *state;
    auth_server a;
    pthread_t t;
    auth_start(&a, &t);
    nt_http_config cfg = {0};
    cfg.token = "glpat-test-token";
    nt_buf url = NT_BUF_INIT;
    nt_buf_addf(&url, "http://someone@127.0.0.1:%d/tenant/config.git", a.port);
    observe_err(f, nt_buf_str(&url), &cfg);
    /* libgit2 first tries the URL's own credentials ("someone:"), then asks the callback */
    assert_true(a.n_auth >= 1 && a.n_auth <= 2);
    assert_string_equal(a.auth[a.n_auth - 1],
                        "Basic c29tZW9uZTpnbHBhdC10ZXN0LXRva2Vu"); /* someone:token */
    auth_stop(&a, t);
    nt_buf_free(&url);
}

/* A redirect to another origin (here another loopback port) must not carry the token: the
 * credential callback refuses it, whether the redirect comes first or after the token was
 * sent to the host the user named. */
static void test_the_token_never_follows_a_redirect_to_another_host(void **state)
{
    fx *f = *state;
    for (int challenge_first = 0; challenge_first < 2; challenge_first++) {
        auth_server b, a;
        pthread_t tb, ta;
        auth_start(&b, &tb);
        auth_start_redirect(&a, &ta, b.port, challenge_first);
        nt_http_config cfg = {0};
        cfg.token = "glpat-test-token";
        nt_buf url = NT_BUF_INIT, want = NT_BUF_INIT;
        nt_buf_addf(&url, "http://127.0.0.1:%d/tenant/config.git", a.port);
        nt_buf_addf(&want,
                    "%s redirected to http://127.0.0.1:%d, which asks for credentials: nautes "
                    "gives the token only to http://127.0.0.1:%d",
                    nt_buf_str(&url), b.port, a.port);
        const char *msg = observe_err(f, nt_buf_str(&url), &cfg);
        assert_true(b.n_requests >= 1); /* the redirect was followed ... */
        assert_int_equal(b.n_auth, 0);  /* ... without the token */
        assert_prefix(msg, nt_buf_str(&want));
        assert_null(strstr(msg, "glpat"));
        assert_int_equal(a.n_auth, challenge_first ? 1 : 0);
        auth_stop(&a, ta);
        auth_stop(&b, tb);
        nt_buf_free(&url);
        nt_buf_free(&want);
    }
}

static void test_without_a_token_authentication_is_a_clear_error(void **state)
{
    fx *f = *state;
    auth_server a;
    pthread_t t;
    auth_start(&a, &t);
    nt_buf url = NT_BUF_INIT, want = NT_BUF_INIT;
    nt_buf_addf(&url, "http://127.0.0.1:%d/tenant/config.git", a.port);
    nt_buf_addf(&want,
                "%s needs authentication: set NAUTES_TOKEN or --token-file to a GitLab access "
                "token with read_repository",
                nt_buf_str(&url));
    assert_string_equal(observe_err(f, nt_buf_str(&url), NULL), nt_buf_str(&want));
    assert_int_equal(a.n_auth, 0);
    auth_stop(&a, t);
    nt_buf_free(&url);
    nt_buf_free(&want);
}

static void test_an_empty_spec_is_a_usage_error(void **state)
{
    fx *f = *state;
    assert_has(observe_err(f, "", NULL), "git:PATH_OR_URL[#REF]");
    assert_has(observe_err(f, "#main", NULL), "git:PATH_OR_URL[#REF]");
}

/* ---- the reader over a commit, seen through nt_tenant_read's eyes --------------------- */

static void test_thousands_of_cluster_files_are_read(void **state)
{
    fx *f = *state;
    nt_buf kust = NT_BUF_INIT;
    nt_buf_adds(&kust, "resources:\n");
    for (int i = 0; i < 300; i++) {
        nt_buf name = NT_BUF_INIT, text = NT_BUF_INIT;
        nt_buf_addf(&name, CLUSTERS "host-%03d.yaml", i);
        const char *at = strstr(NT_FIXTURE_V04_HOST, "name: cluster-host");
        nt_buf_add(&text, NT_FIXTURE_V04_HOST, (size_t)(at - NT_FIXTURE_V04_HOST));
        nt_buf_addf(&text, "name: host-%03d", i);
        nt_buf_adds(&text, at + strlen("name: cluster-host"));
        write_file(f, nt_buf_str(&name), nt_buf_str(&text));
        nt_buf_addf(&kust, "- host-%03d.yaml\n", i);
        nt_buf_free(&name);
        nt_buf_free(&text);
    }
    write_file(f, CLUSTERS "kustomization.yaml", nt_buf_str(&kust));
    nt_buf_free(&kust);
    commit_all(f, "many");
    nt_cluster_set *set = observe_ok(f, nt_buf_str(&f->work), NULL);
    assert_int_equal(set->n, 300);
    assert_non_null(nt_cluster_set_find(set, "host-299"));
    nt_cluster_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_working_tree_is_read_in_place_at_its_main_branch,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_committed_tree_is_read_not_the_working_files,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_bare_repository_is_read_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_main_a_local_repository_is_read_at_head, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ref_may_be_a_branch_a_tag_or_a_commit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_missing_ref_is_a_clear_error, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_repository_without_the_clusters_directory_is_a_fresh_tenant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_clusters_path_that_is_a_file_is_a_clear_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_path_that_is_not_a_repository_is_a_clear_error,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_corrupt_cluster_file_is_reported_at_its_position,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_file_url_is_fetched_into_a_private_cache_then_refetched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_damaged_cache_is_fetched_again_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_a_url_without_main_is_read_at_its_default_branch,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_deleted_branch_is_gone_from_the_cache, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_unreachable_url_is_a_clear_error, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_password_in_the_url_and_the_token_never_appear_in_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_token_is_sent_as_the_password_of_user_oauth2,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_user_named_in_the_url_gets_the_token, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_the_token_never_follows_a_redirect_to_another_host,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_a_token_authentication_is_a_clear_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_an_empty_spec_is_a_usage_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_thousands_of_cluster_files_are_read, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
