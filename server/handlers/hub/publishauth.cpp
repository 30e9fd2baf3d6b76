#include "handlers/hub/publishauth.h"

#include <QCryptographicHash>

namespace afcgi {

namespace {
QByteArray digest(QByteArrayView bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
}
} // namespace

PublishAuth::PublishAuth(const QStringList &allow, const QByteArray &secret)
{
    QStringList entries = allow;
    if (allow.isEmpty() && secret.isEmpty())
        entries = {QStringLiteral("127.0.0.0/8"), QStringLiteral("::1")};
    for (const QString &entry : std::as_const(entries)) {
        const QString text = entry.trimmed();
        if (text.isEmpty())
            continue;
        QPair<QHostAddress, int> subnet = QHostAddress::parseSubnet(text);
        if (subnet.first.isNull()) {
            const QHostAddress single(text);
            if (single.isNull()) {
                m_error = QStringLiteral("publish-allow: '%1' is not an address or subnet").arg(text);
                return;
            }
            subnet = {single, single.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32};
        }
        m_subnets.append(subnet);
    }
    if (!secret.isEmpty())
        m_secretDigest = digest(secret);
}

bool PublishAuth::allows(QByteArrayView peer, QByteArrayView presented) const
{
    if (!m_secretDigest.isEmpty() && !presented.isEmpty()
        && constantTimeEquals(digest(presented), m_secretDigest))
        return true;
    if (peer.isEmpty() || m_subnets.isEmpty())
        return false;
    QHostAddress address(QString::fromLatin1(peer));
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4); // ::ffff:a.b.c.d counts as a.b.c.d
    if (isV4)
        address = QHostAddress(v4);
    for (const auto &subnet : m_subnets) {
        if (address.isInSubnet(subnet))
            return true;
    }
    return false;
}

bool PublishAuth::constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace afcgi
