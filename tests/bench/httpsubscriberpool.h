#pragma once

#include "ssedatascanner.h"
#include "subscriberpool.h"

#include <QList>

#include <vector>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace afcgi::bench {

// Subscribers as browsers are: one HTTP connection each (HTTP/1.0, so the event stream comes
// unchunked), "Accept: text/event-stream"; a publisher on a keep-alive connection of its own.
// Connections are opened a few hundred at a time so that no listen queue overflows.
class HttpSubscriberPool final : public SubscriberPool
{
public:
    HttpSubscriberPool(const QString &host, quint16 port, QObject *parent = nullptr);
    ~HttpSubscriberPool() override;

    void open(int count, int connections, const std::function<QByteArray(int)> &pathOf) override;
    qint64 subscribed() const override { return m_subscribed; }
    qint64 failed() const override { return m_failed; }
    void publish(const QByteArray &path, const QByteArray &body) override;
    qint64 publishesAnswered() const override { return m_published; }
    qint64 publishesFailed() const override { return m_publishFailed; }

private:
    struct Subscriber
    {
        QTcpSocket *socket = nullptr;
        QByteArray head; // the response's status line and headers, until the blank line
        SseDataScanner scanner;
        bool connected = false;
        bool started = false;
        bool done = false;
    };
    void openMore();
    void onReadyRead(int index);
    void onPublisherReadyRead();

    QString m_host;
    quint16 m_port;
    std::vector<Subscriber> m_subscribers;
    std::function<QByteArray(int)> m_pathOf;
    int m_opened = 0;
    int m_connecting = 0;
    QTcpSocket *m_publisher = nullptr;
    QByteArray m_publisherIn;
    qint64 m_subscribed = 0;
    qint64 m_failed = 0;
    qint64 m_published = 0;
    qint64 m_publishFailed = 0;
};

} // namespace afcgi::bench
