#!/usr/bin/env bash
# make demo: the whole story against the local Nautes API server.
#   validate -> plan -> apply -> plan again (no changes) -> a drift made behind the tool's
#   back -> plan shows it -> apply fixes it.
# The server runs on a loopback port the kernel picks, on a temporary tenant repository, and
# is stopped when the demo ends (on a terminal, after you press Enter, so you can try curl).
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
NAUTES=$BUILD/nautes
DEVSERVER=$BUILD/nautes-devserver
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nautes-demo.XXXXXX")
SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
export NO_COLOR=${NO_COLOR:-}
step() { printf '\n\033[1m==> %s\033[0m\n' "$*" | { [ -t 1 ] && cat || sed 's/\x1b\[[0-9;]*m//g'; }; }
run() { printf '$ %s\n' "$*"; "$@"; }

TOKEN=demo-token-$RANDOM$RANDOM
printf '%s\n' "$TOKEN" >"$WORK/token"
chmod 600 "$WORK/token"

step "Start the local Nautes API server (v0.3, as in the seed document)"
"$DEVSERVER" --listen 127.0.0.1:0 --repo "$WORK/tenant" --token "$TOKEN" --api-version v0.3 \
    >"$WORK/server.out" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 100); do
    URL=$(head -n1 "$WORK/server.out" 2>/dev/null || true)
    case "$URL" in http*) break ;; esac
    sleep 0.05
done
echo "listening on $URL (tenant repository: $WORK/tenant)"
export NAUTES_API_SERVER=$URL
cd "$ROOT/examples/demo"
TF=(--token-file "$WORK/token")

step "Validate the example files"
for f in "$ROOT"/examples/*.yaml clusters.yaml; do
    printf '%-40s ' "$(basename "$f")"
    "$NAUTES" validate "$f"
done

step "Plan: everything is to be created"
run "$NAUTES" plan clusters.yaml "${TF[@]}"

step "Apply (hosts before the virtual clusters that live on them)"
run "$NAUTES" apply clusters.yaml "${TF[@]}" --auto-approve

step "Plan again: nothing to do"
run "$NAUTES" plan clusters.yaml "${TF[@]}" --detailed-exitcode

step "Someone changes a cluster behind the tool's back (a plain curl POST)"
cat >"$WORK/drift.json" <<JSON
{"api_server": "https://8.217.50.114:31456", "cluster_kind": "kubernetes",
 "cluster_type": "virtual", "usage": "worker", "worker_type": "deployment",
 "host_cluster": "cluster-host", "primary_domain": "drifted.example.com",
 "vcluster": {"https_node_port": "31456"}}
JSON
printf '$ curl -X POST %s/api/v1/clusters/cluster-virtual -d @drift.json\n' "$URL"
curl -sS -X POST "$URL/api/v1/clusters/cluster-virtual" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d @"$WORK/drift.json"
echo

step "Plan shows the drift (exit code 2 with --detailed-exitcode)"
set +e
"$NAUTES" plan clusters.yaml "${TF[@]}" --detailed-exitcode
echo "exit code: $?"
set -e

step "Apply fixes it"
run "$NAUTES" apply clusters.yaml "${TF[@]}" --auto-approve
run "$NAUTES" plan clusters.yaml "${TF[@]}" --detailed-exitcode

step "The drift check CI runs: read the tenant repository itself (every field but the kubeconfig)"
run "$NAUTES" plan clusters.yaml --state "git:$WORK/tenant" --detailed-exitcode

step "What the server wrote: the tenant repository's history"
git -C "$WORK/tenant" log --format='%h %s' | cat

step "Try it yourself"
echo "API server: $URL   token: $TOKEN"
echo "  curl -H 'Authorization: Bearer $TOKEN' $URL/api/v1/clusters"
if [ -t 0 ] && [ -t 1 ]; then
    read -r -p "Press Enter to stop the server... " _
fi
