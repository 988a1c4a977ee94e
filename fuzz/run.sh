#!/usr/bin/env bash
# fuzz/run.sh — build the libFuzzer targets and run each for SECONDS (default $FUZZ_SECONDS or 60).
#
#   fuzz/run.sh [SECONDS] [TARGET...]        e.g. fuzz/run.sh 600 load devserver
#
# Each fuzz/fuzz_NAME.c is built with clang -fsanitize=fuzzer,address,undefined against the
# core sources (compiled here with clang, not the gcc-built archive; the devserver target also
# gets cmd/nautes-devserver/*.c but main.c) into $FUZZ_BUILD (default build/fuzz). The corpus
# fuzz/corpus-NAME/ (gitignored, kept between runs) is seeded from testdata/, examples/,
# fuzz/seeds/NAME/ and testdata/fuzz-regressions/NAME/. Every file of
# testdata/fuzz-regressions/NAME/ is replayed first. A crash, leak, sanitizer report or
# timeout fails the run; the input is kept as fuzz/artifacts/NAME-crash-* (gitignored) and the
# command to replay it is printed. One line per target gives executions per second.
set -u
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-${FUZZ_SECONDS:-60}}
shift 2>/dev/null || true
ALL=(load api_list plan_file cluster_file devserver redact redact_url retry_after)
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL[@]}")
OUT=${FUZZ_BUILD:-build/fuzz}
CC=${FUZZ_CC:-clang}
fuzzer_ok() {
    echo 'int LLVMFuzzerTestOneInput(const char *d, long n){(void)d;(void)n;return 0;}' |
        "$CC" -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null
}
if ! command -v "$CC" >/dev/null || ! fuzzer_ok; then
    # clang and its libFuzzer runtime from the distribution, only when missing
    SUDO=
    [ "$(id -u)" = 0 ] || SUDO=sudo
    echo "fuzz/run.sh: installing clang (libFuzzer)"
    $SUDO apt-get install -y -qq --no-install-recommends clang >/dev/null 2>&1 ||
        $SUDO apt-get install -y -qq --no-install-recommends libclang-rt-dev >/dev/null 2>&1 || true
fi
command -v "$CC" >/dev/null || { echo "fuzz/run.sh: $CC not found (apt-get install clang)" >&2; exit 1; }
if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){(void)d;(void)n;return 0;}' |
    "$CC" -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null; then
    echo "fuzz/run.sh: $CC has no libFuzzer runtime (apt-get install libclang-rt-dev or clang)" >&2
    exit 1
fi
PKGS="yaml-0.1 libcurl libcjson libgit2 libmicrohttpd libcrypto"
# FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION (the usual libFuzzer convention): a saved plan's
# plan_sha256 is computed but not enforced, so mutated plans reach the renderers.
CFLAGS="-std=c11 -D_GNU_SOURCE -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -I. -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=undefined
        -Wall -Wextra -Werror -Wno-unused-command-line-argument $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lpthread -lm"
SAN_LINK=-fsanitize=fuzzer,address,undefined
SAN_OBJ=-fsanitize=fuzzer-no-link,address,undefined

# ---- build (objects are rebuilt when their source or a header is newer) --------------------
mkdir -p "$OUT/obj" fuzz/artifacts
newest_header=$(ls -t core/*/*.h devserver/*.h cmd/nautes-devserver/*.h | head -1)
compile() { # SRC -> prints OBJ
    local src=$1 obj="$OUT/obj/$(echo "$1" | tr / _).o"
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then
        # shellcheck disable=SC2086
        "$CC" $CFLAGS $SAN_OBJ -c "$src" -o "$obj" || return 1
    fi
    echo "$obj"
}
core_objs=()
for src in core/*/*.c devserver/*.c; do
    o=$(compile "$src") || { echo "fuzz/run.sh: cannot compile $src" >&2; exit 1; }
    core_objs+=("$o")
done
ds_objs=()
for src in cmd/nautes-devserver/*.c; do
    [ "$(basename "$src")" = main.c ] && continue
    o=$(compile "$src") || { echo "fuzz/run.sh: cannot compile $src" >&2; exit 1; }
    ds_objs+=("$o")
done
for t in "${TARGETS[@]}"; do
    [ -f "fuzz/fuzz_$t.c" ] || { echo "fuzz/run.sh: no target fuzz/fuzz_$t.c" >&2; exit 1; }
    o=$(compile "fuzz/fuzz_$t.c") || exit 1
    extra=()
    [ "$t" = devserver ] && extra=("${ds_objs[@]}")
    # shellcheck disable=SC2086
    "$CC" $SAN_LINK -o "$OUT/fuzz_$t" "$o" "${extra[@]}" "${core_objs[@]}" $LIBS ||
        { echo "fuzz/run.sh: cannot link fuzz_$t" >&2; exit 1; }
done

# ---- seeds --------------------------------------------------------------------------------
seed() { # TARGET FILE...
    local dir="fuzz/corpus-$1" f
    shift
    mkdir -p "$dir"
    for f in "$@"; do
        [ -f "$f" ] && cp -f "$f" "$dir/seed-$(echo "$f" | tr / _)"
    done
}
yaml=(testdata/valid/*.y*ml testdata/invalid/*.y*ml examples/*.yaml examples/demo/*.yaml)
seed load "${yaml[@]}"
seed cluster_file testdata/valid/*.y*ml
for t in "${TARGETS[@]}"; do
    seed "$t" fuzz/seeds/"$t"/* testdata/fuzz-regressions/"$t"/*
done

# ---- run ----------------------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
printf '%-14s %10s %12s %8s  %s\n' target seconds executions exec/s result
for t in "${TARGETS[@]}"; do
    bin="$OUT/fuzz_$t"
    log="$OUT/fuzz_$t.log"
    dict=()
    case $t in
    load | cluster_file) dict=(-dict=fuzz/yaml.dict) ;;
    api_list | plan_file | redact | redact_url) dict=(-dict=fuzz/json.dict) ;;
    devserver) dict=(-dict=fuzz/devserver.dict) ;;
    esac
    regs=(testdata/fuzz-regressions/"$t"/*)
    if [ -f "${regs[0]}" ]; then
        if ! "$bin" "${regs[@]}" >"$log" 2>&1 </dev/null; then
            tail -40 "$log"
            echo "fuzz/run.sh: $t: a regression input fails again (see $log)"
            failed+=("$t")
            continue
        fi
    fi
    "$bin" "${dict[@]}" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
        -max_len=16384 -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$t-" \
        "fuzz/corpus-$t" >"$log" 2>&1 </dev/null
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    if [ $rc -eq 0 ]; then
        result=ok
    else
        result=FAILED
        failed+=("$t")
    fi
    printf '%-14s %10s %12s %8s  %s\n' "$t" "$SECONDS_EACH" "${execs:-?}" "${eps:-?}" "$result"
    if [ $rc -ne 0 ]; then
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -5
        art=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -1)
        echo "  log: $log"
        [ -n "$art" ] && echo "  input kept: $art (replay: $bin $art)"
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz/run.sh: failed: ${failed[*]}"
    exit 1
fi
echo "fuzz/run.sh: no crash in ${#TARGETS[@]} target(s), $SECONDS_EACH s each"
