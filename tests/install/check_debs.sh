#!/usr/bin/env bash
# The Debian packages on this machine, for real: dpkg -i afcgi, afcgi-monitor and libafcgi-dev,
# then afcgid answers from the installed files (--version, the sample configuration, requests
# over a Unix socket), the example application's plugin builds against the installed CMake
# package and answers in the installed afcgid (--app), nothing is enabled or started; then
# dpkg -r and dpkg --purge leave nothing behind (no file, no directory, no user, no unit link).
# Needs root (or sudo); refuses to run where afcgi is installed already. scripts/test.sh runs it
# in CI after scripts/package.sh.
#   check_debs.sh DIR_WITH_THE_DEBS
set -euo pipefail
deb_dir="$(cd "$1" && pwd)"
source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
packages=(afcgi afcgi-monitor libafcgi-dev)
sudo=()
[[ $(id -u) -ne 0 ]] && sudo=(sudo)

for p in "${packages[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'installed'; then
        echo "FAIL: $p is installed on this machine already; not touching it"
        exit 1
    fi
done
if getent passwd afcgi >/dev/null; then
    echo "FAIL: a user afcgi exists already; the round trip could not tell its own from it"
    exit 1
fi
debs=()
for p in "${packages[@]}"; do
    f=("$deb_dir/${p}"_*.deb)
    [[ -f ${f[0]} ]] || { echo "FAIL: no ${p}_*.deb in $deb_dir"; exit 1; }
    debs+=("${f[0]}")
done

work="$(mktemp -d "${TMPDIR:-/tmp}/afcgi-debs.XXXXXX")"
chmod 0755 "$work" # the service user reaches its socket in there
daemon=
cleanup()
{
    [[ -n $daemon ]] && kill "$daemon" 2>/dev/null
    # Whatever happened, the machine is left as it was found.
    "${sudo[@]}" dpkg --purge "${packages[@]}" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# What is on disk where a package can put things, before: after the purge it must be the same.
snapshot()
{
    find /etc /usr /lib /opt /var/lib -xdev \( -path /var/lib/dpkg -o -path /var/lib/apt \
        -o -path /var/lib/systemd/deb-systemd-helper-enabled -o -path /var/lib/ucf \) -prune \
        -o -print 2>/dev/null | sort
}
snapshot >"$work/before"

# --- install ------------------------------------------------------------------------------
if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive dpkg -i "${debs[@]}" >"$work/dpkg-i.log" 2>&1; then
    cat "$work/dpkg-i.log"
    echo "FAIL: dpkg -i ${debs[*]##*/}"
    exit 1
fi
version="$(dpkg-query -W -f='${Version}' afcgi)"
echo "installed: ${debs[*]##*/}"

# --- the installed files --------------------------------------------------------------------
out="$(/usr/bin/afcgid --version 2>&1)" || fail "afcgid --version: $out"
[[ $out == "afcgid ${version%-*}" ]] || fail "afcgid --version printed '$out', the package is $version"
echo "$out (from /usr/bin/afcgid)"
lib="$(ldd /usr/bin/afcgid | awk '$1 ~ /^libafcgi\.so/ { print $3 }')"
[[ $(dpkg-query -S "$(realpath "$lib")" 2>/dev/null) == afcgi:* ]] ||
    fail "the installed afcgid loads libafcgi from '$lib', not from the package"
out="$(/usr/bin/afcgid --config /etc/afcgi/afcgid.ini --version 2>&1)" ||
    fail "afcgid rejects the packaged /etc/afcgi/afcgid.ini: $out"
dpkg-query -W -f='${Conffiles}\n' afcgi | grep -q '^ /etc/afcgi/afcgid.ini ' ||
    fail "/etc/afcgi/afcgid.ini is not a conffile"
for program in afcgi-bench afcgi-monitor; do
    out="$(QT_QPA_PLATFORM=offscreen "/usr/bin/$program" --version 2>/dev/null)" ||
        fail "$program --version failed"
    [[ $out == "$program ${version%-*}" ]] || fail "$program --version printed '$out'"
done
[[ -f /usr/share/man/man1/afcgid.1.gz ]] || fail "no afcgid(1)"

# The system user, and nothing started or enabled.
entry="$(getent passwd afcgi)" || fail "postinst did not create the user afcgi"
uid="$(cut -d: -f3 <<<"$entry")"
[[ -n $uid && $uid -lt 1000 ]] || fail "afcgi is not a system user: $entry"
getent group afcgi >/dev/null || fail "postinst did not create the group afcgi"
if links="$(find /etc/systemd/system -name 'afcgid.*' 2>/dev/null)" && [[ -n $links ]]; then
    fail "the package enabled units: $links"
fi
if pgrep -x afcgid >/dev/null; then
    fail "an afcgid runs after the install (nothing may start unasked): $(pgrep -a -x afcgid)"
fi

# An application against the installed libafcgi-dev alone: the notes example's plugin
# (resources/examples/notes), find_package(afcgi) from /usr; the installed afcgid loads it.
plugin=
cp -r "$source_dir/resources/examples/notes" "$work/src"
if cmake -S "$work/src" -B "$work/build" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$work/notes.log" 2>&1 &&
   cmake --build "$work/build" --target notes --parallel 2 >>"$work/notes.log" 2>&1; then
    grep -q '^afcgi_DIR:PATH=/usr/lib/.*cmake/afcgi$' "$work/build/CMakeCache.txt" ||
        fail "the notes example found another afcgi: $(grep '^afcgi_DIR' "$work/build/CMakeCache.txt")"
    plugin="$work/build/libnotes.so"
else
    cat "$work/notes.log"
    fail "the notes example's plugin did not build against the installed libafcgi-dev"
fi

# Requests to the installed afcgid, as the packaged user, with the plugin mounted on /notes: the
# packaged afcgid.ini, and the application's section with the directory it keeps its notes in.
mkdir -m 0777 "$work/run" "$work/notes"
{ cat /etc/afcgi/afcgid.ini; printf '\n[app:/notes]\ndirectory = %s\n' "$work/notes"; } >"$work/afcgid.ini"
"${sudo[@]}" setpriv --reuid=afcgi --regid=afcgi --clear-groups /usr/bin/afcgid \
    --config "$work/afcgid.ini" --listen "unix:$work/run/afcgi.sock" --monitor none \
    --log-level warning ${plugin:+--app "/notes=$plugin"} 2>"$work/afcgid.log" &
daemon=$!
for _ in $(seq 100); do
    [[ -S $work/run/afcgi.sock ]] && break
    sleep 0.05
done
# ask METHOD URI [BODY]: the answer of the installed afcgid, headers included.
ask()
{
    local body="${3:-}"
    printf '%s' "$body" | REQUEST_METHOD="$1" REQUEST_URI="$2" SCRIPT_NAME="$2" \
        CONTENT_TYPE=application/json CONTENT_LENGTH="${#body}" \
        cgi-fcgi -bind -connect "$work/run/afcgi.sock" 2>&1 || true
}
if command -v cgi-fcgi >/dev/null; then
    out="$(ask GET /hello)"
    [[ $out == *"Hello world"* ]] ||
        fail "the installed afcgid did not answer /hello: $out $(cat "$work/afcgid.log")"
    if [[ -n $plugin ]]; then
        out="$(ask POST /notes '{"title":"from the packages"}')"
        [[ $out == *'"id":1'* ]] ||
            fail "the notes plugin did not take a note: $out $(cat "$work/afcgid.log")"
        out="$(ask GET /notes/1)"
        [[ $out == *'"title":"from the packages"'* ]] ||
            fail "the notes plugin did not answer /notes/1: $out $(cat "$work/afcgid.log")"
    fi
elif [[ ${AFCGI_TEST_STRICT:-0} == 1 ]]; then
    fail "cgi-fcgi (libfcgi-bin) is not installed"
fi
kill "$daemon" 2>/dev/null
wait "$daemon" 2>/dev/null || true
daemon=
rm -rf "$work/build" "$work/src"
[[ "$(pkg-config --modversion afcgi 2>&1)" == "${version%-*}" ]] || fail "pkg-config --modversion afcgi"

# --- remove, then purge -----------------------------------------------------------------------
"${sudo[@]}" dpkg -r "${packages[@]}" >"$work/dpkg-r.log" 2>&1 || { cat "$work/dpkg-r.log"; fail "dpkg -r"; }
[[ ! -e /usr/bin/afcgid ]] || fail "/usr/bin/afcgid is still there after dpkg -r"
[[ -f /etc/afcgi/afcgid.ini ]] || fail "dpkg -r removed the conffile (only --purge may)"
"${sudo[@]}" dpkg --purge "${packages[@]}" >"$work/dpkg-purge.log" 2>&1 ||
    { cat "$work/dpkg-purge.log"; fail "dpkg --purge"; }
for p in "${packages[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -qv 'not-installed'; then
        fail "$p is still known to dpkg: $(dpkg-query -W -f='${Status}' "$p")"
    fi
done
getent passwd afcgi >/dev/null && fail "the user afcgi outlived the purge"
getent group afcgi >/dev/null && fail "the group afcgi outlived the purge"
snapshot >"$work/after"
if ! diff -u "$work/before" "$work/after" >"$work/left.diff"; then
    fail "the purge left the disk different from before (- gone, + left behind):
$(tail -n +3 "$work/left.diff" | grep '^[-+]')"
fi

[[ $failed -eq 0 ]] || exit 1
echo "ok: dpkg -i, afcgid from /usr/bin, the notes plugin on libafcgi-dev in it, dpkg -r and --purge" \
     "left nothing behind"
