/* cluster_fixtures.h — test data and helpers shared by the unit tests that read or write the
 * tenant repository (header-only; each test binary includes it once).
 *
 * NT_FIXTURE_V04_HOST is the v0.4 Cluster file of docs/api-server.md §7.4, byte for byte: the
 * writer must produce it, and the loader and the git source must read it. */
#ifndef NT_TESTS_CLUSTER_FIXTURES_H
#define NT_TESTS_CLUSTER_FIXTURES_H

#include "core/base/buf.h"

#include <stdio.h>
#include <stdlib.h>

static const char NT_FIXTURE_V04_HOST[] = "apiVersion: nautes.resource.nautes.io/v1alpha1\n"
                                          "kind: Cluster\n"
                                          "metadata:\n"
                                          "  creationTimestamp: null\n"
                                          "  name: cluster-host\n"
                                          "  namespace: nautes\n"
                                          "spec:\n"
                                          "  apiServer: https://8.217.50.114:6443\n"
                                          "  clusterKind: kubernetes\n"
                                          "  clusterType: physical\n"
                                          "  componentsList:\n"
                                          "    gateway:\n"
                                          "      additions:\n"
                                          "        httpNodePort: \"30080\"\n"
                                          "        httpsNodePort: \"30443\"\n"
                                          "      name: traefik\n"
                                          "      namespace: traefik\n"
                                          "    oauthProxy:\n"
                                          "      name: oauth2-proxy\n"
                                          "      namespace: oauth2-proxy\n"
                                          "    secretManagement:\n"
                                          "      name: vault\n"
                                          "      namespace: vault\n"
                                          "  primaryDomain: 8.217.50.114.nip.io\n"
                                          "  usage: host\n"
                                          "status:\n"
                                          "  productIDMap: null\n"
                                          "  warnings: null\n";

/* A scratch directory per test (setup/teardown for cmocka) and a file reader below it. */
static char nt_fixture_root[256];

static inline int nt_fixture_setup(void **state)
{
    (void)state;
    snprintf(nt_fixture_root, sizeof(nt_fixture_root), "/tmp/nt-unit-test-XXXXXX");
    return mkdtemp(nt_fixture_root) ? 0 : -1;
}

static inline int nt_fixture_teardown(void **state)
{
    (void)state;
    char cmd[320];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", nt_fixture_root);
    return system(cmd) == 0 ? 0 : -1;
}

/* The contents of nt_fixture_root/rel (malloc'd), or NULL when it cannot be read. */
static inline char *nt_fixture_slurp(const char *rel)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", nt_fixture_root, rel);
    nt_buf b = NT_BUF_INIT;
    if (nt_buf_read_file(&b, path, 0) < 0) {
        nt_buf_free(&b);
        return NULL;
    }
    return nt_buf_detach(&b);
}

#endif
