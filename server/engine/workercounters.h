#pragma once

#include "engine/latencyhistogram.h"
#include "engine/monitorevent.h"

#include <QtGlobal>

#include <atomic>

namespace afcgi {

// Plain totals, summed over workers for /status (and later the monitor).
struct CounterSnapshot
{
    qint64 connectionsOpen = 0;
    qint64 connectionsTotal = 0;
    qint64 requestsActive = 0;
    qint64 requestsTotal = 0;
    qint64 requestsByStatusClass[6] = {}; // [1..5] = 1xx..5xx, [0] = ended without a status
    qint64 aborted = 0;
    qint64 bytesIn = 0;
    qint64 bytesOut = 0;
    qint64 protocolErrors = 0;
    qint64 queuedOutputBytes = 0;
    qint64 latencyMicrosTotal = 0;

    CounterSnapshot &operator+=(const CounterSnapshot &other);
};

// Counters of one worker thread. Only that thread writes them, so an update is a relaxed load
// and store (no locked instruction, no contention); other threads read them for /status.
class WorkerCounters
{
public:
    using Counter = std::atomic<qint64>;

    static void add(Counter &counter, qint64 n)
    {
        counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }

    Counter connectionsOpen{0};
    Counter connectionsTotal{0};
    Counter requestsActive{0};
    Counter requestsTotal{0};
    Counter requestsByStatusClass[6] = {};
    Counter aborted{0};
    Counter bytesIn{0};
    Counter bytesOut{0};
    Counter protocolErrors{0};
    Counter queuedOutputBytes{0};
    Counter latencyMicrosTotal{0}; // sum of request durations, for the histogram's _sum

    LatencyHistogram latency;
    // Begin/end events for the monitor, recorded only while one is attached (hub sets the flag).
    std::atomic<bool> monitored{false};
    MonitorEventRing events;

    CounterSnapshot snapshot() const;
};

} // namespace afcgi
