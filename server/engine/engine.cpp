#include "engine/engine.h"

#include "config/clock.h"
#include "config/logging.h"
#include "engine/eventdispatcher.h"
#include "engine/loopwatchdog.h"
#include "engine/routerprivate.h"
#include "engine/worker.h"
#include "engine/workergather.h"
#include "net/listener.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QLocalSocket>
#include <QTcpSocket>
#include <QThread>

#include <memory>

namespace afcgi {

namespace {
// Events one worker may record per monitor tick: the hub lists at most 64 began and 64 ended
// requests per tick (MonitorPublisher::kMaxRequestEventsPerTick), so more would only be dropped
// later, at a cost; the rest of the budget is for connection and queue events.
constexpr quint64 kMonitorEventsPerTick = 256;
} // namespace

Engine::Engine(const ServerConfig &config, QObject *parent) : QObject(parent), m_config(config)
{
    m_graceTimer.setSingleShot(true);
    connect(&m_graceTimer, &QTimer::timeout, this, [this] {
        qCWarning(lcEngine) << "shutdown grace period of" << m_config.shutdownGraceMs
                            << "ms is over: closing the connections left";
        for (Worker *worker : std::as_const(m_workers))
            QMetaObject::invokeMethod(worker, &Worker::closeAll, Qt::QueuedConnection);
        // Closing is immediate on each worker; finish once they have run it.
        QTimer::singleShot(200, this, &Engine::finish);
    });
}

Engine::~Engine()
{
    m_watchdog.reset();
    for (Listener *listener : std::as_const(m_listeners))
        listener->close();
    for (int i = 0; i < m_workers.size(); ++i) {
        if (m_threads[i]->isRunning())
            QMetaObject::invokeMethod(m_workers[i], &Worker::closeAll, Qt::BlockingQueuedConnection);
        // The worker (and its connections' timers) must die on its own thread.
        connect(m_threads[i], &QThread::finished, m_workers[i], &QObject::deleteLater);
        m_threads[i]->quit();
        m_threads[i]->wait();
        delete m_threads[i];
    }
}

bool Engine::start(QString *error)
{
    m_startTime = QDateTime::currentDateTime();
    m_uptime.start();
    if (m_config.listen.isEmpty()) {
        *error = QStringLiteral("nothing to listen on");
        return false;
    }
    for (const ListenAddress &address : std::as_const(m_config.listen)) {
        const UnixSocketFile unixFile{m_config.socketMode, m_config.socketOwner,
                                                m_config.socketGroup};
        auto *listener = new Listener(address, unixFile, this);
        if (!listener->open(error)) {
            delete listener;
            return false;
        }
        connect(listener, &Listener::incoming, this, &Engine::dispatch);
        m_listeners.append(listener);
        m_listenerNames.append(listener->name());
        qCInfo(lcListen).noquote() << "listening on" << listener->name();
    }
    if (m_routePrefixes.isEmpty()) {
        for (const RouteInfo &route : m_router.routes()) {
            if (!m_routePrefixes.contains(route.pattern))
                m_routePrefixes.append(route.pattern);
        }
    }
    RouterPrivate::get(m_router)->assignSlots(m_routePrefixes);
    const int threads = m_config.effectiveThreads();
    for (int i = 0; i < threads; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("afcgi-worker-%1").arg(i));
        if (QAbstractEventDispatcher *dispatcher = createWorkerEventDispatcher())
            thread->setEventDispatcher(dispatcher); // the thread owns it
        auto *worker = new Worker(i, m_config, &m_router, int(m_routePrefixes.size()));
        worker->moveToThread(thread);
        connect(worker, &Worker::connectionClosed, this, &Engine::onConnectionClosed);
        connect(worker, &Worker::drained, this, &Engine::onWorkerDrained);
        thread->start();
        m_workers.append(worker);
        m_threads.append(thread);
    }
    m_watchdog = std::make_unique<LoopWatchdog>(m_workers, m_routePrefixes);
    m_watchdog->setThreshold(m_config.blockedTurnMs);
    qCInfo(lcEngine) << "afcgid" << AFCGI_VERSION << "started with" << threads << "worker threads";
    return true;
}

void Engine::dispatch(qintptr descriptor, bool local, const QString &listenerName)
{
    if (m_openConnections >= m_config.maxConns) {
        // A unix listener cannot pause accepting: hold the accepted socket unserved until a
        // connection closes, as the kernel's backlog would.
        m_waiting.enqueue({descriptor, local, listenerName});
        return;
    }
    // Round-robin: a connection lives its whole life on the worker it is given here.
    Worker *worker = m_workers[m_nextWorker];
    m_nextWorker = (m_nextWorker + 1) % m_workers.size();
    ++m_openConnections;
    updateAccepting();
    QMetaObject::invokeMethod(worker, [worker, descriptor, local, listenerName] {
        worker->adoptSocket(descriptor, local, listenerName);
    }, Qt::QueuedConnection);
}

void Engine::onConnectionClosed()
{
    --m_openConnections;
    if (!m_waiting.isEmpty() && m_openConnections < m_config.maxConns) {
        const WaitingSocket next = m_waiting.dequeue();
        dispatch(next.descriptor, next.local, next.listenerName);
    }
    updateAccepting();
}

void Engine::updateAccepting()
{
    const bool accept = m_openConnections < m_config.maxConns;
    if (accept == m_accepting || m_shuttingDown)
        return;
    m_accepting = accept;
    if (!accept)
        qCWarning(lcListen) << m_openConnections << "connections open, the limit: not accepting"
                            << "until one closes";
    else
        qCInfo(lcListen) << "accepting connections again";
    for (Listener *listener : std::as_const(m_listeners))
        listener->setAccepting(accept && !m_paused.contains(listener->name()));
}

bool Engine::setListenerPaused(const QString &name, bool paused, QString *error)
{
    Listener *found = nullptr;
    for (Listener *listener : std::as_const(m_listeners)) {
        if (listener->name() == name)
            found = listener;
    }
    if (!found) {
        *error = QStringLiteral("no listener '%1' (listeners: %2)").arg(name, m_listenerNames.join(QStringLiteral(", ")));
        return false;
    }
    if (!found->canPause()) {
        *error = QStringLiteral("listener '%1' cannot pause: only TCP listeners can").arg(name);
        return false;
    }
    if (m_shuttingDown) {
        *error = QStringLiteral("the service is shutting down: no listener accepts");
        return false;
    }
    if (paused == m_paused.contains(name)) {
        *error = QStringLiteral("listener '%1' is already %2").arg(name, paused ? QStringLiteral("paused")
                                                                              : QStringLiteral("accepting"));
        return false;
    }
    if (paused)
        m_paused.append(name);
    else
        m_paused.removeAll(name);
    found->setAccepting(m_accepting && !paused);
    return true;
}

QStringList Engine::pausedListeners() const
{
    return m_paused;
}

void Engine::actOnConnection(quint64 connectionId, QObject *context, std::function<bool(Connection *)> act,
                             std::function<void(bool)> done) const
{
    gatherFromWorkers<Worker, bool>(
        m_workers, context,
        [connectionId, act = std::move(act)](Worker *worker) { return worker->withConnection(connectionId, act); },
        [done = std::move(done)](QList<bool> &&results) { done(results.contains(true)); });
}

void Engine::shutdown()
{
    if (m_finished)
        return;
    if (m_shuttingDown) {
        qCWarning(lcEngine) << "second termination request: closing at once";
        for (Worker *worker : std::as_const(m_workers))
            QMetaObject::invokeMethod(worker, &Worker::closeAll, Qt::BlockingQueuedConnection);
        finish();
        return;
    }
    m_shuttingDown = true;
    const ServerCounters now = counters();
    qCInfo(lcEngine) << "shutting down: not accepting;" << now.requestsActive
                     << "requests in flight get" << m_config.shutdownGraceMs << "ms to finish";
    for (Listener *listener : std::as_const(m_listeners))
        listener->close();
    // Sockets held over --max-conns never sent a request: close them, nothing is lost.
    while (!m_waiting.isEmpty()) {
        const WaitingSocket waiting = m_waiting.dequeue();
        if (waiting.local) {
            QLocalSocket socket;
            socket.setSocketDescriptor(waiting.descriptor);
            socket.abort();
        } else {
            QTcpSocket socket;
            socket.setSocketDescriptor(waiting.descriptor);
            socket.abort();
        }
    }
    m_graceTimer.start(m_config.shutdownGraceMs);
    for (Worker *worker : std::as_const(m_workers))
        QMetaObject::invokeMethod(worker, &Worker::drain, Qt::QueuedConnection);
}

ServerConfig Engine::config() const
{
    QMutexLocker lock(&m_configMutex);
    return m_config;
}

void Engine::reloadLimits(const ServerConfig &config)
{
    {
        QMutexLocker lock(&m_configMutex);
        const QList<ListenAddress> listen = m_config.listen;
        const int threads = m_config.threads;
        m_config = config;
        m_config.listen = listen;
        m_config.threads = threads;
    }
    for (Worker *worker : std::as_const(m_workers)) {
        const ServerConfig copy = m_config;
        QMetaObject::invokeMethod(worker, [worker, copy] { worker->setConfig(copy); },
                                  Qt::QueuedConnection);
    }
    if (m_watchdog)
        m_watchdog->setThreshold(m_config.blockedTurnMs);
    updateAccepting();
    qCInfo(lcEngine) << "limits reloaded: max-conns" << m_config.maxConns << "max-requests-per-conn"
                     << m_config.maxRequestsPerConn << "idle-timeout" << m_config.idleTimeoutMs;
}

void Engine::onWorkerDrained()
{
    if (!m_shuttingDown)
        return;
    if (++m_drainedWorkers >= m_workers.size())
        finish();
}

void Engine::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_graceTimer.stop();
    qCInfo(lcEngine) << "stopped";
    Q_EMIT finished();
}

ServerCounters Engine::counters() const
{
    ServerCounters total;
    for (const Worker *worker : m_workers)
        total += worker->counters().snapshot();
    return total;
}

ServerLimits Engine::limits() const
{
    const ServerConfig c = config();
    return {c.maxConns, c.maxRequestsPerConn, c.maxParamsBytes, c.maxBodyBytes, c.idleTimeoutMs,
            c.outputHighWaterBytes, c.connectionOutputCapBytes, c.bodyMemoryBytes};
}

QList<qint64> Engine::durationHistogram(const QList<double> &upperBoundsSeconds) const
{
    return foldHistogram(latencyCounts(), upperBoundsSeconds);
}

QList<qint64> Engine::foldHistogram(const LatencyHistogram::Counts &counts,
                                    const QList<double> &upperBoundsSeconds)
{
    // The workers' log-spaced buckets, each counted at its midpoint, folded into the caller's.
    QList<qint64> result;
    result.reserve(upperBoundsSeconds.size() + 1);
    for (double bound : upperBoundsSeconds) {
        qint64 below = 0;
        for (int i = 0; i < LatencyHistogram::kBuckets; ++i) {
            if (LatencyHistogram::midpointMs(i) / 1000.0 <= bound)
                below += counts[size_t(i)];
        }
        result.append(below);
    }
    qint64 total = 0;
    for (qint64 n : counts)
        total += n;
    result.append(total);
    return result;
}

QList<RouteTotals> Engine::routeTotals() const
{
    QList<RouteTotals> totals(m_routePrefixes.size());
    for (const Worker *worker : m_workers)
        worker->counters().routes.addTo(totals);
    return totals;
}

QList<RouteStats> Engine::routeStats(const QList<double> &upperBoundsSeconds) const
{
    const QList<RouteTotals> totals = routeTotals();
    QList<RouteStats> list;
    list.reserve(totals.size());
    for (qsizetype i = 0; i < totals.size(); ++i) {
        const RouteTotals &t = totals.at(i);
        RouteStats stats;
        stats.prefix = m_routePrefixes.at(i);
        stats.requests = t.requests;
        stats.errors = t.errors;
        stats.aborted = t.aborted;
        stats.blocked = t.blocked;
        stats.latencyMicrosTotal = t.latencyMicrosTotal;
        stats.durationHistogram = foldHistogram(t.latency, upperBoundsSeconds);
        list.append(stats);
    }
    return list;
}

QList<qint64> Engine::blockedTurns() const
{
    QList<qint64> list;
    for (const Worker *worker : m_workers)
        list.append(worker->counters().blockedTurns.load(std::memory_order_relaxed));
    return list;
}

QList<qint64> Engine::blockedSinceMs() const
{
    QList<qint64> list;
    for (const Worker *worker : m_workers)
        list.append(worker->counters().blockedSinceMs.load(std::memory_order_relaxed));
    return list;
}

int Engine::blockedTurnThresholdMs() const
{
    return m_watchdog ? m_watchdog->threshold() : 0;
}

QStringList Engine::listenerNames() const
{
    return m_listenerNames;
}

quint16 Engine::tcpPort(int listenerIndex) const
{
    return listenerIndex < m_listeners.size() ? m_listeners[listenerIndex]->port() : 0;
}

void Engine::collectActiveRequests(QObject *context,
                                   std::function<void(const QList<ActiveRequestInfo> &)> done) const
{
    collectSnapshot(context, [done = std::move(done)](const QList<ActiveRequestInfo> &requests,
                                                      const QList<ConnectionSnapshot> &) {
        done(requests);
    });
}

void Engine::collectSnapshot(QObject *context, SnapshotCallback done, quint64 markerToken) const
{
    using State = std::pair<QList<ActiveRequestInfo>, QList<ConnectionSnapshot>>;
    // Each worker lists its own requests on its own thread; the results meet on `context`'s.
    gatherFromWorkers<Worker, State>(
        m_workers, context,
        [markerToken](Worker *worker) {
            if (markerToken != 0) {
                MonitorEvent marker;
                marker.kind = MonitorEvent::Kind::SnapshotMarker;
                marker.connectionId = markerToken;
                worker->mutableCounters().events.pushMarker(std::move(marker));
            }
            return State{worker->activeRequests(), worker->connections()};
        },
        [done = std::move(done)](QList<State> &&states) {
            QList<ActiveRequestInfo> requests;
            QList<ConnectionSnapshot> connections;
            for (State &state : states) {
                requests.append(std::move(state.first));
                connections.append(std::move(state.second));
            }
            done(requests, connections);
        });
}

void Engine::sampleWorkers(QObject *context, std::function<void(WorkerSample &&)> done) const
{
    gatherFromWorkers<Worker, WorkerSample>(
        m_workers, context, [postedAtMs = monotonicMs()](Worker *worker) { return worker->sample(postedAtMs); },
        [done = std::move(done)](QList<WorkerSample> &&samples) {
            WorkerSample all;
            for (const WorkerSample &sample : std::as_const(samples))
                all.merge(sample);
            all.finish();
            done(std::move(all));
        });
}

qint64 Engine::drainLeftMs() const
{
    if (!m_shuttingDown || !m_graceTimer.isActive())
        return 0;
    // A coarse timer may fire a little late and say so: never more than the grace itself.
    return qBound(0, m_graceTimer.remainingTime(), m_graceTimer.interval());
}

void Engine::setMonitored(bool monitored)
{
    for (Worker *worker : std::as_const(m_workers))
        worker->mutableCounters().monitored.store(monitored, std::memory_order_relaxed);
}

qint64 Engine::drainMonitorEvents(const std::function<void(int, MonitorEvent &&)> &fn)
{
    qint64 dropped = 0;
    for (Worker *worker : std::as_const(m_workers)) {
        const int index = worker->index();
        worker->mutableCounters().events.drain([&fn, index](MonitorEvent &&event) {
            fn(index, std::move(event));
        });
        dropped += worker->mutableCounters().events.takeDropped();
        worker->mutableCounters().events.startTick(kMonitorEventsPerTick);
    }
    return dropped;
}

LatencyHistogram::Counts Engine::latencyCounts() const
{
    LatencyHistogram::Counts counts{};
    for (const Worker *worker : m_workers)
        worker->counters().latency.addTo(counts);
    return counts;
}

} // namespace afcgi
