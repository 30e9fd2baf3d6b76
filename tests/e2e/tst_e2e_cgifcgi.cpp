// End to end with libfcgi's own tools: cgi-fcgi as the FastCGI client (over TCP and over a Unix
// socket), and spawn-fcgi starting afcgid on an inherited listening socket (fd 0).

#include "e2etest.h"

#include "cgiresponse.h"

#include <QFile>
#include <QProcessEnvironment>
#include <QtTest>

#include <memory>

using e2e::ProcessFixture;

namespace {

constexpr int kToolTimeoutMs = 30000;

struct ToolResult
{
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class tst_E2eCgiFcgi : public e2e::E2eTest
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void responder_data();
    void responder();
    void spawnFcgiInheritedSocket();

private:
    // cgi-fcgi -bind -connect ADDR with only these CGI variables in its environment (it passes
    // its whole environment on as PARAMS) and `body` on its stdin.
    ToolResult cgiFcgi(const QString &connectTo, const QByteArray &method, const QByteArray &uri,
                       const QByteArray &body = {}, const QByteArray &contentType = {});

    QString m_cgiFcgi;
};

void tst_E2eCgiFcgi::initTestCase()
{
    E2E_REQUIRE_TOOL(cgiFcgi, "cgi-fcgi");
    m_cgiFcgi = cgiFcgi;
    QVERIFY2(QFile::exists(ProcessFixture::afcgidPath()), qPrintable(ProcessFixture::afcgidPath()));
}

ToolResult tst_E2eCgiFcgi::cgiFcgi(const QString &connectTo, const QByteArray &method,
                                   const QByteArray &uri, const QByteArray &body,
                                   const QByteArray &contentType)
{
    const qsizetype question = uri.indexOf('?');
    const QByteArray path = question < 0 ? uri : uri.left(question);
    QProcessEnvironment env;
    env.insert(QStringLiteral("GATEWAY_INTERFACE"), QStringLiteral("CGI/1.1"));
    env.insert(QStringLiteral("SERVER_PROTOCOL"), QStringLiteral("HTTP/1.1"));
    env.insert(QStringLiteral("REQUEST_METHOD"), QString::fromLatin1(method));
    env.insert(QStringLiteral("REQUEST_URI"), QString::fromLatin1(uri));
    env.insert(QStringLiteral("SCRIPT_NAME"), QString::fromLatin1(path));
    env.insert(QStringLiteral("QUERY_STRING"),
               question < 0 ? QString() : QString::fromLatin1(uri.mid(question + 1)));
    env.insert(QStringLiteral("REMOTE_ADDR"), QStringLiteral("127.0.0.1"));
    if (!body.isEmpty() || method == "POST")
        env.insert(QStringLiteral("CONTENT_LENGTH"), QString::number(body.size()));
    if (!contentType.isEmpty())
        env.insert(QStringLiteral("CONTENT_TYPE"), QString::fromLatin1(contentType));

    ToolResult result;
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(m_cgiFcgi, {QStringLiteral("-bind"), QStringLiteral("-connect"), connectTo});
    if (!process.waitForStarted())
        return result;
    process.write(body);
    process.closeWriteChannel();
    result.finished = process.waitForFinished(kToolTimeoutMs);
    if (!result.finished) {
        process.kill();
        process.waitForFinished();
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

void tst_E2eCgiFcgi::responder_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("uri");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("expectedBody"); // empty: any non-empty body

    QByteArray big(200 * 1024, Qt::Uninitialized); // several STDIN and STDOUT records
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = char('a' + i % 26);

    QTest::newRow("tcp-hello") << QStringLiteral("tcp") << QByteArray("GET") << QByteArray("/hello") << QByteArray()
                               << 200 << QByteArray("Hello world\n");
    QTest::newRow("unix-hello") << QStringLiteral("unix") << QByteArray("GET") << QByteArray("/hello")
                                << QByteArray() << 200 << QByteArray("Hello world\n");
    QTest::newRow("tcp-hello-query") << QStringLiteral("tcp") << QByteArray("GET") << QByteArray("/hello?x=1")
                                     << QByteArray() << 200 << QByteArray("Hello world\n");
    QTest::newRow("tcp-echo-200k") << QStringLiteral("tcp") << QByteArray("POST") << QByteArray("/echo") << big
                                   << 200 << big;
    QTest::newRow("unix-echo-small") << QStringLiteral("unix") << QByteArray("POST") << QByteArray("/echo")
                                     << QByteArray("ping") << 200 << QByteArray("ping");
    QTest::newRow("tcp-delay") << QStringLiteral("tcp") << QByteArray("GET") << QByteArray("/delay?ms=50")
                               << QByteArray() << 200 << QByteArray();
    QTest::newRow("tcp-delay-bad") << QStringLiteral("tcp") << QByteArray("GET") << QByteArray("/delay?ms=oops")
                                   << QByteArray() << 400 << QByteArray();
    QTest::newRow("tcp-not-found") << QStringLiteral("tcp") << QByteArray("GET") << QByteArray("/nope")
                                   << QByteArray() << 404 << QByteArray();
}

void tst_E2eCgiFcgi::responder()
{
    QFETCH(QString, transport);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, uri);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QByteArray, expectedBody);

    QString listen;
    QString connectTo;
    if (transport == QLatin1String("unix")) {
        connectTo = m_fixture->path(QStringLiteral("afcgi.sock"));
        listen = QStringLiteral("unix:") + connectTo;
    } else {
        listen = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
        connectTo = listen;
    }
    QString error;
    QVERIFY2(m_fixture->startAfcgid({QStringLiteral("--listen"), listen, QStringLiteral("--threads"),
                                     QStringLiteral("1")},
                                    listen, &error),
             qPrintable(error));

    const ToolResult r = cgiFcgi(connectTo, method, uri, body, body.isEmpty() ? QByteArray() : "text/plain");
    QVERIFY2(r.finished, "cgi-fcgi did not finish");
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const auto response = afcgi::parseCgiResponse(r.out);
    QVERIFY2(response, r.out.left(300).constData());
    QCOMPARE(response->status, status);
    if (expectedBody.isEmpty())
        QVERIFY(!response->body.isEmpty());
    else
        QCOMPARE(response->body, expectedBody);
    if (uri.startsWith("/hello"))
        QVERIFY(response->header("Content-Type").startsWith("text/plain"));
}

void tst_E2eCgiFcgi::spawnFcgiInheritedSocket()
{
    E2E_REQUIRE_TOOL(spawnFcgi, "spawn-fcgi");
    const QString address = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    // -n: spawn-fcgi binds the socket and execs afcgid in its place with the socket on fd 0,
    // the way a FastCGI process manager starts an application. No --listen: fd 0 is the default.
    const QStringList arguments = QStringList{QStringLiteral("-n"), QStringLiteral("-a"),
                                              QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                                              address.section(QLatin1Char(':'), 1), QStringLiteral("--"),
                                              ProcessFixture::afcgidPath(), QStringLiteral("--threads"),
                                              QStringLiteral("1")}
        + m_fixture->monitorArguments({});
    QString error;
    QVERIFY2(m_fixture->start(spawnFcgi, arguments, QStringLiteral("afcgid"), address, &error),
             qPrintable(error));

    for (int i = 0; i < 2; ++i) {
        const ToolResult r = cgiFcgi(address, "GET", "/hello");
        QVERIFY2(r.finished, "cgi-fcgi did not finish");
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const auto response = afcgi::parseCgiResponse(r.out);
        QVERIFY2(response, r.out.left(300).constData());
        QCOMPARE(response->status, 200);
        QCOMPARE(response->body, QByteArray("Hello world\n"));
    }
}

QTEST_GUILESS_MAIN(tst_E2eCgiFcgi)
#include "tst_e2e_cgifcgi.moc"
