#include "outputscheduler.h"

#include <algorithm>

namespace afcgi {

void OutputScheduler::enqueue(quint16 requestId, QByteArray &&unit)
{
    enqueueCoalescing(requestId, std::move(unit), 0);
}

void OutputScheduler::enqueueCoalescing(quint16 requestId, QByteArray &&unit, qsizetype coalesceBytes)
{
    if (unit.isEmpty())
        return;
    auto it = m_queues.find(requestId);
    if (it == m_queues.end()) {
        it = m_queues.insert(requestId, Queue{});
        m_ready.push_back(requestId);
    }
    m_totalBytes += unit.size();
    it->bytes += unit.size();
    // Small pieces of one request (headers and body, then the end records) travel as one unit:
    // a small reply is then a single unit that take() hands over without touching the hash.
    if (!it->units.empty() && it->units.back().size() + unit.size() <= coalesceBytes) {
        it->units.back().append(unit);
        return;
    }
    it->units.push_back(std::move(unit));
}

QByteArray OutputScheduler::take(qsizetype budget)
{
    QByteArray out;
    // The lone-request case (nginx: one request per connection) needs no copy at all.
    if (m_ready.size() == 1) {
        Queue &queue = m_queues.begin().value();
        if (queue.units.size() == 1) {
            out = std::move(queue.units.front());
            m_totalBytes = 0;
            m_queues.clear();
            m_ready.clear();
            return out;
        }
    }
    // At least one unit, whatever the budget: a caller looping until isEmpty() must progress.
    while (!m_ready.empty() && (out.isEmpty() || out.size() < budget)) {
        const quint16 id = m_ready.front();
        m_ready.pop_front();
        Queue &queue = m_queues[id];
        QByteArray unit = std::move(queue.units.front());
        queue.units.pop_front();
        queue.bytes -= unit.size();
        m_totalBytes -= unit.size();
        if (out.isEmpty())
            out = std::move(unit);
        else
            out.append(unit);
        if (queue.units.empty())
            m_queues.remove(id);
        else
            m_ready.push_back(id);
    }
    return out;
}

void OutputScheduler::drop(quint16 requestId)
{
    const auto it = m_queues.find(requestId);
    if (it == m_queues.end())
        return;
    m_totalBytes -= it->bytes;
    m_queues.erase(it);
    m_ready.erase(std::remove(m_ready.begin(), m_ready.end(), requestId), m_ready.end());
}

qsizetype OutputScheduler::queuedBytes(quint16 requestId) const
{
    const auto it = m_queues.constFind(requestId);
    return it == m_queues.constEnd() ? 0 : it->bytes;
}

} // namespace afcgi
