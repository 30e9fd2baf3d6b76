// MonitorClient against a fake afcgid: a QLocalServer in the test that writes recorded lines.

#include "mainwindow.h"
#include "monitorclient.h"

#include <QCoreApplication>
#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace afcgi::gui;
using namespace afcgi::monitor;

namespace {
constexpr int kRetryMs = 100;

QString uniqueName()
{
    static int counter = 0;
    // A path: a plain name would be looked for in the per-user channel directory.
    return QDir::temp().filePath(QStringLiteral("afcgi-tst-monitorclient-%1-%2")
                                     .arg(QCoreApplication::applicationPid())
                                     .arg(++counter));
}

Hello hello(qint64 pid)
{
    Hello h;
    h.pid = pid;
    h.serverVersion = QStringLiteral("0.1.0");
    h.startTimeMs = 1700000000000;
    h.tickIntervalMs = 250;
    h.listeners = { QStringLiteral("127.0.0.1:9000") };
    return h;
}

Tick tick(quint64 seq)
{
    Tick t;
    t.seq = seq;
    t.timeMs = 1700000000000 + qint64(seq) * 250;
    RequestInfo r;
    r.connectionId = 3;
    r.requestId = quint16(seq);
    r.uri = QStringLiteral("/delay");
    t.began = { r };
    return t;
}

// A fake service: greets each monitor with hello and a snapshot, like afcgid does.
class FakeService : public QObject
{
public:
    explicit FakeService(const QString &name, qint64 pid = 100) : m_name(name), m_pid(pid)
    {
        connect(&m_server, &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket *s = m_server.nextPendingConnection()) {
                m_client = s;
                s->write(encode(Message(hello(m_pid))));
                s->write(encode(Message(Snapshot{})));
                connect(s, &QLocalSocket::readyRead, this, [this, s] {
                    while (s->canReadLine())
                        m_received.append(s->readLine().trimmed());
                });
                connect(s, &QLocalSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    bool listen()
    {
        QLocalServer::removeServer(m_name);
        return m_server.listen(m_name);
    }
    void shutDown()
    {
        if (m_client)
            m_client->abort();
        m_server.close();
    }
    void setPid(qint64 pid) { m_pid = pid; }
    QLocalSocket *client() const { return m_client; }
    QList<QByteArray> received() const { return m_received; }

private:
    QLocalServer m_server;
    QString m_name;
    qint64 m_pid;
    QPointer<QLocalSocket> m_client;
    QList<QByteArray> m_received;
};
} // namespace

class tst_MonitorClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // the window's QSettings
    void init();
    void signalsArrive();
    void splitWritesAndMalformedLines();
    void sendsCommands();
    void reconnectsAfterServiceRestart();
    void keepsTryingUntilServiceAppears();
    void stopEndsRetrying();
    void windowAsksForSnapshot_data();
    void windowAsksForSnapshot();
};

void tst_MonitorClient::init()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
}

void tst_MonitorClient::signalsArrive()
{
    const QString name = uniqueName();
    FakeService service(name, 4242);
    QVERIFY(service.listen());
    MonitorClient client;
    client.setSocketName(name);
    client.setRetryInterval(kRetryMs);
    QSignalSpy state(&client, &MonitorClient::stateChanged);
    QSignalSpy hellos(&client, &MonitorClient::helloReceived);
    QSignalSpy snapshots(&client, &MonitorClient::snapshotReceived);
    QSignalSpy ticks(&client, &MonitorClient::tickReceived);
    QSignalSpy logs(&client, &MonitorClient::logReceived);
    QSignalSpy acks(&client, &MonitorClient::ackReceived);
    QSignalSpy errors(&client, &MonitorClient::errorReceived);
    client.start(); // on Unix a local connect may complete at once
    QTRY_COMPARE(client.state(), MonitorClient::State::Connected);
    QTRY_COMPARE(hellos.size(), 1);
    QCOMPARE(hellos.at(0).at(0).value<Hello>().pid, 4242);
    QTRY_COMPARE(snapshots.size(), 1);

    QVERIFY(service.client());
    service.client()->write(encode(Message(tick(1))) + encode(Message(tick(2))));
    service.client()->write(encode(Message(LogBatch{ { { 1, QStringLiteral("info"), QStringLiteral("afcgi.server.conn"),
                                                          QStringLiteral("hi") } },
                                                      0 })));
    service.client()->write(encode(Message(Ack{ QStringLiteral("snapshot") })));
    service.client()->write(encode(Message(Error{ QStringLiteral("unknown command") })));
    QTRY_COMPARE(errors.size(), 1);
    QCOMPARE(ticks.size(), 2);
    QCOMPARE(ticks.at(1).at(0).value<Tick>().seq, quint64(2));
    QCOMPARE(ticks.at(1).at(0).value<Tick>().began.at(0).requestId, 2);
    QCOMPARE(logs.size(), 1);
    QCOMPARE(logs.at(0).at(0).value<LogBatch>().entries.at(0).message, QStringLiteral("hi"));
    QCOMPARE(acks.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<Error>().message, QStringLiteral("unknown command"));
    QCOMPARE(state.at(0).at(0).value<MonitorClient::State>(), MonitorClient::State::Connecting);
    QCOMPARE(state.at(1).at(0).value<MonitorClient::State>(), MonitorClient::State::Connected);
}

void tst_MonitorClient::splitWritesAndMalformedLines()
{
    const QString name = uniqueName();
    FakeService service(name);
    QVERIFY(service.listen());
    MonitorClient client;
    client.setSocketName(name);
    QSignalSpy ticks(&client, &MonitorClient::tickReceived);
    QSignalSpy problems(&client, &MonitorClient::protocolError);
    client.start();
    QTRY_VERIFY(service.client());
    QTRY_COMPARE(client.state(), MonitorClient::State::Connected);

    // A tick in three writes, with malformed lines around it: each is reported, none is fatal.
    const QByteArray line = encode(Message(tick(7)));
    service.client()->write("not json\n" + line.first(5));
    service.client()->flush();
    QTest::qWait(20); // let the partial line arrive on its own (the split is the point)
    service.client()->write(line.sliced(5, 10));
    service.client()->flush();
    QTest::qWait(20);
    service.client()->write(line.sliced(15) + "{\"type\":\"nonsense\"}\n" + encode(Message(tick(8))));
    QTRY_COMPARE(ticks.size(), 2);
    QCOMPARE(ticks.at(0).at(0).value<Tick>().seq, quint64(7));
    QCOMPARE(problems.size(), 2);
    QVERIFY(problems.at(0).at(0).toString().contains(QLatin1String("not JSON")));
    QVERIFY(problems.at(1).at(0).toString().contains(QLatin1String("unknown type")));
    QCOMPARE(client.state(), MonitorClient::State::Connected);
}

void tst_MonitorClient::sendsCommands()
{
    const QString name = uniqueName();
    FakeService service(name);
    MonitorClient client;
    client.setSocketName(name);
    QVERIFY(!client.sendCommand(Command{ QStringLiteral("snapshot"), {} })); // not connected
    QVERIFY(service.listen());
    client.start();
    QTRY_COMPARE(client.state(), MonitorClient::State::Connected);
    QVERIFY(client.sendCommand(Command{ QStringLiteral("set-log-level"), QStringLiteral("debug") }));
    QVERIFY(client.sendCommand(Command{ QStringLiteral("snapshot"), {} }));
    QTRY_COMPARE(service.received().size(), 2);
    const auto first = decodeCommand(service.received().at(0));
    QVERIFY(first);
    QCOMPARE(first->cmd, QStringLiteral("set-log-level"));
    QCOMPARE(first->level, QStringLiteral("debug"));
    QCOMPARE(decodeCommand(service.received().at(1))->cmd, QStringLiteral("snapshot"));
}

void tst_MonitorClient::reconnectsAfterServiceRestart()
{
    const QString name = uniqueName();
    FakeService service(name, 1001);
    QVERIFY(service.listen());
    MonitorClient client;
    client.setSocketName(name);
    client.setRetryInterval(kRetryMs);
    QSignalSpy hellos(&client, &MonitorClient::helloReceived);
    client.start();
    QTRY_COMPARE(hellos.size(), 1);

    // The service goes away: the client notices and keeps retrying on its own.
    service.shutDown();
    QTRY_COMPARE(client.state(), MonitorClient::State::Disconnected);
    QTRY_VERIFY(client.failedAttempts() >= 2); // it tried again while nobody listened

    // A new process comes up under the same name.
    service.setPid(1002);
    QVERIFY(service.listen());
    QTRY_COMPARE(hellos.size(), 2);
    QCOMPARE(hellos.at(1).at(0).value<Hello>().pid, 1002);
    QCOMPARE(client.state(), MonitorClient::State::Connected);
    QCOMPARE(client.failedAttempts(), 0);
}

void tst_MonitorClient::keepsTryingUntilServiceAppears()
{
    const QString name = uniqueName();
    MonitorClient client;
    client.setSocketName(name);
    client.setRetryInterval(kRetryMs);
    QSignalSpy hellos(&client, &MonitorClient::helloReceived);
    client.start();
    QTRY_VERIFY(client.failedAttempts() >= 2);
    QVERIFY(client.state() != MonitorClient::State::Connected);
    FakeService service(name);
    QVERIFY(service.listen());
    QTRY_COMPARE(hellos.size(), 1);
}

void tst_MonitorClient::stopEndsRetrying()
{
    const QString name = uniqueName();
    MonitorClient client;
    client.setSocketName(name);
    client.setRetryInterval(kRetryMs);
    client.start();
    QTRY_VERIFY(client.failedAttempts() >= 1);
    client.stop();
    QCOMPARE(client.state(), MonitorClient::State::Disconnected);
    const int attempts = client.failedAttempts();
    FakeService service(name);
    QVERIFY(service.listen());
    QSignalSpy state(&client, &MonitorClient::stateChanged);
    QVERIFY(!state.wait(3 * kRetryMs)); // nothing happens after stop()
    QCOMPARE(client.failedAttempts(), attempts);
    QCOMPARE(client.state(), MonitorClient::State::Disconnected);
}

void tst_MonitorClient::windowAsksForSnapshot_data()
{
    QTest::addColumn<bool>("drops");
    QTest::addColumn<int>("ticks");
    QTest::addColumn<bool>("agrees");
    QTest::addColumn<bool>("asks");
    // A tick whose capped lists left events out and whose count the table does not match: the
    // active set is in doubt at once.
    QTest::newRow("events-dropped") << true << 1 << false << true;
    // Events left out while the table matches the count (short requests under load, every
    // tick): nothing to fix, and a snapshot would cost the service each time.
    QTest::newRow("events-dropped-table-agrees") << true << 3 << true << false;
    // The table disagrees with the service's own count tick after tick: it has drifted.
    QTest::newRow("count-drifts") << false << 8 << false << true;
    // A brief disagreement is the normal skew between a tick's counters and its events.
    QTest::newRow("brief-skew") << false << 3 << false << false;
}

void tst_MonitorClient::windowAsksForSnapshot()
{
    QFETCH(bool, drops);
    QFETCH(int, ticks);
    QFETCH(bool, agrees);
    QFETCH(bool, asks);
    const QString name = uniqueName();
    FakeService service(name);
    QVERIFY(service.listen());
    MainWindow window(name);
    window.start();
    QTRY_VERIFY(service.client());
    QTRY_COMPARE(window.client()->state(), MonitorClient::State::Connected);
    QSignalSpy received(window.client(), &MonitorClient::tickReceived);
    for (int i = 1; i <= ticks; ++i) {
        Tick t = tick(quint64(i)); // one request began: the table has one more row each time
        t.totals.requestsActive = agrees ? i : 0;
        t.beganDropped = drops ? 5 : 0;
        service.client()->write(encode(Message(t)));
    }
    QTRY_COMPARE(received.size(), ticks);
    const QByteArray snapshot = encode(Command{ QStringLiteral("snapshot"), {} }).trimmed();
    if (asks) {
        QTRY_COMPARE(service.received(), QList<QByteArray>{ snapshot });
        QCOMPARE(window.resyncCount(), 1);
    } else {
        QTest::qWait(50); // give a wrong command the chance to arrive
        QVERIFY(service.received().isEmpty());
        QCOMPARE(window.resyncCount(), 0);
    }
}

QTEST_MAIN(tst_MonitorClient)
#include "tst_monitorclient.moc"
