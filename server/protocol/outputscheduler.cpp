#include "protocol/outputscheduler.h"

namespace afcgi {

QByteArray OutputScheduler::Queue::popFront()
{
    QByteArray unit = std::exchange(front, later.isEmpty() ? QByteArray() : later.takeFirst());
    bytes -= unit.size();
    return unit;
}

OutputScheduler::Queue &OutputScheduler::queueFor(quint16 requestId)
{
    if (Queue *queue = m_queues.find(requestId))
        return *queue;
    m_ready.append(requestId);
    return m_queues.insert(requestId, Queue()); // nothing allocated for an empty queue
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
    Queue *queue = m_queues.find(requestId);
    if (queue && queue->last().size() + bytes.size() <= coalesceBytes) {
        queue->last().append(bytes); // usually within the capacity the unit was given
        queue->bytes += bytes.size();
        m_totalBytes += bytes.size();
        return;
    }
    enqueueCoalescing(requestId, bytes.toByteArray(), 0);
}

QByteArray OutputScheduler::take(qsizetype budget)
{
    QByteArray out;
    // At least one unit, whatever the budget: a caller looping until isEmpty() must progress.
    while (!m_ready.isEmpty() && (out.isEmpty() || out.size() < budget)) {
        const quint16 id = m_ready.takeFirst();
        Queue *queue = m_queues.find(id);
        QByteArray unit = queue->popFront();
        m_totalBytes -= unit.size();
        // The lone unit (nginx: one request per connection, a small reply) leaves without a copy.
        if (out.isEmpty())
            out = std::move(unit);
        else
            out.append(unit);
        if (queue->isEmpty())
            m_queues.remove(id);
        else
            m_ready.append(id);
    }
    return out;
}

void OutputScheduler::drop(quint16 requestId)
{
    const std::optional<Queue> queue = m_queues.take(requestId);
    if (!queue)
        return;
    m_totalBytes -= queue->bytes;
    m_ready.removeOne(requestId); // a request is in the round-robin order once
}

qsizetype OutputScheduler::queuedBytes(quint16 requestId) const
{
    const Queue *queue = m_queues.find(requestId);
    return queue ? queue->bytes : 0;
}

} // namespace afcgi
