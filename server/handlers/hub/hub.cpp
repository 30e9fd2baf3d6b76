#include <afcgi/hub.h>

#include "handlers/hub/hubprivate.h"

#include <QDateTime>
#include <QMetaObject>
#include <QPointer>

#include <algorithm>

namespace afcgi {

Hub::Hub(const HubOptions &options) : d(std::make_unique<HubPrivate>(options))
{
    d->startBackend();
}

Hub::~Hub() = default;

const HubOptions &Hub::options() const
{
    return d->options;
}

HubPublishResult Hub::publish(QByteArrayView channel, QByteArrayView data, QByteArrayView event)
{
    if (!d->backend())
        return d->publish(channel.toByteArray(), data.toByteArray(), event.toByteArray());
    HubPublishResult result = d->check(channel.toByteArray(), data.toByteArray());
    if (result.status == 200) {
        d->publishShared(channel.toByteArray(), event.toByteArray(), data.toByteArray(), nullptr, {});
        result.status = 202; // accepted; the store gives it its id
    }
    return result;
}

void Hub::publishAsync(QByteArrayView channel, QByteArrayView data, QByteArrayView event,
                       QObject *context, std::function<void(const HubPublishResult &)> done)
{
    HubPublishResult result;
    if (d->backend()) {
        result = d->check(channel.toByteArray(), data.toByteArray());
        if (result.status == 200) {
            d->publishShared(channel.toByteArray(), event.toByteArray(), data.toByteArray(), context,
                             std::move(done));
            return;
        }
    } else {
        result = d->publish(channel.toByteArray(), data.toByteArray(), event.toByteArray());
    }
    QMetaObject::invokeMethod(context, [done = std::move(done), result] { done(result); },
                              Qt::QueuedConnection);
}

bool Hub::closeChannel(QByteArrayView channel)
{
    if (!d->backend())
        return d->close(channel.toByteArray());
    d->closeShared(channel.toByteArray()); // every instance closes it when Redis announces it
    HubChannelInfo info;
    return channelInfo(channel, &info);
}

bool Hub::channelInfo(QByteArrayView channel, HubChannelInfo *info) const
{
    QMutexLocker lock(&d->m_mutex);
    const HubPrivate::Channel *c = d->m_channels.value(channel.toByteArray());
    if (!c)
        return false;
    *info = d->info(channel.toByteArray(), *c, QDateTime::currentMSecsSinceEpoch());
    return true;
}

QList<HubChannelInfo> Hub::channels() const
{
    QList<HubChannelInfo> list;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    {
        QMutexLocker lock(&d->m_mutex);
        list.reserve(d->m_channels.size());
        for (auto it = d->m_channels.cbegin(); it != d->m_channels.cend(); ++it)
            list.append(d->info(it.key(), *it.value(), now));
    }
    std::sort(list.begin(), list.end(), [](const HubChannelInfo &a, const HubChannelInfo &b) {
        if (a.subscribers != b.subscribers)
            return a.subscribers > b.subscribers;
        return a.name < b.name;
    });
    return list;
}

HubStats Hub::stats() const
{
    return d->stats();
}

bool Hub::isValidChannelName(QByteArrayView channel)
{
    if (channel.isEmpty() || channel.size() > 128)
        return false;
    return std::all_of(channel.begin(), channel.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
               || c == '-' || c == '_' || c == '.' || c == ':' || c == '@' || c == '~';
    });
}

} // namespace afcgi
