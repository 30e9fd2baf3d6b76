#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build/fuzz and runs each for SECONDS
# (default 60; with FUZZ_BUDGET=N and no SECONDS, N seconds shared out evenly, at least 10 each)
# on a fresh copy of its seed corpus (tests/fuzz/corpus/<target>/). Exits non-zero
# if any target reports a crash, an invariant violation, a leak, undefined behaviour, a timeout
# or running out of memory; the reproducer is kept as build/fuzz/artifacts/<target>/crash-*
# (replay it with: build/fuzz/tests/fuzz/<target> <file>).
#   scripts/fuzz.sh [SECONDS] [TARGET...]      (default: every tests/fuzz/fuzz_*.cpp)
# Environment: FUZZ_BUILD_DIR (default <repo>/build/fuzz), JOBS (default 2), CXX (default clang++),
# FUZZ_BUDGET (total seconds when SECONDS is not given).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${FUZZ_BUILD_DIR:-$ROOT/build/fuzz}"
JOBS="${JOBS:-2}"
SECONDS_EACH="${1:-}"
[[ $# -gt 0 ]] && shift
# Every target in tests/fuzz, so that a new one is fuzzed without being listed here too.
TARGETS=()
for source in "$ROOT"/tests/fuzz/fuzz_*.cpp; do
    TARGETS+=("$(basename "$source" .cpp)")
done
[[ $# -gt 0 ]] && TARGETS=("$@")
if [[ -z "$SECONDS_EACH" ]]; then
    SECONDS_EACH=60
    if [[ -n "${FUZZ_BUDGET:-}" ]]; then
        SECONDS_EACH=$((FUZZ_BUDGET / ${#TARGETS[@]}))
        [[ $SECONDS_EACH -lt 10 ]] && SECONDS_EACH=10
    fi
fi
[[ "$SECONDS_EACH" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2; }

CXX_COMPILER="${CXX:-clang++}"
[[ "$(basename "$CXX_COMPILER")" == clang* ]] || CXX_COMPILER=clang++

# libFuzzer: clang plus its runtime (Debian: libclang-rt-<N>-dev). Installed when missing,
# as scripts/setup.sh does for the build's own packages.
links_libfuzzer()
{
    command -v "$CXX_COMPILER" >/dev/null || return 1
    local probe
    probe="$(mktemp -d)"
    echo 'extern "C" int LLVMFuzzerTestOneInput(const char *, unsigned long) { return 0; }' \
        >"$probe/probe.cpp"
    "$CXX_COMPILER" -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" \
        >/dev/null 2>&1
    local rc=$?
    rm -rf "$probe"
    return $rc
}
if ! links_libfuzzer; then
    sudo=()
    [[ $(id -u) -ne 0 ]] && sudo=(sudo)
    packages=(clang)
    # The runtime's package carries clang's major version on Debian 12 and Ubuntu 24.04.
    major="$(clang++ --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n 1)"
    [[ -z "$major" ]] && major="$(apt-cache depends clang 2>/dev/null | sed -n 's/.*Depends: clang-\([0-9]*\)$/\1/p' | head -n 1)"
    [[ -n "$major" ]] && apt-cache show "libclang-rt-$major-dev" >/dev/null 2>&1 \
        && packages+=("libclang-rt-$major-dev")
    echo "fuzz.sh: installing ${packages[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        "${packages[@]}" || true
    if ! links_libfuzzer; then
        echo "fuzz.sh: $CXX_COMPILER cannot link -fsanitize=fuzzer; libFuzzer needs clang and" \
             "its runtime (Debian: apt-get install clang libclang-rt-<N>-dev)" >&2
        exit 1
    fi
fi

# Debug keeps Qt's and our assertions on; -O1 keeps the fuzzers fast enough.
generator=()
[[ -f "$BUILD/CMakeCache.txt" ]] || generator=(-G Ninja)
cmake -S "$ROOT" -B "$BUILD" "${generator[@]}" \
    -DCMAKE_CXX_COMPILER="$CXX_COMPILER" \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
    -DAFCGI_BUILD_FUZZERS=ON -DAFCGI_BUILD_TESTS=OFF
build_start=$SECONDS
cmake --build "$BUILD" --parallel "$JOBS" --target "${TARGETS[@]}"
echo "fuzz.sh: build took $((SECONDS - build_start)) s"

dictionary_for()
{
    case "$1" in
        fuzz_monitorprotocol) echo "$ROOT/tests/fuzz/monitorprotocol.dict" ;;
        fuzz_multipart|fuzz_formcookie) echo "$ROOT/tests/fuzz/web.dict" ;;
        *) echo "$ROOT/tests/fuzz/fastcgi.dict" ;;
    esac
}

# Any report is fatal: libFuzzer stops at the first crash, leak (-detect_leaks) or UB (the
# libraries are built with -fno-sanitize-recover=undefined).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=()
for target in "${TARGETS[@]}"; do
    corpus="$BUILD/corpus/$target"
    artifacts="$BUILD/artifacts/$target"
    log="$BUILD/$target.log"
    rm -rf "$corpus"
    mkdir -p "$corpus" "$artifacts"
    cp -R "$ROOT/tests/fuzz/corpus/$target/." "$corpus/"
    echo "== $target: ${SECONDS_EACH}s (log: $log)"
    rc=0
    "$BUILD/tests/fuzz/$target" "$corpus" \
        -max_total_time="$SECONDS_EACH" -timeout=30 -rss_limit_mb=2048 -max_len=8192 \
        -dict="$(dictionary_for "$target")" -artifact_prefix="$artifacts/" \
        -print_final_stats=1 >"$log" 2>&1 || rc=$?
    # The last status line, and the totals.
    grep -E '^#[0-9]+' "$log" | tail -n 1 || true
    grep -E 'stat::(number_of_executed_units|peak_rss_mb)' "$log" || true
    if [[ $rc -ne 0 ]] || grep -qE '^(==[0-9]+==ERROR|SUMMARY: |.*runtime error:)' "$log"; then
        echo "FAILED: $target (exit $rc); the end of its log:"
        tail -n 60 "$log"
        ls "$artifacts"
        failed+=("$target")
    fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz.sh: failures in: ${failed[*]}"
    exit 1
fi
echo "fuzz.sh: all ${#TARGETS[@]} targets ran ${SECONDS_EACH}s each without a report"
