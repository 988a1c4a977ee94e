#!/usr/bin/env bash
# make bench: every benchmark under bench/ (each prints a markdown table). Results are
# recorded by hand in docs/benchmarks.md with the machine they ran on.
# Benchmarks are never part of `make test`: machines here are shared and noisy.
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
echo "# nautes benchmarks — $(date -u +%Y-%m-%d) on $(nproc) cores, $(uname -m)"
for b in bench/plan.sh bench/apply.sh bench/git.sh bench/devserver.sh bench/hostile.sh; do
    [ -f "$b" ] || continue
    echo
    echo "## $(basename "$b" .sh)"
    bash "$b" "$BUILD"
done
