#pragma once
// Platform code: listening sockets a parent process left us: spawn-fcgi and mod_fcgid put one
// on fd 0 (FCGI_LISTENSOCK_FILENO); systemd socket activation passes LISTEN_FDS from fd 3 on.

#include <QList>

namespace afcgi {

enum class InheritedSocketKind { None, Tcp, Unix };

InheritedSocketKind inheritedListeningSocket(int fd);

// The descriptors systemd passed (LISTEN_FDS, when LISTEN_PID is ours); empty otherwise.
QList<int> systemdListenFds();

} // namespace afcgi
