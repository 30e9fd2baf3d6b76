#include "handlers/hub/subscription.h"

#include "handlers/hub/hubprivate.h"
#include "handlers/hub/pollresponse.h"
#include "handlers/hub/sseencoder.h"

#include <utility>
#include <afcgi/request.h>

#include <algorithm>

namespace afcgi {

namespace {
constexpr int kRetryMs = 2000; // how long a browser waits before it reconnects

QByteArray resetFrame(const QByteArray &ids, const QByteArray &channel, ResetReason reason)
{
    const QByteArray data = "{\"channel\":\"" + channel + "\",\"reason\":\"" + toString(reason) + "\"}";
    return encodeSseEvent(ids, "reset", data);
}
} // namespace

Subscription::Subscription(Request *request, HubWorker *worker, Mode mode)
    : m_request(request), m_worker(worker), m_mode(mode)
{
    m_worker->retain();
}

Subscription::~Subscription()
{
    leaveAll();
    m_worker->release();
}

void Subscription::join(const QByteArray &channel, EventId standing)
{
    const int ref = int(m_refs.size());
    int index = 0;
    HubWorker::ChannelList *list = m_worker->attach(channel, this, ref, &index);
    m_refs.append(Ref{list, standing, index});
}

void Subscription::advance(const HubMessage &message)
{
    for (Ref &ref : m_refs) {
        if (ref.list && ref.list->name == message.channel)
            ref.last = message.id;
    }
}

void Subscription::leaveAll()
{
    for (Ref &ref : m_refs) {
        if (!ref.list)
            continue;
        const QByteArray name = ref.list->name;
        m_worker->detach(std::exchange(ref.list, nullptr), ref.index);
        m_worker->hub()->leave(name);
    }
}

QByteArray Subscription::ids() const
{
    if (m_refs.size() == 1)
        return m_refs[0].last.toString();
    QList<EventId> all;
    for (const Ref &ref : m_refs)
        all.append(ref.last);
    return EventId::joinList(all);
}

void Subscription::start(const QList<QPair<QByteArray, ResetReason>> &resets,
                         QList<HubMessage> replay)
{
    // Several channels: their replays interleave in publish order, each channel's in id order.
    std::stable_sort(replay.begin(), replay.end(), [](const HubMessage &a, const HubMessage &b) {
        return a.ordinal < b.ordinal;
    });
    if (m_mode == Mode::LongPoll) {
        for (const HubMessage &message : std::as_const(replay))
            advance(message);
        if (!resets.isEmpty() || !replay.isEmpty()) {
            answerPoll(replay, resets.isEmpty() ? ResetReason::None : resets.first().second);
            return;
        }
        const int timeout = m_worker->hub()->options.longPollTimeoutMs;
        m_request->callAfter(timeout, [this] { answerPoll({}, ResetReason::None); });
        return;
    }
    m_request->setStatus(200);
    m_request->setHeader("Content-Type", "text/event-stream");
    m_request->setHeader("Cache-Control", "no-cache");
    m_request->setHeader("X-Accel-Buffering", "no"); // nginx: pass each event on at once
    // The headers leave at once (browsers and proxies see the stream open) with the retry hint.
    m_request->write(encodeSseRetry(kRetryMs));
    for (const auto &reset : resets)
        write(resetFrame(ids(), reset.first, reset.second));
    // Each channel stands at the id its subscriber gave; the replay walks it up to the end.
    for (const HubMessage &message : std::as_const(replay)) {
        advance(message);
        if (m_refs.size() == 1)
            write(message.frame);
        else
            write("id: " + ids() + '\n' + message.frame.sliced(message.idLineEnd));
    }
}

bool Subscription::deliver(int ref, const HubMessage &message)
{
    Ref &r = m_refs[ref];
    if (m_done || (message.id.epoch == r.last.epoch && message.id.sequence <= r.last.sequence))
        return false; // already in this subscriber's replay
    r.last = message.id;
    if (m_mode == Mode::LongPoll) {
        answerPoll({message}, ResetReason::None);
        return true;
    }
    if (m_refs.size() == 1)
        write(message.frame);
    else
        write("id: " + ids() + '\n' + message.frame.sliced(message.idLineEnd));
    return true;
}

void Subscription::write(const QByteArray &bytes)
{
    if (m_done)
        return;
    if (m_backlog.isEmpty() && m_request->canWrite()) {
        m_request->write(bytes);
        // A publish writes to every subscriber in one go: this one's bytes leave now, and the
        // web server passes them on while the worker goes on with the next.
        m_request->flush();
        return;
    }
    // The web server reads slower than messages come: keep the shared frames, up to a bound.
    m_backlog.append(bytes);
    m_backlogBytes += bytes.size();
    if (m_backlogBytes > m_worker->hub()->options.subscriberQueueBytes) {
        cutOff();
        return;
    }
    if (!m_waitingWritable) {
        m_waitingWritable = true;
        // The request is the context: this subscription lives exactly as long as it.
        QObject::connect(m_request, &Request::writable, m_request, [this] { drain(); });
    }
}

void Subscription::drain()
{
    while (!m_backlog.isEmpty() && m_request->canWrite()) {
        const QByteArray bytes = m_backlog.takeFirst();
        m_backlogBytes -= bytes.size();
        m_request->write(bytes);
    }
}

void Subscription::cutOff()
{
    // Documented: a subscriber whose backlog passes subscriber-queue-bytes is sent a reset and
    // closed; it reconnects with its Last-Event-ID and resumes from the history if it can.
    m_worker->hub()->slowResets.fetch_add(1, std::memory_order_relaxed);
    m_backlog.clear();
    m_backlogBytes = 0;
    m_request->write(encodeSseEvent({}, "reset", "{\"reason\":\"slow\"}"));
    end();
}

void Subscription::answerPoll(const QList<HubMessage> &messages, ResetReason reset)
{
    QList<EventId> all;
    QList<QByteArray> names;
    for (const Ref &ref : m_refs) {
        all.append(ref.last);
        names.append(ref.list ? ref.list->name : QByteArray());
    }
    const QByteArray id = EventId::joinList(all);
    if (messages.isEmpty() && reset == ResetReason::None)
        respondNotModified(m_request, id);
    else
        respondPoll(m_request, id, messages, reset);
    m_done = true;
    leaveAll();
}

void Subscription::channelClosed(int ref)
{
    Ref &r = m_refs[ref];
    if (!r.list || m_done)
        return;
    const QByteArray name = r.list->name;
    // The hub has already forgotten the channel and its subscribers: detach only here.
    m_worker->detach(std::exchange(r.list, nullptr), r.index);
    if (m_mode == Mode::LongPoll) {
        respondPoll(m_request, ids(), {}, ResetReason::None, name);
        m_done = true;
        leaveAll();
        return;
    }
    write(encodeSseEvent(ids(), "close", "{\"channel\":\"" + name + "\"}"));
    end();
}

void Subscription::reset(int ref, EventId at, ResetReason reason)
{
    Ref &r = m_refs[ref];
    if (!r.list || m_done)
        return;
    r.last = at;
    if (m_mode == Mode::LongPoll) {
        answerPoll({}, reason);
        return;
    }
    write(resetFrame(ids(), r.list->name, reason));
}

void Subscription::keepAlive()
{
    if (m_mode == Mode::Sse && !m_done && m_backlog.isEmpty() && m_request->canWrite())
        m_request->write(encodeSseComment("keep-alive"));
}

void Subscription::end()
{
    m_done = true;
    leaveAll();
    m_request->end();
}

} // namespace afcgi
