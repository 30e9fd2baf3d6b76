#pragma once

#include "serviceentry.h"

#include <QSet>
#include <QTimer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QListView;
class QPushButton;
class QSplitter;
class QStackedWidget;
QT_END_NAMESPACE

namespace afcgi::gui {

class MainWindow;
class ServiceListModel;

// afcgi-monitor's top-level window: a sidebar of services, each with its state and request
// rate, beside the full monitor (a MainWindow) of the one selected. Every service listed keeps
// its own connection, tables, charts and log, so switching back shows its history unbroken.
// The services: the one named on the command line, the local channels that answer in the
// per-user channel directory (looked for again every few seconds), and the remote services the
// user added, which are saved in the settings.
class ServicesWindow final : public QWidget
{
    Q_OBJECT
public:
    explicit ServicesWindow(QWidget *parent = nullptr);
    ~ServicesWindow() override;

    // Lists a service and makes its monitor (connected once start() has run); for a service
    // listed already, its existing monitor.
    MainWindow *addService(const ServiceEntry &entry);
    // Lists a remote service and saves it in the settings.
    MainWindow *addRemoteService(const ServiceEntry &entry);
    // Removes a saved remote service from the list and the settings (others are not removable:
    // the local ones would come back at the next look).
    void removeService(int row);
    void addSavedServices();
    // Lists the local channels of `directory` (default: the per-user channel directory) that
    // answer and are not listed yet.
    void discoverLocalChannels();
    void setChannelDirectory(const QString &directory) { m_channelDirectory = directory; }
    void setDiscoveryInterval(int ms) { m_discovery.setInterval(ms); }

    void start(); // connect every service, and keep looking for local channels

    int serviceCount() const;
    MainWindow *service(int row) const;
    MainWindow *current() const;
    int currentRow() const;
    void setCurrent(int row);
    ServiceListModel *model() const { return m_model; }
    QListView *sidebar() const { return m_sidebar; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void onCurrentChanged();
    void askForRemoteService();
    void saveRemoteServices() const;

    ServiceListModel *m_model;
    QListView *m_sidebar;
    QPushButton *m_addButton;
    QPushButton *m_removeButton;
    QStackedWidget *m_stack;
    QSplitter *m_splitter;
    QList<MainWindow *> m_windows; // by row
    QTimer m_discovery;
    QString m_channelDirectory;
    QSet<QString> m_savedKeys; // the remote services kept in the settings
    bool m_started = false;
};

} // namespace afcgi::gui
