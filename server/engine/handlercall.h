#pragma once

#include "engine/workercounters.h"

namespace afcgi {

// Marks, for the loop watchdog, that the worker is inside a call into request code: which
// connection, request and route. Three relaxed stores on entry and on exit (the previous mark is
// put back: such calls nest when a handler that ends at once lets a waiting request start).
class HandlerCall
{
public:
    HandlerCall(WorkerCounters &counters, quint64 connectionId, quint16 requestId, int slot)
        : m_counters(counters),
          m_connection(counters.runningConnection.load(std::memory_order_relaxed)),
          m_request(counters.runningRequest.load(std::memory_order_relaxed)),
          m_slot(counters.runningSlot.load(std::memory_order_relaxed))
    {
        set(connectionId, requestId, slot);
    }
    ~HandlerCall() { set(m_connection, m_request, m_slot); }
    HandlerCall(const HandlerCall &) = delete;
    HandlerCall &operator=(const HandlerCall &) = delete;

private:
    void set(quint64 connectionId, int requestId, int slot)
    {
        m_counters.runningConnection.store(connectionId, std::memory_order_relaxed);
        m_counters.runningSlot.store(slot, std::memory_order_relaxed);
        m_counters.runningRequest.store(requestId, std::memory_order_relaxed);
    }

    WorkerCounters &m_counters;
    quint64 m_connection;
    int m_request;
    int m_slot;
};

} // namespace afcgi
