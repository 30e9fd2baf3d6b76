#include "adminactions.h"

#include "configdialog.h"
#include "connectionmodel.h"
#include "format.h"
#include "logmodel.h"
#include "requesttablemodel.h"
#include "setlimitdialog.h"
#include "tableview.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>

#include <algorithm>

namespace afcgi::gui {

using monitor::Command;

namespace {
constexpr int kAnswerShownMs = 10000;
constexpr int kMaxNamed = 5; // requests or connections named one by one in a question

const QStringList &adminCommands()
{
    static const QStringList commands{
        QStringLiteral("reload"),          QStringLiteral("drain"),
        QStringLiteral("stop"),            QStringLiteral("abort-request"),
        QStringLiteral("close-connection"), QStringLiteral("pause-listener"),
        QStringLiteral("resume-listener"), QStringLiteral("set-limit"),
        QStringLiteral("config"),
    };
    return commands;
}

bool hasSelection(const QTableView *view)
{
    return view && view->selectionModel() && view->selectionModel()->hasSelection();
}

// "a, b, c" for the first few lines, and how many more there are.
QString namedList(const QStringList &lines)
{
    QStringList shown = lines.mid(0, kMaxNamed);
    if (lines.size() > kMaxNamed)
        shown.append(AdminActions::tr("… and %1 more").arg(lines.size() - kMaxNamed));
    return shown.join(QLatin1Char('\n'));
}
} // namespace

AdminActions::AdminActions(MonitorClient *client, QMainWindow *window, LogModel *log, const Views &views)
    : QObject(window), m_client(client), m_window(window), m_log(log), m_views(views)
{
    m_abort = makeAction(tr("&Abort request…"),
                         tr("Abort the selected requests: their handlers see aborted(), the web "
                            "server gets a 503 or the end of the response (Delete)"),
                         &AdminActions::abortSelectedRequests);
    m_close = makeAction(tr("&Close connection…"),
                         tr("Close the selected connections at once, aborting their requests (Delete)"),
                         &AdminActions::closeSelectedConnections);
    m_reload = makeAction(tr("Re&load configuration"),
                          tr("Read the configuration again, as SIGHUP does, and show what changed"),
                          &AdminActions::reload);
    m_drain = makeAction(tr("&Drain and stop…"),
                         tr("Stop accepting, let the requests in flight finish within the shutdown "
                            "grace, then exit (as SIGTERM does)"),
                         &AdminActions::drain);
    m_stop = makeAction(tr("Stop &now…"),
                        tr("Close every connection at once and exit (as a second SIGTERM does)"),
                        &AdminActions::stop);
    m_setLimit = makeAction(tr("Set &limit…"), tr("Change a live limit or timeout of the service"),
                            &AdminActions::askLimit);
    m_showConfig = makeAction(tr("Show effective &configuration"),
                              tr("Every setting in force, and where it came from"),
                              &AdminActions::showConfig);
    m_readOnlyNote = new QAction(tr("Read-only channel: afcgid runs with --monitor-admin off"), this);
    m_readOnlyNote->setEnabled(false);
    m_readOnlyNote->setVisible(false);
    m_pauseMenu = new QMenu(tr("&Pause listener"), window);
    m_pauseMenu->setObjectName(QStringLiteral("pauseListenerMenu"));
    m_pauseMenu->menuAction()->setToolTip(tr("Stop accepting on a listener (maintenance): new "
                                             "connections wait in the kernel's queue"));
    m_resumeMenu = new QMenu(tr("Res&ume listener"), window);
    m_resumeMenu->setObjectName(QStringLiteral("resumeListenerMenu"));
    m_resumeMenu->menuAction()->setToolTip(tr("Accept on a paused listener again"));

    // Abort and close act on their view's selection: in its context menu, Delete while it has
    // the focus.
    const auto attach = [this](QAction *action, QTableView *view) {
        if (!view)
            return;
        action->setShortcut(QKeySequence::Delete);
        action->setShortcutContext(Qt::WidgetShortcut);
        view->addAction(action);
        view->setContextMenuPolicy(Qt::ActionsContextMenu);
        connect(view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
                &AdminActions::updateEnabled);
        connect(view->model(), &QAbstractItemModel::modelReset, this, &AdminActions::updateEnabled);
        connect(view->model(), &QAbstractItemModel::rowsRemoved, this, &AdminActions::updateEnabled);
    };
    attach(m_abort, m_views.requests);
    attach(m_close, m_views.connections);

    connect(m_client, &MonitorClient::stateChanged, this, &AdminActions::onStateChanged);
    connect(m_client, &MonitorClient::helloReceived, this, &AdminActions::onHello);
    connect(m_client, &MonitorClient::tickReceived, this, &AdminActions::onTick);
    connect(m_client, &MonitorClient::ackReceived, this, &AdminActions::onAck);
    connect(m_client, &MonitorClient::errorReceived, this, &AdminActions::onError);
    rebuildListenerMenus();
    updateEnabled();
}

AdminActions::~AdminActions() = default;

QMessageBox *AdminActions::answerBox() const
{
    return m_answerBox;
}

ConfigDialog *AdminActions::configDialog() const
{
    return m_configDialog;
}

SetLimitDialog *AdminActions::setLimitDialog() const
{
    return m_limitDialog;
}

QAction *AdminActions::makeAction(const QString &text, const QString &tip, void (AdminActions::*slot)())
{
    auto *action = new QAction(text, this);
    action->setToolTip(tip);
    action->setStatusTip(tip);
    connect(action, &QAction::triggered, this, slot);
    return action;
}

bool AdminActions::isAdminCommand(const QString &cmd)
{
    return adminCommands().contains(cmd);
}

void AdminActions::addTo(QMenu *menu, QToolBar *bar)
{
    menu->addAction(m_readOnlyNote);
    menu->addAction(m_reload);
    menu->addAction(m_showConfig);
    menu->addAction(m_setLimit);
    menu->addSeparator();
    menu->addMenu(m_pauseMenu);
    menu->addMenu(m_resumeMenu);
    menu->addSeparator();
    menu->addAction(m_abort);
    menu->addAction(m_close);
    menu->addSeparator();
    menu->addAction(m_drain);
    menu->addAction(m_stop);

    bar->addAction(m_reload);
    bar->addAction(m_showConfig);
    bar->addAction(m_setLimit);
    for (QMenu *listeners : { m_pauseMenu, m_resumeMenu }) {
        bar->addAction(listeners->menuAction());
        if (auto *button = qobject_cast<QToolButton *>(bar->widgetForAction(listeners->menuAction())))
            button->setPopupMode(QToolButton::InstantPopup);
    }
    bar->addAction(m_drain);
}

bool AdminActions::writable() const
{
    return m_client->state() == MonitorClient::State::Connected && m_haveHello && m_admin.value_or(false);
}

bool AdminActions::send(const Command &command)
{
    if (!m_client->sendCommand(command)) {
        report(command.cmd, false, tr("not connected to the service"));
        return false;
    }
    return true;
}

void AdminActions::onStateChanged(MonitorClient::State state)
{
    if (state != MonitorClient::State::Connected) {
        m_haveHello = false; // a new connection brings a new hello
        m_pausedListeners.reset();
        updateListenerEntries();
        m_wantConfigView = m_wantLimitDialog = false;
    }
    updateEnabled();
}

void AdminActions::onHello(const monitor::Hello &hello)
{
    m_haveHello = true;
    m_admin = hello.admin;
    m_pid = hello.pid;
    if (hello.listeners != m_listeners) {
        m_listeners = hello.listeners;
        rebuildListenerMenus();
    }
    updateEnabled();
}

void AdminActions::onTick(const monitor::Tick &tick)
{
    if (!tick.pausedListeners || tick.pausedListeners == m_pausedListeners)
        return;
    m_pausedListeners = tick.pausedListeners;
    updateListenerEntries();
}

void AdminActions::rebuildListenerMenus()
{
    for (QMenu *menu : { m_pauseMenu, m_resumeMenu }) {
        menu->clear();
        if (m_listeners.isEmpty())
            menu->addAction(tr("(no listener known)"))->setEnabled(false);
    }
    for (const QString &listener : std::as_const(m_listeners)) {
        m_pauseMenu->addAction(listener, this, [this, listener] { pauseListener(listener); })->setData(listener);
        m_resumeMenu->addAction(listener, this, [this, listener] { resumeListener(listener); })->setData(listener);
    }
    updateListenerEntries();
}

// Once the ticks tell which listeners are paused (r6), a paused one can only be resumed and a
// running one only paused; an older server leaves both open. The entries are changed in place:
// a tick must not rebuild a menu the operator has open.
void AdminActions::updateListenerEntries()
{
    for (QAction *pause : m_pauseMenu->actions()) {
        const QString listener = pause->data().toString();
        const bool paused = m_pausedListeners && m_pausedListeners->contains(listener);
        if (!listener.isEmpty()) {
            pause->setText(paused ? tr("%1 (paused)").arg(listener) : listener);
            pause->setEnabled(!paused);
        }
    }
    for (QAction *resume : m_resumeMenu->actions()) {
        const QString listener = resume->data().toString();
        if (!listener.isEmpty())
            resume->setEnabled(!m_pausedListeners || m_pausedListeners->contains(listener));
    }
}

void AdminActions::updateEnabled()
{
    const bool connected = m_client->state() == MonitorClient::State::Connected && m_haveHello;
    const bool canAct = writable();
    for (QAction *action : { m_reload, m_drain, m_stop, m_setLimit })
        action->setEnabled(canAct);
    m_pauseMenu->menuAction()->setEnabled(canAct && !m_listeners.isEmpty());
    m_resumeMenu->menuAction()->setEnabled(canAct && !m_listeners.isEmpty());
    m_abort->setEnabled(canAct && hasSelection(m_views.requests));
    m_close->setEnabled(canAct && hasSelection(m_views.connections));
    // A read-only channel still answers config; a service older than r4 does not know it.
    m_showConfig->setEnabled(connected && m_admin.has_value());
    m_readOnlyNote->setVisible(connected && m_admin == false);
}

void AdminActions::confirmThen(const QString &title, const QString &question, const QString &details,
                               const std::function<void()> &act)
{
    // Not exec(): the monitor keeps following the service while the question is open.
    auto *box = new QMessageBox(QMessageBox::Warning, title, question,
                                QMessageBox::Yes | QMessageBox::No, m_window);
    box->setObjectName(QStringLiteral("adminConfirm"));
    box->setInformativeText(details);
    box->setDefaultButton(QMessageBox::No);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QDialog::finished, this, [box, act] {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            act();
    });
    box->open();
}

void AdminActions::abortSelectedRequests()
{
    if (!writable() || !m_views.requests)
        return;
    QList<monitor::RequestInfo> targets;
    QStringList lines;
    const RequestTableModel *model = m_views.requestModel;
    for (int row : selectedSourceRows(m_views.requests)) {
        const monitor::RequestInfo &r = model->requestAt(row);
        targets.append(r);
        lines.append(tr("request %1 on connection %2: %3 %4, running for %5")
                         .arg(r.requestId)
                         .arg(r.connectionId)
                         .arg(r.method, r.uri, format::duration(qMax<qint64>(0, model->nowMs() - r.startMs))));
    }
    if (targets.isEmpty())
        return;
    const QString question = targets.size() == 1
        ? tr("Abort request %1 on connection %2?").arg(targets.first().requestId).arg(targets.first().connectionId)
        : tr("Abort these %1 requests?").arg(targets.size());
    const QString details = namedList(lines)
        + tr("\n\nThe handler sees aborted(); the web server gets 503 Service Unavailable when "
             "nothing was sent yet, else the response ends there. The connection stays open.");
    confirmThen(tr("Abort request"), question, details, [this, targets] {
        for (const monitor::RequestInfo &r : targets) {
            Command command(QStringLiteral("abort-request"));
            command.connectionId = r.connectionId;
            command.requestId = r.requestId;
            send(command);
        }
    });
}

void AdminActions::closeSelectedConnections()
{
    if (!writable() || !m_views.connections)
        return;
    QList<quint64> targets;
    QStringList lines;
    qint64 inFlight = 0;
    const ConnectionModel *model = m_views.connectionModel;
    for (int row : selectedSourceRows(m_views.connections)) {
        const monitor::ConnectionInfo &c = model->connectionAt(row);
        const qint64 requests = model->inFlightCount(c.connectionId);
        inFlight += requests;
        targets.append(c.connectionId);
        lines.append(tr("connection %1 from %2 on %3, %4 in flight")
                         .arg(c.connectionId)
                         .arg(c.peer, c.listener, format::quantity(requests, tr("request"), tr("requests"))));
    }
    if (targets.isEmpty())
        return;
    const QString question = targets.size() == 1
        ? tr("Close connection %1?").arg(targets.first())
        : tr("Close these %1 connections?").arg(targets.size());
    const QString details = namedList(lines)
        + tr("\n\nIt is closed at once and its %1 aborted, as when the web server goes away.")
              .arg(format::quantity(inFlight, tr("request in flight is"), tr("requests in flight are")));
    confirmThen(tr("Close connection"), question, details, [this, targets] {
        for (quint64 id : targets) {
            Command command(QStringLiteral("close-connection"));
            command.connectionId = id;
            send(command);
        }
    });
}

void AdminActions::reload()
{
    if (writable())
        send(Command(QStringLiteral("reload")));
}

void AdminActions::drain()
{
    if (!writable())
        return;
    const qint64 active = m_views.requestModel ? m_views.requestModel->rowCount() : 0;
    confirmThen(tr("Drain and stop"), tr("Drain and stop the service (pid %1)?").arg(m_pid),
                tr("It stops accepting connections now, gives the %1 the shutdown grace to "
                   "finish, then exits; what runs after that is aborted.")
                    .arg(format::quantity(active, tr("request in flight"), tr("requests in flight"))),
                [this] { send(Command(QStringLiteral("drain"))); });
}

void AdminActions::stop()
{
    if (!writable())
        return;
    const qint64 active = m_views.requestModel ? m_views.requestModel->rowCount() : 0;
    confirmThen(tr("Stop now"), tr("Stop the service (pid %1) now?").arg(m_pid),
                tr("Every connection is closed at once, the %1 aborted, and the service exits.")
                    .arg(format::quantity(active, tr("request in flight is"), tr("requests in flight are"))),
                [this] { send(Command(QStringLiteral("stop"))); });
}

void AdminActions::pauseListener(const QString &listener)
{
    if (!writable())
        return;
    confirmThen(tr("Pause listener"), tr("Pause listener %1?").arg(listener),
                tr("It stops accepting connections: new ones wait in the kernel's queue (and time "
                   "out there if this lasts) until it is resumed. Open connections are served."),
                [this, listener] {
                    Command command(QStringLiteral("pause-listener"));
                    command.listener = listener;
                    send(command);
                });
}

void AdminActions::resumeListener(const QString &listener)
{
    if (!writable())
        return;
    Command command(QStringLiteral("resume-listener"));
    command.listener = listener;
    send(command);
}

void AdminActions::askLimit()
{
    // The dialog lists the live limits with their values now: ask the service first.
    if (writable() && send(Command(QStringLiteral("config"))))
        m_wantLimitDialog = true;
}

void AdminActions::showConfig()
{
    if (send(Command(QStringLiteral("config"))))
        m_wantConfigView = true;
}

void AdminActions::applySettings(const QList<monitor::Setting> &settings)
{
    if (m_wantConfigView && !m_configDialog) {
        m_configDialog = new ConfigDialog(m_window);
        connect(m_configDialog, &ConfigDialog::refreshRequested, this, &AdminActions::showConfig);
    }
    if (m_configDialog && (m_wantConfigView || m_configDialog->isVisible()))
        m_configDialog->setSettings(settings);
    if (m_wantConfigView) {
        if (m_configDialog->isVisible())
            m_configDialog->raise(); // already open, perhaps behind the window
        m_configDialog->show();
    }
    if (m_wantLimitDialog) {
        if (!m_limitDialog) {
            m_limitDialog = new SetLimitDialog(m_window);
            connect(m_limitDialog, &QDialog::accepted, this, [this] {
                Command command(QStringLiteral("set-limit"));
                command.limit = m_limitDialog->limit();
                command.value = m_limitDialog->value();
                if (writable() && !command.limit.isEmpty() && command.value)
                    send(command);
            });
        }
        m_limitDialog->setSettings(settings);
        m_limitDialog->open();
    }
    if (m_wantConfigView || m_wantLimitDialog)
        m_window->statusBar()->showMessage(tr("The service's configuration: %1")
                                               .arg(format::quantity(settings.size(), tr("setting"), tr("settings"))),
                                           kAnswerShownMs);
    m_wantConfigView = m_wantLimitDialog = false;
}

void AdminActions::onAck(const monitor::Ack &ack)
{
    if (!isAdminCommand(ack.cmd))
        return;
    if (ack.cmd == QLatin1String("config")) {
        applySettings(ack.settings);
        return;
    }
    report(ack.cmd, true, ack.message.isEmpty() ? tr("done") : ack.message);
    const bool changesSettings = ack.cmd == QLatin1String("reload") || ack.cmd == QLatin1String("set-limit");
    if (changesSettings && m_configDialog && m_configDialog->isVisible())
        m_client->sendCommand(Command(QStringLiteral("config"))); // keep the open view true
}

void AdminActions::onError(const monitor::Error &error)
{
    if (!isAdminCommand(error.cmd))
        return;
    if (error.cmd == QLatin1String("config"))
        m_wantConfigView = m_wantLimitDialog = false;
    report(error.cmd, false, error.message);
}

void AdminActions::report(const QString &cmd, bool ok, const QString &message)
{
    m_lastAnswer = ok ? tr("%1: %2").arg(cmd, message) : tr("%1 failed: %2").arg(cmd, message);
    m_window->statusBar()->showMessage(m_lastAnswer, kAnswerShownMs);
    m_log->appendLocal(ok ? LogModel::Info : LogModel::Warning, m_lastAnswer);
    if (!ok) {
        // Not modal, and one box for the latest failure: a refusal must be seen, not block.
        if (!m_answerBox) {
            m_answerBox = new QMessageBox(QMessageBox::Warning, tr("The service did not do it"), QString(),
                                          QMessageBox::Ok, m_window);
            m_answerBox->setObjectName(QStringLiteral("adminAnswer"));
            m_answerBox->setWindowModality(Qt::NonModal);
            m_answerBox->setAttribute(Qt::WA_DeleteOnClose);
        }
        m_answerBox->setText(tr("\"%1\" failed.").arg(cmd));
        m_answerBox->setInformativeText(message);
        if (m_answerBox->isVisible())
            m_answerBox->raise();
        m_answerBox->show();
    }
    Q_EMIT answered(cmd, ok, message);
}

} // namespace afcgi::gui
