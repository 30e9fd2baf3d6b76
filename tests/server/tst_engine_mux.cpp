// The engine in-process, driven by real client sockets over TCP and over a Unix socket: many
// requests in flight on one connection, request ids reused, requests that wait behind the limit
// or on a slow handler, and what a client's disconnect does to its requests.
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

class tst_EngineMux : public EngineTestCase
{
    Q_OBJECT
private Q_SLOTS:
    void thousandInterleavedRequests_data();
    void thousandInterleavedRequests();
    void requestIdsReused_data();
    void requestIdsReused();
    void requestIdPatterns_data();
    void requestIdPatterns();
    void overloaded_data();
    void overloaded();
    void burstWaitsWithinRequestQueue();
    void delayDoesNotHoldBackLaterRequests_data();
    void delayDoesNotHoldBackLaterRequests();
    void clientDisconnectAbortsItsRequests_data();
    void clientDisconnectAbortsItsRequests();
    void refusedPeersDoNotUseUpMaxConns();
};

void tst_EngineMux::thousandInterleavedRequests_data()
{
    addTransportRows();
}

void tst_EngineMux::thousandInterleavedRequests()
{
    QFETCH(QString, transport);
    constexpr int kRequests = 1000;
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    QSignalSpy clientErrors(client, &FcgiClient::protocolError);

    QHash<quint16, int> endings;
    QObject context;
    connect(client, &FcgiClient::requestEnded, &context,
            [&endings](quint16 id) { ++endings[id]; });

    struct Expected
    {
        quint16 id = 0;
        bool echo = false;
        QByteArray body;
    };
    std::vector<Expected> expected;
    expected.reserve(kRequests);
    // Every BEGIN and PARAMS first, so that all requests are in flight together...
    for (int i = 0; i < kRequests; ++i) {
        Expected e;
        e.echo = i % 3 != 0;
        if (e.echo) {
            e.body = echoBody(i);
            e.id = client->beginRequest(FcgiClient::requestParams("POST", "/echo", e.body.size(),
                                                                  "application/x-test"));
        } else {
            e.body = "Hello world\n";
            e.id = client->beginRequest(
                FcgiClient::requestParams("GET", "/hello?i=" + QByteArray::number(i)));
        }
        QVERIFY(e.id != 0);
        expected.push_back(std::move(e));
    }
    // ...then STDIN in three rounds that each touch every request, so records interleave...
    for (int round = 0; round < 3; ++round) {
        for (const Expected &e : expected) {
            if (!e.echo) {
                if (round == 1)
                    client->sendStdin(e.id, {});
                continue;
            }
            const qsizetype third = e.body.size() / 3;
            const qsizetype from = round * third;
            const qsizetype to = round == 2 ? e.body.size() : from + third;
            client->sendStdin(e.id, QByteArrayView(e.body).sliced(from, to - from));
        }
    }
    // ...and the ends of the bodies in reverse order.
    for (auto it = expected.rbegin(); it != expected.rend(); ++it) {
        if (it->echo)
            client->sendStdin(it->id, {});
    }

    QVERIFY(waitFor([&] { return endings.size() == kRequests; }, 30000));
    for (const Expected &e : expected) {
        QCOMPARE(endings.value(e.id), 1);
        const FcgiClient::Response response = client->response(e.id);
        QCOMPARE(response.protocolStatus, ProtocolStatus::RequestComplete);
        QCOMPARE(response.appStatus, 0u);
        QVERIFY(response.outClosed);
        const auto cgi = parse(response);
        QVERIFY(cgi);
        QCOMPARE(cgi->status, 200);
        QCOMPARE(cgi->header("Content-Type"),
                 e.echo ? QByteArray("application/x-test") : QByteArray("text/plain"));
        QCOMPARE(cgi->body.size(), e.body.size());
        QVERIFY2(cgi->body == e.body, qPrintable(QStringLiteral("request %1").arg(e.id)));
    }
    QCOMPARE(clientErrors.count(), 0);
    QTRY_COMPARE(server.counters().requestsActive, 0);
}

void tst_EngineMux::requestIdsReused_data()
{
    addTransportRows();
}

void tst_EngineMux::requestIdsReused()
{
    QFETCH(QString, transport);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    QSignalSpy clientErrors(client, &FcgiClient::protocolError);

    // Id 2 stays busy throughout: reusing id 1 must not disturb it.
    const quint16 held = sendGet(*client, "/delay?ms=60000", 2);
    for (int round = 0; round < 20; ++round) {
        const bool echo = round % 2 == 1;
        const QByteArray body = "round " + QByteArray::number(round);
        const quint16 id = echo ? sendPost(*client, "/echo", body, 1) : sendGet(*client, "/hello", 1);
        QCOMPARE(id, quint16(1));
        QVERIFY(waitEnded(*client, 1));
        const auto cgi = parse(client->takeResponse(1));
        QVERIFY(cgi);
        QCOMPARE(cgi->status, 200);
        QCOMPARE(cgi->body, echo ? body : QByteArray("Hello world\n"));
    }
    QVERIFY(!client->response(held).ended);
    client->abortRequest(held);
    QVERIFY(waitEnded(*client, held));
    QCOMPARE(clientErrors.count(), 0);
}

void tst_EngineMux::requestIdPatterns_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QList<quint16>>("ids");
    QTest::addColumn<int>("window"); // requests in flight at once

    // HAProxy: odd ids, increasing up to 0x7FFF, then round again.
    QList<quint16> haproxy;
    for (int id = 1; id <= 0x7FFF; id += 2)
        haproxy.append(quint16(id));
    haproxy << 1 << 3 << 5;
    // nginx: always 1, one request at a time.
    const QList<quint16> nginx(300, 1);
    const QList<quint16> extremes = {0xFFFF, 0x8000, 0x7FFF, 0x0100, 0x00FF, 2, 1};

    QTest::newRow("haproxy-tcp") << QStringLiteral("tcp") << haproxy << 32;
    QTest::newRow("haproxy-unix") << QStringLiteral("unix") << haproxy << 32;
    QTest::newRow("nginx-tcp") << QStringLiteral("tcp") << nginx << 1;
    QTest::newRow("nginx-unix") << QStringLiteral("unix") << nginx << 1;
    QTest::newRow("extremes-tcp") << QStringLiteral("tcp") << extremes << int(extremes.size());
}

void tst_EngineMux::requestIdPatterns()
{
    QFETCH(QString, transport);
    QFETCH(QList<quint16>, ids);
    QFETCH(int, window);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    QSignalSpy clientErrors(client, &FcgiClient::protocolError);

    QHash<quint16, QByteArray> bodies; // expected echo of the request in flight on each id
    QStringList failures;
    qsizetype next = 0;
    qsizetype done = 0;
    const auto issue = [&] {
        const quint16 id = ids.at(next);
        const QByteArray body = "id " + QByteArray::number(id) + " #" + QByteArray::number(next);
        bodies.insert(id, body);
        ++next;
        QCOMPARE(sendPost(*client, "/echo", body, id), id);
    };
    QObject context;
    connect(client, &FcgiClient::requestEnded, &context,
            [&](quint16 id, quint32, ProtocolStatus status) {
                const auto cgi = parse(client->takeResponse(id));
                if (status != ProtocolStatus::RequestComplete || !cgi || cgi->body != bodies.value(id))
                    failures.append(QStringLiteral("id %1").arg(id));
                ++done;
                if (next < ids.size())
                    issue();
            });
    while (next < qMin<qsizetype>(window, ids.size()))
        issue();
    QVERIFY(waitFor([&] { return done == ids.size(); }, 30000));
    QVERIFY2(failures.isEmpty(), qPrintable(failures.mid(0, 10).join(QLatin1String(", "))));
    QCOMPARE(clientErrors.count(), 0);
}

void tst_EngineMux::overloaded_data()
{
    addTransportRows();
}

void tst_EngineMux::overloaded()
{
    QFETCH(QString, transport);
    ServerConfig config = defaultConfig();
    config.maxRequestsPerConn = 4;
    TestServer server(transport, config);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);

    QList<quint16> ids;
    for (int i = 0; i < 4; ++i)
        ids.append(sendGet(*client, "/delay?ms=300"));
    QTRY_COMPARE(server.counters().requestsActive, 4);

    EngineLog::expect(QRegularExpression(QStringLiteral("requests in flight: OVERLOADED")));
    const quint16 extra = sendGet(*client, "/hello");
    QVERIFY(waitEnded(*client, extra, 2000));
    QCOMPARE(client->response(extra).protocolStatus, ProtocolStatus::Overloaded);
    QVERIFY(client->response(extra).out.isEmpty());
    for (quint16 id : std::as_const(ids))
        QVERIFY(!client->response(id).ended);

    for (quint16 id : std::as_const(ids)) {
        QVERIFY(waitEnded(*client, id));
        QCOMPARE(client->response(id).protocolStatus, ProtocolStatus::RequestComplete);
        QCOMPARE(parse(client->response(id))->body, QByteArray("delayed 300 ms\n"));
    }
    // Room again once they are done.
    const quint16 after = sendGet(*client, "/hello");
    QVERIFY(waitEnded(*client, after));
    QCOMPARE(client->response(after).protocolStatus, ProtocolStatus::RequestComplete);
}

void tst_EngineMux::burstWaitsWithinRequestQueue()
{
    // HAProxy may send more than FCGI_MAX_REQS before it has read it: with --request-queue
    // those wait for a slot instead of being refused; only past the queue comes OVERLOADED.
    ServerConfig config = defaultConfig();
    config.maxRequestsPerConn = 2;
    config.requestQueue = 3;
    TestServer server(QStringLiteral("tcp"), config);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);

    QList<quint16> ids;
    for (int i = 0; i < 5; ++i)
        ids.append(sendGet(*client, "/delay?ms=300"));
    QTRY_COMPARE(server.counters().requestsActive, 5);
    EngineLog::expect(QRegularExpression(QStringLiteral("requests in flight: OVERLOADED")));
    const quint16 extra = sendGet(*client, "/hello");
    QVERIFY(waitEnded(*client, extra, 2000));
    QCOMPARE(client->response(extra).protocolStatus, ProtocolStatus::Overloaded);

    QElapsedTimer clock;
    clock.start();
    for (quint16 id : std::as_const(ids)) {
        QVERIFY(waitEnded(*client, id));
        QCOMPARE(client->response(id).protocolStatus, ProtocolStatus::RequestComplete);
        QCOMPARE(parse(client->response(id))->body, QByteArray("delayed 300 ms\n"));
    }
    // Two at a time: the last of five waited for two rounds before its own 300 ms.
    QVERIFY2(clock.elapsed() >= 500, qPrintable(QString::number(clock.elapsed())));
}

void tst_EngineMux::delayDoesNotHoldBackLaterRequests_data()
{
    addTransportRows();
}

void tst_EngineMux::delayDoesNotHoldBackLaterRequests()
{
    QFETCH(QString, transport);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);

    QElapsedTimer timer;
    timer.start();
    const quint16 slow = sendGet(*client, "/delay?ms=2000");
    const quint16 fast = sendGet(*client, "/hello");
    QVERIFY(waitEnded(*client, fast));
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!client->response(slow).ended);
    QCOMPARE(parse(client->response(fast))->body, QByteArray("Hello world\n"));

    QVERIFY(waitEnded(*client, slow, 10000));
    QVERIFY2(timer.elapsed() >= 1990, qPrintable(QString::number(timer.elapsed())));
    const auto cgi = parse(client->response(slow));
    QVERIFY(cgi);
    QCOMPARE(cgi->status, 200);
    QCOMPARE(cgi->body, QByteArray("delayed 2000 ms\n"));
}

void tst_EngineMux::clientDisconnectAbortsItsRequests_data()
{
    addTransportRows();
}

void tst_EngineMux::clientDisconnectAbortsItsRequests()
{
    QFETCH(QString, transport);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    const qint64 abortedBefore = server.counters().aborted;

    sendGet(*client, "/delay?ms=60000");
    sendGet(*client, "/delay?ms=60000");
    const quint16 stream = sendGet(*client, "/stream?count=1000000&interval_ms=100");
    const quint16 upload = client->beginRequest(
        FcgiClient::requestParams("POST", "/echo", 1000000, "application/octet-stream"));
    client->sendStdin(upload, QByteArray(1000, 'u')); // and the rest never comes
    QTRY_COMPARE(server.counters().requestsActive, 4);
    QTRY_VERIFY(!client->response(stream).out.isEmpty());

    server.dropClient(client);
    QTRY_COMPARE(server.counters().requestsActive, 0);
    QCOMPARE(server.counters().aborted - abortedBefore, 4);

    FcgiClient *viewer = server.connectClient();
    QVERIFY(viewer);
    const QJsonObject requests = fetchStatus(*viewer)[QLatin1String("requests")].toObject();
    QCOMPARE(requests[QLatin1String("aborted")].toInteger(), abortedBefore + 4);
    QCOMPARE(requests[QLatin1String("active")].toInteger(), 1); // the /status request itself
}

// --max-conns counts open connections; a TCP peer refused by --allow never was one. With room
// for one connection, refused peers must not keep a Unix-socket client waiting.
void tst_EngineMux::refusedPeersDoNotUseUpMaxConns()
{
    ServerConfig config = defaultConfig();
    config.maxConns = 1;
    config.allow = *AccessList::parse(QStringLiteral("10.0.0.0/8"));
    TestServer server(QStringLiteral("tcp+unix"), config);
    QVERIFY(server.start());

    EngineLog::expect(QRegularExpression(QStringLiteral("refused 127\\.0\\.0\\.1 on .*not an allowed address")));
    // Each of them is at the limit for a moment, until the worker has refused it.
    EngineLog::expect(QRegularExpression(QStringLiteral("1 connections open, the limit: not accepting")));
    for (int i = 0; i < 3; ++i) {
        FcgiClient *refused = server.connectClient(0);
        QVERIFY(refused);
        QSignalSpy gone(refused, &FcgiClient::disconnected);
        QVERIFY(gone.wait(5000));
        server.dropClient(refused);
    }
    FcgiClient *local = server.connectClient(1);
    QVERIFY(local);
    const quint16 id = sendGet(*local, "/hello");
    QVERIFY(waitEnded(*local, id));
    QCOMPARE(parse(local->response(id))->body, QByteArray("Hello world\n"));
}

QTEST_GUILESS_MAIN(tst_EngineMux)
#include "tst_engine_mux.moc"
