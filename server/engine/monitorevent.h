#pragma once

#include <QByteArray>
#include <QString>

#include <atomic>
#include <memory>

namespace afcgi {

// What a worker tells the monitor hub: a request began or ended, a connection opened or
// closed, or a connection's output queue changed. Recorded only while a monitor is attached.
struct MonitorEvent
{
    enum class Kind : quint8 {
        RequestBegan,
        RequestEnded,
        ConnectionOpened,
        ConnectionClosed,
        QueueChanged,
        // Where in this worker's event order a monitor's snapshot was taken (connectionId holds
        // the monitor's token): events before it are in the snapshot, events after it are new.
        SnapshotMarker,
    };
    Kind kind = Kind::RequestBegan;
    quint16 requestId = 0;
    quint16 role = 0;
    bool aborted = false;
    int status = 0;
    quint64 connectionId = 0;
    qint64 timeMs = 0;      // ms since the epoch
    qint64 durationMs = 0;
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;    // queued bytes for QueueChanged
    QByteArray method;
    QByteArray uri;
    QString peer;           // ConnectionOpened
    QString listener;
};

// Bounded single-producer single-consumer ring: the worker pushes without a lock or a signal,
// the hub drains on its timer. When full, events are counted as dropped, never waited for.
class MonitorEventRing
{
public:
    explicit MonitorEventRing(int capacity = 8192);

    bool push(MonitorEvent &&event); // worker thread only
    // Markers may use a small reserve beyond the capacity, so that one is never lost to a full ring.
    bool pushMarker(MonitorEvent &&event);
    // Worker thread: whether push() would take an event now, to skip building one that would
    // only be dropped; countDropped() then records it.
    bool hasRoom() const
    {
        const quint64 head = m_head.load(std::memory_order_relaxed);
        return head - m_tickStart.load(std::memory_order_acquire) < m_tickBudget.load(std::memory_order_relaxed)
               && head - m_tail.load(std::memory_order_acquire) < m_capacity;
    }
    // A plain load and store: only the worker writes it, so no locked instruction per request.
    void countDropped() { m_dropped.store(m_dropped.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
    template <typename Fn>
    void drain(Fn &&fn)              // hub thread only
    {
        const quint64 tail = m_tail.load(std::memory_order_relaxed);
        const quint64 head = m_head.load(std::memory_order_acquire);
        for (quint64 i = tail; i != head; ++i) {
            MonitorEvent &slot = m_slots[size_t(i % m_slotCount)];
            fn(std::move(slot));
            slot = MonitorEvent{}; // release the strings on this thread
        }
        m_tail.store(head, std::memory_order_release);
    }
    // Hub thread: events dropped since the previous call.
    qint64 takeDropped()
    {
        const qint64 total = m_dropped.load(std::memory_order_relaxed);
        return total - std::exchange(m_droppedSeen, total);
    }
    // Hub thread, after each drain: the worker may push at most `budget` events until the next
    // call. The hub sends a capped number per tick anyway; past the budget a worker only counts,
    // so that watching a server at 300,000 requests/s costs it next to nothing.
    void startTick(quint64 budget)
    {
        m_tickBudget.store(budget, std::memory_order_relaxed);
        m_tickStart.store(m_head.load(std::memory_order_acquire), std::memory_order_release);
    }

private:
    bool pushWithin(MonitorEvent &&event, quint64 limit);

    static constexpr quint64 kMarkerReserve = 64;
    const quint64 m_capacity;
    const quint64 m_slotCount;
    std::unique_ptr<MonitorEvent[]> m_slots;
    alignas(64) std::atomic<quint64> m_head{0}; // next slot the worker writes
    alignas(64) std::atomic<quint64> m_tail{0}; // next slot the hub reads
    std::atomic<qint64> m_dropped{0}; // cumulative, written by the worker only
    qint64 m_droppedSeen = 0;         // hub only
    std::atomic<quint64> m_tickStart{0};                 // m_head when the hub last drained
    std::atomic<quint64> m_tickBudget{~quint64(0) >> 1}; // events allowed per tick
};

} // namespace afcgi
