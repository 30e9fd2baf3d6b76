#include "config/logging.h"

#include <atomic>

namespace afcgi {

namespace {
constexpr const char *kLevels[] = { "debug", "info", "warning", "error" };
std::atomic<int> g_level{1}; // the categories' default: info
} // namespace

Q_LOGGING_CATEGORY(lcEngine, "afcgi.server.engine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcListen, "afcgi.server.listen", QtInfoMsg)
Q_LOGGING_CATEGORY(lcConn, "afcgi.server.conn", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRequest, "afcgi.server.request", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCgi, "afcgi.server.cgi", QtInfoMsg)

void installLogFormat()
{
    qSetMessagePattern(QStringLiteral(
        "%{time yyyy-MM-ddThh:mm:ss.zzz} "
        "%{if-debug}debug%{endif}%{if-info}info%{endif}%{if-warning}warning%{endif}"
        "%{if-critical}error%{endif}%{if-fatal}fatal%{endif} %{category}: %{message}"));
}

bool setLogLevel(const QString &level)
{
    const QString l = level.trimmed().toLower();
    static const QString kRules[] = {
        QStringLiteral("afcgi.*.debug=true"),
        QStringLiteral("afcgi.*.debug=false\nafcgi.*.info=true"),
        QStringLiteral("afcgi.*.debug=false\nafcgi.*.info=false"),
        QStringLiteral("afcgi.*.debug=false\nafcgi.*.info=false\nafcgi.*.warning=false"),
    };
    for (int i = 0; i < int(std::size(kLevels)); ++i) {
        if (l == QLatin1String(kLevels[i])) {
            QLoggingCategory::setFilterRules(kRules[i]);
            g_level.store(i, std::memory_order_relaxed);
            return true;
        }
    }
    return false;
}

QString logLevel()
{
    return QLatin1String(kLevels[g_level.load(std::memory_order_relaxed)]);
}
} // namespace afcgi
