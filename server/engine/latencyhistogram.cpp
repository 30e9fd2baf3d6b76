#include "engine/latencyhistogram.h"

namespace afcgi {

void LatencyHistogram::record(qint64 micros)
{
    auto &counter = m_counts[size_t(bucketFor(micros))];
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

void LatencyHistogram::addTo(Counts &counts) const
{
    for (int i = 0; i < kBuckets; ++i)
        counts[size_t(i)] += m_counts[size_t(i)].load(std::memory_order_relaxed);
}

} // namespace afcgi
