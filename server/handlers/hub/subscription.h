#pragma once

#include "handlers/hub/channelhistory.h"
#include "handlers/hub/hubworker.h"

#include <afcgi/request.h>

#include <QList>
#include <QVarLengthArray>

namespace afcgi {

// One subscriber: a request that waits on one or several channels, as a server-sent event
// stream or as a long poll. Its request's attachment, so it dies with it (end, abort, a closed
// connection) and leaves its channels then. Small on purpose: 100,000 of them may wait at once,
// hence no QObject.
class Subscription final : public Request::Attachment
{
public:
    enum class Mode : quint8 { Sse, LongPoll };

    Subscription(Request *request, HubWorker *worker, Mode mode);
    ~Subscription() override;

    // Joins `channel` where the subscriber stands: the id it gave when the replay resumes from
    // it, else the channel's last id. Messages up to there are not delivered again.
    void join(const QByteArray &channel, EventId standing);
    // After every join(): writes the stream's start, the reset events and the replay (which
    // brings every channel up to its last id); a long poll with something to answer answers now.
    void start(const QList<QPair<QByteArray, ResetReason>> &resets, QList<HubMessage> replay);

    // From the worker. deliver() returns whether the message was handed to this subscriber.
    bool deliver(int ref, const HubMessage &message);
    void channelClosed(int ref);
    void reset(int ref, EventId at, ResetReason reason); // the channel's history started over
    void keepAlive();
    void setIndex(int ref, int index) { m_refs[ref].index = index; }

private:
    struct Ref
    {
        HubWorker::ChannelList *list; // nullptr once left
        EventId last;                 // the last id this subscriber has of the channel
        int index;
    };

    void advance(const HubMessage &message); // its channel now stands at its id
    QByteArray ids() const;           // the "id:" to send now: one id, or one per channel
    void write(const QByteArray &bytes);
    void drain();
    void answerPoll(const QList<HubMessage> &messages, ResetReason reset);
    void cutOff();
    void leaveAll();
    void end();

    Request *m_request;
    HubWorker *m_worker;
    QVarLengthArray<Ref, 1> m_refs;
    QList<QByteArray> m_backlog;  // shared frames waiting for the web server to read
    qsizetype m_backlogBytes = 0;
    Mode m_mode;
    bool m_waitingWritable = false;
    bool m_done = false;
};

} // namespace afcgi
