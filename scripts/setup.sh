#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh (source it, then call the functions):
#   afcgi_install_packages build|test   install the Debian/Ubuntu packages that are missing
#   afcgi_build [TARGET...]             configure build/ (Ninja, RelWithDebInfo) and build the
#                                       targets (default: everything)
# Environment: BUILD_DIR (default <repo>/build), JOBS (default 2), CMAKE_ARGS (more configure
# arguments, e.g. -DAFCGI_WERROR=ON). ccache is used where it is installed.
set -euo pipefail

AFCGI_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$AFCGI_ROOT/build}"
JOBS="${JOBS:-2}"

AFCGI_BUILD_PACKAGES=(qt6-base-dev qt6-base-dev-tools cmake ninja-build g++ libgl-dev)
# Front ends, FastCGI tools and peers used by the end-to-end tests and the benchmarks; clang for
# the portable build and the fuzzers; MinGW-w64's g++ for the check of the Windows sources;
# PyYAML for the check of the hosted CI workflow.
AFCGI_TEST_PACKAGES=(nginx-light libfcgi-bin libfcgi-dev curl socat spawn-fcgi haproxy apache2
                     lighttpd caddy golang-go systemd wrk clang g++-mingw-w64-x86-64-posix
                     python3-yaml
                     libhiredis-dev redis-server chromium libnginx-mod-nchan # the hub: Redis, a browser, Nchan
                     lintian desktop-file-utils # the Debian packages and the installed desktop entry
                     git cgit fcgiwrap # the CGI bridge: git-http-backend, cgit, fcgiwrap to compare with
                     openssh-server openssh-client) # afcgi-monitor --via ssh, end to end

afcgi_install_packages()
{
    local packages=("${AFCGI_BUILD_PACKAGES[@]}") missing=() p
    [[ "${1:-build}" == test ]] && packages+=("${AFCGI_TEST_PACKAGES[@]}")
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0

    local sudo=()
    [[ $(id -u) -ne 0 ]] && sudo=(sudo)
    echo "Installing: ${missing[*]}"
    "${sudo[@]}" apt-get update
    # Keep the web servers we install from starting as system services (they would all want
    # port 80 and fail the install); the tests start their own copies on free ports.
    local policy=/usr/sbin/policy-rc.d created=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
        "${sudo[@]}" chmod 755 "$policy"
        created=1
    fi
    local rc=0
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}" || rc=$?
    [[ $created -eq 1 ]] && "${sudo[@]}" rm -f "$policy"
    return $rc
}

# afcgi_configure DIR [CMAKE ARGUMENT...]: a Ninja build directory, RelWithDebInfo unless told.
afcgi_configure()
{
    local dir="$1" generator=() launcher=() extra=()
    shift
    [[ -f "$dir/CMakeCache.txt" ]] || generator=(-G Ninja)
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    read -r -a extra <<<"${CMAKE_ARGS:-}"
    cmake -S "$AFCGI_ROOT" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        "${launcher[@]}" "$@" "${extra[@]}"
}

afcgi_build()
{
    afcgi_configure "$BUILD_DIR"
    local targets=()
    [[ $# -gt 0 ]] && targets=(--target "$@")
    cmake --build "$BUILD_DIR" --parallel "$JOBS" "${targets[@]}"
}
