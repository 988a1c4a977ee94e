#!/usr/bin/env bash
# bench/plan.sh BUILD [SIZES...] — `nautes plan` of N declared clusters (1% hosts, the rest
# virtual deployment workers) against a local server holding them, with 1% of them changed.
#
# The server state is written directly as the tenant repository the API Server would have
# written (nautes/overlays/production/clusters/<name>.yaml, v0.4 Cluster files), committed, and
# nautes-devserver is started on it (it loads an existing repository at startup), so no
# 10,000 POSTs are needed. The tool's own time is the plan's wall time minus the time of the
# one GET (measured with curl on the same server); peak memory is /usr/bin/time's max RSS.
# Prints a markdown table. Not a test: machines here are shared and noisy.
set -euo pipefail
BUILD=${1:-build}
shift || true
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)
cd "$(dirname "$0")/.."
case "$BUILD" in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
NAUTES=$BUILD/nautes
DEVSERVER=$BUILD/nautes-devserver
[ -x "$NAUTES" ] && [ -x "$DEVSERVER" ] || { echo "build $NAUTES and $DEVSERVER first (make)"; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nautes-bench-plan.XXXXXX")
SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

# gen DIR N: DIR/clusters.yaml (desired, 1% of the virtual clusters with another
# primary_domain) and DIR/repo (the tenant repository holding all N as the server stored them).
gen() {
    python3 - "$1" "$2" <<'EOF'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
hosts = max(1, n // 100)
cdir = os.path.join(d, "repo", "nautes/overlays/production/clusters")
os.makedirs(cdir, exist_ok=True)
os.makedirs(os.path.join(d, "kubeconfigs"), exist_ok=True)
with open(os.path.join(d, "kubeconfigs", "host.yaml"), "w") as f:
    f.write("apiVersion: v1\nkind: Config\nclusters:\n  - name: c\n    cluster: {server: 'https://10.0.0.1:6443'}\n"
            "users:\n  - name: u\n    user: {token: bench}\n")
names = []
out = ["clusters:\n"]
changed = 0
for i in range(n):
    if i < hosts:
        name = "host-%03d" % i
        ip = "10.%d.%d.1" % (i // 250, i % 250)
        out.append("  - name: %s\n    api_server: https://%s:6443\n    cluster_type: physical\n"
                   "    usage: host\n    primary_domain: %s.nip.io\n"
                   "    traefik: {http_node_port: \"30080\", https_node_port: \"30443\"}\n"
                   "    kubeconfig_file: kubeconfigs/host.yaml\n" % (name, ip, ip))
        spec = ("spec:\n  apiServer: https://%s:6443\n  clusterKind: kubernetes\n  clusterType: physical\n"
                "  componentsList:\n    gateway:\n      additions:\n        httpNodePort: \"30080\"\n"
                "        httpsNodePort: \"30443\"\n      name: traefik\n      namespace: traefik\n"
                "    oauthProxy:\n      name: oauth2-proxy\n      namespace: oauth2-proxy\n"
                "    secretManagement:\n      name: vault\n      namespace: vault\n"
                "  primaryDomain: %s.nip.io\n  usage: host\n" % (ip, ip))
    else:
        h = (i - hosts) % hosts
        name = "vc-%06d" % i
        ip = "10.%d.%d.1" % (h // 250, h % 250)
        port = 30000 + (i % 2700)
        pd = "%s.nip.io" % ip
        want_pd = pd
        if (i - hosts) % 100 == 0:
            want_pd = "changed-%d.example.com" % i
            changed += 1
        out.append("  - name: %s\n    api_server: https://%s:%d\n    cluster_type: virtual\n"
                   "    usage: worker\n    worker_type: deployment\n    host_cluster: host-%03d\n"
                   "    primary_domain: %s\n    vcluster: {https_node_port: \"%d\"}\n"
                   % (name, ip, port, h, want_pd, port))
        spec = ("spec:\n  apiServer: https://%s:%d\n  clusterKind: kubernetes\n  clusterType: virtual\n"
                "  componentsList:\n    deployment:\n      additions:\n        host: argocd.%s.%s.nip.io\n"
                "      name: argocd\n      namespace: argocd\n"
                "    multiTenant:\n      name: hnc\n      namespace: hnc-system\n"
                "    progressiveDelivery:\n      name: argo-rollouts\n      namespace: argo-rollouts\n"
                "    secretManagement:\n      name: vault\n      namespace: vault\n"
                "    secretSync:\n      name: external-secrets\n      namespace: external-secrets\n"
                "  hostCluster: host-%03d\n  primaryDomain: %s\n  usage: worker\n  workerType: deployment\n"
                % (ip, port, name, ip, h, pd))
    names.append(name)
    with open(os.path.join(cdir, name + ".yaml"), "w") as f:
        f.write("apiVersion: nautes.resource.nautes.io/v1alpha1\nkind: Cluster\nmetadata:\n"
                "  creationTimestamp: null\n  name: %s\n  namespace: nautes\n%s"
                "status:\n  productIDMap: null\n  warnings: null\n" % (name, spec))
with open(os.path.join(cdir, "kustomization.yaml"), "w") as f:
    f.write("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n")
    f.writelines("- %s.yaml\n" % x for x in names)
with open(os.path.join(d, "clusters.yaml"), "w") as f:
    f.writelines(out)
print(changed)
EOF
    git -C "$1/repo" init -q -b main
    git -C "$1/repo" add -A
    git -C "$1/repo" -c user.name=bench -c user.email=bench@local commit -q -m "bench state"
}

echo "| clusters | changed | GET (curl) | GET (nautes) | plan wall | tool's own time | max RSS |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for N in "${SIZES[@]}"; do
    D=$TMP/n$N
    mkdir -p "$D"
    CHANGED=$(gen "$D" "$N")
    TOKEN=bench-$RANDOM
    "$DEVSERVER" --listen 127.0.0.1:0 --repo "$D/repo" --token "$TOKEN" --api-version v0.4 \
        >"$D/server.out" 2>"$D/server.err" &
    SERVER_PID=$!
    URL=
    # the server reads every Cluster file at startup: allow minutes for 100,000
    for _ in $(seq 1 3000); do
        URL=$(head -n1 "$D/server.out" 2>/dev/null || true)
        case "$URL" in http*://*) break ;; esac
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.2
    done
    case "$URL" in http*://*) ;; *) echo "devserver did not start: $(cat "$D/server.err")"; exit 1 ;; esac
    # warm up, then the best of 3 for the GET and for the plan
    curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL/api/v1/clusters"
    best_get=999
    for _ in 1 2 3; do
        t=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$URL/api/v1/clusters")
        best_get=$(python3 -c "print(min($best_get, $t))")
    done
    best_wall=999 rss=0 best_own=999 tool_get=0
    for _ in 1 2 3; do
        (cd "$D" && NAUTES_API_SERVER=$URL NAUTES_TOKEN=$TOKEN /usr/bin/time -v "$NAUTES" plan clusters.yaml \
            --verbose --detailed-exitcode >"$D/plan.out" 2>"$D/plan.err") || [ $? = 2 ]
        w=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$D/plan.err" |
            awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
        r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$D/plan.err")
        # the GET as the tool's own trace timed it: "< 200 (546 ms, 36535231 bytes)"
        g=$(sed -n 's/^< 200 (\([0-9]*\) ms.*/\1/p' "$D/plan.err" | head -1)
        if python3 -c "import sys; sys.exit(0 if $w - ${g:-0}/1000 < $best_own else 1)"; then
            best_own=$(python3 -c "print($w - ${g:-0}/1000)")
            tool_get=$(python3 -c "print(${g:-0}/1000)")
        fi
        best_wall=$(python3 -c "print(min($best_wall, $w))")
        rss=$(python3 -c "print(max($rss, $r))")
    done
    grep -q "Plan: 0 to add, $CHANGED to change, 0 to replace, 0 to destroy." "$D/plan.out" ||
        { echo "unexpected plan:"; tail -3 "$D/plan.out"; exit 1; }
    # the tool's own time: its wall time minus its own GET (the server's answer and transfer)
    own=$(python3 -c "print('%.2f s' % max(0.0, $best_own))")
    printf '| %d | %d | %.2f s | %.2f s | %.2f s | %s | %d MB |\n' "$N" "$CHANGED" "$best_get" \
        "$tool_get" "$best_wall" "$own" $((rss / 1024))
    grep "nautes: timing" "$D/plan.err" | sed 's/^/    <!-- /; s/$/ -->/'
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
    rm -rf "$D"
done
