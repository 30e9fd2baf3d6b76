#include "service/filelimit.h"

#include <cerrno>
#include <climits>
#include <cstring>

#include <sys/resource.h>
#if defined(Q_OS_DARWIN) || defined(Q_OS_FREEBSD)
#include <sys/sysctl.h>
#include <sys/types.h>
#endif

namespace afcgi {

namespace {

QString limitText(rlim_t limit)
{
    return limit == RLIM_INFINITY ? QStringLiteral("unlimited") : QString::number(quint64(limit));
}

// The most descriptors the system gives one process, apart from the hard limit; 0 where it has
// no such number (Linux: the hard limit can never exceed fs.nr_open).
rlim_t perProcessMaximum()
{
#if defined(Q_OS_DARWIN) || defined(Q_OS_FREEBSD)
    int maximum = 0;
    size_t size = sizeof maximum;
    if (::sysctlbyname("kern.maxfilesperproc", &maximum, &size, nullptr, 0) == 0 && maximum > 0)
        return rlim_t(maximum);
#endif
#if defined(Q_OS_DARWIN) && defined(OPEN_MAX)
    return OPEN_MAX; // what setrlimit(2) on macOS says to use when the sysctl is not there
#else
    return 0;
#endif
}

} // namespace

FileLimitChange raiseFileLimit()
{
    FileLimitChange change;
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) != 0) {
        change.failed = true;
        change.text = QStringLiteral("open-file limit unknown: %1")
                          .arg(QString::fromLocal8Bit(std::strerror(errno)));
        return change;
    }
    const rlim_t soft = files.rlim_cur;
    rlim_t wanted = files.rlim_max;
    const rlim_t perProcess = perProcessMaximum();
    if (perProcess > 0 && (wanted == RLIM_INFINITY || wanted > perProcess))
        wanted = perProcess;
    const QString limits = QStringLiteral("(hard limit %1%2)")
                               .arg(limitText(files.rlim_max),
                                    perProcess > 0 ? QStringLiteral(", per-process maximum %1").arg(limitText(perProcess))
                                                   : QString());
    if (soft != RLIM_INFINITY && soft < wanted) {
        files.rlim_cur = wanted;
        if (::setrlimit(RLIMIT_NOFILE, &files) == 0) {
            change.raised = true;
            change.text = QStringLiteral("open-file limit raised from %1 to %2 %3")
                              .arg(limitText(soft), limitText(wanted), limits);
            return change;
        }
        change.failed = true;
        change.text = QStringLiteral("open-file limit stays at %1, raising it to %2 failed: %3 %4")
                          .arg(limitText(soft), limitText(wanted),
                               QString::fromLocal8Bit(std::strerror(errno)), limits);
        return change;
    }
    change.text = QStringLiteral("open-file limit %1 %2").arg(limitText(soft), limits);
    return change;
}

} // namespace afcgi
