#include "latencybuckets.h"

#include <QtAlgorithms>

#include <cmath>

namespace afcgi::latency {

int bucketFor(qint64 micros)
{
    if (micros < 1)
        return 0;
    // The highest set bit gives the power of two; the bits below it pick the sub-bucket.
    const int power = 63 - int(qCountLeadingZeroBits(quint64(micros)));
    const int sub = power >= kSubBucketBits
                        ? int((quint64(micros) >> (power - kSubBucketBits)) & (kSubBuckets - 1))
                        : 0;
    const int bucket = power * kSubBuckets + sub;
    return bucket < kBuckets ? bucket : kBuckets - 1;
}

double lowerBoundMs(int bucket)
{
    const int power = bucket / kSubBuckets;
    const int sub = bucket % kSubBuckets;
    return std::ldexp(1.0, power) * (1.0 + sub / double(kSubBuckets)) / 1000.0;
}

double midpointMs(int bucket)
{
    const int power = bucket / kSubBuckets;
    const int sub = bucket % kSubBuckets;
    return std::ldexp(1.0, power) * (1.0 + (sub + 0.5) / double(kSubBuckets)) / 1000.0;
}

double percentileMs(const Counts &counts, double fraction)
{
    qint64 total = 0;
    for (qint64 c : counts)
        total += c;
    if (total == 0)
        return 0;
    const qint64 rank = qMax<qint64>(1, qint64(std::ceil(fraction * double(total))));
    qint64 seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
        seen += counts[size_t(i)];
        if (seen >= rank)
            return midpointMs(i);
    }
    return midpointMs(kBuckets - 1);
}

} // namespace afcgi::latency
