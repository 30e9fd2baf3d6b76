// The engine in-process over TCP and Unix sockets: FastCGI 1.0 semantics (abort, keep-conn,
// GET_VALUES, unknown types and roles, the three roles), malformed input that closes only its
// own connection, and the order of the records on the wire.
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

class tst_EngineProtocol : public EngineTestCase
{
    Q_OBJECT
private Q_SLOTS:
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
    void malformedInputClosesOnlyItsConnection_data();
    void malformedInputClosesOnlyItsConnection();
    void streamsEndBeforeEndRequest_data();
    void streamsEndBeforeEndRequest();
    void recordOrderOnTheWire_data();
    void recordOrderOnTheWire();
};

void tst_EngineProtocol::abortRequest_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QByteArray>("uri");
    QTest::newRow("delay-tcp") << QStringLiteral("tcp") << QByteArray("/delay?ms=60000");
    QTest::newRow("delay-unix") << QStringLiteral("unix") << QByteArray("/delay?ms=60000");
    // A response already pouring out: its queued output is dropped, nothing follows END_REQUEST.
    QTest::newRow("stream-tcp") << QStringLiteral("tcp") << QByteArray("/stream?count=10000000");
}

void tst_EngineProtocol::abortRequest()
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
    if (uri.startsWith("/stream"))
        QTRY_VERIFY(client->response(doomed).out.size() > 100000);
    // Sent only now, so that its delay counts from here: filling the stream above may take longer
    // than the delay on a loaded machine, and the check below is that the abort leaves it running.
    const quint16 other = sendGet(*client, "/delay?ms=1500");
    QTRY_COMPARE(server.counters().requestsActive, 2);

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
    QCOMPARE(cgi->body, QByteArray("delayed 1500 ms\n"));
    QCOMPARE(server.counters().aborted - aborted, 1);
    QCOMPARE(clientErrors.count(), 0); // e.g. STDOUT after END_REQUEST
    QTRY_COMPARE(server.counters().requestsActive, 0);
}

void tst_EngineProtocol::keepConn_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<bool>("keep");
    QTest::newRow("on-tcp") << QStringLiteral("tcp") << true;
    QTest::newRow("on-unix") << QStringLiteral("unix") << true;
    QTest::newRow("off-tcp") << QStringLiteral("tcp") << false;
    QTest::newRow("off-unix") << QStringLiteral("unix") << false;
}

void tst_EngineProtocol::keepConn()
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

void tst_EngineProtocol::keepConnOffWithoutHandler_data()
{
    QTest::addColumn<QString>("how");
    QTest::newRow("unknown-role") << QStringLiteral("unknown-role");
    QTest::newRow("role-not-supported") << QStringLiteral("role-not-supported");
    QTest::newRow("aborted") << QStringLiteral("aborted");
}

// A request without FCGI_KEEP_CONN that ends other than through its handler (UNKNOWN_ROLE, an
// abort) still ends the connection: the web server waits for the close.
void tst_EngineProtocol::keepConnOffWithoutHandler()
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

void tst_EngineProtocol::getValues_data()
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

void tst_EngineProtocol::getValues()
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

void tst_EngineProtocol::unknownManagementType_data()
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

void tst_EngineProtocol::unknownManagementType()
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

void tst_EngineProtocol::unknownRole_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<int>("role");
    QTest::newRow("role-0") << QStringLiteral("tcp") << 0;
    QTest::newRow("role-4") << QStringLiteral("tcp") << 4;
    QTest::newRow("role-9") << QStringLiteral("tcp") << 9;
    QTest::newRow("role-65535") << QStringLiteral("tcp") << 65535;
    QTest::newRow("role-9-unix") << QStringLiteral("unix") << 9;
}

void tst_EngineProtocol::unknownRole()
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

void tst_EngineProtocol::roles_data()
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

void tst_EngineProtocol::roles()
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

void tst_EngineProtocol::duplicateBeginClosesOnlyThatConnection_data()
{
    addTransportRows();
}

void tst_EngineProtocol::duplicateBeginClosesOnlyThatConnection()
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

void tst_EngineProtocol::recordsBeforeBeginIgnored_data()
{
    addTransportRows();
}

void tst_EngineProtocol::recordsBeforeBeginIgnored()
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

void tst_EngineProtocol::malformedInputClosesOnlyItsConnection_data()
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

void tst_EngineProtocol::malformedInputClosesOnlyItsConnection()
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

void tst_EngineProtocol::streamsEndBeforeEndRequest_data()
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

void tst_EngineProtocol::streamsEndBeforeEndRequest()
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

void tst_EngineProtocol::recordOrderOnTheWire_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QByteArray>("uri");
    QTest::newRow("hello-tcp") << QStringLiteral("tcp") << QByteArray("/hello");
    QTest::newRow("stderr-tcp") << QStringLiteral("tcp") << QByteArray("/stderr");
    QTest::newRow("stderr-unix") << QStringLiteral("unix") << QByteArray("/stderr");
}

// The same, byte by byte from a raw socket: data records, then the empty STDOUT (and STDERR)
// record, then END_REQUEST last.
void tst_EngineProtocol::recordOrderOnTheWire()
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

QTEST_GUILESS_MAIN(tst_EngineProtocol)
#include "tst_engine_protocol.moc"
