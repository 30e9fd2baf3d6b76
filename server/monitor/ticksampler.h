#pragma once

#include <afcgi/serverinfo.h>

#include "engine/latencyhistogram.h"
#include "engine/routecounters.h"
#include "monitorprotocol.h"

#include <QElapsedTimer>

namespace afcgi {

class Engine;
class LogCollector;
struct WorkerSample;

// The numbers of a monitor tick, from readings the service keeps anyway: totals and rates from
// two readings of the workers' counters, the latency histogram of the interval (the difference
// of two cumulative ones), the log's volume, the service's state and log level, and the gauges
// and progress the workers were sampled for. Nothing here is per request.
class TickSampler
{
public:
    TickSampler(const Engine *engine, const LogCollector *logs);

    // Takes the current readings as the baseline, so the next tick's rates cover only the time
    // after it (while no monitor is attached, ticks are not sent but the baseline moves on).
    void restart();
    // A tick without events: those the hub adds from the workers' rings.
    monitor::Tick sample(const WorkerSample &workers);

private:
    void fillLatency(monitor::Tick &tick);
    void fillRoutes(monitor::Tick &tick, double seconds);
    void showBlockedWorkers(monitor::Tick &tick) const;

    const Engine *m_engine;
    const LogCollector *m_logs;
    quint64 m_seq = 0;
    QElapsedTimer m_sinceTick;
    ServerCounters m_previous;
    LatencyHistogram::Counts m_previousLatency{};
    QList<RouteTotals> m_previousRoutes;
    qint64 m_previousLogLines = 0;
    qint64 m_previousLogBytes = 0;
};

} // namespace afcgi
