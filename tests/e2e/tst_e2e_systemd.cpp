// Socket activation as systemd does it: systemd-socket-activate owns the listening socket and
// starts afcgid with it as fd 3 (LISTEN_FDS=1, LISTEN_PID=afcgid's pid).

#include "e2etest.h"
#include "processcontrol.h"

#include "cgiresponse.h"
#include "fcgiclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonArray>
#include <QSignalSpy>
#include <QtTest>

#include <memory>

using e2e::ProcessFixture;

class tst_E2eSystemd : public e2e::E2eTest
{
    Q_OBJECT

private Q_SLOTS:
    void socketActivation_data();
    void socketActivation();
};

void tst_E2eSystemd::socketActivation_data()
{
    QTest::addColumn<bool>("unixSocket");
    QTest::newRow("tcp") << false;
    QTest::newRow("unix") << true;
}

void tst_E2eSystemd::socketActivation()
{
    QFETCH(bool, unixSocket);
    E2E_REQUIRE_TOOL(activate, "systemd-socket-activate");
    const QString listen = unixSocket
                               ? m_fixture->path(QStringLiteral("afcgi.sock"))
                               : QStringLiteral("127.0.0.1:%1").arg(ProcessFixture::freeTcpPort());
    const QString address = unixSocket ? QStringLiteral("unix:") + listen : listen;
    QString error;
    // No --listen: the socket comes from systemd.
    QProcess *process = m_fixture->start(
        activate,
        QStringList{QStringLiteral("-l"), listen, ProcessFixture::afcgidPath()}
            + m_fixture->monitorArguments({}),
        QStringLiteral("afcgid"), address, &error);
    QVERIFY2(process, qPrintable(error));

    afcgi::FcgiClient client;
    client.connectToServer(address);
    const quint16 hello = client.beginRequest(afcgi::FcgiClient::requestParams("GET", "/hello"));
    client.sendStdin(hello, {});
    const quint16 status = client.beginRequest(afcgi::FcgiClient::requestParams("GET", "/status"));
    client.sendStdin(status, {});
    QTRY_VERIFY_WITH_TIMEOUT(client.response(hello).ended && client.response(status).ended, 10000);
    const auto helloResponse = afcgi::parseCgiResponse(client.response(hello).out);
    QVERIFY(helloResponse);
    QCOMPARE(helloResponse->body, QByteArray("Hello world\n"));
    const auto statusResponse = afcgi::parseCgiResponse(client.response(status).out);
    QVERIFY(statusResponse);
    const QJsonObject json = QJsonDocument::fromJson(statusResponse->body).object();
    QCOMPARE(json.value(QStringLiteral("listeners")).toArray(),
             QJsonArray{QStringLiteral("fd:3")});

    QVERIFY(e2e::sendSignal(*process, e2e::Signal::Terminate));
    QVERIFY(process->waitForFinished(10000));
    QCOMPARE(process->exitStatus(), QProcess::NormalExit);
    QCOMPARE(process->exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_E2eSystemd)
#include "tst_e2e_systemd.moc"
