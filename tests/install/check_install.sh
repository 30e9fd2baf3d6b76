#!/usr/bin/env bash
# `cmake --install` into a temporary root (DESTDIR), then: the tree is exactly what a packager
# expects, the programs run from it with the library beside them, and a small application
# configures and builds against that install alone, once with find_package(afcgi) and once with
# `pkg-config --cflags --libs afcgi`.
#   check_install.sh INSTALL_LAYOUT.sh   (written by tests/install/CMakeLists.txt)
set -euo pipefail
source "$1"

work="$(mktemp -d "${TMPDIR:-/tmp}/afcgi-install.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/root"
failed=0
fail() { echo "FAIL: $*"; failed=1; }

DESTDIR="$root" "$CMAKE" --install "$BUILD_DIR" >"$work/install.log" || {
    cat "$work/install.log"; echo "FAIL: cmake --install"; exit 1; }

# --- the tree: every file, and nothing else --------------------------------------------------
expected=(
    "$BINDIR/afcgid" "$BINDIR/afcgi-monitor" "$BINDIR/afcgi-bench"
    "$MANDIR/man1/afcgid.1.gz" "$MANDIR/man1/afcgi-monitor.1.gz" "$MANDIR/man1/afcgi-bench.1.gz"
    "$UNITDIR/afcgid.service" "$UNITDIR/afcgid.socket"
    "$SYSCONFDIR/afcgi/afcgid.ini"
    "$DATADIR/bash-completion/completions/afcgid"
    "$DATADIR/applications/afcgi-monitor.desktop"
    "$DATADIR/icons/hicolor/scalable/apps/afcgi-monitor.svg"
    "$LIBDIR/pkgconfig/afcgi.pc"
)
for size in 16 32 64 256; do
    expected+=("$DATADIR/icons/hicolor/${size}x${size}/apps/afcgi-monitor.png")
done
# The whole public include directory, folders included.
while IFS= read -r header; do
    expected+=("$INCLUDEDIR/afcgi/$header")
done < <(cd "$SOURCE_DIR/server/include/afcgi" && find . -name '*.h' | sed 's|^\./||')
if [[ $SHARED_LIB == 1 ]]; then
    expected+=("$LIBDIR/libafcgi.so.$VERSION" "$LIBDIR/libafcgi.so.$SOVERSION" "$LIBDIR/libafcgi.so"
               "$LIBDIR/cmake/afcgi/afcgiConfig.cmake" "$LIBDIR/cmake/afcgi/afcgiConfigVersion.cmake"
               "$LIBDIR/cmake/afcgi/afcgiTargets.cmake"
               "$LIBDIR/cmake/afcgi/afcgiTargets-$CONFIG.cmake")
else
    expected+=("$LIBDIR/libafcgi.a")
fi
actual="$(cd "$root" && find . \( -type f -o -type l \) | sed 's/^\.//' | sort)"
diff -u <(printf '%s\n' "${expected[@]}" | sort) <(echo "$actual") >"$work/tree.diff" ||
    fail "the installed tree differs from the expected one (- expected, + installed):
$(tail -n +3 "$work/tree.diff" | grep '^[-+]')"

# --- the library: SONAME, the namelink chain ---------------------------------------------------
if [[ $SHARED_LIB == 1 ]]; then
    [[ "$(readlink "$root$LIBDIR/libafcgi.so")" == "libafcgi.so.$SOVERSION" ]] ||
        fail "libafcgi.so is not a link to libafcgi.so.$SOVERSION"
    [[ "$(readlink "$root$LIBDIR/libafcgi.so.$SOVERSION")" == "libafcgi.so.$VERSION" ]] ||
        fail "libafcgi.so.$SOVERSION is not a link to libafcgi.so.$VERSION"
    soname="$(objdump -p "$root$LIBDIR/libafcgi.so.$VERSION" | awk '$1 == "SONAME" { print $2 }')"
    [[ $soname == "libafcgi.so.$SOVERSION" ]] || fail "SONAME is '$soname'"
fi

# --- the programs run from the tree, libafcgi found beside them, not in the build ------------
# Under a prefix whose library directory the loader searches anyway (/usr, as the packages
# install), the programs carry no RUNPATH: from the temporary root they are shown the library
# the way the loader finds it once installed there.
if [[ $SHARED_LIB == 1 ]] && ! grep -q 'R\(UN\)\{0,1\}PATH' <<<"$(readelf -d "$root$BINDIR/afcgid")"; then
    export LD_LIBRARY_PATH="$root$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
for program in afcgid afcgi-bench afcgi-monitor; do
    # stdout only: Qt may warn on stderr (no XDG_RUNTIME_DIR, for one).
    out="$(QT_QPA_PLATFORM=offscreen "$root$BINDIR/$program" --version 2>"$work/stderr")" ||
        fail "$program --version failed: $out $(cat "$work/stderr")"
    [[ $out == "$program $VERSION" ]] || fail "$program --version printed '$out'"
    runpath="$(readelf -d "$root$BINDIR/$program" | sed -n 's/.*R\(UN\)\{0,1\}PATH.*\[\(.*\)\]/\2/p')"
    [[ $runpath != *"$BUILD_DIR"* && $runpath != *"$SOURCE_DIR"* ]] ||
        fail "$program's RUNPATH points into the build: $runpath"
done
if [[ $SHARED_LIB == 1 ]]; then
    loaded="$(ldd "$root$BINDIR/afcgid" | awk '$1 ~ /^libafcgi\.so/ { print $3 }')"
    [[ "$(realpath "$loaded")" == "$(realpath "$root$LIBDIR")"/libafcgi.so.* ]] ||
        fail "the installed afcgid loads libafcgi from '$loaded', not from the install"
fi
# The sample configuration is one afcgid accepts (values are checked before --version answers).
out="$("$root$BINDIR/afcgid" --config "$root$SYSCONFDIR/afcgi/afcgid.ini" --version 2>&1)" ||
    fail "afcgid rejects the installed afcgid.ini: $out"

# --- text files: configured paths, no path into the source or build tree ----------------------
unit="$root$UNITDIR/afcgid.service"
grep -qx "ExecStart=$BINDIR/afcgid --config $SYSCONFDIR/afcgi/afcgid.ini" "$unit" ||
    fail "afcgid.service does not start $BINDIR/afcgid with $SYSCONFDIR/afcgi/afcgid.ini"
# (configure_package_config_file() leaves "Expanded from @PACKAGE_INIT@" as a comment.)
if leaked="$(grep -rIn -e "$SOURCE_DIR" -e "$BUILD_DIR" -e '@[A-Z_]\+@' "$root" |
             grep -v 'Expanded from @PACKAGE_INIT@')"; then
    fail "installed text files name the source or build tree, or an unconfigured @VAR@: $leaked"
fi
if command -v man >/dev/null; then
    for page in "$root$MANDIR"/man1/*.1.gz; do
        # As lintian checks them: groff's warnings are errors.
        warnings="$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)"
        [[ -z $warnings ]] || fail "${page##*/}: $warnings"
    done
fi
if command -v desktop-file-validate >/dev/null; then
    out="$(desktop-file-validate "$root$DATADIR/applications/afcgi-monitor.desktop" 2>&1)" ||
        fail "afcgi-monitor.desktop: $out"
fi

# --- an application built against the install alone ------------------------------------------
[[ $SHARED_LIB == 1 ]] || { [[ $failed -eq 0 ]] && echo "ok (static: no CMake package)"; exit $failed; }
cp -r "$SOURCE_DIR/tests/install/consumer" "$work/src"
# CXX_FLAGS: the sanitizer builds' flags, which an application linking their libafcgi needs too.
if ! "$CMAKE" -S "$work/src" -B "$work/cmake-build" -G "$GENERATOR" -DCMAKE_CXX_COMPILER="$CXX" \
        -DCMAKE_CXX_FLAGS="$CXX_FLAGS" -DCMAKE_PREFIX_PATH="$root$PREFIX" -DQt6_DIR="$QT6_DIR" \
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
        >"$work/consumer.log" 2>&1 ||
   ! "$CMAKE" --build "$work/cmake-build" >>"$work/consumer.log" 2>&1; then
    cat "$work/consumer.log"
    fail "find_package(afcgi) consumer did not configure and build"
else
    grep -q "^afcgi_DIR:PATH=$root$LIBDIR/cmake/afcgi\$" "$work/cmake-build/CMakeCache.txt" ||
        fail "the consumer found another afcgi: $(grep '^afcgi_DIR' "$work/cmake-build/CMakeCache.txt")"
    if leaked="$(grep -rIl -e "$SOURCE_DIR" -e "$BUILD_DIR" "$work/cmake-build")"; then
        fail "the consumer's build names the afcgi source or build tree: $leaked"
    fi
    out="$("$work/cmake-build/consumer" 2>&1)" || fail "the CMake-built consumer failed: $out"
fi

export PKG_CONFIG_PATH="$root$LIBDIR/pkgconfig"
if ! command -v pkg-config >/dev/null; then
    echo "note: no pkg-config, its check skipped"
elif grep -q '^prefix=/' "$root$LIBDIR/pkgconfig/afcgi.pc"; then
    echo "note: afcgi.pc has the fixed prefix $PREFIX (not relocatable), its check is left to the packages"
else
    [[ "$(pkg-config --modversion afcgi)" == "$VERSION" ]] || fail "pkg-config --modversion afcgi"
    flags="$(pkg-config --cflags --libs afcgi)" || fail "pkg-config --cflags --libs afcgi"
    [[ $flags == *"-I$root$INCLUDEDIR"* || $flags == *"/include"* ]] || fail "no include path in: $flags"
    # shellcheck disable=SC2086 # the flags are words
    if ! "$CXX" -std=c++17 $CXX_FLAGS -o "$work/consumer-pc" "$work/src/main.cpp" $flags >"$work/pc.log" 2>&1; then
        cat "$work/pc.log"
        fail "the consumer did not build with: $flags"
    else
        out="$(LD_LIBRARY_PATH="$root$LIBDIR" "$work/consumer-pc" 2>&1)" ||
            fail "the pkg-config-built consumer failed: $out"
    fi
fi

[[ $failed -eq 0 ]] || exit 1
echo "ok: ${#expected[@]} files installed; afcgid, afcgi-bench and afcgi-monitor run from them;" \
     "a consumer built with find_package(afcgi) and with pkg-config"
