#pragma once

#include <QString>

namespace afcgi::monitor {

// Whether a process listens on the local socket `path`: a connection is tried and dropped at
// once. On Unix a listener accepts at once and a socket file left by a dead process refuses at
// once, so `timeoutMs` only bounds a listener too busy to accept. The listener sees a connection
// that closes straight away.
bool someoneListensOn(const QString &path, int timeoutMs);

} // namespace afcgi::monitor
