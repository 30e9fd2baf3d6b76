#include "monitorprotocol.h"

namespace afcgi::monitor {

QString defaultSocketName()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    QString safe;
    for (const QChar c : std::as_const(user)) {
        const bool ok = (c >= QLatin1Char('a') && c <= QLatin1Char('z'))
            || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_')
            || c == QLatin1Char('.') || c == QLatin1Char('-');
        safe += ok ? c : QLatin1Char('_');
    }
    if (safe.isEmpty())
        safe = QStringLiteral("default");
    return QStringLiteral("afcgi-monitor-") + safe;
}

} // namespace afcgi::monitor
