#include "fcgiclient.h"
#include "fixtures.h"
#include "namevaluedecoder.h"
#include "recorddecoder.h"
#include "recordencoder.h"
#include "strictmode.h"

#include <QLocalServer>
#include <QLocalSocket>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace afcgi;

namespace {
// A scripted FastCGI "server": accepts one connection, decodes what the client sends.
class FakeServer
{
public:
    bool listen(const QString &transport)
    {
        if (transport == QLatin1String("unix")) {
            const QString path = m_dir.filePath(QStringLiteral("fcgi.sock"));
            if (!m_local.listen(path))
                return false;
            m_address = QStringLiteral("unix:") + path;
            return true;
        }
        const bool v6 = transport == QLatin1String("tcp-v6");
        if (!m_tcp.listen(v6 ? QHostAddress::LocalHostIPv6 : QHostAddress::LocalHost, 0))
            return false;
        m_address = (v6 ? QStringLiteral("[::1]:%1") : QStringLiteral("127.0.0.1:%1"))
                        .arg(m_tcp.serverPort());
        return true;
    }
    QString address() const { return m_address; }
    bool accept()
    {
        if (m_tcp.isListening()) {
            if (!m_tcp.hasPendingConnections() && !m_tcp.waitForNewConnection(5000))
                return false;
            m_peer = m_tcp.nextPendingConnection();
        } else {
            if (!m_local.hasPendingConnections() && !m_local.waitForNewConnection(5000))
                return false;
            m_peer = m_local.nextPendingConnection();
        }
        return m_peer != nullptr;
    }
    QIODevice *peer() const { return m_peer; }
    qint64 peerBytesToWrite() const { return m_peer->bytesToWrite(); }
    // Records received so far (reads whatever is available).
    QList<Record> &records()
    {
        m_decoder.feed(m_peer->readAll());
        while (auto r = m_decoder.next())
            m_records.append(std::move(*r));
        return m_records;
    }
    void send(const QByteArray &bytes) { m_peer->write(bytes); }

private:
    QTemporaryDir m_dir;
    QTcpServer m_tcp;
    QLocalServer m_local;
    QIODevice *m_peer = nullptr;
    QString m_address;
    RecordDecoder m_decoder;
    QList<Record> m_records;
};
} // namespace

class tst_FcgiClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void exchange_data();
    void exchange();
    void managementRecords();
    void protocolErrors_data();
    void protocolErrors();
    void pausedReadingAppliesBackPressure();
    void requestParams();
    void badAddress();
};

void tst_FcgiClient::init()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
}

void tst_FcgiClient::exchange_data()
{
    QTest::addColumn<QString>("transport");
    QTest::newRow("tcp-v4") << QStringLiteral("tcp-v4");
    QTest::newRow("tcp-v6") << QStringLiteral("tcp-v6");
    QTest::newRow("unix") << QStringLiteral("unix");
}

void tst_FcgiClient::exchange()
{
    QFETCH(QString, transport);
    FakeServer server;
    if (!server.listen(transport)) {
        // .ci/run's machine has IPv6 loopback and unix sockets (tst_limits listens on [::1]
        // too): there, with AFCGI_TEST_STRICT=1, no skipping.
        if (fixtures::strictMode())
            QFAIL("cannot listen on this transport");
        QSKIP("transport not available here");
    }
    FcgiClient client;
    QSignalSpy connectedSpy(&client, &FcgiClient::connected);
    QSignalSpy endedSpy(&client, &FcgiClient::requestEnded);
    QSignalSpy outSpy(&client, &FcgiClient::stdoutReceived);
    QSignalSpy errSpy(&client, &FcgiClient::stderrReceived);
    QSignalSpy protocolSpy(&client, &FcgiClient::protocolError);
    client.connectToServer(server.address());
    // Written before the connection is up: must be sent once it is.
    const quint16 first = client.beginRequest({ { "A", "1" } });
    const quint16 second = client.beginRequest({}, Role::Filter, false);
    QCOMPARE(first, quint16(1));
    QCOMPARE(second, quint16(2));
    QCOMPARE(client.activeRequestCount(), 2);
    QVERIFY(client.waitForConnected());
    QVERIFY(client.isConnected());
    QVERIFY(server.accept());
    QTRY_COMPARE(connectedSpy.size(), 1);
    client.sendStdin(first, "body");
    client.sendStdin(first, {});
    client.sendData(second, "filedata");
    client.abortRequest(second);

    // BEGIN, PARAMS, PARAMS-end; BEGIN, PARAMS-end (no parameters); STDIN x2; DATA; ABORT.
    QTRY_COMPARE(server.records().size(), 9);
    const QList<Record> &r = server.records();
    QCOMPARE(r.at(0).recordType(), RecordType::BeginRequest);
    QCOMPARE(r.at(0).content, QByteArray::fromHex("0001010000000000"));
    QCOMPARE(r.at(1).recordType(), RecordType::Params);
    QCOMPARE(NameValueDecoder::decodeAll(r.at(1).content), (NameValueList{ { "A", "1" } }));
    QVERIFY(r.at(2).content.isEmpty());
    QCOMPARE(r.at(3).content, QByteArray::fromHex("0003000000000000"));
    QCOMPARE(r.at(3).requestId, quint16(2));
    QCOMPARE(r.at(4).recordType(), RecordType::Params); // an empty parameter set: only the end
    QVERIFY(r.at(4).content.isEmpty());
    QCOMPARE(r.at(5).content, QByteArray("body"));
    QVERIFY(r.at(6).content.isEmpty());
    QCOMPARE(r.at(7).recordType(), RecordType::Data);
    QCOMPARE(r.at(7).content, QByteArray("filedata"));
    QCOMPARE(r.at(8).recordType(), RecordType::AbortRequest);
    QCOMPARE(r.at(8).requestId, quint16(2));

    // Responses, interleaved, the STDOUT split across records.
    QByteArray reply = encodeRecord(RecordType::Stdout, first, "Status: 200 OK\r\n\r\nhel");
    appendRecord(reply, RecordType::Stderr, second, "warn");
    appendRecord(reply, RecordType::Stdout, first, "lo");
    appendRecord(reply, RecordType::Stdout, first, {});
    appendEndRequest(reply, second, 7, ProtocolStatus::Overloaded);
    appendEndRequest(reply, first, 0, ProtocolStatus::RequestComplete);
    server.send(reply);
    QTRY_COMPARE(endedSpy.size(), 2);
    QCOMPARE(endedSpy.at(0).at(0).value<quint16>(), second);
    QCOMPARE(endedSpy.at(0).at(1).value<quint32>(), 7u);
    QCOMPARE(endedSpy.at(0).at(2).value<ProtocolStatus>(), ProtocolStatus::Overloaded);
    QCOMPARE(outSpy.size(), 2);
    QCOMPARE(errSpy.size(), 1);
    QCOMPARE(client.activeRequestCount(), 0);
    const FcgiClient::Response firstResponse = client.takeResponse(first);
    QVERIFY(firstResponse.ended);
    QVERIFY(firstResponse.outClosed);
    QCOMPARE(firstResponse.out, QByteArray("Status: 200 OK\r\n\r\nhello"));
    QCOMPARE(client.response(second).err, QByteArray("warn"));
    QCOMPARE(client.response(second).protocolStatus, ProtocolStatus::Overloaded);
    QVERIFY(!client.response(first).ended); // taken
    QCOMPARE(protocolSpy.size(), 0);

    // Ids keep rolling and skip active ones.
    QCOMPARE(client.beginRequest({}, Role::Responder, true, 4), quint16(4));
    QCOMPARE(client.beginRequest({}), quint16(3));
    QCOMPARE(client.beginRequest({}), quint16(5));

    QSignalSpy disconnectedSpy(&client, &FcgiClient::disconnected);
    client.disconnectFromServer();
    QCOMPARE(disconnectedSpy.size(), 1);
    QVERIFY(!client.isConnected());
    QCOMPARE(client.activeRequestCount(), 0);
}

void tst_FcgiClient::managementRecords()
{
    FakeServer server;
    QVERIFY(server.listen(QStringLiteral("tcp-v4")));
    FcgiClient client;
    client.connectToServer(server.address());
    QVERIFY(client.waitForConnected());
    QVERIFY(server.accept());
    QSignalSpy valuesSpy(&client, &FcgiClient::getValuesResult);
    QSignalSpy unknownSpy(&client, &FcgiClient::unknownTypeReceived);
    client.sendGetValues({ "FCGI_MAX_CONNS", "FCGI_MPXS_CONNS" });
    QTRY_COMPARE(server.records().size(), 1);
    QCOMPARE(server.records().at(0).recordType(), RecordType::GetValues);
    QCOMPARE(NameValueDecoder::decodeAll(server.records().at(0).content),
             (NameValueList{ { "FCGI_MAX_CONNS", "" }, { "FCGI_MPXS_CONNS", "" } }));
    const NameValueList values{ { "FCGI_MAX_CONNS", "100" }, { "FCGI_MPXS_CONNS", "1" } };
    server.send(encodeGetValuesResult(values) + encodeUnknownType(42));
    QTRY_COMPARE(unknownSpy.size(), 1);
    QCOMPARE(valuesSpy.size(), 1);
    QCOMPARE(valuesSpy.at(0).at(0).value<NameValueList>(), values);
    QCOMPARE(unknownSpy.at(0).at(0).value<quint8>(), quint8(42));
    client.sendRaw("\x02garbage");
    QTRY_COMPARE(server.peer()->bytesAvailable(), qint64(8));
}

void tst_FcgiClient::protocolErrors_data()
{
    QTest::addColumn<QByteArray>("reply");
    using fixtures::makeRecord;
    QTest::newRow("bad-version") << makeRecord(6, 1, "x", 0, 2);
    QTest::newRow("stdout-for-inactive-id") << makeRecord(RecordType::Stdout, 9, "x");
    QTest::newRow("end-request-for-inactive-id") << encodeEndRequest(9, 0, ProtocolStatus::RequestComplete);
    QTest::newRow("stdout-after-its-end") << makeRecord(RecordType::Stdout, 1, {})
                                                + makeRecord(RecordType::Stdout, 1, "late");
    QTest::newRow("short-end-request") << makeRecord(RecordType::EndRequest, 1, "1234");
    QTest::newRow("unexpected-type") << makeRecord(RecordType::Stdin, 1, "x");
    QTest::newRow("malformed-get-values-result") << makeRecord(RecordType::GetValuesResult, 0, "\x05");
    QTest::newRow("short-unknown-type") << makeRecord(RecordType::UnknownType, 0, "\x2a");
}

void tst_FcgiClient::protocolErrors()
{
    QFETCH(QByteArray, reply);
    FakeServer server;
    QVERIFY(server.listen(QStringLiteral("unix")));
    FcgiClient client;
    client.connectToServer(server.address());
    QVERIFY(client.waitForConnected());
    QVERIFY(server.accept());
    QCOMPARE(client.beginRequest({}), quint16(1));
    QSignalSpy protocolSpy(&client, &FcgiClient::protocolError);
    server.send(reply);
    QVERIFY(protocolSpy.wait());
    QCOMPARE(protocolSpy.size(), 1);
    QVERIFY(!protocolSpy.at(0).at(0).toString().isEmpty());
}

void tst_FcgiClient::pausedReadingAppliesBackPressure()
{
    FakeServer server;
    QVERIFY(server.listen(QStringLiteral("tcp-v4")));
    FcgiClient client;
    client.setKeepResponses(false);
    client.connectToServer(server.address());
    QVERIFY(client.waitForConnected());
    QVERIFY(server.accept());
    const quint16 id = client.beginRequest({});
    client.setReadingPaused(true);
    QSignalSpy outSpy(&client, &FcgiClient::stdoutReceived);
    QSignalSpy endedSpy(&client, &FcgiClient::requestEnded);
    constexpr qint64 kTotal = 32 << 20; // more than loopback socket buffers hold
    const QByteArray chunk(1 << 20, 'x');
    for (qint64 sent = 0; sent < kTotal; sent += chunk.size())
        server.send(encodeRecord(RecordType::Stdout, id, chunk));
    server.send(encodeEndRequest(id, 0, ProtocolStatus::RequestComplete));
    QVERIFY(!outSpy.wait(300)); // nothing is delivered while paused
    QVERIFY(server.peerBytesToWrite() > 0); // and the server cannot get rid of its bytes
    client.setReadingPaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(endedSpy.size(), 1, 20000);
    qint64 received = 0;
    for (const auto &args : outSpy)
        received += args.at(1).toByteArray().size();
    QCOMPARE(received, kTotal);
    QCOMPARE(client.response(id).out.size(), 0); // not kept
}

void tst_FcgiClient::requestParams()
{
    const NameValueList params = FcgiClient::requestParams("POST", "/echo/x?a=1&b=2", 5, "text/plain");
    auto value = [&params](const char *name) {
        for (const auto &p : params) {
            if (p.first == name)
                return p.second;
        }
        return QByteArray("<absent>");
    };
    QCOMPARE(value("REQUEST_METHOD"), QByteArray("POST"));
    QCOMPARE(value("REQUEST_URI"), QByteArray("/echo/x?a=1&b=2"));
    QCOMPARE(value("SCRIPT_NAME"), QByteArray("/echo/x"));
    QCOMPARE(value("QUERY_STRING"), QByteArray("a=1&b=2"));
    QCOMPARE(value("CONTENT_LENGTH"), QByteArray("5"));
    QCOMPARE(value("CONTENT_TYPE"), QByteArray("text/plain"));
    QCOMPARE(value("GATEWAY_INTERFACE"), QByteArray("CGI/1.1"));
    QCOMPARE(value("SERVER_PROTOCOL"), QByteArray("HTTP/1.1"));
    QCOMPARE(value("REMOTE_ADDR"), QByteArray("127.0.0.1"));
    const NameValueList get = FcgiClient::requestParams("GET", "/hello");
    bool hasLength = false;
    for (const auto &p : get)
        hasLength = hasLength || p.first == "CONTENT_LENGTH" || p.first == "CONTENT_TYPE";
    QVERIFY(!hasLength);
}

void tst_FcgiClient::badAddress()
{
    FcgiClient client;
    QSignalSpy errorSpy(&client, &FcgiClient::errorOccurred);
    client.connectToServer(QStringLiteral("no-port-here"));
    QCOMPARE(errorSpy.size(), 1);
    QVERIFY(!client.waitForConnected(10));
    QVERIFY(!client.isConnected());
}

QTEST_MAIN(tst_FcgiClient)
#include "tst_fcgiclient.moc"
