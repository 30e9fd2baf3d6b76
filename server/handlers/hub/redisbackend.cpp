#include "handlers/hub/redisbackend.h"

#include "handlers/hub/hubprivate.h"
#include "handlers/hub/redisqtadapter.h"

#include <utility>
#include <QDateTime>
#include <QLoggingCategory>
#include <QUrl>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

namespace afcgi {

Q_LOGGING_CATEGORY(lcRedis, "afcgi.hub.redis", QtInfoMsg)

namespace {
constexpr int kReconnectMs = 500;
constexpr char kAnnounce[] = "afcgi:hub";

// KEYS: sequence, epoch, stream. ARGV: channel, event, data, history count, now (ms).
constexpr char kPublishScript[] = R"(
local epoch = redis.call('GET', KEYS[2])
if not epoch then epoch = ARGV[5]; redis.call('SET', KEYS[2], epoch) end
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[4], seq .. '-0', 'event', ARGV[2], 'data', ARGV[3], 'ms', ARGV[5])
redis.call('PUBLISH', 'afcgi:hub', 'M' .. epoch .. ':' .. seq .. '\0' .. ARGV[1] .. '\0' .. ARGV[2] .. '\0' .. ARGV[5] .. '\0' .. ARGV[3])
return {epoch, seq})";
// KEYS: sequence, epoch, stream. ARGV: channel.
constexpr char kCloseScript[] = R"(
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('PUBLISH', 'afcgi:hub', 'C' .. ARGV[1])
return 1)";
// KEYS: sequence, epoch, stream. ARGV: first sequence wanted, the epoch it belongs to (from
// another epoch, the whole stream is wanted).
constexpr char kSyncScript[] = R"(
local epoch = redis.call('GET', KEYS[2]) or ''
local from = ARGV[1] .. '-0'
if epoch ~= ARGV[2] then from = '-' end
return {epoch, redis.call('GET', KEYS[1]) or '0', redis.call('XRANGE', KEYS[3], from, '+')})";

QByteArray key(const QByteArray &channel, const char *part)
{
    return "afcgi:hub:" + channel + ':' + part;
}

QByteArray text(const redisReply *reply)
{
    return reply && (reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS
                     || reply->type == REDIS_REPLY_ERROR)
        ? QByteArray(reply->str, qsizetype(reply->len))
        : QByteArray();
}

// One script call; the callback gets the reply (nullptr when the connection went away).
template <typename Fn>
void evalScript(redisAsyncContext *context, const char *script, const QByteArray &channel,
                const QList<QByteArray> &args, Fn fn)
{
    QList<QByteArray> argv{"EVAL", script, "3", key(channel, "seq"), key(channel, "epoch"),
                           key(channel, "stream")};
    argv += args;
    std::vector<const char *> pointers;
    std::vector<size_t> lengths;
    for (const QByteArray &a : argv) {
        pointers.push_back(a.constData());
        lengths.push_back(size_t(a.size()));
    }
    auto *callback = new Fn(std::move(fn));
    const int rc = redisAsyncCommandArgv(
        context,
        [](redisAsyncContext *, void *reply, void *data) {
            auto *f = static_cast<Fn *>(data);
            (*f)(static_cast<redisReply *>(reply));
            delete f;
        },
        callback, int(pointers.size()), pointers.data(), lengths.data());
    if (rc != REDIS_OK) {
        (*callback)(nullptr);
        delete callback;
    }
}
} // namespace

RedisBackend::RedisBackend(HubPrivate *hub, const QString &url) : m_hub(hub)
{
    const QUrl parsed(url);
    m_host = parsed.host().isEmpty() ? QStringLiteral("127.0.0.1") : parsed.host();
    m_port = parsed.port(6379);
    m_error = QStringLiteral("not connected to Redis at %1:%2 yet").arg(m_host).arg(m_port);
    m_thread.setObjectName(QStringLiteral("hub-redis"));
    moveToThread(&m_thread);
    m_reconnect.moveToThread(&m_thread);
    m_reconnect.setSingleShot(true);
    m_reconnect.setInterval(kReconnectMs);
    connect(&m_reconnect, &QTimer::timeout, this, &RedisBackend::connectNow);
    m_thread.start();
    QMetaObject::invokeMethod(this, &RedisBackend::connectNow, Qt::QueuedConnection);
}

RedisBackend::~RedisBackend()
{
    QMetaObject::invokeMethod(this, [this] {
        m_reconnect.stop();
        for (redisAsyncContext *c : {std::exchange(m_command, nullptr), std::exchange(m_subscriber, nullptr)}) {
            if (c) {
                c->data = nullptr;
                redisAsyncFree(c);
            }
        }
        moveToThread(nullptr);
        m_thread.quit();
    }, Qt::BlockingQueuedConnection);
    m_thread.wait();
}

bool RedisBackend::isUp() const
{
    QMutexLocker lock(&m_stateMutex);
    return m_up;
}

QString RedisBackend::errorString() const
{
    QMutexLocker lock(&m_stateMutex);
    return m_error;
}

void RedisBackend::setState(bool up, const QString &error)
{
    {
        QMutexLocker lock(&m_stateMutex);
        if (m_up == up && m_error == error)
            return;
        m_up = up;
        m_error = error;
    }
    if (up) {
        qCInfo(lcRedis).noquote() << "connected to Redis at" << m_host << m_port;
        m_hub->backendUp(); // every channel known here is synchronised again
    } else {
        qCWarning(lcRedis).noquote() << "Redis unreachable:" << error;
        m_hub->backendDown();
    }
}

void RedisBackend::onConnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisBackend *>(context->data);
    if (!self)
        return;
    if (status != REDIS_OK) {
        self->lost(QString::fromLocal8Bit(context->errstr));
        return;
    }
    if (++self->m_connected == 2)
        self->setState(true, {});
}

void RedisBackend::onDisconnect(const redisAsyncContext *context, int)
{
    auto *self = static_cast<RedisBackend *>(context->data);
    if (!self)
        return;
    const QString why = context->errstr[0] ? QString::fromLocal8Bit(context->errstr)
                                           : QStringLiteral("connection closed");
    if (context == self->m_command)
        self->m_command = nullptr;
    if (context == self->m_subscriber)
        self->m_subscriber = nullptr;
    self->lost(why);
}

void RedisBackend::lost(const QString &why)
{
    // Both connections go, and come back together.
    for (redisAsyncContext *c : {std::exchange(m_command, nullptr), std::exchange(m_subscriber, nullptr)}) {
        if (c) {
            c->data = nullptr;
            redisAsyncDisconnect(c);
        }
    }
    m_connected = 0;
    m_held.clear();
    setState(false, QStringLiteral("Redis at %1:%2: %3").arg(m_host).arg(m_port).arg(why));
    if (!m_reconnect.isActive())
        m_reconnect.start();
}

void RedisBackend::connectNow()
{
    const QByteArray host = m_host.toUtf8();
    m_command = redisAsyncConnect(host.constData(), m_port);
    m_subscriber = redisAsyncConnect(host.constData(), m_port);
    for (redisAsyncContext *c : {m_command, m_subscriber}) {
        if (!c || c->err) {
            const QString why = c ? QString::fromLocal8Bit(c->errstr) : QStringLiteral("out of memory");
            if (c)
                redisAsyncFree(c);
            m_command = m_subscriber = nullptr;
            lost(why);
            return;
        }
    }
    for (redisAsyncContext *c : {m_command, m_subscriber}) {
        c->data = this;
        attachRedisToQt(c, this);
        redisAsyncSetConnectCallback(c, &RedisBackend::onConnect);
        redisAsyncSetDisconnectCallback(c, &RedisBackend::onDisconnect);
    }
    redisAsyncCommand(m_subscriber, [](redisAsyncContext *c, void *r, void *) {
        auto *self = static_cast<RedisBackend *>(c->data);
        auto *reply = static_cast<redisReply *>(r);
        // ["message", channel, payload] for each announcement ("subscribe" confirms first).
        if (self && reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 3
            && text(reply->element[0]) == "message")
            self->onMessage(text(reply->element[2]));
    }, nullptr, "SUBSCRIBE %s", kAnnounce);
}

void RedisBackend::publish(const QByteArray &channel, const QByteArray &event, const QByteArray &data,
                           Done done)
{
    const int count = qMax(1, m_hub->options.historyCount);
    QMetaObject::invokeMethod(this, [this, channel, event, data, done, count] {
        if (!m_command) {
            done({503, errorString(), {}, 0});
            return;
        }
        const QByteArray now = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
        evalScript(m_command, kPublishScript, channel, {channel, event, data, QByteArray::number(count), now},
                   [this, channel, done](redisReply *reply) {
                       if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
                           done({503, QStringLiteral("Redis did not store the message: %1")
                                          .arg(reply ? QString::fromUtf8(text(reply)) : errorString()),
                                 {}, 0});
                           return;
                       }
                       const QByteArray id = text(reply->element[0]) + ':'
                                             + QByteArray::number(reply->element[1]->integer);
                       done({200, {}, id, m_hub->localSubscribers(channel)});
                   });
    }, Qt::QueuedConnection);
}

void RedisBackend::close(const QByteArray &channel)
{
    QMetaObject::invokeMethod(this, [this, channel] {
        if (m_command)
            evalScript(m_command, kCloseScript, channel, {channel}, [](redisReply *) {});
    }, Qt::QueuedConnection);
}

void RedisBackend::sync(const QByteArray &channel, EventId after)
{
    QMetaObject::invokeMethod(this, [this, channel, after] {
        if (!m_command || m_held.contains(channel))
            return; // not connected (backendUp() syncs again), or already under way
        m_held.insert(channel, {});
        requestSync(channel, after);
    }, Qt::QueuedConnection);
}

void RedisBackend::requestSync(const QByteArray &channel, EventId after)
{
    evalScript(m_command, kSyncScript, channel,
               {QByteArray::number(after.sequence + 1), QByteArray::number(after.epoch)},
               [this, channel](redisReply *reply) { onSynced(channel, reply); });
}

void RedisBackend::onSynced(const QByteArray &channel, redisReply *reply)
{
    const QList<QByteArray> held = m_held.take(channel);
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3)
        return; // the connection went away: lost() has it synchronised again later
    const quint64 epoch = text(reply->element[0]).toULongLong();
    const quint64 sequence = text(reply->element[1]).toULongLong();
    QList<HubMessage> messages;
    const redisReply *entries = reply->element[2];
    for (size_t i = 0; entries && i < entries->elements; ++i) {
        const redisReply *entry = entries->element[i]; // [id, [field, value, ...]]
        if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2)
            continue;
        QByteArray event, data;
        qint64 ms = 0;
        const redisReply *fields = entry->element[1];
        for (size_t f = 0; f + 1 < fields->elements; f += 2) {
            const QByteArray name = text(fields->element[f]);
            if (name == "event")
                event = text(fields->element[f + 1]);
            else if (name == "data")
                data = text(fields->element[f + 1]);
            else if (name == "ms")
                ms = text(fields->element[f + 1]).toLongLong();
        }
        const quint64 seq = text(entry->element[0]).split('-').value(0).toULongLong();
        messages.append(makeHubMessage(channel, {epoch, seq}, event, data, ms));
    }
    m_hub->applySync(channel, epoch, sequence, messages);
    for (const QByteArray &payload : held)
        onMessage(payload); // duplicates of the stream are dropped by their sequence
}

void RedisBackend::onMessage(const QByteArray &payload)
{
    if (payload.startsWith('C')) {
        m_hub->closeLocal(payload.mid(1));
        return;
    }
    // "M<epoch>:<seq>\0<channel>\0<event>\0<ms>\0<data>"
    const QList<QByteArray> parts = payload.mid(1).split('\0');
    if (!payload.startsWith('M') || parts.size() < 5)
        return;
    const auto id = EventId::parse(parts[0]);
    if (!id)
        return;
    const QByteArray &channel = parts[1];
    qsizetype dataAt = 1;
    for (int i = 0; i < 4; ++i)
        dataAt = payload.indexOf('\0', dataAt) + 1;
    if (m_held.contains(channel)) {
        m_held[channel].append(payload); // after the sync, in order
        return;
    }
    const HubMessage message = makeHubMessage(channel, *id, parts[2], payload.mid(dataAt),
                                              parts[3].toLongLong());
    if (m_hub->commitShared(message) == HubPrivate::Commit::Gap) {
        // Something was missed (a reconnection, a channel new here): fill it from the stream.
        m_held.insert(channel, {payload});
        requestSync(channel, m_hub->lastId(channel));
    }
}

} // namespace afcgi
