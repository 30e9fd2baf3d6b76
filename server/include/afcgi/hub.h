#pragma once
// The publish/subscribe hub: channels of messages with ids, bounded history and exact resume,
// delivered to subscribers as server-sent events or long polls (see README, "Live updates").

#include <afcgi/afcgi_global.h>

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QObject;
QT_END_NAMESPACE

namespace afcgi {

class HubPrivate;

// What a hub allows. afcgid fills it from its [hub] section; every limit has a safe default.
struct HubOptions
{
    QString publishPrefix = QStringLiteral("/pub");
    QString subscribePrefix = QStringLiteral("/sub");
    int maxChannels = 10000;                  // channels alive at once (429 past it)
    int maxSubscribersPerChannel = 100000;    // across all workers (429 past it)
    int maxChannelsPerSubscriber = 16;        // GET /sub/a,b,... (400 past it)
    qint64 maxMessageBytes = 64 * 1024;       // one message's data (413 past it)
    int historyCount = 100;                   // messages kept per channel for resume
    qint64 historyBytes = 1024 * 1024;        // of one channel's history
    qint64 historyAgeMs = 3600 * 1000;        // older messages leave the history
    qint64 totalHistoryBytes = 256 * 1024 * 1024; // all channels together (503 past it)
    qint64 subscriberQueueBytes = 256 * 1024; // a slow subscriber's backlog, then reset + close
    int keepAliveMs = 15000;                  // ": keep-alive" comment on idle streams
    int longPollTimeoutMs = 30000;            // a long poll with nothing new answers 304 then
    QStringList publishAllow;                 // addresses or subnets that may publish
    QByteArray publishSecret;                 // or a request with this secret (X-Hub-Secret)
    QString redisUrl;                         // redis://host:port/db: share channels between instances
};

// A channel as GET /pub/{channel} shows it.
struct HubChannelInfo
{
    QByteArray name;
    QByteArray lastId;        // "epoch:sequence" of its last message; empty before the first
    int subscribers = 0;      // on every worker of this instance
    qint64 messages = 0;      // published since the channel was created here
    int historyCount = 0;
    qint64 historyBytes = 0;
    double messagesPerSecond = 0; // over the last few seconds
};

// Totals for /status, /metrics and the monitor.
struct HubStats
{
    int channels = 0;
    qint64 subscribers = 0;
    qint64 published = 0;     // messages accepted
    qint64 delivered = 0;     // message copies handed to subscribers
    qint64 refused = 0;       // publishes answered 4xx/5xx
    qint64 slowResets = 0;    // subscribers cut off for a full queue
    qint64 historyResets = 0; // resets sent for an id out of history or from another epoch
    qint64 historyBytes = 0;
    bool backendUp = true;    // Redis reachable (always true without Redis)
    QString backendError;
};

// What publish() did. status 200 means accepted; otherwise the HTTP status that /pub answers
// (403, 413, 429, 503) and `error` says why.
struct HubPublishResult
{
    int status = 200;
    QString error;
    QByteArray id;            // "epoch:sequence"
    int subscribers = 0;      // subscribers on this instance it was sent to
};

// One hub serves every worker thread. Thread-safe: publish() from any handler, any thread.
// Publishing from an application's handler is one line:
//
//     service.hub()->publish("news", QByteArray("{\"title\":\"...\"}"));
class AFCGI_EXPORT Hub
{
public:
    explicit Hub(const HubOptions &options = {});
    ~Hub();

    const HubOptions &options() const;

    // Publishes `data` on `channel` with an optional SSE event type. With Redis configured the
    // message reaches every instance, and the result arrives only once Redis has stored it:
    // publish() then answers with id empty and status 202; use publishAsync() to learn the id.
    HubPublishResult publish(QByteArrayView channel, QByteArrayView data, QByteArrayView event = {});
    // The same, with the result handed to `done` on `context`'s thread (never if it is deleted).
    void publishAsync(QByteArrayView channel, QByteArrayView data, QByteArrayView event,
                      QObject *context, std::function<void(const HubPublishResult &)> done);
    // Closes a channel: its subscribers get a final "close" event, its history is dropped.
    bool closeChannel(QByteArrayView channel);

    bool channelInfo(QByteArrayView channel, HubChannelInfo *info) const;
    QList<HubChannelInfo> channels() const; // busiest first
    HubStats stats() const;

    // Whether `channel` is a valid name: 1 to 128 bytes of letters, digits and "-_.:@~".
    static bool isValidChannelName(QByteArrayView channel);

private:
    friend class HubPrivate;
    Q_DISABLE_COPY_MOVE(Hub)
    std::unique_ptr<HubPrivate> d;
};

} // namespace afcgi
