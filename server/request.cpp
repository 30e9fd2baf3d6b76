#include "request.h"

#include "connection.h"

#include <QUrl>

namespace afcgi {

namespace {
// Body bytes per STDOUT unit: small enough that a large response yields the connection to its
// other requests often, large enough that one record's header is negligible.
constexpr qsizetype kBodyUnitBytes = 32 * 1024;

QByteArray reasonPhrase(int status)
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
} // namespace

QString decodeRequestPath(QByteArrayView uriOrPath)
{
    QByteArrayView path = uriOrPath;
    const qsizetype query = path.indexOf('?');
    if (query >= 0)
        path.truncate(query);
    if (!path.contains('%'))
        return QString::fromUtf8(path); // the common case needs no decoding pass
    return QUrl::fromPercentEncoding(path.toByteArray());
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
    m_headers.append(name.data(), name.size());
    m_headers.append(": ");
    m_headers.append(value.data(), value.size());
    m_headers.append("\r\n");
}

QByteArray Request::takeHeaderBlock()
{
    m_headersSent = true;
    QByteArray block = "Status: " + QByteArray::number(m_status) + ' '
                       + (m_reason.isEmpty() ? reasonPhrase(m_status) : m_reason) + "\r\n";
    block += m_headers;
    block += "\r\n";
    m_headers.clear();
    return block;
}

void Request::write(QByteArrayView body)
{
    if (m_ended || m_aborted || !m_connection)
        return;
    if (!m_headersSent) {
        // Headers and the first part of the body share one record: one write for small replies.
        QByteArray first = takeHeaderBlock();
        const QByteArrayView head = body.first(qMin(body.size(), kBodyUnitBytes));
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
    setHeader("Content-Length", QByteArray::number(body.size()));
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
