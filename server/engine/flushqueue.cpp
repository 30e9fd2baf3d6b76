#include "engine/flushqueue.h"

#include "engine/connection.h"

#include <QMetaObject>

#include <utility>

namespace afcgi {

quint64 FlushQueue::schedule(Connection *connection)
{
    m_pending.push_back(connection);
    if (!m_posted && !m_running) {
        m_posted = true;
        QMetaObject::invokeMethod(this, &FlushQueue::run, Qt::QueuedConnection);
    }
    return m_first + m_pending.size() - 1;
}

void FlushQueue::run()
{
    m_posted = false;
    m_running = true;
    // Only the connections scheduled before this turn: one that schedules itself again while
    // it is flushed (a handler refilling its output on writable()) waits for the next turn, so
    // that the thread goes back to its input in between.
    const size_t due = m_pending.size();
    for (size_t i = 0; i < due; ++i) {
        if (Connection *connection = std::exchange(m_pending[i], nullptr))
            connection->flush();
    }
    m_pending.erase(m_pending.begin(), m_pending.begin() + qsizetype(due));
    m_first += due;
    m_running = false;
    if (!m_pending.empty()) {
        m_posted = true;
        QMetaObject::invokeMethod(this, &FlushQueue::run, Qt::QueuedConnection);
    }
}

} // namespace afcgi
