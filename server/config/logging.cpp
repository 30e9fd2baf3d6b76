#include "config/logging.h"

namespace afcgi {
Q_LOGGING_CATEGORY(lcEngine, "afcgi.server.engine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcListen, "afcgi.server.listen", QtInfoMsg)
Q_LOGGING_CATEGORY(lcConn, "afcgi.server.conn", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRequest, "afcgi.server.request", QtInfoMsg)

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
    QString rules;
    if (l == QLatin1String("debug"))
        rules = QStringLiteral("afcgi.*.debug=true");
    else if (l == QLatin1String("info"))
        rules = QStringLiteral("afcgi.*.debug=false\nafcgi.*.info=true");
    else if (l == QLatin1String("warning"))
        rules = QStringLiteral("afcgi.*.debug=false\nafcgi.*.info=false");
    else if (l == QLatin1String("error"))
        rules = QStringLiteral("afcgi.*.debug=false\nafcgi.*.info=false\nafcgi.*.warning=false");
    else
        return false;
    QLoggingCategory::setFilterRules(rules);
    return true;
}
} // namespace afcgi
