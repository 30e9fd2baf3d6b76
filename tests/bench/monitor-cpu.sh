#!/usr/bin/env bash
# What afcgi-monitor itself costs: its CPU (and the X server's) while it watches afcgid, read from
# /proc/<pid>/stat over a window, with the window on a real X server (Xvfb) so that painting and
# flushing to the screen are counted as on a desktop.
#
#   tests/bench/monitor-cpu.sh                      # idle service, Throughput tab, 1600x1000, 30 s
#   LOAD=mix TAB=4 SIZE=1600x1000 DURATION=30 tests/bench/monitor-cpu.sh
#
#   LOAD      idle (nothing but the monitor) or mix (afcgi-monitor-load: long /delay and /stream
#             requests on 4 connections, quick ones at RATE/s swelling and ebbing, aborts)
#   TAB       the tab shown: 1 overview, 2 requests, 3 connections, 4 throughput, 5 logs (the
#             numbers of afcgi-monitor --tab; with a build older than the overview tab, 3 is
#             Throughput)
#   SIZE      the window size, WxH (default 1600x1000)
#   DURATION  the measured window in seconds (default 30), after WARMUP seconds (default 10)
#   RATE      quick requests per second of the mix (default 300)
#   BUILD_DIR where afcgid, afcgi-monitor and afcgi-monitor-load are (default <repo>/build);
#             AFCGID=, MONITOR=, LOADGEN= name the binaries one by one (e.g. an older build)
#
# Prints one line: monitor CPU % of one core, Xvfb CPU %, afcgid CPU %, over the window.
# Needs Xvfb (apt-get install xvfb); the service, the load, Xvfb and the monitor are started
# here on private sockets and a free display, and stopped at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
AFCGID=${AFCGID:-$BUILD_DIR/server/afcgid}
MONITOR=${MONITOR:-$BUILD_DIR/gui/afcgi-monitor}
LOADGEN=${LOADGEN:-$BUILD_DIR/tests/afcgi-monitor-load}
LOAD=${LOAD:-idle}
TAB=${TAB:-4}
SIZE=${SIZE:-1600x1000}
SECONDS_MEASURED=${DURATION:-30} # not $SECONDS: bash counts its own run time in it
WARMUP=${WARMUP:-10}
RATE=${RATE:-300}

command -v Xvfb >/dev/null || { echo "monitor-cpu.sh: needs Xvfb (apt-get install xvfb)" >&2; exit 1; }
for bin in "$AFCGID" "$MONITOR"; do
    [ -x "$bin" ] || { echo "monitor-cpu.sh: $bin is missing (build it first)" >&2; exit 1; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/afcgi-monitor-cpu.XXXXXX")
STARTED=()
cleanup() {
    local pid
    for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

# CPU ticks (user + system) of one process.
ticks() {
    if [ ! -r "/proc/$1/stat" ]; then
        echo "monitor-cpu.sh: process $1 is gone; the logs:" >&2
        tail -n 5 "$TMP"/*.log >&2
        exit 1
    fi
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1920x1200x24 -nolisten tcp >"$TMP/xvfb.log" 2>&1 &
xvfb=$!
STARTED+=("$xvfb")
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done

fcgi="unix:$TMP/fcgi.sock"
"$AFCGID" --listen "$fcgi" --monitor "$TMP/monitor.sock" --threads 2 >"$TMP/afcgid.log" 2>&1 &
service=$!
STARTED+=("$service")
for _ in $(seq 100); do [ -S "$TMP/fcgi.sock" ] && [ -S "$TMP/monitor.sock" ] && break; sleep 0.1; done
[ -S "$TMP/monitor.sock" ] || { echo "afcgid did not start:" >&2; cat "$TMP/afcgid.log" >&2; exit 1; }

if [ "$LOAD" = mix ]; then
    "$LOADGEN" "$fcgi" --connections 4 --slow 60 --rate "$RATE" >"$TMP/load.log" 2>&1 &
    STARTED+=("$!")
fi

# Private settings, so that no saved layout or tab of the user's own monitor interferes.
XDG_CONFIG_HOME="$TMP/config" DISPLAY=":$display" QT_QPA_PLATFORM=xcb \
    "$MONITOR" --socket "$TMP/monitor.sock" --size "$SIZE" --tab "$TAB" >"$TMP/monitor.log" 2>&1 &
monitor=$!
STARTED+=("$monitor")

sleep "$WARMUP"
kill -0 "$monitor" 2>/dev/null || { echo "afcgi-monitor exited:" >&2; cat "$TMP/monitor.log" >&2; exit 1; }
hz=$(getconf CLK_TCK)
m0=$(ticks "$monitor"); x0=$(ticks "$xvfb"); s0=$(ticks "$service"); t0=$(date +%s.%N)
sleep "$SECONDS_MEASURED"
m1=$(ticks "$monitor"); x1=$(ticks "$xvfb"); s1=$(ticks "$service"); t1=$(date +%s.%N)
awk -v m="$((m1 - m0))" -v x="$((x1 - x0))" -v s="$((s1 - s0))" -v hz="$hz" -v t0="$t0" -v t1="$t1" \
    -v load="$LOAD" -v tab="$TAB" -v size="$SIZE" 'BEGIN {
        wall = t1 - t0
        printf "load %s, tab %s, %s, %.0f s: afcgi-monitor %.1f %%, Xvfb %.1f %%, afcgid %.1f %% of one core\n",
               load, tab, size, wall, 100 * m / hz / wall, 100 * x / hz / wall, 100 * s / hz / wall
    }'
