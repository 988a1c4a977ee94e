/* testdata_files.h — the unit tests that check a rule on every input file the project keeps
 * (header-only): each *.yaml of testdata/valid and testdata/invalid that loads into a set. */
#ifndef NT_TESTS_TESTDATA_FILES_H
#define NT_TESTS_TESTDATA_FILES_H

#include "core/load/load.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

/* Call fn(set, ctx) with the set loaded from each such file (freed after the call); returns
 * how many files loaded into a set. A missing directory fails the test. */
static inline size_t fx_each_test_file(void (*fn)(nt_cluster_set *set, void *ctx), void *ctx)
{
    static const char *const dirs[] = {"testdata/valid", "testdata/invalid"};
    size_t files = 0;
    for (size_t k = 0; k < 2; k++) {
        DIR *dir = opendir(dirs[k]);
        assert_non_null(dir);
        struct dirent *de;
        while ((de = readdir(dir))) {
            size_t len = strlen(de->d_name);
            if (len < 5 || strcmp(de->d_name + len - 5, ".yaml"))
                continue;
            char path[512];
            snprintf(path, sizeof(path), "%s/%s", dirs[k], de->d_name);
            const char *paths[] = {path};
            nt_cluster_set *set = NULL;
            nt_diag d = NT_DIAG_INIT;
            nt_load_paths(&set, paths, 1, 0, &d);
            if (set) {
                fn(set, ctx);
                files++;
            }
            nt_cluster_set_free(set);
            nt_diag_free(&d);
        }
        closedir(dir);
    }
    return files;
}

#endif
