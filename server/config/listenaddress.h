#pragma once

#include <QHostAddress>
#include <QString>

#include <optional>

namespace afcgi {

// One --listen value: "host:port", "[v6]:port", ":port" (all v4), "unix:/path", or "fd:N"
// (an inherited listening socket, as spawn-fcgi passes on fd 0).
struct ListenAddress
{
    enum class Kind { Tcp, Unix, InheritedFd };
    Kind kind = Kind::Tcp;
    QHostAddress host;
    quint16 port = 0;
    QString path;
    int fd = -1;

    static std::optional<ListenAddress> parse(const QString &text, QString *error = nullptr);
    QString toString() const;
};

} // namespace afcgi
