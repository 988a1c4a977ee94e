/* rules.c — the rule codes' names (rules.h). */
#include "core/model/rules.h"

#include <stddef.h>

const char *nt_rule_name(int code)
{
    static const char *const names[] = {
        NULL, /* NT_RULE_NONE */
        "api-server-required",
        "cluster-kind-required",
        "cluster-type-enum",
        "usage-enum",
        "api-server-scheme",
        "virtual-worker-host",
        "worker-type-required",
        "worker-type-enum",
        "traefik-required",
        "kind-combination",
        "host-not-virtual",
        "host-worker-type",
        "physical-no-host",
        "virtual-needs-host",
        "reserved-namespace",
        "reserved-value",
        "allowed-resource",
        "component-unknown",
        "addition-invalid",
        "kubeconfig-required",
        "kubeconfig-invalid",
        "vcluster-port",
        "default-needs-ip",
        "host-missing",
        "name-invalid",
        "cluster-kind-value",
        "port-invalid",
        "placeholder",
        "duplicate-name",
        "host-not-declared",
        "host-not-a-host",
        "host-absent-in-use",
        "state-invalid",
        "cycle",
        "spellings-differ",
    };
    _Static_assert(sizeof(names) / sizeof(names[0]) == NT_RULE_COUNT, "a name for each rule");
    return code > 0 && code < NT_RULE_COUNT ? names[code] : NULL;
}
