#!/usr/bin/env bash
# The plan benchmarks still run (`make bench`, docs/benchmarks.md): bench/plan.sh and
# bench/git.sh at a few dozen clusters, with the binaries under test. What they measure is not
# checked (machines here are shared and noisy): that they generate their fixture, plan it to
# the expected result and print their table is.
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
