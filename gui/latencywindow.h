#pragma once

#include "latencybuckets.h"
#include "monitorprotocol.h"

#include <deque>

namespace afcgi::gui {

// Latency percentiles over a sliding window of ticks (1 s, 5 s, …): each tick's histogram
// (`latency.buckets`) is added to a running sum and taken out again once it is older than the
// window, so a percentile costs one pass over the buckets whatever the request rate. The maximum
// is the largest of the ticks' maxima in the window. A service that sends no buckets (revision 1)
// gives the last tick's own percentiles instead (perTick() is then true).
class LatencyWindow
{
public:
    struct Result
    {
        qint64 count = 0; // requests that ended in the window
        double p50 = qQNaN();
        double p90 = qQNaN();
        double p99 = qQNaN();
        double max = qQNaN();
    };

    void setWindow(qint64 ms);
    qint64 window() const { return m_windowMs; }
    void add(qint64 timeMs, const afcgi::monitor::Latency &latency);
    void clear();
    Result result() const;
    bool perTick() const { return m_perTick; }

private:
    struct Entry
    {
        qint64 timeMs = 0;
        afcgi::monitor::Latency latency;
    };
    void expire(qint64 nowMs);

    std::deque<Entry> m_entries;
    latency::Counts m_sum{};
    qint64 m_sumCount = 0;
    qint64 m_windowMs = 5000;
    bool m_perTick = false;
};

} // namespace afcgi::gui
