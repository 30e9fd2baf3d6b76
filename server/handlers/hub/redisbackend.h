#pragma once

#include "handlers/hub/hubmessage.h"

#include <afcgi/hub.h>

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QThread>
#include <QTimer>

#include <functional>

struct redisAsyncContext;
struct redisReply;

namespace afcgi {

class HubPrivate;

// The hub's shared store: Redis, through hiredis on a thread of its own. Per channel a sequence
// (INCR), an epoch (set once) and a stream (XADD <seq>-0 MAXLEN history-count) hold the ids and
// the shared history; one pub/sub channel carries every message to every instance, which
// commits it to its local history and fans it out like a local publish. A publish is one Lua
// script (number, store, announce: atomic, so every instance sees the same order). A message
// that arrives after a gap, a channel a subscriber asks for before this instance has seen it,
// and every channel after a reconnection are synchronised from the stream (XRANGE): what can be
// replayed is, and only what is lost for good becomes a reset event. Reconnects by itself.
class RedisBackend final : public QObject
{
public:
    using Done = std::function<void(const HubPublishResult &)>;

    RedisBackend(HubPrivate *hub, const QString &url);
    ~RedisBackend() override;

    bool isUp() const;
    QString errorString() const;

    // From any thread; `done` runs on the backend's thread.
    void publish(const QByteArray &channel, const QByteArray &event, const QByteArray &data, Done done);
    void close(const QByteArray &channel);
    // Brings `channel`'s local history, which ends at `after`, up to the stream.
    void sync(const QByteArray &channel, EventId after);

private:
    void connectNow();
    void lost(const QString &why);
    void onMessage(const QByteArray &payload);
    void requestSync(const QByteArray &channel, EventId after);
    void onSynced(const QByteArray &channel, redisReply *reply);
    void setState(bool up, const QString &error);
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);

    HubPrivate *m_hub;
    QString m_host;
    int m_port = 6379;
    QThread m_thread;
    QTimer m_reconnect;
    redisAsyncContext *m_command = nullptr;
    redisAsyncContext *m_subscriber = nullptr;
    int m_connected = 0; // of the two contexts
    mutable QMutex m_stateMutex;
    bool m_up = false;
    QString m_error;
    QHash<QByteArray, QList<QByteArray>> m_held; // messages that arrived while their channel syncs
};

} // namespace afcgi
