#include "inheritedsocket.h"

#include <sys/socket.h>

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

} // namespace afcgi
