#include "engine/connection.h"

#include <afcgi/handler.h>
#include <afcgi/request.h>
#include <afcgi/router.h>

#include "config/clock.h"
#include "config/logging.h"
#include "config/serverconfig.h"
#include "engine/flushqueue.h"
#include "engine/handlercall.h"
#include "engine/requestprivate.h"
#include "engine/routedispatch.h"
#include "engine/workercounters.h"

#include <QDateTime>
#include <QScopeGuard>
#include <QVarLengthArray>

#include <algorithm>

namespace afcgi {

namespace {
// Stop handing the socket more once this much is waiting in its buffer; refill on bytesWritten.
constexpr qint64 kSocketHighWater = 128 * 1024;
// Bytes taken from the scheduler per socket write: many small replies become one write.
constexpr qsizetype kWriteBudget = 64 * 1024;
// Small pieces of one request's output (headers, a short body, the end records) are merged
// into one unit up to this size: a small reply costs one queue entry instead of two or three.
constexpr qsizetype kCoalesceBytes = 4096;
// How long a gracefully closed socket may take to hand its last bytes to a slow peer.
constexpr int kLingerMs = 10000;

int statusClass(int status)
{
    return (status >= 100 && status < 600) ? status / 100 : 0;
}
} // namespace

Connection::Connection(ByteChannel *channel, quint64 id, QString peer, QString listener,
                       const ConnectionEnvironment &env, QObject *parent)
    : QObject(parent),
      m_channel(channel),
      m_id(id),
      m_peer(std::move(peer)),
      m_listener(std::move(listener)),
      m_openedMs(QDateTime::currentMSecsSinceEpoch()),
      m_env(env),
      m_assembler(env.config->maxParamsBytes)
{
    m_channel->setParent(this); // the connection owns its channel
    connect(m_channel, &ByteChannel::readyRead, this, &Connection::onReadyRead);
    connect(m_channel, &ByteChannel::bytesWritten, this, &Connection::onBytesWritten);
    connect(m_channel, &ByteChannel::disconnected, this, &Connection::onDisconnected);

    m_lastActivityMs = monotonicMs();

    WorkerCounters::add(m_env.counters->connectionsOpen, 1);
    WorkerCounters::add(m_env.counters->connectionsTotal, 1);
    qCDebug(lcConn) << "conn" << m_id << "opened from" << m_peer;
    if (monitorTakesEvent()) {
        MonitorEvent event;
        event.kind = MonitorEvent::Kind::ConnectionOpened;
        event.peer = m_peer;
        event.listener = m_listener;
        reportEvent(std::move(event));
    }
    // Bytes may have arrived before we connected to readyRead.
    if (m_channel->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &Connection::onReadyRead, Qt::QueuedConnection);
}

Connection::~Connection()
{
    abortAll();
    if (m_flushScheduled && m_env.flushes)
        m_env.flushes->cancel(m_flushPlace);
    WorkerCounters::add(m_env.counters->queuedOutputBytes, -m_queuedReported);
    WorkerCounters::add(m_env.counters->connectionsOpen, -1);
}

QList<ActiveRequestInfo> Connection::activeRequests() const
{
    QList<ActiveRequestInfo> list;
    list.reserve(m_requests.size());
    m_requests.forEach([&](quint16, const Slot &slot) {
        const Request *request = slot.request;
        list.append({m_id, request->id(), request->role(), request->method(),
                     request->requestUri(), request->ageMs(), m_peer, request->inputReceived(),
                     request->bytesWritten(), request->headersSent() ? request->status() : 0,
                     request->isAborted(), request->note()});
    });
    return list;
}

void Connection::sampleInto(WorkerSample &sample) const
{
    if (m_requests.isEmpty())
        return;
    monitor::ConnectionGauge gauge;
    gauge.connectionId = m_id;
    QVarLengthArray<quint16, 64> ids;
    m_requests.forEach([&](quint16 id, const Slot &slot) {
        const Request *request = slot.request;
        if (slot.waiting) {
            ++gauge.waiting;
        } else {
            ++gauge.requests;
            ids.append(id);
        }
        sample.offer({request->ageMs(),
                      {m_id, request->id(), request->inputReceived(), request->bytesWritten(),
                       request->headersSent() ? request->status() : 0, request->isAborted(),
                       request->note()}});
    });
    // The lowest ids: a stable sample while the same requests stay in flight.
    const qsizetype shown = qMin<qsizetype>(ids.size(), monitor::kMaxGaugeIds);
    std::partial_sort(ids.begin(), ids.begin() + shown, ids.end());
    gauge.requestIds = QList<quint16>(ids.cbegin(), ids.cbegin() + shown);
    sample.addBusy(std::move(gauge));
}

ConnectionSnapshot Connection::snapshot() const
{
    return {m_id, m_peer, m_listener, m_openedMs, m_output.queuedBytes()};
}

bool Connection::monitorTakesEvent()
{
    if (!m_env.counters->monitored.load(std::memory_order_relaxed))
        return false;
    if (m_env.counters->events.hasRoom())
        return true;
    m_env.counters->events.countDropped(); // over this tick's budget: the event is not even built
    return false;
}

void Connection::reportEvent(MonitorEvent &&event)
{
    event.connectionId = m_id;
    if (event.timeMs == 0)
        event.timeMs = QDateTime::currentMSecsSinceEpoch();
    m_env.counters->events.push(std::move(event));
}

// Out of line: only the events within a tick's budget get here (monitorTakesEvent()), so the
// request path stays short, and a profile shows what the events cost apart.
Q_NEVER_INLINE void Connection::reportRequest(MonitorEvent::Kind kind, const Request *request, qint64 micros)
{
    MonitorEvent event;
    event.kind = kind;
    event.requestId = request->id();
    event.role = quint16(request->role());
    event.method = request->method(); // shared, not copied
    event.uri = request->requestUri();
    if (kind == MonitorEvent::Kind::RequestEnded) {
        event.status = request->headersSent() ? request->status() : 0;
        event.aborted = request->isAborted();
        event.durationMs = micros / 1000;
        event.bytesIn = request->inputReceived();
        event.bytesOut = request->bytesWritten();
    }
    reportEvent(std::move(event));
}

void Connection::reportQueue(qint64 queued)
{
    // Only transitions and large moves: the monitor shows where output piles up, not every byte.
    constexpr qint64 kQueueReportStep = 64 * 1024;
    const bool changed = (queued == 0) != (m_queuedToMonitor == 0)
                         || qAbs(queued - m_queuedToMonitor) >= kQueueReportStep;
    if (!changed || !monitorTakesEvent())
        return;
    m_queuedToMonitor = queued;
    MonitorEvent event;
    event.kind = MonitorEvent::Kind::QueueChanged;
    event.bytesOut = queued;
    reportEvent(std::move(event));
}

void Connection::onReadyRead()
{
    if (m_closed) {
        m_channel->readAll(); // lingering: what still arrives is dropped, see lingerClose()
        return;
    }
    const QByteArray bytes = m_channel->readAll();
    if (bytes.isEmpty())
        return;
    WorkerCounters::add(m_env.counters->bytesIn, bytes.size());
    m_lastActivityMs = monotonicMs();
    m_decoder.feed(bytes);
    // SIGHUP may have changed the limit since this connection opened (web servers keep theirs).
    m_assembler.setMaxParamsBytes(m_env.config->maxParamsBytes);
    // What the handlers answer while this read is parsed leaves in one write at its end, with
    // no event posted to ourselves: two system calls fewer per read (see flushAfterRead()).
    m_readingInput = true;
    const auto done = qScopeGuard([this] { flushAfterRead(); });
    // Parse every complete record of this read before yielding to the event loop.
    bool completedRecord = false;
    while (auto record = m_decoder.next()) {
        completedRecord = true;
        auto event = m_assembler.handle(std::move(*record));
        if (m_assembler.error() != AssemblerError::None) {
            fail(QStringLiteral("%1 (request id %2)")
                     .arg(QLatin1String(toString(m_assembler.error())))
                     .arg(m_assembler.errorRequestId()));
            return;
        }
        if (event)
            dispatch(std::move(*event));
        if (m_closed)
            return;
    }
    if (m_decoder.error() != DecodeError::None) {
        fail(QLatin1String(toString(m_decoder.error())));
        return;
    }
    // A record left half-sent starts the clock against slow senders (slow-loris). The clock
    // times the record now incomplete, not the run of reads that ended mid-record: a body
    // streamed in large records is read mid-record nearly every time, for as long as it flows.
    if (m_decoder.pendingBytes() == 0)
        m_partialSinceMs = 0;
    else if (m_partialSinceMs == 0 || completedRecord)
        m_partialSinceMs = m_lastActivityMs;
}

void Connection::dispatch(RequestEvent &&event)
{
    using Kind = RequestEvent::Kind;
    if (event.kind == Kind::GetValues) {
        answerGetValues(event.params);
        return;
    }
    if (event.kind == Kind::UnknownType) {
        qCDebug(lcConn) << "conn" << m_id << "unknown record type" << event.unknownType;
        enqueue(kNullRequestId, encodeUnknownType(event.unknownType));
        return;
    }
    if (event.kind == Kind::Begin) {
        beginRequest(event);
        return;
    }
    Slot *found = m_requests.find(event.requestId);
    if (!found) {
        m_assembler.release(event.requestId); // answered without a handler; keep ignoring it
        return;
    }
    Request *request = found->request;
    const RequestPrivate *state = RequestPrivate::get(request);
    const HandlerCall call(*m_env.counters, m_id, event.requestId, state->m_routeSlot,
                           state->decodedPathIfKnown());
    switch (event.kind) {
    case Kind::ParamsComplete:
        RequestPrivate::get(request)->setParams(ParamBlock(std::move(event.bytes)));
        found->paramsComplete = true;
        if (!found->waiting)
            startHandler(request);
        break;
    case Kind::ParamsTooLarge:
        qCWarning(lcConn) << "conn" << m_id << m_peer << "request" << request->id()
                          << "params larger than" << m_env.config->maxParamsBytes << "bytes: 431";
        request->respond(431, "text/plain", "Request header fields too large\n");
        break;
    case Kind::Stdin:
        if (request->inputReceived() + event.bytes.size() > m_env.config->maxBodyBytes) {
            qCWarning(lcConn) << "conn" << m_id << m_peer << "request" << request->id()
                              << "body larger than" << m_env.config->maxBodyBytes << "bytes";
            if (!request->headersSent())
                request->respond(413, "text/plain", "Request body too large\n");
            else
                request->end(1);
            break;
        }
        RequestPrivate::get(request)->appendInput(std::move(event.bytes));
        break;
    case Kind::Data:
        RequestPrivate::get(request)->appendData(std::move(event.bytes));
        break;
    case Kind::Abort:
        qCDebug(lcConn) << "conn" << m_id << "request" << request->id() << "aborted by the web server";
        abortRequest(event.requestId);
        break;
    default:
        break;
    }
}

void Connection::beginRequest(const RequestEvent &event)
{
    const quint16 role = event.role;
    if (role < quint16(Role::Responder) || role > quint16(Role::Filter)) {
        qCDebug(lcConn) << "conn" << m_id << "request" << event.requestId << "unknown role" << role;
        endWithoutHandler(event.requestId, ProtocolStatus::UnknownRole, event.keepConn);
        return;
    }
    const int limit = m_env.config->maxRequestsPerConn;
    if (m_assembler.activeCount() > limit + m_env.config->requestQueue) {
        qCWarning(lcConn) << "conn" << m_id << m_peer << "request" << event.requestId
                          << "over" << limit << "+" << m_env.config->requestQueue
                          << "requests in flight: OVERLOADED";
        endWithoutHandler(event.requestId, ProtocolStatus::Overloaded, event.keepConn);
        return;
    }
    Slot slot;
    slot.request = RequestPrivate::create(this, this, m_env.deadlines, m_id, event.requestId,
                                          Role(role), event.keepConn);
    // Over the limit but within --request-queue: admitted, its handler waits for a free slot
    // (a web server such as HAProxy may send a burst before it has read our FCGI_MAX_REQS).
    if (m_requests.size() - m_waiting.size() >= limit) {
        slot.waiting = true;
        m_waiting.append(event.requestId);
    }
    m_requests.insert(event.requestId, slot);
    WorkerCounters::add(m_env.counters->requestsActive, 1);
    WorkerCounters::add(m_env.counters->requestsTotal, 1);
}

void Connection::startWaitingRequests()
{
    if (m_startingWaiting)
        return; // a handler that ends at once brings us back here: the loop below goes on
    m_startingWaiting = true;
    while (!m_waiting.isEmpty()
           && m_requests.size() - m_waiting.size() < m_env.config->maxRequestsPerConn) {
        Slot *slot = m_requests.find(m_waiting.takeFirst());
        if (!slot)
            continue;
        slot->waiting = false;
        if (slot->paramsComplete)
            startHandler(slot->request); // else it starts when its PARAMS are complete
    }
    m_startingWaiting = false;
}

void Connection::startHandler(Request *request)
{
    // The path for routing: REQUEST_URI without its query, else SCRIPT_NAME + PATH_INFO.
    const RouteResolution route = resolveRoute(*m_env.router, request);
    qCDebug(lcRequest) << "conn" << m_id << "request" << request->id() << request->method()
                       << request->requestUri();
    if (monitorTakesEvent()) {
        m_requests.find(request->id())->monitored = true; // so that its end is reported too
        reportRequest(MonitorEvent::Kind::RequestBegan, request, 0);
    }
    if (route.handler && !route.handler->supportsRole(request->role())) {
        endWithoutHandler(request->id(), ProtocolStatus::UnknownRole, request->keepConnection());
        return;
    }
    bool ok = false;
    const qint64 contentLength = request->param("CONTENT_LENGTH").toLongLong(&ok);
    if (route.handler && ok && contentLength > m_env.config->maxBodyBytes) {
        qCWarning(lcConn) << "conn" << m_id << m_peer << "request" << request->id()
                          << "CONTENT_LENGTH" << contentLength << "over the limit";
        request->respond(413, "text/plain", "Request body too large\n");
        return;
    }
    const HandlerCall call(*m_env.counters, m_id, request->id(), route.slot,
                           &RequestPrivate::get(request)->decodedPath(), HandlerCall::Path::Started);
    runRoute(route, request); // hooks, then the handler (or 404, 405); exceptions become 500
}

void Connection::answerGetValues(const NameValueList &names)
{
    NameValueList values;
    for (const NameValue &pair : names) {
        // Unknown names are left out of the answer, as the spec says.
        if (pair.first == "FCGI_MAX_CONNS")
            values.append({pair.first, QByteArray::number(m_env.config->maxConns)});
        else if (pair.first == "FCGI_MAX_REQS")
            values.append({pair.first, QByteArray::number(m_env.config->maxRequestsPerConn)});
        else if (pair.first == "FCGI_MPXS_CONNS")
            values.append({pair.first, QByteArrayLiteral("1")});
    }
    enqueue(kNullRequestId, encodeGetValuesResult(values));
}

void Connection::endWithoutHandler(quint16 requestId, ProtocolStatus status, bool keepConn)
{
    if (!keepConn)
        m_closeWhenIdle = true; // without FCGI_KEEP_CONN, whatever the END_REQUEST says
    if (m_requests.contains(requestId)) {
        m_output.drop(requestId);
        removeRequest(requestId); // it counts as ended: a handler's later end() does nothing
    } else {
        m_assembler.release(requestId);
    }
    enqueue(requestId, encodeEndRequest(requestId, 0, status));
}

void Connection::abortRequest(quint16 id)
{
    Request *request = m_requests.value(id).request;
    WorkerCounters::add(m_env.counters->aborted, 1);
    RequestPrivate::get(request)->markAborted(); // the handler stops producing
    m_output.drop(id);      // the web server does not want the rest
    if (!request->keepConnection())
        m_closeWhenIdle = true;
    if (m_requests.value(id).request == request)
        removeRequest(id);
    enqueue(id, encodeEndRequest(id, 0, ProtocolStatus::RequestComplete));
}

void Connection::queueOutput(quint16 id, RecordType type, QByteArrayView content)
{
    if (content.isEmpty())
        return; // an empty record would end the stream; only finish() does that
    QByteArray unit;
    // Room for the end records too: a small reply's end joins this unit without a reallocation.
    unit.reserve(kHeaderLength + content.size() + 7 + qsizetype(sizeof(EndOfResponse::bytes)));
    appendRecord(unit, type, id, content);
    enqueue(id, std::move(unit));
    if (!canWrite(id))
        m_blocked.insert(id);
}

void Connection::finish(quint16 id, quint32 appStatus, bool stderrUsed)
{
    // Only a request still in the table has a sink to call: this one is there.
    const Request *request = m_requests.value(id).request;
    Q_ASSERT(request);
    // Every response ends with the empty STDOUT (and STDERR, if used) record, then END_REQUEST.
    const EndOfResponse end = encodeEndOfResponse(id, appStatus, ProtocolStatus::RequestComplete,
                                                  stderrUsed);
    if (!m_closed)
        m_output.enqueueCoalescing(id, end.view(), kCoalesceBytes);
    scheduleFlush();
    const int cls = statusClass(request->status());
    WorkerCounters::add(m_env.counters->requestsByStatusClass[cls], 1);
    if (!request->keepConnection())
        m_closeWhenIdle = true; // without FCGI_KEEP_CONN the web server expects us to close
    removeRequest(id);
}

void Connection::removeRequest(quint16 id)
{
    const Slot slot = m_requests.take(id).value_or(Slot());
    Request *request = slot.request;
    m_assembler.release(id);
    m_blocked.remove(id);
    if (slot.waiting)
        m_waiting.removeOne(id);
    WorkerCounters::add(m_env.counters->requestsActive, -1);
    const qint64 micros = RequestPrivate::get(request)->ageNs() / 1000;
    m_env.counters->latency.record(micros);
    WorkerCounters::add(m_env.counters->latencyMicrosTotal, micros);
    const bool aborted = request->isAborted();
    m_env.counters->routes.recordEnd(RequestPrivate::get(request)->m_routeSlot, micros,
                                     !aborted && request->headersSent() && statusClass(request->status()) == 5,
                                     aborted);
    // Also the ends of requests that began before a monitor attached: they are in its snapshot.
    if ((slot.monitored || m_env.counters->monitored.load(std::memory_order_relaxed))
        && monitorTakesEvent())
        reportRequest(MonitorEvent::Kind::RequestEnded, request, micros);
    RequestPrivate::get(request)->detach();
    // The handler may still be on the stack: delete it in the next flush(), which runs from the
    // event loop and is already scheduled (saves a deferred-delete event per request).
    m_finished.append(request);
    scheduleFlush();
    if (!m_waiting.isEmpty() && !m_closed)
        startWaitingRequests();
}

bool Connection::canWrite(quint16 requestId) const
{
    return m_output.queuedBytes(requestId) < m_env.config->outputHighWaterBytes
           && m_output.queuedBytes() < m_env.config->connectionOutputCapBytes;
}

bool Connection::canWriteOrNotify(quint16 requestId)
{
    if (canWrite(requestId))
        return true;
    // A handler told "no" waits for writable(), even one that never wrote past the mark itself
    // (the connection's cap, filled by other requests, can say "no" too).
    m_blocked.insert(requestId);
    return false;
}

void Connection::enqueue(quint16 requestId, QByteArray &&unit)
{
    if (m_closed)
        return;
    m_output.enqueueCoalescing(requestId, std::move(unit), kCoalesceBytes);
    scheduleFlush();
}

void Connection::flushAfterRead()
{
    m_readingInput = false;
    if (m_flushAfterRead && !m_closed)
        flush();
}

void Connection::scheduleFlush()
{
    if (m_readingInput) {
        m_flushAfterRead = true;
        return;
    }
    if (m_flushScheduled)
        return;
    m_flushScheduled = true;
    // One flush per event-loop turn gathers everything the handlers wrote into one write; the
    // worker's queue runs all its connections' flushes from one posted call.
    if (m_env.flushes)
        m_flushPlace = m_env.flushes->schedule(this);
    else
        QMetaObject::invokeMethod(this, &Connection::flush, Qt::QueuedConnection);
}

void Connection::writeNow(quint16 id)
{
    // Alone on its connection, a request's output leaves at once: a fan-out's first bytes reach
    // the web server while the handler goes on with the next subscriber. Output of several
    // requests on one connection still leaves gathered, in the turn's flush().
    if (m_closed || m_writingNow || m_requests.size() != 1 || !m_requests.find(id))
        return;
    m_writingNow = true;
    writeOut();
    m_writingNow = false;
}

void Connection::onBytesWritten()
{
    // Not from inside writeNow(): a handler is on the stack, and the flush() this turn owes
    // (scheduled by that handler's write) deletes finished requests and emits writable().
    if (!m_writingNow)
        flush();
}

void Connection::writeOut()
{
    // Hand the socket what it can take now.
    while (!m_output.isEmpty() && m_channel->bytesToWrite() < kSocketHighWater) {
        const QByteArray chunk = m_output.take(kWriteBudget);
        WorkerCounters::add(m_env.counters->bytesOut, chunk.size());
        m_channel->write(chunk);
    }
    m_channel->flush();
}

void Connection::flush()
{
    // Called early (bytes written, input read): the place in the worker's queue goes empty.
    if (m_flushScheduled && m_env.flushes)
        m_env.flushes->cancel(m_flushPlace);
    m_flushScheduled = false;
    m_flushAfterRead = false;
    qDeleteAll(std::exchange(m_finished, {}));
    if (m_closed)
        return;
    writeOut();
    // A Qt socket's flush() (DeviceChannel) may empty its buffer without emitting bytesWritten
    // (Qt does not emit it again while we are inside that signal), so with room left come back
    // on the next turn of the event loop; a SocketChannel never leaves room with output waiting.
    // Not a loop here: a fast reader and a handler refilling the queue on writable() would keep
    // this thread from ever reading its input again (an ABORT_REQUEST).
    if (!m_output.isEmpty() && m_channel->bytesToWrite() < kSocketHighWater)
        scheduleFlush();

    const qint64 queued = m_output.queuedBytes();
    WorkerCounters::add(m_env.counters->queuedOutputBytes, queued - m_queuedReported);
    m_queuedReported = queued;
    reportQueue(queued);

    if (!m_blocked.isEmpty()) {
        const QSet<quint16> blocked = m_blocked;
        for (quint16 id : blocked) {
            Request *request = m_requests.value(id).request;
            if (request && canWrite(id)) {
                m_blocked.remove(id);
                Q_EMIT request->writable();
            }
        }
    }
    if (m_closeWhenIdle && m_requests.isEmpty() && m_output.isEmpty())
        shutdownSocket(true);
}

void Connection::checkDeadlines(qint64 nowMs)
{
    if (m_closed)
        return;
    const ServerConfig &config = *m_env.config;
    if (m_partialSinceMs != 0 && config.recordTimeoutMs > 0
        && nowMs - m_partialSinceMs > config.recordTimeoutMs) {
        fail(QStringLiteral("a record stayed incomplete for over %1 ms (slow sender)")
                 .arg(config.recordTimeoutMs));
        return;
    }
    if (config.requestTimeoutMs > 0) {
        QList<Request *> requests;
        requests.reserve(m_requests.size());
        m_requests.forEach([&](quint16, const Slot &slot) { requests.append(slot.request); });
        for (Request *request : std::as_const(requests)) {
            if (request->ageMs() <= config.requestTimeoutMs)
                continue;
            qCWarning(lcRequest) << "conn" << m_id << m_peer << "request" << request->id()
                                 << "ran past the request timeout of" << config.requestTimeoutMs << "ms";
            // 504 if nothing was sent yet, else the stream is simply ended.
            if (!request->headersSent())
                request->respond(504, "text/plain", "Request timed out\n");
            else
                request->end(1);
        }
    }
    if (config.idleTimeoutMs > 0 && m_requests.isEmpty() && !m_closeWhenIdle
        && nowMs - m_lastActivityMs > config.idleTimeoutMs) {
        qCDebug(lcConn) << "conn" << m_id << "idle for" << config.idleTimeoutMs << "ms: closing";
        m_closeWhenIdle = true;
        scheduleFlush();
    }
}

void Connection::drain()
{
    m_closeWhenIdle = true;
    scheduleFlush();
}

bool Connection::cancelRequest(quint16 id)
{
    const Slot *slot = m_requests.find(id);
    if (!slot || m_closed || slot->waiting)
        return false;
    Request *request = slot->request;
    RequestPrivate *d = RequestPrivate::get(request);
    if (!request->headersSent()) {
        // Whatever the handler had set up goes: the answer is the operator's.
        d->m_headers.clear();
        constexpr QByteArrayView body("Aborted by the operator\n");
        request->setStatus(503); // also drops a reason phrase of the handler's
        request->setHeader("Content-Type", "text/plain");
        request->setHeader("Content-Length", QByteArray::number(body.size()));
        request->write(body);
    }
    WorkerCounters::add(m_env.counters->aborted, 1);
    d->markAborted(); // the handler stops producing; what it writes from now on goes nowhere
    if (m_requests.value(id).request == request)
        finish(id, 1, d->m_stderrUsed); // what was queued goes out, then the end of the stream
    return true;
}

void Connection::closeNow()
{
    if (m_closed)
        return;
    if (!m_requests.isEmpty())
        qCWarning(lcConn) << "conn" << m_id << m_peer << "closed with" << m_requests.size()
                          << "requests still in flight";
    shutdownSocket(false);
}

void Connection::fail(const QString &reason)
{
    qCWarning(lcConn).noquote() << "conn" << m_id << m_peer << "closed: protocol error:" << reason;
    WorkerCounters::add(m_env.counters->protocolErrors, 1);
    shutdownSocket(false);
}

void Connection::onDisconnected()
{
    if (m_closed)
        return;
    if (!m_requests.isEmpty())
        qCDebug(lcConn) << "conn" << m_id << "web server closed with" << m_requests.size()
                        << "requests in flight: aborting them";
    shutdownSocket(false);
}

void Connection::abortAll()
{
    const QList<quint16> ids = m_requests.keys();
    for (quint16 id : ids) {
        Request *request = m_requests.value(id).request;
        if (!request)
            continue; // removed while another one's aborted() was handled
        WorkerCounters::add(m_env.counters->aborted, 1);
        RequestPrivate::get(request)->markAborted();
        removeRequest(id);
    }
}

void Connection::shutdownSocket(bool graceful)
{
    if (m_closed)
        return;
    m_closed = true;
    abortAll(); // a client that is gone aborts every request it had in flight; nothing is written after
    if (monitorTakesEvent()) {
        MonitorEvent event;
        event.kind = MonitorEvent::Kind::ConnectionClosed;
        reportEvent(std::move(event));
    }
    WorkerCounters::add(m_env.counters->queuedOutputBytes, -m_queuedReported);
    m_queuedReported = 0;
    Q_EMIT closed(m_id);
    if (graceful) {
        lingerClose();
        return;
    }
    m_channel->abort();
    deleteLater();
}

void Connection::lingerClose()
{
    // A lingering close: once our output is written, close only our sending side and read (and
    // drop) whatever the web server still sends, such as the empty STDIN it may write after our
    // END_REQUEST, until it closes too. Closing outright would answer that write with a reset
    // (EPIPE in cgi-fcgi) and could even discard the reply it had not read yet.
    const auto finish = [this] { deleteLater(); };
    connect(m_channel, &ByteChannel::disconnected, this, finish);
    QTimer::singleShot(kLingerMs, this, finish); // a peer that never reads or never closes
    const auto halfClose = [this] {
        if (m_halfClosed || m_channel->bytesToWrite() > 0)
            return;
        m_halfClosed = true;
        m_channel->closeWriting();
    };
    connect(m_channel, &ByteChannel::bytesWritten, this, halfClose);
    halfClose();
}

} // namespace afcgi
