#pragma once

#include "latencybuckets.h"

#include <QtGlobal>

#include <array>
#include <atomic>

namespace afcgi {

// Request durations of one worker, in the log-spaced buckets of latencybuckets.h (8 per power of
// two of microseconds; a percentile is reported as its bucket's midpoint, within ~6% of the
// truth). The worker adds, a sampler reads and subtracts its previous reading: bounded memory,
// no lock, whatever the request rate.
class LatencyHistogram
{
public:
    static constexpr int kBuckets = latency::kBuckets;
    using Counts = latency::Counts;

    void record(qint64 micros); // only the owning worker thread calls this
    void addTo(Counts &counts) const;

    static int bucketFor(qint64 micros) { return latency::bucketFor(micros); }
    static double midpointMs(int bucket) { return latency::midpointMs(bucket); }
    // Percentile (0..1) of `counts` in ms; 0 when empty.
    static double percentileMs(const Counts &counts, double fraction)
    {
        return latency::percentileMs(counts, fraction);
    }

private:
    std::array<std::atomic<qint64>, kBuckets> m_counts{};
};

} // namespace afcgi
