#pragma once
// The socket half of a bench client connection: connects over TCP or a local socket, decodes
// what arrives into FastCGI records for its owner to take, and sends everything written in one
// event-loop turn with one write. It can also read slowly, to play a client that does not keep
// up with the server. What the records mean is the owner's business.

#include "endpoint.h"
#include "record.h"
#include "recorddecoder.h"

#include <QByteArray>
#include <QObject>
#include <QTimer>

#include <optional>

QT_BEGIN_NAMESPACE
class QIODevice;
class QLocalSocket;
class QTcpSocket;
QT_END_NAMESPACE

namespace afcgi::bench {

class RecordSocket final : public QObject
{
    Q_OBJECT
public:
    explicit RecordSocket(const Endpoint &endpoint, QObject *parent = nullptr);
    ~RecordSocket() override;

    void open();          // drops any previous connection first
    void close();         // quietly: no lost()
    void closeAbruptly(); // a reset (RST) rather than an orderly close, quietly
    bool isOpen() const { return m_device != nullptr; }
    bool isConnected() const { return m_connected; }

    // Records decoded so far; std::nullopt when more bytes are needed or the stream is bad.
    std::optional<Record> next() { return m_decoder.next(); }
    DecodeError decodeError() const { return m_decoder.error(); }

    // Small requests are appended here during a turn and written by flush().
    QByteArray &out() { return m_out; }
    // Large pre-encoded bytes, handed to the socket as they are (QIODevice shares them).
    void writeShared(const QByteArray &bytes);
    // Writes what this turn produced now rather than on the next write notification; returns
    // the bytes taken from out().
    qint64 flush();

    // Reads at most bytesPerSecond (0: everything as it arrives). Qt's read buffer is capped
    // too, so the kernel's buffers fill and TCP back-pressure reaches the server.
    void setReadLimit(qint64 bytesPerSecond);

Q_SIGNALS:
    void connected();
    void recordsReady(qint64 bytesRead); // take them with next()
    void lost();                         // could not connect, or the connection broke

private:
    void onConnected();
    void onReadyRead();
    void onLost();
    void onReadTick();
    void dropSocket();

    Endpoint m_endpoint;
    QTcpSocket *m_tcp = nullptr;
    QLocalSocket *m_local = nullptr;
    QIODevice *m_device = nullptr;
    bool m_connected = false;
    RecordDecoder m_decoder;
    QByteArray m_out;
    bool m_wrote = false;      // something was handed to the socket this turn
    qint64 m_readLimit = 0;    // bytes per second; 0 = no limit
    qint64 m_readBudget = 0;   // bytes that may still be read in this tick
    QTimer m_readTimer;
};

} // namespace afcgi::bench
