// Limits and timeouts with short configured values, against an in-process engine: each answer
// is the documented one, logged once, and the connection (or the server) carries on.
#include "enginetestsupport.h"
#include "recordencoder.h"

#include <QTcpSocket>
#include <QTest>

using namespace afcgi;
using namespace enginetest;

class tst_Limits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { EngineLog::install(); }
    void cleanupTestCase() { EngineLog::uninstall(); }
    void init()
    {
        EngineLog::reset();
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    }
    void cleanup()
    {
        const QStringList problems = EngineLog::problems();
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }

    void ipv6Listener();
    void paramsTooLarge();
    void bodyTooLarge_data();
    void bodyTooLarge();
    void requestTimeout_data();
    void requestTimeout();
    void idleConnectionIsClosed();
    void slowSenderIsClosed();
    void steadyBodyReadMidRecordIsKept();
};

void tst_Limits::ipv6Listener()
{
    TestServer server(QStringLiteral("tcp6"));
    QVERIFY(server.start());
    QVERIFY(server.listenerName().startsWith(QLatin1String("[::1]:")));
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    const quint16 id = sendGet(*client, "/hello");
    QVERIFY(waitEnded(*client, id));
    QCOMPARE(parse(client->response(id))->body, QByteArray("Hello world\n"));
}

void tst_Limits::paramsTooLarge()
{
    ServerConfig config = defaultConfig();
    config.maxParamsBytes = 1024;
    TestServer server(QStringLiteral("tcp"), config);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    EngineLog::expect(QRegularExpression(QStringLiteral("params larger than 1024 bytes: 431")));
    NameValueList params = FcgiClient::requestParams("GET", "/hello");
    params.append({"HTTP_COOKIE", QByteArray(4000, 'c')});
    const quint16 big = client->beginRequest(params);
    client->sendStdin(big, {});
    QVERIFY(waitEnded(*client, big));
    QCOMPARE(parse(client->response(big))->status, 431);
    // The same connection still serves.
    const quint16 next = sendGet(*client, "/hello");
    QVERIFY(waitEnded(*client, next));
    QCOMPARE(parse(client->response(next))->status, 200);
}

void tst_Limits::bodyTooLarge_data()
{
    QTest::addColumn<bool>("announced");
    QTest::newRow("content-length-up-front") << true;
    QTest::newRow("counted-while-streaming") << false;
}

void tst_Limits::bodyTooLarge()
{
    QFETCH(bool, announced);
    ServerConfig config = defaultConfig();
    config.maxBodyBytes = 10000;
    TestServer server(QStringLiteral("tcp"), config);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    EngineLog::expect(QRegularExpression(announced ? QStringLiteral("CONTENT_LENGTH 50000 over the limit")
                                                   : QStringLiteral("body larger than 10000 bytes")));
    const quint16 id = client->beginRequest(
        FcgiClient::requestParams("POST", "/echo", announced ? 50000 : -1, "application/octet-stream"));
    for (int i = 0; i < 5; ++i)
        client->sendStdin(id, QByteArray(10000, 'b'));
    client->sendStdin(id, {});
    QVERIFY(waitEnded(*client, id));
    QCOMPARE(parse(client->response(id))->status, 413);
    // The rest of that body was read and dropped: the connection serves the next request.
    const quint16 next = sendGet(*client, "/hello");
    QVERIFY(waitEnded(*client, next));
    QCOMPARE(parse(client->response(next))->body, QByteArray("Hello world\n"));
}

void tst_Limits::requestTimeout_data()
{
    QTest::addColumn<QByteArray>("uri");
    QTest::addColumn<int>("status");      // 504 when nothing was sent yet
    QTest::addColumn<bool>("partialBody");
    QTest::newRow("nothing-sent-504") << QByteArray("/delay?ms=5000") << 504 << false;
    QTest::newRow("streaming-ended") << QByteArray("/stream?count=100&interval_ms=100") << 200 << true;
}

void tst_Limits::requestTimeout()
{
    QFETCH(QByteArray, uri);
    QFETCH(int, status);
    QFETCH(bool, partialBody);
    ServerConfig config = defaultConfig();
    config.requestTimeoutMs = 300;
    TestServer server(QStringLiteral("tcp"), config);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    EngineLog::expect(QRegularExpression(QStringLiteral("ran past the request timeout of 300 ms")));
    QElapsedTimer clock;
    clock.start();
    const quint16 id = sendGet(*client, uri);
    QVERIFY(waitEnded(*client, id, 3000));
    QVERIFY(clock.elapsed() < 2500);
    const auto response = parse(client->response(id));
    QVERIFY(response);
    QCOMPARE(response->status, status);
    if (partialBody) {
        QVERIFY(response->body.startsWith("line 1\n"));
        QVERIFY(!response->body.contains("line 100\n"));
        QCOMPARE(client->response(id).appStatus, 1u);
    }
}

void tst_Limits::idleConnectionIsClosed()
{
    ServerConfig config = defaultConfig();
    config.idleTimeoutMs = 200;
    TestServer server(QStringLiteral("tcp"), config);
    QVERIFY(server.start());
    QTcpSocket idle;
    idle.connectToHost(QHostAddress::LocalHost, server.engine().tcpPort());
    QVERIFY(idle.waitForConnected(2000));
    QVERIFY(waitFor([&] { return server.counters().connectionsOpen == 1; }, 2000));
    QVERIFY(waitFor([&] { return idle.state() == QAbstractSocket::UnconnectedState; }, 3000));
    QCOMPARE(server.counters().protocolErrors, 0);
}

void tst_Limits::slowSenderIsClosed()
{
    // A slow-loris: a header that never completes. Closed past --record-timeout, and logged.
    ServerConfig config = defaultConfig();
    config.recordTimeoutMs = 200;
    TestServer server(QStringLiteral("tcp"), config);
    QVERIFY(server.start());
    EngineLog::expect(QRegularExpression(QStringLiteral("record stayed incomplete for over 200 ms")));
    QTcpSocket loris;
    loris.connectToHost(QHostAddress::LocalHost, server.engine().tcpPort());
    QVERIFY(loris.waitForConnected(2000));
    loris.write(QByteArray("\x01\x01\x00\x01\x00", 5));
    QVERIFY(waitFor([&] { return loris.state() == QAbstractSocket::UnconnectedState; }, 3000));
    QCOMPARE(server.counters().protocolErrors, 1);
    // Others are still served.
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    const quint16 id = sendGet(*client, "/hello");
    QVERIFY(waitEnded(*client, id));
}

void tst_Limits::steadyBodyReadMidRecordIsKept()
{
    // A body that keeps flowing, in records that every read cuts in the middle, for several
    // times the record timeout: each record completes within it, so nothing is a slow sender.
    ServerConfig config = defaultConfig();
    config.recordTimeoutMs = 200;
    TestServer server(QStringLiteral("tcp"), config);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    constexpr int kRecords = 40;
    constexpr qsizetype kRecordBytes = 1000;
    const quint16 id = client->beginRequest(FcgiClient::requestParams("POST", "/echo", kRecords * kRecordBytes));
    QByteArray stream;
    for (int i = 0; i < kRecords; ++i)
        stream += encodeRecord(RecordType::Stdin, id, QByteArray(kRecordBytes, char('a' + i % 26)));
    stream += encodeStreamEnd(RecordType::Stdin, id);
    // Pieces of 1.5 records, one every 25 ms: about 700 ms, every read ending mid-record.
    constexpr qsizetype kPieceBytes = 1500;
    for (qsizetype at = 0; at < stream.size(); at += kPieceBytes) {
        client->sendRaw(QByteArrayView(stream).sliced(at, qMin(kPieceBytes, stream.size() - at)));
        QTest::qWait(25); // the pace of the sender is what is tested
        QVERIFY(client->isConnected());
    }
    QVERIFY(waitEnded(*client, id));
    const auto response = parse(client->response(id));
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->body.size(), kRecords * kRecordBytes);
    QCOMPARE(server.counters().protocolErrors, 0);
}

QTEST_GUILESS_MAIN(tst_Limits)
#include "tst_limits.moc"
