#include "net/socketowner.h"

namespace afcgi {

bool setSocketOwner(const QString &, const QString &owner, const QString &group, QString *error)
{
    if (owner.isEmpty() && group.isEmpty())
        return true;
    // Named pipes carry a security descriptor, not an owner and a group.
    *error = QStringLiteral("--socket-owner and --socket-group are not supported on Windows");
    return false;
}

QLocalServer::SocketOptions localServerAccess(int mode)
{
    QLocalServer::SocketOptions options;
    if (mode & 0600)
        options |= QLocalServer::UserAccessOption;
    if (mode & 0060)
        options |= QLocalServer::GroupAccessOption;
    if (mode & 0006)
        options |= QLocalServer::OtherAccessOption;
    // No bit at all would mean Windows's default access list, which is wider: the user only.
    if (!options)
        return QLocalServer::UserAccessOption;
    return options;
}

int localListenBacklog(int)
{
    constexpr int kQtDefaultBacklog = 50; // QLocalServer's own default: 50 pipe instances
    return kQtDefaultBacklog;
}

bool setSocketMode(const QString &, int, QString *)
{
    return true; // the pipe was created with its access list (localServerAccess())
}

CreationModeScope::CreationModeScope(int) {}
CreationModeScope::~CreationModeScope() = default;

} // namespace afcgi
