#pragma once

#include <QLoggingCategory>

namespace afcgi {
Q_DECLARE_LOGGING_CATEGORY(lcEngine)
Q_DECLARE_LOGGING_CATEGORY(lcListen)
Q_DECLARE_LOGGING_CATEGORY(lcConn)
Q_DECLARE_LOGGING_CATEGORY(lcRequest)
Q_DECLARE_LOGGING_CATEGORY(lcCgi)

// "time level category: message" on stderr; installed by afcgid's main().
void installLogFormat();
// Applies --log-level: debug, info, warning, error.
bool setLogLevel(const QString &level);
// The level in force: the last one setLogLevel() applied ("info" before any). Thread-safe.
QString logLevel();
} // namespace afcgi
