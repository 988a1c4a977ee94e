#!/usr/bin/env bash
# Text from outside never reaches the terminal raw, and what people get wrong gets a sentence
# (issue 12, points 5, 6, 17, 19, 20):
#   - cluster names from a tenant repository holding ESC, CR/LF and C1 controls (the real
#     server accepts any path segment as a name) through plan (destroy lines, "Not managed"),
#     apply progress and import; values written with YAML "\e" escapes through validate and
#     plan: no ESC, CR or C1 byte in any output, everything shown escaped;
#   - import refuses names that are not DNS-1123 labels and names them; a name holding
#     \u0000 in the API's answer is refused, not cut at the NUL;
#   - a redirect from the API Server URL names the Location and the --api-server to pass;
#   - --token-file DIR, and an --api-server or NAUTES_API_SERVER with ?query or #fragment;
#   - nested ${A:-${B}} defaults, and a bad one with its file:line:col.
source "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$T_TMP/cache
GIT=(git -c user.name=e2e -c user.email=e2e@example.com -c init.defaultBranch=main)
DIR=nautes/overlays/production/clusters
ESC=$'\e'
CR=$'\r'
C1=$'\xc2\x9b'

# raw NAME: neither stdout nor stderr holds an ESC, a CR or a C1 control, and no line but the
# real summary starts with "Plan:"
raw() {
    local all=$OUT$'\n'$ERR bad=
    case "$all" in *"$ESC"*) bad="ESC" ;; esac
    case "$all" in *"$CR"*) bad="$bad CR" ;; esac
    case "$all" in *"$C1"*) bad="$bad C1" ;; esac
    if grep '^Plan: ' <<<"$all" | grep -qv '^Plan: [0-9]* to add, [0-9]* to change, [0-9]* to replace, [0-9]* to destroy\.$'; then
        bad="$bad forged-plan-line"
    fi
    if [ -n "$bad" ]; then
        fail "$1: nothing raw reaches the terminal (found:$bad)"
        printf '%s\n' "$all" | cat -v | head -20 | sed 's/^/  | /'
    else ok "$1: nothing raw reaches the terminal"; fi
}

start_server || exit 1
cp "$ROOT/examples/demo/kubeconfigs/host.yaml" "$T_TMP/host-kubeconfig.yaml"
cat >"$T_TMP/clusters.yaml" <<'EOF'
clusters:
  - name: cluster-host
    api_server: https://8.217.50.114:6443
    cluster_type: physical
    usage: host
    primary_domain: 8.217.50.114.nip.io
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig_file: host-kubeconfig.yaml
EOF
F=$T_TMP/clusters.yaml
check_rc "apply creates the host through the local server" 0 apply "$F" --auto-approve

# ---- point 5: hostile names and values from a tenant repository --------------------------
"${GIT[@]}" clone -q "$SERVER_REPO" "$T_TMP/evil"
HOSTFILE=$T_TMP/evil/$DIR/cluster-host.yaml
sed -e 's/^  name: cluster-host$/  name: "evil\\e[2J\\e[H\\r\\nPlan: 0 to add"/' \
    -e 's|apiServer: https://8.217.50.114:6443|apiServer: "https://8.217.50.114:6443\\e[31m"|' \
    "$HOSTFILE" >"$T_TMP/evil/$DIR/evil.yaml"
sed -e 's/^  name: cluster-host$/  name: "c1\\x9b31mname"/' "$HOSTFILE" >"$T_TMP/evil/$DIR/c1.yaml"
"${GIT[@]}" -C "$T_TMP/evil" add -A && "${GIT[@]}" -C "$T_TMP/evil" commit -qm evil
EVIL=git:$T_TMP/evil

check_rc "plan with hostile names in the repository" 0 plan "$F" --state "$EVIL"
raw "plan (Not managed)"
assert_contains "the unmanaged name is shown escaped" "$OUT" \
    '  evil\u001b[2J\u001b[H\r\nPlan: 0 to add'
assert_contains "a C1 control is shown escaped" "$OUT" '  c1\u009b31mname'
check_rc "plan --prune with hostile names" 0 plan "$F" --state "$EVIL" --prune --no-color
raw "plan --prune (destroy lines)"
assert_contains "the destroy line is escaped" "$OUT" \
    '- destroy evil\u001b[2J\u001b[H\r\nPlan: 0 to add (physical host)'
check_rc "plan --prune --json with hostile names" 0 plan "$F" --state "$EVIL" --prune --json
raw "plan --json"
# apply observes the repository and sends the deletes to the local server, which refuses
# such names: the progress and failure lines carry the names
check_rc "apply --prune of hostile names fails" 1 apply "$F" --state "$EVIL" --prune \
    --auto-approve --retries 0
raw "apply --prune (progress lines)"
assert_contains "the apply line names the cluster escaped" "$OUT" \
    'evil\u001b[2J\u001b[H\r\nPlan: 0 to add: failed: DELETE /api/v1/clusters/evil%1B'

# values written with YAML "\e" escapes, and a name that is not a DNS label
cat >"$T_TMP/escapes.yaml" <<'EOF'
clusters:
  - name: "esc\e[2Jname"
    api_server: "ftp://10.0.0.5:6443\e[2J\r\nPlan: 0 to add"
    cluster_type: physical
    usage: worker
    worker_type: pipeline
    primary_domain: "10.0.0.5.nip.io\x9b"
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig_file: host-kubeconfig.yaml
EOF
check_rc "validate of values with YAML \\e escapes fails" 1 validate "$T_TMP/escapes.yaml"
raw "validate"
assert_contains "the name is shown escaped" "$ERR" 'esc\u001b[2Jname'
assert_contains "the value is shown escaped" "$ERR" '\u001b[2J\r\nPlan: 0 to add'
nautes graph "$T_TMP/escapes.yaml"
raw "graph"
assert_contains "the graph's node is escaped" "$OUT" '"esc\u001b[2Jname" [label="esc\u001b[2Jname\n'

# ---- point 6: import refuses names that are not DNS-1123 labels ---------------------------
check_rc "import of a repository with hostile names fails" 1 import --state "$EVIL" \
    --out "$T_TMP/imported.yaml"
raw "import"
assert_contains "import names the first hostile name" "$ERR" \
    "error: cannot import cluster 'evil\\u001b[2J\\u001b[H\\r\\nPlan: 0 to add': its name is not a DNS-1123 label"
assert_contains "and the second" "$ERR" "error: cannot import cluster 'c1\\u009b31mname'"
if [ -e "$T_TMP/imported.yaml" ]; then fail "no file is written"; else ok "no file is written"; fi
check_rc "import --name of the others works" 0 import --state "$EVIL" --name 'cluster-*' \
    --out "$T_TMP/imported.yaml"
mkdir -p "$T_TMP/kubeconfigs" && cp "$T_TMP/host-kubeconfig.yaml" "$T_TMP/kubeconfigs/cluster-host.yaml"
check_rc "and the tool reads what it imported" 0 validate "$T_TMP/imported.yaml"
stop_server

# a name holding \u0000 in the API's answer (the fault answers the list itself)
start_server --fault 'status=200,method=GET,path=/api/v1/clusters,message={"items":[{"name":"victim\u0000x"}]}' ||
    exit 1
check_rc "a list naming victim\\u0000x is refused" 1 plan "$F"
assert_contains "with a sentence naming the whole name" "$ERR" \
    "bad item 1: its name 'victim\\u0000x' holds \\u0000 (a NUL character, which would cut it short): refused"
check_rc "import of it is refused too" 1 import
assert_not_contains "and nothing is imported as victim" "$OUT" "name: victim"
stop_server

# ---- point 17: a redirect from the API Server URL ----------------------------------------
start_server --fault 'status=301,location=https://nautes.example:31443/api/v1/clusters' || exit 1
check_rc "a 301 from the API Server URL fails" 1 plan "$F"
assert_contains "naming the Location and the URL to pass" "$ERR" \
    "HTTP 301: the server redirects to https://nautes.example:31443/api/v1/clusters, and nautes follows no redirect (the token goes only to the URL given): pass --api-server https://nautes.example:31443"
assert_not_contains "not an empty answer" "$ERR" "(empty answer)"
stop_server
start_server --fault 'status=308,location=/elsewhere' || exit 1
check_rc "a redirect within the same server fails" 1 plan "$F"
assert_contains "and asks whether the URL is right" "$ERR" \
    "HTTP 308: the server redirects to $SERVER_URL/elsewhere, and nautes follows no redirect (the token goes only to the URL given): is --api-server the API Server's URL?"
stop_server

# ---- point 19: --token-file DIR, a base URL with ?query or #fragment ----------------------
start_server || exit 1
mkdir -p "$T_TMP/tokdir"
check_rc "--token-file DIR fails" 1 plan "$F" --token-file "$T_TMP/tokdir"
assert_eq "saying it is a directory" "$ERR" \
    "error: --token-file $T_TMP/tokdir is a directory: give the file that holds the token"
check_rc "--api-server with a ?query fails" 1 plan "$F" --api-server "$SERVER_URL?private_token=qsecret"
assert_eq "saying so without repeating the query" "$ERR" \
    "error: the API server URL $SERVER_URL... holds a query ('?...'): give only the scheme, host, port and path (the client adds /api/v1/...)"
NAUTES_API_SERVER="$SERVER_URL/#frag" nautes plan "$F"
assert_eq "NAUTES_API_SERVER with a #fragment fails" "$RC" 1
assert_contains "saying so" "$ERR" "holds a fragment ('#...')"

# ---- point 20: nested defaults -----------------------------------------------------------
cat >"$T_TMP/nested.yaml" <<'EOF'
clusters:
  - name: cluster-host
    api_server: https://8.217.50.114:6443
    cluster_type: physical
    usage: host
    primary_domain: ${NT_E2E_UNSET:-${NT_E2E_DOMAIN}}
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig_file: host-kubeconfig.yaml
EOF
NT_E2E_DOMAIN=nested.example nautes plan "$T_TMP/nested.yaml" --no-color
assert_eq "a nested default is interpolated (exit 0)" "$RC" 0
assert_contains "the plan shows the inner variable's value" "$OUT" \
    '+ primary_domain: "nested.example"'
assert_not_contains "never the literal \${...}" "$OUT$ERR" '${'
check_rc "an unset inner variable is an error" 1 validate "$T_TMP/nested.yaml"
assert_contains "at its own line and column" "$ERR" \
    "nested.yaml:6:37: error: environment variable NT_E2E_DOMAIN is not set"
sed -i 's/\${NT_E2E_DOMAIN}}/${NT_E2E_DOMAIN}/' "$T_TMP/nested.yaml"
NT_E2E_DOMAIN=x check_rc "an unterminated nested default is an error" 1 validate "$T_TMP/nested.yaml"
assert_contains "at the outer reference" "$ERR" \
    "nested.yaml:6:21: error: unterminated '\${NT_E2E_UNSET:-': add the closing '}'"

# ---- a 200 answer that is an error body quoting the token: redacted like any message -------
stop_server
TOKEN=quoted-token-$RANDOM$RANDOM
start_server --fault "status=200,method=GET,path=/api/v1/clusters,message={\"message\":\"bad token $TOKEN\"}" ||
    exit 1
check_rc "a 200 error body instead of a list fails" 1 plan "$F"
assert_contains "quoting the message" "$ERR" "answered with an error instead of a list: bad token [REDACTED]"
assert_not_contains "without the token" "$ERR" "$TOKEN"
