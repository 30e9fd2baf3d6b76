// libFuzzer target: one whole Connection fed arbitrary bytes, in process, without sockets.
// An in-memory device stands in for the socket: it hands the input over in pieces (one per turn
// of the event loop, emitting readyRead), swallows what is written (emitting bytesWritten a turn
// later, a bounded amount per turn), and checks the output as it goes. The real /hello, /echo,
// /delay and /stream handlers and the 404 fallback answer; limits are small so that every
// limit is reached. Each input gets a bounded number of event-loop turns, then one of four
// endings (picked by a hash of it): close at once; drain; deadlines far in the future; both.
//
// Invariants (abort() on violation):
//  - the output is whole FastCGI records, of the types a server sends, with well-formed bodies;
//  - a request's STDOUT/STDERR/END_REQUEST appears only for an id that a BEGIN_REQUEST opened
//    and that has not been ended, and never two END_REQUESTs for one BEGIN_REQUEST;
//  - nothing is written after the connection said it closed;
//  - a connection that closes by itself without a protocol error has answered every request
//    it read (except ids the peer reused before their END_REQUEST reached it: a peer error);
//  - once everything is deleted, the worker's counters (connections, requests, queued bytes)
//    are back where they were.

#include "fuzzsupport.h"

#include <afcgi/router.h>
#include "config/clock.h"
#include "config/serverconfig.h"
#include "engine/connection.h"
#include "engine/deadlinequeue.h"
#include "engine/workercounters.h"
#include "handlers/delayhandler.h"
#include "handlers/echohandler.h"
#include "handlers/hellohandler.h"
#include "handlers/streamhandler.h"
#include "namevaluedecoder.h"
#include "net/devicechannel.h"

#include <QCoreApplication>
#include <QHash>
#include <QIODevice>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>

using namespace afcgi;

namespace {

constexpr int kSettleTurns = 24;       // event-loop turns after the last input piece
constexpr int kEndingTurns = 24;       // turns given to a drain or a deadline to play out
constexpr qint64 kDrainPerTurn = 48 * 1024; // what the "peer" reads per turn

// What the inputs reached, printed at exit with AFCGI_FUZZ_STATS=1 (to judge the harness):
// inputs, graceful closes checked for unanswered requests, BEGIN_REQUESTs read, END_REQUESTs.
struct Stats
{
    qint64 inputs = 0, graceful = 0, begun = 0, ended = 0;
} g_stats;

void printStats()
{
    std::fprintf(stderr, "fuzz_connection: %lld inputs, %lld closed gracefully, %lld requests "
                         "begun, %lld END_REQUEST\n",
                 g_stats.inputs, g_stats.graceful, g_stats.begun, g_stats.ended);
}

// Follows both directions: which request ids the connection has read a BEGIN_REQUEST for, and
// what it wrote back.
class StreamChecker
{
public:
    void onInput(QByteArrayView bytes)
    {
        if (m_closed)
            return; // a lingering close reads and drops what still arrives
        m_input.feed(bytes);
        while (auto record = m_input.next()) {
            const quint16 id = record->requestId;
            if (record->recordType() != RecordType::BeginRequest || id == kNullRequestId
                || record->content.size() < 8)
                continue;
            // Reused before its END_REQUEST was written: a misbehaving peer (or a duplicate,
            // which closes the connection); its answers cannot be told apart.
            if (m_begun.value(id) > m_ended.value(id))
                m_reused.insert(id);
            ++m_begun[id];
            ++g_stats.begun;
        }
    }

    void onOutput(QByteArrayView bytes)
    {
        FUZZ_CHECK(!m_closed); // nothing after Connection::closed
        m_output.feed(bytes);
        while (auto record = m_output.next())
            checkRecord(*record);
        FUZZ_CHECK(m_output.error() == DecodeError::None);
    }

    void onClosed() { m_closed = true; }
    bool isClosed() const { return m_closed; }

    void checkWhole() const { FUZZ_CHECK(m_output.pendingBytes() == 0); }

    // Every request read was answered (for a connection that closed gracefully by itself).
    void checkAllAnswered() const
    {
        for (auto it = m_begun.cbegin(); it != m_begun.cend(); ++it) {
            if (!m_reused.contains(it.key()) && m_ended.value(it.key()) != it.value()) {
                std::fprintf(stderr, "request %d: %d BEGIN_REQUEST, %d END_REQUEST\n",
                             int(it.key()), it.value(), m_ended.value(it.key()));
                FUZZ_CHECK(false);
            }
        }
    }

private:
    void checkRecord(const Record &record)
    {
        const quint16 id = record.requestId;
        switch (record.recordType()) {
        case RecordType::Stdout:
        case RecordType::Stderr:
            FUZZ_CHECK(id != kNullRequestId);
            FUZZ_CHECK(m_begun.value(id) > m_ended.value(id)); // only for an open request
            break;
        case RecordType::EndRequest: {
            FUZZ_CHECK(id != kNullRequestId);
            FUZZ_CHECK(record.content.size() == 8);
            FUZZ_CHECK(quint8(record.content.at(4)) <= quint8(ProtocolStatus::UnknownRole));
            const int ended = ++m_ended[id];
            ++g_stats.ended;
            FUZZ_CHECK(ended <= m_begun.value(id)); // one END_REQUEST per BEGIN_REQUEST
            break;
        }
        case RecordType::GetValuesResult:
            FUZZ_CHECK(id == kNullRequestId);
            FUZZ_CHECK(NameValueDecoder::decodeAll(record.content).has_value());
            break;
        case RecordType::UnknownType:
            FUZZ_CHECK(id == kNullRequestId);
            FUZZ_CHECK(record.content.size() == 8);
            break;
        default:
            std::fprintf(stderr, "the server wrote a record of type %d\n", int(record.type));
            FUZZ_CHECK(false);
        }
    }

    RecordDecoder m_input;
    RecordDecoder m_output;
    QHash<quint16, int> m_begun;
    QHash<quint16, int> m_ended;
    QSet<quint16> m_reused;
    bool m_closed = false;
};

// The socket stand-in. Sequential, like a socket; unbuffered, so the connection's reads come
// straight to readData().
class MemoryDevice final : public QIODevice
{
public:
    MemoryDevice(QByteArrayView input, StreamChecker *checker)
        : m_split(input), m_checker(checker)
    {
        open(QIODevice::ReadWrite | QIODevice::Unbuffered);
    }

    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_available.size() + QIODevice::bytesAvailable(); }
    qint64 bytesToWrite() const override { return m_unsent + QIODevice::bytesToWrite(); }
    bool allInputGiven() const { return m_split.atEnd(); }

    // One turn of the "network": the peer reads some of what was written, and the next piece
    // of input arrives.
    void step()
    {
        if (m_unsent > 0) {
            const qint64 sent = qMin(m_unsent, kDrainPerTurn);
            m_unsent -= sent;
            Q_EMIT bytesWritten(sent);
        }
        if (!m_split.atEnd()) {
            m_available.append(m_split.nextPiece());
            Q_EMIT readyRead();
        }
    }

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 n = qMin<qint64>(maxSize, m_available.size());
        memcpy(data, m_available.constData(), size_t(n));
        m_checker->onInput(QByteArrayView(m_available).first(n));
        m_available.remove(0, n);
        return n;
    }

    qint64 writeData(const char *data, qint64 size) override
    {
        m_checker->onOutput(QByteArrayView(data, size));
        m_unsent += size;
        return size;
    }

private:
    fuzz::Splitter m_split;
    StreamChecker *m_checker;
    QByteArray m_available;
    qint64 m_unsent = 0;
};

struct Server
{
    ServerConfig config;
    Router router;
    WorkerCounters counters;
    ConnectionEnvironment env;
};

Server *g_server = nullptr;
quint64 g_nextId = 1;


bool g_showLog = false; // AFCGI_FUZZ_LOG=1, to see what the server logged for a crash input

void dropMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (g_showLog)
        std::fprintf(stderr, "%s: %s\n", context.category, qPrintable(message));
    if (type == QtFatalMsg) { // a qFatal() is a crash like any other
        std::fprintf(stderr, "qFatal: %s\n", qPrintable(message));
        std::abort();
    }
}

void turn(QPointer<MemoryDevice> &device, const QPointer<Connection> &connection)
{
    if (device)
        QMetaObject::invokeMethod(device.data(), &MemoryDevice::step, Qt::QueuedConnection);
    QCoreApplication::processEvents();
    if (connection) { // what /status and the monitor ask for, at any moment
        for (const ActiveRequestInfo &info : connection->activeRequests())
            FUZZ_CHECK(info.connectionId == connection->id());
        FUZZ_CHECK(connection->snapshot().queuedBytes >= 0);
    }
}

void deletePending()
{
    // Deferred deletes posted outside any event loop need asking for by name.
    for (int i = 0; i < 4; ++i)
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    g_showLog = qEnvironmentVariableIntValue("AFCGI_FUZZ_LOG");
    if (g_showLog)
        QLoggingCategory::setFilterRules(QStringLiteral("afcgi.*.debug=true"));
    qInstallMessageHandler(dropMessage); // protocol errors are expected, and noisy
    new QCoreApplication(*argc, *argv);  // kept for the whole run
    g_server = new Server;
    ServerConfig &c = g_server->config;
    c.maxRequestsPerConn = 4;
    c.maxParamsBytes = 512;
    c.maxBodyBytes = 2048;
    c.outputHighWaterBytes = 1024;
    c.connectionOutputCapBytes = 4096;
    c.bodyMemoryBytes = 256; // /echo spools the rest to a temporary file
    c.idleTimeoutMs = 5000;
    c.requestTimeoutMs = 1000;
    c.recordTimeoutMs = 2000;
    Router &r = g_server->router;
    r.mount(QStringLiteral("/hello"), std::make_shared<HelloHandler>());
    r.mount(QStringLiteral("/echo"), std::make_shared<EchoHandler>(c.bodyMemoryBytes));
    r.mount(QStringLiteral("/delay"), std::make_shared<DelayHandler>());
    r.mount(QStringLiteral("/stream"), std::make_shared<StreamHandler>());
    r.setFallback(std::make_shared<NotFoundHandler>());
    g_server->counters.monitored.store(true); // exercise the monitor events too
    g_server->env.config = &g_server->config;
    g_server->env.router = &g_server->router;
    g_server->env.counters = &g_server->counters;
    g_server->env.deadlines = new DeadlineQueue; // the worker's request timers (/delay)
    if (qEnvironmentVariableIntValue("AFCGI_FUZZ_STATS"))
        std::atexit(printStats);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    WorkerCounters &counters = g_server->counters;
    const ServerCounters before = counters.snapshot();

    StreamChecker checker;
    QPointer<MemoryDevice> device = new MemoryDevice(input, &checker);
    QPointer<Connection> connection = new Connection(new DeviceChannel(device), g_nextId++, QStringLiteral("fuzz"),
                                                     QStringLiteral("memory"), g_server->env);
    QObject::connect(connection, &Connection::closed, connection, [&checker] { checker.onClosed(); });

    int settle = kSettleTurns;
    while (connection && (!device->allInputGiven() || settle-- > 0))
        turn(device, connection);

    const int ending = int(fuzz::hash(input) >> 30);
    if (connection && ending != 0) {
        if (ending & 2)
            connection->checkDeadlines(monotonicMs() + 3600 * 1000);
        if (connection && (ending & 1))
            connection->drain();
        for (int i = 0; connection && i < kEndingTurns; ++i)
            turn(device, connection);
    }
    // It closed by itself, and not over a protocol error: every request read was answered.
    const bool gracefully = checker.isClosed()
        && counters.protocolErrors.load() == before.protocolErrors;
    if (connection)
        connection->closeNow();
    deletePending();
    // A graceful close lingers (up to 10 s, for a socket's peer to read the last bytes and
    // close): stand in for that timer. Anything else has deleted itself (and its device).
    if (connection && gracefully)
        delete connection.data();
    FUZZ_CHECK(!connection);
    FUZZ_CHECK(!device);
    checker.checkWhole();
    if (gracefully) {
        checker.checkAllAnswered();
        ++g_stats.graceful;
    }
    ++g_stats.inputs;

    const ServerCounters after = counters.snapshot();
    FUZZ_CHECK(after.connectionsOpen == before.connectionsOpen);
    FUZZ_CHECK(after.requestsActive == before.requestsActive);
    FUZZ_CHECK(after.queuedOutputBytes == before.queuedOutputBytes);
    counters.events.drain([](MonitorEvent &&) {});
    return 0;
}
