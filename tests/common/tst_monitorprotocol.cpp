#include "monitorprotocol.h"

#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace afcgi::monitor;

// Field-by-field equality for the round trips (the header stays free of test helpers).
namespace afcgi::monitor {
static bool operator==(const RequestInfo &a, const RequestInfo &b)
{
    return a.connectionId == b.connectionId && a.requestId == b.requestId && a.role == b.role
        && a.method == b.method && a.uri == b.uri && a.startMs == b.startMs && a.status == b.status
        && a.durationMs == b.durationMs && a.bytesIn == b.bytesIn && a.bytesOut == b.bytesOut
        && a.aborted == b.aborted && a.note == b.note;
}
static bool operator==(const ConnectionInfo &a, const ConnectionInfo &b)
{
    return a.connectionId == b.connectionId && a.peer == b.peer && a.listener == b.listener
        && a.openedMs == b.openedMs && a.queuedBytes == b.queuedBytes;
}
static bool operator==(const LogEntry &a, const LogEntry &b)
{
    return a.timeMs == b.timeMs && a.level == b.level && a.category == b.category
        && a.message == b.message;
}
static bool operator==(const Route &a, const Route &b)
{
    return a.prefix == b.prefix && a.app == b.app && a.plugin == b.plugin && a.patterns == b.patterns;
}
static bool operator==(const Hello &a, const Hello &b)
{
    return a.protocol == b.protocol && a.serverVersion == b.serverVersion && a.pid == b.pid
        && a.startTimeMs == b.startTimeMs && a.listeners == b.listeners && a.threads == b.threads
        && a.tickIntervalMs == b.tickIntervalMs && a.limits == b.limits && a.logLevel == b.logLevel
        && a.routes == b.routes;
}
static bool operator==(const ConnectionGauge &a, const ConnectionGauge &b)
{
    return a.connectionId == b.connectionId && a.requests == b.requests && a.waiting == b.waiting
        && a.requestIds == b.requestIds;
}
static bool operator==(const ChannelGauge &a, const ChannelGauge &b)
{
    return a.name == b.name && a.subscribers == b.subscribers
        && a.messagesPerSecond == b.messagesPerSecond && a.messages == b.messages
        && a.lastId == b.lastId;
}
static bool operator==(const RequestProgress &a, const RequestProgress &b)
{
    return a.connectionId == b.connectionId && a.requestId == b.requestId && a.bytesIn == b.bytesIn
        && a.bytesOut == b.bytesOut && a.status == b.status && a.aborted == b.aborted
        && a.note == b.note;
}
static bool operator==(const LatencyBucket &a, const LatencyBucket &b)
{
    return a.bucket == b.bucket && a.count == b.count;
}
static bool operator==(const WorkerGauge &a, const WorkerGauge &b)
{
    return std::tie(a.worker, a.connections, a.inFlight, a.requests, a.cpuMs, a.lagMs, a.blocked)
        == std::tie(b.worker, b.connections, b.inFlight, b.requests, b.cpuMs, b.lagMs, b.blocked);
}
static bool operator==(const RouteTraffic &a, const RouteTraffic &b)
{
    return std::tie(a.prefix, a.requests, a.errors, a.aborts, a.blocked, a.rate, a.count, a.p50, a.p99)
        == std::tie(b.prefix, b.requests, b.errors, b.aborts, b.blocked, b.rate, b.count, b.p50, b.p99);
}
static bool operator==(const Snapshot &a, const Snapshot &b)
{
    return a.requests == b.requests && a.connections == b.connections;
}
static bool operator==(const Tick &a, const Tick &b)
{
    const auto totals = [](const Totals &t) {
        return std::tie(t.requests, t.bytesIn, t.bytesOut, t.errors, t.aborts, t.connectionsOpen,
                        t.requestsActive, t.byStatus, t.connectionsWaiting, t.requestsWaiting,
                        t.logLines, t.logBytes);
    };
    const auto rates = [](const Rates &r) {
        return std::tie(r.requests, r.bytesIn, r.bytesOut, r.errors, r.aborts, r.byStatus,
                        r.logLines, r.logBytes);
    };
    const auto latency = [](const Latency &l) {
        return std::tie(l.count, l.p50, l.p90, l.p99, l.max, l.buckets);
    };
    return a.seq == b.seq && a.timeMs == b.timeMs && a.intervalMs == b.intervalMs
        && totals(a.totals) == totals(b.totals) && rates(a.rates) == rates(b.rates)
        && latency(a.latency) == latency(b.latency) && a.began == b.began && a.ended == b.ended
        && a.beganDropped == b.beganDropped && a.endedDropped == b.endedDropped
        && a.connectionsOpened == b.connectionsOpened
        && a.connectionsClosed == b.connectionsClosed
        && a.connectionsDropped == b.connectionsDropped && a.queued == b.queued
        && a.aborted == b.aborted && a.state == b.state && a.drainLeftMs == b.drainLeftMs
        && a.logLevel == b.logLevel && a.inFlight == b.inFlight
        && a.inFlightDropped == b.inFlightDropped && a.active == b.active
        && a.channels == b.channels && a.channelsDropped == b.channelsDropped
        && a.pausedListeners == b.pausedListeners && a.workers == b.workers && a.routes == b.routes;
}
static bool operator==(const LogBatch &a, const LogBatch &b)
{
    return a.entries == b.entries && a.dropped == b.dropped;
}
static bool operator==(const Ack &a, const Ack &b) { return a.cmd == b.cmd; }
static bool operator==(const Error &a, const Error &b) { return a.message == b.message; }
} // namespace afcgi::monitor

Q_DECLARE_METATYPE(afcgi::monitor::Message)

namespace {
constexpr qint64 kBigId = (qint64(1) << 53) - 1; // largest id a JSON double carries exactly

RequestInfo request(quint64 conn, quint16 id, const QString &uri, bool ended = false)
{
    RequestInfo r;
    r.connectionId = conn;
    r.requestId = id;
    r.role = QStringLiteral("RESPONDER");
    r.method = QStringLiteral("GET");
    r.uri = uri;
    r.startMs = 1700000000000 + id;
    if (ended) {
        r.status = 200;
        r.durationMs = 12;
        r.bytesIn = 345;
        r.bytesOut = 6789;
    }
    return r;
}

ConnectionInfo connection(quint64 id, qint64 queued = 0)
{
    return ConnectionInfo{ id, QStringLiteral("unix:/run/nginx.sock"), QStringLiteral("unix:/tmp/a"),
                           1700000000000, queued };
}

Hello fullHello()
{
    Hello h;
    h.serverVersion = QStringLiteral("0.1.0");
    h.pid = 4242;
    h.startTimeMs = 1700000000123;
    h.listeners = { QStringLiteral("127.0.0.1:9000"), QStringLiteral("unix:/tmp/afcgi.sock") };
    h.threads = 8;
    h.tickIntervalMs = 250;
    // Limits come back ordered by name (a JSON object), so they are listed sorted here.
    h.limits = { { QStringLiteral("max-body"), qint64(1) << 40 },
                 { QStringLiteral("max-conns"), 10000 },
                 { QStringLiteral("request-timeout"), 0 } };
    h.logLevel = QStringLiteral("info");
    h.routes = QList<Route>{ { QStringLiteral("/hello"), QStringLiteral("builtin"), QString(), {} },
                             { QStringLiteral("/notes"), QStringLiteral("notes"),
                               QStringLiteral("/usr/lib/afcgi/apps/libnotes.so"),
                               { QStringLiteral("GET /notes/{id:int}"), QStringLiteral("DELETE /notes/{id:int}") } } };
    return h;
}

Tick fullTick()
{
    Tick t;
    t.seq = 77;
    t.timeMs = 1700000001000;
    t.intervalMs = 250;
    t.totals = { 1000, 2000, 3000000, 4, 5, 6, 7, { 1, 2, 990, 3, 0, 4 }, 8, 9, 10, 11 };
    t.rates = { 123.5, 4567.25, 1e9, 0.5, 0.125, { 0, 0.25, 120.5, 2, 0, 0.5 }, 3.5, 400.25 };
    t.latency = { 42, 1.5, 9.75, 120.0, 3001.0, { { 0, 1 }, { 83, 40 }, { 319, 1 } } };
    t.began = { request(kBigId, 65535, QStringLiteral("/delay?ms=5000")),
                request(2, 1, QStringLiteral("/π/\"quoted\"\n\u2028")) };
    RequestInfo aborted = request(3, 9, QStringLiteral("/stream"), true);
    aborted.aborted = true;
    aborted.status = 0;
    aborted.role = QStringLiteral("FILTER");
    t.ended = { request(1, 1, QStringLiteral("/hello"), true), aborted };
    t.beganDropped = 10;
    t.endedDropped = 11;
    t.connectionsOpened = { connection(5), connection(quint64(kBigId)) };
    t.connectionsClosed = { 1, 2, quint64(kBigId) };
    t.connectionsDropped = 3;
    t.queued = { connection(5, 65536) };
    t.aborted = { request(6, 2, QStringLiteral("/delay")) };
    t.state = QStringLiteral("draining");
    t.drainLeftMs = 29750;
    t.logLevel = QStringLiteral("debug");
    t.inFlight = QList<ConnectionGauge>{ { 5, 64, 2, { 1, 2, 3, 65535 } }, { quint64(kBigId), 1, 0, { 7 } } };
    t.inFlightDropped = 12;
    t.active = { { 5, 1, 10, 1 << 20, 200, false, QStringLiteral("cgi pid 4242 git-http-backend") },
                 { quint64(kBigId), 65535, 0, 0, 0, true, {} } };
    t.channels = QList<ChannelGauge>{ { QStringLiteral("news"), 100000, 2.5, 1234, QStringLiteral("1733470000000:1234") },
                                      { QStringLiteral("quiet"), 0, 0, 0, QString() } };
    t.channelsDropped = 7;
    t.pausedListeners = QStringList{ QStringLiteral("127.0.0.1:9000"), QStringLiteral("[::1]:9001") };
    t.workers = QList<WorkerGauge>{ { 0, 3, 64, kBigId, 123456, 2, 3 }, { 1, 0, 0, 0, 0, 0, 0 } };
    t.routes = QList<RouteTraffic>{ { QStringLiteral("/hello"), kBigId, 2, 1, 0, 512.25, 128, 0.084, 1.216 },
                                    { QStringLiteral("/spin"), 1, 0, 0, 1, 0, 0, 0, 0 } };
    return t;
}

QByteArray threeLines()
{
    return encode(Message(fullHello())) + encode(Message(Snapshot{})) + "\r\n"
        + encode(Message(fullTick())).replace("\n", "\r\n");
}

QList<QByteArray> drain(LineSplitter &s)
{
    QList<QByteArray> lines;
    while (auto line = s.next())
        lines.append(*line);
    return lines;
}
} // namespace

class tst_MonitorProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void roundTrip_data();
    void roundTrip();
    void typeComesFirst();
    void commands_data();
    void commands();
    void malformedMessage_data();
    void malformedMessage();
    void malformedLineIsNotFatal();
    void malformedCommand_data();
    void malformedCommand();
    void unknownFieldsIgnored();
    void revisionOneLinesDecode();
    void documentedLinesAreTheEncoders();
    void splitAnywhere();
    void oneByteAtATime();
    void trailingPartialUntouched();
    void overlongLine_data();
    void overlongLine();
    void defaultSocketName_data();
    void defaultSocketName();
};

void tst_MonitorProtocol::init()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
}

void tst_MonitorProtocol::roundTrip_data()
{
    QTest::addColumn<Message>("message");
    QTest::addColumn<QString>("type");
    QTest::newRow("hello-defaults") << Message(Hello{}) << "hello";
    QTest::newRow("hello-full") << Message(fullHello()) << "hello";
    Hello noRoutes = fullHello();
    noRoutes.routes = QList<Route>{};
    QTest::newRow("hello-no-routes-mounted") << Message(noRoutes) << "hello";
    QTest::newRow("snapshot-empty") << Message(Snapshot{}) << "snapshot";
    Snapshot s;
    for (quint16 id = 1; id <= 10; ++id)
        s.requests.append(request(id % 3, id, QStringLiteral("/delay?ms=%1").arg(id)));
    s.requests[4].aborted = true;
    s.requests[5].note = QStringLiteral("cgi pid 4242 \"nph-stream\"");
    s.connections = { connection(0), connection(1, 12), connection(2) };
    QTest::newRow("snapshot-10-requests") << Message(s) << "snapshot";
    QTest::newRow("tick-empty") << Message(Tick{}) << "tick";
    QTest::newRow("tick-full") << Message(fullTick()) << "tick";
    Tick idleGauges;
    idleGauges.inFlight = QList<ConnectionGauge>{}; // sampled, and nothing is busy
    idleGauges.state = QStringLiteral("running");
    QTest::newRow("tick-gauges-empty") << Message(idleGauges) << "tick";
    LogBatch log;
    log.entries = { { 1700000000001, QStringLiteral("info"), QStringLiteral("afcgi.server.conn"),
                      QStringLiteral("connection 1 opened") },
                    { 1700000000002, QStringLiteral("warning"), QString(),
                      QStringLiteral("multi\nline \"message\"\ttab") } };
    log.dropped = 99;
    QTest::newRow("log-batch") << Message(log) << "log";
    QTest::newRow("log-only-dropped") << Message(LogBatch{ {}, 5 }) << "log";
    QTest::newRow("ack") << Message(Ack{ QStringLiteral("set-log-level") }) << "ack";
    QTest::newRow("error") << Message(Error{ QStringLiteral("unknown command \"x\"\n") }) << "error";
}

void tst_MonitorProtocol::roundTrip()
{
    QFETCH(Message, message);
    QFETCH(QString, type);
    const QByteArray line = encode(message);
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1); // newlines inside strings are escaped
    QCOMPARE(toJson(message).value(QLatin1String("type")).toString(), type);

    QString error;
    const std::optional<Message> decoded = decodeMessage(QByteArrayView(line).chopped(1), &error);
    QVERIFY2(decoded, qPrintable(error));
    QCOMPARE(decoded->index(), message.index());
    QVERIFY(*decoded == message);
    // toJson() and encode() describe the same object.
    QCOMPARE(QJsonDocument::fromJson(line).object(), toJson(message));
}

void tst_MonitorProtocol::typeComesFirst()
{
    QVERIFY(encode(Message(fullTick())).startsWith("{\"type\":\"tick\",\"aborted\":["));
    QCOMPARE(encode(Message(Ack{ QStringLiteral("snapshot") })),
             QByteArray("{\"type\":\"ack\",\"cmd\":\"snapshot\"}\n"));
}

void tst_MonitorProtocol::commands_data()
{
    QTest::addColumn<QString>("cmd");
    QTest::addColumn<QString>("level");
    QTest::addColumn<QByteArray>("wire");
    QTest::newRow("set-log-level") << "set-log-level" << "debug"
                                   << QByteArray(R"({"cmd":"set-log-level","level":"debug"})" "\n");
    QTest::newRow("snapshot") << "snapshot" << QString() << QByteArray("{\"cmd\":\"snapshot\"}\n");
    QTest::newRow("unknown-is-decoded") << "frobnicate" << QString()
                                        << QByteArray("{\"cmd\":\"frobnicate\"}\n");
}

void tst_MonitorProtocol::commands()
{
    QFETCH(QString, cmd);
    QFETCH(QString, level);
    QFETCH(QByteArray, wire);
    QCOMPARE(encode(Command{ cmd, level }), wire);
    QString error;
    const std::optional<Command> c = decodeCommand(QByteArrayView(wire).chopped(1), &error);
    QVERIFY2(c, qPrintable(error));
    QCOMPARE(c->cmd, cmd);
    QCOMPARE(c->level, level);
}

void tst_MonitorProtocol::malformedMessage_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("reason"); // a fragment of the error text
    QTest::newRow("not-json") << QByteArray("{\"type\":") << "not JSON";
    QTest::newRow("garbage") << QByteArray("hello world") << "not JSON";
    QTest::newRow("array") << QByteArray("[1,2,3]") << "not a JSON object";
    QTest::newRow("string") << QByteArray("\"hello\"") << "not JSON";
    QTest::newRow("missing-type") << QByteArray("{}") << "missing \"type\"";
    QTest::newRow("type-not-string") << QByteArray("{\"type\":1}") << "not a string";
    QTest::newRow("unknown-type") << QByteArray("{\"type\":\"bogus\"}") << "unknown type \"bogus\"";
    QTest::newRow("hello-no-protocol") << QByteArray("{\"type\":\"hello\"}") << "hello.protocol: missing";
    QTest::newRow("hello-protocol-string") << QByteArray(R"({"type":"hello","protocol":"1"})")
                                           << "hello.protocol: expected an integer";
    QTest::newRow("hello-listeners-number") << QByteArray(R"({"type":"hello","protocol":1,"listeners":[1]})")
                                            << "hello.listeners[0]: expected a string";
    QTest::newRow("hello-limit-string")
        << QByteArray(R"({"type":"hello","protocol":1,"limits":{"max-conns":"many"}})")
        << "hello.limits.max-conns: expected an integer";
    QTest::newRow("tick-no-seq") << QByteArray(R"({"type":"tick","time_ms":1})") << "tick.seq: missing";
    QTest::newRow("tick-began-object") << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"began":{}})")
                                       << "tick.began: expected an array";
    QTest::newRow("tick-began-element-number")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"began":[7]})") << "tick.began[0]: expected an object";
    QTest::newRow("request-id-out-of-range")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"ended":[{"connection_id":1,"request_id":65536}]})")
        << "tick.ended[0].request_id: integer out of range";
    QTest::newRow("request-id-fraction")
        << QByteArray(R"({"type":"snapshot","requests":[{"connection_id":1,"request_id":1.5}]})")
        << "snapshot.requests[0].request_id: expected an integer";
    QTest::newRow("connection-id-negative")
        << QByteArray(R"({"type":"snapshot","connections":[{"connection_id":-1}]})")
        << "snapshot.connections[0].connection_id: integer out of range";
    QTest::newRow("request-missing-id")
        << QByteArray(R"({"type":"snapshot","requests":[{"connection_id":1}]})")
        << "snapshot.requests[0].request_id: missing";
    QTest::newRow("aborted-string")
        << QByteArray(R"({"type":"snapshot","requests":[{"connection_id":1,"request_id":1,"aborted":"yes"}]})")
        << "aborted: expected true or false";
    QTest::newRow("uri-number")
        << QByteArray(R"({"type":"snapshot","requests":[{"connection_id":1,"request_id":1,"uri":5}]})")
        << "uri: expected a string";
    QTest::newRow("rates-string") << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"rates":"fast"})")
                                  << "tick.rates: expected an object";
    QTest::newRow("rate-string")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"rates":{"requests":"10"}})")
        << "tick.rates.requests: expected a number";
    QTest::newRow("closed-string")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"connections_closed":["3"]})")
        << "tick.connections_closed[0]: expected a connection id";
    // Found by fuzz_monitorprotocol: converting these to qint64 was undefined behaviour.
    QTest::newRow("pid-past-int64")
        << QByteArray(R"({"type":"hello","protocol":1,"pid":1.79574e21})") << "hello.pid: integer out of range";
    QTest::newRow("time-past-int64-negative")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":-1e300})") << "tick.time_ms: integer out of range";
    QTest::newRow("time-2-to-63")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":9223372036854775808})")
        << "tick.time_ms: integer out of range";
    QTest::newRow("closed-past-int64")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"connections_closed":[1e19]})")
        << "tick.connections_closed[0]: expected a connection id";
    QTest::newRow("gauges-object")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"in_flight":{}})") << "tick.in_flight: expected an array";
    QTest::newRow("gauge-no-connection")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"in_flight":[{"requests":3}]})")
        << "tick.in_flight[0].connection_id: missing";
    QTest::newRow("gauge-id-out-of-range")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"in_flight":[{"connection_id":1,"request_ids":[65536]}]})")
        << "tick.in_flight[0].request_ids[0]: expected a request id";
    QTest::newRow("progress-no-request")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"active":[{"connection_id":1}]})")
        << "tick.active[0].request_id: missing";
    QTest::newRow("worker-without-index")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"workers":[{"connections":1}]})")
        << "tick.workers[0].worker: missing";
    QTest::newRow("route-without-prefix")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"routes":[{"requests":1}]})")
        << "tick.routes[0].prefix: missing";
    QTest::newRow("route-rate-string")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"routes":[{"prefix":"/a","rate":"1"}]})")
        << "tick.routes[0].rate: expected a number";
    QTest::newRow("worker-blocked-string")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"workers":[{"worker":0,"blocked":"1"}]})")
        << "tick.workers[0].blocked: expected an integer";
    QTest::newRow("worker-cpu-string")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"workers":[{"worker":0,"cpu_ms":"1"}]})")
        << "tick.workers[0].cpu_ms: expected an integer";
    QTest::newRow("paused-listeners-not-array")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"paused_listeners":"127.0.0.1:9000"})")
        << "tick.paused_listeners: expected an array";
    QTest::newRow("paused-listener-number")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"paused_listeners":["a",9000]})")
        << "tick.paused_listeners[1]: expected a listener name";
    QTest::newRow("state-number")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"state":1})") << "tick.state: expected a string";
    QTest::newRow("by-status-string")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"totals":{"by_status":{"2xx":"many"}}})")
        << "tick.totals.by_status.2xx: expected an integer";
    QTest::newRow("bucket-not-pair")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"latency":{"buckets":[[1]]}})")
        << "tick.latency.buckets[0]: expected [bucket, count]";
    QTest::newRow("bucket-out-of-range")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"latency":{"buckets":[[320,1]]}})")
        << "tick.latency.buckets[0][0]: expected a bucket";
    QTest::newRow("bucket-count-negative")
        << QByteArray(R"({"type":"tick","seq":1,"time_ms":1,"latency":{"buckets":[[3,-1]]}})")
        << "tick.latency.buckets[0][1]: expected a count";
    QTest::newRow("hello-route-pattern-not-string")
        << QByteArray(R"({"type":"hello","protocol":1,"routes":[{"prefix":"/x","patterns":[1]}]})")
        << "hello.routes[0].patterns[0]: expected a string";
    QTest::newRow("hello-routes-not-array")
        << QByteArray(R"({"type":"hello","protocol":1,"routes":{}})") << "hello.routes: expected an array";
    QTest::newRow("hello-route-without-prefix")
        << QByteArray(R"({"type":"hello","protocol":1,"routes":[{"app":"x"}]})")
        << "hello.routes[0].prefix: missing";
    QTest::newRow("hello-log-level-number")
        << QByteArray(R"({"type":"hello","protocol":1,"log_level":2})") << "hello.log_level: expected a string";
    QTest::newRow("log-entry-no-message")
        << QByteArray(R"({"type":"log","entries":[{"level":"info"}]})") << "log.entries[0].message: missing";
    QTest::newRow("ack-no-cmd") << QByteArray(R"({"type":"ack"})") << "ack.cmd: missing";
    QTest::newRow("error-message-null") << QByteArray(R"({"type":"error","message":null})")
                                        << "error.message: expected a string";
}

void tst_MonitorProtocol::malformedMessage()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);
    QString error;
    QVERIFY(!decodeMessage(line, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
    QVERIFY(!decodeMessage(line)); // the error out-parameter is optional
}

void tst_MonitorProtocol::malformedLineIsNotFatal()
{
    // A stream where bad lines sit between good ones: each bad one is reported, the rest decode.
    const QByteArray stream = encode(Message(fullHello())) + "not json\n" + "[]\n"
        + "{\"type\":\"bogus\"}\n" + encode(Message(fullTick())) + "{\"type\":\"tick\"}\n"
        + encode(Message(Error{ QStringLiteral("x") }));
    LineSplitter splitter;
    splitter.feed(stream);
    QList<int> kinds;
    int errors = 0;
    while (auto line = splitter.next()) {
        QString error;
        if (auto m = decodeMessage(*line, &error)) {
            kinds.append(int(m->index()));
        } else {
            QVERIFY(!error.isEmpty());
            ++errors;
        }
    }
    QCOMPARE(errors, 4);
    QCOMPARE(kinds, (QList<int>{ 0, 2, 5 }));
    QVERIFY(!splitter.hasError());
}

void tst_MonitorProtocol::malformedCommand_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("reason");
    QTest::newRow("not-json") << QByteArray("set-log-level debug") << "not JSON";
    QTest::newRow("array") << QByteArray("[\"snapshot\"]") << "not a JSON object";
    QTest::newRow("missing-cmd") << QByteArray("{\"level\":\"debug\"}") << "command.cmd: missing";
    QTest::newRow("cmd-number") << QByteArray("{\"cmd\":1}") << "command.cmd: expected a string";
    QTest::newRow("cmd-empty") << QByteArray("{\"cmd\":\"\"}") << "command.cmd: empty";
    QTest::newRow("level-number") << QByteArray(R"({"cmd":"set-log-level","level":3})")
                                  << "command.level: expected a string";
}

void tst_MonitorProtocol::malformedCommand()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);
    QString error;
    QVERIFY(!decodeCommand(line, &error));
    QVERIFY2(error.contains(reason), qPrintable(error));
}

void tst_MonitorProtocol::unknownFieldsIgnored()
{
    // Later protocol versions may add fields; an older reader skips them.
    const auto m = decodeMessage(
        R"({"type":"ack","cmd":"snapshot","future":{"x":[1,2]},"more":true})");
    QVERIFY(m);
    QCOMPARE(std::get<Ack>(*m).cmd, QStringLiteral("snapshot"));
    const auto c = decodeCommand(R"({"cmd":"snapshot","extra":1})");
    QVERIFY(c);
}

void tst_MonitorProtocol::revisionOneLinesDecode()
{
    // A server of revision 1 sends none of the later fields: each reads as "not told", which a
    // monitor must tell apart from "told: nothing" (no gauges vs no busy connection).
    const auto hello = decodeMessage(
        R"({"type":"hello","limits":{"max-conns":10000},"listeners":["127.0.0.1:19777"],"pid":589,"protocol":1,"server_version":"0.1.0","start_time_ms":1795737320436,"threads":2,"tick_interval_ms":250})");
    QVERIFY(hello);
    QVERIFY(std::get<Hello>(*hello).logLevel.isEmpty());
    const auto tick = decodeMessage(
        R"({"type":"tick","began":[],"began_dropped":0,"connections_closed":[],"connections_dropped":0,"connections_opened":[],"ended":[],"ended_dropped":0,"interval_ms":262,"latency":{"count":0,"max":0,"p50":0,"p90":0,"p99":0},"queued":[],"rates":{"aborts":0,"bytes_in":0,"bytes_out":0,"errors":0,"requests":0},"seq":1,"time_ms":1795737321233,"totals":{"aborts":0,"bytes_in":1696,"bytes_out":0,"connections_open":1,"errors":0,"requests":0,"requests_active":1}})");
    QVERIFY(tick);
    const Tick &t = std::get<Tick>(*tick);
    QVERIFY(!t.inFlight.has_value());
    QVERIFY(t.state.isEmpty());
    QVERIFY(t.logLevel.isEmpty());
    QVERIFY(t.active.isEmpty());
    QVERIFY(t.latency.buckets.isEmpty());
    QVERIFY(!t.pausedListeners.has_value());
    QVERIFY(!t.workers.has_value());
    QVERIFY(!t.routes.has_value());
    QCOMPARE(t.totals.byStatus, (ByStatus<qint64>{}));

    // And a revision-2 tick with no busy connection says so: gauges present and empty.
    Tick idle;
    idle.inFlight = QList<ConnectionGauge>{};
    idle.pausedListeners = QStringList{}; // (r6) told: none paused
    const auto decoded = decodeMessage(QByteArrayView(encode(Message(idle))).chopped(1));
    QVERIFY(decoded);
    QVERIFY(std::get<Tick>(*decoded).inFlight.has_value());
    QVERIFY(std::get<Tick>(*decoded).inFlight->isEmpty());
    QVERIFY(std::get<Tick>(*decoded).pausedListeners.has_value());
    QVERIFY(std::get<Tick>(*decoded).pausedListeners->isEmpty());
}

void tst_MonitorProtocol::documentedLinesAreTheEncoders()
{
    // Every message line in MONITOR_PROTOCOL.md (the examples and the captured session) decodes,
    // and encoding it again gives the very same bytes: the document shows the wire as it is.
    QFile doc(QStringLiteral(AFCGI_PROTOCOL_DOC));
    QVERIFY2(doc.open(QIODevice::ReadOnly), qPrintable(doc.fileName()));
    int messages = 0;
    while (!doc.atEnd()) {
        const QByteArray line = doc.readLine().trimmed();
        if (!line.startsWith("{\"type\""))
            continue;
        QString error;
        const std::optional<Message> message = decodeMessage(line, &error);
        QVERIFY2(message, qPrintable(error + QStringLiteral(": ") + QString::fromUtf8(line.left(80))));
        QCOMPARE(encode(*message), line + '\n');
        ++messages;
    }
    QVERIFY(messages >= 10);
}

void tst_MonitorProtocol::splitAnywhere()
{
    const QByteArray wire = threeLines();
    LineSplitter whole;
    whole.feed(wire);
    const QList<QByteArray> expected = drain(whole);
    QCOMPARE(expected.size(), 3); // the blank line is skipped, CRLF is accepted
    for (const QByteArray &line : expected) {
        QVERIFY(!line.endsWith('\r'));
        QVERIFY(decodeMessage(line));
    }
    for (qsizetype cut = 0; cut <= wire.size(); ++cut) {
        LineSplitter s;
        QList<QByteArray> lines;
        s.feed(QByteArrayView(wire).first(cut));
        lines += drain(s);
        s.feed(QByteArrayView(wire).sliced(cut));
        lines += drain(s);
        QCOMPARE(lines, expected);
        QVERIFY(!s.hasError());
    }
}

void tst_MonitorProtocol::oneByteAtATime()
{
    const QByteArray wire = threeLines();
    LineSplitter whole;
    whole.feed(wire);
    const QList<QByteArray> expected = drain(whole);
    LineSplitter s;
    QList<QByteArray> lines;
    for (char c : wire) {
        s.feed(QByteArrayView(&c, 1));
        lines += drain(s);
    }
    QCOMPARE(lines, expected);
}

void tst_MonitorProtocol::trailingPartialUntouched()
{
    LineSplitter s;
    s.feed("abc\nde");
    QCOMPARE(s.next(), std::optional<QByteArray>("abc"));
    QCOMPARE(s.next(), std::nullopt);
    QCOMPARE(s.next(), std::nullopt); // asking again changes nothing
    s.feed("f\n\n  \nxyz");
    QCOMPARE(s.next(), std::optional<QByteArray>("def"));
    QCOMPARE(s.next(), std::nullopt); // blank lines skipped, "xyz" waits for its newline
    s.feed("\n");
    QCOMPARE(s.next(), std::optional<QByteArray>("xyz"));
    QVERIFY(!s.hasError());
}

void tst_MonitorProtocol::overlongLine_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("linesBefore");
    QTest::newRow("unterminated") << QByteArray("ok\n") + QByteArray(17, 'x') << 1;
    QTest::newRow("terminated") << QByteArray("ok\n") + QByteArray(17, 'x') + "\nlater\n" << 1;
    QTest::newRow("first-line") << QByteArray(40, 'y') + "\nok\n" << 0;
    QTest::newRow("exactly-limit-is-fine") << QByteArray(16, 'z') + "\n" + QByteArray(17, 'x') << 1;
}

void tst_MonitorProtocol::overlongLine()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, linesBefore);
    for (bool byteByByte : { false, true }) {
        LineSplitter s(16);
        int lines = 0;
        if (byteByByte) {
            for (char c : wire) {
                s.feed(QByteArrayView(&c, 1));
                lines += int(drain(s).size());
            }
        } else {
            s.feed(wire);
            lines += int(drain(s).size());
        }
        QCOMPARE(lines, linesBefore);
        QVERIFY(s.hasError());
        // Sticky: more input is neither buffered nor split.
        s.feed("more\n");
        QCOMPARE(s.next(), std::nullopt);
        QVERIFY(s.hasError());
    }
}

void tst_MonitorProtocol::defaultSocketName_data()
{
    QTest::addColumn<QByteArray>("user");
    QTest::addColumn<QByteArray>("username");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << QByteArray("alice") << QByteArray() << "afcgi-monitor-alice";
    QTest::newRow("sanitised") << QByteArray("a b/c\\d:é.x-1_2") << QByteArray()
                               << "afcgi-monitor-a_b_c_d__.x-1_2";
    QTest::newRow("windows-username") << QByteArray() << QByteArray("Bob") << "afcgi-monitor-Bob";
    QTest::newRow("nobody") << QByteArray() << QByteArray() << "afcgi-monitor-default";
}

void tst_MonitorProtocol::defaultSocketName()
{
    QFETCH(QByteArray, user);
    QFETCH(QByteArray, username);
    QFETCH(QString, expected);
    const QByteArray oldUser = qgetenv("USER");
    const QByteArray oldUsername = qgetenv("USERNAME");
    const auto set = [](const char *name, const QByteArray &value) {
        if (value.isNull())
            qunsetenv(name);
        else
            qputenv(name, value);
    };
    set("USER", user);
    set("USERNAME", username);
    const QString name = afcgi::monitor::defaultSocketName();
    set("USER", oldUser.isEmpty() ? QByteArray() : oldUser);
    set("USERNAME", oldUsername.isEmpty() ? QByteArray() : oldUsername);
    QCOMPARE(name, expected);
}

QTEST_GUILESS_MAIN(tst_MonitorProtocol)
#include "tst_monitorprotocol.moc"
