#include "processtuning.h"

#include <QByteArray>
#include <QtGlobal>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace afcgi {

void tuneProcessForServing()
{
    // Qt's own UNIX event dispatcher instead of GLib's: fewer system calls per event-loop turn
    // on every worker thread (measured in tests/bench; see README's performance table).
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");

#if defined(__GLIBC__)
    // Keep freed memory for reuse instead of handing it back to the kernel after every large
    // request: by default glibc trims a worker's heap (madvise) and maps buffers over 128 KiB
    // afresh, so each 64 KB /echo body was copied into freshly faulted pages. S4 (8 conns x
    // depth 1, 64 KB /echo, tests/bench/compare.sh) went from about 1k to 21k req/s. What is
    // kept is bounded by the trim threshold per arena; GLIBC_TUNABLES still overrides it.
    if (!qEnvironmentVariableIsSet("GLIBC_TUNABLES")) {
        mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
    }
#endif
}

} // namespace afcgi
