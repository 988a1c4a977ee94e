#!/usr/bin/env bash
# bench/hostile.sh BUILD [SCALE] — inputs that grow what used to be quadratic, each at 1x and
# 10x, so that the growth shows: the time at 10x should be under 12 times the time at 1x.
#
#   additions (validate)   one cluster whose deployment additions map has K keys, validated
#   additions (plan)       a list answer holding one cluster with K additions keys, planned
#   additions (POST)       nautes-devserver answering a POST whose additions map has K keys
#   host chain (validate)  N clusters, each the host_cluster of the next
#   list answer (plan)     a list answer of N clusters: time, and peak memory against its size
#
# Inputs are generated with awk. List answers are served by bench/serve_file.c (built here
# into BUILD/bench/), a helper that answers every request with one file; the POST goes to
# nautes-devserver on a loopback port chosen by the kernel. SCALE (default 1) multiplies every
# size (0.1 for a quick look). Times are CPU seconds, the best of RUNS (default 3) runs.
# Prints a markdown table. Not a test: machines here are shared.
set -euo pipefail
BUILD=${1:-build}
SCALE=${2:-1}
cd "$(dirname "$0")/.."
case "$BUILD" in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
NAUTES=$BUILD/nautes
DEVSERVER=$BUILD/nautes-devserver
[ -x "$NAUTES" ] && [ -x "$DEVSERVER" ] || { echo "build $NAUTES and $DEVSERVER first (make)"; exit 1; }
mkdir -p "$BUILD/bench"
SERVE=$BUILD/bench/serve_file
if [ ! -x "$SERVE" ] || [ bench/serve_file.c -nt "$SERVE" ]; then
    ${CC:-cc} -O2 -Wall -Wextra -Werror -o "$SERVE" bench/serve_file.c
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nautes-bench-hostile.XXXXXX")
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT
export NAUTES_TOKEN=bench-$RANDOM$RANDOM
size() { awk -v s="$SCALE" -v n="$1" 'BEGIN { printf "%d", n * s }'; }

# ---- inputs -------------------------------------------------------------------------------
# additions_yaml K: one physical deployment worker with K additions keys
additions_yaml() {
    awk -v k="$1" 'BEGIN {
        print "clusters:\n  - name: big\n    api_server: https://10.0.0.1:6443"
        print "    cluster_kind: kubernetes\n    cluster_type: physical\n    usage: worker"
        print "    worker_type: deployment\n    primary_domain: 10.0.0.1.nip.io"
        print "    components_list:\n      deployment:\n        name: argocd\n        additions:"
        for (i = 0; i < k; i++) printf "          key%07d: value%07d\n", i, i
    }'
}
# an item's fields, and a list answer of N such items (the first with K additions keys)
ITEM='"api_server":"https://10.0.%d.%d:6443","cluster_kind":"kubernetes","cluster_type":"virtual","usage":"worker","host_cluster":"host-%03d","worker_type":"deployment"'
list_json() { # N K
    awk -v n="$1" -v k="$2" -v item="$ITEM" 'BEGIN {
        printf "{\"items\":["
        for (i = 0; i < n; i++) {
            printf "%s{\"name\":\"vc-%07d\",", (i ? "," : ""), i
            printf item, int(i / 250) % 250, i % 250, i % 100
            if (i == 0 && k > 0) {
                printf ",\"components_list\":{\"deployment\":{\"name\":\"argocd\",\"additions\":{"
                for (j = 0; j < k; j++) printf "%s\"key%07d\":\"value%07d\"", (j ? "," : ""), j, j
                printf "}}}"
            }
            printf "}"
        }
        print "]}"
    }'
}
# a POST body (v0.4) with K additions keys
post_json() {
    awk -v k="$1" 'BEGIN {
        printf "{\"api_server\":\"https://10.0.0.1:6443\",\"cluster_kind\":\"kubernetes\","
        printf "\"cluster_type\":\"physical\",\"usage\":\"worker\",\"worker_type\":\"deployment\","
        printf "\"traefik\":{\"http_node_port\":\"30080\",\"https_node_port\":\"30443\"},"
        printf "\"kubeconfig\":\"apiVersion: v1\\nclusters:\\n- cluster:\\n    server: https://10.0.0.1:6443\\n  name: c\\nusers:\\n- name: u\\n  user: {}\\n\","
        printf "\"components_list\":{\"deployment\":{\"name\":\"argocd\",\"additions\":{"
        for (j = 0; j < k; j++) printf "%s\"key%07d\":\"value%07d\"", (j ? "," : ""), j, j
        print "}}}}"
    }'
}
# chain_yaml N: c0 <- c1 <- ... (each names the previous one as its host_cluster)
chain_yaml() {
    awk -v n="$1" 'BEGIN {
        print "clusters:"
        for (i = 0; i < n; i++) {
            printf "  - name: c%07d\n    api_server: https://10.0.0.1:%d\n", i, 30000 + i % 2000
            printf "    cluster_type: virtual\n    usage: worker\n    worker_type: pipeline\n"
            if (i) printf "    host_cluster: c%07d\n", i - 1
        }
    }'
}
DESIRED=$TMP/one.yaml
cat >"$DESIRED" <<'EOF'
clusters:
  - name: declared
    api_server: https://10.9.9.9:6443
    cluster_kind: kubernetes
    cluster_type: physical
    usage: worker
    worker_type: deployment
    primary_domain: 10.9.9.9.nip.io
    argocd_host: argocd.declared.10.9.9.9.nip.io
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig: |
      apiVersion: v1
      clusters: [{cluster: {server: 'https://10.9.9.9:6443'}, name: c}]
      users: [{name: u, user: {token: bench}}]
EOF

# ---- measuring ----------------------------------------------------------------------------
# timed CMD...: sets SEC (CPU seconds, user + system, the best of RUNS runs: the machines
# here are shared, so wall time mostly measures the neighbours) and RSS (the largest max RSS,
# KB); the command's status is ignored
RUNS=${RUNS:-3}
timed() {
    local r u s w m
    SEC= RSS=0
    for r in $(seq "$RUNS"); do
        /usr/bin/time -f "%U %S %e %M" -o "$TMP/time" "$@" >/dev/null 2>"$TMP/stderr" </dev/null || true
        read -r u s w m < <(tail -n1 "$TMP/time")
        SEC=$(awk -v u="$u" -v s="$s" -v b="$SEC" 'BEGIN { t = u + s; if (b != "" && b < t) t = b; printf "%.2f", t }')
        if [ "$m" -gt "$RSS" ]; then RSS=$m; fi
    done
}
# cpu_of PID: CPU seconds the process used so far, user + system, ended threads included
# (clock ticks: measure enough work at once)
cpu_of() {
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"
}
serve() { # FILE: starts the file server, sets URL
    "$SERVE" "$1" >"$TMP/serve.url" &
    PIDS+=($!)
    for _ in $(seq 200); do
        URL=$(head -n1 "$TMP/serve.url" 2>/dev/null || true)
        case "$URL" in http*) return 0 ;; esac
        sleep 0.025
    done
    echo "serve_file did not start" >&2
    exit 1
}
stop_last() {
    local p=${PIDS[-1]}
    kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
    unset 'PIDS[-1]'
}
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
bytes_mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
row() { # WHAT SIZE1 SEC1 SIZE10 SEC10 [EXTRA]
    awk -v w="$1" -v a="$2" -v t1="$3" -v b="$4" -v t2="$5" -v x="${6:-}" 'BEGIN {
        r = (t1 > 0) ? sprintf("%.1f", t2 / t1) : "-"
        f = (t1 < 0.1) ? "%.3f" : "%.2f"
        printf "| %s | %s | " f " s | %s | " f " s | %s | %s |\n", w, a, t1, b, t2, r, x
    }'
}

echo "| input | 1x | CPU | 10x | CPU | 10x/1x | notes |"
echo "|---|---:|---:|---:|---:|---:|---|"

# 9: additions, validate
K1=$(size 100000)
K10=$((K1 * 10))
additions_yaml "$K1" >"$TMP/a1.yaml"
additions_yaml "$K10" >"$TMP/a10.yaml"
timed "$NAUTES" validate "$TMP/a1.yaml"
s1=$SEC
timed "$NAUTES" validate "$TMP/a10.yaml"
row "additions keys, validate" "$K1" "$s1" "$K10" "$SEC" "$(bytes_mb "$(wc -c <"$TMP/a10.yaml")") file at 10x"

# 9: additions in a list answer, plan
for k in "$K1" "$K10"; do
    list_json 1 "$k" >"$TMP/l$k.json"
    serve "$TMP/l$k.json"
    timed "$NAUTES" plan "$DESIRED" --api-server "$URL"
    eval "p$k=$SEC"
    stop_last
done
eval "row \"additions keys in a list answer, plan\" $K1 \$p$K1 $K10 \$p$K10"

# 9: additions in a POST, nautes-devserver
"$DEVSERVER" --listen 127.0.0.1:0 --repo "$TMP/repo" --token "$NAUTES_TOKEN" >"$TMP/ds.out" 2>"$TMP/ds.log" &
PIDS+=($!)
DS=
for _ in $(seq 400); do
    DS=$(head -n1 "$TMP/ds.out" 2>/dev/null || true)
    case "$DS" in http*) break ;; esac
    sleep 0.025
done
case "$DS" in http*) ;; *) echo "nautes-devserver did not start: $(cat "$TMP/ds.log")" >&2; exit 1 ;; esac
codes=
DS_PID=${PIDS[-1]}
P1=$(size 10000) # the server takes bodies up to 4 MiB
P10=$((P1 * 10))
for k in "$P1" "$P10"; do
    post_json "$k" >"$TMP/p$k.json"
    best=
    for r in $(seq "$RUNS"); do
        c0=$(cpu_of "$DS_PID")
        for j in 1 2 3 4 5 6 7 8 9 10; do # ten saves a measurement: ticks are 10 ms
            code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $NAUTES_TOKEN" \
                -H 'Content-Type: application/json' --data-binary @"$TMP/p$k.json" \
                "$DS/api/v1/clusters/big-$k-$r-$j")
            codes="$codes $code"
        done
        c1=$(cpu_of "$DS_PID")
        best=$(awk -v a="$c0" -v b="$c1" -v m="$best" 'BEGIN { t = b - a; if (m != "" && m < t) t = m; printf "%.2f", t }')
    done
    eval "d$k=$best"
done
stop_last
codesum=$(printf '%s\n' $codes | sort | uniq -c | awk '{ printf "%s%s x%s", s, $2, $1; s = ", " }')
eval "row \"additions keys in a POST, nautes-devserver (server CPU, 10 saves)\" $P1 \$d$P1 $P10 \$d$P10 \"HTTP $codesum; $(bytes_mb "$(wc -c <"$TMP/p$P10.json")") body at 10x\""

# 10: a host chain, validate
N1=$(size 20000)
N10=$((N1 * 10))
chain_yaml "$N1" >"$TMP/c1.yaml"
chain_yaml "$N10" >"$TMP/c10.yaml"
timed "$NAUTES" validate "$TMP/c1.yaml"
s1=$SEC
timed "$NAUTES" validate "$TMP/c10.yaml"
row "host chain, validate" "$N1" "$s1" "$N10" "$SEC"

# 11: a list answer of N clusters, plan: time and peak memory
L1=$(size 100000)
L10=$((L1 * 10))
notes=
for n in "$L1" "$L10"; do
    list_json "$n" 0 >"$TMP/big.json"
    body=$(wc -c <"$TMP/big.json")
    serve "$TMP/big.json"
    timed "$NAUTES" plan "$DESIRED" --api-server "$URL"
    stop_last
    eval "t$n=$SEC"
    ratio=$(awk -v r="$RSS" -v b="$body" 'BEGIN { printf "%.1f", r * 1024 / b }')
    notes="$notes${notes:+; }$n: body $(bytes_mb "$body"), max RSS $(mb "$RSS") (${ratio}x)"
    rm -f "$TMP/big.json"
done
eval "row \"list answer, plan\" $L1 \$t$L1 $L10 \$t$L10 \"$notes\""
