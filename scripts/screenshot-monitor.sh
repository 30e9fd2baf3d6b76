#!/usr/bin/env bash
# Makes resources/screenshots/monitor-<tab>-<size>.png, every tab (overview, requests,
# connections, throughput, logs, channels, routes, workers) at 1600x1000 and at 800x500, and at 1600x1000 the Service menu
# open over the Requests tab (monitor-service-menu-*.png) and the effective configuration view
# (monitor-config-*.png): afcgid under a varied load
# (afcgi-monitor-load: long /delay and /stream requests multiplexed over a few connections, quick
# requests swelling and ebbing, an abort now and then, subscribers and messages on the hub), and
# a second afcgid with a lighter load beside it, which the sidebar lists too; watched by
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

# Private sockets, channel directory and settings: never the user's running services, never the
# user's window layout.
export XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp/run" QT_QPA_PLATFORM=offscreen
mkdir -m 700 "$XDG_RUNTIME_DIR"
channels="$XDG_RUNTIME_DIR/afcgi"
# start_service NAME LOAD-ARGUMENTS... -- AFCGID-ARGUMENTS...: afcgid with its monitor channel
# NAME in the channel directory, and a load on it.
start_service()
{
    local name="$1" load=() args=()
    shift
    while [[ $# -gt 0 && "$1" != -- ]]; do load+=("$1"); shift; done
    shift
    args=("$@")
    "$BUILD_DIR/server/afcgid" --listen "unix:$tmp/$name.sock" --monitor "$name" "${args[@]}" \
        >"$tmp/afcgid-$name.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        [[ -S "$tmp/$name.sock" && -S "$channels/$name" ]] && break
        sleep 0.1
    done
    [[ -S "$channels/$name" ]] || { echo "afcgid $name did not start:"; cat "$tmp/afcgid-$name.log"; exit 1; }
    "$BUILD_DIR/tests/gui/afcgi-monitor-load" "unix:$tmp/$name.sock" "${load[@]}" >"$tmp/load-$name.log" 2>&1 &
    pids+=($!)
}
start_service web --connections 4 --slow 60 --rate 300 --hub 40 -- --threads 2 --hub
start_service api --connections 2 --slow 8 --rate 60 -- --threads 1
monitor=web

mkdir -p "$out_dir"
tabs=(overview requests connections throughput logs channels routes workers)
sizes=(1600x1000 800x500)
shoot()
{
    local tab="$1" size="$2" file="$3"
    shift 3
    "$BUILD_DIR/gui/afcgi-monitor" --socket "$monitor" --size "$size" --history 60 --tab "$tab" \
        --screenshot "$file" --screenshot-delay "$((seconds * 1000))" "$@" 2>>"$tmp/monitor.log"
}
shots=()
for size in "${sizes[@]}"; do
    for i in "${!tabs[@]}"; do
        shoot "$((i + 1))" "$size" "$out_dir/monitor-${tabs[$i]}-$size.png" &
        shots+=($!)
    done
done
# What the monitor can do: its Service menu, and the configuration it shows.
shoot 2 1600x1000 "$out_dir/monitor-service-menu-1600x1000.png" --screenshot-show service-menu &
shots+=($!)
shoot 1 1600x1000 "$out_dir/monitor-config-1600x1000.png" --screenshot-show config &
shots+=($!)
status=0
for pid in "${shots[@]}"; do
    wait "$pid" || status=1
done
[[ $status -eq 0 ]] || { echo "a screenshot failed:"; cat "$tmp/monitor.log"; exit 1; }
echo "wrote ${#shots[@]} screenshots to $out_dir"
