#include "handlers/hub/pollresponse.h"

#include <afcgi/request.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace afcgi {

namespace {
void setCommonHeaders(Request *request, const QByteArray &ids)
{
    request->setHeader("ETag", '"' + ids + '"');
    request->setHeader("Cache-Control", "no-cache");
}
} // namespace

void respondPoll(Request *request, const QByteArray &ids, const QList<HubMessage> &messages,
                 ResetReason reset, const QByteArray &closedChannel)
{
    QJsonArray list;
    for (const HubMessage &m : messages) {
        list.append(QJsonObject{
            {QStringLiteral("channel"), QString::fromUtf8(m.channel)},
            {QStringLiteral("id"), QString::fromLatin1(m.id.toString())},
            {QStringLiteral("event"), m.event.isEmpty() ? QStringLiteral("message")
                                                        : QString::fromUtf8(m.event)},
            {QStringLiteral("data"), QString::fromUtf8(m.data)},
        });
    }
    QJsonObject body{{QStringLiteral("last_id"), QString::fromLatin1(ids)},
                     {QStringLiteral("messages"), list}};
    if (reset != ResetReason::None)
        body.insert(QStringLiteral("reset"), QLatin1String(toString(reset)));
    if (!closedChannel.isEmpty())
        body.insert(QStringLiteral("closed"), QString::fromUtf8(closedChannel));
    setCommonHeaders(request, ids);
    request->respond(200, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void respondNotModified(Request *request, const QByteArray &ids)
{
    setCommonHeaders(request, ids);
    request->setStatus(304);
    request->end();
}

} // namespace afcgi
