#include "engine/monitorevent.h"

namespace afcgi {

MonitorEventRing::MonitorEventRing(int capacity)
    : m_capacity(quint64(capacity)),
      m_slotCount(quint64(capacity) + kMarkerReserve),
      m_slots(new MonitorEvent[size_t(m_slotCount)])
{
}

bool MonitorEventRing::push(MonitorEvent &&event)
{
    const quint64 head = m_head.load(std::memory_order_relaxed);
    const bool withinBudget = head - m_tickStart.load(std::memory_order_acquire)
                              < m_tickBudget.load(std::memory_order_relaxed);
    if (withinBudget && pushWithin(std::move(event), m_capacity))
        return true;
    countDropped();
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
