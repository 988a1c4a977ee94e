#!/usr/bin/env bash
# bench/apply.sh BUILD — `nautes apply` of 1,000 clusters (10 hosts, 990 virtual workers) on
# the local server with --latency 50, at parallelism 1, 8 and 32, against:
#   (a) the seed document's way: one curl process per cluster in a shell loop;
#   (b) the lower bound depth x latency + N x latency / parallelism (depth 2: hosts, then
#       their virtual clusters).
# and a second apply of the unchanged file (it must send no write at all).
# The local server commits one change at a time (as a git push would), so its own work per
# write is a floor no parallelism removes: it is measured last (apply at parallelism 32 with
# --latency 0, the better of two runs) and shown as a second bound: each request holds one
# of p slots for latency + write, and the writes hold the server's lock one at a time, so
#   bound 2 = depth x latency + max((N x latency + floor) / p, floor).
# This part runs with --start-interval 0: the local server has no same-second rule.
# Part 2 (see collide_part below) runs against that rule (--fault collide).
# Prints markdown tables. A benchmark, not a test: `make bench` runs it (bench/run.sh).
#
# Knobs (environment): BENCH_APPLY_PARTS ("latency collide"); part 1: BENCH_HOSTS (10),
# BENCH_VIRTUALS (990), BENCH_LATENCY_MS (50), BENCH_PARALLELISM ("1 8 32"); part 2:
# BENCH_COLLIDE_LATENCY_MS (2500), BENCH_COLLIDE_SIZES ("2:20 10:100"),
# BENCH_COLLIDE_INTERVALS ("1000 1100 1500"), BENCH_COLLIDE_PARALLELISM ("1 2 4 8").
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
NAUTES=$BUILD/nautes
DEVSERVER=$BUILD/nautes-devserver
HOSTS=${BENCH_HOSTS:-10}
VIRTUALS=${BENCH_VIRTUALS:-990}
LATENCY=${BENCH_LATENCY_MS:-50}
PARS=${BENCH_PARALLELISM:-1 8 32}
N=$((HOSTS + VIRTUALS))
DEPTH=2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nautes-bench-apply.XXXXXX")
TOKEN=bench-token-$RANDOM$RANDOM
SERVER_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

for bin in "$NAUTES" "$DEVSERVER"; do
    [ -x "$bin" ] || { echo "bench/apply.sh: $bin is missing: run make first" >&2; exit 1; }
done

# ---- inputs: clusters.yaml for nautes, one JSON body per cluster for the curl loop ----------
cp "$ROOT/examples/kubeconfigs/host.yaml" "$WORK/kubeconfig.yaml"
KUBE_JSON=$(awk '{gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "%s\\n", $0}' "$WORK/kubeconfig.yaml")
# generate HOSTS VIRTUALS DIR: DIR/clusters.yaml and DIR/bodies/*.json (hosts sort first)
generate() {
    local HOSTS=$1 VIRTUALS=$2 DIR=$3 i per h v ip port
    mkdir -p "$DIR/bodies"
    [ "$DIR" = "$WORK" ] || cp "$WORK/kubeconfig.yaml" "$DIR/kubeconfig.yaml"
    {
    echo "clusters:"
    i=0
    per=$(((VIRTUALS + HOSTS - 1) / HOSTS))
    for h in $(seq 1 "$HOSTS"); do
        ip=10.0.$h.1
        cat <<EOF
  - name: host-$h
    api_server: https://$ip:6443
    cluster_type: physical
    usage: host
    primary_domain: $ip.nip.io
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig_file: kubeconfig.yaml
EOF
        printf '{"api_server":"https://%s:6443","cluster_kind":"kubernetes","cluster_type":"physical","usage":"host","primary_domain":"%s.nip.io","traefik":{"http_node_port":"30080","https_node_port":"30443"},"kubeconfig":"%s"}' \
            "$ip" "$ip" "$KUBE_JSON" >"$DIR/bodies/0-host-$h.json"
    done
    for h in $(seq 1 "$HOSTS"); do
        ip=10.0.$h.1
        for v in $(seq 1 "$per"); do
            [ "$i" -lt "$VIRTUALS" ] || break
            i=$((i + 1))
            port=$((31000 + v))
            cat <<EOF
  - name: vc-$h-$v
    api_server: https://$ip:$port
    cluster_type: virtual
    usage: worker
    worker_type: deployment
    host_cluster: host-$h
    primary_domain: $ip.nip.io
    vcluster: {https_node_port: "$port"}
EOF
            printf '{"api_server":"https://%s:%s","cluster_kind":"kubernetes","cluster_type":"virtual","usage":"worker","worker_type":"deployment","host_cluster":"host-%s","primary_domain":"%s.nip.io","vcluster":{"https_node_port":"%s"}}' \
                "$ip" "$port" "$h" "$ip" "$port" >"$DIR/bodies/1-vc-$h-$v.json"
        done
    done
    } >"$DIR/clusters.yaml"
}
generate "$HOSTS" "$VIRTUALS" "$WORK"
printf '%s\n' "$TOKEN" >"$WORK/token"
chmod 600 "$WORK/token"

# Each run gets a repository of its own; they are all removed at exit. Removing one between
# runs (rm -rf of ~30,000 files) would slow the next run's file creation: ext4 without a
# journal skips recently deleted inodes when it allocates (for up to 5 minutes), so a run
# right after a removal measured the file system's bookkeeping, not the server.
RUN=0
start_server() { # [LATENCY [DEVSERVER ARGS...]]
    local lat=${1:-$LATENCY}
    shift || true
    RUN=$((RUN + 1))
    REPO=$WORK/repo-$RUN
    "$DEVSERVER" --listen 127.0.0.1:0 --repo "$REPO" --token "$TOKEN" \
        --latency "$lat" "$@" >"$WORK/server-$RUN.out" 2>"$WORK/server.log" &
    SERVER_PID=$!
    URL=
    for _ in $(seq 200); do
        URL=$(head -n1 "$WORK/server-$RUN.out" 2>/dev/null || true)
        case "$URL" in http*) break ;; esac
        sleep 0.05
    done
    case "$URL" in http*) ;; *) echo "devserver did not start" >&2; cat "$WORK/server.log" >&2; exit 1 ;; esac
    export NAUTES_API_SERVER=$URL
}
stop_server() {
    kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
bound() { awk -v d=$DEPTH -v l="$LATENCY" -v n=$N -v p="$1" 'BEGIN { printf "%.2f", (d * l + n * l / p) / 1000 }'; }
bound2() { awk -v d=$DEPTH -v l="$LATENCY" -v n=$N -v p="$1" -v f="$FLOOR" 'BEGIN { x = (n * l / 1000 + f) / p; if (f > x) x = f; printf "%.2f", d * l / 1000 + x }'; }
ratio() { awk -v t="$1" -v b="$2" 'BEGIN { printf "%.2f", t / b }'; }
commits() { git -C "$REPO" rev-list --count HEAD 2>/dev/null || echo 0; }

# ---- part 1: --latency 50, no start interval (the local server has no same-second rule) -------
latency_part() {
cd "$WORK"
ROWS=()
TIMES=()
for p in $PARS; do
    start_server
    t0=$(now)
    "$NAUTES" apply clusters.yaml --token-file token --auto-approve --parallelism "$p" --start-interval 0 \
        >"$WORK/apply-$p.out" 2>&1 || { echo "apply at parallelism $p failed:" >&2; tail -5 "$WORK/apply-$p.out" >&2; exit 1; }
    t1=$(now)
    t=$(secs "$t0" "$t1")
    TIMES+=("$p $t $(commits)")
    if [ "$p" = "$(echo $PARS | awk '{print $1}')" ]; then
        FIRST=$t
        c0=$(commits)
        t0=$(now)
        "$NAUTES" apply clusters.yaml --token-file token --auto-approve --parallelism "$p" --start-interval 0 \
            >"$WORK/again.out" 2>&1
        t1=$(now)
        AGAIN=$(secs "$t0" "$t1")
        AGAIN_WRITES=$(($(commits) - c0))
    fi
    stop_server
done

start_server
t0=$(now)
for f in "$WORK"/bodies/*.json; do
    name=$(basename "$f" .json)
    name=${name#?-}
    curl -sS -o /dev/null -f -X POST "$URL/api/v1/clusters/$name" \
        -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d @"$f"
done
t1=$(now)
CURL_T=$(secs "$t0" "$t1")
CURL_COMMITS=$(commits)
stop_server

# The floor last, the better of two runs: a run is slowed by whatever else the machine's
# file system did in the minutes before (see start_server), and the floor should be the
# server's own cost.
FLOOR=
for _ in 1 2; do
    start_server 0
    t0=$(now)
    "$NAUTES" apply clusters.yaml --token-file token --auto-approve --parallelism 32 --start-interval 0 >"$WORK/floor.out" 2>&1
    t1=$(now)
    f=$(secs "$t0" "$t1")
    FLOOR=$(awk -v a="$f" -v b="$FLOOR" 'BEGIN { print (b == "" || a < b) ? a : b }')
    stop_server
done

for row in "${TIMES[@]}"; do
    read -r p t c <<<"$row"
    b=$(bound "$p")
    b2=$(bound2 "$p")
    ROWS+=("| nautes apply | $p | $t | $b | $(ratio "$t" "$b") | $b2 | $(ratio "$t" "$b2") | $c |")
done
b=$(bound 1)
b2=$(bound2 1)
ROWS+=("| curl loop (one process per cluster) | 1 | $CURL_T | $b | $(ratio "$CURL_T" "$b") | $b2 | $(ratio "$CURL_T" "$b2") | $CURL_COMMITS |")

echo
echo "Apply of $N clusters ($HOSTS hosts, $VIRTUALS virtual workers) on nautes-devserver with"
echo "--latency $LATENCY (ms per request); bound = depth x latency + N x latency / parallelism"
echo "with depth $DEPTH; server floor = the server's own serialised work for $N writes"
echo "(apply at parallelism 32, --latency 0, better of two runs): $FLOOR s;"
echo "bound 2 = depth x latency + max((N x latency + floor) / parallelism, floor)."
echo "Wall-clock seconds, including planning."
echo
echo "| method | parallelism | seconds | bound (s) | x bound | bound 2 (s) | x bound 2 | commits |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS[@]}"
echo
echo "Second apply of the unchanged file: $AGAIN s ($(awk -v a="$AGAIN" -v f="$FIRST" 'BEGIN { printf "%.2f", 100 * a / f }')% of the first), $AGAIN_WRITES new commits."
}

# ---- part 2: against the real server's same-second rule (--fault collide) ---------------------
# The local server with --latency C_LATENCY and --fault collide breaks two overlapping requests
# started in the same second, as the real API Server does (docs/api-server.md §10). Rows for
# each size in C_SIZES ("HOSTS:N"): the seed's curl loop, --parallelism 1, and the default; for
# the first size also a sweep of --start-interval (C_INTERVALS) x --parallelism (1 2 4 8).
# bound = latency (the plan's GET) + depth x latency + max(N x interval, N x latency / p): the
# starts are one interval apart unless `parallelism` requests in flight hold them back.
# collisions = 500 answers in the server's log; saved once = clusters with exactly one
# successful POST.
C_LATENCY=${BENCH_COLLIDE_LATENCY_MS:-2500}
C_SIZES=${BENCH_COLLIDE_SIZES:-2:20 10:100}
C_INTERVALS=${BENCH_COLLIDE_INTERVALS:-1000 1100 1500}
C_PARS=${BENCH_COLLIDE_PARALLELISM:-1 2 4 8}
# the defaults, as `nautes apply --help` states them
DEF_P=$(env -u NAUTES_PARALLELISM "$NAUTES" apply --help | sed -n 's/.*\$NAUTES_PARALLELISM, else \([0-9]*\)).*/\1/p' | head -n1)
DEF_I=$(env -u NAUTES_START_INTERVAL "$NAUTES" apply --help | sed -n 's/.*\$NAUTES_START_INTERVAL, else \([0-9]*\):.*/\1/p' | head -n1)
DEF_P=${DEF_P:-4}
DEF_I=${DEF_I:-1100}

cbound() { # N INTERVAL P ("" INTERVAL: the curl loop, N x latency: no GET, one at a time)
    awk -v d=$DEPTH -v l="$C_LATENCY" -v n="$1" -v i="$2" -v p="$3" \
        'BEGIN { if (i == "") { printf "%.1f", n * l / 1000; exit }
                 a = n * i; b = n * l / p; if (b > a) a = b; printf "%.1f", (l + d * l + a) / 1000 }'
}
# crow LABEL N P INTERVAL SECONDS: one table row from the last run's server log and output
crow() {
    local out=$WORK/c.out saved failed collisions b
    collisions=$(grep -c ' 500 ' "$WORK/server.log" || true)
    saved=$(grep -E '^POST /api/v1/clusters/[^ ]+ 200 ' "$WORK/server.log" | awk '{print $2}' | sort | uniq -c | awk '$1 == 1' | wc -l)
    failed=$(sed -n 's/^Apply [a-z]*: .* \([0-9]*\) failed, \([0-9]*\) skipped.*/\1+\2/p' "$out" | tail -n1)
    failed=$((${failed:-0}))
    b=$(cbound "$2" "$4" "$3")
    echo "| $1 | $2 | $3 | ${4:--} | $5 | $b | $(ratio "$5" "$b") | $failed | $collisions | $saved |"
}
capply() { # N P INTERVAL DIR
    start_server "$C_LATENCY" --fault collide
    local t0 t1
    t0=$(now)
    (cd "$4" && "$NAUTES" apply clusters.yaml --token-file "$WORK/token" --auto-approve \
        --parallelism "$2" --start-interval "$3" >"$WORK/c.out" 2>&1) || true
    t1=$(now)
    stop_server
    local label="nautes apply"
    [ "$2" = "$DEF_P" ] && [ "$3" = "$DEF_I" ] && label="nautes apply (default)"
    [ "$3" = 0 ] && label="nautes apply, no interval"
    crow "$label" "$1" "$2" "$3" "$(secs "$t0" "$t1")"
}
collide_part() {
    echo
    echo "Apply against nautes-devserver --latency $C_LATENCY --fault collide (the real server's"
    echo "same-second rule). bound = latency (the plan's GET) + depth x latency +"
    echo "max(N x interval, N x latency / parallelism), depth $DEPTH (the curl loop: N x latency)."
    echo "failed = failed + skipped"
    echo "clusters; collisions = 500 answers in the server's log; saved once = clusters with"
    echo "exactly one successful save. Default: --parallelism $DEF_P --start-interval $DEF_I."
    echo
    echo "| method | N | parallelism | interval (ms) | seconds | bound (s) | x bound | failed | collisions | saved once |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    local first=1 size hosts n dir
    for size in $C_SIZES; do
        hosts=${size%%:*}
        n=${size##*:}
        dir=$WORK/c-$n
        generate "$hosts" $((n - hosts)) "$dir"
        # the seed's way: one curl process per cluster, one after the other
        start_server "$C_LATENCY" --fault collide
        local t0 t1 f
        t0=$(now)
        for f in "$dir"/bodies/*.json; do
            name=$(basename "$f" .json)
            name=${name#?-}
            curl -sS -o /dev/null -X POST "$URL/api/v1/clusters/$name" \
                -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d @"$f" || true
        done
        t1=$(now)
        stop_server
        : >"$WORK/c.out"
        crow "curl loop (the seed's way)" "$n" 1 "" "$(secs "$t0" "$t1")"
        capply "$n" 1 "$DEF_I" "$dir"
        capply "$n" "$DEF_P" "$DEF_I" "$dir"
        if [ "$first" = 1 ]; then
            for i in $C_INTERVALS; do
                for p in $C_PARS; do
                    [ "$p" = "$DEF_P" ] && [ "$i" = "$DEF_I" ] && continue
                    [ "$p" = 1 ] && [ "$i" = "$DEF_I" ] && continue
                    capply "$n" "$p" "$i" "$dir"
                done
            done
            capply "$n" 4 0 "$dir" # no interval: what the tool caused before
        fi
        first=0
    done
}

for part in ${BENCH_APPLY_PARTS:-latency collide}; do
    "${part}_part"
done
