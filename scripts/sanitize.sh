#!/usr/bin/env bash
# Runs the test suite under the sanitizers, failing on any report:
#  1. AddressSanitizer + UndefinedBehaviorSanitizer (preset `asan`, build/asan): everything is
#     built and the whole ctest suite runs, end-to-end tests included (afcgid is instrumented
#     too, and the reports of every process, children included, are collected), except the
#     load tests, install checks and the check of the exports (labels `load`, `install`, `abi`),
#     which the plain suite runs.
#  2. ThreadSanitizer (preset `tsan`, build/tsan): the engine, flow-control, monitor-channel and
#     worker event-dispatcher tests, which run several threads. Qt is not built with TSan, so
#     races inside Qt are left out: by name in tests/sanitizers/tsan.supp, and by
#     tests/sanitizers/tsan-filter.awk where Qt's code has no name; any report that involves our
#     code fails the run.
# Both presets build with clang, which compiles this code under the sanitizers in about two
# thirds of gcc's time (build/asan on 2 cores: 531 s against gcc's 803 s).
#   scripts/sanitize.sh [asan|tsan]...   (default: both)
# Environment: JOBS (default 2). Extra ctest arguments: CTEST_ARGS, e.g. CTEST_ARGS="-E e2e".
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${JOBS:-2}"
SUPP="$ROOT/tests/sanitizers"
STEPS=("$@")
[[ ${#STEPS[@]} -eq 0 ]] && STEPS=(asan tsan)
read -r -a ctest_args <<<"${CTEST_ARGS:-}"
cd "$ROOT"
# A crashing Qt test would otherwise run gdb for a stack trace, which hangs under the sanitizers
# (and the sanitizer has printed its own).
export QTEST_DISABLE_STACK_DUMP=1

# Every process writes its report to <dir>/<tool>.<pid> (stderr of a child process may go
# nowhere); for ASan/UBSan any such file fails the run, whatever the exit codes said.
reports_in()
{
    local dir="$1" files
    files=$(find "$dir" -type f 2>/dev/null | sort)
    [[ -z "$files" ]] && return 1
    for f in $files; do
        echo "---- $f"
        cat "$f"
    done
    return 0
}

# Build and test timings, for keeping CI within its budget.
timed()
{
    local label="$1" start=$SECONDS rc=0
    shift
    "$@" || rc=$?
    echo "sanitize.sh: $label took $((SECONDS - start)) s (exit $rc)"
    return $rc
}

run_asan()
{
    local build="$ROOT/build/asan" logs="$ROOT/build/asan/sanitizer-reports"
    timed "asan configure" cmake --preset asan || return 1
    timed "asan build" cmake --build --preset asan --parallel "$JOBS" || return 1
    rm -rf "$logs"
    mkdir -p "$logs"
    # halt/abort on the first error: a report is a crash, never a line in a log nobody reads.
    export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:log_path=$logs/asan"
    export LSAN_OPTIONS="suppressions=$SUPP/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan"
    local rc=0
    # Load tests (label `load`: hundreds of thousands of requests), the install checks (label
    # `install`: a temporary install and a project built against it) and what libafcgi exports
    # (label `abi`, a question for the optimised build) run in the plain suite only.
    timed "asan tests" timeout 2400 ctest --test-dir "$build" --output-on-failure --timeout 600 \
        -LE 'load|install|abi' "${ctest_args[@]}" || rc=$?
    unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
    if reports_in "$logs"; then
        echo "sanitize.sh: ASan/UBSan reported errors (above)"
        rc=1
    fi
    return $rc
}

run_tsan()
{
    local build="$ROOT/build/tsan" logs="$ROOT/build/tsan/sanitizer-reports"
    timed "tsan configure" cmake --preset tsan || return 1
    timed "tsan build" cmake --build --preset tsan --parallel "$JOBS" || return 1
    rm -rf "$logs"
    mkdir -p "$logs"
    # Qt is not built with TSan: tsan.supp names the Qt-internal frames it cannot see into, and
    # tsan-filter.awk drops the races that happen entirely inside Qt. So a report does not stop
    # the test (exitcode=0, no halt): every report is judged below, after the run.
    export TSAN_OPTIONS="halt_on_error=0:exitcode=0:second_deadlock_stack=1:history_size=7:print_suppressions=0:suppressions=$SUPP/tsan.supp:log_path=$logs/tsan"
    local rc=0
    timed "tsan tests" timeout 1800 ctest --test-dir "$build" --output-on-failure --timeout 900 \
        -R 'engine|monitorchannel|flowcontrol|eventdispatcher' -E 'tst_engine_async' \
        "${ctest_args[@]}" || rc=$?
    # tst_engine_async is left out: Qt's future continuations copy a QPointer on the pool thread,
    # which TSan reports inside Qt's (uninstrumented) weak-pointer refcount; ASan runs it.
    unset TSAN_OPTIONS
    local files=()
    mapfile -t files < <(find "$logs" -type f | sort)
    if [[ ${#files[@]} -gt 0 ]]; then
        local kept
        kept="$(awk -f "$SUPP/tsan-filter.awk" "${files[@]}")"
        if [[ -n "$kept" ]]; then
            echo "$kept"
            echo "sanitize.sh: ThreadSanitizer reported errors (above; all reports in $logs)"
            rc=1
        else
            echo "sanitize.sh: only Qt-internal ThreadSanitizer reports (kept in $logs)"
        fi
    fi
    return $rc
}

failed=()
for step in "${STEPS[@]}"; do
    case "$step" in
        asan) run_asan || failed+=(asan) ;;
        tsan) run_tsan || failed+=(tsan) ;;
        *) echo "usage: $0 [asan|tsan]..." >&2; exit 2 ;;
    esac
done
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "sanitize.sh: FAILED: ${failed[*]}"
    exit 1
fi
echo "sanitize.sh: ${STEPS[*]}: no sanitizer reports, all tests passed"
