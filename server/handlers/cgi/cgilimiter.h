#pragma once
// How many CGI programs run at once: a limit over all of them and one per mount, with a bounded
// first-come first-served queue of requests waiting for a slot. Thread-safe: requests on every
// worker thread share it; a slot freed on one thread may go to a request waiting on another,
// which is told on its own thread.

#include <QMutex>
#include <QObject>

#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace afcgi {

class CgiLimiter
{
public:
    CgiLimiter(int maxChildren, int maxQueued);

    // A mount's own limit (0: the overall one only); call before any acquire(). Returns the
    // pool's index; pool 0 exists from the start and has no limit of its own.
    int addPool(int maxChildren);

    struct Waiter;
    using Ticket = std::shared_ptr<Waiter>;
    enum class Outcome {
        Granted,  // the slot is the ticket's now
        Queued,   // `onGranted` runs later on `context`'s thread, unless the ticket is released first
        Rejected, // the queue is full
    };
    Outcome acquire(int pool, QObject *context, std::function<void()> onGranted, Ticket *ticket);
    // The ticket's holder is done: a slot it holds is freed (and given to the next waiter that
    // fits), or its place in the queue given up. Once per ticket; later calls do nothing.
    void release(const Ticket &ticket);

    int running() const;
    int queued() const;
    int maxChildren() const { return m_maxChildren; }

private:
    struct Pool
    {
        int max = 0;
        int running = 0;
    };
    bool fits(int pool) const;
    void grantWaiting();

    const int m_maxChildren;
    const int m_maxQueued;
    mutable QMutex m_mutex;
    std::vector<Pool> m_pools;
    int m_running = 0;
    std::deque<Ticket> m_queue;
};

} // namespace afcgi
