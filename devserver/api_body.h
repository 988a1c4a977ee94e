/* api_body.h — the local server's side of the Cluster API's JSON (docs/api-server.md §3, 4).
 * Server-only: build/nautes does not link it. */
#ifndef NT_DEVSERVER_API_BODY_H
#define NT_DEVSERVER_API_BODY_H

#include "core/base/buf.h"
#include "core/model/model.h"

#include <cjson/cJSON.h>

/* Server side: read a SaveCluster body the way the real server's protojson codec does:
 * unknown keys dropped, JSON numbers for string fields, duplicate keys, non-objects and
 * invalid JSON refused with the CODEC message in codec_err (returns -1). The cluster gets
 * `name` from the path. */
int nt_api_body_parse(const char *name, const char *body, size_t len, nt_cluster **out,
                      nt_buf *codec_err);

/* Server side: the cluster object of a GET / list item for generation gen: every key, in
 * the real order, "" / null / {} for what is unset; never kubeconfig, vcluster, traefik,
 * argocd_host, tekton_host. */
cJSON *nt_api_cluster_to_json(const nt_cluster *c, nt_api_gen gen);

#endif
