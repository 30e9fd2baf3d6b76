#!/usr/bin/env bash
# afcgid's CGI bridge side by side with Debian's fcgiwrap, behind the same nginx in one run:
#   C1  a trivial shell CGI, wrk with 8 and with 64 connections, both with 8 children at most;
#   C2  64 concurrent 1-second scripts: afcgid with 64 children against fcgiwrap -c 8;
#   C3  16 `git clone`s at once of a repository with 50 MB of history (git-http-backend),
#       both with 16 children.
# Everything runs in a temporary directory on free ports; nothing is left running.
#   tests/bench/cgi-compare.sh        (with no build running meanwhile)
# Environment: AFCGID (default build/server/afcgid), DURATION (wrk seconds, default 10),
# SCENARIOS (default "C1 C2 C3": which of them run).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
AFCGID="${AFCGID:-$ROOT/build/server/afcgid}"
DURATION="${DURATION:-10}"
SCENARIOS="${SCENARIOS:-C1 C2 C3}"
runs() { [[ " $SCENARIOS " == *" $1 "* ]]; }
for tool in nginx fcgiwrap wrk git curl; do
    command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] || { echo "cgi-compare.sh: $tool is not installed" >&2; exit 2; }
done
[[ -x "$AFCGID" ]] || { echo "cgi-compare.sh: no $AFCGID (build it first)" >&2; exit 2; }
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
FCGIWRAP="$(command -v fcgiwrap || echo /usr/sbin/fcgiwrap)"

T="$(mktemp -d /tmp/afcgi-cgi-bench-XXXXXX)"
PIDS=() GROUPS_STARTED=()
stop() { kill "$1" 2>/dev/null || true; }
# fcgiwrap -c N preforks N processes that outlive it: an idle one does not end on SIGTERM until
# its accept() returns. So fcgiwrap runs in a process group of its own, which is asked to end,
# then killed; a child left running would keep whatever it inherited (ports, lock files).
stop_group()
{
    kill -TERM -- "-$1" 2>/dev/null || return 0
    for _ in $(seq 1 20); do kill -0 -- "-$1" 2>/dev/null || return 0; sleep 0.05; done
    kill -KILL -- "-$1" 2>/dev/null || true
}
cleanup()
{
    for group in "${GROUPS_STARTED[@]}"; do stop_group "$group"; done
    for pid in "${PIDS[@]}"; do stop "$pid"; done
    wait 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
seconds_since() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f\n", e - s }'; }
wait_for() { for _ in $(seq 1 200); do [[ -S "$1" ]] && return 0; sleep 0.05; done; echo "no $1" >&2; exit 1; }

mkdir -p "$T/cgi-bin" "$T/git"
printf '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\nhello\\n"\n' >"$T/cgi-bin/hello.cgi"
printf '#!/bin/sh\nsleep 1\nprintf "Content-Type: text/plain\\n\\nslept\\n"\n' >"$T/cgi-bin/sleep1.cgi"
chmod +x "$T/cgi-bin/"*.cgi

# The repository: 50 commits of 1 MiB of random bytes each.
git init -q --bare "$T/git/repo.git"
python3 - "$T/git/repo.git" <<'EOF'
import os, random, subprocess, sys
random.seed(14)
p = subprocess.Popen(["git", "-C", sys.argv[1], "fast-import", "--quiet"], stdin=subprocess.PIPE)
for i in range(50):
    blob = random.randbytes(1 << 20)
    msg = b"commit %d\n" % i
    p.stdin.write(b"commit refs/heads/master\ncommitter bench <bench@afcgi.invalid> %d +0000\ndata %d\n%s" % (1700000000 + i, len(msg), msg))
    p.stdin.write(b"M 644 inline data/%d.bin\ndata %d\n%s\n" % (i, len(blob), blob))
p.stdin.close()
sys.exit(p.wait())
EOF

A_PORT=$(free_port); F_PORT=$(free_port)
USER_LINE=""
[[ $(id -u) -eq 0 ]] && USER_LINE="user root;"    # workers would otherwise be nobody
cat >"$T/nginx.conf" <<EOF
$USER_LINE
worker_processes 1;
error_log $T/nginx-error.log;
pid $T/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $T/nb; fastcgi_temp_path $T/nf; proxy_temp_path $T/np;
    scgi_temp_path $T/ns; uwsgi_temp_path $T/nu;
    upstream afcgid { server unix:$T/afcgid.sock; keepalive 64; }
    upstream fcgiwrap { server unix:$T/fcgiwrap.sock; }
    server {
        listen 127.0.0.1:$A_PORT;
        include $T/common.conf;
        location /cgi-bin/ { fastcgi_pass afcgid; fastcgi_keep_conn on; }
        location /git/ { fastcgi_pass afcgid; fastcgi_keep_conn on; fastcgi_buffering off; }
    }
    server {
        listen 127.0.0.1:$F_PORT;
        include $T/common.conf;
        location /cgi-bin/ { fastcgi_pass fcgiwrap; }
        location /git/ {
            # A location with a fastcgi_param of its own inherits none: all of them here.
            include $T/params.conf;
            fastcgi_pass fcgiwrap; fastcgi_buffering off;
            fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
            fastcgi_param GIT_PROJECT_ROOT $T;    # PATH_INFO /git/repo.git/...
            fastcgi_param GIT_HTTP_EXPORT_ALL 1;
            fastcgi_param PATH_INFO \$uri;
        }
    }
}
EOF
cat >"$T/params.conf" <<EOF
fastcgi_param QUERY_STRING \$query_string;
fastcgi_param REQUEST_METHOD \$request_method;
fastcgi_param CONTENT_TYPE \$content_type;
fastcgi_param CONTENT_LENGTH \$content_length;
fastcgi_param REQUEST_URI \$request_uri;
fastcgi_param DOCUMENT_ROOT \$document_root;
fastcgi_param SERVER_PROTOCOL \$server_protocol;
fastcgi_param REMOTE_ADDR \$remote_addr;
fastcgi_param SERVER_NAME \$server_name;
fastcgi_param SERVER_PORT \$server_port;
EOF
cat >"$T/common.conf" <<EOF
root $T;
include $T/params.conf;
fastcgi_param SCRIPT_NAME \$fastcgi_script_name;
fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
EOF
"$NGINX" -p "$T/" -c "$T/nginx.conf" -g 'daemon off;' &
PIDS+=($!)

AFCGID_PID=""; FCGIWRAP_PID=""
start_pair() # CHILDREN_AFCGID CHILDREN_FCGIWRAP
{
    if [[ -n "$AFCGID_PID" ]]; then
        stop "$AFCGID_PID"; stop_group "$FCGIWRAP_PID"
        wait "$AFCGID_PID" "$FCGIWRAP_PID" 2>/dev/null || true
    fi
    rm -f "$T/afcgid.sock" "$T/fcgiwrap.sock"
    cat >"$T/afcgid.ini" <<EOF
[cgi /git]
program = /usr/lib/git-core/git-http-backend
GIT_PROJECT_ROOT = $T/git
GIT_HTTP_EXPORT_ALL = 1
EOF
    "$AFCGID" --listen "unix:$T/afcgid.sock" --monitor none --log-level warning --config "$T/afcgid.ini" \
        --cgi-root "$T/cgi-bin" --cgi-max-children "$1" --cgi-queue 10000 &
    AFCGID_PID=$!
    # A background job of a script is no group leader, so setsid makes the group in place: the
    # group's id is fcgiwrap's pid.
    setsid "$FCGIWRAP" -c "$2" -s "unix:$T/fcgiwrap.sock" &
    FCGIWRAP_PID=$!
    PIDS+=("$AFCGID_PID")
    GROUPS_STARTED+=("$FCGIWRAP_PID")
    wait_for "$T/afcgid.sock"; wait_for "$T/fcgiwrap.sock"
    chmod 666 "$T/fcgiwrap.sock"
}

rps() # URL CONNECTIONS
{
    wrk -t2 -c"$2" -d"${DURATION}s" "$1" | awk '/Requests\/sec/ {print $2} /Non-2xx/ {print "non-2xx:", $NF > "/dev/stderr"}'
}

parallel_seconds() # URL COUNT
{
    local urls=() i start
    for i in $(seq 1 "$2"); do urls+=(-o /dev/null "$1?$i"); done
    start=$(date +%s.%N)
    curl -sS --no-progress-meter --parallel --parallel-immediate --parallel-max "$2" -w '%{http_code}\n' "${urls[@]}" | sort | uniq -c | tr '\n' ' ' >&2
    seconds_since "$start"
}

clone_seconds() # URL COUNT TAG
{
    local start i
    start=$(date +%s.%N)
    ( for i in $(seq 1 "$2"); do git clone -q "$1" "$T/clone-$3-$i" & done; wait )
    seconds_since "$start"
    rm -rf "$T"/clone-"$3"-*
}

A="http://127.0.0.1:$A_PORT"; F="http://127.0.0.1:$F_PORT"
echo "cgi-compare.sh: $(nproc) cores, wrk ${DURATION}s; afcgid $("$AFCGID" --version | cut -d' ' -f2); $(dpkg-query -W -f='fcgiwrap ${Version}' fcgiwrap 2>/dev/null)"

if runs C1; then
    start_pair 8 8
    for c in 8 64; do
        a=$(rps "$A/cgi-bin/hello.cgi" "$c"); f=$(rps "$F/cgi-bin/hello.cgi" "$c")
        echo "C1 trivial shell CGI, $c clients, 8 children each: afcgid $a req/s, fcgiwrap $f req/s, ratio $(awk -v a="$a" -v f="$f" 'BEGIN { printf "%.2f", a / f }')"
    done
fi

if runs C2; then
    start_pair 64 8
    a=$(parallel_seconds "$A/cgi-bin/sleep1.cgi" 64); f=$(parallel_seconds "$F/cgi-bin/sleep1.cgi" 64)
    echo
    echo "C2 64 concurrent 1-second scripts: afcgid (64 children) ${a} s, fcgiwrap -c 8 ${f} s"
fi

if runs C3; then
    start_pair 16 16
    a=$(clone_seconds "$A/git/repo.git" 16 a); f=$(clone_seconds "$F/git/repo.git" 16 f)
    echo "C3 16 git clones at once (50 MB history), 16 children each: afcgid ${a} s, fcgiwrap ${f} s"
fi
