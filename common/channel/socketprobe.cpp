#include "socketprobe.h"

#include <QLocalSocket>

namespace afcgi::monitor {

bool someoneListensOn(const QString &path, int timeoutMs)
{
    QLocalSocket probe;
    probe.connectToServer(path);
    const bool listening = probe.waitForConnected(timeoutMs);
    probe.abort();
    return listening;
}

} // namespace afcgi::monitor
