# Shared helpers for the end-to-end tests; each tests/e2e/test_*.sh sources this file.
# The tests run the real binaries ($NAUTES, $NAUTES_DEVSERVER) and the local API server on a
# loopback port chosen by the kernel. A case is one `check` (or ok/fail pair); the counts go to
# $T_RESULT for tests/run-tests.sh.
set -u
: "${NAUTES:?NAUTES must name the nautes binary}"
: "${NAUTES_DEVSERVER:?NAUTES_DEVSERVER must name the nautes-devserver binary}"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The tests' own helpers, built next to the binaries under test (Makefile, tests/tools/):
# nt-json prints a JSON document's leaves, nt-tcp gives a free loopback port (no test needs
# python3).
NT_TOOLS=${NT_TOOLS:-$(dirname "$NAUTES")/tools}
T_PASS=0
T_FAIL=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/nautes-e2e.XXXXXX")
# --state git:URL fetches into $XDG_CACHE_HOME/nautes: keep the tests' caches out of ~/.cache
export XDG_CACHE_HOME=$T_TMP/cache
T_SERVER_PIDS=()
WRAP=()
if [ "${NAUTES_VALGRIND:-}" = 1 ]; then
    # Every report also goes to a file per process: t_cleanup fails the script on any, so a
    # leak in a server or in a run whose exit status a test does not check is still caught.
    # tests/valgrind.supp holds the third-party (libgit2) leaks only, each documented.
    mkdir -p "$T_TMP/valgrind"
    WRAP=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99
        --suppressions="$ROOT/tests/valgrind.supp" --log-file="$T_TMP/valgrind/%p.log")
fi

# Stop a server with SIGTERM; one that has not exited 10 s later is killed and counted as a
# failure (a clean shutdown on SIGTERM is part of the server's contract).
t_stop_pid() {
    local pid=$1 i
    kill "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null
        fail "nautes-devserver (pid $pid) did not stop within 10 s of SIGTERM"
    fi
    wait "$pid" 2>/dev/null
    return 0
}

t_cleanup() {
    local pid
    for pid in "${T_SERVER_PIDS[@]}"; do
        t_stop_pid "$pid"
    done
    if [ -d "$T_TMP/valgrind" ]; then
        local log n=0
        for log in "$T_TMP"/valgrind/*.log; do
            [ -s "$log" ] || continue
            n=$((n + 1))
            sed 's/^/  | /' "$log" | head -60
        done
        if [ "$n" -gt 0 ]; then fail "valgrind: $n process(es) with errors or leaks (above)"; else
            ok "valgrind: no error and no leak in $(ls "$T_TMP"/valgrind | wc -l) process(es)"
        fi
    fi
    rm -rf "$T_TMP"
    [ -n "${T_RESULT:-}" ] && echo "$T_PASS $T_FAIL" >"$T_RESULT"
    echo "$T_PASS passed, $T_FAIL failed"
}
trap t_cleanup EXIT

ok() { T_PASS=$((T_PASS + 1)); echo "ok   - $*"; }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL - $*"; }

# nautes ARGS...: run the client (under valgrind when NAUTES_VALGRIND=1); output in $OUT/$ERR,
# status in $RC.
nautes() {
    "${WRAP[@]}" "$NAUTES" "$@" >"$T_TMP/out" 2>"$T_TMP/err" </dev/null
    RC=$?
    OUT=$(cat "$T_TMP/out")
    ERR=$(cat "$T_TMP/err")
    return 0
}

# check NAME EXPECTED_RC ARGS...: run nautes and compare the exit status.
check_rc() {
    local name=$1 want=$2
    shift 2
    nautes "$@"
    if [ "$RC" = "$want" ]; then ok "$name"; else
        fail "$name (exit $RC, want $want)"
        echo "  stdout: $OUT" | head -20
        echo "  stderr: $ERR" | head -20
    fi
}

# assert_contains NAME HAYSTACK NEEDLE
assert_contains() {
    if grep -qF -- "$3" <<<"$2"; then ok "$1"; else
        fail "$1 (missing: $3)"
        echo "$2" | head -30 | sed 's/^/  | /'
    fi
}

assert_not_contains() {
    if grep -qF -- "$3" <<<"$2"; then
        fail "$1 (unexpected: $3)"
        echo "$2" | head -30 | sed 's/^/  | /'
    else ok "$1"; fi
}

# assert_match NAME TEXT ERE: some line of TEXT matches the extended regular expression.
assert_match() {
    if grep -qE -- "$3" <<<"$2"; then ok "$1"; else
        fail "$1 (no line matches: $3)"
        echo "$2" | head -30 | sed 's/^/  | /'
    fi
}

assert_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else
        fail "$1"
        diff <(echo "$3") <(echo "$2") | head -40 | sed 's/^/  | /'
    fi
}

# start_server [ARGS...]: start nautes-devserver on 127.0.0.1:0 with a fresh repository.
# Sets SERVER_URL, SERVER_PID, SERVER_REPO, TOKEN (and exports NAUTES_API_SERVER/NAUTES_TOKEN).
start_server() {
    SERVER_REPO=${SERVER_REPO_OVERRIDE:-$T_TMP/repo-$RANDOM$RANDOM}
    TOKEN=${TOKEN:-e2e-token-$RANDOM$RANDOM}
    local fifo=$T_TMP/server-$RANDOM.out
    "${WRAP[@]}" "$NAUTES_DEVSERVER" --listen 127.0.0.1:0 --repo "$SERVER_REPO" --token "$TOKEN" \
        "$@" >"$fifo" 2>"$fifo.err" &
    SERVER_PID=$!
    T_SERVER_PIDS+=("$SERVER_PID")
    local i
    for i in $(seq 1 200); do
        SERVER_URL=$(head -n1 "$fifo" 2>/dev/null)
        case "$SERVER_URL" in http*://*) break ;; esac
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    case "$SERVER_URL" in
    http*://*) ;;
    *) echo "devserver did not start:"; cat "$fifo.err"; return 1 ;;
    esac
    SERVER_LOG=$fifo.err
    export NAUTES_API_SERVER=$SERVER_URL NAUTES_TOKEN=$TOKEN
}

stop_server() {
    t_stop_pid "${1:-$SERVER_PID}"
}

# t_host_and_virtual DIR: the scripts' common desired state in DIR/clusters.yaml: the seed's
# host (kubeconfig_file host-kubeconfig.yaml, copied beside it) and a virtual deployment worker
# on it, every value written out.
t_host_and_virtual() {
    cp "$ROOT/examples/demo/kubeconfigs/host.yaml" "$1/host-kubeconfig.yaml"
    cat >"$1/clusters.yaml" <<'YAML'
clusters:
  - name: cluster-host
    api_server: https://8.217.50.114:6443
    cluster_type: physical
    usage: host
    primary_domain: 8.217.50.114.nip.io
    traefik: {http_node_port: "30080", https_node_port: "30443"}
    kubeconfig_file: host-kubeconfig.yaml
  - name: cluster-virtual
    api_server: https://8.217.50.114:31456
    cluster_type: virtual
    usage: worker
    worker_type: deployment
    host_cluster: cluster-host
    primary_domain: 8.217.50.114.nip.io
    argocd_host: argocd.cluster-virtual.8.217.50.114.nip.io
    vcluster: {https_node_port: "31456"}
YAML
}
