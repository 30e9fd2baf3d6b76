// afcgi-monitor's admin actions (offscreen) against the real afcgid: abort a request, close a
// connection, pause and resume a listener, set a limit, show the configuration, reload, drain
// and stop — each asked first where it is destructive (No does nothing), each answer shown —
// and a read-only channel (--monitor-admin off) whose actions are disabled and whose refusal is
// shown.

#include "adminactions.h"
#include "configdialog.h"
#include "connectionmodel.h"
#include "fcgiclient.h"
#include "loglevelcontrol.h"
#include "requesttablemodel.h"
#include "routespage.h"
#include "servicestate.h"
#include "setlimitdialog.h"
#include "settingsmodel.h"
#include "watchedservice.h"

#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>

#include <memory>

using namespace afcgi;
using namespace afcgi::gui;

namespace {

// The confirmation an action opened (it opens at once, without blocking), or null.
QMessageBox *confirmation(QWidget *window)
{
    for (QMessageBox *box : window->findChildren<QMessageBox *>(QStringLiteral("adminConfirm"))) {
        if (box->isVisible())
            return box;
    }
    return nullptr;
}

// Connects `client` and starts a request that runs for a minute: its id, or 0 when the client
// could not connect.
quint16 startLongRequest(FcgiClient &client, const QString &address)
{
    client.connectToServer(address);
    if (!client.waitForConnected())
        return 0;
    const quint16 id = client.beginRequest(FcgiClient::requestParams("GET", "/delay?ms=60000"));
    client.sendStdin(id, {});
    return id;
}

// Selects a row of a view over a sort proxy by its source row.
void selectSourceRow(QTableView *view, int sourceRow)
{
    auto *proxy = static_cast<QSortFilterProxyModel *>(view->model());
    view->selectRow(proxy->mapFromSource(proxy->sourceModel()->index(sourceRow, 0)).row());
}

QAction *listenerAction(QMenu *menu, const QString &listener)
{
    for (QAction *action : menu->actions()) {
        if (action->text() == listener)
            return action;
    }
    return nullptr;
}

// The service answers one monitor's commands in order: once a snapshot asked for now has come,
// any command sent before it has been answered. True when the snapshot came.
bool commandsSettled(MonitorClient *client)
{
    QSignalSpy snapshot(client, &MonitorClient::snapshotReceived);
    return client->sendCommand(monitor::Command(QStringLiteral("snapshot"))) && snapshot.wait();
}

// Lets one monitor tick pass: a connection the service would accept shows in it.
bool tickPasses(MonitorClient *client)
{
    QSignalSpy spy(client, &MonitorClient::tickReceived);
    return spy.wait();
}

} // namespace

class tst_AdminActions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void abortRequest();
    void closeConnection();
    void pauseAndResumeListener();
    void setLimitConfigAndReload();
    void routesTab();
    void drainThenStop();
    void readOnlyChannel();

private:
    Watched m_w;
    AdminActions *m_actions = nullptr;
    std::unique_ptr<QSignalSpy> m_answers; // every admin answer the app got
};

void tst_AdminActions::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("afcgi-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_adminactions"));
    QVERIFY(m_w.fixture.isValid());
    QString error;
    QVERIFY2(m_w.start({ QStringLiteral("--shutdown-grace"), QStringLiteral("20000") }, &error), qPrintable(error));
    QTRY_VERIFY2(m_w.connected(), qPrintable(m_w.window->statusText()));
    m_actions = m_w.window->adminActions();
    m_answers = std::make_unique<QSignalSpy>(m_actions, &AdminActions::answered);
    QTRY_VERIFY(m_actions->writable());
}

void tst_AdminActions::init()
{
#if QT_VERSION >= QT_VERSION_CHECK(6, 3, 0)
    QTest::failOnWarning(QRegularExpression(QStringLiteral("^(?!This plugin does not support propagateSizeHints).*")));
#endif
}

void tst_AdminActions::abortRequest()
{
    FcgiClient client;
    const quint16 id = startLongRequest(client, m_w.address);
    QVERIFY(id);
    RequestTableModel *requests = m_w.window->requestModel();
    QTRY_COMPARE(requests->rowCount(), 1);
    QAction *abort = m_actions->abortRequestAction();
    QVERIFY(!abort->isEnabled()); // nothing selected
    QVERIFY(m_w.window->requestView()->actions().contains(abort)); // its context menu
    QCOMPARE(abort->shortcut(), QKeySequence(QKeySequence::Delete));
    selectSourceRow(m_w.window->requestView(), 0);
    QVERIFY(abort->isEnabled());

    // No: nothing is sent, the request runs on.
    const qsizetype answers = m_answers->size();
    abort->trigger();
    QMessageBox *box = confirmation(m_w.window.get());
    QVERIFY(box);
    const QString question = box->text() + box->informativeText();
    QVERIFY2(question.contains(QStringLiteral("request %1 on connection").arg(id))
                 && question.contains(QStringLiteral("/delay?ms=60000")), qPrintable(question));
    box->button(QMessageBox::No)->click();
    QVERIFY(commandsSettled(m_w.window->client()));
    QCOMPARE(m_answers->size(), answers);
    QCOMPARE(requests->rowCount(), 1);
    QVERIFY(!client.response(id).ended);

    // Yes: the service aborts it, the web server gets a 503, the row goes, the answer shows.
    selectSourceRow(m_w.window->requestView(), 0); // the snapshot replaced the rows
    abort->trigger();
    box = confirmation(m_w.window.get());
    QVERIFY(box);
    box->button(QMessageBox::Yes)->click();
    QTRY_VERIFY(client.response(id).ended);
    QVERIFY2(client.response(id).out.contains("503"), client.response(id).out.constData());
    QTRY_COMPARE(requests->rowCount(), 0);
    QTRY_COMPARE(m_answers->size(), answers + 1);
    QVERIFY2(m_actions->lastAnswer().contains(QStringLiteral("aborted")), qPrintable(m_actions->lastAnswer()));
    QCOMPARE(m_w.window->statusBar()->currentMessage(), m_actions->lastAnswer());
    QTRY_VERIFY(logContains(*m_w.window->logModel(), QStringLiteral("admin: abort-request")));
}

void tst_AdminActions::closeConnection()
{
    FcgiClient client;
    QSignalSpy gone(&client, &FcgiClient::disconnected);
    QVERIFY(startLongRequest(client, m_w.address));
    ConnectionModel *connections = m_w.window->connectionModel();
    // Only this one (the previous test's has gone), with its request in flight.
    QTRY_VERIFY(connections->rowCount() == 1
                && connections->inFlightCount(connections->connectionAt(0).connectionId) == 1);
    QTableView *view = m_w.window->connectionView();
    m_w.window->tabs()->setCurrentIndex(MainWindow::ConnectionsTab);
    QVERIFY(view->actions().contains(m_actions->closeConnectionAction()));
    selectSourceRow(view, 0);

    // No: the connection stays.
    const qsizetype answers = m_answers->size();
    m_actions->closeConnectionAction()->trigger();
    QMessageBox *box = confirmation(m_w.window.get());
    QVERIFY(box);
    const QString question = box->text() + box->informativeText();
    QVERIFY2(question.contains(QStringLiteral("Close connection %1").arg(connections->connectionAt(0).connectionId))
                 && question.contains(QStringLiteral("1 request in flight")), qPrintable(question));
    box->button(QMessageBox::No)->click();
    QVERIFY(commandsSettled(m_w.window->client()));
    QCOMPARE(m_answers->size(), answers);
    QCOMPARE(connections->rowCount(), 1);
    QVERIFY(client.isConnected());

    // Yes: it is closed, and its row goes.
    selectSourceRow(view, 0); // the snapshot replaced the rows
    m_actions->closeConnectionAction()->trigger();
    box = confirmation(m_w.window.get());
    QVERIFY(box);
    box->button(QMessageBox::Yes)->click();
    QTRY_COMPARE(gone.size(), 1);
    QTRY_COMPARE(connections->rowCount(), 0);
    QTRY_COMPARE(m_answers->size(), answers + 1);
    QVERIFY2(m_answers->last().at(1).toBool(), qPrintable(m_actions->lastAnswer()));
}

void tst_AdminActions::pauseAndResumeListener()
{
    QAction *pause = listenerAction(m_actions->pauseMenu(), m_w.address);
    QAction *resume = listenerAction(m_actions->resumeMenu(), m_w.address);
    QVERIFY(pause && resume);
    QVERIFY(m_actions->pauseMenu()->menuAction()->isEnabled());
    // The ticks say it is not paused: it can be paused, not resumed.
    QTRY_VERIFY(!resume->isEnabled());
    QVERIFY(pause->isEnabled());

    // No: it keeps accepting.
    const qsizetype answers = m_answers->size();
    pause->trigger();
    QMessageBox *box = confirmation(m_w.window.get());
    QVERIFY(box);
    QVERIFY2(box->text().contains(m_w.address), qPrintable(box->text()));
    box->button(QMessageBox::No)->click();
    FcgiClient before;
    before.connectToServer(m_w.address);
    QVERIFY(before.waitForConnected());
    const quint16 served = before.sendGet("/hello");
    QTRY_VERIFY(before.response(served).ended);
    QVERIFY(commandsSettled(m_w.window->client()));
    QCOMPARE(m_answers->size(), answers);

    // Yes: a new connection waits in the kernel's queue, unserved, while an open one is served.
    pause->trigger();
    box = confirmation(m_w.window.get());
    QVERIFY(box);
    box->button(QMessageBox::Yes)->click();
    QTRY_COMPARE(m_answers->size(), answers + 1);
    QVERIFY2(m_actions->lastAnswer().contains(QStringLiteral("paused")), qPrintable(m_actions->lastAnswer()));
    FcgiClient waiting;
    waiting.connectToServer(m_w.address);
    QVERIFY(waiting.waitForConnected()); // the kernel completes the handshake
    const quint16 queued = waiting.sendGet("/hello");
    const quint16 barrier = before.sendGet("/hello");
    QTRY_VERIFY(before.response(barrier).ended);
    QVERIFY(tickPasses(m_w.window->client()));
    QVERIFY(!waiting.response(queued).ended);
    // The ticks say so: only Resume is open for it now, and Pause names it as paused.
    QTRY_VERIFY(resume->isEnabled());
    QVERIFY(!pause->isEnabled());
    QCOMPARE(pause->text(), m_w.address + QStringLiteral(" (paused)"));

    // Resume (no question): it is served.
    resume->trigger();
    QVERIFY(!confirmation(m_w.window.get()));
    QTRY_VERIFY(waiting.response(queued).ended);
    QTRY_COMPARE(m_answers->size(), answers + 2);
    QVERIFY2(m_actions->lastAnswer().contains(QStringLiteral("accepting again")), qPrintable(m_actions->lastAnswer()));
    QTRY_VERIFY(pause->isEnabled());
    QCOMPARE(pause->text(), m_w.address);
    QVERIFY(!resume->isEnabled());
}

void tst_AdminActions::setLimitConfigAndReload()
{
    // Set limit… lists the live limits with their values in force.
    m_actions->setLimitAction()->trigger();
    QTRY_VERIFY(m_actions->setLimitDialog() && m_actions->setLimitDialog()->isVisible());
    SetLimitDialog *dialog = m_actions->setLimitDialog();
    QVERIFY(dialog->model()->findRow(QStringLiteral("idle-timeout")) >= 0);
    QCOMPARE(dialog->model()->findRow(QStringLiteral("threads")), -1); // not live
    QVERIFY(dialog->selectLimit(QStringLiteral("max-conns")));
    QCOMPARE(dialog->valueEdit()->text(), QStringLiteral("10000"));
    dialog->valueEdit()->setText(QStringLiteral("50"));
    dialog->accept();
    QTRY_VERIFY2(m_actions->lastAnswer().contains(QStringLiteral("max-conns 10000 → 50")),
                 qPrintable(m_actions->lastAnswer()));

    // The configuration view: the new value, set by a monitor.
    m_actions->showConfigAction()->trigger();
    QTRY_VERIFY(m_actions->configDialog() && m_actions->configDialog()->isVisible());
    const SettingsModel *settings = m_actions->configDialog()->model();
    const int row = settings->findRow(QStringLiteral("max-conns"));
    QVERIFY(row >= 0);
    QCOMPARE(settings->settingAt(row).value, QStringLiteral("50"));
    QVERIFY2(settings->settingAt(row).origin.startsWith(QStringLiteral("monitor")),
             qPrintable(settings->settingAt(row).origin));
    QCOMPARE(settings->settingAt(settings->findRow(QStringLiteral("threads"))).origin, QStringLiteral("command line"));

    // Reload puts the configured value back; the answer says so, and the open view follows.
    m_actions->reloadAction()->trigger();
    QVERIFY(!confirmation(m_w.window.get()));
    QTRY_VERIFY2(m_actions->lastAnswer().contains(QStringLiteral("max-conns 50 → 10000")),
                 qPrintable(m_actions->lastAnswer()));
    QTRY_COMPARE(settings->settingAt(settings->findRow(QStringLiteral("max-conns"))).value, QStringLiteral("10000"));
    QTRY_VERIFY(logContains(*m_w.window->logModel(), QStringLiteral("admin: reload by uid")));
    m_actions->configDialog()->close();
}

void tst_AdminActions::routesTab()
{
    // Not an action, but the same hello: the Routes tab lists what the service mounted.
    const RouteModel *routes = m_w.window->routesPage()->model();
    QVERIFY(routes->rowCount() > 0);
    bool hello = false;
    for (int row = 0; row < routes->rowCount(); ++row)
        hello = hello || (routes->routeAt(row).prefix == QLatin1String("/hello") && routes->routeAt(row).app == QLatin1String("builtin"));
    QVERIFY(hello);
    QVERIFY2(m_w.window->routesPage()->noteText().contains(QStringLiteral("routes mounted")),
             qPrintable(m_w.window->routesPage()->noteText()));
}

void tst_AdminActions::drainThenStop()
{
    FcgiClient client;
    const quint16 id = startLongRequest(client, m_w.address);
    QVERIFY(id);
    QTRY_COMPARE(m_w.window->requestModel()->rowCount(), 1);

    // No: it runs on.
    const qsizetype answers = m_answers->size();
    m_actions->drainAction()->trigger();
    QMessageBox *box = confirmation(m_w.window.get());
    QVERIFY(box);
    const QString question = box->text() + box->informativeText();
    QVERIFY2(question.contains(QString::number(m_w.service->processId()))
                 && question.contains(QStringLiteral("1 request in flight")), qPrintable(question));
    box->button(QMessageBox::No)->click();
    QVERIFY(commandsSettled(m_w.window->client()));
    QCOMPARE(m_answers->size(), answers);
    QCOMPARE(m_w.window->serviceState()->phase(), ServiceState::Phase::Running);

    // Yes: it drains, the request in flight still running.
    m_actions->drainAction()->trigger();
    box = confirmation(m_w.window.get());
    QVERIFY(box);
    box->button(QMessageBox::Yes)->click();
    QTRY_COMPARE(m_w.window->serviceState()->phase(), ServiceState::Phase::Draining);
    QVERIFY(!client.response(id).ended);

    // Stop now: the connection is closed at once and the service exits; the actions go grey.
    m_actions->stopAction()->trigger();
    box = confirmation(m_w.window.get());
    QVERIFY(box);
    box->button(QMessageBox::Yes)->click();
    QTRY_COMPARE(m_w.service->state(), QProcess::NotRunning); // the event loop runs: the command goes out
    QVERIFY(client.response(id).ended || !client.isConnected());
    QTRY_VERIFY(m_w.window->windowTitle().contains(QStringLiteral("disconnected")));
    QVERIFY(!m_actions->writable());
    for (QAction *action : { m_actions->reloadAction(), m_actions->drainAction(), m_actions->stopAction(),
                             m_actions->setLimitAction(), m_actions->showConfigAction(),
                             m_actions->abortRequestAction(), m_actions->closeConnectionAction() })
        QVERIFY2(!action->isEnabled(), qPrintable(action->text()));
}

void tst_AdminActions::readOnlyChannel()
{
    Watched w;
    QVERIFY(w.fixture.isValid());
    QString error;
    QVERIFY2(w.start({ QStringLiteral("--monitor-admin"), QStringLiteral("off") }, &error), qPrintable(error));
    QTRY_VERIFY2(w.connected(), qPrintable(w.window->statusText()));
    AdminActions *actions = w.window->adminActions();
    QTRY_VERIFY(actions->showConfigAction()->isEnabled()); // config is answered read-only too
    QVERIFY(!actions->writable());
    for (QAction *action : { actions->reloadAction(), actions->drainAction(), actions->stopAction(),
                             actions->setLimitAction(), actions->pauseMenu()->menuAction() })
        QVERIFY2(!action->isEnabled(), qPrintable(action->text()));
    QVERIFY(!w.window->logLevelControl()->combo()->isEnabled());

    // A command sent anyway is refused by the service, and the refusal is shown.
    QSignalSpy answered(actions, &AdminActions::answered);
    QVERIFY(actions->send(monitor::Command(QStringLiteral("reload"))));
    QTRY_COMPARE(answered.size(), 1);
    QVERIFY(!answered.first().at(1).toBool());
    QVERIFY2(actions->lastAnswer().contains(QStringLiteral("read-only")), qPrintable(actions->lastAnswer()));
    QVERIFY(actions->answerBox() && actions->answerBox()->isVisible());
    QVERIFY2(actions->answerBox()->informativeText().contains(QStringLiteral("refused")),
             qPrintable(actions->answerBox()->informativeText()));
    QCOMPARE(w.window->statusBar()->currentMessage(), actions->lastAnswer());

    actions->showConfigAction()->trigger();
    QTRY_VERIFY(actions->configDialog() && actions->configDialog()->isVisible());
    const SettingsModel *settings = actions->configDialog()->model();
    QCOMPARE(settings->settingAt(settings->findRow(QStringLiteral("monitor-admin"))).value, QStringLiteral("off"));
}

QTEST_MAIN(tst_AdminActions)
#include "tst_adminactions.moc"
