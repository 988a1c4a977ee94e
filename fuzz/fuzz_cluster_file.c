/* fuzz_cluster_file.c — what the tenant repository holds (anyone who can push to it writes
 * these files): the Cluster resource files through the loader (NT_LOAD_RESOURCE |
 * NT_LOAD_NO_ENV), then the whole repository reader nt_tenant_read over an in-memory tree.
 *
 * Input layout for the tree: the bytes are split at NUL bytes. The first part is the one
 * Cluster file (nautes/overlays/production/clusters/fuzz.yaml); each further read of another
 * path (kustomization, traefik, Argo CD / Tekton ingress, vcluster files) is answered with the
 * next part in turn, or "no such file" when there are no parts left. */
#include "core/load/load.h"
#include "core/model/tenant_layout.h"
#include "core/observe/tenant_read.h"

#include "core/base/alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fuzz_tree {
    const char *data;
    size_t size;
    size_t cursor; /* start of the next part to serve, size when none is left */
} fuzz_tree;

static size_t fuzz_tree_part_end(const fuzz_tree *t, size_t start)
{
    const char *nul = memchr(t->data + start, 0, t->size - start);
    return nul ? (size_t)(nul - t->data) : t->size;
}

static int fuzz_tree_read(void *ctx, const char *path, nt_buf *out, nt_buf *err)
{
    fuzz_tree *t = ctx;
    (void)err;
    if (!strcmp(path, NT_CLUSTERS_DIR "/fuzz.yaml")) {
        nt_buf_add(out, t->data, fuzz_tree_part_end(t, 0));
        return 0;
    }
    if (t->cursor >= t->size)
        return 1;
    size_t end = fuzz_tree_part_end(t, t->cursor);
    nt_buf_add(out, t->data + t->cursor, end - t->cursor);
    t->cursor = end < t->size ? end + 1 : t->size;
    return 0;
}

static int fuzz_tree_list(void *ctx, const char *dir, char ***names, size_t *n, nt_buf *err)
{
    (void)ctx;
    (void)err;
    *names = NULL;
    *n = 0;
    if (strcmp(dir, NT_CLUSTERS_DIR))
        return 1;
    *names = nt_xcalloc(2, sizeof(char *));
    (*names)[0] = nt_xstrdup("fuzz.yaml");
    (*names)[1] = nt_xstrdup("kustomization.yaml");
    *n = 2;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nt_cluster_set *set = nt_cluster_set_new();
    nt_diag diag = NT_DIAG_INIT;
    nt_load_buffer(set, "git:fuzz#main:" NT_CLUSTERS_DIR "/fuzz.yaml", (const char *)data, size,
                   NT_LOAD_RESOURCE | NT_LOAD_NO_ENV, &diag);
    nt_cluster_set_free(set);
    nt_diag_free(&diag);

    fuzz_tree t = {(const char *)data, size, 0};
    size_t first = fuzz_tree_part_end(&t, 0);
    t.cursor = first < size ? first + 1 : size;
    nt_tree_reader r = {&t, fuzz_tree_read, fuzz_tree_list};
    set = NULL;
    nt_tenant_read(&r, "git:fuzz#main", &set, &diag);
    nt_buf out = NT_BUF_INIT;
    nt_diag_format(&diag, &out, false);
    nt_buf_free(&out);
    nt_cluster_set_free(set);
    nt_diag_free(&diag);
    return 0;
}
