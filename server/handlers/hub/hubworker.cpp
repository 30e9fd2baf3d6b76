#include "handlers/hub/hubworker.h"

#include "handlers/hub/hubprivate.h"
#include "handlers/hub/subscription.h"

#include <QMetaObject>

namespace afcgi {

HubWorker::HubWorker(HubPrivate *hub) : m_hub(hub)
{
    m_keepAlive.setInterval(hub->options.keepAliveMs);
    connect(&m_keepAlive, &QTimer::timeout, this, &HubWorker::keepAlive);
    if (hub->options.keepAliveMs > 0)
        m_keepAlive.start();
}

HubWorker::~HubWorker()
{
    m_hub->forgetWorker(this);
    qDeleteAll(m_channels);
}

void HubWorker::release()
{
    if (--m_subscriptions == 0 && m_threadFinished)
        delete this;
}

void HubWorker::threadFinished()
{
    m_hub->forgetWorker(this); // no more messages are posted here
    m_threadFinished = true;
    if (m_subscriptions == 0)
        delete this;
}

void HubWorker::post(const HubMessage &message)
{
    QMetaObject::invokeMethod(this, [this, message] { deliver(message); }, Qt::QueuedConnection);
}

void HubWorker::postClose(const QByteArray &channel)
{
    QMetaObject::invokeMethod(this, [this, channel] { closeChannel(channel); }, Qt::QueuedConnection);
}

void HubWorker::postReset(const QByteArray &channel, EventId at, ResetReason reason)
{
    QMetaObject::invokeMethod(this, [this, channel, at, reason] { resetChannel(channel, at, reason); },
                              Qt::QueuedConnection);
}

HubWorker::ChannelList *HubWorker::attach(const QByteArray &channel, Subscription *subscription,
                                          int ref, int *index)
{
    ChannelList *&list = m_channels[channel];
    if (!list)
        list = new ChannelList{channel, {}, false};
    *index = int(list->entries.size());
    list->entries.push_back({subscription, ref});
    return list;
}

void HubWorker::detach(ChannelList *list, int index)
{
    if (m_delivering > 0) {
        list->entries[size_t(index)].subscription = nullptr; // compact() removes it
        list->dirty = true;
        m_holes = true;
        return;
    }
    // Swap with the last entry: O(1), the order of subscribers does not matter.
    const size_t last = list->entries.size() - 1;
    if (size_t(index) != last) {
        list->entries[size_t(index)] = list->entries[last];
        moved(list, index);
    }
    list->entries.pop_back();
    if (list->entries.empty()) {
        m_channels.remove(list->name);
        delete list;
    }
}

void HubWorker::moved(ChannelList *list, int index)
{
    const Entry &entry = list->entries[size_t(index)];
    entry.subscription->setIndex(entry.ref, index);
}

void HubWorker::compact()
{
    m_holes = false;
    for (auto it = m_channels.begin(); it != m_channels.end();) {
        ChannelList *list = it.value();
        if (list->dirty) {
            list->dirty = false;
            size_t to = 0;
            for (size_t from = 0; from < list->entries.size(); ++from) {
                if (!list->entries[from].subscription)
                    continue;
                list->entries[to] = list->entries[from];
                if (to != from)
                    moved(list, int(to));
                ++to;
            }
            list->entries.resize(to);
        }
        if (list->entries.empty()) {
            delete list;
            it = m_channels.erase(it);
        } else {
            ++it;
        }
    }
}

void HubWorker::deliver(const HubMessage &message)
{
    ChannelList *list = m_channels.value(message.channel);
    if (!list)
        return;
    ++m_delivering;
    qint64 count = 0;
    // Subscribers that join meanwhile (a handler run from a delivery) are appended: size() is
    // read each turn, and they skip this message by its id.
    for (size_t i = 0; i < list->entries.size(); ++i) {
        const Entry entry = list->entries[i];
        if (entry.subscription && entry.subscription->deliver(entry.ref, message))
            ++count;
    }
    --m_delivering;
    m_hub->delivered.fetch_add(count, std::memory_order_relaxed);
    if (m_holes && m_delivering == 0)
        compact();
}

template <typename Fn>
void HubWorker::forEach(const QByteArray &channel, Fn fn)
{
    ChannelList *list = m_channels.value(channel);
    if (!list)
        return;
    ++m_delivering;
    for (size_t i = 0; i < list->entries.size(); ++i) {
        const Entry entry = list->entries[i];
        if (entry.subscription)
            fn(entry.subscription, entry.ref);
    }
    --m_delivering;
    if (m_holes && m_delivering == 0)
        compact();
}

void HubWorker::closeChannel(const QByteArray &channel)
{
    forEach(channel, [](Subscription *s, int ref) { s->channelClosed(ref); });
}

void HubWorker::resetChannel(const QByteArray &channel, EventId at, ResetReason reason)
{
    forEach(channel, [at, reason](Subscription *s, int ref) { s->reset(ref, at, reason); });
}

void HubWorker::keepAlive()
{
    ++m_delivering;
    for (ChannelList *list : std::as_const(m_channels)) {
        for (size_t i = 0; i < list->entries.size(); ++i) {
            const Entry entry = list->entries[i];
            if (entry.subscription && entry.ref == 0) // once per subscription
                entry.subscription->keepAlive();
        }
    }
    --m_delivering;
    if (m_holes && m_delivering == 0)
        compact();
}

} // namespace afcgi
