/* normalize.h — one canonical form for both sides of a diff (docs/architecture.md §5).
 *
 * A cluster is flattened into a sorted list of (path, value) entries: scalar fields under
 * their snake_case name ("primary_domain", "traefik.http_node_port"), components as
 * "components_list.<category>.name|namespace|additions.<key>", the two maps as
 * "<map>.<key>" with the list value in canonical JSON (sorted, duplicates removed). Ports
 * made only of digits lose their leading zeros, so "030080" equals "30080".
 *
 * The desired side holds only what the file declares, with the defaults the server applies
 * that the file implies (cluster_kind "kubernetes"; a component's namespace from its name).
 * The observed side holds what the source can show (set->visible, visible_extras). The diff
 * compares each desired entry with the observed entry of the same path when the source can
 * show that path; a path it cannot show is "not compared". Hence server defaults (an omitted
 * primary_domain, components, additions, maps) never show as changes. */
#ifndef NT_NORMALIZE_H
#define NT_NORMALIZE_H

#include "core/base/buf.h"
#include "core/model/model.h"

#include <stdbool.h>
#include <stddef.h>

/* Entries borrow their strings from static tables and from the cluster when no
 * canonicalisation was needed (so a cluster must outlive its nt_norm); own_* says what to
 * free. */
/* What a normalised path names, decided once where the path is made or read (nt_path_parse)
 * and switched on everywhere else:
 *   NT_PATH_FIELD      "primary_domain", "traefik.http_node_port" (info.field)
 *   NT_PATH_COMPONENT  "components_list.gateway", "components_list.gateway.name" (info.comp)
 *   NT_PATH_ADDITION   "components_list.gateway.additions.httpNodePort" (info.comp, info.key)
 *   NT_PATH_MAP        "reserved_namespaces_allowed_products.ns1" (info.key: the map key)
 *   NT_PATH_UNKNOWN    anything else (a saved plan from a later version) */
typedef enum nt_path_kind {
    NT_PATH_UNKNOWN = 0,
    NT_PATH_FIELD,
    NT_PATH_COMPONENT,
    NT_PATH_ADDITION,
    NT_PATH_MAP
} nt_path_kind;

typedef struct nt_path_info {
    nt_path_kind kind;
    nt_field field;         /* FIELD: the field; else NT_F_COUNT */
    nt_component_kind comp; /* COMPONENT, ADDITION: the category; else NT_C_COUNT */
    const char *key;        /* ADDITION: the additions key; MAP: the map key (into path) */
    size_t prefix;          /* the length of the part shown in "not compared": the map's name,
                               "components_list.<cat>" or "components_list.<cat>.additions" */
} nt_path_info;

nt_path_kind nt_path_parse(const char *path, nt_path_info *info);

typedef struct nt_norm_entry {
    const char *path;
    const char *value; /* canonical value; for the map paths a JSON array */
    nt_path_info info; /* what path names: set where the entry is made, never parsed again
                          (info.key points into path) */
    bool sensitive;    /* kubeconfig: never printed, never hashed into anything saved */
    bool derived;      /* desired side: the other spelling of what the file gives (model.h
                          nt_seed_additions): compared, never listed as declared */
    bool own_path, own_value;
} nt_norm_entry;

typedef struct nt_norm {
    nt_norm_entry *e; /* sorted by path, unique */
    size_t n, cap;
    /* desired side: map paths whose every key the file declares ("<map>."), so an observed
     * key missing from the file is a removal */
    char *owned[2];
    size_t n_owned;
} nt_norm;

#define NT_NORM_INIT                                                                               \
    {                                                                                              \
        NULL, 0, 0, {NULL, NULL}, 0                                                                \
    }

/* The declared fields of a desired cluster (state present). Kubeconfig included, sensitive.
 * A seed field given in one spelling only (argocd_host, or the deployment's additions host)
 * adds the other spelling too, marked derived: the tool sends both. */
void nt_normalize_desired(const nt_cluster *c, nt_norm *out);

/* What `set` (an observed set) can show of c: its visible fields and, when
 * set->visible_extras, its components and maps. */
void nt_normalize_observed(const nt_cluster *c, const nt_cluster_set *set, nt_norm *out);

/* Can the observed set show `path`? (event_listener is never shown by a v0.4 API; component
 * categories only when the generation has them; components additions never by a v0.3
 * server, neither its API nor its tenant repository, which holds none.) */
bool nt_normalize_visible(const nt_cluster_set *set, const char *path);
/* The same for a path already known by its kind (an entry's info): nothing to parse. */
bool nt_normalize_visible_info(const nt_cluster_set *set, const nt_path_info *pi);

/* The seed field whose v0.4 spelling `path` is ("components_list.gateway.additions.
 * httpNodePort" -> NT_F_TRAEFIK_HTTP_NODE_PORT), or NT_F_COUNT. */
nt_field nt_normalize_seed_field(const char *path);
/* The same for a path already known by its kind. */
nt_field nt_normalize_seed_field_info(const nt_path_info *pi);

/* "components_list.<key>.name" (ns false) or ".namespace" (ns true) of a component kind. */
const char *nt_normalize_component_path(nt_component_kind k, bool ns);

/* The entry at path, or NULL. */
const nt_norm_entry *nt_norm_find(const nt_norm *n, const char *path);
void nt_norm_free(nt_norm *n);

/* Canonical value of a port-like string: digits without leading zeros; else a copy. */
char *nt_normalize_port(const char *s);

/* SHA-256 (hex) of a cluster's canonical observed form (name and visible entries). */
void nt_normalize_cluster_hash(const nt_cluster *c, const nt_cluster_set *set, char out[65]);

/* What hashes the canonical forms of many clusters one after the other (the diff: every
 * observed cluster): one libcrypto context and one buffer for all of them, and one digest
 * update per cluster, instead of a context and two updates per entry. */
typedef struct nt_norm_hasher {
    void *ctx;   /* EVP_MD_CTX, made on the first hash */
    void *md;    /* EVP_MD (SHA-256), fetched once */
    nt_buf text; /* one cluster's canonical bytes */
} nt_norm_hasher;
#define NT_NORM_HASHER_INIT                                                                        \
    {                                                                                              \
        NULL, NULL, NT_BUF_INIT                                                                    \
    }
void nt_norm_hasher_free(nt_norm_hasher *h); /* back to NT_NORM_HASHER_INIT; NULL is fine */
/* nt_normalize_cluster_hash from an already normalised observed form n of the cluster `name`:
 * the SHA-256 of the name and of each entry's path and value but a secret's, each followed by a
 * NUL byte. h may be NULL (a hasher for this one call). */
void nt_norm_hash(nt_norm_hasher *h, const char *name, const nt_norm *n, char out[65]);
/* The fingerprint of an observed set: SHA-256 over every cluster sorted by name, of
 * "name SHA\n" with SHA its nt_norm_hash, from those hashes given in the set's item order;
 * name_order is nt_cluster_set_name_order(set) when the caller has it, else NULL. */
void nt_normalize_fingerprint_of(const nt_cluster_set *set, char (*const hashes)[65],
                                 const size_t *name_order, char out[65]);

#endif
