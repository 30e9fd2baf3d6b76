#pragma once

#include <QStringList>

namespace afcgi::gui {

// The monitor channels served in `directory` (the per-user channel directory): the sockets
// there that a service answers on, as full paths, sorted. A socket file left behind by a service
// that died is not listed. Empty on Windows, whose channels are named pipes.
QStringList findLocalChannels(const QString &directory);

} // namespace afcgi::gui
