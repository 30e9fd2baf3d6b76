#!/usr/bin/env bash
# The hub measured, and beside nginx + Nchan in the same run on the same machine:
#  1. direct FastCGI: N_DIRECT subscribers multiplexed on 100 connections to afcgid --hub, one
#     message at a time to all of them (RSS per subscriber, publish-to-all-delivered latency);
#  2. HTTP through nginx, N_HTTP event-stream clients: nginx (the resources/nginx sample) + afcgid
#     against nginx with Nchan: total RSS, fan-out latency of one message to all, then deliveries/s
#     with one message a second on each of 100 channels for RATE_SECONDS.
# nginx runs NGINX_WORKERS (2) worker processes for both peers, and afcgid as many worker threads
# (AFCGID_THREADS, by default NGINX_WORKERS): each side gets the same number of event loops, which
# on this 2-CPU machine is also afcgid's own default (one per CPU). Connections are dealt to
# afcgid's workers round-robin and a publication is posted once to each worker, which writes to its
# own subscribers, so the fan-out runs on both. (Runs before AFCGID_THREADS had afcgid on one
# thread against Nchan on two.) nginx's workers use reuseport so each takes half the clients:
# proxied, a subscriber holds two descriptors in nginx (the client's, the FastCGI connection's),
# and one worker could not hold 10,000 of them where the hard descriptor limit is 20,000. nginx
# reaches afcgid over loopback TCP (the sample's upstream), or with FCGI_TRANSPORT=unix over a
# Unix-domain socket. The bench client shares the machine. Build first (afcgid, afcgi-hubbench),
# then run the whole script with nothing building meanwhile:
#   tests/bench/hub-compare.sh [BUILD_DIR]      (with no build running meanwhile)
#   env N_DIRECT=0 ROUNDS=fanout tests/bench/hub-compare.sh BUILD_DIR   (the nginx fan-out only)
# Needs nginx and libnginx-mod-nchan (scripts/setup.sh installs both with the test packages).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="$(cd "${1:-$ROOT/build}" && pwd)"
AFCGID="$BUILD/server/afcgid"
BENCH="$BUILD/tests/bench/afcgi-hubbench"
N_DIRECT="${N_DIRECT:-100000}"
N_HTTP="${N_HTTP:-10000}"
MESSAGES="${MESSAGES:-20}"
RATE_SECONDS="${RATE_SECONDS:-10}"
ROUNDS="${ROUNDS:-fanout rate}" # of part 2: one message at a time to all, and the 100-channel rate
NGINX_WORKERS="${NGINX_WORKERS:-2}"
AFCGID_THREADS="${AFCGID_THREADS:-$NGINX_WORKERS}" # afcgid's worker threads, direct and behind nginx
FCGI_TRANSPORT="${FCGI_TRANSPORT:-tcp}" # nginx to afcgid: tcp (loopback), or unix (a Unix-domain socket)
NCHAN_MODULE="${NCHAN_MODULE:-/usr/lib/nginx/modules/ngx_nchan_module.so}"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

dir="$(mktemp -d /tmp/afcgi-hub-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "nothing on port $1" >&2; return 1; }
ulimit -n "$(ulimit -Hn)"

start_afcgid() { # port, or unix:PATH
    local address="127.0.0.1:$1" mode=()
    # nginx's workers run as another user: they need to reach the socket and write to it.
    [[ $1 == unix:* ]] && { address=$1; mode=(--socket-mode 0666); chmod 711 "$dir"; }
    "$AFCGID" --listen "$address" "${mode[@]}" --hub --threads "$AFCGID_THREADS" --monitor none --log-level warning \
        --max-conns 60000 --max-requests-per-conn 65535 >"$dir/afcgid-${1##*/}.log" 2>&1 &
    pids+=($!); AFCGID_PID=$!
    if [[ $1 == unix:* ]]; then
        for _ in $(seq 100); do [[ -S ${1#unix:} ]] && return 0; sleep 0.1; done
        echo "nothing on $1" >&2; return 1
    fi
    wait_port "$1"
}

start_nginx() { # name, port, server block file
    mkdir -p "$dir/$1"
    cat >"$dir/$1/nginx.conf" <<CONF
$( [[ $1 == nchan ]] && echo "load_module $NCHAN_MODULE;" )
worker_processes $NGINX_WORKERS;
worker_rlimit_nofile 65536;
pid $dir/$1/nginx.pid;
error_log $dir/$1/error.log warn;
events { worker_connections 60000; }
http {
    access_log off;
    client_body_temp_path $dir/$1/body;
    fastcgi_temp_path $dir/$1/fastcgi;
    proxy_temp_path $dir/$1/proxy;
    scgi_temp_path $dir/$1/scgi;
    uwsgi_temp_path $dir/$1/uwsgi;
    include $3;
}
CONF
    "$NGINX" -p "$dir/$1/" -c "$dir/$1/nginx.conf" -g "daemon off;" &
    pids+=($!); NGINX_PID=$!
    wait_port "$2"
    sleep 0.2
    NGINX_PIDS="--pid $NGINX_PID $(pgrep -P "$NGINX_PID" | sed 's/^/--pid /' | tr '\n' ' ')"
}

echo "# hub bench, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) CPUs, nginx to afcgid over $FCGI_TRANSPORT, afcgid --threads $AFCGID_THREADS, nginx $NGINX_WORKERS workers"

# --- 1. direct FastCGI, multiplexed ------------------------------------------------------------
if (( N_DIRECT > 0 )); then # N_DIRECT=0 skips it
    port=$(free_port)
    start_afcgid "$port"
    "$BENCH" --fcgi "127.0.0.1:$port" --subscribers "$N_DIRECT" --connections 100 \
        --messages "$MESSAGES" --pid "$AFCGID_PID" --label "direct ${N_DIRECT}/100"
    kill "$AFCGID_PID"; wait "$AFCGID_PID" 2>/dev/null || true
fi

# --- 2. HTTP through nginx: afcgi and Nchan side by side ---------------------------------------
fcgi=$(free_port); http_afcgi=$(free_port); http_nchan=$(free_port)
upstream="127.0.0.1:$fcgi"
if [[ $FCGI_TRANSPORT == unix ]]; then fcgi="unix:$dir/afcgi.sock"; upstream=$fcgi; fi
start_afcgid "$fcgi"
sed -e "s|server 127.0.0.1:9000;|server $upstream;|" -e "s/listen 8080;/listen 127.0.0.1:$http_afcgi reuseport;/" \
    "$ROOT/resources/nginx/afcgi.conf" >"$dir/afcgi-site.conf"
start_nginx afcgi "$http_afcgi" "$dir/afcgi-site.conf"
AFCGI_PIDS="$NGINX_PIDS --pid $AFCGID_PID"
# A new subscriber waits for the next message, as one without Last-Event-ID does at afcgid
# (Nchan's default, "oldest", would replay the channel's earlier messages to it).
cat >"$dir/nchan-site.conf" <<CONF
server {
    listen 127.0.0.1:$http_nchan reuseport;
    location ~ ^/sub/(\w+)$ { nchan_subscriber; nchan_channel_id \$1; nchan_subscriber_first_message newest; }
    location ~ ^/pub/(\w+)$ { nchan_publisher; nchan_channel_id \$1; }
}
CONF
start_nginx nchan "$http_nchan" "$dir/nchan-site.conf"
NCHAN_PIDS="$NGINX_PIDS"

for round in $ROUNDS; do
    for peer in afcgi nchan; do
        if [[ $peer == afcgi ]]; then port=$http_afcgi; procs=$AFCGI_PIDS; else port=$http_nchan; procs=$NCHAN_PIDS; fi
        if [[ $round == fanout ]]; then
            # shellcheck disable=SC2086
            "$BENCH" --http "127.0.0.1:$port" --subscribers "$N_HTTP" --messages "$MESSAGES" $procs \
                --label "nginx+$peer ${N_HTTP} fan-out"
        else
            # shellcheck disable=SC2086
            "$BENCH" --http "127.0.0.1:$port" --subscribers "$N_HTTP" --channels 100 \
                --rate-seconds "$RATE_SECONDS" $procs --label "nginx+$peer ${N_HTTP}/100ch rate"
        fi
    done
done
