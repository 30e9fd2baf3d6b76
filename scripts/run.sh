#!/usr/bin/env bash
# Installs what the build needs, builds, and starts afcgid in the foreground with the defaults
# (127.0.0.1:9000). Extra arguments go to afcgid, e.g. ./scripts/run.sh --listen unix:/tmp/afcgi.sock
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
afcgi_install_packages build
afcgi_build afcgid
exec "$BUILD_DIR/server/afcgid" "$@"
