#include "processcontrol.h"

#include <QProcess>

#include <signal.h>

#include <sys/resource.h>
#include <unistd.h>

namespace e2e {

bool canSendSignals()
{
    return true;
}

bool sendSignal(const QProcess &process, Signal signal)
{
    const qint64 pid = process.processId();
    if (pid <= 0)
        return false;
    int number = SIGTERM;
    switch (signal) {
    case Signal::Terminate: number = SIGTERM; break;
    case Signal::Interrupt: number = SIGINT; break;
    case Signal::Reload: number = SIGHUP; break;
    }
    return ::kill(pid_t(pid), number) == 0;
}

bool runningAsRoot()
{
    return ::geteuid() == 0;
}

QStringList withSoftFileLimit(int softLimit, const QString &program, const QStringList &arguments)
{
    // POSIX sh: `ulimit -S -n` lowers the soft limit only; exec keeps the process id.
    return QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                       QStringLiteral("ulimit -S -n %1 && exec \"$0\" \"$@\"").arg(softLimit), program}
        + arguments;
}

bool ensureOwnFileLimit(int count)
{
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) != 0)
        return false;
    if (files.rlim_cur == RLIM_INFINITY || files.rlim_cur >= rlim_t(count))
        return true;
    if (files.rlim_max != RLIM_INFINITY && files.rlim_max < rlim_t(count))
        return false;
    files.rlim_cur = rlim_t(count);
    return ::setrlimit(RLIMIT_NOFILE, &files) == 0;
}

} // namespace e2e
