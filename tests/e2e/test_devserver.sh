#!/usr/bin/env bash
# End-to-end tests of nautes-devserver over HTTP with curl: every endpoint and status code,
# both API generations, the repository layout and history, faults, TLS, bad input, load and a
# restart.
source "$(dirname "$0")/lib.sh"

# req METHOD PATH [CURL-ARGS...]: CODE, BODY, HDRS (response headers) of one request.
req() {
    local method=$1 path=$2
    shift 2
    CODE=$(curl -s -o "$T_TMP/body" -D "$T_TMP/hdrs" -w '%{http_code}' -X "$method" \
        "$@" "$SERVER_URL$path")
    BODY=$(cat "$T_TMP/body")
    HDRS=$(tr -d '\r' <"$T_TMP/hdrs")
}
auth() { echo "Authorization: Bearer $TOKEN"; }
JSON='Content-Type: application/json'
post() { # post PATH BODY [CURL-ARGS...]
    local path=$1 body=$2
    shift 2
    req POST "$path" -H "$(auth)" -H "$JSON" --data-binary "$body" "$@"
}
post_as() { # post_as TOKEN PATH BODY
    req POST "$2" -H "Authorization: Bearer $1" -H "$JSON" --data-binary "$3"
}
expect() { # expect NAME CODE BODY-SUBSTRING
    if [ "$CODE" = "$2" ] && grep -qF -- "$3" <<<"$BODY"; then ok "$1"; else
        fail "$1 (HTTP $CODE, want $2 with: $3)"
        echo "  | $BODY" | head -5
    fi
}
commits() { git -C "$SERVER_REPO" rev-list --count main; }
# stop_ok NAME: SIGTERM the server; it must exit 0 (under ASan: no leak, no error).
stop_ok() {
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID"
    local rc=$?
    if [ "$rc" = 0 ]; then ok "$1: clean shutdown"; else
        fail "$1: exit $rc"
        tail -20 "$SERVER_LOG" | sed 's/^/  | /'
    fi
}

KUBE=$'apiVersion: v1\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: c\ncontexts: []\nusers:\n- name: u\n  user:\n    token: secret-in-kubeconfig\n'
KUBE_JSON='"apiVersion: v1\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: c\ncontexts: []\nusers:\n- name: u\n  user:\n    token: secret-in-kubeconfig\n"'
KUBE_B64=$(printf '%s' "$KUBE" | base64 -w0)
HOST_BODY='{"api_server":"https://8.217.50.114:6443","cluster_kind":"kubernetes","cluster_type":"physical","usage":"host","primary_domain":"8.217.50.114.nip.io","traefik":{"http_node_port":"30080","https_node_port":"30443"},"kubeconfig":'$KUBE_JSON'}'
VC_BODY='{"api_server":"https://8.217.50.114:31456","cluster_kind":"kubernetes","cluster_type":"virtual","usage":"worker","worker_type":"deployment","host_cluster":"cluster-host","vcluster":{"https_node_port":"31456"}}'
PIPE_BODY='{"api_server":"https://8.217.50.114:6443","cluster_kind":"kubernetes","cluster_type":"physical","usage":"worker","worker_type":"pipeline","traefik":{"http_node_port":"31080","https_node_port":"31443"},"tekton_host":"tekton.example.com","kubeconfig":"'$KUBE_B64'"}'

# ---- flags --------------------------------------------------------------------------------
out=$("$NAUTES_DEVSERVER" --help)
rc=$?
assert_eq "--help exits 0" "$rc" 0
assert_contains "--help documents the fault syntax" "$out" "status=503,nth=2,method=POST"
"$NAUTES_DEVSERVER" --listen 127.0.0.1:0 --repo "$T_TMP/x" --token t --fault bogus 2>"$T_TMP/e"
assert_eq "a bad --fault is a usage error (exit 2)" "$?" 2
assert_contains "a bad --fault says why" "$(cat "$T_TMP/e")" "fault 'bogus': unknown word 'bogus'"

# ---- v0.3 server ----------------------------------------------------------------------------
TOKEN=tok-rw-$RANDOM
start_server --read-only-token ro-token || exit 1
case "$SERVER_URL" in http://127.0.0.1:*) ok "prints its http URL first" ;; *) fail "URL line: $SERVER_URL" ;; esac

req GET /api/v1/clusters -H "$(auth)"
expect "an empty list" 200 '{"items":[]}'
req GET /api/v1/cluster -H "$(auth)"
expect "unknown route is a plain-text 404" 404 "404 page not found"
assert_contains "404 is text/plain" "$HDRS" "Content-Type: text/plain"
req PUT /api/v1/clusters/x -H "$(auth)"
expect "wrong method is a 404" 404 "404 page not found"
req GET /api/v1/clusters/ -H "$(auth)"
assert_eq "trailing slash is a 301" "$CODE" 301
assert_contains "301 goes to the slash-less path" "$HDRS" "Location: /api/v1/clusters"
req GET /api/v1/clusters/../x -H "$(auth)" --path-as-is
assert_eq "a .. path is cleaned with a 301" "$CODE:$(grep -i '^location' <<<"$HDRS")" "301:Location: /api/v1/x"
req GET /api/v1/clusters/a%2Fb -H "$(auth)"
expect "%2F makes two segments: 404" 404 "404 page not found"

req GET /api/v1/clusters
expect "no token: 500 token is not found" 500 "token is not found"
req GET /api/v1/clusters -H "Authorization: Bearer wrong"
expect "wrong token: 500 with GitLab's 401" 500 "401 {message: 401 Unauthorized}"
req GET /api/v1/clusters -H "Authorization: Bearer   $TOKEN  "
expect "Bearer and spaces are stripped" 200 '"items"'

req POST /api/v1/clusters/cluster-host -H "$(auth)" --data-binary "$HOST_BODY"
expect "POST without Content-Type: 400 CODEC" 400 '"reason":"CODEC","message":"unregister Content-Type: application/x-www-form-urlencoded"'
post /api/v1/clusters/cluster-host '{"api_server":"https://1.2.3.4:6443","traefik":{"http_node_port":30080}}'
expect "a port as a JSON number: 400 CODEC" 400 "invalid value for string type: 30080"
post /api/v1/clusters/cluster-host '{"usage":"host","usage":"host"}'
expect "duplicate keys: 400 CODEC" 400 'duplicate field \"usage\"'
post /api/v1/clusters/cluster-host '[1,2]'
expect "a JSON array: 400 CODEC" 400 '"reason":"CODEC","message":"body unmarshal proto: syntax error (line 1:1): unexpected token ["'
post /api/v1/clusters/cluster-host 'not json'
expect "not JSON: 400 CODEC" 400 "body unmarshal proto: syntax error"
post /api/v1/clusters/cluster-host "$(printf '{"a":%.0s' $(seq 1 2000))"
expect "deep nesting: 400 CODEC" 400 '"reason":"CODEC"'
post "/api/v1/clusters/cluster-host?insecure_skip_check=maybe" "$HOST_BODY"
expect "bad insecure_skip_check: 400 CODEC" 400 'strconv.ParseBool: parsing \"maybe\": invalid syntax'
post /api/v1/clusters/cluster-host '{"cluster_kind":"kubernetes"}'
expect "missing api_server: 400 VALIDATOR" 400 '"reason":"VALIDATOR","message":"invalid SaveRequest.Body: embedded message failed validation | caused by: invalid SaveRequest_Body.ApiServer: value length must be at least 1 runes"'
post /api/v1/clusters/cluster-host '{"api_server":"https://1.2.3.4","cluster_kind":"kubernetes","cluster_type":"metal","usage":"host"}'
expect "bad cluster_type: 400 VALIDATOR" 400 "invalid SaveRequest_Body.ClusterType: value must be in list [physical virtual]"
post /api/v1/clusters/cluster-host ''
expect "an empty body skips the proto rules" 500 '"message":"the apiserver  is not an https URL"'
post /api/v1/clusters/cluster-host '{"api_server":"ftp://1.2.3.4","cluster_kind":"kubernetes","cluster_type":"physical","usage":"host"}'
expect "non-http api_server: 500" 500 '"reason":"","message":"the apiserver ftp://1.2.3.4 is not an https URL"'
post /api/v1/clusters/cluster-host '{"api_server":"https://1.2.3.4:6443","cluster_kind":"kubernetes","cluster_type":"physical","usage":"host","kubeconfig":'"$KUBE_JSON"'}'
expect "v0.3 physical without traefik: 500" 500 "traefik parameter is required when cluster type is 'Host Cluster' or 'Physical Runtime'"
post /api/v1/clusters/cluster-host '{"api_server":"https://1.2.3.4:6443","cluster_kind":"kubernetes","cluster_type":"physical","usage":"host","traefik":{}}'
expect "physical without kubeconfig: 500" 500 "failed to save kubeconfig to secret store, err: register physical cluster, kubeconfig is not empty"
post /api/v1/clusters/vc0 '{"api_server":"https://1.2.3.4:6443","cluster_kind":"kubernetes","cluster_type":"virtual","usage":"worker","worker_type":"deployment"}'
expect "virtual worker without host: 500" 500 "the 'Host Cluster' for virtual cluster is required"
post /api/v1/clusters/vc0 '{"api_server":"https://1.2.3.4:6443","cluster_kind":"kubernetes","cluster_type":"virtual","usage":"worker","worker_type":"deployment","host_cluster":"nohost"}'
expect "virtual worker on a missing host: 500" 500 "the host cluster nohost is invalid or does not exist"
post_as wrong /api/v1/clusters/cluster-host "$HOST_BODY"
expect "save with a wrong token: 500 401" 500 "401 Unauthorized"

before=$(commits)
post /api/v1/clusters/cluster-host "$HOST_BODY"
expect "save a host" 200 '{"message":"Successfully saved cluster-host cluster"}'
post /api/v1/clusters/vc1 "$VC_BODY"
expect "save a virtual worker on it" 200 '"message":"Successfully saved vc1 cluster"'
post "/api/v1/clusters/pipe1?insecure_skip_check=true" "$PIPE_BODY"
expect "save a physical pipeline worker (base64 kubeconfig)" 200 "Successfully saved pipe1 cluster"
assert_eq "one commit per save" "$(commits)" "$((before + 3))"
post /api/v1/clusters/vc1 "$VC_BODY"
assert_eq "an unchanged save makes no commit" "$(commits)" "$((before + 3))"

req GET /api/v1/clusters/vc1 -H "$(auth)"
expect "GET one" 200 '"name":"vc1","cluster_kind":"kubernetes","cluster_type":"virtual","usage":"worker","host_cluster":"cluster-host","primary_domain":"8.217.50.114.nip.io","worker_type":"deployment","api_server":"https://8.217.50.114:31456","components_list":{"multi_tenant":{"name":"hnc","namespace":"hnc-system"},"cert_mgt"'
assert_not_contains "GET never shows vcluster or argocd_host" "$BODY" "vcluster"
req GET /api/v1/clusters -H "$(auth)"
assert_not_contains "the list never shows a kubeconfig" "$BODY" "kubeconfig"
assert_eq "the list is in file order" "$(grep -o '"name":"[a-z0-9-]*","cluster_kind' <<<"$BODY" | cut -d'"' -f4 | tr '\n' ' ')" "cluster-host pipe1 vc1 "
req GET "/api/v1/clusters?field_selector=usage%3Dworker%2Ccluster_type%3Dphysical" -H "$(auth)"
assert_eq "field_selector filters (AND)" "$(grep -o '"name":"[a-z0-9-]*","cluster_kind' <<<"$BODY" | cut -d'"' -f4 | tr '\n' ' ')" "pipe1 "
req GET "/api/v1/clusters?field_selector=color%3Dred" -H "$(auth)"
expect "unknown selector key: 500" 500 "failed to get selector, the filter field color operator symbol = is not supported"
req GET "/api/v1/clusters?field_selector=usage" -H "$(auth)"
expect "selector without operator: 500" 500 "this operation symbol is not supported: usage"
req GET /api/v1/clusters/nope -H "$(auth)"
expect "GET a missing cluster: 500 not found" 500 "the cluster resource nope is not found"

# read-only token
req GET /api/v1/clusters/vc1 -H "Authorization: Bearer ro-token"
expect "read-only token reads" 200 '"name":"vc1"'
post_as ro-token /api/v1/clusters/vc1 "$VC_BODY"
expect "read-only token cannot write" 500 "failed to save git config to git repo, err: push data: remote: GitLab: You are not allowed to push code to protected branches on this project."
req DELETE /api/v1/clusters/vc1 -H "Authorization: Bearer ro-token"
expect "read-only token cannot delete" 500 "You are not allowed to push code to protected branches"

# the repository
R=$SERVER_REPO
f=$(cat "$R/nautes/overlays/production/clusters/cluster-host.yaml" 2>/dev/null)
assert_eq "the Cluster file has the real shape" "$f" "apiVersion: nautes.resource.nautes.io/v1alpha1
kind: Cluster
metadata:
  creationTimestamp: null
  name: cluster-host
  namespace: nautes
spec:
  apiServer: https://8.217.50.114:6443
  clusterKind: kubernetes
  clusterType: physical
  componentsList:
    certMgt:
      name: cert-manager
      namespace: cert-manager
    deployment:
      name: argocd
      namespace: argocd
    eventListener:
      name: argo-events
      namespace: argo-events
    ingressController:
      name: traefik
      namespace: traefik
    multiTenant:
      name: hnc
      namespace: hnc-system
    pipeline:
      name: tekton
      namespace: tekton-pipelines
    progressiveDelivery:
      name: argo-rollouts
      namespace: argo-rollouts
    secretMgt:
      name: vault
      namespace: vault
    secretSync:
      name: external-secrets
      namespace: external-secrets
  primaryDomain: 8.217.50.114.nip.io
  productAllowedClusterResources: {}
  reservedNamespacesAllowedProducts: {}
  usage: host
status:
  productIDMap: null
  warnings: null"
assert_eq "the kustomization lists the clusters in save order" "$(sed -n '/^resources:/,$p' "$R/nautes/overlays/production/clusters/kustomization.yaml")" "resources:
- cluster-host.yaml
- vc1.yaml
- pipe1.yaml"
assert_contains "host traefik node ports" "$(cat "$R/host-clusters/cluster-host/production/traefik-app.yaml")" "nodePort: 30443"
assert_contains "worker traefik node ports" "$(cat "$R/runtimes/pipe1-runtime/production/traefik-app.yaml")" "nodePort: 31080"
assert_contains "vcluster port in svc.yaml" "$(cat "$R/host-clusters/cluster-host/vclusters/vc1/vcluster-initial/svc.yaml")" "nodePort: 31456"
assert_contains "argocd host defaulted" "$(cat "$R/runtimes/vc1-runtime/argocd/overlays/production/ingress-argocd-server.yaml")" "host: argocd.vc1.8.217.50.114.nip.io"
assert_contains "tekton host given" "$(cat "$R/runtimes/pipe1-runtime/tekton/overlays/production/ingress-tekton-dashboard.yaml")" "host: tekton.example.com"
if git -C "$R" grep -q secret-in-kubeconfig main 2>/dev/null; then fail "kubeconfig in git"; else ok "no kubeconfig in git"; fi
assert_eq "the kubeconfig store is 0600 outside the repo" "$(stat -c %a "$R.kubeconfigs.json")" 600
assert_contains "the store holds the decoded kubeconfig" "$(cat "$R.kubeconfigs.json")" "secret-in-kubeconfig"
if grep -q "$TOKEN\|secret-in-kubeconfig" "$SERVER_LOG"; then fail "log leaks a secret"; else ok "the log holds no token or kubeconfig"; fi
assert_contains "the log has method, path, status" "$(cat "$SERVER_LOG")" "POST /api/v1/clusters/vc1 200"

# deletes
req DELETE /api/v1/clusters/cluster-host -H "$(auth)"
expect "v0.3 delete of a referenced host: 500" 500 "failed to validate cluster, err: cluster referenced by [cluster/vc1], not allowed to be deleted"
req DELETE "/api/v1/clusters/vc1?insecure_skip_check=1" -H "$(auth)"
expect "delete the virtual worker" 200 '{"message":"Successfully deleted vc1 cluster"}'
req DELETE /api/v1/clusters/vc1 -H "$(auth)"
expect "v0.3 delete of a missing cluster: 500" 500 "cluster vc1 does not exist or is invalid"
[ ! -e "$R/host-clusters/cluster-host/vclusters" ] && [ ! -e "$R/runtimes/vc1-runtime" ] && ok "delete removes the rendered files" || fail "rendered files left behind"
req DELETE /api/v1/clusters/cluster-host -H "$(auth)"
expect "then the host deletes" 200 "Successfully deleted cluster-host cluster"
assert_eq "commit history" "$(git -C "$R" log --format='%s|%an <%ae>' main | head -5)" "[API] Delete_Cluster: cluster-host.|Nautes Dev <dev@nautes.local>
[API] Delete_Cluster: vc1.|Nautes Dev <dev@nautes.local>
[API] Save_Cluster: pipe1.|Nautes Dev <dev@nautes.local>
[API] Save_Cluster: vc1.|Nautes Dev <dev@nautes.local>
[API] Save_Cluster: cluster-host.|Nautes Dev <dev@nautes.local>"
assert_eq "the working tree is clean after every change" "$(git -C "$R" status --porcelain)" ""

# hostile names and bodies
before=$(commits)
post /api/v1/clusters/Bad_Name "$HOST_BODY"
expect "a non DNS-1123 name is refused with a 500" 500 'metadata.name: Invalid value: \"Bad_Name\"'
post /api/v1/clusters/bad%FFname "$HOST_BODY"
expect "invalid UTF-8 in a name: 500" 500 'Invalid value: \"bad\\xffname\"'
post "/api/v1/clusters/..%2F..%2Fescape" "$VC_BODY"
assert_eq "an encoded .. path is cleaned away (301)" "$CODE" 301
head -c 10485760 /dev/zero | tr '\0' ' ' >"$T_TMP/big"
CODE=$(curl -s -o "$T_TMP/body" -w '%{http_code}' -X POST -H "$(auth)" -H "$JSON" --data-binary @"$T_TMP/big" "$SERVER_URL/api/v1/clusters/big")
BODY=$(cat "$T_TMP/body")
expect "a 10 MB body: 400 CODEC" 400 "larger than 4194304 bytes"
# a client that sends half a body and goes away
(
    exec 3<>"/dev/tcp/127.0.0.1/${SERVER_URL##*:}" || exit
    printf 'POST /api/v1/clusters/halfway HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"api_server":' >&3
)
sleep 0.2
assert_eq "bad names, big and cut bodies leave no commit" "$(commits)" "$before"
assert_eq "... and no file" "$(git -C "$R" status --porcelain --untracked-files=all)" ""
[ ! -e "$T_TMP/escape.yaml" ] && ok "nothing written outside the repository" || fail "escaped the repo"
# 500 connections open at once, then a request on each, then every answer read (bash /dev/tcp)
(
    trap '' PIPE
    fds=()
    for i in $(seq 1 500); do
        exec {fd}<>"/dev/tcp/127.0.0.1/${SERVER_URL##*:}" || continue
        fds+=("$fd")
    done
    for fd in "${fds[@]}"; do
        printf 'GET /api/v1/clusters HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n' "$TOKEN" >&"$fd"
    done
    n=0
    for fd in "${fds[@]}"; do
        IFS= read -r -t 30 -u "$fd" line && case $line in "HTTP/1.1 200"*) n=$((n + 1)) ;; esac
    done
    echo "$n"
) >"$T_TMP/load"
assert_eq "500 connections at once all get answers" "$(cat "$T_TMP/load")" 500

# restart on the same repository
post /api/v1/clusters/cluster-host "$HOST_BODY"
post /api/v1/clusters/vc1 "$VC_BODY"
stop_ok "v0.3 server"
SERVER_REPO_OVERRIDE=$R start_server || exit 1
unset SERVER_REPO_OVERRIDE
req GET /api/v1/clusters -H "$(auth)"
assert_eq "a restart serves what the repository holds" "$(grep -o '"name":"[a-z0-9-]*","cluster_kind' <<<"$BODY" | cut -d'"' -f4 | tr '\n' ' ')" "cluster-host pipe1 vc1 "
req DELETE /api/v1/clusters/cluster-host -H "$(auth)"
expect "... and still knows the references" 500 "cluster referenced by [cluster/vc1]"
kill -INT "$SERVER_PID"
wait "$SERVER_PID"
assert_eq "SIGINT shuts down cleanly (exit 0)" "$?" 0

# ---- v0.4 server ----------------------------------------------------------------------------
start_server --api-version v0.4 || exit 1
R=$SERVER_REPO
post /api/v1/clusters/h4 '{"api_server":"https://10.1.2.3:6443","cluster_kind":"kubernetes","cluster_type":"physical","usage":"host","traefik":{"http_node_port":"31111"},"kubeconfig":'"$KUBE_JSON"'}'
expect "v0.4 host without traefik" 200 "Successfully saved h4 cluster"
req GET /api/v1/clusters/h4 -H "$(auth)"
expect "v0.4 GET shape with defaults (seed traefik ignored)" 200 '"primary_domain":"10.1.2.3.nip.io","worker_type":"","api_server":"https://10.1.2.3:6443","components_list":{"multi_tenant":null,"secret_sync":null,"gateway":{"name":"traefik","namespace":"traefik","additions":{"httpNodePort":"30080","httpsNodePort":"30443"}},"deployment":null,"progressive_delivery":null,"pipeline":null,"event_listener":null},"reserved_namespaces_allowed_products":{},"product_allowed_cluster_resources":{}}'
post /api/v1/clusters/p4 '{"api_server":"https://10.1.2.3:6443","cluster_kind":"kubernetes","cluster_type":"virtual","usage":"worker","worker_type":"pipeline","host_cluster":"h4","components_list":{"gateway":{"additions":{"httpNodePort":"32080"}},"pipeline":{"name":"tekton","additions":{"host":"tekton.p4.example.com"}}}}'
expect "v0.4 virtual pipeline worker with additions" 200 "Successfully saved p4 cluster"
req GET /api/v1/clusters/p4 -H "$(auth)"
assert_contains "v0.4 event_listener is always null" "$BODY" '"event_listener":null'
assert_contains "v0.4 additions kept and defaulted" "$BODY" '"gateway":{"name":"traefik","namespace":"traefik","additions":{"httpNodePort":"32080","httpsNodePort":"30443"}}'
assert_contains "v0.4 argocd host default" "$BODY" '"additions":{"host":"argocd.p4.10.1.2.3.nip.io"}'
assert_contains "v0.4 Cluster file keeps additions" "$(cat "$R/nautes/overlays/production/clusters/p4.yaml")" '        host: tekton.p4.example.com'
assert_contains "v0.4 Cluster file has secretManagement" "$(cat "$R/nautes/overlays/production/clusters/p4.yaml")" 'secretManagement:'
post /api/v1/clusters/x4 '{"api_server":"https://10.1.2.3:6443","cluster_kind":"kubernetes","cluster_type":"virtual","usage":"host"}'
expect "v0.4 kind combination message" 500 "failed to match component type [host|virtual|], please check if the cluster x4 is correct"
post /api/v1/clusters/x4 '{"api_server":"https://10.1.2.3:6443","cluster_kind":"kubernetes","cluster_type":"virtual","usage":"worker","worker_type":"deployment","host_cluster":"nope"}'
expect "v0.4 missing host" 500 "failed to get host cluster, err: cluster nope is not found"
post /api/v1/clusters/x4 '{"api_server":"https://api.example.com:6443","cluster_kind":"kubernetes","cluster_type":"virtual","usage":"worker","worker_type":"deployment","host_cluster":"h4"}'
expect "v0.4 defaults need an IP" 500 "the value  of the component matches incorrectly"
post /api/v1/clusters/x4 '{"api_server":"https://10.1.2.3:6443","cluster_kind":"kubernetes","cluster_type":"physical","usage":"host","components_list":{"gateway":{"name":"traefik","additions":{"httpNodePort":"80a"}}},"kubeconfig":'"$KUBE_JSON"'}'
expect "v0.4 additions must match their pattern" 500 '"message":"validation of component list failed with errors: the value 80a of the component matches incorrectly, meeting the following rule: ^[0-9]+$"'
post /api/v1/clusters/x4 '{"api_server":"https://10.1.2.3:6443","cluster_kind":"kubernetes","cluster_type":"physical","usage":"host","reserved_namespaces_allowed_products":{"argocd":["p"]},"kubeconfig":'"$KUBE_JSON"'}'
expect "v0.4 reserved namespace must be a component namespace" 500 "failed to validate cluster, err: reserved namespace argocd is not in component list"
post /api/v1/clusters/x4 '{"api_server":"https://10.1.2.3:6443","cluster_kind":"kubernetes","cluster_type":"physical","usage":"host","product_allowed_cluster_resources":{"p":["x"]},"kubeconfig":'"$KUBE_JSON"'}'
expect "allowed resources must be objects" 500 "the cluster information of p must be an struct 'ClusterResourceInfo' type"
post /api/v1/clusters/x4 '{"api_server":"https://10.1.2.3:6443","cluster_kind":"kubernetes","cluster_type":"physical","usage":"host","reserved_namespaces_allowed_products":{"traefik":[1]},"kubeconfig":'"$KUBE_JSON"'}'
expect "reserved namespace values must be strings" 500 "the value of the reserved namespace must be a string"
req DELETE /api/v1/clusters/h4 -H "$(auth)"
expect "v0.4 delete of a referenced host" 500 "failed to remove cluster h4, this cluster is referenced by p4"
req DELETE /api/v1/clusters/x4 -H "$(auth)"
expect "v0.4 delete of a missing cluster" 500 "the cluster resource x4 is not found"
before=$(commits)
: >"$R/runtimes/w4-runtime" # a file where a directory must go: the save fails half-way
post /api/v1/clusters/w4 '{"api_server":"https://10.1.2.3:6443","cluster_kind":"kubernetes","cluster_type":"physical","usage":"worker","worker_type":"deployment","kubeconfig":'"$KUBE_JSON"'}'
expect "a write that fails half-way is a 500" 500 "failed to save config, err: cannot create"
assert_eq "... leaves no commit" "$(commits)" "$before"
assert_eq "... and no half-written file" "$(git -C "$R" status --porcelain --untracked-files=all)" "?? runtimes/w4-runtime"
req GET /api/v1/clusters/w4 -H "$(auth)"
expect "... and no cluster" 500 "the cluster resource w4 is not found"
rm -f "$R/runtimes/w4-runtime"
stop_ok "v0.4 server"

# ---- faults ---------------------------------------------------------------------------------
start_server --fault 'status=503,nth=2,method=POST,path=/api/v1/clusters/*,retry-after=1' \
    --fault 'drop,nth=1,method=DELETE' --fault 'status=429,share=1,method=GET,path=/api/v1/clusters/limited' \
    --fault 'delay=300,nth=1,method=GET,path=/api/v1/clusters' || exit 1
R=$SERVER_REPO
t0=$(date +%s%N)
req GET /api/v1/clusters -H "$(auth)"
t1=$(date +%s%N)
[ $(((t1 - t0) / 1000000)) -ge 300 ] && ok "delay=300 delays" || fail "no delay ($(((t1 - t0) / 1000000)) ms)"
post /api/v1/clusters/cluster-host "$HOST_BODY"
expect "fault: 1st POST passes" 200 "Successfully saved"
post /api/v1/clusters/vc1 "$VC_BODY"
assert_eq "fault: 2nd POST gets 503" "$CODE" 503
assert_contains "fault: with Retry-After" "$HDRS" "Retry-After: 1"
post /api/v1/clusters/vc1 "$VC_BODY"
expect "fault: 3rd POST passes" 200 "Successfully saved vc1"
req GET /api/v1/clusters/limited -H "$(auth)"
assert_eq "fault: share=1 answers 429" "$CODE" 429
curl -s -X DELETE -H "$(auth)" "$SERVER_URL/api/v1/clusters/vc1" >/dev/null
rc=$?
[ "$rc" != 0 ] && ok "fault: drop cuts the answer (curl exit $rc)" || fail "drop: curl succeeded"
req GET /api/v1/clusters/vc1 -H "$(auth)"
expect "fault: the dropped delete was carried out" 500 "the cluster resource vc1 is not found"
stop_ok "faults server"

start_server --latency 400 --fault collide || exit 1
pids=()
for i in 1 2 3; do
    curl -s -H "$(auth)" "$SERVER_URL/api/v1/clusters" >"$T_TMP/c$i" &
    pids+=($!)
done
wait "${pids[@]}"
assert_contains "collide: a request in the same second fails like the real server" "$(cat "$T_TMP"/c1 "$T_TMP"/c2 "$T_TMP"/c3)" "failed to clone repository, err: fatal: destination path '/tmp/product"
stop_ok "collide server"

# ---- TLS ----------------------------------------------------------------------------------
P=$T_TMP/pki
mkdir -p "$P"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=e2e-ca -keyout "$P/ca.key" -out "$P/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout "$P/srv.key" -out "$P/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$P/ext"
openssl x509 -req -in "$P/srv.csr" -CA "$P/ca.crt" -CAkey "$P/ca.key" -CAcreateserial -days 2 -extfile "$P/ext" -out "$P/srv.crt" 2>/dev/null
start_server --tls-cert "$P/srv.crt" --tls-key "$P/srv.key" || exit 1
case "$SERVER_URL" in https://127.0.0.1:*) ok "TLS: prints an https URL" ;; *) fail "TLS URL $SERVER_URL" ;; esac
req GET /api/v1/clusters -H "$(auth)" --cacert "$P/ca.crt"
expect "TLS: verified with the CA" 200 '{"items":[]}'
curl -s -o /dev/null "$SERVER_URL/api/v1/clusters"
[ $? = 60 ] && ok "TLS: unknown CA is refused by curl" || fail "TLS: curl accepted an unknown CA"
stop_ok "TLS server"
