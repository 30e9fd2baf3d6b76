#include <afcgi/request.h>

#include "engine/handlerguard.h"
#include "engine/requestpath.h"
#include "engine/requestprivate.h"
#include "engine/requestsink.h"
#include "recordencoder.h"

#include <QUrl>

#include <charconv>
#include <cstring>
#include <initializer_list>

namespace afcgi {

namespace {
// Body bytes per STDOUT unit: small enough that a large response yields the connection to its
// other requests often, large enough that one record's header is negligible.
constexpr qsizetype kBodyUnitBytes = 32 * 1024;
// Room reserved for the response headers a handler sets (Content-Type, Content-Length, ...).
constexpr qsizetype kHeaderReserveBytes = 128;

// Views of literals: no allocation per response.
QByteArrayView reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
    }
}
// One resize and plain copies: QByteArray::append goes through insert() in Qt 6.4 (about 100
// instructions a call, callgrind), and a response's status line and headers are a dozen pieces.
void appendAll(QByteArray &out, std::initializer_list<QByteArrayView> pieces)
{
    qsizetype at = out.size();
    qsizetype total = at;
    for (QByteArrayView piece : pieces)
        total += piece.size();
    out.resize(total);
    char *to = out.data();
    for (QByteArrayView piece : pieces) {
        if (!piece.isEmpty())
            std::memcpy(to + at, piece.data(), size_t(piece.size()));
        at += piece.size();
    }
}
} // namespace

// --- what the connection and the deadline queue call ------------------------------------------

Request *RequestPrivate::create(RequestSink *sink, QObject *parent, DeadlineQueue *deadlines,
                                quint64 connectionId, quint16 id, Role role, bool keepConn)
{
    auto d = std::make_unique<RequestPrivate>();
    d->m_sink = sink;
    d->m_deadlines = deadlines;
    d->m_connectionId = connectionId;
    d->m_id = id;
    d->m_role = role;
    d->m_keepConn = keepConn;
    d->m_age.start();
    return new Request(std::move(d), parent);
}

void RequestPrivate::appendInput(QByteArray &&bytes)
{
    if (bytes.isEmpty()) {
        m_inputFinished = true;
        Q_EMIT q->inputEnded();
        return;
    }
    m_inputReceived += bytes.size();
    if (m_input.isEmpty())
        m_input = std::move(bytes);
    else
        m_input.append(bytes);
    Q_EMIT q->inputReady();
}

void RequestPrivate::appendData(QByteArray &&bytes)
{
    if (bytes.isEmpty()) {
        m_dataFinished = true;
        Q_EMIT q->dataEnded();
        return;
    }
    QByteArray &data = extras().data;
    if (data.isEmpty())
        data = std::move(bytes);
    else
        data.append(bytes);
    Q_EMIT q->dataReady();
}

void RequestPrivate::markAborted()
{
    if (m_aborted || m_ended)
        return;
    m_aborted = true;
    cancelCallAfter();
    Q_EMIT q->aborted();
}

void RequestPrivate::detach()
{
    m_ended = true;
    m_sink = nullptr;
    runAfterHooks();
}

void RequestPrivate::runAfterHooks()
{
    if (!m_extras || m_extras->afterHooks.isEmpty())
        return;
    // Innermost router first. Taken out first, so that they run once whatever a hook does.
    const auto hooks = std::exchange(m_extras->afterHooks, {});
    for (qsizetype i = hooks.size() - 1; i >= 0; --i) {
        for (const Router::Hook &hook : *hooks.at(i)) {
            try {
                hook(q);
            } catch (...) {
                logException(q, std::current_exception(), "an after() hook");
            }
        }
    }
}

const QString &RequestPrivate::decodedPath()
{
    if (!m_pathDecoded) {
        const QByteArrayView uri = m_params.view("REQUEST_URI");
        m_path = !uri.isEmpty() ? decodeRequestPath(uri)
                                : decodeRequestPath(m_params.value("SCRIPT_NAME") + m_params.value("PATH_INFO"));
        m_pathDecoded = true;
    }
    return m_path;
}

void RequestPrivate::setRoute(RouteResolution &resolution)
{
    m_discardBody = resolution.headAsGet;
    m_routeSlot = resolution.slot;
    if (!resolution.params.isEmpty())
        extras().pathParams = std::move(resolution.params);
    for (const RouterPrivate *router : std::as_const(resolution.routers)) {
        if (!router->m_after.isEmpty())
            extras().afterHooks.append(&router->m_after);
    }
}

RequestExtras &RequestPrivate::extras()
{
    if (!m_extras)
        m_extras = std::make_unique<RequestExtras>();
    return *m_extras;
}

void RequestPrivate::cancelCallAfter()
{
    if (m_callAfterPending) {
        m_deadlines->remove(m_deadline);
        m_callAfterPending = false;
    }
    m_afterFn = nullptr;
}

void RequestPrivate::fireCallAfter()
{
    m_callAfterPending = false; // the queue has already dropped the entry
    const std::function<void()> fn = std::exchange(m_afterFn, nullptr);
    if (fn && !m_ended && !m_aborted)
        fn();
}

QByteArray RequestPrivate::takeHeaderBlock(qsizetype extraBytes)
{
    m_headersSent = true;
    const QByteArrayView reason = m_extras && !m_extras->reason.isEmpty() ? QByteArrayView(m_extras->reason)
                                                                          : reasonPhrase(m_status);
    char code[16];
    const auto digits = std::to_chars(code, code + sizeof code, m_status).ptr - code;
    // Built in one buffer with room for the first part of the body (see Request::write()).
    QByteArray block;
    block.reserve(8 + digits + 1 + reason.size() + 2 + m_headers.size() + 2 + extraBytes);
    appendAll(block, {"Status: ", QByteArrayView(code, digits), " ", reason, "\r\n", m_headers, "\r\n"});
    m_headers = QByteArray();
    return block;
}

// --- the public API ---------------------------------------------------------------------------

Request::Request(std::unique_ptr<RequestPrivate> dd, QObject *parent)
    : QObject(parent), d(std::move(dd))
{
    d->q = this;
}

Request::~Request()
{
    d->cancelCallAfter();
    d->runAfterHooks(); // not run yet only if the connection never removed it
}

quint16 Request::id() const
{
    return d->m_id;
}

quint64 Request::connectionId() const
{
    return d->m_connectionId;
}

Role Request::role() const
{
    return d->m_role;
}

bool Request::keepConnection() const
{
    return d->m_keepConn;
}

qint64 Request::ageMs() const
{
    return d->m_age.elapsed();
}

NameValueList Request::params() const
{
    return d->m_params.toList();
}

QByteArray Request::param(QByteArrayView name) const
{
    return d->m_params.value(name);
}

QByteArrayView Request::paramView(QByteArrayView name) const
{
    return d->m_params.view(name);
}

QByteArray Request::method() const
{
    return param("REQUEST_METHOD");
}

QString Request::path() const
{
    return d->decodedPath();
}

QString Request::pathParam(QStringView name) const
{
    if (!d->m_extras)
        return {};
    for (const PathParam &param : std::as_const(d->m_extras->pathParams)) {
        if (QStringView(*param.name) == name)
            return d->m_path.sliced(param.start, param.length);
    }
    return {};
}

QByteArray Request::requestUri() const
{
    const QByteArray uri = param("REQUEST_URI");
    if (!uri.isEmpty())
        return uri;
    QByteArray built = param("SCRIPT_NAME") + param("PATH_INFO");
    const QByteArray query = param("QUERY_STRING");
    if (!query.isEmpty())
        built += '?' + query;
    return built;
}

QByteArray Request::queryString() const
{
    if (d->m_params.contains("QUERY_STRING"))
        return d->m_params.value("QUERY_STRING");
    const QByteArray uri = param("REQUEST_URI");
    const qsizetype mark = uri.indexOf('?');
    return mark < 0 ? QByteArray() : uri.mid(mark + 1);
}

QByteArray Request::queryValue(QByteArrayView key) const
{
    const QByteArray query = queryString();
    for (const QByteArray &item : query.split('&')) {
        const qsizetype eq = item.indexOf('=');
        const QByteArray name = eq < 0 ? item : item.left(eq);
        if (QUrl::fromPercentEncoding(name).toUtf8() == key)
            return eq < 0 ? QByteArray() : QUrl::fromPercentEncoding(item.mid(eq + 1)).toUtf8();
    }
    return {};
}

QByteArray Request::readInput()
{
    return std::exchange(d->m_input, {});
}

qint64 Request::inputAvailable() const
{
    return d->m_input.size();
}

qint64 Request::inputReceived() const
{
    return d->m_inputReceived;
}

bool Request::isInputFinished() const
{
    return d->m_inputFinished;
}

QByteArray Request::readData()
{
    return d->m_extras ? std::exchange(d->m_extras->data, {}) : QByteArray();
}

bool Request::isDataFinished() const
{
    return d->m_dataFinished;
}

void Request::setStatus(int code, QByteArrayView reason)
{
    d->m_status = code;
    if (!reason.isEmpty() || d->m_extras)
        d->extras().reason = reason.toByteArray();
}

void Request::setHeader(QByteArrayView name, QByteArrayView value)
{
    if (d->m_headers.capacity() == 0)
        d->m_headers.reserve(kHeaderReserveBytes); // one allocation for a handler's usual headers
    appendAll(d->m_headers, {name, ": ", value, "\r\n"});
}

void Request::write(QByteArrayView body)
{
    if (d->m_ended || d->m_aborted || !d->m_sink)
        return;
    if (d->m_discardBody)
        body = {}; // HEAD: the headers go out, the body does not
    if (!d->m_headersSent) {
        // Headers and the first part of the body share one record: one write for small replies.
        const QByteArrayView head = body.first(qMin(body.size(), kBodyUnitBytes));
        QByteArray first = d->takeHeaderBlock(head.size());
        first.append(head.data(), head.size());
        d->m_bytesOut += head.size();
        d->m_sink->queueOutput(d->m_id, RecordType::Stdout, first);
        body = body.sliced(head.size());
    }
    for (qsizetype offset = 0; offset < body.size(); offset += kBodyUnitBytes) {
        const QByteArrayView part = body.sliced(offset, qMin(kBodyUnitBytes, body.size() - offset));
        d->m_bytesOut += part.size();
        d->m_sink->queueOutput(d->m_id, RecordType::Stdout, part);
    }
}

void Request::writeStderr(QByteArrayView text)
{
    if (d->m_ended || d->m_aborted || !d->m_sink || text.isEmpty())
        return;
    d->m_stderrUsed = true;
    d->m_sink->queueOutput(d->m_id, RecordType::Stderr, text);
}

void Request::end(quint32 appStatus)
{
    if (d->m_ended || !d->m_sink)
        return;
    if (d->m_aborted) {
        d->m_ended = true;
        return; // the connection already answered the abort
    }
    if (!d->m_headersSent)
        write({});
    d->m_ended = true;
    d->cancelCallAfter();
    d->m_sink->finish(d->m_id, appStatus, d->m_stderrUsed);
}

void Request::respond(int status, QByteArrayView contentType, QByteArrayView body)
{
    setStatus(status);
    if (!contentType.isEmpty())
        setHeader("Content-Type", contentType);
    char length[24];
    const char *lengthEnd = std::to_chars(length, length + sizeof length, body.size()).ptr;
    setHeader("Content-Length", QByteArrayView(length, lengthEnd - length));
    write(body);
    end();
}

int Request::status() const
{
    return d->m_status;
}

bool Request::headersSent() const
{
    return d->m_headersSent;
}

bool Request::isEnded() const
{
    return d->m_ended;
}

bool Request::isAborted() const
{
    return d->m_aborted;
}

qint64 Request::bytesWritten() const
{
    return d->m_bytesOut;
}

qint64 Request::queuedOutputBytes() const
{
    return d->m_sink ? d->m_sink->queuedOutputBytes(d->m_id) : 0;
}

bool Request::canWrite() const
{
    return d->m_sink && !d->m_ended && !d->m_aborted && d->m_sink->canWriteOrNotify(d->m_id);
}

void Request::flush()
{
    if (d->m_sink && !d->m_aborted)
        d->m_sink->writeNow(d->m_id);
}

void Request::setNote(const QString &note)
{
    if (!note.isEmpty() || d->m_extras)
        d->extras().note = note;
}

QString Request::note() const
{
    return d->m_extras ? d->m_extras->note : QString();
}

void Request::releaseParams()
{
    d->decodedPath(); // path() keeps answering what routing saw
    const NameValueList kept = {{"REQUEST_METHOD", method()}, {"REQUEST_URI", requestUri()}};
    d->m_params = ParamBlock(encodeNameValues(kept));
}

Request::Attachment::~Attachment() = default;

void Request::setAttachment(std::unique_ptr<Attachment> attachment)
{
    d->m_attachment = std::move(attachment);
}

void Request::callAfter(int ms, std::function<void()> fn)
{
    d->cancelCallAfter();
    if (d->m_ended || d->m_aborted || !d->m_sink)
        return;
    d->m_afterFn = std::move(fn);
    d->m_deadline = d->m_deadlines->add(ms, d.get());
    d->m_callAfterPending = true;
}

} // namespace afcgi
