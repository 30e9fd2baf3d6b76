#pragma once

#include "monitorclient.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>

QT_BEGIN_NAMESPACE
class QAction;
class QMainWindow;
class QMenu;
class QMessageBox;
class QTableView;
class QToolBar;
QT_END_NAMESPACE

namespace afcgi::gui {

class ConfigDialog;
class ConnectionModel;
class LogModel;
class RequestTableModel;
class SetLimitDialog;

// What afcgi-monitor can do to the service, over the admin commands of the monitor protocol
// (r4): abort the selected requests, close the selected connections (context menu, Delete, and
// the Service menu), reload the configuration, pause and resume a listener, drain and stop or
// stop now, set a live limit, and show the effective configuration.
// Destructive actions (abort, close, pause, drain, stop) first ask, in a message box that names
// what they hit; No does nothing. Every answer is shown: in the status bar and the log view,
// and a failure or a refusal also in a message box. The actions are disabled while
// disconnected, and, but for the configuration, when the service says the channel is
// read-only (hello's `admin` false: afcgid --monitor-admin off) or does not take admin commands
// (an older service).
class AdminActions final : public QObject
{
    Q_OBJECT
public:
    struct Views
    {
        QTableView *requests = nullptr; // over a RequestTableModel, through a sort proxy
        RequestTableModel *requestModel = nullptr;
        QTableView *connections = nullptr; // over a ConnectionModel, through a sort proxy
        ConnectionModel *connectionModel = nullptr;
    };

    AdminActions(MonitorClient *client, QMainWindow *window, LogModel *log, const Views &views);
    ~AdminActions() override;

    static bool isAdminCommand(const QString &cmd);

    // The Service menu's and the tool bar's entries (abort and close are on their views too).
    void addTo(QMenu *menu, QToolBar *bar);

    QAction *abortRequestAction() const { return m_abort; }
    QAction *closeConnectionAction() const { return m_close; }
    QAction *reloadAction() const { return m_reload; }
    QAction *drainAction() const { return m_drain; }
    QAction *stopAction() const { return m_stop; }
    QAction *setLimitAction() const { return m_setLimit; }
    QAction *showConfigAction() const { return m_showConfig; }
    QMenu *pauseMenu() const { return m_pauseMenu; }   // one entry per listener
    QMenu *resumeMenu() const { return m_resumeMenu; }

    // The channel takes admin commands (connected, and the service said so in its hello).
    bool writable() const;
    // Sends an admin command and shows its answer when it comes; false when not connected.
    bool send(const afcgi::monitor::Command &command);
    // The last answer as shown in the status bar ("reload: reloaded: …").
    QString lastAnswer() const { return m_lastAnswer; }
    QMessageBox *answerBox() const; // the last failure, or null
    ConfigDialog *configDialog() const;
    SetLimitDialog *setLimitDialog() const;

Q_SIGNALS:
    void answered(const QString &cmd, bool ok, const QString &message);

private:
    QAction *makeAction(const QString &text, const QString &tip, void (AdminActions::*slot)());
    void onStateChanged(MonitorClient::State state);
    void onHello(const afcgi::monitor::Hello &hello);
    void onTick(const afcgi::monitor::Tick &tick);
    void onAck(const afcgi::monitor::Ack &ack);
    void onError(const afcgi::monitor::Error &error);
    void report(const QString &cmd, bool ok, const QString &message);
    void updateEnabled();
    void rebuildListenerMenus();
    void updateListenerEntries();
    // Asks before acting; `act` runs only on Yes.
    void confirmThen(const QString &title, const QString &question, const QString &details,
                     const std::function<void()> &act);

    void abortSelectedRequests();
    void closeSelectedConnections();
    void reload();
    void drain();
    void stop();
    void askLimit();
    void showConfig();
    void pauseListener(const QString &listener);
    void resumeListener(const QString &listener);
    void applySettings(const QList<afcgi::monitor::Setting> &settings);

    MonitorClient *m_client;
    QMainWindow *m_window;
    LogModel *m_log;
    Views m_views;
    QList<QString> m_listeners;
    std::optional<QStringList> m_pausedListeners; // from the ticks; nullopt = not told
    bool m_haveHello = false; // of the current connection
    std::optional<bool> m_admin;
    qint64 m_pid = 0;
    bool m_wantConfigView = false;   // a config answer opens the configuration view
    bool m_wantLimitDialog = false;  // a config answer opens the set-limit dialog
    QString m_lastAnswer;

    QAction *m_abort;
    QAction *m_close;
    QAction *m_reload;
    QAction *m_drain;
    QAction *m_stop;
    QAction *m_setLimit;
    QAction *m_showConfig;
    QAction *m_readOnlyNote;
    QMenu *m_pauseMenu;
    QMenu *m_resumeMenu;
    QPointer<QMessageBox> m_answerBox;
    QPointer<ConfigDialog> m_configDialog;
    QPointer<SetLimitDialog> m_limitDialog;
};

} // namespace afcgi::gui
