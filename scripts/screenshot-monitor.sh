#!/usr/bin/env bash
# Makes resources/screenshots/monitor.png (the Requests tab) and monitor-throughput.png: afcgid
# under a varied load (afcgi-monitor-load: long /delay and /stream requests multiplexed over a
# few connections, quick requests swelling and ebbing, an abort now and then), watched by
# afcgi-monitor on the offscreen platform, which saves a picture of its window and quits.
#
#   scripts/screenshot-monitor.sh [SECONDS]     how long the load runs first (default 45)
#
# Environment: BUILD_DIR (default <repo>/build), JOBS, OUT_DIR (default resources/screenshots),
# SKIP_BUILD=1 to use what BUILD_DIR already holds.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

seconds="${1:-45}"
out_dir="${OUT_DIR:-$AFCGI_ROOT/resources/screenshots}"
if [[ -z "${SKIP_BUILD:-}" ]]; then
    afcgi_install_packages build
    afcgi_build afcgid afcgi-monitor afcgi-monitor-load
fi

tmp="$(mktemp -d)"
pids=()
cleanup()
{
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# Private sockets and settings: never the user's running service, never the user's window layout.
fcgi="unix:$tmp/fcgi.sock"
monitor="$tmp/monitor.sock"
export XDG_CONFIG_HOME="$tmp/config" QT_QPA_PLATFORM=offscreen

"$BUILD_DIR/server/afcgid" --listen "$fcgi" --monitor "$monitor" --threads 2 >"$tmp/afcgid.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
    [[ -S "$tmp/fcgi.sock" && -S "$monitor" ]] && break
    sleep 0.1
done
[[ -S "$monitor" ]] || { echo "afcgid did not start:"; cat "$tmp/afcgid.log"; exit 1; }

"$BUILD_DIR/tests/gui/afcgi-monitor-load" "$fcgi" --connections 4 --slow 60 --rate 300 >"$tmp/load.log" 2>&1 &
pids+=($!)

mkdir -p "$out_dir"
shoot()
{
    local tab="$1" file="$2"
    "$BUILD_DIR/gui/afcgi-monitor" --socket "$monitor" --size 1200x760 --history 60 --tab "$tab" \
        --screenshot "$file" --screenshot-delay "$((seconds * 1000))" 2>>"$tmp/monitor.log"
}
shoot 1 "$out_dir/monitor.png" &
first=$!
shoot 3 "$out_dir/monitor-throughput.png"
wait "$first"
echo "wrote $out_dir/monitor.png and $out_dir/monitor-throughput.png"
