// The engine in-process, driven by real client sockets over TCP and over a Unix socket:
// multiplexing, FastCGI 1.0 semantics, malformed input, and the built-in handlers' contract.
// Expected engine warnings are declared with EngineLog::expect (see enginetestsupport.h).
#include "enginetestsupport.h"
#include "fixtures.h"
#include "handler.h"
#include "recorddecoder.h"
#include "recordencoder.h"
#include "request.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>

using namespace afcgi;
using namespace enginetest;

namespace {

// /stderr: a line on STDERR, a short body, appStatus 3.
class StderrHandler final : public Handler
{
public:
    void handle(Request *request) override
    {
        request->writeStderr("stderr line\n");
        request->setStatus(200);
        request->setHeader("Content-Type", "text/plain");
        request->write("out\n");
        request->end(3);
    }
};

// /authz: an AUTHORIZER that lets everyone in as alice (and refuses the RESPONDER role).
class AuthorizerHandler final : public Handler
{
public:
    void handle(Request *request) override
    {
        request->setHeader("Variable-AUTH_USER", "alice");
        request->respond(200, "text/plain", {});
    }
    bool supportsRole(Role role) const override { return role == Role::Authorizer; }
};

void mountTestHandlers(TestServer &server)
{
    server.engine().router().mount(QStringLiteral("/stderr"), std::make_shared<StderrHandler>());
    server.engine().router().mount(QStringLiteral("/authz"), std::make_shared<AuthorizerHandler>());
}

void addTransportRows()
{
    QTest::addColumn<QString>("transport");
    QTest::newRow("tcp") << QStringLiteral("tcp");
    QTest::newRow("unix") << QStringLiteral("unix");
}

// A body that names its request, so that a response given to the wrong request shows.
QByteArray echoBody(int index)
{
    const QByteArray unit = '<' + QByteArray::number(index) + '>';
    const qsizetype size = index % 97 == 1 ? 150000 : 16 + (qsizetype(index) * 7919) % 20000;
    QByteArray body;
    body.reserve(size + unit.size());
    while (body.size() < size)
        body += unit;
    body.truncate(size);
    return body;
}

QRegularExpression protocolErrorWarning(const QString &reason)
{
    return QRegularExpression(QStringLiteral("^afcgi\\.server\\.conn: conn \\d+ \\S+ closed: protocol error: ")
                              + QRegularExpression::escape(reason));
}

} // namespace

class tst_Engine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();

    void thousandInterleavedRequests_data();
    void thousandInterleavedRequests();
    void requestIdsReused_data();
    void requestIdsReused();
    void requestIdPatterns_data();
    void requestIdPatterns();
    void abortRequest_data();
    void abortRequest();
    void keepConn_data();
    void keepConn();
    void keepConnOffWithoutHandler_data();
    void keepConnOffWithoutHandler();
    void getValues_data();
    void getValues();
    void unknownManagementType_data();
    void unknownManagementType();
    void unknownRole_data();
    void unknownRole();
    void roles_data();
    void roles();
    void duplicateBeginClosesOnlyThatConnection_data();
    void duplicateBeginClosesOnlyThatConnection();
    void recordsBeforeBeginIgnored_data();
    void recordsBeforeBeginIgnored();
    void overloaded_data();
    void overloaded();
    void burstWaitsWithinRequestQueue();
    void malformedInputClosesOnlyItsConnection_data();
    void malformedInputClosesOnlyItsConnection();
    void delayDoesNotHoldBackLaterRequests_data();
    void delayDoesNotHoldBackLaterRequests();
    void streamsEndBeforeEndRequest_data();
    void streamsEndBeforeEndRequest();
    void recordOrderOnTheWire_data();
    void recordOrderOnTheWire();
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
    void clientDisconnectAbortsItsRequests_data();
    void clientDisconnectAbortsItsRequests();
    void refusedPeersDoNotUseUpMaxConns();
};

void tst_Engine::initTestCase()
{
    EngineLog::install();
}

void tst_Engine::cleanupTestCase()
{
    EngineLog::uninstall();
}

void tst_Engine::init()
{
    EngineLog::reset();
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
}

void tst_Engine::cleanup()
{
    const QStringList problems = EngineLog::problems();
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
}

// --- multiplexing --------------------------------------------------------------------------

void tst_Engine::thousandInterleavedRequests_data()
{
    addTransportRows();
}

void tst_Engine::thousandInterleavedRequests()
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

void tst_Engine::requestIdsReused_data()
{
    addTransportRows();
}

void tst_Engine::requestIdsReused()
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

void tst_Engine::requestIdPatterns_data()
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

void tst_Engine::requestIdPatterns()
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

// --- FastCGI 1.0 semantics -----------------------------------------------------------------

void tst_Engine::abortRequest_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QByteArray>("uri");
    QTest::newRow("delay-tcp") << QStringLiteral("tcp") << QByteArray("/delay?ms=60000");
    QTest::newRow("delay-unix") << QStringLiteral("unix") << QByteArray("/delay?ms=60000");
    // A response already pouring out: its queued output is dropped, nothing follows END_REQUEST.
    QTest::newRow("stream-tcp") << QStringLiteral("tcp") << QByteArray("/stream?count=10000000");
}

void tst_Engine::abortRequest()
{
    QFETCH(QString, transport);
    QFETCH(QByteArray, uri);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    QSignalSpy clientErrors(client, &FcgiClient::protocolError);
    const qint64 aborted = server.counters().aborted;

    const quint16 doomed = sendGet(*client, uri);
    const quint16 other = sendGet(*client, "/delay?ms=300");
    QTRY_COMPARE(server.counters().requestsActive, 2);
    if (uri.startsWith("/stream"))
        QTRY_VERIFY(client->response(doomed).out.size() > 100000);

    QElapsedTimer timer;
    timer.start();
    client->abortRequest(doomed);
    QVERIFY(waitEnded(*client, doomed, 2000));
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(client->response(doomed).protocolStatus, ProtocolStatus::RequestComplete);
    QVERIFY(!client->response(other).ended);

    QVERIFY(waitEnded(*client, other));
    const auto cgi = parse(client->response(other));
    QVERIFY(cgi);
    QCOMPARE(cgi->status, 200);
    QCOMPARE(cgi->body, QByteArray("delayed 300 ms\n"));
    QCOMPARE(server.counters().aborted - aborted, 1);
    QCOMPARE(clientErrors.count(), 0); // e.g. STDOUT after END_REQUEST
    QTRY_COMPARE(server.counters().requestsActive, 0);
}

void tst_Engine::keepConn_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<bool>("keep");
    QTest::newRow("on-tcp") << QStringLiteral("tcp") << true;
    QTest::newRow("on-unix") << QStringLiteral("unix") << true;
    QTest::newRow("off-tcp") << QStringLiteral("tcp") << false;
    QTest::newRow("off-unix") << QStringLiteral("unix") << false;
}

void tst_Engine::keepConn()
{
    QFETCH(QString, transport);
    QFETCH(bool, keep);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    QSignalSpy gone(client, &FcgiClient::disconnected);

    const quint16 id = sendGet(*client, "/delay?ms=20", 0, keep);
    QVERIFY(waitEnded(*client, id));
    const auto cgi = parse(client->response(id));
    QVERIFY(cgi);
    QCOMPARE(cgi->status, 200);
    if (!keep) {
        // Without FCGI_KEEP_CONN the application closes the connection after END_REQUEST.
        QTRY_COMPARE(gone.count(), 1);
        QVERIFY(!client->isConnected());
        QTRY_COMPARE(server.counters().connectionsOpen, 0);
        return;
    }
    for (int i = 0; i < 3; ++i) {
        const quint16 next = sendGet(*client, "/hello", 0, true);
        QVERIFY(waitEnded(*client, next));
        QCOMPARE(client->response(next).protocolStatus, ProtocolStatus::RequestComplete);
    }
    QCOMPARE(gone.count(), 0);
    QVERIFY(client->isConnected());
    QCOMPARE(server.counters().connectionsOpen, 1);
}

void tst_Engine::keepConnOffWithoutHandler_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("unknown-role") << QStringLiteral("unknown-role");
    QTest::newRow("role-not-supported") << QStringLiteral("role-not-supported");
    QTest::newRow("aborted") << QStringLiteral("aborted");
}

// A request without FCGI_KEEP_CONN that ends other than through its handler (UNKNOWN_ROLE, an
// abort) still ends the connection: the web server waits for the close.
void tst_Engine::keepConnOffWithoutHandler()
{
    QFETCH(QString, how);
    TestServer server(QStringLiteral("tcp"));
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    QSignalSpy gone(client, &FcgiClient::disconnected);

    quint16 id = 0;
    if (how == QLatin1String("unknown-role")) {
        id = client->beginRequest(FcgiClient::requestParams("GET", "/hello"), Role(9), false);
    } else if (how == QLatin1String("role-not-supported")) {
        id = client->beginRequest(FcgiClient::requestParams("GET", "/echo"), Role::Authorizer, false);
    } else {
        id = sendGet(*client, "/delay?ms=60000", 0, false);
        QTRY_COMPARE(server.counters().requestsActive, 1);
        client->abortRequest(id);
    }
    client->sendStdin(id, {});
    QVERIFY(waitEnded(*client, id));
    QTRY_COMPARE(gone.count(), 1);
    QTRY_COMPARE(server.counters().connectionsOpen, 0);
}

void tst_Engine::getValues_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QByteArrayList>("names");
    QTest::addColumn<QByteArrayList>("expected"); // "NAME=value", in any order

    const QByteArrayList all = {"FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS"};
    const QByteArrayList answers = {"FCGI_MAX_CONNS=321", "FCGI_MAX_REQS=123", "FCGI_MPXS_CONNS=1"};
    QTest::newRow("all-tcp") << QStringLiteral("tcp") << all << answers;
    QTest::newRow("all-unix") << QStringLiteral("unix") << all << answers;
    QTest::newRow("unknown-left-out") << QStringLiteral("tcp")
                                      << QByteArrayList{"FCGI_NOT_A_VARIABLE", "FCGI_MPXS_CONNS", "X"}
                                      << QByteArrayList{"FCGI_MPXS_CONNS=1"};
    QTest::newRow("only-unknown") << QStringLiteral("tcp") << QByteArrayList{"FOO"}
                                  << QByteArrayList{};
    QTest::newRow("empty") << QStringLiteral("tcp") << QByteArrayList{} << QByteArrayList{};
}

void tst_Engine::getValues()
{
    QFETCH(QString, transport);
    QFETCH(QByteArrayList, names);
    QFETCH(QByteArrayList, expected);
    ServerConfig config = defaultConfig();
    config.maxConns = 321;
    config.maxRequestsPerConn = 123;
    TestServer server(transport, config);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);

    QList<NameValueList> results;
    QObject context;
    connect(client, &FcgiClient::getValuesResult, &context,
            [&results](const NameValueList &values) { results.append(values); });
    client->sendGetValues(QList<QByteArray>(names.cbegin(), names.cend()));
    QTRY_COMPARE(results.size(), 1);
    QByteArrayList got;
    for (const NameValue &pair : results.first())
        got.append(pair.first + '=' + pair.second);
    std::sort(got.begin(), got.end());
    std::sort(expected.begin(), expected.end());
    QCOMPARE(got, expected);

    // The connection carries on.
    const quint16 id = sendGet(*client, "/hello");
    QVERIFY(waitEnded(*client, id));
    QCOMPARE(parse(client->response(id))->status, 200);
}

void tst_Engine::unknownManagementType_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<int>("type");
    QTest::newRow("type-0") << QStringLiteral("tcp") << 0;
    QTest::newRow("get-values-result") << QStringLiteral("tcp") << int(RecordType::GetValuesResult);
    QTest::newRow("unknown-type") << QStringLiteral("tcp") << int(RecordType::UnknownType);
    QTest::newRow("type-12") << QStringLiteral("tcp") << 12;
    QTest::newRow("type-255") << QStringLiteral("tcp") << 255;
    QTest::newRow("type-42-unix") << QStringLiteral("unix") << 42;
}

void tst_Engine::unknownManagementType()
{
    QFETCH(QString, transport);
    QFETCH(int, type);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    QSignalSpy unknown(client, &FcgiClient::unknownTypeReceived);
    QSignalSpy gone(client, &FcgiClient::disconnected);

    client->sendRaw(encodeRawRecord(quint8(type), kNullRequestId, "some content"));
    QTRY_COMPARE(unknown.count(), 1);
    QCOMPARE(unknown.first().first().value<quint8>(), quint8(type));

    const quint16 id = sendGet(*client, "/hello");
    QVERIFY(waitEnded(*client, id));
    QCOMPARE(parse(client->response(id))->body, QByteArray("Hello world\n"));
    QCOMPARE(gone.count(), 0);
    QCOMPARE(server.counters().protocolErrors, 0);
}

void tst_Engine::unknownRole_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<int>("role");
    QTest::newRow("role-0") << QStringLiteral("tcp") << 0;
    QTest::newRow("role-4") << QStringLiteral("tcp") << 4;
    QTest::newRow("role-9") << QStringLiteral("tcp") << 9;
    QTest::newRow("role-65535") << QStringLiteral("tcp") << 65535;
    QTest::newRow("role-9-unix") << QStringLiteral("unix") << 9;
}

void tst_Engine::unknownRole()
{
    QFETCH(QString, transport);
    QFETCH(int, role);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    QSignalSpy clientErrors(client, &FcgiClient::protocolError);

    const quint16 id = client->beginRequest(FcgiClient::requestParams("GET", "/hello"), Role(role));
    client->sendStdin(id, "ignored");
    client->sendStdin(id, {});
    QVERIFY(waitEnded(*client, id));
    const FcgiClient::Response response = client->response(id);
    QCOMPARE(response.protocolStatus, ProtocolStatus::UnknownRole);
    QVERIFY(response.out.isEmpty());

    const quint16 next = sendGet(*client, "/hello");
    QVERIFY(waitEnded(*client, next));
    QCOMPARE(parse(client->response(next))->status, 200);
    QCOMPARE(clientErrors.count(), 0);
    QTRY_COMPARE(server.counters().requestsActive, 0);
}

void tst_Engine::roles_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<int>("role");
    QTest::addColumn<QByteArray>("uri");
    QTest::addColumn<int>("protocolStatus");
    QTest::addColumn<QByteArray>("body"); // expected body when the request completes

    const int complete = int(ProtocolStatus::RequestComplete);
    const int unknown = int(ProtocolStatus::UnknownRole);
    const int responder = int(Role::Responder);
    const int authorizer = int(Role::Authorizer);
    const int filter = int(Role::Filter);
    const QString tcp = QStringLiteral("tcp");
    QTest::newRow("authorizer-on-echo") << tcp << authorizer << QByteArray("/echo") << unknown << QByteArray();
    // /hello authorizes everything (its documented AUTHORIZER behaviour).
    QTest::newRow("authorizer-on-hello") << tcp << authorizer << QByteArray("/hello") << complete
                                         << QByteArray("Hello world\n");
    QTest::newRow("authorizer-on-own-handler") << tcp << authorizer << QByteArray("/authz") << complete
                                               << QByteArray();
    QTest::newRow("responder-on-authorizer-only") << tcp << responder << QByteArray("/authz") << unknown
                                                  << QByteArray();
    QTest::newRow("filter-on-echo") << tcp << filter << QByteArray("/echo") << complete
                                    << QByteArray("data-part-1|data-part-2");
    QTest::newRow("filter-on-echo-unix") << QStringLiteral("unix") << filter << QByteArray("/echo")
                                         << complete << QByteArray("data-part-1|data-part-2");
    QTest::newRow("filter-on-hello") << tcp << filter << QByteArray("/hello") << unknown << QByteArray();
}

void tst_Engine::roles()
{
    QFETCH(QString, transport);
    QFETCH(int, role);
    QFETCH(QByteArray, uri);
    QFETCH(int, protocolStatus);
    QFETCH(QByteArray, body);
    TestServer server(transport);
    mountTestHandlers(server);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    QSignalSpy clientErrors(client, &FcgiClient::protocolError);

    NameValueList params = FcgiClient::requestParams("GET", uri);
    if (Role(role) == Role::Filter)
        params << NameValue("FCGI_DATA_LAST_MOD", "1700000000") << NameValue("FCGI_DATA_LENGTH", "23");
    const quint16 id = client->beginRequest(params, Role(role));
    client->sendStdin(id, "stdin, not the filtered data");
    client->sendStdin(id, {});
    if (Role(role) == Role::Filter) {
        client->sendData(id, "data-part-1|");
        client->sendData(id, "data-part-2");
        client->sendData(id, {});
    }
    QVERIFY(waitEnded(*client, id));
    const FcgiClient::Response response = client->response(id);
    QCOMPARE(int(response.protocolStatus), protocolStatus);
    if (protocolStatus == int(ProtocolStatus::RequestComplete)) {
        const auto cgi = parse(response);
        QVERIFY(cgi);
        QCOMPARE(cgi->status, 200);
        QCOMPARE(cgi->body, body);
        if (uri == "/authz")
            QCOMPARE(cgi->header("Variable-AUTH_USER"), QByteArray("alice"));
    } else {
        QVERIFY(response.out.isEmpty());
    }
    QCOMPARE(clientErrors.count(), 0);
    QTRY_COMPARE(server.counters().requestsActive, 0);
}

void tst_Engine::duplicateBeginClosesOnlyThatConnection_data()
{
    addTransportRows();
}

void tst_Engine::duplicateBeginClosesOnlyThatConnection()
{
    QFETCH(QString, transport);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *bad = server.connectClient();
    FcgiClient *good = server.connectClient();
    QVERIFY(bad && good);
    QSignalSpy badGone(bad, &FcgiClient::disconnected);
    QSignalSpy goodGone(good, &FcgiClient::disconnected);

    const quint16 slow = sendGet(*good, "/delay?ms=300");
    const quint16 held = sendGet(*bad, "/delay?ms=60000", 5);
    QTRY_COMPARE(server.counters().requestsActive, 2);

    EngineLog::expect(protocolErrorWarning(QStringLiteral("BEGIN_REQUEST for an active request id (request id 5)")));
    bad->sendRaw(encodeBeginRequest(5, Role::Responder, true));
    QTRY_COMPARE(badGone.count(), 1);
    QVERIFY(!bad->response(held).ended);

    QVERIFY(waitEnded(*good, slow));
    QCOMPARE(parse(good->response(slow))->body, QByteArray("delayed 300 ms\n"));
    const QJsonObject status = fetchStatus(*good);
    QCOMPARE(status[QLatin1String("protocol_errors")].toInteger(), 1);
    QCOMPARE(goodGone.count(), 0);
    QTRY_COMPARE(server.counters().requestsActive, 0);
}

void tst_Engine::recordsBeforeBeginIgnored_data()
{
    addTransportRows();
}

void tst_Engine::recordsBeforeBeginIgnored()
{
    QFETCH(QString, transport);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    QSignalSpy clientErrors(client, &FcgiClient::protocolError);

    // Records for an id that is not active are ignored, as the spec says: STDIN before BEGIN,
    // and PARAMS, DATA and ABORT_REQUEST too.
    client->sendRaw(encodeRecord(RecordType::Stdin, 7, "stray bytes before begin"));
    client->sendRaw(encodeRecord(RecordType::Params, 7, encodeNameValues({{"REQUEST_URI", "/nope"}})));
    client->sendRaw(encodeRecord(RecordType::Data, 7, "stray data"));
    client->sendRaw(encodeRecord(RecordType::Stdin, 7, {}));
    client->sendRaw(encodeAbortRequest(7));

    const quint16 id = sendPost(*client, "/echo", "the real body", 7);
    QVERIFY(waitEnded(*client, id));
    const auto cgi = parse(client->response(id));
    QVERIFY(cgi);
    QCOMPARE(cgi->status, 200);
    QCOMPARE(cgi->body, QByteArray("the real body"));
    QCOMPARE(clientErrors.count(), 0);
    QVERIFY(client->isConnected());
    QCOMPARE(server.counters().protocolErrors, 0);
}

void tst_Engine::overloaded_data()
{
    addTransportRows();
}

void tst_Engine::overloaded()
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

void tst_Engine::burstWaitsWithinRequestQueue()
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

void tst_Engine::malformedInputClosesOnlyItsConnection_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QString>("reason"); // in the warning, after "protocol error: "

    using fixtures::makeRecord;
    const QByteArray badVersion = makeRecord(quint8(RecordType::BeginRequest), 1,
                                             fixtures::beginBody(1, kKeepConn), 0, 2);
    // A name declared 10 bytes long and a value 5 bytes long, with only 3 bytes after them.
    const QByteArray badParams = fixtures::beginRecord(1, 1, kKeepConn)
                                 + makeRecord(RecordType::Params, 1, QByteArray("\x0a\x05" "abc", 5))
                                 + makeRecord(RecordType::Params, 1, {});
    const QByteArray shortBegin = makeRecord(RecordType::BeginRequest, 1, QByteArray("\x00\x01\x01", 3));
    const QByteArray badGetValues = makeRecord(RecordType::GetValues, 0, QByteArray("\x05\x00" "ab", 4));

    const auto rows = [&](const char *name, const QByteArray &wire, const char *reason) {
        for (const char *transport : {"tcp", "unix"})
            QTest::addRow("%s-%s", name, transport) << QString::fromLatin1(transport) << wire
                                                    << QString::fromLatin1(reason);
    };
    rows("bad-version", badVersion, "unsupported FastCGI version");
    rows("params-do-not-decode", badParams, "PARAMS do not decode as name-value pairs");
    rows("begin-body-3-bytes", shortBegin, "malformed BEGIN_REQUEST body");
    rows("get-values-do-not-decode", badGetValues, "GET_VALUES body does not decode");
}

void tst_Engine::malformedInputClosesOnlyItsConnection()
{
    QFETCH(QString, transport);
    QFETCH(QByteArray, wire);
    QFETCH(QString, reason);
    TestServer server(transport);
    QVERIFY(server.start());
    FcgiClient *good = server.connectClient();
    FcgiClient *bad = server.connectClient();
    QVERIFY(good && bad);
    QSignalSpy badGone(bad, &FcgiClient::disconnected);
    QSignalSpy goodGone(good, &FcgiClient::disconnected);

    const qint64 errorsBefore = fetchStatus(*good)[QLatin1String("protocol_errors")].toInteger(-1);
    QCOMPARE(errorsBefore, 0);
    const quint16 slow = sendGet(*good, "/delay?ms=300");

    // The log line names the peer and the reason.
    EngineLog::expect(protocolErrorWarning(reason));
    bad->sendRaw(wire);
    QTRY_COMPARE(badGone.count(), 1);

    QVERIFY(waitEnded(*good, slow));
    QCOMPARE(parse(good->response(slow))->body, QByteArray("delayed 300 ms\n"));
    const QJsonObject status = fetchStatus(*good);
    QCOMPARE(status[QLatin1String("protocol_errors")].toInteger(), errorsBefore + 1);
    const quint16 after = sendGet(*good, "/hello");
    QVERIFY(waitEnded(*good, after));
    QCOMPARE(parse(good->response(after))->status, 200);
    QCOMPARE(goodGone.count(), 0);
    QTRY_COMPARE(server.counters().connectionsOpen, 1);
}

void tst_Engine::delayDoesNotHoldBackLaterRequests_data()
{
    addTransportRows();
}

void tst_Engine::delayDoesNotHoldBackLaterRequests()
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

void tst_Engine::streamsEndBeforeEndRequest_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QByteArray>("uri");
    QTest::addColumn<bool>("usesStderr");
    QTest::addColumn<quint32>("appStatus");
    const QString tcp = QStringLiteral("tcp");
    QTest::newRow("hello") << tcp << QByteArray("/hello") << false << 0u;
    QTest::newRow("echo") << tcp << QByteArray("/echo") << false << 0u;
    QTest::newRow("not-found") << tcp << QByteArray("/nope") << false << 0u;
    QTest::newRow("stream") << tcp << QByteArray("/stream?count=3") << false << 0u;
    QTest::newRow("delay") << tcp << QByteArray("/delay?ms=10") << false << 0u;
    QTest::newRow("stderr") << tcp << QByteArray("/stderr") << true << 3u;
    QTest::newRow("stderr-unix") << QStringLiteral("unix") << QByteArray("/stderr") << true << 3u;
}

void tst_Engine::streamsEndBeforeEndRequest()
{
    QFETCH(QString, transport);
    QFETCH(QByteArray, uri);
    QFETCH(bool, usesStderr);
    QFETCH(quint32, appStatus);
    TestServer server(transport);
    mountTestHandlers(server);
    QVERIFY(server.start());
    FcgiClient *client = server.connectClient();
    QVERIFY(client);
    QSignalSpy clientErrors(client, &FcgiClient::protocolError);

    // What the client had seen of the streams when END_REQUEST arrived.
    FcgiClient::Response atEnd;
    QObject context;
    connect(client, &FcgiClient::requestEnded, &context,
            [&](quint16 id) { atEnd = client->response(id); });
    const quint16 id = uri == "/echo" ? sendPost(*client, uri, "body") : sendGet(*client, uri);
    QVERIFY(waitEnded(*client, id));
    QVERIFY(atEnd.ended);
    QVERIFY(atEnd.outClosed);
    QCOMPARE(atEnd.errClosed, usesStderr);
    QCOMPARE(atEnd.appStatus, appStatus);
    if (usesStderr)
        QCOMPARE(atEnd.err, QByteArray("stderr line\n"));
    QCOMPARE(clientErrors.count(), 0);
}

void tst_Engine::recordOrderOnTheWire_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QByteArray>("uri");
    QTest::newRow("hello-tcp") << QStringLiteral("tcp") << QByteArray("/hello");
    QTest::newRow("stderr-tcp") << QStringLiteral("tcp") << QByteArray("/stderr");
    QTest::newRow("stderr-unix") << QStringLiteral("unix") << QByteArray("/stderr");
}

// The same, byte by byte from a raw socket: data records, then the empty STDOUT (and STDERR)
// record, then END_REQUEST last.
void tst_Engine::recordOrderOnTheWire()
{
    QFETCH(QString, transport);
    QFETCH(QByteArray, uri);
    TestServer server(transport);
    mountTestHandlers(server);
    QVERIFY(server.start());

    std::unique_ptr<QIODevice> socket;
    if (transport == QLatin1String("unix")) {
        auto *local = new QLocalSocket;
        socket.reset(local);
        local->connectToServer(server.address().mid(5));
        QVERIFY(local->waitForConnected(5000));
    } else {
        auto *tcp = new QTcpSocket;
        socket.reset(tcp);
        tcp->connectToHost(QHostAddress::LocalHost, server.engine().tcpPort(0));
        QVERIFY(tcp->waitForConnected(5000));
    }
    socket->write(fixtures::simpleGet(1, uri));

    RecordDecoder decoder;
    QList<Record> records;
    const auto readUntilEnd = [&] {
        decoder.feed(socket->readAll());
        while (auto record = decoder.next())
            records.append(std::move(*record));
        return !records.isEmpty() && records.last().recordType() == RecordType::EndRequest;
    };
    QTRY_VERIFY_WITH_TIMEOUT(readUntilEnd(), 5000);
    QCOMPARE(decoder.error(), DecodeError::None);

    const bool usesStderr = uri == "/stderr";
    const qsizetype closing = usesStderr ? 2 : 1; // empty stream records before END_REQUEST
    QVERIFY(records.size() >= closing + 2);
    for (qsizetype i = 0; i < records.size(); ++i) {
        const Record &r = records.at(i);
        QCOMPARE(r.requestId, quint16(1));
        if (i < records.size() - 1 - closing) {
            QVERIFY(r.recordType() == RecordType::Stdout || r.recordType() == RecordType::Stderr);
            QVERIFY(!r.content.isEmpty());
        } else if (i < records.size() - 1) {
            QVERIFY(r.content.isEmpty());
        }
    }
    QSet<RecordType> closed;
    for (qsizetype i = records.size() - 1 - closing; i < records.size() - 1; ++i)
        closed.insert(records.at(i).recordType());
    QVERIFY(closed.contains(RecordType::Stdout));
    QCOMPARE(closed.contains(RecordType::Stderr), usesStderr);
    QCOMPARE(records.last().content.size(), 8);
    QCOMPARE(quint8(records.last().content.at(4)), quint8(ProtocolStatus::RequestComplete));
}

// --- built-in handlers ---------------------------------------------------------------------

void tst_Engine::statusFields_data()
{
    addTransportRows();
}

void tst_Engine::statusFields()
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

void tst_Engine::statusFullListsActiveRequests_data()
{
    addTransportRows();
}

void tst_Engine::statusFullListsActiveRequests()
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

void tst_Engine::routing_data()
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

void tst_Engine::routing()
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

void tst_Engine::delayBadMs_data()
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

void tst_Engine::delayBadMs()
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

void tst_Engine::streamLinesAreSeparateRecords_data()
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

void tst_Engine::streamLinesAreSeparateRecords()
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

void tst_Engine::clientDisconnectAbortsItsRequests_data()
{
    addTransportRows();
}

void tst_Engine::clientDisconnectAbortsItsRequests()
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
void tst_Engine::refusedPeersDoNotUseUpMaxConns()
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

QTEST_GUILESS_MAIN(tst_Engine)
#include "tst_engine.moc"
