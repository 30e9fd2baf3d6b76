#!/usr/bin/env bash
# Does afcgid's memory stay bounded while a client does not read, and flat while gigabytes pass
# through it? One release afcgid, its RSS sampled every 0.5 s throughout:
#
#   stall     first, on the fresh server: a slow reader. afcgi-soak keeps 64 /stream requests of
#             up to 10M lines open and reads 64 KB/s per connection; the server must pause the
#             handlers (flow control) rather than buffer gigabytes
#   warm-up   512 x 1 MiB /echo and 8 x 1M-line /stream: the load below, half as big (the heap
#             takes a few hundred requests to reach its working size)
#   echo      1 GiB of request bodies into /echo (1,024 x 1 MiB; 1 GiB comes back out)
#   stream    1 GiB of /stream output (91 x /stream?count=1000000, 11.3 MiB of lines each)
#
# Every answer is verified (afcgi-bench compares /echo and /stream bodies byte for byte). It
# prints RSS at start, during the stall, after the warm-up, after each gigabyte, the highest after
# the warm-up and at the end, and fails when the highest after the warm-up exceeds the
# after-warm-up figure by more than TOLERANCE percent (10), when the stall phase grows past its
# own first seconds (afcgi-soak --rss-tolerance), or on any wrong answer.
#
#   tests/bench/rss-flat.sh                 # builds afcgid, afcgi-bench, afcgi-soak (Release)
#   SKIP_BUILD=1 tests/bench/rss-flat.sh    # binaries as last built in build/release
# Knobs: SERVER_CPU (0), BENCH_CPU (1), THREADS (1, as compare.sh), PORT (19400), TOLERANCE
# (10), STALL_SECONDS (20), STALL_READ (65536 bytes/s per connection), BUILD_LOCK (a lock file
# every build on this machine takes; /tmp/afcgi-build.lock).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build/release}
AFCGID=${AFCGID:-$BUILD/server/afcgid}
BENCH=${BENCH:-$BUILD/tests/bench/afcgi-bench}
SOAK=${SOAK:-$BUILD/tests/bench/afcgi-soak}
SERVER_CPU=${SERVER_CPU:-0}
BENCH_CPU=${BENCH_CPU:-1}
THREADS=${THREADS:-1}
PORT=${PORT:-19400}
TOLERANCE=${TOLERANCE:-10}
STALL_SECONDS=${STALL_SECONDS:-20}
STALL_READ=${STALL_READ:-65536}
SKIP_BUILD=${SKIP_BUILD:-0}
BUILD_LOCK=${BUILD_LOCK:-/tmp/afcgi-build.lock}
ADDR=127.0.0.1:$PORT

MIB=1048576
ECHO_REQUESTS=1024             # x 1 MiB = 1 GiB in (and 1 GiB out)
STREAM_LINES=1000000           # "line 1\n" .. "line 1000000\n": 11,888,896 bytes
STREAM_BYTES=11888896
STREAM_REQUESTS=$(( (1024 * MIB + STREAM_BYTES - 1) / STREAM_BYTES )) # 91: just over 1 GiB

TMP=$(mktemp -d "${TMPDIR:-/tmp}/afcgi-rss-flat.XXXXXX")
RSS_LOG="$TMP/rss.log"
SERVER_PID=
SAMPLER_PID=

log() { printf '%s\n' "$*" >&2; }
die() { log "rss-flat.sh: $*"; exit 1; }

# Stop exactly the processes this script started, then remove the scratch directory.
cleanup() {
    local pid
    for pid in $SAMPLER_PID $SERVER_PID; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in $SAMPLER_PID $SERVER_PID; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build -------------------------------------------------------------------------------------
command -v taskset >/dev/null || die "taskset (util-linux) is needed"
if [ "$SKIP_BUILD" != 1 ]; then
    if [ ! -f "$BUILD/build.ninja" ]; then
        timeout 300 cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DAFCGI_BUILD_TESTS=ON >/dev/null
    fi
    log "building afcgid, afcgi-bench and afcgi-soak (Release) in $BUILD"
    lock=()
    command -v flock >/dev/null && lock=(flock "$BUILD_LOCK")
    timeout 1200 "${lock[@]}" cmake --build "$BUILD" --target afcgid afcgi-bench afcgi-soak -j 2 >/dev/null \
        || die "build failed: cmake --build $BUILD --target afcgid afcgi-bench afcgi-soak"
fi
for exe in "$AFCGID" "$BENCH" "$SOAK"; do [ -x "$exe" ] || die "no $exe"; done

# --- server and sampler ------------------------------------------------------------------------
! (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || die "$ADDR is already taken (set PORT)"
taskset -c "$SERVER_CPU" "$AFCGID" --listen "$ADDR" --threads "$THREADS" --monitor none \
    --log-level warning 2>"$TMP/afcgid.log" &
SERVER_PID=$!
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/afcgid.log" >&2; die "afcgid exited"; }
    sleep 0.05
done

rss_now() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; } # utime + stime
mark() { echo "mark $1" >>"$RSS_LOG"; }

# One line per sample, "<kB>", and "mark <phase>" lines in between (appends of a few bytes).
( while kill -0 "$SERVER_PID" 2>/dev/null; do
      echo "$(rss_now)" >>"$RSS_LOG"
      sleep 0.5
  done ) 2>/dev/null &
SAMPLER_PID=$!

bench() { # afcgi-bench options...; fails the script on any wrong answer
    local out
    out=$(taskset -c "$BENCH_CPU" "$BENCH" --addr "$ADDR" --warmup 0 --no-progress "$@") \
        || { printf '%s\n' "$out" >&2; die "afcgi-bench $* failed"; }
    printf '%s\n' "$out" | sed -n '2p;4p;6p'
}

echo "afcgi rss-flat: $(nproc) cores, Linux $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "afcgid --threads $THREADS on core $SERVER_CPU, clients on core $BENCH_CPU, $ADDR"
echo "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (modified)'), $(date -u '+%Y-%m-%d %H:%M UTC')"
RSS_START=$(rss_now)
mark start
echo

echo "stall: 4 conns x 16 /stream of up to 10M lines, read at $STALL_READ B/s per connection for $STALL_SECONDS s"
cpu_before=$(cpu_ticks)
stall_status=0
stall_out=$(taskset -c "$BENCH_CPU" "$SOAK" --addr "$ADDR" --conns 4 --depth 16 --mix stream=1 \
    --stream-lines 10000000 --read-limit "$STALL_READ" --duration "$STALL_SECONDS" \
    --pid "$SERVER_PID" --rss-interval 0.5 --rss-tolerance "$TOLERANCE" --no-progress) || stall_status=$?
cpu_after=$(cpu_ticks)
printf '%s\n' "$stall_out" | sed -n '2p;5p;8,11p'
echo "  server CPU  $(awk -v t=$(( cpu_after - cpu_before )) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.2f s", t / hz }') in $STALL_SECONDS s (a handler that kept producing would use its core)"
sleep 1
RSS_AFTER_STALL=$(rss_now)
mark stall-done
echo

echo "warm-up: 512 x 1 MiB /echo, 8 x /stream?count=$STREAM_LINES"
bench --conns 4 --depth 4 --path /echo --body "$MIB" --requests 512
bench --conns 4 --depth 2 --path "/stream?count=$STREAM_LINES" --requests 8
sleep 1
RSS_WARM=$(rss_now)
mark warm

echo "echo: $ECHO_REQUESTS x 1 MiB bodies in, the same out"
bench --conns 4 --depth 4 --path /echo --body "$MIB" --requests "$ECHO_REQUESTS"
sleep 1
RSS_AFTER_ECHO=$(rss_now)
echo "stream: $STREAM_REQUESTS x /stream?count=$STREAM_LINES ($(( STREAM_REQUESTS * STREAM_BYTES / MIB )) MiB of lines out)"
bench --conns 4 --depth 2 --path "/stream?count=$STREAM_LINES" --requests "$STREAM_REQUESTS"
sleep 1
mark end
RSS_END=$(rss_now)

kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=

# Highest samples during the stall, and from the end of the warm-up to the end.
read -r RSS_MAX_STALL RSS_MAX_WARM < <(awk '
    /^mark start/ { phase = "stall"; next }
    /^mark stall-done/ { phase = ""; next }
    /^mark warm/ { phase = "warm"; next }
    /^mark end/ { phase = ""; next }
    /^mark/ { next }
    phase == "stall" && $1 > stall { stall = $1 }
    phase == "warm" && $1 > warm { warm = $1 }
    END { print stall + 0, warm + 0 }' "$RSS_LOG")
SAMPLES=$(grep -c '^[0-9]' "$RSS_LOG" || true)
GROWTH=$(awk -v w="$RSS_WARM" -v m="$RSS_MAX_WARM" 'BEGIN { printf "%.1f", (m / w - 1) * 100 }')

echo
echo "server RSS (kB, $SAMPLES samples every 0.5 s):"
printf '  %-34s %10s\n' "start" "$RSS_START" "highest during the stall" "$RSS_MAX_STALL" \
    "after the stall" "$RSS_AFTER_STALL" "after warm-up" "$RSS_WARM" \
    "after 1 GiB /echo (in and out)" "$RSS_AFTER_ECHO" "end, after 1 GiB /stream out" "$RSS_END" \
    "highest after warm-up" "$RSS_MAX_WARM"
echo "  growth after warm-up: $GROWTH % (tolerance $TOLERANCE %)"

status=0
if awk -v g="$GROWTH" -v t="$TOLERANCE" 'BEGIN { exit !(g > t) }'; then
    echo "FAIL: RSS grew $GROWTH % after the warm-up"
    status=1
fi
if [ "$stall_status" != 0 ]; then
    echo "FAIL: the stall phase: $(printf '%s\n' "$stall_out" | grep -m1 FAILED || echo "afcgi-soak exit $stall_status")"
    status=1
fi
kill -0 "$SERVER_PID" 2>/dev/null || { echo "FAIL: afcgid died"; status=1; }
[ "$status" = 0 ] && echo "PASS"
exit "$status"
