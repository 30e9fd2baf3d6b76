#pragma once

namespace afcgi {

class Router;
class ServerInfo;

// Mounts /hello, /echo, /delay, /stream, /status and /metrics, and the 404 fallback, on
// `router`; /status and /metrics report on `server`.
void mountBuiltinHandlers(Router &router, const ServerInfo &server);

} // namespace afcgi
