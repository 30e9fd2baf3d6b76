#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

namespace afcgi {

// The byte stream under one Connection: reading what arrived, writing with its own buffer,
// and telling when the peer is gone. Two kinds: a socket descriptor driven directly (Unix:
// the fast path, see socketchannel_unix.cpp) and any QIODevice (DeviceChannel: Windows sockets,
// and in-memory devices in tests).
class ByteChannel : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // What can be read now, without waiting; empty if nothing.
    virtual QByteArray readAll() = 0;
    virtual qint64 bytesAvailable() const = 0;
    // Takes all of `bytes`: what the peer cannot take now waits in the channel's buffer.
    virtual void write(const QByteArray &bytes) = 0;
    // Bytes written but not yet handed to the system.
    virtual qint64 bytesToWrite() const = 0;
    // Hands buffered bytes to the system now where the channel defers that.
    virtual void flush() {}
    // Closes the sending direction now; reading goes on (a lingering close). Call it once
    // bytesToWrite() is 0: output still buffered would not be sent.
    virtual void closeWriting() = 0;
    // Closes both directions now; buffered output is dropped.
    virtual void abort() = 0;

Q_SIGNALS:
    void readyRead();
    void bytesWritten(); // some buffered output left: there may be room for more
    void disconnected(); // the peer closed, reset, or the stream failed
};

// A connection just accepted, taken over from its descriptor (platform code).
struct AdoptedSocket
{
    ByteChannel *channel = nullptr; // null on failure, with `error` saying why
    QHostAddress peerAddress;       // TCP only
    quint16 peerPort = 0;
    QString error;
};

// Takes ownership of an accepted descriptor: a Unix-domain/named-pipe connection if `local`,
// else TCP (with Nagle off: replies are gathered into one write per turn already).
AdoptedSocket adoptSocket(qintptr descriptor, bool local);

} // namespace afcgi
