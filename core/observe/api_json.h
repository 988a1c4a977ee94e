/* api_json.h — the Nautes Cluster API's JSON (cJSON), both directions, one place.
 *
 * Client side: the SaveCluster request body, the list response, error bodies.
 * Server side (nautes-devserver): the request body as protojson reads it (CODEC errors), and
 * the cluster object a GET or list returns for a given generation (docs/api-server.md §3, 4). */
#ifndef NT_API_JSON_H
#define NT_API_JSON_H

#include "core/base/buf.h"
#include "core/base/diag.h"
#include "core/model/model.h"

#include <cjson/cJSON.h>

/* The SaveCluster body for c (docs/api-server.md §3): snake_case keys, ports as JSON strings,
 * kubeconfig JSON-escaped, declared fields only (cluster_kind "kubernetes" when omitted),
 * and both spellings so one body works on v0.3 and v0.4 servers (3.4): traefik /
 * argocd_host / tekton_host and components_list.{gateway,deployment,pipeline}.additions,
 * each derived from the other when the file gives one only (nt_cluster_either). The name is not in
 * the body (it is the path). Returns a string the caller frees with nt_api_body_free (it may hold
 * the kubeconfig and is wiped). */
char *nt_api_body_build(const nt_cluster *c);
void nt_api_body_free(char *body);

/* Parse a ListClusters response ({"items": [...]}) into a new set sorted by name, with
 * set->gen detected from the components_list keys (4.2, 10) and set->visible set to the
 * fields the API returns. Defensive: an HTML page from a proxy, a truncated body or wrong
 * types give one clear error in diag. Returns 0 or -1. */
int nt_api_list_parse(const char *body, size_t len, nt_cluster_set **out, nt_diag *diag);

/* Parse one cluster object (4.1) into a new cluster; -1 with a message in err. */
int nt_api_cluster_from_json(const cJSON *obj, nt_cluster **out, nt_buf *err);

/* Parse an error body {"code","reason","message","metadata"} (4.4). Returns 0 when the body
 * had that shape; *reason and *message are malloc'd (free them). */
int nt_api_error_parse(const char *body, size_t len, long *code, char **reason, char **message);

#endif
