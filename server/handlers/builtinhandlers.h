#pragma once

namespace afcgi {

class Hub;
class Router;
class ServerInfo;

// Mounts /hello, /echo, /delay, /stream, /status and /metrics, and the 404 fallback, on
// `router`; /status and /metrics report on `server` (and on `hub`, when there is one).
void mountBuiltinHandlers(Router &router, const ServerInfo &server, const Hub *hub = nullptr);

} // namespace afcgi
