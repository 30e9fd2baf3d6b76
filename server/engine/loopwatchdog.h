#pragma once

#include <QList>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <atomic>
#include <memory>
#include <vector>

namespace afcgi {

class Worker;

// Notices a worker whose event loop is held up by a handler that blocks (a busy loop, a
// blocking library call): every connection on that worker waits meanwhile.
//
// From the acceptor (main) thread it keeps one call posted to each worker and sees how long it
// waits. A worker's loop runs the calls posted to it at the start of each turn, with either
// event dispatcher (epoll, or Qt's own on the portable path), so a call waits longer than the
// threshold only behind a turn at least that long. Nothing is measured per request or per turn.
// A stall is logged once, counted on the worker and on the route whose handler was running
// (see HandlerCall), and the worker is marked blocked until the call is answered.
class LoopWatchdog final : public QObject
{
    Q_OBJECT
public:
    // `routes`: the engine's route table, to name a route by its slot.
    LoopWatchdog(const QList<Worker *> &workers, const QStringList &routes, QObject *parent = nullptr);

    // In ms; 0 turns the watch off. Checks run every threshold/5 (10 to 200 ms).
    void setThreshold(int ms);
    int threshold() const { return m_thresholdMs; }

private:
    struct Watch
    {
        quint64 sent = 0;        // the call posted last; 0 = none
        qint64 postedAtMs = 0;   // monotonicMs() when it was posted
        bool reported = false;   // this stall was logged and counted
    };

    void check();
    void report(int index, qint64 waitedMs);

    QList<Worker *> m_workers;
    QStringList m_routes;
    QList<Watch> m_watches;
    // What each worker answered last; shared with the calls in flight, which may outlive us.
    std::shared_ptr<std::vector<std::atomic<quint64>>> m_answered;
    quint64 m_nextCall = 0;
    int m_thresholdMs = 0;
    QTimer m_timer;
};

} // namespace afcgi
