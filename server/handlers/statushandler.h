#pragma once

#include <afcgi/handler.h>

namespace afcgi {

class Hub;
class ServerInfo;

// /status: the server's state as JSON; ?full=1 adds every active request, gathered from
// all worker threads without a lock (each lists its own, the answers meet on this request's thread).
class StatusHandler final : public Handler
{
public:
    explicit StatusHandler(const ServerInfo *server, const Hub *hub = nullptr)
        : m_server(server), m_hub(hub) {}
    void handle(Request *request) override;

private:
    const ServerInfo *m_server;
    const Hub *m_hub;
};

} // namespace afcgi
