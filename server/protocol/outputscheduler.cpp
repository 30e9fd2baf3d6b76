#include "protocol/outputscheduler.h"

#include <algorithm>

namespace afcgi {

QByteArray OutputScheduler::Queue::popFront()
{
    QByteArray unit = std::exchange(front, later.isEmpty() ? QByteArray() : later.takeFirst());
    bytes -= unit.size();
    return unit;
}

OutputScheduler::Queue &OutputScheduler::queueFor(quint16 requestId)
{
    auto it = m_queues.find(requestId);
    if (it == m_queues.end()) {
        it = m_queues.emplace(requestId); // default-constructed: nothing allocated
        m_ready.push_back(requestId);
    }
    return it.value();
}

void OutputScheduler::enqueue(quint16 requestId, QByteArray &&unit)
{
    enqueueCoalescing(requestId, std::move(unit), 0);
}

void OutputScheduler::enqueueCoalescing(quint16 requestId, QByteArray &&unit, qsizetype coalesceBytes)
{
    if (unit.isEmpty())
        return;
    Queue &queue = queueFor(requestId);
    m_totalBytes += unit.size();
    const bool wasEmpty = queue.isEmpty();
    queue.bytes += unit.size();
    if (wasEmpty) {
        queue.front = std::move(unit);
        return;
    }
    // Small pieces of one request (headers and body, then the end records) travel as one unit:
    // a small reply is then a single unit that take() hands over without a copy.
    QByteArray &last = queue.last();
    if (last.size() + unit.size() <= coalesceBytes)
        last.append(unit);
    else
        queue.later.append(std::move(unit));
}

void OutputScheduler::enqueueCoalescing(quint16 requestId, QByteArrayView bytes, qsizetype coalesceBytes)
{
    if (bytes.isEmpty())
        return;
    const auto it = m_queues.find(requestId);
    if (it != m_queues.end() && it->last().size() + bytes.size() <= coalesceBytes) {
        it->last().append(bytes); // usually within the capacity the unit was given
        it->bytes += bytes.size();
        m_totalBytes += bytes.size();
        return;
    }
    enqueueCoalescing(requestId, bytes.toByteArray(), 0);
}

QByteArray OutputScheduler::take(qsizetype budget)
{
    QByteArray out;
    // At least one unit, whatever the budget: a caller looping until isEmpty() must progress.
    while (!m_ready.empty() && (out.isEmpty() || out.size() < budget)) {
        const quint16 id = m_ready.front();
        m_ready.pop_front();
        const auto it = m_queues.find(id);
        QByteArray unit = it->popFront();
        m_totalBytes -= unit.size();
        // The lone unit (nginx: one request per connection, a small reply) leaves without a copy.
        if (out.isEmpty())
            out = std::move(unit);
        else
            out.append(unit);
        if (it->isEmpty())
            m_queues.erase(it);
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
