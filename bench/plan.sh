#!/usr/bin/env bash
# bench/plan.sh BUILD [SIZES...] — `nautes plan` of N declared clusters (1% hosts, the rest
# virtual deployment workers) against a local server holding them, with 1% of them changed.
#
# The server state is written directly as the tenant repository the API Server would have
# written (nautes/overlays/production/clusters/<name>.yaml, v0.4 Cluster files), committed, and
# nautes-devserver is started on it (it loads an existing repository at startup), so no
# 10,000 POSTs are needed. The tool's own time is the plan's wall time (timed by the shell to
# the microsecond, less what /usr/bin/time itself costs) minus the time of the one GET (as the
# tool's own trace times it); its CPU time is user + system (bash's `time`, to the millisecond:
# the work the tool did, whatever its neighbours on a shared machine do); peak memory is
# /usr/bin/time's max RSS. Each is the best of 5 rounds, and a round plans every size once, so that the sizes
# compared are measured in the same minutes; each timed plan follows an untimed one of the
# same size, so that every size runs on memory the one before it just freed (a machine that
# hands freed memory back to its host makes a plan after a smaller one pay for fresh memory:
# docs/benchmarks.md, "Smaller records, and the heap"). BENCH_SETTLE=S waits S seconds
# between the set-up and the rounds (default 0; docs/benchmarks.md, "Fewer allocations per
# cluster").
# Prints a markdown table. Not a test: machines here are shared and noisy.
set -euo pipefail
BUILD=${1:-build}
shift || true
SIZES=("$@")
SETTLE=${BENCH_SETTLE:-0}
case "$SETTLE" in '' | *[!0-9]*) echo "BENCH_SETTLE must be a number of seconds, not '$SETTLE'"; exit 1 ;; esac
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)
cd "$(dirname "$0")/.."
case "$BUILD" in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
NAUTES=$BUILD/nautes
DEVSERVER=$BUILD/nautes-devserver
[ -x "$NAUTES" ] && [ -x "$DEVSERVER" ] || { echo "build $NAUTES and $DEVSERVER first (make)"; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nautes-bench-plan.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# gen DIR N: DIR/clusters.yaml (desired, 1% of the virtual clusters with another
# primary_domain) and DIR/repo (the tenant repository holding all N as the server stored them).
gen() {
    mkdir -p "$1/repo/nautes/overlays/production/clusters" "$1/kubeconfigs"
    printf '%s\n' "apiVersion: v1" "kind: Config" "clusters:" \
        "  - name: c" "    cluster: {server: 'https://10.0.0.1:6443'}" \
        "users:" "  - name: u" "    user: {token: bench}" >"$1/kubeconfigs/host.yaml"
    # awk, not python3: a fresh machine has no python (one Cluster file per cluster)
    awk -v d="$1" -v n="$2" 'BEGIN {
        hosts = int(n / 100); if (hosts < 1) hosts = 1
        cdir = d "/repo/nautes/overlays/production/clusters"
        out = d "/clusters.yaml"; kust = cdir "/kustomization.yaml"
        print "clusters:" > out
        printf "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n" > kust
        changed = 0
        for (i = 0; i < n; i++) {
            if (i < hosts) {
                name = sprintf("host-%03d", i)
                ip = sprintf("10.%d.%d.1", int(i / 250), i % 250)
                printf "  - name: %s\n    api_server: https://%s:6443\n    cluster_type: physical\n" \
                       "    usage: host\n    primary_domain: %s.nip.io\n" \
                       "    traefik: {http_node_port: \"30080\", https_node_port: \"30443\"}\n" \
                       "    kubeconfig_file: kubeconfigs/host.yaml\n", name, ip, ip >> out
                spec = sprintf("spec:\n  apiServer: https://%s:6443\n  clusterKind: kubernetes\n" \
                       "  clusterType: physical\n  componentsList:\n    gateway:\n      additions:\n" \
                       "        httpNodePort: \"30080\"\n        httpsNodePort: \"30443\"\n" \
                       "      name: traefik\n      namespace: traefik\n" \
                       "    oauthProxy:\n      name: oauth2-proxy\n      namespace: oauth2-proxy\n" \
                       "    secretManagement:\n      name: vault\n      namespace: vault\n" \
                       "  primaryDomain: %s.nip.io\n  usage: host\n", ip, ip)
            } else {
                h = (i - hosts) % hosts
                name = sprintf("vc-%06d", i)
                ip = sprintf("10.%d.%d.1", int(h / 250), h % 250)
                port = 30000 + (i % 2700)
                pd = ip ".nip.io"; want_pd = pd
                if ((i - hosts) % 100 == 0) { want_pd = "changed-" i ".example.com"; changed++ }
                printf "  - name: %s\n    api_server: https://%s:%d\n    cluster_type: virtual\n" \
                       "    usage: worker\n    worker_type: deployment\n    host_cluster: host-%03d\n" \
                       "    primary_domain: %s\n    vcluster: {https_node_port: \"%d\"}\n", \
                       name, ip, port, h, want_pd, port >> out
                spec = sprintf("spec:\n  apiServer: https://%s:%d\n  clusterKind: kubernetes\n" \
                       "  clusterType: virtual\n  componentsList:\n    deployment:\n      additions:\n" \
                       "        host: argocd.%s.%s.nip.io\n      name: argocd\n      namespace: argocd\n" \
                       "    multiTenant:\n      name: hnc\n      namespace: hnc-system\n" \
                       "    progressiveDelivery:\n      name: argo-rollouts\n      namespace: argo-rollouts\n" \
                       "    secretManagement:\n      name: vault\n      namespace: vault\n" \
                       "    secretSync:\n      name: external-secrets\n      namespace: external-secrets\n" \
                       "  hostCluster: host-%03d\n  primaryDomain: %s\n  usage: worker\n" \
                       "  workerType: deployment\n", ip, port, name, ip, h, pd)
            }
            f = cdir "/" name ".yaml"
            printf "apiVersion: nautes.resource.nautes.io/v1alpha1\nkind: Cluster\nmetadata:\n" \
                   "  creationTimestamp: null\n  name: %s\n  namespace: nautes\n%s" \
                   "status:\n  productIDMap: null\n  warnings: null\n", name, spec > f
            close(f)
            print "- " name ".yaml" >> kust
        }
        print changed
    }'
    git -C "$1/repo" init -q -b main
    git -C "$1/repo" add -A
    git -C "$1/repo" -c gc.auto=0 -c user.name=bench -c user.email=bench@local commit -q -m "bench state"
}

# Every size is set up first (its fixture written out, its server started and warmed up), then
# the plans run in rounds, one of each size per round: a shared machine's speed drifts over
# minutes, and timing the sizes one after the other compared a fast minute with a slow one.
declare -A URL_OF TOKEN_OF CHANGED_OF GET_OF OWN_OF CPU_OF WALL_OF RSS_OF TOOLGET_OF TIMING_OF
SERVER_PIDS=()
cleanup() {
    for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
for N in "${SIZES[@]}"; do
    D=$TMP/n$N
    mkdir -p "$D"
    CHANGED_OF[$N]=$(gen "$D" "$N")
    # the fixture is hundreds of megabytes of new files and git objects: write them out now,
    # or the kernel's writeback of them runs during the measurements (it made 100,000
    # clusters look 30% slower, the 10,000 ones much less)
    sync
    TOKEN=bench-$RANDOM
    "$DEVSERVER" --listen 127.0.0.1:0 --repo "$D/repo" --token "$TOKEN" --api-version v0.4 \
        >"$D/server.out" 2>"$D/server.err" &
    SERVER_PID=$!
    SERVER_PIDS+=("$SERVER_PID")
    URL=
    # the server reads every Cluster file at startup: allow minutes for 100,000
    for _ in $(seq 1 3000); do
        URL=$(head -n1 "$D/server.out" 2>/dev/null || true)
        case "$URL" in http*://*) break ;; esac
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.2
    done
    case "$URL" in http*://*) ;; *) echo "devserver did not start: $(cat "$D/server.err")"; exit 1 ;; esac
    # warm up, then the best of 3 for the GET
    curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL/api/v1/clusters"
    best_get=999
    for _ in 1 2 3; do
        t=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$URL/api/v1/clusters")
        best_get=$(awk -v a="$best_get" -v b="$t" 'BEGIN { print (b < a ? b : a) }')
    done
    URL_OF[$N]=$URL TOKEN_OF[$N]=$TOKEN GET_OF[$N]=$best_get
    OWN_OF[$N]=999 CPU_OF[$N]=999 WALL_OF[$N]=999 RSS_OF[$N]=0 TOOLGET_OF[$N]=0
done

# one plan of N clusters: keeps the best own time (and the GET that came with it), the best CPU
# and wall time, the largest RSS
plan_once() {
    local N=$1 D=$TMP/n$1 w r cpu g own_now t0 t1 rc=0
    t0=$EPOCHREALTIME
    # bash's `time` gives the CPU time to the millisecond (/usr/bin/time's hundredths were 8% of
    # a plan of 10,000's 0.13 s); /usr/bin/time still gives the peak memory
    { time (cd "$D" && NAUTES_API_SERVER=${URL_OF[$N]} NAUTES_TOKEN=${TOKEN_OF[$N]} /usr/bin/time \
        -v "$NAUTES" plan clusters.yaml --verbose --detailed-exitcode >"$D/plan.out" \
        2>"$D/plan.err"); } 2>"$D/cpu.txt" || rc=$?
    t1=$EPOCHREALTIME
    [ "$rc" = 0 ] || [ "$rc" = 2 ] || { echo "the plan of $N clusters failed (exit $rc)"; exit 1; }
    grep -q "Plan: 0 to add, ${CHANGED_OF[$N]} to change, 0 to replace, 0 to destroy." "$D/plan.out" ||
        { echo "unexpected plan:"; tail -3 "$D/plan.out"; exit 1; }
    # the wall time to the microsecond (/usr/bin/time gives hundredths: a plan of 10,000 takes
    # 0.15 s, so its last digit alone was worth 7% of a ratio), less what starting the same
    # subshell and /usr/bin/time costs without the tool (time_overhead)
    w=$(awk -v a="$t0" -v b="$t1" -v o="$TIME_OVERHEAD" 'BEGIN { printf "%.6f", b - a - o }')
    r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$D/plan.err")
    cpu=$(awk -v o="$CPU_OVERHEAD" '{ printf "%.3f", $2 + $3 - o }' "$D/cpu.txt")
    # the GET as the tool's own trace timed it: "< 200 (546 ms, 36535231 bytes)"
    g=$(sed -n 's/^< 200 (\([0-9]*\) ms.*/\1/p' "$D/plan.err" | head -1)
    own_now=$(awk -v w="$w" -v g="${g:-0}" 'BEGIN { print w - g / 1000 }')
    if awk -v a="$own_now" -v b="${OWN_OF[$N]}" 'BEGIN { exit !(a < b) }'; then
        OWN_OF[$N]=$own_now
        TOOLGET_OF[$N]=$(awk -v g="${g:-0}" 'BEGIN { print g / 1000 }')
        TIMING_OF[$N]=$(grep "nautes: timing" "$D/plan.err" || true)
    fi
    CPU_OF[$N]=$(awk -v a="${CPU_OF[$N]}" -v b="$cpu" 'BEGIN { print (b < a ? b : a) }')
    WALL_OF[$N]=$(awk -v a="${WALL_OF[$N]}" -v b="$w" 'BEGIN { print (b < a ? b : a) }')
    RSS_OF[$N]=$(awk -v a="${RSS_OF[$N]}" -v b="$r" 'BEGIN { print (b > a ? b : a) }')
}

# what plan_once's wall and CPU times hold that is not the tool: a subshell, a cd and
# /usr/bin/time running a program that does nothing (the best of 20)
TIMEFORMAT='%3R %3U %3S' # bash's `time`: wall, user and system seconds
TIME_OVERHEAD=999 CPU_OVERHEAD=999
for _ in $(seq 1 20); do
    t0=$EPOCHREALTIME
    { time (cd "$TMP" && /usr/bin/time -v true >/dev/null 2>"$TMP/true.err"); } 2>"$TMP/true.cpu"
    t1=$EPOCHREALTIME
    TIME_OVERHEAD=$(awk -v a="$t0" -v b="$t1" -v o="$TIME_OVERHEAD" 'BEGIN { d = b - a; print (d < o ? d : o) }')
    CPU_OVERHEAD=$(awk -v o="$CPU_OVERHEAD" '{ d = $2 + $3; print (d < o ? d : o) }' "$TMP/true.cpu")
done

# the machine may still be busy with what the set-up wrote and freed: BENCH_SETTLE seconds
if [ "$SETTLE" -gt 0 ]; then
    echo "waited $SETTLE s between the set-up and the timing (BENCH_SETTLE)"
    sleep "$SETTLE"
fi

# one untimed plan of N clusters (the timed one's plan, without its --verbose trace and
# /usr/bin/time): what the timed one after it starts from
plan_warm() {
    local rc=0
    (cd "$TMP/n$1" && NAUTES_API_SERVER=${URL_OF[$1]} NAUTES_TOKEN=${TOKEN_OF[$1]} \
        "$NAUTES" plan clusters.yaml --detailed-exitcode >/dev/null 2>"$TMP/n$1/warm.err") ||
        rc=$?
    [ "$rc" = 0 ] || [ "$rc" = 2 ] || {
        echo "the untimed plan of $1 clusters failed (exit $rc):"
        tail -3 "$TMP/n$1/warm.err"
        exit 1
    }
}

# the best of 5 rounds, each size once per round, each after an untimed plan of its size
for _ in 1 2 3 4 5; do
    for N in "${SIZES[@]}"; do
        plan_warm "$N"
        plan_once "$N"
    done
done

echo "| clusters | changed | GET (curl) | GET (nautes) | plan wall | tool's own time | tool's CPU | max RSS |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for N in "${SIZES[@]}"; do
    # the tool's own time: its wall time minus its own GET (the server's answer and transfer)
    own=$(awk -v o="${OWN_OF[$N]}" 'BEGIN { printf "%.3f s", (o > 0 ? o : 0) }')
    printf '| %d | %d | %.3f s | %.3f s | %.3f s | %s | %.3f s | %d MB |\n' "$N" "${CHANGED_OF[$N]}" \
        "${GET_OF[$N]}" "${TOOLGET_OF[$N]}" "${WALL_OF[$N]}" "$own" "${CPU_OF[$N]}" \
        $((${RSS_OF[$N]} / 1024))
    echo "${TIMING_OF[$N]}" | sed 's/^/    <!-- /; s/$/ -->/'
done
# each size against the first: how the time grows (the goal in docs/benchmarks.md: 10 times
# the clusters in under 10 times the time)
for i in $(seq 1 $((${#SIZES[@]} - 1))); do
    N0=${SIZES[0]} N=${SIZES[$i]}
    awk -v n0="$N0" -v n="$N" -v o0="${OWN_OF[$N0]}" -v o="${OWN_OF[$N]}" \
        -v c0="${CPU_OF[$N0]}" -v c="${CPU_OF[$N]}" 'BEGIN {
        printf "%d against %d clusters: %.2fx the own time, %.2fx the CPU time\n", n, n0,
               (o0 > 0 ? o / o0 : 0), (c0 > 0 ? c / c0 : 0) }'
done
