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
    qint64 takeDropped() { return m_dropped.exchange(0, std::memory_order_relaxed); }

private:
    bool pushWithin(MonitorEvent &&event, quint64 limit);

    static constexpr quint64 kMarkerReserve = 64;
    const quint64 m_capacity;
    const quint64 m_slotCount;
    std::unique_ptr<MonitorEvent[]> m_slots;
    alignas(64) std::atomic<quint64> m_head{0}; // next slot the worker writes
    alignas(64) std::atomic<quint64> m_tail{0}; // next slot the hub reads
    std::atomic<qint64> m_dropped{0};
};

} // namespace afcgi
