#include "peercredentials.h"

namespace afcgi::monitor {

QString PeerCredentials::describe() const
{
    if (!known)
        return pid >= 0 ? QStringLiteral("pid %1 (its user could not be told)").arg(pid)
                        : QStringLiteral("a process whose user could not be told");
    if (pid < 0)
        return user;
    return QStringLiteral("%1, pid %2").arg(user).arg(pid);
}

} // namespace afcgi::monitor
