#include "engine/routecounters.h"

namespace afcgi {

namespace {
void bump(std::atomic<qint64> &counter, qint64 n)
{
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
} // namespace

RouteTotals &RouteTotals::operator+=(const RouteTotals &other)
{
    requests += other.requests;
    errors += other.errors;
    aborted += other.aborted;
    blocked += other.blocked;
    latencyMicrosTotal += other.latencyMicrosTotal;
    for (size_t i = 0; i < latency.size(); ++i)
        latency[i] += other.latency[i];
    return *this;
}

RouteCounters::RouteCounters(int routes)
    : m_size(qMax(0, routes)), m_routes(std::make_unique<Route[]>(size_t(m_size)))
{
}

void RouteCounters::recordEnd(int slot, qint64 micros, bool error, bool aborted)
{
    if (slot < 0 || slot >= m_size)
        return;
    Route &route = m_routes[size_t(slot)];
    bump(route.requests, 1);
    if (error)
        bump(route.errors, 1);
    if (aborted)
        bump(route.aborted, 1);
    bump(route.latencyMicrosTotal, micros);
    route.latency.record(micros);
}

void RouteCounters::recordBlocked(int slot)
{
    if (slot >= 0 && slot < m_size)
        m_routes[size_t(slot)].blocked.fetch_add(1, std::memory_order_relaxed);
}

void RouteCounters::addTo(QList<RouteTotals> &totals) const
{
    if (totals.size() < m_size)
        totals.resize(m_size);
    constexpr auto relaxed = std::memory_order_relaxed;
    for (int i = 0; i < m_size; ++i) {
        const Route &route = m_routes[size_t(i)];
        RouteTotals &sum = totals[i];
        sum.requests += route.requests.load(relaxed);
        sum.errors += route.errors.load(relaxed);
        sum.aborted += route.aborted.load(relaxed);
        sum.blocked += route.blocked.load(relaxed);
        sum.latencyMicrosTotal += route.latencyMicrosTotal.load(relaxed);
        route.latency.addTo(sum.latency);
    }
}

} // namespace afcgi
