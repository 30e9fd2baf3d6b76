#pragma once

#include <QAbstractEventDispatcher>
#include <QHash>
#include <QList>

#include <chrono>
#include <set>
#include <utility>
#include <vector>

namespace afcgi {

// The timers of one event loop (QObject::startTimer, QTimer): which are due, how long until the
// next one, and moving a fired timer on by its interval. Pure bookkeeping: no clock of its own,
// no events sent; the event dispatcher does that.
class TimerSchedule
{
public:
    using Clock = std::chrono::steady_clock;

    void add(int id, qint64 intervalMs, Qt::TimerType type, QObject *object, Clock::time_point now);
    bool remove(int id);
    bool removeAllOf(const QObject *object);
    bool isEmpty() const { return m_timers.isEmpty(); }

    QList<QAbstractEventDispatcher::TimerInfo> timersOf(const QObject *object) const;
    // Milliseconds until timer `id` is due (0 if it is), -1 if there is no such timer.
    int remainingMs(int id, Clock::time_point now) const;
    // Milliseconds until the first timer is due, rounded up (0 if one is), -1 if there are none.
    int msUntilNext(Clock::time_point now) const;
    // The timers due at `now`, earliest deadline first.
    std::vector<int> due(Clock::time_point now) const;
    // For a due timer about to fire: its next deadline is one interval on (from `now` if it fell
    // behind by a whole interval, so a late timer fires once, not in a burst). Returns whom to
    // tell, or null if the timer is gone.
    QObject *advance(int id, Clock::time_point now);

private:
    struct Timer
    {
        qint64 intervalMs;
        Qt::TimerType type;
        QObject *object;
        Clock::time_point deadline;
    };
    using Key = std::pair<Clock::time_point, int>;

    QHash<int, Timer> m_timers;
    std::set<Key> m_byDeadline; // same timers, ordered by when they are due
};

} // namespace afcgi
