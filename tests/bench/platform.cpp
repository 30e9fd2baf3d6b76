#include "platform.h"

#include <QFile>

#include <chrono>

#include <cstdio>

#ifdef Q_OS_UNIX
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#elif defined(Q_OS_WIN)
#include <io.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace afcgi::bench {

qint64 processCpuNs()
{
#ifdef Q_OS_UNIX
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) != 0)
        return -1;
    const auto ns = [](const timeval &tv) {
        return qint64(tv.tv_sec) * 1000000000 + qint64(tv.tv_usec) * 1000;
    };
    return ns(usage.ru_utime) + ns(usage.ru_stime);
#else
    return -1;
#endif
}

void tuneAllocator()
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
}

qint64 readRssKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = status.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("VmRSS:")) {
            const QList<QByteArray> parts = line.simplified().split(' ');
            return parts.size() >= 2 ? parts.at(1).toLongLong() : -1;
        }
    }
    return -1;
}

bool stderrIsTerminal()
{
#ifdef Q_OS_UNIX
    return isatty(fileno(stderr));
#elif defined(Q_OS_WIN)
    return _isatty(_fileno(stderr));
#else
    return false;
#endif
}

void setAbortiveClose(qintptr socketDescriptor)
{
#ifdef Q_OS_UNIX
    if (socketDescriptor < 0)
        return;
    const linger off{1, 0};
    setsockopt(int(socketDescriptor), SOL_SOCKET, SO_LINGER, &off, sizeof off);
#else
    Q_UNUSED(socketDescriptor);
#endif
}

} // namespace afcgi::bench
