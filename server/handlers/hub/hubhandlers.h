#pragma once

namespace afcgi {

class Hub;
class Router;

// Mounts the hub's publish and subscribe handlers on their prefixes (the hub's options).
void mountHubHandlers(Router &router, Hub *hub);

} // namespace afcgi
