#pragma once

#include "engine/workercounters.h"

namespace afcgi {

// Marks, for the loop watchdog, that the worker is inside a call into request code: which
// connection, request and route. Three relaxed stores on entry and on exit (the previous mark is
// put back: such calls nest when a handler that ends at once lets a waiting request start).
// With the request's path (once routed), RunningPath keeps a copy of it: when its handler
// starts, and on a later call when another request was called into meanwhile (so for a request
// whose records arrive together, once).
class HandlerCall
{
public:
    enum class Path { Started, Later };

    HandlerCall(WorkerCounters &counters, quint64 connectionId, quint16 requestId, int slot,
                const QString *path, Path when = Path::Later)
        : m_counters(counters),
          m_connection(counters.runningConnection.load(std::memory_order_relaxed)),
          m_request(counters.runningRequest.load(std::memory_order_relaxed)),
          m_slot(counters.runningSlot.load(std::memory_order_relaxed))
    {
        if (path && (when == Path::Started || !counters.runningPath.holds(connectionId, requestId)))
            counters.runningPath.set(connectionId, requestId, *path);
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
