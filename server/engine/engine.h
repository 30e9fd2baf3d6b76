#pragma once

#include <afcgi/router.h>
#include <afcgi/serverinfo.h>
#include "config/serverconfig.h"
#include "engine/connection.h"
#include "engine/workercounters.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QMutex>
#include <QObject>
#include <QQueue>
#include <QTimer>

#include <functional>
#include <memory>

class QThread;

namespace afcgi {

class Listener;
class LoopWatchdog;
class Worker;

// The server: listeners on the acceptor (main) thread, N workers each on its own thread, and
// the router they share. Mount handlers on router() before start().
class Engine final : public QObject, public ServerInfo
{
    Q_OBJECT
public:
    explicit Engine(const ServerConfig &config, QObject *parent = nullptr);
    ~Engine() override;

    Router &router() { return m_router; }
    // The mounted routes that traffic is counted under, by prefix (as the monitor's hello lists
    // them): a request counts under the longest that contains its route. Before start(); without
    // it, each handler mount and route of router() is a route of its own.
    void setRoutePrefixes(const QStringList &prefixes) { m_routePrefixes = prefixes; }
    QStringList routePrefixes() const { return m_routePrefixes; }
    ServerConfig config() const; // a copy: SIGHUP may change it while a worker asks

    bool start(QString *error);
    // Stop accepting, let in-flight requests finish within the grace period, then emit
    // finished(). A second call while draining closes everything at once.
    void shutdown();
    bool isShuttingDown() const { return m_shuttingDown; }
    // SIGHUP: take the limits and timeouts of `config` (listeners and threads stay as they are).
    void reloadLimits(const ServerConfig &config);

    // Admin (the monitor's commands), on the acceptor thread.
    // Stop or resume accepting on the listener of that name (as listenerNames() gives it): its
    // web servers' connections wait in the kernel's queue meanwhile. TCP listeners only.
    bool setListenerPaused(const QString &name, bool paused, QString *error);
    QStringList pausedListeners() const;
    // On whichever worker owns connection `connectionId`: `act(connection)`; then, on `context`'s
    // thread, `done(true)` if a worker had the connection and `act` returned true.
    void actOnConnection(quint64 connectionId, QObject *context, std::function<bool(Connection *)> act,
                         std::function<void(bool)> done) const;

    // Thread-safe.
    ServerCounters counters() const override;
    ServerLimits limits() const override;
    QStringList listenerNames() const override;
    quint16 tcpPort(int listenerIndex = 0) const;
    int workerCount() const override { return int(m_workers.size()); }
    qint64 uptimeMs() const override { return m_uptime.elapsed(); }
    QDateTime startTime() const override { return m_startTime; }
    QList<qint64> durationHistogram(const QList<double> &upperBoundsSeconds) const override;
    QList<RouteStats> routeStats(const QList<double> &upperBoundsSeconds) const override;
    QList<qint64> blockedTurns() const override;
    // Per worker: since when (monotonicMs()) it has been blocked in the turn its watchdog
    // reported, 0 when it is not blocked now.
    QList<qint64> blockedSinceMs() const;
    // Thread-safe: every route's counters summed over the workers, by slot (routePrefixes()).
    QList<RouteTotals> routeTotals() const;

    // Asks every worker for its active requests; `done` runs on `context`'s thread.
    void collectActiveRequests(
        QObject *context,
        std::function<void(const QList<ActiveRequestInfo> &)> done) const override;
    using SnapshotCallback = std::function<void(const QList<ActiveRequestInfo> &,
                                                const QList<ConnectionSnapshot> &)>;
    // With a non-zero `markerToken`, each worker also puts a SnapshotMarker into its event ring
    // at the very moment it lists its state, so the hub can tell old events from new ones.
    void collectSnapshot(QObject *context, SnapshotCallback done, quint64 markerToken = 0) const;
    // Every worker's gauges and progress (WorkerSample), merged; `done` runs on `context`'s thread.
    void sampleWorkers(QObject *context, std::function<void(WorkerSample &&)> done) const;
    // While draining (after shutdown()): what is left of the grace period; 0 otherwise.
    qint64 drainLeftMs() const;
    // Connections accepted over --max-conns, waiting for a slot (acceptor thread).
    int waitingConnections() const { return int(m_waiting.size()); }

    // For the monitor hub (its thread only): workers record events only while monitored.
    void setMonitored(bool monitored);
    // `fn(workerIndex, event)`; returns how many events full rings dropped.
    qint64 drainMonitorEvents(const std::function<void(int, MonitorEvent &&)> &fn);
    LatencyHistogram::Counts latencyCounts() const;

    // The threshold of the loop watchdog in ms (--blocked-turn-ms); 0 = off.
    int blockedTurnThresholdMs() const;

Q_SIGNALS:
    void finished();

private:
    // Log-spaced buckets folded into cumulative ones at `upperBoundsSeconds`, then the total.
    static QList<qint64> foldHistogram(const LatencyHistogram::Counts &counts,
                                       const QList<double> &upperBoundsSeconds);
    void dispatch(qintptr descriptor, bool local, const QString &listenerName);
    void onConnectionClosed();
    void onWorkerDrained();
    void finish();
    void updateAccepting();

    ServerConfig m_config;
    mutable QMutex m_configMutex; // guards m_config against readers on worker threads
    Router m_router;
    QStringList m_routePrefixes;
    std::unique_ptr<LoopWatchdog> m_watchdog;
    QList<Listener *> m_listeners;
    QStringList m_listenerNames;
    QList<Worker *> m_workers;
    QList<QThread *> m_threads;
    struct WaitingSocket
    {
        qintptr descriptor;
        bool local;
        QString listenerName;
    };
    QQueue<WaitingSocket> m_waiting; // accepted over --max-conns, served as others close
    int m_nextWorker = 0;
    int m_openConnections = 0; // counted here, on the acceptor thread, for --max-conns
    bool m_accepting = true;
    QStringList m_paused; // listeners an operator paused
    bool m_shuttingDown = false;
    bool m_finished = false;
    int m_drainedWorkers = 0;
    QTimer m_graceTimer;
    QElapsedTimer m_uptime;
    QDateTime m_startTime;
};

} // namespace afcgi
