#pragma once

#include <afcgi/serverinfo.h>

#include "engine/latencyhistogram.h"
#include "engine/monitorevent.h"
#include "engine/routecounters.h"
#include "engine/runningpath.h"

#include <QtGlobal>

#include <atomic>

namespace afcgi {

// Sums the totals of several workers (ServerCounters is the public snapshot, <afcgi/serverinfo.h>).
ServerCounters &operator+=(ServerCounters &sum, const ServerCounters &other);

// Counters of one worker thread. Only that thread writes them, so an update is a relaxed load
// and store (no locked instruction, no contention); other threads read them for /status.
class WorkerCounters
{
public:
    using Counter = std::atomic<qint64>;

    explicit WorkerCounters(int routeCount = 0) : routes(routeCount) {}

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
    RouteCounters routes; // by route slot

    // What the worker runs now, for the loop watchdog: set around each call the engine makes
    // into a request's code (its route's handler, its input, its abort); see HandlerCall.
    std::atomic<quint64> runningConnection{0};
    std::atomic<int> runningRequest{-1}; // -1: no such call in progress
    std::atomic<int> runningSlot{-1};
    RunningPath runningPath; // the path of the request called into last, when known
    // The watchdog's findings (it alone writes them): stalls of this worker's loop past
    // --blocked-turn-ms, and since when the current one lasts (monotonicMs(); 0 = none now).
    Counter blockedTurns{0};
    Counter blockedSinceMs{0};
    // Begin/end events for the monitor, recorded only while one is attached (hub sets the flag).
    std::atomic<bool> monitored{false};
    MonitorEventRing events;

    ServerCounters snapshot() const;
};

} // namespace afcgi
