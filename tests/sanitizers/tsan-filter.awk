# Used by scripts/sanitize.sh on ThreadSanitizer's report files: prints every report except the
# Qt-internal data races, then "kept N ignored M" on stderr.
#
# A data race is Qt-internal when each access it shows starts, below the sanitizer's own frames,
# inside Qt or GLib (or TSan could not restore that stack), and at least one does so positively.
# These are Qt's own structures (a thread's posted-event list, mostly) changed under Qt's
# futex-based QMutex, which TSan cannot see; tsan.supp cannot name them because the code is in
# unexported functions (or their GCC ".cold" parts) of a library without symbols. A race with
# an access made by our code (its first frame in one of our binaries) is always kept, as is
# every report that is not a data race.
function flush_report(   i, qt) {
    if (!inreport) return
    qt = (kind == "data race" && naccess > 0)
    for (i = 1; i <= naccess; i++)
        if (origin[i] != "qt" && origin[i] != "unknown") qt = 0
    # at least one side must be positively Qt's
    if (qt) { qt = 0; for (i = 1; i <= naccess; i++) if (origin[i] == "qt") qt = 1 }
    if (qt) ignored++
    else { kept++; printf "%s", text }
    inreport = 0
}
/^WARNING: ThreadSanitizer: / {
    flush_report()
    inreport = 1; text = ""; naccess = 0; inaccess = 0
    kind = $0; sub(/^WARNING: ThreadSanitizer: /, "", kind); sub(/ \(pid=.*$/, "", kind)
}
inreport { text = text $0 "\n" }
inreport && /^  (Previous )?([Aa]tomic )?([Rr]ead|[Ww]rite) of size/ { naccess++; origin[naccess] = ""; inaccess = 1; next }
inreport && inaccess && /failed to restore the stack/ { origin[naccess] = "unknown"; inaccess = 0; next }
inreport && inaccess && /^    #[0-9]+ / {
    frame = $0; sub(/ \(BuildId: [0-9a-f]+\)$/, "", frame) # clang's runtime adds the build id
    if (frame ~ /libtsan\.so/) next
    # clang links the runtime into the program: its interceptors (operator new, malloc, ...) are
    # frames of the program that have no source line.
    if (frame ~ / <null> \([^ \/]*\+0x[0-9a-f]+\)$/ && frame !~ /\.so[.0-9]*\+0x/) next
    # Qt's signal-slot machinery is inline in Qt's headers, so compiled into our programs: the
    # slot object a connect() makes and QObject's call of it, under a mutex of Qt's.
    qtheader = (frame ~ /\/qt6\/QtCore\/qobject(defs_impl)?\.h:[0-9]+/)
    origin[naccess] = (qtheader || frame ~ /\((\/[^ ]*\/)?lib(Qt6[A-Za-z]*|glib-2\.0)\.so[^ ]*\+0x[0-9a-f]+\)$/) ? "qt" : "ours"
    inaccess = 0; next
}
inreport && /^$/ { inaccess = 0 }
/^SUMMARY: ThreadSanitizer/ { flush_report() }
END { flush_report(); printf "kept %d ignored %d\n", kept + 0, ignored + 0 > "/dev/stderr" }
