#pragma once

#include "config/serverconfig.h"

namespace afcgi {

// Completes a parsed configuration with what the environment says: fd 0 as the listener when a
// parent (spawn-fcgi) left a listening socket there, systemd's LISTEN_FDS, and
// FCGI_WEB_SERVER_ADDRS. False, with a message for the user, when that is malformed.
bool applyEnvironment(ServerConfig &config, QString *error);

} // namespace afcgi
