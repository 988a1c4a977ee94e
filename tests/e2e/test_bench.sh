#!/usr/bin/env bash
# The benchmarks still run (`make bench`, docs/benchmarks.md, docs/devserver.md): bench/plan.sh
# and bench/git.sh at a few dozen clusters, bench/apply.sh and bench/hostile.sh at a few
# clusters and a hundredth of their sizes, bench/devserver.sh where wrk is installed (else its
# refusal), with the binaries under test. What they measure is not checked (machines here are
# shared and noisy): that they generate their fixture, run it to the expected result and print
# their table is.
. "$(dirname "$0")/lib.sh"

BIN=$(dirname "$NAUTES")

# 50 and 100 clusters: one host each, 1 of the virtual clusters declared changed
rc=0
out=$("$ROOT/bench/plan.sh" "$BIN" 50 100 2>&1) || rc=$?
assert_eq "bench/plan.sh 50 100 exits 0" "$rc" 0
assert_match "bench/plan.sh: a row for 50 clusters, 1 changed" "$out" '^\| 50 \| 1 \| '
assert_match "bench/plan.sh: a row for 100 clusters, 1 changed" "$out" '^\| 100 \| 1 \| '
for n in 50 100; do
    assert_match "bench/plan.sh: the tool's own timing line for $n clusters" "$out" \
        "nautes: timing: load\\+validate .*\\($n clusters\\)"
done
assert_match "bench/plan.sh: the ratio of the sizes" "$out" \
    '^100 against 50 clusters: [0-9.]+x the own time, [0-9.]+x the CPU time$'
assert_eq "bench/plan.sh stopped the servers it started" \
    "$(pgrep -f "$BIN/nautes-devserver .*--repo .*/nautes-bench-plan\\." || true)" ""
assert_not_contains "bench/plan.sh waits only when BENCH_SETTLE is given" "$out" "BENCH_SETTLE"

# BENCH_SETTLE: seconds between the set-up and the timing; anything but a number is refused
rc=0
out=$(BENCH_SETTLE=1 "$ROOT/bench/plan.sh" "$BIN" 50 2>&1) || rc=$?
assert_eq "BENCH_SETTLE=1 bench/plan.sh 50 exits 0" "$rc" 0
assert_contains "BENCH_SETTLE=1: the bench says it waited" "$out" \
    "waited 1 s between the set-up and the timing (BENCH_SETTLE)"
assert_match "BENCH_SETTLE=1: the row for 50 clusters" "$out" '^\| 50 \| 1 \| '
rc=0
out=$(BENCH_SETTLE=soon "$ROOT/bench/plan.sh" "$BIN" 50 2>&1) || rc=$?
assert_eq "BENCH_SETTLE=soon is refused" "$rc" 1
assert_eq "BENCH_SETTLE=soon: what it must be" "$out" \
    "BENCH_SETTLE must be a number of seconds, not 'soon'"

rc=0
out=$(bash "$ROOT/bench/git.sh" "$BIN" 30 2>&1) || rc=$?
assert_eq "bench/git.sh BUILD 30 exits 0" "$rc" 0
assert_contains "bench/git.sh: the repository it wrote" "$out" \
    "Repository: 30 Cluster files + kustomization, one commit"
assert_match "bench/git.sh: the clone row, with the tool's observe time" "$out" \
    '^\| git:file://URL, empty cache \(clone\) \| [0-9.]+s \| [0-9.]+s \(30 clusters\) \|'

# bench/apply.sh (docs/benchmarks.md): both parts at a few clusters, a few milliseconds of
# latency; the tables, and the second apply that must send no write
rc=0
out=$(BENCH_HOSTS=1 BENCH_VIRTUALS=2 BENCH_LATENCY_MS=5 BENCH_PARALLELISM=2 \
    BENCH_COLLIDE_LATENCY_MS=20 BENCH_COLLIDE_SIZES=1:2 BENCH_COLLIDE_INTERVALS=1100 \
    BENCH_COLLIDE_PARALLELISM=1 bash "$ROOT/bench/apply.sh" "$BIN" 2>&1) || rc=$?
assert_eq "bench/apply.sh BUILD (3 clusters, both parts) exits 0" "$rc" 0
assert_match "bench/apply.sh: nautes apply at parallelism 2" "$out" \
    '^\| nautes apply \| 2 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| 4 \|$'
assert_match "bench/apply.sh: the seed's curl loop" "$out" \
    '^\| curl loop \(one process per cluster\) \| 1 \| [0-9.]+ \|'
assert_contains "bench/apply.sh: the second apply of the unchanged file writes nothing" "$out" \
    "0 new commits."
assert_match "bench/apply.sh part 2: the default apply saved both clusters once, no failure" \
    "$out" '^\| nautes apply \(default\) \| 2 \| 4 \| 1100 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| 0 \| [0-9]+ \| 2 \|$'
assert_match "bench/apply.sh part 2: without the interval" "$out" \
    '^\| nautes apply, no interval \| 2 \| 4 \| 0 \| '
assert_eq "bench/apply.sh stopped the servers it started" \
    "$(pgrep -f "$BIN/nautes-devserver .*--repo .*/nautes-bench-apply\\." || true)" ""

# bench/hostile.sh BUILD SCALE (docs/benchmarks.md) at a hundredth of its sizes, one run each
rc=0
out=$(RUNS=1 bash "$ROOT/bench/hostile.sh" "$BIN" 0.01 2>&1) || rc=$?
assert_eq "bench/hostile.sh BUILD 0.01 exits 0" "$rc" 0
for row in "additions keys, validate | 1000 |" "additions keys in a list answer, plan | 1000 |" \
    "additions keys in a POST, nautes-devserver (server CPU, 10 saves) | 100 |" \
    "host chain, validate | 200 |" "list answer, plan | 1000 |"; do
    assert_contains "bench/hostile.sh: the row '${row%% |*}'" "$out" "| $row"
done
assert_contains "bench/hostile.sh: every POST was saved" "$out" "HTTP 200 x20"
assert_eq "bench/hostile.sh stopped the servers it started" \
    "$(pgrep -f "nautes-bench-hostile\\." || true)" ""

# bench/devserver.sh BUILD N (docs/devserver.md) measures with wrk: where wrk is installed it
# runs at 20 clusters; where it is not (CI), it says what to install and stops
rc=0
if command -v wrk >/dev/null; then
    out=$(bash "$ROOT/bench/devserver.sh" "$BIN" 20 2>&1) || rc=$?
    assert_eq "bench/devserver.sh BUILD 20 exits 0" "$rc" 0
    assert_match "bench/devserver.sh: the list's requests per second" "$out" \
        '^\| GET /api/v1/clusters \| -t2 -c16 -d10s \| [0-9.]+ \|$'
else
    out=$(bash "$ROOT/bench/devserver.sh" "$BIN" 20 2>&1) || rc=$?
    assert_eq "bench/devserver.sh without wrk exits 1" "$rc" 1
    assert_eq "bench/devserver.sh without wrk says what to install" "$out" \
        "bench/devserver.sh: wrk is missing (apt-get install wrk)"
fi
