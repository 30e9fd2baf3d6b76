#!/usr/bin/env bash
# Installs what the build and the tests need, builds, and runs the whole test suite.
# With CI=true (.ci/run sets it) the hardening stages follow the suite: the suite again under
# AddressSanitizer + UBSan and the threaded tests under ThreadSanitizer (scripts/sanitize.sh,
# build/asan and build/tsan), then every libFuzzer target for 60 s (scripts/fuzz.sh). They take
# about half an hour on 2 cores; SANITIZERS=1 runs them without CI=true, SANITIZERS=0 skips them.
# Every stage runs even when an earlier one failed; the exit status says whether all passed.
# Extra arguments go to the suite's ctest, e.g. ./scripts/test.sh -R e2e
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
afcgi_install_packages test
afcgi_build

failed=()
stage()
{
    local name="$1" start=$SECONDS rc=0
    shift
    echo "=== test.sh: $name"
    "$@" || rc=$?
    echo "=== test.sh: $name: exit $rc after $((SECONDS - start)) s"
    [[ $rc -eq 0 ]] || failed+=("$name")
}

# Each test has its own TIMEOUT; --timeout bounds any that has none, `timeout` the whole run.
stage suite timeout 840 ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 300 "$@"

default_sanitizers=0
[[ "${CI:-}" == true ]] && default_sanitizers=1
if [[ "${SANITIZERS:-$default_sanitizers}" == 1 ]]; then
    stage sanitizers "$AFCGI_ROOT/scripts/sanitize.sh" asan tsan
    stage fuzz "$AFCGI_ROOT/scripts/fuzz.sh" 60
fi

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "=== test.sh: FAILED: ${failed[*]} (after $SECONDS s)"
    exit 1
fi
echo "=== test.sh: all stages passed in $SECONDS s"
