#include "service/processtuning.h"

#include <QByteArray>
#include <QtGlobal>

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(Q_OS_UNIX)
#include <sys/resource.h>
#endif

namespace afcgi {

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

#if defined(Q_OS_UNIX)
    // A descriptor per connection: the usual soft limit of 1,024 would refuse connections long
    // before --max-conns (10,000 by default). Raise it to the hard limit, as Go's runtime and
    // nginx's worker_rlimit_nofile do (`ulimit -n N` sets both limits: an operator's N holds).
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &files) != 0) {
            files.rlim_cur = 65536; // where the hard limit is "unlimited" and not accepted as such
            setrlimit(RLIMIT_NOFILE, &files);
        }
    }
#endif
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

} // namespace afcgi
