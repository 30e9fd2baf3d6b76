#pragma once

#include <afcgi/hub.h>

#include "handlers/hub/channelhistory.h"
#include "handlers/hub/publishauth.h"
#include "handlers/hub/ratemeter.h"

#include <QHash>
#include <QMutex>

#include <atomic>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace afcgi {

class HubWorker;

// The state every worker shares: channels with their histories, and the worker-side halves.
// One mutex guards it; it is taken once per publish and once per subscribe, never per delivery:
// a publish posts one queued call to each worker, which fans the message out to its own
// subscribers without a lock.
class HubPrivate
{
public:
    explicit HubPrivate(const HubOptions &options);
    ~HubPrivate();
    static HubPrivate *get(Hub *hub) { return hub->d.get(); }

    // What a new subscription on the calling worker gets for one channel.
    struct Joined
    {
        int status = 200;           // 429 when the channel or subscriber limit is reached
        QString error;
        ChannelHistory::Resume resume;
        EventId at;                 // where the subscriber stands after the replay
    };
    // Registers one more subscriber of `channel` (created if needed) and says what to replay
    // after `last`. Must be called on the subscriber's worker thread, after
    // workerForCurrentThread(): every message published later reaches that worker afterwards.
    Joined join(const QByteArray &channel, std::optional<EventId> last);
    void leave(const QByteArray &channel);
    // The messages of `channel` after `last`, for a poll that does not stay subscribed.
    Joined peek(const QByteArray &channel, std::optional<EventId> last);

    HubWorker *workerForCurrentThread();
    void forgetWorker(HubWorker *worker);

    HubPublishResult publish(const QByteArray &channel, const QByteArray &data,
                             const QByteArray &event);
    bool close(const QByteArray &channel);
    HubStats stats() const;

    const HubOptions options;
    const PublishAuth auth;
    const quint64 epoch; // this instance's start: the epoch of the channels it creates
    std::atomic<qint64> delivered{0};
    std::atomic<qint64> slowResets{0};
    std::atomic<qint64> historyResets{0};

private:
    struct Channel
    {
        explicit Channel(quint64 epoch, ChannelHistory::Limits limits) : history(epoch, limits) {}
        ChannelHistory history;
        int subscribers = 0;
        qint64 published = 0;
        RateMeter rate;
    };
    friend class Hub;
    Channel *findOrCreate(const QByteArray &name, QString *error);
    void dropIfUnused(const QByteArray &name);
    ChannelHistory::Limits historyLimits() const;
    HubChannelInfo info(const QByteArray &name, const Channel &channel, qint64 nowMs) const;

    mutable QMutex m_mutex;
    QHash<QByteArray, Channel *> m_channels;
    QHash<QThread *, HubWorker *> m_workers;
    qint64 m_historyBytes = 0;
    qint64 m_published = 0;
    qint64 m_refused = 0;
    qint64 m_subscribers = 0;
};

} // namespace afcgi
