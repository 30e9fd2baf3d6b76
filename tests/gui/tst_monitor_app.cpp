// afcgi-monitor's window (offscreen) against the real afcgid process: in-flight /delay requests
// in the table, samples in the chart, the log view's filters, and a reconnect to a restarted
// service that shows the new pid and nothing stale.

#include "chartspage.h"
#include "completionmodel.h"
#include "connectionmodel.h"
#include "fcgiclient.h"
#include "logfilterproxy.h"
#include "logmodel.h"
#include "logpage.h"
#include "mainwindow.h"
#include "processfixture.h"
#include "requesttablemodel.h"
#include "throughputchart.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace afcgi;
using namespace afcgi::gui;

namespace {
constexpr int kSlow = 5;   // /delay requests kept in flight on one connection
constexpr int kQuick = 20; // /hello requests that come and go
constexpr int kRestartTimeoutMs = 15000;

bool logContains(const LogModel &model, const QString &text)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.entryAt(row).message.contains(text))
            return true;
    }
    return false;
}

QString connectedTo(qint64 pid)
{
    return QStringLiteral("Connected to pid %1,").arg(pid);
}

// A real afcgid (2 workers, on a free TCP port, its monitor socket in a private directory) and
// the window watching it, connected.
struct Watched
{
    e2e::ProcessFixture fixture;
    QString address;
    QString monitorName;
    QStringList arguments;
    QProcess *service = nullptr;
    std::unique_ptr<MainWindow> window;

    bool start(const QStringList &extra, QString *error)
    {
        address = QStringLiteral("127.0.0.1:%1").arg(e2e::ProcessFixture::freeTcpPort());
        monitorName = fixture.path(QStringLiteral("monitor.sock"));
        arguments = QStringList{ QStringLiteral("--listen"), address, QStringLiteral("--monitor"),
                                 monitorName, QStringLiteral("--threads"), QStringLiteral("2") }
            + extra;
        service = fixture.startAfcgid(arguments, address, error);
        if (!service)
            return false;
        window = std::make_unique<MainWindow>(monitorName);
        window->client()->setRetryInterval(200);
        window->resize(1100, 700);
        if (QGuiApplication::platformName() == QLatin1String("offscreen"))
            QTest::ignoreMessage(QtWarningMsg, "This plugin does not support propagateSizeHints()");
        window->show();
        window->start();
        return true;
    }
    bool restart(QString *error)
    {
        service = fixture.startAfcgid(arguments, address, error);
        return service != nullptr;
    }
    bool connected() const { return window->statusText().startsWith(connectedTo(service->processId())); }
};
} // namespace

class tst_MonitorApp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void followsTheRealService();
    void requestsFromBeforeAttachLeave();
    void shortConnectionsLeaveNoGhosts();
};

void tst_MonitorApp::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // QSettings go to a test location
    QCoreApplication::setOrganizationName(QStringLiteral("afcgi-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_monitor_app"));
}

void tst_MonitorApp::init()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
#endif
}

void tst_MonitorApp::followsTheRealService()
{
    e2e::ProcessFixture fixture;
    QVERIFY(fixture.isValid());
    const QString address = QStringLiteral("127.0.0.1:%1").arg(e2e::ProcessFixture::freeTcpPort());
    const QString monitorName = fixture.path(QStringLiteral("monitor.sock"));
    const QStringList arguments{ QStringLiteral("--listen"), address, QStringLiteral("--monitor"),
                                 monitorName, QStringLiteral("--threads"), QStringLiteral("2") };
    QString error;
    QProcess *service = fixture.startAfcgid(arguments, address, &error);
    QVERIFY2(service, qPrintable(error));
    const qint64 firstPid = service->processId();

    MainWindow window(monitorName);
    window.client()->setRetryInterval(200);
    window.resize(1100, 700);
    if (QGuiApplication::platformName() == QLatin1String("offscreen"))
        QTest::ignoreMessage(QtWarningMsg, "This plugin does not support propagateSizeHints()");
    window.show();
    window.start();
    QTRY_VERIFY2(window.statusText().startsWith(connectedTo(firstPid)), qPrintable(window.statusText()));

    // M long requests and N quick ones, multiplexed on one connection.
    FcgiClient client;
    client.connectToServer(address);
    QVERIFY(client.waitForConnected());
    QSet<int> slowIds;
    for (int i = 0; i < kSlow; ++i) {
        const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", "/delay?ms=60000"));
        client.sendStdin(id, {});
        slowIds.insert(id);
    }
    int answered = 0;
    connect(&client, &FcgiClient::requestEnded, this, [&answered] { ++answered; });
    for (int i = 0; i < kQuick; ++i) {
        const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", "/hello"));
        client.sendStdin(id, {});
    }
    QTRY_COMPARE(answered, kQuick);

    // The table shows exactly the in-flight requests, with their real ids, on one connection.
    RequestTableModel *requests = window.requestModel();
    QTRY_COMPARE(window.completionModel()->rowCount(), kQuick);
    QTRY_COMPARE(requests->rowCount(), kSlow);
    QCOMPARE(window.requestView()->model()->rowCount(), kSlow);
    QSet<int> shownIds;
    const quint64 connectionId = requests->requestAt(0).connectionId;
    for (int row = 0; row < requests->rowCount(); ++row) {
        const monitor::RequestInfo &r = requests->requestAt(row);
        QCOMPARE(r.connectionId, connectionId);
        QCOMPARE(r.uri, QStringLiteral("/delay?ms=60000"));
        shownIds.insert(r.requestId);
    }
    QCOMPARE(shownIds, slowIds);
    const ConnectionModel *connections = window.connectionModel();
    QTRY_COMPARE(connections->rowCount(), 1);
    QCOMPARE(connections->inFlight(connectionId).size(), kSlow);
    for (int row = 0; row < window.completionModel()->rowCount(); ++row) {
        QCOMPARE(window.completionModel()->completionAt(row).status, 200);
        QCOMPARE(window.completionModel()->completionAt(row).uri, QStringLiteral("/hello"));
    }

    // The charts receive a sample per tick.
    const ThroughputChart *chart = window.chartsPage()->throughputChart();
    const int samples = chart->sampleCount();
    QTRY_VERIFY(chart->sampleCount() >= samples + 3);
    QCOMPARE(window.chartsPage()->latencyChart()->sampleCount(), chart->sampleCount());
    QCOMPARE(window.chartsPage()->statText(QStringLiteral("requests-active")), QString::number(kSlow));

    // A request the web server gives up on leaves the table and is listed as aborted.
    const quint16 abandoned = quint16(*slowIds.cbegin());
    client.abortRequest(abandoned);
    QTRY_COMPARE(requests->rowCount(), kSlow - 1);
    QCOMPARE(requests->findRow(connectionId, abandoned), -1);
    QTRY_COMPARE(window.completionModel()->rowCount(), kQuick + 1);
    QVERIFY(window.completionModel()->completionAt(kQuick).aborted);

    // The service's log level from the app; the service logs it, and the log view filters.
    QComboBox *level = window.findChild<QComboBox *>(QStringLiteral("serviceLogLevel"));
    QVERIFY(level);
    QTRY_VERIFY(level->isEnabled());
    level->setCurrentIndex(level->findText(QStringLiteral("debug")));
    Q_EMIT level->activated(level->currentIndex());
    QTRY_VERIFY(logContains(*window.logModel(), QStringLiteral("log level set to debug")));
    LogPage *logs = window.logPage();
    logs->searchEdit()->setText(QStringLiteral("LOG LEVEL SET TO"));
    QCOMPARE(logs->proxy()->rowCount(), 1);
    logs->levelCombo()->setCurrentIndex(LogModel::Error); // it is an info line
    QCOMPARE(logs->proxy()->rowCount(), 0);
    logs->levelCombo()->setCurrentIndex(LogModel::Debug);
    logs->searchEdit()->clear();
    QCOMPARE(logs->proxy()->rowCount(), window.logModel()->rowCount());

    // The service dies: the app says so, keeps no rows, and reconnects to its successor.
    service->kill();
    QVERIFY(service->waitForFinished(5000));
    QTRY_VERIFY2(window.statusText().startsWith(QLatin1String("Disconnected")),
                 qPrintable(window.statusText()));
    QCOMPARE(requests->rowCount(), 0);
    QCOMPARE(connections->rowCount(), 0);

    service = fixture.startAfcgid(arguments, address, &error);
    QVERIFY2(service, qPrintable(error));
    const qint64 secondPid = service->processId();
    QVERIFY(secondPid != firstPid);
    QTRY_VERIFY2_WITH_TIMEOUT(window.statusText().startsWith(connectedTo(secondPid)),
                              qPrintable(window.statusText()), kRestartTimeoutMs);
    QCOMPARE(window.hello().pid, secondPid);
    QCOMPARE(requests->rowCount(), 0);
    QCOMPARE(window.completionModel()->rowCount(), 0); // the old process's completions are gone
    QVERIFY(logContains(*window.logModel(), QStringLiteral("The service restarted")));

    // And it follows the new process.
    FcgiClient again;
    again.connectToServer(address);
    QVERIFY(again.waitForConnected());
    const quint16 id = again.beginRequest(FcgiClient::requestParams("GET", "/delay?ms=60000"));
    again.sendStdin(id, {});
    QTRY_COMPARE(requests->rowCount(), 1);
    QCOMPARE(requests->requestAt(0).requestId, id);
    again.abortRequest(id);
    QTRY_COMPARE(requests->rowCount(), 0);
    QCOMPARE(window.resyncCount(), 0); // the ticks alone kept the table right
}

void tst_MonitorApp::requestsFromBeforeAttachLeave()
{
    // Requests already in flight when the monitor attaches come in its snapshot; their ends
    // must still arrive in ticks, or they would stay in the table for ever.
    e2e::ProcessFixture fixture;
    QVERIFY(fixture.isValid());
    const QString address = QStringLiteral("127.0.0.1:%1").arg(e2e::ProcessFixture::freeTcpPort());
    const QString monitorName = fixture.path(QStringLiteral("monitor.sock"));
    QString error;
    QProcess *service = fixture.startAfcgid({ QStringLiteral("--listen"), address, QStringLiteral("--monitor"),
                                              monitorName, QStringLiteral("--threads"), QStringLiteral("2") },
                                            address, &error);
    QVERIFY2(service, qPrintable(error));
    FcgiClient client;
    client.connectToServer(address);
    QVERIFY(client.waitForConnected());
    const quint16 longOne = client.beginRequest(FcgiClient::requestParams("GET", "/delay?ms=60000"));
    client.sendStdin(longOne, {});
    for (int i = 0; i < 2; ++i) {
        const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", "/delay?ms=1500"));
        client.sendStdin(id, {});
    }
    // A barrier: one connection's records are handled in order, so once this is answered the
    // three requests before it are in flight, before any monitor is attached.
    const quint16 barrier = client.beginRequest(FcgiClient::requestParams("GET", "/hello"));
    client.sendStdin(barrier, {});
    QTRY_VERIFY(client.response(barrier).ended);

    MainWindow window(monitorName);
    window.client()->setRetryInterval(200);
    window.start();
    RequestTableModel *requests = window.requestModel();
    QTRY_COMPARE(requests->rowCount(), 3);
    const quint64 connectionId = requests->requestAt(0).connectionId;
    QVERIFY(requests->findRow(connectionId, longOne) >= 0);
    client.abortRequest(longOne); // ends by abort
    QTRY_COMPARE(requests->findRow(connectionId, longOne), -1);
    QTRY_COMPARE_WITH_TIMEOUT(requests->rowCount(), 0, 5000); // the others end by their timer
    QTRY_COMPARE(window.completionModel()->rowCount(), 3);
    // The ticks alone did it: no snapshot had to put the table right.
    QCOMPARE(window.resyncCount(), 0);
}

void tst_MonitorApp::shortConnectionsLeaveNoGhosts()
{
    // Behind lighttpd or Caddy every request has a connection of its own, opened and closed
    // within one tick: the tick lists it as opened and as closed, and it must not stay.
    Watched w;
    QVERIFY(w.fixture.isValid());
    QString error;
    QVERIFY2(w.start({}, &error), qPrintable(error));
    QTRY_VERIFY2(w.connected(), qPrintable(w.window->statusText()));
    for (int i = 0; i < 30; ++i) {
        FcgiClient client;
        client.connectToServer(w.address);
        QVERIFY(client.waitForConnected());
        const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", "/hello"));
        client.sendStdin(id, {});
        QTRY_VERIFY(client.response(id).ended);
        client.disconnectFromServer();
    }
    QTRY_COMPARE(w.window->completionModel()->rowCount(), 30);
    // The service says none is open, and so does the table.
    QTRY_COMPARE(w.window->chartsPage()->statText(QStringLiteral("connections-open")), QStringLiteral("0"));
    QTRY_COMPARE(w.window->connectionModel()->rowCount(), 0);
}

QTEST_MAIN(tst_MonitorApp)
#include "tst_monitor_app.moc"
