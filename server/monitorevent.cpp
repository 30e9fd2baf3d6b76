#include "monitorevent.h"

namespace afcgi {

MonitorEventRing::MonitorEventRing(int capacity)
    : m_capacity(quint64(capacity)), m_slots(new MonitorEvent[size_t(capacity)])
{
}

bool MonitorEventRing::push(MonitorEvent &&event)
{
    const quint64 head = m_head.load(std::memory_order_relaxed);
    if (head - m_tail.load(std::memory_order_acquire) >= m_capacity) {
        m_dropped.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    m_slots[size_t(head % m_capacity)] = std::move(event);
    m_head.store(head + 1, std::memory_order_release);
    return true;
}

} // namespace afcgi
