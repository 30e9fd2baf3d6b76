// Platform code (Linux): an epoll event dispatcher for worker threads.
//
// Qt's Unix dispatcher hands every socket notifier of the thread to ppoll() on every turn of
// the loop and then walks them all for the ready ones: a worker's cost per turn grows with its
// connections. Here sockets are registered once with epoll, a turn costs one epoll_wait() that
// returns only the ready ones, and posted events wake the loop through one eventfd.
#include "engine/eventdispatcher.h"

#include "config/logging.h"
#include "engine/timerschedule.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QHash>
#include <QSocketNotifier>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace afcgi {

namespace {

class EpollEventDispatcher final : public QAbstractEventDispatcher
{
public:
    EpollEventDispatcher()
        : m_epoll(::epoll_create1(EPOLL_CLOEXEC)),
          m_wakeFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
    {
        if (m_epoll < 0 || m_wakeFd < 0)
            qFatal("cannot create the worker's event loop: %s", std::strerror(errno));
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = kWakeUpKey;
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event);
    }

    ~EpollEventDispatcher() override
    {
        ::close(m_wakeFd);
        ::close(m_epoll);
    }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override
    {
        m_interrupted.store(false, std::memory_order_relaxed);
        Q_EMIT awake();
        // The eventfd is left readable until epoll_wait() below reports it: an interrupt() that
        // came just before this call still makes this turn return without sleeping.
        QCoreApplication::sendPostedEvents();
        if (m_interrupted.load(std::memory_order_relaxed))
            return false;

        const bool withTimers = !flags.testFlag(QEventLoop::X11ExcludeTimers);
        // Sockets left out still wake epoll_wait(); no worker asks for that, Qt's dialogs do.
        const bool withSockets = !flags.testFlag(QEventLoop::ExcludeSocketNotifiers);
        const bool mayWait = flags.testFlag(QEventLoop::WaitForMoreEvents)
                             && !m_wakePending.load(std::memory_order_acquire);
        int timeoutMs = 0;
        if (mayWait) {
            timeoutMs = withTimers ? m_timers.msUntilNext(TimerSchedule::Clock::now()) : -1;
            Q_EMIT aboutToBlock();
        }
        // On the stack, not a member: a handler running a nested event loop waits with its own.
        std::array<epoll_event, 256> events;
        int ready = ::epoll_wait(m_epoll, events.data(), int(events.size()), timeoutMs);
        if (ready < 0)
            ready = 0; // EINTR: a signal; the loop simply turns again

        int handled = 0;
        for (int i = 0; i < ready; ++i) {
            const epoll_event &event = events[size_t(i)];
            if (event.data.u64 == kWakeUpKey) {
                takeWakeUp(); // the events it announced are sent at the start of the next turn
                ++handled;
            } else if (withSockets) {
                handled += activate(event.data.u64, event.events);
            }
        }
        if (withTimers)
            handled += fireDueTimers();
        return handled > 0;
    }

    void registerSocketNotifier(QSocketNotifier *notifier) override
    {
        const int fd = int(notifier->socket());
        Notifiers &entry = m_notifiers[fd];
        const bool added = entry.isEmpty();
        if (added)
            entry.generation = ++m_generations;
        entry.slot(notifier->type()) = notifier;
        updateEpoll(fd, entry, added ? EPOLL_CTL_ADD : EPOLL_CTL_MOD);
    }

    void unregisterSocketNotifier(QSocketNotifier *notifier) override
    {
        const int fd = int(notifier->socket());
        const auto it = m_notifiers.find(fd);
        if (it == m_notifiers.end())
            return;
        QSocketNotifier *&slot = it->slot(notifier->type());
        if (slot == notifier)
            slot = nullptr;
        if (it->isEmpty()) {
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); // fails harmlessly if fd is closed
            m_notifiers.erase(it);
        } else {
            updateEpoll(fd, *it, EPOLL_CTL_MOD);
        }
    }

    void registerTimer(int timerId, qint64 interval, Qt::TimerType type, QObject *object) override
    {
        m_timers.add(timerId, interval, type, object, TimerSchedule::Clock::now());
    }
    bool unregisterTimer(int timerId) override { return m_timers.remove(timerId); }
    bool unregisterTimers(QObject *object) override { return m_timers.removeAllOf(object); }
    QList<TimerInfo> registeredTimers(QObject *object) const override
    {
        return m_timers.timersOf(object);
    }
    int remainingTime(int timerId) override
    {
        return m_timers.remainingMs(timerId, TimerSchedule::Clock::now());
    }

    // Any thread: QCoreApplication::postEvent() calls this for every event it posts.
    void wakeUp() override
    {
        if (m_wakePending.exchange(true, std::memory_order_acq_rel))
            return; // one write per wake-up, however many events are posted meanwhile
        const quint64 one = 1;
        [[maybe_unused]] const ssize_t written = ::write(m_wakeFd, &one, sizeof one);
    }

    void interrupt() override
    {
        m_interrupted.store(true, std::memory_order_relaxed);
        wakeUp();
    }

private:
    // What epoll hands back for a descriptor: the descriptor and the generation of its entry,
    // so that an event read for a descriptor closed (and its number reused) in the same batch
    // is not given to the new one's notifiers.
    static quint64 keyOf(int fd, quint32 generation) { return quint64(quint32(fd)) | quint64(generation) << 32; }
    static constexpr quint64 kWakeUpKey = ~quint64(0);

    struct Notifiers
    {
        quint32 generation = 0;
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;

        bool isEmpty() const { return !read && !write && !exception; }
        QSocketNotifier *&slot(QSocketNotifier::Type type)
        {
            return type == QSocketNotifier::Read ? read : type == QSocketNotifier::Write ? write : exception;
        }
    };

    void updateEpoll(int fd, const Notifiers &entry, int operation)
    {
        epoll_event event{};
        event.events = (entry.read ? EPOLLIN : 0u) | (entry.write ? EPOLLOUT : 0u)
                       | (entry.exception ? EPOLLPRI : 0u);
        event.data.u64 = keyOf(fd, entry.generation);
        if (::epoll_ctl(m_epoll, operation, fd, &event) == 0)
            return;
        // A descriptor closed while its notifier was still enabled left epoll on its own (so
        // MOD finds nothing), or one we thought new is still there (ADD finds it): the other
        // operation then does what was meant.
        if ((operation == EPOLL_CTL_MOD && errno == ENOENT) || (operation == EPOLL_CTL_ADD && errno == EEXIST)) {
            const int other = operation == EPOLL_CTL_MOD ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
            if (::epoll_ctl(m_epoll, other, fd, &event) == 0)
                return;
        }
        qCWarning(lcEngine) << "cannot watch socket" << fd << ":" << std::strerror(errno);
    }

    // Read, then clear: an event posted in between finds the flag still set and writes nothing,
    // but the next turn, which always follows, begins by sending posted events.
    void takeWakeUp()
    {
        quint64 count = 0;
        [[maybe_unused]] const ssize_t got = ::read(m_wakeFd, &count, sizeof count);
        m_wakePending.store(false, std::memory_order_release);
    }

    // Tells the notifiers of one ready descriptor. A notifier may delete or disable another
    // (or itself) as it is told: look each one up again just before telling it.
    int activate(quint64 key, quint32 events)
    {
        const int fd = int(quint32(key));
        int told = 0;
        const auto tell = [&](QSocketNotifier *Notifiers::*which) {
            const auto it = m_notifiers.constFind(fd);
            if (it == m_notifiers.cend() || keyOf(fd, it->generation) != key || !((*it).*which))
                return;
            QEvent event(QEvent::SockAct);
            QCoreApplication::sendEvent((*it).*which, &event);
            ++told;
        };
        if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
            tell(&Notifiers::read);
        if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
            tell(&Notifiers::write);
        if (events & EPOLLPRI)
            tell(&Notifiers::exception);
        return told;
    }

    // Each timer due now fires once; one started or restarted meanwhile waits for its deadline.
    // Every timer is kept to the millisecond: coarse ones are not grouped as Qt's dispatcher
    // groups them (a worker has a handful of timers; handlers' deadlines share one).
    int fireDueTimers()
    {
        if (m_timers.isEmpty())
            return 0;
        const TimerSchedule::Clock::time_point now = TimerSchedule::Clock::now();
        int fired = 0;
        for (int id : m_timers.due(now)) {
            if (m_timers.remainingMs(id, now) != 0)
                continue; // stopped, or restarted, by an earlier timer of this round
            QObject *object = m_timers.advance(id, now);
            QTimerEvent event(id);
            QCoreApplication::sendEvent(object, &event);
            ++fired;
        }
        return fired;
    }

    const int m_epoll;
    const int m_wakeFd;
    std::atomic<bool> m_wakePending{false};
    std::atomic<bool> m_interrupted{false};
    QHash<int, Notifiers> m_notifiers; // by descriptor
    quint32 m_generations = 0;
    TimerSchedule m_timers;
};

} // namespace

QAbstractEventDispatcher *createWorkerEventDispatcher()
{
    // AFCGI_QT_EVENT_LOOP=1 keeps Qt's own: to compare, or to rule this one out.
    if (qEnvironmentVariableIntValue("AFCGI_QT_EVENT_LOOP"))
        return nullptr;
    return new EpollEventDispatcher;
}

} // namespace afcgi
