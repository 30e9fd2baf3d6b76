#include "worker.h"

#include "logging.h"

#include <QLocalSocket>
#include <QTcpSocket>

#include <atomic>

namespace afcgi {

namespace {
std::atomic<quint64> g_nextConnectionId{1}; // unique across workers: the monitor names connections by it
}

Worker::Worker(int index, const ServerConfig *config, const Router *router) : m_index(index)
{
    m_env.config = config;
    m_env.router = router;
    m_env.counters = &m_counters;
}

void Worker::adoptSocket(qintptr descriptor, bool local, const QString &listenerName)
{
    QIODevice *device = nullptr;
    QString peer;
    if (local) {
        auto *socket = new QLocalSocket;
        if (!socket->setSocketDescriptor(descriptor)) {
            qCWarning(lcConn) << "cannot adopt a connection from" << listenerName << socket->errorString();
            delete socket;
            return;
        }
        device = socket;
        peer = listenerName;
    } else {
        auto *socket = new QTcpSocket;
        if (!socket->setSocketDescriptor(descriptor)) {
            qCWarning(lcConn) << "cannot adopt a connection from" << listenerName << socket->errorString();
            delete socket;
            return;
        }
        // Replies are small and already gathered into one write per turn: send them now.
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        device = socket;
        const QHostAddress address = socket->peerAddress();
        peer = (address.protocol() == QAbstractSocket::IPv6Protocol
                    ? QStringLiteral("[%1]:%2")
                    : QStringLiteral("%1:%2"))
                   .arg(address.toString())
                   .arg(socket->peerPort());
    }
    const quint64 id = g_nextConnectionId.fetch_add(1, std::memory_order_relaxed);
    auto *connection = new Connection(device, id, peer, listenerName, m_env, this);
    m_connections.insert(id, connection);
    connect(connection, &Connection::closed, this, &Worker::onConnectionClosed);
    if (m_draining)
        connection->drain();
}

void Worker::onConnectionClosed(quint64 connectionId)
{
    m_connections.remove(connectionId);
    Q_EMIT connectionClosed();
    if (m_draining && m_connections.isEmpty())
        Q_EMIT drained();
}

void Worker::drain()
{
    m_draining = true;
    if (m_connections.isEmpty()) {
        Q_EMIT drained();
        return;
    }
    const QList<Connection *> connections = m_connections.values();
    for (Connection *connection : connections)
        connection->drain();
}

void Worker::closeAll()
{
    const QList<Connection *> connections = m_connections.values();
    for (Connection *connection : connections)
        connection->closeNow();
}

QList<ConnectionSnapshot> Worker::connections() const
{
    QList<ConnectionSnapshot> list;
    list.reserve(m_connections.size());
    for (const Connection *connection : m_connections)
        list.append(connection->snapshot());
    return list;
}

QList<ActiveRequestInfo> Worker::activeRequests() const
{
    QList<ActiveRequestInfo> list;
    for (const Connection *connection : m_connections)
        list.append(connection->activeRequests());
    return list;
}

} // namespace afcgi
