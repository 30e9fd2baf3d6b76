#include "engine/loopwatchdog.h"

#include "config/clock.h"
#include "config/logging.h"
#include "engine/worker.h"

namespace afcgi {

LoopWatchdog::LoopWatchdog(const QList<Worker *> &workers, const QStringList &routes, QObject *parent)
    : QObject(parent), m_workers(workers), m_routes(routes), m_watches(workers.size()),
      m_answered(std::make_shared<std::vector<std::atomic<quint64>>>(size_t(workers.size())))
{
    connect(&m_timer, &QTimer::timeout, this, &LoopWatchdog::check);
}

void LoopWatchdog::setThreshold(int ms)
{
    m_thresholdMs = qMax(0, ms);
    if (m_thresholdMs == 0) {
        m_timer.stop();
        for (Worker *worker : std::as_const(m_workers))
            worker->mutableCounters().blockedSinceMs.store(0, std::memory_order_relaxed);
        m_watches.fill(Watch());
        return;
    }
    m_timer.start(qBound(10, m_thresholdMs / 5, 200));
}

void LoopWatchdog::check()
{
    const qint64 now = monotonicMs();
    for (int i = 0; i < m_workers.size(); ++i) {
        Watch &watch = m_watches[i];
        WorkerCounters &counters = m_workers[i]->mutableCounters();
        const bool waiting = watch.sent != 0
                             && (*m_answered)[size_t(i)].load(std::memory_order_acquire) != watch.sent;
        if (waiting) {
            if (!watch.reported && now - watch.postedAtMs >= m_thresholdMs) {
                watch.reported = true;
                counters.blockedSinceMs.store(watch.postedAtMs, std::memory_order_relaxed);
                report(i, now - watch.postedAtMs);
            }
            continue;
        }
        if (watch.reported)
            counters.blockedSinceMs.store(0, std::memory_order_relaxed);
        watch.reported = false;
        watch.sent = ++m_nextCall;
        watch.postedAtMs = now;
        QMetaObject::invokeMethod(m_workers[i], [answered = m_answered, i, call = watch.sent] {
            (*answered)[size_t(i)].store(call, std::memory_order_release);
        }, Qt::QueuedConnection);
    }
}

void LoopWatchdog::report(int index, qint64 waitedMs)
{
    WorkerCounters &counters = m_workers[index]->mutableCounters();
    // The worker is stuck, so what it marked stays as it is while we read it.
    const int request = counters.runningRequest.load(std::memory_order_relaxed);
    const int slot = counters.runningSlot.load(std::memory_order_relaxed);
    const quint64 connection = counters.runningConnection.load(std::memory_order_relaxed);
    counters.blockedTurns.fetch_add(1, std::memory_order_relaxed);
    QString where;
    if (request < 0) {
        where = QStringLiteral("outside any call into a request (a timer or another callback of a handler)");
    } else {
        counters.routes.recordBlocked(slot);
        const QString route = slot >= 0 && slot < m_routes.size() ? m_routes.at(slot) : QStringLiteral("(no route)");
        const QString path = counters.runningPath.read(connection, request);
        where = QStringLiteral("in route %1, %2connection %3 request %4")
                    .arg(route, path.isEmpty() ? QString() : QStringLiteral("path %1, ").arg(path))
                    .arg(connection)
                    .arg(request);
    }
    qCWarning(lcEngine).noquote()
        << QStringLiteral("worker %1 blocked: a turn of its event loop has run %2 ms (over --blocked-turn-ms %3), %4; "
                          "every connection on this worker waits")
               .arg(index).arg(waitedMs).arg(m_thresholdMs).arg(where);
}

} // namespace afcgi
