#pragma once

#include <afcgi/request.h>

#include <afcgi/router.h>

#include "engine/deadlinequeue.h"
#include "engine/routerprivate.h"
#include "paramblock.h"

#include <QElapsedTimer>
#include <QVarLengthArray>

namespace afcgi {

class RequestSink;

// What few requests use, allocated on first use, so that a request that only waits (one of
// 100,000 subscribers) does not carry it.
struct RequestExtras
{
    QByteArray reason;   // setStatus()'s own reason phrase
    QString note;        // setNote()
    QByteArray data;     // FILTER: DATA not read yet
    PathParams pathParams; // the matched route's parameters: views into m_path
    QVarLengthArray<const QList<Router::Hook> *, 1> afterHooks; // innermost router last
};

// A Request's state, and the calls its connection makes into it. The connection keeps its own
// bookkeeping of each request (waiting, monitored, ...); it tells the request only what a
// handler sees: parameters, input, an abort, and that the connection is done with it.
class RequestPrivate
{
public:
    // A new request on `sink`'s connection (`parent`), with the worker's deadline queue.
    static Request *create(RequestSink *sink, QObject *parent, DeadlineQueue *deadlines,
                           quint64 connectionId, quint16 id, Role role, bool keepConn);
    static RequestPrivate *get(Request *request) { return request->d.get(); }
    static const RequestPrivate *get(const Request *request) { return request->d.get(); }

    // From the connection (the worker thread).
    void setParams(ParamBlock &&params) { m_params = std::move(params); }
    void appendInput(QByteArray &&bytes); // empty: the end of the input
    void appendData(QByteArray &&bytes);  // empty: the end of the DATA stream
    void markAborted();                   // aborted() unless already ended
    // The connection has removed the request: it counts as ended, and writes go nowhere. The
    // routers' after() hooks run now.
    void detach();
    qint64 ageNs() const { return m_age.nsecsElapsed(); }

    // From the deadline queue: the time given to callAfter() has come.
    void fireCallAfter();

    // From routing (engine/routedispatch.cpp).
    void setRoute(RouteResolution &resolution);
    const QString &decodedPath(); // computed once
    const QString *decodedPathIfKnown() const { return m_pathDecoded ? &m_path : nullptr; }

    // Request's own helpers.
    void cancelCallAfter();
    void runAfterHooks();
    QByteArray takeHeaderBlock(qsizetype extraBytes); // status line and headers, room for more
    RequestExtras &extras(); // created on first use

    Request *q = nullptr;
    RequestSink *m_sink;
    DeadlineQueue *m_deadlines;
    quint64 m_connectionId;
    quint16 m_id;
    Role m_role;
    bool m_keepConn;
    bool m_headersSent = false;
    bool m_stderrUsed = false;
    bool m_ended = false;
    bool m_aborted = false;
    bool m_inputFinished = false;
    bool m_dataFinished = false;
    bool m_callAfterPending = false;
    bool m_pathDecoded = false;
    bool m_discardBody = false; // HEAD answered by a GET route: status and headers only
    int m_status = 200;
    int m_routeSlot = -1;    // the mounted route it counts under (RouteCounters); -1: none
    QByteArray m_headers; // "Name: value\r\n" lines
    ParamBlock m_params;
    QByteArray m_input;
    qint64 m_inputReceived = 0;
    qint64 m_bytesOut = 0;
    QElapsedTimer m_age;
    DeadlineQueue::Handle m_deadline;
    std::function<void()> m_afterFn;
    QString m_path;          // decoded, once (decodedPath())
    std::unique_ptr<RequestExtras> m_extras;
    std::unique_ptr<Request::Attachment> m_attachment;
};

} // namespace afcgi
