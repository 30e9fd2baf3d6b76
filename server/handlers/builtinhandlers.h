#pragma once

#include <QList>
#include <QStringList>

namespace afcgi {

class Hub;
class Router;
class ServerInfo;
class StatusSource;

// Mounts /hello, /echo, /delay, /stream, /status and /metrics, and the 404 fallback, on
// `router`; /status and /metrics report on `server`, on `hub` when there is one, and on each
// of `sources`. Returns the prefixes it mounted.
QStringList mountBuiltinHandlers(Router &router, const ServerInfo &server, const Hub *hub = nullptr,
                                 const QList<const StatusSource *> &sources = {});

} // namespace afcgi
