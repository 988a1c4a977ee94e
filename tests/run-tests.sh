#!/usr/bin/env bash
# Runs the unit tests (cmocka binaries under BUILD/tests) and the end-to-end scripts
# (tests/e2e/test_*.sh against BUILD/nautes and BUILD/nautes-devserver), then prints one
# closing line: "N passed, N failed". Exit status 0 only when nothing failed.
#
#   tests/run-tests.sh BUILD [unit|e2e] [NAME-FILTER]
set -u
cd "$(dirname "$0")/.."
BUILD=${1:?usage: run-tests.sh BUILD [unit|e2e] [FILTER]}
WHAT=${2:-all}
FILTER=${3:-}
case "$BUILD" in /*) ;; *) BUILD="$PWD/$BUILD" ;; esac
export NAUTES="$BUILD/nautes" NAUTES_DEVSERVER="$BUILD/nautes-devserver"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
unset NO_COLOR NAUTES_TOKEN NAUTES_API_SERVER
pass=0 fail=0 failed_names=()
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

if [ "$WHAT" = all ] || [ "$WHAT" = unit ]; then
    for t in "$BUILD"/tests/test_*; do
        [ -x "$t" ] || continue
        name=$(basename "$t")
        case "$name" in *"$FILTER"*) ;; *) continue ;; esac
        "$t" >"$log/$name.out" 2>&1
        rc=$?
        p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log/$name.out" | tail -1)
        f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log/$name.out" | tail -1)
        p=${p:-0} f=${f:-0}
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
        pass=$((pass + p)) fail=$((fail + f))
        if [ "$f" -ne 0 ]; then
            failed_names+=("$name")
            cat "$log/$name.out"
        fi
        printf '%-28s %4d passed, %d failed\n' "$name" "$p" "$f"
    done
fi

if [ "$WHAT" = all ] || [ "$WHAT" = e2e ]; then
    for t in tests/e2e/test_*.sh; do
        [ -f "$t" ] || continue
        name=$(basename "$t" .sh)
        case "$name" in *"$FILTER"*) ;; *) continue ;; esac
        T_RESULT="$log/$name.result" timeout 600 bash "$t" >"$log/$name.out" 2>&1
        rc=$?
        read -r p f 2>/dev/null <"$log/$name.result" || { p=0 f=0; }
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
        pass=$((pass + p)) fail=$((fail + f))
        if [ "$f" -ne 0 ]; then
            failed_names+=("$name")
            cat "$log/$name.out"
        fi
        printf '%-28s %4d passed, %d failed\n' "$name" "$p" "$f"
    done
fi

[ ${#failed_names[@]} -eq 0 ] || echo "failing: ${failed_names[*]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
