#pragma once

#include <afcgi/handler.h>

namespace afcgi {

class ServerInfo;

// /status: the server's state as JSON; ?full=1 adds every active request, gathered from
// all worker threads without a lock (each lists its own, the answers meet on this request's thread).
class StatusHandler final : public Handler
{
public:
    explicit StatusHandler(const ServerInfo *server) : m_server(server) {}
    void handle(Request *request) override;

private:
    const ServerInfo *m_server;
};

} // namespace afcgi
