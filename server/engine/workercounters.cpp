#include "engine/workercounters.h"

namespace afcgi {

CounterSnapshot &CounterSnapshot::operator+=(const CounterSnapshot &other)
{
    connectionsOpen += other.connectionsOpen;
    connectionsTotal += other.connectionsTotal;
    requestsActive += other.requestsActive;
    requestsTotal += other.requestsTotal;
    for (int i = 0; i < 6; ++i)
        requestsByStatusClass[i] += other.requestsByStatusClass[i];
    aborted += other.aborted;
    bytesIn += other.bytesIn;
    bytesOut += other.bytesOut;
    protocolErrors += other.protocolErrors;
    queuedOutputBytes += other.queuedOutputBytes;
    latencyMicrosTotal += other.latencyMicrosTotal;
    return *this;
}

CounterSnapshot WorkerCounters::snapshot() const
{
    constexpr auto relaxed = std::memory_order_relaxed;
    CounterSnapshot s;
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
