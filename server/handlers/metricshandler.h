#pragma once

#include <afcgi/handler.h>

#include <QByteArray>
#include <QList>

namespace afcgi {

class Hub;
class ServerInfo;
class StatusSource;

// /metrics: the Prometheus text exposition format (version 0.0.4): requests by status class,
// a request-duration histogram, bytes, connections, in-flight requests, aborts, protocol
// errors and queued output, and the hub's channels and deliveries when it runs. Read from the
// workers' counters: no lock, no per-request cost. Then what each StatusSource adds (the CGI
// bridge's children).
class MetricsHandler final : public Handler
{
public:
    explicit MetricsHandler(const ServerInfo *server, const Hub *hub = nullptr,
                            QList<const StatusSource *> sources = {})
        : m_server(server), m_hub(hub), m_sources(std::move(sources)) {}
    void handle(Request *request) override;

    static QByteArray render(const ServerInfo &server, const Hub *hub = nullptr,
                             const QList<const StatusSource *> &sources = {});

private:
    const ServerInfo *m_server;
    const Hub *m_hub;
    QList<const StatusSource *> m_sources;
};

} // namespace afcgi
