#!/usr/bin/env bash
# Builds the Debian packages afcgi, afcgi-monitor and libafcgi-dev (resources/debian/) into
# build-deb/packages/, then checks them with lintian when it is installed:
#   ./scripts/package.sh && sudo apt install ./build-deb/packages/afcgi_*.deb
# A build of its own (build-deb: prefix /usr, no tests), so the packages never carry a test
# build's paths. It sits beside build/ and compiles with the same flags (RelWithDebInfo; the
# binaries are stripped in the packages), so ccache serves what build/ compiled already.
# Environment: JOBS (default 2), CMAKE_ARGS (more configure arguments).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
afcgi_install_packages build

DEB_DIR="$AFCGI_ROOT/build-deb"
start=$SECONDS
afcgi_configure "$DEB_DIR" -DCMAKE_INSTALL_PREFIX=/usr -DAFCGI_BUILD_TESTS=OFF
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
