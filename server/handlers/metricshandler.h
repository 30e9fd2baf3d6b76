#pragma once

#include <afcgi/handler.h>

#include <QByteArray>

namespace afcgi {

class Hub;
class ServerInfo;

// /metrics: the Prometheus text exposition format (version 0.0.4): requests by status class,
// a request-duration histogram, bytes, connections, in-flight requests, aborts, protocol
// errors and queued output, and the hub's channels and deliveries when it runs. Read from the workers' counters: no lock, no per-request cost.
class MetricsHandler final : public Handler
{
public:
    explicit MetricsHandler(const ServerInfo *server, const Hub *hub = nullptr)
        : m_server(server), m_hub(hub) {}
    void handle(Request *request) override;

    static QByteArray render(const ServerInfo &server, const Hub *hub = nullptr);

private:
    const ServerInfo *m_server;
    const Hub *m_hub;
};

} // namespace afcgi
