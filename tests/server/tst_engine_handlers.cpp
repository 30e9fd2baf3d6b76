// The built-in handlers' contract, through the engine in-process: /status (and ?full=1),
// routing, /delay's arguments, /stream's records.
// Expected engine warnings are declared with EngineLog::expect (see enginetestsupport.h).
#include "enginetestcase.h"
#include "fixtures.h"
#include "recorddecoder.h"
#include "recordencoder.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>

using namespace afcgi;
using namespace enginetest;

class tst_EngineHandlers : public EngineTestCase
{
    Q_OBJECT
private Q_SLOTS:
    void statusFields_data();
    void statusFields();
    void statusFullListsActiveRequests_data();
    void statusFullListsActiveRequests();
    void routing_data();
    void routing();
    void delayBadMs_data();
    void delayBadMs();
    void streamLinesAreSeparateRecords_data();
    void streamLinesAreSeparateRecords();
};

void tst_EngineHandlers::statusFields_data()
{
    addTransportRows();
}

void tst_EngineHandlers::statusFields()
{
    QFETCH(QString, transport);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);

    const quint16 hello = sendGet(*client, "/hello");
    const quint16 missing = sendGet(*client, "/nope");
    QVERIFY(waitEnded(*client, hello));
    QVERIFY(waitEnded(*client, missing));

    const quint16 id = sendGet(*client, "/status");
    QVERIFY(waitEnded(*client, id));
    const auto cgi = parse(client->response(id));
    QVERIFY(cgi);
    QCOMPARE(cgi->status, 200);
    QCOMPARE(cgi->header("Content-Type"), QByteArray("application/json"));
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(cgi->body, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);

    QCOMPARE(o[QLatin1String("version")].toString(), QStringLiteral(AFCGI_VERSION));
    QCOMPARE(o[QLatin1String("pid")].toInteger(), QCoreApplication::applicationPid());
    QVERIFY(o[QLatin1String("uptime_ms")].isDouble());
    QVERIFY(o[QLatin1String("uptime_ms")].toInteger(-1) >= 0);
    QCOMPARE(o[QLatin1String("listeners")].toArray(), QJsonArray{server.listenerName()});
    QCOMPARE(o[QLatin1String("worker_threads")].toInt(), 2);

    const QJsonObject connections = o[QLatin1String("connections")].toObject();
    QCOMPARE(connections[QLatin1String("open")].toInteger(), 1);
    QCOMPARE(connections[QLatin1String("total")].toInteger(), 1);

    const QJsonObject requests = o[QLatin1String("requests")].toObject();
    QCOMPARE(requests[QLatin1String("active")].toInteger(), 1); // this /status request
    QCOMPARE(requests[QLatin1String("total")].toInteger(), 3);
    QCOMPARE(requests[QLatin1String("aborted")].toInteger(), 0);
    const QJsonObject byStatus = requests[QLatin1String("by_status")].toObject();
    for (const char *key : {"1xx", "2xx", "3xx", "4xx", "5xx"})
        QVERIFY2(byStatus.contains(QLatin1String(key)), key);
    QCOMPARE(byStatus[QLatin1String("2xx")].toInteger(), 1);
    QCOMPARE(byStatus[QLatin1String("4xx")].toInteger(), 1);

    const QJsonObject bytes = o[QLatin1String("bytes")].toObject();
    QVERIFY(bytes[QLatin1String("in")].toInteger() > 0);
    QVERIFY(bytes[QLatin1String("out")].toInteger() > 0);
    QVERIFY(bytes[QLatin1String("queued_out")].isDouble());
    QCOMPARE(o[QLatin1String("protocol_errors")].toInteger(-1), 0);
    QVERIFY(!o.contains(QLatin1String("active_requests")));
}

void tst_EngineHandlers::statusFullListsActiveRequests_data()
{
    addTransportRows();
}

void tst_EngineHandlers::statusFullListsActiveRequests()
{
    QFETCH(QString, transport);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *holder = server.connectClient();
    FcgiClient *viewer = server.connectClient();
    QVERIFY(holder && viewer);

    const quint16 first = sendGet(*holder, "/delay?ms=60000", 0x1234);
    const quint16 second = sendGet(*holder, "/delay?ms=60001", 0x7001);
    QJsonObject status;
    QJsonArray active;
    // Two on the holder's connection, and the /status request itself, all with their params.
    const auto listed = [&] {
        status = fetchStatus(*viewer, "/status?full=1");
        active = status[QLatin1String("active_requests")].toArray();
        for (const QJsonValue &entry : std::as_const(active)) {
            if (entry.toObject()[QLatin1String("uri")].toString().isEmpty())
                return false;
        }
        return active.size() == 3;
    };
    QTRY_VERIFY(listed());

    QHash<int, QJsonObject> byRequestId;
    QJsonObject self;
    for (const QJsonValue &value : std::as_const(active)) {
        const QJsonObject entry = value.toObject();
        if (entry[QLatin1String("uri")].toString() == QLatin1String("/status?full=1"))
            self = entry;
        else
            byRequestId.insert(entry[QLatin1String("request_id")].toInt(), entry);
    }
    QVERIFY(!self.isEmpty());
    QVERIFY(byRequestId.contains(0x1234));
    QVERIFY(byRequestId.contains(0x7001));
    const QJsonObject a = byRequestId.value(0x1234);
    const QJsonObject b = byRequestId.value(0x7001);
    QCOMPARE(a[QLatin1String("uri")].toString(), QStringLiteral("/delay?ms=60000"));
    QCOMPARE(b[QLatin1String("uri")].toString(), QStringLiteral("/delay?ms=60001"));
    QCOMPARE(a[QLatin1String("method")].toString(), QStringLiteral("GET"));
    QCOMPARE(a[QLatin1String("role")].toString(), QStringLiteral("RESPONDER"));
    QVERIFY(a[QLatin1String("age_ms")].isDouble());
    QVERIFY(a[QLatin1String("age_ms")].toInteger(-1) >= 0);
    QVERIFY(!a[QLatin1String("peer")].toString().isEmpty());
    // Connection ids: the two delays share one, the /status request has another.
    const qint64 holderConnection = a[QLatin1String("connection_id")].toInteger(-1);
    const qint64 viewerConnection = self[QLatin1String("connection_id")].toInteger(-1);
    QVERIFY(holderConnection > 0);
    QVERIFY(viewerConnection > 0);
    QCOMPARE(b[QLatin1String("connection_id")].toInteger(), holderConnection);
    QVERIFY(viewerConnection != holderConnection);

    QHash<qint64, int> inFlight;
    for (const QJsonValue &value : status[QLatin1String("connections_in_use")].toArray()) {
        const QJsonObject entry = value.toObject();
        inFlight.insert(entry[QLatin1String("connection_id")].toInteger(),
                        entry[QLatin1String("requests_in_flight")].toInt());
    }
    QCOMPARE(inFlight.value(holderConnection), 2);
    QCOMPARE(inFlight.value(viewerConnection), 1);

    holder->abortRequest(first);
    holder->abortRequest(second);
    QVERIFY(waitEnded(*holder, first));
    QVERIFY(waitEnded(*holder, second));
}

void tst_EngineHandlers::routing_data()
{
    QTest::addColumn<QByteArray>("requestUri");
    QTest::addColumn<QByteArray>("scriptName");
    QTest::addColumn<QByteArray>("pathInfo");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    const QByteArray hello = "Hello world\n";
    const QByteArray notFound; // any short text
    QTest::newRow("hello") << QByteArray("/hello") << QByteArray() << QByteArray() << 200 << hello;
    QTest::newRow("query-removed") << QByteArray("/hello?x=1&y=/nope") << QByteArray() << QByteArray() << 200 << hello;
    QTest::newRow("below-the-prefix") << QByteArray("/hello/more") << QByteArray() << QByteArray() << 200 << hello;
    QTest::newRow("percent-decoded") << QByteArray("/%68ello") << QByteArray() << QByteArray() << 200 << hello;
    QTest::newRow("unknown") << QByteArray("/nope") << QByteArray() << QByteArray() << 404 << notFound;
    QTest::newRow("whole-segments-only") << QByteArray("/echoes") << QByteArray() << QByteArray() << 404 << notFound;
    QTest::newRow("root") << QByteArray("/") << QByteArray() << QByteArray() << 404 << notFound;
    QTest::newRow("path-in-query") << QByteArray("/nope?/hello") << QByteArray() << QByteArray() << 404 << notFound;
    QTest::newRow("script-name-and-path-info") << QByteArray() << QByteArray("/hello") << QByteArray("/x") << 200 << hello;
    QTest::newRow("script-name-unknown") << QByteArray() << QByteArray("/app") << QByteArray("/hello") << 404 << notFound;
    QTest::newRow("request-uri-first") << QByteArray("/hello") << QByteArray("/nope") << QByteArray() << 200 << hello;
}

void tst_EngineHandlers::routing()
{
    QFETCH(QByteArray, requestUri);
    QFETCH(QByteArray, scriptName);
    QFETCH(QByteArray, pathInfo);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    TestServer server(QStringLiteral("tcp"));
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);

    NameValueList params = {{"REQUEST_METHOD", "GET"}};
    if (!requestUri.isEmpty())
        params.append({"REQUEST_URI", requestUri});
    if (!scriptName.isEmpty())
        params.append({"SCRIPT_NAME", scriptName});
    if (!pathInfo.isEmpty())
        params.append({"PATH_INFO", pathInfo});
    const quint16 id = client->beginRequest(params);
    client->sendStdin(id, {});
    QVERIFY(waitEnded(*client, id));
    const auto cgi = parse(client->response(id));
    QVERIFY(cgi);
    QCOMPARE(cgi->status, status);
    QCOMPARE(cgi->header("Content-Type"), QByteArray("text/plain"));
    if (!body.isEmpty())
        QCOMPARE(cgi->body, body);
    else
        QVERIFY(!cgi->body.isEmpty());
}

void tst_EngineHandlers::delayBadMs_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<int>("status");
    QTest::newRow("negative") << QByteArray("ms=-1") << 400;
    QTest::newRow("not-a-number") << QByteArray("ms=abc") << 400;
    QTest::newRow("above-600000") << QByteArray("ms=600001") << 400;
    QTest::newRow("huge") << QByteArray("ms=99999999999999999999") << 400;
    QTest::newRow("fraction") << QByteArray("ms=1.5") << 400;
    QTest::newRow("empty") << QByteArray("ms=") << 400;
    QTest::newRow("missing") << QByteArray() << 400;
    QTest::newRow("zero") << QByteArray("ms=0") << 200;
    QTest::newRow("five") << QByteArray("ms=5") << 200;
}

void tst_EngineHandlers::delayBadMs()
{
    QFETCH(QByteArray, query);
    QFETCH(int, status);
    TestServer server(QStringLiteral("tcp"));
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);

    const quint16 id = sendGet(*client, "/delay?" + query);
    QVERIFY(waitEnded(*client, id));
    const auto cgi = parse(client->response(id));
    QVERIFY(cgi);
    QCOMPARE(cgi->status, status);
    QCOMPARE(cgi->header("Content-Type"), QByteArray("text/plain"));
    QVERIFY(!cgi->body.isEmpty());
}

void tst_EngineHandlers::streamLinesAreSeparateRecords_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("intervalMs");
    QTest::addColumn<bool>("sse");
    QTest::newRow("lines-tcp") << QStringLiteral("tcp") << 5 << 40 << false;
    QTest::newRow("lines-unix") << QStringLiteral("unix") << 5 << 40 << false;
    QTest::newRow("sse-tcp") << QStringLiteral("tcp") << 5 << 40 << true;
    QTest::newRow("no-interval") << QStringLiteral("tcp") << 50 << 0 << false;
}

void tst_EngineHandlers::streamLinesAreSeparateRecords()
{
    QFETCH(QString, transport);
    QFETCH(int, count);
    QFETCH(int, intervalMs);
    QFETCH(bool, sse);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);

    QList<QByteArray> records;
    QList<qint64> arrivals;
    QElapsedTimer timer;
    QObject context;
    connect(client, &FcgiClient::stdoutReceived, &context, [&](quint16, const QByteArray &data) {
        records.append(data);
        arrivals.append(timer.elapsed());
    });
    timer.start();
    QByteArray uri = "/stream?count=" + QByteArray::number(count) + "&interval_ms="
                     + QByteArray::number(intervalMs);
    if (sse)
        uri += "&sse=1";
    const quint16 id = sendGet(*client, uri);
    QVERIFY(waitEnded(*client, id, 10000));

    const auto line = [sse](int n) {
        const QByteArray number = QByteArray::number(n);
        return sse ? "data: line " + number + "\n\n" : "line " + number + '\n';
    };
    QCOMPARE(records.size(), count);
    const auto head = parseCgiResponse(records.first()); // the headers share the first record
    QVERIFY(head);
    QCOMPARE(head->status, 200);
    QCOMPARE(head->header("Content-Type"),
             sse ? QByteArray("text/event-stream") : QByteArray("text/plain"));
    QCOMPARE(head->body, line(1));
    for (int i = 1; i < count; ++i)
        QCOMPARE(records.at(i), line(i + 1));
    if (intervalMs > 0) {
        const qint64 spread = arrivals.last() - arrivals.first();
        QVERIFY2(spread >= (count - 1) * intervalMs * 3 / 4, qPrintable(QString::number(spread)));
    }
}

QTEST_GUILESS_MAIN(tst_EngineHandlers)
#include "tst_engine_handlers.moc"
