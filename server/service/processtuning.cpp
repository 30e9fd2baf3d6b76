#include "service/processtuning.h"

#include "config/logging.h"
#include "service/filelimit.h"

#include <QByteArray>
#include <QtGlobal>

#include <optional>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace afcgi {

namespace {
// Set once at the top of main(), before any thread; read when the service starts.
std::optional<FileLimitChange> g_fileLimit;
} // namespace

void tuneProcessForServing()
{
    // Qt's own UNIX event dispatcher instead of GLib's: fewer system calls per event-loop turn
    // (measured in tests/bench). Worker threads on Linux run their own epoll dispatcher.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");

#if defined(__GLIBC__)
    // Keep freed memory for reuse instead of handing it back to the kernel after every large
    // request: by default glibc trims a worker's heap (madvise) and maps buffers over 128 KiB
    // afresh, so each 64 KB /echo body was copied into freshly faulted pages. S4 (8 conns x
    // depth 1, 64 KB /echo, tests/bench/compare.sh) went from about 1k to 21k-27k req/s.
    // Buffers over 256 KiB are still mapped and unmapped: kept in the heap they fragmented it,
    // and a soak's RSS rose in steps (peak 37 MB and +9 % after warm-up with a 4 MiB threshold,
    // 31 MB and +5 % with this one; at 128 KiB S4 fell back to 0.8k). GLIBC_TUNABLES overrides.
    if (!qEnvironmentVariableIsSet("GLIBC_TUNABLES")) {
        mallopt(M_MMAP_THRESHOLD, 256 * 1024);
        mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
    }
#endif

    // A descriptor per connection: the usual soft limit (1,024 on Linux, 256 on macOS) would
    // refuse connections long before --max-conns (10,000 by default).
    g_fileLimit = raiseFileLimit();
}

void releaseFreeMemory()
{
#if defined(__GLIBC__)
    // With the trim threshold above, free memory stays in the heap: after a burst of large
    // bodies the RSS would stay up (idle after 100,000 /echo: 48.6 MB, 39.7 MB once trimmed).
    // Trimming twice a minute lets it come back down, for the cost of re-faulting a few pages
    // then, not on every request.
    malloc_trim(0);
#endif
}

void logProcessTuning()
{
    if (!g_fileLimit)
        return; // tuneProcessForServing() did not run: the limits are the caller's business
    if (g_fileLimit->failed)
        qCWarning(lcEngine).noquote() << g_fileLimit->text;
    else
        qCInfo(lcEngine).noquote() << g_fileLimit->text;
}

} // namespace afcgi
