#include "config/listenaddress.h"

namespace afcgi {

std::optional<ListenAddress> ListenAddress::parse(const QString &text, QString *error)
{
    auto fail = [error](const QString &why) -> std::optional<ListenAddress> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    ListenAddress address;
    if (text.startsWith(QLatin1String("unix:"))) {
        address.kind = Kind::Unix;
        address.path = text.mid(5);
        if (address.path.isEmpty())
            return fail(QStringLiteral("unix: needs a socket path"));
        return address;
    }
    if (text.startsWith(QLatin1String("fd:"))) {
        bool ok = false;
        address.kind = Kind::InheritedFd;
        address.fd = text.mid(3).toInt(&ok);
        if (!ok || address.fd < 0)
            return fail(QStringLiteral("fd: needs a descriptor number"));
        return address;
    }
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon < 0)
        return fail(QStringLiteral("expected host:port, [v6]:port or unix:/path"));
    QString host = text.left(colon);
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535)
        return fail(QStringLiteral("bad port in '%1'").arg(text));
    address.port = quint16(port);
    // "[...]" holds an address literal only: "[]" is not ":port".
    const bool bracketed = host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']'));
    if (bracketed)
        host = host.mid(1, host.size() - 2);
    // "fe80::1:80" could be fe80::1 port 80 or fe80::1:80 with the port left out: as nginx
    // does, an IPv6 address with a port needs its brackets.
    else if (host.contains(QLatin1Char(':')) && !host.startsWith(QLatin1Char('[')))
        return fail(QStringLiteral("an IPv6 address with a port needs brackets, as in [%1]:%2")
                        .arg(host).arg(port));
    if (!bracketed && (host.isEmpty() || host == QLatin1String("*")))
        address.host = QHostAddress(QHostAddress::AnyIPv4);
    else if (!bracketed && host == QLatin1String("localhost"))
        address.host = QHostAddress(QHostAddress::LocalHost);
    else if (!address.host.setAddress(host))
        return fail(QStringLiteral("bad host address '%1'").arg(host));
    return address;
}

QString ListenAddress::toString() const
{
    switch (kind) {
    case Kind::Unix:
        return QStringLiteral("unix:") + path;
    case Kind::InheritedFd:
        return QStringLiteral("fd:%1").arg(fd);
    case Kind::Tcp:
        break;
    }
    if (host.protocol() == QAbstractSocket::IPv6Protocol)
        return QStringLiteral("[%1]:%2").arg(host.toString()).arg(port);
    return QStringLiteral("%1:%2").arg(host.toString()).arg(port);
}

} // namespace afcgi
