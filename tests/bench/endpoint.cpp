#include "endpoint.h"

namespace afcgi::bench {

std::optional<Endpoint> Endpoint::parse(const QString &address)
{
    Endpoint e;
    if (address.startsWith(QLatin1String("unix:"))) {
        e.isLocal = true;
        e.host = address.mid(5);
        return e.host.isEmpty() ? std::nullopt : std::optional<Endpoint>(e);
    }
    qsizetype colon = -1;
    if (address.startsWith(QLatin1Char('['))) {
        const qsizetype close = address.indexOf(QLatin1String("]:"));
        if (close < 0)
            return std::nullopt;
        e.host = address.mid(1, close - 1);
        colon = close + 1;
    } else {
        colon = address.lastIndexOf(QLatin1Char(':'));
        if (colon < 0)
            return std::nullopt;
        e.host = address.left(colon);
    }
    if (e.host.isEmpty())
        e.host = QStringLiteral("127.0.0.1");
    bool ok = false;
    const uint port = address.mid(colon + 1).toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return std::nullopt;
    e.port = quint16(port);
    return e;
}

QString Endpoint::toString() const
{
    if (isLocal)
        return QStringLiteral("unix:") + host;
    if (host.contains(QLatin1Char(':')))
        return QStringLiteral("[%1]:%2").arg(host).arg(port);
    return QStringLiteral("%1:%2").arg(host).arg(port);
}

} // namespace afcgi::bench
