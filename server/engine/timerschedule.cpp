#include "engine/timerschedule.h"

namespace afcgi {

namespace {
int roundUpMs(TimerSchedule::Clock::duration left)
{
    if (left <= TimerSchedule::Clock::duration::zero())
        return 0;
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return int(qMin<qint64>(ms, std::numeric_limits<int>::max()));
}
} // namespace

void TimerSchedule::add(int id, qint64 intervalMs, Qt::TimerType type, QObject *object,
                        Clock::time_point now)
{
    remove(id); // an id is only ever reused after its timer was removed; be safe anyway
    const Clock::time_point deadline = now + std::chrono::milliseconds(intervalMs);
    m_timers.insert(id, Timer{intervalMs, type, object, deadline});
    m_byDeadline.emplace(deadline, id);
}

bool TimerSchedule::remove(int id)
{
    const auto it = m_timers.constFind(id);
    if (it == m_timers.cend())
        return false;
    m_byDeadline.erase(Key(it->deadline, id));
    m_timers.erase(it);
    return true;
}

bool TimerSchedule::removeAllOf(const QObject *object)
{
    bool any = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->object == object) {
            m_byDeadline.erase(Key(it->deadline, it.key()));
            it = m_timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo> TimerSchedule::timersOf(const QObject *object) const
{
    QList<QAbstractEventDispatcher::TimerInfo> list;
    for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it) {
        if (it->object == object)
            list.append({it.key(), int(it->intervalMs), it->type});
    }
    return list;
}

int TimerSchedule::remainingMs(int id, Clock::time_point now) const
{
    const auto it = m_timers.constFind(id);
    return it == m_timers.cend() ? -1 : roundUpMs(it->deadline - now);
}

int TimerSchedule::msUntilNext(Clock::time_point now) const
{
    return m_byDeadline.empty() ? -1 : roundUpMs(m_byDeadline.begin()->first - now);
}

std::vector<int> TimerSchedule::due(Clock::time_point now) const
{
    std::vector<int> ids;
    for (const Key &key : m_byDeadline) {
        if (key.first > now)
            break;
        ids.push_back(key.second);
    }
    return ids;
}

QObject *TimerSchedule::advance(int id, Clock::time_point now)
{
    const auto it = m_timers.find(id);
    if (it == m_timers.end())
        return nullptr;
    m_byDeadline.erase(Key(it->deadline, id));
    const auto interval = std::chrono::milliseconds(it->intervalMs);
    it->deadline += interval;
    if (it->deadline <= now)
        it->deadline = now + interval;
    m_byDeadline.emplace(it->deadline, id);
    return it->object;
}

} // namespace afcgi
