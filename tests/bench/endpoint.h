#pragma once
// A server address as the bench tools take it on the command line.

#include <QString>

#include <optional>

namespace afcgi::bench {

// Where the server listens: "host:port", "[v6]:port" or "unix:/path".
struct Endpoint
{
    bool isLocal = false;
    QString host; // or the socket path when isLocal
    quint16 port = 0;

    static std::optional<Endpoint> parse(const QString &address);
    QString toString() const;
};

} // namespace afcgi::bench
