// The afcgid process as an operator sees it: command line, exit codes, and a graceful stop on
// SIGTERM/SIGINT with requests in flight (driven by the multiplexing FastCGI client).

#include "e2etest.h"
#include "processcontrol.h"

#include "cgiresponse.h"
#include "fcgiclient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QLocalSocket>
#include <QtTest>

#include <algorithm>
#include <memory>

using afcgi::FcgiClient;
using e2e::ProcessFixture;

namespace {

constexpr int kDelayMs = 2000;
// Long enough that 200 requests are surely all under way before it runs out, even in a Debug
// build on a busy machine.
constexpr int kLoadedDelayMs = 3000;
// 200 connections opened one after the other: when the server's accept backlog is full for a
// moment, the kernel retries a SYN only after a second (then two), so setting up may take that.
constexpr int kManyConnectionsDelayMs = 5000;

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
    void secondSignalExitsAtOnce();
    void exitsWithMonitorJustAttached();
    void holdsConnectionsPastSoftFileLimit();
};

void tst_E2eLifecycle::initTestCase()
{
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
    const quint16 id = client.sendGet("/hello");
    QTRY_VERIFY_WITH_TIMEOUT(client.response(id).ended, 5000);
    const auto response = afcgi::parseCgiResponse(client.response(id).out);
    QVERIFY(response);
    QCOMPARE(response->body, QByteArray("Hello world\n"));
}

void tst_E2eLifecycle::gracefulShutdown_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<int>("signal"); // an e2e::Signal
    QTest::addColumn<int>("connections");
    QTest::addColumn<int>("requestsPerConnection");
    QTest::addColumn<int>("delayMs");
    const int term = int(e2e::Signal::Terminate);
    QTest::newRow("tcp-SIGTERM") << QStringLiteral("tcp") << term << 2 << 3 << kDelayMs;
    QTest::newRow("unix-SIGTERM") << QStringLiteral("unix") << term << 2 << 3 << kDelayMs;
    QTest::newRow("tcp-SIGINT") << QStringLiteral("tcp") << int(e2e::Signal::Interrupt) << 2 << 3 << kDelayMs;
    // Under load: 200 requests in flight, multiplexed as a front end that keeps connections does,
    // or one per connection as one that opens a connection per request does.
    QTest::newRow("tcp-SIGTERM-200-multiplexed-8x25")
        << QStringLiteral("tcp") << term << 8 << 25 << kLoadedDelayMs;
    QTest::newRow("unix-SIGTERM-200-multiplexed-8x25")
        << QStringLiteral("unix") << term << 8 << 25 << kLoadedDelayMs;
    QTest::newRow("tcp-SIGTERM-200-connections-200x1")
        << QStringLiteral("tcp") << term << 200 << 1 << kManyConnectionsDelayMs;
}

void tst_E2eLifecycle::gracefulShutdown()
{
    if (!e2e::canSendSignals())
        QSKIP("sends POSIX signals, which this system does not have");
    QFETCH(QString, transport);
    QFETCH(int, signal);
    QFETCH(int, connections);
    QFETCH(int, requestsPerConnection);
    QFETCH(int, delayMs);

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
    const QByteArray delayUri = QByteArrayLiteral("/delay?ms=") + QByteArray::number(delayMs);
    QElapsedTimer clock;
    clock.start();
    for (int c = 0; c < connections; ++c) {
        clients.push_back(std::make_unique<FcgiClient>());
        FcgiClient &client = *clients.back();
        client.connectToServer(address);
        QVERIFY(client.waitForConnected());
        for (int r = 0; r < requestsPerConnection; ++r)
            delays.append({&client, client.sendGet(delayUri)});
    }
    QCOMPARE(delays.size(), connections * requestsPerConnection);
    // A connection handles its records in order: once a /hello sent after the /delay requests
    // on the same connection is answered, those have certainly begun. All the /hello requests
    // go out first and are awaited together, so that waiting costs one poll, not one per
    // connection.
    QList<QPair<FcgiClient *, quint16>> hellos;
    for (const auto &client : clients)
        hellos.append({client.get(), client->sendGet("/hello")});
    auto allEnded = [](const QList<QPair<FcgiClient *, quint16>> &requests) {
        for (const auto &[client, id] : requests) {
            if (!client->response(id).ended)
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(allEnded(hellos), 10000);
    for (const auto &[client, id] : std::as_const(delays))
        QVERIFY2(!client->response(id).ended, "a /delay request ended before the signal");

    QVERIFY(e2e::sendSignal(*afcgid, e2e::Signal(signal)));

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
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000 + delayMs);
    int completed = 0;
    for (const auto &[client, id] : std::as_const(delays)) {
        QVERIFY2(client->response(id).ended, "a connection closed before its /delay ended");
        const FcgiClient::Response response = client->response(id);
        QCOMPARE(response.protocolStatus, afcgi::ProtocolStatus::RequestComplete);
        QVERIFY(response.outClosed);
        const auto cgi = afcgi::parseCgiResponse(response.out);
        QVERIFY2(cgi, response.out.left(300).constData());
        QCOMPARE(cgi->status, 200);
        ++completed;
    }
    QCOMPARE(completed, connections * requestsPerConnection);
    QVERIFY2(clock.elapsed() >= delayMs, "the /delay requests were cut short");

    // ...and then the process exits by itself with code 0.
    QVERIFY2(afcgid->state() == QProcess::NotRunning || afcgid->waitForFinished(10000),
             "afcgid did not exit after its requests completed");
    QCOMPARE(afcgid->exitStatus(), QProcess::NormalExit);
    QCOMPARE(afcgid->exitCode(), 0);
    QVERIFY(!ProcessFixture::canConnect(address, 200));
}

void tst_E2eLifecycle::shutdownGraceExpires()
{
    if (!e2e::canSendSignals())
        QSKIP("sends POSIX signals, which this system does not have");
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
    const quint16 longRequest = client.sendGet("/delay?ms=60000");
    const quint16 hello = client.sendGet("/hello");
    QTRY_VERIFY_WITH_TIMEOUT(client.response(hello).ended, 5000);
    QVERIFY(!client.response(longRequest).ended);

    QElapsedTimer clock;
    clock.start();
    QVERIFY(e2e::sendSignal(*afcgid, e2e::Signal::Terminate));
    QVERIFY2(afcgid->waitForFinished(10000), "afcgid outlived its grace period by far");
    QVERIFY2(clock.elapsed() >= 400, "afcgid did not wait for the grace period");
    QCOMPARE(afcgid->exitStatus(), QProcess::NormalExit);
    QCOMPARE(afcgid->exitCode(), 0);
}

void tst_E2eLifecycle::secondSignalExitsAtOnce()
{
    if (!e2e::canSendSignals())
        QSKIP("sends POSIX signals, which this system does not have");
    // An operator who sends SIGTERM again does not want to wait out the grace period: the
    // second request closes what is left and the process exits at once. Engine::shutdown()
    // then finishes the same way a drain does, so the exit code is 0 here too.
    constexpr int kConnections = 2;
    constexpr int kRequestsPerConnection = 2;
    constexpr qint64 kPromptExitMs = 3000; // far below the 60 s of grace and of the requests
    const QString address = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    QString error;
    QProcess *afcgid = m_fixture->startAfcgid({QStringLiteral("--listen"), address,
                                               QStringLiteral("--threads"), QStringLiteral("2"),
                                               QStringLiteral("--shutdown-grace"), QStringLiteral("60000")},
                                              address, &error);
    QVERIFY2(afcgid, qPrintable(error));

    std::vector<std::unique_ptr<FcgiClient>> clients;
    QList<QPair<FcgiClient *, quint16>> delays;
    for (int c = 0; c < kConnections; ++c) {
        clients.push_back(std::make_unique<FcgiClient>());
        FcgiClient &client = *clients.back();
        client.connectToServer(address);
        QVERIFY(client.waitForConnected());
        for (int r = 0; r < kRequestsPerConnection; ++r)
            delays.append({&client, client.sendGet("/delay?ms=60000")});
        const quint16 hello = client.sendGet("/hello");
        QTRY_VERIFY_WITH_TIMEOUT(client.response(hello).ended, 5000);
    }

    QVERIFY(e2e::sendSignal(*afcgid, e2e::Signal::Terminate));
    QTRY_VERIFY2_WITH_TIMEOUT(!ProcessFixture::canConnect(address, 200),
                              "afcgid still accepts new connections after the first SIGTERM", 1000);
    QTRY_VERIFY_WITH_TIMEOUT(m_fixture->log(QStringLiteral("afcgid")).contains("shutting down"), 5000);
    // Draining, not gone: the process and its connections stay while the requests run. Only
    // the absence of a change can show that, so it is watched for a short while.
    auto somethingGave = [&] {
        if (afcgid->state() == QProcess::NotRunning)
            return true;
        for (const auto &[client, id] : std::as_const(delays)) {
            if (!client->isConnected() || client->response(id).ended)
                return true;
        }
        return false;
    };
    QVERIFY2(!QTest::qWaitFor(somethingGave, 500),
             "afcgid exited, closed a connection or ended a request within the grace period");

    QElapsedTimer clock;
    clock.start();
    QVERIFY(e2e::sendSignal(*afcgid, e2e::Signal::Terminate));
    QVERIFY2(afcgid->waitForFinished(int(kPromptExitMs)), "afcgid did not exit on the second SIGTERM");
    QVERIFY2(clock.elapsed() < kPromptExitMs, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(afcgid->exitStatus(), QProcess::NormalExit);
    QCOMPARE(afcgid->exitCode(), 0);
    QVERIFY(m_fixture->log(QStringLiteral("afcgid")).contains("second termination request"));

    // The requests were cut, not answered: every connection is closed without an END_REQUEST.
    QTRY_VERIFY_WITH_TIMEOUT(std::none_of(clients.cbegin(), clients.cend(),
                                          [](const auto &client) { return client->isConnected(); }),
                             5000);
    for (const auto &[client, id] : std::as_const(delays))
        QVERIFY(!client->response(id).ended);
}

// A monitor that attaches just before SIGTERM leaves snapshot answers queued when the process
// ends; discarding them once hung afcgid at exit (about 1 run in 12). Each round is short.
void tst_E2eLifecycle::exitsWithMonitorJustAttached()
{
    if (!e2e::canSendSignals())
        QSKIP("sends POSIX signals, which this system does not have");
    constexpr int kRounds = 25;
    for (int round = 0; round < kRounds; ++round) {
        const QString address = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
        const QString monitorPath = m_fixture->path(QStringLiteral("monitor-%1.sock").arg(round));
        QString error;
        QProcess *afcgid = m_fixture->startAfcgid({QStringLiteral("--listen"), address,
                                                   QStringLiteral("--threads"), QStringLiteral("2"),
                                                   QStringLiteral("--monitor"), monitorPath},
                                                  address, &error);
        QVERIFY2(afcgid, qPrintable(error));
        QLocalSocket monitor;
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(monitorPath), 5000);
        monitor.connectToServer(monitorPath);
        QVERIFY(monitor.waitForConnected(5000)); // its snapshot is gathered from now on
        QVERIFY(e2e::sendSignal(*afcgid, e2e::Signal::Terminate));
        QVERIFY2(afcgid->waitForFinished(5000),
                 qPrintable(QStringLiteral("afcgid hung at exit in round %1").arg(round)));
        QCOMPARE(afcgid->exitCode(), 0);
    }
}

void tst_E2eLifecycle::holdsConnectionsPastSoftFileLimit()
{
    // Started as a service manager often starts it (and as macOS starts everything): a soft
    // limit of 256 descriptors under a higher hard limit. afcgid raises its soft limit, says so
    // in its log, and so 600 connections are all served.
    constexpr int kSoftLimit = 256;
    constexpr int kConnections = 600;
    const QStringList command = e2e::withSoftFileLimit(
        kSoftLimit, ProcessFixture::afcgidPath(), {QStringLiteral("--threads"), QStringLiteral("1"),
                                                   QStringLiteral("--monitor"), QStringLiteral("none")});
    if (command.isEmpty())
        QSKIP("this system has no soft limit on descriptors");
    QVERIFY2(e2e::ensureOwnFileLimit(kConnections + 64), "the test itself cannot hold 600 connections");
    const QString address = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    QString error;
    QProcess *afcgid = m_fixture->start(command.first(),
                                        command.mid(1) + QStringList{QStringLiteral("--listen"), address},
                                        QStringLiteral("afcgid-nofile"), address, &error);
    QVERIFY2(afcgid, qPrintable(error));
    const QByteArray log = m_fixture->log(QStringLiteral("afcgid-nofile"));
    QVERIFY2(log.contains("open-file limit raised from 256 to "), log.constData());

    std::vector<std::unique_ptr<FcgiClient>> clients;
    for (int i = 0; i < kConnections; ++i) {
        clients.push_back(std::make_unique<FcgiClient>());
        clients.back()->connectToServer(address);
    }
    QList<quint16> ids;
    for (const auto &client : clients) {
        QVERIFY(client->waitForConnected());
        ids.append(client->sendGet("/hello"));
    }
    for (size_t i = 0; i < clients.size(); ++i) {
        QTRY_VERIFY_WITH_TIMEOUT(clients[i]->response(ids[int(i)]).ended, 10000);
        const auto response = afcgi::parseCgiResponse(clients[i]->response(ids[int(i)]).out);
        QVERIFY(response);
        QCOMPARE(response->status, 200);
    }
}

QTEST_GUILESS_MAIN(tst_E2eLifecycle)
#include "tst_e2e_lifecycle.moc"
