// SIGHUP as an operator uses it: after logrotate (the --log-file is reopened) and after an edit of
// the --config file (the limits are reloaded), without dropping a connection or a request. A
// config file that no longer parses leaves the running limits alone.

#include "e2etest.h"
#include "processcontrol.h"

#include "cgiresponse.h"
#include "fcgiclient.h"

#include <QFile>
#include <QSignalSpy>
#include <QtTest>

using afcgi::FcgiClient;
using e2e::ProcessFixture;

namespace {

constexpr int kReloadTimeoutMs = 5000;
constexpr int kResponseTimeoutMs = 5000;
// What Engine::reloadLimits() and Service::reload() log; the tests wait for these lines.
constexpr char kReloadedLine[] = "limits reloaded";
constexpr char kNotReloadedLine[] = "configuration not reloaded";
constexpr qsizetype kBigHeaderBytes = 4000; // over the lowered limits below, far under the defaults
constexpr int kLowLimit = 1024;

struct Answer
{
    bool ended = false;
    int status = 0;
    QByteArray body;
};

// One request on `client`: PARAMS with an optional padding header, then the body.
quint16 send(FcgiClient &client, const QByteArray &method, const QByteArray &uri,
             qsizetype headerBytes = 0, const QByteArray &body = {})
{
    afcgi::NameValueList params = FcgiClient::requestParams(method, uri, body.isEmpty() ? -1 : body.size());
    if (headerBytes > 0)
        params.append({QByteArrayLiteral("HTTP_X_PADDING"), QByteArray(headerBytes, 'p')});
    const quint16 id = client.beginRequest(params);
    if (!body.isEmpty())
        client.sendStdin(id, body);
    client.sendStdin(id, {});
    return id;
}

Answer answerOf(const FcgiClient &client, quint16 id)
{
    Answer answer;
    const FcgiClient::Response response = client.response(id);
    answer.ended = response.ended;
    if (const auto cgi = afcgi::parseCgiResponse(response.out)) {
        answer.status = cgi->status;
        answer.body = cgi->body;
    }
    return answer;
}

// One request on a connection of its own (so it meets the limits a new connection gets), and
// its status; 0 when there was no complete answer.
int statusOnNewConnection(const QString &address, const QByteArray &method, const QByteArray &uri,
                          qsizetype headerBytes = 0, const QByteArray &body = {})
{
    FcgiClient client;
    client.connectToServer(address);
    if (!client.waitForConnected())
        return 0;
    const quint16 id = send(client, method, uri, headerBytes, body);
    if (!QTest::qWaitFor([&] { return client.response(id).ended || !client.isConnected(); },
                         kResponseTimeoutMs)) {
        return 0;
    }
    const Answer answer = answerOf(client, id);
    return answer.ended ? answer.status : 0;
}

} // namespace

class tst_E2eReload : public e2e::E2eTest
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void logFileReopened_data();
    void logFileReopened();
    void limitsReloaded_data();
    void limitsReloaded();
    void connectionSurvivesReload();
    void invalidConfigKeepsLimits_data();
    void invalidConfigKeepsLimits();

private:
    // Starts afcgid with --config <tmp>/afcgid.ini holding `config` and --log-file
    // <tmp>/service.log; the address it listens on, or an empty string and why.
    QString startWithConfig(const QByteArray &config, QString *error);
    // SIGHUP, then waits until the service log holds one more `line` than before.
    bool hangUpAndWaitFor(const char *line);
    QByteArray serviceLog() const;

    QProcess *m_afcgid = nullptr;
};

void tst_E2eReload::initTestCase()
{
    if (!e2e::canSendSignals())
        QSKIP("sends SIGHUP, which this system does not have");
    QVERIFY2(QFile::exists(ProcessFixture::afcgidPath()), qPrintable(ProcessFixture::afcgidPath()));
}

QString tst_E2eReload::startWithConfig(const QByteArray &config, QString *error)
{
    m_afcgid = nullptr;
    if (!m_fixture->writeFile(QStringLiteral("afcgid.ini"), config, error))
        return {};
    // The limits live only in the file: a flag would override whatever it says after a reload.
    const QString address = QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    m_fixture->addLog(QStringLiteral("service"));
    m_afcgid = m_fixture->startAfcgid({QStringLiteral("--listen"), address,
                                       QStringLiteral("--threads"), QStringLiteral("2"),
                                       QStringLiteral("--config"), m_fixture->path(QStringLiteral("afcgid.ini")),
                                       QStringLiteral("--log-file"), m_fixture->path(QStringLiteral("service.log"))},
                                      address, error);
    return m_afcgid ? address : QString();
}

bool tst_E2eReload::hangUpAndWaitFor(const char *line)
{
    const qsizetype before = serviceLog().count(line);
    if (!e2e::sendSignal(*m_afcgid, e2e::Signal::Reload))
        return false;
    return QTest::qWaitFor([&] { return serviceLog().count(line) > before; }, kReloadTimeoutMs);
}

QByteArray tst_E2eReload::serviceLog() const
{
    QFile file(m_fixture->path(QStringLiteral("service.log")));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void tst_E2eReload::logFileReopened_data()
{
    // Whether the config file is broken at the time of the SIGHUP: the log is reopened anyway.
    QTest::addColumn<bool>("brokenConfig");
    QTest::newRow("valid-config") << false;
    QTest::newRow("broken-config") << true;
}

void tst_E2eReload::logFileReopened()
{
    // logrotate renames the file, then sends SIGHUP: the service must write to a new file at the
    // old path, not on into the renamed one.
    QFETCH(bool, brokenConfig);
    const char *const reloadLine = brokenConfig ? kNotReloadedLine : kReloadedLine;
    QString error;
    const QString address = startWithConfig("max-params-bytes = 1024\n", &error);
    QVERIFY2(!address.isEmpty(), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(serviceLog().contains("started with"), kReloadTimeoutMs);

    const QString logPath = m_fixture->path(QStringLiteral("service.log"));
    const QString rotatedPath = m_fixture->path(QStringLiteral("service-rotated.log"));
    QVERIFY(QFile::rename(logPath, rotatedPath));
    m_fixture->addLog(QStringLiteral("service-rotated"));
    QVERIFY(!QFile::exists(logPath));
    if (brokenConfig)
        QVERIFY2(m_fixture->writeFile(QStringLiteral("afcgid.ini"), "max-params-bytes = lots\n", &error),
                 qPrintable(error));

    QVERIFY(e2e::sendSignal(*m_afcgid, e2e::Signal::Reload));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(logPath) && serviceLog().contains(reloadLine),
                             kReloadTimeoutMs);

    // A later event logs into the new file too: a request over the limit logs a warning.
    QCOMPARE(statusOnNewConnection(address, "GET", "/hello", kBigHeaderBytes), 431);
    QTRY_VERIFY_WITH_TIMEOUT(serviceLog().contains("params larger than"), kReloadTimeoutMs);

    // And nothing of it went to the renamed file, which the rotation tool may compress away.
    QFile rotated(rotatedPath);
    QVERIFY(rotated.open(QIODevice::ReadOnly));
    const QByteArray old = rotated.readAll();
    QVERIFY2(old.contains("started with"), old.constData());
    QVERIFY2(!old.contains(reloadLine), old.constData());
    QVERIFY2(!old.contains("params larger than"), old.constData());
}

void tst_E2eReload::limitsReloaded_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("uri");
    QTest::addColumn<qsizetype>("headerBytes");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("statusAfter");
    QTest::newRow("max-params-bytes-431") << QByteArray("max-params-bytes") << QByteArray("GET")
                                          << QByteArray("/hello") << kBigHeaderBytes << QByteArray() << 431;
    QTest::newRow("max-body-bytes-413") << QByteArray("max-body-bytes") << QByteArray("POST")
                                        << QByteArray("/echo") << qsizetype(0)
                                        << QByteArray(kBigHeaderBytes, 'b') << 413;
}

void tst_E2eReload::limitsReloaded()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, uri);
    QFETCH(qsizetype, headerBytes);
    QFETCH(QByteArray, body);
    QFETCH(int, statusAfter);

    QString error;
    const QString address = startWithConfig(key + " = 1048576\n", &error);
    QVERIFY2(!address.isEmpty(), qPrintable(error));
    QCOMPARE(statusOnNewConnection(address, method, uri, headerBytes, body), 200);

    QVERIFY2(m_fixture->writeFile(QStringLiteral("afcgid.ini"), key + " = " + QByteArray::number(kLowLimit) + "\n",
                                  &error),
             qPrintable(error));
    QVERIFY2(hangUpAndWaitFor(kReloadedLine), serviceLog().constData());

    QCOMPARE(statusOnNewConnection(address, method, uri, headerBytes, body), statusAfter);
    // Under the new limit everything still works.
    QCOMPARE(statusOnNewConnection(address, "GET", "/hello"), 200);
    QCOMPARE(m_afcgid->state(), QProcess::Running);
}

void tst_E2eReload::connectionSurvivesReload()
{
    // A front end's persistent connection, with a request in flight, across the reload.
    constexpr int kDelayMs = 2000;
    QString error;
    const QString address = startWithConfig("max-body-bytes = 1048576\n", &error);
    QVERIFY2(!address.isEmpty(), qPrintable(error));

    FcgiClient client;
    QSignalSpy disconnects(&client, &FcgiClient::disconnected);
    client.connectToServer(address);
    QVERIFY(client.waitForConnected());
    const quint16 delay = send(client, "GET", "/delay?ms=" + QByteArray::number(kDelayMs));
    const quint16 hello = send(client, "GET", "/hello");
    QTRY_VERIFY_WITH_TIMEOUT(client.response(hello).ended, kResponseTimeoutMs);

    // The reload lowers the params limit: it must hold on this connection too, not only on new ones.
    QVERIFY2(m_fixture->writeFile(QStringLiteral("afcgid.ini"),
                                  "max-body-bytes = 1048576\nmax-params-bytes = 1024\n", &error),
             qPrintable(error));
    QVERIFY2(hangUpAndWaitFor(kReloadedLine), serviceLog().constData());
    QVERIFY2(!client.response(delay).ended, "the /delay ended before the reload; cannot judge");

    QTRY_VERIFY_WITH_TIMEOUT(client.response(delay).ended || !client.isConnected(),
                             kDelayMs + kResponseTimeoutMs);
    const FcgiClient::Response response = client.response(delay);
    QVERIFY2(response.ended, "the connection closed before its /delay ended");
    QCOMPARE(response.protocolStatus, afcgi::ProtocolStatus::RequestComplete);
    QCOMPARE(answerOf(client, delay).status, 200);

    // The same connection takes another request after the reload.
    const quint16 after = send(client, "POST", "/echo", 0, "still here");
    QTRY_VERIFY_WITH_TIMEOUT(client.response(after).ended || !client.isConnected(), kResponseTimeoutMs);
    const Answer echoed = answerOf(client, after);
    QVERIFY(echoed.ended);
    QCOMPARE(echoed.status, 200);
    QCOMPARE(echoed.body, QByteArray("still here"));
    const quint16 tooLarge = send(client, "GET", "/hello", kBigHeaderBytes);
    QTRY_VERIFY_WITH_TIMEOUT(client.response(tooLarge).ended || !client.isConnected(), kResponseTimeoutMs);
    QCOMPARE(answerOf(client, tooLarge).status, 431);
    QVERIFY(client.isConnected());
    QCOMPARE(disconnects.count(), 0);
}

void tst_E2eReload::invalidConfigKeepsLimits_data()
{
    // Each file would raise max-params-bytes if it were taken, but is wrong somewhere.
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<bool>("removeFile");
    QTest::newRow("bad-number") << QByteArray("max-params-bytes = 65536\nmax-conns = lots\n") << false;
    QTest::newRow("out-of-range") << QByteArray("max-params-bytes = 65536\nmax-requests-per-conn = 0\n") << false;
    QTest::newRow("unknown-key") << QByteArray("max-params-bytes = 65536\nno-such-setting = 1\n") << false;
    QTest::newRow("bad-listen") << QByteArray("max-params-bytes = 65536\nlisten = not an address\n") << false;
    QTest::newRow("file-removed") << QByteArray() << true;
}

void tst_E2eReload::invalidConfigKeepsLimits()
{
    QFETCH(QByteArray, config);
    QFETCH(bool, removeFile);

    QString error;
    const QString address = startWithConfig("max-params-bytes = " + QByteArray::number(kLowLimit) + "\n", &error);
    QVERIFY2(!address.isEmpty(), qPrintable(error));
    QCOMPARE(statusOnNewConnection(address, "GET", "/hello", kBigHeaderBytes), 431);

    const QString ini = m_fixture->path(QStringLiteral("afcgid.ini"));
    if (removeFile)
        QVERIFY(QFile::remove(ini));
    else
        QVERIFY2(m_fixture->writeFile(QStringLiteral("afcgid.ini"), config, &error), qPrintable(error));
    QVERIFY2(hangUpAndWaitFor(kNotReloadedLine), serviceLog().constData());
    QVERIFY2(!serviceLog().contains(kReloadedLine), serviceLog().constData());

    // Still serving, with the limits it had.
    QCOMPARE(m_afcgid->state(), QProcess::Running);
    QCOMPARE(statusOnNewConnection(address, "GET", "/hello", kBigHeaderBytes), 431);
    QCOMPARE(statusOnNewConnection(address, "GET", "/hello"), 200);

    // Once the file is fixed, the next SIGHUP takes it.
    QVERIFY2(m_fixture->writeFile(QStringLiteral("afcgid.ini"), "max-params-bytes = 65536\n", &error),
             qPrintable(error));
    QVERIFY2(hangUpAndWaitFor(kReloadedLine), serviceLog().constData());
    QCOMPARE(statusOnNewConnection(address, "GET", "/hello", kBigHeaderBytes), 200);
}

QTEST_GUILESS_MAIN(tst_E2eReload)
#include "tst_e2e_reload.moc"
