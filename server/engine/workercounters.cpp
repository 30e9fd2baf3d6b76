#include "engine/workercounters.h"

namespace afcgi {

ServerCounters &operator+=(ServerCounters &sum, const ServerCounters &other)
{
    sum.connectionsOpen += other.connectionsOpen;
    sum.connectionsTotal += other.connectionsTotal;
    sum.requestsActive += other.requestsActive;
    sum.requestsTotal += other.requestsTotal;
    for (int i = 0; i < 6; ++i)
        sum.requestsByStatusClass[i] += other.requestsByStatusClass[i];
    sum.aborted += other.aborted;
    sum.bytesIn += other.bytesIn;
    sum.bytesOut += other.bytesOut;
    sum.protocolErrors += other.protocolErrors;
    sum.queuedOutputBytes += other.queuedOutputBytes;
    sum.latencyMicrosTotal += other.latencyMicrosTotal;
    return sum;
}

ServerCounters WorkerCounters::snapshot() const
{
    constexpr auto relaxed = std::memory_order_relaxed;
    ServerCounters s;
    s.connectionsOpen = connectionsOpen.load(relaxed);
    s.connectionsTotal = connectionsTotal.load(relaxed);
    s.requestsActive = requestsActive.load(relaxed);
    s.requestsTotal = requestsTotal.load(relaxed);
    for (int i = 0; i < 6; ++i)
        s.requestsByStatusClass[i] = requestsByStatusClass[i].load(relaxed);
    s.aborted = aborted.load(relaxed);
    s.bytesIn = bytesIn.load(relaxed);
    s.bytesOut = bytesOut.load(relaxed);
    s.protocolErrors = protocolErrors.load(relaxed);
    s.queuedOutputBytes = queuedOutputBytes.load(relaxed);
    s.latencyMicrosTotal = latencyMicrosTotal.load(relaxed);
    return s;
}

} // namespace afcgi
