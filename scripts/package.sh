#!/usr/bin/env bash
# Builds the Debian packages afcgi, afcgi-monitor and libafcgi-dev (resources/debian/) into
# <build>/packages/, then checks them with lintian when it is installed:
#   ./scripts/package.sh && sudo apt install ./build-deb/packages/afcgi_*.deb
# By default a build of its own (build-deb: prefix /usr, no tests), so the packages never carry
# a test build's paths; it compiles with the same flags as build/ (RelWithDebInfo; the binaries
# are stripped in the packages). DEB_BUILD_DIR=DIR packages an existing build instead, which
# must have been configured with -DCMAKE_INSTALL_PREFIX=/usr (CI packages the suite's build
# this way rather than compiling everything a second time; its tests are not installed).
# Environment: JOBS (default 2), CMAKE_ARGS (more configure arguments), DEB_BUILD_DIR.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
afcgi_install_packages build

start=$SECONDS
if [[ -n ${DEB_BUILD_DIR:-} ]]; then
    DEB_DIR="$DEB_BUILD_DIR"
    prefix="$(sed -n 's/^CMAKE_INSTALL_PREFIX:[A-Z]*=//p' "$DEB_DIR/CMakeCache.txt" 2>/dev/null)"
    if [[ $prefix != /usr ]]; then
        echo "package.sh: $DEB_DIR is configured for the prefix '$prefix'; packages need /usr"
        exit 2
    fi
else
    DEB_DIR="$AFCGI_ROOT/build-deb"
    afcgi_configure "$DEB_DIR" -DCMAKE_INSTALL_PREFIX=/usr -DAFCGI_BUILD_TESTS=OFF
fi
cmake --build "$DEB_DIR" --parallel "$JOBS"
echo "package.sh: built in $((SECONDS - start)) s"

rm -rf "$DEB_DIR/packages"
(cd "$DEB_DIR" && cpack -G DEB --config CPackConfig.cmake)
debs=("$DEB_DIR"/packages/*.deb)
echo "package.sh: ${debs[*]}"
if command -v lintian >/dev/null; then
    # Errors fail; warnings are printed for a human to judge.
    lintian --fail-on error "${debs[@]}"
elif [[ ${AFCGI_TEST_STRICT:-0} == 1 ]]; then
    echo "package.sh: lintian is not installed (AFCGI_TEST_STRICT: a failure)"
    exit 1
else
    echo "package.sh: lintian is not installed, the packages are not checked"
fi
