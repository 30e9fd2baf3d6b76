#pragma once

#include "handlers/hub/channelhistory.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <vector>

namespace afcgi {

class HubPrivate;
class Subscription;

// The hub's half on one worker thread: the subscribers of this thread by channel. Publishers on
// any thread post() a message once per worker; the worker hands the same message (the same
// shared bytes) to each of its subscribers, without a lock. Created by the first subscription on
// a thread, deleted when the thread ends.
class HubWorker final : public QObject
{
public:
    // One subscriber's place in a channel's list; `ref` is which of its channels this is.
    struct Entry
    {
        Subscription *subscription;
        int ref;
    };
    struct ChannelList
    {
        QByteArray name;
        std::vector<Entry> entries;
        bool dirty = false; // holds entries emptied during a delivery
    };

    explicit HubWorker(HubPrivate *hub);
    ~HubWorker() override;

    HubPrivate *hub() const { return m_hub; }

    // From any thread (the publisher's, under the hub's lock): queued to this worker's thread.
    void post(const HubMessage &message);
    void postClose(const QByteArray &channel);
    // The channel's history starts over at `at`: its subscribers get a reset event.
    void postReset(const QByteArray &channel, EventId at, ResetReason reason);

    // On this worker's thread: `subscription`'s channel number `ref` joins `channel`'s list.
    // Returns the list and the index there, for detach().
    ChannelList *attach(const QByteArray &channel, Subscription *subscription, int ref, int *index);
    void detach(ChannelList *list, int index);
    void moved(ChannelList *list, int index); // an entry's subscriber learns its new index
    void retain() { ++m_subscriptions; }      // a subscription on this worker begins...
    void release();                           // ...and ends
    void threadFinished();

private:
    void deliver(const HubMessage &message);
    void closeChannel(const QByteArray &channel);
    void resetChannel(const QByteArray &channel, EventId at, ResetReason reason);
    template <typename Fn>
    void forEach(const QByteArray &channel, Fn fn); // each subscriber of `channel`: fn(sub, ref)
    void keepAlive();
    void compact();

    HubPrivate *m_hub;
    QHash<QByteArray, ChannelList *> m_channels;
    QTimer m_keepAlive;
    int m_delivering = 0;      // > 0 while a list is being walked: detach() leaves a hole
    bool m_holes = false;
    bool m_threadFinished = false;
    qint64 m_subscriptions = 0;
};

} // namespace afcgi
