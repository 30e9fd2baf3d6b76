#pragma once

#include <QtGlobal>

#include <array>
#include <atomic>

namespace afcgi {

// Request durations of one worker, in log-spaced buckets (8 per power of two of microseconds;
// a percentile is reported as its bucket's midpoint, within ~6% of the truth). The worker adds, a sampler reads and subtracts
// its previous reading: bounded memory, no lock, whatever the request rate.
class LatencyHistogram
{
public:
    static constexpr int kSubBucketBits = 3;
    static constexpr int kSubBuckets = 1 << kSubBucketBits;
    static constexpr int kBuckets = 40 * kSubBuckets; // up to 2^40 µs: far beyond any timeout
    using Counts = std::array<qint64, kBuckets>;

    void record(qint64 micros); // only the owning worker thread calls this
    void addTo(Counts &counts) const;

    static int bucketFor(qint64 micros);
    static double midpointMs(int bucket);
    // Percentile (0..1) of `counts` in ms; 0 when empty.
    static double percentileMs(const Counts &counts, double fraction);

private:
    std::array<std::atomic<qint64>, kBuckets> m_counts{};
};

} // namespace afcgi
