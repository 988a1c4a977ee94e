/* rules.h — the codes of the rules a cluster must satisfy (docs/api-server.md §6.1, 6.2, and
 * what the tool checks beyond them). A diagnostic carries its rule's code (nt_diag_addc), so
 * the loader can report a rule it finds while reading, the validator (core/load/validate.h)
 * checks the rest, and the local server answers a failed rule with the real server's own
 * status and message. Only the codes live here, below every floor that reports them. */
#ifndef NT_MODEL_RULES_H
#define NT_MODEL_RULES_H

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

/* A rule's name for reports ("api-server-required", "host-missing"): NT_RULE_X's words in
 * lower case with '-'; NULL for NT_RULE_NONE and unknown codes. */
const char *nt_rule_name(int code);

#endif
