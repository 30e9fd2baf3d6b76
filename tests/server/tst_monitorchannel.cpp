// The monitor channel of a real in-process engine: what a monitor client reads on the wire.
#include "engine/engine.h"
#include "fcgiclient.h"
#include "handlers/builtinhandlers.h"
#include "monitor/logcollector.h"
#include "monitor/monitorpublisher.h"
#include "monitorprotocol.h"

#include <afcgi/request.h>
#include <afcgi/router.h>

#include <QLocalSocket>
#include <QRegularExpression>
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
    // The newest tick's gauge of a connection (none when it is idle or no tick has come).
    std::optional<monitor::ConnectionGauge> gauge(quint64 connectionId) const
    {
        if (ticks.isEmpty() || !ticks.last().inFlight)
            return std::nullopt;
        for (const monitor::ConnectionGauge &g : *ticks.last().inFlight) {
            if (g.connectionId == connectionId)
                return g;
        }
        return std::nullopt;
    }
    std::optional<monitor::RequestProgress> progress(quint64 connectionId, quint16 requestId) const
    {
        if (ticks.isEmpty())
            return std::nullopt;
        for (const monitor::RequestProgress &p : ticks.last().active) {
            if (p.connectionId == connectionId && p.requestId == requestId)
                return p;
        }
        return std::nullopt;
    }

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
    void eventsPastTheCapAreCounted();
    void inFlightRequestsShowTheirIds();
    void logLinesArrive();
    void commands();
    void severalMonitorsAtOnce();
    void liveSocketIsNotTakenOver();
    void snapshotOutlivesItsContext();
    void gaugesCountEveryRequestInFlight();
    void progressOfLongRequests();
    void notesOfActiveRequests();
    void levelStatusAndLogVolume();
    void drainingWithTimeLeft();

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
    // Says what it does and waits (until the client aborts it).
    m_engine->router().get(QStringLiteral("/noted"), [](Request *r) { r->setNote(QStringLiteral("waiting for the test")); });
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

void tst_MonitorChannel::eventsPastTheCapAreCounted()
{
    // A burst far over the per-tick sample: no tick lists more than the cap, and what it leaves
    // out is counted, so that listed + dropped covers every request.
    constexpr int kBurst = 600;
    constexpr int kCap = MonitorPublisher::kMaxRequestEventsPerTick;
    MonitorReader reader(m_monitorName);
    QTRY_COMPARE(reader.snapshots.size(), 1);
    QTRY_VERIFY(reader.ticks.size() >= 2);
    reader.ticks.clear();

    FcgiClient client;
    client.connectToServer(m_address);
    int answered = 0;
    connect(&client, &FcgiClient::requestEnded, this, [&answered] { ++answered; });
    for (int i = 0; i < kBurst; ++i) {
        const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", "/hello"));
        client.sendStdin(id, {});
    }
    QTRY_COMPARE(answered, kBurst);
    const auto covered = [&reader](bool began) {
        qint64 n = 0;
        for (const monitor::Tick &t : reader.ticks)
            n += began ? t.began.size() + t.beganDropped : t.ended.size() + t.endedDropped;
        return n;
    };
    // A full worker ring counts its drops on both kinds, so the sums may exceed the burst.
    QTRY_VERIFY(covered(true) >= kBurst && covered(false) >= kBurst);
    for (const monitor::Tick &t : reader.ticks) {
        QVERIFY2(t.began.size() <= kCap, qPrintable(QString::number(t.began.size())));
        QVERIFY2(t.ended.size() <= kCap, qPrintable(QString::number(t.ended.size())));
    }
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


void tst_MonitorChannel::gaugesCountEveryRequestInFlight()
{
    // Requests in flight are counted by their worker at each tick: exact, whatever the events.
    MonitorReader reader(m_monitorName);
    QTRY_COMPARE(reader.snapshots.size(), 1);
    FcgiClient a, b;
    a.connectToServer(m_address);
    b.connectToServer(m_address);
    for (quint16 id = 1; id <= 20; ++id) {
        a.beginRequest(FcgiClient::requestParams("GET", "/delay?ms=60000"), Role::Responder, true, id);
        a.sendStdin(id, {});
    }
    for (quint16 id = 7; id <= 9; ++id) {
        b.beginRequest(FcgiClient::requestParams("GET", "/delay?ms=60000"), Role::Responder, true, id);
        b.sendStdin(id, {});
    }
    QTRY_COMPARE(reader.began().size(), 23);
    quint64 connA = 0, connB = 0;
    for (const monitor::RequestInfo &r : reader.began()) {
        if (r.requestId == 1)
            connA = r.connectionId;
    }
    for (const monitor::RequestInfo &r : reader.began()) {
        if (r.requestId == 8 && r.connectionId != connA)
            connB = r.connectionId;
    }
    QVERIFY(connA != 0 && connB != 0 && connA != connB);
    QTRY_VERIFY(reader.gauge(connA) && reader.gauge(connA)->requests == 20);
    QTRY_VERIFY(reader.gauge(connB) && reader.gauge(connB)->requests == 3);
    // The id sample: the lowest ids, in order, at most kMaxGaugeIds.
    const QList<quint16> lowest{ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    QCOMPARE(reader.gauge(connA)->requestIds, lowest);
    QCOMPARE(reader.gauge(connB)->requestIds, (QList<quint16>{ 7, 8, 9 }));
    QCOMPARE(reader.gauge(connA)->waiting, 0);

    a.disconnectFromServer();
    b.disconnectFromServer();
    // Idle again: the gauges are sent (present) and list no connection.
    QTRY_VERIFY(reader.ticks.last().inFlight && reader.ticks.last().inFlight->isEmpty());
}

void tst_MonitorChannel::progressOfLongRequests()
{
    // A long response's bytes so far arrive at every tick, not only when it ends.
    MonitorReader reader(m_monitorName);
    QTRY_COMPARE(reader.snapshots.size(), 1);
    FcgiClient client;
    client.connectToServer(m_address);
    const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", "/stream?count=100&interval_ms=50"));
    client.sendStdin(id, {});
    QTRY_COMPARE(reader.began().size(), 1);
    const quint64 conn = reader.began().first().connectionId;
    QTRY_VERIFY(reader.progress(conn, id) && reader.progress(conn, id)->bytesOut > 0);
    const qint64 first = reader.progress(conn, id)->bytesOut;
    QCOMPARE(reader.progress(conn, id)->status, 200);
    QTRY_VERIFY(reader.progress(conn, id) && reader.progress(conn, id)->bytesOut > first);
    client.abortRequest(id);
    QTRY_VERIFY(!reader.progress(conn, id));
}

void tst_MonitorChannel::notesOfActiveRequests()
{
    // A handler's note reaches the monitor: in the snapshot, and in each tick's progress.
    FcgiClient client;
    client.connectToServer(m_address);
    const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", "/noted"));
    client.sendStdin(id, {});
    QTRY_COMPARE(m_engine->counters().requestsActive, 1);
    MonitorReader reader(m_monitorName);
    QTRY_COMPARE(reader.snapshots.size(), 1);
    QCOMPARE(reader.snapshots.first().requests.size(), 1);
    QCOMPARE(reader.snapshots.first().requests.first().note, QStringLiteral("waiting for the test"));
    const quint64 conn = reader.snapshots.first().requests.first().connectionId;
    QTRY_VERIFY(reader.progress(conn, id));
    QCOMPARE(reader.progress(conn, id)->note, QStringLiteral("waiting for the test"));
    client.abortRequest(id);
    QTRY_COMPARE(m_engine->counters().requestsActive, 0);
}

void tst_MonitorChannel::levelStatusAndLogVolume()
{
    MonitorReader reader(m_monitorName);
    QTRY_COMPARE(reader.hellos.size(), 1);
    QCOMPARE(reader.hellos.first().logLevel, QStringLiteral("info"));
    bool requestQueueLimit = false;
    for (const auto &[name, value] : reader.hellos.first().limits)
        requestQueueLimit = requestQueueLimit || name == QLatin1String("request-queue");
    QVERIFY(requestQueueLimit);
    QTRY_VERIFY(!reader.ticks.isEmpty());
    QCOMPARE(reader.ticks.last().logLevel, QStringLiteral("info"));
    QCOMPARE(reader.ticks.last().state, QStringLiteral("running"));
    QCOMPARE(reader.ticks.last().drainLeftMs, 0);
    const qint64 ok = reader.ticks.last().totals.byStatus[2];
    const qint64 lines = reader.ticks.last().totals.logLines;

    // Another monitor changes the level: every monitor's ticks say so.
    MonitorReader other(m_monitorName);
    QTRY_COMPARE(other.snapshots.size(), 1);
    other.send({QStringLiteral("set-log-level"), QStringLiteral("warning")});
    QTRY_COMPARE(reader.ticks.last().logLevel, QStringLiteral("warning"));
    other.send({QStringLiteral("set-log-level"), QStringLiteral("info")});
    QTRY_COMPARE(reader.ticks.last().logLevel, QStringLiteral("info"));
    QVERIFY(reader.ticks.last().totals.logLines > lines); // "log level set to ..." was written
    QVERIFY(reader.ticks.last().totals.logBytes > 0);

    FcgiClient client;
    client.connectToServer(m_address);
    for (int i = 0; i < 5; ++i) {
        const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", "/hello"));
        client.sendStdin(id, {});
    }
    QTRY_COMPARE(reader.ticks.last().totals.byStatus[2], ok + 5);
    // The ticks' histograms hold exactly the requests their counts say.
    for (const monitor::Tick &t : reader.ticks) {
        qint64 inBuckets = 0;
        for (const monitor::LatencyBucket &b : t.latency.buckets)
            inBuckets += b.count;
        QCOMPARE(inBuckets, t.latency.count);
    }
}

void tst_MonitorChannel::drainingWithTimeLeft()
{
    // An engine of its own: this one is shut down.
    ServerConfig config;
    config.listen = {*ListenAddress::parse(QStringLiteral("127.0.0.1:0"))};
    config.threads = 1;
    config.shutdownGraceMs = 20000;
    Engine engine(config);
    mountBuiltinHandlers(engine.router(), engine);
    QString error;
    QVERIFY2(engine.start(&error), qPrintable(error));
    MonitorPublisher publisher(&engine, nullptr);
    publisher.setTickInterval(50);
    const QString name = m_dir.filePath(QStringLiteral("drain.sock"));
    QVERIFY2(publisher.listen(name, &error), qPrintable(error));
    MonitorReader reader(name);
    QTRY_VERIFY(!reader.ticks.isEmpty());
    QCOMPARE(reader.ticks.last().state, QStringLiteral("running"));

    FcgiClient client;
    client.connectToServer(QStringLiteral("127.0.0.1:%1").arg(engine.tcpPort()));
    const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", "/delay?ms=60000"));
    client.sendStdin(id, {});
    QTRY_COMPARE(engine.counters().requestsActive, 1);
    engine.shutdown();
    QTRY_COMPARE(reader.ticks.last().state, QStringLiteral("draining"));
    const qint64 left = reader.ticks.last().drainLeftMs;
    QVERIFY2(left > 10000 && left <= 20000, qPrintable(QString::number(left)));
    client.abortRequest(id);
}

QTEST_GUILESS_MAIN(tst_MonitorChannel)
#include "tst_monitorchannel.moc"
