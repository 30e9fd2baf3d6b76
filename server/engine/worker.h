#pragma once

#include "config/serverconfig.h"
#include "engine/connection.h"
#include "engine/workercounters.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>

namespace afcgi {

// One worker thread's share of the server: the connections handed to it, and its counters.
// Lives on its own QThread; every method below runs there (the engine calls them queued).
class Worker final : public QObject
{
    Q_OBJECT
public:
    // `routes`: how many mounted routes its RouteCounters count (the engine's route table).
    Worker(int index, const ServerConfig &config, const Router *router, int routes);
    ~Worker() override;

    int index() const { return m_index; }
    // Thread-safe: only atomics.
    const WorkerCounters &counters() const { return m_counters; }

    void adoptSocket(qintptr descriptor, bool local, const QString &listenerName);
    // New limits (SIGHUP): connections opened from now on use them; timeouts apply to all.
    void setConfig(const ServerConfig &config);
    void drain();
    void closeAll();
    QList<ActiveRequestInfo> activeRequests() const;
    QList<ConnectionSnapshot> connections() const;
    // For the monitor hub, at each tick, on this worker's thread: its own gauges, and those and
    // the progress of its busy connections. `postedAtMs` (monotonicMs()) is when the call was
    // posted: how long it waited tells how late this thread's loop runs.
    WorkerSample sample(qint64 postedAtMs) const;
    // `act(connection)` when this worker has that connection; false when it has not.
    bool withConnection(quint64 connectionId, const std::function<bool(Connection *)> &act);
    WorkerCounters &mutableCounters() { return m_counters; } // for the monitor hub's ring and flag

Q_SIGNALS:
    void connectionClosed();
    void drained(); // after drain(): no connection is left

private:
    void onConnectionClosed(quint64 connectionId);
    void sweep();
    void startSweep();

    int m_index;
    WorkerCounters m_counters;
    ServerConfig m_config; // this thread's own copy: a reload never races with a reader
    ConnectionEnvironment m_env;
    QHash<quint64, Connection *> m_connections;
    bool m_draining = false;
    QTimer *m_sweepTimer = nullptr; // one timer per worker checks every connection's deadlines
};

} // namespace afcgi
