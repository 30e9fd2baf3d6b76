#pragma once

namespace afcgi {

class Engine;

// Mounts /hello, /echo, /delay, /stream, /status and /metrics, and the 404 fallback, on the
// engine's router.
void mountBuiltinHandlers(Engine &engine);

} // namespace afcgi
