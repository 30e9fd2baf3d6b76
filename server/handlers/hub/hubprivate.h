#pragma once

#include <afcgi/hub.h>

#include "handlers/hub/channelhistory.h"
#include "handlers/hub/publishauth.h"
#include "handlers/hub/ratemeter.h"

#include <QHash>
#include <QMutex>
#include <QPointer>

#include <functional>
#include <memory>

#include <atomic>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace afcgi {

class HubWorker;
class RedisBackend;

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
    // The checks a publish passes before it is numbered: 200, or a refusal with its reason.
    HubPublishResult check(const QByteArray &channel, const QByteArray &data);
    bool close(const QByteArray &channel);
    HubStats stats() const;

    // --- with a shared store (Redis): called on the backend's thread --------------------------
    static bool redisAvailable(); // built with hiredis
    void startBackend();          // when options.redisUrl is set
    bool backendReachable(QString *why) const; // true without a store
    // Through the store: numbered there, announced to every instance (this one too). `done`,
    // if any, runs on `context`'s thread with the id.
    void publishShared(const QByteArray &channel, const QByteArray &event, const QByteArray &data,
                       QObject *context, std::function<void(const HubPublishResult &)> done);
    void closeShared(const QByteArray &channel);
    void stopBackend();
    RedisBackend *backend() const { return m_backend.get(); }
    enum class Commit { Committed, Duplicate, Gap };
    // A message numbered by the store: appended and fanned out unless already here; a Gap
    // means something before it is missing (the caller synchronises the channel).
    Commit commitShared(const HubMessage &message);
    // The store's view of a channel: its epoch (0: none), last sequence and the messages kept
    // from the one asked for on. Missing messages are delivered; what the store no longer has
    // becomes a reset event for the channel's subscribers.
    void applySync(const QByteArray &channel, quint64 epoch, quint64 sequence,
                   const QList<HubMessage> &messages);
    void closeLocal(const QByteArray &channel);
    void backendUp();
    void backendDown();
    EventId lastId(const QByteArray &channel) const;
    int localSubscribers(const QByteArray &channel) const;
    // Whether `channel` can be joined now; if not, `fn` runs on `context`'s thread once the
    // store has synchronised it (or is found unreachable).
    bool whenSynced(const QByteArray &channel, QObject *context, std::function<void()> fn);

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
        bool synced = false; // with a shared store: the history is the store's
    };
    struct Waiter
    {
        QPointer<QObject> context;
        std::function<void()> fn;
    };
    friend class Hub;
    Channel *findOrCreate(const QByteArray &name, QString *error);
    void dropIfUnused(const QByteArray &name);
    ChannelHistory::Limits historyLimits() const;
    HubChannelInfo info(const QByteArray &name, const Channel &channel, qint64 nowMs) const;
    Channel *sharedChannel(const QByteArray &name, quint64 epoch);
    void deliver(const HubMessage &message);        // to every worker, under the lock
    void resetSubscribers(const QByteArray &name, EventId at, ResetReason reason);
    void releaseWaiters(const QByteArray &name);

    mutable QMutex m_mutex;
    QHash<QByteArray, Channel *> m_channels;
    QHash<QThread *, HubWorker *> m_workers;
    qint64 m_historyBytes = 0;
    qint64 m_published = 0;
    qint64 m_refused = 0;
    qint64 m_subscribers = 0;
    quint64 m_ordinal = 0; // publish order across channels
    QHash<QByteArray, QList<Waiter>> m_waiters;
    std::unique_ptr<RedisBackend> m_backend;
};

} // namespace afcgi
