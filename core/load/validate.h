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
#include "core/model/rules.h"

typedef struct nt_validate_opts {
    nt_api_gen gen; /* UNKNOWN: rules of either generation; v0.3-only ones become warnings */
    bool server;    /* the local server: only the checks the real server makes, in its order */
} nt_validate_opts;

/* The rules about one cluster. Entries with state: absent are only checked for their name.
 * Returns 0 when no error was added. */
int nt_validate_cluster(const nt_cluster *c, const nt_validate_opts *o, nt_diag *diag);

/* nt_validate_cluster for each cluster, then the whole-set rules. */
int nt_validate_set(const nt_cluster_set *set, const nt_validate_opts *o, nt_diag *diag);

/* nt_validate_set, recording in ends[i] how many items it had added once cluster i was
 * validated (ends holds set->n sizes): what nt_validate_set_again reads. */
int nt_validate_set_marked(const nt_cluster_set *set, const nt_validate_opts *o, nt_diag *diag,
                           size_t *ends);

/* What nt_validate_set(set, {gen, client}) adds to diag, made from what it found for
 * NT_GEN_UNKNOWN: `unknown` holds exactly the items nt_validate_set_marked added for that
 * generation, with its ends. Only the clusters whose rules read the generation are validated
 * again (for v0.4: a physical cluster, traefik; reserved namespaces, the namespaces each
 * generation gives the components; for v0.3 every cluster: it also skips additions and the
 * v0.4 spellings); every other cluster's findings and the whole-set findings are copied, in
 * nt_validate_set's order. tests/test_validate.c checks it against nt_validate_set on every
 * file in testdata/. Returns nt_validate_set's result. */
int nt_validate_set_again(const nt_cluster_set *set, nt_api_gen gen, const nt_diag *unknown,
                          const size_t *ends, nt_diag *diag);

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
