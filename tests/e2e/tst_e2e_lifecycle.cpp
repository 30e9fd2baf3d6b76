// The afcgid process as an operator sees it: command line, exit codes, and a graceful stop on
// SIGTERM/SIGINT with requests in flight (driven by the multiplexing FastCGI client).

#include "e2etest.h"

#include "cgiresponse.h"
#include "fcgiclient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QtTest>

#include <memory>

#ifdef Q_OS_UNIX
#include <signal.h>
#endif

using afcgi::FcgiClient;
using e2e::ProcessFixture;

namespace {

constexpr int kDelayMs = 2000;
constexpr int kConnections = 2;
constexpr int kRequestsPerConnection = 3;

struct RunResult
{
    bool finished = false;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

RunResult runAfcgid(const QStringList &arguments)
{
    RunResult result;
    QProcess process;
    process.setStandardInputFile(QProcess::nullDevice());
    process.start(ProcessFixture::afcgidPath(), arguments);
    result.finished = process.waitForFinished(10000);
    if (!result.finished) {
        process.kill();
        process.waitForFinished();
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

// Sends one GET with an empty body and returns its id.
quint16 get(FcgiClient &client, const QByteArray &uri)
{
    const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", uri));
    client.sendStdin(id, {});
    return id;
}

} // namespace

class tst_E2eLifecycle : public e2e::E2eTest
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void version();
    void help();
    void badArguments_data();
    void badArguments();
    void configFile();
    void gracefulShutdown_data();
    void gracefulShutdown();
    void shutdownGraceExpires();
};

void tst_E2eLifecycle::initTestCase()
{
#ifndef Q_OS_UNIX
    QSKIP("sends POSIX signals");
#endif
    QVERIFY2(QFile::exists(ProcessFixture::afcgidPath()), qPrintable(ProcessFixture::afcgidPath()));
}

void tst_E2eLifecycle::version()
{
    const RunResult r = runAfcgid({QStringLiteral("--version")});
    QVERIFY(r.finished);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2((r.out + r.err).contains(AFCGI_VERSION), (r.out + r.err).constData());
}

void tst_E2eLifecycle::help()
{
    const RunResult r = runAfcgid({QStringLiteral("--help")});
    QVERIFY(r.finished);
    QCOMPARE(r.exitCode, 0);
    const QByteArray text = r.out + r.err;
    for (const char *option : {"--listen", "--threads", "--config", "--log-level", "--max-conns",
                               "--max-requests-per-conn", "--max-params-bytes", "--max-body-bytes",
                               "--idle-timeout", "--shutdown-grace", "--version"}) {
        QVERIFY2(text.contains(option), option);
    }
}

void tst_E2eLifecycle::badArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("threads-not-a-number") << QStringList{QStringLiteral("--threads"), QStringLiteral("many")};
    QTest::newRow("threads-negative") << QStringList{QStringLiteral("--threads"), QStringLiteral("-3")};
    QTest::newRow("unknown-option") << QStringList{QStringLiteral("--no-such-option")};
    QTest::newRow("listen-garbage") << QStringList{QStringLiteral("--listen"), QStringLiteral("not an address")};
    QTest::newRow("listen-port-too-big") << QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:70000")};
    QTest::newRow("log-level-unknown") << QStringList{QStringLiteral("--log-level"), QStringLiteral("loud")};
    QTest::newRow("config-missing") << QStringList{QStringLiteral("--config"), QStringLiteral("/nonexistent/afcgid.ini")};
}

void tst_E2eLifecycle::badArguments()
{
    QFETCH(QStringList, arguments);
    const RunResult r = runAfcgid(arguments);
    QVERIFY(r.finished);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(!r.err.trimmed().isEmpty(), "no error message on stderr");
}

void tst_E2eLifecycle::configFile()
{
    // The INI file takes the same keys as the flags.
    const QString address = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    const QString ini = m_fixture->path(QStringLiteral("afcgid.ini"));
    {
        QFile file(ini);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QStringLiteral("listen = %1\nthreads = 1\nlog-level = warning\nshutdown-grace = 1000\n")
                       .arg(address).toUtf8());
    }
    QString error;
    QProcess *afcgid = m_fixture->startAfcgid({QStringLiteral("--config"), ini}, address, &error);
    QVERIFY2(afcgid, qPrintable(error));

    FcgiClient client;
    client.connectToServer(address);
    QVERIFY(client.waitForConnected());
    const quint16 id = get(client, "/hello");
    QTRY_VERIFY_WITH_TIMEOUT(client.response(id).ended, 5000);
    const auto response = afcgi::parseCgiResponse(client.response(id).out);
    QVERIFY(response);
    QCOMPARE(response->body, QByteArray("Hello world\n"));
}

void tst_E2eLifecycle::gracefulShutdown_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<int>("signalNumber");
#ifdef Q_OS_UNIX
    QTest::newRow("tcp-SIGTERM") << QStringLiteral("tcp") << int(SIGTERM);
    QTest::newRow("unix-SIGTERM") << QStringLiteral("unix") << int(SIGTERM);
    QTest::newRow("tcp-SIGINT") << QStringLiteral("tcp") << int(SIGINT);
#endif
}

void tst_E2eLifecycle::gracefulShutdown()
{
#ifdef Q_OS_UNIX
    QFETCH(QString, transport);
    QFETCH(int, signalNumber);

    const QString address = transport == QLatin1String("unix")
        ? QStringLiteral("unix:") + m_fixture->path(QStringLiteral("afcgi.sock"))
        : QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    QString error;
    QProcess *afcgid = m_fixture->startAfcgid({QStringLiteral("--listen"), address,
                                               QStringLiteral("--threads"), QStringLiteral("2"),
                                               QStringLiteral("--shutdown-grace"), QStringLiteral("15000")},
                                              address, &error);
    QVERIFY2(afcgid, qPrintable(error));

    // Several connections, several /delay requests multiplexed on each.
    std::vector<std::unique_ptr<FcgiClient>> clients;
    QList<QPair<FcgiClient *, quint16>> delays;
    QElapsedTimer clock;
    clock.start();
    for (int c = 0; c < kConnections; ++c) {
        clients.push_back(std::make_unique<FcgiClient>());
        FcgiClient &client = *clients.back();
        client.connectToServer(address);
        QVERIFY(client.waitForConnected());
        for (int r = 0; r < kRequestsPerConnection; ++r)
            delays.append({&client, get(client, QByteArrayLiteral("/delay?ms=") + QByteArray::number(kDelayMs))});
    }
    // A connection handles its records in order: once a /hello sent after the /delay requests
    // on the same connection is answered, those have certainly begun.
    for (const auto &client : clients) {
        const quint16 hello = get(*client, "/hello");
        QTRY_VERIFY_WITH_TIMEOUT(client->response(hello).ended, 5000);
    }
    for (const auto &[client, id] : std::as_const(delays))
        QVERIFY2(!client->response(id).ended, "a /delay request ended before the signal");

    QCOMPARE(::kill(pid_t(afcgid->processId()), signalNumber), 0);

    // It stops accepting at once: a new connection is refused while the requests still run.
    QTRY_VERIFY2_WITH_TIMEOUT(!ProcessFixture::canConnect(address, 200),
                              "afcgid still accepts new connections after the signal", 1000);
    int stillRunning = 0;
    for (const auto &[client, id] : std::as_const(delays))
        stillRunning += client->response(id).ended ? 0 : 1;
    QVERIFY2(stillRunning > 0, "every /delay ended before the listener closed; cannot judge");

    // Every request that had begun completes normally...
    auto settled = [&delays] {
        for (const auto &[client, id] : std::as_const(delays)) {
            if (!client->response(id).ended && client->isConnected())
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);
    for (const auto &[client, id] : std::as_const(delays)) {
        QVERIFY2(client->response(id).ended, "a connection closed before its /delay ended");
        const FcgiClient::Response response = client->response(id);
        QCOMPARE(response.protocolStatus, afcgi::ProtocolStatus::RequestComplete);
        QVERIFY(response.outClosed);
        const auto cgi = afcgi::parseCgiResponse(response.out);
        QVERIFY2(cgi, response.out.left(300).constData());
        QCOMPARE(cgi->status, 200);
    }
    QVERIFY2(clock.elapsed() >= kDelayMs, "the /delay requests were cut short");

    // ...and then the process exits by itself with code 0.
    QVERIFY2(afcgid->state() == QProcess::NotRunning || afcgid->waitForFinished(10000),
             "afcgid did not exit after its requests completed");
    QCOMPARE(afcgid->exitStatus(), QProcess::NormalExit);
    QCOMPARE(afcgid->exitCode(), 0);
    QVERIFY(!ProcessFixture::canConnect(address, 200));
#endif
}

void tst_E2eLifecycle::shutdownGraceExpires()
{
#ifdef Q_OS_UNIX
    // A request longer than the grace period does not keep the process alive.
    const QString address = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    QString error;
    QProcess *afcgid = m_fixture->startAfcgid({QStringLiteral("--listen"), address,
                                               QStringLiteral("--shutdown-grace"), QStringLiteral("500")},
                                              address, &error);
    QVERIFY2(afcgid, qPrintable(error));

    FcgiClient client;
    client.connectToServer(address);
    QVERIFY(client.waitForConnected());
    const quint16 longRequest = get(client, "/delay?ms=60000");
    const quint16 hello = get(client, "/hello");
    QTRY_VERIFY_WITH_TIMEOUT(client.response(hello).ended, 5000);
    QVERIFY(!client.response(longRequest).ended);

    QElapsedTimer clock;
    clock.start();
    QCOMPARE(::kill(pid_t(afcgid->processId()), SIGTERM), 0);
    QVERIFY2(afcgid->waitForFinished(10000), "afcgid outlived its grace period by far");
    QVERIFY2(clock.elapsed() >= 400, "afcgid did not wait for the grace period");
    QCOMPARE(afcgid->exitStatus(), QProcess::NormalExit);
    QCOMPARE(afcgid->exitCode(), 0);
#endif
}

QTEST_GUILESS_MAIN(tst_E2eLifecycle)
#include "tst_e2e_lifecycle.moc"
