#pragma once
// Request durations in log-spaced buckets, as afcgid counts them and as the monitor's `tick`
// carries them: 8 buckets per power of two of microseconds, so a bucket's midpoint is within
// ~6% of any duration in it. Pure arithmetic, shared by the server's histogram and the monitor's
// sliding window (see MONITOR_PROTOCOL.md, `latency.buckets`).

#include <QtGlobal>

#include <array>

namespace afcgi::latency {

constexpr int kSubBucketBits = 3;
constexpr int kSubBuckets = 1 << kSubBucketBits;
constexpr int kBuckets = 40 * kSubBuckets; // up to 2^40 µs: far beyond any timeout

using Counts = std::array<qint64, kBuckets>;

// The bucket of a duration: 8·p + s for 2^p ≤ µs < 2^(p+1), s = the next three bits of µs
// (durations under 8 µs have s = 0). Durations under 1 µs fall in bucket 0; past the last
// bucket, in the last.
int bucketFor(qint64 micros);
// The bucket's lower bound (inclusive) and its midpoint, in ms.
double lowerBoundMs(int bucket);
double midpointMs(int bucket);
// The `fraction` (0..1) percentile of `counts`, as its bucket's midpoint in ms; 0 when empty.
double percentileMs(const Counts &counts, double fraction);

} // namespace afcgi::latency
