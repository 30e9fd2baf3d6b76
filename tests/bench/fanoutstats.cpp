#include "fanoutstats.h"

#include <algorithm>

namespace afcgi::bench {

QString Percentiles::toString() const
{
    return QStringLiteral("p50 %1 ms  p99 %2 ms  max %3 ms  (n=%4)")
        .arg(p50Ms, 0, 'f', 1).arg(p99Ms, 0, 'f', 1).arg(maxMs, 0, 'f', 1).arg(count);
}

Percentiles Percentiles::of(std::vector<qint64> samples)
{
    Percentiles p;
    p.count = qsizetype(samples.size());
    if (samples.empty())
        return p;
    std::sort(samples.begin(), samples.end());
    const auto at = [&](double q) {
        const size_t i = std::min(samples.size() - 1, size_t(q * double(samples.size())));
        return double(samples[i]) / 1e6;
    };
    p.p50Ms = at(0.50);
    p.p99Ms = at(0.99);
    p.maxMs = double(samples.back()) / 1e6;
    return p;
}

void FanoutStats::published(quint64 n, qint64 atNs, qint64 expected)
{
    if (m_messages.size() <= n)
        m_messages.resize(n + 1);
    m_messages[n].sentNs = atNs;
    m_messages[n].expected = expected;
}

bool FanoutStats::delivered(quint64 n, qint64 atNs)
{
    if (n >= m_messages.size() || m_messages[n].expected == 0
        || m_messages[n].received >= m_messages[n].expected) {
        ++m_duplicates;
        return false;
    }
    Message &m = m_messages[n];
    ++m.received;
    ++m_deliveries;
    m.lastNs = atNs;
    m_latencies.push_back(atNs - m.sentNs);
    return true;
}

qint64 FanoutStats::missing() const
{
    qint64 owed = 0;
    for (const Message &m : m_messages)
        owed += m.expected - m.received;
    return owed;
}

Percentiles FanoutStats::allDeliveredLatency() const
{
    std::vector<qint64> samples;
    for (const Message &m : m_messages) {
        if (m.expected > 0 && m.received == m.expected)
            samples.push_back(m.lastNs - m.sentNs);
    }
    return Percentiles::of(samples);
}

} // namespace afcgi::bench
