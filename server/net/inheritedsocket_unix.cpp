#include "net/inheritedsocket.h"

#include <QtGlobal>

#include <sys/socket.h>
#include <unistd.h>

namespace afcgi {

InheritedSocketKind inheritedListeningSocket(int fd)
{
    int accepting = 0;
    socklen_t length = sizeof(accepting);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) != 0 || !accepting)
        return InheritedSocketKind::None;
    sockaddr_storage address{};
    socklen_t addressLength = sizeof(address);
    if (getsockname(fd, reinterpret_cast<sockaddr *>(&address), &addressLength) != 0)
        return InheritedSocketKind::None;
    if (address.ss_family == AF_UNIX)
        return InheritedSocketKind::Unix;
    if (address.ss_family == AF_INET || address.ss_family == AF_INET6)
        return InheritedSocketKind::Tcp;
    return InheritedSocketKind::None;
}

QList<int> systemdListenFds()
{
    constexpr int kSdListenFdsStart = 3; // as sd_listen_fds(3) defines it
    bool ok = false;
    const qint64 pid = qEnvironmentVariable("LISTEN_PID").toLongLong(&ok);
    if (!ok || pid != qint64(::getpid()))
        return {}; // meant for another process (a parent that did not clear it)
    const int count = qEnvironmentVariable("LISTEN_FDS").toInt(&ok);
    QList<int> fds;
    for (int i = 0; ok && i < count; ++i)
        fds.append(kSdListenFdsStart + i);
    return fds;
}

} // namespace afcgi
