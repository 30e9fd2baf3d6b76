#pragma once

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace afcgi {

// Which peers may connect over TCP: FCGI_WEB_SERVER_ADDRS (the standard FastCGI variable, a
// comma-separated list of addresses) and --allow (addresses or subnets such as 10.0.0.0/8).
// Empty means everyone. Unix-domain connections are governed by the socket's file mode instead.
class AccessList
{
public:
    static std::optional<AccessList> parse(const QString &text, QString *error = nullptr);

    void add(const AccessList &other) { m_subnets.append(other.m_subnets); }
    bool isEmpty() const { return m_subnets.isEmpty(); }
    bool allows(const QHostAddress &peer) const;
    QString toString() const;

private:
    QList<QPair<QHostAddress, int>> m_subnets;
};

} // namespace afcgi
