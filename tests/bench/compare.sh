#!/usr/bin/env bash
# Measures afcgid beside its peers in one run, on this machine, and prints one table.
#
#   tests/bench/compare.sh                     # defaults: DURATION=5 WARMUP=1 REPEAT=1
#   DURATION=3 tests/bench/compare.sh
#   REPEAT=3 tests/bench/compare.sh            # medians of 3
#   SERVERS="afcgid epoll" SCENARIOS="S3 S6" tests/bench/compare.sh
#
# Builds afcgid and afcgi-bench (Release, build/release) and the peer servers (Go net/http/fcgi,
# a threaded libfcgi responder, a minimal C epoll responder: build/bench-peers), then runs each
# scenario against each server. The server is pinned to one core (SERVER_CPU, afcgid with
# --threads 1), the bench to another (BENCH_CPU).
#   S1 1 conn x depth 1 /hello      S2 16 conns x depth 1 /hello    S3 4 conns x depth 64 /hello
#   S4 8 conns x depth 1 /echo, 64 KB bodies                        S6 S3 with a monitor client
#      (MONITOR_CLIENT=socat: a client that reads everything and shows nothing; =app: the real
#      afcgi-monitor on an Xvfb display, MONITOR_TAB (4: Throughput) at MONITOR_SIZE (1600x1000),
#      not pinned, as on a desktop; needs Xvfb and builds afcgi-monitor too)
#   S5 hold 100,000 pending /delay?ms=60000 on 100 connections: server RSS per pending request
#   S7 S2 with 5,000 more connections open and idle (keep-alive connections between bursts;
#      leanload, 3 s warm-up while the server takes them in; not run against libfcgi, whose 8
#      threads would each sit on an idle connection)
#   S8 HTTP through HAProxy with resources/haproxy/afcgi.cfg (multiplexed FastCGI: mpxs-conns,
#      keep-conn, http-reuse always) with `nbthread 1`, HAProxy on the server's core beside it,
#      wrk -t1 -c64 on the load core, every status and body checked (tests/e2e/wrk-check.lua);
#      the errors column counts non-2xx answers, wrong bodies and socket errors. Not run against
#      libfcgi, which cannot multiplex. HAPROXY_BUFSIZE=16384 runs it with HAProxy's default
#      buffer instead of the sample's tune.bufsize, to show what the sample's setting avoids.
# libfcgi cannot multiplex (a second request on a busy connection makes it drop the connection),
# so its S3 row runs 4 conns x depth 1, as a client falls back; its S5 is n/a (a thread per
# request: 8 threads hold 8 requests). Go's net/http/fcgi does take 64 requests per connection
# (a goroutine each) and runs S3 at depth 64. Ratios compare afcgid with the best of Go and
# libfcgi; epoll is the ceiling, not a peer. At depth 1 (S1, S2, S4) every request waits for a
# wake-up across cores, so there the "ceiling" bounds latency more than server CPU. The bench
# column is the load generator's own CPU use: near 100 % it, not the server, would be the limit.
# S1 and S2 are driven by leanload (peers/leanload, plain C: one write and one read per request)
# because afcgi-bench spends as much CPU per request as a server does and sets the pace at depth
# 1; LOADGEN=bench runs them with afcgi-bench too (which verifies every response body).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/tests/bench"
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-1}
REPEAT=${REPEAT:-1}
SERVERS=${SERVERS:-"afcgid go libfcgi epoll"}
SCENARIOS=${SCENARIOS:-"S1 S2 S3 S4 S5 S6 S7 S8"}
MONITOR_CLIENT=${MONITOR_CLIENT:-socat} # S6: socat, or app (afcgi-monitor under Xvfb)
MONITOR_TAB=${MONITOR_TAB:-4}
MONITOR_SIZE=${MONITOR_SIZE:-1600x1000}
IDLE_CONNS=${IDLE_CONNS:-5000}
BUILD=${BUILD:-$ROOT/build/release}
PEERS=${PEERS:-$ROOT/build/bench-peers}
SERVER_CPU=${SERVER_CPU:-0}
BENCH_CPU=${BENCH_CPU:-1}
BASE_PORT=${BASE_PORT:-19300}
ADDR_KIND=${ADDR_KIND:-tcp}          # tcp (127.0.0.1) or unix
HOLD=${HOLD:-100000}
HOLD_CONNS=${HOLD_CONNS:-100}
LIBFCGI_THREADS=${LIBFCGI_THREADS:-8}
SKIP_BUILD=${SKIP_BUILD:-0}
LOADGEN=${LOADGEN:-lean}             # lean: S1/S2 from leanload; bench: afcgi-bench for all
JOBS=${JOBS:-2}
HAPROXY_BUFSIZE=${HAPROXY_BUFSIZE:-}   # S8: empty = the sample's own tune.bufsize

BENCH=${BENCH:-$BUILD/tests/bench/afcgi-bench}
AFCGID=${AFCGID:-$BUILD/server/afcgid}
MONITOR_APP=${MONITOR_APP:-$BUILD/gui/afcgi-monitor}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/afcgi-compare.XXXXXX")
RESULTS="$TMP/results.tsv"
: >"$RESULTS"
STARTED_PIDS=()

log() { printf '%s\n' "$*" >&2; }
die() { log "compare.sh: $*"; exit 1; }

# Stop exactly the processes this script started, then remove the scratch directory.
cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${STARTED_PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$TMP"
}
forget_pid() { # a process we stopped ourselves: never signal that pid again (it may be reused)
    local kept=() pid
    for pid in "${STARTED_PIDS[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
    STARTED_PIDS=("${kept[@]}")
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build ------------------------------------------------------------------------------------
build() {
    command -v taskset >/dev/null || die "taskset (util-linux) is needed"
    if [ "$SKIP_BUILD" != 1 ]; then
        if [ ! -f "$BUILD/build.ninja" ]; then
            timeout 300 cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
                -DAFCGI_BUILD_TESTS=ON >/dev/null
        fi
        local targets=(afcgid afcgi-bench)
        [ "$MONITOR_CLIENT" = app ] && targets+=(afcgi-monitor)
        log "building ${targets[*]} (Release) in $BUILD"
        timeout 1200 cmake --build "$BUILD" --target "${targets[@]}" -j "$JOBS" >/dev/null \
            || die "build failed: cmake --build $BUILD --target ${targets[*]}"
        mkdir -p "$PEERS"
        local src="$HERE/peers"
        if [[ " $SERVERS " == *" epoll "* && ( ! -x "$PEERS/epoll-responder" || "$src/epoll/responder.c" -nt "$PEERS/epoll-responder" ) ]]; then
            log "building the epoll responder"
            gcc -O2 -Wall -o "$PEERS/epoll-responder" "$src/epoll/responder.c"
        fi
        if [ "$LOADGEN" = lean ] && [[ ! -x "$PEERS/leanload" || "$src/leanload/leanload.c" -nt "$PEERS/leanload" ]]; then
            log "building leanload"
            gcc -O2 -Wall -o "$PEERS/leanload" "$src/leanload/leanload.c"
        fi
        if [[ " $SERVERS " == *" libfcgi "* && ( ! -x "$PEERS/libfcgi-responder" || "$src/libfcgi/responder.c" -nt "$PEERS/libfcgi-responder" ) ]]; then
            log "building the libfcgi responder"
            gcc -O2 -Wall -o "$PEERS/libfcgi-responder" "$src/libfcgi/responder.c" -lfcgi -lpthread \
                || die "libfcgi responder: is libfcgi-dev installed?"
        fi
        if [[ " $SERVERS " == *" go "* && ( ! -x "$PEERS/go-fcgi" || "$src/go/main.go" -nt "$PEERS/go-fcgi" ) ]]; then
            log "building the Go net/http/fcgi responder"
            # Standard library only: no module download; a scratch cache keeps $HOME clean.
            (cd "$src/go" && GOCACHE="$TMP/gocache" GOPATH="$TMP/gopath" GOFLAGS= \
                timeout 300 go build -o "$PEERS/go-fcgi" main.go) || die "go build failed: is golang-go installed?"
        fi
    fi
    [ -x "$AFCGID" ] || die "no $AFCGID"
    [ -x "$BENCH" ] || die "no $BENCH"
}

# --- servers ----------------------------------------------------------------------------------
SERVER_PID=
MONITOR_SOCK=

address_of() { # server index -> address
    if [ "$ADDR_KIND" = unix ]; then echo "unix:$TMP/$1.sock"; else echo "127.0.0.1:$((BASE_PORT + $2))"; fi
}

wait_ready() { # address pid
    local addr=$1 pid=$2
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || return 1
        if [[ $addr == unix:* ]]; then
            [ -S "${addr#unix:}" ] && return 0
        else
            port_in_use "$addr" && return 0
        fi
        sleep 0.05
    done
    return 1
}

port_in_use() { # address
    [[ $1 != unix:* ]] && (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null
}

start_server() { # name address
    local name=$1 addr=$2
    ! port_in_use "$addr" || die "$addr is already taken by another process (set BASE_PORT)"
    case $name in
    afcgid)
        MONITOR_SOCK="$TMP/monitor.sock"
        taskset -c "$SERVER_CPU" "$AFCGID" --listen "$addr" --threads 1 --monitor "$MONITOR_SOCK" \
            --log-level warning 2>>"$TMP/afcgid.log" &
        ;;
    go) taskset -c "$SERVER_CPU" "$PEERS/go-fcgi" -addr "$addr" 2>>"$TMP/go.log" & ;;
    libfcgi) taskset -c "$SERVER_CPU" "$PEERS/libfcgi-responder" -a "$addr" -t "$LIBFCGI_THREADS" 2>>"$TMP/libfcgi.log" & ;;
    epoll) taskset -c "$SERVER_CPU" "$PEERS/epoll-responder" -a "$addr" 2>>"$TMP/epoll.log" & ;;
    *) die "unknown server $name" ;;
    esac
    SERVER_PID=$!
    STARTED_PIDS+=("$SERVER_PID")
    wait_ready "$addr" "$SERVER_PID" || die "$name did not start on $addr (see $TMP/$name.log)"
}

# CPU ticks (user + system) of one process so far; 0 once it is gone.
proc_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0
}

XVFB_DISPLAY=
start_xvfb() { # once per run; sets XVFB_DISPLAY
    [ -n "$XVFB_DISPLAY" ] && return 0
    command -v Xvfb >/dev/null || die "MONITOR_CLIENT=app needs Xvfb (apt-get install xvfb)"
    local n=99
    while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
    Xvfb ":$n" -screen 0 1920x1200x24 -nolisten tcp >>"$TMP/xvfb.log" 2>&1 &
    STARTED_PIDS+=("$!")
    for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
    XVFB_DISPLAY=":$n"
}

stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    forget_pid "$SERVER_PID"
    SERVER_PID=
}

# --- scenarios --------------------------------------------------------------------------------
field() { # key json -> number
    sed -n "s/.*\"$1\":\(-\{0,1\}[0-9.][0-9.]*\).*/\1/p" <<<"$2"
}

# Runs the bench and appends: scenario server rps p99_us errors rss_per_request note bench_cpu%
run_bench() { # scenario server note bench-args...
    local scenario=$1 server=$2 note=$3
    shift 3
    local limit=$(awk "BEGIN { print int($WARMUP + $DURATION + 60) }")
    local out
    out=$(timeout -k 5 "$limit" taskset -c "$BENCH_CPU" "$BENCH" --json-only "$@" 2>>"$TMP/bench.log" | tail -n 1) || true
    if [[ $out != \{* ]]; then
        log "  $scenario $server: no result (timeout or crash)"
        printf '%s\t%s\t0\t0\t-1\t-1\t%s\t-1\n' "$scenario" "$server" "${note:-failed}" >>"$RESULTS"
        return
    fi
    local rps p99 errors rss cpu
    rps=$(field rps "$out"); p99=$(field p99 "$out"); errors=$(field total "$out")
    rss=$(field rss_per_request_bytes "$out"); cpu=$(field bench_cpu_percent "$out")
    [[ $out == *'"ok":false'* && ${errors:-0} == 0 ]] && errors=1
    if [ -n "$rss" ]; then
        log "  $scenario $server: $rss bytes per pending request, ${errors:-?} errors"
    else
        log "  $scenario $server: ${rps:-?} req/s, p99 ${p99:-?} us, ${errors:-?} errors"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$scenario" "$server" "${rps:-0}" "${p99:-0}" \
        "${errors:--1}" "${rss:--1}" "$note" "${cpu:--1}" >>"$RESULTS"
}

# The /hello rows at depth 1 from leanload; same columns as run_bench.
run_lean() { # scenario server address conns depth [idle-conns warmup]
    local scenario=$1 server=$2 addr=$3 idle=${6:-0} warmup=${7:-$WARMUP}
    if [ "$LOADGEN" != lean ] || [[ $addr == unix:* ]]; then
        run_bench "$scenario" "$server" "" --addr "$addr" --duration "$DURATION" --warmup "$WARMUP" \
            --conns "$4" --depth "$5" --path /hello
        return
    fi
    local limit=$(awk "BEGIN { print int($warmup + $DURATION + 30) }")
    local out
    out=$(timeout -k 5 "$limit" taskset -c "$BENCH_CPU" "$PEERS/leanload" "${addr%:*}" "${addr##*:}" \
        "$4" "$5" "$DURATION" "$warmup" /hello "$idle" 2>>"$TMP/bench.log") || true
    local rps p99 errors cpu
    rps=$(sed -n 's/.*rps=\([0-9]*\).*/\1/p' <<<"$out"); p99=$(sed -n 's/.*p99_us=\([0-9]*\).*/\1/p' <<<"$out")
    errors=$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$out"); cpu=$(sed -n 's/.*cpu_percent=\([0-9]*\).*/\1/p' <<<"$out")
    if [ -z "$rps" ]; then
        log "  $scenario $server: no result from leanload (see $TMP/bench.log)"
        printf '%s\t%s\t0\t0\t-1\t-1\tfailed\t-1\n' "$scenario" "$server" >>"$RESULTS"
        return
    fi
    log "  $scenario $server: $rps req/s, p99 $p99 us, $errors errors (leanload)"
    printf '%s\t%s\t%s\t%s\t%s\t-1\t\t%s\n' "$scenario" "$server" "$rps" "$p99" "$errors" "$cpu" >>"$RESULTS"
}

# S8: HTTP through HAProxy's sample in front of the running server; same columns as run_bench.
run_haproxy() { # server address
    local server=$1 addr=$2 port=$((BASE_PORT + 90)) cfg="$TMP/haproxy.cfg"
    command -v haproxy >/dev/null && command -v wrk >/dev/null || { log "  S8 needs haproxy and wrk"; return; }
    local upstream=$addr
    [[ $addr == unix:* ]] && upstream=${addr#unix:}
    # The sample as users copy it, but for its addresses, one thread and (optionally) the buffer.
    sed -e "s|^global\$|global\n    nbthread 1|" -e "s|bind :8080|bind 127.0.0.1:$port|" \
        -e "s|server afcgi1 127.0.0.1:9000|server afcgi1 $upstream|" -e "s|^\( *\)server afcgi2 |\1# server afcgi2 |" \
        "$ROOT/resources/haproxy/afcgi.cfg" >"$cfg"
    [ -z "$HAPROXY_BUFSIZE" ] || sed -i "s|^\( *\)tune.bufsize .*|\1tune.bufsize $HAPROXY_BUFSIZE|" "$cfg"
    taskset -c "$SERVER_CPU" haproxy -db -f "$cfg" >>"$TMP/haproxy.log" 2>&1 &
    local hpid=$!
    STARTED_PIDS+=("$hpid")
    if ! wait_ready "127.0.0.1:$port" "$hpid"; then
        log "  S8 $server: HAProxy did not start (see $TMP/haproxy.log)"
        printf 'S8\t%s\t0\t0\t-1\t-1\thaproxy failed\t-1\n' "$server" >>"$RESULTS"
        return
    fi
    sleep 1.5 # the health check marks the server up
    local out limit=$(awk "BEGIN { print int($WARMUP + $DURATION + 30) }")
    [ "$WARMUP" = 0 ] || timeout "$limit" taskset -c "$BENCH_CPU" wrk -t1 -c64 -d"${WARMUP}s" \
        "http://127.0.0.1:$port/hello" >/dev/null 2>&1 || true
    out=$(timeout -k 5 "$limit" taskset -c "$BENCH_CPU" wrk -t1 -c64 -d"${DURATION}s" --latency \
        -s "$ROOT/tests/e2e/wrk-check.lua" "http://127.0.0.1:$port/hello" -- 1000000000 "Hello world
" 2>>"$TMP/bench.log") || true
    kill "$hpid" 2>/dev/null || true
    wait "$hpid" 2>/dev/null || true
    forget_pid "$hpid"
    local rps p99 good answered errors note
    rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out")
    p99=$(awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
                             print (u == "ms" ? v * 1000 : (u == "s" ? v * 1000000 : v)) }' <<<"$out")
    answered=$(sed -n 's/.*afcgi-load answered=\([0-9]*\).*/\1/p' <<<"$out")
    good=$(sed -n 's/.*afcgi-load .* good=\([0-9]*\).*/\1/p' <<<"$out")
    errors=$(sed -n 's/.*socket-errors=\([0-9]*\).*/\1/p' <<<"$out")
    if [ -z "$rps" ] || [ -z "$answered" ]; then
        log "  S8 $server: no result from wrk (see $TMP/bench.log)"
        printf 'S8\t%s\t0\t0\t-1\t-1\tfailed\t-1\n' "$server" >>"$RESULTS"
        return
    fi
    errors=$(( answered - good + ${errors:-0} ))
    note="through HAProxy, ${answered} answers"
    [ -z "$HAPROXY_BUFSIZE" ] || note="$note, tune.bufsize $HAPROXY_BUFSIZE"
    log "  S8 $server: $rps req/s, p99 ${p99:-?} us, $errors errors (HAProxy + wrk)"
    printf 'S8\t%s\t%s\t%s\t%s\t-1\t%s\t-1\n' "$server" "$rps" "${p99:-0}" "$errors" "$note" >>"$RESULTS"
}

wants() { [[ " $SCENARIOS " == *" $1 "* ]]; }

run_server() { # name index
    local name=$1 addr
    addr=$(address_of "$1" "$2")
    local load=(--addr "$addr" --duration "$DURATION" --warmup "$WARMUP")
    if wants S1 || wants S2 || wants S3 || wants S4 || { wants S6 && [ "$name" = afcgid ]; } \
        || { { wants S7 || wants S8; } && [ "$name" != libfcgi ]; }; then
        start_server "$name" "$addr"
        log "$name on $addr (pid $SERVER_PID, core $SERVER_CPU)"
        wants S1 && run_lean S1 "$name" "$addr" 1 1
        wants S2 && run_lean S2 "$name" "$addr" 16 1
        if wants S3; then
            if [ "$name" = libfcgi ]; then # cannot multiplex: the client falls back to depth 1
                run_bench S3 "$name" "depth 1 (no mpx)" "${load[@]}" --conns 4 --depth 1 --path /hello
            else
                run_bench S3 "$name" "" "${load[@]}" --conns 4 --depth 64 --path /hello
            fi
        fi
        wants S4 && run_bench S4 "$name" "" "${load[@]}" --conns 8 --depth 1 --path /echo --body 65536
        if wants S7 && [ "$name" != libfcgi ]; then
            if [ "$LOADGEN" = lean ] && [[ $addr != unix:* ]]; then
                run_lean S7 "$name" "$addr" 16 1 "$IDLE_CONNS" 3
            else
                log "  S7 needs leanload over TCP (LOADGEN=lean, ADDR_KIND=tcp)"
            fi
        fi
        if wants S6 && [ "$name" = afcgid ]; then
            local monitor_pid note
            if [ "$MONITOR_CLIENT" = app ]; then
                # The real app, on its own X display, showing MONITOR_TAB.
                start_xvfb
                XDG_CONFIG_HOME="$TMP/monitor-config" DISPLAY="$XVFB_DISPLAY" QT_QPA_PLATFORM=xcb \
                    "$MONITOR_APP" --socket "$MONITOR_SOCK" --tab "$MONITOR_TAB" --size "$MONITOR_SIZE" \
                    >>"$TMP/monitor.log" 2>&1 &
                monitor_pid=$!
                note="afcgi-monitor open, tab $MONITOR_TAB"
                sleep 2 # it connects and draws its first frames
            else
                # A monitor client that reads everything and shows nothing.
                taskset -c "$BENCH_CPU" socat -u "UNIX-CONNECT:$MONITOR_SOCK" /dev/null &
                monitor_pid=$!
                note="monitor attached"
                sleep 0.3
            fi
            STARTED_PIDS+=("$monitor_pid")
            if kill -0 "$monitor_pid" 2>/dev/null; then
                local ticks0 wall0
                ticks0=$(proc_ticks "$monitor_pid"); wall0=$(date +%s.%N)
                run_bench S6 "$name" "$note" "${load[@]}" --conns 4 --depth 64 --path /hello
                if [ "$MONITOR_CLIENT" = app ] && kill -0 "$monitor_pid" 2>/dev/null; then
                    # What the app itself cost meanwhile (warm-up included), into the row's note.
                    local pct
                    pct=$(awk -v t="$(( $(proc_ticks "$monitor_pid") - ticks0 ))" -v hz="$(getconf CLK_TCK)" \
                        -v w0="$wall0" -v w1="$(date +%s.%N)" 'BEGIN { printf "%.1f", 100 * t / hz / (w1 - w0) }')
                    log "  S6: afcgi-monitor used $pct % of a core"
                    awk -v pct="$pct" 'BEGIN { FS = OFS = "\t" } { lines[NR] = $0 }
                        END { for (i = 1; i < NR; i++) print lines[i]; $0 = lines[NR]; $7 = $7 ", app " pct "% of a core"; print }' \
                        "$RESULTS" >"$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS"
                fi
            else
                log "  S6: the monitor client could not connect to $MONITOR_SOCK"
                printf 'S6\t%s\t0\t0\t-1\t-1\tmonitor client failed\t-1\n' "$name" >>"$RESULTS"
            fi
            kill "$monitor_pid" 2>/dev/null || true
            wait "$monitor_pid" 2>/dev/null || true
            forget_pid "$monitor_pid"
        fi
        if wants S8 && [ "$name" != libfcgi ]; then
            run_haproxy "$name" "$addr"
        fi
        stop_server
    fi
    if wants S8 && [ "$name" = libfcgi ]; then
        printf 'S8\t%s\t0\t0\t0\t-1\tn/a: cannot multiplex\t-1\n' "$name" >>"$RESULTS"
    fi
    if wants S7 && [ "$name" = libfcgi ]; then
        printf 'S7\t%s\t0\t0\t0\t-1\tn/a: a thread per connection\t-1\n' "$name" >>"$RESULTS"
    fi
    if wants S5; then
        if [ "$name" = libfcgi ]; then
            printf 'S5\t%s\t0\t0\t0\t-1\tn/a: a thread per request\t-1\n' "$name" >>"$RESULTS"
        else
            start_server "$name" "$addr" # a fresh process, so its RSS says what holding costs
            sleep 0.3
            run_bench S5 "$name" "" --addr "$addr" --hold "$HOLD" --conns "$HOLD_CONNS" \
                --path "/delay?ms=60000" --pid "$SERVER_PID" --duration 2 --hold-timeout 60
            stop_server
        fi
    fi
}

idle_percent() { # the machine's idle share over one second
    local a b
    read -r -a a < /proc/stat; sleep 1; read -r -a b < /proc/stat
    local busy=$(( (b[1] + b[2] + b[3] + b[6] + b[7]) - (a[1] + a[2] + a[3] + a[6] + a[7]) ))
    local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) ))
    echo $(( 100 * idle / (busy + idle + 1) ))
}

# --- table ------------------------------------------------------------------------------------
print_table() {
    awk -F'\t' -v hold="$HOLD" -v holdConns="$HOLD_CONNS" -v idle="$IDLE_CONNS" '
    function median(list,   n, a, i, j, t) {
        n = split(list, a, " ")
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function commas(x,   s, r) {
        s = sprintf("%d", x + 0.5); r = ""
        while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
        return s r
    }
    function us(x) { return x >= 1000 ? sprintf("%.2f ms", x / 1000) : sprintf("%.0f us", x) }
    {
        k = $1 SUBSEP $2
        if (!(k in seen)) { seen[k] = 1; order[++rows] = k; sc[rows] = $1; sv[rows] = $2 }
        rps[k] = rps[k] " " $3; p99[k] = p99[k] " " $4; rss[k] = rss[k] " " $6; cpu[k] = cpu[k] " " $8
        err[k] += ($5 < 0 ? 1 : $5); note[k] = $7
    }
    END {
        for (i = 1; i <= rows; i++) { k = order[i]; R[k] = median(rps[k]); P[k] = median(p99[k]); M[k] = median(rss[k]); C[k] = median(cpu[k]) }
        names["S1"] = "S1 1x1 /hello"; names["S2"] = "S2 16x1 /hello"; names["S3"] = "S3 4x64 /hello"
        names["S4"] = "S4 8x1 /echo 64KB"; names["S5"] = sprintf("S5 hold %dk/%d", hold / 1000, holdConns); names["S6"] = "S6 S3+monitor"
        names["S7"] = sprintf("S7 S2+%dk idle", idle / 1000); names["S8"] = "S8 HTTP via HAProxy"
        printf "%-20s %-8s %12s %10s  %-20s %-10s %-6s %s\n", "scenario", "server", "req/s", "p99", "vs best peer", "vs ceiling", "bench", "errors / note"
        split("S1 S2 S3 S4 S6 S7 S8 S5", scen, " ")
        for (s = 1; s <= 8; s++) {
            S = scen[s]; best = 0; bestName = ""
            for (i = 1; i <= rows; i++) if (sc[i] == S && (sv[i] == "go" || sv[i] == "libfcgi")) {
                k = order[i]
                if (S == "S5") { if (M[k] > 0 && (best == 0 || M[k] < best)) { best = M[k]; bestName = sv[i] } }
                else if (R[k] > best) { best = R[k]; bestName = sv[i] }
            }
            ceil = (S SUBSEP "epoll") in R ? (S == "S5" ? M[S SUBSEP "epoll"] : R[S SUBSEP "epoll"]) : 0
            if (S == "S6") { best = R["S3" SUBSEP "afcgid"]; bestName = "S3" }
            for (i = 1; i <= rows; i++) if (sc[i] == S) {
                k = order[i]; label = (names[S] != "" ? names[S] : S)
                if (S == "S5") {
                    val = M[k] >= 0 ? commas(M[k]) " B/req" : "-"
                    ratio = (sv[i] == "afcgid" && best > 0 && M[k] > 0) ? sprintf("%.3fx %s", M[k] / best, bestName) : ""
                    vc = (sv[i] == "afcgid" && ceil > 0 && M[k] > 0) ? sprintf("%.1fx", M[k] / ceil) : (sv[i] == "epoll" ? "ceiling" : "")
                    printf "%-20s %-8s %12s %10s  %-20s %-10s %-6s %s\n", label, sv[i], val, "", ratio, vc, "", (err[k] ? err[k] " errors " : "") note[k]
                } else {
                    ratio = (sv[i] == "afcgid" && best > 0) ? sprintf("%.2fx %s", R[k] / best, bestName) : ""
                    vc = (sv[i] == "afcgid" && ceil > 0) ? sprintf("%.2fx", R[k] / ceil) : (sv[i] == "epoll" ? "ceiling" : "")
                    printf "%-20s %-8s %12s %10s  %-20s %-10s %-6s %s\n", label, sv[i], commas(R[k]), us(P[k]), ratio, vc, (C[k] >= 0 ? sprintf("%.0f%%", C[k]) : ""), (err[k] ? err[k] " errors " : "") note[k]
                }
            }
        }
        # The targets of issue 4, where the rows needed are present.
        a = "afcgid"; print ""; print "targets (issue 4):"
        t(R["S1" SUBSEP a], R["S1" SUBSEP "libfcgi"], 0.9, "S1 >= 0.9x libfcgi"); t(R["S1" SUBSEP a], R["S1" SUBSEP "go"], 2.5, "S1 >= 2.5x Go")
        t(R["S2" SUBSEP a], R["S2" SUBSEP "libfcgi"], 1.0, "S2 >= 1.0x libfcgi"); t(R["S2" SUBSEP a], R["S2" SUBSEP "go"], 5, "S2 >= 5x Go")
        t(R["S3" SUBSEP a], R["S3" SUBSEP "go"], 15, "S3 >= 15x Go"); t(R["S3" SUBSEP a], R["S2" SUBSEP "libfcgi"], 2, "S3 >= 2x libfcgi S2")
        t(R["S4" SUBSEP a], R["S4" SUBSEP "libfcgi"], 1.1, "S4 >= 1.1x libfcgi"); t(R["S4" SUBSEP a], R["S4" SUBSEP "go"], 1.7, "S4 >= 1.7x Go")
        if (("S5" SUBSEP a) in M) printf "  %-24s %-8s %s\n", "S5 <= 1 KB per pending", sprintf("%d B", M["S5" SUBSEP a]), (M["S5" SUBSEP a] > 0 && M["S5" SUBSEP a] <= 1024 && !err["S5" SUBSEP a]) ? "pass" : "FAIL"
        t(R["S6" SUBSEP a], R["S3" SUBSEP a], 0.97, "S6 >= 0.97x S3")
    }
    function t(x, y, want, what) {
        if (x == "" || y == "" || y + 0 == 0) return
        printf "  %-24s %-8s %s\n", what, sprintf("%.2fx", x / y), (x / y >= want ? "pass" : "FAIL")
    }' "$RESULTS"
}

# --- main -------------------------------------------------------------------------------------
build
idle=$(idle_percent)
[ "$idle" -ge 85 ] || log "warning: the machine is only $idle% idle before the run (other builds or tests?); the numbers will be skewed"
log "DURATION=$DURATION WARMUP=$WARMUP REPEAT=$REPEAT SERVERS=\"$SERVERS\" SCENARIOS=\"$SCENARIOS\" ADDR_KIND=$ADDR_KIND"
for rep in $(seq "$REPEAT"); do
    [ "$REPEAT" = 1 ] || log "--- repeat $rep of $REPEAT"
    index=0
    for server in $SERVERS; do
        run_server "$server" "$index"
        index=$((index + 1))
    done
done

echo "afcgi compare: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r)"
echo "machine $idle% idle just before the run; server on core $SERVER_CPU (afcgid --threads 1), load on core $BENCH_CPU ($([ "$LOADGEN" = lean ] && echo "S1, S2 from leanload, the rest from afcgi-bench" || echo "afcgi-bench")), $ADDR_KIND, ${DURATION} s + ${WARMUP} s warmup, $([ "$REPEAT" = 1 ] && echo "1 run" || echo "median of $REPEAT")"
echo "commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (modified)')$([ "$SKIP_BUILD" = 1 ] && echo ' (SKIP_BUILD=1: binaries as last built)'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
print_table
