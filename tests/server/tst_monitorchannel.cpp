// The monitor channel of a real in-process engine: what a monitor client reads on the wire.
#include "engine/engine.h"
#include "fcgiclient.h"
#include "handlers/builtinhandlers.h"
#include "monitor/logcollector.h"
#include "monitor/monitorpublisher.h"
#include "monitorprotocol.h"

#include <QLocalSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace afcgi;

namespace {

// A monitor client that keeps every message it has read, by type.
class MonitorReader : public QObject
{
public:
    explicit MonitorReader(const QString &name)
    {
        connect(&m_socket, &QLocalSocket::readyRead, this, [this] {
            m_splitter.feed(m_socket.readAll());
            while (auto line = m_splitter.next()) {
                QString why;
                auto message = monitor::decodeMessage(*line, &why);
                if (!message) {
                    malformed.append(why);
                    continue;
                }
                if (auto *h = std::get_if<monitor::Hello>(&*message)) hellos.append(*h);
                else if (auto *s = std::get_if<monitor::Snapshot>(&*message)) snapshots.append(*s);
                else if (auto *t = std::get_if<monitor::Tick>(&*message)) ticks.append(*t);
                else if (auto *l = std::get_if<monitor::LogBatch>(&*message)) logs.append(*l);
                else if (auto *a = std::get_if<monitor::Ack>(&*message)) acks.append(*a);
                else if (auto *e = std::get_if<monitor::Error>(&*message)) errors.append(*e);
            }
        });
        m_socket.connectToServer(name);
    }
    void send(const monitor::Command &command) { m_socket.write(monitor::encode(command)); }
    void sendRaw(const QByteArray &line) { m_socket.write(line); }
    bool isConnected() const { return m_socket.state() == QLocalSocket::ConnectedState; }

    QList<monitor::RequestInfo> began() const
    {
        QList<monitor::RequestInfo> all;
        for (const monitor::Tick &t : ticks)
            all.append(t.began);
        return all;
    }
    QList<monitor::RequestInfo> ended() const
    {
        QList<monitor::RequestInfo> all;
        for (const monitor::Tick &t : ticks)
            all.append(t.ended);
        return all;
    }
    bool logContains(const QString &text) const
    {
        for (const monitor::LogBatch &batch : logs) {
            for (const monitor::LogEntry &entry : batch.entries) {
                if (entry.message.contains(text))
                    return true;
            }
        }
        return false;
    }

    QList<monitor::Hello> hellos;
    QList<monitor::Snapshot> snapshots;
    QList<monitor::Tick> ticks;
    QList<monitor::LogBatch> logs;
    QList<monitor::Ack> acks;
    QList<monitor::Error> errors;
    QStringList malformed;

private:
    QLocalSocket m_socket;
    monitor::LineSplitter m_splitter;
};

} // namespace

class tst_MonitorChannel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void helloAndSnapshot();
    void ticksCountBeganAndEnded();
    void inFlightRequestsShowTheirIds();
    void logLinesArrive();
    void commands();
    void severalMonitorsAtOnce();
    void liveSocketIsNotTakenOver();
    void snapshotOutlivesItsContext();

private:
    QString m_address;
    QString m_monitorName;
    QTemporaryDir m_dir;
    std::unique_ptr<LogCollector> m_logs;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<MonitorPublisher> m_publisher;
};

void tst_MonitorChannel::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_logs = std::make_unique<LogCollector>();
    ServerConfig config;
    config.listen = {*ListenAddress::parse(QStringLiteral("127.0.0.1:0"))};
    config.threads = 2;
    m_engine = std::make_unique<Engine>(config);
    mountBuiltinHandlers(m_engine->router(), *m_engine);
    QString error;
    QVERIFY2(m_engine->start(&error), qPrintable(error));
    m_address = QStringLiteral("127.0.0.1:%1").arg(m_engine->tcpPort());
    m_publisher = std::make_unique<MonitorPublisher>(m_engine.get(), m_logs.get());
    m_publisher->setTickInterval(50);
    m_monitorName = m_dir.filePath(QStringLiteral("monitor.sock"));
    QVERIFY2(m_publisher->listen(m_monitorName, &error), qPrintable(error));
}

void tst_MonitorChannel::cleanupTestCase()
{
    m_publisher.reset();
    m_engine.reset();
    m_logs.reset();
}

void tst_MonitorChannel::helloAndSnapshot()
{
    FcgiClient client;
    client.connectToServer(m_address);
    const quint16 pending = client.beginRequest(FcgiClient::requestParams("GET", "/delay?ms=60000"));
    client.sendStdin(pending, {});
    QTRY_COMPARE(m_engine->counters().requestsActive, 1);

    MonitorReader reader(m_monitorName);
    QTRY_COMPARE(reader.hellos.size(), 1);
    const monitor::Hello &hello = reader.hellos.first();
    QCOMPARE(hello.protocol, monitor::kProtocolVersion);
    QCOMPARE(hello.pid, QCoreApplication::applicationPid());
    QCOMPARE(hello.threads, 2);
    QCOMPARE(hello.listeners, m_engine->listenerNames());
    QVERIFY(!hello.limits.isEmpty());
    QTRY_COMPARE(reader.snapshots.size(), 1);
    const monitor::Snapshot &snapshot = reader.snapshots.first();
    QCOMPARE(snapshot.requests.size(), 1);
    QCOMPARE(snapshot.requests.first().requestId, pending);
    QCOMPARE(snapshot.requests.first().uri, QStringLiteral("/delay?ms=60000"));
    QCOMPARE(snapshot.connections.size(), 1);
    QCOMPARE(snapshot.connections.first().connectionId, snapshot.requests.first().connectionId);
    QTRY_VERIFY(reader.ticks.size() >= 2);
    QVERIFY(reader.malformed.isEmpty());
    client.abortRequest(pending);
    QTRY_COMPARE(m_engine->counters().requestsActive, 0);
}

void tst_MonitorChannel::ticksCountBeganAndEnded()
{
    constexpr int kQuick = 40; // N
    constexpr int kSlow = 7;   // M
    MonitorReader reader(m_monitorName);
    QTRY_COMPARE(reader.snapshots.size(), 1);
    // Let the ticks carry whatever latency earlier tests left, then count from a clean slate.
    QTRY_VERIFY(reader.ticks.size() >= 2);
    reader.ticks.clear();

    FcgiClient client;
    client.connectToServer(m_address);
    QList<quint16> slow;
    for (int i = 0; i < kSlow; ++i) {
        slow.append(client.beginRequest(FcgiClient::requestParams("GET", "/delay?ms=60000")));
        client.sendStdin(slow.last(), {});
    }
    int answered = 0;
    connect(&client, &FcgiClient::requestEnded, this, [&answered] { ++answered; });
    for (int i = 0; i < kQuick; ++i) {
        const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", "/hello"));
        client.sendStdin(id, {});
    }
    QTRY_COMPARE(answered, kQuick);
    QTRY_COMPARE(reader.began().size(), kQuick + kSlow);
    QTRY_COMPARE(reader.ended().size(), kQuick);
    // Exactly: a few more ticks must not add anything.
    const int ticksNow = int(reader.ticks.size());
    QTRY_VERIFY(reader.ticks.size() >= ticksNow + 3);
    QCOMPARE(reader.began().size(), kQuick + kSlow);
    QCOMPARE(reader.ended().size(), kQuick);
    for (const monitor::RequestInfo &info : reader.ended()) {
        QCOMPARE(info.status, 200);
        QCOMPARE(info.uri, QStringLiteral("/hello"));
    }
    const monitor::Tick &last = reader.ticks.last();
    QCOMPARE(last.totals.requestsActive, qint64(kSlow));
    QCOMPARE(last.beganDropped, 0);
    QCOMPARE(last.endedDropped, 0);
    qint64 latencyCount = 0;
    for (const monitor::Tick &t : reader.ticks)
        latencyCount += t.latency.count;
    QCOMPARE(latencyCount, qint64(kQuick));

    for (quint16 id : slow)
        client.abortRequest(id);
    QTRY_COMPARE(reader.ended().size(), kQuick + kSlow);
    int aborted = 0;
    for (const monitor::RequestInfo &info : reader.ended())
        aborted += info.aborted ? 1 : 0;
    QCOMPARE(aborted, kSlow);
}

void tst_MonitorChannel::inFlightRequestsShowTheirIds()
{
    MonitorReader reader(m_monitorName);
    QTRY_COMPARE(reader.snapshots.size(), 1);
    FcgiClient client;
    client.connectToServer(m_address);
    // HAProxy-style ids: odd and increasing.
    const QList<quint16> ids{101, 103, 105};
    for (quint16 id : ids) {
        client.beginRequest(FcgiClient::requestParams("GET", "/delay?ms=60000"), Role::Responder, true, id);
        client.sendStdin(id, {});
    }
    QTRY_COMPARE(reader.began().size(), ids.size());
    const quint64 connectionId = reader.began().first().connectionId;
    QVERIFY(connectionId != 0);
    QList<quint16> seen;
    for (const monitor::RequestInfo &info : reader.began()) {
        QCOMPARE(info.connectionId, connectionId); // all multiplexed on one connection
        seen.append(info.requestId);
    }
    std::sort(seen.begin(), seen.end());
    QCOMPARE(seen, ids);
    bool opened = false;
    for (const monitor::Tick &t : reader.ticks) {
        for (const monitor::ConnectionInfo &c : t.connectionsOpened)
            opened = opened || c.connectionId == connectionId;
    }
    QVERIFY(opened);

    client.disconnectFromServer(); // aborts all three
    QTRY_COMPARE(reader.ended().size(), ids.size());
    for (const monitor::RequestInfo &info : reader.ended()) {
        QCOMPARE(info.connectionId, connectionId);
        QVERIFY(info.aborted);
    }
    QTRY_VERIFY([&] {
        for (const monitor::Tick &t : reader.ticks) {
            if (t.connectionsClosed.contains(connectionId))
                return true;
        }
        return false;
    }());
}

void tst_MonitorChannel::logLinesArrive()
{
    MonitorReader reader(m_monitorName);
    QTRY_COMPARE(reader.snapshots.size(), 1);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("protocol error")));
    FcgiClient bad;
    bad.connectToServer(m_address);
    bad.sendRaw(QByteArray("\x09\x01\x00\x01\x00\x00\x00\x00", 8)); // version 9
    QTRY_VERIFY(reader.logContains(QStringLiteral("protocol error")));
}

void tst_MonitorChannel::commands()
{
    MonitorReader reader(m_monitorName);
    QTRY_COMPARE(reader.snapshots.size(), 1);
    reader.send({QStringLiteral("set-log-level"), QStringLiteral("warning")});
    QTRY_COMPARE(reader.acks.size(), 1);
    QCOMPARE(reader.acks.first().cmd, QStringLiteral("set-log-level"));
    reader.send({QStringLiteral("set-log-level"), QStringLiteral("info")});
    QTRY_COMPARE(reader.acks.size(), 2);
    reader.send({QStringLiteral("snapshot"), {}});
    QTRY_COMPARE(reader.snapshots.size(), 2);
    reader.send({QStringLiteral("no-such-command"), {}});
    QTRY_COMPARE(reader.errors.size(), 1);
    QVERIFY(reader.errors.first().message.contains(QStringLiteral("no-such-command")));
    reader.sendRaw("this is not json\n");
    QTRY_COMPARE(reader.errors.size(), 2);
    // Still connected and still ticking.
    const int ticks = int(reader.ticks.size());
    QTRY_VERIFY(reader.ticks.size() > ticks + 1);
    QVERIFY(reader.isConnected());
}

void tst_MonitorChannel::severalMonitorsAtOnce()
{
    MonitorReader first(m_monitorName);
    MonitorReader second(m_monitorName);
    QTRY_COMPARE(first.snapshots.size(), 1);
    QTRY_COMPARE(second.snapshots.size(), 1);
    FcgiClient client;
    client.connectToServer(m_address);
    const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", "/hello"));
    client.sendStdin(id, {});
    QTRY_COMPARE(first.ended().size(), 1);
    QTRY_COMPARE(second.ended().size(), 1);
}

void tst_MonitorChannel::liveSocketIsNotTakenOver()
{
    MonitorPublisher intruder(m_engine.get(), nullptr);
    QString error;
    QVERIFY(!intruder.listen(m_monitorName, &error));
    QVERIFY(error.contains(QStringLiteral("another process")));
    MonitorReader reader(m_monitorName); // the first one still answers
    QTRY_COMPARE(reader.hellos.size(), 1);
}

// A monitor that disconnects (or a /status request that is aborted) while the workers are
// still listing their state: its answers must be dropped, and no worker may touch the deleted
// context (a use-after-free found by the ThreadSanitizer run; ASan reports it here).
void tst_MonitorChannel::snapshotOutlivesItsContext()
{
    bool lateAnswer = false;
    for (int i = 0; i < 20; ++i) {
        auto *gone = new QObject;
        m_engine->collectSnapshot(gone, [&](const auto &, const auto &) { lateAnswer = true; });
        delete gone; // before any worker has run its part
    }
    // Workers run their queued calls in order: once a later snapshot is answered, so were those.
    QObject context;
    bool answered = false;
    m_engine->collectSnapshot(&context, [&](const auto &, const auto &) { answered = true; });
    QTRY_VERIFY(answered);
    QVERIFY(!lateAnswer);
}

QTEST_GUILESS_MAIN(tst_MonitorChannel)
#include "tst_monitorchannel.moc"
