#pragma once
// Platform code: give a Unix-domain socket file an owner and a group (chown), as PHP-FPM's
// listen.owner and listen.group do, so that only the web server's account can connect.

#include <QString>

namespace afcgi {

// `owner` and `group` are names or numeric ids; an empty one is left as it is. False, with a
// reason, when one is unknown, the process may not change it, or the platform has no owners.
bool setSocketOwner(const QString &path, const QString &owner, const QString &group, QString *error);

} // namespace afcgi
