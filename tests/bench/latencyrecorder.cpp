#include "latencyrecorder.h"

#include <QtAlgorithms>

#include <cmath>

namespace afcgi::bench {

namespace {
constexpr int kSubBits = 7;                 // 128 buckets per power of two
constexpr quint64 kSub = quint64(1) << kSubBits;
constexpr int kMaxExponent = 42;            // 2^42 ns is over an hour; longer is clamped
constexpr size_t kBucketCount = kSub * (kMaxExponent - kSubBits + 2);

size_t bucketOf(quint64 v)
{
    if (v < kSub)
        return size_t(v);
    const int exponent = qMin(63 - int(qCountLeadingZeroBits(v)), kMaxExponent);
    const quint64 mantissa = qMin(v >> (exponent - kSubBits), 2 * kSub - 1); // [128, 255]
    return size_t(kSub * (exponent - kSubBits + 1) + (mantissa - kSub));
}

// The middle of a bucket's range.
qint64 valueOf(size_t bucket)
{
    if (bucket < 2 * kSub)
        return qint64(bucket);
    const int exponent = int(bucket / kSub) + kSubBits - 1;
    const quint64 mantissa = bucket % kSub + kSub;
    const quint64 width = quint64(1) << (exponent - kSubBits);
    return qint64(mantissa * width + width / 2);
}
} // namespace

LatencyRecorder::LatencyRecorder() : m_buckets(kBucketCount, 0) { }

void LatencyRecorder::record(qint64 ns)
{
    const quint64 v = ns > 0 ? quint64(ns) : 0;
    ++m_buckets[bucketOf(v)];
    ++m_count;
    m_sumNs += v;
    m_maxNs = qMax(m_maxNs, qint64(v));
}

void LatencyRecorder::reset()
{
    std::fill(m_buckets.begin(), m_buckets.end(), 0);
    m_count = 0;
    m_sumNs = 0;
    m_maxNs = 0;
}

qint64 LatencyRecorder::percentileNs(double percent) const
{
    if (m_count == 0)
        return 0;
    const quint64 rank = qMax<quint64>(1, quint64(std::ceil(percent / 100.0 * double(m_count))));
    quint64 seen = 0;
    for (size_t i = 0; i < m_buckets.size(); ++i) {
        seen += m_buckets[i];
        if (seen >= rank)
            return qMin(valueOf(i), m_maxNs);
    }
    return m_maxNs;
}

} // namespace afcgi::bench
