#!/usr/bin/env bash
# CTest's short soak: starts its own afcgid on a Unix socket in a scratch directory (no port to
# race for), runs 20,000 mixed requests of afcgi-soak against it and passes only when every
# answer was right. A short run is mostly warm-up, so its RSS bound is loose; rss-flat.sh and
# long soaks are where memory is judged.
#
#   soak-smoke.sh <afcgid> <afcgi-soak> [extra afcgi-soak options]
set -euo pipefail

AFCGID=$1
SOAK=$2
shift 2
REQUESTS=${SOAK_SMOKE_REQUESTS:-20000}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/afcgi-soak-smoke.XXXXXX")
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SOCK="$TMP/afcgid.sock"
"$AFCGID" --listen "unix:$SOCK" --threads 2 --monitor none --log-level warning 2>"$TMP/afcgid.log" &
SERVER_PID=$!
for _ in $(seq 100); do
    [ -S "$SOCK" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/afcgid.log" >&2; echo "soak-smoke: afcgid exited" >&2; exit 1; }
    sleep 0.05
done
[ -S "$SOCK" ] || { echo "soak-smoke: afcgid did not listen on $SOCK" >&2; exit 1; }

status=0
"$SOAK" --addr "unix:$SOCK" --conns 4 --depth 16 --requests "$REQUESTS" --pid "$SERVER_PID" \
    --rss-interval 0.5 --rss-tolerance 100 --drain-timeout 20 --no-progress "$@" || status=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "soak-smoke: afcgid died during the soak" >&2
    status=1
fi
if [ "$status" != 0 ]; then
    echo "--- afcgid log (last 30 lines) ---" >&2
    tail -n 30 "$TMP/afcgid.log" >&2
fi
exit "$status"
