#pragma once

#include "engine/latencyhistogram.h"

#include <QList>
#include <QtGlobal>

#include <atomic>
#include <memory>

namespace afcgi {

// What one route did, summed over the workers at a moment (for a tick, /metrics).
struct RouteTotals
{
    qint64 requests = 0;           // ended
    qint64 errors = 0;             // ended with a 5xx answer
    qint64 aborted = 0;            // aborted (web server, client gone, operator)
    qint64 blocked = 0;            // stalls of a worker's loop while this route's handler ran
    qint64 latencyMicrosTotal = 0; // sum of the durations
    LatencyHistogram::Counts latency{};

    RouteTotals &operator+=(const RouteTotals &other);
};

// The traffic of each mounted route on one worker thread, by the route's slot (the index of its
// prefix in the engine's route table, resolved once per request at dispatch). The worker writes
// its counters with a relaxed load and store, no lock and no allocation; other threads read
// them. The slots are made once, before the worker serves.
class RouteCounters
{
public:
    explicit RouteCounters(int routes = 0);

    int size() const { return m_size; }
    // Only the owning worker thread. A slot out of range (a 404, a 405: no route) is not counted.
    void recordEnd(int slot, qint64 micros, bool error, bool aborted);
    // Any one thread (the loop watchdog): a stall seen while this route's handler ran.
    void recordBlocked(int slot);
    // Adds this worker's counters into `totals` (resized to size() when shorter).
    void addTo(QList<RouteTotals> &totals) const;

private:
    struct Route
    {
        std::atomic<qint64> requests{0};
        std::atomic<qint64> errors{0};
        std::atomic<qint64> aborted{0};
        std::atomic<qint64> blocked{0};
        std::atomic<qint64> latencyMicrosTotal{0};
        LatencyHistogram latency;
    };

    int m_size;
    std::unique_ptr<Route[]> m_routes;
};

} // namespace afcgi
