#!/usr/bin/env bash
# bench/devserver.sh BUILD [N]: requests/second of nautes-devserver for GET /api/v1/clusters
# with N clusters stored (default 1,000: a tenth physical hosts, the rest virtual workers),
# measured with wrk on loopback (apt-get install wrk). Prints a markdown table; the numbers
# go to docs/devserver.md by hand.
set -euo pipefail
BUILD=${1:-build}
N=${2:-1000}
cd "$(dirname "$0")/.."
DEVSERVER=$BUILD/nautes-devserver
command -v wrk >/dev/null || { echo "bench/devserver.sh: wrk is missing (apt-get install wrk)" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nautes-bench-devserver.XXXXXX")
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
TOKEN=bench-$RANDOM$RANDOM

start() {
    : >"$WORK/out"
    "$DEVSERVER" --listen 127.0.0.1:0 --repo "$WORK/repo" --token "$TOKEN" >"$WORK/out" 2>"$WORK/log" &
    PID=$!
    for _ in $(seq 400); do
        URL=$(head -n1 "$WORK/out" 2>/dev/null || true)
        case "$URL" in http*) return 0 ;; esac
        sleep 0.025
    done
    echo "devserver did not start: $(cat "$WORK/log")" >&2
    exit 1
}

start
H="Authorization: Bearer $TOKEN"
KUBE='"apiVersion: v1\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: c\nusers:\n- name: u\n  user: {}\n"'
NH=$((N / 10 > 0 ? N / 10 : 1))
t0=$(date +%s%N)
# one curl process, one connection: every request is a separate --next
{
    for i in $(seq 0 $((N - 1))); do
        if [ "$i" -lt "$NH" ]; then
            printf 'url = "%s/api/v1/clusters/host-%04d"\n' "$URL" "$i"
            printf 'data = "{\\"api_server\\":\\"https://10.0.%d.%d:6443\\",\\"cluster_kind\\":\\"kubernetes\\",\\"cluster_type\\":\\"physical\\",\\"usage\\":\\"host\\",\\"traefik\\":{\\"http_node_port\\":\\"30080\\",\\"https_node_port\\":\\"30443\\"},\\"kubeconfig\\":%s}"\n' \
                $((i / 250)) $((i % 250 + 1)) "$(printf '%s' "$KUBE" | sed 's/\\/\\\\/g; s/"/\\"/g')"
        else
            printf 'url = "%s/api/v1/clusters/vc-%04d"\n' "$URL" "$i"
            printf 'data = "{\\"api_server\\":\\"https://10.0.0.1:%d\\",\\"cluster_kind\\":\\"kubernetes\\",\\"cluster_type\\":\\"virtual\\",\\"usage\\":\\"worker\\",\\"worker_type\\":\\"deployment\\",\\"host_cluster\\":\\"host-%04d\\"}"\n' \
                $((30000 + i % 2000)) $((i % NH))
        fi
        printf 'header = "%s"\nheader = "Content-Type: application/json"\nsilent\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\n' "$H"
        [ "$i" -lt $((N - 1)) ] && printf 'next\n'
    done
} >"$WORK/curl.cfg"
codes=$(curl -K "$WORK/curl.cfg" | sort | uniq -c | tr -s ' ')
t1=$(date +%s%N)
save_ms=$(((t1 - t0) / 1000000))
case "$codes" in " $N 200") ;; *) echo "saves failed: $codes" >&2; exit 1 ;; esac
bytes=$(curl -s -H "$H" "$URL/api/v1/clusters" | wc -c)
kill "$PID"
wait "$PID" 2>/dev/null || true
t0=$(date +%s%N)
start
t1=$(date +%s%N)
restart_ms=$(((t1 - t0) / 1000000))

rps() { wrk "$@" 2>/dev/null | sed -n 's/^Requests\/sec: *//p'; }
echo "nautes-devserver with $N clusters ($NH hosts), list $bytes bytes; $N saves over one"
echo "connection in $save_ms ms; restart to the URL line in $restart_ms ms. $(nproc) cores,"
echo "load $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| request | wrk | requests/s |"
echo "|---|---|---|"
echo "| GET /api/v1/clusters | -t2 -c16 -d10s | $(rps -t2 -c16 -d10s -H "$H" "$URL/api/v1/clusters") |"
echo "| GET /api/v1/clusters | -t1 -c1 -d5s | $(rps -t1 -c1 -d5s -H "$H" "$URL/api/v1/clusters") |"
echo "| GET /api/v1/clusters?field_selector=usage%3Dworker | -t2 -c16 -d5s | $(rps -t2 -c16 -d5s -H "$H" "$URL/api/v1/clusters?field_selector=usage%3Dworker") |"
echo "| GET /api/v1/clusters/vc-$(printf %04d $((N - 1))) | -t2 -c16 -d5s | $(rps -t2 -c16 -d5s -H "$H" "$URL/api/v1/clusters/vc-$(printf %04d $((N - 1)))") |"
