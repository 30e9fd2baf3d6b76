#include "mainwindow.h"

#include "channelspage.h"
#include "chartspage.h"
#include "completionmodel.h"
#include "connectionmodel.h"
#include "format.h"
#include "logfilterproxy.h"
#include "logging.h"
#include "logmodel.h"
#include "logpage.h"
#include "requesttablemodel.h"

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
#include <QSortFilterProxyModel>
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
    : QMainWindow(parent), m_client(new MonitorClient(this)), m_requests(new RequestTableModel(this)),
      m_completions(new CompletionModel(this)), m_connections(new ConnectionModel(this)),
      m_logs(new LogModel(this))
{
    setWindowTitle(tr("afcgi monitor — %1").arg(socketName));
    setWindowIcon(appIcon());
    m_client->setSocketName(socketName);
    m_connections->setRequestModel(m_requests);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(buildRequestsTab(), tr("&Requests"));
    m_connectionView = makeTable(m_connections, QStringLiteral("connectionView"),
                                 ConnectionModel::ConnectionColumn, Qt::AscendingOrder);
    m_tabs->addTab(m_connectionView, tr("C&onnections"));
    m_charts = new ChartsPage(this);
    m_tabs->addTab(m_charts, tr("&Throughput"));
    m_logPage = new LogPage(m_logs, this);
    m_tabs->addTab(m_logPage, tr("&Logs"));
    m_tabs->addTab(new ChannelsPage(m_client, this), tr("C&hannels")); // the hub's channels
    setCentralWidget(m_tabs);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("connectionStatus"));
    m_countsLabel = new QLabel(this);
    statusBar()->addWidget(m_statusLabel, 1);
    statusBar()->addPermanentWidget(m_countsLabel);

    createActions();

    connect(m_client, &MonitorClient::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_client, &MonitorClient::helloReceived, this, &MainWindow::onHello);
    connect(m_client, &MonitorClient::snapshotReceived, this, &MainWindow::onSnapshot);
    connect(m_client, &MonitorClient::tickReceived, this, &MainWindow::onTick);
    connect(m_client, &MonitorClient::logReceived, m_logs,
            qOverload<const monitor::LogBatch &>(&LogModel::append));
    connect(m_client, &MonitorClient::ackReceived, this, [this](const monitor::Ack &ack) {
        statusBar()->showMessage(tr("The service accepted \"%1\"").arg(ack.cmd), 3000);
    });
    connect(m_client, &MonitorClient::errorReceived, this, [this](const monitor::Error &error) {
        m_logs->appendLocal(LogModel::Warning, tr("The service answered: %1").arg(error.message));
        statusBar()->showMessage(tr("The service answered: %1").arg(error.message), 5000);
    });
    connect(m_client, &MonitorClient::protocolError, this, [this](const QString &reason) {
        m_logs->appendLocal(LogModel::Warning, tr("Skipped a malformed monitor line: %1").arg(reason));
    });
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
    m_requestView = makeTable(m_requests, QStringLiteral("requestView"),
                              RequestTableModel::ConnectionColumn, Qt::AscendingOrder);
    m_completionView = makeTable(m_completions, QStringLiteral("completionView"),
                                 CompletionModel::EndedColumn, Qt::DescendingOrder);
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

QTableView *MainWindow::makeTable(QAbstractItemModel *model, const QString &name, int sortColumn,
                                  Qt::SortOrder order)
{
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(model);
    proxy->setSortRole(Qt::UserRole); // every model's SortRole: raw numbers sort as numbers
    auto *view = new QTableView(this);
    view->setObjectName(name);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->sortByColumn(sortColumn, order);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 4);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionsMovable(true);
    return view;
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int tab = 0; tab < m_tabs->count(); ++tab) {
        QAction *show = view->addAction(m_tabs->tabText(tab).remove(QLatin1Char('&')), this,
                                        [this, tab] { m_tabs->setCurrentIndex(tab); });
        show->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + tab)));
    }

    QMenu *service = menuBar()->addMenu(tr("&Service"));
    QAction *resync = service->addAction(tr("&Refresh active requests"), this,
                                         &MainWindow::requestResync);
    resync->setShortcut(QKeySequence(Qt::Key_F5));
    resync->setToolTip(tr("Ask the service for a fresh snapshot of its active requests (F5)"));

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
    bar->addWidget(new QLabel(tr(" Service log level: "), bar));
    m_serviceLogLevel = new QComboBox(bar);
    m_serviceLogLevel->setObjectName(QStringLiteral("serviceLogLevel"));
    for (int level = LogModel::Debug; level <= LogModel::Error; ++level)
        m_serviceLogLevel->addItem(LogModel::levelName(level));
    m_serviceLogLevel->setPlaceholderText(tr("(unchanged)"));
    m_serviceLogLevel->setCurrentIndex(-1);
    m_serviceLogLevel->setToolTip(tr("Change afcgid's log level (set-log-level)"));
    m_serviceLogLevel->setEnabled(false);
    connect(m_serviceLogLevel, &QComboBox::activated, this, [this](int index) {
        m_client->sendCommand(Command{ QStringLiteral("set-log-level"),
                                       m_serviceLogLevel->itemText(index) });
    });
    bar->addWidget(m_serviceLogLevel);
}

void MainWindow::onStateChanged(MonitorClient::State state)
{
    m_serviceLogLevel->setEnabled(state == MonitorClient::State::Connected);
    m_charts->setConnected(state == MonitorClient::State::Connected);
    if (state == MonitorClient::State::Connected) {
        m_wasConnected = true;
        m_logs->appendLocal(LogModel::Info, tr("Connected to %1").arg(m_client->socketName()));
    } else if (state == MonitorClient::State::Disconnected && m_haveHello) {
        // What was in flight is no longer known: show no stale rows while away.
        m_haveHello = false;
        m_requests->clear();
        m_connections->clear();
        m_logs->appendLocal(LogModel::Warning,
                            tr("Disconnected from %1; retrying").arg(m_client->socketName()));
    }
    updateStatus();
}

void MainWindow::onHello(const monitor::Hello &hello)
{
    const bool newProcess = hello.pid != m_hello.pid || hello.startTimeMs != m_hello.startTimeMs;
    if (newProcess && m_hello.pid != 0) {
        m_completions->clear();
        m_logs->appendLocal(LogModel::Info, tr("The service restarted: pid %1 → %2")
                                                .arg(m_hello.pid)
                                                .arg(hello.pid));
    }
    if (hello.protocol != monitor::kProtocolVersion)
        m_logs->appendLocal(LogModel::Warning,
                            tr("The service speaks monitor protocol %1; this monitor speaks %2")
                                .arg(hello.protocol)
                                .arg(monitor::kProtocolVersion));
    m_hello = hello;
    m_haveHello = true;
    m_driftTicks = 0;
    // A hello starts a new stream: a snapshot follows, nothing from before stays.
    m_requests->clear();
    m_connections->clear();
    m_charts->setTickInterval(hello.tickIntervalMs);
    updateStatus();
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
    m_requests->applyTick(tick);
    m_connections->applyTick(tick); // after the requests: it derives in-flight ids from them
    m_completions->addCompleted(tick.ended);
    m_charts->applyTick(tick);
    m_driftTicks = tick.totals.requestsActive == m_requests->rowCount() ? 0 : m_driftTicks + 1;
    if (tick.beganDropped > 0 || tick.endedDropped > 0 || tick.connectionsDropped > 0
        || m_driftTicks >= kDriftTicksBeforeResync) {
        requestResync(); // the active set is in doubt: ask for the truth
    }
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
    const QString name = m_client->socketName();
    switch (m_client->state()) {
    case MonitorClient::State::Connected:
        if (!m_haveHello)
            return tr("Connected to %1, waiting for hello…").arg(name);
        return tr("Connected to pid %1, version %2, up for %3")
            .arg(m_hello.pid)
            .arg(m_hello.serverVersion,
                 format::duration(QDateTime::currentMSecsSinceEpoch() - m_hello.startTimeMs));
    case MonitorClient::State::Connecting:
    case MonitorClient::State::Disconnected:
        if (m_wasConnected)
            return tr("Disconnected from %1, retrying…").arg(name);
        if (m_client->failedAttempts() > 0)
            return tr("Connecting to %1… (no answer yet; is afcgid running? retrying)").arg(name);
        return tr("Connecting to %1…").arg(name);
    }
    return {};
}

void MainWindow::updateStatus()
{
    m_statusLabel->setText(statusText());
}

void MainWindow::updateCounts()
{
    m_countsLabel->setText(tr("%1 active · %2 connections · %3 recent")
                               .arg(m_requests->rowCount())
                               .arg(m_connections->rowCount())
                               .arg(m_completions->rowCount()));
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
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    event->accept();
}

} // namespace afcgi::gui
