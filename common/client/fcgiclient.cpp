#include "fcgiclient.h"

#include "namevaluedecoder.h"

#include <QLocalSocket>
#include <QPointer>
#include <QtEndian>
#include <QTcpSocket>

namespace afcgi {

namespace {
constexpr qint64 kPausedReadBufferSize = 4096; // small, so the kernel buffers fill and TCP pushes back
constexpr int kEndRequestBodyLength = 8;
constexpr int kUnknownTypeBodyLength = 8;

struct ParsedAddress
{
    bool isLocal = false;
    QString host; // or the socket path when isLocal
    quint16 port = 0;
};

std::optional<ParsedAddress> parseAddress(const QString &address)
{
    ParsedAddress parsed;
    if (address.startsWith(QLatin1String("unix:"))) {
        parsed.isLocal = true;
        parsed.host = address.mid(5);
        if (parsed.host.isEmpty())
            return std::nullopt;
        return parsed;
    }
    qsizetype colon = -1;
    if (address.startsWith(QLatin1Char('['))) {
        const qsizetype close = address.indexOf(QLatin1String("]:"));
        if (close < 0)
            return std::nullopt;
        parsed.host = address.mid(1, close - 1);
        colon = close + 1;
    } else {
        colon = address.lastIndexOf(QLatin1Char(':'));
        if (colon < 0)
            return std::nullopt;
        parsed.host = address.left(colon);
    }
    if (parsed.host.isEmpty())
        parsed.host = QStringLiteral("127.0.0.1");
    bool ok = false;
    const uint port = address.mid(colon + 1).toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return std::nullopt;
    parsed.port = quint16(port);
    return parsed;
}
} // namespace

FcgiClient::FcgiClient(QObject *parent)
    : QObject(parent)
{
}

FcgiClient::~FcgiClient()
{
    if (m_device)
        disconnect(m_device, nullptr, this, nullptr);
}

void FcgiClient::connectToServer(const QString &address)
{
    dropSocket();
    const auto parsed = parseAddress(address);
    if (!parsed) {
        Q_EMIT errorOccurred(QStringLiteral("bad FastCGI address: %1").arg(address));
        return;
    }
    const auto wire = [this](auto *socket) {
        using Socket = std::remove_pointer_t<decltype(socket)>;
        m_device = socket;
        connect(socket, &Socket::connected, this, &FcgiClient::onConnected);
        connect(socket, &Socket::disconnected, this, &FcgiClient::onDisconnected);
        connect(socket, &Socket::readyRead, this, &FcgiClient::onReadyRead);
        connect(socket, &Socket::errorOccurred, this,
                [this, socket] { Q_EMIT errorOccurred(socket->errorString()); });
    };
    if (parsed->isLocal)
        wire(m_local = new QLocalSocket(this));
    else
        wire(m_tcp = new QTcpSocket(this));
    if (m_readingPaused)
        setReadBufferSize(kPausedReadBufferSize);
    if (m_local)
        m_local->connectToServer(parsed->host);
    else
        m_tcp->connectToHost(parsed->host, parsed->port);
}

bool FcgiClient::waitForConnected(int msecs)
{
    if (m_isConnected)
        return true;
    bool ok = false;
    if (m_local)
        ok = m_local->waitForConnected(msecs);
    else if (m_tcp)
        ok = m_tcp->waitForConnected(msecs);
    if (ok && !m_isConnected)
        onConnected(); // the socket may have connected without a signal reaching us yet
    return ok;
}

bool FcgiClient::isConnected() const
{
    return m_isConnected;
}

void FcgiClient::disconnectFromServer()
{
    const bool wasConnected = m_isConnected;
    if (m_tcp)
        m_tcp->flush();
    else if (m_local)
        m_local->flush();
    dropSocket();
    if (wasConnected)
        Q_EMIT disconnected();
}

void FcgiClient::dropSocket()
{
    if (m_device) {
        disconnect(m_device, nullptr, this, nullptr);
        if (m_tcp)
            m_tcp->abort();
        else
            m_local->abort();
        m_device->deleteLater(); // we may be inside one of its signals
    }
    m_tcp = nullptr;
    m_local = nullptr;
    m_device = nullptr;
    m_isConnected = false;
    m_pending.clear();
    m_active.clear();
    m_decoder = RecordDecoder();
    m_errorReported = false;
    ++m_generation;
}

void FcgiClient::onConnected()
{
    if (m_isConnected)
        return;
    m_isConnected = true;
    if (!m_pending.isEmpty()) {
        m_device->write(m_pending);
        m_pending.clear();
    }
    Q_EMIT connected();
}

void FcgiClient::onDisconnected()
{
    const bool wasConnected = m_isConnected;
    m_isConnected = false;
    m_active.clear(); // their responses stay, with ended == false
    if (wasConnected)
        Q_EMIT disconnected();
}

quint16 FcgiClient::sendGet(QByteArrayView uri)
{
    const quint16 id = beginRequest(requestParams("GET", uri));
    if (id != 0)
        sendStdin(id, {});
    return id;
}

quint16 FcgiClient::beginRequest(const NameValueList &params, Role role, bool keepConn,
                                 quint16 requestId)
{
    if (requestId == 0) {
        for (int tries = 0; tries < 65535 && requestId == 0; ++tries) {
            const quint16 candidate = m_nextId;
            m_nextId = m_nextId == 65535 ? 1 : m_nextId + 1;
            if (!m_active.contains(candidate))
                requestId = candidate;
        }
        if (requestId == 0)
            return 0; // every id is in flight
    }
    m_active.insert(requestId, StreamState());
    if (m_keepResponses)
        m_responses.insert(requestId, Response());
    QByteArray bytes = encodeBeginRequest(requestId, role, keepConn);
    const QByteArray encoded = encodeNameValues(params);
    if (!encoded.isEmpty())
        appendRecord(bytes, RecordType::Params, requestId, encoded);
    appendRecord(bytes, RecordType::Params, requestId, {}); // end of the PARAMS stream
    write(bytes);
    return requestId;
}

void FcgiClient::sendStdin(quint16 requestId, QByteArrayView data)
{
    write(encodeRecord(RecordType::Stdin, requestId, data));
}

void FcgiClient::sendData(quint16 requestId, QByteArrayView data)
{
    write(encodeRecord(RecordType::Data, requestId, data));
}

void FcgiClient::abortRequest(quint16 requestId)
{
    write(encodeAbortRequest(requestId));
}

void FcgiClient::sendGetValues(const QList<QByteArray> &names)
{
    write(encodeGetValues(names));
}

void FcgiClient::sendRaw(QByteArrayView bytes)
{
    write(bytes.toByteArray());
}

void FcgiClient::write(const QByteArray &bytes)
{
    if (!m_device)
        return; // not connecting or connected: nowhere to send
    if (m_isConnected)
        m_device->write(bytes);
    else
        m_pending.append(bytes);
}

void FcgiClient::setReadingPaused(bool paused)
{
    if (m_readingPaused == paused)
        return;
    m_readingPaused = paused;
    setReadBufferSize(paused ? kPausedReadBufferSize : 0);
    if (!paused) // handle what arrived meanwhile; queued, so the caller's stack unwinds first
        QMetaObject::invokeMethod(this, &FcgiClient::onReadyRead, Qt::QueuedConnection);
}

void FcgiClient::setReadBufferSize(qint64 size)
{
    if (m_tcp)
        m_tcp->setReadBufferSize(size);
    else if (m_local)
        m_local->setReadBufferSize(size);
}

qint64 FcgiClient::bytesToWrite() const
{
    return (m_device ? m_device->bytesToWrite() : 0) + m_pending.size();
}

void FcgiClient::onReadyRead()
{
    if (!m_device || m_readingPaused)
        return;
    if (m_errorReported) {
        m_device->readAll(); // the stream is broken; discard the rest
        return;
    }
    m_decoder.feed(m_device->readAll());
    const QPointer<FcgiClient> self(this);
    const quint64 generation = m_generation;
    while (auto record = m_decoder.next()) {
        handleRecord(std::move(*record));
        // A slot may have deleted us, reconnected, or paused reading.
        if (!self || generation != m_generation || m_readingPaused)
            return;
    }
    if (m_decoder.error() != DecodeError::None) {
        m_errorReported = true;
        Q_EMIT protocolError(QString::fromLatin1(toString(m_decoder.error())));
    }
}

void FcgiClient::handleRecord(Record &&record)
{
    switch (record.recordType()) {
    case RecordType::Stdout:
    case RecordType::Stderr:
        handleStream(std::move(record));
        return;
    case RecordType::EndRequest:
        handleEndRequest(record);
        return;
    case RecordType::GetValuesResult: {
        const auto values = NameValueDecoder::decodeAll(record.content);
        if (record.requestId != kNullRequestId || !values) {
            Q_EMIT protocolError(QStringLiteral("malformed GET_VALUES_RESULT"));
            return;
        }
        Q_EMIT getValuesResult(*values);
        return;
    }
    case RecordType::UnknownType:
        if (record.requestId != kNullRequestId || record.content.size() < kUnknownTypeBodyLength) {
            Q_EMIT protocolError(QStringLiteral("malformed UNKNOWN_TYPE"));
            return;
        }
        Q_EMIT unknownTypeReceived(quint8(record.content.at(0)));
        return;
    default:
        Q_EMIT protocolError(QStringLiteral("unexpected record type %1 for request %2")
                                 .arg(record.type).arg(record.requestId));
        return;
    }
}

void FcgiClient::handleStream(Record &&record)
{
    const bool isOut = record.recordType() == RecordType::Stdout;
    const char *name = isOut ? "STDOUT" : "STDERR";
    const auto it = m_active.find(record.requestId);
    if (it == m_active.end()) {
        Q_EMIT protocolError(QStringLiteral("%1 for inactive request %2")
                                 .arg(QLatin1String(name)).arg(record.requestId));
        return;
    }
    bool &closed = isOut ? it->outClosed : it->errClosed;
    if (closed) {
        Q_EMIT protocolError(QStringLiteral("%1 after the end of the stream for request %2")
                                 .arg(QLatin1String(name)).arg(record.requestId));
        return;
    }
    if (record.content.isEmpty()) {
        closed = true;
        if (m_keepResponses) {
            Response &response = m_responses[record.requestId];
            (isOut ? response.outClosed : response.errClosed) = true;
        }
        return;
    }
    if (m_keepResponses) {
        Response &response = m_responses[record.requestId];
        (isOut ? response.out : response.err).append(record.content);
    }
    if (isOut)
        Q_EMIT stdoutReceived(record.requestId, record.content);
    else
        Q_EMIT stderrReceived(record.requestId, record.content);
}

void FcgiClient::handleEndRequest(const Record &record)
{
    if (!m_active.remove(record.requestId)) {
        Q_EMIT protocolError(QStringLiteral("END_REQUEST for inactive request %1")
                                 .arg(record.requestId));
        return;
    }
    if (record.content.size() < kEndRequestBodyLength) {
        Q_EMIT protocolError(QStringLiteral("short END_REQUEST body for request %1")
                                 .arg(record.requestId));
        return;
    }
    const quint32 appStatus = qFromBigEndian<quint32>(record.content.constData());
    const auto status = static_cast<ProtocolStatus>(quint8(record.content.at(4)));
    if (m_keepResponses) {
        Response &response = m_responses[record.requestId];
        response.ended = true;
        response.appStatus = appStatus;
        response.protocolStatus = status;
    }
    Q_EMIT requestEnded(record.requestId, appStatus, status);
}

NameValueList FcgiClient::requestParams(QByteArrayView method, QByteArrayView uri,
                                        qint64 contentLength, QByteArrayView contentType)
{
    const qsizetype question = uri.indexOf('?');
    const QByteArray path = (question < 0 ? uri : uri.first(question)).toByteArray();
    const QByteArray query = question < 0 ? QByteArray() : uri.sliced(question + 1).toByteArray();
    // What nginx's fastcgi_params sends, with fixed values for the connection details.
    NameValueList params = {
        { "GATEWAY_INTERFACE", "CGI/1.1" },
        { "SERVER_SOFTWARE", "afcgi-client" },
        { "SERVER_PROTOCOL", "HTTP/1.1" },
        { "REQUEST_SCHEME", "http" },
        { "REQUEST_METHOD", method.toByteArray() },
        { "REQUEST_URI", uri.toByteArray() },
        { "DOCUMENT_URI", path },
        { "SCRIPT_NAME", path },
        { "QUERY_STRING", query },
        { "SERVER_NAME", "localhost" },
        { "SERVER_ADDR", "127.0.0.1" },
        { "SERVER_PORT", "80" },
        { "REMOTE_ADDR", "127.0.0.1" },
        { "REMOTE_PORT", "40000" },
        { "HTTP_HOST", "localhost" },
    };
    if (contentLength >= 0)
        params.append({ "CONTENT_LENGTH", QByteArray::number(contentLength) });
    if (!contentType.isEmpty())
        params.append({ "CONTENT_TYPE", contentType.toByteArray() });
    return params;
}

} // namespace afcgi
