#pragma once

#include "handlers/hub/eventid.h"

#include <QByteArray>

namespace afcgi {

// One published message, immutable once built. Its members are implicitly shared QByteArrays:
// copying a HubMessage (into a history, a worker's queued call, a slow subscriber's backlog)
// copies a few pointers, never the bytes. `frame` is the message encoded once as a server-sent
// event; frame.sliced(idLineEnd) is the same event without its "id:" line, for subscriptions to
// several channels, which write their own.
struct HubMessage
{
    QByteArray channel;
    EventId id;
    QByteArray event;  // SSE event type; empty = "message"
    QByteArray data;
    QByteArray frame;  // "id: E:S\nevent: ...\ndata: ...\n\n"
    qsizetype idLineEnd = 0;
    qint64 publishedMs = 0; // wall clock, for the history's age limit
    quint64 ordinal = 0;    // the hub's publish order across channels (replays of several merge by it)

    // What the message costs a history: its bytes, counted once.
    qsizetype cost() const { return data.size() + frame.size() + event.size() + channel.size(); }
};

// Builds a message and its frame.
HubMessage makeHubMessage(const QByteArray &channel, EventId id, const QByteArray &event,
                          const QByteArray &data, qint64 publishedMs);

} // namespace afcgi
