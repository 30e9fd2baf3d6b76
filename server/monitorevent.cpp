#include "monitorevent.h"

namespace afcgi {

MonitorEventRing::MonitorEventRing(int capacity)
    : m_capacity(quint64(capacity)),
      m_slotCount(quint64(capacity) + kMarkerReserve),
      m_slots(new MonitorEvent[size_t(m_slotCount)])
{
}

bool MonitorEventRing::push(MonitorEvent &&event)
{
    if (pushWithin(std::move(event), m_capacity))
        return true;
    m_dropped.fetch_add(1, std::memory_order_relaxed);
    return false;
}

bool MonitorEventRing::pushMarker(MonitorEvent &&event)
{
    return pushWithin(std::move(event), m_slotCount);
}

bool MonitorEventRing::pushWithin(MonitorEvent &&event, quint64 limit)
{
    const quint64 head = m_head.load(std::memory_order_relaxed);
    if (head - m_tail.load(std::memory_order_acquire) >= limit)
        return false;
    m_slots[size_t(head % m_slotCount)] = std::move(event);
    m_head.store(head + 1, std::memory_order_release);
    return true;
}

} // namespace afcgi
