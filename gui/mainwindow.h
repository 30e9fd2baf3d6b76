#pragma once

#include "monitorclient.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QTimer>

QT_BEGIN_NAMESPACE
class QLabel;
class QMenu;
class QSplitter;
class QTabWidget;
class QTableView;
QT_END_NAMESPACE

namespace afcgi::gui {

class AdminActions;
class ExportActions;
class ChartsPage;
class CompletionModel;
class ConnectionModel;
class LogLevelControl;
class LogModel;
class LogPage;
class OverviewPage;
class RequestTableModel;
class RoutesPage;
class WorkersPage;
class ServiceState;
class StateBanner;

// afcgi-monitor's window: feeds the models from a MonitorClient and shows them in seven tabs
// (Overview, Requests, Connections, Throughput, Logs, Channels, Routes). What is wrong right now (the service away
// or draining) shows in a banner over the tabs, in the window title and in the status bar. The
// Service menu and tool bar act on the service through AdminActions.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    enum Tab { OverviewTab, RequestsTab, ConnectionsTab, ThroughputTab, LogsTab, ChannelsTab, RoutesTab, WorkersTab };

    explicit MainWindow(const QString &socketName, QWidget *parent = nullptr);
    ~MainWindow() override;

    void start(); // connect, and keep reconnecting
    void saveSettings() const;

    MonitorClient *client() const { return m_client; }
    RequestTableModel *requestModel() const { return m_requests; }
    CompletionModel *completionModel() const { return m_completions; }
    ConnectionModel *connectionModel() const { return m_connections; }
    LogModel *logModel() const { return m_logs; }
    OverviewPage *overviewPage() const { return m_overview; }
    ChartsPage *chartsPage() const { return m_charts; }
    LogPage *logPage() const { return m_logPage; }
    LogLevelControl *logLevelControl() const { return m_logLevel; }
    AdminActions *adminActions() const { return m_admin; }
    ExportActions *exportActions() const { return m_exports; }
    QMenu *serviceMenu() const { return m_serviceMenu; }
    RoutesPage *routesPage() const { return m_routes; }
    WorkersPage *workersPage() const { return m_workers; }
    QTabWidget *tabs() const { return m_tabs; }
    QTableView *requestView() const { return m_requestView; }
    QTableView *completionView() const { return m_completionView; }
    QTableView *connectionView() const { return m_connectionView; }
    const ServiceState *serviceState() const { return m_state; }
    QString statusText() const;
    QString countsText() const;
    QString bannerText() const;
    const afcgi::monitor::Hello &hello() const;
    // Snapshots asked for because the stream left the active set in doubt (capped events, or a
    // table that disagrees with the service's count for a while).
    int resyncCount() const { return m_resyncs; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QWidget *buildRequestsTab();
    void createActions();
    void restoreSettings();

    void onStateChanged(MonitorClient::State state);
    void onHello(const afcgi::monitor::Hello &hello);
    void onSnapshot(const afcgi::monitor::Snapshot &snapshot);
    void onTick(const afcgi::monitor::Tick &tick);
    void requestResync();
    void updateStatus();
    void updateCounts();

    MonitorClient *m_client;
    ServiceState *m_state;
    QString m_lastRefusal; // shown once in the log, not at every retry
    RequestTableModel *m_requests;
    CompletionModel *m_completions;
    ConnectionModel *m_connections;
    LogModel *m_logs;

    StateBanner *m_banner = nullptr;
    QTabWidget *m_tabs = nullptr;
    OverviewPage *m_overview = nullptr;
    QSplitter *m_requestsSplitter = nullptr;
    QTableView *m_requestView = nullptr;
    QTableView *m_completionView = nullptr;
    QTableView *m_connectionView = nullptr;
    ChartsPage *m_charts = nullptr;
    LogPage *m_logPage = nullptr;
    QLabel *m_statusLabel = nullptr;
    QLabel *m_countsLabel = nullptr;
    LogLevelControl *m_logLevel = nullptr;
    AdminActions *m_admin = nullptr;
    ExportActions *m_exports = nullptr;
    QMenu *m_serviceMenu = nullptr;
    RoutesPage *m_routes = nullptr;
    WorkersPage *m_workers = nullptr;

    QTimer m_statusTimer;       // "up for T", the drain countdown and "lost T ago" move on
    QElapsedTimer m_lastResync; // rate-limits snapshot requests after capped ticks
    int m_driftTicks = 0; // consecutive ticks whose active counts differ from the tables'
    int m_resyncs = 0;
};

} // namespace afcgi::gui
