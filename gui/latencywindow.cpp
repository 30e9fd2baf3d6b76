#include "latencywindow.h"

#include <algorithm>
#include <cmath>

namespace afcgi::gui {

void LatencyWindow::setWindow(qint64 ms)
{
    m_windowMs = qMax<qint64>(1, ms);
    if (!m_entries.empty())
        expire(m_entries.back().timeMs);
}

void LatencyWindow::add(qint64 timeMs, const monitor::Latency &l)
{
    if (!m_entries.empty() && timeMs < m_entries.back().timeMs)
        clear(); // another clock: another service
    m_perTick = l.count > 0 && l.buckets.isEmpty();
    m_entries.push_back({ timeMs, l });
    for (const monitor::LatencyBucket &b : l.buckets) {
        m_sum[size_t(b.bucket)] += b.count;
        m_sumCount += b.count;
    }
    expire(timeMs);
}

void LatencyWindow::expire(qint64 nowMs)
{
    while (!m_entries.empty() && m_entries.front().timeMs <= nowMs - m_windowMs) {
        for (const monitor::LatencyBucket &b : m_entries.front().latency.buckets) {
            m_sum[size_t(b.bucket)] -= b.count;
            m_sumCount -= b.count;
        }
        m_entries.pop_front();
    }
}

void LatencyWindow::clear()
{
    m_entries.clear();
    m_sum.fill(0);
    m_sumCount = 0;
    m_perTick = false;
}

LatencyWindow::Result LatencyWindow::result() const
{
    Result r;
    if (m_entries.empty())
        return r;
    if (m_perTick) {
        const monitor::Latency &last = m_entries.back().latency;
        return { last.count, last.p50, last.p90, last.p99, last.max };
    }
    for (const Entry &e : m_entries) {
        if (e.latency.count > 0)
            r.max = std::isnan(r.max) ? e.latency.max : qMax(r.max, e.latency.max);
    }
    r.count = m_sumCount;
    if (m_sumCount > 0) {
        r.p50 = latency::percentileMs(m_sum, 0.50);
        r.p90 = latency::percentileMs(m_sum, 0.90);
        r.p99 = latency::percentileMs(m_sum, 0.99);
    }
    return r;
}

} // namespace afcgi::gui
