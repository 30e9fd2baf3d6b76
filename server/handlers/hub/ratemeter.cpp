#include "handlers/hub/ratemeter.h"

namespace afcgi {

void RateMeter::add(qint64 nowMs, qint64 count)
{
    const qint64 second = nowMs / 1000;
    const int slot = int(second % kBuckets);
    if (m_seconds[slot] != second) {
        m_seconds[slot] = second;
        m_counts[slot] = 0;
    }
    m_counts[slot] += count;
}

double RateMeter::perSecond(qint64 nowMs) const
{
    // The full seconds before the current one.
    const qint64 second = nowMs / 1000;
    qint64 total = 0;
    for (int i = 0; i < kBuckets; ++i) {
        if (m_seconds[i] < second && m_seconds[i] >= second - (kBuckets - 1))
            total += m_counts[i];
    }
    return double(total) / (kBuckets - 1);
}

} // namespace afcgi
