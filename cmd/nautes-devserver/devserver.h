/* devserver.h — the local Nautes API server's pieces (docs/architecture.md §9).
 *
 *   main.c      flags, the libmicrohttpd daemon, signals, shutdown
 *   handlers.c  routing and the four endpoints (docs/api-server.md §2, 4, 5)
 *   rules.c     server-side defaults (7.2) and the real server's messages for failed rules
 *   store.c     the tenant repository (libgit2 commits) and the kubeconfig store
 *   faults.c    --fault SPEC parsing and matching */
#ifndef NT_DEVSERVER_H
#define NT_DEVSERVER_H

#include "core/base/buf.h"
#include "core/model/model.h"

#include <git2.h>
#include <pthread.h>
#include <stdbool.h>

#define DS_MAX_BODY (4u * 1024u * 1024u)
#define DS_AUTHOR_NAME "Nautes Dev"
#define DS_AUTHOR_EMAIL "dev@nautes.local"
#define DS_REPO_NAME "tenant-config"

typedef struct ds_fault {
    char *spec; /* as given, for the log */
    int status; /* 0: no status answer */
    long delay_ms;
    bool drop, collide;
    bool echo;        /* the status answer's message quotes the request body */
    char *location;   /* Location header of the status answer; NULL: none */
    char *method;     /* NULL: any */
    char *path;       /* fnmatch glob; NULL: any */
    long nth;         /* 0: every matching request */
    double share;     /* < 0: not a share */
    long retry_after; /* < 0: none */
    char *message;
    unsigned long seen; /* matching requests so far */
} ds_fault;

typedef struct ds_inflight {
    long sec;
    unsigned long seq;
} ds_inflight;

typedef struct ds_server {
    char *repo; /* working tree root */
    char *kube_store;
    char *token, *ro_token;
    nt_api_gen gen;
    long latency_ms;
    bool fresh_tenant; /* --fresh-tenant: a new DIR gets no clusters directory */
    ds_fault *faults;
    size_t n_faults;

    pthread_mutex_t write_lock;  /* one change at a time, as a git push */
    pthread_rwlock_t state_lock; /* clusters */
    nt_cluster_set *clusters;    /* what the repository holds (defaults applied) */
    unsigned long version;       /* bumped on every change of clusters */

    pthread_mutex_t cache_lock; /* the unfiltered list's JSON, for version cache_version */
    char *list_cache;
    size_t list_cache_len;
    unsigned long cache_version;
    git_repository *git;

    pthread_mutex_t fault_lock; /* fault counters, in-flight table, random state */
    ds_inflight *inflight;
    size_t n_inflight, cap_inflight;
    unsigned long next_seq;
    unsigned int rand_state;
} ds_server;

/* One answer: status, content type, body, optional headers; `drop` closes the connection
 * halfway through the body. */
typedef struct ds_reply {
    int status;
    const char *ctype;
    nt_buf body;
    char *location;
    long retry_after;
    bool drop;
} ds_reply;

/* handlers.c */
/* `path` is the URL-decoded path, path_len bytes (it may hold a NUL decoded from %00). */
void ds_handle(ds_server *s, const char *method, const char *path, size_t path_len,
               const char *auth, const char *ctype, const char *const *query_keys,
               const char *const *query_vals, size_t n_query, const char *body, size_t body_len,
               bool body_too_big, ds_reply *r);
void ds_reply_error(ds_reply *r, int status, const char *reason, const char *message);
/* `len` bytes of s (NULs included) with bytes outside printable ASCII, `"` and `\` as \xNN:
 * a name or path from the URL as messages and the log show it. */
char *ds_escaped(const char *s, size_t len);
void ds_reply_text(ds_reply *r, int status, const char *text);

/* rules.c */
/* Read-only checks and defaults of a save, as the real server of generation gen does them.
 * On failure: *status (400/500), *reason and msg are set and -1 returned. On success the
 * cluster is completed with the defaults (7.2) and 0 returned. */
int ds_rules_save(nt_cluster *c, nt_api_gen gen, bool empty_body, int *status, const char **reason,
                  nt_buf *msg);
/* The host existence checks (6.2 last rows); s->state_lock held. */
int ds_rules_host(ds_server *s, const nt_cluster *c, nt_buf *msg);
/* The delete checks (6.3); s->state_lock held. */
int ds_rules_delete(ds_server *s, const nt_cluster *stored, nt_buf *msg);

/* store.c */
int ds_store_open(ds_server *s, nt_buf *err);
void ds_store_close(ds_server *s);
/* Save `stored` (taken over: kept in s->clusters or freed) or delete `name`; the caller holds
 * s->write_lock. One commit when something changed; on failure the touched paths are
 * restored from HEAD. The in-memory state is updated only after the commit. */
int ds_store_save(ds_server *s, nt_cluster *stored, nt_buf *err);
int ds_store_delete(ds_server *s, const char *name, nt_buf *err);
int ds_store_put_kubeconfig(ds_server *s, const char *name, const char *kubeconfig, nt_buf *err);

/* faults.c */
int ds_fault_parse(const char *spec, ds_fault *out, nt_buf *err);
void ds_fault_free(ds_fault *f);
extern const char ds_fault_help[];

#endif
