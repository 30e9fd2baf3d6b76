#include "httpsubscriberpool.h"

#include <QTcpSocket>

namespace afcgi::bench {

namespace {
constexpr int kConnectingAtOnce = 200;
}

HttpSubscriberPool::HttpSubscriberPool(const QString &host, quint16 port, QObject *parent)
    : SubscriberPool(parent), m_host(host), m_port(port)
{
    m_publisher = new QTcpSocket(this);
    connect(m_publisher, &QTcpSocket::readyRead, this, &HttpSubscriberPool::onPublisherReadyRead);
    m_publisher->connectToHost(host, port);
}

HttpSubscriberPool::~HttpSubscriberPool() = default;

void HttpSubscriberPool::open(int count, int, const std::function<QByteArray(int)> &pathOf)
{
    m_pathOf = pathOf;
    m_subscribers.resize(size_t(count));
    openMore();
}

void HttpSubscriberPool::openMore()
{
    while (m_connecting < kConnectingAtOnce && m_opened < int(m_subscribers.size())) {
        const int i = m_opened++;
        ++m_connecting;
        auto *socket = new QTcpSocket(this);
        m_subscribers[size_t(i)].socket = socket;
        connect(socket, &QTcpSocket::connected, this, [this, socket, i] {
            m_subscribers[size_t(i)].connected = true;
            --m_connecting;
            socket->write("GET " + m_pathOf(i) + " HTTP/1.0\r\nHost: localhost\r\n"
                          "Accept: text/event-stream\r\n\r\n");
            openMore();
        });
        connect(socket, &QTcpSocket::readyRead, this, [this, i] { onReadyRead(i); });
        const auto gone = [this, i] {
            Subscriber &s = m_subscribers[size_t(i)];
            if (!s.done) {
                s.done = true;
                ++m_failed;
                if (!s.connected) {
                    --m_connecting;
                    openMore();
                }
            }
        };
        connect(socket, &QTcpSocket::disconnected, this, gone);
        connect(socket, &QTcpSocket::errorOccurred, this, gone);
        socket->connectToHost(m_host, m_port);
    }
}

void HttpSubscriberPool::onReadyRead(int index)
{
    Subscriber &s = m_subscribers[size_t(index)];
    QByteArray bytes = s.socket->readAll();
    if (!s.started) {
        s.head += bytes;
        const qsizetype end = s.head.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        if (!s.head.startsWith("HTTP/1.1 200") && !s.head.startsWith("HTTP/1.0 200")) {
            s.done = true;
            ++m_failed;
            s.socket->abort();
            return;
        }
        s.started = true;
        ++m_subscribed;
        bytes = s.head.mid(end + 2); // keep the "\n" before the body: a line starts there
        s.head = QByteArray();
    }
    s.scanner.feed(bytes, [this](quint64 n) { m_delivered(n); });
}

void HttpSubscriberPool::publish(const QByteArray &path, const QByteArray &body)
{
    m_publisher->write("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
                       "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    m_publisher->flush();
}

void HttpSubscriberPool::onPublisherReadyRead()
{
    m_publisherIn += m_publisher->readAll();
    // Whole answers: status line and headers, then Content-Length bytes of body.
    for (;;) {
        const qsizetype end = m_publisherIn.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = m_publisherIn.left(end).toLower();
        qsizetype length = 0;
        const qsizetype at = head.indexOf("content-length:");
        if (at >= 0)
            length = head.mid(at + 15, head.indexOf('\r', at) - at - 15).trimmed().toLongLong();
        if (m_publisherIn.size() < end + 4 + length)
            return;
        if (head.startsWith("http/1.1 2"))
            ++m_published;
        else
            ++m_publishFailed;
        m_publisherIn.remove(0, end + 4 + length);
    }
}

} // namespace afcgi::bench
