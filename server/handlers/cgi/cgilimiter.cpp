#include "handlers/cgi/cgilimiter.h"

#include <algorithm>

namespace afcgi {

struct CgiLimiter::Waiter
{
    enum class State { Queued, Granted, Released };
    int pool = 0;
    State state = State::Queued;
    QObject *context = nullptr;        // valid while Queued: release() takes it out first
    std::function<void()> onGranted;
};

CgiLimiter::CgiLimiter(int maxChildren, int maxQueued)
    : m_maxChildren(maxChildren), m_maxQueued(maxQueued), m_pools(1)
{
}

int CgiLimiter::addPool(int maxChildren)
{
    QMutexLocker lock(&m_mutex);
    m_pools.push_back({maxChildren, 0});
    return int(m_pools.size() - 1);
}

bool CgiLimiter::fits(int pool) const
{
    const Pool &p = m_pools[size_t(pool)];
    return m_running < m_maxChildren && (p.max == 0 || p.running < p.max);
}

CgiLimiter::Outcome CgiLimiter::acquire(int pool, QObject *context, std::function<void()> onGranted,
                                        Ticket *ticket)
{
    auto waiter = std::make_shared<Waiter>();
    waiter->pool = pool;
    *ticket = waiter;
    QMutexLocker lock(&m_mutex);
    // First come, first served: nobody overtakes a waiter of the same pool.
    const bool poolWaiting = std::any_of(m_queue.cbegin(), m_queue.cend(),
                                         [pool](const Ticket &t) { return t->pool == pool; });
    if (!poolWaiting && fits(pool)) {
        waiter->state = Waiter::State::Granted;
        ++m_running;
        ++m_pools[size_t(pool)].running;
        return Outcome::Granted;
    }
    if (int(m_queue.size()) >= m_maxQueued) {
        waiter->state = Waiter::State::Released;
        return Outcome::Rejected;
    }
    waiter->context = context;
    waiter->onGranted = std::move(onGranted);
    m_queue.push_back(waiter);
    return Outcome::Queued;
}

void CgiLimiter::release(const Ticket &ticket)
{
    if (!ticket)
        return;
    QMutexLocker lock(&m_mutex);
    switch (ticket->state) {
    case Waiter::State::Released:
        return;
    case Waiter::State::Queued:
        m_queue.erase(std::find(m_queue.begin(), m_queue.end(), ticket));
        ticket->state = Waiter::State::Released;
        ticket->context = nullptr;
        ticket->onGranted = nullptr;
        return;
    case Waiter::State::Granted:
        ticket->state = Waiter::State::Released;
        --m_running;
        --m_pools[size_t(ticket->pool)].running;
        grantWaiting();
        return;
    }
}

void CgiLimiter::grantWaiting()
{
    for (auto it = m_queue.begin(); it != m_queue.end();) {
        const Ticket waiter = *it;
        if (!fits(waiter->pool)) {
            ++it;
            continue;
        }
        it = m_queue.erase(it);
        waiter->state = Waiter::State::Granted;
        ++m_running;
        ++m_pools[size_t(waiter->pool)].running;
        // Still under the lock: the context cannot be destroyed before this is posted (its
        // owner releases the ticket, which waits for the lock). Posted to a context destroyed
        // later, the call is dropped, and the owner's release() frees the slot.
        QMetaObject::invokeMethod(waiter->context, std::move(waiter->onGranted), Qt::QueuedConnection);
        waiter->context = nullptr;
        waiter->onGranted = nullptr;
        if (m_running >= m_maxChildren)
            return;
    }
}

int CgiLimiter::running() const
{
    QMutexLocker lock(&m_mutex);
    return m_running;
}

int CgiLimiter::queued() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_queue.size());
}

} // namespace afcgi
