#pragma once

#include <afcgi/handler.h>

#include <QByteArray>

namespace afcgi {

class Engine;

// /metrics: the Prometheus text exposition format (version 0.0.4): requests by status class,
// a request-duration histogram, bytes, connections, in-flight requests, aborts, protocol
// errors and queued output. Read from the workers' counters: no lock, no per-request cost.
class MetricsHandler final : public Handler
{
public:
    explicit MetricsHandler(const Engine *engine) : m_engine(engine) {}
    void handle(Request *request) override;

    static QByteArray render(const Engine &engine);

private:
    const Engine *m_engine;
};

} // namespace afcgi
