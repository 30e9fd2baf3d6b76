#include "service/environment.h"

#include "net/inheritedsocket.h"

namespace afcgi {

bool applyEnvironment(ServerConfig &config, QString *error)
{
    if (config.listen.isEmpty()) {
        // Socket activation by systemd: LISTEN_FDS descriptors from fd 3 on.
        for (int fd : systemdListenFds())
            config.listen.append(*ListenAddress::parse(QStringLiteral("fd:%1").arg(fd)));
        if (!config.listen.isEmpty())
            config.origins.insert(QStringLiteral("listen"), QStringLiteral("environment (LISTEN_FDS)"));
    }
    if (config.listen.isEmpty()) {
        // Started by spawn-fcgi or mod_fcgid: the listening socket is fd 0 (FCGI_LISTENSOCK_FILENO).
        const bool inherited = inheritedListeningSocket(0) != InheritedSocketKind::None;
        config.listen.append(*ListenAddress::parse(inherited ? QStringLiteral("fd:0")
                                                             : QStringLiteral("127.0.0.1:9000")));
        if (inherited)
            config.origins.insert(QStringLiteral("listen"), QStringLiteral("environment (inherited fd 0)"));
    }
    // FCGI_WEB_SERVER_ADDRS: the standard FastCGI list of web servers allowed to connect.
    const QString webServers = qEnvironmentVariable("FCGI_WEB_SERVER_ADDRS");
    if (!webServers.trimmed().isEmpty()) {
        QString why;
        const auto list = AccessList::parse(webServers, &why);
        if (!list) {
            *error = QStringLiteral("FCGI_WEB_SERVER_ADDRS: %1").arg(why);
            return false;
        }
        config.allow.add(*list);
        const QString origin = config.origins.value(QStringLiteral("allow"));
        config.origins.insert(QStringLiteral("allow"),
                              origin.isEmpty() ? QStringLiteral("environment (FCGI_WEB_SERVER_ADDRS)")
                                               : origin + QStringLiteral(" + environment (FCGI_WEB_SERVER_ADDRS)"));
    }
    return true;
}

} // namespace afcgi
