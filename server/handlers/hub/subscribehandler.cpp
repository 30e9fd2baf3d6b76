#include "handlers/hub/subscribehandler.h"

#include "handlers/hub/hubprivate.h"
#include "handlers/hub/hubrequest.h"
#include "handlers/hub/pollresponse.h"
#include "handlers/hub/subscription.h"

#include <afcgi/hub.h>
#include <afcgi/request.h>

namespace afcgi {

namespace {
struct Parsed
{
    QList<QByteArray> channels;
    QList<std::optional<EventId>> last; // per channel; nullopt: start from now
    bool badId = false;                 // an id was given but is not one of ours
};

bool parse(Request *request, const HubOptions &options, Parsed *out)
{
    const QByteArray tail = hubrequest::tail(request, options.subscribePrefix);
    out->channels = tail.split(',');
    if (tail.isEmpty()) {
        hubrequest::fail(request, 404, QStringLiteral("no channel: GET %1/{channel}").arg(options.subscribePrefix));
        return false;
    }
    if (out->channels.size() > options.maxChannelsPerSubscriber) {
        hubrequest::fail(request, 400, QStringLiteral("more than %1 channels (max-channels-per-subscriber)")
                                           .arg(options.maxChannelsPerSubscriber));
        return false;
    }
    for (qsizetype i = 0; i < out->channels.size(); ++i) {
        if (!Hub::isValidChannelName(out->channels[i]) || out->channels.indexOf(out->channels[i]) != i) {
            hubrequest::fail(request, 400, QStringLiteral("invalid or repeated channel name"));
            return false;
        }
    }
    const QByteArray given = hubrequest::resumeId(request);
    const auto ids = given.isEmpty() ? std::nullopt : EventId::parseList(given, out->channels.size());
    out->badId = !given.isEmpty() && !ids;
    for (qsizetype i = 0; i < out->channels.size(); ++i) {
        if (ids)
            out->last.append(ids->at(i));
        else if (out->badId)
            out->last.append(EventId{}); // epoch 0 is never ours: a reset, then from now
        else
            out->last.append(std::nullopt);
    }
    return true;
}
} // namespace

void SubscribeHandler::handle(Request *request)
{
    const QByteArray method = request->method();
    if (method != "GET" && method != "HEAD") {
        request->setHeader("Allow", "GET");
        hubrequest::fail(request, 405, QStringLiteral("subscribe with GET"));
        return;
    }
    HubPrivate *hub = HubPrivate::get(m_hub);
    Parsed parsed;
    if (!parse(request, hub->options, &parsed))
        return;
    const QByteArray mode = request->queryValue("mode");
    if (!mode.isEmpty() && mode != "sse" && mode != "longpoll" && mode != "poll") {
        hubrequest::fail(request, 400, QStringLiteral("mode is sse, longpoll or poll"));
        return;
    }
    // With Redis, a channel this instance has not followed yet is first read from the store
    // (its epoch, last id and history), then the request is handled again.
    for (const QByteArray &channel : std::as_const(parsed.channels)) {
        if (!hub->whenSynced(channel, request, [this, request] { handle(request); }))
            return;
    }

    QList<QPair<QByteArray, ResetReason>> resets;
    QList<HubMessage> replay;
    QList<EventId> standing;
    const auto collect = [&](qsizetype i, const HubPrivate::Joined &joined) {
        if (joined.resume.reset != ResetReason::None)
            resets.append({parsed.channels[i], joined.resume.reset});
        replay.append(joined.resume.messages);
        const bool exact = joined.resume.reset == ResetReason::None && parsed.last[i];
        standing.append(exact ? *parsed.last[i] : joined.at);
    };

    if (mode == "poll") {
        // An interval poll: what there is now, and no subscription.
        for (qsizetype i = 0; i < parsed.channels.size(); ++i)
            collect(i, hub->peek(parsed.channels[i], parsed.last[i]));
        QList<EventId> now = standing;
        for (const HubMessage &m : std::as_const(replay))
            now[parsed.channels.indexOf(m.channel)] = m.id;
        if (resets.isEmpty() && replay.isEmpty())
            respondNotModified(request, EventId::joinList(now));
        else
            respondPoll(request, EventId::joinList(now), replay,
                        resets.isEmpty() ? ResetReason::None : resets.first().second);
        return;
    }

    // Registered with the worker first: a message published after join() reaches it later.
    HubWorker *worker = hub->workerForCurrentThread();
    for (qsizetype i = 0; i < parsed.channels.size(); ++i) {
        const HubPrivate::Joined joined = hub->join(parsed.channels[i], parsed.last[i]);
        if (joined.status != 200) {
            for (qsizetype j = 0; j < i; ++j)
                hub->leave(parsed.channels[j]);
            hubrequest::fail(request, joined.status, joined.error);
            return;
        }
        collect(i, joined);
    }
    // Everything the subscription needs has been read: a subscriber may wait for hours, and its
    // parameters would be most of what it costs.
    request->releaseParams();
    auto owned = std::make_unique<Subscription>(request, worker, mode == "longpoll"
                                                                     ? Subscription::Mode::LongPoll
                                                                     : Subscription::Mode::Sse);
    Subscription *subscription = owned.get();
    request->setAttachment(std::move(owned));
    for (qsizetype i = 0; i < parsed.channels.size(); ++i)
        subscription->join(parsed.channels[i], standing[i]);
    subscription->start(resets, replay);
}

} // namespace afcgi
