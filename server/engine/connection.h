#pragma once

#include <afcgi/serverinfo.h>

#include "engine/monitorevent.h"
#include "engine/requestsink.h"
#include "engine/workersample.h"
#include "net/bytechannel.h"
#include "paramblock.h"
#include "protocol/outputscheduler.h"
#include "protocol/requestassembler.h"
#include "protocol/requestidmap.h"
#include "recorddecoder.h"

#include <QObject>
#include <QSet>
#include <QTimer>

namespace afcgi {

class DeadlineQueue;
class FlushQueue;
class Request;
class Router;
class WorkerCounters;
struct ServerConfig;

// What a connection needs from its worker. Everything here outlives the connection.
struct ConnectionEnvironment
{
    const ServerConfig *config = nullptr;
    const Router *router = nullptr;
    WorkerCounters *counters = nullptr;
    DeadlineQueue *deadlines = nullptr;
    FlushQueue *flushes = nullptr; // null: each connection posts its own flush
};

// Snapshot of one open connection, for the monitor.
struct ConnectionSnapshot
{
    quint64 connectionId = 0;
    QString peer;
    QString listener;
    qint64 openedMs = 0; // ms since the epoch
    qint64 queuedBytes = 0;
};

// One web-server connection: feeds received bytes to the record decoder, turns records into
// requests, and writes their output round-robin. Lives its whole life on one worker thread.
// Its requests reach it through RequestSink only; their lifecycle is kept here, in a Slot each.
class Connection final : public QObject, private RequestSink
{
    Q_OBJECT
public:
    Connection(ByteChannel *channel, quint64 id, QString peer, QString listener,
               const ConnectionEnvironment &env, QObject *parent = nullptr);
    ~Connection() override;

    quint64 id() const { return m_id; }
    const QString &peer() const { return m_peer; }
    int activeRequestCount() const { return int(m_requests.size()); }
    QList<ActiveRequestInfo> activeRequests() const;
    ConnectionSnapshot snapshot() const;
    // Its gauge (if a request is in flight or waiting) and its requests' progress.
    void sampleInto(WorkerSample &sample) const;
    // Stop taking part in keep-alive: close as soon as no request is active (shutdown drain).
    void drain();
    // Close now, aborting whatever is in flight (shutdown grace period over).
    void closeNow();
    // An operator's abort: the handler sees aborted(); the web server gets a 503 when nothing
    // was sent yet, else the end of the stream. False when there is no such request.
    bool cancelRequest(quint16 requestId);
    // Called by the worker's sweep: idle, slow-sender and request deadlines.
    void checkDeadlines(qint64 nowMs);

Q_SIGNALS:
    void closed(quint64 connectionId);

private:
    friend class FlushQueue; // calls flush()

    // A request's bookkeeping, the connection's own.
    struct Slot
    {
        Request *request = nullptr;
        bool waiting = false;        // over --max-requests-per-conn: handler not started yet
        bool monitored = false;      // its begin was reported to the monitor
        bool paramsComplete = false; // its PARAMS stream has ended
    };

    // RequestSink: what the requests ask of their connection.
    void queueOutput(quint16 id, RecordType type, QByteArrayView content) override;
    void finish(quint16 id, quint32 appStatus, bool stderrUsed) override;
    qsizetype queuedOutputBytes(quint16 id) const override { return m_output.queuedBytes(id); }
    bool canWriteOrNotify(quint16 id) override;
    void writeNow(quint16 id) override;

    bool canWrite(quint16 requestId) const;
    void onReadyRead();
    void onDisconnected();
    void dispatch(RequestEvent &&event);
    void beginRequest(const RequestEvent &event);
    void startHandler(Request *request);
    void startWaitingRequests();
    void answerGetValues(const NameValueList &names);
    void endWithoutHandler(quint16 requestId, ProtocolStatus status, bool keepConn);
    void abortRequest(quint16 requestId);
    void removeRequest(quint16 requestId);
    void enqueue(quint16 requestId, QByteArray &&unit);
    void scheduleFlush();
    void flushAfterRead();
    void flush();
    void writeOut();
    void onBytesWritten();
    void fail(const QString &reason);
    void shutdownSocket(bool graceful);
    void lingerClose();
    void abortAll();
    bool monitorTakesEvent();
    void reportEvent(MonitorEvent &&event);
    void reportRequest(MonitorEvent::Kind kind, const Request *request, qint64 micros);
    void reportQueue(qint64 queued);

    ByteChannel *m_channel;
    quint64 m_id;
    QString m_peer;
    QString m_listener;
    qint64 m_openedMs;
    ConnectionEnvironment m_env;
    RecordDecoder m_decoder;
    RequestAssembler m_assembler;
    OutputScheduler m_output;
    RequestIdMap<Slot> m_requests;        // keyed by FastCGI request id
    QSet<quint16> m_blocked;              // requests told canWrite() == false, owed writable()
    QList<Request *> m_finished;          // ended, deleted by the next flush()
    QList<quint16> m_waiting;             // admitted over the limit, handler not started yet
    bool m_startingWaiting = false;
    qint64 m_lastActivityMs = 0;  // monotonic
    qint64 m_partialSinceMs = 0;  // when a half-received record started waiting; 0 = none
    qint64 m_queuedReported = 0;          // our share of the worker's queued-bytes counter
    qint64 m_queuedToMonitor = 0;         // last queue size the monitor was told
    quint64 m_flushPlace = 0;     // in m_env.flushes, while m_flushScheduled
    bool m_flushScheduled = false;
    bool m_writingNow = false;     // inside writeNow(): the turn's flush() comes later
    bool m_readingInput = false;   // inside onReadyRead(): flush once at its end
    bool m_flushAfterRead = false;
    bool m_closeWhenIdle = false;
    bool m_closed = false;
    bool m_halfClosed = false;
};

} // namespace afcgi
