#pragma once

#include <QtGlobal>

namespace afcgi {

// Events per second over the last few seconds, from a handful of one-second buckets. Pure: the
// caller passes the time.
class RateMeter
{
public:
    void add(qint64 nowMs, qint64 count = 1);
    double perSecond(qint64 nowMs) const;

private:
    static constexpr int kBuckets = 5;
    qint64 m_counts[kBuckets] = {};
    qint64 m_seconds[kBuckets] = {}; // which second each bucket counts
};

} // namespace afcgi
