#!/usr/bin/env bash
# Secrets never leave the places they belong: a canary token and a canary kubeconfig (unique
# strings made here) go through every command and flag combination that prints something:
# validate, plan (text, --json, --verbose, --out + show + show --json, --junit), apply with
# successes, retries and failures (faults), graph, import, a --state git:file:// run. Neither
# canary may appear in any stdout or stderr, a saved plan, a JUnit report, the cache
# directory, the local server's log, or its repository (every commit and the working tree).
# The kubeconfig canary must reach the server's kubeconfig store (so the test proves the
# secret really went through). Saved plans are 0600, the cache 0700, and a token about to be
# sent over plain http:// to a host that is not loopback gets a warning first.
. "$(dirname "$0")/lib.sh"

export XDG_CACHE_HOME=$T_TMP/cache
export NAUTES_RETRY_BASE_MS=10
CANARY_TOKEN=canary-token-$RANDOM$RANDOM-$$
CANARY_KUBE=canary-kube-$RANDOM$RANDOM-$$
TOKEN=$CANARY_TOKEN
export NAUTES_TOKEN=$CANARY_TOKEN
KUBE_B64=$(printf 'kubeconfig-with-%s' "$CANARY_KUBE" | base64 -w0)

mkdir -p "$T_TMP/w/kubeconfigs"
kubeconfig() { # NAME: a kubeconfig whose user token is the kubeconfig canary
    cat <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: $1
    cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: ZGVtby1jYQ==}
contexts:
  - name: $1
    context: {cluster: $1, user: $1}
current-context: $1
users:
  - name: $1
    user: {token: $CANARY_KUBE}
EOF
}
kubeconfig host >"$T_TMP/w/kubeconfigs/host.yaml"
export SECRETS_WORKER_KUBECONFIG
SECRETS_WORKER_KUBECONFIG=$(kubeconfig worker)
F=$T_TMP/w/clusters.yaml
cat >"$F" <<'EOF'
clusters:
  - name: sec-host
    api_server: https://10.0.0.6:6443
    cluster_type: physical
    usage: host
    primary_domain: 10.0.0.6.nip.io
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig_file: kubeconfigs/host.yaml
  - name: sec-virtual
    api_server: https://10.0.0.6:31456
    cluster_type: virtual
    usage: worker
    worker_type: deployment
    host_cluster: sec-host
    primary_domain: 10.0.0.6.nip.io
    argocd_host: argocd.sec-virtual.10.0.0.6.nip.io
    vcluster: {https_node_port: "31456"}
  - name: sec-worker
    api_server: https://10.0.0.7:6443
    cluster_type: physical
    usage: worker
    worker_type: pipeline
    primary_domain: 10.0.0.7.nip.io
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig: ${SECRETS_WORKER_KUBECONFIG}
EOF

# Keep every output; `sweep NAME` checks the last command's stdout and stderr for both canaries.
SWEPT=0
sweep() {
    SWEPT=$((SWEPT + 1))
    printf '%s\n%s\n' "$OUT" "$ERR" >"$T_TMP/outputs.$SWEPT"
    local leaked=
    case "$OUT$ERR" in *"$CANARY_TOKEN"*) leaked="the token" ;; esac
    case "$OUT$ERR" in *"$CANARY_KUBE"* | *"$KUBE_B64"*) leaked="${leaked:+$leaked and }the kubeconfig" ;; esac
    if [ -n "$leaked" ]; then
        fail "$1 prints no secret ($leaked leaked)"
        printf '%s\n%s\n' "$OUT" "$ERR" | grep -nF -e "$CANARY_TOKEN" -e "$CANARY_KUBE" | head -5 | sed 's/^/  | /'
    else ok "$1 prints no secret"; fi
}
# run NAME RC ARGS...: check_rc, then sweep
run() {
    local name=$1
    check_rc "$@"
    sweep "$name"
}
# no_canary NAME PATH...: neither canary in the files (recursively)
no_canary() {
    local name=$1
    shift
    if grep -rlF -e "$CANARY_TOKEN" -e "$CANARY_KUBE" -e "$KUBE_B64" "$@" 2>/dev/null | head -3 | grep -q .; then
        fail "$name holds no secret"
        grep -rlF -e "$CANARY_TOKEN" -e "$CANARY_KUBE" "$@" 2>/dev/null | head -3 | sed 's/^/  | /'
    else ok "$name holds no secret"; fi
}
mode_is() { # NAME PATH MODE
    assert_eq "$1" "$(stat -c %a "$2" 2>/dev/null)" "$3"
}

# ---- the token-over-plain-http warning comes before any connection -------------------------
nautes plan "$F" --api-server http://nautes.invalid:8000 --timeout 1
sweep "plan against an unresolvable http:// host"
assert_eq "fails (nothing there)" "$RC" 1
assert_eq "the warning is the first line, before the connection error" \
    "$(head -n1 <<<"$ERR")" \
    "warning: the token is sent unencrypted to http://nautes.invalid:8000 (http://): use https://"
nautes plan "$F" --api-server http://127.0.0.1:1 --timeout 1
assert_not_contains "no such warning for loopback" "$ERR" "unencrypted"

# ---- a local server with every command ------------------------------------------------------
start_server || exit 1
MAIN_LOG=$SERVER_LOG
run "validate" 0 validate "$F"
run "validate of a file with errors" 1 validate "$F" "$ROOT/testdata/invalid/duplicate-key.yaml"
cat >"$T_TMP/w/bad-kubeconfig.yaml" <<EOF
clusters:
  - name: sec-bad
    api_server: https://10.0.0.8:6443
    cluster_type: physical
    usage: worker
    worker_type: pipeline
    primary_domain: 10.0.0.8.nip.io
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig: "not a kubeconfig but it holds $CANARY_KUBE"
    kubeconfig_file: kubeconfigs/host.yaml
EOF
nautes validate "$T_TMP/w/bad-kubeconfig.yaml"
sweep "validate of a kubeconfig given twice (and one malformed)"
assert_eq "which is an error" "$RC" 1
run "graph" 0 graph "$F"
run "plan" 0 plan "$F"
assert_contains "the plan shows the kubeconfig as sensitive" "$OUT" "(sensitive)"
run "plan --json" 0 plan "$F" --json
run "plan --verbose" 0 plan "$F" --verbose
assert_contains "the trace is there" "$ERR" "> GET /api/v1/clusters"
run "plan --detailed-exitcode --no-color" 2 plan "$F" --detailed-exitcode --no-color
run "plan --out --junit" 0 plan "$F" --out "$T_TMP/w/saved.plan" --junit "$T_TMP/w/plan.xml"
mode_is "a saved plan is private (0600)" "$T_TMP/w/saved.plan" 600
no_canary "the saved plan" "$T_TMP/w/saved.plan"
no_canary "the JUnit report" "$T_TMP/w/plan.xml"
run "show" 0 show "$T_TMP/w/saved.plan"
run "show --json" 0 show "$T_TMP/w/saved.plan" --json
run "show --verbose" 0 show "$T_TMP/w/saved.plan" --verbose
run "apply of the saved plan --verbose" 0 apply "$T_TMP/w/saved.plan" --verbose
assert_contains "which saved every cluster" "$OUT" "3 created"
run "apply --force-update (a physical cluster saved again)" 0 apply "$F" --auto-approve \
    --force-update sec-worker --verbose
run "plan after apply (no changes)" 0 plan "$F" --verbose --detailed-exitcode
run "import" 0 import
assert_contains "import names a kubeconfig_file instead" "$OUT" "kubeconfig_file: kubeconfigs/sec-host.yaml"
run "import --out" 0 import --out "$T_TMP/w/imported.yaml"
no_canary "the imported file" "$T_TMP/w/imported.yaml"
run "plan --state git:file:// (cache)" 0 plan "$F" --state "git:file://$SERVER_REPO"
run "import --state git:file://" 0 import --state "git:file://$SERVER_REPO"
CACHE_DIR=$XDG_CACHE_HOME/nautes
mode_is "the cache is private (0700)" "$CACHE_DIR" 700
no_canary "the cache directory" "$CACHE_DIR"

# ---- apply with failures: faults, retries, a server message that echoes the token ----------
stop_server
TOKEN=$CANARY_TOKEN start_server \
    --fault 'status=503,method=POST,nth=1' --fault 'drop,method=POST,nth=2' \
    --fault 'status=500,method=POST,path=/api/v1/clusters/sec-worker,message=failed to validate: quota' ||
    exit 1
FAULT_LOG=$SERVER_LOG
FAULT_REPO=$SERVER_REPO
run "apply with retries and a failure" 1 apply "$F" --auto-approve --verbose
assert_contains "the failure is reported" "$OUT$ERR" "sec-worker"
assert_contains "the summary counts the retries" "$OUT" " retr"
run "apply with a failure, no --verbose" 1 apply "$F" --auto-approve --parallelism 4
stop_server

# ---- a server or proxy whose error quotes the request body (issue 12 point 3) -------------
# The kubeconfig goes out raw, JSON-escaped in the body and, for the second cluster, in
# base64; the answers repeat the whole body (JSON-escaped again in a 500's JSON message, as
# received in a plain-text 400). Nothing of it may come back out: not the canary, not the
# key, certificate, token or password values (any 16-byte slice), not the base64 form.
ECHO_KEY=$(printf -- '-----BEGIN PRIVATE KEY-----\nMIIE%s%s\n-----END PRIVATE KEY-----\n' \
    "$(head -c 60 /dev/urandom | base64 -w0)" "$(printf %s "$CANARY_KUBE" | base64 -w0)" | base64 -w0)
ECHO_CERT=$(printf -- '-----BEGIN CERTIFICATE-----\nMIIC%s\n-----END CERTIFICATE-----\n' \
    "$(head -c 60 /dev/urandom | base64 -w0)" | base64 -w0)
ECHO_TOK=$(head -c 30 /dev/urandom | base64 -w0 | tr -d '+/=')
ECHO_PW=pw-$CANARY_KUBE-$RANDOM
cat >"$T_TMP/w/kubeconfigs/echo.yaml" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: echo
  cluster:
    server: https://10.0.0.9:6443
contexts:
- name: echo
  context: {cluster: echo, user: echo}
current-context: echo
users:
- name: echo
  user:
    client-certificate-data: $ECHO_CERT
    client-key-data: $ECHO_KEY
    token: $ECHO_TOK
- name: basic
  user:
    username: admin
    password: "$ECHO_PW"
EOF
export SECRETS_ECHO_B64
SECRETS_ECHO_B64=$(base64 -w0 <"$T_TMP/w/kubeconfigs/echo.yaml")
cat >"$T_TMP/w/echo.yaml" <<'EOF'
clusters:
  - name: sec-echo
    api_server: https://10.0.0.9:6443
    cluster_type: physical
    usage: worker
    worker_type: pipeline
    primary_domain: 10.0.0.9.nip.io
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig_file: kubeconfigs/echo.yaml
  - name: sec-echo64
    api_server: https://10.0.0.10:6443
    cluster_type: physical
    usage: worker
    worker_type: pipeline
    primary_domain: 10.0.0.10.nip.io
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig: ${SECRETS_ECHO_B64}
EOF
# no_slice NAME SECRET: no 16-byte slice of SECRET (every 8th offset, and its end) in OUT/ERR
no_slice() {
    local name=$1 s=$2 i leaked=
    for ((i = 0; i + 16 <= ${#s}; i += 8)); do
        case "$OUT$ERR" in *"${s:i:16}"*) leaked=${s:i:16} && break ;; esac
    done
    case "$OUT$ERR" in *"${s: -16}"*) leaked=${s: -16} ;; esac
    if [ -n "$leaked" ]; then
        fail "$name: nothing of it is printed (found '$leaked')"
        printf '%s\n%s\n' "$OUT" "$ERR" | grep -nF -e "$leaked" | head -3 | cut -c1-300 | sed 's/^/  | /'
    else ok "$name: nothing of it is printed"; fi
}
echo_sweep() { # NAME
    sweep "$1"
    no_slice "$1: the client key" "$ECHO_KEY"
    no_slice "$1: the client certificate" "$ECHO_CERT"
    no_slice "$1: the token of the kubeconfig" "$ECHO_TOK"
    no_slice "$1: the password of the kubeconfig" "$ECHO_PW"
    no_slice "$1: the base64 kubeconfig" "$SECRETS_ECHO_B64"
}
for fault in 'status=500,echo,method=POST,message=failed to validate' 'status=400,echo,method=POST'; do
    start_server --fault "$fault" || exit 1
    run "apply against a server echoing the body ($fault)" 1 apply "$T_TMP/w/echo.yaml" \
        --auto-approve --retries 0 --verbose
    echo_sweep "apply against a server echoing the body ($fault)"
    assert_contains "the echoed message is still shown ($fault)" "$OUT$ERR" "invalid request body: "
    assert_contains "with the secrets redacted ($fault)" "$OUT$ERR" "[REDACTED]"
    assert_contains "and what is not secret kept ($fault)" "$OUT$ERR" "10.0.0.9.nip.io"
    run "apply --parallelism 2 against it ($fault)" 1 apply "$T_TMP/w/echo.yaml" \
        --auto-approve --retries 1 --parallelism 2
    echo_sweep "apply --parallelism 2 against it ($fault)"
    stop_server
done

# a git error echoing the clone URL with the token inside must come out redacted; this
# server's own command line holds the token, so its log is not swept
start_server --fault "status=500,method=POST,message=failed to clone https://oauth2:$CANARY_TOKEN@gitlab.local/t.git" ||
    exit 1
run "apply whose server message holds the token" 1 apply "$F" --auto-approve --retries 0
assert_contains "the message is shown, redacted" "$OUT$ERR" "failed to clone https://oauth2:"
stop_server

# ---- the server's side: log, repository (history and working tree), kubeconfig store -------
for log in "$MAIN_LOG" "$FAULT_LOG"; do
    no_canary "the local server's log $(basename "$log")" "$log"
done
for repo in "$T_TMP"/repo-*; do
    [ -d "$repo/.git" ] || continue
    [ "$repo" = "$SERVER_REPO" ] && continue # the leaky server: no cluster was saved
    revs=$(git -C "$repo" rev-list --all)
    # shellcheck disable=SC2086
    if git -C "$repo" grep -qF -e "$CANARY_TOKEN" -e "$CANARY_KUBE" -e "$KUBE_B64" $revs -- 2>/dev/null; then
        fail "the repository $(basename "$repo") holds no secret in its history"
    else ok "the repository $(basename "$repo") holds no secret in its history ($(wc -w <<<"$revs") commits)"; fi
    no_canary "the working tree of $(basename "$repo")" --exclude-dir=.git "$repo"
done
KSTORE=$FAULT_REPO.kubeconfigs.json
if grep -qF "$CANARY_KUBE" "$KSTORE" 2>/dev/null; then
    ok "the kubeconfig did reach the server's kubeconfig store (the test sends the secret)"
else fail "the kubeconfig did reach the server's kubeconfig store ($KSTORE)"; fi
mode_is "the kubeconfig store is private (0600)" "$KSTORE" 600
echo "swept $SWEPT command outputs"
