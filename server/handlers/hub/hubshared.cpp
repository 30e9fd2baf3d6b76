// HubPrivate's side of a shared store (Redis): messages numbered by the store, channels
// synchronised from it, and what a subscriber is told when the store was out of reach.
#include "handlers/hub/hubprivate.h"

#include "handlers/hub/hubworker.h"
#ifdef AFCGI_HAVE_HIREDIS
#include "handlers/hub/redisbackend.h"
#else
namespace afcgi {
// Built without hiredis: never made (Service refuses --hub-redis), but the calls compile.
class RedisBackend
{
public:
    bool isUp() const { return false; }
    QString errorString() const { return {}; }
    void sync(const QByteArray &, EventId) {}
    void publish(const QByteArray &, const QByteArray &, const QByteArray &,
                 std::function<void(const HubPublishResult &)>) {}
    void close(const QByteArray &) {}
};
} // namespace afcgi
#endif

#include <QDateTime>
#include <QMetaObject>

namespace afcgi {

HubPrivate::HubPrivate(const HubOptions &o)
    : options(o), auth(o.publishAllow, o.publishSecret),
      epoch(quint64(QDateTime::currentMSecsSinceEpoch()))
{
}

HubPrivate::~HubPrivate()
{
    stopBackend();
    qDeleteAll(m_channels);
}

bool HubPrivate::backendReachable(QString *why) const
{
    if (!m_backend || m_backend->isUp())
        return true;
    *why = m_backend->errorString();
    return false;
}

void HubPrivate::publishShared(const QByteArray &channel, const QByteArray &event,
                               const QByteArray &data, QObject *context,
                               std::function<void(const HubPublishResult &)> done)
{
    if (m_backend->isUp()) {
        QMutexLocker lock(&m_mutex);
        ++m_published; // counted as accepted here; the store numbers it
    }
    QPointer<QObject> guard(context);
    m_backend->publish(channel, event, data, [this, guard, done](const HubPublishResult &result) {
        if (result.status != 200) {
            QMutexLocker lock(&m_mutex);
            ++m_refused;
            --m_published;
        }
        if (guard && done)
            QMetaObject::invokeMethod(guard, [done, result] { done(result); }, Qt::QueuedConnection);
    });
}

void HubPrivate::closeShared(const QByteArray &channel)
{
    m_backend->close(channel);
}

bool HubPrivate::redisAvailable()
{
#ifdef AFCGI_HAVE_HIREDIS
    return true;
#else
    return false;
#endif
}

void HubPrivate::startBackend()
{
#ifdef AFCGI_HAVE_HIREDIS
    if (!options.redisUrl.isEmpty())
        m_backend = std::make_unique<RedisBackend>(this, options.redisUrl);
#endif
}

void HubPrivate::stopBackend()
{
    m_backend.reset(); // before the channels: it calls into them
}

HubPrivate::Channel *HubPrivate::sharedChannel(const QByteArray &name, quint64 epoch)
{
    // Messages from the store are never refused here: they were accepted already.
    Channel *&channel = m_channels[name];
    if (!channel)
        channel = new Channel(epoch ? epoch : this->epoch, historyLimits());
    // A channel that never had a message here takes the store's epoch without a reset: its
    // subscribers stand before the first message whatever the epoch.
    const EventId last = channel->history.lastId();
    if (epoch && last.epoch != epoch && last.sequence == 0 && channel->history.count() == 0)
        channel->history.restart(epoch, 0);
    return channel;
}

HubPrivate::Commit HubPrivate::commitShared(const HubMessage &message)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QMutexLocker lock(&m_mutex);
    Channel *channel = sharedChannel(message.channel, message.id.epoch);
    const EventId last = channel->history.lastId();
    if (last.epoch == message.id.epoch && message.id.sequence <= last.sequence)
        return Commit::Duplicate;
    if (last.epoch != message.id.epoch || message.id.sequence != last.sequence + 1)
        return Commit::Gap;
    HubMessage m = message;
    m.ordinal = ++m_ordinal;
    m_historyBytes += m.cost() - channel->history.append(m, now);
    ++channel->published;
    channel->rate.add(now);
    deliver(m);
    return Commit::Committed;
}

void HubPrivate::applySync(const QByteArray &name, quint64 storeEpoch, quint64 sequence,
                           const QList<HubMessage> &messages)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QMutexLocker lock(&m_mutex);
    if (storeEpoch == 0) { // the store has no such channel (yet): what is here stands
        sharedChannel(name, 0)->synced = true;
        releaseWaiters(name);
        return;
    }
    Channel *channel = sharedChannel(name, storeEpoch);
    const EventId last = channel->history.lastId();
    const quint64 firstKept = messages.isEmpty() ? sequence + 1 : messages.first().id.sequence;
    const bool sameEpoch = last.epoch == storeEpoch;
    if (!sameEpoch || firstKept > last.sequence + 1) {
        // What lies between is gone for good: start over where the store's history starts.
        const bool hadSubscribersAtOldIds = channel->subscribers > 0 && (last.sequence > 0 || !sameEpoch);
        m_historyBytes -= channel->history.restart(storeEpoch, firstKept - 1);
        if (hadSubscribersAtOldIds)
            resetSubscribers(name, channel->history.lastId(), sameEpoch ? ResetReason::Backend
                                                                        : ResetReason::OtherEpoch);
    }
    for (const HubMessage &message : messages) {
        if (message.id.sequence != channel->history.lastId().sequence + 1)
            continue; // already here
        HubMessage m = message;
        m.ordinal = ++m_ordinal;
        m_historyBytes += m.cost() - channel->history.append(m, now);
        ++channel->published;
        deliver(m);
    }
    channel->synced = true;
    releaseWaiters(name);
}

void HubPrivate::closeLocal(const QByteArray &name)
{
    close(name);
}

void HubPrivate::backendUp()
{
    QList<QPair<QByteArray, EventId>> channels;
    {
        QMutexLocker lock(&m_mutex);
        for (auto it = m_channels.cbegin(); it != m_channels.cend(); ++it)
            channels.append({it.key(), it.value()->history.lastId()});
        for (auto it = m_waiters.cbegin(); it != m_waiters.cend(); ++it) {
            if (!m_channels.contains(it.key()))
                channels.append({it.key(), EventId{}});
        }
    }
    // Whatever was published while the store was out of reach is fetched now; only what it no
    // longer has becomes a reset.
    for (const auto &[name, last] : channels)
        m_backend->sync(name, last);
}

void HubPrivate::backendDown()
{
    QMutexLocker lock(&m_mutex);
    for (Channel *channel : std::as_const(m_channels))
        channel->synced = false;
    // Nobody waits for a store that does not answer: they join what is here.
    const QList<QByteArray> waiting = m_waiters.keys();
    for (const QByteArray &name : waiting)
        releaseWaiters(name);
}

void HubPrivate::releaseWaiters(const QByteArray &name)
{
    for (const Waiter &waiter : m_waiters.take(name)) {
        if (waiter.context)
            QMetaObject::invokeMethod(waiter.context, waiter.fn, Qt::QueuedConnection);
    }
}

EventId HubPrivate::lastId(const QByteArray &name) const
{
    QMutexLocker lock(&m_mutex);
    const Channel *channel = m_channels.value(name);
    return channel ? channel->history.lastId() : EventId{};
}

int HubPrivate::localSubscribers(const QByteArray &name) const
{
    QMutexLocker lock(&m_mutex);
    const Channel *channel = m_channels.value(name);
    return channel ? channel->subscribers : 0;
}

bool HubPrivate::whenSynced(const QByteArray &name, QObject *context, std::function<void()> fn)
{
    if (!m_backend || !m_backend->isUp())
        return true;
    EventId last;
    {
        QMutexLocker lock(&m_mutex);
        const Channel *channel = m_channels.value(name);
        if (channel && channel->synced)
            return true;
        if (channel)
            last = channel->history.lastId();
        m_waiters[name].append({context, std::move(fn)});
    }
    m_backend->sync(name, last);
    return false;
}

} // namespace afcgi
