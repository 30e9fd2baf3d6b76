#include "handlers/hub/publishhandler.h"

#include "handlers/hub/hubprivate.h"
#include "handlers/hub/hubrequest.h"

#include <afcgi/hub.h>
#include <afcgi/request.h>

#include <QJsonDocument>
#include <QJsonObject>

namespace afcgi {

namespace {
QByteArray presentedSecret(const Request *request)
{
    const QByteArray header = request->param("HTTP_X_HUB_SECRET");
    if (!header.isEmpty())
        return header;
    const QByteArray authorization = request->param("HTTP_AUTHORIZATION");
    return authorization.startsWith("Bearer ") ? authorization.mid(7).trimmed() : QByteArray();
}

void respondJson(Request *request, int status, const QJsonObject &object)
{
    request->setHeader("Cache-Control", "no-store");
    request->respond(status, "application/json", QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n');
}

QJsonObject channelObject(const HubChannelInfo &info)
{
    return QJsonObject{{QStringLiteral("channel"), QString::fromUtf8(info.name)},
                       {QStringLiteral("last_id"), QString::fromLatin1(info.lastId)},
                       {QStringLiteral("subscribers"), info.subscribers},
                       {QStringLiteral("messages"), info.messages},
                       {QStringLiteral("history_count"), info.historyCount},
                       {QStringLiteral("history_bytes"), info.historyBytes},
                       {QStringLiteral("messages_per_second"), info.messagesPerSecond}};
}
} // namespace

void PublishHandler::handle(Request *request)
{
    const HubPrivate *hub = HubPrivate::get(m_hub);
    if (!hub->auth.allows(request->paramView("REMOTE_ADDR"), presentedSecret(request))) {
        hubrequest::fail(request, 403, QStringLiteral("publishing is not allowed from here"));
        return;
    }
    const QByteArray channel = hubrequest::tail(request, hub->options.publishPrefix);
    if (!Hub::isValidChannelName(channel)) {
        hubrequest::fail(request, channel.isEmpty() ? 404 : 400, QStringLiteral("invalid channel name"));
        return;
    }
    const QByteArray method = request->method();
    if (method == "POST" || method == "PUT") {
        publish(request, channel);
    } else if (method == "GET" || method == "HEAD") {
        HubChannelInfo info;
        if (m_hub->channelInfo(channel, &info))
            respondJson(request, 200, channelObject(info));
        else
            hubrequest::fail(request, 404, QStringLiteral("no such channel"));
    } else if (method == "DELETE") {
        if (m_hub->closeChannel(channel))
            respondJson(request, 200, QJsonObject{{QStringLiteral("closed"), QString::fromUtf8(channel)}});
        else
            hubrequest::fail(request, 404, QStringLiteral("no such channel"));
    } else {
        request->setHeader("Allow", "GET, POST, PUT, DELETE");
        hubrequest::fail(request, 405, QStringLiteral("use POST, GET or DELETE"));
    }
}

void PublishHandler::publish(Request *request, const QByteArray &channel)
{
    const qint64 max = HubPrivate::get(m_hub)->options.maxMessageBytes;
    const auto tooLarge = [request, max] {
        hubrequest::fail(request, 413, QStringLiteral("message over max-message-bytes %1").arg(max));
    };
    bool lengthOk = true;
    const qint64 length = request->param("CONTENT_LENGTH").toLongLong(&lengthOk);
    if (lengthOk && length > max) {
        tooLarge();
        return;
    }
    QByteArray event = request->queryValue("event");
    if (event.isEmpty())
        event = request->param("HTTP_X_HUB_EVENT");
    Hub *hub = m_hub;
    const auto finish = [request, hub, channel, event, tooLarge] {
        if (request->inputReceived() > HubPrivate::get(hub)->options.maxMessageBytes) {
            tooLarge();
            return;
        }
        // With Redis the id comes back from the store: the answer waits for it.
        hub->publishAsync(channel, request->readInput(), event, request,
                          [request, channel](const HubPublishResult &result) {
                              if (result.status != 200) {
                                  hubrequest::fail(request, result.status, result.error);
                                  return;
                              }
                              respondJson(request, 200,
                                          QJsonObject{{QStringLiteral("id"), QString::fromLatin1(result.id)},
                                                      {QStringLiteral("channel"), QString::fromUtf8(channel)},
                                                      {QStringLiteral("subscribers"), result.subscribers}});
                          });
    };
    if (request->isInputFinished()) {
        finish();
        return;
    }
    // The body streams in; past the limit the answer comes at once (the rest is not kept).
    QObject::connect(request, &Request::inputReady, request, [request, max, tooLarge] {
        if (request->inputReceived() > max && !request->isEnded()) {
            (void)request->readInput();
            tooLarge();
        }
    });
    QObject::connect(request, &Request::inputEnded, request, [request, finish] {
        if (!request->isEnded())
            finish();
    });
}

} // namespace afcgi
