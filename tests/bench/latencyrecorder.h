#pragma once
// Latency histogram with bounded memory and relative precision: log-linear buckets with 128
// steps per power of two (within 0.8 %), exact below 128 ns. Recording is an index computation
// and an increment, cheap enough for every response.

#include <QtGlobal>

#include <vector>

namespace afcgi::bench {

class LatencyRecorder
{
public:
    LatencyRecorder();

    void record(qint64 nanoseconds);
    void reset();

    quint64 count() const { return m_count; }
    double meanNs() const { return m_count ? double(m_sumNs) / double(m_count) : 0; }
    qint64 maxNs() const { return m_maxNs; }
    qint64 percentileNs(double percent) const; // 0..100; 0 when nothing was recorded

private:
    std::vector<quint64> m_buckets;
    quint64 m_count = 0;
    quint64 m_sumNs = 0;
    qint64 m_maxNs = 0;
};

} // namespace afcgi::bench
