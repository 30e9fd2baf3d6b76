#include "handlers/hub/hubprivate.h"

#include "handlers/hub/hubworker.h"

#include <QDateTime>
#include <QThread>

namespace afcgi {

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

ChannelHistory::Limits HubPrivate::historyLimits() const
{
    return {options.historyCount, options.historyBytes, options.historyAgeMs};
}

HubPrivate::Channel *HubPrivate::findOrCreate(const QByteArray &name, QString *error)
{
    if (Channel *channel = m_channels.value(name))
        return channel;
    if (m_channels.size() >= options.maxChannels) {
        *error = QStringLiteral("too many channels (max-channels %1)").arg(options.maxChannels);
        return nullptr;
    }
    auto *channel = new Channel(epoch, historyLimits());
    m_channels.insert(name, channel);
    return channel;
}

void HubPrivate::dropIfUnused(const QByteArray &name)
{
    // A channel lives while it has subscribers or a history to resume from.
    const auto it = m_channels.find(name);
    if (it == m_channels.end() || it.value()->subscribers > 0 || it.value()->history.count() > 0)
        return;
    delete it.value();
    m_channels.erase(it);
}

HubWorker *HubPrivate::workerForCurrentThread()
{
    QThread *thread = QThread::currentThread();
    QMutexLocker lock(&m_mutex);
    if (HubWorker *worker = m_workers.value(thread))
        return worker;
    auto *worker = new HubWorker(this);
    m_workers.insert(thread, worker);
    // QThread::finished is emitted on the ending thread itself: a direct call.
    QObject::connect(thread, &QThread::finished, worker, &HubWorker::threadFinished,
                     Qt::DirectConnection);
    return worker;
}

void HubPrivate::forgetWorker(HubWorker *worker)
{
    QMutexLocker lock(&m_mutex);
    for (auto it = m_workers.begin(); it != m_workers.end(); ++it) {
        if (it.value() == worker) {
            m_workers.erase(it);
            return;
        }
    }
}

HubPrivate::Joined HubPrivate::join(const QByteArray &name, std::optional<EventId> last)
{
    Joined joined;
    const qint64 now = nowMs();
    QMutexLocker lock(&m_mutex);
    Channel *channel = findOrCreate(name, &joined.error);
    if (!channel) {
        joined.status = 429;
        return joined;
    }
    if (channel->subscribers >= options.maxSubscribersPerChannel) {
        joined.status = 429;
        joined.error = QStringLiteral("too many subscribers on channel '%1' (max-subscribers %2)")
                           .arg(QString::fromUtf8(name)).arg(options.maxSubscribersPerChannel);
        return joined;
    }
    ++channel->subscribers;
    ++m_subscribers;
    joined.resume = channel->history.resume(last, now);
    joined.at = channel->history.lastId();
    if (joined.resume.reset != ResetReason::None)
        historyResets.fetch_add(1, std::memory_order_relaxed);
    return joined;
}

HubPrivate::Joined HubPrivate::peek(const QByteArray &name, std::optional<EventId> last)
{
    Joined joined;
    const qint64 now = nowMs();
    QMutexLocker lock(&m_mutex);
    if (const Channel *channel = m_channels.value(name)) {
        joined.resume = channel->history.resume(last, now);
        joined.at = channel->history.lastId();
    } else {
        // A channel that does not exist (yet) has no message: any id but epoch:0 is unknown.
        ChannelHistory empty(epoch, historyLimits());
        joined.resume = empty.resume(last, now);
        joined.at = empty.lastId();
    }
    if (joined.resume.reset != ResetReason::None)
        historyResets.fetch_add(1, std::memory_order_relaxed);
    return joined;
}

void HubPrivate::leave(const QByteArray &name)
{
    QMutexLocker lock(&m_mutex);
    if (Channel *channel = m_channels.value(name)) {
        --channel->subscribers;
        --m_subscribers;
        dropIfUnused(name);
    }
}

HubPublishResult HubPrivate::check(const QByteArray &name, const QByteArray &data)
{
    HubPublishResult result;
    if (!Hub::isValidChannelName(name)) {
        result = {400, QStringLiteral("invalid channel name"), {}, 0};
    } else if (data.size() > options.maxMessageBytes) {
        result = {413, QStringLiteral("message of %1 bytes is over max-message-bytes %2")
                           .arg(data.size()).arg(options.maxMessageBytes), {}, 0};
    } else if (!backendReachable(&result.error)) {
        result.status = 503;
    }
    if (result.status != 200) {
        QMutexLocker lock(&m_mutex);
        ++m_refused;
    }
    return result;
}

HubPublishResult HubPrivate::publish(const QByteArray &name, const QByteArray &data,
                                     const QByteArray &event)
{
    HubPublishResult result = check(name, data);
    if (result.status != 200)
        return result;
    const qint64 now = nowMs();
    QMutexLocker lock(&m_mutex);
    const auto refuse = [&](int status, const QString &error) {
        ++m_refused;
        result.status = status;
        result.error = error;
        return result;
    };
    QString error;
    Channel *channel = findOrCreate(name, &error);
    if (!channel)
        return refuse(429, error);
    m_historyBytes -= channel->history.expire(now);
    HubMessage message = makeHubMessage(name, channel->history.nextId(), event, data, now);
    message.ordinal = ++m_ordinal;
    if (m_historyBytes + message.cost() > options.totalHistoryBytes) {
        dropIfUnused(name);
        return refuse(503, QStringLiteral("history memory is full (total-history-bytes %1)")
                               .arg(options.totalHistoryBytes));
    }
    m_historyBytes += message.cost() - channel->history.append(message, now);
    ++channel->published;
    ++m_published;
    channel->rate.add(now);
    result.id = message.id.toString();
    result.subscribers = channel->subscribers;
    deliver(message);
    return result;
}

void HubPrivate::deliver(const HubMessage &message)
{
    // Posted under the lock, so every worker receives a channel's messages in id order.
    for (HubWorker *worker : std::as_const(m_workers))
        worker->post(message);
}

bool HubPrivate::close(const QByteArray &name)
{
    QMutexLocker lock(&m_mutex);
    Channel *channel = m_channels.take(name);
    if (!channel)
        return false;
    m_historyBytes -= channel->history.bytes();
    m_subscribers -= channel->subscribers;
    delete channel;
    for (HubWorker *worker : std::as_const(m_workers))
        worker->postClose(name);
    return true;
}

void HubPrivate::resetSubscribers(const QByteArray &name, EventId at, ResetReason reason)
{
    historyResets.fetch_add(1, std::memory_order_relaxed);
    for (HubWorker *worker : std::as_const(m_workers))
        worker->postReset(name, at, reason);
}

HubChannelInfo HubPrivate::info(const QByteArray &name, const Channel &channel, qint64 now) const
{
    HubChannelInfo info;
    info.name = name;
    if (channel.history.lastId().sequence > 0)
        info.lastId = channel.history.lastId().toString();
    info.subscribers = channel.subscribers;
    info.messages = channel.published;
    info.historyCount = channel.history.count();
    info.historyBytes = channel.history.bytes();
    info.messagesPerSecond = channel.rate.perSecond(now);
    return info;
}

HubStats HubPrivate::stats() const
{
    HubStats s;
    s.backendUp = backendReachable(&s.backendError);
    QMutexLocker lock(&m_mutex);
    s.channels = int(m_channels.size());
    s.subscribers = m_subscribers;
    s.published = m_published;
    s.refused = m_refused;
    s.historyBytes = m_historyBytes;
    s.delivered = delivered.load(std::memory_order_relaxed);
    s.slowResets = slowResets.load(std::memory_order_relaxed);
    s.historyResets = historyResets.load(std::memory_order_relaxed);
    return s;
}

} // namespace afcgi
