#include <afcgi/request.h>

#include "engine/connection.h"

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

// Removes "." and ".." segments (RFC 3986, 5.2.4) so that a mount's prefix cannot be escaped:
// "/static/../admin" is routed as "/admin", never above the root. Empty segments stay.
QString removeDotSegments(const QString &path)
{
    if (!path.contains(QLatin1String("/.")) && !path.startsWith(QLatin1Char('.')))
        return path; // the common case: nothing to remove
    const bool absolute = path.startsWith(QLatin1Char('/'));
    const QStringList segments = path.split(QLatin1Char('/'));
    QStringList kept;
    bool endsInDirectory = false; // "/a/b/.." names the directory "/a/"
    for (qsizetype i = absolute ? 1 : 0; i < segments.size(); ++i) {
        const QString &segment = segments.at(i);
        const bool isLast = i == segments.size() - 1;
        if (segment == QLatin1String("..")) {
            if (!kept.isEmpty())
                kept.removeLast();
            endsInDirectory = isLast;
        } else if (segment == QLatin1String(".")) {
            endsInDirectory = isLast;
        } else {
            kept.append(segment);
            endsInDirectory = false;
        }
    }
    QString result = (absolute ? QStringLiteral("/") : QString()) + kept.join(QLatin1Char('/'));
    if (endsInDirectory && !result.endsWith(QLatin1Char('/')))
        result += QLatin1Char('/');
    return result;
}

QString decodeRequestPath(QByteArrayView uriOrPath)
{
    QByteArrayView path = uriOrPath;
    const qsizetype query = path.indexOf('?');
    if (query >= 0)
        path.truncate(query);
    // Decoded first, as nginx does: "%2e%2e" is a ".." segment too.
    const QString decoded = path.contains('%') ? QUrl::fromPercentEncoding(path.toByteArray())
                                               : QString::fromUtf8(path);
    return removeDotSegments(decoded);
}

Request::Request(Connection *connection, quint64 connectionId, quint16 id, Role role, bool keepConn)
    : QObject(connection),
      m_connection(connection),
      m_connectionId(connectionId),
      m_id(id),
      m_role(role),
      m_keepConn(keepConn)
{
    m_age.start();
}

Request::~Request()
{
    cancelCallAfter();
}

QString Request::path() const
{
    const QByteArrayView uri = m_params.view("REQUEST_URI");
    return !uri.isEmpty() ? decodeRequestPath(uri)
                          : decodeRequestPath(param("SCRIPT_NAME") + param("PATH_INFO"));
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
    if (m_params.contains("QUERY_STRING"))
        return m_params.value("QUERY_STRING");
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
    return std::exchange(m_input, {});
}

QByteArray Request::readData()
{
    return std::exchange(m_data, {});
}

void Request::setStatus(int code, QByteArrayView reason)
{
    m_status = code;
    m_reason = reason.toByteArray();
}

void Request::setHeader(QByteArrayView name, QByteArrayView value)
{
    if (m_headers.capacity() == 0)
        m_headers.reserve(kHeaderReserveBytes); // one allocation for a handler's usual headers
    appendAll(m_headers, {name, ": ", value, "\r\n"});
}

QByteArray Request::takeHeaderBlock(qsizetype extraBytes)
{
    m_headersSent = true;
    const QByteArrayView reason = m_reason.isEmpty() ? reasonPhrase(m_status) : QByteArrayView(m_reason);
    char code[16];
    const auto digits = std::to_chars(code, code + sizeof code, m_status).ptr - code;
    // Built in one buffer with room for the first part of the body (see write()).
    QByteArray block;
    block.reserve(8 + digits + 1 + reason.size() + 2 + m_headers.size() + 2 + extraBytes);
    appendAll(block, {"Status: ", QByteArrayView(code, digits), " ", reason, "\r\n", m_headers, "\r\n"});
    m_headers = QByteArray();
    return block;
}

void Request::write(QByteArrayView body)
{
    if (m_ended || m_aborted || !m_connection)
        return;
    if (!m_headersSent) {
        // Headers and the first part of the body share one record: one write for small replies.
        const QByteArrayView head = body.first(qMin(body.size(), kBodyUnitBytes));
        QByteArray first = takeHeaderBlock(head.size());
        first.append(head.data(), head.size());
        m_bytesOut += head.size();
        m_connection->queueStream(this, RecordType::Stdout, first);
        body = body.sliced(head.size());
    }
    for (qsizetype offset = 0; offset < body.size(); offset += kBodyUnitBytes) {
        const QByteArrayView part = body.sliced(offset, qMin(kBodyUnitBytes, body.size() - offset));
        m_bytesOut += part.size();
        m_connection->queueStream(this, RecordType::Stdout, part);
    }
}

void Request::writeStderr(QByteArrayView text)
{
    if (m_ended || m_aborted || !m_connection || text.isEmpty())
        return;
    m_stderrUsed = true;
    m_connection->queueStream(this, RecordType::Stderr, text);
}

void Request::end(quint32 appStatus)
{
    if (m_ended || !m_connection)
        return;
    if (m_aborted) {
        m_ended = true;
        return; // the connection already answered the abort
    }
    if (!m_headersSent)
        write({});
    m_ended = true;
    cancelCallAfter();
    m_connection->finishRequest(this, appStatus, m_stderrUsed);
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

qint64 Request::queuedOutputBytes() const
{
    return m_connection ? m_connection->queuedOutputBytes(m_id) : 0;
}

bool Request::canWrite() const
{
    return m_connection && !m_ended && !m_aborted && m_connection->canWriteOrNotify(m_id);
}

void Request::callAfter(int ms, std::function<void()> fn)
{
    cancelCallAfter();
    if (m_ended || m_aborted || !m_connection)
        return;
    m_afterFn = std::move(fn);
    m_deadlines = m_connection->deadlines();
    m_deadline = m_deadlines->add(ms, this);
}

void Request::cancelCallAfter()
{
    if (m_deadlines) {
        m_deadlines->remove(m_deadline);
        m_deadlines = nullptr;
    }
    m_afterFn = nullptr;
}

void Request::fireCallAfter()
{
    m_deadlines = nullptr; // the queue has already dropped the entry
    const std::function<void()> fn = std::exchange(m_afterFn, nullptr);
    if (fn && !m_ended && !m_aborted)
        fn();
}


void Request::appendInput(QByteArray &&bytes)
{
    if (bytes.isEmpty()) {
        m_inputFinished = true;
        Q_EMIT inputEnded();
        return;
    }
    m_inputReceived += bytes.size();
    if (m_input.isEmpty())
        m_input = std::move(bytes);
    else
        m_input.append(bytes);
    Q_EMIT inputReady();
}

void Request::appendData(QByteArray &&bytes)
{
    if (bytes.isEmpty()) {
        m_dataFinished = true;
        Q_EMIT dataEnded();
        return;
    }
    if (m_data.isEmpty())
        m_data = std::move(bytes);
    else
        m_data.append(bytes);
    Q_EMIT dataReady();
}

void Request::markAborted()
{
    if (m_aborted || m_ended)
        return;
    m_aborted = true;
    cancelCallAfter();
    Q_EMIT aborted();
}

} // namespace afcgi
