#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QStringList>

namespace afcgi {

// Who may publish: a peer address in the allow list, or a request that carries the secret.
// The secret is compared in constant time (over SHA-256 digests, so neither its bytes nor its
// length leak through timing). With neither configured, only loopback peers may publish.
class PublishAuth
{
public:
    PublishAuth(const QStringList &allow, const QByteArray &secret);
    bool isValid() const { return m_error.isEmpty(); }
    QString errorString() const { return m_error; }

    // `peer`: REMOTE_ADDR; `presented`: the X-Hub-Secret header or an "Authorization: Bearer" token.
    bool allows(QByteArrayView peer, QByteArrayView presented) const;
    static bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

private:
    QList<QPair<QHostAddress, int>> m_subnets;
    QByteArray m_secretDigest; // empty: no secret configured
    QString m_error;
};

} // namespace afcgi
