#pragma once
// A multiplexing FastCGI client (the web server's side of the protocol), for tests and the
// bench tool. Many requests share one connection; records are written straight to the socket
// and every complete record is handled as soon as it is read.

#include "protocol.h"
#include "recorddecoder.h"
#include "recordencoder.h"

#include <QHash>
#include <QMetaType>
#include <QObject>

QT_BEGIN_NAMESPACE
class QIODevice;
class QLocalSocket;
class QTcpSocket;
QT_END_NAMESPACE

namespace afcgi {

class FcgiClient : public QObject
{
    Q_OBJECT
public:
    explicit FcgiClient(QObject *parent = nullptr);
    ~FcgiClient() override;

    // "host:port", "[::1]:port" or "unix:/abs/path". Drops any previous connection.
    void connectToServer(const QString &address);
    bool waitForConnected(int msecs = 5000);
    bool isConnected() const;
    void disconnectFromServer(); // close now (whatever is already written is flushed first)

    // Sends BEGIN_REQUEST + PARAMS + empty PARAMS. requestId 0 picks an unused id (a rolling
    // counter 1, 2, 3, ... that skips active ids). Returns the id, or 0 when all are active.
    quint16 beginRequest(const NameValueList &params, Role role = Role::Responder,
                         bool keepConn = true, quint16 requestId = 0);
    // A whole GET without a body (the params of requestParams(), then the empty STDIN).
    // Returns the id, or 0 when all are active.
    quint16 sendGet(QByteArrayView uri);
    void sendStdin(quint16 requestId, QByteArrayView data); // empty = end of stdin
    void sendData(quint16 requestId, QByteArrayView data);  // FILTER DATA stream; empty = end
    void abortRequest(quint16 requestId);
    void sendGetValues(const QList<QByteArray> &names);
    void sendRaw(QByteArrayView bytes); // for tests of malformed input

    // Stops reading the socket; the read buffer is capped so TCP back-pressure reaches the server.
    void setReadingPaused(bool paused);
    bool isReadingPaused() const { return m_readingPaused; }
    qint64 bytesToWrite() const;
    int activeRequestCount() const { return int(m_active.size()); }
    bool isActive(quint16 requestId) const { return m_active.contains(requestId); }

    // Accumulated per-request results, kept until taken.
    struct Response
    {
        QByteArray out;
        QByteArray err;
        bool ended = false;
        quint32 appStatus = 0;
        ProtocolStatus protocolStatus = ProtocolStatus::RequestComplete;
        bool outClosed = false; // the empty STDOUT record arrived
        bool errClosed = false; // the empty STDERR record arrived
    };
    Response response(quint16 requestId) const { return m_responses.value(requestId); }
    Response takeResponse(quint16 requestId) { return m_responses.take(requestId); }
    void setKeepResponses(bool keep) { m_keepResponses = keep; } // default true

    static NameValueList requestParams(QByteArrayView method, QByteArrayView uri,
                                       qint64 contentLength = -1,
                                       QByteArrayView contentType = {});

Q_SIGNALS:
    void connected();
    void disconnected();
    void errorOccurred(const QString &message); // socket error, e.g. connection refused
    void stdoutReceived(quint16 requestId, const QByteArray &data);
    void stderrReceived(quint16 requestId, const QByteArray &data);
    void requestEnded(quint16 requestId, quint32 appStatus, afcgi::ProtocolStatus status);
    void getValuesResult(const afcgi::NameValueList &values);
    void unknownTypeReceived(quint8 type);
    void protocolError(const QString &reason); // malformed stream from the server

private:
    void dropSocket();
    void onConnected();
    void onDisconnected();
    void onReadyRead();
    void handleRecord(Record &&record);
    void handleStream(Record &&record);
    void handleEndRequest(const Record &record);
    void write(const QByteArray &bytes);
    void setReadBufferSize(qint64 size);

    QTcpSocket *m_tcp = nullptr;
    QLocalSocket *m_local = nullptr;
    QIODevice *m_device = nullptr; // whichever of the two is in use
    bool m_isConnected = false;
    QByteArray m_pending; // written before the connection was up; sent on connected()
    RecordDecoder m_decoder;
    quint64 m_generation = 0; // bumped per connection, so a slot that reconnects stops a read loop
    bool m_readingPaused = false;
    bool m_errorReported = false; // a decode error is reported once per connection
    bool m_keepResponses = true;
    quint16 m_nextId = 1;
    struct StreamState
    {
        bool outClosed = false;
        bool errClosed = false;
    };
    QHash<quint16, StreamState> m_active;    // ids with BEGIN_REQUEST sent, no END_REQUEST yet
    QHash<quint16, Response> m_responses;    // keyed by FastCGI request id
};

} // namespace afcgi

Q_DECLARE_METATYPE(afcgi::ProtocolStatus)
