#pragma once
// The bench's subscribers and its publisher, over one transport: FastCGI straight to afcgid
// (many subscribers multiplexed on each connection), or HTTP through a web server (one
// connection per subscriber, as browsers do). Each subscriber's stream is scanned for the
// bench's messages ("data: m<N>"); every one found is reported through onDelivered.

#include <QByteArray>
#include <QObject>

#include <functional>

namespace afcgi::bench {

class SubscriberPool : public QObject
{
    Q_OBJECT
public:
    using Delivered = std::function<void(quint64 message)>;

    explicit SubscriberPool(QObject *parent = nullptr) : QObject(parent) {}
    ~SubscriberPool() override = default;

    // Opens `count` subscribers; subscriber i listens on channelOf(i) (a path made from the
    // subscribe template). `connections` matters only where requests are multiplexed.
    virtual void open(int count, int connections, const std::function<QByteArray(int)> &pathOf) = 0;
    // Subscribers whose stream has begun (headers received): the server holds them.
    virtual qint64 subscribed() const = 0;
    // Subscribers whose stream ended or failed.
    virtual qint64 failed() const = 0;
    // Publishes `body` with a POST to `path`; answers (2xx or not) are counted.
    virtual void publish(const QByteArray &path, const QByteArray &body) = 0;
    virtual qint64 publishesAnswered() const = 0;
    virtual qint64 publishesFailed() const = 0;

    void setDelivered(Delivered delivered) { m_delivered = std::move(delivered); }

protected:
    Delivered m_delivered;
};

} // namespace afcgi::bench
