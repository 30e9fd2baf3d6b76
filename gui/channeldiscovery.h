#pragma once

#include <QSet>
#include <QStringList>

namespace afcgi::gui {

// The monitor channels served in `directory` (the per-user channel directory) and not among
// `known`: the sockets there that a service answers on, as full paths, sorted. A socket file
// left behind by a service that died is not listed. Each one is probed with a connection, which
// the service takes for a monitor attaching (a hello, a snapshot, a log line), so the `known`
// ones are not probed again. Empty on Windows, whose channels are named pipes.
QStringList findLocalChannels(const QString &directory, const QSet<QString> &known = {});

} // namespace afcgi::gui
