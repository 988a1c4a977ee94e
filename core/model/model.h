/* model.h — the cluster model: what a desired-state file declares and what a server holds.
 *
 * Both sides of a diff are an nt_cluster_set. Scalar fields live in one array indexed by
 * nt_field and described by the nt_fields[] table (JSON/YAML names in both spellings, flags),
 * so loaders, validation, the diff and the JSON code walk the table instead of repeating a
 * line per field.
 *
 * "Declared" is the rule everywhere: a value whose `s` is NULL was not given (desired side)
 * or could not be seen (observed side). An empty string "" is a given, empty value.
 *
 * Ownership: a set owns its clusters; a cluster owns its strings (but for the words of the
 * enumerated fields and the components' default names and namespaces, shared constants: see
 * nt_text and nt_value) and its components. Positions (nt_pos.file)
 * point at file names interned in the set that loaded the cluster, so a cluster must not
 * outlive that set (nt_cluster_clone keeps the same pointers). Every *_free takes NULL. */
#ifndef NT_MODEL_H
#define NT_MODEL_H

#include "core/base/diag.h"
#include "core/base/name_table.h"

#include <stdbool.h>
#include <stddef.h>

/* API Server generations (docs/api-server.md, introduction). UNKNOWN: not yet detected. */
typedef enum { NT_GEN_UNKNOWN = 0, NT_GEN_V03 = 1, NT_GEN_V04 = 2 } nt_api_gen;
const char *nt_gen_name(nt_api_gen gen);          /* "v0.3", "v0.4", "unknown" */
int nt_gen_parse(const char *s, nt_api_gen *out); /* "v0.3"/"0.3"/"v0.4"/"0.4"; -1 if not */

typedef enum nt_field {
    /* the five fields whose change is a replace (docs/architecture.md §5) */
    NT_F_CLUSTER_KIND = 0,
    NT_F_CLUSTER_TYPE,
    NT_F_USAGE,
    NT_F_HOST_CLUSTER,
    NT_F_WORKER_TYPE,
    /* updatable in place */
    NT_F_API_SERVER,
    NT_F_PRIMARY_DOMAIN,
    NT_F_ARGOCD_HOST,              /* seed (v0.3) spelling; v0.4: deployment additions.host */
    NT_F_TEKTON_HOST,              /* seed (v0.3) spelling; v0.4: pipeline additions.host */
    NT_F_TRAEFIK_HTTP_NODE_PORT,   /* traefik.http_node_port; v0.4: gateway httpNodePort */
    NT_F_TRAEFIK_HTTPS_NODE_PORT,  /* traefik.https_node_port; v0.4: gateway httpsNodePort */
    NT_F_VCLUSTER_HTTPS_NODE_PORT, /* vcluster.https_node_port */
    NT_F_KUBECONFIG,               /* contents (from kubeconfig or kubeconfig_file); secret */
    NT_F_COUNT
} nt_field;

enum {
    NT_FIELD_REPLACE = 1u << 0,   /* a change means delete + create */
    NT_FIELD_PORT = 1u << 1,      /* a port: digits, 1-65535, sent as a JSON string */
    NT_FIELD_SENSITIVE = 1u << 2, /* never printed, never saved */
    NT_FIELD_V03_ONLY = 1u << 3,  /* a v0.4 server drops it (reads components additions) */
    NT_FIELD_NESTED = 1u << 4,    /* lives in a sub-object (traefik.*, vcluster.*) */
};

typedef struct nt_field_info {
    nt_field id;
    const char *snake; /* native file and API body, dotted for nested: "traefik.http_node_port" */
    const char *camel; /* Go CLI documents and Cluster files: "traefik.httpNodePort" */
    unsigned flags;
} nt_field_info;

extern const nt_field_info nt_fields[NT_F_COUNT];
/* Look a field up by its snake or camel dotted name; NT_F_COUNT when unknown. */
nt_field nt_field_by_name(const char *name);

/* A scalar with the position it was read from. s == NULL: not declared / not visible. Used
 * inside components, additions and lists, which are allocated only when given. Read-only, as
 * nt_text: the components' default names and namespaces ("argocd", "vault", ...) are one
 * shared constant each, not a copy per value; set through nt_value_set. */
typedef struct nt_value {
    const char *s;
    nt_pos pos;
} nt_value;

/* A cluster field's text: s == NULL: not declared / not visible. Where a loaded cluster wrote
 * it is kept beside the cluster (nt_cluster_field_pos), not in every cluster: an observed
 * cluster has no positions, and a list answer can hold a million clusters. Read-only: the
 * words of the enumerated fields ("kubernetes", "virtual", "worker", ...) are one shared
 * constant each, not a copy per cluster; set through nt_cluster_set_field. */
typedef struct nt_text {
    const char *s;
} nt_text;

/* components_list categories: the union of both generations' keys (docs/api-server.md §3.2) and
 * the server-only ones that appear in Cluster files (7.4). */
typedef enum nt_component_kind {
    NT_C_MULTI_TENANT = 0,
    NT_C_SECRET_SYNC,
    NT_C_GATEWAY, /* v0.4 */
    NT_C_DEPLOYMENT,
    NT_C_PROGRESSIVE_DELIVERY,
    NT_C_PIPELINE,
    NT_C_EVENT_LISTENER,
    NT_C_CERT_MGT,           /* v0.3 */
    NT_C_SECRET_MGT,         /* v0.3 */
    NT_C_INGRESS_CONTROLLER, /* v0.3 */
    NT_C_OAUTH_PROXY,        /* server-only (Cluster files, v0.4) */
    NT_C_SECRET_MANAGEMENT,  /* server-only (Cluster files, v0.4) */
    NT_C_CERT_MANAGEMENT,    /* server-only (CRD) */
    NT_C_COUNT
} nt_component_kind;

enum {
    NT_COMP_V03 = 1u << 0,         /* a key of the v0.3.6+ API */
    NT_COMP_V04 = 1u << 1,         /* a key of the v0.4 API */
    NT_COMP_SERVER_ONLY = 1u << 2, /* never settable through the API */
};

typedef struct nt_component_info {
    nt_component_kind id;
    const char *snake; /* API key: "multi_tenant" (NULL for server-only kinds) */
    const char *camel; /* Cluster file / Go CLI key: "multiTenant" */
    const char *default_name;
    const char *default_namespace;
    unsigned flags;
} nt_component_info;

extern const nt_component_info nt_components[NT_C_COUNT];
nt_component_kind nt_component_by_name(const char *snake_or_camel); /* NT_C_COUNT if unknown */

typedef struct nt_addition {
    const char *key; /* camelCase map key, e.g. "httpNodePort" (read-only, as nt_value) */
    nt_value value;
} nt_addition;

typedef struct nt_component {
    bool declared;           /* the key was present (possibly null) */
    bool is_null;            /* given as null */
    bool additions_declared; /* an additions map was given (possibly empty) */
    nt_value name;
    nt_value ns;
    nt_addition *additions; /* in the order given */
    size_t n_additions, cap_additions;
    nt_name_table additions_index; /* key → position, once the map is large */
    nt_pos pos;
} nt_component;

/* The two spellings of the seed fields (docs/api-server.md §3.4): traefik.http_node_port is
 * components_list.gateway.additions.httpNodePort, argocd_host the deployment's additions
 * host, ... A file may give either; the tool derives each from the other (sends both, and
 * compares the one the observed generation stores). */
#define NT_SEED_ADDITIONS 4
typedef struct nt_seed_addition {
    nt_field field;         /* NT_F_TRAEFIK_HTTP_NODE_PORT, ..., NT_F_TEKTON_HOST */
    nt_component_kind kind; /* NT_C_GATEWAY, NT_C_DEPLOYMENT, NT_C_PIPELINE */
    const char *key;        /* "httpNodePort", "httpsNodePort", "host" */
} nt_seed_addition;
extern const nt_seed_addition nt_seed_additions[NT_SEED_ADDITIONS];

/* reserved_namespaces_allowed_products: namespace -> product names */
typedef struct nt_ns_products {
    char *ns;
    nt_pos pos;
    nt_value *products;
    size_t n, cap;
} nt_ns_products;

/* product_allowed_cluster_resources: product -> [{kind, group}] */
typedef struct nt_resource {
    nt_value kind;
    nt_value group;
    nt_pos pos;
} nt_resource;

typedef struct nt_product_resources {
    char *product;
    nt_pos pos;
    nt_resource *items;
    size_t n, cap;
} nt_product_resources;

typedef enum { NT_STATE_PRESENT = 0, NT_STATE_ABSENT } nt_state;

/* Where a loaded cluster's entry and its blocks were written. These live beside the cluster,
 * not in it: a cluster observed from the API or git has none (nt_cluster.at == NULL), and
 * nt_cluster_pos answers NT_POS_NONE for it. A file's entry is written in one file, so a
 * cluster keeps that file once (nt_cluster.at_file) and a line and column per position; a
 * cluster read from several files (a v0.3 tenant repository's rendered files) also keeps the
 * file of each position that is in another one (nt_cluster.at_other). */
typedef enum nt_at {
    NT_AT_ENTRY = 0, /* start of the entry / document */
    NT_AT_NAME,
    NT_AT_TRAEFIK,
    NT_AT_VCLUSTER,
    NT_AT_COMPONENTS,
    NT_AT_RESERVED,
    NT_AT_ALLOWED,
    NT_AT_STATE,
    NT_AT_KUBECONFIG_FILE,
    NT_AT_FIELD, /* NT_AT_FIELD + f: field f's value (nt_cluster_field_pos) */
    NT_AT_COUNT = NT_AT_FIELD + NT_F_COUNT
} nt_at;

/* One position of a loaded cluster, in its file (nt_cluster.at_file unless at_other names
 * another); line 0: not recorded. */
typedef struct nt_at_pos {
    unsigned line, col;
} nt_at_pos;

typedef struct nt_cluster {
    char *name;
    nt_at_pos *at;         /* NT_AT_COUNT positions when loaded from a file (nt_cluster_pos), else
                                NULL */
    const char *at_file;   /* the positions' file: that of the first one recorded with a file */
    const char **at_other; /* NT_AT_COUNT files: a position's when not at_file, else NULL;
                              allocated only for a cluster read from several files */

    nt_text f[NT_F_COUNT];   /* set through nt_cluster_set_field */
    nt_text kubeconfig_file; /* the path as written; contents go to f[NT_F_KUBECONFIG] */
    char *kubeconfig_unread; /* why kubeconfig_file could not be read ("path: reason"), else NULL;
                                a plan goes on without it, apply needs it (core/load/load.h) */
    char *failed_keys;       /* " key key ": the entry's keys whose value raised a load error,
                                and the known key an unknown one resembles (validate does not
                                repeat those as "required"); NULL when none */

    /* the flags side by side: 8 bytes, not 8 bytes each */
    bool has_traefik; /* the traefik object was given (even empty) */
    bool has_vcluster;
    bool has_components;
    bool has_reserved;
    bool has_allowed;
    unsigned char comp_room, comp_room_used; /* nt_cluster_reserve_components: given, taken */
    bool at_inline; /* `at` lives in the cluster's allocation (nt_cluster_new_loaded) */
    nt_state state;
    bool prevent_destroy;

    /* the components, indexed by nt_component_kind: read through comp[k] (never NULL: an
     * undeclared one is a shared empty component). A cluster that declares none (most observed
     * ones) shares one array of those; nt_cluster_component() gives the cluster an array of its
     * own and allocates the one component written, so each costs memory only when given. A
     * reader that knows how many it will write reserves them with the array (one allocation). */
    const nt_component *const *comp;

    nt_ns_products *reserved;
    size_t n_reserved, cap_reserved;

    nt_product_resources *allowed;
    size_t n_allowed, cap_allowed;
} nt_cluster;

nt_cluster *nt_cluster_new(void);
/* A cluster read from a file: its positions (nt_cluster_pos) in the same allocation. */
nt_cluster *nt_cluster_new_loaded(void);
/* Deep copy; positions keep pointing at the same interned file names. */
nt_cluster *nt_cluster_clone(const nt_cluster *c);
/* Frees everything; the kubeconfig's bytes are wiped first. */
void nt_cluster_free(nt_cluster *c);

/* Where `which` of a loaded cluster was written; NT_POS_NONE when not known (observed). */
nt_pos nt_cluster_pos(const nt_cluster *c, nt_at which);
/* The entry position when the name has none: what a message about the whole cluster cites. */
nt_pos nt_cluster_name_pos(const nt_cluster *c);
/* Record where `which` was written (the side record is allocated on the first call). The
 * first position recorded with a file names the cluster's file; a position in another one
 * keeps its file in at_other. A position without a file is in the cluster's file. */
void nt_cluster_set_pos(nt_cluster *c, nt_at which, nt_pos pos);
/* Where field f's value was written; NT_POS_NONE when not known. */
nt_pos nt_cluster_field_pos(const nt_cluster *c, nt_field f);

/* Replace v's string with a copy of s (NULL clears it); pos recorded. */
void nt_value_set(nt_value *v, const char *s, nt_pos pos);
void nt_value_clear(nt_value *v);
/* The field's value, or NULL when not declared. */
const char *nt_cluster_get(const nt_cluster *c, nt_field f);
/* Replace field f's text with a copy of s (NULL clears it; a secret's old bytes are wiped) and
 * record pos (NT_POS_NONE: not from a file). */
void nt_cluster_set_field(nt_cluster *c, nt_field f, const char *s, nt_pos pos);
/* The same, taking s (an allocation the caller gives up, or NULL) instead of copying it: a
 * loader's value becomes the field without a second allocation. */
void nt_cluster_take_field(nt_cluster *c, nt_field f, char *s, nt_pos pos);
/* The same for kubeconfig_file (NT_AT_KUBECONFIG_FILE). */
void nt_cluster_set_kubeconfig_file(nt_cluster *c, const char *path, nt_pos pos);

/* A worker of type pipeline (worker_type: pipeline). */
bool nt_cluster_is_pipeline(const nt_cluster *c);
/* The host cluster a virtual cluster names (host_cluster), or NULL when none is given. */
const char *nt_cluster_host(const nt_cluster *c);
/* Kind helpers read the declared strings ("virtual", "host", ...). */
bool nt_cluster_is_virtual(const nt_cluster *c);
bool nt_cluster_is_physical(const nt_cluster *c);
bool nt_cluster_is_host(const nt_cluster *c);
bool nt_cluster_is_worker(const nt_cluster *c);
/* "physical host", "virtual worker (deployment)", ... for messages. */
const char *nt_cluster_kind_label(const nt_cluster *c, char *buf, size_t bufsz);

/* Component k of the cluster, writable (allocated on the first call for that kind). */
nt_component *nt_cluster_component(nt_cluster *c, nt_component_kind k);
/* Room for n components (at most NT_C_COUNT) in the cluster's own array, allocated with it:
 * the next n nt_cluster_component() calls allocate nothing. A reader that knows how many a
 * cluster gives (a list answer's components_list) calls it first; it does nothing once the
 * cluster has an array of its own. */
void nt_cluster_reserve_components(nt_cluster *c, size_t n);
/* Forget component k (comp[k] reads as not given again); nothing is allocated. */
void nt_cluster_drop_component(nt_cluster *c, nt_component_kind k);
/* Component k given as null, without a position: comp[k] reads declared and null, and shares
 * one constant instead of allocating (an API answer lists every category, most of them null).
 * nt_cluster_component(c, k) still gives a writable copy, declared and null until written. */
void nt_cluster_set_component_null(nt_cluster *c, nt_component_kind k);
/* Component k given with its default name and namespace (nt_components[k]) and no additions
 * (additions_declared: an empty additions map was given, as v0.4 answers do), without
 * positions: shared the same way (most components of an answer). */
void nt_cluster_set_component_default(nt_cluster *c, nt_component_kind k, bool additions_declared);

/* Component helpers. nt_component_clear frees a component's strings and zeroes it. */
void nt_component_clear(nt_component *comp);
/* Lookups and sets are hashed once a map has more than a few keys: building a map of n keys
 * is O(n), however hostile the input. */
nt_addition *nt_component_addition(const nt_component *comp, const char *key); /* NULL if absent */
void nt_component_set_addition(nt_component *comp, const char *key, const char *value, nt_pos pos);
void nt_component_clear_additions(nt_component *comp); /* no additions (the flags are kept) */
nt_ns_products *nt_cluster_add_reserved(nt_cluster *c, const char *ns, nt_pos pos);
void nt_ns_products_add(nt_ns_products *e, const char *product, nt_pos pos);
nt_product_resources *nt_cluster_add_allowed(nt_cluster *c, const char *product, nt_pos pos);
nt_resource *nt_product_resources_add(nt_product_resources *e, nt_pos pos);

/* The v0.4 spelling of seed field f (NULL when f has none). */
const nt_seed_addition *nt_seed_addition_of(nt_field f);
/* The value the v0.4 spelling gives seed field f in c (NULL when not given). */
const nt_value *nt_cluster_seed_addition(const nt_cluster *c, nt_field f);
/* Seed field f as the file gives it in either spelling: the seed field, else its addition;
 * NULL when neither is given. */
const char *nt_cluster_either(const nt_cluster *c, nt_field f);

/* An input file of a desired set: its path and the SHA-256 (hex) of its contents after
 * interpolation. Saved plans compare these to refuse stale plans. */
typedef struct nt_input {
    char *path;
    char sha256[65];
} nt_input;

/* Where an observed set was read from (set where it is read, never re-parsed from the label). */
typedef enum nt_source_kind { NT_SOURCE_NONE = 0, NT_SOURCE_API, NT_SOURCE_GIT } nt_source_kind;

typedef struct nt_cluster_set {
    nt_cluster **items;
    size_t n, cap;

    nt_name_table index; /* cluster name → item position */

    char **files; /* interned file names that nt_pos.file points at */
    size_t n_files, cap_files;
    nt_name_table file_index; /* file name → files position */

    nt_input *inputs;
    size_t n_inputs, cap_inputs;

    /* Observed sets: the generation detected from the source, and which fields it can show
     * (bit (1u << nt_field)); components and maps are visible when `visible_extras`. */
    nt_api_gen gen;
    unsigned visible;
    bool visible_extras;
    char *source; /* "api https://host:port" or "git PATH#REF" (observed sets) */
    nt_source_kind source_kind;
} nt_cluster_set;

nt_cluster_set *nt_cluster_set_new(void);
void nt_cluster_set_free(nt_cluster_set *set);
/* Return a stable copy of `path` owned by the set (the same pointer for the same name). */
const char *nt_cluster_set_intern(nt_cluster_set *set, const char *path);
/* Take ownership of c (c->name must be set). If a cluster of that name exists, nothing is
 * added, *existing (when non-NULL) points at it, and -1 is returned; the caller still owns c. */
int nt_cluster_set_add(nt_cluster_set *set, nt_cluster *c, nt_cluster **existing);
/* Take ownership of c (c->name set) without looking its name up: for a reader that adds many
 * clusters, then calls nt_cluster_set_reindex once (a list answer: one pass over the index
 * instead of a lookup per cluster). Until then the set's index does not know c. */
void nt_cluster_set_append(nt_cluster_set *set, nt_cluster *c);
/* Index every cluster again (after appends, or after the items moved). Returns the position
 * of the first cluster whose name an earlier one has (the index finds the earlier one), or
 * SIZE_MAX when the names are unique. */
size_t nt_cluster_set_reindex(nt_cluster_set *set);
nt_cluster *nt_cluster_set_find(const nt_cluster_set *set, const char *name);
/* The position of the named cluster in set->items, or SIZE_MAX when absent. */
size_t nt_cluster_set_position(const nt_cluster_set *set, const char *name);
/* Remove and free the named cluster; returns 0, or -1 when absent. */
int nt_cluster_set_remove(nt_cluster_set *set, const char *name);
/* Free the clusters added after the first n (a loader taking back what it added). */
void nt_cluster_set_truncate(nt_cluster_set *set, size_t n);
/* The item positions in name order (byte order), n of them; the caller frees the array. */
size_t *nt_cluster_set_name_order(const nt_cluster_set *set);
/* Sort items by name (byte order) and rebuild the index. */
void nt_cluster_set_sort(nt_cluster_set *set);
void nt_cluster_set_add_input(nt_cluster_set *set, const char *path, const char sha256_hex[65]);

/* SHA-256 of data as 64 lowercase hex digits + NUL (OpenSSL's libcrypto). */
void nt_sha256_hex(const void *data, size_t len, char out[65]);
/* SHA-256 of a followed by b (b may be NULL when blen is 0), without joining them in memory. */
void nt_sha256_hex2(const void *a, size_t alen, const void *b, size_t blen, char out[65]);
/* A SHA-256 digest computed elsewhere (an EVP context fed piece by piece), written the same way. */
void nt_sha256_digest_hex(const unsigned char md[32], char out[65]);

#endif
