#include "peercredentials.h"

#include <QLocalSocket>

#include <pwd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace afcgi::monitor {

QString userDescription(qint64 uid)
{
    passwd entry{};
    passwd *found = nullptr;
    std::vector<char> buffer(16384);
    if (::getpwuid_r(uid_t(uid), &entry, buffer.data(), buffer.size(), &found) != 0 || !found)
        return QStringLiteral("uid %1").arg(uid);
    return QStringLiteral("uid %1 (%2)").arg(uid).arg(QString::fromLocal8Bit(found->pw_name));
}

PeerCredentials peerCredentials(const QLocalSocket &socket, PeerRole)
{
    PeerCredentials peer;
    const int fd = int(socket.socketDescriptor());
    if (fd < 0)
        return peer;
#ifdef Q_OS_LINUX
    // For either end, the credentials of the process that called connect() or listen().
    ucred credentials{};
    socklen_t length = sizeof credentials;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0)
        return peer;
    peer.uid = credentials.uid;
    peer.pid = credentials.pid;
#else
    uid_t uid = 0;
    gid_t gid = 0;
    if (::getpeereid(fd, &uid, &gid) != 0)
        return peer;
    peer.uid = uid;
#ifdef LOCAL_PEERPID
    pid_t pid = 0;
    socklen_t length = sizeof pid;
    if (::getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &pid, &length) == 0)
        peer.pid = pid;
#endif
#endif
    peer.known = true;
    peer.user = userDescription(peer.uid);
    peer.sameUser = peer.uid == qint64(::geteuid());
    peer.superUser = peer.uid == 0;
    return peer;
}

QString currentUserDescription()
{
    return userDescription(::geteuid());
}

qint64 userIdOf(const QString &nameOrId)
{
    bool numeric = false;
    const qint64 id = nameOrId.toLongLong(&numeric);
    if (numeric)
        return id >= 0 ? id : -1;
    passwd entry{};
    passwd *found = nullptr;
    std::vector<char> buffer(16384);
    if (::getpwnam_r(nameOrId.toLocal8Bit().constData(), &entry, buffer.data(), buffer.size(), &found) != 0
        || !found)
        return -1;
    return found->pw_uid;
}

} // namespace afcgi::monitor
