#include "config/accesslist.h"

#include <QRegularExpression>

namespace afcgi {

std::optional<AccessList> AccessList::parse(const QString &text, QString *error)
{
    AccessList list;
    const QStringList parts = text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        QPair<QHostAddress, int> subnet = part.contains(QLatin1Char('/'))
                                              ? QHostAddress::parseSubnet(part)
                                              : QPair<QHostAddress, int>(QHostAddress(part), -1);
        if (subnet.first.isNull()) {
            if (error)
                *error = QStringLiteral("'%1' is not an address or subnet").arg(part);
            return std::nullopt;
        }
        if (subnet.second < 0)
            subnet.second = subnet.first.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32;
        list.m_subnets.append(subnet);
    }
    return list;
}

bool AccessList::allows(const QHostAddress &peer) const
{
    if (m_subnets.isEmpty())
        return true;
    // A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; compare them as IPv4.
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    const QHostAddress plain = isV4 ? QHostAddress(v4) : peer;
    for (const auto &subnet : m_subnets) {
        if (plain.isInSubnet(subnet))
            return true;
    }
    return false;
}

QString AccessList::toString() const
{
    QStringList parts;
    for (const auto &subnet : m_subnets)
        parts.append(QStringLiteral("%1/%2").arg(subnet.first.toString()).arg(subnet.second));
    return parts.join(QLatin1Char(','));
}

} // namespace afcgi
