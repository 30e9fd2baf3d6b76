// The monitor channel's admin commands against the real afcgid: each one's effect seen in
// /status (or on the FastCGI connection it acts on) and in the service's log line that names
// who asked, and the refusals of a read-only channel (--monitor-admin off).
#include "e2etest.h"
#include "fcgiclient.h"
#include "monitorprotocol.h"

#include "cgiresponse.h"

#include <QFile>
#include <QLocalSocket>
#include <QSignalSpy>
#include <QtTest>

using namespace afcgi;

namespace {

// A monitor session: keeps the hello and snapshot, sends commands and waits for their answers.
class Session
{
public:
    explicit Session(const QString &path) : m_path(path) {}
    // Connects (the channel opens a moment after the FastCGI listener) and reads the greeting.
    bool waitForHello()
    {
        return QTest::qWaitFor([this] {
            if (m_socket.state() == QLocalSocket::UnconnectedState)
                m_socket.connectToServer(m_path);
            read();
            return hello.has_value();
        }, 5000);
    }
    // The `ack` or `error` for `command` (the first answer whose cmd is this command's).
    std::optional<monitor::Message> ask(const monitor::Command &command)
    {
        m_socket.write(monitor::encode(command));
        std::optional<monitor::Message> answer;
        (void)QTest::qWaitFor([&] {
            read();
            for (qsizetype i = 0; i < m_answers.size(); ++i) {
                const monitor::Message &m = m_answers.at(i);
                const auto *ack = std::get_if<monitor::Ack>(&m);
                const auto *error = std::get_if<monitor::Error>(&m);
                if ((ack && ack->cmd == command.cmd) || (error && error->cmd == command.cmd)) {
                    answer = m_answers.takeAt(i);
                    return true;
                }
            }
            return false;
        }, 5000);
        return answer;
    }
    // The snapshot's request with this URI.
    std::optional<monitor::RequestInfo> request(const QString &uri)
    {
        for (const monitor::RequestInfo &r : std::as_const(snapshot.requests)) {
            if (r.uri == uri)
                return r;
        }
        return std::nullopt;
    }

    std::optional<monitor::Hello> hello;
    monitor::Snapshot snapshot;

private:
    void read()
    {
        if (m_socket.state() != QLocalSocket::ConnectedState)
            return;
        m_splitter.feed(m_socket.readAll());
        while (auto line = m_splitter.next()) {
            auto message = monitor::decodeMessage(*line);
            if (!message)
                continue;
            if (auto *h = std::get_if<monitor::Hello>(&*message))
                hello = *h;
            else if (auto *s = std::get_if<monitor::Snapshot>(&*message))
                snapshot = *s;
            else if (std::holds_alternative<monitor::Ack>(*message) || std::holds_alternative<monitor::Error>(*message))
                m_answers.append(*message);
        }
    }

    QString m_path;
    QLocalSocket m_socket;
    monitor::LineSplitter m_splitter;
    QList<monitor::Message> m_answers;
};

monitor::Command command(const QString &cmd)
{
    monitor::Command c;
    c.cmd = cmd;
    return c;
}

QString ackText(const std::optional<monitor::Message> &answer)
{
    if (!answer)
        return QStringLiteral("(no answer)");
    if (const auto *ack = std::get_if<monitor::Ack>(&*answer))
        return QStringLiteral("ack: ") + ack->message;
    return QStringLiteral("error: ") + std::get<monitor::Error>(*answer).message;
}

qint64 statusLimit(const QJsonObject &status, const char *key)
{
    return status.value(QStringLiteral("limits")).toObject().value(QLatin1String(key)).toInteger(-1);
}

} // namespace

class tst_E2eAdmin : public e2e::E2eTest
{
    Q_OBJECT
private Q_SLOTS:
    void configTellsOrigins();
    void setLimit();
    void reload();
    void abortRequest();
    void closeConnection();
    void pauseListener();
    void drain();
    void readOnlyChannelRefuses();

private:
    // afcgid on a free port with its monitor channel; its address in `address`.
    bool start(const QStringList &extra, QString *address);
    QString monitorPath() const { return m_fixture->path(QStringLiteral("monitor.sock")); }
    bool logHas(const QByteArray &text) const
    {
        return QTest::qWaitFor([&] { return m_fixture->log(QStringLiteral("afcgid")).contains(text); }, 5000);
    }
};

bool tst_E2eAdmin::start(const QStringList &extra, QString *address)
{
    *address = QStringLiteral("127.0.0.1:%1").arg(e2e::ProcessFixture::freeTcpPort());
    QString error;
    QProcess *process = m_fixture->startAfcgid(QStringList{QStringLiteral("--listen"), *address,
                                                           QStringLiteral("--threads"), QStringLiteral("2")} + extra,
                                               *address, &error);
    if (!process)
        qWarning().noquote() << error;
    return process != nullptr;
}

void tst_E2eAdmin::configTellsOrigins()
{
    QString error;
    QVERIFY(m_fixture->writeFile(QStringLiteral("afcgid.ini"), "idle-timeout = 1234\n", &error));
    QString address;
    QVERIFY(start({QStringLiteral("--config"), m_fixture->path(QStringLiteral("afcgid.ini")),
                   QStringLiteral("--max-conns"), QStringLiteral("77")}, &address));
    Session session(monitorPath());
    QVERIFY(session.waitForHello());
    QCOMPARE(session.hello->admin, std::optional<bool>(true));
    const auto answer = session.ask(command(QStringLiteral("config")));
    QVERIFY2(answer && std::holds_alternative<monitor::Ack>(*answer), qPrintable(ackText(answer)));
    QHash<QString, monitor::Setting> settings;
    for (const monitor::Setting &s : std::get<monitor::Ack>(*answer).settings)
        settings.insert(s.key, s);
    QCOMPARE(settings.value(QStringLiteral("max-conns")).value, QStringLiteral("77"));
    QCOMPARE(settings.value(QStringLiteral("max-conns")).origin, QStringLiteral("command line"));
    QVERIFY(settings.value(QStringLiteral("max-conns")).live);
    QCOMPARE(settings.value(QStringLiteral("idle-timeout")).value, QStringLiteral("1234"));
    QVERIFY(settings.value(QStringLiteral("idle-timeout")).origin.startsWith(QLatin1String("config file ")));
    QCOMPARE(settings.value(QStringLiteral("request-timeout")).origin, QStringLiteral("default"));
    QCOMPARE(settings.value(QStringLiteral("threads")).value, QStringLiteral("2"));
    QVERIFY(!settings.value(QStringLiteral("threads")).live);
    QCOMPARE(settings.value(QStringLiteral("listen")).value, address);
}

void tst_E2eAdmin::setLimit()
{
    QString address;
    QVERIFY(start({}, &address));
    Session session(monitorPath());
    QVERIFY(session.waitForHello());
    monitor::Command c = command(QStringLiteral("set-limit"));
    c.limit = QStringLiteral("max-conns");
    c.value = 50;
    auto answer = session.ask(c);
    QCOMPARE(ackText(answer), QStringLiteral("ack: max-conns 10000 → 50"));
    QCOMPARE(statusLimit(e2e::ProcessFixture::afcgidStatus(address), "max_conns"), qint64(50));
    QVERIFY(logHas("admin: set-limit max-conns=50 by uid "));
    QVERIFY(logHas("- done: max-conns 10000 → 50"));

    c.limit = QStringLiteral("threads");
    c.value = 4;
    answer = session.ask(c);
    QVERIFY2(ackText(answer).startsWith(QLatin1String("error: 'threads' cannot change while the service runs")),
             qPrintable(ackText(answer)));
    c.limit = QStringLiteral("max-conns");
    c.value = 0;
    QVERIFY(ackText(session.ask(c)).startsWith(QLatin1String("error: --max-conns: expected a whole number")));
    c.value.reset();
    QCOMPARE(ackText(session.ask(c)), QStringLiteral("error: set-limit needs \"limit\" and \"value\""));
    QCOMPARE(statusLimit(e2e::ProcessFixture::afcgidStatus(address), "max_conns"), qint64(50));
}

void tst_E2eAdmin::reload()
{
    QString error;
    const QString ini = m_fixture->path(QStringLiteral("afcgid.ini"));
    QVERIFY(m_fixture->writeFile(QStringLiteral("afcgid.ini"), "idle-timeout = 1234\n", &error));
    QString address;
    QVERIFY(start({QStringLiteral("--config"), ini}, &address));
    Session session(monitorPath());
    QVERIFY(session.waitForHello());
    QVERIFY(m_fixture->writeFile(QStringLiteral("afcgid.ini"), "idle-timeout = 4321\n", &error));
    QCOMPARE(ackText(session.ask(command(QStringLiteral("reload")))),
             QStringLiteral("ack: reloaded: idle-timeout 1234 → 4321"));
    QCOMPARE(statusLimit(e2e::ProcessFixture::afcgidStatus(address), "idle_timeout_ms"), qint64(4321));
    QVERIFY(logHas("admin: reload by uid "));

    QVERIFY(m_fixture->writeFile(QStringLiteral("afcgid.ini"), "idle-timeout = soon\n", &error));
    const QString refused = ackText(session.ask(command(QStringLiteral("reload"))));
    QVERIFY2(refused.startsWith(QLatin1String("error: configuration not reloaded: ")), qPrintable(refused));
    QVERIFY(logHas("- failed: configuration not reloaded"));
    QCOMPARE(statusLimit(e2e::ProcessFixture::afcgidStatus(address), "idle_timeout_ms"), qint64(4321));
}

void tst_E2eAdmin::abortRequest()
{
    QString address;
    QVERIFY(start({}, &address));
    FcgiClient client;
    client.connectToServer(address);
    QVERIFY(client.waitForConnected());
    const quint16 waiting = client.sendGet("/delay?ms=60000");
    const quint16 streaming = client.sendGet("/stream?count=1000&interval_ms=20");
    QTRY_VERIFY(!client.response(streaming).out.isEmpty());
    QTRY_COMPARE(e2e::ProcessFixture::activeRequests(e2e::ProcessFixture::afcgidStatus(address)), 2);

    Session session(monitorPath());
    QVERIFY(session.waitForHello());
    QTRY_VERIFY(session.ask(command(QStringLiteral("config"))) && session.request(QStringLiteral("/delay?ms=60000")));
    const monitor::RequestInfo info = *session.request(QStringLiteral("/delay?ms=60000"));
    monitor::Command c = command(QStringLiteral("abort-request"));
    c.connectionId = info.connectionId;
    c.requestId = info.requestId;
    QCOMPARE(ackText(session.ask(c)),
             QStringLiteral("ack: request %1 on connection %2 aborted").arg(info.requestId).arg(info.connectionId));
    // Nothing was sent yet: the web server gets a 503.
    QTRY_VERIFY(client.response(waiting).ended);
    const auto response = parseCgiResponse(client.response(waiting).out);
    QVERIFY(response);
    QCOMPARE(response->status, 503);
    QVERIFY(logHas(QStringLiteral("admin: abort-request connection %1 request %2 by uid ")
                       .arg(info.connectionId).arg(info.requestId).toUtf8()));

    // Headers and some of the body went out: the stream simply ends.
    c.requestId = streaming;
    QVERIFY(ackText(session.ask(c)).startsWith(QLatin1String("ack: ")));
    QTRY_VERIFY(client.response(streaming).ended);
    QVERIFY(client.response(streaming).outClosed);
    QVERIFY(!client.response(streaming).out.contains("Aborted by the operator"));
    const QJsonObject status = e2e::ProcessFixture::afcgidStatus(address);
    QCOMPARE(e2e::ProcessFixture::abortedRequests(status), 2);
    QCOMPARE(e2e::ProcessFixture::activeRequests(status), 0);
    QVERIFY(client.isConnected()); // the connection goes on

    c.requestId = 999;
    QCOMPARE(ackText(session.ask(c)),
             QStringLiteral("error: no request 999 in flight on connection %1").arg(info.connectionId));
    c.connectionId.reset();
    QCOMPARE(ackText(session.ask(c)),
             QStringLiteral("error: abort-request needs \"connection_id\" and \"request_id\""));
}

void tst_E2eAdmin::closeConnection()
{
    QString address;
    QVERIFY(start({}, &address));
    FcgiClient client;
    QSignalSpy gone(&client, &FcgiClient::disconnected);
    client.connectToServer(address);
    QVERIFY(client.waitForConnected());
    client.sendGet("/delay?ms=60000");
    // In flight before the monitor attaches, so its snapshot lists it.
    QTRY_COMPARE(e2e::ProcessFixture::activeRequests(e2e::ProcessFixture::afcgidStatus(address)), 1);
    Session session(monitorPath());
    QVERIFY(session.waitForHello());
    QTRY_VERIFY(session.ask(command(QStringLiteral("config"))) && session.request(QStringLiteral("/delay?ms=60000")));
    monitor::Command c = command(QStringLiteral("close-connection"));
    c.connectionId = session.request(QStringLiteral("/delay?ms=60000"))->connectionId;
    QCOMPARE(ackText(session.ask(c)), QStringLiteral("ack: connection %1 closed").arg(*c.connectionId));
    QVERIFY(gone.count() > 0 || gone.wait(5000));
    // Asked once per try and judged on that answer: asking again after a good one opens another
    // /status connection while the last one's close may not be counted yet.
    int open = -1;
    const bool closed = QTest::qWaitFor([&] {
        open = e2e::ProcessFixture::afcgidStatus(address).value(QStringLiteral("connections")).toObject()
                   .value(QStringLiteral("open")).toInt(-1);
        return open == 1; // the /status request's own
    }, 5000);
    QVERIFY2(closed, qPrintable(QStringLiteral("%1 connections open").arg(open)));
    QVERIFY(logHas("admin: close-connection connection "));
    c.connectionId = 424242;
    QCOMPARE(ackText(session.ask(c)), QStringLiteral("error: no connection 424242"));
}

void tst_E2eAdmin::pauseListener()
{
    QString address;
    QVERIFY(start({}, &address));
    Session session(monitorPath());
    QVERIFY(session.waitForHello());
    monitor::Command c = command(QStringLiteral("pause-listener"));
    c.listener = address;
    QCOMPARE(ackText(session.ask(c)), QStringLiteral("ack: listener %1 paused").arg(address));
    QVERIFY(logHas("admin: pause-listener listener "));
    // The connection waits in the kernel's queue: no answer while paused.
    FcgiClient client;
    client.connectToServer(address);
    const quint16 id = client.sendGet("/hello");
    QTest::qWait(500); // a bounded wait for something that must not happen
    QVERIFY(!client.response(id).ended);
    c.cmd = QStringLiteral("resume-listener");
    QCOMPARE(ackText(session.ask(c)), QStringLiteral("ack: listener %1 accepting again").arg(address));
    QTRY_VERIFY(client.response(id).ended);
    QCOMPARE(ackText(session.ask(c)), QStringLiteral("error: listener '%1' is already accepting").arg(address));
    c.listener = QStringLiteral("10.9.9.9:1");
    QVERIFY(ackText(session.ask(c)).startsWith(QLatin1String("error: no listener '10.9.9.9:1'")));
}

void tst_E2eAdmin::drain()
{
    QString address;
    QVERIFY(start({}, &address));
    FcgiClient client;
    client.connectToServer(address);
    QVERIFY(client.waitForConnected());
    const quint16 id = client.sendGet("/delay?ms=300");
    QTRY_COMPARE(e2e::ProcessFixture::activeRequests(e2e::ProcessFixture::afcgidStatus(address)), 1);
    Session session(monitorPath());
    QVERIFY(session.waitForHello());
    QVERIFY(ackText(session.ask(command(QStringLiteral("drain")))).startsWith(QLatin1String("ack: draining")));
    QTRY_VERIFY(client.response(id).ended);
    QCOMPARE(parseCgiResponse(client.response(id).out)->status, 200); // it was let finish
    QVERIFY(logHas("admin: drain by uid "));
    QVERIFY(QTest::qWaitFor([&] { return !e2e::ProcessFixture::canConnect(address, 100); }, 5000));
}

void tst_E2eAdmin::readOnlyChannelRefuses()
{
    QString address;
    QVERIFY(start({QStringLiteral("--monitor-admin"), QStringLiteral("off")}, &address));
    Session session(monitorPath());
    QVERIFY(session.waitForHello());
    QCOMPARE(session.hello->admin, std::optional<bool>(false));
    monitor::Command c = command(QStringLiteral("set-limit"));
    c.limit = QStringLiteral("max-conns");
    c.value = 5;
    QCOMPARE(ackText(session.ask(c)),
             QStringLiteral("error: refused: the monitor channel is read-only (--monitor-admin off)"));
    QVERIFY(logHas("admin: set-limit max-conns=5 by uid "));
    QVERIFY(logHas("- refused: read-only channel"));
    QCOMPARE(statusLimit(e2e::ProcessFixture::afcgidStatus(address), "max_conns"), qint64(10000));
    monitor::Command level = command(QStringLiteral("set-log-level"));
    level.level = QStringLiteral("debug");
    QVERIFY(ackText(session.ask(level)).startsWith(QLatin1String("error: refused: ")));
    // Reading is not acting: the configuration is still told.
    const auto config = session.ask(command(QStringLiteral("config")));
    QVERIFY(config && std::holds_alternative<monitor::Ack>(*config));
}

QTEST_MAIN(tst_E2eAdmin)
#include "tst_e2e_admin.moc"
