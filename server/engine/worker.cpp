#include "engine/worker.h"

#include "config/clock.h"
#include "config/logging.h"
#include "config/serverconfig.h"
#include "engine/deadlinequeue.h"
#include "engine/flushqueue.h"
#include "engine/threadcpu.h"
#include "net/bytechannel.h"

#include <atomic>

namespace afcgi {

namespace {
std::atomic<quint64> g_nextConnectionId{1}; // unique across workers: the monitor names connections by it
}

Worker::Worker(int index, const ServerConfig &config, const Router *router, int routes)
    : m_index(index), m_counters(routes), m_config(config)
{
    m_env.config = &m_config;
    m_env.router = router;
    m_env.counters = &m_counters;
    m_env.deadlines = new DeadlineQueue(this); // moves to the worker's thread with it
    m_env.flushes = new FlushQueue(this);
}

Worker::~Worker()
{
    // Connections first (also those lingering after their close): they leave the deadline
    // and flush queues, children made before them and so deleted before them by ~QObject.
    qDeleteAll(findChildren<Connection *>(Qt::FindDirectChildrenOnly));
}

void Worker::adoptSocket(qintptr descriptor, bool local, const QString &listenerName)
{
    AdoptedSocket adopted = afcgi::adoptSocket(descriptor, local);
    if (!adopted.channel) {
        qCWarning(lcConn) << "cannot adopt a connection from" << listenerName << adopted.error;
        Q_EMIT connectionClosed(); // the engine counted it against --max-conns
        return;
    }
    QString peer = listenerName;
    if (!local) {
        const QHostAddress &address = adopted.peerAddress;
        if (!m_env.config->allow.allows(address)) {
            qCWarning(lcConn).noquote() << QStringLiteral("refused %1 on %2: not an allowed address")
                                               .arg(address.toString(), listenerName);
            adopted.channel->abort();
            delete adopted.channel;
            Q_EMIT connectionClosed(); // the engine counted it against --max-conns
            return;
        }
        peer = (address.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]:%2")
                                                                    : QStringLiteral("%1:%2"))
                   .arg(address.toString())
                   .arg(adopted.peerPort);
    }
    startSweep();
    const quint64 id = g_nextConnectionId.fetch_add(1, std::memory_order_relaxed);
    auto *connection = new Connection(adopted.channel, id, peer, listenerName, m_env, this);
    m_connections.insert(id, connection);
    connect(connection, &Connection::closed, this, &Worker::onConnectionClosed);
    if (m_draining)
        connection->drain();
}

void Worker::startSweep()
{
    if (!m_sweepTimer) {
        // Created here, on the worker's thread. Often enough for the shortest deadline.
        m_sweepTimer = new QTimer(this);
        int interval = 1000;
        for (int deadline : {m_config.idleTimeoutMs, m_config.requestTimeoutMs, m_config.recordTimeoutMs}) {
            if (deadline > 0)
                interval = qMin(interval, qMax(10, deadline / 4));
        }
        m_sweepTimer->setInterval(interval);
        connect(m_sweepTimer, &QTimer::timeout, this, &Worker::sweep);
    }
    if (!m_sweepTimer->isActive())
        m_sweepTimer->start();
}

void Worker::setConfig(const ServerConfig &config)
{
    m_config = config;
    if (m_sweepTimer) {
        delete m_sweepTimer; // made again with an interval for the new deadlines
        m_sweepTimer = nullptr;
    }
    if (!m_connections.isEmpty())
        startSweep();
}

void Worker::sweep()
{
    const qint64 now = monotonicMs();
    const QList<Connection *> connections = m_connections.values();
    for (Connection *connection : connections)
        connection->checkDeadlines(now);
}

void Worker::onConnectionClosed(quint64 connectionId)
{
    m_connections.remove(connectionId);
    if (m_connections.isEmpty() && m_sweepTimer)
        m_sweepTimer->stop();
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

WorkerSample Worker::sample(qint64 postedAtMs) const
{
    WorkerSample sample;
    for (const Connection *connection : m_connections)
        connection->sampleInto(sample);
    monitor::WorkerGauge gauge;
    gauge.worker = m_index;
    gauge.connections = m_counters.connectionsOpen.load(std::memory_order_relaxed);
    gauge.inFlight = m_counters.requestsActive.load(std::memory_order_relaxed);
    gauge.requests = m_counters.requestsTotal.load(std::memory_order_relaxed) - gauge.inFlight;
    gauge.cpuMs = threadCpuMs();
    gauge.lagMs = qMax<qint64>(0, monotonicMs() - postedAtMs);
    gauge.blocked = m_counters.blockedTurns.load(std::memory_order_relaxed);
    sample.workers.append(gauge);
    return sample;
}

QList<ActiveRequestInfo> Worker::activeRequests() const
{
    QList<ActiveRequestInfo> list;
    for (const Connection *connection : m_connections)
        list.append(connection->activeRequests());
    return list;
}

bool Worker::withConnection(quint64 connectionId, const std::function<bool(Connection *)> &act)
{
    Connection *connection = m_connections.value(connectionId);
    return connection && act(connection);
}

} // namespace afcgi
