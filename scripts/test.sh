#!/usr/bin/env bash
# Installs what the build and the tests need, builds, and runs the whole test suite.
# Extra arguments go to ctest, e.g. ./scripts/test.sh -R e2e
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
afcgi_install_packages test
afcgi_build
cd "$BUILD_DIR"
# Each test has its own TIMEOUT; --timeout bounds any that has none, `timeout` the whole run.
timeout 840 ctest --output-on-failure --timeout 300 "$@"
