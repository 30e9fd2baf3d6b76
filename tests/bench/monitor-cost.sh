#!/usr/bin/env bash
# What a monitor attached to afcgid costs under S3's load (4 conns x depth 64 /hello), measured
# two ways that a noisy, shared machine cannot fool as easily as one S3 run against one S6 run:
#
#   tests/bench/monitor-cost.sh                    # both methods
#   METHOD=callgrind REQUESTS=200000 tests/bench/monitor-cost.sh
#   METHOD=pairs PAIRS=10 DURATION=3 tests/bench/monitor-cost.sh
#
# callgrind  afcgid (--threads 1) runs under `valgrind --tool=callgrind`; afcgi-bench sends exactly
#            REQUESTS requests of S3's shape, once with no monitor and once with a monitor client
#            attached (socat reading the channel to /dev/null, as compare.sh's S6). The counters
#            are zeroed just before the measured requests and dumped just after them
#            (callgrind_control), after a warm-up of WARMUP_REQUESTS. Under callgrind afcgid runs
#            some 50x slower while its tick still fires every 250 ms, so the raw totals are not
#            compared. Each run is split into
#              tick path    the inclusive instructions of the hub's tick (MonitorPublisher::onTick,
#                           ::sendTick: sampling, encoding, the write to the monitor socket), of the
#                           workers' sampling call (Worker::sample) and of the monitor's socket
#                           writes (QLocalSocket's flush), over the number of ticks sent (calls
#                           of MonitorPublisher::sendTick) -> instructions per tick;
#              events       the begin/end events the worker builds for the monitor
#                           (Connection::reportRequest): at most 256 per worker per tick, a
#                           budget that is full at any rate S3 runs at, so counted per tick;
#              per request  (total - tick path - events) / REQUESTS.
#            The model at S3's real rate R (req/s, from the pairs below, or RATE=):
#              overhead = (extra per request x R + per tick x ticks/s) / (base per request x R)
#            with extra = per request with a monitor - per request without, ticks/s = 1000 /
#            the hello's tick interval (4). Only user-space instructions are counted: the kernel's
#            share of S3 (loopback TCP) is in neither the base nor the extra.
# pairs      one afcgid (--threads 1, core SERVER_CPU; the load on BENCH_CPU), PAIRS pairs of
#            DURATION-s runs, S3 (no monitor) and S6 (socat attached), the order alternating
#            (S3 S6, S6 S3, ...) so a drift of the machine falls on both. Per pair: req/s of
#            each, S6/S3, and afcgid's CPU time per request (user + system of all its threads
#            from /proc/<pid>/stat over each run); then the median and the spread of the ratios.
#
# Environment: BUILD (default <repo>/build), AFCGID, BENCH (the binaries), REQUESTS (200000),
# WARMUP_REQUESTS (20000), PAIRS (10), DURATION (3), RATE (S3's req/s for the model; default
# the median S3 rate of the pairs, else RATE must be given), SERVER_CPU (0), BENCH_CPU (1),
# PORT (19380). Needs valgrind (callgrind_annotate, callgrind_control), socat and taskset.
# Run it with nothing else running on the machine (no build, no test).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
AFCGID=${AFCGID:-$BUILD/server/afcgid}
BENCH=${BENCH:-$BUILD/tests/bench/afcgi-bench}
METHOD=${METHOD:-both}
REQUESTS=${REQUESTS:-200000}
WARMUP_REQUESTS=${WARMUP_REQUESTS:-20000}
PAIRS=${PAIRS:-10}
DURATION=${DURATION:-3}
RATE=${RATE:-}
SERVER_CPU=${SERVER_CPU:-0}
BENCH_CPU=${BENCH_CPU:-1}
PORT=${PORT:-19380}
ADDR=127.0.0.1:$PORT
TICK_MS=250 # MonitorPublisher's interval (the hello's tick_interval_ms)
# The tick path, as callgrind names its functions (none calls another of them): the timer's
# slot, the tick's assembly, encoding and writes to the monitor sockets, the workers' sampling.
TICK_FUNCTIONS='^afcgi::MonitorPublisher::(onTick|sendTick)\(\)$|^afcgi::Worker::sample\(long long\) const$'
# The begin and end events a worker builds for the monitor: at most a budget per tick (256 per
# worker), full at any rate S3 runs at, so they are a cost per tick, not per request.
EVENT_FUNCTIONS='^afcgi::Connection::reportRequest\('
CALLGRIND_RUNS=${CALLGRIND_RUNS:-2}

die() { echo "monitor-cost.sh: $*" >&2; exit 1; }
for bin in "$AFCGID" "$BENCH"; do [ -x "$bin" ] || die "$bin is missing (build afcgid and afcgi-bench first)"; done
command -v socat >/dev/null || die "needs socat"
command -v taskset >/dev/null || die "needs taskset (util-linux)"
if [ "$METHOD" != pairs ]; then
    command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null \
        && command -v callgrind_control >/dev/null || die "needs valgrind (apt-get install valgrind)"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/afcgi-monitor-cost.XXXXXX")
STARTED=()
cleanup() {
    local pid
    for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${STARTED[@]}"; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
forget() { # a process stopped and waited for here: never signal its pid again (it may be reused)
    local kept=() pid
    for pid in "${STARTED[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
    STARTED=("${kept[@]}")
}

field() { sed -n "s/.*\"$1\":\(-\{0,1\}[0-9.][0-9.]*\).*/\1/p" <<<"$2"; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

SERVER_PID=
start_afcgid() { # [wrapper...]: afcgid on ADDR with its monitor channel in TMP
    rm -f "$TMP/monitor.sock"
    taskset -c "$SERVER_CPU" "$@" "$AFCGID" --listen "$ADDR" --threads 1 --monitor "$TMP/monitor.sock" \
        --log-level warning 2>>"$TMP/afcgid.log" &
    SERVER_PID=$!
    STARTED+=("$SERVER_PID")
    for _ in $(seq 600); do
        kill -0 "$SERVER_PID" 2>/dev/null || die "afcgid did not start: $(tail -n 5 "$TMP/afcgid.log")"
        [ -S "$TMP/monitor.sock" ] && (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && return 0
        sleep 0.1
    done
    die "afcgid did not listen on $ADDR"
}
stop_afcgid() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    forget "$SERVER_PID"
    SERVER_PID=
}

MONITOR_PID=
attach_monitor() {
    taskset -c "$BENCH_CPU" socat -u "UNIX-CONNECT:$TMP/monitor.sock" /dev/null &
    MONITOR_PID=$!
    STARTED+=("$MONITOR_PID")
    sleep "${1:-0.5}" # the hello, the snapshot, the first tick
    kill -0 "$MONITOR_PID" 2>/dev/null || die "the monitor client could not connect"
}
detach_monitor() {
    kill "$MONITOR_PID" 2>/dev/null || true
    wait "$MONITOR_PID" 2>/dev/null || true
    forget "$MONITOR_PID"
    MONITOR_PID=
}

bench() { # afcgi-bench arguments...: the final JSON line
    local out
    out=$(timeout -k 5 600 taskset -c "$BENCH_CPU" "$BENCH" --addr "$ADDR" --conns 4 --depth 64 \
        --path /hello --json-only "$@" 2>>"$TMP/bench.log" | tail -n 1) || true
    [[ $out == *'"ok":true'* ]] || die "afcgi-bench failed: $out $(tail -n 3 "$TMP/bench.log")"
    echo "$out"
}

# --- pairs ------------------------------------------------------------------------------------
PAIR_LINES=()
run_pairs() {
    local hz
    hz=$(getconf CLK_TCK)
    start_afcgid
    bench --duration 2 --warmup 0 >/dev/null # warm the caches, the allocator, the connections' paths
    echo "pairs: one afcgid (--threads 1, core $SERVER_CPU), load on core $BENCH_CPU, $PAIRS pairs of ${DURATION}-s runs, order alternating"
    printf '  %-4s %-7s %12s %12s %7s %10s %10s %7s\n' pair order "S3 req/s" "S6 req/s" S6/S3 "S3 us/req" "S6 us/req" ratio
    local i
    for i in $(seq "$PAIRS"); do
        local order=(S3 S6) s rps3 rps6 cpu3 cpu6
        [ $((i % 2)) = 0 ] && order=(S6 S3)
        for s in "${order[@]}"; do
            [ "$s" = S6 ] && attach_monitor 0.5
            local t0 t1 out rps n cpu
            t0=$(ticks "$SERVER_PID")
            out=$(bench --duration "$DURATION" --warmup 0)
            t1=$(ticks "$SERVER_PID")
            [ "$s" = S6 ] && detach_monitor
            rps=$(field rps "$out"); n=$(field requests "$out")
            cpu=$(awk -v t=$((t1 - t0)) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.3f", 1e6 * t / hz / n }')
            if [ "$s" = S3 ]; then rps3=$rps; cpu3=$cpu; else rps6=$rps; cpu6=$cpu; fi
        done
        local line
        line=$(awk -v i="$i" -v o="${order[0]}-${order[1]}" -v a="$rps3" -v b="$rps6" -v c="$cpu3" -v d="$cpu6" \
            'BEGIN { printf "%s %s %d %d %.3f %.3f %.3f %.3f", i, o, a, b, b / a, c, d, d / c }')
        PAIR_LINES+=("$line")
        awk '{ printf "  %-4s %-7s %12d %12d %7.3f %10.3f %10.3f %7.3f\n", $1, $2, $3, $4, $5, $6, $7, $8 }' <<<"$line"
    done
    stop_afcgid
    printf '%s\n' "${PAIR_LINES[@]}" | awk '
        function median(a, n,   i, j, t) {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        function quart(a, n, q) { return a[int(q * (n - 1) + 1.5)] } # after median() sorted a
        { r[NR] = $5; c[NR] = $8; s3[NR] = $3 }
        END {
            n = NR
            mr = median(r, n); mc = median(c, n); m3 = median(s3, n)
            printf "  S6/S3 req/s: median %.3f, quartiles %.3f-%.3f, range %.3f-%.3f\n", mr, quart(r, n, 0.25), quart(r, n, 0.75), r[1], r[n]
            printf "  S6/S3 CPU per request: median %.3f, quartiles %.3f-%.3f, range %.3f-%.3f\n", mc, quart(c, n, 0.25), quart(c, n, 0.75), c[1], c[n]
            printf "  S3 median %d req/s\n", m3
        }'
    if [ -z "$RATE" ]; then
        RATE=$(printf '%s\n' "${PAIR_LINES[@]}" | awk '{ print $3 }' | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)) }')
    fi
}

# --- callgrind --------------------------------------------------------------------------------
# From one dump: the inclusive instructions spent in calls into functions named by a regex, and
# the number of those calls. Read from the call arcs callgrind records (each `calls=` line is
# followed by the arc's inclusive cost), so a function inlined from several files, or a lambda
# named after the function it sits in, is counted once. Names are compressed: `(id) name` the
# first time, `(id)` after.
calls_of() { # dump name-regex -> "instructions calls"
    awk -v want="$2" '
        /^c?fn=\(/ {
            id = $0; sub(/^c?fn=\(/, "", id); sub(/\).*/, "", id)
            name = $0; if (sub(/^c?fn=\([0-9]+\) /, "", name)) names[id] = name
            if ($0 ~ /^cfn=/) callee = id
            next
        }
        /^calls=/ { n = $0; sub(/^calls=/, "", n); split(n, a, " "); calls[callee] += a[1]; arc = 1; next }
        arc { cost[callee] += $2; arc = 0 }
        END { for (id in calls) if (names[id] ~ want) { s += cost[id]; c += calls[id] } print s + 0, c + 0 }' "$1"
}
total_ir() { sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$1" | head -n 1; }

CG_LINES=()
run_callgrind_once() { # label monitor(0|1)
    local label=$1 monitor=$2 out="$TMP/callgrind.$1.out"
    start_afcgid valgrind --tool=callgrind --callgrind-out-file="$out" --dump-instr=no
    bench --requests "$WARMUP_REQUESTS" --warmup 0 >/dev/null
    [ "$monitor" = 1 ] && attach_monitor 2
    callgrind_control -z "$SERVER_PID" >/dev/null
    local t0 t1 result
    t0=$(date +%s.%N)
    result=$(bench --requests "$REQUESTS" --warmup 0)
    t1=$(date +%s.%N)
    callgrind_control -d "$SERVER_PID" >/dev/null
    [ "$monitor" = 1 ] && detach_monitor
    stop_afcgid
    local dump
    dump=$(ls "$out".* 2>/dev/null | grep -v '\.out$' | sort -t. -k1,1 | head -n 1 || true)
    [ -n "$dump" ] && [ -f "$dump" ] || die "no callgrind dump for $label (callgrind_control -d)"
    local total tick events ticks n
    total=$(total_ir "$dump")
    tick=$(calls_of "$dump" "$TICK_FUNCTIONS" | awk '{ print $1 }')
    events=$(calls_of "$dump" "$EVENT_FUNCTIONS")
    ticks=$(calls_of "$dump" '^afcgi::MonitorPublisher::sendTick\(\)$' | awk '{ print $2 }')
    n=$(field requests "$result")
    CG_LINES+=("$label $n $total $tick $ticks $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') $events")
    [ -z "${KEEP_DUMPS:-}" ] || cp "$dump" "$KEEP_DUMPS/callgrind.$label.out"
    rm -f "$out" "$out".*
}

run_callgrind() {
    echo "callgrind: afcgid --threads 1 under valgrind --tool=callgrind (core $SERVER_CPU), afcgi-bench --conns 4 --depth 64 --path /hello --requests $REQUESTS (core $BENCH_CPU), counters zeroed after $WARMUP_REQUESTS warm-up requests"
    local i
    for i in $(seq "$CALLGRIND_RUNS"); do
        run_callgrind_once "S3#$i" 0
        run_callgrind_once "S6#$i" 1
    done
    printf '  %-5s %9s %15s %13s %12s %7s %6s %7s %11s %11s\n' run requests "total Ir" "tick path Ir" "events Ir" events ticks "wall s" "Ir/request" "Ir/tick"
    local line
    for line in "${CG_LINES[@]}"; do
        awk '{ printf "  %-5s %9d %15.0f %13.0f %12.0f %7d %6d %7.1f %11.1f %11.0f\n", $1, $2, $3, $4, $7, $8, $5, $6, ($3 - $4 - $7) / $2, ($5 > 0 ? ($4 + $7) / $5 : 0) }' <<<"$line"
    done
}

model() {
    [ ${#CG_LINES[@]} -ge 2 ] || return 0
    if [ -z "$RATE" ]; then
        echo "model: give RATE=<S3 req/s on this machine> (or run METHOD=both) to compute the overhead"
        return 0
    fi
    printf '%s\n' "${CG_LINES[@]}" | awk -v rate="$RATE" -v tick_ms="$TICK_MS" '
        # label requests total tick ticks wall eventsIr events:
        # per request = (total - tick - events) / requests, per tick = (tick + events) / ticks
        $1 ~ /^S3/ { b += ($3 - $4 - $7) / $2; nb++ }
        $1 ~ /^S6/ { w += ($3 - $4 - $7) / $2; nw++; tickIr += $4 + $7; ticks += $5 }
        END {
            base = b / nb; with = w / nw; extra = with - base
            pertick = ticks > 0 ? tickIr / ticks : 0; tps = 1000 / tick_ms
            req = extra * rate; tk = pertick * tps; all = base * rate
            printf "model: overhead = (extra per request x R + per tick x ticks/s) / (base per request x R)\n"
            printf "  base %.1f Ir/request (mean of %d runs), with a monitor %.1f (mean of %d), extra %.1f (%.2f %%)\n", base, nb, with, nw, extra, 100 * extra / base
            printf "  per tick %.0f Ir (%d ticks), %d ticks/s; R = %d req/s (S3 on this machine)\n", pertick, ticks, tps, rate
            printf "  overhead = (%.1f x %d + %.0f x %d) / (%.1f x %d) = %.2f %% (per request %.2f %%, ticks %.2f %%)\n",
                extra, rate, pertick, tps, base, rate, 100 * (req + tk) / all, 100 * req / all, 100 * tk / all
            printf "  (user-space instructions only: the kernel side of S3 (TCP) is not counted, so the real share is lower)\n"
        }'
}

case $METHOD in
pairs) run_pairs ;;
callgrind) run_callgrind; model ;;
both) run_pairs; echo; run_callgrind; model ;;
*) die "METHOD is pairs, callgrind or both" ;;
esac
