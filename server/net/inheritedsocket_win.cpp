#include "net/inheritedsocket.h"

namespace afcgi {

// Windows web servers start FastCGI applications with a named pipe handle, not fd 0;
// afcgid on Windows listens on TCP or a named pipe it creates itself.
InheritedSocketKind inheritedListeningSocket(int)
{
    return InheritedSocketKind::None;
}

QList<int> systemdListenFds()
{
    return {};
}

} // namespace afcgi
