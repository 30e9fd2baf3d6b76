#pragma once

#include "endpoint.h"
#include "ssedatascanner.h"
#include "subscriberpool.h"

#include <vector>

namespace afcgi::bench {

class RecordSocket;

// Subscribers as FastCGI requests, spread over a few connections (up to 65,535 on each), and a
// publisher on a connection of its own: straight to afcgid, as HAProxy would multiplex them.
class FcgiSubscriberPool final : public SubscriberPool
{
public:
    explicit FcgiSubscriberPool(const Endpoint &endpoint, QObject *parent = nullptr);
    ~FcgiSubscriberPool() override;

    void open(int count, int connections, const std::function<QByteArray(int)> &pathOf) override;
    qint64 subscribed() const override { return m_subscribed; }
    qint64 failed() const override { return m_failed; }
    void publish(const QByteArray &path, const QByteArray &body) override;
    qint64 publishesAnswered() const override { return m_published; }
    qint64 publishesFailed() const override { return m_publishFailed; }

private:
    struct Subscriber
    {
        SseDataScanner scanner;
        bool started = false;
        bool ended = false;
    };
    struct Connection
    {
        RecordSocket *socket;
        std::vector<Subscriber> subscribers; // by request id - 1
    };
    void onRecords(Connection &connection);
    void onPublisherRecords();

    Endpoint m_endpoint;
    std::vector<Connection> m_connections;
    RecordSocket *m_publisher = nullptr;
    quint16 m_nextPublishId = 1;
    qint64 m_subscribed = 0;
    qint64 m_failed = 0;
    qint64 m_published = 0;
    qint64 m_publishFailed = 0;
};

} // namespace afcgi::bench
