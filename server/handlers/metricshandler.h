#pragma once

#include <afcgi/handler.h>

#include <QByteArray>

namespace afcgi {

class ServerInfo;

// /metrics: the Prometheus text exposition format (version 0.0.4): requests by status class,
// a request-duration histogram, bytes, connections, in-flight requests, aborts, protocol
// errors and queued output. Read from the workers' counters: no lock, no per-request cost.
class MetricsHandler final : public Handler
{
public:
    explicit MetricsHandler(const ServerInfo *server) : m_server(server) {}
    void handle(Request *request) override;

    static QByteArray render(const ServerInfo &server);

private:
    const ServerInfo *m_server;
};

} // namespace afcgi
