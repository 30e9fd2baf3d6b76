#include "processcontrol.h"

#include <QProcess>

namespace e2e {

// A console program on Windows is stopped by a console control event (Ctrl+C, Ctrl+Break), which
// reaches only processes sharing the sender's console: nothing a test can aim at one child.
bool canSendSignals()
{
    return false;
}

bool sendSignal(const QProcess &, Signal)
{
    return false;
}

bool runningAsRoot()
{
    return false;
}

QStringList withSoftFileLimit(int, const QString &, const QStringList &)
{
    return {}; // no per-process limit on sockets
}

bool ensureOwnFileLimit(int)
{
    return true;
}

} // namespace e2e
