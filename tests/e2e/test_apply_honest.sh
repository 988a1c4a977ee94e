#!/usr/bin/env bash
# Honest apply results: a 2xx answer that is not the API Server's success body (a proxy's login
# page) is a failure, not "created"; after Ctrl-C (SIGINT) the summary counts exactly what
# was done (a replace interrupted after its DELETE counts the delete) and the exit status is 1
# even when the request in flight was the last one.
. "$(dirname "$0")/lib.sh"

W=$T_TMP/work
mkdir -p "$W/kubeconfigs"
cp "$ROOT/examples/physical-worker-deployment.yaml" "$W/clusters.yaml"
cp "$ROOT/examples/kubeconfigs/physical-deployment.yaml" "$W/kubeconfigs/"
cd "$W"
summary() { grep -E '^Apply (complete|failed|interrupted):' <<<"$OUT"; }
commits() { git -C "$SERVER_REPO" rev-list --count HEAD; }

# ---- a login page answered with 200 ---------------------------------------------------------
start_server --fault "status=200,method=POST,message=<html><title>Sign in</title>session $RANDOM"
TOKEN_NOW=$TOKEN
before=$(commits)
check_rc "a 200 login page instead of the API's answer fails the apply" 1 apply clusters.yaml \
    --auto-approve
assert_contains "... the step failed, showing the answer's first line" "$OUT" \
    "cluster-physical: failed: POST /api/v1/clusters/cluster-physical: HTTP 200: not the API Server's answer (text/plain"
assert_contains "... and the answer itself" "$OUT" "<html><title>Sign in</title>"
assert_contains "... with a hint about proxies" "$OUT" "a proxy or a login page answered"
assert_not_contains "... not counted as created" "$OUT" "cluster-physical: created"
assert_contains "... in the summary too" "$(summary)" "Apply failed: 0 created, 0 updated, 0 replaced, 0 deleted, 1 failed"
assert_not_contains "... and no token shown" "$OUT$ERR" "$TOKEN_NOW"
assert_eq "nothing was stored" "$(commits)" "$before"
stop_server

# ---- Ctrl-C during a replace's DELETE --------------------------------------------------------
start_server
REPO=$SERVER_REPO
check_rc "create the deployment worker" 0 apply clusters.yaml --auto-approve
stop_server
sed -i 's/worker_type: deployment/worker_type: pipeline/' clusters.yaml
SERVER_REPO_OVERRIDE=$REPO start_server --latency 1500
check_rc "changing worker_type plans a replace" 0 plan clusters.yaml
assert_contains "... a replace" "$OUT" "-/+ replace cluster-physical"

# apply_interrupted ARGS...: run apply in the background, press Ctrl-C once its first request
# to a cluster was sent (the --verbose trace shows it), collect output and status.
apply_interrupted() {
    "${WRAP[@]}" "$NAUTES" apply "$@" --auto-approve --verbose >"$T_TMP/int.out" \
        2>"$T_TMP/int.err" </dev/null &
    local pid=$! i
    for i in $(seq 200); do
        grep -qE '(DELETE|POST) [^ ]*/api/v1/clusters/' "$T_TMP/int.err" 2>/dev/null && break
        sleep 0.05
    done
    sleep 0.2
    kill -INT "$pid"
    wait "$pid"
    RC=$?
    OUT=$(cat "$T_TMP/int.out")
    ERR=$(cat "$T_TMP/int.err")
}

apply_interrupted clusters.yaml
assert_eq "an apply interrupted during a replace's DELETE exits 1" "$RC" 1
assert_contains "... the DELETE in flight finished" "$OUT" "cluster-physical: deleted, to be re-created"
assert_contains "... and the summary counts it" "$(summary)" \
    "Apply interrupted: 0 created, 0 updated, 0 replaced, 1 deleted, 0 failed, 0 skipped, 1 not started"
assert_contains "... and says how to finish" "$OUT" "Run the same apply again to finish."
check_rc "the cluster is gone on the server" 0 plan clusters.yaml
assert_contains "... so the next plan creates it" "$OUT" "+ create cluster-physical"

# ---- Ctrl-C during the last request ------------------------------------------------------------
apply_interrupted clusters.yaml
assert_eq "an apply interrupted during its last request exits 1" "$RC" 1
assert_contains "... the request in flight finished" "$OUT" "cluster-physical: created"
assert_contains "... and the summary says interrupted, counting it" "$(summary)" \
    "Apply interrupted: 1 created, 0 updated, 0 replaced, 0 deleted, 0 failed, 0 skipped"
check_rc "nothing is left to do" 0 plan clusters.yaml --detailed-exitcode
