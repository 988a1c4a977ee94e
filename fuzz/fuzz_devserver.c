/* fuzz_devserver.c — the local API server's request handling (cmd/nautes-devserver), through
 * ds_handle: the function the libmicrohttpd callback calls with the method, path, query,
 * Authorization, Content-Type and body it received. Routing, path cleaning, authentication,
 * the protojson-like body reader, the server-side rules and the tenant repository writes all
 * run as they do behind a socket, on a scratch repository.
 *
 * Input layout: up to four lines, then the body:
 *   METHOD\n PATH[?k=v&k2=v2]\n AUTHORIZATION\n CONTENT-TYPE\n BODY...
 * PATH is the URL-decoded path: it may hold NUL bytes, as %00 decodes to one.
 * The server's tokens are "fuzz-token" (read-write) and "fuzz-ro" (read-only). The scratch
 * repository is recreated every FUZZ_DS_RESET writes so a long run keeps bounded disk use.
 * FUZZ_DS_GEN=v0.4 serves the v0.4 API; FUZZ_DS_VERBOSE=1 prints every answer. */
#include "cmd/nautes-devserver/devserver.h"

#include "core/base/alloc.h"

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUZZ_DS_RESET 200
#define FUZZ_DS_MAX_QUERY 32

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ds_server fuzz_ds;
static char fuzz_ds_dir[] = "/tmp/nautes-fuzz-devserver-XXXXXX";
static unsigned long fuzz_ds_writes;
static bool fuzz_ds_verbose; /* FUZZ_DS_VERBOSE=1: print each answer (replaying an input) */

static int fuzz_ds_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void fuzz_ds_cleanup(void)
{
    ds_store_close(&fuzz_ds);
    nftw(fuzz_ds_dir, fuzz_ds_rm, 16, FTW_DEPTH | FTW_PHYS);
    free(fuzz_ds.repo);
    free(fuzz_ds.kube_store);
    free(fuzz_ds.token);
    free(fuzz_ds.ro_token);
    git_libgit2_shutdown();
}

static void fuzz_ds_open(void)
{
    nt_buf err = NT_BUF_INIT;
    if (ds_store_open(&fuzz_ds, &err) < 0) {
        fprintf(stderr, "fuzz_devserver: cannot open the scratch repository: %s\n",
                nt_buf_str(&err));
        abort();
    }
    nt_buf_free(&err);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!mkdtemp(fuzz_ds_dir))
        abort();
    git_libgit2_init();
    nt_buf b = NT_BUF_INIT;
    nt_buf_addf(&b, "%s/repo", fuzz_ds_dir);
    fuzz_ds.repo = nt_buf_detach(&b);
    nt_buf_addf(&b, "%s/repo.kubeconfigs.json", fuzz_ds_dir);
    fuzz_ds.kube_store = nt_buf_detach(&b);
    fuzz_ds.token = nt_xstrdup("fuzz-token");
    fuzz_ds.ro_token = nt_xstrdup("fuzz-ro");
    fuzz_ds.gen =
        getenv("FUZZ_DS_GEN") && !strcmp(getenv("FUZZ_DS_GEN"), "v0.4") ? NT_GEN_V04 : NT_GEN_V03;
    fuzz_ds.rand_state = 1;
    fuzz_ds_verbose = getenv("FUZZ_DS_VERBOSE") != NULL;
    pthread_mutex_init(&fuzz_ds.write_lock, NULL);
    pthread_mutex_init(&fuzz_ds.fault_lock, NULL);
    pthread_mutex_init(&fuzz_ds.cache_lock, NULL);
    pthread_rwlock_init(&fuzz_ds.state_lock, NULL);
    fuzz_ds_open();
    atexit(fuzz_ds_cleanup);
    return 0;
}

/* The next line of [*p, end) as a new string (without the newline, NUL bytes kept, *len
 * bytes long); NULL at the end. */
static char *fuzz_ds_line(const char **p, const char *end, size_t *len)
{
    *len = 0;
    if (*p >= end)
        return NULL;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    const char *e = nl ? nl : end;
    *len = (size_t)(e - *p);
    char *s = nt_xmalloc(*len + 1);
    memcpy(s, *p, *len);
    s[*len] = 0;
    *p = nl ? nl + 1 : end;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    size_t method_len, path_len, auth_len, ctype_len;
    char *method = fuzz_ds_line(&p, end, &method_len);
    char *path = fuzz_ds_line(&p, end, &path_len); /* may hold NULs, as %00 decodes to */
    char *auth = fuzz_ds_line(&p, end, &auth_len);
    char *ctype = fuzz_ds_line(&p, end, &ctype_len);
    size_t body_len = (size_t)(end - p);
    char *body = nt_xmalloc(body_len ? body_len : 1); /* exactly the bytes, no terminator */
    memcpy(body, p, body_len);

    /* the query string as libmicrohttpd hands it over: key/value pairs, split at & and = */
    const char *qk[FUZZ_DS_MAX_QUERY], *qv[FUZZ_DS_MAX_QUERY];
    size_t nq = 0;
    char *q = path ? memchr(path, '?', path_len) : NULL;
    if (q) {
        path_len = (size_t)(q - path);
        *q++ = 0;
        char *save = NULL;
        for (char *kv = strtok_r(q, "&", &save); kv && nq < FUZZ_DS_MAX_QUERY;
             kv = strtok_r(NULL, "&", &save)) {
            char *eq = strchr(kv, '=');
            if (eq)
                *eq++ = 0;
            qk[nq] = kv;
            qv[nq] = eq; /* NULL for a key without '=' */
            nq++;
        }
    }

    unsigned long before = fuzz_ds.version;
    ds_reply r = {0, NULL, NT_BUF_INIT, NULL, -1, false};
    bool no_path = !path || !path_len;
    ds_handle(&fuzz_ds, method ? method : "GET", no_path ? "/api/v1/clusters" : path,
              no_path ? strlen("/api/v1/clusters") : path_len, auth, ctype, qk, qv, nq, body,
              body_len, body_len > DS_MAX_BODY, &r);
    if (r.status < 100 || r.status > 599)
        abort(); /* every request gets a real HTTP status */
    if (fuzz_ds_verbose)
        fprintf(stderr, "%s %s -> %d %s\n", method ? method : "GET", path ? path : "", r.status,
                nt_buf_str(&r.body));
    nt_buf_free(&r.body);
    free(r.location);

    if (fuzz_ds.version != before && ++fuzz_ds_writes % FUZZ_DS_RESET == 0) {
        ds_store_close(&fuzz_ds);
        nftw(fuzz_ds_dir, fuzz_ds_rm, 16, FTW_DEPTH | FTW_PHYS);
        mkdir(fuzz_ds_dir, 0700);
        fuzz_ds_open();
    }
    free(method);
    free(path);
    free(auth);
    free(ctype);
    free(body);
    return 0;
}
