#include "fcgisubscriberpool.h"

#include "fcgiclient.h"
#include "recordencoder.h"
#include "recordsocket.h"

namespace afcgi::bench {

namespace {
QByteArray request(quint16 id, QByteArrayView method, const QByteArray &path, const QByteArray &body)
{
    QByteArray out = encodeBeginRequest(id, Role::Responder, true);
    const NameValueList params = FcgiClient::requestParams(method, path, body.isNull() ? -1 : body.size(),
                                                           body.isNull() ? QByteArrayView() : "text/plain");
    appendRecord(out, RecordType::Params, id, encodeNameValues(params));
    appendRecord(out, RecordType::Params, id, {});
    if (!body.isEmpty())
        appendRecord(out, RecordType::Stdin, id, body);
    appendRecord(out, RecordType::Stdin, id, {});
    return out;
}
} // namespace

FcgiSubscriberPool::FcgiSubscriberPool(const Endpoint &endpoint, QObject *parent)
    : SubscriberPool(parent), m_endpoint(endpoint)
{
    m_publisher = new RecordSocket(endpoint, this);
    connect(m_publisher, &RecordSocket::recordsReady, this, &FcgiSubscriberPool::onPublisherRecords);
    m_publisher->open();
}

FcgiSubscriberPool::~FcgiSubscriberPool() = default;

void FcgiSubscriberPool::open(int count, int connections, const std::function<QByteArray(int)> &pathOf)
{
    connections = qMax(1, qMin(connections, count));
    m_connections.resize(size_t(connections));
    for (int c = 0; c < connections; ++c) {
        Connection &conn = m_connections[size_t(c)];
        conn.socket = new RecordSocket(m_endpoint, this);
        connect(conn.socket, &RecordSocket::recordsReady, this, [this, c] { onRecords(m_connections[size_t(c)]); });
        connect(conn.socket, &RecordSocket::lost, this, [this, c] {
            for (Subscriber &s : m_connections[size_t(c)].subscribers)
                m_failed += s.ended ? 0 : 1;
        });
        // What is queued in out() leaves once the connection is up.
        RecordSocket *socket = conn.socket;
        connect(socket, &RecordSocket::connected, this, [socket] { socket->flush(); });
        conn.socket->open();
    }
    // Subscriber i on connection i % connections, as request id (i / connections) + 1.
    for (int i = 0; i < count; ++i) {
        Connection &conn = m_connections[size_t(i % connections)];
        conn.subscribers.emplace_back();
        const quint16 id = quint16(conn.subscribers.size());
        conn.socket->out() += request(id, "GET", pathOf(i), QByteArray());
    }
}

void FcgiSubscriberPool::onRecords(Connection &connection)
{
    while (auto record = connection.socket->next()) {
        if (record->requestId == 0 || record->requestId > connection.subscribers.size())
            continue;
        Subscriber &s = connection.subscribers[record->requestId - 1];
        if (record->recordType() == RecordType::Stdout && !record->content.isEmpty()) {
            if (!s.started) {
                s.started = true;
                ++m_subscribed;
            }
            s.scanner.feed(record->content, [this](quint64 n) { m_delivered(n); });
        } else if (record->recordType() == RecordType::EndRequest && !s.ended) {
            s.ended = true;
            ++m_failed;
        }
    }
}

void FcgiSubscriberPool::publish(const QByteArray &path, const QByteArray &body)
{
    const quint16 id = m_nextPublishId;
    m_nextPublishId = quint16(m_nextPublishId % 60000 + 1);
    m_publisher->out() += request(id, "POST", path, body);
    m_publisher->flush();
}

void FcgiSubscriberPool::onPublisherRecords()
{
    while (auto record = m_publisher->next()) {
        if (record->recordType() == RecordType::Stdout && record->content.startsWith("Status: ")) {
            if (record->content.startsWith("Status: 200"))
                ++m_published;
            else
                ++m_publishFailed;
        }
    }
}

} // namespace afcgi::bench
