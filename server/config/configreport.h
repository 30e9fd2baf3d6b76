#pragma once
// The effective configuration as the monitor's `config` command shows it: every setting by its
// key, its value as the command line would give it, where it came from (default, config file,
// command line, environment, reload, monitor), and whether set-limit may change it live.

#include "config/serverconfig.h"
#include "monitorprotocol.h"

#include <QList>
#include <QStringList>

namespace afcgi {

QList<monitor::Setting> describeConfig(const ServerConfig &config);

// The settings set-limit changes while the service runs (what a reload applies without a
// restart: new connections take them, timeouts apply to all).
bool isLiveSetting(const QString &key);

// "max-conns 10000 → 50" for each setting whose value differs between the two.
QStringList changedSettings(const ServerConfig &before, const ServerConfig &after);

} // namespace afcgi
