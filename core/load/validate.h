/* validate.h — the rules a desired set must satisfy before anything touches a server.
 *
 * The rules are the real API Server's (docs/api-server.md §6.1, 6.2) plus what it forgets (names,
 * ports) and what only a whole file can see (duplicates, hosts and their virtual clusters).
 * Each diagnostic carries an nt_rule code, so the local server can answer a failed rule with
 * the real server's own status and message (one set of rules, not two). */
#ifndef NT_VALIDATE_H
#define NT_VALIDATE_H

#include "core/base/diag.h"
#include "core/model/model.h"

typedef enum nt_rule {
    NT_RULE_NONE = 0,
    /* proto rules (400 VALIDATOR on the real server), in the server's checking order */
    NT_RULE_API_SERVER_REQUIRED,
    NT_RULE_CLUSTER_KIND_REQUIRED,
    NT_RULE_CLUSTER_TYPE_ENUM,
    NT_RULE_USAGE_ENUM,
    /* business rules (500 on the real server) */
    NT_RULE_API_SERVER_SCHEME,    /* must start with http:// or https:// */
    NT_RULE_VIRTUAL_WORKER_HOST,  /* virtual worker needs host_cluster */
    NT_RULE_WORKER_TYPE_REQUIRED, /* worker needs worker_type */
    NT_RULE_WORKER_TYPE_ENUM,     /* pipeline | deployment */
    NT_RULE_TRAEFIK_REQUIRED,     /* v0.3: physical needs traefik */
    NT_RULE_KIND_COMBINATION,     /* one of the five kinds */
    NT_RULE_HOST_NOT_VIRTUAL,     /* host must be physical */
    NT_RULE_HOST_WORKER_TYPE,     /* host must have empty worker_type */
    NT_RULE_PHYSICAL_NO_HOST,     /* physical must not name a host_cluster */
    NT_RULE_VIRTUAL_NEEDS_HOST,   /* virtual must name a host_cluster */
    NT_RULE_RESERVED_NAMESPACE,   /* reserved namespace key not a component namespace */
    NT_RULE_RESERVED_VALUE,       /* reserved namespace values must be strings */
    NT_RULE_ALLOWED_RESOURCE,     /* allowed resources: objects with non-empty kind and group */
    NT_RULE_COMPONENT_UNKNOWN,    /* unknown component name */
    NT_RULE_ADDITION_INVALID,     /* v0.4 additions required / regex */
    NT_RULE_KUBECONFIG_REQUIRED,  /* physical needs a kubeconfig */
    NT_RULE_KUBECONFIG_INVALID,   /* not YAML / no clusters / no users / bad base64 */
    NT_RULE_VCLUSTER_PORT,        /* virtual needs a port (vcluster or api_server URL) */
    NT_RULE_DEFAULT_NEEDS_IP,     /* argocd/tekton host default needs an IP api_server */
    NT_RULE_HOST_MISSING,         /* host_cluster does not exist */
    /* client-side rules (the real server forgets these) */
    NT_RULE_NAME_INVALID,       /* DNS-1123 label, at most 63 characters */
    NT_RULE_CLUSTER_KIND_VALUE, /* only "kubernetes" */
    NT_RULE_PORT_INVALID,       /* digits, 1-65535 */
    NT_RULE_PLACEHOLDER,        /* a bare $placeholder left in a value */
    NT_RULE_DUPLICATE_NAME,
    NT_RULE_HOST_NOT_DECLARED,  /* a note: may already exist on the server */
    NT_RULE_HOST_NOT_A_HOST,    /* host_cluster names a declared worker */
    NT_RULE_HOST_ABSENT_IN_USE, /* a host state: absent while a declared virtual names it */
    NT_RULE_STATE_INVALID,      /* state: present | absent */
    NT_RULE_CYCLE,              /* dependency cycle (impossible by the rules, still checked) */
    NT_RULE_SPELLINGS_DIFFER,   /* seed field and its v0.4 addition differ */
    NT_RULE_COUNT
} nt_rule;

typedef struct nt_validate_opts {
    nt_api_gen gen; /* UNKNOWN: rules of either generation; v0.3-only ones become warnings */
    bool server;    /* the local server: only the checks the real server makes, in its order */
} nt_validate_opts;

/* The rules about one cluster. Entries with state: absent are only checked for their name.
 * Returns 0 when no error was added. */
int nt_validate_cluster(const nt_cluster *c, const nt_validate_opts *o, nt_diag *diag);

/* nt_validate_cluster for each cluster, then the whole-set rules. */
int nt_validate_set(const nt_cluster_set *set, const nt_validate_opts *o, nt_diag *diag);

/* After observing: every declared virtual cluster's host_cluster must be a host declared in
 * `desired` (and not absent) or a host present in `actual`. */
int nt_validate_hosts(const nt_cluster_set *desired, const nt_cluster_set *actual, nt_diag *diag);

/* Whether diagnostic `it` of nt_validate_set, about cluster c, would only repeat a load error:
 * a rule reported at the entry because the field it wants is missing (api_server is
 * required, a worker needs worker_type, ...) while that field, one the rule depends on, or
 * state is among c->failed_keys (unknown and misspelled keys, wrong types, duplicates).
 * validate leaves those out and reports everything else, so that no problem hides another. */
bool nt_validate_repeats_load_error(const nt_diag_item *it, const nt_cluster *c);

/* nt_validate_set on a set just loaded, whatever the load found: every finding but those that
 * would only repeat a load error (nt_validate_repeats_load_error), so that a misspelled or
 * mistyped key is reported once, and fixing a file never reveals an error that was there from
 * the start. Returns nt_validate_set's result. */
int nt_validate_loaded(const nt_cluster_set *set, const nt_validate_opts *o, nt_diag *diag);

/* A DNS-1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63 characters. */
bool nt_dns1123_label(const char *s);

#endif
