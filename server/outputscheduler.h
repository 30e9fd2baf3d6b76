#pragma once

#include <QByteArray>
#include <QHash>

#include <deque>

namespace afcgi {

// Per-connection output queues, one per request, drained round-robin one unit (a few whole
// records) at a time, so that one large response cannot starve the others on the connection.
// Pure: the Connection decides when to write what take() returns.
class OutputScheduler
{
public:
    // `unit` must hold whole records; units of one request leave in order.
    void enqueue(quint16 requestId, QByteArray &&unit);
    // Same, but appended to the request's last queued unit while that stays within
    // `coalesceBytes`: a small reply then leaves as one unit.
    void enqueueCoalescing(quint16 requestId, QByteArray &&unit, qsizetype coalesceBytes);
    // Whole units, round-robin between requests, until at least `budget` bytes (or all) are taken.
    QByteArray take(qsizetype budget);
    void drop(quint16 requestId);

    qsizetype queuedBytes() const { return m_totalBytes; }
    qsizetype queuedBytes(quint16 requestId) const;
    bool isEmpty() const { return m_totalBytes == 0; }

private:
    struct Queue
    {
        std::deque<QByteArray> units;
        qsizetype bytes = 0;
    };
    QHash<quint16, Queue> m_queues;  // only requests with queued output
    std::deque<quint16> m_ready;     // round-robin order of the keys of m_queues
    qsizetype m_totalBytes = 0;
};

} // namespace afcgi
