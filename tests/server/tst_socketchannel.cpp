#include "net/bytechannel.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace afcgi;

// The Unix SocketChannel over real descriptors: a socketpair() for local connections, and an
// accepted loopback TCP connection. The far end is a raw descriptor driven by Peer.
namespace {

constexpr qsizetype kLarge = 8 * 1024 * 1024; // far more than both kernels' buffers together
constexpr int kPeerReceiveBuffer = 64 * 1024; // TCP autotuning would otherwise take megabytes
constexpr int kLongWait = 10000;              // ms, for the large transfers

enum class Leaving { Close, Reset, StopReading };

#ifdef MSG_NOSIGNAL
constexpr int kPeerSendFlags = MSG_NOSIGNAL; // the peer writing to a gone channel must not die
#else
constexpr int kPeerSendFlags = 0; // macOS: SO_NOSIGPIPE on the peer's socket instead
#endif

// Bytes whose position can be told from their value, so that a reordering shows.
QByteArray pattern(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char((i * 7 + i / 251) & 0xff);
    return bytes;
}

// The far end of the connection: sends from its own queue, and reads only once told to.
class Peer
{
public:
    explicit Peer(int fd)
        : m_fd(fd), m_reader(fd, QSocketNotifier::Read), m_writer(fd, QSocketNotifier::Write)
    {
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
#ifdef SO_NOSIGPIPE
        const int noSigPipe = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &noSigPipe, sizeof noSigPipe);
#endif
        m_reader.setEnabled(false);
        m_writer.setEnabled(false);
        QObject::connect(&m_reader, &QSocketNotifier::activated, &m_reader, [this] { onReadable(); });
        QObject::connect(&m_writer, &QSocketNotifier::activated, &m_writer, [this] { onWritable(); });
    }
    ~Peer() { close(); }

    void startReading() { m_reader.setEnabled(m_fd >= 0 && !ended); }
    void send(const QByteArray &bytes)
    {
        m_outgoing.append(bytes);
        onWritable();
    }
    void leave(Leaving how)
    {
        if (how == Leaving::StopReading) {
            ::shutdown(m_fd, SHUT_RD); // Unix: the channel's send() fails; its read() does not
            return;
        }
        if (how == Leaving::Reset) { // TCP: a linger of 0 makes close() send a reset, not a FIN
            const linger abortive { 1, 0 };
            ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
        }
        close();
    }

    QByteArray received;
    bool ended = false; // read() returned 0 or failed
    int endError = 0;   // errno of the failed read(); 0 for an orderly EOF

private:
    void close()
    {
        if (m_fd < 0)
            return;
        m_reader.setEnabled(false);
        m_writer.setEnabled(false);
        ::close(m_fd);
        m_fd = -1;
    }
    void onReadable()
    {
        static char buffer[256 * 1024];
        ssize_t got;
        while ((got = ::read(m_fd, buffer, sizeof buffer)) > 0)
            received.append(buffer, qsizetype(got));
        if (got < 0 && errno == EAGAIN)
            return;
        ended = true;
        endError = got < 0 ? errno : 0;
        m_reader.setEnabled(false);
    }
    void onWritable()
    {
        ssize_t sent;
        while (!m_outgoing.isEmpty()
               && (sent = ::send(m_fd, m_outgoing.data(), size_t(m_outgoing.size()), kPeerSendFlags)) > 0)
            m_outgoing.remove(0, qsizetype(sent));
        m_writer.setEnabled(!m_outgoing.isEmpty());
    }

    int m_fd;
    QSocketNotifier m_reader;
    QSocketNotifier m_writer;
    QByteArray m_outgoing;
};

// Our end (accepted, as the server's listener gets it) and the peer's end; -1 on failure.
struct Ends
{
    int ours = -1;
    int peer = -1;
};

Ends tcpLoopbackEnds()
{
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    const int client = ::socket(AF_INET, SOCK_STREAM, 0);
    ::setsockopt(client, SOL_SOCKET, SO_RCVBUF, &kPeerReceiveBuffer, sizeof kPeerReceiveBuffer);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    auto *generic = reinterpret_cast<sockaddr *>(&address);
    Ends ends;
    if (::bind(listener, generic, sizeof address) == 0 && ::listen(listener, 1) == 0
        && ::getsockname(listener, generic, &length) == 0
        && ::connect(client, generic, sizeof address) == 0)
        ends = { ::accept(listener, nullptr, nullptr), client };
    ::close(listener);
    if (ends.ours < 0)
        ::close(client);
    return ends.ours < 0 ? Ends {} : ends;
}

Ends connectedEnds(bool local)
{
    int fds[2];
    if (local)
        return ::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0 ? Ends { fds[0], fds[1] } : Ends {};
    return tcpLoopbackEnds();
}

// A channel adopted from our end, and the peer.
struct Link
{
    std::unique_ptr<ByteChannel> channel;
    std::unique_ptr<Peer> peer;
    bool open(bool local)
    {
        const Ends ends = connectedEnds(local);
        if (ends.ours < 0)
            return false;
        peer = std::make_unique<Peer>(ends.peer);
        channel.reset(adoptSocket(ends.ours, local).channel);
        return channel != nullptr;
    }
};

int intOption(int fd, int level, int name)
{
    int value = -1;
    socklen_t length = sizeof value;
    return ::getsockopt(fd, level, name, &value, &length) == 0 ? value : -1;
}

} // namespace

class tst_SocketChannel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // So that a send() without MSG_NOSIGNAL (or SO_NOSIGPIPE on macOS) kills the test.
    void initTestCase() { std::signal(SIGPIPE, SIG_DFL); }
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".*"))); }
    void peerBytesArrive_data() { transportRows(); }
    void peerBytesArrive();
    void largeWriteIsQueuedThenDelivered_data() { transportRows(); }
    void largeWriteIsQueuedThenDelivered();
    void peerLeavingIsDisconnected_data();
    void peerLeavingIsDisconnected();
    void closeWritingIsHalfClose_data() { transportRows(); }
    void closeWritingIsHalfClose();
    void abortClosesAndIgnoresWrites_data() { transportRows(); }
    void abortClosesAndIgnoresWrites();
    void writeToGonePeer_data();
    void writeToGonePeer();
    void adoptTcpReportsPeerAndDisablesNagle();
    void adoptInvalidDescriptorFails_data();
    void adoptInvalidDescriptorFails();

private:
    static void transportRows()
    {
        QTest::addColumn<bool>("local");
        QTest::newRow("unix socketpair") << true;
        QTest::newRow("tcp loopback") << false;
    }
};

void tst_SocketChannel::peerBytesArrive()
{
    QFETCH(bool, local);
    Link c;
    QVERIFY(c.open(local));
    QSignalSpy readyRead(c.channel.get(), &ByteChannel::readyRead);
    c.peer->send("hello");
    QTRY_COMPARE(c.channel->bytesAvailable(), 5);
    QCOMPARE(readyRead.count(), 1);
    QCOMPARE(c.channel->readAll(), QByteArray("hello"));
    QCOMPARE(c.channel->bytesAvailable(), 0);

    const QByteArray large = pattern(1024 * 1024); // many reads' worth, gathered until taken
    c.peer->send(large);
    QTRY_COMPARE_WITH_TIMEOUT(c.channel->bytesAvailable(), large.size(), kLongWait);
    QVERIFY(readyRead.count() > 1);
    QVERIFY(c.channel->readAll() == large); // not QCOMPARE: 1 MiB would not print usefully
    QCOMPARE(c.channel->bytesAvailable(), 0);
    QCOMPARE(c.channel->readAll(), QByteArray());
}

void tst_SocketChannel::largeWriteIsQueuedThenDelivered()
{
    QFETCH(bool, local);
    Link c;
    QVERIFY(c.open(local));
    QSignalSpy bytesWritten(c.channel.get(), &ByteChannel::bytesWritten);
    const QByteArray payload = pattern(kLarge);
    for (qsizetype at = 0; at < kLarge; at += kLarge / 4) // the later ones join the queue
        c.channel->write(payload.sliced(at, kLarge / 4)); // would never return if it blocked
    QVERIFY(c.channel->bytesToWrite() > 0);
    QVERIFY(c.channel->bytesToWrite() < kLarge); // the kernel took what it could at once
    QCOMPARE(bytesWritten.count(), 0);

    c.peer->startReading();
    QTRY_COMPARE_WITH_TIMEOUT(c.peer->received.size(), kLarge, kLongWait);
    QVERIFY(c.peer->received == payload);
    QVERIFY(bytesWritten.count() > 0);
    QCOMPARE(c.channel->bytesToWrite(), 0);
}

void tst_SocketChannel::peerLeavingIsDisconnected_data()
{
    QTest::addColumn<bool>("local");
    QTest::addColumn<Leaving>("how");
    QTest::addColumn<bool>("queued"); // output waiting when the peer leaves (TCP: a reset then)
    QTest::newRow("unix socketpair, closed") << true << Leaving::Close << false;
    QTest::newRow("unix socketpair, closed, output queued") << true << Leaving::Close << true;
    QTest::newRow("tcp loopback, closed") << false << Leaving::Close << false;
    QTest::newRow("tcp loopback, closed, output queued") << false << Leaving::Close << true;
    QTest::newRow("tcp loopback, reset") << false << Leaving::Reset << false;
}

void tst_SocketChannel::peerLeavingIsDisconnected()
{
    QFETCH(bool, local);
    QFETCH(Leaving, how);
    QFETCH(bool, queued);
    Link c;
    QVERIFY(c.open(local));
    QSignalSpy disconnected(c.channel.get(), &ByteChannel::disconnected);
    if (queued) {
        c.channel->write(pattern(kLarge));
        QVERIFY(c.channel->bytesToWrite() > 0);
    }
    const QByteArray lastWords = how == Leaving::Close ? "bye" : ""; // a reset may drop them
    c.peer->send(lastWords);
    c.peer->leave(how);
    QTRY_COMPARE(disconnected.count(), 1);
    QCOMPARE(c.channel->readAll(), lastWords); // what came before the close is still there
    QCOMPARE(c.channel->bytesToWrite(), 0);     // queued output is dropped
    c.channel->write("more");                  // ignored: nobody to send it to
    QCOMPARE(c.channel->bytesToWrite(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(disconnected.count(), 1);
}

void tst_SocketChannel::closeWritingIsHalfClose()
{
    QFETCH(bool, local);
    Link c;
    QVERIFY(c.open(local));
    QSignalSpy disconnected(c.channel.get(), &ByteChannel::disconnected);
    const QByteArray answer = pattern(100 * 1024);
    c.channel->write(answer);
    c.peer->startReading();
    QTRY_COMPARE(c.channel->bytesToWrite(), 0); // the caller's precondition for closeWriting()
    c.channel->closeWriting();
    QTRY_VERIFY(c.peer->ended);
    QCOMPARE(c.peer->endError, 0); // an orderly EOF, not a reset
    QVERIFY(c.peer->received == answer);

    c.peer->send("still listening?");
    QTRY_COMPARE(c.channel->bytesAvailable(), 16);
    QCOMPARE(c.channel->readAll(), QByteArray("still listening?"));
    QCOMPARE(disconnected.count(), 0);
}

void tst_SocketChannel::abortClosesAndIgnoresWrites()
{
    QFETCH(bool, local);
    Link c;
    QVERIFY(c.open(local));
    const QByteArray payload = pattern(kLarge);
    c.channel->write(payload);
    QVERIFY(c.channel->bytesToWrite() > 0);
    c.channel->abort();
    QCOMPARE(c.channel->bytesToWrite(), 0); // queued output is dropped
    c.peer->startReading();
    QTRY_VERIFY_WITH_TIMEOUT(c.peer->ended, kLongWait);
    QVERIFY2(c.peer->endError == 0 || c.peer->endError == ECONNRESET, std::strerror(c.peer->endError));
    QVERIFY(c.peer->received.size() < kLarge);
    QVERIFY(c.peer->received == payload.first(c.peer->received.size()));

    c.channel->write("after abort");
    c.channel->closeWriting();
    c.channel->abort();
    QCOMPARE(c.channel->bytesToWrite(), 0);
    QCOMPARE(c.channel->readAll(), QByteArray());
}

void tst_SocketChannel::writeToGonePeer_data()
{
    QTest::addColumn<bool>("local");
    QTest::addColumn<Leaving>("how");
    QTest::newRow("unix socketpair, closed") << true << Leaving::Close;
#ifdef Q_OS_LINUX
    // Linux fails a send() to a Unix socket whose peer has shut down its reading side (EPIPE);
    // macOS does not, so there the channel has nothing to notice.
    QTest::newRow("unix socketpair, stopped reading") << true << Leaving::StopReading; // no EOF
#endif
    QTest::newRow("tcp loopback, closed") << false << Leaving::Close; // a write draws the reset
    QTest::newRow("tcp loopback, reset") << false << Leaving::Reset;
}

void tst_SocketChannel::writeToGonePeer()
{
    QFETCH(bool, local);
    QFETCH(Leaving, how);
    Link c;
    QVERIFY(c.open(local));
    QSignalSpy disconnected(c.channel.get(), &ByteChannel::disconnected);
    c.peer->leave(how);
    for (int i = 0; i < 3; ++i) // no event loop in between: send() itself meets the gone peer
        c.channel->write("answer nobody reads");
    QTRY_COMPARE(disconnected.count(), 1);
    QCoreApplication::processEvents();
    QCOMPARE(disconnected.count(), 1);
    QCOMPARE(c.channel->bytesToWrite(), 0);
}

void tst_SocketChannel::adoptTcpReportsPeerAndDisablesNagle()
{
    const Ends ends = tcpLoopbackEnds();
    QVERIFY(ends.ours >= 0);
    Peer peer(ends.peer);
    sockaddr_in client {};
    socklen_t length = sizeof client;
    QCOMPARE(::getsockname(ends.peer, reinterpret_cast<sockaddr *>(&client), &length), 0);
    QCOMPARE(intOption(ends.ours, IPPROTO_TCP, TCP_NODELAY), 0); // so that the check below can fail

    const AdoptedSocket adopted = adoptSocket(ends.ours, false);
    const std::unique_ptr<ByteChannel> channel(adopted.channel);
    QVERIFY2(channel, qPrintable(adopted.error));
    QCOMPARE(adopted.error, QString());
    QCOMPARE(adopted.peerAddress, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(adopted.peerPort, ntohs(client.sin_port));
    QVERIFY(intOption(ends.ours, IPPROTO_TCP, TCP_NODELAY) != 0);
    QVERIFY(::fcntl(ends.ours, F_GETFL) & O_NONBLOCK);
}

void tst_SocketChannel::adoptInvalidDescriptorFails_data()
{
    QTest::addColumn<QByteArray>("descriptor"); // made in the test: nothing may reuse the number
    QTest::addColumn<bool>("local");
    QTest::newRow("minus one, local") << QByteArray("-1") << true;
    QTest::newRow("closed, local") << QByteArray("closed") << true;
    QTest::newRow("closed, tcp") << QByteArray("closed") << false;
    QTest::newRow("pipe, tcp") << QByteArray("pipe") << false; // no peer to name
}

void tst_SocketChannel::adoptInvalidDescriptorFails()
{
    QFETCH(QByteArray, descriptor);
    QFETCH(bool, local);
    int fds[2] = { -1, -1 };
    if (descriptor != "-1") {
        QCOMPARE(::pipe(fds), 0);
        ::close(fds[1]);
        if (descriptor == "closed")
            ::close(fds[0]);
    }
    const AdoptedSocket adopted = adoptSocket(fds[0], local);
    const std::unique_ptr<ByteChannel> channel(adopted.channel);
    QVERIFY(!channel);
    QVERIFY(!adopted.error.isEmpty());
    QCOMPARE(::fcntl(fds[0], F_GETFD), -1); // taken over: closed on failure too
}

QTEST_GUILESS_MAIN(tst_SocketChannel)
#include "tst_socketchannel.moc"
