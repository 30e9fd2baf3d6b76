#pragma once

#include "protocol/requestidmap.h"

#include <QByteArray>
#include <QList>

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
    // Same for bytes the caller keeps (e.g. the end records, built on its stack): copied into
    // the last unit when they fit there, else into a unit of their own.
    void enqueueCoalescing(quint16 requestId, QByteArrayView bytes, qsizetype coalesceBytes);
    // Whole units, round-robin between requests, until at least `budget` bytes (or all) are taken.
    QByteArray take(qsizetype budget);
    void drop(quint16 requestId);

    qsizetype queuedBytes() const { return m_totalBytes; }
    qsizetype queuedBytes(quint16 requestId) const;
    bool isEmpty() const { return m_totalBytes == 0; }

private:
    // Most replies are one unit: it lives in `front`, and `later` (which allocates) stays empty.
    struct Queue
    {
        QByteArray front;          // the oldest unit
        QList<QByteArray> later;   // the ones after it, oldest first
        qsizetype bytes = 0;

        QByteArray &last() { return later.isEmpty() ? front : later.last(); }
        QByteArray popFront();
        bool isEmpty() const { return bytes == 0; }
    };
    Queue &queueFor(quint16 requestId);

    // Only requests with queued output. One request's queue lives inline in the map; once
    // several have had output at once the map keeps its table, so output costs no allocation.
    RequestIdMap<Queue> m_queues;
    // Round-robin order of the keys of m_queues. A QList, not a std::deque (which allocates
    // 576 bytes before its first element): it allocates on first use only, and taking its
    // first element just moves its start.
    QList<quint16> m_ready;
    qsizetype m_totalBytes = 0;
};

} // namespace afcgi
