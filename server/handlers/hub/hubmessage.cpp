#include "handlers/hub/hubmessage.h"

#include "handlers/hub/sseencoder.h"

namespace afcgi {

HubMessage makeHubMessage(const QByteArray &channel, EventId id, const QByteArray &event,
                          const QByteArray &data, qint64 publishedMs)
{
    HubMessage m;
    m.channel = channel;
    m.id = id;
    m.event = event;
    m.data = data;
    m.publishedMs = publishedMs;
    m.frame = encodeSseEvent(id.toString(), event, data, &m.idLineEnd);
    return m;
}

} // namespace afcgi
