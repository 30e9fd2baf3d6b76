// Platform code (Unix): a connection driven straight from its descriptor.
//
// Qt's buffered QTcpSocket costs a poll, an ioctl(FIONREAD), a read into its ring buffer, a copy
// out, and a buffered write per request; here a readable socket costs one read() and a reply
// one send(), with no ring buffers in between (S2, 16 connections x depth 1 /hello from
// leanload, server on one core: 41k -> 84k-92k req/s). Output the kernel cannot take yet waits
// in our own queue.
#include "net/bytechannel.h"

#include <QEvent>
#include <QList>
#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace afcgi {

namespace {

#ifdef MSG_NOSIGNAL
constexpr int kSendFlags = MSG_NOSIGNAL; // a peer that is gone is an error, not a SIGPIPE
#else
constexpr int kSendFlags = 0; // SO_NOSIGPIPE is set on the socket instead (macOS)
#endif

// One read takes at most this much; a socket with more stays readable for the next turn.
constexpr qsizetype kReadChunk = 64 * 1024;

bool wouldBlock(int error)
{
    return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

// A notifier that calls its owner directly when the descriptor is ready, where a connection to
// activated() would cost each socket about 250 bytes (the connection and the notifier's table).
template <typename Owner>
class DirectNotifier final : public QSocketNotifier
{
public:
    DirectNotifier(qintptr fd, Type type, Owner *owner, void (Owner::*onReady)())
        : QSocketNotifier(fd, type), m_owner(owner), m_onReady(onReady)
    {
    }

protected:
    bool event(QEvent *e) override
    {
        if (e->type() != QEvent::SockAct)
            return QSocketNotifier::event(e);
        if (isEnabled())
            (m_owner->*m_onReady)();
        return true;
    }

private:
    Owner *m_owner;
    void (Owner::*m_onReady)();
};

class SocketChannel final : public ByteChannel
{
public:
    explicit SocketChannel(int fd)
        : m_fd(fd), m_readNotifier(fd, QSocketNotifier::Read, this, &SocketChannel::onReadable)
    {
    }
    ~SocketChannel() override { closeDescriptor(); }

    QByteArray readAll() override { return std::exchange(m_received, {}); }
    qint64 bytesAvailable() const override { return m_received.size(); }
    qint64 bytesToWrite() const override { return m_unsentBytes; }

    void write(const QByteArray &bytes) override
    {
        if (m_fd < 0 || m_failed || m_sendFailed || bytes.isEmpty())
            return; // the peer is gone: nothing written now can reach it
        if (!m_unsent.isEmpty()) {
            m_unsent.append(bytes); // shared, not copied
            m_unsentBytes += bytes.size();
            return;
        }
        const ssize_t sent = ::send(m_fd, bytes.constData(), size_t(bytes.size()), kSendFlags);
        if (sent == bytes.size())
            return;
        if (sent < 0 && !wouldBlock(errno)) {
            m_sendFailed = true; // no later chunk goes out after this lost one
            failLater();
            return;
        }
        m_unsentOffset = sent > 0 ? qsizetype(sent) : 0;
        m_unsent.append(bytes);
        m_unsentBytes = bytes.size() - m_unsentOffset;
        // Made when first needed: most connections never fill the kernel's buffer.
        if (!m_writeNotifier)
            m_writeNotifier = std::make_unique<DirectNotifier<SocketChannel>>(
                m_fd, QSocketNotifier::Write, this, &SocketChannel::onWritable);
        m_writeNotifier->setEnabled(true);
    }

    void closeWriting() override
    {
        if (m_fd >= 0)
            ::shutdown(m_fd, SHUT_WR);
    }

    void abort() override { closeDescriptor(); }

private:
    void onReadable()
    {
        // Per worker thread: a read lands here, then gets an array of exactly its size (what
        // the records keep referring to), rather than a 64 KiB array per read.
        thread_local char scratch[kReadChunk];
        const ssize_t got = ::read(m_fd, scratch, sizeof scratch);
        if (got > 0) {
            m_received.append(scratch, qsizetype(got));
            Q_EMIT readyRead();
            return;
        }
        if (got < 0 && wouldBlock(errno))
            return;
        fail(); // 0: the peer closed its side; < 0: reset or another error
    }

    void onWritable()
    {
        qint64 sentNow = 0;
        while (!m_unsent.isEmpty()) {
            const QByteArray &front = m_unsent.constFirst();
            const ssize_t sent = ::send(m_fd, front.constData() + m_unsentOffset,
                                        size_t(front.size() - m_unsentOffset), kSendFlags);
            if (sent < 0) {
                if (wouldBlock(errno))
                    break;
                fail();
                return;
            }
            sentNow += sent;
            m_unsentBytes -= sent;
            m_unsentOffset += qsizetype(sent);
            if (m_unsentOffset < front.size())
                break; // the kernel's buffer is full again
            m_unsent.removeFirst();
            m_unsentOffset = 0;
        }
        if (m_unsent.isEmpty())
            m_writeNotifier->setEnabled(false);
        if (sentNow > 0)
            Q_EMIT bytesWritten();
    }

    void stopNotifiers()
    {
        m_readNotifier.setEnabled(false);
        if (m_writeNotifier)
            m_writeNotifier->setEnabled(false);
    }

    void dropOutput()
    {
        m_unsent.clear();
        m_unsentOffset = 0;
        m_unsentBytes = 0;
    }

    void fail()
    {
        if (m_failed)
            return;
        m_failed = true;
        stopNotifiers();
        dropOutput();
        Q_EMIT disconnected();
    }

    // A failed send() happens inside the connection's flush(): tell it from the event loop.
    void failLater()
    {
        QMetaObject::invokeMethod(this, [this] { fail(); }, Qt::QueuedConnection);
    }

    void closeDescriptor()
    {
        if (m_fd < 0)
            return;
        stopNotifiers(); // before close(): a notifier on a closed descriptor is an error
        dropOutput();
        ::close(m_fd);
        m_fd = -1;
    }

    int m_fd;
    DirectNotifier<SocketChannel> m_readNotifier;
    // Enabled only while output waits for room.
    std::unique_ptr<DirectNotifier<SocketChannel>> m_writeNotifier;
    QByteArray m_received;
    // What send() could not take yet, oldest first. A QList, not a std::deque, which would
    // allocate 576 bytes for each connection even while nothing waits.
    QList<QByteArray> m_unsent;
    qsizetype m_unsentOffset = 0;     // how much of the front one went out
    qint64 m_unsentBytes = 0;
    bool m_failed = false;
    bool m_sendFailed = false; // a send() failed: disconnected() is on its way
};

QString systemError(const char *what)
{
    return QStringLiteral("%1: %2").arg(QLatin1String(what), QString::fromLocal8Bit(std::strerror(errno)));
}

} // namespace

AdoptedSocket adoptSocket(qintptr descriptor, bool local)
{
    AdoptedSocket adopted;
    const int fd = int(descriptor);
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        adopted.error = systemError("fcntl");
        ::close(fd);
        return adopted;
    }
#ifdef SO_NOSIGPIPE
    const int noSigPipe = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &noSigPipe, sizeof noSigPipe);
#endif
    if (!local) {
        sockaddr_storage peer {};
        socklen_t length = sizeof peer;
        if (::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &length) != 0) {
            adopted.error = systemError("getpeername");
            ::close(fd);
            return adopted;
        }
        adopted.peerAddress = QHostAddress(reinterpret_cast<const sockaddr *>(&peer));
        adopted.peerPort = ntohs(peer.ss_family == AF_INET6
                                     ? reinterpret_cast<const sockaddr_in6 &>(peer).sin6_port
                                     : reinterpret_cast<const sockaddr_in &>(peer).sin_port);
        const int noDelay = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &noDelay, sizeof noDelay);
    }
    adopted.channel = new SocketChannel(fd);
    return adopted;
}

} // namespace afcgi
