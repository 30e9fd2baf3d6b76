// The monitor channel carried over a command's stdin/stdout: afcgid --monitor-relay on its own,
// afcgi-monitor's client through a plain command (env), and end to end through a real sshd that
// the test starts on a free loopback port with temporary keys.
#include "e2etest.h"
#include "monitorclient.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QtTest>

using namespace afcgi;

class tst_MonitorRelay : public e2e::E2eTest
{
    Q_OBJECT
private Q_SLOTS:
    void relayCarriesTheChannel();
    void relayWithoutServiceSaysWhy();
    void clientThroughCommand();
    void clientThroughSsh();

private:
    QProcess *startService(QString *address);
    QString monitorPath() const { return m_fixture->path(QStringLiteral("monitor.sock")); }
};

QProcess *tst_MonitorRelay::startService(QString *address)
{
    *address = QStringLiteral("127.0.0.1:%1").arg(e2e::ProcessFixture::freeTcpPort());
    QString error;
    QProcess *process = m_fixture->startAfcgid({QStringLiteral("--listen"), *address}, *address, &error);
    if (!process)
        qWarning().noquote() << error;
    return process;
}

void tst_MonitorRelay::relayCarriesTheChannel()
{
    QString address;
    QVERIFY(startService(&address));
    QProcess relay;
    relay.start(e2e::ProcessFixture::afcgidPath(), {QStringLiteral("--monitor-relay"), monitorPath()});
    QVERIFY(relay.waitForStarted());
    QByteArray seen;
    QVERIFY(QTest::qWaitFor([&] { seen += relay.readAllStandardOutput(); return seen.contains("\"type\":\"snapshot\""); }, 5000));
    QVERIFY(seen.startsWith("{\"type\":\"hello\""));
    relay.write("{\"cmd\":\"config\"}\n");
    QVERIFY(QTest::qWaitFor([&] { seen += relay.readAllStandardOutput(); return seen.contains("{\"type\":\"ack\",\"cmd\":\"config\""); }, 5000));
    relay.closeWriteChannel(); // the end of stdin ends the relay
    QVERIFY(relay.waitForFinished(5000));
    QCOMPARE(relay.exitStatus(), QProcess::NormalExit);
    QCOMPARE(relay.exitCode(), 0);
    QVERIFY(relay.readAllStandardError().isEmpty());
}

void tst_MonitorRelay::relayWithoutServiceSaysWhy()
{
    QProcess relay;
    relay.start(e2e::ProcessFixture::afcgidPath(),
                {QStringLiteral("--monitor-relay"), m_fixture->path(QStringLiteral("nobody-here.sock"))});
    QVERIFY(relay.waitForFinished(10000));
    QCOMPARE(relay.exitCode(), 1);
    const QByteArray error = relay.readAllStandardError();
    QVERIFY2(error.contains("cannot reach the monitor channel"), error.constData());
    QVERIFY(relay.readAllStandardOutput().isEmpty());
}

void tst_MonitorRelay::clientThroughCommand()
{
    E2E_REQUIRE_TOOL(env, "env");
    QString address;
    QProcess *service = startService(&address);
    QVERIFY(service);
    gui::MonitorClient client;
    client.setRetryInterval(100);
    client.setSocketName(monitorPath());
    client.setVia(env, e2e::ProcessFixture::afcgidPath());
    QSignalSpy hello(&client, &gui::MonitorClient::helloReceived);
    QSignalSpy acks(&client, &gui::MonitorClient::ackReceived);
    client.start();
    QVERIFY(hello.count() > 0 || hello.wait(5000));
    const qint64 firstPid = hello.last().first().value<monitor::Hello>().pid;
    QCOMPARE(firstPid, service->processId());
    monitor::Command config;
    config.cmd = QStringLiteral("config");
    QVERIFY(client.sendCommand(config));
    QVERIFY(acks.wait(5000));
    QVERIFY(!acks.last().first().value<monitor::Ack>().settings.isEmpty());

    // The service restarts: the relay ends with it, the client starts another and gets through.
    e2e::ProcessFixture::stop(service);
    QSignalSpy refused(&client, &gui::MonitorClient::refused);
    QVERIFY(refused.wait(5000));
    QVERIFY(startService(&address));
    QTRY_VERIFY_WITH_TIMEOUT(hello.last().first().value<monitor::Hello>().pid != firstPid, 10000);
    QCOMPARE(client.state(), gui::MonitorClient::State::Connected);
}

void tst_MonitorRelay::clientThroughSsh()
{
    E2E_REQUIRE_TOOL(sshd, "sshd");
    E2E_REQUIRE_TOOL(ssh, "ssh");
    E2E_REQUIRE_TOOL(keygen, "ssh-keygen");
    // sshd refuses to start without its privilege-separation directory.
    if (!QFileInfo::exists(QStringLiteral("/run/sshd")) && !QDir().mkpath(QStringLiteral("/run/sshd"))) {
        if (e2e::ProcessFixture::missingToolIsFailure())
            QFAIL("no /run/sshd and it cannot be made (not root; AFCGI_TEST_STRICT=1: a failure)");
        QSKIP("no /run/sshd and it cannot be made (not root)");
    }
    const QString dir = m_fixture->path(QStringLiteral("ssh"));
    QVERIFY(QDir().mkpath(dir));
    for (const QString &key : {QStringLiteral("host"), QStringLiteral("client")}) {
        QProcess gen;
        gen.start(keygen, {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                           QString(), QStringLiteral("-f"), dir + QLatin1Char('/') + key});
        QVERIFY(gen.waitForFinished(10000));
        QCOMPARE(gen.exitCode(), 0);
    }
    QVERIFY(QFile::copy(dir + QStringLiteral("/client.pub"), dir + QStringLiteral("/authorized_keys")));
    const quint16 port = e2e::ProcessFixture::freeTcpPort();
    const QString user = qEnvironmentVariable("USER", QStringLiteral("root"));
    QString error;
    QVERIFY2(m_fixture->writeFile(QStringLiteral("ssh/sshd_config"),
                                 QStringLiteral("Port %1\nListenAddress 127.0.0.1\nHostKey %2/host\n"
                                                "PidFile %2/sshd.pid\nAuthorizedKeysFile %2/authorized_keys\n"
                                                "PubkeyAuthentication yes\nPasswordAuthentication no\n"
                                                "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
                                                "StrictModes no\nUsePAM no\n")
                                     .arg(port).arg(dir).toUtf8(),
                                 &error),
             qPrintable(error));
    QVERIFY2(m_fixture->start(sshd, {QStringLiteral("-D"), QStringLiteral("-e"), QStringLiteral("-f"),
                                     dir + QStringLiteral("/sshd_config")},
                              QStringLiteral("sshd"), QStringLiteral("127.0.0.1:%1").arg(port), &error),
             qPrintable(error));

    QString address;
    QVERIFY(startService(&address));
    gui::MonitorClient client;
    client.setRetryInterval(200);
    client.setSocketName(monitorPath());
    client.setVia(QStringLiteral("%1 -F /dev/null -i %2/client -p %3 -o BatchMode=yes -o StrictHostKeyChecking=no "
                                 "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR %4@127.0.0.1")
                      .arg(ssh, dir).arg(port).arg(user),
                  e2e::ProcessFixture::afcgidPath());
    QSignalSpy hello(&client, &gui::MonitorClient::helloReceived);
    QSignalSpy ticks(&client, &gui::MonitorClient::tickReceived);
    QSignalSpy acks(&client, &gui::MonitorClient::ackReceived);
    client.start();
    QVERIFY2(hello.count() > 0 || hello.wait(10000), qPrintable(client.refusal()));
    QVERIFY(ticks.count() > 0 || ticks.wait(5000));
    monitor::Command limit;
    limit.cmd = QStringLiteral("set-limit");
    limit.limit = QStringLiteral("max-conns");
    limit.value = 321;
    QVERIFY(client.sendCommand(limit));
    QVERIFY(acks.wait(5000));
    QCOMPARE(e2e::ProcessFixture::afcgidStatus(address).value(QStringLiteral("limits")).toObject()
                 .value(QStringLiteral("max_conns")).toInt(), 321);
    // Who did it, as the service saw it: the relay sshd started for our user.
    QTRY_VERIFY(m_fixture->log(QStringLiteral("afcgid")).contains("admin: set-limit max-conns=321 by uid "));
    client.stop();
}

QTEST_MAIN(tst_MonitorRelay)
#include "tst_monitor_relay.moc"
