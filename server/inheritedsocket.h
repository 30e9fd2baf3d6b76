#pragma once
// Platform code: what kind of listening socket a parent process left us on a descriptor
// (spawn-fcgi and mod_fcgid put it on fd 0, FCGI_LISTENSOCK_FILENO).

namespace afcgi {

enum class InheritedSocketKind { None, Tcp, Unix };

InheritedSocketKind inheritedListeningSocket(int fd);

} // namespace afcgi
