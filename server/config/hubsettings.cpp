#include "config/hubsettings.h"

#include <limits>

namespace afcgi {

namespace {
struct NumericSetting
{
    const char *key;
    qint64 min;
    qint64 max;
};
constexpr qint64 kIntMax = std::numeric_limits<int>::max();
constexpr NumericSetting kNumeric[] = {
    {"max-channels", 1, kIntMax},
    {"max-subscribers", 1, kIntMax},
    {"max-channels-per-subscriber", 1, 256},
    {"max-message-bytes", 1, qint64(64) << 20},
    {"history-count", 0, kIntMax},
    {"history-bytes", 0, qint64(1) << 40},
    {"history-age", 0, qint64(1) << 40},
    {"total-history-bytes", 0, qint64(1) << 40},
    {"subscriber-queue-bytes", 1024, qint64(1) << 32},
    {"keep-alive", 0, kIntMax},
    {"long-poll-timeout", 1, kIntMax},
};

void setNumber(HubOptions &o, const QString &key, qint64 n)
{
    if (key == QLatin1String("max-channels")) o.maxChannels = int(n);
    else if (key == QLatin1String("max-subscribers")) o.maxSubscribersPerChannel = int(n);
    else if (key == QLatin1String("max-channels-per-subscriber")) o.maxChannelsPerSubscriber = int(n);
    else if (key == QLatin1String("max-message-bytes")) o.maxMessageBytes = n;
    else if (key == QLatin1String("history-count")) o.historyCount = int(n);
    else if (key == QLatin1String("history-bytes")) o.historyBytes = n;
    else if (key == QLatin1String("history-age")) o.historyAgeMs = n;
    else if (key == QLatin1String("total-history-bytes")) o.totalHistoryBytes = n;
    else if (key == QLatin1String("subscriber-queue-bytes")) o.subscriberQueueBytes = n;
    else if (key == QLatin1String("keep-alive")) o.keepAliveMs = int(n);
    else if (key == QLatin1String("long-poll-timeout")) o.longPollTimeoutMs = int(n);
}
} // namespace

bool applyHubSetting(HubOptions &options, const QString &key, const QString &value, QString *error)
{
    const QString v = value.trimmed();
    if (key == QLatin1String("publish-prefix") || key == QLatin1String("subscribe-prefix")) {
        if (!v.startsWith(QLatin1Char('/')) || v.size() < 2) {
            *error = QStringLiteral("[hub] %1: expected a path such as /pub, got '%2'").arg(key, value);
            return false;
        }
        (key == QLatin1String("publish-prefix") ? options.publishPrefix : options.subscribePrefix) = v;
        return true;
    }
    if (key == QLatin1String("publish-allow")) {
        options.publishAllow.append(v);
        return true;
    }
    if (key == QLatin1String("publish-secret")) {
        options.publishSecret = v.toUtf8();
        return true;
    }
    if (key == QLatin1String("redis")) {
        if (!v.startsWith(QLatin1String("redis://"))) {
            *error = QStringLiteral("--hub-redis: expected redis://host:port, got '%1'").arg(value);
            return false;
        }
        options.redisUrl = v;
        return true;
    }
    for (const NumericSetting &s : kNumeric) {
        if (key != QLatin1String(s.key))
            continue;
        bool ok = false;
        const qint64 n = v.toLongLong(&ok);
        if (!ok || n < s.min || n > s.max) {
            *error = QStringLiteral("[hub] %1: expected a whole number from %2 to %3, got '%4'")
                         .arg(key).arg(s.min).arg(s.max).arg(value);
            return false;
        }
        setNumber(options, key, n);
        return true;
    }
    *error = QStringLiteral("unknown [hub] setting '%1'").arg(key);
    return false;
}

} // namespace afcgi
