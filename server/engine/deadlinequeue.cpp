#include "engine/deadlinequeue.h"

#include "config/clock.h"
#include "engine/requestprivate.h"

namespace afcgi {

DeadlineQueue::DeadlineQueue(QObject *parent) : QObject(parent), m_timer(this)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &DeadlineQueue::fireDue);
}

DeadlineQueue::Handle DeadlineQueue::add(int delayMs, RequestPrivate *request)
{
    const qint64 due = monotonicMs() + qMax(0, delayMs);
    const bool earliest = m_entries.empty() || due < m_entries.begin()->first;
    const Handle handle = m_entries.emplace(due, request);
    if (earliest)
        rearm();
    return handle;
}

void DeadlineQueue::remove(Handle handle)
{
    if (handle == m_entries.end())
        return;
    const bool wasFirst = handle == m_entries.begin();
    m_entries.erase(handle);
    if (wasFirst)
        rearm();
}

void DeadlineQueue::fireDue()
{
    const qint64 now = monotonicMs();
    // One at a time from the front: a callback may add or remove entries.
    while (!m_entries.empty() && m_entries.begin()->first <= now) {
        const Handle first = m_entries.begin();
        RequestPrivate *request = first->second;
        m_entries.erase(first);
        request->fireCallAfter();
    }
    rearm();
}

void DeadlineQueue::rearm()
{
    if (m_entries.empty()) {
        m_timer.stop();
        return;
    }
    const qint64 wait = m_entries.begin()->first - monotonicMs();
    m_timer.start(int(qBound(qint64(0), wait, qint64(24) * 3600 * 1000)));
}

} // namespace afcgi
