#pragma once

#include <afcgi/handler.h>

#include <QList>

namespace afcgi {

class Hub;
class Router;
class ServerInfo;
class StatusSource;

// /status: the server's state as JSON; ?full=1 adds every active request, gathered from
// all worker threads without a lock (each lists its own, the answers meet on this request's
// thread), and the routes of `router`. Each StatusSource adds an object of its own (the CGI
// bridge: "cgi").
class StatusHandler final : public Handler
{
public:
    explicit StatusHandler(const ServerInfo *server, const Hub *hub = nullptr, const Router *router = nullptr,
                           QList<const StatusSource *> sources = {})
        : m_server(server), m_hub(hub), m_router(router), m_sources(std::move(sources)) {}
    void handle(Request *request) override;

private:
    const ServerInfo *m_server;
    const Hub *m_hub;
    const Router *m_router; // its routes are listed; none without it
    QList<const StatusSource *> m_sources;
};

} // namespace afcgi
