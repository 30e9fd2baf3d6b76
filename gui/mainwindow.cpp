#include "mainwindow.h"

#include "adminactions.h"
#include "exportactions.h"
#include "channelspage.h"
#include "chartspage.h"
#include "columnsizer.h"
#include "completionmodel.h"
#include "connectionmodel.h"
#include "format.h"
#include "logfilterproxy.h"
#include "logging.h"
#include "loglevelcontrol.h"
#include "logmodel.h"
#include "logpage.h"
#include "overviewpage.h"
#include "requesttablemodel.h"
#include "routespage.h"
#include "servicestate.h"
#include "statebanner.h"
#include "tableview.h"
#include "workerspage.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace afcgi::gui {

using monitor::Command;

namespace {
constexpr int kResyncMinIntervalMs = 2000;
// A tick's count and its events are sampled a moment apart, so they may disagree briefly; for
// this many ticks in a row means the table has drifted.
constexpr int kDriftTicksBeforeResync = 8;

QIcon appIcon()
{
    QIcon icon;
    for (int size : { 16, 32, 64, 256 })
        icon.addFile(QStringLiteral(":/icons/afcgi-%1.png").arg(size), QSize(size, size));
    return icon;
}
} // namespace

MainWindow::MainWindow(const QString &socketName, QWidget *parent)
    : QMainWindow(parent), m_client(new MonitorClient(this)), m_state(new ServiceState(this)),
      m_requests(new RequestTableModel(this)), m_completions(new CompletionModel(this)),
      m_connections(new ConnectionModel(this)), m_logs(new LogModel(this))
{
    setWindowIcon(appIcon());
    m_client->setSocketName(socketName);
    m_state->setSocketName(socketName);
    m_connections->setRequestModel(m_requests);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->setDocumentMode(true);
    m_overview = new OverviewPage(m_state, this);
    m_tabs->addTab(m_overview, tr("O&verview"));
    m_tabs->addTab(buildRequestsTab(), tr("&Requests"));
    m_connectionView = makeTableView(m_connections, QStringLiteral("connectionView"),
                                     ConnectionModel::ConnectionColumn, Qt::AscendingOrder, this);
    ColumnSizer::apply(m_connectionView, { { ConnectionModel::ConnectionColumn, QStringLiteral("Connection") },
                                           { ConnectionModel::PeerColumn, QStringLiteral("[fe80::ffff:ffff]:65535") },
                                           { ConnectionModel::ListenerColumn, QStringLiteral("127.0.0.1:65535") },
                                           { ConnectionModel::AgeColumn, QStringLiteral("59 min 59 s") },
                                           { ConnectionModel::InFlightColumn, QStringLiteral("In flight") },
                                           { ConnectionModel::QueuedColumn, QStringLiteral("999 KiB") } });
    keepSelectionAcrossResets(m_connectionView, { ConnectionModel::ConnectionColumn });
    m_tabs->addTab(m_connectionView, tr("C&onnections"));
    m_charts = new ChartsPage(this);
    m_tabs->addTab(m_charts, tr("&Throughput"));
    m_logPage = new LogPage(m_logs, this);
    m_tabs->addTab(m_logPage, tr("&Logs"));
    m_tabs->addTab(new ChannelsPage(m_client, this), tr("C&hannels")); // the hub's channels
    m_routes = new RoutesPage(m_client, this);
    m_tabs->addTab(m_routes, tr("Ro&utes"));
    m_workers = new WorkersPage(m_client, this);
    m_tabs->addTab(m_workers, tr("&Workers"));
    m_banner = new StateBanner(this);
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("connectionStatus"));
    m_countsLabel = new QLabel(this);
    m_countsLabel->setObjectName(QStringLiteral("counts"));
    statusBar()->addWidget(m_statusLabel, 1);
    statusBar()->addPermanentWidget(m_countsLabel);

    m_admin = new AdminActions(m_client, this, m_logs,
                               { m_requestView, m_requests, m_connectionView, m_connections });
    m_exports = new ExportActions(this, { m_requests, m_requestView, m_completions, m_completionView, m_logs });
    createActions();

    connect(m_client, &MonitorClient::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_client, &MonitorClient::helloReceived, this, &MainWindow::onHello);
    connect(m_client, &MonitorClient::snapshotReceived, this, &MainWindow::onSnapshot);
    connect(m_client, &MonitorClient::tickReceived, this, &MainWindow::onTick);
    connect(m_client, &MonitorClient::logReceived, m_logs,
            qOverload<const monitor::LogBatch &>(&LogModel::append));
    // The admin commands' answers are AdminActions' to show.
    connect(m_client, &MonitorClient::ackReceived, this, [this](const monitor::Ack &ack) {
        if (!AdminActions::isAdminCommand(ack.cmd))
            statusBar()->showMessage(tr("The service accepted \"%1\"").arg(ack.cmd), 3000);
    });
    connect(m_client, &MonitorClient::errorReceived, this, [this](const monitor::Error &error) {
        if (AdminActions::isAdminCommand(error.cmd))
            return;
        m_logs->appendLocal(LogModel::Warning, tr("The service answered: %1").arg(error.message));
        statusBar()->showMessage(tr("The service answered: %1").arg(error.message), 5000);
    });
    connect(m_client, &MonitorClient::refused, this, [this](const QString &why) {
        if (why != m_lastRefusal)
            m_logs->appendLocal(LogModel::Warning, why);
        m_lastRefusal = why;
        statusBar()->showMessage(why);
    });
    connect(m_client, &MonitorClient::protocolError, this, [this](const QString &reason) {
        m_logs->appendLocal(LogModel::Warning, tr("Skipped a malformed monitor line: %1").arg(reason));
    });
    connect(m_state, &ServiceState::changed, this, &MainWindow::updateStatus);
    m_statusTimer.setInterval(1000);
    connect(&m_statusTimer, &QTimer::timeout, this, &MainWindow::updateStatus);

    restoreSettings();
    updateStatus();
    updateCounts();
}

MainWindow::~MainWindow() = default;

void MainWindow::start()
{
    m_client->start();
    m_statusTimer.start();
}

QWidget *MainWindow::buildRequestsTab()
{
    m_requestView = makeTableView(m_requests, QStringLiteral("requestView"),
                                  RequestTableModel::ConnectionColumn, Qt::AscendingOrder, this);
    keepSelectionAcrossResets(m_requestView, { RequestTableModel::ConnectionColumn, RequestTableModel::RequestColumn });
    m_completionView = makeTableView(m_completions, QStringLiteral("completionView"),
                                     CompletionModel::EndedColumn, Qt::DescendingOrder, this);
    const QString connection = QStringLiteral("Connection"), request = QStringLiteral("Request");
    const QString bytes = QStringLiteral("Bytes out"), age = QStringLiteral("59 min 59 s");
    ColumnSizer::apply(m_requestView, { { RequestTableModel::ConnectionColumn, connection },
                                        { RequestTableModel::RequestColumn, request },
                                        { RequestTableModel::RoleColumn, QStringLiteral("AUTHORIZER") },
                                        { RequestTableModel::MethodColumn, QStringLiteral("OPTIONS") },
                                        { RequestTableModel::AgeColumn, age },
                                        { RequestTableModel::BytesInColumn, bytes },
                                        { RequestTableModel::BytesOutColumn, bytes } });
    ColumnSizer::apply(m_completionView, { { CompletionModel::EndedColumn, QStringLiteral("00:00:00.000") },
                                           { CompletionModel::ConnectionColumn, connection },
                                           { CompletionModel::RequestColumn, request },
                                           { CompletionModel::MethodColumn, QStringLiteral("OPTIONS") },
                                           { CompletionModel::StatusColumn, QStringLiteral("200 (aborted)") },
                                           { CompletionModel::DurationColumn, age },
                                           { CompletionModel::BytesInColumn, bytes },
                                           { CompletionModel::BytesOutColumn, bytes } });
    const auto titled = [this](const QString &title, QWidget *view) {
        auto *box = new QWidget(this);
        auto *layout = new QVBoxLayout(box);
        layout->setContentsMargins(0, 0, 0, 0);
        auto *label = new QLabel(title, box);
        QFont bold = label->font();
        bold.setBold(true);
        label->setFont(bold);
        layout->addWidget(label);
        layout->addWidget(view, 1);
        return box;
    };
    m_requestsSplitter = new QSplitter(Qt::Vertical, this);
    m_requestsSplitter->setObjectName(QStringLiteral("requestsSplitter"));
    m_requestsSplitter->addWidget(titled(tr("Active requests"), m_requestView));
    m_requestsSplitter->addWidget(titled(tr("Recent completions"), m_completionView));
    m_requestsSplitter->setStretchFactor(0, 3);
    m_requestsSplitter->setStretchFactor(1, 2);
    return m_requestsSplitter;
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_exports->addTo(file);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int tab = 0; tab < m_tabs->count(); ++tab) {
        QAction *show = view->addAction(m_tabs->tabText(tab).remove(QLatin1Char('&')), this,
                                        [this, tab] { m_tabs->setCurrentIndex(tab); });
        show->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + tab)));
    }

    QMenu *service = m_serviceMenu = menuBar()->addMenu(tr("&Service"));
    QAction *resync = service->addAction(tr("&Refresh active requests"), this,
                                         &MainWindow::requestResync);
    resync->setShortcut(QKeySequence(Qt::Key_F5));
    resync->setToolTip(tr("Ask the service for a fresh snapshot of its active requests (F5)"));
    service->addSeparator();

    QMenu *logs = menuBar()->addMenu(tr("&Logs"));
    QAction *find = logs->addAction(tr("&Find…"), this, [this] {
        m_tabs->setCurrentIndex(LogsTab);
        m_logPage->focusSearch();
    });
    find->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));
    logs->addAction(m_logPage->clearAction()); // Ctrl+L, window-wide
    logs->addSeparator();
    logs->addAction(tr("Pause/resume: Space (on the Logs tab)"))->setEnabled(false);

    QToolBar *bar = addToolBar(tr("Service"));
    bar->setObjectName(QStringLiteral("serviceToolBar"));
    bar->setMovable(false);
    bar->addAction(resync);
    bar->addSeparator();
    m_admin->addTo(service, bar);
    bar->addSeparator();
    m_logLevel = new LogLevelControl(bar);
    connect(m_logLevel, &LogLevelControl::levelRequested, this, [this](const QString &level) {
        m_client->sendCommand(Command{ QStringLiteral("set-log-level"), level });
    });
    bar->addWidget(m_logLevel);
}

void MainWindow::onStateChanged(MonitorClient::State state)
{
    const bool connected = state == MonitorClient::State::Connected;
    const bool lost = !connected && m_state->haveHello();
    m_state->setClientState(state, m_client->failedAttempts());
    if (!connected)
        m_logLevel->combo()->setEnabled(false); // until a hello says whether it may change
    m_charts->setConnected(connected);
    if (connected) {
        m_logs->appendLocal(LogModel::Info, tr("Connected to %1").arg(m_client->socketName()));
    } else if (lost) {
        // What was in flight is no longer known: show no stale rows or numbers while away.
        m_requests->clear();
        m_connections->clear();
        m_overview->clear();
        m_logLevel->clear();
        m_logs->appendLocal(LogModel::Warning,
                            tr("Disconnected from %1; retrying").arg(m_client->socketName()));
    }
    updateCounts();
}

void MainWindow::onHello(const monitor::Hello &hello)
{
    const monitor::Hello &previous = m_state->hello();
    const bool newProcess = hello.pid != previous.pid || hello.startTimeMs != previous.startTimeMs;
    if (newProcess && previous.pid != 0) {
        m_completions->clear();
        m_logs->appendLocal(LogModel::Info, tr("The service restarted: pid %1 → %2")
                                                .arg(previous.pid)
                                                .arg(hello.pid));
    }
    if (hello.protocol != monitor::kProtocolVersion)
        m_logs->appendLocal(LogModel::Warning,
                            tr("The service speaks monitor protocol %1; this monitor speaks %2")
                                .arg(hello.protocol)
                                .arg(monitor::kProtocolVersion));
    m_state->setHello(hello);
    m_driftTicks = 0;
    // A hello starts a new stream: a snapshot follows, nothing from before stays.
    m_requests->clear();
    m_connections->clear();
    m_charts->setTickInterval(hello.tickIntervalMs);
    m_overview->applyHello(hello);
    m_logLevel->setServiceLevel(hello.logLevel);
    // A read-only channel (--monitor-admin off) refuses set-log-level too.
    m_logLevel->combo()->setEnabled(hello.admin.value_or(true));
    updateCounts();
}

void MainWindow::onSnapshot(const monitor::Snapshot &snapshot)
{
    m_requests->setSnapshot(snapshot.requests);
    m_connections->setSnapshot(snapshot);
    updateCounts();
}

void MainWindow::onTick(const monitor::Tick &tick)
{
    m_state->applyTick(tick);
    m_requests->applyTick(tick);
    m_connections->applyTick(tick); // after the requests: it derives in-flight ids from them
    m_completions->addCompleted(tick.ended);
    m_charts->applyTick(tick);
    m_overview->applyTick(tick);
    if (!tick.logLevel.isEmpty())
        m_logLevel->setServiceLevel(tick.logLevel);
    m_logLevel->setRates(tick.rates.logLines, tick.rates.logBytes, tick.rates.requests,
                         !tick.logLevel.isEmpty());
    const bool agree = tick.totals.requestsActive == m_requests->rowCount()
        && tick.totals.connectionsOpen == m_connections->rowCount();
    m_driftTicks = agree ? 0 : m_driftTicks + 1;
    // Under load every tick leaves events out (the lists are a sample): that puts the active set
    // in doubt only when the table disagrees with the service's count, and a snapshot costs the
    // service in proportion to its active requests.
    const bool dropped = tick.beganDropped > 0 || tick.endedDropped > 0 || tick.connectionsDropped > 0;
    if ((dropped && !agree) || m_driftTicks >= kDriftTicksBeforeResync)
        requestResync(); // the active set is in doubt: ask for the truth
    updateCounts();
}

void MainWindow::requestResync()
{
    if (m_lastResync.isValid() && m_lastResync.elapsed() < kResyncMinIntervalMs)
        return;
    if (m_client->sendCommand(Command{ QStringLiteral("snapshot"), {} })) {
        m_lastResync.start();
        m_driftTicks = 0;
        ++m_resyncs;
        qCDebug(lcWindow) << "asked the service for a fresh snapshot";
    }
}

QString MainWindow::statusText() const
{
    return m_state->statusText();
}

QString MainWindow::countsText() const
{
    return m_countsLabel->text();
}

QString MainWindow::bannerText() const
{
    return m_banner->text();
}

const monitor::Hello &MainWindow::hello() const
{
    return m_state->hello();
}

void MainWindow::updateStatus()
{
    m_statusLabel->setText(m_state->statusText());
    setWindowTitle(m_state->windowTitle());
    const bool draining = m_state->phase() == ServiceState::Phase::Draining;
    m_banner->setMessage(m_state->bannerText(),
                         draining ? format::Semantic::Warning : format::Semantic::Error);
}

void MainWindow::updateCounts()
{
    if (m_client->state() != MonitorClient::State::Connected) {
        m_countsLabel->setText(tr("— · %1 recent").arg(format::total(m_completions->rowCount())));
        return;
    }
    m_countsLabel->setText(tr("%1 · %2 · %3 recent")
                               .arg(format::quantity(m_requests->rowCount(), tr("active request"),
                                                     tr("active requests")),
                                    format::quantity(m_connections->rowCount(), tr("connection"),
                                                     tr("connections")),
                                    format::total(m_completions->rowCount())));
}

void MainWindow::restoreSettings()
{
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_requestsSplitter->restoreState(s.value(QStringLiteral("window/requestsSplitter")).toByteArray());
    m_tabs->setCurrentIndex(s.value(QStringLiteral("window/tab"), 0).toInt());
    for (QTableView *view : { m_requestView, m_completionView, m_connectionView, m_logPage->view() })
        view->horizontalHeader()->restoreState(
            s.value(QStringLiteral("headers/") + view->objectName()).toByteArray());
    m_charts->setLatencyWindow(s.value(QStringLiteral("charts/latencyWindow"), 5000).toInt());
    const int level = s.value(QStringLiteral("logs/minimumLevel"), int(LogModel::Debug)).toInt();
    m_logPage->levelCombo()->setCurrentIndex(qBound(0, level, m_logPage->levelCombo()->count() - 1));
}

void MainWindow::saveSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/requestsSplitter"), m_requestsSplitter->saveState());
    s.setValue(QStringLiteral("window/tab"), m_tabs->currentIndex());
    for (QTableView *view : { m_requestView, m_completionView, m_connectionView, m_logPage->view() })
        s.setValue(QStringLiteral("headers/") + view->objectName(),
                   view->horizontalHeader()->saveState());
    s.setValue(QStringLiteral("logs/minimumLevel"), m_logPage->levelCombo()->currentIndex());
    s.setValue(QStringLiteral("charts/latencyWindow"), m_charts->latencyWindow());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    event->accept();
}

} // namespace afcgi::gui
