/* fuzz_load.c — the desired-state loader (core/load/load.c) on arbitrary bytes: the native format,
 * the Go CLI's `kind: Cluster` documents, `${VAR}` interpolation (FUZZ_* variables are set)
 * and kubeconfig_file resolution relative to the input's name; then the validation rules on
 * whatever was loaded. The loader must never crash, leak, or grow without bound. */
#include "core/load/load.h"
#include "core/load/validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_load_name[256] = "fuzz-desired.yaml";
static char fuzz_load_dir[64];

static void fuzz_load_cleanup(void)
{
    char kc[300];
    snprintf(kc, sizeof(kc), "%s/kc.yaml", fuzz_load_dir);
    unlink(kc);
    rmdir(fuzz_load_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("FUZZ_A", "a-value", 1);
    setenv("FUZZ_EMPTY", "", 1);
    setenv("FUZZ_PORT", "30443", 1);
    setenv("FUZZ_URL", "https://10.0.0.1:6443", 1);
    /* a directory with a kubeconfig beside the input, so kubeconfig_file: kc.yaml resolves */
    if (fuzz_load_dir[0])
        return 0; /* once */
    char dir[] = "/tmp/nautes-fuzz-load-XXXXXX";
    if (mkdtemp(dir)) {
        snprintf(fuzz_load_dir, sizeof(fuzz_load_dir), "%s", dir);
        atexit(fuzz_load_cleanup);
        char kc[300];
        snprintf(kc, sizeof(kc), "%s/kc.yaml", dir);
        FILE *f = fopen(kc, "w");
        if (f) {
            fputs("apiVersion: v1\nkind: Config\nclusters: []\n", f);
            fclose(f);
        }
        snprintf(fuzz_load_name, sizeof(fuzz_load_name), "%s/desired.yaml", dir);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nt_cluster_set *set = nt_cluster_set_new();
    nt_diag diag = NT_DIAG_INIT;
    nt_load_buffer(set, fuzz_load_name, (const char *)data, size, 0, &diag);
    nt_validate_opts o = {.gen = NT_GEN_UNKNOWN, .server = false};
    nt_validate_set(set, &o, &diag);
    nt_buf out = NT_BUF_INIT;
    nt_diag_sort(&diag);
    nt_diag_format(&diag, &out, false);
    nt_buf_free(&out);
    nt_diag_free(&diag);
    nt_cluster_set_free(set);
    return 0;
}
