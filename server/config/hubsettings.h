#pragma once

#include <afcgi/hub.h>

#include <QString>

namespace afcgi {

// The keys of afcgid's [hub] section (and of --hub-redis): `key` without the "hub/" prefix.
// Returns false with a message for the user when the key or its value is not valid.
bool applyHubSetting(HubOptions &options, const QString &key, const QString &value, QString *error);

} // namespace afcgi
