#pragma once

#include <QByteArrayView>
#include <QString>

namespace afcgi {

// A request's path in its routing form: query removed, percent-decoded, "." and ".." segments
// resolved (so that a mount's prefix cannot be escaped).
QString decodeRequestPath(QByteArrayView uriOrPath);

} // namespace afcgi
